/* entrepot counter, sale, return, flow, report: the sales side of the program. */
#include <errno.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

/* ---- shared ------------------------------------------------------------- */

struct till {
    struct cli *cli;
    ent_journal *j;
    ent_basket *b;
    char currency[ENT_CURRENCY_SIZE];
    const char *counter, *cashier;
    int paper;             /* 32 or 48 columns */
    const char *escpos;    /* file to append ESC/POS receipts to, or NULL */
    FILE *out;
    int64_t unprinted;     /* the receipt that could not be printed, 0 when none */
};

static void json_sale(const ent_sale *s);

/*
 * A supervisor's approval of what (words for the prompt), asked at the
 * terminal: the name, then the password with echo off; checked with
 * ent_user_approve (failures count as failed logins), the password wiped.
 * In a store without any user who may approve (run from the command line
 * alone) nobody is asked: 1, approver "". 0 with approver set, or -1 when
 * refused (said on out).
 */
static int ask_approval(struct cli *cli, FILE *in, FILE *out, const char *what, char approver[ENT_CASHIER_SIZE])
{
    int64_t approvers = 0;
    ent_principal p;
    approver[0] = '\0';
    if (ent_user_count_with_right(cli->db, &approvers, ENT_RIGHT_APPROVE) != ENT_OK) {
        fprintf(out, "! %s\n", ent_errmsg(cli->db));
        return -1;
    }
    if (approvers == 0)
        return 1;
    fprintf(out, "  %s needs a supervisor's approval\n", what);
    char *user = cli_ask(in, out, "  supervisor: ", false);
    char *pw = user ? cli_ask(in, out, "  password: ", true) : NULL;
    int rc = pw ? ent_user_approve(cli->db, &p, user, pw, ENT_RIGHT_APPROVE) : ENT_REFUSED;
    if (pw)
        memset(pw, 0, strlen(pw));
    free(user);
    free(pw);
    if (rc != ENT_OK) {
        fprintf(out, "! %s\n", pw || user ? ent_errmsg(cli->db) : "no supervisor given: not approved");
        return -1;
    }
    snprintf(approver, ENT_CASHIER_SIZE, "%s", p.user);
    fprintf(out, "  approved by %s\n", approver);
    return 0;
}

/* What the user typed, made fit for a message (see ent_text_clip). */

static void fmt(char *buf, size_t len, int64_t v, const char *cur)
{
    if (ent_money_format(buf, len, v, cur) < 0)
        snprintf(buf, len, "%lld", (long long)v);
}

static int store_currency(struct cli *cli, char cur[ENT_CURRENCY_SIZE])
{
    ent_store *s = NULL;
    int rc = ent_store_get(cli->db, &s);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    snprintf(cur, ENT_CURRENCY_SIZE, "%s", s->currency);
    ent_store_free(s);
    return 0;
}

static int parse_paper(const char *s, int *cols)
{
    char v[ENT_CLIP_SIZE];
    if (s == NULL || strcmp(s, "80") == 0)
        *cols = 48;
    else if (strcmp(s, "58") == 0)
        *cols = 32;
    else
        return cli_error(EXIT_USAGE, "--paper '%s' must be 58 or 80 (mm)", ent_text_clip(v, sizeof v, s, 40));
    return 0;
}

/* A whole number of 1 or more (a quantity); the till says what is wrong. */
static int whole(const char *s, int64_t *out)
{
    return ent_whole_parse(out, s, 1, ENT_QTY_MAX) == ENT_OK ? 0 : -1;
}

/* "CODE", "CODE*3" or "3*CODE" into code and quantity (0: as the code says).
 * A quantity is at most 6 digits, which no GTIN is, so "2*4006381333931"
 * and "4006381333931*2" both read the same. */
static int split_qty(char *arg, const char **code, int64_t *qty)
{
    char *first = strchr(arg, '*'), *last = strrchr(arg, '*');
    *qty = 0;
    *code = arg;
    if (first == NULL)
        return 0;
    if (first - arg <= 6 && first > arg) {
        *first = '\0';
        if (whole(arg, qty) == 0) {
            *code = first + 1;
            return 0;
        }
        *first = '*';
    }
    if (strlen(last + 1) <= 6) {
        *last = '\0';
        if (whole(last + 1, qty) == 0)
            return 0;
        *last = '*';
    }
    char v[ENT_CLIP_SIZE];
    return cli_error(EXIT_USAGE, "'%s': a quantity is CODE*N or N*CODE with N a whole number from 1 to 999999",
                     ent_text_clip(v, sizeof v, arg, 40));
}

/*
 * Exit status of `sale` and `return` (and of a `counter` session) when the
 * sale or return is recorded but its receipt could not be printed: neither
 * success (the customer has no receipt) nor a failure (selling again would
 * sell twice). README "Receipts" documents it.
 */
#define EXIT_NOT_PRINTED 4

/* Writes what is buffered for f; on failure drops it, so that nothing
 * retries the write later, and says why in why. */
static int flush_or_drop(FILE *f, const char *what, char *why, size_t len)
{
    if (fflush(f) == 0 && !ferror(f))
        return 0;
    snprintf(why, len, "%s: %s", what, strerror(errno));
    __fpurge(f);
    clearerr(f);
    return -1;
}

/* Prints the receipt (text) and appends its ESC/POS bytes to --escpos.
 * 0, or -1 with the reason in why. */
static int print_receipt(struct till *t, const ent_sale *s, bool reprint, char *why, size_t len)
{
    char *text = NULL;
    unsigned char *bytes = NULL;
    size_t n = 0;
    FILE *f = NULL;
    int st = -1;
    if (ent_receipt_text(t->cli->db, &text, s, t->paper, reprint) != ENT_OK) {
        snprintf(why, len, "%s", cli_errmsg(t->cli));
        goto done;
    }
    fputs(text, t->out);
    if (flush_or_drop(t->out, "standard output", why, len) != 0)
        goto done;
    if (t->escpos) {
        char shown[ENT_CLIP_SIZE];
        ent_text_clip(shown, sizeof shown, t->escpos, 60);
        if (ent_receipt_escpos(t->cli->db, &bytes, &n, s, t->paper, reprint) != ENT_OK) {
            snprintf(why, len, "%s", cli_errmsg(t->cli));
            goto done;
        }
        errno = 0;
        f = fopen(t->escpos, "ab");
        int bad = f == NULL || fwrite(bytes, 1, n, f) != n || fflush(f) != 0;
        int err = errno;
        if (f && fclose(f) != 0 && !bad)
            bad = 1, err = errno;
        if (bad) {
            snprintf(why, len, "the printer %s: %s", shown, err ? strerror(err) : "write failed");
            goto done;
        }
    }
    st = 0;
done:
    free(text);
    free(bytes);
    return st;
}

/* After a commit: prints the receipt, or says plainly that the sale (or
 * return) stands, under which number, and how to print it again. */
static int receipt_after_commit(struct till *t, const ent_sale *s)
{
    char why[512];
    if (t->cli->format == FORMAT_JSON) {
        json_sale(s); /* the sale for a script, instead of the receipt */
        if (flush_or_drop(stdout, "standard output", why, sizeof why) == 0)
            return EXIT_OK;
    } else if (print_receipt(t, s, 0, why, sizeof why) == 0) {
        return EXIT_OK;
    }
    t->unprinted = s->receipt;
    const char *what = strcmp(s->kind, "return") == 0 ? "return" : "sale";
    cli_error(EXIT_NOT_PRINTED,
              "the %s IS RECORDED as receipt %lld, but its receipt was not printed (%s). Do not %s it again: "
              "print it with `entrepot sale --reprint %lld` (or `reprint` at the counter)",
              what, (long long)s->receipt, why, strcmp(what, "sale") == 0 ? "sell" : "refund", (long long)s->receipt);
    return EXIT_NOT_PRINTED;
}

