/* Shared pieces of the program: options, tables, exit codes. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

int cli_exit_code(int rc)
{
    switch (rc) {
    case ENT_OK: return EXIT_OK;
    case ENT_INVALID:
    case ENT_NOTFOUND:
    case ENT_EXISTS: return EXIT_USAGE;
    case ENT_NOSTOCK:
    case ENT_EXPIRED:
    case ENT_TAMPERED:
    case ENT_REFUSED: return EXIT_REFUSED;
    default: return EXIT_IO;
    }
}

/* The folder this program was started from (its symbolic links resolved),
 * where entrepot finds entrepot-label and entrepot-label its templates.
 * Returns 0, or -1 with errno set. */
int cli_self_dir(char *buf, size_t len)
{
    if (len < 2) {
        errno = ENAMETOOLONG;
        return -1;
    }
    ssize_t n = readlink("/proc/self/exe", buf, len - 1);
    if (n <= 0)
        return -1;
    if ((size_t)n >= len - 1) {
        errno = ENAMETOOLONG;
        return -1;
    }
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = '\0';
    return 0;
}

int cli_error(int status, const char *fmt, ...)
{
    va_list ap;
    fputs("entrepot: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return status;
}

/* What to type for each library hint (enum ent_hint), appended to its message. */
static const char *hint_words(int hint)
{
    switch (hint) {
    case ENT_HINT_CREATE_STORE: return " (create one with `entrepot init`)";
    case ENT_HINT_NEW_DATABASE: return " (use --db with a new file)";
    case ENT_HINT_START_JOURNAL: return ": run `entrepot journal keygen --key FILE` (or set ENTREPOT_KEY)";
    case ENT_HINT_ROTATE_KEY: return " (`entrepot journal keygen --rotate`)";
    case ENT_HINT_REPLACE_KEY: return " (`entrepot journal keygen --replace`)";
    case ENT_HINT_PASSPHRASE: return ": set ENTREPOT_KEY_PASSPHRASE or give --passphrase-file";
    case ENT_HINT_PUBKEY: return " (--pubkey FILE)";
    case ENT_HINT_HEAD: return " (--head)";
    case ENT_HINT_LOCATIONS: return " (see `entrepot location list`)";
    case ENT_HINT_LOT: return " (--lot)";
    case ENT_HINT_ORIGIN: return " (--origin)";
    case ENT_HINT_COST: return " (--cost)";
    case ENT_HINT_FORCE: return " (--force)";
    case ENT_HINT_USERS: return " (see `entrepot user list --all`; `entrepot user add` makes one)";
    case ENT_HINT_TOKENS: return " (see `entrepot token list --all`)";
    default: return "";
    }
}

const char *cli_errmsg(struct cli *cli)
{
    return cli_db_errmsg(cli->db);
}

const char *cli_db_errmsg(ent_db *db)
{
    static char buf[1280]; /* the library's message (at most 1 KiB) and the longest hint */
    const char *msg = ent_errmsg(db);
    if (*msg == '\0')
        msg = ent_strerror(ent_errcode(db));
    snprintf(buf, sizeof buf, "%s%s", msg, hint_words(ent_errhint(db)));
    return buf;
}

void cli_local_time(char *out, size_t len, const char *tz, const char *utc)
{
    char local[20];
    ent_time_local(local, tz, utc);
    snprintf(out, len, "%s", local);
}

int cli_fail(struct cli *cli, int rc)
{
    const char *msg = ent_errmsg(cli->db);
    if (*msg == '\0')
        return cli_error(cli_exit_code(rc), "%s", ent_strerror(rc));
    return cli_error(cli_exit_code(rc), "%s", cli_errmsg(cli));
}

int cli_open(struct cli *cli, int flags)
{
    int rc = ent_db_open(&cli->db, cli->db_path, flags);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    return 0;
}

int cli_parse(int argc, char **argv, const struct cli_opt *opts, const char *help, const char **pos,
              int max_pos, int *npos)
{
    int n = 0;
    bool only_pos = false;
    for (int i = 0; i < argc; i++) {
        char *a = argv[i];
        if (only_pos || a[0] != '-' || a[1] == '\0' || (a[1] != '-' && a[1] != 'h')) {
            /* A lone "-" and negative numbers count as positionals. */
            if (n >= max_pos && max_pos > 0) /* say the limit, not "unexpected" */
                return cli_error(EXIT_USAGE, "too many arguments: at most %d, '%s' is one more (see --help)", max_pos,
                                 a);
            if (n >= max_pos)
                return cli_error(EXIT_USAGE, "unexpected argument '%s' (see --help)", a);
            pos[n++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(help, stdout);
            return -1;
        }
        if (a[1] != '-')
            return cli_error(EXIT_USAGE, "unknown option '%s' (see --help)", a);
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const struct cli_opt *o = opts;
        for (; o && o->name; o++)
            if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
                break;
        if (o == NULL || o->name == NULL)
            return cli_error(EXIT_USAGE, "unknown option '--%.*s' (see --help)", (int)len, name);
        if (o->flag) {
            if (eq)
                return cli_error(EXIT_USAGE, "--%s takes no value", o->name);
            *o->flag = true;
            continue;
        }
        if (eq) {
            *o->value = eq + 1;
        } else {
            if (i + 1 >= argc)
                return cli_error(EXIT_USAGE, "--%s needs a value (see --help)", o->name);
            *o->value = argv[++i];
        }
    }
    *npos = n;
    return 0;
}

/* ---- tables ------------------------------------------------------------- */

struct cli_table {
    int ncols;
    char **headers;
    char *numeric; /* per column: print right-aligned, JSON number */
    char **cells;  /* rows * ncols */
    size_t rows, cap;
};

struct cli_table *cli_table_new(int ncols, const char *const *headers, const char *numeric_cols)
{
    struct cli_table *t = calloc(1, sizeof *t);
    if (t == NULL)
        abort();
    t->ncols = ncols;
    t->headers = calloc((size_t)ncols, sizeof *t->headers);
    t->numeric = calloc((size_t)ncols, 1);
    for (int i = 0; i < ncols; i++) {
        t->headers[i] = strdup(headers[i]);
        t->numeric[i] = numeric_cols && numeric_cols[i] == 'n';
    }
    return t;
}

void cli_table_add(struct cli_table *t, const char *const *cells)
{
    if (t->rows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->cells = realloc(t->cells, t->cap * (size_t)t->ncols * sizeof *t->cells);
        if (t->cells == NULL)
            abort();
    }
    for (int i = 0; i < t->ncols; i++)
        t->cells[t->rows * (size_t)t->ncols + (size_t)i] = strdup(cells[i] ? cells[i] : "");
    t->rows++;
}

size_t cli_table_rows(const struct cli_table *t)
{
    return t->rows;
}

int cli_table_cols(const struct cli_table *t)
{
    return t->ncols;
}

const char *cli_table_header(const struct cli_table *t, int col)
{
    return t->headers[col];
}

const char *cli_table_cell(const struct cli_table *t, size_t row, int col)
{
    return t->cells[row * (size_t)t->ncols + (size_t)col];
}

size_t cli_text_width(const char *s)
{
    size_t w = 0;
    int len;
    for (; *s; s += len)
        w += (size_t)ent_text_cells(s, &len);
    return w;
}

static void print_text(struct cli_table *t, FILE *f)
{
    size_t *width = calloc((size_t)t->ncols, sizeof *width);
    for (int c = 0; c < t->ncols; c++) {
        width[c] = cli_text_width(t->headers[c]);
        for (size_t r = 0; r < t->rows; r++) {
            size_t w = cli_text_width(t->cells[r * (size_t)t->ncols + (size_t)c]);
            if (w > width[c])
                width[c] = w;
        }
    }
    for (size_t r = 0; r <= t->rows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            const char *s = r == 0 ? t->headers[c] : t->cells[(r - 1) * (size_t)t->ncols + (size_t)c];
            size_t pad = width[c] - cli_text_width(s);
            bool last = c == t->ncols - 1;
            if (t->numeric[c])
                fprintf(f, "%*s%s", (int)pad, "", s);
            else
                fprintf(f, "%s%*s", s, last ? 0 : (int)pad, "");
            fputs(last ? "\n" : "  ", f);
        }
    }
    free(width);
}

static void print_json(struct cli_table *t, FILE *f)
{
    json_t *arr = json_array();
    for (size_t r = 0; r < t->rows; r++) {
        json_t *obj = json_object();
        for (int c = 0; c < t->ncols; c++) {
            const char *s = t->cells[r * (size_t)t->ncols + (size_t)c];
            json_t *v;
            if (t->numeric[c] && *s && strspn(s, "-0123456789") == strlen(s))
                v = json_integer(strtoll(s, NULL, 10));
            else if (t->numeric[c] && *s)
                v = json_string(s); /* decimal amounts stay exact as text */
            else if (*s == '\0')
                v = json_null();
            else
                v = json_string(s);
            json_object_set_new(obj, t->headers[c], v);
        }
        json_array_append_new(arr, obj);
    }
    json_dumpf(arr, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII * 0);
    fputc('\n', f);
    json_decref(arr);
}

void cli_table_print(struct cli *cli, struct cli_table *t, FILE *f)
{
    if (cli->format == FORMAT_JSON) {
        print_json(t, f);
    } else if (cli->format == FORMAT_CSV) {
        ent_csv_write(f, (const char *const *)t->headers, (size_t)t->ncols);
        for (size_t r = 0; r < t->rows; r++)
            ent_csv_write(f, (const char *const *)&t->cells[r * (size_t)t->ncols], (size_t)t->ncols);
    } else {
        print_text(t, f);
    }
}

void cli_table_free(struct cli_table *t)
{
    if (t == NULL)
        return;
    for (int c = 0; c < t->ncols; c++)
        free(t->headers[c]);
    for (size_t i = 0; i < t->rows * (size_t)t->ncols; i++)
        free(t->cells[i]);
    free(t->headers);
    free(t->numeric);
    free(t->cells);
    free(t);
}

void cli_money(char *buf, size_t len, int64_t minor, const char *currency)
{
    char num[40];
    if (ent_money_format(num, sizeof num, minor, currency) < 0)
        snprintf(num, sizeof num, "%lld", (long long)minor);
    snprintf(buf, len, "%s %s", num, currency);
}

const char *cli_gtin(const char *gtin)
{
    /* As people read it under a barcode: 13 digits, or 8 for a GTIN-8. */
    if (gtin == NULL || strlen(gtin) != 14)
        return gtin ? gtin : "";
    if (strncmp(gtin, "000000", 6) == 0)
        return gtin + 6;
    return gtin[0] == '0' ? gtin + 1 : gtin;
}

int cli_refuse_empty(const struct cli_opt *opts)
{
    for (const struct cli_opt *o = opts; o->name; o++)
        if (o->value && *o->value && **o->value == '\0')
            return cli_error(EXIT_USAGE, "--%s is empty: give a value or leave the option out", o->name);
    return 0;
}

int cli_parse_whole(int64_t *out, const char *what, const char *s, int64_t min, int64_t max)
{
    if (ent_whole_parse(out, s, min, max) != ENT_OK)
        return cli_error(EXIT_USAGE, "%s %s", what, ent_error_last()->message);
    return 0;
}

ssize_t cli_read_line(FILE *f, char **line, size_t *cap, size_t *lineno)
{
    size_t n = 0;
    int ch;
    (*lineno)++;
    while ((ch = getc(f)) != EOF && ch != '\n') {
        /* Refused at the limit, not after: /dev/zero has no line end. */
        if (ch == '\0')
            return cli_error(EXIT_USAGE, "input line %zu holds a NUL byte: this is not text", *lineno), -2;
        if (n >= CLI_LINE_MAX)
            return cli_error(EXIT_USAGE, "input line %zu is longer than %d bytes", *lineno, CLI_LINE_MAX), -2;
        if (n + 2 > *cap) {
            size_t c = *cap ? *cap * 2 : 256;
            char *p = realloc(*line, c);
            if (p == NULL)
                return cli_error(EXIT_IO, "out of memory"), -2;
            *line = p;
            *cap = c;
        }
        (*line)[n++] = (char)ch;
    }
    if (ch == EOF && n == 0)
        return -1;
    if (*line == NULL && (*line = malloc(1)) != NULL)
        *cap = 1;
    if (*line == NULL)
        return cli_error(EXIT_IO, "out of memory"), -2;
    (*line)[n] = '\0';
    return (ssize_t)n;
}

int cli_parse_limit(long long *out, const char *s)
{
    int64_t v;
    int st;
    if (s == NULL)
        return 0;
    if ((st = cli_parse_whole(&v, "--limit", s, 0, INT64_MAX)) != 0)
        return st;
    *out = v;
    return 0;
}

/* Global options, then the command: shared by entrepot and entrepot-label. */
int cli_main(int argc, char **argv, const char *usage, const struct cli_command *commands, size_t ncommands)
{
    struct cli cli = {0};
    int i = 1, status;
    cli.db_path = getenv("ENTREPOT_DB");
    if (cli.db_path == NULL || *cli.db_path == '\0')
        cli.db_path = "entrepot.db";
    /* A closed pipe is a failed write like a full disk: reported, exit 3. */
    signal(SIGPIPE, SIG_IGN);
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--db") == 0 || strncmp(argv[i], "--db=", 5) == 0) {
            const char *v = argv[i][4] == '=' ? argv[i] + 5 : i + 1 < argc ? argv[++i] : NULL;
            if (v == NULL || *v == '\0')
                return cli_error(EXIT_USAGE, "--db needs the path of the database (see entrepot --help)");
            cli.db_path = v;
        } else if (strncmp(argv[i], "--json=", 7) == 0 || strncmp(argv[i], "--csv=", 6) == 0 ||
                   strncmp(argv[i], "--help=", 7) == 0 || strncmp(argv[i], "--version=", 10) == 0) {
            return cli_error(EXIT_USAGE, "%.*s takes no value", (int)strcspn(argv[i], "="), argv[i]);
        } else if (strcmp(argv[i], "--json") == 0) {
            cli.format = FORMAT_JSON;
        } else if (strcmp(argv[i], "--csv") == 0) {
            cli.format = FORMAT_CSV;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return cli_stdout_status(EXIT_OK);
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("entrepot %s\n", ent_version());
            return cli_stdout_status(EXIT_OK);
        } else {
            return cli_error(EXIT_USAGE, "unknown option '%s' (see entrepot --help)", argv[i]);
        }
    }
    if (i >= argc) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[i];
    if (strcmp(name, "version") == 0) {
        printf("entrepot %s\n", ent_version());
        return cli_stdout_status(EXIT_OK);
    }
    if (strcmp(name, "help") == 0) {
        fputs(usage, stdout);
        return cli_stdout_status(EXIT_OK);
    }
    status = -1;
    for (size_t k = 0; k < ncommands; k++) {
        if (strcmp(commands[k].name, name) == 0) {
            /* Commands may take --json/--csv after their name too. */
            for (int j = i + 1; j < argc; j++) {
                if (strcmp(argv[j], "--") == 0)
                    break;
                if (strcmp(argv[j], "--json") == 0 || strcmp(argv[j], "--csv") == 0) {
                    cli.format = argv[j][2] == 'j' ? FORMAT_JSON : FORMAT_CSV;
                    memmove(&argv[j], &argv[j + 1], (size_t)(argc - j - 1) * sizeof *argv);
                    argc--;
                    j--;
                }
            }
            status = commands[k].run(&cli, argc - i - 1, argv + i + 1);
            break;
        }
    }
    if (status < 0)
        status = cli_error(EXIT_USAGE, "unknown command '%s' (see entrepot --help)", name);
    ent_db_close(cli.db);
    return cli_stdout_status(status);
}

