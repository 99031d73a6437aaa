/*
 * Reading a journal export back (ent_journal_export_open): the JSON of an
 * export, or a CSV set with its manifest, loaded into an in-memory database
 * with the journal's tables, so that ent_journal_verify runs every check it
 * runs on the store's database, with the same messages, on what an auditor
 * was handed. Values keep the type the export gave them: the tables here
 * have no column affinity, so a number written as text stays text and the
 * verifier reports it as malformed, as it would in the database.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <openssl/pem.h>

#include "entrepot/csv.h"
#include "entrepot/db.h"
#include "journal_internal.h"
#include "time_internal.h"

#define SET_MANIFEST "manifest.csv" /* names a CSV set, like its folder */

/* The journal tables without constraints or affinity: duplicates, holes and
 * wrong types must reach the verifier, which names them. */
static const char loose_schema[] =
    "PRAGMA foreign_keys = OFF;"
    "DROP TABLE journal_count; DROP TABLE journal_line; DROP TABLE journal_pay; DROP TABLE journal_tax;"
    "DROP TABLE journal;"
    "CREATE TABLE journal (seq, uuid, kind, at, counter, cashier, ref, currency, total, grand_total, event, note,"
    " pubkey, period, period_end, first_seq, last_seq, training, prev_hash, key_id, hash, sig);"
    "CREATE INDEX journal_seq ON journal(seq); CREATE INDEX journal_uuid ON journal(uuid);"
    "CREATE TABLE journal_tax (seq, rate, gross, tax); CREATE INDEX journal_tax_seq ON journal_tax(seq, rate);"
    "CREATE TABLE journal_pay (seq, method, amount); CREATE INDEX journal_pay_seq ON journal_pay(seq, method);"
    "CREATE TABLE journal_line (seq, line, code, lot, name, qty, unit_price, discount, amount, tax_rate);"
    "CREATE INDEX journal_line_seq ON journal_line(seq, line);"
    "CREATE TABLE journal_count (seq, kind, n); CREATE INDEX journal_count_seq ON journal_count(seq, kind);";

enum ctype { C_INT, C_TEXT, C_HEX, C_PEM };

struct col {
    const char *name; /* the export's name (JSON member, CSV column) */
    enum ctype type;
};

/* In the order of the INSERT statements below. */
static const struct col rec_cols[] = {
    {"seq", C_INT},         {"uuid", C_TEXT},       {"kind", C_TEXT},      {"time", C_TEXT},
    {"counter", C_TEXT},    {"cashier", C_TEXT},    {"ref", C_TEXT},       {"currency", C_TEXT},
    {"total", C_INT},       {"grand_total", C_INT}, {"event", C_TEXT},     {"note", C_TEXT},
    {"public_key", C_PEM},  {"period", C_TEXT},     {"period_end", C_TEXT}, {"first_seq", C_INT},
    {"last_seq", C_INT},    {"training", C_INT},    {"prev_hash", C_HEX},  {"key_id", C_HEX},
    {"hash", C_HEX},        {"signature", C_HEX}};
static const struct col tax_cols[] = {{"seq", C_INT}, {"rate", C_INT}, {"gross", C_INT}, {"tax", C_INT}};
static const struct col pay_cols[] = {{"seq", C_INT}, {"method", C_TEXT}, {"amount", C_INT}};
static const struct col line_cols[] = {{"seq", C_INT},        {"line", C_INT},     {"code", C_TEXT},
                                       {"lot", C_TEXT},       {"name", C_TEXT},    {"qty", C_INT},
                                       {"unit_price", C_INT}, {"discount", C_INT}, {"amount", C_INT},
                                       {"rate", C_INT}};
static const struct col count_cols[] = {{"seq", C_INT}, {"kind", C_TEXT}, {"n", C_INT}};

#define NCOLS(a) (sizeof(a) / sizeof *(a))

struct table {
    const char *file; /* the CSV set's file */
    const struct col *cols;
    size_t ncols;
    const char *insert;
};

