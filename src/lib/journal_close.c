/* The journal's closings: a day's, a month's or a year's totals, signed into the chain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/db.h"
#include "entrepot/parse.h"
#include "journal_internal.h"
#include "time_internal.h"

/* ---- closings ----------------------------------------------------------- */

/* Fills r's totals, lists and counts from the records first..last. Shared
 * with the verifier, which recomputes every closing this way. */
int entx_jclose_aggregate(ent_db *db, struct jrec *r, int64_t first, int64_t last)
{
    int sc;
    sqlite3_stmt *st = entx_stmt(db, "SELECT kind, count(*) FROM journal WHERE seq BETWEEN ? AND ? "
                                    "GROUP BY kind ORDER BY kind");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, first);
    sqlite3_bind_int64(st, 2, last);
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        struct jcount *c = entx_jrec_add_count(r);
        if (c == NULL || (c->kind = entx_col_strdup(st, 0)) == NULL) {
            sqlite3_reset(st);
            return entx_fail(db, ENT_ERROR, "out of memory");
        }
        c->n = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (sc != SQLITE_DONE)
        return entx_fail_sql(db, "summing the journal");
    st = entx_stmt(db, "SELECT t.rate, sum(t.gross), sum(t.tax) FROM journal_tax t JOIN journal j ON j.seq = t.seq "
                      "WHERE t.seq BETWEEN ? AND ? AND j.kind IN ('SALE', 'RETURN', 'VOID') "
                      "GROUP BY t.rate ORDER BY t.rate");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, first);
    sqlite3_bind_int64(st, 2, last);
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        struct jtax *t = entx_jrec_add_tax(r);
        if (t == NULL) {
            sqlite3_reset(st);
            return entx_fail(db, ENT_ERROR, "out of memory");
        }
        t->rate = sqlite3_column_int64(st, 0);
        t->gross = sqlite3_column_int64(st, 1);
        t->tax = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    if (sc != SQLITE_DONE)
        return entx_fail_sql(db, "summing the journal");
    st = entx_stmt(db, "SELECT p.method, sum(p.amount) FROM journal_pay p JOIN journal j ON j.seq = p.seq "
                      "WHERE p.seq BETWEEN ? AND ? AND j.kind IN ('SALE', 'RETURN', 'VOID') "
                      "GROUP BY p.method ORDER BY p.method");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, first);
    sqlite3_bind_int64(st, 2, last);
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        struct jpay *p = entx_jrec_add_pay(r);
        if (p == NULL || (p->method = entx_col_strdup(st, 0)) == NULL) {
            sqlite3_reset(st);
            return entx_fail(db, ENT_ERROR, "out of memory");
        }
        p->amount = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (sc != SQLITE_DONE)
        return entx_fail_sql(db, "summing the journal");
    st = entx_stmt(db, "SELECT coalesce(sum(CASE WHEN kind IN ('SALE', 'RETURN', 'VOID') THEN total END), 0), "
                      "coalesce(sum(CASE WHEN kind = 'TRAINING' THEN total END), 0) "
                      "FROM journal WHERE seq BETWEEN ? AND ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, first);
    sqlite3_bind_int64(st, 2, last);
    sc = sqlite3_step(st);
    if (sc == SQLITE_ROW) {
        r->total = sqlite3_column_int64(st, 0);
        r->training = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (sc != SQLITE_ROW)
        return entx_fail_sql(db, "summing the journal");
    return ENT_OK;
}

/* The first and last seq of the day closings whose period starts with
 * prefix ("day:2026-11-"); 0 when there are none. */
static int day_closings(ent_db *db, const char *prefix, int64_t *first, int64_t *last, char last_end[ENT_TIME_SIZE])
{
    char like[32];
    *first = *last = 0;
    last_end[0] = '\0';
    snprintf(like, sizeof like, "%s%%", prefix);
    sqlite3_stmt *st = entx_stmt(db, "SELECT min(first_seq), max(seq), max(period_end) FROM journal "
                                    "WHERE kind = 'CLOSE' AND period LIKE ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, like, -1, SQLITE_TRANSIENT);
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW && sqlite3_column_type(st, 1) != SQLITE_NULL) {
        *first = sqlite3_column_int64(st, 0);
        *last = sqlite3_column_int64(st, 1);
        entx_col_copy(st, last_end, ENT_TIME_SIZE, 2);
    }
    sqlite3_reset(st);
    if (sc != SQLITE_ROW)
        return entx_fail_sql(db, "reading the closings");
    return ENT_OK;
}

/* The latest closing of a kind of period ("month:%"), or "" when none. */
static int last_closing(ent_db *db, const char *like, char period_end[ENT_TIME_SIZE], char period[ENT_PERIOD_SIZE])
{
    period_end[0] = period[0] = '\0';
    sqlite3_stmt *st = entx_stmt(db, "SELECT period_end, period FROM journal WHERE kind = 'CLOSE' "
                                    "AND period LIKE ? ORDER BY seq DESC LIMIT 1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, like, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW) {
        entx_col_copy(st, period_end, ENT_TIME_SIZE, 0);
        entx_col_copy(st, period, 24, 1);
    }
    sqlite3_reset(st);
    if (sc != SQLITE_ROW && sc != SQLITE_DONE)
        return entx_fail_sql(db, "reading the closings");
    return ENT_OK;
}

/* The first record after seq that is not a closing and is dated before
 * (before=1) or from (before=0) the instant t. */
static int record_dated(ent_db *db, int64_t after, const char *t, int before, int64_t *seq, char at[ENT_TIME_SIZE])
{
    *seq = 0;
    at[0] = '\0';
    sqlite3_stmt *st = before ? entx_stmt(db, "SELECT seq, at FROM journal WHERE seq > ? AND kind <> 'CLOSE' "
                                             "AND at < ? ORDER BY seq LIMIT 1")
                              : entx_stmt(db, "SELECT seq, at FROM journal WHERE seq > ? AND kind <> 'CLOSE' "
                                             "AND at >= ? ORDER BY seq LIMIT 1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_text(st, 2, t, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(st, 0);
        entx_col_copy(st, at, ENT_TIME_SIZE, 1);
    }
    sqlite3_reset(st);
    if (sc != SQLITE_ROW && sc != SQLITE_DONE)
        return entx_fail_sql(db, "reading the journal");
    return ENT_OK;
}

struct span {
    int period;
    int y, m, d;
    char label[24]; /* "day:2026-11-28" */
    char start[ENT_TIME_SIZE], end[ENT_TIME_SIZE];
};

static int parse_span(ent_journal *j, struct span *s, int period, const char *date)
{
    char today[ENT_DATE_SIZE], now[ENT_TIME_SIZE], shown[64];
    s->period = period;
    s->y = s->m = s->d = 1;
    if (date && *date == '\0')
        return entx_fail(j->db, ENT_INVALID, "the date to close is empty: give none for the current period");
    if (date == NULL) {
        entx_now_utc(now);
        if (entx_time_local_date(today, j->tz, now) != ENT_OK)
            return entx_fail(j->db, ENT_ERROR, "cannot read the clock");
        sscanf(today, "%4d-%2d-%2d", &s->y, &s->m, &s->d);
    } else if (period == ENT_PERIOD_DAY) {
        if (entx_date_parse(NULL, date) != ENT_OK)
            return entx_fail(j->db, ENT_INVALID, "'%s' is not a date YYYY-MM-DD",
                            ent_text_clip(shown, sizeof shown, date, 40));
        sscanf(date, "%4d-%2d-%2d", &s->y, &s->m, &s->d);
    } else if (period == ENT_PERIOD_MONTH) {
        char probe[16];
        snprintf(probe, sizeof probe, "%.7s-01", date);
        if (strlen(date) != 7 || entx_date_parse(NULL, probe) != ENT_OK)
            return entx_fail(j->db, ENT_INVALID, "'%s' is not a month YYYY-MM",
                            ent_text_clip(shown, sizeof shown, date, 40));
        sscanf(date, "%4d-%2d", &s->y, &s->m);
    } else if (period == ENT_PERIOD_YEAR) {
        char probe[16];
        snprintf(probe, sizeof probe, "%.4s-01-01", date);
        if (strlen(date) != 4 || entx_date_parse(NULL, probe) != ENT_OK)
            return entx_fail(j->db, ENT_INVALID, "'%s' is not a year YYYY",
                            ent_text_clip(shown, sizeof shown, date, 40));
        sscanf(date, "%4d", &s->y);
    } else {
        return entx_fail(j->db, ENT_INVALID, "unknown closing period %d", period);
    }
    int rc;
    if (period == ENT_PERIOD_DAY) {
        snprintf(s->label, sizeof s->label, "day:%04d-%02d-%02d", s->y, s->m, s->d);
        rc = entx_time_midnight_utc(s->start, j->tz, s->y, s->m, s->d);
        if (rc == ENT_OK)
            rc = entx_time_midnight_utc(s->end, j->tz, s->y, s->m, s->d + 1);
    } else if (period == ENT_PERIOD_MONTH) {
        snprintf(s->label, sizeof s->label, "month:%04d-%02d", s->y, s->m);
        rc = entx_time_midnight_utc(s->start, j->tz, s->y, s->m, 1);
        if (rc == ENT_OK)
            rc = entx_time_midnight_utc(s->end, j->tz, s->y, s->m + 1, 1);
    } else {
        snprintf(s->label, sizeof s->label, "year:%04d", s->y);
        rc = entx_time_midnight_utc(s->start, j->tz, s->y, 1, 1);
        if (rc == ENT_OK)
            rc = entx_time_midnight_utc(s->end, j->tz, s->y + 1, 1, 1);
    }
    return rc == ENT_OK ? ENT_OK : entx_fail(j->db, ENT_INVALID, "cannot place %s in time zone %s", s->label, j->tz);
}

/* "day:2026-11-28" -> "2026-11-28", for messages. */
static const char *plain(const char *label)
{
    const char *colon = strchr(label, ':');
    return colon ? colon + 1 : label;
}

/* Decides the range of a closing, or refuses it. */
static int plan_closing(ent_journal *j, const struct span *s, const struct head *h, int64_t *first, int64_t *last)
{
    ent_db *db = j->db;
    char now[ENT_TIME_SIZE], end[ENT_TIME_SIZE], period[ENT_PERIOD_SIZE], at[ENT_TIME_SIZE];
    int64_t seq;
    int rc;
    entx_now_utc(now);
    if (strcmp(now, s->start) < 0)
        return entx_fail(db, ENT_REFUSED, "%s has not begun yet", plain(s->label));
    if (s->period == ENT_PERIOD_DAY) {
        int64_t close_seq;
        if ((rc = entx_journal_last_day_close(db, &close_seq, end, period)) != ENT_OK)
            return rc;
        if (end[0] && strcmp(period, s->label) == 0)
            return entx_fail(db, ENT_REFUSED, "%s is already closed (record %lld); what was recorded after that "
                                             "closing goes into the closing of the next day",
                            s->label + 4, (long long)close_seq);
        if (end[0] && strcmp(end, s->end) >= 0)
            return entx_fail(db, ENT_REFUSED, "%s cannot be closed: the later day %s is closed already (record %lld)",
                            s->label + 4, period + 4, (long long)close_seq);
        if ((rc = record_dated(db, close_seq, s->end, 0, &seq, at)) != ENT_OK)
            return rc;
        if (seq) {
            char local[20];
            ent_time_local(local, j->tz, at);
            return entx_fail(db, ENT_REFUSED, "%s cannot be closed: record %lld is dated later (%s %s); close that "
                                             "day instead, it takes in the records before it",
                            s->label + 4, (long long)seq, local, j->tz);
        }
        *first = close_seq + 1;
        *last = h->seq;
        return ENT_OK;
    }
    const char *like = s->period == ENT_PERIOD_MONTH ? "month:%" : "year:%";
    if ((rc = last_closing(db, like, end, period)) != ENT_OK)
        return rc;
    if (end[0] && strcmp(end, s->end) >= 0)
        return entx_fail(db, ENT_REFUSED, "%s is already closed", plain(strcmp(period, s->label) == 0 ? s->label : period));
    char prefix[24], last_end[ENT_TIME_SIZE];
    if (s->period == ENT_PERIOD_MONTH)
        snprintf(prefix, sizeof prefix, "day:%04d-%02d-", s->y, s->m);
    else
        snprintf(prefix, sizeof prefix, "day:%04d-", s->y);
    if ((rc = day_closings(db, prefix, first, last, last_end)) != ENT_OK)
        return rc;
    if (strcmp(now, s->end) < 0 && strcmp(last_end, s->end) < 0)
        return entx_fail(db, ENT_REFUSED, "%s is not over and its last day is not closed yet", plain(s->label));
    int64_t close_seq;
    if ((rc = entx_journal_last_day_close(db, &close_seq, end, period)) != ENT_OK)
        return rc;
    if ((rc = record_dated(db, close_seq, s->end, 1, &seq, at)) != ENT_OK)
        return rc;
    if (seq) {
        char local[20];
        ent_time_local(local, j->tz, at);
        return entx_fail(db, ENT_REFUSED, "record %lld (%s %s) belongs to %s but no day closing covers it: close "
                                         "that day first",
                        (long long)seq, local, j->tz, plain(s->label));
    }
    if (*last == 0) { /* no day closed in the period: an empty closing */
        *first = h->seq + 1;
        *last = h->seq;
    }
    return ENT_OK;
}

static int closing_report(ent_journal_closing **out, const struct jrec *r, const char *period, const char *prev_hex)
{
    ent_journal_closing *c = calloc(1, sizeof *c);
    if (c == NULL)
        return ENT_ERROR;
    c->seq = r->seq;
    snprintf(c->period, sizeof c->period, "%s", period);
    snprintf(c->period_end, sizeof c->period_end, "%s", r->period_end);
    snprintf(c->time, sizeof c->time, "%s", r->at);
    snprintf(c->currency, sizeof c->currency, "%s", r->currency);
    c->first_seq = r->first_seq;
    c->last_seq = r->last_seq;
    c->total = r->total;
    c->training = r->training;
    c->grand_total = r->grand_total;
    entx_jhex(c->hash, r->hash, J_HASH);
    snprintf(c->last_hash, sizeof c->last_hash, "%s", prev_hex);
    for (size_t i = 0; i < r->ncount; i++) {
        int k = entx_jkind_parse(r->counts[i].kind);
        if (k > 0)
            c->counts[k] = r->counts[i].n;
    }
    c->taxes = calloc(r->ntax + 1, sizeof *c->taxes);
    c->pays = calloc(r->npay + 1, sizeof *c->pays);
    if (c->taxes == NULL || c->pays == NULL) {
        ent_journal_closing_free(c);
        return ENT_ERROR;
    }
    for (size_t i = 0; i < r->ntax; i++) {
        c->taxes[i].rate = (int32_t)r->taxes[i].rate;
        c->taxes[i].gross = r->taxes[i].gross;
        c->taxes[i].tax = r->taxes[i].tax;
    }
    c->ntaxes = r->ntax;
    for (size_t i = 0; i < r->npay; i++) {
        c->pays[i].method = entx_strdup(r->pays[i].method);
        c->pays[i].amount = r->pays[i].amount;
        c->npays++;
    }
    *out = c;
    return ENT_OK;
}

int ent_journal_close_period(ent_journal *j, ent_journal_closing **out, int period, const char *date)
{
    struct span s;
    struct head h;
    struct jrec r;
    char uuid[ENT_UUID_SIZE], at[ENT_TIME_SIZE], prev_hex[ENT_HASH_HEX_SIZE];
    int64_t first = 0, last = 0;
    int rc;
    if (out)
        *out = NULL;
    if (j == NULL)
        return entx_error_set(ENT_INVALID, "no journal given");
    entx_ok(j->db);
    if ((rc = parse_span(j, &s, period, date)) != ENT_OK)
        return rc;
    if ((rc = entx_tx_begin(j->db)) != ENT_OK)
        return rc;
    entx_journal_rec_init(j, &r, "CLOSE", uuid, at);
    rc = entx_journal_read_head(j->db, &h);
    if (rc == ENT_OK)
        rc = plan_closing(j, &s, &h, &first, &last);
    if (rc == ENT_OK)
        rc = entx_jclose_aggregate(j->db, &r, first, last);
    if (rc == ENT_OK) {
        r.period = s.label;
        r.period_end = s.end;
        r.first_seq = first;
        r.last_seq = last;
        entx_jhex(prev_hex, h.hash, J_HASH);
        rc = entx_journal_append_locked(j, &r, NULL);
    }
    if (rc == ENT_OK && out && closing_report(out, &r, s.label, prev_hex) != ENT_OK)
        rc = entx_fail(j->db, ENT_ERROR, "out of memory");
    rc = entx_tx_end(j->db, rc);
    if (rc != ENT_OK && out && *out) {
        ent_journal_closing_free(*out);
        *out = NULL;
    }
    entx_journal_rec_done(j, &r);
    return rc;
}

void ent_journal_closing_free(ent_journal_closing *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->npays; i++)
        free((char *)c->pays[i].method);
    free(c->taxes);
    free(c->pays);
    free(c);
}
