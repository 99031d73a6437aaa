/*
 * Scan benchmarks.
 *
 *   bench_scan               parses per second on one core, for a mix of
 *                            EAN-13, GS1 element strings and Digital Link URIs
 *   bench_scan DB [N]        also: latency of parse + resolve (commodity and
 *                            lot) for N scans (default 100000) of codes taken
 *                            from the database: p50 / p99 / max wall-clock
 *                            latency, and the mean CPU time of the thread
 *                            (which a busy machine does not inflate)
 *   bench_scan --resolve-only DB [N]   skips the parse benchmark; two more
 *                            passes time the counter's lean resolve
 *                            (ent_scan_resolve_ids), its warm ratio to the floor last
 *   bench_scan --floor-first ...   times the floor before each scan instead
 *                            of after it: whichever goes second finds the
 *                            GTIN index's pages just read (in SQLite's cache
 *                            and the CPU's), so this shows what the order is
 *                            worth
 *   bench_scan --mmap ...    the same with PRAGMA mmap_size = 4 GiB and
 *                            cache_size = 256 MiB on the benchmark's own
 *                            connection (entrepot's db module sets neither):
 *                            how much of a scan's cost is reading pages
 *                            through read(2) into a 2 MB cache
 *
 * Run it from a release build: cmake --build B --target bench_scan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "entrepot/entrepot.h"
#include "internal.h" /* --mmap only: the handle's sqlite3 connection */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this thread: parses per second of one core, whatever else
 * the machine is doing (the wall-clock rate is printed beside it). */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- parsing ------------------------------------------------------------ */

static const char *const mix[] = {
    /* EAN-13, UPC-A and in-store */
    "4006381333931",
    "9501101531000",
    "036000241457",
    "2012345012349",
    /* GS1 element strings as scanners send them */
    "]C1010400638133393117270531102024A",
    "]d2010400638133393117270531102024A\x1d"
    "21SN0001",
    "]e00104006381333931310300125015270500",
    "]C1010400638133393139221299\x1d"
    "10LOT-7\x1d"
    "422250",
    /* GS1 Digital Link */
    "https://id.gs1.org/01/04006381333931/10/2024A?17=270531",
    "https://shop.example.com/p/01/09501101531000/21/SN%2F9?3103=000750&linkType=gs1:pip",
    "https://id.gs1.org/01/04006381333931",
    "https://example.com/gtin/04006381333931/lot/L1",
};

static void bench_parse(void)
{
    enum { N = sizeof mix / sizeof *mix };
    size_t len[N];
    static ent_scan s;
    ent_scan_config cfg;
    ent_scan_config_init(&cfg);
    ent_scan_config_add_layout(&cfg, "20IIIIIPPP.PPC");
    for (int i = 0; i < N; i++) {
        len[i] = strlen(mix[i]);
        if (ent_scan_parse(&s, mix[i], len[i], &cfg) != ENT_OK) {
            fprintf(stderr, "bench_scan: %s: %s\n", mix[i], ent_error_last()->message);
            exit(1);
        }
    }
    /* Warm up, then run whole rounds of the mix for about two seconds. */
    long parses = 0, sink = 0;
    double t0 = cpu_s(), w0 = now_s(), t;
    do {
        for (int r = 0; r < 1000; r++)
            for (int i = 0; i < N; i++) {
                sink += ent_scan_parse(&s, mix[i], len[i], &cfg);
                sink += s.gtin[3];
            }
        parses += 1000L * N;
        t = cpu_s();
    } while (t - t0 < 3.0);
    printf("parse: %ld scans in %.2f s of CPU: %.0f parses/s on one core (%.0f/s wall clock); mix of %d: "
           "4 EAN/UPC, 4 GS1 element strings, 4 Digital Link%s\n",
           parses, t - t0, (double)parses / (t - t0), (double)parses / (now_s() - w0), N, sink == 42 ? " " : "");
    static const char *const names[] = {"EAN-13", "GS1 element string", "Digital Link"};
    for (int k = 0; k < 3; k++) {
        long n = 0;
        t0 = cpu_s();
        do {
            for (int r = 0; r < 1000; r++)
                for (int i = 4 * k; i < 4 * k + 4; i++)
                    sink += ent_scan_parse(&s, mix[i], len[i], &cfg);
            n += 4000;
            t = cpu_s();
        } while (t - t0 < 1.0);
        printf("  %-20s %.0f parses/s\n", names[k], (double)n / (t - t0));
    }
}

