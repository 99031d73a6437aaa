/* entrepot serve — the routes of /api/v1 and the right each needs
 * (README, "The store server": the same table with examples). */
#include "server.h"

#define ROUTE(name) int name(struct req *r, json_t *body, const char *tail, struct reply *out)
ROUTE(route_health);
ROUTE(route_openapi);
ROUTE(route_login);
ROUTE(route_logout);
ROUTE(route_me);
ROUTE(route_products);
ROUTE(route_product);
ROUTE(route_scan);
ROUTE(route_stock);
ROUTE(route_stock_low);
ROUTE(route_stock_expiring);
ROUTE(route_stock_history);
ROUTE(route_receive);
ROUTE(route_move);
ROUTE(route_adjust);
ROUTE(route_sale);
ROUTE(route_users);
ROUTE(route_user_add);
ROUTE(route_user_edit);
ROUTE(route_user_retire);
ROUTE(route_tokens);
ROUTE(route_token_add);
ROUTE(route_token_revoke);
/* catalogue, locations, counts, reports, journal, store (routes_catalog.c,
 * routes_stock2.c, routes_report.c, routes_journal.c) */
ROUTE(route_product_add);
ROUTE(route_product_edit);
ROUTE(route_product_retire);
ROUTE(route_product_history);
ROUTE(route_catalog_export);
ROUTE(route_catalog_import);
ROUTE(route_locations);
ROUTE(route_countries);
ROUTE(route_currencies);
/* purchasing, read side (routes_purchase.c) */
ROUTE(route_suppliers);
ROUTE(route_purchases);
ROUTE(route_purchase);
ROUTE(route_margins);
/* purchasing, the rest (routes_purchase.c, routes_purchase_write.c) */
ROUTE(route_supplier);
ROUTE(route_supplier_add);
ROUTE(route_supplier_edit);
ROUTE(route_supplier_import);
ROUTE(route_supplier_item_set);
ROUTE(route_supplier_item_remove);
ROUTE(route_supplier_item_import);
ROUTE(route_purchase_create);
ROUTE(route_purchase_line_set);
ROUTE(route_purchase_line_remove);
ROUTE(route_purchase_send);
ROUTE(route_purchase_cancel);
ROUTE(route_purchase_close);
ROUTE(route_purchase_receive);
ROUTE(route_purchase_suggestions);
ROUTE(route_purchase_suggest);
ROUTE(route_purchase_pdf);
ROUTE(route_purchase_history);
ROUTE(route_receiving);
ROUTE(route_receiving_order);
ROUTE(route_rates);
ROUTE(route_rate_set);
ROUTE(route_rate_import);
ROUTE(route_declaration_set);
ROUTE(route_landed_compute);
ROUTE(route_location_add);
ROUTE(route_location_edit);
ROUTE(route_scrap);
ROUTE(route_counts);
ROUTE(route_count_show);
ROUTE(route_count_start);
ROUTE(route_count_record);
ROUTE(route_count_post);
ROUTE(route_report_sales);
ROUTE(route_sync_status);
/* head office's chain-wide views (routes_hq.c, serve --hq-read) */
ROUTE(route_hq_stock);
ROUTE(route_hq_sales);
ROUTE(route_hq_flow);
ROUTE(route_hq_expiring);
ROUTE(route_hq_holders);
ROUTE(route_report_flow);
ROUTE(route_flow_import);
ROUTE(route_closings);
ROUTE(route_close);
ROUTE(route_journal_verify);
ROUTE(route_journal_export);
ROUTE(route_journal_pubkey);
ROUTE(route_store);
ROUTE(route_store_edit);
ROUTE(route_basket_get);
ROUTE(route_basket_post);
ROUTE(route_basket_patch);
ROUTE(route_basket_delete);
ROUTE(route_sale_post);
ROUTE(route_sale_receipt);
ROUTE(route_receipt_printers);
ROUTE(route_events);
ROUTE(route_label_templates);
ROUTE(route_label_preview);
ROUTE(route_label_print);
ROUTE(route_label_queue);
ROUTE(route_label_queue_print);
ROUTE(route_label_queue_clear);
ROUTE(route_label_queue_add);