/* ---- output files --------------------------------------------------------- */

/* path made absolute with its folder resolved (the file itself may not
 * exist yet); false when the folder does not exist. */
static bool resolve_path(const char *path, char out[PATH_MAX])
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    char real[PATH_MAX];
    if (realpath(dir, real) == NULL)
        return false;
    int n = snprintf(out, PATH_MAX, "%s/%s", strcmp(real, "/") == 0 ? "" : real, base);
    return n > 0 && n < PATH_MAX;
}

/* Whether a and b name the same file: by device and inode when both exist,
 * else by their resolved paths. */
static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    char ra[PATH_MAX], rb[PATH_MAX];
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    return resolve_path(a, ra) && resolve_path(b, rb) && strcmp(ra, rb) == 0;
}

int cli_check_output(struct cli *cli, const char *path)
{
    static const char *const tails[] = {"", "-wal", "-shm", "-journal", ".key"};
    static const char *const what[] = {"the database", "the database's write-ahead log",
                                       "the database's shared-memory index", "the database's rollback journal",
                                       "the database's signing key"};
    char owned[PATH_MAX + 16];
    if (path == NULL || *path == '\0')
        return cli_error(EXIT_USAGE, "no output file given");
    for (size_t i = 0; cli->db_path && i < sizeof tails / sizeof *tails; i++) {
        snprintf(owned, sizeof owned, "%s%s", cli->db_path, tails[i]);
        if (same_file(path, owned))
            return cli_error(EXIT_USAGE, "%s is %s (%s): entrepot will not write over it; choose another file", path,
                             what[i], owned);
    }
    const char *key = getenv("ENTREPOT_KEY");
    if (key && *key && same_file(path, key))
        return cli_error(EXIT_USAGE,
                         "%s is the signing key ($ENTREPOT_KEY): entrepot will not write over it; "
                         "choose another file",
                         path);
    return 0;
}

