/* entrepot label: print shelf labels, item tags, back labels and carton
 * labels; the reprint queue; listing and checking templates. */
#include <dirent.h>
#include <stdbool.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "entrepot/label.h"

/* Where the templates are when neither --labels nor $ENTREPOT_LABELS says:
 * ENT_LABELS_RELDIR from the program's folder (an installed tree, wherever it
 * was copied or DESTDIR put it), else labels/ beside the program (the build
 * tree links the sources' folder there), else ENT_LABELS_DIR (the configured
 * install path, named in the message when nothing is there either). */
#ifndef ENT_LABELS_DIR
#define ENT_LABELS_DIR "labels"
#endif
#ifndef ENT_LABELS_RELDIR
#define ENT_LABELS_RELDIR "../share/entrepot/labels"
#endif

static const char label_help[] =
    "usage: entrepot label print --template NAME [--sheet NAME] [--format pdf|png|svg|zpl] [--dpi N]\n"
    "                            [--zpl-text graphic|font] [--out FILE | --printer NAME] [--skip-bad]\n"
    "                            [--copies N|stock] [--each product|lot] [--lot LOT]\n"
    "                            [--clerk NAME] [--grade G] [--count N] [--sscc DIGITS] [--no-record]\n"
    "                            [--first N]\n"
    "                            (CODE... | --codes FILE | --all | --origin CC | --location L\n"
    "                             | --supplier S | --brand B | --declaration 18DIGITS | --queue)\n"
    "       entrepot label queue [--limit N]  the shelf labels waiting to be printed again\n"
    "       entrepot label templates        templates and sheets in the labels folder\n"
    "       entrepot label check FILE...    check template (.label) and sheet (.sheet) files\n"
    "\n"
    "Templates (NAME.label) and sheets (NAME.sheet) come from --labels DIR, else\n"
    "$ENTREPOT_LABELS, else the installed one (share/entrepot/labels beside the\n"
    "program's bin folder; labels/ beside it in a build tree). Shipped:\n"
    "shelf-60x40, item-40x30, back-cn-70x50, back-cn-wine-70x50, back-food-cn-80x70,\n"
    "carton-100x150; sheets a4-l7160, a4-l7163, roll (the default: one label per page).\n"
    "\n"
    "What to print: commodities named by GTIN, SKU or barcode, or all of them\n"
    "(--all); or the lots on hand of an origin country, location, supplier, brand\n"
    "or customs declaration (one delivery), several of these narrowing together\n"
    "(--origin IT --location S1); or the reprint queue, which is cleared\n"
    "once the job was written or accepted by the printer. --codes FILE (- for\n"
    "standard input) gives codes one a line (blank lines and # comments skipped).\n"
    "A shelf label for a location names the origins of all the lots lying there.\n"
    "--each lot prints one label per lot (the default when the template prints\n"
    "lot fields), --each product one per commodity.\n"
    "--copies N: 1 to 1000 (--copies stock: one label per unit on hand).\n"
    "--dpi: 72 to 1200 (ZPL: 203 or 300). Without --format, --out FILE's extension\n"
    "(.pdf .png .svg .zpl) names the format; another extension is refused.\n"
    "ZPL prints text as graphics drawn like the PDF (--zpl-text graphic, the\n"
    "default) or in the printer's fonts (--zpl-text font: the template's zpl-font,\n"
    "which the printer must hold; text that may not fit its box is refused).\n"
    "\n"
    "A label that cannot be made (a field the template needs is missing, a barcode\n"
    "cannot encode its data, a name, origin, price or unit does not fit; other text\n"
    "is cut with an ellipsis) stops the whole batch: nothing is\n"
    "printed and each bad label is named (exit 1). --skip-bad prints the others\n"
    "and lists what was skipped. --sscc gives the first SSCC of carton labels (17\n"
    "digits, or 18 with the check digit); each further carton takes the next.\n"
    "Output goes to --out FILE, to standard output, or to a CUPS printer (lp; ZPL\n"
    "is sent raw). PNG and SVG hold one page: several pages go to FILE-1.png, ...\n"
    "With --json, a job sent to a file or printer is summed up on standard output:\n"
    "labels, pages, where it went, the request id and what was skipped.\n"
    "--no-record leaves the database alone: the job is not recorded and the queue\n"
    "not cleared (the store server does both itself, as the user who asked).\n"
    "--first N (1 to 1000) makes only the first N labels of the selection: a\n"
    "preview of what a selection prints (the queue is not cleared by it).\n"
    "label queue lists the queue oldest first: on a terminal the first 100 and how\n"
    "many there are in all; --limit N (0: all) for another number, --json and\n"
    "--csv list all of it unless given --limit.\n"
    "\n"
    "examples:\n"
    "  entrepot label print --template shelf-60x40 --sheet a4-l7160 --origin FR --out fr.pdf\n"
    "  entrepot label print --template back-cn-70x50 --declaration 223320240000012345 \\\n"
    "                       --copies stock --format zpl --printer zebra1\n"
    "  entrepot label print --template shelf-60x40 --queue --printer office\n"
    "  entrepot label print --template carton-100x150 6901234567892 --lot L24 --count 24 \\\n"
    "                       --sscc 36901234000000001 --copies 3 --format zpl --dpi 300 --out cartons.zpl\n";

/* fontconfig 2.14 loses a few bytes while it parses its configuration
 * (reached through cairo's font lookup): not ours to free. Only
 * LeakSanitizer reads this. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

struct target {
    char *code, *lot;
    char *location;    /* a shelf label for this location: its lots' origins */
    int64_t qty;       /* units on hand, for --copies stock */
    int64_t product_id; /* queue entries only */
};

struct targets {
    struct target *v;
    size_t n, cap;
};

