/*
 * Sales benchmarks, each on a fresh database in DIR (put it on the disk the
 * store uses: fsync costs are the point):
 *
 *   bench_sales latency DIR [N]        a five-line sale, committed durably
 *                                      (synchronous=FULL) with its signed journal
 *                                      record: p50/p99/max over N sales
 *   bench_sales throughput DIR [SECS]  sales per second from 4 processes, against
 *                                      bare SQLite single-row durable commits from
 *                                      4 processes in the same run
 *   bench_sales report DIR [LINES]     `report sales --by country` over LINES sale
 *                                      lines (default 10,000,000)
 *
 * Times are wall-clock, measured here with CLOCK_MONOTONIC.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "entrepot/entrepot.h"

#define NPRODUCTS 50

static char gtins[NPRODUCTS][14];

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

static int die(ent_db *db, const char *what)
{
    fprintf(stderr, "bench_sales: %s: %s\n", what, ent_errmsg(db));
    exit(3);
}

static void remove_db(const char *path)
{
    char p[600];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    snprintf(p, sizeof p, "%s.key", path);
    unlink(p);
}

/* A store with NPRODUCTS commodities, each with plenty of stock on a shelf,
 * and a started journal; the key next to the database. */
static void make_store(const char *path, int64_t per_product)
{
    ent_db *db = NULL;
    char key[600], id[65];
    static const char *const origins[] = {"IT", "FR", "DE", "JP", "GB", "US", "AU", "NZ", "CL", "AR"};
    remove_db(path);
    if (ent_db_open(&db, path, ENT_OPEN_CREATE) != ENT_OK ||
        ent_store_init(db, "SH01", "Bench", "CNY", "Asia/Shanghai") != ENT_OK ||
        ent_location_add(db, "S1", "shelf", NULL) != ENT_OK)
        die(db, "set-up");
    for (int i = 0; i < NPRODUCTS; i++) {
        char g[14], price[16];
        snprintf(g, sizeof g, "690123450%03d", i);
        g[12] = (char)ent_gs1_check_digit(g, 12);
        g[13] = '\0';
        memcpy(gtins[i], g, 14);
        snprintf(price, sizeof price, "%d.%02d", 3 + i, i % 100);
        ent_product_fields f = {.gtin = g, .name_zh = "商品", .price = price, .tax_rate = i % 2 ? "13" : "9"};
        ent_receive r = {.product = g, .qty = per_product, .lot = "L1", .origin = origins[i % 10],
                         .location = "S1", .unit_cost = -1};
        if (ent_product_add(db, &f) != ENT_OK || ent_stock_receive(db, NULL, &r) != ENT_OK)
            die(db, "catalogue");
    }
    snprintf(key, sizeof key, "%s.key", path);
    if (ent_journal_start(db, id, key, NULL) != ENT_OK)
        die(db, "journal");
    ent_db_close(db);
}

struct seller {
    ent_db *db;
    ent_journal *j;
    ent_basket *b;
};

static void seller_open(struct seller *s, const char *path, const char *counter)
{
    ent_journal_open_opts o = {.counter = counter};
    if (ent_db_open(&s->db, path, ENT_OPEN_DURABLE) != ENT_OK)
        die(s->db, "open");
    if (ent_journal_open(&s->j, s->db, &o) != ENT_OK)
        die(s->db, "journal open");
    if (ent_basket_new(s->db, &s->b, counter, "bench", "S1") != ENT_OK)
        die(s->db, "basket");
}

static void seller_close(struct seller *s)
{
    ent_basket_free(s->b);
    ent_journal_close(s->j);
    ent_db_close(s->db);
}

/* Five lines scanned, paid in cash, checked out. */
static void five_line_sale(struct seller *s, int n)
{
    for (int k = 0; k < 5; k++)
        if (ent_basket_scan(s->b, NULL, gtins[(n * 5 + k) % NPRODUCTS], 1 + k % 2) != ENT_OK)
            die(s->db, "scan");
    if (ent_basket_pay(s->b, "cash", 0) != ENT_OK || ent_basket_checkout(s->b, s->j, NULL) != ENT_OK)
        die(s->db, "checkout");
}

