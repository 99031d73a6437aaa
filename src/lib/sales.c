/* Sales: money maths, the store's local time and small helpers shared by the module. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/db.h"
#include "sales_internal.h"
#include "time_internal.h"

/* ---- small helpers ------------------------------------------------------ */

int64_t entx_sales_tax(int64_t amount, int32_t rate)
{
    return entx_muldiv(amount, rate, 10000 + (int64_t)rate);
}

int64_t entx_sales_line_units(const char *unit, int64_t qty)
{
    if (strcmp(unit, "pcs") == 0)
        return qty;
    return qty > 0 ? 1 : qty < 0 ? -1 : 0;
}

bool entx_sales_valid_counter(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 16)
        return false;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
              *s == '_'))
            return false;
    return true;
}

int entx_sales_check_counter(ent_db *db, const char *s)
{
    if (entx_sales_valid_counter(s))
        return ENT_OK;
    return entx_fail(db, ENT_INVALID, "counter '%s' must be 1 to 16 letters, digits, - or _", ENT_CLIP(s ? s : "", 40));
}

int entx_sales_durable(ent_db *db)
{
    /* A sale the customer walked away with must survive a power cut, even
     * when the caller opened the database without ENT_OPEN_DURABLE. */
    if (db->flags & ENT_OPEN_DURABLE)
        return ENT_OK;
    if (sqlite3_exec(db->sql, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK)
        return entx_fail_sql(db, "making the connection durable");
    db->flags |= ENT_OPEN_DURABLE;
    return ENT_OK;
}

/* ---- local time --------------------------------------------------------- */

/* A sale needs its local day and hour: the bounds of the current local day
 * are remembered, so most sales need no zone lookup at all. */
static _Thread_local struct {
    char tz[ENT_TZ_SIZE];
    char day[ENT_DATE_SIZE];
    int64_t start, end; /* epoch seconds of the day's local midnights */
} day_cache;

/* Seconds since the epoch of a UTC time, or -1 (also for times before 1970). */
static int64_t epoch_of(const char *utc)
{
    int64_t t;
    return entx_utc_parse(&t, utc) == ENT_OK && t >= 0 ? t : -1;
}

static int store_tz(ent_db *db, char tz[ENT_TZ_SIZE])
{
    ent_store *s = NULL;
    int rc = ent_store_get(db, &s);
    if (rc == ENT_OK)
        snprintf(tz, ENT_TZ_SIZE, "%s", s->tz);
    ent_store_free(s);
    return rc;
}

int entx_sales_local(ent_db *db, char day[ENT_DATE_SIZE], int *hour, const char *utc)
{
    char tz[ENT_TZ_SIZE], a[ENT_TIME_SIZE], b[ENT_TIME_SIZE];
    int rc = store_tz(db, tz);
    if (rc != ENT_OK)
        return rc;
    int64_t t = epoch_of(utc);
    if (t < 0)
        return entx_fail(db, ENT_INVALID, "time '%s' is not UTC YYYY-MM-DDTHH:MM:SSZ", utc);
    if (strcmp(day_cache.tz, tz) != 0 || t < day_cache.start || t >= day_cache.end) {
        int y, m, d;
        if (entx_time_local_date(day_cache.day, tz, utc) != ENT_OK ||
            sscanf(day_cache.day, "%4d-%2d-%2d", &y, &m, &d) != 3 || entx_time_midnight_utc(a, tz, y, m, d) != ENT_OK ||
            entx_time_midnight_utc(b, tz, y, m, d + 1) != ENT_OK) {
            day_cache.tz[0] = '\0';
            return entx_fail(db, ENT_INVALID, "cannot place %s in time zone %s", utc, tz);
        }
        snprintf(day_cache.tz, sizeof day_cache.tz, "%s", tz);
        day_cache.start = epoch_of(a);
        day_cache.end = epoch_of(b);
    }
    memcpy(day, day_cache.day, 11);
    int h = (int)((t - day_cache.start) / 3600);
    *hour = h > 23 ? 23 : h; /* a 25-hour day ends DST: its last hour joins hour 23 */
    return ENT_OK;
}

int entx_sales_local_to_utc(ent_db *db, char utc[ENT_TIME_SIZE], const char *local)
{
    char tz[ENT_TZ_SIZE], mid[ENT_TIME_SIZE];
    int y, mo, d, h, mi, s = 0, used = 0;
    int rc = store_tz(db, tz);
    if (rc != ENT_OK)
        return rc;
    size_t len = strlen(local);
    char shown[ENT_CLIP_SIZE];
    ent_text_clip(shown, sizeof shown, local, 40);
    if ((len != 16 && len != 19) ||
        sscanf(local, "%4d-%2d-%2d %2d:%2d%n:%2d%n", &y, &mo, &d, &h, &mi, &used, &s, &used) < 5 ||
        (size_t)used != len || h > 23 || mi > 59 || s > 59)
        return entx_fail(db, ENT_INVALID, "time '%s' is not YYYY-MM-DD HH:MM", shown);
    char date[ENT_DATE_SIZE];
    memcpy(date, local, 10); /* the form was checked: ten ASCII bytes */
    date[10] = '\0';
    if (entx_date_parse(NULL, date) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "'%s' is not a date", date);
    if (entx_time_midnight_utc(mid, tz, y, mo, d) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "cannot place %s in time zone %s", shown, tz);
    entx_utc_format(utc, epoch_of(mid) + h * 3600 + mi * 60 + s);
    return ENT_OK;
}
