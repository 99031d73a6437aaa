/*
 * entrepot serve — labels: the templates and sheets, a preview of a label
 * (PNG, PDF, SVG or ZPL), printing to a CUPS printer, the reprint queue.
 *
 * Rendering needs cairo, libzint and fontconfig, which only the label
 * program loads (entrepot-label, beside entrepot: README, Labels). So the
 * server runs it, as `entrepot label` does, with --no-record: the program
 * reads the database and renders or prints, and the server records the job
 * and clears the queue itself on the writer thread, as the user who asked.
 * Its arguments are a vector (no shell); names are checked before, codes
 * come after "--".
 */
#define _GNU_SOURCE /* pipe2: the pipes must not leak into another thread's child */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "server.h"

#define LABEL_OUT_MAX (64 * 1024 * 1024) /* bytes of a preview */
#define LABEL_ERR_MAX 8192
#define LABEL_TIMEOUT_MS 120000 /* a print of many labels takes a while; a hung lp does not hold a thread longer */
#define LABEL_CODES_MAX 1000
#define LABEL_ARGS_MAX (LABEL_CODES_MAX + 32)

extern char **environ;

struct prog {
    char *out; /* standard output */
    size_t len, cap;
    char err[LABEL_ERR_MAX]; /* standard error (the end of it) */
    size_t elen;
    int status; /* exit status, or -1 when it did not run or was killed */
};

static int take(struct prog *p, int fd, int is_err)
{
    char buf[65536];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0)
        return n == 0 || (errno != EINTR && errno != EAGAIN) ? 0 : 1;
    if (is_err) {
        size_t k = (size_t)n < sizeof p->err - 1 - p->elen ? (size_t)n : sizeof p->err - 1 - p->elen;
        memcpy(p->err + p->elen, buf, k);
        p->elen += k;
        p->err[p->elen] = '\0';
        return 1;
    }
    if (p->len + (size_t)n > LABEL_OUT_MAX)
        return -1;
    if (p->len + (size_t)n > p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 65536;
        while (cap < p->len + (size_t)n)
            cap *= 2;
        char *b = realloc(p->out, cap);
        if (b == NULL)
            return -1;
        p->out = b;
        p->cap = cap;
    }
    memcpy(p->out + p->len, buf, (size_t)n);
    p->len += (size_t)n;
    return 1;
}

static void collect(struct prog *p, pid_t pid, int fo, int fe)
{
    struct pollfd fds[2] = {{fo, POLLIN, 0}, {fe, POLLIN, 0}};
    int open = 2, failed = 0;
    while (open > 0) {
        int n = poll(fds, 2, LABEL_TIMEOUT_MS);
        if (n == 0 || (n < 0 && errno != EINTR)) {
            failed = 1;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int st = take(p, fds[i].fd, i);
            if (st <= 0) {
                fds[i].fd = -1;
                open--;
                failed |= st < 0;
            }
        }
        if (failed)
            break;
    }
    if (failed)
        kill(pid, SIGKILL);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
    }
    p->status = !failed && WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}

/* Runs entrepot-label with args (NULL-terminated, without the program and
 * the global options): 0 with p filled, or -1 when it cannot start. */
static int run_prog(struct prog *p, const char *const *args, int json)
{
    char self[4096], path[4200];
    const char *argv[LABEL_ARGS_MAX + 8];
    int po[2] = {-1, -1}, pe[2] = {-1, -1}, n = 0, rc = -1;
    memset(p, 0, sizeof *p);
    p->status = -1;
    if (cli_self_dir(self, sizeof self) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/entrepot-label", self);
    argv[n++] = path;
    argv[n++] = "--db";
    argv[n++] = srv_g->cfg.db_path;
    if (json)
        argv[n++] = "--json";
    for (int i = 0; args[i] && n < LABEL_ARGS_MAX + 6; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    if (pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0)
        goto done;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    posix_spawnattr_init(&at);
    /* The server blocks SIGTERM (sigwait) and ignores SIGPIPE: not the child. */
    sigset_t none, dfl;
    sigemptyset(&none);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGPIPE);
    sigaddset(&dfl, SIGTERM);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dfl);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    int err = posix_spawn(&pid, path, &fa, &at, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (err != 0)
        goto done;
    close(po[1]), po[1] = -1;
    close(pe[1]), pe[1] = -1;
    collect(p, pid, po[0], pe[0]);
    rc = 0;
done:
    for (int i = 0; i < 2; i++) {
        if (po[i] >= 0)
            close(po[i]);
        if (pe[i] >= 0)
            close(pe[i]);
    }
    return rc;
}

/* The program's message: its "entrepot: " lines (each bad label, then the
 * sum) joined by "; ", without "entrepot: ". */
static const char *prog_message(struct prog *p)
{
    char joined[LABEL_ERR_MAX];
    size_t w = 0;
    const char *r = p->err;
    while (*r) {
        size_t n = strcspn(r, "\n");
        const char *line = r;
        r += n + (r[n] == '\n');
        if (n < 10 || strncmp(line, "entrepot: ", 10) != 0)
            continue; /* only its messages: not a sanitizer's report, say */
        line += 10, n -= 10;
        /* The program's advice names its options ("(--skip-bad prints the
         * others)"): not an API client's business. */
        const char *adv = memmem(line, n, " (--", 4);
        if (adv)
            n = (size_t)(adv - line);
        if (n == 0 || w + n + 3 > sizeof joined)
            continue;
        if (w > 0)
            joined[w++] = ';', joined[w++] = ' ';
        memcpy(joined + w, line, n);
        w += n;
    }
    joined[w] = '\0';
    memcpy(p->err, joined, w + 1);
    return p->err[0] ? p->err : "the label program failed";
}

/* A failure of the program answered: exit 1 refused (409), 2 bad input
 * (422), 3 printer or I/O (502 when printing, else 500). */
static void reply_prog(struct reply *out, struct prog *p, int printing)
{
    const char *msg = prog_message(p);
    switch (p->status) {
    case 1: reply_error(out, 409, "refused", NULL, "%s", msg); break;
    case 2: reply_error(out, 422, "invalid", NULL, "%s", msg); break;
    case 3:
        if (printing)
            reply_error(out, 502, "printer", NULL, "%s", msg);
        else
            reply_error(out, 500, "error", NULL, "%s", msg);
        break;
    default: reply_error(out, 500, "error", NULL, "the label program did not finish: %s", msg); break;
    }
}

/* ---- checking what a request names --------------------------------------- */

/* A template, sheet or printer name: letters, digits, '.', '_', '-', not
 * starting with '-' or '.' (never a path, never an option). */
static int name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 127 || s[0] == '-' || s[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return 0;
    }
    return 1;
}

