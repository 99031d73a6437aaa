/* entrepot scan — what a scanned code means and what it resolves to. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

static const char help_scan[] =
    "usage: entrepot scan [--fnc1 C] [--strict] [--no-db] [--codes FILE] [CODE...]\n"
    "       entrepot scan config [--fnc1 C|none] [--instore LAYOUT[,LAYOUT...]|none]\n"
    "\n"
    "Shows what entrepot understands from each scanned CODE: the kind of code,\n"
    "GTIN, lot, dates, serial, count, weight or measure, price, origin and every\n"
    "GS1 Application Identifier; and, when the database exists, the commodity\n"
    "and lot it resolves to and the quantity it stands for. Without CODE, reads\n"
    "one code a line from standard input, the way a counter scanner types.\n"
    "\n"
    "Understood: EAN-13, EAN-8, UPC-A, UPC-E, GTIN-14; GS1 element strings with\n"
    "or without an AIM symbology identifier (]C1 ]e0 ]d2 ]Q3 ]E0 ...), FNC1 sent\n"
    "as GS (0x1D) or the store's substitute, or in the bracketed form\n"
    "(01)...(17)...; GS1 Digital Link URIs (https://host/01/GTIN/10/LOT?17=...);\n"
    "in-store codes with a price or weight (prefixes 02, 04, 20-29) under the\n"
    "store's layouts; anything else as a store code (SKU or extra barcode).\n"
    "\n"
    "  --fnc1 C     take C as FNC1 for this run (instead of the stored setting)\n"
    "  --no-db      parse only; do not look anything up\n"
    "  --strict     GS1 data as GS1's own Syntax Engine checks it: unknown AIs,\n"
    "               AIs without their required companions (a (10) without its\n"
    "               GTIN), an extra FNC1 and Digital Link qualifiers in the query\n"
    "               are refused. Without it the counter's tolerances apply and\n"
    "               each one used is shown (tolerance).\n"
    "  --codes FILE the codes from FILE (- for standard input), one a line; blank\n"
    "               lines and lines starting with # are skipped\n"
    "\n"
    "Scanner settings (stored in the database, shown by `entrepot scan config`):\n"
    "  --fnc1 C     the character the store's scanners send for FNC1 when they\n"
    "               cannot send GS: one of # $ @ [ \\ ^ ` { | } ~ ; none to unset\n"
    "  --instore L  the in-store code layouts, comma-separated, tried in order.\n"
    "               A layout is 13 characters: the prefix digits, I item digits,\n"
    "               P price or W weight (kg) digits with an optional '.' for the\n"
    "               decimals, V the GS1 price/weight check digit (4 or 5 value\n"
    "               digits), C the EAN check digit. none removes them all.\n"
    "               20IIIIIPPP.PPC   prefix 20, 5-digit item, price 000.00-999.99\n"
    "               02IIIIIVPP.PPC   UPC-A number system 2 with price check digit\n"
    "               21IIIIIWW.WWWC   prefix 21, weight in kg with 3 decimals\n"
    "\n"
    "Exit status: 0 every code understood and found (or no database); 1 a scan\n"
    "contradicts the lot on record, or names a lot that is not on record;\n"
    "2 a code is invalid or no commodity has it (the reason on stderr);\n"
    "3 database error.\n"
    "\n"
    "examples:\n"
    "  entrepot scan 4006381333931\n"
    "  entrepot --json scan ']C1010400638133393117270531102024A'\n"
    "  entrepot scan 'https://id.gs1.org/01/04006381333931/10/2024A?17=270531'\n"
    "  entrepot scan config --fnc1 '~' --instore 20IIIIIPPP.PPC,21IIIIIWW.WWWC\n";

/* ---- output helpers ----------------------------------------------------- */

/* Bytes of the UTF-8 character at s (at most left), 0 when it is none. */
static size_t char_len(const unsigned char *s, size_t left)
{
    size_t k = *s >= 0xf0 ? 4 : *s >= 0xe0 ? 3 : *s >= 0xc0 ? 2 : 1;
    return k <= left && ent_utf8_valid((const char *)s, k) ? k : 0;
}

/* The code as people can read it: GS as <GS>, other control bytes and
 * bytes that are no UTF-8 as \xNN; "…" when it is too long to show whole.
 * Never cuts a character. */
