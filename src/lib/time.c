/*
 * Time, dates and zones (see time_internal.h). Zones are read from their
 * TZif files (RFC 8536) here rather than through $TZ and localtime: the C
 * library knows one zone per process, and switching it under a lock is
 * something a threaded server cannot afford.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "entrepot/parse.h"
#include "internal.h"
#include "time_internal.h"

/* ---- the civil calendar ------------------------------------------------- */

/* Howard Hinnant's days_from_civil, over 400-year eras. */
int64_t entx_days_from_civil(int64_t y, int m, int d)
{
    /* Months out of range move the year first, as mktime does. */
    int64_t mm = (int64_t)m - 1;
    y += mm >= 0 ? mm / 12 : -((11 - mm) / 12);
    m = (int)(mm - (mm >= 0 ? mm / 12 : -((11 - mm) / 12)) * 12) + 1;
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + (int64_t)d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void entx_civil_from_days(int64_t *y, int *m, int *d, int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Copies text into out of size bytes, cut when it does not fit (formatting
 * into a roomy buffer first keeps the compiler's truncation checks quiet). */
static void put(char *out, size_t size, const char *text)
{
    size_t n = strlen(text);
    if (n >= size)
        n = size - 1;
    memcpy(out, text, n);
    out[n] = '\0';
}

/* Seconds (UTC or local) as their calendar fields. */
static void split_seconds(int64_t t, int64_t *y, int *mo, int *d, int *h, int *mi, int *s)
{
    int64_t days = floor_div(t, 86400), sod = t - days * 86400;
    entx_civil_from_days(y, mo, d, days);
    *h = (int)(sod / 3600);
    *mi = (int)(sod / 60 % 60);
    *s = (int)(sod % 60);
}

int entx_utc_parse(int64_t *t, const char *utc)
{
    static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
    if (utc == NULL || strlen(utc) != 20)
        return ENT_INVALID;
    for (int i = 0; i < 20; i++)
        if (form[i] == 'd' ? (utc[i] < '0' || utc[i] > '9') : utc[i] != form[i])
            return ENT_INVALID;
#define N2(i) ((utc[i] - '0') * 10 + (utc[(i) + 1] - '0'))
    int y = N2(0) * 100 + N2(2), mo = N2(5), d = N2(8), h = N2(11), mi = N2(14), s = N2(17);
#undef N2
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return ENT_INVALID;
    *t = entx_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return ENT_OK;
}

void entx_utc_format(char out[ENT_TIME_SIZE], int64_t t)
{
    int64_t y;
    int mo, d, h, mi, s;
    char tmp[96];
    split_seconds(t, &y, &mo, &d, &h, &mi, &s);
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, mo, d, h, mi, s);
    put(out, 21, tmp);
}

/* ---- UTC now, and the test clock ---------------------------------------- */

/* The test clock: set only by unit tests and the test programs built in
 * tests/ (never by the entrepot programs users run), so that nobody at a
 * counter can backdate a signed record. Empty: the system clock. */
static char test_clock[ENT_TIME_SIZE];

void entx_clock_set(const char *utc)
{
    if (utc == NULL || strlen(utc) != 20)
        test_clock[0] = '\0';
    else
        memcpy(test_clock, utc, ENT_TIME_SIZE);
}

void entx_now_utc(char out[ENT_TIME_SIZE])
{
    if (test_clock[0]) {
        memcpy(out, test_clock, ENT_TIME_SIZE);
        return;
    }
    entx_utc_format(out, (int64_t)time(NULL));
}

/* ---- zones: the TZif file ----------------------------------------------- */

/* A POSIX TZ rule date: Jn (day 1-365, no Feb 29), n (day 0-365), Mm.w.d. */
struct rule_date {
    char kind; /* 'J', 'N' or 'M' */
    int m, w, d, n;
    int32_t secs; /* local time of the change, -167h to 167h */
};

struct footer {
    int has_dst;
    int32_t std_off, dst_off; /* seconds east of UTC */
    struct rule_date start, end;
};

struct ent_zone {
    struct ent_zone *next;
    char name[ENT_TZ_SIZE];
    size_t n;       /* transitions */
    int64_t *at;    /* n UTC instants, ascending */
    int32_t *off;   /* n offsets in force from each */
    int32_t before; /* offset before the first transition */
    int has_footer;
    struct footer ft;
};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* [+-]hh[:mm[:ss]] at *p, hours up to max; seconds, or INT32_MIN. */
static int32_t posix_hms(const char **p, int max)
{
    const char *s = *p;
    int sign = 1, part[3] = {0, 0, 0};
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    for (int i = 0; i < 3; i++) {
        if (i > 0 && *s != ':')
            break;
        if (i > 0)
            s++;
        if (*s < '0' || *s > '9')
            return INT32_MIN;
        int v = 0;
        for (int k = 0; k < 3 && *s >= '0' && *s <= '9'; k++)
            v = v * 10 + (*s++ - '0');
        part[i] = v;
    }
    if (part[0] > max || part[1] > 59 || part[2] > 59)
        return INT32_MIN;
    *p = s;
    return sign * (part[0] * 3600 + part[1] * 60 + part[2]);
}

/* A zone abbreviation: letters, or anything but '>' between < and >. */
static int posix_name(const char **p)
{
    const char *s = *p;
    if (*s == '<') {
        const char *e = strchr(s, '>');
        if (e == NULL || e - s < 4)
            return -1;
        *p = e + 1;
        return 0;
    }
    while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
        s++;
    if (s - *p < 3)
        return -1;
    *p = s;
    return 0;
}

static int posix_int(const char **p, int lo, int hi, int *out)
{
    const char *s = *p;
    int v = 0, k = 0;
    for (; *s >= '0' && *s <= '9' && k < 4; k++)
        v = v * 10 + (*s++ - '0');
    if (k == 0 || v < lo || v > hi)
        return -1;
    *out = v;
    *p = s;
    return 0;
}

static int posix_rule_date(const char **p, struct rule_date *r)
{
    const char *s = *p;
    r->secs = 7200; /* 02:00 unless given */
    if (*s == 'M') {
        s++;
        r->kind = 'M';
        if (posix_int(&s, 1, 12, &r->m) || *s++ != '.' || posix_int(&s, 1, 5, &r->w) || *s++ != '.' ||
            posix_int(&s, 0, 6, &r->d))
            return -1;
    } else if (*s == 'J') {
        s++;
        r->kind = 'J';
        if (posix_int(&s, 1, 365, &r->n))
            return -1;
    } else {
        r->kind = 'N';
        if (posix_int(&s, 0, 365, &r->n))
            return -1;
    }
    if (*s == '/') {
        s++;
        if ((r->secs = posix_hms(&s, 167)) == INT32_MIN)
            return -1;
    }
    *p = s;
    return 0;
}

/* The TZ string of a TZif footer ("CST-8", "EST5EDT,M3.2.0,M11.1.0"). */
static int posix_parse(const char *s, struct footer *f)
{
    memset(f, 0, sizeof *f);
    int32_t o;
    if (posix_name(&s) || (o = posix_hms(&s, 24)) == INT32_MIN)
        return -1;
    f->std_off = f->dst_off = -o; /* POSIX counts west of Greenwich */
    if (*s == '\0')
        return 0;
    if (posix_name(&s))
        return -1;
    f->has_dst = 1;
    f->dst_off = f->std_off + 3600;
    if (*s != ',' && *s != '\0') {
        if ((o = posix_hms(&s, 24)) == INT32_MIN)
            return -1;
        f->dst_off = -o;
    }
    if (*s == '\0') /* no rule: POSIX leaves it to the implementation; glibc takes the US one */
        s = ",M3.2.0,M11.1.0";
    if (*s++ != ',' || posix_rule_date(&s, &f->start) || *s++ != ',' || posix_rule_date(&s, &f->end))
        return -1;
    return *s == '\0' ? 0 : -1;
}

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Seconds from 1970-01-01 (local) to the local time of a rule's change in year y. */
static int64_t rule_local(const struct rule_date *r, int64_t y)
{
    int64_t day;
    if (r->kind == 'J')
        day = entx_days_from_civil(y, 1, 1) + r->n - 1 + (is_leap(y) && r->n >= 60);
    else if (r->kind == 'N')
        day = entx_days_from_civil(y, 1, 1) + r->n;
    else {
        int64_t first = entx_days_from_civil(y, r->m, 1);
        int wd = (int)((first % 7 + 11) % 7); /* 1970-01-01 was a Thursday (4) */
        day = first + (r->d - wd + 7) % 7 + 7 * (r->w - 1);
        int64_t next = entx_days_from_civil(y, r->m + 1, 1);
        while (day >= next) /* week 5: the last such weekday */
            day -= 7;
    }
    return day * 86400 + r->secs;
}

static int32_t footer_offset(const struct footer *f, int64_t t)
{
    if (!f->has_dst)
        return f->std_off;
    int64_t y;
    int mo, d, h, mi, s;
    split_seconds(t + f->std_off, &y, &mo, &d, &h, &mi, &s);
    /* The start is given in standard time, the end in daylight time. */
    int64_t start = rule_local(&f->start, y) - f->std_off, end = rule_local(&f->end, y) - f->dst_off;
    int dst = start < end ? t >= start && t < end : !(t >= end && t < start);
    return dst ? f->dst_off : f->std_off;
}

int32_t entx_zone_offset(const ent_zone *z, int64_t t)
{
    if (z->n == 0 || t < z->at[0])
        return z->n == 0 && z->has_footer ? footer_offset(&z->ft, t) : z->before;
    if (t >= z->at[z->n - 1] && z->has_footer)
        return footer_offset(&z->ft, t);
    size_t lo = 0, hi = z->n; /* the last transition at or before t */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->at[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return z->off[lo];
}

int64_t entx_zone_to_utc(const ent_zone *z, int64_t local)
{
    /* The offsets a day either side: any change near local lies between. */
    int32_t a = entx_zone_offset(z, local - 90000), b = entx_zone_offset(z, local + 90000);
    int64_t ta = local - a, tb = local - b;
    int ok_a = entx_zone_offset(z, ta) == a, ok_b = entx_zone_offset(z, tb) == b;
    if (ok_a && ok_b)
        return ta < tb ? ta : tb; /* an overlap: the earlier instant */
    if (ok_b)
        return tb;
    return ta; /* exists with a, or a gap: the offset before the jump */
}

/* Reads the whole file; NULL when it cannot. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t cap = 0, n = 0;
    if (f == NULL)
        return NULL;
    for (;;) {
        if (n == cap) {
            unsigned char *p = cap < (1u << 20) ? realloc(buf, cap ? cap * 2 : 4096) : NULL;
            if (p == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap = cap ? cap * 2 : 4096;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* The counts of a TZif header at p; -1 when it is not one or runs past end. */
static int tzif_header(const unsigned char *p, const unsigned char *end, uint32_t c[6])
{
    if (end - p < 44 || memcmp(p, "TZif", 4) != 0)
        return -1;
    for (int i = 0; i < 6; i++)
        c[i] = be32(p + 20 + 4 * i); /* isutcnt isstdcnt leapcnt timecnt typecnt charcnt */
    if (c[4] == 0 || c[4] > 256 || c[3] > 1000000 || c[2] > 100000 || c[5] > 100000)
        return -1;
    return 0;
}

static size_t tzif_block(const uint32_t c[6], size_t tsize)
{
    return c[3] * tsize + c[3] + c[4] * 6 + c[5] + c[2] * (tsize + 4) + c[1] + c[0];
}

/* Parses a TZif file of version 2 or later into z (its 64-bit data and
 * footer); version 1 files, with 32-bit times only, are taken as they are. */
static int tzif_parse(const unsigned char *buf, size_t len, ent_zone *z)
{
    const unsigned char *p = buf, *end = buf + len;
    uint32_t c[6];
    size_t tsize = 4;
    if (tzif_header(p, end, c))
        return -1;
    if (p[4] >= '2') {
        p += 44;
        if ((size_t)(end - p) < tzif_block(c, 4))
            return -1;
        p += tzif_block(c, 4);
        if (tzif_header(p, end, c))
            return -1;
        tsize = 8;
    }
    p += 44;
    if ((size_t)(end - p) < tzif_block(c, tsize))
        return -1;
    const unsigned char *times = p, *idx = p + c[3] * tsize, *types = idx + c[3];
    int32_t type_off[256];
    int first_std = -1;
    for (uint32_t i = 0; i < c[4]; i++) {
        type_off[i] = (int32_t)be32(types + 6 * i);
        if (first_std < 0 && types[6 * i + 4] == 0)
            first_std = (int)i;
    }
    /* Before the first transition: as glibc, the first standard-time type. */
    z->before = type_off[first_std < 0 ? 0 : first_std];
    z->n = c[3];
    z->at = malloc((c[3] ? c[3] : 1) * sizeof *z->at);
    z->off = malloc((c[3] ? c[3] : 1) * sizeof *z->off);
    if (z->at == NULL || z->off == NULL)
        return -1;
    for (uint32_t i = 0; i < c[3]; i++) {
        z->at[i] = tsize == 8 ? be64(times + 8 * i) : (int64_t)(int32_t)be32(times + 4 * i);
        if (idx[i] >= c[4] || (i > 0 && z->at[i] <= z->at[i - 1]))
            return -1;
        z->off[i] = type_off[idx[i]];
    }
    p += tzif_block(c, tsize);
    if (tsize == 8 && p < end && *p == '\n') {
        const unsigned char *nl = memchr(p + 1, '\n', (size_t)(end - p - 1));
        char tz[128];
        if (nl == NULL || nl - p - 1 >= (ptrdiff_t)sizeof tz)
            return -1;
        memcpy(tz, p + 1, (size_t)(nl - p - 1));
        tz[nl - p - 1] = '\0';
        if (tz[0] != '\0') {
            if (posix_parse(tz, &z->ft) != 0)
                return -1;
            z->has_footer = 1;
        }
    }
    return 0;
}

static void zone_free(ent_zone *z)
{
    if (z) {
        free(z->at);
        free(z->off);
        free(z);
    }
}

/* A zone's name as the file system will see it: letters, digits and
 * "/_+-." in parts that do not start with a dot, nothing path-like. */
static int zone_name_ok(const char *tz)
{
    size_t len = strlen(tz);
    return len > 0 && len <= 64 && tz[0] != '/' && tz[len - 1] != '/' && !strstr(tz, "//") && !strstr(tz, "/.") &&
           tz[0] != '.' && strspn(tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-.") == len;
}

static int zone_load(const char *tz, ent_zone **out)
{
    const char *dir = getenv("TZDIR");
    char path[4200];
    size_t len = 0;
    ent_zone *z = calloc(1, sizeof *z);
    if (z == NULL)
        return entx_error_set(ENT_ERROR, "out of memory");
    snprintf(z->name, sizeof z->name, "%s", tz);
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz);
    unsigned char *buf = slurp(path, &len);
    int rc = ENT_OK;
    if (buf == NULL && strcmp(tz, "UTC") == 0) {
        z->before = 0; /* UTC needs no file */
    } else if (buf == NULL) {
        rc = entx_error_set(ENT_INVALID, "time zone '%s' is not known: there is no %s", tz, path);
    } else if (tzif_parse(buf, len, z) != 0) {
        rc = entx_error_set(ENT_INVALID, "time zone '%s': %s is not a compiled zone (TZif) file", tz, path);
    }
    free(buf);
    if (rc != ENT_OK)
        zone_free(z);
    else
        *out = z;
    return rc;
}

/* Zones parsed so far, each published once and never changed or freed. */
static pthread_mutex_t zones_lock = PTHREAD_MUTEX_INITIALIZER;
static ent_zone *zones;
static _Thread_local const ent_zone *zone_last; /* this thread's last zone: no lock */

int entx_zone_get(const ent_zone **out, const char *tz)
{
    char shown[ENT_CLIP_SIZE];
    int rc = ENT_OK;
    const ent_zone *last = zone_last;
    if (last && tz && strcmp(last->name, tz) == 0) {
        *out = last;
        return ENT_OK;
    }
    if (tz == NULL || !zone_name_ok(tz)) {
        return entx_error_set(ENT_INVALID, "'%s' is not a time zone name such as Asia/Shanghai",
                              ent_text_clip(shown, sizeof shown, tz ? tz : "", 40));
    }
    pthread_mutex_lock(&zones_lock);
    ent_zone *z = zones;
    while (z && strcmp(z->name, tz) != 0)
        z = z->next;
    /* Loaded under the lock: a zone is read once, however many threads ask. */
    if (z == NULL && (rc = zone_load(tz, &z)) == ENT_OK) {
        z->next = zones;
        zones = z;
    }
    pthread_mutex_unlock(&zones_lock);
    if (rc == ENT_OK)
        *out = zone_last = z;
    return rc;
}

/* ---- local dates and times in a named zone ------------------------------ */

static int local_fields(const char *tz, const char *utc, int64_t *y, int f[5])
{
    const ent_zone *z;
    int64_t t;
    if (entx_utc_parse(&t, utc) != ENT_OK || entx_zone_get(&z, tz) != ENT_OK)
        return ENT_INVALID;
    split_seconds(t + entx_zone_offset(z, t), y, &f[0], &f[1], &f[2], &f[3], &f[4]);
    return ENT_OK;
}

int entx_time_local_date(char out[ENT_DATE_SIZE], const char *tz, const char *utc)
{
    int64_t y;
    int f[5];
    if (local_fields(tz, utc, &y, f) != ENT_OK)
        return ENT_INVALID;
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", (int)y, f[0], f[1]);
    put(out, 11, tmp);
    return ENT_OK;
}

int ent_time_local(char out[20], const char *tz, const char *utc)
{
    int64_t y;
    int f[5];
    if (tz == NULL || *tz == '\0' || local_fields(tz, utc, &y, f) != ENT_OK) {
        snprintf(out, 20, "%s", utc ? utc : "");
        return ENT_INVALID;
    }
    char tmp[96];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d %02d:%02d:%02d", (int)y, f[0], f[1], f[2], f[3], f[4]);
    put(out, 20, tmp);
    return ENT_OK;
}

int entx_time_midnight_utc(char out[ENT_TIME_SIZE], const char *tz, int y, int m, int d)
{
    const ent_zone *z;
    if (entx_zone_get(&z, tz) != ENT_OK)
        return ENT_INVALID;
    entx_utc_format(out, entx_zone_to_utc(z, entx_days_from_civil(y, m, d) * 86400));
    return ENT_OK;
}

int ent_time_today(char out[ENT_DATE_SIZE], const char *tz)
{
    const ent_zone *z;
    char now[ENT_TIME_SIZE];
    int64_t t;
    ent_error_clear();
    entx_now_utc(now);
    if (entx_zone_get(&z, tz) != ENT_OK)
        return ENT_INVALID;
    if (entx_utc_parse(&t, now) != ENT_OK)
        return entx_error_set(ENT_INVALID, "the clock gives no time (%s)", now);
    int64_t y;
    int f[5];
    char tmp[64];
    split_seconds(t + entx_zone_offset(z, t), &y, &f[0], &f[1], &f[2], &f[3], &f[4]);
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", (int)y, f[0], f[1]);
    put(out, 11, tmp);
    return ENT_OK;
}