static int open_journal(struct till *t)
{
    ent_journal_open_opts o = {.counter = t->counter};
    int rc = ent_journal_open(&t->j, t->cli->db, &o);
    if (rc != ENT_OK)
        return cli_fail(t->cli, rc);
    return 0;
}

/* ---- the counter -------------------------------------------------------- */

static const char counter_help[] =
    "usage: entrepot counter --counter C1 --cashier NAME [--shelf LOC] [--paper 58|80]\n"
    "                        [--escpos FILE]\n"
    "       entrepot counter --server http://HOST:PORT --counter C1 [--token-file FILE]\n"
    "                        (the same till on a store server; --server URL --help)\n"
    "\n"
    "The till. Reads a scanner (or a keyboard, or a pipe) line by line:\n"
    "  CODE             add what the code names (GTIN, GS1 with lot, in-store price or\n"
    "                   weight code, SKU); CODE*3 or 3*CODE adds three\n"
    "  *3               make the last line 3\n"
    "  del [#N]         remove the last line, or line N\n"
    "  price [#N] AMOUNT REASON     new unit price for the last line (or line N)\n"
    "  disc [#N] AMOUNT|PCT% REASON discount off the last line (or line N)\n"
    "  sub              subtotal: the lines and what is due\n"
    "  pay cash|card|wallet [AMOUNT] take a payment (AMOUNT left out: what is due);\n"
    "                   split payments add up; when paid the sale is made and printed\n"
    "  cancel           empty the basket (nothing is recorded)\n"
    "  reprint          print the last receipt of this counter again\n"
    "  help             this list;  quit (or end of input) leaves\n"
    "A price other than the catalogue's, or a discount above the store's limit, asks\n"
    "for a supervisor's name and password (no echo on a terminal) where the store has\n"
    "users who may approve, and records the approver with the line; it is refused\n"
    "(the line as it was) when they are wrong. The cashier is recorded with the\n"
    "sale, the operating-system user with its stock moves.\n"
    "--shelf is the counter's own shelf, sold from first. Receipts print on standard\n"
    "output for --paper 80 (48 columns, default) or 58 mm (32 columns); --escpos FILE\n"
    "appends the ESC/POS bytes (a printer device such as /dev/usb/lp0 works).\n"
    "A receipt that cannot be printed after the sale is made is reported with its\n"
    "receipt number (the sale stands: do not sell again; type reprint), and the\n"
    "session then exits 4 unless the reprint worked.\n"
    "\n"
    "example: printf '3017620422003\\n5000112548167*6\\npay cash 100\\n' | \\\n"
    "           entrepot counter --counter C1 --cashier 王芳 --shelf A-01\n";

static void say_error(struct till *t)
{
    fprintf(t->out, "! %s\n", cli_errmsg(t->cli));
}

static void say_total(struct till *t)
{
    ent_basket_totals tot;
    char a[ENT_MONEY_TEXT_SIZE];
    ent_basket_totals_get(t->b, &tot);
    fmt(a, sizeof a, tot.total, t->currency);
    fprintf(t->out, "  total %s %s, %zu line%s\n", a, t->currency, tot.lines, tot.lines == 1 ? "" : "s");
}

void cli_till_line(FILE *out, size_t n, const ent_basket_line *l, const char *currency)
{
    const ent_country *c = NULL;
    char a[ENT_MONEY_TEXT_SIZE], p[ENT_MONEY_TEXT_SIZE];
    fmt(a, sizeof a, l->amount, currency);
    fmt(p, sizeof p, l->unit_price, currency);
    const char *origin = ent_country_lookup(&c, l->origin) == ENT_OK ? c->name_zh : "";
    fprintf(out, "%zu %s  %s %s  ", n, l->name, origin, l->origin);
    if (strcmp(l->unit, "pcs") != 0) /* weighed: the price is a kilogram's or a litre's */
        fprintf(out, "%lld %s at %s/%s", (long long)l->qty, l->unit, p, strcmp(l->unit, "g") == 0 ? "kg" : "l");
    else if (l->sell_unit_zh[0]) /* as the receipt says it: 2瓶 x 653.80/瓶 */
        fprintf(out, "%lld%s x %s/%s", (long long)l->qty, l->sell_unit_zh, p, l->sell_unit_zh);
    else
        fprintf(out, "%lld x %s", (long long)l->qty, p);
    fprintf(out, " = %s", a);
    if (l->discount) {
        fmt(a, sizeof a, l->discount, currency);
        fprintf(out, " (-%s %s)", a, l->discount_reason);
    }
    if (l->approved_by[0])
        fprintf(out, " [approved %s]", l->approved_by);
    fputc('\n', out);
}

static void say_line(struct till *t, size_t i)
{
    const ent_basket_line *l = ent_basket_line_at(t->b, i);
    if (l != NULL)
        cli_till_line(t->out, i, l, t->currency);
}

/* "#N" at *args picks line N into *line; otherwise 0, the last line.
 * -1 after saying why when N is no line number (#0, #-1, #x, too big). */
static int take_line(struct till *t, char **args, size_t *line)
{
    char *s = *args, *end;
    *line = 0;
    while (*s == ' ')
        s++;
    if (*s != '#')
        return 0;
    errno = 0;
    unsigned long long n = s[1] >= '1' && s[1] <= '9' ? strtoull(s + 1, &end, 10) : 0;
    if (n == 0 || errno || n > 100000 || (*end != ' ' && *end != '\0')) {
        char v[ENT_CLIP_SIZE], *w = s;
        while (*w && *w != ' ')
            w++;
        *w = '\0';
        fprintf(t->out, "! '%s' is no line number: #1 is the first line\n", ent_text_clip(v, sizeof v, s, 40));
        return -1;
    }
    s = end;
    while (*s == ' ')
        s++;
    *args = s;
    *line = (size_t)n;
    return 0;
}

static void do_checkout(struct till *t)
{
    ent_sale *s = NULL;
    int rc = ent_basket_checkout(t->b, t->j, &s);
    if (rc != ENT_OK) {
        say_error(t);
        ent_basket_unpay(t->b);
        fprintf(t->out, "  the basket is kept; payment taken back\n");
        return;
    }
    char a[ENT_MONEY_TEXT_SIZE];
    fmt(a, sizeof a, s->total, t->currency);
    for (size_t i = 0; i < s->npays; i++)
        if (s->pays[i].change > 0) {
            char c[ENT_MONEY_TEXT_SIZE];
            fmt(c, sizeof c, s->pays[i].change, t->currency);
            fprintf(t->out, "  change %s %s\n", c, t->currency);
        }
    fprintf(t->out, "  sold: receipt %lld, %s %s\n", (long long)s->receipt, a, t->currency);
    if (receipt_after_commit(t, s) != EXIT_OK)
        fprintf(t->out, "! sale recorded as receipt %lld, but not printed: do not sell it again; type reprint\n",
                (long long)s->receipt);
    ent_sale_free(s);
}