/* A lot code goes to the program as an option's value: never one that
 * reads as an option. */
static int check_lot(struct reply *out, const char *lot)
{
    if (lot == NULL || (*lot != '\0' && *lot != '-'))
        return 0;
    reply_error(out, 422, "invalid", "lot", "'%s' is not a lot code", ENT_CLIP(lot, 40));
    return -1;
}

static int check_name(struct reply *out, const char *field, const char *value)
{
    if (value == NULL || name_ok(value))
        return 0;
    reply_error(out, 422, "invalid", field,
                "'%s' is not a %s name (letters, digits, '.', '_' and '-', not first '-' or '.')", ENT_CLIP(value, 40),
                field);
    return -1;
}

static const char *format_type(const char *f)
{
    if (strcmp(f, "png") == 0)
        return "image/png";
    if (strcmp(f, "pdf") == 0)
        return "application/pdf";
    if (strcmp(f, "svg") == 0)
        return "image/svg+xml";
    if (strcmp(f, "zpl") == 0)
        return "text/plain; charset=utf-8"; /* ZPL II is text; there is no registered type */
    return NULL;
}

static int check_format(struct reply *out, const char *f)
{
    if (f == NULL || format_type(f))
        return 0;
    reply_error(out, 422, "invalid", "format", "'%s' is not a label format: png, pdf, svg or zpl", ENT_CLIP(f, 20));
    return -1;
}

/* A whole number given as text (a query parameter) in lo..hi. */
static int check_whole(struct reply *out, const char *field, const char *s, int64_t lo, int64_t hi)
{
    int64_t v;
    if (s == NULL || ent_whole_parse(&v, s, lo, hi) == ENT_OK)
        return 0;
    reply_error(out, 422, "invalid", field, "'%s' must be a whole number from %lld to %lld, not '%s'", field,
                (long long)lo, (long long)hi, ENT_CLIP(s, 20));
    return -1;
}

/* ---- templates and sheets -------------------------------------------------- */

int route_label_templates(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body, (void)tail;
    const char *args[] = {"label", "templates", NULL};
    struct prog p;
    if (run_prog(&p, args, 1) != 0) {
        reply_error(out, 500, "error", NULL, "the label program cannot be run (it is built with entrepot)");
        return 0;
    }
    json_t *list = p.status == 0 ? json_loadb(p.out ? p.out : "", p.len, 0, NULL) : NULL;
    if (!json_is_array(list)) {
        json_decref(list);
        if (p.status == 0)
            p.status = -1;
        reply_prog(out, &p, 0);
        free(p.out);
        return 0;
    }
    json_t *tpl = json_array(), *sheets = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        /* The server's file paths are its own business. */
        json_t *item = json_pack("{s:O, s:O}", "name", json_object_get(e, "name"), "size", json_object_get(e, "size"));
        const char *kind = json_string_value(json_object_get(e, "kind"));
        json_array_append_new(kind && strcmp(kind, "sheet") == 0 ? sheets : tpl, item);
    }
    json_decref(list);
    free(p.out);
    reply_json(out, 200, json_pack("{s:o, s:o}", "templates", tpl, "sheets", sheets));
    return 0;
}

/* ---- preview ------------------------------------------------------------ */

/* Runs the label program with args and answers what it wrote to its
 * standard output as ctype, or its refusal. 0 with out filled either way. */
