/*
 * Journal benchmarks (figures in README.md, "Sales journal"):
 *   1. appending one signed SALE record (five lines), each in its own
 *      transaction as a counter does, and inside one caller transaction;
 *   2. verifying a journal of N records (default 1,000,000) with 1 and with
 *      all CPUs checking signatures.
 *
 * Wall time depends on what else the machine runs; the CPU time of the
 * process is printed beside it.
 *
 * usage: bench_journal [--records N] [--appends N] [--dir DIR] [--keep]
 *        bench_journal --verify DB     (verify an existing journal only)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "entrepot/entrepot.h"
#include "internal.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(ent_db *db, const char *what)
{
    fprintf(stderr, "bench_journal: %s: %s\n", what, ent_errmsg(db));
    exit(2);
}

static ent_journal_line lines[5] = {
    {"6900000000011", "L2406A", "Hazelnut spread 400 g", 1, 3990, 0, 3990, 1300},
    {"6900000000028", "L2405", "Olive oil 1 l", 2, 8900, 500, 17300, 900},
    {"6900000000035", "", "Chocolate", 3, 1200, 0, 3600, 1300},
    {"6900000000042", "B7", "Wine 750 ml", 1, 16800, 0, 16800, 1300},
    {"6900000000059", "", "Biscuits", 4, 990, 0, 3960, 1300},
};
static ent_journal_tax taxes[2] = {{900, 17300, 1428}, {1300, 28350, 3262}};
static ent_journal_pay pays[2] = {{"card", 40000}, {"cash", 5650}};

static ent_journal_record sale(void)
{
    ent_journal_record r = {.kind = ENT_JOURNAL_SALE, .cashier = "Li", .taxes = taxes, .ntaxes = 2,
                            .pays = pays, .npays = 2, .lines = lines, .nlines = 5};
    return r;
}

/* Verifies path with 1 thread and with one per CPU. */
static void verify_runs(const char *path)
{
    int cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
    int runs[2] = {1, cpus};
    for (int k = 0; k < 2; k++) {
        ent_db *db = NULL;
        ent_journal_summary sum;
        ent_journal_verify_opts o = {.threads = runs[k]};
        if (ent_db_open(&db, path, ENT_OPEN_READONLY) != ENT_OK)
            die(db, "open read-only");
        double t0 = now_s(), c0 = cpu_s();
        int rc = ent_journal_verify(db, &sum, &o, NULL, NULL);
        double t1 = now_s(), c1 = cpu_s();
        if (rc != ENT_OK)
            die(db, "verify");
        printf("verify %lld records, %d thread%s: %.1f s wall, %.1f s CPU (%.1f us/record wall)\n",
               (long long)sum.records, runs[k], runs[k] == 1 ? "" : "s", t1 - t0, c1 - c0,
               (t1 - t0) * 1e6 / (double)sum.records);
        ent_db_close(db);
        if (cpus == 1)
            break;
    }
}

int main(int argc, char **argv)
{
    long records = 1000000, appends = 20000;
    const char *dir = ".", *only = NULL;
    int keep = 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--records") == 0 && i + 1 < argc)
            records = atol(argv[++i]);
        else if (strcmp(argv[i], "--appends") == 0 && i + 1 < argc)
            appends = atol(argv[++i]);
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--verify") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--keep") == 0)
            keep = 1;
        else {
            fprintf(stderr, "usage: bench_journal [--records N] [--appends N] [--dir DIR] [--keep]\n"
                            "       bench_journal --verify DB\n");
            return 2;
        }
    }
    if (only) {
        verify_runs(only);
        return 0;
    }
    char path[512], key[512], p2[600];
    snprintf(path, sizeof path, "%s/bench_journal_%d.db", dir, (int)getpid());
    snprintf(key, sizeof key, "%s/bench_journal_%d.key", dir, (int)getpid());
    ent_db *db = NULL;
    ent_journal *j = NULL;
    if (ent_db_open(&db, path, ENT_OPEN_CREATE) != ENT_OK)
        die(db, "open");
    if (ent_store_init(db, "SH01", "Bench", "CNY", "Asia/Shanghai") != ENT_OK)
        die(db, "store");
    if (ent_journal_start(db, NULL, key, NULL) != ENT_OK)
        die(db, "start");
    if (ent_journal_open(&j, db, NULL) != ENT_OK)
        die(db, "journal open");
    ent_journal_record r = sale();

    /* 1a. one transaction per record (synchronous=NORMAL, WAL). */
    double t0 = now_s(), c0 = cpu_s();
    for (long i = 0; i < appends; i++)
        if (ent_journal_append(j, NULL, &r) != ENT_OK)
            die(db, "append");
    double t1 = now_s(), c1 = cpu_s();
    printf("append, own transaction:    %8.1f us/record wall, %8.1f us CPU (%ld records)\n",
           (t1 - t0) * 1e6 / (double)appends, (c1 - c0) * 1e6 / (double)appends, appends);
    /* 1b. inside one caller transaction: the journal's own share of a sale. */
    if (entx_tx_begin(db) != ENT_OK)
        die(db, "begin");
    t0 = now_s();
    c0 = cpu_s();
    for (long i = 0; i < appends; i++)
        if (ent_journal_append(j, NULL, &r) != ENT_OK)
            die(db, "append");
    t1 = now_s();
    c1 = cpu_s();
    if (entx_tx_end(db, ENT_OK) != ENT_OK)
        die(db, "commit");
    printf("append, caller transaction: %8.1f us/record wall, %8.1f us CPU (%ld records)\n",
           (t1 - t0) * 1e6 / (double)appends, (c1 - c0) * 1e6 / (double)appends, appends);

    /* 2. fill up to the records to verify, 10,000 per transaction. */
    long have = 1 + 2 * appends;
    t0 = now_s();
    while (have < records) {
        if (entx_tx_begin(db) != ENT_OK)
            die(db, "begin");
        for (int k = 0; k < 10000 && have < records; k++, have++)
            if (ent_journal_append(j, NULL, &r) != ENT_OK)
                die(db, "append");
        if (entx_tx_end(db, ENT_OK) != ENT_OK)
            die(db, "commit");
    }
    t1 = now_s();
    printf("filled to %ld records in %.1f s\n", have, t1 - t0);
    ent_journal_close(j);
    ent_db_close(db);

    verify_runs(path);
    if (keep) {
        printf("kept %s (verify again with --verify %s)\n", path, path);
        return 0;
    }
    unlink(path);
    snprintf(p2, sizeof p2, "%s-wal", path);
    unlink(p2);
    snprintf(p2, sizeof p2, "%s-shm", path);
    unlink(p2);
    unlink(key);
    return 0;
}
