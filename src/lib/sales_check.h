/*
 * Private: the checks of the sales tables that `check` runs (sales_check.c)
 * and the reconciliation of each sale with its signed journal record
 * (check_journal.c). Each disagreement is reported once, in words.
 */
#ifndef ENT_SALES_CHECK_H
#define ENT_SALES_CHECK_H

#include "entrepot/db.h"
#include "internal.h"

/* Where problems go, and how many were found. */
struct sales_issues {
    ent_check_cb cb;
    void *ud;
    int n;
    char currency[ENT_CURRENCY_SIZE];
};

/* Reports one problem (at most 1 KiB of text). */
void entx_sales_issue(struct sales_issues *is, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "12.50 CNY" for messages. */
void entx_sales_issue_money(char *buf, size_t len, int64_t minor, const char *currency);

/* Calls cb for each sale and return row, in receipt order; a non-zero
 * return from cb stops the walk and is returned. */
typedef int (*sales_row_cb)(int64_t id, const char *uuid, int64_t receipt, void *ud);
int entx_sales_each_row(ent_db *db, sales_row_cb cb, void *ud);

/* One sale against itself: its header against its lines (total, tax,
 * units) and payments, each line's quantity and lots against the lots picked
 * for it. label names the sale in messages ("sale receipt 12"). */
int entx_sales_check_one(ent_db *db, struct sales_issues *is, int64_t id, const char *label);

/* Every sale's picks against the stock moves of its batch, in one pass. */
int entx_sales_check_moves(ent_db *db, struct sales_issues *is);

/* Stock moves of kind sale or return that belong to no sale. */
int entx_sales_check_stray_moves(ent_db *db, struct sales_issues *is);

/* The report summaries against the sales and their lines. */
int entx_sales_check_summaries(ent_db *db, struct sales_issues *is);

#endif