/* ---- resolving ---------------------------------------------------------- */

struct codes {
    char (*code)[80];
    size_t n, cap;
};

static void push(struct codes *c, const char *text)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 4096;
        c->code = realloc(c->code, c->cap * sizeof *c->code);
        if (c->code == NULL)
            exit(3);
    }
    snprintf(c->code[c->n++], sizeof *c->code, "%s", text);
}

static int take_product(const ent_product *p, void *ud)
{
    if (p->gtin[0])
        push(ud, p->gtin + (p->gtin[0] == '0')); /* as an EAN-13 scanner sends it */
    return 0;
}

/* Lots become GS1 element strings with GTIN, expiry and lot, as on a
 * GS1 DataMatrix back label. */
static int take_lot(const ent_level *row, void *ud)
{
    char code[80];
    if (row->gtin == NULL || row->lot == NULL || strlen(row->lot) > 20)
        return 0;
    if (row->expiry && strlen(row->expiry) == 10)
        snprintf(code, sizeof code, "]d201%s17%.2s%.2s%.2s10%s", row->gtin, row->expiry + 2, row->expiry + 5,
                 row->expiry + 8, row->lot);
    else
        snprintf(code, sizeof code, "]d201%s10%s", row->gtin, row->lot);
    push(ud, code);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The floor: a bare ent_product_id of the GTIN; its wall time, its CPU
 * time added to *cpu. */
static double floor_lookup(ent_db *db, const char *gtin, double *cpu)
{
    double b = now_s(), c0 = cpu_s();
    int64_t id;
    if (ent_product_id(db, &id, NULL, gtin) != ENT_OK)
        fprintf(stderr, "bench_scan: the floor's lookup of %s failed\n", gtin);
    double c = now_s();
    *cpu += cpu_s() - c0;
    return c - b;
}

static int bench_resolve(const char *path, long n, int mmap, int floor_first)
{
    ent_db *db = NULL;
    struct codes products = {0}, lots = {0};
    ent_scan_config cfg;
    static ent_scan s;
    double t0 = now_s();
    if (ent_db_open(&db, path, ENT_OPEN_READONLY) != ENT_OK) {
        fprintf(stderr, "bench_scan: %s\n", ent_errmsg(db));
        ent_db_close(db);
        return 3;
    }
    if (mmap && sqlite3_exec(db->sql, "PRAGMA mmap_size = 4294967296; PRAGMA cache_size = -262144", NULL, NULL, NULL) !=
                    SQLITE_OK) {
        fprintf(stderr, "bench_scan: %s\n", sqlite3_errmsg(db->sql));
        return 3;
    }
    if (ent_scan_config_load(db, &cfg) != ENT_OK)
        ent_scan_config_init(&cfg);
    if (ent_product_each(db, NULL, NULL, 0, take_product, &products) != ENT_OK) {
        fprintf(stderr, "bench_scan: %s\n", ent_errmsg(db));
        return 3;
    }
    ent_levels_query q = {0};
    q.by = ENT_BY_LOT;
    if (ent_stock_levels(db, &q, take_lot, &lots) != ENT_OK) {
        fprintf(stderr, "bench_scan: %s\n", ent_errmsg(db));
        return 3;
    }
    printf("resolve: %s%s%s: %zu commodities with a GTIN, %zu lots in stock (read in %.1f s)\n", path,
           mmap ? " (mmap, 256 MiB cache)" : "", floor_first ? " (the floor timed before each scan)" : "", products.n,
           lots.n, now_s() - t0);
    if (products.n == 0) {
        fprintf(stderr, "bench_scan: no commodity with a GTIN in %s\n", path);
        return 2;
    }
    double *lat = malloc((size_t)n * sizeof *lat), *bare = malloc((size_t)n * sizeof *bare);
    /* the plain GTIN scans and the scans with a lot, apart (each about half) */
    double *kind_lat[2] = {malloc((size_t)n * sizeof(double)), malloc((size_t)n * sizeof(double))};
    /* and the floor beside each kind: after a plain scan it finds the pages
     * the scan just read; after a scan with a lot that did not read the
     * GTIN's index (schema 26), it reads them itself */
    double *kind_bare[2] = {malloc((size_t)n * sizeof(double)), malloc((size_t)n * sizeof(double))};
    if (lat == NULL || bare == NULL || kind_lat[0] == NULL || kind_lat[1] == NULL || kind_bare[0] == NULL ||
        kind_bare[1] == NULL)
        return 3;
    double p99[4] = {0, 0, 0, 0}; /* full, its floor, lean, its floor */
    /* Four passes over the same scans: the first touches each page of the
     * database for the first time in this process; the second is a counter
     * whose connection has been open all day; the third and fourth time the
     * counter's lean resolve (ent_scan_resolve_ids) alone, the full match not
     * run before it (the third is the first touch of scan_lot, schema 26).
     * Beside each scan, the floor: a bare ent_product_id of the same
     * commodity's GTIN, right after it (--floor-first: right before it),
     * timed the same way in the same run, so that load slows both alike.
     * After a plain scan it finds the GTIN index's pages the scan just read
     * (a floor at its fastest); a scan with a lot reads scan_lot instead, so
     * the floor beside it reads those pages itself. */
    for (int pass = 0; pass < 4; pass++) {
        double cpu0 = cpu_s(), cpu_bare = 0;
        long found = 0, lot_ok = 0, nk[2] = {0, 0};
        unsigned seed = 12345;
        for (long i = 0; i < n; i++) {
            /* Half plain GTIN scans, half GS1 scans naming a lot (when there are lots). */
            seed = seed * 1103515245u + 12345u;
            unsigned r = seed >> 8;
            const char *code = (lots.n && (i & 1)) ? lots.code[r % lots.n] : products.code[r % products.n];
            char gtin[16];
            /* The GTIN the scan carries: after "]d201" in a GS1 string. */
            snprintf(gtin, sizeof gtin, "%.14s", strncmp(code, "]d201", 5) == 0 ? code + 5 : code);
            double fl = floor_first ? floor_lookup(db, gtin, &cpu_bare) : 0;
            double a = now_s();
            if (pass < 2) {
                ent_scan_match *m = NULL;
                if (ent_scan_parse(&s, code, strlen(code), &cfg) == ENT_OK && ent_scan_resolve(db, &m, &s) == ENT_OK) {
                    found++;
                    lot_ok += m->lot_state == ENT_SCAN_LOT_OK;
                }
                ent_scan_match_free(m);
            } else {
                ent_scan_ids ids;
                if (ent_scan_parse(&s, code, strlen(code), &cfg) == ENT_OK && ent_scan_resolve_ids(db, &ids, &s) == ENT_OK) {
                    found++;
                    lot_ok += ids.lot_id != 0;
                }
            }
            double b = now_s();
            if (!floor_first)
                fl = floor_lookup(db, gtin, &cpu_bare);
            lat[i] = b - a;
            bare[i] = fl;
            int with_lot = code[0] == ']';
            kind_bare[with_lot][nk[with_lot]] = fl;
            kind_lat[with_lot][nk[with_lot]++] = b - a;
        }
        double cpu_mean = (cpu_s() - cpu0 - cpu_bare) / (double)n;
        qsort(lat, (size_t)n, sizeof *lat, cmp_double);
        qsort(bare, (size_t)n, sizeof *bare, cmp_double);
        size_t k99 = (size_t)((double)n * 0.99);
        static const char *const passes[] = {"full match, first touch", "full match, same scans again",
                                             "lean resolve (the counter's), first touch of its index",
                                             "lean resolve (the counter's), same scans again"};
        printf("resolve, %s: %ld scans (%ld resolved, %ld with their lot)\n", passes[pass], n, found, lot_ok);
        printf("  parse + %s: p50 %.1f us, p99 %.1f us, max %.1f us; CPU mean %.1f us\n",
               pass < 2 ? "resolve (ent_scan_resolve)" : "lean resolve (ent_scan_resolve_ids)", lat[n / 2] * 1e6,
               lat[k99] * 1e6, lat[n - 1] * 1e6, cpu_mean * 1e6);
        printf("  floor, bare GTIN lookup (ent_product_id): p50 %.1f us, p99 %.1f us; CPU mean %.1f us\n",
               bare[n / 2] * 1e6, bare[k99] * 1e6, cpu_bare / (double)n * 1e6);
        for (int w = 0; w < 2; w++) {
            if (nk[w] == 0)
                continue;
            size_t k = (size_t)((double)nk[w] * 0.99);
            qsort(kind_lat[w], (size_t)nk[w], sizeof(double), cmp_double);
            qsort(kind_bare[w], (size_t)nk[w], sizeof(double), cmp_double);
            printf("  of which %s: %ld scans, p50 %.1f us, p99 %.1f us; the floor beside them p50 %.1f us, p99 %.1f "
                   "us\n",
                   w ? "GS1 with a lot" : "plain GTIN", nk[w], kind_lat[w][nk[w] / 2] * 1e6, kind_lat[w][k] * 1e6,
                   kind_bare[w][nk[w] / 2] * 1e6, kind_bare[w][k] * 1e6);
        }
        if (pass == 1 || pass == 3) {
            p99[pass == 1 ? 0 : 2] = lat[k99];
            p99[pass == 1 ? 1 : 3] = bare[k99];
        }
    }
    /* The last lines: the warm passes, the target being p99 under 20 us and
     * within 2x of the floor; the counter's lean resolve last. */
    printf("full match (ent_scan_resolve) warm p99 %.1f us, floor p99 %.1f us: %.2fx the floor\n", p99[0] * 1e6,
           p99[1] * 1e6, p99[1] > 0 ? p99[0] / p99[1] : 0.0);
    printf("resolve warm p99 %.1f us (lean, the counter's), floor p99 %.1f us: %.2fx the floor (target: under 20 us "
           "and at most 2x)\n",
           p99[2] * 1e6, p99[3] * 1e6, p99[3] > 0 ? p99[2] / p99[3] : 0.0);
    for (int w = 0; w < 2; w++) {
        free(kind_lat[w]);
        free(kind_bare[w]);
    }
    free(bare);
    free(lat);
    free(products.code);
    free(lots.code);
    ent_db_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    int parse = 1, mmap = 0, floor_first = 0;
    while (argc > 1 && (strcmp(argv[1], "--resolve-only") == 0 || strcmp(argv[1], "--mmap") == 0 ||
                        strcmp(argv[1], "--floor-first") == 0)) {
        if (argv[1][2] == 'r')
            parse = 0;
        else if (argv[1][2] == 'm')
            mmap = 1;
        else
            floor_first = 1;
        argc--;
        argv++;
    }
    if (parse)
        bench_parse();
    if (argc > 1) {
        long n = argc > 2 ? atol(argv[2]) : 100000;
        return bench_resolve(argv[1], n > 0 ? n : 100000, mmap, floor_first);
    }
    return 0;
}