enum { T_RECORDS, T_TAXES, T_PAYS, T_LINES, T_COUNTS, T_COUNT_OF };

static const struct table tables[T_COUNT_OF] = {
    {"records.csv", rec_cols, NCOLS(rec_cols),
     "INSERT INTO journal VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
    {"taxes.csv", tax_cols, NCOLS(tax_cols), "INSERT INTO journal_tax VALUES (?, ?, ?, ?)"},
    {"payments.csv", pay_cols, NCOLS(pay_cols), "INSERT INTO journal_pay VALUES (?, ?, ?)"},
    {"lines.csv", line_cols, NCOLS(line_cols), "INSERT INTO journal_line VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
    {"counts.csv", count_cols, NCOLS(count_cols), "INSERT INTO journal_count VALUES (?, ?, ?)"},
};

struct loader {
    ent_db *db;
    sqlite3_stmt *ins[T_COUNT_OF];
};

/* ---- binding values with the type the export gave them ------------------ */

/* A canonical base-10 integer that fits in 64 bits (as the body writes them). */
static bool canonical_int(const char *s, int64_t *v)
{
    const char *p = s + (*s == '-');
    if (*p == '\0' || (*p == '0' && (p[1] != '\0' || *s == '-')))
        return false;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return false;
    errno = 0;
    char *end;
    long long n = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *v = n;
    return true;
}

static int bind_hex(sqlite3_stmt *st, int i, const char *s)
{
    size_t n = strlen(s);
    unsigned char *b = n % 2 == 0 && n > 0 ? malloc(n / 2) : NULL;
    if (b && entx_junhex(b, n / 2, s) == 0)
        return sqlite3_bind_blob(st, i, b, (int)(n / 2), free);
    free(b);
    return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT); /* the verifier reports its size */
}

/* PEM -> the DER it encodes, whatever key it holds (the verifier judges the key). */
static int bind_pem(sqlite3_stmt *st, int i, const char *s)
{
    if (*s == '\0')
        return sqlite3_bind_null(st, i);
    BIO *mem = BIO_new_mem_buf(s, -1);
    char *name = NULL, *header = NULL;
    unsigned char *data = NULL;
    long len = 0;
    int rc;
    if (mem && PEM_read_bio(mem, &name, &header, &data, &len) == 1)
        rc = sqlite3_bind_blob(st, i, data, (int)len, SQLITE_TRANSIENT);
    else
        rc = sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT); /* changed: no body will match */
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
    BIO_free(mem);
    return rc;
}

static int bind_text_as(sqlite3_stmt *st, int i, const char *s, enum ctype t)
{
    int64_t v;
    switch (t) {
    case C_INT:
        return canonical_int(s, &v) ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    case C_HEX:
        return bind_hex(st, i, s);
    case C_PEM:
        return bind_pem(st, i, s);
    default:
        return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    }
}

static int bind_json(sqlite3_stmt *st, int i, const json_t *v, enum ctype t)
{
    if (v == NULL || json_is_null(v))
        return sqlite3_bind_null(st, i);
    if (json_is_integer(v))
        return sqlite3_bind_int64(st, i, json_integer_value(v));
    if (json_is_string(v)) {
        if (t == C_HEX || t == C_PEM)
            return bind_text_as(st, i, json_string_value(v), t);
        return sqlite3_bind_text(st, i, json_string_value(v), (int)json_string_length(v), SQLITE_TRANSIENT);
    }
    if (json_is_real(v))
        return sqlite3_bind_double(st, i, json_real_value(v));
    return sqlite3_bind_blob(st, i, "", 0, SQLITE_STATIC); /* true, false, a list: of no column's type */
}

static int step_insert(struct loader *l, sqlite3_stmt *st)
{
    int sc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return sc == SQLITE_DONE ? ENT_OK : entx_fail_sql(l->db, "loading the export");
}

/* ---- the database the export is loaded into ----------------------------- */