/* err is 0 when the failure was flagged by an earlier buffered write whose
 * errno is gone: say what failed, and do not invent a reason. */
static int write_failed(const char *path, int err)
{
    if (err == 0)
        return cli_error(EXIT_IO, "writing %s failed (a full disk or a closed pipe)", path);
    return cli_error(EXIT_IO, "writing %s failed: %s", path, strerror(err));
}

int cli_out_open(struct cli *cli, struct cli_out *o, const char *path)
{
    struct stat st;
    int st_rc;
    memset(o, 0, sizeof *o);
    if ((st_rc = cli_check_output(cli, path)) != 0)
        return st_rc;
    o->path = path;
    /* Devices, pipes and the like (/dev/stdout, a FIFO) are written as they
     * are: there is nothing to replace, and renaming onto them would remove
     * them. */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode))
            return cli_error(EXIT_USAGE, "%s is a folder: give a file name", path);
        o->f = fopen(path, "wb");
        return o->f ? 0 : cli_error(EXIT_IO, "cannot write %s: %s", path, strerror(errno));
    }
    char real[PATH_MAX];
    if (!resolve_path(path, real))
        return cli_error(EXIT_USAGE, "cannot write %s: its folder does not exist", path);
    size_t len = strlen(real) + 16;
    o->tmp = malloc(len);
    if (o->tmp == NULL)
        return cli_error(EXIT_IO, "out of memory");
    /* Beside the target (same file system, so rename is atomic): readers see
     * the old file or the whole new one, never half of it. */
    char *slash = strrchr(real, '/');
    snprintf(o->tmp, len, "%.*s.%s.XXXXXX", (int)(slash - real + 1), real, slash + 1);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        free(o->tmp);
        o->tmp = NULL;
        return cli_error(EXIT_IO, "cannot write %s: %s", path, strerror(e));
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, stat(real, &st) == 0 ? (st.st_mode & 07777) : (0666 & ~mask));
    o->f = fdopen(fd, "wb");
    if (o->f == NULL) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
        return cli_error(EXIT_IO, "cannot write %s: %s", path, strerror(e));
    }
    o->final = strdup(real);
    return 0;
}