static void show_input(char *buf, size_t len, const char *s, size_t n)
{
    size_t o = 0, i = 0;
    while (i < n && o + 12 < len) {
        const unsigned char *c = (const unsigned char *)s + i;
        size_t k = *c >= 0x80 ? char_len(c, n - i) : 1;
        if (*c == 0x1d)
            o += (size_t)snprintf(buf + o, len - o, "<GS>");
        else if (k == 0 || *c < 0x20 || *c == 0x7f)
            o += (size_t)snprintf(buf + o, len - o, "\\x%02X", *c);
        else
            memcpy(buf + o, c, k), o += k;
        i += k ? k : 1;
    }
    if (i < n)
        o += (size_t)snprintf(buf + o, len - o, "…");
    buf[o] = '\0';
}

struct out {
    struct cli *cli;
    struct cli_table *table; /* text and CSV */
    json_t *json;            /* JSON */
    json_t *obj;             /* the current code's object */
    const char *input;       /* the current code, shown (CSV rows carry it) */
    char currency[ENT_CURRENCY_SIZE]; /* the store's, for in-store prices */
};

static void field(struct out *o, const char *name, const char *value)
{
    if (value == NULL || value[0] == '\0')
        return;
    if (o->cli->format == FORMAT_CSV) {
        const char *cells[3] = {o->input, name, value};
        cli_table_add(o->table, cells);
    } else if (o->cli->format == FORMAT_TABLE) {
        const char *cells[2] = {name, value};
        cli_table_add(o->table, cells);
    }
}

static void jset_str(struct out *o, const char *key, const char *value)
{
    if (o->obj && value && value[0])
        json_object_set_new(o->obj, key, json_string(value));
}

static void decimal(char *buf, size_t len, int64_t value, int decimals)
{
    if (ent_decimal_format(buf, len, value, decimals) < 0)
        snprintf(buf, len, "%lld", (long long)value);
}

/* ---- one code ----------------------------------------------------------- */

static void put_parse(struct out *o, const ent_scan *s, const ent_scan_config *cfg)
{
    char buf[256], num[64];
    if (s->aim[0])
        snprintf(buf, sizeof buf, "%s (]%s %s)", ent_scan_kind_name(s->kind), s->aim, s->symbology);
    else
        snprintf(buf, sizeof buf, "%s", ent_scan_kind_name(s->kind));
    field(o, "kind", buf);
    jset_str(o, "kind", ent_scan_kind_name(s->kind));
    field(o, "tolerance", s->tolerance);
    jset_str(o, "tolerance", s->tolerance);
    if (s->aim[0]) {
        snprintf(buf, sizeof buf, "]%s", s->aim);
        jset_str(o, "aim", buf);
        jset_str(o, "symbology", s->symbology);
    }
    field(o, "GTIN", s->gtin);
    jset_str(o, "gtin", s->gtin);
    field(o, "contained GTIN", s->gtin_contained);
    jset_str(o, "gtin_contained", s->gtin_contained);
    if (s->addon[0]) {
        field(o, "add-on", s->addon);
        jset_str(o, "addon", s->addon);
    }
    if (s->count >= 0) {
        snprintf(num, sizeof num, "%lld", (long long)s->count);
        field(o, "count", num);
        if (o->obj)
            json_object_set_new(o->obj, "count", json_integer(s->count));
    }
    field(o, "lot", s->lot);
    jset_str(o, "lot", s->lot);
    field(o, "serial", s->serial);
    jset_str(o, "serial", s->serial);
    field(o, "expiry", s->expiry);
    jset_str(o, "expiry", s->expiry);
    field(o, "best before", s->best_before);
    jset_str(o, "best_before", s->best_before);
    field(o, "production date", s->production);
    jset_str(o, "production_date", s->production);
    field(o, "packaging date", s->packaging);
    jset_str(o, "packaging_date", s->packaging);
    if (s->has_measure) {
        decimal(num, sizeof num, s->measure.value, s->measure.decimals);
        snprintf(buf, sizeof buf, "%s %s", num, s->measure.unit);
        field(o, s->instore_kind == 'W' ? "weight" : "measure", buf);
        if (o->obj) {
            json_t *m = json_object();
            json_object_set_new(m, "value", json_string(num));
            json_object_set_new(m, "unit", json_string(s->measure.unit));
            if (s->measure.ai[0])
                json_object_set_new(m, "ai", json_string(s->measure.ai));
            json_object_set_new(o->obj, "measure", m);
        }
    }
    if (s->has_amount) {
        const char *cur = s->currency[0] ? s->currency : o->currency;
        decimal(num, sizeof num, s->amount, s->amount_decimals);
        snprintf(buf, sizeof buf, "%s%s%s", num, cur[0] ? " " : "", cur);
        field(o, s->instore_kind == 'P' ? "price" : "amount", buf);
        if (o->obj) {
            json_t *m = json_object();
            json_object_set_new(m, "value", json_string(num));
            if (cur[0])
                json_object_set_new(m, "currency", json_string(cur));
            json_object_set_new(o->obj, s->instore_kind == 'P' ? "price" : "amount", m);
        }
    }
    if (s->origin[0]) {
        const ent_country *c = NULL;
        ent_country_by_numeric(&c, s->origin_numeric);
        snprintf(buf, sizeof buf, "%s %s (%03d)", s->origin, c ? c->name_en : "", s->origin_numeric);
        field(o, "origin", buf);
        jset_str(o, "origin", s->origin);
    }
    field(o, "SSCC", s->sscc);
    jset_str(o, "sscc", s->sscc);
    field(o, "payment reference", s->payment_ref);
    jset_str(o, "payment_ref", s->payment_ref);
    if (s->kind == ENT_SCAN_INSTORE) {
        if (s->layout >= 0 && cfg) {
            field(o, "layout", cfg->layouts[s->layout].pattern);
            jset_str(o, "layout", cfg->layouts[s->layout].pattern);
        } else {
            field(o, "layout", "(none matches: the whole code is the article number)");
        }
        field(o, "item", s->instore_item);
        jset_str(o, "item", s->instore_item);
        field(o, "item GTIN", s->item_gtin);
        jset_str(o, "item_gtin", s->item_gtin);
    }
    if (s->kind == ENT_SCAN_OTHER || s->kind == ENT_SCAN_DIGITAL_LINK) {
        field(o, s->kind == ENT_SCAN_OTHER ? "store code" : "URI", s->text);
        jset_str(o, s->kind == ENT_SCAN_OTHER ? "code" : "uri", s->text);
    }
    json_t *ais = o->obj && s->n_ais ? json_array() : NULL;
    for (size_t i = 0; i < s->n_ais; i++) {
        const ent_scan_ai *a = &s->ais[i];
        char name[16];
        snprintf(name, sizeof name, "(%s)", a->ai);
        snprintf(buf, sizeof buf, "%s%s%s", a->value, a->title[0] ? "  " : "  ", a->title[0] ? a->title : "unknown AI");
        field(o, name, buf);
        if (ais) {
            json_t *e = json_object();
            json_object_set_new(e, "ai", json_string(a->ai));
            json_object_set_new(e, "title", a->title[0] ? json_string(a->title) : json_null());
            json_object_set_new(e, "value", json_string(a->value));
            json_array_append_new(ais, e);
        }
    }
    if (ais)
        json_object_set_new(o->obj, "ais", ais);
}