static int exec(ent_db *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db->sql, sql, NULL, NULL, &err) == SQLITE_OK)
        return ENT_OK;
    int rc = entx_fail(db, ENT_ERROR, "preparing the export's tables: %s", err ? err : "out of memory");
    sqlite3_free(err);
    return rc;
}

static int loader_start(struct loader *l, const char *store, const char *currency, const char *tz)
{
    const ent_zone *z;
    if (store == NULL || *store == '\0')
        return entx_fail(l->db, ENT_INVALID, "the export does not name its store");
    if (tz == NULL || *tz == '\0')
        return entx_fail(l->db, ENT_INVALID,
                        "the export does not give the store's time zone (time_zone): it was made before the "
                        "zone was exported; export the journal again");
    if (entx_zone_get(&z, tz) != ENT_OK)
        return entx_fail(l->db, ENT_INVALID, "the export's time zone '%s' is not a time zone: %s", ENT_CLIP(tz, 40),
                        entx_why());
    int rc = exec(l->db, loose_schema);
    if (rc != ENT_OK)
        return rc;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(l->db->sql, "INSERT INTO store (id, code, name, currency, tz, created_at) "
                                       "VALUES (1, ?, '', ?, ?, '')", -1, &st, NULL) != SQLITE_OK)
        return entx_fail_sql(l->db, "loading the export");
    sqlite3_bind_text(st, 1, store, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, currency ? currency : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, tz, -1, SQLITE_STATIC);
    rc = step_insert(l, st);
    sqlite3_finalize(st);
    for (int t = 0; rc == ENT_OK && t < T_COUNT_OF; t++)
        if (sqlite3_prepare_v2(l->db->sql, tables[t].insert, -1, &l->ins[t], NULL) != SQLITE_OK)
            rc = entx_fail_sql(l->db, "loading the export");
    return rc == ENT_OK ? exec(l->db, "BEGIN") : rc;
}

static void loader_end(struct loader *l)
{
    for (int t = 0; t < T_COUNT_OF; t++)
        sqlite3_finalize(l->ins[t]);
}

/* ---- JSON ---------------------------------------------------------------- */

/* One list of a record: each member object's fields after the record's seq. */
static int load_json_list(struct loader *l, int t, const json_t *seq, const json_t *list)
{
    const struct table *tb = &tables[t];
    size_t i;
    const json_t *item;
    if (!json_is_array(list))
        return ENT_OK; /* absent or damaged: the record's hash says so */
    json_array_foreach(list, i, item) {
        sqlite3_stmt *st = l->ins[t];
        bind_json(st, 1, seq, C_INT);
        for (size_t c = 1; c < tb->ncols; c++)
            bind_json(st, (int)c + 1, json_object_get(item, tb->cols[c].name), tb->cols[c].type);
        int rc = step_insert(l, st);
        if (rc != ENT_OK)
            return rc;
    }
    return ENT_OK;
}

static int load_json_record(struct loader *l, const json_t *r)
{
    sqlite3_stmt *st = l->ins[T_RECORDS];
    const json_t *seq = json_object_get(r, "seq");
    for (size_t c = 0; c < NCOLS(rec_cols); c++)
        bind_json(st, (int)c + 1, json_object_get(r, rec_cols[c].name), rec_cols[c].type);
    int rc = step_insert(l, st);
    if (rc == ENT_OK)
        rc = load_json_list(l, T_TAXES, seq, json_object_get(r, "taxes"));
    if (rc == ENT_OK)
        rc = load_json_list(l, T_PAYS, seq, json_object_get(r, "payments"));
    if (rc == ENT_OK)
        rc = load_json_list(l, T_LINES, seq, json_object_get(r, "lines"));
    const json_t *counts = json_object_get(r, "counts");
    const char *kind;
    const json_t *n;
    json_object_foreach((json_t *)counts, kind, n) {
        if (rc != ENT_OK)
            break;
        st = l->ins[T_COUNTS];
        bind_json(st, 1, seq, C_INT);
        sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
        bind_json(st, 3, n, C_INT);
        rc = step_insert(l, st);
    }
    return rc;
}