int cli_out_close(struct cli_out *o, bool ok)
{
    int status = 0;
    if (o->f == NULL)
        return 0;
    errno = 0;
    bool failed = fflush(o->f) != 0 || ferror(o->f);
    int err = errno;
    if (!failed && o->tmp && fsync(fileno(o->f)) != 0) {
        failed = true;
        err = errno;
    }
    if (fclose(o->f) != 0 && !failed) {
        failed = true;
        err = errno;
    }
    o->f = NULL;
    if (failed && ok)
        status = write_failed(o->path, err);
    if (o->tmp) {
        /* Only the temporary file this run made is ever removed. */
        if (failed || !ok)
            unlink(o->tmp);
        else if (rename(o->tmp, o->final) != 0) {
            status = write_failed(o->path, errno);
            unlink(o->tmp);
        }
    }
    free(o->tmp);
    free(o->final);
    o->tmp = o->final = NULL;
    return status;
}

int cli_stdout_status(int status)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return status;
    int err = errno;
    clearerr(stdout);
    /* A command that failed has said why already. */
    return status == EXIT_OK ? write_failed("to standard output", err) : status;
}

/* ---- lists of codes from a file ----------------------------------------- */

#define CODES_LINE_MAX 512 /* bytes: a GS1 Digital Link URI fits, a stray paragraph does not */
#define CODES_MAX 1000000  /* lines holding a code: far above a store's catalogue */