static int answer_prog(struct reply *out, const char *const *args, const char *ctype)
{
    struct prog p;
    if (run_prog(&p, args, 0) != 0) {
        reply_error(out, 500, "error", NULL, "the label program cannot be run (it is built with entrepot)");
        return 0;
    }
    if (p.status != 0) {
        reply_prog(out, &p, 0);
        free(p.out);
        return 0;
    }
    out->status = 200;
    out->text = p.out ? p.out : strdup("");
    out->text_len = p.len;
    out->ctype = ctype;
    return 0;
}

/* A receipt as PDF (routes_sales.c): entrepot-label draws it, the one
 * program that links cairo. 0 with out filled either way. */
int srv_receipt_pdf(struct reply *out, const char *receipt, int columns)
{
    const char *args[] = {"sale", "--reprint", receipt, "--paper", columns == 32 ? "58" : "80",
                          "--format", "pdf", "--out", "-", NULL};
    return answer_prog(out, args, "application/pdf");
}

/* A purchase order as PDF (routes_purchase.c), drawn by entrepot-label as
 * `entrepot purchase pdf` draws it. 0 with out filled either way. */
int srv_purchase_pdf(struct reply *out, const char *order)
{
    const char *args[] = {"purchase", "pdf", order, "--out", "-", NULL};
    return answer_prog(out, args, "application/pdf");
}

/* ---- printing ------------------------------------------------------------- */

static void free_json(void *arg)
{
    json_decref(arg);
}

/* A print on its way to the writer: the program's summary, and for a
 * download the PDF itself, answered once the print is recorded. */
struct lprint {
    json_t *sum;
    char *pdf;
    size_t len;
};

static void free_lprint(void *arg)
{
    struct lprint *lp = arg;
    json_decref(lp->sum);
    free(lp->pdf);
    free(lp);
}

/* What the writer records after a print: the job's summary and who. */
static int run_print_record(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    struct lprint *lp = job->arg;
    json_t *a = lp->sum;
    const char *tpl = json_str(a, "template");
    const char *printer = json_str(a, "printer"), *request = json_str(a, "request");
    json_int_t labels = json_integer_value(json_object_get(a, "labels"));
    json_t *upto = json_object_get(a, "queue_upto");
    char dest[1024];
    int64_t removed = 0;
    if (lp->pdf)
        snprintf(dest, sizeof dest, "download (PDF)");
    else
        snprintf(dest, sizeof dest, "%s %s", printer ? printer : "", request ? request : "");
    int rc = ent_user_act_as(db, job->user);
    if (rc == ENT_OK)
        rc = ent_label_print_record(db, tpl, (int64_t)labels, dest);
    if (rc == ENT_OK && upto)
        rc = ent_label_queue_clear(db, &removed, (int64_t)json_integer_value(upto));
    json_t *res = json_pack("{s:I, s:I}", "labels", labels, "pages", json_integer_value(json_object_get(a, "pages")));
    if (printer)
        json_object_set_new(res, "printer", json_string(printer));
    if (request)
        json_object_set_new(res, "request", json_string(request));
    if (rc != ENT_OK) {
        /* A printed job is out whatever happens here: say so. A download
         * is not handed out unrecorded (the answer stays this error). */
        reply_ent(&job->reply, db, rc);
        json_t *err = json_object_get(job->reply.json, "error");
        char msg[1200];
        if (lp->pdf)
            snprintf(msg, sizeof msg, "recording the labels failed: %s",
                     json_string_value(json_object_get(err, "message")));
        else
            snprintf(msg, sizeof msg, "the labels were printed, but %s failed: %s",
                     upto ? "recording them or clearing the queue" : "recording them",
                     json_string_value(json_object_get(err, "message")));
        json_object_set_new(err, "message", json_string(msg));
        json_decref(res);
        return 0;
    }
    if (upto) {
        json_object_set_new(res, "cleared", json_integer(removed));
        srv_job_event(job, "labels", json_pack("{s:s, s:I}", "queue", "cleared", "removed", (json_int_t)removed));
    }
    reply_json(&job->reply, 201, res);
    return 0;
}

/* A recorded download: the PDF instead of the summary (on the request's
 * thread, after the commit). */
static void download_after(struct job *job, struct reply *rep)
{
    struct lprint *lp = job->arg;
    if (rep->status != 201 || lp->pdf == NULL)
        return;
    json_decref(rep->json);
    rep->json = NULL;
    rep->status = 200;
    rep->text = lp->pdf;
    rep->text_len = lp->len;
    lp->pdf = NULL;
    rep->ctype = "application/pdf";
    rep->disposition = "attachment; filename=\"labels.pdf\"";
}

/* The PDF a download wrote into its private folder: read, then removed
 * with the folder. 0, or -1 answered. */
static int take_pdf(struct reply *out, struct lprint *lp, const char *dir, const char *path)
{
    int rc = -1;
    FILE *f = fopen(path, "rb");
    if (f && fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n > 0 && n <= LABEL_OUT_MAX && fseek(f, 0, SEEK_SET) == 0 && (lp->pdf = malloc((size_t)n)) != NULL &&
            fread(lp->pdf, 1, (size_t)n, f) == (size_t)n) {
            lp->len = (size_t)n;
            rc = 0;
        }
    }
    if (f)
        fclose(f);
    unlink(path);
    rmdir(dir);
    if (rc != 0)
        reply_error(out, 500, "error", NULL, "the labels' PDF could not be read back");
    return rc;
}

