/*
 * One UTC -> local conversion in a named zone (README, "Time, dates and
 * zones"): the time module's ent_time_local against what the library did
 * before it, switching $TZ under a lock around localtime_r (done here, in
 * the benchmark only, to have the old figure on the same machine).
 *
 *   bench_time [N]     N conversions each way (default 200,000), Asia/Shanghai
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "entrepot/entrepot.h"
#include "time_internal.h"

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

/* The former jtz_local_time: $TZ switched and put back under a lock per call. */
static void tz_switch_local(char out[20], const char *tz, int64_t t0)
{
    time_t t = (time_t)t0;
    struct tm tm;
    pthread_mutex_lock(&tz_lock);
    const char *old = getenv("TZ");
    char *saved = old ? strdup(old) : NULL;
    setenv("TZ", tz, 1);
    tzset();
    localtime_r(&t, &tm);
    if (saved)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(saved);
    pthread_mutex_unlock(&tz_lock);
    strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200000;
    char a[20], b[20], utc[21];
    long differ = 0;
    const int64_t base = 1795827723; /* 2026-11-28T01:02:03Z */
    if (n <= 0) {
        fprintf(stderr, "usage: bench_time [N]\n");
        return 2;
    }
    double t0 = now_s();
    for (long i = 0; i < n; i++)
        tz_switch_local(a, "Asia/Shanghai", base + i * 37);
    double t1 = now_s();
    for (long i = 0; i < n; i++) {
        entx_utc_format(utc, base + i * 37);
        ent_time_local(b, "Asia/Shanghai", utc);
    }
    double t2 = now_s();
    for (long i = 0; i < n; i += 97) { /* and they agree */
        tz_switch_local(a, "Asia/Shanghai", base + i * 37);
        entx_utc_format(utc, base + i * 37);
        ent_time_local(b, "Asia/Shanghai", utc);
        differ += strcmp(a, b) != 0;
    }
    printf("%ld conversions, Asia/Shanghai: $TZ switched under a lock %.2f us each; ent_time_local %.2f us each "
           "(with formatting the UTC text); %ld of the sampled results differ\n",
           n, (t1 - t0) / n * 1e6, (t2 - t1) / n * 1e6, differ);
    return differ != 0;
}
