/*
 * The time module against the C library: offsets and local times in many
 * zones across 1900-2100 and at every transition the C library knows of in
 * those years, local midnights against mktime, the gap and overlap rule,
 * threads converting in different zones at once, and bad zone names.
 * $TZ is switched here, in the test only, to ask the C library.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <time.h>

#include "testutil.h"
#include "internal.h"
#include "time_internal.h"

static const char *const zones[] = {"Asia/Shanghai",       "Europe/Berlin",   "America/New_York",
                                    "Australia/Lord_Howe", "Pacific/Chatham", "America/Sao_Paulo",
                                    "Europe/Dublin",       "Asia/Kolkata",    "UTC"};
#define NZONES (sizeof zones / sizeof *zones)

static void libc_zone(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static long libc_offset(time_t t)
{
    struct tm tm;
    localtime_r(&t, &tm);
    return tm.tm_gmtoff;
}

/* Compares the module with localtime_r at t in the zone the C library has. */
static int same_at(const char *tz, const ent_zone *z, time_t t)
{
    struct tm tm;
    char utc[21], mine[20], theirs[32];
    localtime_r(&t, &tm);
    strftime(theirs, sizeof theirs, "%Y-%m-%d %H:%M:%S", &tm);
    entx_utc_format(utc, (int64_t)t);
    ent_time_local(mine, tz, utc);
    if (entx_zone_offset(z, (int64_t)t) != tm.tm_gmtoff || strcmp(mine, theirs) != 0) {
        print_error("%s at %s: offset %d local %s; the C library: %ld %s\n", tz, utc,
                    (int)entx_zone_offset(z, (int64_t)t), mine, tm.tm_gmtoff, theirs);
        return 0;
    }
    return 1;
}

static const time_t first = -2208988800LL; /* 1900-01-01T00:00:00Z */
static const time_t last = 4102444800LL;   /* 2100-01-01T00:00:00Z */

/* Every 5 days and 7 hours (so every hour of the day comes round), and both
 * sides of every change of offset the C library shows between samples,
 * found by bisection with the C library alone. */
static void against_libc(void **state)
{
    (void)state;
    for (size_t i = 0; i < NZONES; i++) {
        const ent_zone *z;
        long edges = 0, samples = 0;
        assert_int_equal(entx_zone_get(&z, zones[i]), ENT_OK);
        libc_zone(zones[i]);
        const time_t step = 5 * 86400 + 7 * 3600;
        long prev = libc_offset(first);
        for (time_t t = first; t < last; t += step) {
            samples++;
            if (!same_at(zones[i], z, t))
                fail_msg("%s differs from the C library at %lld", zones[i], (long long)t);
            long off = libc_offset(t + step);
            if (off != prev) {
                time_t lo = t, hi = t + step; /* offset(lo) == prev, offset(hi) != prev */
                while (hi - lo > 1) {
                    time_t mid = lo + (hi - lo) / 2;
                    if (libc_offset(mid) == prev)
                        lo = mid;
                    else
                        hi = mid;
                }
                for (time_t e = hi - 2; e <= hi + 1; e++)
                    if (!same_at(zones[i], z, e))
                        fail_msg("%s differs from the C library at the change %lld", zones[i], (long long)hi);
                edges++;
            }
            prev = off;
        }
        /* A zone with changes must have shown them; UTC and Kolkata have few. */
        if (strcmp(zones[i], "UTC") != 0 && edges == 0)
            fail_msg("%s: no change of offset found in 1900-2100", zones[i]);
        assert_true(samples > 13000); /* 200 years in steps of 5 days 7 hours */
    }
    unsetenv("TZ");
    tzset();
}

/* Local midnight of every 3rd day: equal to mktime's where the wall time
 * exists once; where mktime differs, the day starts in a gap or overlap. */