/* Where someone may approve: a line whose price or discount needs an
 * approval it has not got (a discount that grew above the limit when the
 * quantity dropped) stops the payment, as at the server. */
static int unapproved_line(struct till *t)
{
    int64_t approvers = 0;
    int32_t limit = 0;
    if (ent_user_count_with_right(t->cli->db, &approvers, ENT_RIGHT_APPROVE) != ENT_OK ||
        ent_sales_discount_limit(t->cli->db, &limit) != ENT_OK) {
        say_error(t);
        return -1;
    }
    for (size_t i = 1; approvers > 0 && i <= ent_basket_count(t->b); i++)
        if (ent_basket_line_unapproved(ent_basket_line_at(t->b, i), limit)) {
            fprintf(t->out, "! line %zu's price or discount needs a supervisor's approval: change it again\n", i);
            return -1;
        }
    return 0;
}

static void do_pay(struct till *t, char *args)
{
    char *method = cli_next_word(&args), *amount = cli_next_word(&args);
    int64_t v = 0;
    if (method == NULL) {
        fprintf(t->out, "! pay cash|card|wallet [AMOUNT]\n");
        return;
    }
    if (amount && ent_money_parse(&v, amount, t->currency) != ENT_OK) {
        fprintf(t->out, "! %s\n", ent_error_last()->message);
        return;
    }
    if (amount && v <= 0) {
        fprintf(t->out, "! an amount paid must be more than zero\n");
        return;
    }
    if (unapproved_line(t) != 0)
        return;
    if (ent_basket_pay(t->b, method, v) != ENT_OK) {
        say_error(t);
        return;
    }
    ent_basket_totals tot;
    ent_basket_totals_get(t->b, &tot);
    if (tot.due > 0) {
        char d[ENT_MONEY_TEXT_SIZE];
        fmt(d, sizeof d, tot.due, t->currency);
        fprintf(t->out, "  still due %s %s\n", d, t->currency);
        return;
    }
    do_checkout(t);
}

static void do_price(struct till *t, char *args, int discount)
{
    size_t line;
    if (take_line(t, &args, &line) != 0)
        return;
    char *amount = cli_next_word(&args);
    int64_t v = -1;
    int32_t bp = 0;
    int rc;
    if (amount == NULL) {
        fprintf(t->out, discount ? "! disc [#N] AMOUNT|PCT%% REASON\n" : "! price [#N] AMOUNT REASON\n");
        return;
    }
    size_t n = strlen(amount);
    if (discount && n > 1 && amount[n - 1] == '%') {
        int64_t p;
        amount[n - 1] = '\0';
        if (ent_decimal_parse(&p, amount, 2) != ENT_OK) {
            char shown[ENT_CLIP_SIZE];
            fprintf(t->out, "! '%s%%' is not a percentage from 0.01 to 100\n", ent_text_clip(shown, sizeof shown, amount, 40));
            return;
        }
        bp = (int32_t)(p > 100000 ? 100000 : p);
    } else if (ent_money_parse(&v, amount, t->currency) != ENT_OK) {
        fprintf(t->out, "! %s\n", ent_error_last()->message);
        return;
    }
    /* The one rule of every till (the server asks for the same). */
    ent_line_change ch = {.kind = discount ? ENT_LINE_DISCOUNT : ENT_LINE_PRICE, .value = v, .percent_bp = bp};
    char approver[ENT_CASHIER_SIZE] = "";
    int32_t limit = 0;
    if ((rc = ent_sales_discount_limit(t->cli->db, &limit)) != ENT_OK) {
        say_error(t);
        return;
    }
    if (ent_basket_change_needs_approval(ent_basket_line_at(t->b, line ? line : ent_basket_count(t->b)), limit, &ch) &&
        ask_approval(t->cli, stdin, t->out, discount ? "a discount above the store's limit" : "a price override",
                     approver) < 0)
        return; /* the line as it was */
    if (discount)
        rc = ent_basket_discount(t->b, line, v, bp, args);
    else
        rc = ent_basket_set_price(t->b, line, v, args);
    if (rc == ENT_OK && approver[0])
        rc = ent_basket_approve(t->b, line, approver);
    if (rc != ENT_OK) {
        say_error(t);
        return;
    }
    ent_basket_unpay(t->b);
    say_line(t, line ? line : ent_basket_count(t->b));
    say_total(t);
}

static void do_subtotal(struct till *t)
{
    ent_basket_totals tot;
    char a[ENT_MONEY_TEXT_SIZE], x[ENT_MONEY_TEXT_SIZE];
    for (size_t i = 1; i <= ent_basket_count(t->b); i++)
        say_line(t, i);
    ent_basket_totals_get(t->b, &tot);
    fmt(a, sizeof a, tot.total, t->currency);
    fmt(x, sizeof x, tot.tax, t->currency);
    fprintf(t->out, "  subtotal %s %s (tax %s), %lld item%s", a, t->currency, x, (long long)tot.units,
            tot.units == 1 ? "" : "s");
    if (tot.paid > 0) {
        fmt(a, sizeof a, tot.due, t->currency);
        fprintf(t->out, ", due %s", a);
    }
    fputc('\n', t->out);
}

static void do_scan(struct till *t, char *word)
{
    const char *code;
    int64_t qty;
    size_t line = 0;
    if (split_qty(word, &code, &qty) != 0)
        return;
    if (ent_basket_scan(t->b, &line, code, qty) != ENT_OK) {
        say_error(t);
        return;
    }
    ent_basket_unpay(t->b);
    say_line(t, line);
    say_total(t);
}

/* One line of input; returns 1 to leave. */
static int counter_line(struct till *t, char *line)
{
    char v[ENT_CLIP_SIZE];
    char *args = line;
    char *word = cli_next_word(&args);
    if (word == NULL)
        return 0;
    if (strcmp(word, "quit") == 0 || strcmp(word, "exit") == 0)
        return 1;
    if (strcmp(word, "help") == 0 || strcmp(word, "?") == 0) {
        fputs(strstr(counter_help, "  CODE "), t->out);
    } else if (word[0] == '*') {
        int64_t q;
        if (whole(word + 1, &q) != 0)
            fprintf(t->out, "! '%s': a quantity is *N with N a whole number of 1 or more\n", ent_text_clip(v, sizeof v, word, 40));
        else if (ent_basket_set_qty(t->b, 0, q) != ENT_OK)
            say_error(t);
        else {
            ent_basket_unpay(t->b);
            say_line(t, ent_basket_count(t->b));
            say_total(t);
        }
    } else if (strcmp(word, "del") == 0) {
        size_t n;
        if (take_line(t, &args, &n) != 0)
            return 0;
        if (ent_basket_remove(t->b, n) != ENT_OK)
            say_error(t);
        else
            say_total(t);
    } else if (strcmp(word, "price") == 0) {
        do_price(t, args, 0);
    } else if (strcmp(word, "disc") == 0) {
        do_price(t, args, 1);
    } else if (strcmp(word, "sub") == 0 || strcmp(word, "subtotal") == 0) {
        do_subtotal(t);
    } else if (strcmp(word, "pay") == 0) {
        do_pay(t, args);
    } else if (strcmp(word, "cancel") == 0) {
        ent_basket_clear(t->b);
        fprintf(t->out, "  basket cancelled\n");
    } else if (strcmp(word, "reprint") == 0) {
        ent_sale *s = NULL;
        char why[512];
        if (ent_sale_last(t->cli->db, &s, t->counter) != ENT_OK) {
            say_error(t);
        } else if (print_receipt(t, s, 1, why, sizeof why) != 0) {
            fprintf(t->out, "! receipt %lld was not printed again: %s\n", (long long)s->receipt, why);
            cli_error(EXIT_NOT_PRINTED, "receipt %lld was not printed again: %s", (long long)s->receipt, why);
        } else if (s->receipt == t->unprinted) {
            t->unprinted = 0; /* printed after all */
        }
        ent_sale_free(s);
    } else if (*args == '\0') {
        do_scan(t, word);
    } else {
        char w2[ENT_CLIP_SIZE];
        fprintf(t->out, "! '%s %s' is not understood (help lists what is)\n", ent_text_clip(v, sizeof v, word, 40), ent_text_clip(w2, sizeof w2, args, 40));
    }
    return 0;
}

