/* entrepot journal: keygen, close, verify, export, pubkey, append; and the signing key at init. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

/* A whole-string base-10 integer; 0 on success. */
static int parse_int(const char *s, int64_t *out)
{
    return ent_whole_parse(out, s, INT64_MIN, INT64_MAX) == ENT_OK ? 0 : -1;
}

/* Reads a passphrase, the first line of path, into buf. Passphrases never
 * come from the command line, where other users could see them in ps. One
 * that does not fit in buf is refused, never cut short: a cut passphrase
 * would encrypt a new key with less than the user typed. */
static int read_passphrase(char *buf, size_t len, const char *path)
{
    char a[64];
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return cli_error(EXIT_USAGE, "passphrase file %s: %s", ent_text_clip(a, sizeof a, path, 40), strerror(errno));
    size_t n = 0;
    int c = 0;
    while (n + 1 < len && (c = fgetc(f)) != EOF && c != '\n' && c != '\r' && c != '\0')
        buf[n++] = (char)c;
    buf[n] = '\0';
    bool too_long = n + 1 >= len && (c = fgetc(f)) != EOF && c != '\n' && c != '\r';
    bool failed = ferror(f) != 0;
    int err = errno;
    fclose(f);
    if (failed)
        return cli_error(EXIT_USAGE, "passphrase file %s: %s", ent_text_clip(a, sizeof a, path, 40), strerror(err));
    if (too_long)
        return cli_error(EXIT_USAGE, "passphrase file %s: the passphrase is longer than %zu bytes",
                         ent_text_clip(a, sizeof a, path, 40), len - 1);
    if (c == '\0' && n + 1 < len)
        return cli_error(EXIT_USAGE, "passphrase file %s: the passphrase holds a zero byte",
                         ent_text_clip(a, sizeof a, path, 40));
    if (buf[0] == '\0')
        return cli_error(EXIT_USAGE, "passphrase file %s: the passphrase is empty", ent_text_clip(a, sizeof a, path, 40));
    return 0;
}

/* The passphrase for a key: --passphrase-file, else $ENTREPOT_KEY_PASSPHRASE, else none. */
static int passphrase_of(const char **out, char *buf, size_t len, const char *file)
{
    *out = NULL;
    if (file) {
        int st = read_passphrase(buf, len, file);
        if (st != 0)
            return st;
        *out = buf;
        return 0;
    }
    const char *env = getenv("ENTREPOT_KEY_PASSPHRASE");
    if (env && *env)
        *out = env;
    return 0;
}

int journal_init_key(struct cli *cli, const char *key, bool no_key, const char *passfile)
{
    char defpath[1024], pass[1024], id[ENT_HASH_HEX_SIZE];
    const char *pp = NULL;
    if (no_key)
        return EXIT_OK;
    if (key == NULL) {
        snprintf(defpath, sizeof defpath, "%s.key", cli->db_path);
        key = defpath;
    }
    int st = passphrase_of(&pp, pass, sizeof pass, passfile);
    if (st != 0)
        return st;
    int rc = ent_journal_start(cli->db, id, key, pp);
    if (rc != ENT_OK)
        return cli_error(cli_exit_code(rc), "the store was created, but its signing key was not: %s\n"
                         "  make one with: entrepot journal keygen --key FILE", cli_errmsg(cli));
    printf("signing key %s (key id %.16s…), mode 0600: keep it safe, nothing can be sold without it\n", key, id);
    return EXIT_OK;
}

/* ---- keygen ------------------------------------------------------------- */

static const char keygen_help[] =
    "usage: entrepot journal keygen [--key FILE] [--rotate | --replace --reason TEXT]\n"
    "                               [--passphrase-file FILE]\n"
    "\n"
    "Makes an ECDSA P-256 signing key (PKCS#8 PEM, mode 0600; encrypted when a\n"
    "passphrase is given in --passphrase-file or $ENTREPOT_KEY_PASSPHRASE) and:\n"
    "  (no option)  starts the journal with it (a START record carries its public key)\n"
    "  --rotate     writes a KEY record, signed by the current key, that hands over to it\n"
    "  --replace    the current key is lost: writes an EVENT key-change signed by the new\n"
    "               key; auditors must vouch for it with `journal verify --pubkey`\n"
    "The key's place is remembered in the database ($ENTREPOT_KEY overrides it).\n"
    "\n"
    "example: entrepot journal keygen --key /etc/entrepot/sh01.key --rotate\n";