static bool same_text(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static void targets_add_at(struct targets *t, const char *code, const char *lot, const char *location, int64_t qty)
{
    /* Several level rows may name the same lot (one per cost currency) or the
     * same commodity: merge them. */
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->v[i].code, code) == 0 && same_text(lot, t->v[i].lot) && same_text(location, t->v[i].location)) {
            t->v[i].qty += qty;
            return;
        }
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->v = realloc(t->v, t->cap * sizeof *t->v);
        if (t->v == NULL)
            abort();
    }
    t->v[t->n++] = (struct target){strdup(code), lot ? strdup(lot) : NULL, location ? strdup(location) : NULL, qty, 0};
}

static void targets_add(struct targets *t, const char *code, const char *lot, int64_t qty)
{
    targets_add_at(t, code, lot, NULL, qty);
}

static void targets_free(struct targets *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].code);
        free(t->v[i].lot);
        free(t->v[i].location);
    }
    free(t->v);
}

struct select {
    struct cli *cli;
    struct targets *out;
    bool per_lot;
    const char *supplier, *declaration;
    const char *location; /* product labels for this shelf */
    const char *brand;    /* only commodities of this brand (with other selectors) */
};

/* Whether code's commodity is of brand (any case). */
static bool brand_is(ent_db *db, const char *code, const char *brand)
{
    ent_product *p = NULL;
    bool match = ent_product_find(db, &p, NULL, code) == ENT_OK && p->brand && strcasecmp(p->brand, brand) == 0;
    ent_product_free(p);
    return match;
}

static int level_row(const ent_level *row, void *ud)
{
    struct select *s = ud;
    const char *code = row->gtin ? row->gtin : row->sku;
    if (code == NULL || row->lot == NULL)
        return 0;
    if (s->declaration && (row->declaration == NULL || strcmp(row->declaration, s->declaration) != 0))
        return 0;
    if (s->brand && !brand_is(s->cli->db, code, s->brand))
        return 0;
    if (s->supplier) {
        ent_lot *lot = NULL;
        bool match = ent_lot_find(s->cli->db, &lot, code, row->lot) == ENT_OK && lot->supplier &&
                     strcasecmp(lot->supplier, s->supplier) == 0;
        ent_lot_free(lot);
        if (!match)
            return 0;
    }
    targets_add_at(s->out, code, s->per_lot ? row->lot : NULL, s->per_lot ? NULL : s->location, row->qty);
    return 0;
}

static int sum_row(const ent_level *row, void *ud)
{
    *(int64_t *)ud += row->qty;
    return 0;
}

struct brand_sel {
    const char *brand;
    struct targets *codes;
};

static int brand_row(const ent_product *p, void *ud)
{
    struct brand_sel *b = ud;
    if (b->brand == NULL || (p->brand && strcasecmp(p->brand, b->brand) == 0))
        targets_add(b->codes, p->gtin[0] ? p->gtin : p->sku, NULL, 0);
    return 0;
}

struct queue_sel {
    struct targets *out;
    int64_t upto;
};

static int queue_row(const ent_label_queued *q, void *ud)
{
    struct queue_sel *s = ud;
    targets_add_at(s->out, q->code, NULL, q->location, 0);
    s->out->v[s->out->n - 1].product_id = q->product_id;
    if (q->id > s->upto)
        s->upto = q->id;
    return 0;
}

struct queue_page {
    struct cli_table *t;
    long long limit; /* rows listed at most, 0: all */
    long long total; /* every entry */
};

static int queue_list_row(const ent_label_queued *q, void *ud)
{
    struct queue_page *pg = ud;
    const char *cells[] = {q->code, q->reason, q->queued_at, q->location ? q->location : ""};
    if (pg->limit == 0 || pg->total < pg->limit)
        cli_table_add(pg->t, cells);
    pg->total++;
    return 0;
}

/* The 18-digit SSCC number i after start (17 digits, or 18 with a check digit). */
static int sscc_next(char out[19], const char *start, int64_t i)
{
    size_t n = start ? strlen(start) : 0;
    if ((n != 17 && n != 18) || strspn(start, "0123456789") != n)
        return cli_error(EXIT_USAGE, "--sscc: 17 digits (the check digit is added) or 18, got '%s'", start);
    if (n == 18 && ent_gs1_check_digit(start, 17) != start[17])
        return cli_error(EXIT_USAGE, "--sscc %s: check digit should be %c", start, ent_gs1_check_digit(start, 17));
    /* The serial is the last digits before the check digit: add i there. */
    char digits[18];
    memcpy(digits, start, 17);
    digits[17] = '\0';
    int64_t carry = i;
    for (int k = 16; k >= 1 && carry > 0; k--) {
        int64_t d = (digits[k] - '0') + carry;
        digits[k] = (char)('0' + d % 10);
        carry = d / 10;
    }
    if (carry > 0)
        return cli_error(EXIT_USAGE, "--sscc %s: the serial number overflows after %lld cartons", start, (long long)i);
    memcpy(out, digits, 17);
    out[17] = (char)ent_gs1_check_digit(digits, 17);
    out[18] = '\0';
    return 0;
}

static const char *const format_ext[] = {"pdf", "png", "svg", "zpl"}; /* by enum ent_label_format */

static enum ent_label_format format_of(const char *name, bool *ok)
{
    *ok = true;
    if (name == NULL || strcasecmp(name, "pdf") == 0)
        return ENT_LABEL_PDF;
    if (strcasecmp(name, "png") == 0)
        return ENT_LABEL_PNG;
    if (strcasecmp(name, "svg") == 0)
        return ENT_LABEL_SVG;
    if (strcasecmp(name, "zpl") == 0)
        return ENT_LABEL_ZPL;
    *ok = false;
    return ENT_LABEL_PDF;
}

