/* Small helpers shared by the modules: text checks, dates, UUIDs (times and
 * the calendar itself: time.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>
#include <sys/random.h>
#include <uuid/uuid.h>

#include "entrepot/csv.h"
#include "entrepot/parse.h"
#include "internal.h"
#include "time_internal.h"

char *entx_strdup(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

int entx_bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s == NULL || *s == '\0')
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

char *entx_col_strdup(sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return t ? entx_strdup(t) : NULL;
}

void entx_col_copy(sqlite3_stmt *st, char *buf, size_t len, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    snprintf(buf, len, "%s", t ? t : "");
}

/*
 * Random (version 4) UUIDs from a per-thread buffer of kernel randomness:
 * libuuid's uuid_generate_random makes several system calls per UUID, which
 * dominated bulk work such as the demo's two million lots. A forked child
 * drops the buffer it inherited, so parent and child never share bytes.
 */
static _Thread_local unsigned char uuid_pool[4096];
static _Thread_local size_t uuid_pool_pos = sizeof uuid_pool;
static pthread_once_t uuid_atfork_once = PTHREAD_ONCE_INIT;

static void uuid_pool_drop(void)
{
    uuid_pool_pos = sizeof uuid_pool;
}

static void uuid_atfork(void)
{
    pthread_atfork(NULL, NULL, uuid_pool_drop);
}