#define V1 "/api/v1/"
const struct route srv_routes[] = {
    {"GET", V1 "health", 0, RIGHT_OPEN, route_health, 0},
    {"POST", V1 "login", 0, RIGHT_OPEN, route_login, 0},
    {"POST", V1 "logout", 0, RIGHT_ANY, route_logout, 0},
    {"GET", V1 "me", 0, RIGHT_ANY, route_me, 0},
    {"GET", V1 "openapi.json", 0, RIGHT_ANY, route_openapi, 0},
    {"GET", V1 "products", 0, RIGHT_ANY, route_products, 0},
    {"GET", V1 "products/", 1, RIGHT_ANY, route_product, 0},
    {"GET", V1 "scan", 0, RIGHT_ANY, route_scan, 0},
    {"GET", V1 "stock", 0, RIGHT_ANY, route_stock, 0},
    {"GET", V1 "stock/low", 0, RIGHT_ANY, route_stock_low, 0},
    {"GET", V1 "stock/expiring", 0, RIGHT_ANY, route_stock_expiring, 0},
    {"GET", V1 "stock/history/", 1, ENT_RIGHT_READ, route_stock_history, ENT_RIGHT_STOCK},
    {"POST", V1 "stock/receive", 0, ENT_RIGHT_STOCK, route_receive, 0},
    {"POST", V1 "stock/move", 0, ENT_RIGHT_STOCK, route_move, 0},
    {"POST", V1 "stock/adjust", 0, ENT_RIGHT_STOCK, route_adjust, 0},
    {"POST", V1 "sales", 0, ENT_RIGHT_SELL, route_sale, 0},
    {"GET", V1 "users", 0, ENT_RIGHT_USERS, route_users, 0},
    {"POST", V1 "users", 0, ENT_RIGHT_USERS, route_user_add, 0},
    {"PATCH", V1 "users/", 1, ENT_RIGHT_USERS, route_user_edit, 0},
    {"DELETE", V1 "users/", 1, ENT_RIGHT_USERS, route_user_retire, 0},
    {"GET", V1 "tokens", 0, ENT_RIGHT_USERS, route_tokens, 0},
    {"POST", V1 "tokens", 0, ENT_RIGHT_USERS, route_token_add, 0},
    {"DELETE", V1 "tokens/", 1, ENT_RIGHT_USERS, route_token_revoke, 0},
    /* catalogue, locations, counts, reports, journal, store */
    {"POST", V1 "products", 0, ENT_RIGHT_CATALOG, route_product_add, 0},
    {"PATCH", V1 "products/", 1, ENT_RIGHT_CATALOG, route_product_edit, 0},
    {"DELETE", V1 "products/", 1, ENT_RIGHT_CATALOG, route_product_retire, 0},
    {"GET", V1 "products/history/", 1, ENT_RIGHT_READ, route_product_history, ENT_RIGHT_CATALOG},
    {"GET", V1 "catalog/export", 0, ENT_RIGHT_CATALOG, route_catalog_export, ENT_RIGHT_READ},
    {"POST", V1 "catalog/import", 0, ENT_RIGHT_CATALOG, route_catalog_import, 0},
    {"GET", V1 "locations", 0, RIGHT_ANY, route_locations, 0},
    {"GET", V1 "countries", 0, RIGHT_ANY, route_countries, 0},
    {"GET", V1 "currencies", 0, RIGHT_ANY, route_currencies, 0},
    /* purchasing: the manager's; read by the auditor too; the stock clerk
     * receives against an order (README "Purchasing"). Exact paths before
     * the prefixes that would take them as a code. */
    {"GET", V1 "suppliers", 0, ENT_RIGHT_CATALOG, route_suppliers, ENT_RIGHT_READ},
    {"POST", V1 "suppliers", 0, ENT_RIGHT_CATALOG, route_supplier_add, 0},
    {"POST", V1 "suppliers/import", 0, ENT_RIGHT_CATALOG, route_supplier_import, 0},
    {"GET", V1 "suppliers/", 2, ENT_RIGHT_CATALOG, route_supplier, ENT_RIGHT_READ},
    {"PATCH", V1 "suppliers/", 2, ENT_RIGHT_CATALOG, route_supplier_edit, 0},
    {"POST", V1 "supplier-items", 0, ENT_RIGHT_CATALOG, route_supplier_item_set, 0},
    {"DELETE", V1 "supplier-items", 0, ENT_RIGHT_CATALOG, route_supplier_item_remove, 0},
    {"POST", V1 "supplier-items/import", 0, ENT_RIGHT_CATALOG, route_supplier_item_import, 0},
    {"GET", V1 "purchases", 0, ENT_RIGHT_CATALOG, route_purchases, ENT_RIGHT_READ},
    {"POST", V1 "purchases", 0, ENT_RIGHT_CATALOG, route_purchase_create, 0},
    {"POST", V1 "purchases/lines", 0, ENT_RIGHT_CATALOG, route_purchase_line_set, 0},
    {"DELETE", V1 "purchases/lines", 0, ENT_RIGHT_CATALOG, route_purchase_line_remove, 0},
    {"POST", V1 "purchases/send", 0, ENT_RIGHT_CATALOG, route_purchase_send, 0},
    {"POST", V1 "purchases/cancel", 0, ENT_RIGHT_CATALOG, route_purchase_cancel, 0},
    {"POST", V1 "purchases/close", 0, ENT_RIGHT_CATALOG, route_purchase_close, 0},
    {"POST", V1 "purchases/receive", 0, ENT_RIGHT_STOCK, route_purchase_receive, 0},
    {"GET", V1 "purchases/suggestions", 0, ENT_RIGHT_CATALOG, route_purchase_suggestions, ENT_RIGHT_READ},
    {"POST", V1 "purchases/suggestions", 0, ENT_RIGHT_CATALOG, route_purchase_suggest, 0},
    {"GET", V1 "purchases/pdf/", 1, ENT_RIGHT_CATALOG, route_purchase_pdf, ENT_RIGHT_READ},
    {"GET", V1 "purchases/history/", 1, ENT_RIGHT_CATALOG, route_purchase_history, ENT_RIGHT_READ},
    {"GET", V1 "purchases/", 1, ENT_RIGHT_CATALOG, route_purchase, ENT_RIGHT_READ},
    {"GET", V1 "receiving", 0, ENT_RIGHT_STOCK, route_receiving, 0},
    {"GET", V1 "receiving/", 1, ENT_RIGHT_STOCK, route_receiving_order, 0},
    {"GET", V1 "rates", 0, ENT_RIGHT_CATALOG, route_rates, ENT_RIGHT_READ},
    {"POST", V1 "rates", 0, ENT_RIGHT_CATALOG, route_rate_set, 0},
    {"POST", V1 "rates/import", 0, ENT_RIGHT_CATALOG, route_rate_import, 0},
    {"POST", V1 "declarations", 0, ENT_RIGHT_CATALOG, route_declaration_set, 0},
    {"POST", V1 "landed", 0, ENT_RIGHT_CATALOG, route_landed_compute, 0},
    {"GET", V1 "margins", 0, ENT_RIGHT_CATALOG, route_margins, ENT_RIGHT_READ},
    {"POST", V1 "locations", 0, ENT_RIGHT_CATALOG, route_location_add, 0},
    {"PATCH", V1 "locations/", 1, ENT_RIGHT_CATALOG, route_location_edit, 0},
    {"POST", V1 "stock/scrap", 0, ENT_RIGHT_STOCK, route_scrap, 0},
    {"GET", V1 "counts", 0, ENT_RIGHT_STOCK, route_counts, ENT_RIGHT_READ},
    {"GET", V1 "counts/", 1, ENT_RIGHT_STOCK, route_count_show, ENT_RIGHT_READ},
    {"POST", V1 "counts", 0, ENT_RIGHT_STOCK, route_count_start, 0},
    {"POST", V1 "counts/record/", 1, ENT_RIGHT_STOCK, route_count_record, 0},
    {"POST", V1 "counts/post/", 1, ENT_RIGHT_STOCK, route_count_post, 0},
    {"GET", V1 "reports/sales", 0, ENT_RIGHT_READ, route_report_sales, 0},
    {"GET", V1 "sync/status", 0, ENT_RIGHT_READ, route_sync_status, 0},
    {"GET", V1 "hq/stock", 0, ENT_RIGHT_READ, route_hq_stock, 0},
    {"GET", V1 "hq/sales", 0, ENT_RIGHT_READ, route_hq_sales, 0},
    {"GET", V1 "hq/flow", 0, ENT_RIGHT_READ, route_hq_flow, 0},
    {"GET", V1 "hq/expiring", 0, ENT_RIGHT_READ, route_hq_expiring, 0},
    {"GET", V1 "hq/holders", 0, ENT_RIGHT_READ, route_hq_holders, 0},
    {"GET", V1 "reports/flow", 0, ENT_RIGHT_READ, route_report_flow, 0},
    {"POST", V1 "flow/import", 0, ENT_RIGHT_SETTINGS, route_flow_import, 0},
    {"GET", V1 "journal/closings", 0, ENT_RIGHT_READ, route_closings, 0},
    {"POST", V1 "journal/close", 0, ENT_RIGHT_APPROVE, route_close, 0},
    {"GET", V1 "journal/verify", 0, ENT_RIGHT_READ, route_journal_verify, 0},
    {"GET", V1 "journal/export", 0, ENT_RIGHT_READ, route_journal_export, 0},
    {"GET", V1 "journal/pubkey", 0, ENT_RIGHT_READ, route_journal_pubkey, 0},
    {"GET", V1 "store", 0, RIGHT_ANY, route_store, 0},
    {"PATCH", V1 "store", 0, ENT_RIGHT_SETTINGS, route_store_edit, 0},
    /* the counter through the server (routes_sales.c); prefix 2: the tail has several segments */
    {"GET", V1 "counters/", 2, ENT_RIGHT_SELL, route_basket_get, 0},
    {"POST", V1 "counters/", 2, ENT_RIGHT_SELL, route_basket_post, 0},
    {"PATCH", V1 "counters/", 2, ENT_RIGHT_SELL, route_basket_patch, 0},
    {"DELETE", V1 "counters/", 2, ENT_RIGHT_SELL, route_basket_delete, 0},
    {"POST", V1 "sales/", 2, ENT_RIGHT_SELL, route_sale_post, ENT_RIGHT_RETURN},
    {"GET", V1 "sales/", 2, ENT_RIGHT_SELL, route_sale_receipt, ENT_RIGHT_READ},
    {"GET", V1 "receipt-printers", 0, ENT_RIGHT_SELL, route_receipt_printers, ENT_RIGHT_READ},
    {"GET", V1 "events", 0, RIGHT_ANY, route_events, 0},
    {"GET", V1 "labels/templates", 0, ENT_RIGHT_LABELS, route_label_templates, ENT_RIGHT_READ},
    {"GET", V1 "labels/preview", 0, ENT_RIGHT_LABELS, route_label_preview, ENT_RIGHT_CATALOG},
    {"POST", V1 "labels/print", 0, ENT_RIGHT_LABELS, route_label_print, 0},
    {"GET", V1 "labels/queue", 0, ENT_RIGHT_LABELS, route_label_queue, ENT_RIGHT_READ},
    {"POST", V1 "labels/queue/print", 0, ENT_RIGHT_LABELS, route_label_queue_print, 0},
    {"DELETE", V1 "labels/queue", 0, ENT_RIGHT_LABELS, route_label_queue_clear, 0},
    {"POST", V1 "labels/queue", 0, ENT_RIGHT_LABELS, route_label_queue_add, ENT_RIGHT_STOCK},
    {NULL, NULL, 0, 0, NULL, 0},
};