static int codes_add(struct cli_codes *c, const char *s, size_t n)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        char **grown = realloc(c->v, cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        c->v = grown;
        c->cap = cap;
    }
    if ((c->v[c->n] = malloc(n + 1)) == NULL)
        return -1;
    memcpy(c->v[c->n], s, n);
    c->v[c->n++][n] = '\0';
    return 0;
}

/* One line of a codes file: what is wrong with it, or NULL. */
static const char *codes_line_fault(const char *s, size_t n)
{
    if (memchr(s, '\0', n) != NULL)
        return "contains a NUL byte";
    if (!ent_utf8_valid(s, n))
        return "is not valid UTF-8 text";
    for (size_t i = 0; i < n; i++)
        if (s[i] == ' ' || s[i] == '\t')
            return "holds more than one code (one code per line)";
    return NULL;
}

int cli_read_codes(struct cli_codes *out, const char *path)
{
    if (*path == '\0')
        return cli_error(EXIT_USAGE, "--codes needs a file name, or - for standard input");
    bool is_stdin = strcmp(path, "-") == 0;
    const char *shown = is_stdin ? "standard input" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t got;
    int st = 0;
    if (f == NULL)
        return cli_error(errno == ENOENT || errno == ENAMETOOLONG || errno == ENOTDIR ? EXIT_USAGE : EXIT_IO,
                         "cannot read codes from %s: %s", path, strerror(errno));
    while (st == 0 && (got = getline(&line, &cap, f)) >= 0) {
        size_t n = (size_t)got, b = 0;
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
            n--;
        while (b < n && (line[b] == ' ' || line[b] == '\t'))
            b++;
        if (b == n || line[b] == '#')
            continue; /* blank lines and comments */
        const char *fault = n - b > CODES_LINE_MAX ? "is too long for a code" : codes_line_fault(line + b, n - b);
        if (fault)
            st = cli_error(EXIT_USAGE, "%s line %zu %s", shown, lineno, fault);
        else if (out->n >= CODES_MAX)
            st = cli_error(EXIT_USAGE, "%s line %zu: more than %d codes in one list", shown, lineno, CODES_MAX);
        else if (codes_add(out, line + b, n - b) != 0)
            st = cli_error(EXIT_IO, "out of memory reading %s", shown);
    }
    if (st == 0 && ferror(f))
        st = cli_error(errno == EISDIR ? EXIT_USAGE : EXIT_IO, "reading codes from %s failed: %s", shown,
                       strerror(errno));
    free(line);
    if (!is_stdin)
        fclose(f);
    return st;
}