int cmd_counter(struct cli *cli, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) /* the till against a store server */
        if (strcmp(argv[i], "--server") == 0 || strncmp(argv[i], "--server=", 9) == 0)
            return cmd_counter_remote(cli, argc, argv);
    const char *counter = NULL, *cashier = NULL, *shelf = NULL, *paper = NULL, *escpos = NULL;
    const struct cli_opt opts[] = {{"counter", &counter, NULL}, {"cashier", &cashier, NULL},
                                   {"shelf", &shelf, NULL},     {"paper", &paper, NULL},
                                   {"escpos", &escpos, NULL},   {0}};
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, opts, counter_help, pos, 0, &npos);
    struct till t = {.cli = cli, .counter = counter, .cashier = cashier, .escpos = escpos, .out = stdout};
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0) /* an empty --shelf sold from anywhere */
        return st;
    if (counter == NULL || cashier == NULL)
        return cli_error(EXIT_USAGE, "counter needs --counter C1 and --cashier NAME (see --help)");
    if ((st = parse_paper(paper, &t.paper)) != 0 || (escpos && (st = cli_check_output(cli, escpos)) != 0) ||
        (st = cli_open(cli, ENT_OPEN_DURABLE)) != 0 || (st = store_currency(cli, t.currency)) != 0)
        return st;
    int rc = ent_basket_new(cli->db, &t.b, counter, cashier, shelf);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    if ((st = open_journal(&t)) != 0)
        goto done;
    int tty = isatty(STDIN_FILENO);
    setvbuf(stdout, NULL, _IOLBF, 0);
    fprintf(t.out, "counter %s, cashier %s: scan, or type help\n", counter, cashier);
    for (;;) {
        if (tty) {
            fputs("> ", t.out);
            fflush(t.out);
        }
        ssize_t n = cli_read_line(stdin, &line, &cap, &lineno);
        if (n < 0) {
            st = n == -2 ? EXIT_USAGE : st;
            break;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (counter_line(&t, line))
            break;
        /* Output line-buffered: a till whose screen or printer pipe is gone
         * stops taking sales (what was paid is recorded). */
        if (ferror(t.out)) {
            st = cli_error(EXIT_IO, "the counter's output cannot be written (a full disk or a closed pipe): "
                                    "stopped; every sale paid so far is recorded");
            break;
        }
    }
    if (ent_basket_count(t.b) > 0)
        fprintf(t.out, "  basket cancelled (not paid)\n");
    if (t.unprinted)
        st = EXIT_NOT_PRINTED;
done:
    free(line);
    ent_basket_free(t.b);
    ent_journal_close(t.j);
    return st;
}

/* ---- one sale from arguments -------------------------------------------- */

static const char sale_help[] =
    "usage: entrepot sale --counter C1 --cashier NAME --pay METHOD[:AMOUNT][,METHOD[:AMOUNT]...]\n"
    "                     [--shelf LOC] [--paper 58|80] [--escpos FILE] [--codes FILE] CODE[*QTY]...\n"
    "       entrepot sale --reprint RECEIPT [--paper 58|80] [--escpos FILE]\n"
    "       entrepot sale --reprint RECEIPT --format pdf --out FILE [--paper 58|80]\n"
    "       entrepot sale show RECEIPT\n"
    "\n"
    "Makes one sale: every code is scanned as at the counter, the payments are taken\n"
    "(METHOD is cash, card or wallet; the last one without an amount pays the rest;\n"
    "cash may be more, and gives change), and the receipt is printed once the sale,\n"
    "its stock moves and its journal record are committed together. A refusal (not\n"
    "enough stock, an expired lot, a lot in quarantine or bonded, an unknown code)\n"
    "exits 1 or 2 and records nothing. --json prints the sale instead of the receipt.\n"
    "--codes FILE adds the CODE[*QTY] of FILE (- for standard input), one a line;\n"
    "blank lines and lines starting with # are skipped.\n"
    "When the sale is recorded but its receipt cannot be printed (printer or output\n"
    "error), it says so with the receipt number and exits 4: do not sell again, print\n"
    "it with --reprint RECEIPT (a sale or a return, marked REPRINT); with --format pdf\n"
    "--out FILE as a PDF on the roll's width with the journal QR code.\n"
    "sale show RECEIPT (a number or UUID) lists a recorded sale or return, line by\n"
    "line, with who approved each price or discount, and the return's approver;\n"
    "--json gives it whole, --csv its lines.\n"
    "\n"
    "examples:\n"
    "  entrepot sale --counter C1 --cashier 王芳 --pay cash 3017620422003*2 5000112548167\n"
    "  entrepot sale --counter C2 --cashier 李强 --pay card:50,cash:100 '(01)03017620422003(10)L2406A'\n";

static int take_payments(struct till *t, char *spec)
{
    char v1[ENT_CLIP_SIZE];
    int n = 0;
    for (char *save = NULL, *p = strtok_r(spec, ",", &save); p; p = strtok_r(NULL, ",", &save), n++) {
        char *colon = strchr(p, ':');
        int64_t v = 0;
        /* "cash:3,50" splits into "cash:3" and "50": say what went wrong. */
        if (*p >= '0' && *p <= '9')
            return cli_error(EXIT_USAGE, "--pay: '%s' is no payment method; payments are separated by commas, "
                             "amounts take a decimal point (cash:3.50)", ent_text_clip(v1, sizeof v1, p, 40));
        if (colon) {
            *colon = '\0';
            if (ent_money_parse(&v, colon + 1, t->currency) != ENT_OK)
                return cli_error(EXIT_USAGE, "--pay %s: %s", ent_text_clip(v1, sizeof v1, p, 40), ent_error_last()->message);
            if (v <= 0)
                return cli_error(EXIT_USAGE, "--pay %s: an amount paid must be more than zero", ent_text_clip(v1, sizeof v1, p, 40));
        }
        int rc = ent_basket_pay(t->b, p, v);
        if (rc != ENT_OK)
            return cli_fail(t->cli, rc);
    }
    if (n == 0)
        return cli_error(EXIT_USAGE, "--pay needs a payment method: cash, card or wallet");
    return 0;
}

static json_t *json_money(int64_t v, const char *cur)
{
    char a[ENT_MONEY_TEXT_SIZE];
    fmt(a, sizeof a, v, cur);
    return json_string(a); /* decimal text: exact, as the tables print it */
}