static const char *lot_state_name(ent_scan_lot_state st)
{
    switch (st) {
    case ENT_SCAN_LOT_OK: return "ok";
    case ENT_SCAN_LOT_UNKNOWN: return "unknown";
    case ENT_SCAN_LOT_CONFLICT: return "conflict";
    default: return "none";
    }
}

static void put_match(struct out *o, const ent_scan_match *m)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s [%s]", m->name, m->code);
    field(o, "commodity", buf);
    if (m->qty > 0) {
        snprintf(buf, sizeof buf, "%lld %s", (long long)m->qty, m->unit);
        field(o, "quantity", buf);
    } else {
        field(o, "quantity", "(the measure does not convert to the commodity's unit)");
    }
    if (m->lot) {
        snprintf(buf, sizeof buf, "%s: origin %s, expiry %s, %lld on hand", m->lot->code ? m->lot->code : "",
                 m->lot->origin[0] ? m->lot->origin : "-", m->lot->expiry[0] ? m->lot->expiry : "-",
                 (long long)m->lot->on_hand);
        field(o, "lot on record", buf);
    }
    field(o, "problem", m->problem);
    if (o->obj) {
        json_t *j = json_object();
        json_object_set_new(j, "code", json_string(m->code));
        json_object_set_new(j, "name", json_string(m->name));
        json_object_set_new(j, "unit", json_string(m->unit));
        json_object_set_new(j, "code_qty", json_integer(m->code_qty));
        json_object_set_new(j, "qty", json_integer(m->qty));
        json_object_set_new(j, "lot_state", json_string(lot_state_name(m->lot_state)));
        if (m->lot) {
            json_t *l = json_object();
            json_object_set_new(l, "uuid", json_string(m->lot->uuid));
            json_object_set_new(l, "code", json_string(m->lot->code ? m->lot->code : ""));
            json_object_set_new(l, "origin", json_string(m->lot->origin));
            json_object_set_new(l, "expiry", m->lot->expiry[0] ? json_string(m->lot->expiry) : json_null());
            json_object_set_new(l, "production_date",
                                m->lot->production_date[0] ? json_string(m->lot->production_date) : json_null());
            json_object_set_new(l, "on_hand", json_integer(m->lot->on_hand));
            json_object_set_new(j, "lot", l);
        }
        if (m->problem[0])
            json_object_set_new(j, "problem", json_string(m->problem));
        json_object_set_new(o->obj, "match", j);
    }
}