/* Runs the print (or writes the download into dir/path), then queues its
 * record. args as for run_prog. */
static int print_and_record(struct req *r, const char *const *args, const char *tpl, const char *dir,
                            const char *path, struct reply *out)
{
    struct prog p;
    if (run_prog(&p, args, 1) != 0) {
        if (dir)
            unlink(path), rmdir(dir);
        reply_error(out, 500, "error", NULL, "the label program cannot be run (it is built with entrepot)");
        return 0;
    }
    json_t *sum = p.status == 0 ? json_loadb(p.out ? p.out : "", p.len, 0, NULL) : NULL;
    free(p.out);
    if (p.status == 0 && sum == NULL && strstr(p.err, "the reprint queue is empty")) {
        if (dir)
            unlink(path), rmdir(dir);
        reply_json(out, 200, json_pack("{s:i, s:i}", "labels", 0, "cleared", 0));
        return 0;
    }
    if (!json_is_object(sum)) {
        json_decref(sum);
        if (dir)
            unlink(path), rmdir(dir);
        if (p.status == 0)
            p.status = -1;
        reply_prog(out, &p, dir == NULL);
        return 0;
    }
    json_object_del(sum, "out"); /* the server's folder is its own business */
    json_object_set_new(sum, "template", json_string(tpl));
    struct lprint *lp = calloc(1, sizeof *lp);
    if (lp == NULL) {
        json_decref(sum);
        if (dir)
            unlink(path), rmdir(dir);
        reply_error(out, 500, "error", NULL, "out of memory");
        return 0;
    }
    lp->sum = sum;
    if (dir && take_pdf(out, lp, dir, path) != 0) {
        free_lprint(lp);
        return 0;
    }
    int rc = dir ? srv_queue_write_then(r, run_print_record, lp, free_lprint, download_after)
                 : srv_queue_write(r, run_print_record, lp, free_lprint);
    if (rc < 0)
        reply_error(out, 500, "error", NULL, "out of memory");
    return 0;
}

static const struct field print_fields[] = {
    {"template", F_STRING, 1}, {"codes", F_ARRAY, 0},    {"printer", F_STRING, 0},     {"format", F_STRING, 0},
    {"sheet", F_STRING, 0},    {"lot", F_STRING, 0},     {"copies", F_INT, 0},         {"origin", F_STRING, 0},
    {"location", F_STRING, 0}, {"supplier", F_STRING, 0}, {"brand", F_STRING, 0},      {"declaration", F_STRING, 0},
    {"download", F_BOOL, 0},   {NULL, F_STRING, 0},
};

/* The print options common to both prints, into args from n; the new n,
 * or -1 answered. Without a printer the job goes to the file out (a
 * download, PDF). */
static int print_args(struct reply *out, json_t *b, const char **args, int n, char *copies, size_t clen,
                      const char *file)
{
    const char *tpl = json_str(b, "template"), *printer = json_str(b, "printer"), *fmt = json_str(b, "format");
    const char *sheet = json_str(b, "sheet");
    if (check_name(out, "template", tpl) || check_name(out, "printer", printer) || check_name(out, "sheet", sheet) ||
        check_format(out, fmt))
        return -1;
    args[n++] = "label", args[n++] = "print", args[n++] = "--no-record";
    args[n++] = "--template", args[n++] = tpl;
    if (file)
        args[n++] = "--out", args[n++] = file;
    else
        args[n++] = "--printer", args[n++] = printer;
    if (fmt)
        args[n++] = "--format", args[n++] = fmt;
    if (sheet)
        args[n++] = "--sheet", args[n++] = sheet;
    if (json_object_get(b, "copies")) {
        int64_t c = json_int(b, "copies", 1);
        if (c < 1 || c > ENT_LABEL_MAX_COPIES) {
            reply_error(out, 422, "invalid", "copies", "'copies' must be 1 to %d, not %lld", ENT_LABEL_MAX_COPIES,
                        (long long)c);
            return -1;
        }
        snprintf(copies, clen, "%lld", (long long)c);
        args[n++] = "--copies", args[n++] = copies;
    }
    return n;
}

/* Where the labels go: a printer, or with "download": true a PDF answered
 * (never both). 0, or -1 answered. */
static int check_destination(struct reply *out, json_t *b, int *download)
{
    json_t *d = json_object_get(b, "download");
    const char *printer = json_str(b, "printer"), *fmt = json_str(b, "format");
    *download = json_is_true(d);
    if (*download && printer) {
        reply_error(out, 422, "invalid", "printer", "a download goes to no printer: send 'printer' or \"download\": true");
        return -1;
    }
    if (*download && fmt && strcmp(fmt, "pdf") != 0) {
        reply_error(out, 422, "invalid", "format", "a download is a PDF, not '%s'", ENT_CLIP(fmt, 20));
        return -1;
    }
    if (!*download && printer == NULL) {
        reply_error(out, 422, "invalid", "printer", "'printer' is needed (or \"download\": true for the PDF)");
        return -1;
    }
    return 0;
}