static void json_sale(const ent_sale *s)
{
    json_t *o = json_object(), *lines = json_array(), *pays = json_array();
    json_object_set_new(o, "uuid", json_string(s->uuid));
    json_object_set_new(o, "receipt", json_integer(s->receipt));
    json_object_set_new(o, "kind", json_string(s->kind));
    if (s->ref_uuid[0])
        json_object_set_new(o, "ref", json_string(s->ref_uuid));
    json_object_set_new(o, "time", json_string(s->time));
    json_object_set_new(o, "counter", json_string(s->counter));
    json_object_set_new(o, "cashier", json_string(s->cashier));
    json_object_set_new(o, "total", json_money(s->total, s->currency));
    json_object_set_new(o, "tax", json_money(s->tax, s->currency));
    json_object_set_new(o, "currency", json_string(s->currency));
    json_object_set_new(o, "units", json_integer(s->units));
    if (s->approved_by[0]) /* a void or a return without its receipt */
        json_object_set_new(o, "approved_by", json_string(s->approved_by));
    for (size_t i = 0; i < s->nlines; i++) {
        const ent_sale_line *l = &s->lines[i];
        json_t *x = json_object();
        json_object_set_new(x, "code", json_string(l->code));
        json_object_set_new(x, "name", json_string(l->name ? l->name : ""));
        json_object_set_new(x, "lot", json_string(l->lot));
        json_object_set_new(x, "origin", json_string(l->origin));
        json_object_set_new(x, "qty", json_integer(l->qty));
        json_object_set_new(x, "unit", json_string(l->unit));
        if (l->sell_unit[0]) /* the selling unit's code, as the catalogue gives it */
            json_object_set_new(x, "sell_unit", json_string(l->sell_unit));
        json_object_set_new(x, "unit_price", json_money(l->unit_price, s->currency));
        json_object_set_new(x, "discount", json_money(l->discount, s->currency));
        json_object_set_new(x, "amount", json_money(l->amount, s->currency));
        json_object_set_new(x, "tax_rate", json_integer(l->tax_rate));
        if (l->approved_by) /* a supervisor approved its price or discount */
            json_object_set_new(x, "approved_by", json_string(l->approved_by));
        json_array_append_new(lines, x);
    }
    for (size_t i = 0; i < s->npays; i++) {
        json_t *x = json_object();
        json_object_set_new(x, "method", json_string(s->pays[i].method));
        json_object_set_new(x, "amount", json_money(s->pays[i].amount, s->currency));
        json_object_set_new(x, "change", json_money(s->pays[i].change, s->currency));
        json_array_append_new(pays, x);
    }
    json_object_set_new(o, "lines", lines);
    json_object_set_new(o, "payments", pays);
    json_object_set_new(o, "qr", json_string(s->qr));
    json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(o);
}

/* sale show RECEIPT: a recorded sale line by line, with its approvals. */
static int show_sale(struct cli *cli, const char *receipt)
{
    static const char *const heads[] = {"line", "code", "name", "qty", "unit", "unit_price", "discount", "amount",
                                        "approved_by", "reason"};
    ent_sale *s = NULL;
    int st = cli_open(cli, ENT_OPEN_READONLY);
    if (st != 0)
        return st;
    int rc = ent_sale_get(cli->db, &s, receipt);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    if (cli->format == FORMAT_JSON) {
        json_sale(s);
        ent_sale_free(s);
        return EXIT_OK;
    }
    if (cli->format == FORMAT_TABLE) {
        char total[ENT_MONEY_TEXT_SIZE];
        fmt(total, sizeof total, s->total, s->currency);
        printf("%s %lld, %s, counter %s, cashier %s, total %s %s%s%s\n", s->is_void ? "void" : s->kind,
               (long long)s->receipt, s->time, s->counter, s->cashier, total, s->currency,
               s->approved_by[0] ? ", approved by " : "", s->approved_by);
    }
    struct cli_table *t = cli_table_new(10, heads, "n__n_nnn__");
    for (size_t i = 0; i < s->nlines; i++) {
        const ent_sale_line *l = &s->lines[i];
        char n[24], q[24], up[ENT_MONEY_TEXT_SIZE], d[ENT_MONEY_TEXT_SIZE], a[ENT_MONEY_TEXT_SIZE];
        snprintf(n, sizeof n, "%zu", i + 1);
        snprintf(q, sizeof q, "%lld", (long long)l->qty);
        fmt(up, sizeof up, l->unit_price, s->currency);
        fmt(d, sizeof d, l->discount, s->currency);
        fmt(a, sizeof a, l->amount, s->currency);
        const char *reason = l->price_reason ? l->price_reason : l->discount_reason;
        const char *cells[] = {n, l->code, l->name ? l->name : "", q, l->unit, up, d, a,
                               l->approved_by ? l->approved_by : "", reason ? reason : ""};
        cli_table_add(t, cells);
    }
    cli_table_print(cli, t, stdout);
    cli_table_free(t);
    ent_sale_free(s);
    return EXIT_OK;
}

/* sale --reprint RECEIPT: a recorded sale's (or return's) receipt again. */
static int reprint(struct cli *cli, const char *receipt, const char *paper, const char *escpos)
{
    struct till t = {.cli = cli, .escpos = escpos, .out = stdout};
    ent_sale *s = NULL;
    char why[512];
    int st = parse_paper(paper, &t.paper);
    if (st != 0 || (st = cli_open(cli, ENT_OPEN_READONLY)) != 0)
        return st;
    int rc = ent_sale_get(cli->db, &s, receipt);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    if (print_receipt(&t, s, 1, why, sizeof why) != 0)
        st = cli_error(EXIT_IO, "receipt %lld was not printed again: %s", (long long)s->receipt, why);
    ent_sale_free(s);
    return st;
}

