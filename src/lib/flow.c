/* Customer flow: door-counter interval counts and the flow report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/csv.h"
#include "entrepot/parse.h"
#include "sales_internal.h"

/* Whether a start's date part is wrong when the rest has the right form
 * (the calling thread's last error then says why). */
static int start_date_why(const char *start)
{
    char d[ENT_DATE_SIZE];
    if (strlen(start) < 10)
        return 0;
    memcpy(d, start, 10);
    d[10] = '\0';
    if (ent_date_check(NULL, d) == ENT_OK)
        return 0;
    if (strstr(entx_why(), "in the form") == NULL)
        return 1;
    ent_error_clear(); /* the whole start is judged next, in words of its own */
    return 0;
}

static int valid_utc(const char *s)
{
    char d[ENT_DATE_SIZE];
    if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
        s[19] != 'Z')
        return 0;
    memcpy(d, s, 10);
    d[10] = '\0';
    if (entx_date_parse(NULL, d) != ENT_OK)
        return 0;
    for (int i = 11; i < 19; i++)
        if (i != 13 && i != 16 && (s[i] < '0' || s[i] > '9'))
            return 0;
    return (s[11] - '0') * 10 + (s[12] - '0') < 24 && s[14] < '6' && s[17] < '6';
}

static int count_field(ent_db *db, const char *name, const char *text, int64_t *out, int64_t min, int64_t max)
{
    if (ent_whole_parse(out, text, min, max) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "%s %s", name, entx_why());
    return ENT_OK;
}

/*
 * A door counter counts each visitor once: another period of the same sensor
 * that overlaps this one would count them twice, so it is refused. The same
 * start is the same period sent again (or corrected): that one is replaced.
 * Periods are at most a day long, so only a day's worth of starts is read.
 */
