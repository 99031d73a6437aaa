/* `entrepot hq transfer list`: the transfers between the chain's stores as
 * head office holds them (schema/hq/003_transfers.sql), in transit first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hq.h"

static const char hq_transfer_help[] =
    "usage: entrepot hq transfer list [--store CODE] [--in-transit] --pg URL\n"
    "\n"
    "The transfers between the chain's stores, from the events the stores pushed:\n"
    "in transit (shipped, the receipt not yet at head office) first, then received,\n"
    "newest first. --store: only those it sent or receives. --in-transit: only the\n"
    "goods between stores now. short and over are per transfer, net: units shipped\n"
    "less units received and damaged. A transfer to a code head office does not\n"
    "know shows as \"unknown store\".\n"
    "\n"
    "example:\n"
    "  entrepot hq transfer list --in-transit --pg 'host=hq.example dbname=hq user=hqadmin'\n";

static const char list_sql[] =
    "SELECT t.uuid, t.from_store, t.to_store, "
    "CASE WHEN s.code IS NULL THEN 'unknown store' WHEN t.received_at IS NULL THEN 'in transit' "
    "ELSE 'received' END, "
    "to_char(t.shipped_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "coalesce(to_char(t.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), "
    "jsonb_array_length(t.ship->'lines'), t.units, coalesce(t.received_units::text, ''), "
    "coalesce(t.damaged_units::text, ''), "
    "CASE WHEN t.received_at IS NULL THEN '' ELSE greatest(t.units - t.received_units - t.damaged_units, 0)::text END, "
    "CASE WHEN t.received_at IS NULL THEN '' ELSE greatest(t.received_units + t.damaged_units - t.units, 0)::text END "
    "FROM hq.transfer t LEFT JOIN hq.store s ON s.code = t.to_store "
    "WHERE ($1::text IS NULL OR t.from_store = $1 OR t.to_store = $1) AND (NOT $2::bool OR t.received_at IS NULL) "
    "ORDER BY t.received_at IS NOT NULL, t.shipped_at DESC, t.uuid";

static int list(struct cli *cli, const char *url, const char *store, bool in_transit)
{
    PGconn *pg = NULL;
    if (store && !ent_outbox_store_valid(store))
        return cli_error(EXIT_USAGE, "--store '%s' is not a store code (2 to 16 capital letters and digits)",
                         ENT_CLIP(store, 40));
    int st = hq_connect(&pg, url, NULL, false);
    if (st != 0)
        return st;
    const char *params[2] = {store, in_transit ? "true" : "false"};
    PGresult *res = PQexecParams(pg, list_sql, 2, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        st = hq_fail(pg, res, "listing the transfers");
    else {
        static const char *const head[] = {"uuid",  "from",    "to",       "status",  "shipped_at", "received_at",
                                           "lines", "shipped", "received", "damaged", "short",      "over"};
        hq_print_rows(cli, res, 12, head, "------nnnnnn");
    }
    PQclear(res);
    PQfinish(pg);
    return st;
}

int hq_cmd_transfer(struct cli *cli, int argc, char **argv)
{
    const char *url = NULL, *store = NULL;
    bool in_transit = false;
    const struct cli_opt opts[] = {
        {"pg", &url, NULL}, {"store", &store, NULL}, {"in-transit", NULL, &in_transit}, {0}};
    const char *pos[2];
    int npos, st = cli_parse(argc - 1, argv + 1, opts, hq_transfer_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    if (npos != 1 || strcmp(pos[0], "list") != 0)
        return cli_error(EXIT_USAGE, "hq transfer needs list (see --help)");
    return cli_stdout_status(list(cli, url ? url : getenv("ENTREPOT_HQ"), store, in_transit));
}