int cmd_sale(struct cli *cli, int argc, char **argv)
{
    const char *counter = NULL, *cashier = NULL, *shelf = NULL, *paper = NULL, *escpos = NULL, *pay = NULL;
    const char *again = NULL, *codes_file = NULL, *format = NULL, *out_file = NULL;
    const struct cli_opt opts[] = {{"counter", &counter, NULL}, {"cashier", &cashier, NULL}, {"shelf", &shelf, NULL},
                                   {"paper", &paper, NULL},     {"escpos", &escpos, NULL},   {"pay", &pay, NULL},
                                   {"reprint", &again, NULL},   {"codes", &codes_file, NULL}, {"format", &format, NULL},
                                   {"out", &out_file, NULL},    {0}};
    struct cli_codes codes = {0};
    const char **pos = calloc((size_t)argc + 1, sizeof *pos); /* no cap on codes */
    char *spec = NULL;
    ent_sale *s = NULL;
    int npos = 0, rc = ENT_OK;
    int st = pos ? cli_parse(argc, argv, opts, sale_help, pos, argc, &npos) : cli_error(EXIT_IO, "out of memory");
    struct till t = {.cli = cli, .counter = counter, .cashier = cashier, .escpos = escpos, .out = stdout};
    if (st == 0)
        st = cli_refuse_empty(opts);
    if (st == 0 && (format || out_file)) {
        char v[ENT_CLIP_SIZE];
        /* The PDF is drawn by entrepot-label, the one program that links
         * cairo: it gets these very arguments. */
        if (!again || !format || !out_file || escpos || counter || cashier || pay || shelf || codes_file || npos)
            st = cli_error(EXIT_USAGE, "--format and --out go together, with --reprint RECEIPT only (and --paper)");
        else if (strcmp(format, "pdf") != 0)
            st = cli_error(EXIT_USAGE, "--format '%s' must be pdf (the text receipt needs no --format)",
                           ent_text_clip(v, sizeof v, format, 40));
        else
            st = cli_label_exec(cli, argc, argv);
        goto out;
    }
    if (st == 0 && again) {
        if (counter || cashier || pay || shelf || codes_file || npos)
            st = cli_error(EXIT_USAGE, "sale --reprint takes only the receipt number (and --paper, --escpos)");
        else
            st = reprint(cli, again, paper, escpos);
        goto out;
    }
    if (st == 0 && npos >= 1 && strcmp(pos[0], "show") == 0 && !counter && !cashier && !pay) {
        if (npos != 2 || shelf || paper || escpos || codes_file)
            st = cli_error(EXIT_USAGE, "sale show takes one receipt number or UUID, nothing else");
        else
            st = show_sale(cli, pos[1]);
        goto out;
    }
    if (st == 0 && codes_file)
        st = cli_read_codes(&codes, codes_file);
    if (st == 0 && (counter == NULL || cashier == NULL || pay == NULL || npos + codes.n == 0))
        st = cli_error(EXIT_USAGE, "sale needs --counter, --cashier, --pay and at least one CODE (see --help)");
    if (st != 0) {
        st = st < 0 ? EXIT_OK : st;
        goto out;
    }
    if ((st = parse_paper(paper, &t.paper)) != 0 || (escpos && (st = cli_check_output(cli, escpos)) != 0) ||
        (st = cli_open(cli, ENT_OPEN_DURABLE)) != 0 || (st = store_currency(cli, t.currency)) != 0)
        goto out;
    if ((rc = ent_basket_new(cli->db, &t.b, counter, cashier, shelf)) != ENT_OK)
        st = cli_fail(cli, rc);
    for (size_t i = 0; i < (size_t)npos + codes.n && st == 0; i++) {
        /* a copy that split_qty may cut, whatever its length */
        char *word = strdup(i < (size_t)npos ? pos[i] : codes.v[i - (size_t)npos]);
        const char *code;
        int64_t qty;
        if (word == NULL)
            st = cli_error(EXIT_IO, "out of memory");
        else if ((st = split_qty(word, &code, &qty)) == 0 && (rc = ent_basket_scan(t.b, NULL, code, qty)) != ENT_OK)
            st = cli_fail(cli, rc);
        free(word);
    }
    spec = st == 0 ? strdup(pay) : NULL;
    if (st == 0 && (spec == NULL || (st = take_payments(&t, spec)) != 0))
        st = st ? st : EXIT_IO;
    if (st == 0 && (st = open_journal(&t)) == 0 && (rc = ent_basket_checkout(t.b, t.j, &s)) != ENT_OK)
        st = cli_fail(cli, rc);
    if (st == 0)
        st = receipt_after_commit(&t, s);
out:
    free(spec);
    free(pos);
    cli_codes_free(&codes);
    ent_sale_free(s);
    ent_basket_free(t.b);
    ent_journal_close(t.j);
    return st;
}

/* ---- returns ------------------------------------------------------------ */

static const char return_help[] =
    "usage: entrepot return (RECEIPT | --no-receipt) [CODE[*QTY]...] --counter C1 --cashier NAME\n"
    "                       [--to LOC] [--reason TEXT] [--void] [--paper 58|80] [--escpos FILE]\n"
    "\n"
    "Takes goods back. RECEIPT is the receipt number or the sale's UUID; with no\n"
    "CODE everything on it still out comes back. Without the receipt, name the\n"
    "codes: each is matched to the latest sale of it, refunded in cash. Refunds go\n"
    "back the way the sale was paid (card and wallet first, the rest cash); never\n"
    "more than was sold, less earlier returns. Goods go to --to (a returns location)\n"
    "or where they were sold from. The RETURN is signed in the journal. --void undoes\n"
    "a whole sale of today before any of it came back (a VOID record). If the refund\n"
    "is recorded but its receipt cannot be printed, it says so and exits 4: print it\n"
    "with `entrepot sale --reprint RECEIPT`.\n"
    "A void or a return without its receipt needs a supervisor's approval where the\n"
    "store has users who may approve: the supervisor's name and password are asked\n"
    "on standard input (no echo on a terminal) and recorded with the return.\n"
    "\n"
    "examples:\n"
    "  entrepot return 42 3017620422003*1 --counter C1 --cashier 王芳 --to R-1 --reason 'broken seal'\n"
    "  entrepot return --no-receipt 5000112548167*2 --counter C1 --cashier 王芳\n";

int cmd_return(struct cli *cli, int argc, char **argv)
{
    const char *counter = NULL, *cashier = NULL, *to = NULL, *reason = NULL, *paper = NULL, *escpos = NULL;
    bool no_receipt = false, void_sale = false;
    const struct cli_opt opts[] = {{"counter", &counter, NULL}, {"cashier", &cashier, NULL},
                                   {"to", &to, NULL},           {"reason", &reason, NULL},
                                   {"paper", &paper, NULL},     {"escpos", &escpos, NULL},
                                   {"no-receipt", NULL, &no_receipt}, {"void", NULL, &void_sale}, {0}};
    const char *pos[200];
    char *words[200] = {0};
    ent_return_item items[200];
    ent_sale *s = NULL;
    int npos, st = cli_parse(argc, argv, opts, return_help, pos, 200, &npos);
    struct till t = {.cli = cli, .counter = counter, .cashier = cashier, .escpos = escpos, .out = stdout};
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    if (counter == NULL || cashier == NULL)
        return cli_error(EXIT_USAGE, "return needs --counter and --cashier (see --help)");
    if (!no_receipt && npos == 0)
        return cli_error(EXIT_USAGE, "return needs the RECEIPT number or UUID, or --no-receipt and codes");
    if (!no_receipt && pos[0][0] == '\0')
        return cli_error(EXIT_USAGE, "the RECEIPT is empty: give its number or UUID, or --no-receipt");
    if (to && *to == '\0')
        return cli_error(EXIT_USAGE, "--to is empty: give a returns, shelf or back-room location");
    int first = no_receipt ? 0 : 1;
    size_t n = 0;
    for (int i = first; i < npos; i++, n++) {
        const char *code;
        int64_t qty;
        /* The whole code, never a cut copy (which could name another one). */
        words[n] = strdup(pos[i]);
        if (words[n] == NULL) {
            st = cli_error(EXIT_IO, "out of memory");
            goto done;
        }
        if ((st = split_qty(words[n], &code, &qty)) != 0)
            goto done;
        items[n] = (ent_return_item){code, qty};
    }
    if ((st = parse_paper(paper, &t.paper)) != 0 || (escpos && (st = cli_check_output(cli, escpos)) != 0) ||
        (st = cli_open(cli, ENT_OPEN_DURABLE)) != 0 || (st = store_currency(cli, t.currency)) != 0 ||
        (st = open_journal(&t)) != 0)
        goto done;
    ent_return_req q = {.receipt = no_receipt ? NULL : pos[0], .items = items, .nitems = n, .location = to,
                        .counter = counter, .cashier = cashier, .reason = reason, .void_sale = void_sale};
    char approver[ENT_CASHIER_SIZE] = "";
    /* Asked on standard error: standard output is the receipt's (or --json's). */
    if (ent_return_needs_approval(&q) &&
        ask_approval(cli, stdin, stderr, void_sale ? "a void" : "a return without its receipt", approver) < 0) {
        st = EXIT_REFUSED;
        goto done;
    }
    q.approved_by = approver[0] ? approver : NULL;
    int rc = ent_sale_return(cli->db, &s, t.j, &q);
    if (rc != ENT_OK) {
        st = cli_fail(cli, rc);
        goto done;
    }
    st = receipt_after_commit(&t, s);
done:
    for (size_t i = 0; i < 200 && words[i]; i++)
        free(words[i]);
    ent_sale_free(s);
    ent_journal_close(t.j);
    return st;
}