static int check_overlap(ent_db *db, const char *sensor, const char *utc, int64_t minutes)
{
    sqlite3_stmt *st =
        entx_stmt(db, "SELECT start, minutes FROM flow_count WHERE sensor = ?1 AND start <> ?2 "
                     "AND start > strftime('%Y-%m-%dT%H:%M:%SZ', ?2, '-1440 minutes') "
                     "AND start < strftime('%Y-%m-%dT%H:%M:%SZ', ?2, '+' || ?3 || ' minutes') "
                     "AND CAST(strftime('%s', start) AS INTEGER) + minutes * 60 > CAST(strftime('%s', ?2) AS INTEGER) "
                     "ORDER BY start LIMIT 1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, sensor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, utc, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, minutes);
    int sc = sqlite3_step(st), rc = ENT_OK;
    if (sc == SQLITE_ROW) {
        char shown[80];
        ent_text_clip(shown, sizeof shown, sensor, 64);
        rc = entx_fail(db, ENT_INVALID,
                      "the period from %s for %lld minutes overlaps the period from %.20s for %lld minutes "
                      "already counted by sensor '%s': its visitors would count twice",
                      utc, (long long)minutes, (const char *)sqlite3_column_text(st, 0),
                      (long long)sqlite3_column_int64(st, 1), shown);
    } else if (sc != SQLITE_DONE) {
        rc = entx_fail_sql(db, "reading the customer flow");
    }
    sqlite3_reset(st);
    return rc;
}

/* Checks and stores one interval; the caller holds the transaction. */
static int upsert(ent_db *db, const char *sensor, const char *start, int64_t minutes, int64_t n_in, int64_t n_out,
                  const char *source)
{
    char utc[ENT_TIME_SIZE], day[ENT_DATE_SIZE];
    int hour, rc;
    if (sensor == NULL || *sensor == '\0')
        return entx_fail(db, ENT_INVALID, "a sensor name is needed");
    if ((rc = entx_check_text(db, "sensor", sensor, 64, true)) != ENT_OK)
        return rc;
    if (start == NULL || *start == '\0')
        return entx_fail(db, ENT_INVALID, "a period start is needed");
    if (start_date_why(start))
        return entx_fail(db, ENT_INVALID, "start %s", entx_why());
    if (strchr(start, 'T')) {
        if (!valid_utc(start))
            return entx_fail(db, ENT_INVALID, "start '%s' is not UTC YYYY-MM-DDTHH:MM:SSZ or local YYYY-MM-DD HH:MM",
                            ENT_CLIP(start, 40));
        snprintf(utc, sizeof utc, "%s", start);
    } else if ((rc = entx_sales_local_to_utc(db, utc, start)) != ENT_OK) {
        return entx_fail(db, ENT_INVALID, "start '%s' is not UTC YYYY-MM-DDTHH:MM:SSZ or local YYYY-MM-DD HH:MM",
                        ENT_CLIP(start, 40));
    }
    /* A period that begins more than a day from now is a door counter's wrong
     * clock (a day of grace, as for stock dates: counters are set up ahead
     * and zones differ); counted, it would stand in reports of days to come. */
    char now[ENT_TIME_SIZE], limit[ENT_TIME_SIZE], today[ENT_DATE_SIZE];
    entx_now_utc(now);
    snprintf(today, sizeof today, "%.10s", now);
    snprintf(limit, sizeof limit, "%s", now);
    if (ent_date_add_days(limit, today, 1) == ENT_OK) {
        limit[10] = now[10]; /* the date moved a day; the time of day stays */
        if (strcmp(utc, limit) > 0)
            return entx_fail(db, ENT_INVALID, "start %s is more than a day in the future (it is now %s)", utc, now);
    } else {
        ent_error_clear(); /* the clock is at the last day: nothing lies beyond it */
    }
    if (minutes <= 0 || minutes > 1440)
        return entx_fail(db, ENT_INVALID, "minutes %lld must be from 1 to 1440", (long long)minutes);
    if (n_in < 0 || n_out < 0 || n_in > ENT_QTY_MAX || n_out > ENT_QTY_MAX)
        return entx_fail(db, ENT_INVALID, "counts in %lld and out %lld must be from 0 to %d", (long long)n_in,
                        (long long)n_out, ENT_QTY_MAX);
    if ((rc = entx_sales_local(db, day, &hour, utc)) != ENT_OK)
        return rc;
    if ((rc = check_overlap(db, sensor, utc, minutes)) != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db,
        "INSERT INTO flow_count(sensor, start, minutes, day, hour, n_in, n_out, source) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(sensor, start) DO UPDATE SET "
        "minutes = excluded.minutes, day = excluded.day, hour = excluded.hour, n_in = excluded.n_in, "
        "n_out = excluded.n_out, source = excluded.source");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, sensor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, utc, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, minutes);
    sqlite3_bind_text(st, 4, day, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, hour);
    sqlite3_bind_int64(st, 6, n_in);
    sqlite3_bind_int64(st, 7, n_out);
    sqlite3_bind_text(st, 8, source, -1, SQLITE_STATIC);
    return entx_exec_stmt(db, st);
}

int ent_flow_record(ent_db *db, const char *sensor, const char *start, int64_t minutes, int64_t n_in,
                    int64_t n_out)
{
    entx_ok(db);
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    rc = upsert(db, sensor ? sensor : "manual", start, minutes, n_in, n_out, "manual");
    return entx_tx_end(db, rc);
}

enum { COL_SENSOR, COL_START, COL_MINUTES, COL_IN, COL_OUT, NCOLS };
static const char *const col_names[NCOLS] = {"sensor", "start", "minutes", "in", "out"};

static int read_header(ent_db *db, char **fields, size_t count, int idx[NCOLS])
{
    for (int c = 0; c < NCOLS; c++)
        idx[c] = -1;
    for (size_t i = 0; i < count; i++) {
        int c = 0;
        while (c < NCOLS && strcmp(fields[i], col_names[c]) != 0)
            c++;
        if (c == NCOLS)
            return entx_fail(db, ENT_INVALID, "row 1: unknown column '%s' (expected sensor,start,minutes,in,out)",
                            ENT_CLIP(fields[i], 40));
        idx[c] = (int)i;
    }
    for (int c = 0; c < NCOLS; c++)
        if (idx[c] < 0)
            return entx_fail(db, ENT_INVALID, "row 1: the column '%s' is missing (expected sensor,start,minutes,in,out)",
                            col_names[c]);
    return ENT_OK;
}