/* Parses, resolves and shows one code; returns its exit status. */
static int scan_one(struct out *o, ent_db *db, const char *code, size_t len, const ent_scan_config *cfg)
{
    static ent_scan s; /* large: kept off the stack */
    char shown[600];
    int status = EXIT_OK;
    show_input(shown, sizeof shown, code, len);
    o->input = shown;
    if (o->cli->format == FORMAT_TABLE && o->table == NULL) {
        static const char *const heads[2] = {"field", "value"};
        o->table = cli_table_new(2, heads, NULL);
    }
    if (o->json) {
        o->obj = json_object();
        json_object_set_new(o->obj, "input", json_string(shown));
        json_array_append_new(o->json, o->obj);
    }
    field(o, "code", shown);
    if (ent_scan_parse(&s, code, len, cfg) != ENT_OK) {
        const char *why = ent_error_last()->message;
        field(o, "error", why);
        jset_str(o, "error", why);
        status = cli_error(EXIT_USAGE, "%s: %s", shown, why);
        goto done;
    }
    put_parse(o, &s, cfg);
    if (db == NULL)
        goto done;
    ent_scan_match *m = NULL;
    int rc = ent_scan_resolve(db, &m, &s);
    if (rc != ENT_OK) {
        field(o, "commodity", "(not found)");
        jset_str(o, "error", ent_errmsg(db));
        status = cli_error(cli_exit_code(rc), "%s: %s", shown, ent_errmsg(db));
        goto done;
    }
    put_match(o, m);
    if (m->lot_state == ENT_SCAN_LOT_UNKNOWN || m->lot_state == ENT_SCAN_LOT_CONFLICT)
        status = cli_error(EXIT_REFUSED, "%s: %s", shown, m->problem);
    ent_scan_match_free(m);
done:
    if (o->cli->format == FORMAT_TABLE && o->table) {
        static int printed;
        if (printed++)
            fputc('\n', stdout);
        cli_table_print(o->cli, o->table, stdout);
        cli_table_free(o->table);
        o->table = NULL;
    }
    return status;
}

/* ---- scan config -------------------------------------------------------- */

static int show_config(struct cli *cli, const ent_scan_config *cfg)
{
    static const char *const heads[2] = {"setting", "value"};
    struct cli_table *t = cli_table_new(2, heads, NULL);
    char fnc1[8];
    snprintf(fnc1, sizeof fnc1, "%c", cfg->fnc1);
    const char *cells[2] = {"fnc1", cfg->fnc1 ? fnc1 : "(GS only)"};
    if (cli->format == FORMAT_JSON)
        cells[1] = cfg->fnc1 ? fnc1 : "";
    cli_table_add(t, cells);
    char list[ENT_SCAN_MAX_LAYOUTS * 20 + 8] = "";
    for (size_t i = 0; i < cfg->n_layouts; i++) {
        if (i)
            strcat(list, ",");
        strcat(list, cfg->layouts[i].pattern);
    }
    cells[0] = "instore";
    cells[1] = list[0] || cli->format == FORMAT_JSON ? list : "(none)";
    cli_table_add(t, cells);
    cli_table_print(cli, t, stdout);
    cli_table_free(t);
    return EXIT_OK;
}