/* ---- the input of an import ------------------------------------------- */

int cli_input_open(struct cli_input *in, const char *path, const char *encoding)
{
    memset(in, 0, sizeof *in);
    in->name = path;
    bool utf8 = encoding == NULL || strcasecmp(encoding, "utf-8") == 0 || strcasecmp(encoding, "utf8") == 0;
    if (!utf8 && strcasecmp(encoding, "gb18030") != 0 && strcasecmp(encoding, "gbk") != 0)
        return cli_error(EXIT_USAGE, "--encoding '%s': utf-8, gb18030 or gbk", ENT_CLIP(encoding, 40));
    in->raw = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (in->raw == NULL)
        return cli_error(EXIT_USAGE, "%s: %s", ENT_CLIP(path, 60), strerror(errno));
    in->f = in->raw;
    if (utf8)
        return 0; /* read as it is: the CSV reader checks UTF-8 on the way */
    int rc = ent_csv_decode(&in->f, in->raw, encoding);
    if (rc != ENT_OK) {
        int st = cli_error(cli_exit_code(rc), "%s: %s", ENT_CLIP(path, 60), ent_error_last()->message);
        cli_input_close(in);
        return st;
    }
    in->decoded = true;
    return 0;
}

int cli_input_fail(struct cli *cli, struct cli_input *in, int rc)
{
    char msg[ENT_ERROR_MAX];
    snprintf(msg, sizeof msg, "%s", cli_errmsg(cli));
    /* Not UTF-8 as read: where, from the same decoding step, and what a file
     * from Excel most likely is. */
    FILE *check = NULL;
    bool not_utf8 = rc == ENT_INVALID && !in->decoded && in->raw != stdin && strstr(msg, "UTF-8") &&
                    fseek(in->raw, 0, SEEK_SET) == 0 && ent_csv_decode(&check, in->raw, "utf-8") == ENT_INVALID;
    if (check)
        fclose(check);
    if (not_utf8)
        fprintf(stderr, "entrepot: %s: %s; %s; if it came from Excel try --encoding gb18030\n", ENT_CLIP(in->name, 60),
                msg, ent_error_last()->message);
    else
        fprintf(stderr, "entrepot: %s: %s\n", ENT_CLIP(in->name, 60), msg);
    fputs("entrepot: nothing was imported\n", stderr);
    return cli_exit_code(rc);
}