/* ---- customer flow ------------------------------------------------------ */

static const char flow_help[] =
    "usage: entrepot flow import FILE.csv [--encoding utf-8|gb18030|gbk]\n"
    "       entrepot flow record --start TIME --in N [--out N] [--minutes 60] [--sensor NAME]\n"
    "\n"
    "Door-counter interval counts. The CSV header is sensor,start,minutes,in,out (any\n"
    "order); start is UTC (2026-11-28T02:00:00Z) or the store's local time\n"
    "(2026-11-28 10:00). A period sent again replaces itself (sensor + start), so a\n"
    "resent file counts once. A bad row refuses the whole file, naming the row.\n"
    "`record` enters one count by hand (sensor 'manual').\n"
    "\n"
    "examples:\n"
    "  entrepot flow import door-2026-11-28.csv\n"
    "  entrepot flow record --start '2026-11-28 10:00' --minutes 60 --in 42 --out 37\n";

int cmd_flow(struct cli *cli, int argc, char **argv)
{
    const char *start = NULL, *in = NULL, *out = NULL, *minutes = NULL, *sensor = NULL, *encoding = NULL;
    const struct cli_opt opts[] = {{"start", &start, NULL},       {"in", &in, NULL},
                                   {"out", &out, NULL},           {"minutes", &minutes, NULL},
                                   {"sensor", &sensor, NULL},     CLI_ENCODING_OPT(encoding), {0}};
    const char *pos[2];
    int npos, st = cli_parse(argc, argv, opts, flow_help, pos, 2, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    if (npos == 2 && strcmp(pos[0], "import") == 0) {
        if (pos[1][0] == '\0')
            return cli_error(EXIT_USAGE, "flow import needs the name of a CSV file");
        struct cli_input f;
        int64_t rows = 0;
        if ((st = cli_input_open(&f, pos[1], encoding)) != 0)
            return st;
        if ((st = cli_open(cli, 0)) != 0) {
            cli_input_close(&f);
            return st;
        }
        int rc = ent_flow_import_csv(cli->db, &rows, f.f);
        if (rc != ENT_OK)
            st = cli_input_fail(cli, &f, rc);
        cli_input_close(&f);
        if (rc != ENT_OK)
            return st;
        printf("imported %lld interval%s\n", (long long)rows, rows == 1 ? "" : "s");
        return EXIT_OK;
    }
    if (npos == 1 && strcmp(pos[0], "record") == 0) {
        if (encoding)
            return cli_error(EXIT_USAGE, "--encoding is for flow import (a CSV file)");
        int64_t n_in = 0, n_out = 0, mins = 60;
        if (start == NULL || in == NULL)
            return cli_error(EXIT_USAGE, "flow record needs --start TIME and --in N (see --help)");
        if ((st = cli_parse_whole(&n_in, "--in", in, 0, ENT_QTY_MAX)) != 0 ||
            (out && (st = cli_parse_whole(&n_out, "--out", out, 0, ENT_QTY_MAX)) != 0) ||
            (minutes && (st = cli_parse_whole(&mins, "--minutes", minutes, 1, 1440)) != 0))
            return st;
        if ((st = cli_open(cli, 0)) != 0)
            return st;
        int rc = ent_flow_record(cli->db, sensor, start, mins, n_in, n_out);
        if (rc != ENT_OK)
            return cli_fail(cli, rc);
        printf("recorded %lld in, %lld out at %s\n", (long long)n_in, (long long)n_out, start);
        return EXIT_OK;
    }
    return cli_error(EXIT_USAGE, "flow needs import FILE.csv or record (see --help)");
}

/* ---- reports ------------------------------------------------------------ */

static const char report_help[] =
    "usage: entrepot report sales [--by day|hour|counter|cashier|commodity|country]\n"
    "                             [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--counter C1]\n"
    "       entrepot report flow [--by hour|day] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
    "       entrepot report approvals [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--counter C1]\n"
    "       entrepot report margin [--by commodity|origin|supplier] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
    "       (each also [--excel | --xlsx FILE.xlsx]: CSV for Excel, or a workbook)\n"
    "\n"
    "sales: per row gross sales, returns (refunded on that day, hour, counter...),\n"
    "net = gross - returns; units sold, returned and net; the number of sales and of\n"
    "refunds (by day, hour, counter, cashier) or of lines sold and returned (by\n"
    "commodity, country); share_% is the row's share of the gross sales.\n"
    "flow: visitors (door counts in), sales, conversion = sales / visitors, average\n"
    "basket value and size, and the peak hour(s) marked with *. Days and hours are\n"
    "the store's local time. --json and --csv give the same rows for scripts.\n"
    "approvals: who approved what, by receipt: a line's price or discount (with the\n"
    "commodity, the line's amount and the reason), a void or a return without its\n"
    "receipt (with the refund).\n"
    "margin: revenue (less tax) of the lots sold, their landed cost and the margin,\n"
    "by commodity, origin country or supplier of the lot (the same table as\n"
    "`purchase margin`).\n"
    "\n"
    "examples:\n"
    "  entrepot report sales --by country --from 2026-11-01 --to 2026-11-30\n"
    "  entrepot report flow --by hour --from 2026-11-28 --to 2026-11-28\n"
    "  entrepot report margin --by supplier --from 2026-11-01\n"

    "  entrepot report sales --by day --xlsx sales-2026-11.xlsx\n";

struct report_ctx {
    struct cli_table *t;
    struct cli_export ex;
    char currency[ENT_CURRENCY_SIZE];
    int64_t gross, returns; /* the report's totals */
};

static int sales_row(const ent_sales_row *r, void *ud)
{
    struct report_ctx *c = ud;
    char g[ENT_MONEY_TEXT_SIZE], ret[ENT_MONEY_TEXT_SIZE], v[ENT_MONEY_TEXT_SIZE], us[24], ur[24], u[24], n[24], nr[24],
        share[16];
    fmt(g, sizeof g, r->gross, c->currency);
    fmt(ret, sizeof ret, r->returns, c->currency);
    fmt(v, sizeof v, r->value, c->currency);
    snprintf(us, sizeof us, "%lld", (long long)r->units_sold);
    snprintf(ur, sizeof ur, "%lld", (long long)r->units_returned);
    snprintf(u, sizeof u, "%lld", (long long)r->units);
    snprintf(n, sizeof n, "%lld", (long long)r->transactions);
    snprintf(nr, sizeof nr, "%lld", (long long)r->return_count);
    ent_decimal_format(share, sizeof share, r->share_bp, 2);
    const char *cells[] = {r->key, r->name ? r->name : "", g, ret, v, us, ur, u, n, nr, share};
    cli_table_add(c->t, cells);
    c->gross += r->gross; /* bounded by the library's own checked total */
    c->returns += r->returns;
    return 0;
}

static int approval_row(const ent_approval_row *r, void *ud)
{
    struct report_ctx *c = ud;
    char receipt[24], amount[ENT_MONEY_TEXT_SIZE];
    snprintf(receipt, sizeof receipt, "%lld", (long long)r->receipt);
    fmt(amount, sizeof amount, r->amount, c->currency);
    const char *cells[] = {receipt, r->time,          r->counter,      r->cashier, r->approver,
                           r->what, r->code ? r->code : "", r->name ? r->name : "", amount, r->reason ? r->reason : ""};
    cli_table_add(c->t, cells);
    return 0;
}

static int report_approvals(struct cli *cli, struct report_ctx *c, const ent_sales_query *q)
{
    static const char *const heads[] = {"receipt", "time", "counter", "cashier", "approver",
                                        "what",    "code", "name",    "amount",  "reason"};
    int st;
    if ((st = cli_open(cli, ENT_OPEN_READONLY)) != 0 || (st = store_currency(cli, c->currency)) != 0)
        return st;
    c->t = cli_table_new(10, heads, "n_______n_");
    int rc = ent_sales_approvals(cli->db, q, approval_row, c);
    st = rc == ENT_OK ? cli_export_table(cli, c->t, &c->ex, "授权") : cli_fail(cli, rc);
    cli_table_free(c->t);
    return st;
}

static int flow_row(const ent_flow_row *r, void *ud)
{
    struct report_ctx *c = ud;
    char vis[24], tx[24], conv[16] = "", val[ENT_MONEY_TEXT_SIZE], avg[ENT_MONEY_TEXT_SIZE], size[16];
    snprintf(vis, sizeof vis, "%lld", (long long)r->visitors);
    snprintf(tx, sizeof tx, "%lld", (long long)r->transactions);
    if (r->conversion_bp >= 0)
        ent_decimal_format(conv, sizeof conv, r->conversion_bp, 2);
    fmt(val, sizeof val, r->value, c->currency);
    fmt(avg, sizeof avg, r->avg_value, c->currency);
    ent_decimal_format(size, sizeof size, r->avg_units_x100, 2);
    const char *cells[] = {r->period, vis, tx, conv, val, avg, size, r->peak ? "*" : ""};
    cli_table_add(c->t, cells);
    return 0;
}

int cmd_report(struct cli *cli, int argc, char **argv)
{
    const char *by = NULL, *from = NULL, *to = NULL, *counter = NULL;
    struct report_ctx c = {0};
    const struct cli_opt opts[] = {{"by", &by, NULL},           {"from", &from, NULL}, {"to", &to, NULL},
                                   {"counter", &counter, NULL}, CLI_EXPORT_OPTS(c.ex), {0}};
    const char *pos[1];
    int npos, rc, st = cli_parse(argc, argv, opts, report_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0) /* an empty --from is no "from the start" */
        return st;
    if ((st = cli_export_check(cli, &c.ex)) != 0)
        return st;
    if (npos == 1 && strcmp(pos[0], "approvals") == 0) {
        if (by)
            return cli_error(EXIT_USAGE, "report approvals lists every approval by receipt: leave out --by");
        if (counter && *counter == '\0')
            return cli_error(EXIT_USAGE, "--counter is empty: name a counter, or leave it out for the whole store");
        return report_approvals(cli, &c, &(ent_sales_query){.from = from, .to = to, .counter = counter});
    }
    if (npos == 1 && strcmp(pos[0], "margin") == 0) {
        if (counter)
            return cli_error(EXIT_USAGE, "report margin covers the whole store: leave out --counter");
        return cli_margin_print(cli, &(ent_margin_options){.by = by, .from = from, .to = to}, &c.ex);
    }
    if (npos != 1 || (strcmp(pos[0], "sales") != 0 && strcmp(pos[0], "flow") != 0))
        return cli_error(EXIT_USAGE, "report needs sales, flow, approvals or margin (see --help)");
    if (strcmp(pos[0], "sales") == 0) {
        static const char *const names[] = {"day", "hour", "counter", "cashier", "commodity", "country"};
        size_t k = 0;
        while (by && k < 6 && strcmp(by, names[k]) != 0)
            k++;
        char v[ENT_CLIP_SIZE];
        if (by && k == 6)
            return cli_error(EXIT_USAGE, "--by '%s' must be day, hour, counter, cashier, commodity or country",
                             ent_text_clip(v, sizeof v, by, 40));
        if (counter && *counter == '\0')
            return cli_error(EXIT_USAGE, "--counter is empty: name a counter, or leave it out for the whole store");
        if ((st = cli_open(cli, ENT_OPEN_READONLY)) != 0 || (st = store_currency(cli, c.currency)) != 0)
            return st;
        static const char *const heads[] = {"key",   "name",  "gross", "returns", "net", "units_sold",
                                            "units_returned", "units_net", "sales", "refunds", "share_%"};
        const char *h[11];
        memcpy(h, heads, sizeof h);
        h[0] = by ? names[k] : "day";
        if (k >= 4) {
            h[8] = "lines";
            h[9] = "lines_returned";
        }
        c.t = cli_table_new(11, h, "__nnnnnnnnn");
        ent_sales_query q = {.by = (enum ent_sales_by)k, .from = from, .to = to, .counter = counter};
        int64_t total = 0;
        rc = ent_sales_report(cli->db, &total, &q, sales_row, &c);
        if (rc == ENT_OK && (st = cli_export_table(cli, c.t, &c.ex, "销售")) == 0) {
            if (cli->format == FORMAT_TABLE) {
                char g[ENT_MONEY_TEXT_SIZE], r[ENT_MONEY_TEXT_SIZE], net[ENT_MONEY_TEXT_SIZE];
                fmt(g, sizeof g, c.gross, c.currency);
                fmt(r, sizeof r, c.returns, c.currency);
                fmt(net, sizeof net, total, c.currency);
                printf("total: gross %s, returns %s, net %s %s\n", g, r, net, c.currency);
            }
        }
    } else {
        if (counter)
            return cli_error(EXIT_USAGE, "report flow covers the whole store: leave out --counter");
        char v[ENT_CLIP_SIZE];
        if (by && strcmp(by, "hour") != 0 && strcmp(by, "day") != 0)
            return cli_error(EXIT_USAGE, "--by '%s' must be hour or day", ent_text_clip(v, sizeof v, by, 40));
        if ((st = cli_open(cli, ENT_OPEN_READONLY)) != 0 || (st = store_currency(cli, c.currency)) != 0)
            return st;
        static const char *const heads[] = {"period", "visitors", "sales", "conversion_%", "value",
                                            "avg_basket", "avg_items", "peak"};
        c.t = cli_table_new(8, heads, "_nnnnnn_");
        ent_flow_query q = {.by_day = by && strcmp(by, "day") == 0, .from = from, .to = to};
        rc = ent_flow_report(cli->db, &q, flow_row, &c);
        if (rc == ENT_OK && (st = cli_export_table(cli, c.t, &c.ex, "客流")) == 0) {
            int hours[3];
            int64_t vis[3];
            size_t found = 0;
            if (cli->format == FORMAT_TABLE && ent_flow_peak_hours(cli->db, hours, vis, &found, 3, &q) == ENT_OK &&
                found) {
                printf("peak hours:");
                for (size_t i = 0; i < found; i++)
                    printf(" %02d:00 (%lld)", hours[i], (long long)vis[i]);
                printf("\n");
            }
        }
    }
    cli_table_free(c.t);
    return rc == ENT_OK ? st : cli_fail(cli, rc);
}