void entx_uuid_new(char out[ENT_UUID_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char u[16];
    pthread_once(&uuid_atfork_once, uuid_atfork);
    if (uuid_pool_pos + sizeof u > sizeof uuid_pool) {
        size_t got = 0;
        while (got < sizeof uuid_pool) {
            ssize_t n = getrandom(uuid_pool + got, sizeof uuid_pool - got, 0);
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        if (got < sizeof uuid_pool) {
            /* No kernel randomness: libuuid knows its own fallbacks. */
            uuid_t lu;
            uuid_generate_random(lu);
            uuid_unparse_lower(lu, out);
            return;
        }
        uuid_pool_pos = 0;
    }
    memcpy(u, uuid_pool + uuid_pool_pos, sizeof u);
    uuid_pool_pos += sizeof u;
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* version 4 */
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    for (int i = 0, k = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[k++] = '-';
        out[k++] = hex[u[i] >> 4];
        out[k++] = hex[u[i] & 15];
    }
    out[36] = '\0';
}

/*
 * A time-ordered (version 7, RFC 9562) UUID: 48 bits of Unix milliseconds,
 * then randomness. For rows nobody names by a prefix (a prefix shared by
 * a minute's rows would fit all of them) but written in bulk: the ledger's
 * moves. A unique index of random UUIDs takes each new row on a random leaf
 * page, a page to write per row; ordered ones share the last page.
 */
void entx_uuid_new_ordered(char out[ENT_UUID_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    struct timespec ts;
    entx_uuid_new(out);
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    /* xxxxxxxx-xxxx-7xxx-: the first 12 hex digits hold the time. */
    for (int i = 11, k = 12; i >= 0; i--, k--) {
        if (k == 8)
            k--;
        out[k] = hex[ms & 15];
        ms >>= 4;
    }
    out[14] = '7';
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

static const char *const month_names[12] = {"January", "February", "March",     "April",   "May",      "June",
                                            "July",    "August",   "September", "October", "November", "December"};

static void say(const char *text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const char *text, const char *fmt, ...)
{
    char shown[64], rest[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rest, sizeof rest, fmt, ap);
    va_end(ap);
    entx_error_set(ENT_INVALID, "'%s' %s", ent_text_clip(shown, sizeof shown, text, 40), rest);
}

/* report: whether a refusal leaves its words (the library's own checks,
 * entx_date_parse, only need the answer). */
static int date_check(int32_t *days_out, const char *s, bool report)
{
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        goto form;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            goto form;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (!report && (m < 1 || m > 12 || d < 1 || d > month_days(y, m) || y < 1900))
        return ENT_INVALID;
    if (m < 1 || m > 12) {
        say(s, "is not a date: there is no month %d (months are 01 to 12)", m);
        return ENT_INVALID;
    }
    if (d < 1 || d > month_days(y, m)) {
        say(s, "is not a date: %s %04d has no day %d (it has %d days)", month_names[m - 1], y, d,
            month_days(y, m));
        return ENT_INVALID;
    }
    if (y < 1900) {
        say(s, "is out of the supported range " ENT_DATE_MIN " to " ENT_DATE_MAX);
        return ENT_INVALID;
    }
    if (days_out)
        *days_out = (int32_t)entx_days_from_civil(y, m, d);
    return ENT_OK;
form:
    if (report)
        say(s, "is not a date in the form YYYY-MM-DD");
    return ENT_INVALID;
}

int ent_date_check(int32_t *days_out, const char *s)
{
    ent_error_clear();
    return date_check(days_out, s, true);
}

int entx_date_parse(int32_t *days_out, const char *s)
{
    return date_check(days_out, s, false);
}

int entx_fail_date(ent_db *db, const char *field, const char *s)
{
    ent_date_check(NULL, s);
    return entx_fail(db, ENT_INVALID, "%s %s", field, entx_why());
}

int ent_date_add_days(char out[ENT_DATE_SIZE], const char *date, int64_t days)
{
    int32_t base;
    int64_t sum;
    out[0] = '\0';
    if (ent_date_check(&base, date) != ENT_OK)
        return ENT_INVALID;
    /* Both ends as day numbers: the sum is checked before it becomes a date. */
    const int64_t first = entx_days_from_civil(1900, 1, 1), last = entx_days_from_civil(9999, 12, 31);
    if (__builtin_add_overflow((int64_t)base, days, &sum) || sum < first || sum > last) {
        unsigned long long mag = days < 0 ? 0ull - (unsigned long long)days : (unsigned long long)days;
        say(date, "%s %llu day%s is %s %s, the %s supported date", days < 0 ? "minus" : "plus", mag,
            mag == 1 ? "" : "s", days < 0 ? "before" : "past", days < 0 ? ENT_DATE_MIN : ENT_DATE_MAX,
            days < 0 ? "first" : "last");
        return ENT_INVALID;
    }
    entx_date_from_days(out, (int32_t)sum);
    return ENT_OK;
}

void entx_date_from_days(char out[ENT_DATE_SIZE], int32_t z)
{
    int64_t y;
    int m, d;
    entx_civil_from_days(&y, &m, &d, z);
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", (int)(y % 10000), m % 100, d % 100);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

static int check_text(ent_db *db, const char *field, const char *s, size_t max, bool required, bool utf8_known)
{
    if (s == NULL || *s == '\0')
        return required ? entx_fail(db, ENT_INVALID, "%s is required", field) : ENT_OK;
    size_t n = strlen(s);
    if (!utf8_known && !ent_utf8_valid(s, n))
        return entx_fail(db, ENT_INVALID, "%s is not valid UTF-8 text", field);
    if (n > max)
        return entx_fail(db, ENT_INVALID, "%s is too long: %zu bytes, at most %zu", field, n, max);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return entx_fail(db, ENT_INVALID, "%s holds a control character (byte %zu)", field, i + 1);
    return ENT_OK;
}

int entx_check_text(ent_db *db, const char *field, const char *s, size_t max, bool required)
{
    return check_text(db, field, s, max, required, false);
}

int entx_check_utf8_text(ent_db *db, const char *field, const char *s, size_t max, bool required)
{
    return check_text(db, field, s, max, required, true);
}

bool entx_valid_code(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > max)
        return false;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.' || c == '/'))
            return false;
    }
    return true;
}

int entx_parse_i64(int64_t *out, const char *s)
{
    char *end = NULL;
    if (s == NULL || *s == '\0' || *s == ' ' || *s == '+')
        return ENT_INVALID;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return ENT_INVALID;
    *out = v;
    return ENT_OK;
}

int ent_whole_parse(int64_t *out, const char *text, int64_t min, int64_t max)
{
    ent_error_clear();
    const char *p = text;
    uint64_t mag = 0;
    bool neg = false, big = false;
    if (text == NULL || *text == '\0') {
        say("", "is empty: a whole number is needed");
        return ENT_INVALID;
    }
    if (*p == '-')
        neg = true, p++;
    if (*p == '\0')
        goto not_whole;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            goto not_whole;
        /* Past 2^63 the exact value no longer matters: it is too large. */
        if (mag > (UINT64_MAX - 9) / 10)
            big = true;
        else
            mag = mag * 10 + (uint64_t)(*p - '0');
    }
    if (!big && !neg && mag <= (uint64_t)INT64_MAX && (int64_t)mag <= max && (int64_t)mag >= min) {
        *out = (int64_t)mag;
        return ENT_OK;
    }
    if (!big && neg && mag <= (uint64_t)INT64_MAX + 1) {
        int64_t v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
        if (v >= min && v <= max) {
            *out = v;
            return ENT_OK;
        }
    }
    if (neg && min >= 0 && (big || mag > 0))
        say(text, "must not be negative");
    else if (neg)
        say(text, "is too small: the least is %lld", (long long)min);
    else if (big || mag > (uint64_t)max)
        say(text, "is too large: the most is %lld", (long long)max);
    else
        say(text, "is too small: the least is %lld", (long long)min);
    return ENT_INVALID;
not_whole:
    if (strchr(text, ',') && strspn(text, "-0123456789,") == strlen(text))
        say(text, "is not a whole number: write it without separators");
    else
        say(text, "is not a whole number");
    return ENT_INVALID;
}

int64_t entx_muldiv(int64_t a, int64_t num, int64_t den)
{
    /* 128-bit intermediate: a price per kg times grams times a rate must
     * not overflow before it is divided. */
    __int128 p = (__int128)a * num;
    __int128 q = p >= 0 ? (p + den / 2) / den : -((-p + den / 2) / den);
    return (int64_t)q;
}