static void midnights_against_mktime(void **state)
{
    (void)state;
    for (size_t i = 0; i < NZONES; i++) {
        const ent_zone *z;
        assert_int_equal(entx_zone_get(&z, zones[i]), ENT_OK);
        libc_zone(zones[i]);
        int odd = 0;
        for (int64_t day = entx_days_from_civil(1901, 1, 1); day < entx_days_from_civil(2100, 1, 1); day += 3) {
            int64_t y;
            int m, d;
            entx_civil_from_days(&y, &m, &d, day);
            struct tm tm = {.tm_year = (int)y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
            time_t theirs = mktime(&tm);
            int64_t mine = entx_zone_to_utc(z, day * 86400);
            if (mine == (int64_t)theirs)
                continue;
            /* Not equal: the local midnight must not exist (a gap) or exist twice. */
            int64_t off_mine = entx_zone_offset(z, mine);
            int twice = mine + off_mine == day * 86400 && (int64_t)theirs + libc_offset(theirs) == day * 86400;
            int gap = mine + off_mine != day * 86400;
            if (!twice && !gap)
                fail_msg("%s %04lld-%02d-%02d: midnight %lld, mktime %lld", zones[i], (long long)y, m, d,
                         (long long)mine, (long long)theirs);
            odd++;
        }
        assert_true(odd < 60); /* a few days a zone, not a broken rule */
    }
    unsetenv("TZ");
    tzset();
}

/* The rule for local times that do not exist or exist twice. */
static void gaps_and_overlaps(void **state)
{
    (void)state;
    static const struct {
        const char *tz, *local, *utc;
    } rows[] = {
        /* New York springs forward at 02:00 EST: 02:30 does not exist, it is taken with EST */
        {"America/New_York", "2026-03-08 02:30:00", "2026-03-08T07:30:00Z"},
        /* and falls back at 02:00 EDT: 01:30 exists twice, the earlier (EDT) is taken */
        {"America/New_York", "2026-11-01 01:30:00", "2026-11-01T05:30:00Z"},
        /* Sao Paulo's DST began at midnight: the day began at the jump, 00:00 -03 */
        {"America/Sao_Paulo", "2018-11-04 00:00:00", "2018-11-04T03:00:00Z"},
        /* Lord Howe moves by half an hour */
        {"Australia/Lord_Howe", "2026-10-04 02:15:00", "2026-10-03T15:45:00Z"},
        {"Australia/Lord_Howe", "2026-04-05 01:45:00", "2026-04-04T14:45:00Z"},
        /* Dublin's "winter time" is the negative DST of tzdata */
        {"Europe/Dublin", "2026-10-25 01:30:00", "2026-10-25T00:30:00Z"},
        {"Europe/Dublin", "2026-03-29 01:30:00", "2026-03-29T01:30:00Z"},
        {"Pacific/Chatham", "2026-09-27 02:50:00", "2026-09-26T14:05:00Z"},
        {"Asia/Kolkata", "2026-06-01 00:00:00", "2026-05-31T18:30:00Z"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const ent_zone *z;
        char utc[21];
        int y, mo, d, h, mi, s;
        assert_int_equal(entx_zone_get(&z, rows[i].tz), ENT_OK);
        assert_int_equal(sscanf(rows[i].local, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &s), 6);
        entx_utc_format(utc, entx_zone_to_utc(z, entx_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s));
        if (strcmp(utc, rows[i].utc) != 0)
            fail_msg("row %zu: %s %s is %s, not %s", i, rows[i].tz, rows[i].local, utc, rows[i].utc);
    }
    char out[21];
    /* out-of-range days and months roll over */
    assert_int_equal(entx_time_midnight_utc(out, "Asia/Shanghai", 2026, 12, 32), ENT_OK);
    assert_string_equal(out, "2026-12-31T16:00:00Z");
    assert_int_equal(entx_time_midnight_utc(out, "Asia/Shanghai", 2026, 13, 1), ENT_OK);
    assert_string_equal(out, "2026-12-31T16:00:00Z");
}

/* The calendar both ways against timegm and gmtime_r. */
static void calendar(void **state)
{
    (void)state;
    for (int64_t day = -25567 - 400; day < 2932897 + 400; day += 13) {
        int64_t y;
        int m, d;
        entx_civil_from_days(&y, &m, &d, day);
        assert_int_equal(entx_days_from_civil(y, m, d), day);
        time_t t = (time_t)(day * 86400);
        struct tm tm;
        gmtime_r(&t, &tm);
        if (tm.tm_year + 1900 != y || tm.tm_mon + 1 != m || tm.tm_mday != d)
            fail_msg("day %lld: %lld-%d-%d, gmtime %d-%d-%d", (long long)day, (long long)y, m, d, tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday);
    }
    int64_t t;
    char out[21];
    assert_int_equal(entx_utc_parse(&t, "2026-11-28T01:02:03Z"), ENT_OK);
    assert_int_equal(t, 1795827723);
    entx_utc_format(out, t);
    assert_string_equal(out, "2026-11-28T01:02:03Z");
    assert_int_equal(entx_utc_parse(&t, "2026-11-28 01:02:03Z"), ENT_INVALID);
    assert_int_equal(entx_utc_parse(&t, "2026-13-28T01:02:03Z"), ENT_INVALID);
    assert_int_equal(entx_utc_parse(&t, "2026-11-28T01:02:03"), ENT_INVALID);
}

/* The test clock plugs in here: today in a zone follows it. */
static void today_follows_the_clock(void **state)
{
    (void)state;
    char out[11];
    entx_clock_set("2026-11-28T17:00:00Z");
    assert_int_equal(ent_time_today(out, "Asia/Shanghai"), ENT_OK);
    assert_string_equal(out, "2026-11-29");
    assert_int_equal(ent_time_today(out, "America/New_York"), ENT_OK);
    assert_string_equal(out, "2026-11-28");
    entx_clock_set(NULL);
}

#define NTHREADS 9
#define NINSTANTS 4000

struct job {
    const char *tz;
    char (*want)[20];
    int bad;
};

static int64_t instant(int k)
{
    return (int64_t)first + (int64_t)k * ((int64_t)(last - first) / NINSTANTS) + k % 97 * 3607;
}

static void *convert(void *arg)
{
    struct job *j = arg;
    for (int round = 0; round < 3; round++)
        for (int k = 0; k < NINSTANTS; k++) {
            char utc[21], local[20];
            entx_utc_format(utc, instant(k));
            ent_time_local(local, j->tz, utc);
            if (strcmp(local, j->want[k]) != 0)
                j->bad++;
        }
    return NULL;
}

/* Several threads converting in different zones at once, each zone loaded
 * while the others are in use, give the single-threaded results. */
static void threads(void **state)
{
    (void)state;
    static char want[NTHREADS][NINSTANTS][20];
    /* What one thread gets, from the C library (against_libc checks the module
     * agrees with it single-threaded). */
    for (int i = 0; i < NTHREADS; i++) {
        libc_zone(zones[i]);
        for (int k = 0; k < NINSTANTS; k++) {
            time_t t = (time_t)instant(k);
            struct tm tm;
            localtime_r(&t, &tm);
            strftime(want[i][k], 20, "%Y-%m-%d %H:%M:%S", &tm);
        }
    }
    unsetenv("TZ");
    tzset();
    pthread_t th[NTHREADS];
    struct job jobs[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        jobs[i] = (struct job){zones[i], want[i], 0};
        assert_int_equal(pthread_create(&th[i], NULL, convert, &jobs[i]), 0);
    }
    for (int i = 0; i < NTHREADS; i++) {
        pthread_join(th[i], NULL);
        if (jobs[i].bad)
            fail_msg("%s: %d conversions differ under threads", zones[i], jobs[i].bad);
    }
}

static void bad_zone_names(void **state)
{
    (void)state;
    static const struct {
        const char *tz, *why;
    } rows[] = {
        {"Mars/Olympus_Mons", "time zone 'Mars/Olympus_Mons' is not known: there is no "},
        {"../../etc/passwd", "'../../etc/passwd' is not a time zone name such as Asia/Shanghai"},
        {"", "'' is not a time zone name such as Asia/Shanghai"},
        {"Asia/Shanghai\n", "'Asia/Shanghai\\x0A' is not a time zone name such as Asia/Shanghai"},
        {"zone1970.tab", "time zone 'zone1970.tab': "},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const ent_zone *z = NULL;
        char out[20];
        const char *why = ent_error_last()->message;
        assert_int_equal(entx_zone_get(&z, rows[i].tz), ENT_INVALID);
        if (strncmp(why, rows[i].why, strlen(rows[i].why)) != 0)
            fail_msg("row %zu: '%s'", i, why);
        assert_int_equal(ent_time_local(out, rows[i].tz, "2026-11-28T01:00:00Z"), ENT_INVALID);
        assert_string_equal(out, "2026-11-28T01:00:00");
    }
    char day[11];
    const char *why = ent_error_last()->message;
    assert_int_equal(ent_time_today(day, "Nowhere/Town"), ENT_INVALID);
    assert_non_null(strstr(why, "'Nowhere/Town' is not known"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* threads first: every zone is loaded while several threads ask */
        cmocka_unit_test(threads),           cmocka_unit_test(calendar),
        cmocka_unit_test(against_libc),      cmocka_unit_test(midnights_against_mktime),
        cmocka_unit_test(gaps_and_overlaps), cmocka_unit_test(today_follows_the_clock),
        cmocka_unit_test(bad_zone_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
