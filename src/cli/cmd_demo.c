/* entrepot demo — fill a new database with a realistic import trading centre. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

#include "entrepot/demo.h"

static const char demo_help[] =
    "usage: entrepot demo [--seed N] [--commodities N] [--today YYYY-MM-DD]\n"
    "                     [--store CODE --name NAME] [--currency CNY] [--tz Asia/Shanghai]\n"
    "\n"
    "Fills a new database (--db, $ENTREPOT_DB or ./entrepot.db) with a demo import\n"
    "trading centre: 8,000 commodities from about 100 countries and regions with\n"
    "Chinese and English names, GTINs, HS codes, prices, tax rates and importers;\n"
    "about two lots each with origin, customs declaration, dates and cost; shelf,\n"
    "back-room, bonded, quarantine and returns locations. Some lots are expired,\n"
    "some expire within 30 days, some commodities are below their reorder point.\n"
    "A database that already has commodities is refused and left as it was.\n"
    "\n"
    "  --seed N          the same seed (and --today) gives the same centre (default 1)\n"
    "  --commodities N   how many commodities, 1 to 10,000,000 (default 8000)\n"
    "  --today DATE      the day expiry dates are placed around (default: $ENTREPOT_TODAY,\n"
    "                    else today in the store's time zone)\n"
    "  --store CODE --name NAME --currency CODE --tz ZONE\n"
    "                    the store, when the database has none yet (default SH01\n"
    "                    \"上海环球进口商品馆\", CNY, Asia/Shanghai)\n"
    "\n"
    "examples:\n"
    "  entrepot --db demo.db demo\n"
    "  entrepot --db bench.db demo --seed 7 --commodities 1000000\n";

/* The demo's size: one range, one message, whatever was typed. */
static int parse_commodities(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = s[0] >= '0' && s[0] <= '9' ? strtoull(s, &end, 10) : 0;
    if (s[0] < '0' || s[0] > '9' || errno || *end || v < 1 || v > ENT_DEMO_MAX_COMMODITIES)
        return cli_error(EXIT_USAGE, "--commodities '%s': the demo makes from 1 to %d commodities", s,
                         ENT_DEMO_MAX_COMMODITIES);
    *out = v;
    return 0;
}

static int parse_u64(const char *s, const char *what, uint64_t *out)
{
    char *end;
    errno = 0;
    if (s[0] < '0' || s[0] > '9')
        return cli_error(EXIT_USAGE, "%s '%s' must be a whole number of 0 or more", what, s);
    unsigned long long v = strtoull(s, &end, 10);
    if (errno == ERANGE && *end == '\0')
        return cli_error(EXIT_USAGE, "%s '%s' is too large: the most is %llu", what, s, ULLONG_MAX);
    if (errno || *end)
        return cli_error(EXIT_USAGE, "%s '%s' must be a whole number of 0 or more", what, s);
    *out = v;
    return 0;
}

/* YYYY-MM-DD naming a day that exists: checked before the database file is
 * made, so that a mistyped date leaves nothing behind. The library's last
 * error says what is wrong. */
static int valid_date(const char *s)
{
    return ent_date_check(NULL, s) == ENT_OK;
}

/* Today in the store's zone ($ENTREPOT_TODAY wins, as in `stock levels`), so
 * that the demo's "expiring within 30 days" matches what stock levels shows. */
static void today_in(const char *tz, char out[ENT_DATE_SIZE])
{
    const char *fixed = getenv("ENTREPOT_TODAY");
    if (fixed && *fixed) {
        snprintf(out, ENT_DATE_SIZE, "%s", fixed);
        return;
    }
    if (ent_time_today(out, tz && *tz ? tz : "UTC") != ENT_OK)
        ent_time_today(out, "UTC"); /* the zone was checked when the store was made */
}

