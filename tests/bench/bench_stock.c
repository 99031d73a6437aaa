/*
 * Stock benchmarks on a demo database (make one with
 * `entrepot --db big.db demo --commodities 1000000`):
 *
 *   bench_stock lookup DB [N]          GTIN -> commodity through the library: p50/p99/max
 *   bench_stock receive BIN DB [N]     `entrepot stock receive` as a whole process: p50/p99
 *
 * Times are wall-clock, measured here with CLOCK_MONOTONIC.
 */
#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "entrepot/entrepot.h"

extern char **environ;

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    printf("%s: n=%d p50=%.1f us p99=%.1f us max=%.1f us\n", what, n, t[n / 2], t[(int)(n * 0.99)], t[n - 1]);
}

/* n GTINs picked evenly through the catalogue, so the cache is not warm for them. */
static char (*sample_gtins(const char *path, int n))[15]
{
    sqlite3 *raw;
    sqlite3_stmt *st;
    char(*g)[15] = calloc((size_t)n, 15);
    if (sqlite3_open_v2(path, &raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_prepare_v2(raw,
                       "SELECT gtin FROM product WHERE gtin IS NOT NULL AND id % ((SELECT MAX(id) FROM product) / ?1 + "
                       "1) = 0 LIMIT ?1",
                       -1, &st, NULL);
    sqlite3_bind_int(st, 1, n);
    int i = 0;
    while (i < n && sqlite3_step(st) == SQLITE_ROW)
        snprintf(g[i++], 15, "%s", (const char *)sqlite3_column_text(st, 0) + 1);
    sqlite3_finalize(st);
    sqlite3_close(raw);
    for (int k = i; k < n; k++)
        memcpy(g[k], g[k % (i ? i : 1)], 15);
    return i ? g : NULL;
}

static int lookup(const char *path, int n)
{
    ent_db *db = NULL;
    char(*g)[15] = sample_gtins(path, n);
    if (g == NULL || ent_db_open(&db, path, 0) != ENT_OK) {
        fprintf(stderr, "cannot open %s: %s\n", path, ent_errmsg(db));
        return 1;
    }
    double *t = malloc(sizeof *t * (size_t)n);
    /* A counter's connection lives all day: measure after one pass over the
     * sample has brought its pages in (the first pass is reported too). */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < n; i++) {
            int64_t id, qty;
            double t0 = now_us();
            int rc = ent_product_id(db, &id, &qty, g[i]);
            t[i] = now_us() - t0;
            if (rc != ENT_OK) {
                fprintf(stderr, "%s: %s\n", g[i], ent_errmsg(db));
                return 1;
            }
        }
        report(pass == 0 ? "GTIN lookup (ent_product_id), first touch" : "GTIN lookup (ent_product_id), warm", t, n);
    }
    free(t);
    free(g);
    ent_db_close(db);
    return 0;
}

static int receive(const char *bin, const char *path, int n)
{
    char(*g)[15] = sample_gtins(path, n);
    sqlite3 *raw;
    sqlite3_stmt *st;
    char loc[64] = "";
    if (g == NULL || sqlite3_open_v2(path, &raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return 1;
    sqlite3_prepare_v2(raw, "SELECT code FROM location WHERE kind = 'backroom' LIMIT 1", -1, &st, NULL);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(loc, sizeof loc, "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(raw);
    double *t = malloc(sizeof *t * (size_t)n);
    for (int i = 0; i < n; i++) {
        char lot[32];
        snprintf(lot, sizeof lot, "BENCH-%d-%d", (int)getpid(), i);
        char *args[] = {(char *)bin,
                        "--db",
                        (char *)path,
                        "stock",
                        "receive",
                        "--product",
                        g[i],
                        "--qty",
                        "6",
                        "--lot",
                        lot,
                        "--origin",
                        "FR",
                        "--declaration",
                        "223320261000123456",
                        "--expiry",
                        "2030-01-31",
                        "--location",
                        loc,
                        "--cost",
                        "12.50",
                        "--currency",
                        "EUR",
                        NULL};
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        pid_t pid;
        double t0 = now_us();
        if (posix_spawn(&pid, bin, &fa, NULL, args, environ) != 0) {
            perror(bin);
            return 1;
        }
        posix_spawn_file_actions_destroy(&fa);
        int status;
        waitpid(pid, &status, 0);
        t[i] = now_us() - t0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "receive %s failed with status %d\n", g[i], WEXITSTATUS(status));
            return 1;
        }
    }
    report("entrepot stock receive (whole process)", t, n);
    free(t);
    free(g);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "lookup") == 0)
        return lookup(argv[2], argc > 3 ? atoi(argv[3]) : 100000);
    if (argc >= 4 && strcmp(argv[1], "receive") == 0)
        return receive(argv[2], argv[3], argc > 4 ? atoi(argv[4]) : 200);
    fprintf(stderr, "usage: bench_stock lookup DB [N] | receive ENTREPOT_BIN DB [N]\n");
    return 2;
}
