/*
 * entrepot — the one shape of every CSV import (catalogue, suppliers, what
 * they supply, exchange rates): a header naming the columns in any order,
 * then rows, all or nothing in one transaction, the first bad row stopping
 * it with "row N: ..." in front of the row's own message.
 */
#ifndef ENTREPOT_CSV_IMPORT_H
#define ENTREPOT_CSV_IMPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "entrepot/csv.h"
#include "internal.h"

#define ENTX_IMPORT_COLS 32 /* the most columns a kind of row may know */

/*
 * A kind of row: the columns it knows (names[0..n-1]), those the header
 * must name (bit f of required for names[f]), whether a header with no rows
 * is refused, and row, called in the transaction with the row's cells by
 * column (cells[f] for names[f]; NULL for a column the header does not
 * name) and its record number. row's failure is recorded on db in words
 * for the row alone; the driver prefixes "row N: ".
 */
struct entx_import {
    const char *const *names;
    size_t n;
    uint32_t required;
    bool rows_needed;
    int (*row)(ent_db *db, const char *const *cells, size_t row, void *ud);
    void *ud;
};

/*
 * The step that turns the input into the reader (UTF-8, a byte-order mark
 * skipped): every import reads through it, so that a decoding step added
 * here applies to all of them. ENT_ERROR recorded on db when it fails.
 */
int entx_import_open(ent_db *db, ent_csv **csv, FILE *in);

/* Runs the import; *imported (may be NULL) gets the rows written. */
int entx_import_csv(ent_db *db, int64_t *imported, FILE *in, const struct entx_import *k);

#endif
