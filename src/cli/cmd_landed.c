/* entrepot rate / landed: exchange rates, and the landed cost of the lots of
 * a customs declaration. */
#include <errno.h>
#include <string.h>

#include "cli.h"

static const char rate_help[] =
    "usage: entrepot rate set CURRENCY YYYY-MM-DD RATE\n"
    "       entrepot rate import FILE.csv [--encoding utf-8|gb18030|gbk]\n"
    "                                          (columns currency, day, rate)\n"
    "       entrepot rate list [CURRENCY]\n"
    "\n"
    "How much of the store's currency one unit of CURRENCY buys on a day, with at\n"
    "most 6 decimals; never 0. Setting a currency and day again replaces the rate.\n"
    "A customs declaration takes the latest rate on or before its date; none is\n"
    "invented.\n"
    "\n"
    "examples:\n"
    "  entrepot rate set EUR 2026-11-30 7.712345\n"
    "  entrepot rate import rates.csv\n";

static const char landed_help[] =
    "usage: entrepot landed set DECLARATION [--date YYYY-MM-DD] [--duty X] [--vat X]\n"
    "              [--consumption-tax X] [--freight X] [--insurance X] [--other X]\n"
    "              [--by value|weight|quantity]\n"
    "       entrepot landed show DECLARATION\n"
    "\n"
    "The charges of a customs declaration in the store's currency, spread over the\n"
    "lots received with its number by goods value (default), weight or quantity.\n"
    "`show` works out each lot's landed cost, stores it and prints it: goods value x\n"
    "the rate of the declaration's date + its part of each charge. Each charge is\n"
    "split in floor(charge x share / total) parts and what is left goes to the lot\n"
    "with the largest share (marked *), so the parts sum exactly.\n"
    "\n"
    "examples:\n"
    "  entrepot landed set 223320261000123456 --date 2026-11-28 --duty 1234.00 --vat 2101.88 \\\n"
    "      --freight 800.00 --insurance 50.00 --by value\n"
    "  entrepot landed show 223320261000123456\n";

static int rate_row(const ent_rate *r, void *ud)
{
    char rate[32];
    ent_decimal_format(rate, sizeof rate, r->rate, 6);
    const char *cells[] = {r->currency, r->day, rate, r->entered_by};
    cli_table_add(ud, cells);
    return 0;
}