static int journal_keygen(struct cli *cli, int argc, char **argv)
{
    const char *key = NULL, *passfile = NULL, *reason = NULL, *pp = NULL;
    bool rotate = false, replace = false;
    char pass[1024], id[ENT_HASH_HEX_SIZE];
    const struct cli_opt opts[] = {{"key", &key, NULL},          {"passphrase-file", &passfile, NULL},
                                   {"reason", &reason, NULL},    {"rotate", NULL, &rotate},
                                   {"replace", NULL, &replace},  {0}};
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, opts, keygen_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    if (rotate && replace)
        return cli_error(EXIT_USAGE, "--rotate and --replace exclude each other");
    if (replace && reason == NULL)
        return cli_error(EXIT_USAGE, "--replace needs --reason TEXT: why the old key is gone");
    if ((rotate || replace) && key == NULL)
        return cli_error(EXIT_USAGE, "give the new key's file with --key FILE");
    char defpath[1024];
    if (key == NULL) {
        snprintf(defpath, sizeof defpath, "%s.key", cli->db_path);
        key = defpath;
    }
    if ((st = passphrase_of(&pp, pass, sizeof pass, passfile)) != 0)
        return st;
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    int rc;
    ent_journal *j = NULL;
    if (rotate) {
        ent_journal_open_opts o = {.passphrase = pp};
        rc = ent_journal_open(&j, cli->db, &o);
        if (rc == ENT_OK)
            rc = ent_journal_rotate(j, id, key, pp);
    } else if (replace) {
        rc = ent_journal_keygen(cli->db, id, key, pp);
        ent_journal_open_opts o = {.key_path = key, .passphrase = pp};
        if (rc == ENT_OK)
            rc = ent_journal_open_replacing_key(&j, cli->db, &o, reason);
        if (rc != ENT_OK && rc != ENT_EXISTS)
            unlink(key);
    } else {
        rc = ent_journal_start(cli->db, id, key, pp);
    }
    ent_journal_close(j);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("%s %s: key id %s\n", rotate ? "rotated to" : replace ? "replaced the lost key by" : "started the journal with",
           key, id);
    return EXIT_OK;
}

/* ---- close -------------------------------------------------------------- */

static const char close_help[] =
    "usage: entrepot journal close [--period day|month|year] [--date DATE]\n"
    "\n"
    "Writes the signed closing of a day (the Z report), a month or a year and\n"
    "prints it. DATE is YYYY-MM-DD, YYYY-MM or YYYY in the store's time zone;\n"
    "the default is the current one. A day closing takes in every record since\n"
    "the previous one, up to the moment it is taken; selling goes on afterwards,\n"
    "into the next closing, but nothing may be dated before it. Times are shown\n"
    "in the store's zone. Closing twice is refused (exit 1). Note the head hash:\n"
    "`journal verify --head HASH` proves later that nothing was cut off.\n"
    "\n"
    "example: entrepot journal close\n"
    "         entrepot journal close --period month --date 2026-11\n";

static void rate_text(char *buf, size_t len, int32_t bp)
{
    if (bp % 100 == 0)
        snprintf(buf, len, "%d%%", bp / 100);
    else if (bp % 10 == 0)
        snprintf(buf, len, "%d.%d%%", bp / 100, (bp % 100) / 10);
    else
        snprintf(buf, len, "%d.%02d%%", bp / 100, bp % 100);
}

static const char *const kind_names[] = {"", "START", "SALE", "RETURN", "VOID", "TRAINING", "CLOSE", "KEY", "EVENT"};

static void print_z_json(const ent_journal_closing *z, const char *store)
{
    json_t *o = json_object(), *counts = json_object(), *taxes = json_array(), *pays = json_array();
    json_object_set_new(o, "store", json_string(store));
    json_object_set_new(o, "period", json_string(z->period));
    json_object_set_new(o, "seq", json_integer(z->seq));
    json_object_set_new(o, "time", json_string(z->time));
    json_object_set_new(o, "period_end", json_string(z->period_end));
    json_object_set_new(o, "first_seq", json_integer(z->first_seq));
    json_object_set_new(o, "last_seq", json_integer(z->last_seq));
    for (int k = 1; k <= 8; k++)
        if (z->counts[k])
            json_object_set_new(counts, kind_names[k], json_integer(z->counts[k]));
    json_object_set_new(o, "counts", counts);
    for (size_t i = 0; i < z->ntaxes; i++)
        json_array_append_new(taxes, json_pack("{s:i,s:I,s:I}", "rate", (int)z->taxes[i].rate, "gross",
                                               (json_int_t)z->taxes[i].gross, "tax", (json_int_t)z->taxes[i].tax));
    json_object_set_new(o, "taxes", taxes);
    for (size_t i = 0; i < z->npays; i++)
        json_array_append_new(pays, json_pack("{s:s,s:I}", "method", z->pays[i].method, "amount",
                                              (json_int_t)z->pays[i].amount));
    json_object_set_new(o, "payments", pays);
    json_object_set_new(o, "currency", json_string(z->currency));
    json_object_set_new(o, "total", json_integer(z->total));
    json_object_set_new(o, "training", json_integer(z->training));
    json_object_set_new(o, "grand_total", json_integer(z->grand_total));
    json_object_set_new(o, "head_hash", json_string(z->hash));
    json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(o);
}