struct print_opts {
    const char *tpl, *sheet, *format, *dpi, *zpl_text, *out, *printer, *copies, *each, *lot, *clerk, *grade, *count;
    const char *sscc, *first, *limit;
    const char *origin, *location, *supplier, *brand, *declaration, *labels, *codes;
    bool skip_bad, queue, all;
    bool no_record;     /* the caller records the job and clears the queue (the store server) */
    int64_t queue_upto; /* --queue: the last queue entry read for the job */
    char location_code[ENT_LOCATION_CODE_SIZE]; /* --location as the catalogue writes it */
};

/* The extension of the file name in path ("" when it has none). */
static const char *extension(const char *path)
{
    const char *base = strrchr(path, '/');
    const char *dot = strrchr(base ? base + 1 : path, '.');
    return dot && dot[1] ? dot + 1 : "";
}

/* The format: --format, else the output file's extension, else PDF. A file
 * whose extension names another format (or none entrepot writes) is refused,
 * so that x.jpg never silently holds a PDF. */
static int pick_format(const char *format, const char *out, enum ent_label_format *fmt)
{
    bool ok;
    const char *ext = out && strcmp(out, "-") != 0 ? extension(out) : "";
    *fmt = format_of(format ? format : *ext ? ext : "pdf", &ok);
    if (!ok && format)
        return cli_error(EXIT_USAGE, "--format %s: choose pdf, png, svg or zpl", format);
    if (!ok)
        return cli_error(EXIT_USAGE, "--out %s: entrepot writes .pdf, .png, .svg or .zpl files (or give --format)",
                         out);
    enum ent_label_format by_ext = format_of(ext, &ok);
    if (*ext && (!ok || by_ext != *fmt))
        return cli_error(EXIT_USAGE, "--out %s: the file name ends in .%s, but the labels are %s: name it .%s", out,
                         ext, format, format_ext[*fmt]);
    return 0;
}

/* A whole number from lo to hi (no sign, no separators); -1 when it is not. */
static int whole(const char *s, long long lo, long long hi, long long *out)
{
    int64_t v;
    if (ent_whole_parse(&v, s, lo, hi) != ENT_OK)
        return -1;
    *out = v;
    return 0;
}

/* Text that goes onto the label as given (--clerk, --grade): UTF-8, no
 * control characters, short enough for a label. */
