/*
 * Benchmark: N shelf labels (default 8,000, the demo centre's catalogue)
 * into one A4 PDF on Avery L7160 sheets, side by side with libzint's own
 * `zint --batch` making the same N EAN-13 images and GNU barcode making the
 * same N EAN-13 codes as PostScript on the same sheet geometry.
 *
 * usage: bench_label [N] [OUTDIR]   (labels/ found from this file's path or
 * $ENT_SOURCE_DIR). The commodities are made through the public API (a CSV
 * import into a fresh database); only the label work is timed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "entrepot/entrepot.h"
#include "entrepot/label.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void labels_dir(char *out, size_t len)
{
    const char *env = getenv("ENT_SOURCE_DIR");
    if (env && *env) {
        snprintf(out, len, "%s/labels", env);
        return;
    }
    snprintf(out, len, "%s", __FILE__);
    for (int up = 0; up < 3; up++) {
        char *s = strrchr(out, '/');
        if (s)
            *s = '\0';
    }
    strncat(out, "/labels", len - strlen(out) - 1);
}

static void gtin_of(char out[14], int i)
{
    snprintf(out, 14, "69%010d", 40000 + i);
    out[12] = (char)ent_gs1_check_digit(out, 12);
    out[13] = '\0';
}

/* A catalogue of n commodities as CSV, imported in one transaction. */
static int make_catalogue(ent_db *db, int n)
{
    static const char *const zh[] = {"榛子可可酱", "特级初榨橄榄油", "抹茶粉", "黑巧克力", "意大利面", "红葡萄酒",
                                     "燕麦片", "蜂蜜", "咖啡豆", "奶酪"};
    static const char *const en[] = {"Hazelnut spread", "Olive oil", "Matcha", "Dark chocolate", "Spaghetti",
                                     "Red wine", "Oat flakes", "Honey", "Coffee beans", "Cheese"};
    static const char *const origin[] = {"IT", "ES", "JP", "BE", "IT", "FR", "DE", "NZ", "CO", "NL"};
    static const char *const net[] = {"750 g", "1 l", "100 g", "200 g", "500 g", "750 ml", "1.5 kg", "500 g",
                                      "1 kg", "250 g"};
    char *buf = NULL, gtin[14];
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fputs("gtin,name_zh,name_en,origin,net_content,price\n", f);
    for (int i = 0; i < n; i++) {
        gtin_of(gtin, i);
        fprintf(f, "%s,%s %d号,%s no. %d,%s,%s,%d.%02d\n", gtin, zh[i % 10], i, en[i % 10], i, origin[i % 10],
                net[i % 10], 5 + i % 300, i % 100);
    }
    fclose(f);
    FILE *in = fmemopen(buf, len, "r");
    int64_t imported = 0;
    int rc = ent_product_import_csv(db, in, 0, &imported);
    fclose(in);
    free(buf);
    if (rc != ENT_OK)
        fprintf(stderr, "import: %s\n", ent_errmsg(db));
    return rc;
}