static int cmd_scan_config(struct cli *cli, int argc, char **argv)
{
    const char *fnc1 = NULL, *instore = NULL, *pos[1];
    int npos = 0, status;
    ent_scan_config cfg;
    const struct cli_opt opts[] = {{"fnc1", &fnc1, NULL}, {"instore", &instore, NULL}, {NULL, NULL, NULL}};
    status = cli_parse(argc, argv, opts, help_scan, pos, 0, &npos);
    if (status != 0)
        return status < 0 ? EXIT_OK : status;
    if ((status = cli_refuse_empty(opts)) != 0) /* "" is not "none" */
        return status;
    if ((status = cli_open(cli, 0)) != 0)
        return status;
    int rc = ent_scan_config_load(cli->db, &cfg);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    if (fnc1 == NULL && instore == NULL)
        return show_config(cli, &cfg);
    if (fnc1) {
        char c = strcmp(fnc1, "none") == 0 ? 0 : fnc1[0];
        if (c && fnc1[1] != '\0')
            return cli_error(EXIT_USAGE, "--fnc1 takes one character (or none), not '%s'", fnc1);
        if (ent_scan_config_set_fnc1(&cfg, c) != ENT_OK)
            return cli_error(EXIT_USAGE, "%s", ent_error_last()->message);
    }
    if (instore) {
        char list[512];
        cfg.n_layouts = 0;
        snprintf(list, sizeof list, "%s", strcmp(instore, "none") == 0 ? "" : instore);
        char *save = NULL;
        for (char *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
            if (ent_scan_config_add_layout(&cfg, tok) != ENT_OK)
                return cli_error(EXIT_USAGE, "%s", ent_error_last()->message);
    }
    rc = ent_scan_config_save(cli->db, &cfg);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    return show_config(cli, &cfg);
}

/* ---- entrepot scan ------------------------------------------------------ */

int cmd_scan(struct cli *cli, int argc, char **argv)
{
    const char *fnc1 = NULL, *codes_file = NULL;
    struct cli_codes codes = {0};
    bool no_db = false, strict = false;
    const char **pos = NULL;
    int npos = 0, status = EXIT_OK;
    ent_scan_config cfg;
    struct out o = {0};
    ent_db *db = NULL;
    char *line = NULL;
    size_t cap = 0;

    if (argc > 0 && strcmp(argv[0], "config") == 0)
        return cmd_scan_config(cli, argc - 1, argv + 1);
    const struct cli_opt opts[] = {
        {"fnc1", &fnc1, NULL}, {"no-db", NULL, &no_db}, {"strict", NULL, &strict},
        {"codes", &codes_file, NULL}, {NULL, NULL, NULL}};
    pos = calloc((size_t)argc + 1, sizeof *pos);
    if (pos == NULL)
        return cli_error(EXIT_IO, "out of memory");
    status = cli_parse(argc, argv, opts, help_scan, pos, argc, &npos);
    if (status != 0) {
        status = status < 0 ? EXIT_OK : status;
        goto done;
    }
    if (codes_file && (status = cli_read_codes(&codes, codes_file)) != 0)
        goto done;
    ent_scan_config_init(&cfg);
    /* The database is optional here: without one, scan only parses. */
    if (!no_db && access(cli->db_path, F_OK) == 0) {
        if ((status = cli_open(cli, 0)) != 0)
            goto done;
        db = cli->db;
        int rc = ent_scan_config_load(db, &cfg);
        if (rc != ENT_OK) {
            status = cli_fail(cli, rc);
            goto done;
        }
        ent_store *store = NULL;
        if (ent_store_get(db, &store) == ENT_OK)
            snprintf(o.currency, sizeof o.currency, "%s", store->currency);
        ent_store_free(store);
    }
    if (fnc1) {
        char c = strcmp(fnc1, "none") == 0 ? 0 : fnc1[0];
        if ((c && fnc1[1] != '\0') || ent_scan_config_set_fnc1(&cfg, c) != ENT_OK) {
            status = cli_error(EXIT_USAGE, "--fnc1: %s", c && fnc1[1] ? "one character, please" : ent_error_last()->message);
            goto done;
        }
    }
    cfg.strict = strict;
    o.cli = cli;
    if (cli->format == FORMAT_JSON)
        o.json = json_array();
    if (cli->format == FORMAT_CSV) {
        static const char *const heads[3] = {"code", "field", "value"};
        o.table = cli_table_new(3, heads, NULL);
    }
    if (npos > 0 || codes_file) {
        for (int i = 0; i < npos; i++) {
            int st = scan_one(&o, db, pos[i], strlen(pos[i]), &cfg);
            status = st > status ? st : status;
        }
        for (size_t i = 0; i < codes.n; i++) {
            int st = scan_one(&o, db, codes.v[i], strlen(codes.v[i]), &cfg);
            status = st > status ? st : status;
        }
    } else {
        ssize_t got;
        size_t lineno = 0;
        while ((got = cli_read_line(stdin, &line, &cap, &lineno)) >= 0) {
            size_t n = (size_t)got;
            while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                n--;
            if (n == 0)
                continue;
            int st = scan_one(&o, db, line, n, &cfg);
            status = st > status ? st : status;
        }
        if (got == -2)
            status = EXIT_USAGE;
    }
    if (o.json) {
        json_dumpf(o.json, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
    }
    if (o.table)
        cli_table_print(cli, o.table, stdout);
done:
    json_decref(o.json);
    cli_table_free(o.table);
    free(line);
    free(pos);
    cli_codes_free(&codes);
    return status;
}
