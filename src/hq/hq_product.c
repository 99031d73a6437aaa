/* `entrepot hq product add|edit|import`: head office's catalogue (issue 13).
 * A commodity head office adds or edits is recorded in hq.product and as a
 * row of hq.price_change (the one ordered stream every store pulls), with
 * its fields as text in `fields`; `sync` (and serve --hq) add it at the
 * stores that do not list it yet, or change it where they do, in order,
 * each page in one transaction, and queue its shelf label.
 *
 * Every field is checked here by the store library itself, on a scratch
 * database in memory, before anything reaches head office: a row every
 * store would refuse would stop every store's pull. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "entrepot/csv.h"

#include "hq.h"

static const char product_help[] =
    "usage: entrepot hq product add (--gtin GTIN | --sku SKU) --name-zh NAME [FIELD...] --pg URL\n"
    "       entrepot hq product edit CODE FIELD... --pg URL\n"
    "       entrepot hq product import FILE.csv [--update] --pg URL\n"
    "\n"
    "Head office's catalogue: commodities every store takes at its next sync (or\n"
    "at once under serve --hq), in order with the prices, each page in one\n"
    "transaction, with their shelf labels queued. A store that does not list a\n"
    "commodity adds it; one that does changes it. FIELD is any of product add's\n"
    "options (--name-en, --brand, --origin, --hs-code, --unit, --net-content,\n"
    "--price, --currency, --tax-rate, --importer, --reorder-point, --storage,\n"
    "--shelf-life-days, --sell-unit, --food-kind, --ingredients, --allergens, --abv,\n"
    "--energy-kj, --protein, --fat, --carbohydrate, --sodium); each is checked as the\n"
    "stores check it before head office records anything. import reads the\n"
    "catalogue CSV of `entrepot product import` (header of field names), all or\n"
    "nothing; with --update a commodity head office already has is changed.\n"
    "\n"
    "example:\n"
    "  entrepot hq product add --gtin 8001505005707 --name-zh '意大利面' --origin IT \\\n"
    "      --price 12.80 --tax-rate 9 --pg 'host=hq.example dbname=hq user=hqadmin'\n";

/* The fields by name (as the CSV header and the JSON at head office name
 * them); the option is the name with '-' for '_'. */
static const struct {
    const char *name;
    size_t off;
} fields[] = {
#define F(m) {#m, offsetof(ent_product_fields, m)}
    F(gtin),        F(sku),           F(name_zh),   F(name_en),      F(brand),     F(origin),  F(hs_code),
    F(unit),        F(net_content),   F(price),     F(currency),     F(tax_rate),  F(importer), F(reorder_point),
    F(storage),     F(shelf_life_days), F(sell_unit), F(food_kind),  F(ingredients), F(allergens), F(abv),
    F(energy_kj),   F(protein),       F(fat),       F(carbohydrate), F(sodium),
#undef F
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static const char **field_at(ent_product_fields *f, size_t i)
{
    return (const char **)((char *)f + fields[i].off);
}

/* A scratch store in memory: the library's own checks, nothing kept. */
static int scratch_open(ent_db **db)
{
    int rc = ent_db_open(db, ":memory:", ENT_OPEN_CREATE);
    if (rc == ENT_OK)
        rc = ent_store_init(*db, "HQ", "head office", "CNY", HQ_CHAIN_TZ);
    if (rc != ENT_OK)
        return cli_error(EXIT_IO, "a scratch catalogue to check the fields: %s", cli_db_errmsg(*db));
    return 0;
}

/* The fields given, as a JSON object of text. */
static json_t *fields_json(ent_product_fields *f)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < NFIELDS; i++) {
        const char *v = *field_at(f, i);
        if (v && v[0])
            json_object_set_new(o, fields[i].name, json_string(v));
    }
    return o;
}

/* The commodity's key at head office: its GTIN as the stores keep it (14
 * digits), else its SKU, read back from the scratch store. */