static int load_json(struct loader *l, const char *path, const char *shown)
{
    json_error_t err;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    size_t n = strlen(path);
    if (doc == NULL && n > 4 && strcmp(path + n - 4, ".csv") == 0) /* one file of a set, named for the set */
        return entx_fail(l->db, ENT_INVALID, "%s is not a journal export: a CSV set is read whole, from its folder or "
                         "its %s", shown, SET_MANIFEST);
    if (doc == NULL)
        return entx_fail(l->db, ENT_INVALID, "%s is not a journal export: line %d: %s", shown, err.line, err.text);
    int rc = ENT_OK;
    const json_t *records = json_object_get(doc, "records");
    const char *format = json_string_value(json_object_get(doc, "format"));
    if (!json_is_object(doc) || !json_is_array(records) || format == NULL)
        rc = entx_fail(l->db, ENT_INVALID, "%s is not a journal export: it has no \"format\" and \"records\"", shown);
    else if (strcmp(format, J_BODY_VERSION) != 0)
        rc = entx_fail(l->db, ENT_INVALID, "%s is in format '%s'; this version reads '%s'", shown,
                      ENT_CLIP(format, 40), J_BODY_VERSION);
    else
        rc = loader_start(l, json_string_value(json_object_get(doc, "store")),
                          json_string_value(json_object_get(doc, "currency")),
                          json_string_value(json_object_get(doc, "time_zone")));
    size_t i;
    const json_t *r;
    json_array_foreach(records, i, r) {
        if (rc != ENT_OK)
            break;
        if (!json_is_object(r))
            rc = entx_fail(l->db, ENT_INVALID, "%s is not a journal export: records[%zu] is not an object", shown, i);
        else
            rc = load_json_record(l, r);
    }
    json_decref(doc);
    return rc;
}

/* ---- the CSV set --------------------------------------------------------- */

#define SET_STORE "store.csv"

struct listed {
    char file[32];
    int64_t rows;
    char sha[65];
    bool seen;
};

static int sha256_file(ent_db *db, const char *path, const char *name, char hex[65])
{
    int rc = entx_jsha256_file(hex, path);
    if (rc == -1)
        return entx_fail(db, ENT_INVALID, "the CSV set lacks %s: %s", name, strerror(errno));
    if (rc != 0)
        return entx_fail(db, ENT_ERROR, "cannot read %s", name);
    return ENT_OK;
}

/* The column of each wanted name in a header; ENT_INVALID naming a missing one. */
static int map_header(ent_db *db, const char *file, char **h, size_t nh, const struct col *cols, size_t ncols,
                      int *idx)
{
    for (size_t c = 0; c < ncols; c++) {
        idx[c] = -1;
        for (size_t k = 0; k < nh; k++)
            if (strcmp(h[k], cols[c].name) == 0)
                idx[c] = (int)k;
        if (idx[c] < 0)
            return entx_fail(db, ENT_INVALID, "%s has no column '%s'", file, cols[c].name);
    }
    return ENT_OK;
}

/* Reads one file of the set into table t after checking its header (store.csv: its
 * row into *store_row instead); *rows counts the data rows. */