/* A private folder for a download's PDF (the program writes a file and
 * renames it into place; the summary comes on its standard output). */
static int download_dir(struct reply *out, char *dir, size_t dlen, char *path, size_t plen)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, dlen, "%s/entrepot-labels-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        reply_error(out, 500, "error", NULL, "no folder for the labels' PDF: %s", strerror(errno));
        return -1;
    }
    snprintf(path, plen, "%s/labels.pdf", dir);
    return 0;
}

static const char *const selectors[] = {"codes", "origin", "location", "supplier", "brand", "declaration", NULL};

/* A location as the catalogue has it (the program names its own option
 * when it does not). */
struct loc_find {
    const char *want;
    int found;
};

static int loc_row(const ent_location *loc, void *ud)
{
    struct loc_find *f = ud;
    if (strcasecmp(loc->code, f->want) == 0)
        f->found = 1;
    return 0;
}

/* One selector's value checked (which: its index in selectors, not
 * codes): 0, or -1 answered. */
static int check_one_selector(struct reply *out, json_t *b, int which)
{
    const char *f = selectors[which], *v = json_str(b, f);
    size_t n = strlen(v), max = which == 2 ? 64 : 200;
    const ent_country *c = NULL;
    if (which == 1 && (n != 2 || ent_country_lookup(&c, v) != ENT_OK)) {
        reply_error(out, 422, "invalid", f, "'%s' is not an ISO 3166-1 country code (two letters, such as IT)",
                    ENT_CLIP(v, 20));
        return -1;
    }
    if (which == 5 && (n != 18 || strspn(v, "0123456789") != 18)) {
        reply_error(out, 422, "invalid", f, "'%s' is not a customs declaration number (18 digits)", ENT_CLIP(v, 30));
        return -1;
    }
    int bad = n == 0 || n > max || !ent_utf8_valid(v, n);
    for (const unsigned char *p = (const unsigned char *)v; !bad && *p; p++)
        bad = *p < 0x20 || *p == 0x7f;
    if (bad) {
        reply_error(out, 422, "invalid", f, "'%s' must be text of 1 to %zu bytes, without control characters", f, max);
        return -1;
    }
    return 0;
}

/* The selectors a print names, checked: 'codes' alone, or any of origin,
 * location, supplier, brand and declaration, which narrow together as the
 * label program combines them. A mask of their indexes in selectors, or -1
 * answered. */
static int check_selector(struct reply *out, json_t *b)
{
    int mask = 0;
    for (int i = 0; selectors[i]; i++)
        if (json_object_get(b, selectors[i]) != NULL)
            mask |= 1 << i;
    if (mask == 0) {
        reply_error(
            out, 422, "invalid", "codes",
            "say what to print: 'codes', or any of 'origin', 'location', 'supplier', 'brand' and 'declaration'");
        return -1;
    }
    if ((mask & 1) && mask != 1) {
        for (int i = 1; selectors[i]; i++)
            if (mask & (1 << i)) {
                reply_error(out, 422, "invalid", selectors[i],
                            "'codes' and '%s' do not go together: name codes, or narrow the stock by origin, location, "
                            "supplier, brand and declaration",
                            selectors[i]);
                return -1;
            }
    }
    for (int i = 1; selectors[i]; i++)
        if ((mask & (1 << i)) && check_one_selector(out, b, i) != 0)
            return -1;
    return mask;
}

static int check_location_exists(struct reply *out, const char *code)
{
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return -1;
    struct loc_find f = {code, 0};
    int rc = ent_location_each(db, loc_row, &f);
    if (rc != ENT_OK) {
        reply_ent(out, db, rc);
        return -1;
    }
    if (!f.found) {
        reply_error(out, 422, "invalid", "location", "no location '%s'", ENT_CLIP(code, 40));
        return -1;
    }
    return 0;
}

/* The selection of a preview from its query (origin, location, supplier,
 * brand, declaration: as a print's body names them), checked: the option
 * pairs after args[n], the new n; or -1 answered. */
static int preview_selection(struct req *r, struct reply *out, json_t *sel, const char **args, int n)
{
    for (int i = 1; selectors[i]; i++) {
        const char *v = req_arg(r, selectors[i]);
        if (v)
            json_object_set_new(sel, selectors[i], json_stringn_nocheck(v, strlen(v)));
    }
    int mask = check_selector(out, sel);
    if (mask < 0 || ((mask & 4) && check_location_exists(out, json_str(sel, "location")) != 0))
        return -1;
    static const char *const opts[] = {NULL, "--origin", "--location", "--supplier", "--brand", "--declaration"};
    for (int i = 1; selectors[i]; i++)
        if (mask & (1 << i))
            args[n++] = opts[i], args[n++] = json_str(sel, selectors[i]);
    return n;
}