static int label_text_opt(const char *name, const char *v, size_t max)
{
    if (v == NULL)
        return 0;
    size_t n = strlen(v);
    if (n == 0)
        return cli_error(EXIT_USAGE, "--%s is empty", name);
    if (!ent_utf8_valid(v, n))
        return cli_error(EXIT_USAGE, "--%s: the text is not valid UTF-8", name);
    if (n > max)
        return cli_error(EXIT_USAGE, "--%s: %zu bytes, at most %zu", name, n, max);
    for (const unsigned char *c = (const unsigned char *)v; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return cli_error(EXIT_USAGE, "--%s: the text holds a control character", name);
    return 0;
}

/* Every option of label print is checked before anything is read or written. */
static int check_print_opts(const struct print_opts *o, enum ent_label_format fmt, int *dpi)
{
    long long v;
    int st;
    *dpi = 0;
    if (o->zpl_text && strcmp(o->zpl_text, "graphic") != 0 && strcmp(o->zpl_text, "font") != 0)
        return cli_error(EXIT_USAGE, "--zpl-text %s: choose graphic or font", o->zpl_text);
    if (o->zpl_text && fmt != ENT_LABEL_ZPL)
        return cli_error(EXIT_USAGE, "--zpl-text applies to ZPL only (--format zpl)");
    if (o->dpi && fmt == ENT_LABEL_ZPL && (whole(o->dpi, 0, 1200, &v) != 0 || (v != 203 && v != 300)))
        return cli_error(EXIT_USAGE, "--dpi %s: ZPL printers print at 203 or 300 dpi", o->dpi);
    if (o->dpi && whole(o->dpi, 72, 1200, &v) != 0)
        return cli_error(EXIT_USAGE, "--dpi %s: a whole number of dots per inch from 72 to 1200", o->dpi);
    if (o->dpi)
        *dpi = (int)v;
    if (o->copies && strcmp(o->copies, "stock") != 0 && whole(o->copies, 1, ENT_LABEL_MAX_COPIES, &v) != 0)
        return cli_error(EXIT_USAGE, "--copies %s: a whole number from 1 to %d, or stock", o->copies,
                         ENT_LABEL_MAX_COPIES);
    if (o->first && whole(o->first, 1, 1000, &v) != 0)
        return cli_error(EXIT_USAGE, "--first %s: a whole number of labels from 1 to 1000", o->first);
    if (o->count && whole(o->count, 1, 99999999, &v) != 0)
        return cli_error(EXIT_USAGE, "--count %s: the units in one carton, a whole number from 1 to 99999999",
                         o->count);
    if (o->declaration && (strlen(o->declaration) != 18 || strspn(o->declaration, "0123456789") != 18))
        return cli_error(EXIT_USAGE, "--declaration %s: a customs declaration number has 18 digits", o->declaration);
    if (o->origin) {
        const ent_country *c = NULL;
        if (ent_country_lookup(&c, o->origin) != ENT_OK)
            return cli_error(EXIT_USAGE, "--origin %s: not an ISO 3166-1 country code (such as IT or PL)", o->origin);
    }
    if ((st = label_text_opt("clerk", o->clerk, 64)) != 0 || (st = label_text_opt("grade", o->grade, 64)) != 0 ||
        (st = label_text_opt("supplier", o->supplier, 200)) != 0 ||
        (st = label_text_opt("brand", o->brand, 200)) != 0 || (st = label_text_opt("location", o->location, 64)) != 0 ||
        (st = label_text_opt("lot", o->lot, 64)) != 0 || (st = label_text_opt("template", o->tpl, 4096)) != 0 ||
        (st = label_text_opt("sheet", o->sheet, 4096)) != 0)
        return st;
    return 0;
}

static bool is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static const char *labels_dir(const char *given)
{
    static char found[PATH_MAX];
    char self[PATH_MAX];
    const char *env = getenv("ENTREPOT_LABELS");
    if (given && *given)
        return given;
    if (env && *env)
        return env;
    if (cli_self_dir(self, sizeof self) == 0) {
        int n = snprintf(found, sizeof found, "%s/%s", self, ENT_LABELS_RELDIR);
        if (n > 0 && (size_t)n < sizeof found && is_dir(found))
            return found;
        n = snprintf(found, sizeof found, "%s/labels", self);
        if (n > 0 && (size_t)n < sizeof found && is_dir(found))
            return found;
    }
    return ENT_LABELS_DIR;
}

static int location_row(const ent_location *loc, void *ud)
{
    struct print_opts *o = ud;
    if (o->location_code[0] == '\0' && strcasecmp(loc->code, o->location) == 0)
        snprintf(o->location_code, sizeof o->location_code, "%s", loc->code);
    return 0;
}

/* A location that does not exist is a mistake in the command (exit 2), not
 * an empty selection. Codes do not depend on case, as everywhere else:
 * o->location becomes the code as written in the catalogue. */
static int check_location(struct cli *cli, struct print_opts *o)
{
    o->location_code[0] = '\0';
    int rc = ent_location_each(cli->db, location_row, o);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    if (o->location_code[0] == '\0')
        return cli_error(EXIT_USAGE, "--location %s: no such location (see entrepot location list)",
                         ENT_CLIP(o->location, 40));
    o->location = o->location_code;
    return 0;
}

static int select_targets(struct cli *cli, struct print_opts *o, const char **codes, int ncodes, bool per_lot,
                          struct targets *out, struct queue_sel *queue)
{
    int rc = ENT_OK;
    /* the lots on hand, narrowed by each of these given: they combine */
    int narrow = (o->origin != NULL) + (o->location != NULL) + (o->supplier != NULL) + (o->brand != NULL) +
                 (o->declaration != NULL);
    int queries = narrow + o->queue + o->all + (ncodes > 0);
    if (queries == 0)
        return cli_error(EXIT_USAGE, "say what to print: commodity codes, --all, --origin, --location, --supplier, "
                                     "--brand, --declaration or --queue (see --help)");
    if (queries > 1 && queries != narrow)
        return cli_error(EXIT_USAGE, "choose one way to select commodities (--origin, --location, --supplier, "
                                     "--brand and --declaration may go together)");
    if (o->lot && ncodes != 1)
        return cli_error(EXIT_USAGE, "--lot goes with exactly one commodity code");
    if (o->location && (rc = check_location(cli, o)) != 0)
        return rc;
    if (ncodes > 0) {
        for (int i = 0; i < ncodes; i++)
            targets_add(out, codes[i], o->lot, 0);
        /* --copies stock for named commodities: what is on hand of each. */
        for (size_t i = 0; i < out->n && !per_lot && o->copies && strcmp(o->copies, "stock") == 0 && rc == ENT_OK;
             i++) {
            ent_levels_query q = {.by = ENT_BY_PRODUCT, .product = out->v[i].code};
            rc = ent_stock_levels(cli->db, &q, sum_row, &out->v[i].qty);
        }
        /* A lot-level template without --lot: each lot on hand of each code. */
        if (per_lot && o->lot == NULL) {
            struct targets named = *out;
            memset(out, 0, sizeof *out);
            for (size_t i = 0; i < named.n && rc == ENT_OK; i++) {
                struct select s = {cli, out, true, NULL, NULL, NULL, NULL};
                ent_levels_query q = {.by = ENT_BY_LOT, .product = named.v[i].code};
                size_t before = out->n;
                rc = ent_stock_levels(cli->db, &q, level_row, &s);
                if (rc == ENT_OK && out->n == before)
                    targets_add(out, named.v[i].code, NULL, 0); /* no lot on hand: the label will say what is missing */
            }
            targets_free(&named);
        }
    } else if (o->queue) {
        rc = ent_label_queue_each(cli->db, queue_row, queue);
    } else if ((o->brand && narrow == 1) || o->all) {
        struct targets branded = {0};
        struct brand_sel b = {o->brand, &branded};
        rc = ent_product_each(cli->db, o->brand, NULL, 0, brand_row, &b);
        for (size_t i = 0; i < branded.n && rc == ENT_OK; i++) {
            if (!per_lot) {
                targets_add(out, branded.v[i].code, NULL, 0);
                continue;
            }
            struct select s = {cli, out, true, NULL, NULL, NULL, NULL};
            ent_levels_query q = {.by = ENT_BY_LOT, .product = branded.v[i].code};
            rc = ent_stock_levels(cli->db, &q, level_row, &s);
        }
        targets_free(&branded);
    } else {
        struct select s = {cli, out, per_lot, o->supplier, o->declaration, o->location, o->brand};
        ent_levels_query q = {.by = ENT_BY_LOT, .origin = o->origin, .location = o->location};
        rc = ent_stock_levels(cli->db, &q, level_row, &s);
    }
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    if (out->n == 0 && !o->queue)
        return cli_error(EXIT_REFUSED, "nothing matches: no commodity or lot on hand was selected");
    return 0;
}

struct bad {
    char **msg;
    size_t n;
};

static void bad_add(struct bad *b, const char *msg)
{
    b->msg = realloc(b->msg, (b->n + 1) * sizeof *b->msg);
    if (b->msg == NULL)
        abort();
    b->msg[b->n++] = strdup(msg);
}

/* What goes on from one target to the next: the SSCC serial, and whether a
 * code named nothing. */
struct run {
    int64_t sscc_i;
    bool unknown;
};

/* One target's outcome: added, or why not. */
struct added {
    bool good;
    char msg[1024];
};

/* Adds the labels of one target to the job; a failure is recorded in *out. */
static int add_target(struct cli *cli, ent_label_job *job, const struct print_opts *o, const struct target *tg,
                      struct run *run, struct added *out)
{
    bool *good = &out->good;
    char *msg = out->msg;
    size_t msg_len = sizeof out->msg;
    ent_label_data *d = NULL;
    char who[300], sscc[ENT_SSCC_SIZE];
    int st = 0;
    *good = false;
    int rc = tg->location ? ent_label_data_load_at(cli->db, &d, tg->code, tg->location)
                          : ent_label_data_load(cli->db, &d, tg->code, tg->lot);
    if (rc != ENT_OK) {
        if (rc != ENT_NOTFOUND && rc != ENT_INVALID && rc != ENT_REFUSED)
            return cli_fail(cli, rc);
        snprintf(msg, msg_len, "%s", cli_errmsg(cli));
        run->unknown = run->unknown || rc != ENT_REFUSED; /* refused: a label that cannot be made from the record */
        return 0;
    }
    const char *name = ent_label_data_get(d, "name");
    snprintf(who, sizeof who, "%s%s%s%s%s%s%s", tg->code, name ? " " : "", name ? name : "", tg->lot ? " lot " : "",
             tg->lot ? tg->lot : "", tg->location ? " at " : "", tg->location ? tg->location : "");
    ent_label_data_set(d, "clerk", o->clerk);
    ent_label_data_set(d, "grade", o->grade);
    ent_label_data_set(d, "count", o->count);
    int64_t copies = 1;
    if (o->copies && strcmp(o->copies, "stock") == 0)
        copies = tg->qty;
    else if (o->copies)
        copies = strtoll(o->copies, NULL, 10); /* checked: 1 to ENT_LABEL_MAX_COPIES */
    if (copies <= 0) {
        ent_label_data_free(d);
        *good = true; /* nothing on hand: no labels, not an error */
        return 0;
    }
    if (copies > ENT_LABEL_MAX_COPIES) { /* checked here: the job takes an int */
        snprintf(msg, msg_len, "%s: %lld units on hand, more than %d copies of one label", who, (long long)copies,
                 ENT_LABEL_MAX_COPIES);
        ent_label_data_free(d);
        return 0;
    }
    if (o->sscc) { /* every carton its own SSCC: one label per copy */
        rc = ENT_OK;
        for (int64_t i = 0; i < copies && rc == ENT_OK; i++) {
            if ((st = sscc_next(sscc, o->sscc, run->sscc_i++)) != 0)
                break;
            ent_label_data_set(d, "sscc", sscc);
            rc = ent_label_job_add(job, d, 1, who);
        }
    } else {
        rc = ent_label_job_add(job, d, (int)copies, who);
    }
    *good = st == 0 && rc == ENT_OK;
    if (!*good)
        snprintf(msg, msg_len, "%s", ent_error_last()->message);
    ent_label_data_free(d);
    return st;
}

/* With --json, what was written (to a file or a printer), for scripts:
 * {"labels": N, "pages": P, "out"|"printer": ..., "request": ..., "skipped": [...]}. */
static void json_summary(const ent_label_job *job, const struct print_opts *o, const char *said,
                         const struct bad *skipped)
{
    json_t *obj = json_object(), *arr = json_array();
    json_object_set_new(obj, "labels", json_integer((json_int_t)ent_label_job_labels(job)));
    json_object_set_new(obj, "pages", json_integer((json_int_t)ent_label_job_pages(job)));
    if (o->printer) {
        json_object_set_new(obj, "printer", json_string(o->printer));
        json_object_set_new(obj, "request", json_string(said));
    } else {
        json_object_set_new(obj, "out", json_string(o->out));
    }
    if (o->queue)
        json_object_set_new(obj, "queue_upto", json_integer((json_int_t)o->queue_upto));
    for (size_t i = 0; i < skipped->n; i++)
        json_array_append_new(arr, json_string(skipped->msg[i]));
    json_object_set_new(obj, "skipped", arr);
    json_dumpf(obj, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(obj);
}

/* One file is written under a temporary name and renamed into place, so a
 * failed write leaves whatever was there; PNG and SVG jobs of several pages
 * become out-1.png, out-2.png, ... through the library. Returns the exit
 * status. */
static int write_out(struct cli *cli, ent_label_job *job, const struct print_opts *o, char *wrote, size_t size)
{
    const char *path = o->out;
    enum ent_label_format fmt;
    int rc, st;
    if ((st = pick_format(o->format, o->out, &fmt)) != 0)
        return st;
    if ((fmt == ENT_LABEL_PNG || fmt == ENT_LABEL_SVG) && ent_label_job_pages(job) > 1) {
        /* out.png becomes out-1.png, out-2.png, ...: none may be a file
         * entrepot owns either. */
        const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
        if (dot == NULL || (slash && dot < slash))
            dot = path + strlen(path);
        for (size_t p = 1; p <= ent_label_job_pages(job); p++) {
            char page[4200];
            snprintf(page, sizeof page, "%.*s-%zu%s", (int)(dot - path), path, p, dot);
            if ((st = cli_check_output(cli, page)) != 0)
                return st;
            /* Name the files written, not out.png, which is not one of them. */
            if (p == 1)
                snprintf(wrote, size, "%s", page);
            else if (p == ent_label_job_pages(job))
                snprintf(wrote + strlen(wrote), size - strlen(wrote), "%s%s", p == 2 ? " and " : " … ", page);
        }
        rc = ent_label_job_write_file(job, path);
        return rc == ENT_OK ? 0 : cli_error(cli_exit_code(rc), "%s", ent_error_last()->message);
    }
    struct cli_out out;
    if ((st = cli_out_open(cli, &out, path)) != 0)
        return st;
    rc = ent_label_job_write(job, out.f);
    st = cli_out_close(&out, rc == ENT_OK);
    if (rc != ENT_OK)
        return cli_error(cli_exit_code(rc), "%s: %s", path, ent_error_last()->message);
    return st;
}

static int write_job(struct cli *cli, ent_label_job *job, const struct print_opts *o, const struct bad *skipped,
                     bool *done)
{
    int rc;
    char said[512] = "", wrote[8500] = "";
    *done = false;
    if (o->printer) {
        rc = ent_label_job_print(job, said, sizeof said, o->printer);
        if (rc != ENT_OK)
            return cli_error(cli_exit_code(rc), "%s", ent_error_last()->message);
        fprintf(stderr, "sent %zu label%s on %zu page%s to %s: %s\n", ent_label_job_labels(job),
                ent_label_job_labels(job) == 1 ? "" : "s", ent_label_job_pages(job),
                ent_label_job_pages(job) == 1 ? "" : "s", o->printer, said);
    } else if (o->out && strcmp(o->out, "-") != 0) {
        if ((rc = write_out(cli, job, o, wrote, sizeof wrote)) != 0)
            return rc;
        fprintf(stderr, "wrote %zu label%s on %zu page%s to %s\n", ent_label_job_labels(job),
                ent_label_job_labels(job) == 1 ? "" : "s", ent_label_job_pages(job),
                ent_label_job_pages(job) == 1 ? "" : "s", wrote[0] ? wrote : o->out);
    } else {
        rc = ent_label_job_write(job, stdout);
        /* A large job fills the buffer and fails while it is written, a small one when flushed. */
        if ((rc == ENT_OK && fflush(stdout) != 0) || (rc == ENT_ERROR && ferror(stdout)))
            return cli_error(EXIT_IO, "writing to standard output failed");
        if (rc != ENT_OK)
            return cli_error(cli_exit_code(rc), "%s", ent_error_last()->message);
    }
    *done = true;
    /* The store server reads what it records from this summary. */
    if (cli->format == FORMAT_JSON && o->no_record && (o->printer || (o->out && strcmp(o->out, "-") != 0)))
        json_summary(job, o, said, skipped);
    if (o->no_record)
        return EXIT_OK;
    /* Who printed what where (schema 10); the labels are out whatever happens here. */
    char where[9200], dest[1024];
    const char *to = o->printer ? o->printer : o->out && strcmp(o->out, "-") != 0 ? (wrote[0] ? wrote : o->out)
                                                                                 : "standard output";
    snprintf(where, sizeof where, "%s%s%s", to, said[0] ? " " : "", said);
    ent_text_clip(dest, sizeof dest, where, 200);
    if (ent_label_print_record(cli->db, o->tpl, (int64_t)ent_label_job_labels(job), dest) != ENT_OK)
        fprintf(stderr, "entrepot: the labels are out, but recording who printed them failed: %s\n", cli_errmsg(cli));
    if (cli->format == FORMAT_JSON && (o->printer || (o->out && strcmp(o->out, "-") != 0)))
        json_summary(job, o, said, skipped);
    return EXIT_OK;
}

static int clear_queue(struct cli *cli, const struct targets *tg, const bool *printed, size_t skipped, int64_t upto)
{
    int rc = ENT_OK;
    int64_t removed = 0;
    if (skipped == 0) {
        rc = ent_label_queue_clear(cli->db, &removed, upto);
    } else { /* keep the skipped commodities queued */
        for (size_t i = 0; i < tg->n && rc == ENT_OK; i++)
            if (printed[i])
                rc = ent_label_queue_remove(cli->db, tg->v[i].product_id, upto);
    }
    if (rc != ENT_OK)
        return cli_error(cli_exit_code(rc), "the labels were printed but the queue was not cleared: %s",
                         cli_errmsg(cli));
    return EXIT_OK;
}

static int label_print(struct cli *cli, struct print_opts *o, const char **codes, int ncodes)
{
    ent_label_template *t = NULL;
    ent_label_sheet *sheet = NULL;
    ent_label_job *job = NULL;
    struct targets tg = {0};
    struct queue_sel queue = {&tg, 0};
    struct bad bad = {0};
    bool *printed = NULL;
    int st = EXIT_OK, rc;
    const char *dir = labels_dir(o->labels);
    enum ent_label_format fmt;
    int dpi;
    /* The database, its journal files and its key are never written over,
     * whatever the format: said before anything else about --out. */
    if (o->out && *o->out && strcmp(o->out, "-") != 0 && (st = cli_check_output(cli, o->out)) != 0)
        return st;
    if ((st = pick_format(o->format, o->out, &fmt)) != 0)
        return st;
    if (o->tpl == NULL)
        return cli_error(EXIT_USAGE, "--template NAME is needed (entrepot label templates lists them)");
    if (o->out && o->printer)
        return cli_error(EXIT_USAGE, "--out and --printer go one at a time");
    if (o->out && *o->out == '\0')
        return cli_error(EXIT_USAGE, "--out needs a file name (or - for standard output)");
    if (o->printer && *o->printer == '\0')
        return cli_error(EXIT_USAGE, "--printer needs a printer name");
    if (o->each && strcmp(o->each, "lot") != 0 && strcmp(o->each, "product") != 0)
        return cli_error(EXIT_USAGE, "--each %s: choose product or lot", o->each);
    if ((st = check_print_opts(o, fmt, &dpi)) != 0)
        return st;
    if (o->out == NULL && o->printer == NULL && isatty(1) && fmt != ENT_LABEL_ZPL && fmt != ENT_LABEL_SVG)
        return cli_error(EXIT_USAGE, "not writing a %s to a terminal: give --out FILE or --printer NAME",
                         fmt == ENT_LABEL_PDF ? "PDF" : "PNG");
    rc = ent_label_template_load(&t, dir, o->tpl);
    if (rc == ENT_OK && o->sheet)
        rc = ent_label_sheet_load(&sheet, dir, o->sheet);
    if (rc == ENT_OK) {
        ent_label_options opt = {.format = fmt, .dpi = dpi, .sheet = sheet};
        if (o->zpl_text)
            opt.zpl_text = o->zpl_text[0] == 'f' ? ENT_LABEL_ZPL_TEXT_FONT : ENT_LABEL_ZPL_TEXT_GRAPHIC;
        rc = ent_label_job_new(&job, t, &opt);
    }
    if (rc != ENT_OK) {
        st = cli_error(cli_exit_code(rc), "%s%s", ent_error_last()->message,
                       rc == ENT_NOTFOUND ? "; `entrepot label templates` lists them" : "");
        goto done;
    }
    if ((st = cli_open(cli, 0)) != 0)
        goto done;
    bool per_lot = o->each ? strcmp(o->each, "lot") == 0 : ent_label_template_uses(t, "lot");
    if ((st = select_targets(cli, o, codes, ncodes, per_lot, &tg, &queue)) != 0)
        goto done;
    if (tg.n == 0) {
        fprintf(stderr, "the reprint queue is empty\n");
        goto done;
    }
    printed = calloc(tg.n, sizeof *printed);
    struct run run = {0};
    /* --first N: the selection's first N targets only (a preview) */
    size_t upto = tg.n;
    long long first = 0;
    if (o->first && whole(o->first, 1, 1000, &first) == 0 && (size_t)first < upto)
        upto = (size_t)first;
    for (size_t i = 0; i < upto; i++) {
        struct added added = {0};
        if ((st = add_target(cli, job, o, &tg.v[i], &run, &added)) != 0)
            goto done;
        printed[i] = added.good;
        if (!printed[i])
            bad_add(&bad, added.msg);
    }
    if (bad.n > 0 && !o->skip_bad) {
        for (size_t i = 0; i < bad.n; i++)
            fprintf(stderr, "entrepot: %s\n", bad.msg[i]);
        /* A code that names nothing is a mistake in the command; a label that
         * cannot be made from what is on record is a refusal. */
        st = cli_error(run.unknown ? EXIT_USAGE : EXIT_REFUSED,
                       "nothing printed: %zu of %zu label%s cannot be made (--skip-bad prints the others)", bad.n, tg.n,
                       tg.n == 1 ? "" : "s");
        goto done;
    }
    for (size_t i = 0; i < bad.n; i++)
        fprintf(stderr, "skipped: %s\n", bad.msg[i]);
    if (ent_label_job_labels(job) == 0) {
        st = cli_error(EXIT_REFUSED, "nothing to print");
        goto done;
    }
    bool written;
    o->queue_upto = queue.upto;
    if ((st = write_job(cli, job, o, &bad, &written)) != 0 || !written)
        goto done;
    if (o->queue && !o->no_record && !o->first)
        st = clear_queue(cli, &tg, printed, bad.n, queue.upto);
done:
    for (size_t i = 0; i < bad.n; i++)
        free(bad.msg[i]);
    free(bad.msg);
    free(printed);
    targets_free(&tg);
    ent_label_job_free(job);
    ent_label_sheet_free(sheet);
    ent_label_template_free(t);
    return st;
}

/* The queue oldest first; on a terminal the first 100 (a fresh demo used to
 * hold 637, scrolled past at once) and how many there are in all. */
static int label_queue_list(struct cli *cli, const char *limit_s)
{
    struct queue_page pg = {.limit = cli->format == FORMAT_TABLE ? 100 : 0};
    int st = cli_parse_limit(&pg.limit, limit_s);
    if (st == 0)
        st = cli_open(cli, 0);
    if (st != 0)
        return st;
    const char *headers[] = {"code", "reason", "queued_at", "location"};
    pg.t = cli_table_new(4, headers, NULL);
    int rc = ent_label_queue_each(cli->db, queue_list_row, &pg);
    if (rc == ENT_OK)
        cli_table_print(cli, pg.t, stdout);
    if (rc == ENT_OK && cli->format == FORMAT_TABLE) {
        size_t shown = cli_table_rows(pg.t);
        if (pg.total == 0)
            printf("the reprint queue is empty\n");
        else if ((long long)shown < pg.total)
            printf("first %zu of %lld queued labels (--limit 0 shows all)\n", shown, pg.total);
        else
            printf("%lld queued label%s\n", pg.total, pg.total == 1 ? "" : "s");
    }
    cli_table_free(pg.t);
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

static int label_templates(struct cli *cli, const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return cli_error(EXIT_IO, "%s: cannot open the labels folder", dir);
    const char *headers[] = {"name", "kind", "size", "file"};
    struct cli_table *t = cli_table_new(4, headers, NULL);
    struct dirent *e;
    char path[4096], size[64];
    int bad = 0;
    while ((e = readdir(d)) != NULL) {
        bool is_tpl = ends_with(e->d_name, ".label"), is_sheet = ends_with(e->d_name, ".sheet");
        if (!is_tpl && !is_sheet)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (is_tpl) {
            ent_label_template *tp = NULL;
            double w, h;
            if (ent_label_template_load(&tp, dir, path) != ENT_OK) {
                fprintf(stderr, "entrepot: %s\n", ent_error_last()->message);
                bad++;
                continue;
            }
            ent_label_template_size(tp, &w, &h);
            snprintf(size, sizeof size, "%gx%g mm", w, h);
            const char *cells[] = {ent_label_template_name(tp), "template", size, path};
            cli_table_add(t, cells);
            ent_label_template_free(tp);
        } else {
            ent_label_sheet *sh = NULL;
            if (ent_label_sheet_load(&sh, dir, path) != ENT_OK) {
                fprintf(stderr, "entrepot: %s\n", ent_error_last()->message);
                bad++;
                continue;
            }
            snprintf(size, sizeof size, "%d per page", ent_label_sheet_per_page(sh));
            char name[256];
            snprintf(name, sizeof name, "%.*s", (int)(strlen(e->d_name) - 6), e->d_name);
            const char *cells[] = {name, "sheet", size, path};
            cli_table_add(t, cells);
            ent_label_sheet_free(sh);
        }
    }
    closedir(d);
    cli_table_print(cli, t, stdout);
    cli_table_free(t);
    return bad ? EXIT_USAGE : EXIT_OK;
}

static int label_check(const char **files, int n)
{
    int bad = 0;
    if (n == 0)
        return cli_error(EXIT_USAGE, "label check needs files (NAME.label or NAME.sheet)");
    for (int i = 0; i < n; i++) {
        int rc;
        if (ends_with(files[i], ".sheet")) {
            ent_label_sheet *s = NULL;
            rc = ent_label_sheet_load(&s, NULL, files[i]);
            ent_label_sheet_free(s);
        } else {
            ent_label_template *t = NULL; /* the library adds ".label" to a bare name */
            rc = ent_label_template_load(&t, NULL, files[i]);
            ent_label_template_free(t);
        }
        if (rc == ENT_OK) {
            printf("%s: ok\n", files[i]);
        } else {
            fprintf(stderr, "%s\n", ent_error_last()->message);
            bad++;
        }
    }
    return bad ? EXIT_USAGE : EXIT_OK;
}

/* The codes named on the command line and by --codes FILE, in that order. */
static int label_print_codes(struct cli *cli, struct print_opts *o, const char **pos, int npos)
{
    struct cli_codes codes = {0};
    const char **all = NULL;
    int st = 0;
    if (o->codes && (st = cli_read_codes(&codes, o->codes)) != 0)
        goto done;
    if (o->codes && codes.n == 0) {
        st = cli_error(EXIT_USAGE, "--codes %s: the list names no code", o->codes);
        goto done;
    }
    if (codes.n > (size_t)INT_MAX - (size_t)npos || (all = calloc((size_t)npos + codes.n + 1, sizeof *all)) == NULL) {
        st = cli_error(EXIT_IO, "out of memory");
        goto done;
    }
    for (int i = 0; i < npos; i++)
        all[i] = pos[i];
    for (size_t i = 0; i < codes.n; i++)
        all[(size_t)npos + i] = codes.v[i];
    st = label_print(cli, o, all, npos + (int)codes.n);
done:
    free(all);
    cli_codes_free(&codes);
    return st;
}

int cmd_label(struct cli *cli, int argc, char **argv)
{
    struct print_opts o = {0};
    const char **pos = NULL;
    int npos = 0;
    const struct cli_opt opts[] = {
        {"template", &o.tpl, NULL},      {"sheet", &o.sheet, NULL},       {"format", &o.format, NULL},
        {"dpi", &o.dpi, NULL},           {"out", &o.out, NULL},           {"printer", &o.printer, NULL},
        {"zpl-text", &o.zpl_text, NULL},
        {"copies", &o.copies, NULL},     {"each", &o.each, NULL},         {"lot", &o.lot, NULL},
        {"clerk", &o.clerk, NULL},       {"grade", &o.grade, NULL},       {"count", &o.count, NULL},
        {"sscc", &o.sscc, NULL},         {"origin", &o.origin, NULL},     {"location", &o.location, NULL},
        {"supplier", &o.supplier, NULL}, {"brand", &o.brand, NULL},       {"declaration", &o.declaration, NULL},
        {"labels", &o.labels, NULL},     {"skip-bad", NULL, &o.skip_bad}, {"queue", NULL, &o.queue},
        {"all", NULL, &o.all},           {"codes", &o.codes, NULL},       {"no-record", NULL, &o.no_record},
        {"first", &o.first, NULL},       {"limit", &o.limit, NULL},
        {0},
    };
    /* As many codes as the command line holds: no fixed cap. */
    if ((pos = calloc((size_t)argc + 1, sizeof *pos)) == NULL)
        return cli_error(EXIT_IO, "out of memory");
    int st = cli_parse(argc, argv, opts, label_help, pos, argc, &npos);
    if (st != 0) {
        st = st < 0 ? EXIT_OK : st;
    } else if ((st = cli_refuse_empty(opts)) != 0) {
        /* said */
    } else if (npos == 0) {
        fputs(label_help, stderr);
        st = EXIT_USAGE;
    } else if (o.limit && strcmp(pos[0], "queue") != 0) {
        st = cli_error(EXIT_USAGE, "--limit goes with label queue (see entrepot label --help)");
    } else if (strcmp(pos[0], "print") == 0) {
        st = label_print_codes(cli, &o, pos + 1, npos - 1);
        ent_label_release_caches();
    } else if (strcmp(pos[0], "templates") == 0 && npos == 1) {
        st = label_templates(cli, labels_dir(o.labels));
    } else if (strcmp(pos[0], "check") == 0) {
        st = label_check(pos + 1, npos - 1);
    } else if (strcmp(pos[0], "queue") == 0 && npos == 1) {
        st = label_queue_list(cli, o.limit);
    } else {
        st = cli_error(EXIT_USAGE, "unknown label command '%s' (see entrepot label --help)", pos[0]);
    }
    free(pos);
    return st;
}