int ent_flow_import_csv(ent_db *db, int64_t *rows, FILE *in)
{
    ent_csv *csv = NULL;
    char **f;
    size_t count;
    int idx[NCOLS], rc, got;
    int64_t n = 0;
    entx_ok(db);
    if (rows)
        *rows = 0;
    if (ent_csv_open(&csv, in) != ENT_OK)
        return entx_fail(db, ENT_ERROR, "out of memory");
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        goto free_csv;
    got = ent_csv_next(csv, &f, &count);
    if (got < 0) {
        rc = entx_fail(db, ENT_INVALID, "%s", entx_why());
        goto done;
    }
    if (got == 0) {
        rc = entx_fail(db, ENT_INVALID, "the file is empty: expected the header sensor,start,minutes,in,out");
        goto done;
    }
    if ((rc = read_header(db, f, count, idx)) != ENT_OK)
        goto done;
    while ((got = ent_csv_next(csv, &f, &count)) == 1) {
        int64_t minutes, n_in, n_out;
        size_t rec = ent_csv_record(csv);
        if (count != NCOLS) {
            rc = entx_fail(db, ENT_INVALID, "row %zu: %zu fields, expected %d", rec, count, NCOLS);
            goto done;
        }
        rc = count_field(db, "minutes", f[idx[COL_MINUTES]], &minutes, 1, 1440);
        if (rc == ENT_OK)
            rc = count_field(db, "in", f[idx[COL_IN]], &n_in, 0, ENT_QTY_MAX);
        if (rc == ENT_OK)
            rc = count_field(db, "out", f[idx[COL_OUT]], &n_out, 0, ENT_QTY_MAX);
        if (rc == ENT_OK)
            rc = upsert(db, f[idx[COL_SENSOR]], f[idx[COL_START]], minutes, n_in, n_out, "import");
        if (rc != ENT_OK) {
            char why[ENT_MSG_MAX];
            snprintf(why, sizeof why, "%s", ent_errmsg(db));
            rc = entx_fail(db, rc, "row %zu: %s", rec, why);
            goto done;
        }
        n++;
    }
    if (got < 0)
        rc = entx_fail(db, ENT_INVALID, "%s", entx_why());
done:
    rc = entx_tx_end(db, rc);
    if (rc == ENT_OK && rows)
        *rows = n;
free_csv:
    ent_csv_free(csv);
    return rc;
}

/* ---- the report --------------------------------------------------------- */

static const char flow_hour_sql[] =
    "WITH f AS (SELECT day, hour, SUM(n_in) v FROM flow_count WHERE day BETWEEN ?1 AND ?2 GROUP BY day, hour), "
    "s AS (SELECT day, hour, SUM(value) val, SUM(units) u, SUM(transactions) t FROM sale_sum_hour "
    "      WHERE day BETWEEN ?1 AND ?2 GROUP BY day, hour), "
    "k AS (SELECT day, hour FROM f UNION SELECT day, hour FROM s) "
    "SELECT k.day, k.hour, COALESCE(f.v, 0), COALESCE(s.t, 0), COALESCE(s.val, 0), COALESCE(s.u, 0) "
    "FROM k LEFT JOIN f ON f.day = k.day AND f.hour = k.hour LEFT JOIN s ON s.day = k.day AND s.hour = k.hour "
    "ORDER BY k.day, k.hour";