/* GET labels/preview?template=T&code=C[&lot=L][&format=png][&dpi=N][&sheet=S]:
 * the label itself, nothing recorded. Instead of code, a selection as a
 * print names one (origin, location, supplier, brand, declaration, or
 * queue=1): the first label it prints (--first 1), so that the labels page
 * shows what a selection looks like before printing it. */
int route_label_preview(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    const char *tpl = req_arg(r, "template"), *code = req_arg(r, "code"), *lot = req_arg(r, "lot");
    const char *fmt = req_arg(r, "format"), *dpi = req_arg(r, "dpi"), *sheet = req_arg(r, "sheet");
    const char *queue = req_arg(r, "queue");
    int selected = queue != NULL; /* how many selectors the query names */
    for (int i = 1; selectors[i]; i++)
        selected += req_arg(r, selectors[i]) != NULL;
    if (tpl == NULL || ((code == NULL || *code == '\0') && !selected)) {
        reply_error(out, 422, "invalid", tpl ? "code" : "template",
                    "a preview needs ?template=NAME and ?code=GTIN, or a selection (origin, location, supplier, "
                    "brand, declaration, queue=1)");
        return 0;
    }
    if (code && selected) {
        reply_error(out, 422, "invalid", "code", "a preview shows ?code= or a selection, not both");
        return 0;
    }
    if (queue && (strcmp(queue, "1") != 0 || selected > 1 || lot)) {
        reply_error(out, 422, "invalid", "queue", "queue=1 previews the reprint queue's first label, alone");
        return 0;
    }
    if (fmt == NULL)
        fmt = "png";
    if (check_name(out, "template", tpl) || check_name(out, "sheet", sheet) || check_format(out, fmt) ||
        check_whole(out, "dpi", dpi, 72, 1200) || check_lot(out, lot))
        return 0;
    const char *args[32];
    int n = 0;
    args[n++] = "label", args[n++] = "print", args[n++] = "--no-record";
    args[n++] = "--template", args[n++] = tpl, args[n++] = "--format", args[n++] = fmt, args[n++] = "--out";
    args[n++] = "-";
    if (dpi)
        args[n++] = "--dpi", args[n++] = dpi;
    if (sheet)
        args[n++] = "--sheet", args[n++] = sheet;
    if (lot)
        args[n++] = "--lot", args[n++] = lot;
    if (code) {
        args[n++] = "--", args[n++] = code, args[n] = NULL;
        return answer_prog(out, args, format_type(fmt));
    }
    args[n++] = "--first", args[n++] = "1";
    json_t *sel = json_object();
    if (queue)
        args[n++] = "--queue";
    else
        n = preview_selection(r, out, sel, args, n); /* args borrow sel's strings */
    if (n >= 0) {
        args[n] = NULL;
        answer_prog(out, args, format_type(fmt));
    }
    json_decref(sel);
    if (n < 0)
        return 0;
    if (out->status == 200 && out->text_len == 0) /* an empty reprint queue */
        reply_error(out, 404, "not_found", "queue", "the reprint queue is empty: nothing to preview");
    return 0;
}

/* The codes of a print, after "--" into args from n: the new n, or -1
 * answered. */
static int code_args(struct reply *out, json_t *codes, const char **args, int n)
{
    size_t nc = json_array_size(codes);
    if (nc == 0 || nc > LABEL_CODES_MAX) {
        reply_error(out, 422, "invalid", "codes", "'codes' must hold 1 to %d codes", LABEL_CODES_MAX);
        return -1;
    }
    args[n++] = "--";
    for (size_t i = 0; i < nc; i++) {
        const char *c = json_string_value(json_array_get(codes, i));
        if (c == NULL || *c == '\0') {
            reply_error(out, 422, "invalid", "codes", "codes[%zu] must be a GTIN, SKU or barcode (text)", i);
            return -1;
        }
        args[n++] = c;
    }
    return n;
}

int route_label_print(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    const char *args[LABEL_ARGS_MAX];
    char copies[24], dir[4096], path[4200];
    int download;
    if (json_check(out, body, print_fields, "a label print") != 0)
        return 0;
    int mask = check_selector(out, body);
    if (mask < 0 || check_destination(out, body, &download) != 0)
        return 0;
    const char *lot = json_str(body, "lot");
    if (check_lot(out, lot))
        return 0;
    if ((mask & 4) && check_location_exists(out, json_str(body, "location")) != 0)
        return 0;
    /* path is filled by download_dir once everything else is checked */
    int n = print_args(out, body, args, 0, copies, sizeof copies, download ? path : NULL);
    if (n < 0)
        return 0;
    if (lot)
        args[n++] = "--lot", args[n++] = lot;
    if (mask == 1) {
        n = code_args(out, json_object_get(body, "codes"), args, n);
        if (n < 0)
            return 0;
    } else {
        static const char *const opts[] = {NULL, "--origin", "--location", "--supplier", "--brand", "--declaration"};
        for (int i = 1; selectors[i]; i++)
            if (mask & (1 << i))
                args[n++] = opts[i], args[n++] = json_str(body, selectors[i]);
    }
    args[n] = NULL;
    if (download) {
        if (download_dir(out, dir, sizeof dir, path, sizeof path) != 0)
            return 0;
    }
    return print_and_record(r, args, json_str(body, "template"), download ? dir : NULL, download ? path : NULL, out);
}

