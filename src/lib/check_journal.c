/*
 * Reconciling the sales tables with the signed journal, for `check`. The
 * journal proves what was sold (journal verify); the sales tables are what
 * receipts, returns and reports read. A row edited in a copy of the database
 * leaves the journal intact, so every sale is read back and compared with its
 * signed record: kind, time, counter, cashier, total, each line, each
 * payment, the amounts per tax rate; then its own lines, lots and stock
 * moves, and the report summaries (sales_check.c).
 * Part of the integrity check, above both the journal and the sales (which
 * append to the journal), so that neither module calls the other back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/parse.h"
#include "journal_internal.h"
#include "sales_check.h"
#include "sales_internal.h"

struct recon {
    ent_db *db;
    struct sales_issues is;
    char tz[ENT_TZ_SIZE];
};

static const char *journal_kind_of(const ent_sale *s)
{
    return s->is_void ? "VOID" : strcmp(s->kind, "sale") == 0 ? "SALE" : "RETURN";
}

static void diff_text(struct recon *x, const char *label, const char *what, const char *sale, const char *signed_)
{
    if (strcmp(sale ? sale : "", signed_ ? signed_ : "") != 0)
        entx_sales_issue(&x->is, "%s: %s '%s', its signed journal record says '%s'", label, what, sale ? sale : "",
                    signed_ ? signed_ : "");
}

static void diff_money(struct recon *x, const char *label, const char *what, int64_t sale, int64_t signed_)
{
    char a[64], b[64];
    if (sale == signed_)
        return;
    entx_sales_issue_money(a, sizeof a, sale, x->is.currency);
    entx_sales_issue_money(b, sizeof b, signed_, x->is.currency);
    entx_sales_issue(&x->is, "%s: %s %s, its signed journal record says %s", label, what, a, b);
}

static void diff_int(struct recon *x, const char *label, const char *what, int64_t sale, int64_t signed_)
{
    if (sale != signed_)
        entx_sales_issue(&x->is, "%s: %s %lld, its signed journal record says %lld", label, what, (long long)sale,
                    (long long)signed_);
}

static void compare_header(struct recon *x, const char *label, const ent_sale *s, const struct jrec *r)
{
    if (strcmp(journal_kind_of(s), r->kind) != 0)
        entx_sales_issue(&x->is, "%s: the sales tables hold a %s, its signed journal record is a %s", label,
                    journal_kind_of(s), r->kind);
    if (strcmp(s->time, r->at) != 0) {
        char a[20], b[20];
        ent_time_local(a, x->tz, s->time);
        ent_time_local(b, x->tz, r->at);
        entx_sales_issue(&x->is, "%s: time %s, its signed journal record says %s (%s)", label, a, b, x->tz);
    }
    diff_text(x, label, "counter", s->counter, r->counter);
    diff_text(x, label, "cashier", s->cashier, r->cashier);
    diff_text(x, label, "the sale it takes back", s->ref_uuid, r->ref);
    diff_money(x, label, "total", s->total, r->total);
}

static void compare_lines(struct recon *x, const char *label, const ent_sale *s, const struct jrec *r)
{
    char what[64];
    if (s->nlines != r->nline)
        entx_sales_issue(&x->is, "%s: %zu lines, its signed journal record has %zu", label, s->nlines, r->nline);
    for (size_t i = 0; i < s->nlines && i < r->nline; i++) {
        const ent_sale_line *a = &s->lines[i];
        const struct jline *b = &r->lines[i];
        snprintf(what, sizeof what, "line %zu: code", i + 1);
        diff_text(x, label, what, a->code, b->code);
        snprintf(what, sizeof what, "line %zu: lot", i + 1);
        diff_text(x, label, what, a->lot, b->lot);
        snprintf(what, sizeof what, "line %zu: name", i + 1);
        diff_text(x, label, what, a->name, b->name);
        snprintf(what, sizeof what, "line %zu: quantity", i + 1);
        diff_int(x, label, what, a->qty, b->qty);
        snprintf(what, sizeof what, "line %zu: unit price", i + 1);
        diff_money(x, label, what, a->unit_price, b->unit_price);
        snprintf(what, sizeof what, "line %zu: discount", i + 1);
        diff_money(x, label, what, a->discount, b->discount);
        snprintf(what, sizeof what, "line %zu: amount", i + 1);
        diff_money(x, label, what, a->amount, b->amount);
        snprintf(what, sizeof what, "line %zu: tax rate (basis points)", i + 1);
        diff_int(x, label, what, a->tax_rate, b->rate);
    }
}

static int64_t signed_pay(const struct jrec *r, const char *method)
{
    for (size_t i = 0; i < r->npay; i++)
        if (strcmp(r->pays[i].method, method) == 0)
            return r->pays[i].amount;
    return 0;
}

static int64_t sale_pay(const ent_sale *s, const char *method)
{
    int64_t sum = 0;
    for (size_t i = 0; i < s->npays; i++)
        if (strcmp(s->pays[i].method, method) == 0)
            sum = s->pays[i].amount;
    return sum;
}

/* Payments by method, both ways; a zero amount counts as no payment (a
 * free item's refund names cash with nothing paid). */