static int read_csv(struct loader *l, const char *dir, const char *file, const struct col *cols, size_t ncols,
                    int t, char ***store_row, int64_t *rows)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "rb");
    ent_csv *csv = NULL;
    char **fld;
    size_t n;
    int idx[32], rc = ENT_OK, more;
    *rows = 0;
    if (f == NULL)
        return entx_fail(l->db, ENT_INVALID, "the CSV set lacks %s: %s", file, strerror(errno));
    if (ent_csv_open(&csv, f) != ENT_OK) {
        fclose(f);
        return entx_fail(l->db, ENT_ERROR, "out of memory");
    }
    more = ent_csv_next(csv, &fld, &n);
    if (more != 1)
        rc = entx_fail(l->db, ENT_INVALID, "%s has no header", file);
    else
        rc = map_header(l->db, file, fld, n, cols, ncols, idx);
    while (rc == ENT_OK && (more = ent_csv_next(csv, &fld, &n)) == 1) {
        (*rows)++;
        if (store_row) { /* store.csv: its one row is read by the caller */
            for (size_t c = 0; c < ncols && *rows == 1; c++)
                store_row[0][c] = (size_t)idx[c] < n ? entx_strdup(fld[idx[c]]) : NULL;
            continue;
        }
        sqlite3_stmt *st = l->ins[t];
        for (size_t c = 0; c < ncols; c++) {
            if ((size_t)idx[c] < n)
                bind_text_as(st, (int)c + 1, fld[idx[c]], cols[c].type);
            else
                sqlite3_bind_null(st, (int)c + 1);
        }
        rc = step_insert(l, st);
    }
    if (rc == ENT_OK && more < 0)
        rc = entx_fail(l->db, ENT_INVALID, "%s: %s", file, entx_why());
    ent_csv_free(csv);
    fclose(f);
    return rc;
}

static const struct col manifest_cols[] = {{"file", C_TEXT}, {"rows", C_INT}, {"sha256", C_TEXT}};
static const struct col store_cols[] = {{"format", C_TEXT}, {"store", C_TEXT}, {"currency", C_TEXT},
                                        {"time_zone", C_TEXT}};

static int read_manifest(ent_db *db, const char *path, struct listed *list, size_t cap, size_t *nlist)
{
    FILE *f = fopen(path, "rb");
    ent_csv *csv = NULL;
    char **fld;
    size_t n;
    int idx[3], rc, more;
    *nlist = 0;
    if (f == NULL)
        return entx_fail(db, ENT_INVALID, "cannot read the CSV set's %s: %s", SET_MANIFEST, strerror(errno));
    if (ent_csv_open(&csv, f) != ENT_OK) {
        fclose(f);
        return entx_fail(db, ENT_ERROR, "out of memory");
    }
    more = ent_csv_next(csv, &fld, &n);
    rc = more == 1 ? map_header(db, SET_MANIFEST, fld, n, manifest_cols, 3, idx)
                   : entx_fail(db, ENT_INVALID, "%s has no header", SET_MANIFEST);
    while (rc == ENT_OK && (more = ent_csv_next(csv, &fld, &n)) == 1) {
        int64_t rows;
        if ((size_t)idx[0] >= n || (size_t)idx[1] >= n || (size_t)idx[2] >= n || *nlist == cap ||
            !canonical_int(fld[idx[1]], &rows) || strlen(fld[idx[0]]) >= sizeof list->file ||
            strlen(fld[idx[2]]) != 64) {
            rc = entx_fail(db, ENT_INVALID, "%s, row %zu: want a file name, its rows and its SHA-256", SET_MANIFEST,
                          ent_csv_record(csv) - 1);
            break;
        }
        struct listed *e = &list[(*nlist)++];
        snprintf(e->file, sizeof e->file, "%s", fld[idx[0]]);
        snprintf(e->sha, sizeof e->sha, "%s", fld[idx[2]]);
        e->rows = rows;
        e->seen = false;
    }
    if (rc == ENT_OK && more < 0)
        rc = entx_fail(db, ENT_INVALID, "%s: %s", SET_MANIFEST, entx_why());
    ent_csv_free(csv);
    fclose(f);
    return rc;
}