/* ---- the reprint queue -------------------------------------------------- */

#define QUEUE_PAGE_MAX 1000 /* entries a page of the queue holds at most */

struct queue_list {
    ent_db *db;
    json_t *list;
    int64_t offset, limit; /* the page: entries offset .. offset + limit - 1 (limit 0: all) */
    int64_t total, upto;   /* every entry, and the highest entry id among them */
};

/* Each entry of the page with the commodity's names: a label clerk
 * recognises 榛子可可酱, not 8000500310427 (the web app's labels page shows
 * them). Every entry is counted, and only the page's are looked up. */
static int add_queued(const ent_label_queued *q, void *ud)
{
    struct queue_list *ql = ud;
    int64_t at = ql->total++;
    if (q->id > ql->upto)
        ql->upto = q->id;
    if (at < ql->offset || (ql->limit > 0 && at >= ql->offset + ql->limit))
        return 0;
    json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)q->id, "code", q->code, "reason",
                          q->reason ? q->reason : "", "queued_at", q->queued_at);
    json_object_set_new(o, "location", q->location ? json_string(q->location) : json_null());
    ent_product *p = NULL;
    if (ent_product_find(ql->db, &p, NULL, q->code) != ENT_OK)
        p = NULL; /* retired since it was queued: the code alone */
    json_object_set_new(o, "name_zh", p && p->name_zh ? json_string(p->name_zh) : json_null());
    json_object_set_new(o, "name_en", p && p->name_en ? json_string(p->name_en) : json_null());
    ent_product_free(p);
    json_array_append_new(ql->list, o);
    return 0;
}

/* GET labels/queue[?limit=N&offset=K]: the queue oldest first, or a page of
 * it, with the whole's count (total) and its highest entry id (upto, for a
 * DELETE ?upto= of everything listed so far or not). */
int route_label_queue(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    const char *limit = req_arg(r, "limit"), *offset = req_arg(r, "offset");
    struct queue_list ql = {0};
    if (check_whole(out, "limit", limit, 1, QUEUE_PAGE_MAX) || check_whole(out, "offset", offset, 0, INT64_MAX))
        return 0;
    if (limit)
        ent_whole_parse(&ql.limit, limit, 1, QUEUE_PAGE_MAX);
    if (offset)
        ent_whole_parse(&ql.offset, offset, 0, INT64_MAX);
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    ql.db = db;
    ql.list = json_array();
    int rc = ent_label_queue_each(db, add_queued, &ql);
    if (rc != ENT_OK) {
        json_decref(ql.list);
        reply_ent(out, db, rc);
        return 0;
    }
    reply_json(out, 200,
               json_pack("{s:o, s:I, s:I, s:I}", "queue", ql.list, "total", (json_int_t)ql.total, "offset",
                         (json_int_t)ql.offset, "upto", (json_int_t)ql.upto));
    return 0;
}

static const struct field queue_print_fields[] = {
    {"template", F_STRING, 1}, {"printer", F_STRING, 0}, {"format", F_STRING, 0}, {"sheet", F_STRING, 0},
    {"copies", F_INT, 0},      {"download", F_BOOL, 0},  {NULL, F_STRING, 0},
};

/* Prints the queue (or with "download": true answers it as a PDF); the
 * entries read for the job (and only those: a price changed meanwhile
 * stays queued) are cleared after lp accepted it or the PDF was made. */
int route_label_queue_print(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    const char *args[32];
    char copies[24], dir[4096], path[4200];
    int download;
    if (json_check(out, body, queue_print_fields, "a print of the reprint queue") != 0 ||
        check_destination(out, body, &download) != 0)
        return 0;
    int n = print_args(out, body, args, 0, copies, sizeof copies, download ? path : NULL);
    if (n < 0)
        return 0;
    args[n++] = "--queue";
    args[n] = NULL;
    if (download && download_dir(out, dir, sizeof dir, path, sizeof path) != 0)
        return 0;
    return print_and_record(r, args, json_str(body, "template"), download ? dir : NULL, download ? path : NULL, out);
}

static int run_queue_clear(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    int64_t upto = json_integer_value(job->arg), removed = 0;
    int rc = ent_user_act_as(db, job->user);
    if (rc == ENT_OK)
        rc = ent_label_queue_clear(db, &removed, upto);
    if (rc != ENT_OK) {
        reply_ent(&job->reply, db, rc);
        return 0;
    }
    if (removed > 0)
        srv_job_event(job, "labels", json_pack("{s:s, s:I}", "queue", "cleared", "removed", (json_int_t)removed));
    reply_json(&job->reply, 200, json_pack("{s:I}", "cleared", (json_int_t)removed));
    return 0;
}

/* DELETE labels/queue[?upto=ID]: drops the queued labels (up to entry ID:
 * those a client listed), without printing them. */