static void progress(const char *stage, int64_t done, int64_t total, void *ud)
{
    (void)ud;
    fprintf(stderr, "\rdemo: %lld of %lld %s (%d%%)", (long long)done, (long long)total, stage,
            (int)(done * 100 / total));
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void print_json(const ent_demo_stats *s, const ent_store *store, uint64_t seed, double secs, const char *key)
{
    json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
                          "s:s, s:s, s:s, s:f}",
                          "store", store ? store->code : "", "store_name", store ? store->name : "",
                          "seed", (json_int_t)seed, "today", s->today,
                          "commodities", (json_int_t)s->commodities, "countries", (json_int_t)s->countries,
                          "lots", (json_int_t)s->lots, "units", (json_int_t)s->units,
                          "expired_lots", (json_int_t)s->expired_lots, "expiring_lots", (json_int_t)s->expiring_lots,
                          "low_stock", (json_int_t)s->low_stock, "locations", (json_int_t)s->locations,
                          "skus", (json_int_t)s->skus, "case_barcodes", (json_int_t)s->case_barcodes,
                          "bonded_lots", (json_int_t)s->bonded_lots, "quarantine_lots", (json_int_t)s->quarantine_lots,
                          "foreign_cost_lots", (json_int_t)s->foreign_cost_lots,
                          "sample_gtin", s->sample_gtin, "sample_search", s->sample_search,
                          "sample_origin", s->sample_origin, "seconds", secs);
    json_object_set_new(o, "signing_key", key ? json_string(key) : json_null());
    json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(o);
}

static void print_tour(struct cli *cli, const ent_demo_stats *s, const ent_store *store, uint64_t seed, double secs)
{
    char pre[600];
    /* The commands to try must reach this database, wherever it is. */
    const char *env = getenv("ENTREPOT_DB");
    if (strcmp(cli->db_path, env && *env ? env : "entrepot.db") == 0)
        snprintf(pre, sizeof pre, "entrepot");
    else if (strpbrk(cli->db_path, " '\"$\\&;|<>()*?`") == NULL)
        snprintf(pre, sizeof pre, "entrepot --db %s", cli->db_path);
    else
        snprintf(pre, sizeof pre, "entrepot --db '%s'", cli->db_path);
    printf("demo centre ready in %s: store %s %s (seed %llu, today %s, %.1f s)\n", cli->db_path,
           store ? store->code : "", store ? store->name : "", (unsigned long long)seed, s->today, secs);
    printf("  commodities  %8lld  from %lld countries and regions; %lld with a store SKU, %lld with a case GTIN-14\n",
           (long long)s->commodities, (long long)s->countries, (long long)s->skus, (long long)s->case_barcodes);
    printf("  lots         %8lld  %lld units; %lld costed in a foreign currency\n", (long long)s->lots,
           (long long)s->units, (long long)s->foreign_cost_lots);
    printf("  expired      %8lld  lots past their expiry date; %lld more expire within 30 days\n",
           (long long)s->expired_lots, (long long)s->expiring_lots);
    printf("  low stock    %8lld  commodities at or below their reorder point\n", (long long)s->low_stock);
    printf("  locations    %8lld  shelves A-H, back room, bonded (%lld lots), quarantine (%lld lots), returns\n",
           (long long)s->locations, (long long)s->bonded_lots, (long long)s->quarantine_lots);
    printf("\nTry:\n");
    char gtin_args[80];
    snprintf(gtin_args, sizeof gtin_args, "%s", s->sample_gtin);
    const struct { const char *cmd, *arg, *why; } tour[] = {
        {"stock levels --by origin", "", "units and cost value per country of origin"},
        {"stock levels --low --limit 20", "", "at or below the reorder point"},
        {"stock levels --expiring 30 --limit 20", "", "expired, or expiring within 30 days"},
        {"stock levels --by location --location BD-01", "", "still in bond, duty unpaid"},
        {"product search ", s->sample_search, "Chinese or English names"},
        {"product list --origin ", s->sample_origin, "by default origin"},
        {"product show ", gtin_args, "one commodity and its stock"},
        {"stock history ", gtin_args, "its ledger"},
        {"scan ", gtin_args, "what a scanner's code resolves to"},
        {"label print --template shelf-60x40 --format pdf --out shelf.pdf ", gtin_args, "a shelf label"},
        {"label print --template back-cn-70x50 --format pdf --out back.pdf ", gtin_args, "its Chinese back label"},
        {"check", "", "integrity and ledger recomputation"},
    };
    for (size_t i = 0; i < sizeof tour / sizeof *tour; i++) {
        char line[800];
        snprintf(line, sizeof line, "%s %s%s", pre, tour[i].cmd, tour[i].arg);
        size_t w = cli_text_width(line);
        printf("  %s%*s  # %s\n", line, w < 64 ? (int)(64 - w) : 0, "", tour[i].why);
    }
}

