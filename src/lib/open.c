/*
 * Opening a handle, the one place that wires the modules together: the
 * catalogue asks the stock through a hook on the handle instead of calling
 * it, so the stock depends on the catalogue and not the reverse (README,
 * "How the library is laid out").
 */
#include "entrepot/db.h"
#include "internal.h"
#include "search_internal.h"
#include "stock_internal.h"

int ent_db_open(ent_db **out, const char *path, int flags)
{
    int rc = entx_db_open(out, path, flags);
    if (*out != NULL)
        (*out)->product_usage = entx_stock_product_usage;
    /* Commodities there before the search keys (schema 13) get them now. */
    if (rc == ENT_OK && !(flags & ENT_OPEN_READONLY))
        rc = entx_search_fill_pending(*out);
    if (rc == ENT_OK && (*out)->migrated)
        entx_db_log_empty(*out);
    return rc;
}