int cmd_rate(struct cli *cli, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs(rate_help, argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[0], *pos[3], *encoding = NULL;
    const struct cli_opt opts[] = {CLI_ENCODING_OPT(encoding), {0}};
    int npos, st = cli_parse(argc - 1, argv + 1, opts, rate_help, pos, 3, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (encoding && strcmp(sub, "import") != 0)
        return cli_error(EXIT_USAGE, "--encoding is for rate import (a CSV file)");
    int rc;
    if (strcmp(sub, "set") == 0) {
        if (npos != 3)
            return cli_error(EXIT_USAGE, "rate set needs CURRENCY, DATE and RATE (see --help)");
        if ((st = cli_open(cli, 0)) != 0)
            return st;
        if ((rc = ent_rate_set(cli->db, pos[0], pos[1], pos[2])) != ENT_OK)
            return cli_fail(cli, rc);
        printf("rate %s on %s: %s\n", pos[0], pos[1], pos[2]);
        return EXIT_OK;
    }
    if (strcmp(sub, "import") == 0) {
        if (npos != 1 || *pos[0] == '\0')
            return cli_error(EXIT_USAGE, "rate import needs a CSV FILE (or - for standard input)");
        struct cli_input in;
        if ((st = cli_input_open(&in, pos[0], encoding)) != 0)
            return st;
        int64_t n = 0;
        st = cli_open(cli, 0);
        rc = st == 0 ? ent_rate_import_csv(cli->db, &n, in.f) : ENT_OK;
        if (rc != ENT_OK)
            st = cli_input_fail(cli, &in, rc);
        cli_input_close(&in);
        if (st != 0)
            return st;
        printf("imported %lld rates from %s\n", (long long)n, pos[0]);
        return EXIT_OK;
    }
    if (strcmp(sub, "list") == 0) {
        if (npos > 1)
            return cli_error(EXIT_USAGE, "rate list takes at most a CURRENCY");
        if ((st = cli_open(cli, 0)) != 0)
            return st;
        const char *headers[] = {"currency", "day", "rate", "entered_by"};
        struct cli_table *t = cli_table_new(4, headers, "  n ");
        rc = ent_rate_each(cli->db, npos ? pos[0] : NULL, rate_row, t);
        if (rc == ENT_OK)
            cli_table_print(cli, t, stdout);
        cli_table_free(t);
        return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
    }
    return cli_error(EXIT_USAGE, "unknown rate command '%s' (see entrepot rate --help)", ENT_CLIP(sub, 32));
}

struct show {
    struct cli_table *t;
    char cur[ENT_CURRENCY_SIZE];
};

static int landed_row(const ent_landed_lot *l, void *ud)
{
    struct show *s = ud;
    char q[24], w[24], fx[ENT_MONEY_TEXT_SIZE], rate[32], m[9][ENT_MONEY_TEXT_SIZE];
    snprintf(q, sizeof q, "%lld", (long long)l->qty);
    snprintf(w, sizeof w, "%lld", (long long)l->weight);
    ent_money_format(fx, sizeof fx, l->goods_foreign, l->currency);
    ent_decimal_format(rate, sizeof rate, l->rate, 6);
    const int64_t v[9] = {l->goods, l->duty, l->import_vat, l->consumption_tax, l->freight, l->insurance, l->other, l->landed, l->unit};
    for (int i = 0; i < 9; i++)
        ent_money_format(m[i], sizeof m[i], v[i], s->cur);
    const char *cells[] = {l->remainder ? "*" : "", l->lot, l->gtin[0] ? cli_gtin(l->gtin) : l->sku, q, w, fx, l->currency,
                           rate, l->rate_day, m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]};
    cli_table_add(s->t, cells);
    return 0;
}

int cmd_landed(struct cli *cli, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs(landed_help, argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[0], *pos[1];
    ent_declaration_fields f = {0};
    const struct cli_opt opts[] = {{"date", &f.date, NULL},         {"duty", &f.duty, NULL},
                                   {"vat", &f.import_vat, NULL},    {"consumption-tax", &f.consumption_tax, NULL},
                                   {"freight", &f.freight, NULL},   {"insurance", &f.insurance, NULL},
                                   {"other", &f.other, NULL},       {"by", &f.basis, NULL},
                                   {0}};
    bool set = strcmp(sub, "set") == 0;
    if (!set && strcmp(sub, "show") != 0)
        return cli_error(EXIT_USAGE, "unknown landed command '%s' (see entrepot landed --help)", ENT_CLIP(sub, 32));
    int npos, st = cli_parse(argc - 1, argv + 1, set ? opts : NULL, landed_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "landed %s needs the DECLARATION number (see --help)", sub);
    if ((set && (st = cli_refuse_empty(opts)) != 0) || (st = cli_open(cli, 0)) != 0)
        return st;
    int rc;
    if (set) {
        f.number = pos[0];
        if ((rc = ent_declaration_set(cli->db, &f)) != ENT_OK)
            return cli_fail(cli, rc);
        printf("declaration %s: charges recorded\n", pos[0]);
        return EXIT_OK;
    }
    ent_store *store = NULL;
    struct show s = {0};
    if ((rc = ent_store_get(cli->db, &store)) != ENT_OK)
        return cli_fail(cli, rc);
    memcpy(s.cur, store->currency, sizeof s.cur);
    ent_store_free(store);
    const char *headers[] = {"rest", "lot", "code", "qty", "weight_g", "goods_foreign", "currency", "rate", "rate_day",
                             "goods", "duty", "import_vat", "consumption_tax", "freight", "insurance", "other",
                             "landed", "unit_landed"};
    s.t = cli_table_new(18, headers, "   nnn n nnnnnnnnn");
    rc = ent_landed_compute(cli->db, pos[0], landed_row, &s);
    if (rc == ENT_OK)
        cli_table_print(cli, s.t, stdout);
    cli_table_free(s.t);
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}