void cli_input_close(struct cli_input *in)
{
    if (in->f && in->f != in->raw)
        fclose(in->f);
    if (in->raw && in->raw != stdin)
        fclose(in->raw);
    in->f = in->raw = NULL;
}

void cli_codes_free(struct cli_codes *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i]);
    free(c->v);
    memset(c, 0, sizeof *c);
}

/* The next space-separated word of *args (cut in place), *args moved past it
 * and its spaces; NULL when none is left. */
char *cli_next_word(char **args)
{
    char *s = *args;
    while (*s == ' ')
        s++;
    if (*s == '\0')
        return NULL;
    char *w = s;
    while (*s && *s != ' ')
        s++;
    if (*s)
        *s++ = '\0';
    while (*s == ' ')
        s++;
    *args = s;
    return w;
}

char *cli_ask(FILE *in, FILE *out, const char *prompt, bool secret)
{
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    struct termios old, quiet;
    int tty = isatty(fileno(in)) && tcgetattr(fileno(in), &old) == 0;
    fprintf(out, "%s", prompt);
    fflush(out);
    if (tty && secret) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fileno(in), TCSANOW, &quiet);
    }
    ssize_t n = cli_read_line(in, &line, &cap, &lineno);
    if (tty && secret) {
        tcsetattr(fileno(in), TCSANOW, &old);
        fputc('\n', out);
    }
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n'))
        line[--n] = '\0';
    if (!tty || !secret)
        fputc('\n', out);
    return line;
}

int cli_csv_export(struct cli *cli, const char *cmd, const char *path, bool bom, int (*write)(ent_db *db, FILE *f))
{
    int st;
    if (path && *path == '\0')
        return cli_error(EXIT_USAGE, "%s: the FILE name is empty (leave it out for standard output)", cmd);
    bool to_file = path && strcmp(path, "-") != 0;
    struct cli_out out = {.f = stdout};
    if (to_file && (st = cli_check_output(cli, path)) != 0)
        return st;
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    if (to_file && (st = cli_out_open(cli, &out, path)) != 0)
        return st;
    /* Excel reads a CSV as the system's code page unless it starts with a BOM. */
    int rc = bom && fputs("\xef\xbb\xbf", out.f) == EOF ? ENT_ERROR : ENT_OK;
    if (rc == ENT_OK)
        rc = write(cli->db, out.f);
    if (to_file && (st = cli_out_close(&out, rc == ENT_OK)) != 0)
        return st;
    if (rc != ENT_OK)
        return cli_error(cli_exit_code(rc), "%s: %s", to_file ? path : "standard output", cli_errmsg(cli));
    return EXIT_OK;
}