int cmd_demo(struct cli *cli, int argc, char **argv)
{
    const char *seed_s = NULL, *count_s = NULL, *today = NULL, *store_code = NULL, *name = NULL, *currency = NULL,
               *tz = NULL, *pos[1];
    const struct cli_opt opts[] = {{"seed", &seed_s, NULL},       {"commodities", &count_s, NULL},
                                   {"today", &today, NULL},       {"store", &store_code, NULL},
                                   {"name", &name, NULL},         {"currency", &currency, NULL},
                                   {"tz", &tz, NULL},             {0}};
    ent_demo_options opt = {0};
    ent_demo_stats stats;
    ent_store *store = NULL;
    char today_buf[ENT_DATE_SIZE];
    uint64_t seed = 1, count = ENT_DEMO_DEFAULT_COMMODITIES;
    struct timespec t0;
    int npos, st = cli_parse(argc, argv, opts, demo_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (seed_s && (st = parse_u64(seed_s, "--seed", &seed)) != 0)
        return st;
    if (count_s && (st = parse_commodities(count_s, &count)) != 0)
        return st;
    if (today && !valid_date(today))
        return cli_error(EXIT_USAGE, "--today %s", ent_error_last()->message);
    if ((store_code == NULL) != (name == NULL))
        return cli_error(EXIT_USAGE, "--store and --name go together (see --help)");
    /* A missing database is built under a temporary name and appears only
     * when it is complete: a refused demo leaves nothing behind. */
    if ((st = cli_open(cli, ENT_OPEN_CREATE | ENT_OPEN_STAGED)) != 0)
        return st;
    if (today == NULL) {
        const char *zone = tz ? tz : "Asia/Shanghai";
        if (ent_store_get(cli->db, &store) == ENT_OK)
            zone = store->tz;
        today_in(zone, today_buf);
        today = today_buf;
        ent_store_free(store);
        store = NULL;
    }
    opt.seed = seed;
    opt.commodities = (int64_t)count;
    opt.today = today;
    opt.store_code = store_code;
    opt.store_name = name;
    opt.currency = currency;
    opt.tz = tz;
    if (count >= 50000) {
        opt.progress = progress;
        fprintf(stderr, "demo: making %llu commodities in %s\n", (unsigned long long)count, cli->db_path);
    }
    /* A store the demo makes gets its signing key too (DB.key, as init does),
     * so that the demo centre can sell at once. */
    int new_store = ent_store_get(cli->db, &store) == ENT_NOTFOUND;
    const char *passphrase = getenv("ENTREPOT_KEY_PASSPHRASE");
    char keypath[4096], key_id[ENT_HASH_HEX_SIZE] = "";
    snprintf(keypath, sizeof keypath, "%s.key", cli->db_path);
    if (passphrase && *passphrase == '\0')
        passphrase = NULL;
    ent_store_free(store);
    store = NULL;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = ent_demo_fill(cli->db, &stats, &opt);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    if (new_store && (rc = ent_journal_start(cli->db, key_id, keypath, passphrase)) != ENT_OK)
        return cli_error(cli_exit_code(rc), "the demo's signing key was not made: %s", cli_errmsg(cli));
    if ((rc = ent_db_publish(cli->db)) != ENT_OK) {
        if (new_store)
            unlink(keypath); /* made by this run a moment ago (never over an existing file) */
        return cli_fail(cli, rc);
    }
    double secs = seconds_since(&t0);
    ent_store_get(cli->db, &store);
    if (cli->format == FORMAT_JSON) {
        print_json(&stats, store, seed, secs, *key_id ? keypath : NULL);
    } else {
        if (*key_id)
            printf("signing key %s (key id %.16s…), mode 0600: keep it safe, nothing can be sold without it\n", keypath,
                   key_id);
        print_tour(cli, &stats, store, seed, secs);
    }
    ent_store_free(store);
    return EXIT_OK;
}