static double run_timed(const char *cmd)
{
    double t0 = now();
    int st = system(cmd);
    double t = now() - t0;
    if (st != 0) {
        fprintf(stderr, "failed (%d): %s\n", st, cmd);
        return -1;
    }
    return t;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 8000;
    char dir[512], labels[4096], path[1024], why[1024], cmd[2048], gtin[14];
    ent_db *db = NULL;
    ent_label_template *t = NULL;
    ent_label_sheet *sheet = NULL;
    ent_label_job *job = NULL;
    int rc = 1;
    if (argc > 2)
        snprintf(dir, sizeof dir, "%s", argv[2]);
    else
        snprintf(dir, sizeof dir, "/tmp/bench_label_%d", (int)getpid());
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s/zint", dir, dir);
    if (system(cmd) != 0)
        return 1;
    labels_dir(labels, sizeof labels);
    snprintf(path, sizeof path, "%s/bench.db", dir);
    if (ent_db_open(&db, path, ENT_OPEN_CREATE) != ENT_OK || ent_store_init(db, "SH01", "环球进口商品中心", "CNY", NULL) != ENT_OK) {
        fprintf(stderr, "%s\n", ent_errmsg(db));
        goto done;
    }
    double t0 = now();
    if (make_catalogue(db, n) != ENT_OK)
        goto done;
    printf("catalogue: %d commodities imported in %.2f s (not counted)\n\n", n, now() - t0);

    /* entrepot: read each commodity, lay out its label, write one PDF. */
    double start = now();
    clock_t cpu0 = clock();
    if (ent_label_template_load(&t, labels, "shelf-60x40", why, sizeof why) != ENT_OK ||
        ent_label_sheet_load(&sheet, labels, "a4-l7160", why, sizeof why) != ENT_OK) {
        fprintf(stderr, "%s\n", why);
        goto done;
    }
    ent_label_options o = {.format = ENT_LABEL_PDF, .sheet = sheet};
    if (ent_label_job_new(&job, t, &o, why, sizeof why) != ENT_OK) {
        fprintf(stderr, "%s\n", why);
        goto done;
    }
    for (int i = 0; i < n; i++) {
        ent_label_data *d = NULL;
        gtin_of(gtin, i);
        if (ent_label_data_load(db, &d, gtin, NULL) != ENT_OK) {
            fprintf(stderr, "%s\n", ent_errmsg(db));
            goto done;
        }
        if (ent_label_job_add(job, d, 1, gtin) != ENT_OK) {
            fprintf(stderr, "%s\n", ent_label_job_errmsg(job));
            ent_label_data_free(d);
            goto done;
        }
        ent_label_data_free(d);
    }
    double laid = now();
    snprintf(path, sizeof path, "%s/shelf.pdf", dir);
    if (ent_label_job_write_file(job, path) != ENT_OK) {
        fprintf(stderr, "%s\n", ent_label_job_errmsg(job));
        goto done;
    }
    double end = now();
    double ours = end - start, cpu = (double)(clock() - cpu0) / CLOCKS_PER_SEC;

    /* The same codes for the other tools: 13 digits, one a line. */
    snprintf(path, sizeof path, "%s/gtins.txt", dir);
    FILE *f = fopen(path, "w");
    for (int i = 0; i < n; i++) {
        gtin_of(gtin, i);
        fprintf(f, "%s\n", gtin);
    }
    fclose(f);
    if (getenv("BENCH_LABEL_ONLY")) { /* for profiling entrepot alone */
        printf("%d labels: %.2f s, CPU %.2f s (layout %.2f s, PDF %.2f s)\n", n, ours, cpu, laid - start, end - laid);
        rc = 0;
        goto done;
    }
    snprintf(cmd, sizeof cmd, "cd %s && zint -b EANX_CHK --batch -i gtins.txt -o zint/~~~~~.png >/dev/null 2>&1", dir);
    double tz = run_timed(cmd);
    snprintf(cmd, sizeof cmd, "cd %s && barcode -e ean13 -u mm -p 210x297 -t 3x7+7.25+15.15 -m 4,4 -i gtins.txt "
             "-o gnu.ps 2>/dev/null", dir);
    double tb = run_timed(cmd);

    printf("%-58s %8s  %s\n", "what", "seconds", "output");
    printf("%-58s %8.2f  %s/shelf.pdf, %zu pages, %ld bytes\n",
           "entrepot: shelf-60x40 labels, A4 L7160 PDF (all of it)", ours, dir, ent_label_job_pages(job),
           file_size(path[0] ? (snprintf(path, sizeof path, "%s/shelf.pdf", dir), path) : path));
    printf("%-58s %8.2f\n", "  CPU time of the process for it", cpu);
    printf("%-58s %8.2f\n", "  of which: read commodities, encode, fit text", laid - start);
    printf("%-58s %8.2f\n", "  of which: draw and write the PDF (cairo)", end - laid);
    if (tz >= 0)
        printf("%-58s %8.2f  %s/zint/*.png (%d files)\n", "zint --batch: EAN-13 PNG images only", tz, dir, n);
    else
        printf("%-58s %8s  (zint not installed)\n", "zint --batch", "-");
    if (tb >= 0) {
        snprintf(path, sizeof path, "%s/gnu.ps", dir);
        printf("%-58s %8.2f  %s, %ld bytes\n", "GNU barcode: EAN-13 only, A4 3x7 table, PostScript", tb, path,
               file_size(path));
    } else {
        printf("%-58s %8s  (barcode not installed)\n", "GNU barcode", "-");
    }
    printf("\n%d labels in %.2f s: %.0f labels/s (target: 8,000 in under 3 s)\n", n, ours, n / ours);
    rc = 0;
done:
    ent_label_job_free(job);
    ent_label_sheet_free(sheet);
    ent_label_template_free(t);
    ent_db_close(db);
    return rc;
}