static const char flow_day_sql[] =
    "WITH f AS (SELECT day, SUM(n_in) v FROM flow_count WHERE day BETWEEN ?1 AND ?2 GROUP BY day), "
    "s AS (SELECT day, SUM(value) val, SUM(units) u, SUM(transactions) t FROM sale_sum_hour "
    "      WHERE day BETWEEN ?1 AND ?2 GROUP BY day), "
    "k AS (SELECT day FROM f UNION SELECT day FROM s) "
    "SELECT k.day, -1, COALESCE(f.v, 0), COALESCE(s.t, 0), COALESCE(s.val, 0), COALESCE(s.u, 0) "
    "FROM k LEFT JOIN f ON f.day = k.day LEFT JOIN s ON s.day = k.day ORDER BY k.day";

struct frow {
    char period[17];
    int64_t visitors, transactions, value, units;
};

int ent_flow_report(ent_db *db, const ent_flow_query *q, ent_flow_cb cb, void *ud)
{
    struct frow *rows = NULL;
    size_t n = 0, cap = 0;
    int64_t peak = 0;
    int rc, sc;
    entx_ok(db);
    if (q == NULL)
        return entx_fail(db, ENT_INVALID, "no query given");
    if ((rc = entx_sales_check_range(db, q->from, q->to)) != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, q->by_day ? flow_day_sql : flow_hour_sql);
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, q->from && *q->from ? q->from : "0000-00-00", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, q->to && *q->to ? q->to : "9999-99-99", -1, SQLITE_STATIC);
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            struct frow *nr = realloc(rows, cap * sizeof *nr);
            if (nr == NULL) {
                rc = entx_fail(db, ENT_ERROR, "out of memory");
                break;
            }
            rows = nr;
        }
        struct frow *r = &rows[n++];
        int hour = sqlite3_column_int(st, 1) % 100; /* 0-23, or -1 by day */
        if (hour < 0)
            snprintf(r->period, sizeof r->period, "%.10s", (const char *)sqlite3_column_text(st, 0));
        else
            snprintf(r->period, sizeof r->period, "%.10s %02d:00", (const char *)sqlite3_column_text(st, 0), hour);
        r->visitors = sqlite3_column_int64(st, 2);
        r->transactions = sqlite3_column_int64(st, 3);
        r->value = sqlite3_column_int64(st, 4);
        r->units = sqlite3_column_int64(st, 5);
        if (r->visitors > peak)
            peak = r->visitors;
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading the customer flow");
    sqlite3_reset(st);
    for (size_t i = 0; i < n && rc == ENT_OK; i++) {
        const struct frow *r = &rows[i];
        ent_flow_row row = {0};
        row.period = r->period;
        row.visitors = r->visitors;
        row.transactions = r->transactions;
        row.conversion_bp = r->visitors ? (int32_t)entx_muldiv(r->transactions, 10000, r->visitors) : -1;
        row.value = r->value;
        row.units = r->units;
        row.avg_value = r->transactions ? entx_muldiv(r->value, 1, r->transactions) : 0;
        row.avg_units_x100 = r->transactions ? entx_muldiv(r->units, 100, r->transactions) : 0;
        row.peak = peak > 0 && r->visitors == peak;
        rc = cb(&row, ud);
    }
    free(rows);
    return rc;
}

int ent_flow_peak_hours(ent_db *db, int *hours, int64_t *visitors, size_t *found, size_t max, const ent_flow_query *q)
{
    int rc;
    entx_ok(db);
    *found = 0;
    if ((rc = entx_sales_check_range(db, q ? q->from : NULL, q ? q->to : NULL)) != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, "SELECT hour, SUM(n_in) FROM flow_count WHERE day BETWEEN ?1 AND ?2 "
                                    "GROUP BY hour HAVING SUM(n_in) > 0 ORDER BY SUM(n_in) DESC, hour");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, q && q->from && *q->from ? q->from : "0000-00-00", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, q && q->to && *q->to ? q->to : "9999-99-99", -1, SQLITE_STATIC);
    while (*found < max && sqlite3_step(st) == SQLITE_ROW) {
        hours[*found] = sqlite3_column_int(st, 0);
        if (visitors)
            visitors[*found] = sqlite3_column_int64(st, 1);
        (*found)++;
    }
    sqlite3_reset(st);
    return ENT_OK;
}