/* The manifest's entry of file, with its SHA-256 checked. */
static int checked(ent_db *db, const char *dir, struct listed *list, size_t nlist, const char *file,
                   struct listed **out)
{
    char path[4096], hex[65];
    *out = NULL;
    for (size_t i = 0; i < nlist; i++)
        if (strcmp(list[i].file, file) == 0)
            *out = &list[i];
    if (*out == NULL)
        return entx_fail(db, ENT_INVALID, "the CSV set's %s does not list %s", SET_MANIFEST, file);
    snprintf(path, sizeof path, "%s/%s", dir, file);
    int rc = sha256_file(db, path, file, hex);
    if (rc != ENT_OK)
        return rc;
    if (strcmp(hex, (*out)->sha) != 0)
        return entx_fail(db, ENT_TAMPERED, "%s is not the file the export wrote: its SHA-256 is %.16s…, the %s says %.16s…",
                        file, hex, SET_MANIFEST, (*out)->sha);
    return ENT_OK;
}

static int load_csv_set(struct loader *l, const char *dir)
{
    char path[4096];
    struct listed list[16], *e;
    size_t nlist;
    char *srow[4] = {0}, **rowp = srow;
    int64_t rows;
    snprintf(path, sizeof path, "%s/%s", dir, SET_MANIFEST);
    int rc = read_manifest(l->db, path, list, 16, &nlist);
    if (rc == ENT_OK)
        rc = checked(l->db, dir, list, nlist, SET_STORE, &e);
    if (rc == ENT_OK)
        rc = read_csv(l, dir, SET_STORE, store_cols, NCOLS(store_cols), 0, &rowp, &rows);
    if (rc == ENT_OK && rows != 1)
        rc = entx_fail(l->db, ENT_INVALID, "%s must hold one row, not %lld", SET_STORE, (long long)rows);
    if (rc == ENT_OK && (srow[0] == NULL || strcmp(srow[0], J_BODY_VERSION) != 0))
        rc = entx_fail(l->db, ENT_INVALID, "%s is in format '%s'; this version reads '%s'", SET_STORE,
                      ENT_CLIP(srow[0] ? srow[0] : "", 40), J_BODY_VERSION);
    if (rc == ENT_OK)
        rc = loader_start(l, srow[1], srow[2], srow[3]);
    for (int t = 0; rc == ENT_OK && t < T_COUNT_OF; t++) {
        rc = checked(l->db, dir, list, nlist, tables[t].file, &e);
        if (rc == ENT_OK)
            rc = read_csv(l, dir, tables[t].file, tables[t].cols, tables[t].ncols, t, NULL, &rows);
        if (rc == ENT_OK && rows != e->rows)
            rc = entx_fail(l->db, ENT_TAMPERED, "%s holds %lld rows, the %s says %lld", tables[t].file,
                          (long long)rows, SET_MANIFEST, (long long)e->rows);
    }
    for (size_t i = 0; i < 4; i++)
        free(srow[i]);
    return rc;
}

/* ---- the entry point ----------------------------------------------------- */

int ent_journal_export_open(ent_db **out, const char *path)
{
    struct loader l;
    struct stat st;
    char dir[4096], shown[64];
    memset(&l, 0, sizeof l);
    int rc = ent_db_open(out, ":memory:", ENT_OPEN_CREATE);
    if (rc != ENT_OK)
        return rc;
    l.db = *out;
    if (path == NULL || *path == '\0')
        return entx_fail(l.db, ENT_INVALID, "no export given");
    ent_text_clip(shown, sizeof shown, path, 40);
    if (stat(path, &st) != 0)
        return entx_fail(l.db, ENT_INVALID, "cannot read the export %s: %s", shown, strerror(errno));
    /* A CSV set is named by its folder or by its manifest; anything else is JSON. */
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (S_ISDIR(st.st_mode)) {
        snprintf(dir, sizeof dir, "%s", path);
        rc = load_csv_set(&l, dir);
    } else if (strcmp(base, SET_MANIFEST) == 0) {
        snprintf(dir, sizeof dir, "%.*s", base == path ? 1 : (int)(base - path - 1), base == path ? "." : path);
        rc = load_csv_set(&l, dir);
    } else {
        rc = load_json(&l, path, shown);
    }
    if (rc == ENT_OK)
        rc = exec(l.db, "COMMIT");
    loader_end(&l);
    if (rc == ENT_OK)
        entx_ok(l.db);
    return rc;
}