int route_label_queue_clear(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    const char *s = req_arg(r, "upto");
    int64_t upto = INT64_MAX;
    if (check_whole(out, "upto", s, 1, INT64_MAX))
        return 0;
    if (s)
        ent_whole_parse(&upto, s, 1, INT64_MAX);
    json_t *arg = json_integer(upto);
    if (arg == NULL || srv_queue_write(r, run_queue_clear, arg, free_json) < 0)
        reply_error(out, 500, "error", NULL, "out of memory");
    return 0;
}

/* ---- queueing labels for the label clerk ---------------------------------- */

static const struct field queue_add_fields[] = {
    {"codes", F_ARRAY, 1}, {"locations", F_ARRAY, 0}, {"reason", F_STRING, 0}, {NULL, F_STRING, 0}};

/* Every code and location is found before anything is queued, so that an
 * unknown one (422, named) leaves the queue as it was. */
static int run_queue_add(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = job->arg, *codes = json_object_get(b, "codes");
    const char *reason = json_str(b, "reason") ? json_str(b, "reason") : "received";
    size_t n = json_array_size(codes);
    int64_t *ids = calloc(n, sizeof *ids);
    int rc = ids ? ent_user_act_as(db, job->user) : ENT_ERROR;
    for (size_t i = 0; rc == ENT_OK && i < n; i++) {
        ent_product *p = NULL;
        const char *code = json_string_value(json_array_get(codes, i));
        if ((rc = ent_product_find(db, &p, NULL, code)) == ENT_NOTFOUND) {
            char field[32];
            snprintf(field, sizeof field, "codes[%zu]", i);
            reply_error(&job->reply, 422, "not_found", field, "no commodity has the code '%s'", ENT_CLIP(code, 40));
            free(ids);
            return 0;
        }
        if (rc == ENT_OK)
            ids[i] = p->id;
        ent_product_free(p);
        const char *loc = json_string_value(json_array_get(json_object_get(b, "locations"), i));
        struct loc_find f = {loc, 0};
        if (rc == ENT_OK && loc && (rc = ent_location_each(db, loc_row, &f)) == ENT_OK && !f.found) {
            char field[32];
            snprintf(field, sizeof field, "locations[%zu]", i);
            reply_error(&job->reply, 422, "not_found", field, "no location '%s'", ENT_CLIP(loc, 40));
            free(ids);
            return 0;
        }
    }
    /* locations[i], when given, is the shelf codes[i] was put on */
    json_t *locs = json_object_get(b, "locations");
    for (size_t i = 0; rc == ENT_OK && i < n; i++)
        rc = ent_label_queue_add_at(db, ids[i], json_string_value(json_array_get(locs, i)), reason);
    free(ids);
    if (rc != ENT_OK) {
        reply_ent(&job->reply, db, rc);
        return 0;
    }
    srv_job_event(job, "labels", json_pack("{s:s, s:I}", "queue", "added", "added", (json_int_t)n));
    reply_json(&job->reply, 201, json_pack("{s:I, s:s}", "queued", (json_int_t)n, "reason", reason));
    return 0;
}

/* POST labels/queue {"codes": [...], "locations": [...], "reason"}: the
 * commodities' shelf labels (at the shelf each was put on, when locations
 * are given) put in the reprint queue (reason "received" unless given) for
 * whoever prints
 * labels. A stock clerk may do this after a delivery (right stock or
 * labels): queueing prints nothing and spends no labels; the label clerk
 * still chooses the template, the sheet and the printer. */
int route_label_queue_add(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    if (json_check(out, body, queue_add_fields, "labels to queue") != 0)
        return 0;
    json_t *codes = json_object_get(body, "codes");
    size_t nc = json_array_size(codes);
    if (nc == 0 || nc > LABEL_CODES_MAX) {
        reply_error(out, 422, "invalid", "codes", "'codes' must hold 1 to %d codes", LABEL_CODES_MAX);
        return 0;
    }
    for (size_t i = 0; i < nc; i++) {
        const char *c = json_string_value(json_array_get(codes, i));
        if (c == NULL || *c == '\0') {
            reply_error(out, 422, "invalid", "codes", "codes[%zu] must be a GTIN, SKU or barcode (text)", i);
            return 0;
        }
    }
    json_t *locs = json_object_get(body, "locations");
    if (locs && json_array_size(locs) != nc) {
        reply_error(out, 422, "invalid", "locations", "'locations' must hold one location a code (%zu)", nc);
        return 0;
    }
    for (size_t i = 0; i < json_array_size(locs); i++) {
        const char *l = json_string_value(json_array_get(locs, i));
        if (l == NULL || *l == '\0' || strlen(l) > 64) {
            reply_error(out, 422, "invalid", "locations", "locations[%zu] must be a location's code (text)", i);
            return 0;
        }
    }
    json_t *arg = json_incref(body);
    if (srv_queue_write(r, run_queue_add, arg, free_json) < 0) {
        json_decref(arg);
        reply_error(out, 500, "error", NULL, "out of memory");
    }
    return 0;
}