static int latency(const char *dir, int n)
{
    char path[512];
    struct seller s;
    double *t = calloc((size_t)n, sizeof *t);
    snprintf(path, sizeof path, "%s/bench_sales_latency.db", dir);
    make_store(path, 1000000);
    seller_open(&s, path, "C1");
    for (int i = 0; i < 20; i++)
        five_line_sale(&s, i); /* warm the statement cache */
    for (int i = 0; i < n; i++) {
        double t0 = now_us();
        five_line_sale(&s, i);
        t[i] = now_us() - t0;
    }
    seller_close(&s);
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    double p99 = t[(int)(n * 0.99)];
    printf("five-line durable sale with journal record: n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms\n", n,
           t[n / 2] / 1000, p99 / 1000, t[n - 1] / 1000);
    remove_db(path);
    /* The floor on the same disk: one row, one durable commit. */
    sqlite3 *raw;
    sqlite3_stmt *st;
    snprintf(path, sizeof path, "%s/bench_sales_floor.db", dir);
    remove_db(path);
    sqlite3_open(path, &raw);
    sqlite3_exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t(v)", NULL, NULL, NULL);
    sqlite3_prepare_v2(raw, "INSERT INTO t(v) VALUES (?)", -1, &st, NULL);
    for (int i = 0; i < n; i++) {
        double t0 = now_us();
        sqlite3_exec(raw, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        sqlite3_bind_int(st, 1, i);
        sqlite3_step(st);
        sqlite3_reset(st);
        sqlite3_exec(raw, "COMMIT", NULL, NULL, NULL);
        t[i] = now_us() - t0;
    }
    sqlite3_finalize(st);
    sqlite3_close(raw);
    remove_db(path);
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    printf("bare SQLite single-row durable commit, same disk: p50=%.2f ms p99=%.2f ms max=%.2f ms\n",
           t[n / 2] / 1000, t[(int)(n * 0.99)] / 1000, t[n - 1] / 1000);
    free(t);
    return p99 < 5000 ? 0 : 1;
}

/* Bare SQLite: one row per durable commit, as the floor to compare with. */
static long bare_commits(const char *path, double secs)
{
    sqlite3 *db;
    long n = 0;
    sqlite3_open(path, &db);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL", NULL, NULL, NULL);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "INSERT INTO t(v) VALUES (?)", -1, &st, NULL);
    double end = now_us() + secs * 1e6;
    while (now_us() < end) {
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
            continue;
        sqlite3_bind_int64(st, 1, n);
        sqlite3_step(st);
        sqlite3_reset(st);
        if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
            n++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static long sales_for(const char *path, double secs, int k)
{
    struct seller s;
    char counter[16];
    long n = 0;
    snprintf(counter, sizeof counter, "C%d", k + 1);
    seller_open(&s, path, counter);
    double end = now_us() + secs * 1e6;
    while (now_us() < end)
        five_line_sale(&s, (int)(n++ + k));
    seller_close(&s);
    return n;
}

/* Runs fn in 4 processes at once; returns the sum of their counts. */
static long four(const char *path, double secs, int sales)
{
    long *counts = mmap(NULL, 4 * sizeof(long), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t kids[4];
    for (int k = 0; k < 4; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            counts[k] = sales ? sales_for(path, secs, k) : bare_commits(path, secs);
            _exit(0);
        }
    }
    long total = 0;
    for (int k = 0; k < 4; k++) {
        int status;
        waitpid(kids[k], &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            exit(3);
        total += counts[k];
    }
    munmap(counts, 4 * sizeof(long));
    return total;
}

static int throughput(const char *dir, double secs)
{
    char path[512], bare[512];
    sqlite3 *db;
    snprintf(path, sizeof path, "%s/bench_sales_tp.db", dir);
    snprintf(bare, sizeof bare, "%s/bench_sales_bare.db", dir);
    make_store(path, 10000000);
    remove_db(bare);
    sqlite3_open(bare, &db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)", NULL, NULL, NULL);
    sqlite3_close(db);
    long b = four(bare, secs, 0);
    long s = four(path, secs, 1);
    double bps = b / secs, sps = s / secs;
    printf("4 processes, %.0f s each: bare SQLite single-row durable commits %.0f/s; five-line sales %.0f/s "
           "(%.0f%% of bare)\n", secs, bps, sps, 100 * sps / bps);
    remove_db(path);
    remove_db(bare);
    return sps * 2 >= bps ? 0 : 1;
}

static int report_cb(const ent_sales_row *row, void *ud)
{
    (void)row;
    (*(int *)ud)++;
    return 0;
}

static int report(const char *dir, long lines)
{
    char path[512];
    ent_db *db = NULL;
    snprintf(path, sizeof path, "%s/bench_sales_report.db", dir);
    make_store(path, 1);
    if (ent_db_open(&db, path, 0) != ENT_OK)
        die(db, "open");
    sqlite3 *raw;
    sqlite3_open(path, &raw);
    double t0 = now_us();
    /* Sales and lines straight into the tables, five lines a sale over a
     * year at 8 counters and 30 origins: what a year of checkouts writes. */
    char sql[2048];
    snprintf(sql, sizeof sql,
             "PRAGMA synchronous=OFF; BEGIN;"
             "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %ld) "
             "INSERT INTO sale(id, uuid, receipt, kind, at, day, hour, counter, cashier, total, tax, units, qr) "
             "SELECT i, 'b-' || i, 1000 + i, 'sale', '2025-01-01T00:00:00Z', date('2025-01-01', '+' || (i %% 365) "
             "|| ' days'), 8 + i %% 12, 'C' || (1 + i %% 8), 'x', 0, 0, 0, '' FROM c;"
             "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %ld) "
             "INSERT INTO sale_line(sale_id, line, product_id, code, name, origin, lot, unit, qty, unit_price, "
             "discount, amount, tax_rate, tax) SELECT 1 + (i - 1) / 5, 1 + (i - 1) %% 5, 1 + i %% %d, 'p', 'n', "
             "substr('ITFRDEJPGBUSAUNZCLARBRESPTNLBEKRTHVNMYIDCHATSEDKNOFICAIEPLMX', 1 + (i %% 30) * 2, 2), 'L', 'pcs', "
             "1 + i %% 3, 100, 0, (1 + i %% 3) * 100, 1300, 0 FROM c; COMMIT;",
             (lines + 4) / 5, lines, NPRODUCTS);
    if (sqlite3_exec(raw, sql, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_sales: filling: %s\n", sqlite3_errmsg(raw));
        return 3;
    }
    sqlite3_close(raw);
    double t1 = now_us();
    if (ent_sales_summary_rebuild(db) != ENT_OK)
        die(db, "summary");
    double t2 = now_us();
    printf("filled %ld sale lines in %.1f s; summaries rebuilt in %.1f s\n", lines, (t1 - t0) / 1e6,
           (t2 - t1) / 1e6);
    ent_db_close(db);
    /* A cold open, as the command does it. */
    double best = 1e18;
    for (int k = 0; k < 5; k++) {
        int rows = 0;
        int64_t total = 0;
        double a = now_us();
        if (ent_db_open(&db, path, ENT_OPEN_READONLY) != ENT_OK)
            die(db, "open");
        ent_sales_query q = {.by = ENT_SALES_BY_ORIGIN};
        if (ent_sales_report(db, &total, &q, report_cb, &rows) != ENT_OK)
            die(db, "report");
        ent_db_close(db);
        double b = now_us() - a;
        if (b < best)
            best = b;
        if (k == 0)
            printf("report sales --by country: %d countries, total %lld, first run %.1f ms\n", rows,
                   (long long)total, b / 1000);
    }
    printf("report sales --by country over %ld lines: best of 5 %.1f ms\n", lines, best / 1000);
    printf("(database kept at %s for `entrepot --db %s report sales --by country`)\n", path, path);
    return best < 1e6 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_sales latency|throughput|report DIR [N]\n");
        return 2;
    }
    if (strcmp(argv[1], "latency") == 0)
        return latency(argv[2], argc > 3 ? atoi(argv[3]) : 2000);
    if (strcmp(argv[1], "throughput") == 0)
        return throughput(argv[2], argc > 3 ? atof(argv[3]) : 5);
    if (strcmp(argv[1], "report") == 0)
        return report(argv[2], argc > 3 ? atol(argv[3]) : 10000000L);
    fprintf(stderr, "usage: bench_sales latency|throughput|report DIR [N]\n");
    return 2;
}
