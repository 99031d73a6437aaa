/*
 * Search benchmark (issue 14): a cashier types a search one character at a
 * time, and each keystroke runs the search the CLI and the server run
 * (ent_product_each, limit 20).
 *
 *   bench_search DB [ROUNDS]   latency per keystroke, p50 / p99 / max, for
 *                              pinyin, initials, Chinese, English, code
 *                              prefixes and GTIN tails taken from the
 *                              database's own commodities, ROUNDS times over
 *                              (default 20); beside it, measured the same way
 *                              in the same run, the floor: finding one
 *                              commodity by its GTIN (ent_product_find).
 *
 * Run it from a release build on a demo database
 * (entrepot --db DB demo --commodities N).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "entrepot/entrepot.h"

#define LIMIT 20

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this thread, which other programs on a busy machine do not
 * inflate (the wall-clock figures are printed beside it). */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *what, double *t, size_t n)
{
    qsort(t, n, sizeof *t, cmp_d);
    printf("%-34s %7zu calls  p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms\n", what, n, 1e3 * t[n / 2],
           1e3 * t[(size_t)((double)n * 0.99)], 1e3 * t[n - 1]);
}

static int count_cb(const ent_product *p, void *ud)
{
    (void)p;
    (*(int *)ud)++;
    return 0;
}

/* Searches typed one character (UTF-8 sequence) at a time. */
static const char *const typed[] = {
    "niunai", "niu nai", "lvcha", "lc", "nn", "gly", "ganlanyou", "qiaokeli", "kafei", "zhongqing",
    "changcheng", "hongjiu", "putaojiu", "pijiu", "nailao", "fengmi", "binggan", "guozhi",
    "牛奶", "绿茶", "橄榄油", "巧克力", "红酒", "意大利面", "olive oil", "milk", "coffee", "chocolate",
    "green tea", "honey", "cheese", "wine", "法国 红酒", "milk 牛奶",
};

/* Every 997th commodity's GTIN, from a list of all. */
enum { NCODES = 64 };
struct codes {
    char gtin[NCODES][ENT_GTIN_SIZE];
    int n, seen;
};

static int code_cb(const ent_product *p, void *ud)
{
    struct codes *c = ud;
    if (c->seen++ % 997 == 0 && p->gtin[0] && c->n < NCODES)
        memcpy(c->gtin[c->n++], p->gtin, ENT_GTIN_SIZE);
    return 0;
}

/* Times each prefix of text, one UTF-8 character longer each time. */
static size_t type_one(ent_db *db, const char *text, double *t, double *cpu, size_t at, size_t cap)
{
    char buf[256];
    size_t len = strlen(text);
    for (size_t i = 1; i <= len && at < cap; i++) {
        if ((text[i] & 0xC0) == 0x80 || text[i - 1] == ' ')
            continue; /* inside a character, or a trailing space */
        memcpy(buf, text, i);
        buf[i] = '\0';
        int found = 0;
        double t0 = now_s(), c0 = cpu_s();
        if (ent_product_each(db, buf, NULL, LIMIT, count_cb, &found) != ENT_OK) {
            fprintf(stderr, "bench_search: '%s': %s\n", buf, ent_errmsg(db));
            exit(1);
        }
        t[at] = now_s() - t0;
        cpu[at] = cpu_s() - c0;
        if (getenv("BENCH_SLOW") && t[at] > 0.005)
            fprintf(stderr, "slow: %.1f ms '%s' (%d found)\n", 1e3 * t[at], buf, found);
        at++;
    }
    return at;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_search DB [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 20;
    ent_db *db = NULL;
    if (ent_db_open(&db, argv[1], 0) != ENT_OK) {
        fprintf(stderr, "bench_search: %s\n", ent_error_last()->message);
        return 3;
    }
    static struct codes c;
    if (ent_product_each(db, NULL, NULL, 0, code_cb, &c) != ENT_OK || c.n == 0) {
        fprintf(stderr, "bench_search: no commodities with a GTIN in %s\n", argv[1]);
        return 1;
    }
    size_t cap = (size_t)rounds * (sizeof typed / sizeof *typed * 12 + (size_t)c.n * 20) + 16;
    size_t fcap = (size_t)rounds * (size_t)c.n;
    double *t = malloc(cap * sizeof *t), *cpu = malloc(cap * sizeof *t), *floor_t = malloc(fcap * sizeof *t),
           *floor_cpu = malloc(fcap * sizeof *t);
    size_t n = 0, nf = 0;
    if (t == NULL || cpu == NULL || floor_t == NULL || floor_cpu == NULL)
        return 3;
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i < sizeof typed / sizeof *typed; i++)
            n = type_one(db, typed[i], t, cpu, n, cap);
        for (int i = 0; i < c.n; i++) {
            n = type_one(db, c.gtin[i] + 1, t, cpu, n, cap);  /* the GTIN-13 typed */
            n = type_one(db, c.gtin[i] + 8, t, cpu, n, cap);  /* its last 6 digits */
            ent_product *p = NULL;
            double t0 = now_s(), c0 = cpu_s();
            if (ent_product_find(db, &p, NULL, c.gtin[i]) != ENT_OK)
                return 1;
            floor_t[nf] = now_s() - t0;
            floor_cpu[nf++] = cpu_s() - c0;
            ent_product_free(p);
        }
    }
    report("search, one keystroke, wall", t, n);
    report("search, one keystroke, CPU", cpu, n);
    report("floor: one commodity by GTIN, wall", floor_t, nf);
    report("floor: one commodity by GTIN, CPU", floor_cpu, nf);
    free(t);
    free(cpu);
    free(floor_t);
    free(floor_cpu);
    ent_db_close(db);
    return 0;
}
