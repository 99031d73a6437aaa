/* The shared CSV import driver (csv_import.h): header, rows, one
 * transaction, "row N: " on the first failure. */
#include <string.h>

#include "csv_import.h"

int entx_import_open(ent_db *db, ent_csv **csv, FILE *in)
{
    if (ent_csv_open(csv, in) != ENT_OK)
        return entx_fail(db, ENT_ERROR, "out of memory");
    return ENT_OK;
}

/* "gtin, sku, ..." into buf: the columns a kind knows, for a message. */
static const char *known(const struct entx_import *k, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t f = 0; f < k->n && at < len; f++) {
        int w = snprintf(buf + at, len - at, "%s%s", f ? ", " : "", k->names[f]);
        if (w < 0)
            break;
        at += (size_t)w;
    }
    return buf;
}

/* Reads the header row into map (column -> field). */
static int read_header(ent_db *db, ent_csv *csv, const struct entx_import *k, int *map, size_t *ncols)
{
    char **cells, list[ENT_MSG_MAX / 2];
    size_t ncells;
    uint32_t seen = 0;
    int r = ent_csv_next(csv, &cells, &ncells);
    if (r <= 0)
        return r == 0 ? entx_fail(db, ENT_INVALID, "row 1: the file is empty; expected a header row")
                      : entx_fail(db, ENT_INVALID, "%s", entx_why());
    if (ncells > k->n)
        return entx_fail(db, ENT_INVALID, "row 1: %zu columns; at most %zu are known", ncells, k->n);
    for (size_t c = 0; c < ncells; c++) {
        size_t f = 0;
        while (f < k->n && strcmp(cells[c], k->names[f]) != 0)
            f++;
        if (f == k->n)
            return entx_fail(db, ENT_INVALID, "row 1, column %zu: unknown column '%s' (known: %s)", c + 1,
                             ENT_CLIP(cells[c], 40), known(k, list, sizeof list));
        if (seen & (UINT32_C(1) << f))
            return entx_fail(db, ENT_INVALID, "row 1: column '%s' appears twice", k->names[f]);
        seen |= UINT32_C(1) << f;
        map[c] = (int)f;
    }
    for (size_t f = 0; f < k->n; f++)
        if ((k->required & (UINT32_C(1) << f)) && !(seen & (UINT32_C(1) << f)))
            return entx_fail(db, ENT_INVALID, "row 1: the header has no column '%s' (it needs %s)", k->names[f],
                             known(k, list, sizeof list));
    *ncols = ncells;
    return ENT_OK;
}

/* The rows, inside the caller's transaction; *count gets those written. */
static int read_rows(ent_db *db, ent_csv *csv, const struct entx_import *k, const int *map, size_t ncols,
                     int64_t *count)
{
    char **cells;
    size_t ncells;
    int r, rc = ENT_OK;
    while ((r = ent_csv_next(csv, &cells, &ncells)) == 1) {
        const char *by_field[ENTX_IMPORT_COLS] = {NULL};
        size_t row = ent_csv_record(csv);
        if (ncells == 1 && cells[0][0] == '\0')
            continue; /* a blank line */
        if (ncells != ncols)
            return entx_fail(db, ENT_INVALID, "row %zu: %zu fields, the header has %zu", row, ncells, ncols);
        for (size_t c = 0; c < ncols; c++)
            by_field[map[c]] = cells[c];
        if ((rc = k->row(db, by_field, row, k->ud)) != ENT_OK) {
            char why[ENT_MSG_MAX];
            snprintf(why, sizeof why, "%s", db->msg);
            return entx_fail(db, rc, "row %zu: %s", row, why);
        }
        (*count)++;
    }
    if (r < 0)
        return entx_fail(db, ENT_INVALID, "%s", entx_why());
    if (*count == 0 && k->rows_needed)
        return entx_fail(db, ENT_INVALID, "the file has a header but no rows");
    return ENT_OK;
}

int entx_import_csv(ent_db *db, int64_t *imported, FILE *in, const struct entx_import *k)
{
    ent_csv *csv = NULL;
    size_t ncols = 0;
    int map[ENTX_IMPORT_COLS], rc;
    int64_t count = 0;
    if (imported)
        *imported = 0;
    if (k->n > ENTX_IMPORT_COLS)
        return entx_fail(db, ENT_ERROR, "an import of %zu columns: at most %d", k->n, ENTX_IMPORT_COLS);
    if ((rc = entx_import_open(db, &csv, in)) != ENT_OK)
        return rc;
    if ((rc = read_header(db, csv, k, map, &ncols)) != ENT_OK || (rc = entx_tx_begin(db)) != ENT_OK)
        goto out;
    rc = entx_tx_end(db, read_rows(db, csv, k, map, ncols, &count));
    if (rc == ENT_OK && imported)
        *imported = count;
out:
    ent_csv_free(csv);
    return rc;
}