static int key_of(ent_db *db, const char *code, char key[ENT_GTIN_SIZE + ENT_SKU_SIZE])
{
    ent_product *p = NULL;
    int rc = ent_product_find(db, &p, NULL, code);
    if (rc != ENT_OK)
        return cli_error(EXIT_IO, "%s", cli_db_errmsg(db));
    snprintf(key, ENT_GTIN_SIZE + ENT_SKU_SIZE, "%s", p->gtin[0] ? p->gtin : p->sku);
    ent_product_free(p);
    return 0;
}

/* Records one commodity (new: an add, else a change of the fields given)
 * in hq.product and hq.price_change, inside the caller's transaction. */
static int record(PGconn *pg, const char *key, json_t *given, bool is_new)
{
    char *doc = json_dumps(given, JSON_COMPACT);
    const char *price = json_string_value(json_object_get(given, "price"));
    const char *zh = json_string_value(json_object_get(given, "name_zh"));
    const char *en = json_string_value(json_object_get(given, "name_en"));
    const char *params[6] = {key, doc, price, zh, en, is_new ? "t" : "f"};
    int st = 0;
    if (doc == NULL)
        return cli_error(EXIT_IO, "out of memory");
    PGresult *res = PQexecParams(pg, is_new ? "INSERT INTO hq.product (code, fields) VALUES ($1, $2::jsonb)"
                                            : "UPDATE hq.product SET fields = fields || $2::jsonb, updated_at = now(), "
                                              "updated_by = current_user WHERE code = $1",
                                 2, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        st = hq_fail(pg, res, "recording the commodity");
    PQclear(res);
    if (st == 0) {
        res = PQexecParams(pg, "INSERT INTO hq.price_change (code, price, name_zh, name_en, fields, new) "
                               "VALUES ($1, $3, $4, $5, $2::jsonb, $6::boolean)",
                           6, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            st = hq_fail(pg, res, "recording the change for the stores");
        PQclear(res);
    }
    free(doc);
    return st;
}

/* Head office's fields of a commodity it has (NULL when it has none). */
static int held_fields(PGconn *pg, const char *key, json_t **out)
{
    const char *params[1] = {key};
    PGresult *res = PQexecParams(pg, "SELECT fields::text FROM hq.product WHERE code = $1 FOR UPDATE", 1, NULL,
                                 params, NULL, NULL, 0);
    int st = 0;
    *out = NULL;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        st = hq_fail(pg, res, "reading the commodity");
    else if (PQntuples(res) == 1)
        *out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    PQclear(res);
    return st;
}

static int check_version(PGconn *pg)
{
    int version = 0, st = hq_schema_version(pg, &version);
    if (st == 0 && version < 4)
        st = cli_error(EXIT_REFUSED, "head office's schema is at version %d, too old for its catalogue: run "
                                     "entrepot hq init first", version);
    return st;
}

static int product_add(PGconn *pg, ent_db *db, ent_product_fields *f)
{
    char key[ENT_GTIN_SIZE + ENT_SKU_SIZE];
    json_t *given = NULL, *held = NULL;
    int rc = ent_product_add(db, f), st;
    if (rc != ENT_OK)
        return cli_error(cli_exit_code(rc), "%s", cli_db_errmsg(db));
    if ((st = key_of(db, f->gtin && f->gtin[0] ? f->gtin : f->sku, key)) != 0)
        return st;
    if ((st = held_fields(pg, key, &held)) == 0 && held)
        st = cli_error(EXIT_REFUSED, "head office's catalogue already has %s: hq product edit changes it", key);
    if (st == 0 && (given = fields_json(f)) == NULL)
        st = cli_error(EXIT_IO, "out of memory");
    if (st == 0 && (st = record(pg, key, given, true)) == 0)
        printf("commodity %s added to head office's catalogue: the stores take it at their next sync\n", key);
    json_decref(given);
    json_decref(held);
    return st;
}

/* An edit: head office's fields with the change over them must still be a
 * commodity the stores would take. */
static int product_edit(PGconn *pg, ent_db *db, const char *code, ent_product_fields *f)
{
    char key[ENT_GTIN_SIZE + ENT_SKU_SIZE], v[ENT_CLIP_SIZE];
    json_t *held = NULL, *given = fields_json(f);
    ent_product_fields merged = {0};
    int st = 0;
    if (given == NULL)
        return cli_error(EXIT_IO, "out of memory");
    if (json_object_size(given) == 0 || json_object_get(given, "gtin") || json_object_get(given, "sku")) {
        json_decref(given);
        return cli_error(EXIT_USAGE, "hq product edit CODE needs a field to change (not --gtin or --sku: a "
                                     "commodity's codes stay)");
    }
    /* The key: GTIN normalised the stores' way when code is one. */
    ent_product_fields probe = {0};
    probe.name_zh = "x";
    if (strspn(code, "0123456789") == strlen(code))
        probe.gtin = code;
    else
        probe.sku = code;
    if (ent_product_add(db, &probe) != ENT_OK || key_of(db, code, key) != 0)
        st = cli_error(EXIT_USAGE, "'%s' is not a GTIN or SKU", ent_text_clip(v, sizeof v, code, 40));
    if (st == 0 && (st = held_fields(pg, key, &held)) == 0 && held == NULL)
        st = cli_error(EXIT_REFUSED, "head office's catalogue has no commodity %s (hq product add; hq price set "
                                     "changes prices and names of any commodity)", key);
    if (st == 0) {
        json_t *all = json_deep_copy(held);
        json_object_update(all, given);
        const char *k;
        json_t *val;
        json_object_foreach(all, k, val)
            for (size_t i = 0; i < NFIELDS; i++)
                if (strcmp(k, fields[i].name) == 0)
                    *field_at(&merged, i) = json_string_value(val);
        /* The scratch store already has the probe under the real code. */
        merged.gtin = NULL;
        merged.sku = "HQ-CHECK";
        int rc = ent_product_add(db, &merged);
        if (rc != ENT_OK)
            st = cli_error(cli_exit_code(rc), "%s", cli_db_errmsg(db));
        if (st == 0 && (st = record(pg, key, given, false)) == 0)
            printf("commodity %s changed in head office's catalogue: the stores take it at their next sync\n", key);
        json_decref(all);
    }
    json_decref(given);
    json_decref(held);
    return st;
}

/* Every row of a catalogue CSV the scratch store took (so each is a whole,
 * valid commodity), recorded in the caller's transaction. */
static int import_rows(PGconn *pg, ent_db *db, FILE *in, bool update, int64_t *added, int64_t *changed)
{
    ent_csv *csv = NULL;
    char **cells, **head = NULL, key[ENT_GTIN_SIZE + ENT_SKU_SIZE];
    size_t n, nhead = 0;
    int st = 0, r;
    if (ent_csv_open(&csv, in) != ENT_OK)
        return cli_error(EXIT_IO, "out of memory");
    while (st == 0 && (r = ent_csv_next(csv, &cells, &n)) == 1) {
        if (head == NULL) {
            nhead = n;
            head = calloc(n, sizeof *head);
            for (size_t i = 0; head && i < n; i++)
                head[i] = strdup(cells[i]);
            continue;
        }
        ent_product_fields f = {0};
        for (size_t c = 0; c < n && c < nhead; c++)
            for (size_t i = 0; head[c] && i < NFIELDS; i++)
                if (strcmp(head[c], fields[i].name) == 0 && cells[c][0])
                    *field_at(&f, i) = cells[c];
        json_t *given = fields_json(&f), *held = NULL;
        if (given == NULL)
            st = cli_error(EXIT_IO, "out of memory");
        if (st == 0)
            st = key_of(db, f.gtin ? f.gtin : f.sku, key);
        if (st == 0)
            st = held_fields(pg, key, &held);
        if (st == 0 && held && !update)
            st = cli_error(EXIT_REFUSED, "row %zu: head office's catalogue already has %s (--update changes it); "
                                         "nothing imported", ent_csv_record(csv), key);
        if (st == 0 && (st = record(pg, key, given, held == NULL)) == 0)
            (*(held ? changed : added))++;
        json_decref(given);
        json_decref(held);
    }
    for (size_t i = 0; head && i < nhead; i++)
        free(head[i]);
    free(head);
    ent_csv_free(csv);
    return st;
}

static int product_import(PGconn *pg, ent_db *db, const char *path, bool update)
{
    char v[ENT_CLIP_SIZE];
    int64_t n = 0, added = 0, changed = 0;
    FILE *in = fopen(path, "rb");
    int st = 0;
    if (in == NULL)
        return cli_error(EXIT_USAGE, "cannot read %s", ent_text_clip(v, sizeof v, path, 60));
    int rc = ent_product_import_csv(db, &n, in, false);
    if (rc != ENT_OK)
        st = cli_error(cli_exit_code(rc), "%s: %s; nothing imported", ent_text_clip(v, sizeof v, path, 60),
                       cli_db_errmsg(db));
    else if (fseek(in, 0, SEEK_SET) != 0)
        st = cli_error(EXIT_USAGE, "%s must be a file, not a pipe", ent_text_clip(v, sizeof v, path, 60));
    if (st == 0 && (st = import_rows(pg, db, in, update, &added, &changed)) == 0)
        printf("head office's catalogue: %lld commodit%s added, %lld changed; the stores take them at their next "
               "sync\n", (long long)added, added == 1 ? "y" : "ies", (long long)changed);
    fclose(in);
    return st;
}

/* argv as cmd_hq had it: "product" first among the positionals. */
int hq_product_cmd(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    static char names[NFIELDS][32];
    struct cli_opt opts[NFIELDS + 3];
    ent_product_fields f = {0};
    const char *url = NULL, *pos[3];
    bool update = false;
    int npos, st;
    for (size_t i = 0; i < NFIELDS; i++) {
        snprintf(names[i], sizeof names[i], "%s", fields[i].name);
        for (char *p = names[i]; *p; p++)
            if (*p == '_')
                *p = '-';
        opts[i] = (struct cli_opt){names[i], field_at(&f, i), NULL};
    }
    opts[NFIELDS] = (struct cli_opt){"pg", &url, NULL};
    opts[NFIELDS + 1] = (struct cli_opt){"update", NULL, &update};
    opts[NFIELDS + 2] = (struct cli_opt){0};
    if ((st = cli_parse(argc, argv, opts, product_help, pos, 3, &npos)) != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    bool add = npos == 2 && strcmp(pos[1], "add") == 0, edit = npos == 3 && strcmp(pos[1], "edit") == 0;
    bool import = npos == 3 && strcmp(pos[1], "import") == 0;
    if (!add && !edit && !import)
        return cli_error(EXIT_USAGE, "hq product needs add, edit CODE or import FILE.csv (see --help)");
    if (!import && update)
        return cli_error(EXIT_USAGE, "--update is for hq product import");
    json_t *given = fields_json(&f);
    size_t k = json_object_size(given);
    json_decref(given);
    if (import && k)
        return cli_error(EXIT_USAGE, "hq product import takes its fields from the file, not from options");
    ent_db *db = NULL;
    PGconn *pg = NULL;
    if ((st = scratch_open(&db)) == 0 && (st = hq_connect(&pg, url ? url : getenv("ENTREPOT_HQ"), NULL, false)) == 0 &&
        (st = check_version(pg)) == 0 && (st = hq_exec(pg, "starting the transaction", "BEGIN")) == 0) {
        if (add)
            st = product_add(pg, db, &f);
        else if (edit)
            st = product_edit(pg, db, pos[2], &f);
        else
            st = product_import(pg, db, pos[2], update);
        if (st == 0)
            st = hq_exec(pg, "committing", "COMMIT");
    }
    PQfinish(pg); /* an open transaction is rolled back */
    ent_db_close(db);
    return st;
}

void hq_product_fields_from(json_t *o, ent_product_fields *f)
{
    const char *k;
    json_t *val;
    json_object_foreach(o, k, val)
        for (size_t i = 0; i < NFIELDS; i++)
            if (strcmp(k, fields[i].name) == 0 && json_is_string(val))
                *field_at(f, i) = json_string_value(val);
}