static void compare_pays(struct recon *x, const char *label, const ent_sale *s, const struct jrec *r)
{
    char what[64];
    for (size_t i = 0; i < s->npays; i++) {
        snprintf(what, sizeof what, "payment %s", s->pays[i].method);
        diff_money(x, label, what, s->pays[i].amount, signed_pay(r, s->pays[i].method));
    }
    for (size_t i = 0; i < r->npay; i++) {
        bool in_sale = false;
        for (size_t k = 0; k < s->npays; k++)
            in_sale |= strcmp(s->pays[k].method, r->pays[i].method) == 0;
        if (!in_sale && r->pays[i].amount != 0) {
            snprintf(what, sizeof what, "payment %.32s", r->pays[i].method);
            diff_money(x, label, what, sale_pay(s, r->pays[i].method), r->pays[i].amount);
        }
    }
}

static void compare_taxes(struct recon *x, const char *label, const ent_sale *s, const struct jrec *r)
{
    char what[64];
    for (size_t i = 0; i < s->ntaxes; i++) {
        const ent_journal_tax *t = &s->taxes[i];
        const struct jtax *u = NULL;
        for (size_t k = 0; k < r->ntax; k++)
            if (r->taxes[k].rate == t->rate)
                u = &r->taxes[k];
        snprintf(what, sizeof what, "tax at rate %d (basis points)", (int)t->rate);
        diff_money(x, label, what, t->tax, u ? u->tax : 0);
    }
}

/* One journal record of a sale, return or void against its sale row. */
static int reconcile_record(struct recon *x, const struct jrec *r)
{
    int64_t id = 0;
    ent_sale *s = NULL;
    char label[64];
    int rc = entx_sales_find(x->db, &id, r->uuid);
    if (rc == ENT_NOTFOUND) /* a record appended by hand (journal append) has no sale row */
        return ENT_OK;
    if (rc == ENT_OK)
        rc = entx_sales_read(x->db, &s, id);
    if (rc != ENT_OK)
        return rc;
    snprintf(label, sizeof label, "%s receipt %lld", s->kind, (long long)s->receipt);
    if (s->receipt != r->seq)
        entx_sales_issue(&x->is, "%s: its signed journal record is record %lld", label, (long long)r->seq);
    compare_header(x, label, s, r);
    compare_lines(x, label, s, r);
    compare_pays(x, label, s, r);
    compare_taxes(x, label, s, r);
    rc = entx_sales_check_one(x->db, &x->is, id, label);
    ent_sale_free(s);
    return rc;
}

/* A sale row whose journal record is gone (deleted, or its UUID changed). */
static int record_exists(int64_t id, const char *uuid, int64_t receipt, void *ud)
{
    struct recon *x = ud;
    (void)id;
    sqlite3_stmt *st = entx_stmt(x->db, "SELECT count(*) FROM journal WHERE uuid = ?");
    if (st == NULL)
        return x->db->code;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st);
    int64_t n = sc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (sc != SQLITE_ROW)
        return entx_fail_sql(x->db, "reading the journal");
    if (n == 0)
        entx_sales_issue(&x->is, "receipt %lld (sale %.36s): its signed journal record is missing", (long long)receipt,
                    uuid);
    return ENT_OK;
}

int ent_journal_reconcile(ent_db *db, ent_check_cb cb, void *ud)
{
    struct recon x = {.db = db, .is = {.cb = cb, .ud = ud}};
    struct jwalk *w = NULL;
    struct jrec *r;
    char store[ENT_STORE_CODE_SIZE];
    int rc, more = 0;
    entx_ok(db);
    if ((rc = entx_jstore_code(db, store, x.is.currency, x.tz)) != ENT_OK)
        return rc;
    if ((rc = entx_jwalk_open(db, &w, 1)) != ENT_OK)
        return rc;
    while (rc == ENT_OK && (more = entx_jwalk_next(w, &r)) == 1)
        if (strcmp(r->kind, "SALE") == 0 || strcmp(r->kind, "RETURN") == 0 || strcmp(r->kind, "VOID") == 0)
            rc = reconcile_record(&x, r);
    entx_jwalk_close(w);
    if (rc == ENT_OK && more < 0)
        rc = more;
    if (rc == ENT_OK)
        rc = entx_sales_each_row(db, record_exists, &x);
    if (rc == ENT_OK)
        rc = entx_sales_check_moves(db, &x.is);
    if (rc == ENT_OK)
        rc = entx_sales_check_stray_moves(db, &x.is);
    if (rc == ENT_OK)
        rc = entx_sales_check_summaries(db, &x.is);
    if (rc == ENT_OK && x.is.n > 0)
        rc = entx_fail(db, ENT_TAMPERED,
                      "%d disagreement%s between the sales, their stock moves, the report "
                      "summaries and the signed journal",
                      x.is.n, x.is.n == 1 ? "" : "s");
    return rc;
}