static void print_z(const ent_journal_closing *z, const char *store, const char *tz)
{
    char m[64], r[16], at[24], end[24];
    cli_local_time(at, sizeof at, tz, z->time);
    cli_local_time(end, sizeof end, tz, z->period_end);
    const char *colon = strchr(z->period, ':');
    printf("%s report %s, store %s\n", strncmp(z->period, "day", 3) == 0 ? "Z" : strncmp(z->period, "month", 5) == 0
                                                                                ? "Month" : "Year",
           colon ? colon + 1 : z->period, store);
    printf("  closing record     %lld, taken %s (%s); covers what was recorded before it\n", (long long)z->seq,
           at, tz);
    printf("  period ends        %s\n", end);
    if (z->first_seq <= z->last_seq)
        printf("  records            %lld..%lld\n", (long long)z->first_seq, (long long)z->last_seq);
    else
        printf("  records            none\n");
    for (int k = 1; k <= 8; k++)
        if (z->counts[k])
            printf("    %-16s %lld\n", kind_names[k], (long long)z->counts[k]);
    printf("  per tax rate       gross / tax\n");
    for (size_t i = 0; i < z->ntaxes; i++) {
        char g[64];
        rate_text(r, sizeof r, z->taxes[i].rate);
        cli_money(g, sizeof g, z->taxes[i].gross, z->currency);
        cli_money(m, sizeof m, z->taxes[i].tax, z->currency);
        printf("    %-16s %s / %s\n", r, g, m);
    }
    printf("  per payment method\n");
    for (size_t i = 0; i < z->npays; i++) {
        cli_money(m, sizeof m, z->pays[i].amount, z->currency);
        printf("    %-16s %s\n", z->pays[i].method, m);
    }
    cli_money(m, sizeof m, z->total, z->currency);
    printf("  period total       %s\n", m);
    cli_money(m, sizeof m, z->training, z->currency);
    printf("  training           %s (in no total)\n", m);
    cli_money(m, sizeof m, z->grand_total, z->currency);
    printf("  grand total        %s\n", m);
    printf("  head hash          %s\n", z->hash);
    printf("  check later with:  entrepot journal verify --head %s\n", z->hash);
}

static int journal_close(struct cli *cli, int argc, char **argv)
{
    const char *period = "day", *date = NULL, *passfile = NULL, *pp = NULL;
    char pass[1024], a[64];
    const struct cli_opt opts[] = {
        {"period", &period, NULL}, {"date", &date, NULL}, {"passphrase-file", &passfile, NULL}, {0}};
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, opts, close_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    int p = strcmp(period, "day") == 0     ? ENT_PERIOD_DAY
            : strcmp(period, "month") == 0 ? ENT_PERIOD_MONTH
            : strcmp(period, "year") == 0  ? ENT_PERIOD_YEAR
                                           : 0;
    if (p == 0)
        return cli_error(EXIT_USAGE, "--period must be day, month or year, not '%s'", ent_text_clip(a, sizeof a, period, 40));
    if ((st = passphrase_of(&pp, pass, sizeof pass, passfile)) != 0)
        return st;
    if ((st = cli_open(cli, ENT_OPEN_DURABLE)) != 0)
        return st;
    ent_journal *j = NULL;
    ent_journal_closing *z = NULL;
    ent_store *store = NULL;
    ent_journal_open_opts o = {.passphrase = pp};
    int rc = ent_journal_open(&j, cli->db, &o);
    if (rc == ENT_OK)
        rc = ent_journal_close_period(j, &z, p, date);
    if (rc == ENT_OK)
        rc = ent_store_get(cli->db, &store);
    if (rc != ENT_OK) {
        st = cli_fail(cli, rc);
    } else {
        if (cli->format == FORMAT_JSON)
            print_z_json(z, store->code);
        else
            print_z(z, store->code, store->tz);
        st = EXIT_OK;
    }
    ent_store_free(store);
    ent_journal_closing_free(z);
    ent_journal_close(j);
    return st;
}

/* ---- verify ------------------------------------------------------------- */

static const char verify_help[] =
    "usage: entrepot journal verify [--export FILE] [--pubkey FILE] [--head HASH] [--threads N]\n"
    "       entrepot journal verify --hq [--pg URL] [--password-file PATH]   (against head office's copy)\n"
    "\n"
    "Opens the database read-only and checks every record: gapless seq, the body\n"
    "rebuilt from the tables against its hash, the hash chain, each signature\n"
    "through the key chain, the grand totals and each closing's sums and period.\n"
    "Prints each bad record as `seq: reason`, then the head hash.\n"
    "  --export FILE  check an export instead, without the database: the JSON of\n"
    "                 `journal export`, or a CSV set (its folder or manifest.csv);\n"
    "                 the same checks and messages\n"
    "  --pubkey FILE  PEM public key(s) the journal must start with (and any key\n"
    "                 that replaced a lost one); without it the START key is trusted\n"
    "  --head HASH    a head hash from a Z report: it must be in the chain, so that\n"
    "                 cutting records off the end is caught\n"
    "  --threads N    threads checking signatures (default: one per CPU)\n"
    "Exit 0 clean, 1 tampered, 2 usage or I/O error.\n"
    "\n"
    "example: entrepot journal verify --pubkey sh01.pub.pem --head 3f5a…\n"
    "         entrepot journal verify --export journal.json --pubkey sh01.pub.pem\n";

struct verify_out {
    struct cli *cli;
    json_t *issues;
};

static void print_issue(int64_t seq, const char *reason, void *ud)
{
    struct verify_out *v = ud;
    if (v->issues)
        json_array_append_new(v->issues, json_pack("{s:I,s:s}", "seq", (json_int_t)seq, "reason", reason));
    else
        printf("%lld: %s\n", (long long)seq, reason);
}

static int journal_verify(struct cli *cli, int argc, char **argv)
{
    const char *pubkey = NULL, *head = NULL, *threads = NULL, *export = NULL;
    const struct cli_opt opts[] = {{"pubkey", &pubkey, NULL},   {"head", &head, NULL}, {"threads", &threads, NULL},
                                   {"export", &export, NULL}, {0}};
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, opts, verify_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    int64_t nthreads = 0;
    if (threads && (parse_int(threads, &nthreads) != 0 || nthreads < 1 || nthreads > 16))
        return cli_error(EXIT_USAGE, "--threads must be a number from 1 to 16");
    /* An export is loaded as a database of its own: the same checks, the same messages. */
    int rc = export ? ent_journal_export_open(&cli->db, export) : ent_db_open(&cli->db, cli->db_path, ENT_OPEN_READONLY);
    if (rc == ENT_TAMPERED)
        return cli_error(EXIT_REFUSED, "the export does not verify: %s", cli_errmsg(cli));
    if (rc != ENT_OK)
        return cli_error(EXIT_USAGE, "%s", cli_errmsg(cli)); /* verify: I/O errors are 2 */
    struct verify_out out = {cli, cli->format == FORMAT_JSON ? json_array() : NULL};
    ent_journal_verify_opts o = {.pubkey_path = pubkey, .head = head, .threads = (int)nthreads};
    ent_journal_summary sum;
    rc = ent_journal_verify(cli->db, &sum, &o, print_issue, &out);
    if (rc != ENT_OK && rc != ENT_TAMPERED) {
        json_decref(out.issues);
        return cli_error(EXIT_USAGE, "%s", cli_errmsg(cli));
    }
    if (out.issues) {
        json_t *obj = json_pack("{s:b,s:I,s:I,s:I,s:I,s:b,s:s,s:o}", "ok", rc == ENT_OK, "records",
                                (json_int_t)sum.records, "last_seq", (json_int_t)sum.last_seq, "grand_total",
                                (json_int_t)sum.grand_total, "closings", (json_int_t)sum.closings, "anchored",
                                sum.anchored, "head", sum.head, "issues", out.issues);
        json_dumpf(obj, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(obj);
    } else {
        printf("head: %s\n", sum.records ? sum.head : "(empty journal)");
        if (rc == ENT_OK) {
            /* The grand total as the Z report prints it (913.10 CNY); the
             * export loaded for --export has its store too. */
            char total[ENT_MONEY_TEXT_SIZE + ENT_CURRENCY_SIZE + 16];
            ent_store *store = NULL;
            if (ent_store_get(cli->db, &store) == ENT_OK)
                cli_money(total, sizeof total, sum.grand_total, store->currency);
            else
                snprintf(total, sizeof total, "%lld (minor units)", (long long)sum.grand_total);
            ent_store_free(store);
            printf("ok: %lld records, %lld closings, %lld key%s, grand total %s%s\n", (long long)sum.records,
                   (long long)sum.closings, (long long)sum.keys, sum.keys == 1 ? "" : "s", total,
                   sum.anchored ? ", anchored on --pubkey" : "; give --pubkey to check the START key");
        }
        else
            printf("tampered: %lld bad record%s\n", (long long)sum.bad, sum.bad == 1 ? "" : "s");
    }
    if (rc != ENT_OK) /* the reasons went to stdout with their records; stderr says why it failed */
        return cli_error(EXIT_REFUSED, "%s", cli_errmsg(cli));
    return EXIT_OK;
}

/* ---- export ------------------------------------------------------------- */

static const char export_help[] =
    "usage: entrepot journal export [--format json|csv] [--out FILE] [--from SEQ] [--to SEQ]\n"
    "\n"
    "Writes the journal for auditors and independent verifiers: every record\n"
    "with its fields, amounts, lines, hashes, signature, receipt QR payload and\n"
    "canonical body, and the public keys (PEM) on the records that carry them.\n"
    "It reads every record in the range (the whole journal by default).\n"
    "JSON (the default, or --json) is one object: {\"store\", \"format\",\n"
    "\"currency\", \"time_zone\", \"keys\", \"records\"}. CSV (--csv) with --out DIR is a\n"
    "set of files in the new folder DIR (store, records, taxes, payments, lines,\n"
    "counts, keys) and manifest.csv with each file's SHA-256; CSV without --out\n"
    "is records.csv alone, on standard output. `journal verify --export` checks\n"
    "either without the database.\n"
    "\n"
    "example: entrepot journal export --format csv --out journal-2026-11\n";

struct export_ctx {
    FILE *f;
    long n;
    const char *tz; /* the store's zone: each record's time is also given as people read it */
};

static int export_csv(const ent_journal_entry *e, void *ud)
{
    struct export_ctx *x = ud;
    char n[9][24];
    snprintf(n[0], sizeof n[0], "%lld", (long long)e->seq);
    snprintf(n[1], sizeof n[1], "%lld", (long long)e->total);
    snprintf(n[2], sizeof n[2], "%lld", (long long)e->grand_total);
    snprintf(n[3], sizeof n[3], "%lld", (long long)e->first_seq);
    snprintf(n[4], sizeof n[4], "%lld", (long long)e->last_seq);
    snprintf(n[5], sizeof n[5], "%lld", (long long)e->training);
    char local[24];
    cli_local_time(local, sizeof local, x->tz, e->time);
    const char *cells[] = {n[0],          e->uuid,    e->kind,      e->time,      e->counter,   e->cashier,
                           e->ref,        e->currency, n[1],        n[2],         e->event,     e->note,
                           e->period,     e->period_end, n[3],      n[4],         n[5],         e->key_id,
                           e->prev_hash,  e->hash,    e->signature, e->pubkey_pem ? e->pubkey_pem : "", e->qr,
                           e->body,       local};
    x->n++;
    return ent_csv_write(x->f, cells, sizeof cells / sizeof *cells) == ENT_OK ? 0 : ENT_ERROR;
}

static int journal_export(struct cli *cli, int argc, char **argv)
{
    char a[64];
    const char *format = NULL, *outpath = NULL, *from = NULL, *to = NULL;
    const struct cli_opt opts[] = {
        {"format", &format, NULL}, {"out", &outpath, NULL}, {"from", &from, NULL}, {"to", &to, NULL}, {0}};
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, opts, export_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    bool csv = cli->format == FORMAT_CSV;
    if (format)
        csv = strcmp(format, "csv") == 0;
    if (format && !csv && strcmp(format, "json") != 0)
        return cli_error(EXIT_USAGE, "--format must be json or csv, not '%s'", ent_text_clip(a, sizeof a, format, 40));
    int64_t lo = 0, hi = 0;
    if ((from && (parse_int(from, &lo) != 0 || lo < 1)) || (to && (parse_int(to, &hi) != 0 || hi < 1)))
        return cli_error(EXIT_USAGE, "--from and --to take record numbers (1, 2, ...), not '%s'",
                         ent_text_clip(a, sizeof a, from && (parse_int(from, &lo) != 0 || lo < 1) ? from : to, 40));
    if (from && to && lo > hi)
        return cli_error(EXIT_USAGE, "--from %lld is after --to %lld", (long long)lo, (long long)hi);
    if (outpath && (st = cli_check_output(cli, outpath)) != 0)
        return st;
    if ((st = cli_open(cli, ENT_OPEN_READONLY)) != 0)
        return st;
    if (csv && outpath) {
        int64_t n = 0;
        int rc = ent_journal_export_csv(cli->db, outpath, lo, hi, &n);
        if (rc != ENT_OK)
            return cli_fail(cli, rc);
        fprintf(stderr, "wrote %lld records to the CSV set %s (manifest.csv lists its files)\n", (long long)n,
                outpath);
        return EXIT_OK;
    }
    ent_store *store = NULL;
    int rc = ent_store_get(cli->db, &store);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    struct cli_out out = {.f = stdout};
    if (outpath && (st = cli_out_open(cli, &out, outpath)) != 0) {
        ent_store_free(store);
        return st;
    }
    FILE *f = out.f;
    struct export_ctx x = {f, 0, store->tz};
    if (csv) {
        static const char *const head[] = {"seq",        "uuid",      "kind",     "time",      "counter",
                                           "cashier",    "ref",       "currency", "total",     "grand_total",
                                           "event",      "note",      "period",   "period_end", "first_seq",
                                           "last_seq",   "training",  "key_id",   "prev_hash", "hash",
                                           "signature",  "public_key", "qr",      "body",      "local_time"};
        ent_csv_write(f, head, sizeof head / sizeof *head);
        rc = ent_journal_each(cli->db, lo, hi, export_csv, &x);
    } else {
        int64_t n = 0;
        rc = ent_journal_export_json(cli->db, f, lo, hi, &n);
        x.n = (long)n;
    }
    ent_store_free(store);
    if (outpath && (st = cli_out_close(&out, rc == ENT_OK)) != 0)
        return st;
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    if (outpath)
        fprintf(stderr, "wrote %ld records to %s\n", x.n, outpath);
    return EXIT_OK;
}

/* ---- append ------------------------------------------------------------- */

static const char append_help[] =
    "usage: entrepot journal append --kind SALE|RETURN|VOID|TRAINING [--pay METHOD[:AMOUNT],...]\n"
    "                               [--counter C] [--cashier NAME] [--ref UUID] [--uuid UUID]\n"
    "                               [--time UTC] CODE:QTY:PRICE:RATE[:NAME]...\n"
    "\n"
    "Appends one signed record from its lines, for tests, training and records\n"
    "brought in from elsewhere; the counter appends sales itself. PRICE is a\n"
    "decimal in the store's currency, RATE a tax rate in percent; the amounts per\n"
    "tax rate follow from the lines, and --pay defaults to cash for the total\n"
    "(give AMOUNT for all but the last method of a split payment). Returns and\n"
    "voids take negative quantities. Prints the record's seq and QR payload.\n"
    "\n"
    "example: entrepot journal append --kind SALE --pay card 6901234567892:2:12.50:13:Green tea\n";

#define MAX_LINES 256
#define MAX_RATES 16
#define MAX_PAYS 8

/* Parses CODE:QTY:PRICE:RATE[:NAME] in place (spec, a copy of orig, is cut at
 * the colons). Every product and sum is checked: a line's amount must fit
 * in 64 bits. */
static int parse_line(ent_journal_line *l, char *spec, const char *orig, const char *currency)
{
    char *f[5] = {0};
    int n = 0;
    for (char *p = spec; n < 5;) {
        f[n++] = p;
        char *c = n < 5 ? strchr(p, ':') : NULL;
        if (c == NULL)
            break;
        *c = '\0';
        p = c + 1;
    }
    int64_t qty, price, rate, amount;
    char a[64], b[64];
    if (n < 4 || parse_int(f[1], &qty) != 0 || qty == 0 || qty < -ENT_QTY_MAX || qty > ENT_QTY_MAX)
        return cli_error(EXIT_USAGE,
                         "line '%s': write CODE:QTY:PRICE:RATE[:NAME] with a whole, non-zero QTY of at most %d",
                         ent_text_clip(a, sizeof a, orig, 40), ENT_QTY_MAX);
    if (ent_money_parse(&price, f[2], currency) != ENT_OK)
        return cli_error(EXIT_USAGE, "line '%s': price: %s", ent_text_clip(a, sizeof a, orig, 40), ent_error_last()->message);
    if (price < 0)
        return cli_error(EXIT_USAGE, "line '%s': price '%s' must not be negative", ent_text_clip(a, sizeof a, orig, 40),
                         ent_text_clip(b, sizeof b, f[2], 40));
    if (ent_decimal_parse(&rate, f[3], 2) != ENT_OK || rate > 10000)
        return cli_error(EXIT_USAGE, "line '%s': tax rate '%s' is not a percentage from 0 to 100 such as 13 or 6.5",
                         ent_text_clip(a, sizeof a, orig, 40), ent_text_clip(b, sizeof b, f[3], 40));
    if (__builtin_mul_overflow(qty, price, &amount))
        return cli_error(EXIT_USAGE, "line '%s': quantity times price is too large", ent_text_clip(a, sizeof a, orig, 40));
    *l = (ent_journal_line){f[0], NULL, n == 5 ? f[4] : NULL, qty, price, 0, amount, (int32_t)rate};
    return 0;
}

/* The tax inside a gross amount, rounded half away from zero; -1 when the
 * product does not fit in 64 bits. */
static int tax_inside(int64_t *out, int64_t gross, int64_t rate)
{
    int64_t num, den = 2 * (10000 + rate);
    if (__builtin_mul_overflow(gross, rate * 2, &num) ||
        __builtin_add_overflow(num, (gross < 0 ? -1 : 1) * (10000 + rate), &num))
        return -1;
    *out = num / den;
    return 0;
}

/* Parses --pay METHOD[:AMOUNT],... against total; a payment's sign must be
 * the record's (sales pay in, returns and voids pay out). */
static int parse_pays(ent_journal_pay *pays, int *npay, char *paybuf, int64_t total, bool refund,
                      const char *currency)
{
    int64_t rest = total;
    char a[64];
    *npay = 0;
    for (char *save = NULL, *p = strtok_r(paybuf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(p, ':');
        if (*npay == MAX_PAYS)
            return cli_error(EXIT_USAGE, "too many payment methods: at most %d", MAX_PAYS);
        pays[*npay].method = p;
        pays[*npay].amount = rest;
        if (colon) {
            *colon = '\0';
            if (ent_money_parse(&pays[*npay].amount, colon + 1, currency) != ENT_OK)
                return cli_error(EXIT_USAGE, "payment '%s': %s", ent_text_clip(a, sizeof a, p, 40), ent_error_last()->message);
            int64_t v = pays[*npay].amount;
            if (refund ? v > 0 : v < 0)
                return cli_error(EXIT_USAGE, "payment '%s': %s", ent_text_clip(a, sizeof a, p, 40),
                                 refund ? "a refund is paid out: give a negative amount or none"
                                        : "a payment must not be negative");
        }
        if (__builtin_sub_overflow(rest, pays[*npay].amount, &rest))
            return cli_error(EXIT_USAGE, "payment '%s': the amount is too large", ent_text_clip(a, sizeof a, p, 40));
        (*npay)++;
    }
    if (*npay == 0)
        return cli_error(EXIT_USAGE, "--pay needs at least one method, such as cash or card:12.50");
    return 0;
}

static int journal_append(struct cli *cli, int argc, char **argv)
{
    const char *kind = NULL, *pay = "cash", *counter = NULL, *cashier = NULL, *ref = NULL, *uuid = NULL,
               *time = NULL, *passfile = NULL, *pp = NULL;
    char pass[1024];
    const struct cli_opt opts[] = {{"kind", &kind, NULL},       {"pay", &pay, NULL},   {"counter", &counter, NULL},
                                   {"cashier", &cashier, NULL}, {"ref", &ref, NULL},   {"uuid", &uuid, NULL},
                                   {"time", &time, NULL},       {"passphrase-file", &passfile, NULL}, {0}};
    const char *pos[MAX_LINES];
    int npos, st = cli_parse(argc, argv, opts, append_help, pos, MAX_LINES, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    int k = kind == NULL                      ? 0
            : strcmp(kind, "SALE") == 0     ? ENT_JOURNAL_SALE
            : strcmp(kind, "RETURN") == 0   ? ENT_JOURNAL_RETURN
            : strcmp(kind, "VOID") == 0     ? ENT_JOURNAL_VOID
            : strcmp(kind, "TRAINING") == 0 ? ENT_JOURNAL_TRAINING
                                            : 0;
    if (k == 0)
        return cli_error(EXIT_USAGE, "--kind must be SALE, RETURN, VOID or TRAINING");
    if (npos == 0)
        return cli_error(EXIT_USAGE, "give at least one line CODE:QTY:PRICE:RATE[:NAME] (see --help)");
    if ((st = passphrase_of(&pp, pass, sizeof pass, passfile)) != 0)
        return st;
    if ((st = cli_open(cli, ENT_OPEN_DURABLE)) != 0)
        return st;
    ent_store *store = NULL;
    int rc = ent_store_get(cli->db, &store);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    ent_journal_line lines[MAX_LINES];
    ent_journal_tax taxes[MAX_RATES];
    ent_journal_pay pays[MAX_PAYS];
    char *specs[MAX_LINES] = {0}, *paybuf = NULL;
    int ntax = 0, npay = 0;
    int64_t total = 0;
    char a[64];
    for (int i = 0; i < npos && st == 0; i++) {
        specs[i] = strdup(pos[i]);
        if (specs[i] == NULL) {
            st = cli_error(EXIT_IO, "out of memory");
            break;
        }
        st = parse_line(&lines[i], specs[i], pos[i], store->currency);
        if (st != 0)
            break;
        int t = 0;
        while (t < ntax && taxes[t].rate != lines[i].rate)
            t++;
        if (t == ntax && ntax == MAX_RATES) {
            st = cli_error(EXIT_USAGE, "too many tax rates: at most %d", MAX_RATES);
            break;
        }
        if (t == ntax)
            taxes[ntax++] = (ent_journal_tax){lines[i].rate, 0, 0};
        if (__builtin_add_overflow(taxes[t].gross, lines[i].amount, &taxes[t].gross) ||
            __builtin_add_overflow(total, lines[i].amount, &total))
            st = cli_error(EXIT_USAGE, "line '%s': the lines add up to more than can be recorded",
                           ent_text_clip(a, sizeof a, pos[i], 40));
    }
    for (int t = 0; t < ntax && st == 0; t++)
        if (tax_inside(&taxes[t].tax, taxes[t].gross, taxes[t].rate) != 0)
            st = cli_error(EXIT_USAGE, "the amount at tax rate %d.%02d%% is too large", (int)taxes[t].rate / 100,
                           (int)taxes[t].rate % 100);
    if (st == 0) {
        paybuf = strdup(pay);
        st = paybuf ? parse_pays(pays, &npay, paybuf, total, k == ENT_JOURNAL_RETURN || k == ENT_JOURNAL_VOID,
                                 store->currency)
                    : cli_error(EXIT_IO, "out of memory");
    }
    if (st == 0) {
        ent_journal *j = NULL;
        ent_journal_written w;
        ent_journal_open_opts o = {.passphrase = pp, .counter = counter};
        ent_journal_record r = {.kind = k, .uuid = uuid, .time = time, .cashier = cashier, .ref = ref,
                                .taxes = taxes, .ntaxes = (size_t)ntax, .pays = pays, .npays = (size_t)npay,
                                .lines = lines, .nlines = (size_t)npos};
        rc = ent_journal_open(&j, cli->db, &o);
        if (rc == ENT_OK)
            rc = ent_journal_append(j, &w, &r);
        if (rc != ENT_OK) {
            st = cli_fail(cli, rc);
        } else {
            char m[64];
            cli_money(m, sizeof m, w.total, store->currency);
            char at[24];
            cli_local_time(at, sizeof at, store->tz, w.time);
            printf("recorded %s %lld (%s) at %s (%s), total %s\nqr: %s\n", kind, (long long)w.seq, w.uuid, at,
                   store->tz, m, w.qr);
        }
        ent_journal_close(j);
    }
    for (int i = 0; i < npos; i++)
        free(specs[i]);
    free(paybuf);
    ent_store_free(store);
    return st;
}

/* ---- pubkey ------------------------------------------------------------- */

static const char pubkey_help[] =
    "usage: entrepot journal pubkey [--out FILE]\n"
    "\n"
    "Prints the journal's public keys as PEM, for an auditor: the first key and\n"
    "each one that followed it (rotation, replacement of a lost key), each after a\n"
    "comment naming its record. `journal verify --pubkey FILE` and `receipt verify\n"
    "--pubkey FILE` take the file. A key read from a database proves only what\n"
    "that database says: hand the file over when the journal starts and after\n"
    "each key change.\n"
    "  --out FILE  write FILE (a new file, never over an existing one), not stdout\n"
    "\n"
    "example: entrepot journal pubkey --out sh01.pub.pem\n";

/* Writes text to a new file at path (never over an existing one). */
static int write_new_file(const char *path, const char *text)
{
    char a[64];
    size_t len = strlen(text), done = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return cli_error(errno == EEXIST ? EXIT_USAGE : EXIT_IO, "%s: %s", ent_text_clip(a, sizeof a, path, 40),
                         errno == EEXIST ? "the file already exists: choose a new file name" : strerror(errno));
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    int err = errno;
    if (close(fd) != 0 && done == len) {
        err = errno;
        done = 0;
    }
    if (done != len) {
        unlink(path); /* ours, just made: no half-written key file is left behind */
        return cli_error(EXIT_IO, "%s: %s", ent_text_clip(a, sizeof a, path, 40), strerror(err));
    }
    return 0;
}

static int journal_pubkey(struct cli *cli, int argc, char **argv)
{
    const char *outpath = NULL;
    char a[64];
    const struct cli_opt opts[] = {{"out", &outpath, NULL}, {0}};
    const char *pos[1];
    char *pem = NULL;
    int npos, st = cli_parse(argc, argv, opts, pubkey_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    if ((st = cli_open(cli, ENT_OPEN_READONLY)) != 0)
        return st;
    int rc = ent_journal_pubkeys(cli->db, &pem);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    if (outpath) {
        st = write_new_file(outpath, pem);
        if (st == 0)
            fprintf(stderr, "wrote the journal's public keys to %s\n", ent_text_clip(a, sizeof a, outpath, 40));
    } else if (fputs(pem, stdout) == EOF || fflush(stdout) != 0) {
        st = cli_error(EXIT_IO, "standard output: %s", strerror(errno));
    }
    free(pem);
    return st;
}

/* ---- dispatch ----------------------------------------------------------- */

static const char journal_help[] =
    "usage: entrepot journal COMMAND [OPTIONS]\n"
    "\n"
    "The signed, hash-chained sales journal (see README, \"Sales journal\").\n"
    "  keygen   make the signing key: start the journal, rotate or replace the key\n"
    "  close    write and print the day's Z closing (or a month's, a year's)\n"
    "  verify   check the whole journal; exit 0 clean, 1 tampered, 2 error\n"
    "  export   the journal as JSON or CSV, with the public keys\n"
    "  pubkey   the public keys as PEM, for an auditor\n"
    "  append   append one SALE, RETURN, VOID or TRAINING record (tests, training)\n"
    "Each command has --help.\n"
    "\n"
    "example: entrepot journal verify --head $(cat last-z-head.txt)\n";

int cmd_journal(struct cli *cli, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs(journal_help, argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[0];
    if (strcmp(sub, "keygen") == 0)
        return journal_keygen(cli, argc - 1, argv + 1);
    if (strcmp(sub, "close") == 0)
        return journal_close(cli, argc - 1, argv + 1);
    if (strcmp(sub, "verify") == 0) {
        for (int i = 1; i < argc; i++)
            if (strcmp(argv[i], "--hq") == 0)
                return hq_journal_verify(cli, argc - 1, argv + 1); /* src/hq/journal_witness.c */
        return journal_verify(cli, argc - 1, argv + 1);
    }
    if (strcmp(sub, "export") == 0)
        return journal_export(cli, argc - 1, argv + 1);
    if (strcmp(sub, "pubkey") == 0)
        return journal_pubkey(cli, argc - 1, argv + 1);
    if (strcmp(sub, "append") == 0)
        return journal_append(cli, argc - 1, argv + 1);
    char a[64];
    return cli_error(EXIT_USAGE, "unknown journal command '%s' (see entrepot journal --help)",
                     ent_text_clip(a, sizeof a, sub, 40));
}
