/*
 * entrepot counter --server URL: the till against a store server. The same
 * keys as the local counter; the basket is held by the server (one per
 * counter, owned by this token), every key is one request of the JSON API.
 *
 * The HTTP/1.1 client is a small one of its own (plain http on the hall's
 * network, one connection per request, Connection: close, a body read to
 * the end): a till sends a few requests a minute, and this needs no library.
 * https is refused with a clear message: put the till on the server's
 * plain-http listener on the hall's network, or use a local TLS proxy.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "entrepot/entrepot.h"

#define REPLY_MAX (4 * 1024 * 1024)
#define TOKEN_MAX 128

struct rtill {
    char host[256], port[8], token[TOKEN_MAX];
    const char *counter;
    int columns;
    char currency[ENT_CURRENCY_SIZE];
    json_t *basket; /* the last answer that showed it */
    json_t *pays;   /* payments taken so far, sent with the last one */
    int64_t last_receipt;
    FILE *in, *out;
};

/* ---- HTTP ---------------------------------------------------------------- */

static int parse_url(struct rtill *t, const char *url)
{
    char v[ENT_CLIP_SIZE];
    if (strncmp(url, "https://", 8) == 0)
        return cli_error(EXIT_USAGE, "--server '%s': https is not spoken by the terminal counter; use the server's "
                                     "plain http listener on the hall's network (or a local TLS proxy)",
                         ent_text_clip(v, sizeof v, url, 40));
    if (strncmp(url, "http://", 7) != 0)
        return cli_error(EXIT_USAGE, "--server '%s' must be http://HOST:PORT", ent_text_clip(v, sizeof v, url, 40));
    const char *h = url + 7, *colon = strrchr(h, ':'), *end = h + strcspn(h, "/");
    if (colon == NULL || colon > end || colon == h || (size_t)(colon - h) >= sizeof t->host ||
        (size_t)(end - colon - 1) >= sizeof t->port || end == colon + 1 || (*end && strcmp(end, "/") != 0))
        return cli_error(EXIT_USAGE, "--server '%s' must be http://HOST:PORT", ent_text_clip(v, sizeof v, url, 40));
    memcpy(t->host, h, (size_t)(colon - h));
    t->host[colon - h] = '\0';
    memcpy(t->port, colon + 1, (size_t)(end - colon - 1));
    t->port[end - colon - 1] = '\0';
    return 0;
}

static int dial(struct rtill *t)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
    int fd = -1;
    if (getaddrinfo(t->host, t->port, &hints, &ai) != 0)
        return -1;
    for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(ai);
    if (fd >= 0) { /* a server that stops answering does not hang the till */
        struct timeval tv = {.tv_sec = 30};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        p += w, n -= (size_t)w;
    }
    return 0;
}

/* One request; *status and the body (malloc'd, NUL-terminated) on success. */
static int http(struct rtill *t, const char *method, const char *path, const char *body, int *status, char **out,
                size_t *out_len)
{
    char head[1024];
    size_t blen = body ? strlen(body) : 0, len = 0, cap = 8192;
    char *buf = malloc(cap);
    int fd = dial(t), rc = -1;
    *out = NULL;
    if (buf == NULL || fd < 0)
        goto done;
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: %s:%s\r\nAuthorization: Bearer %s\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     method, path, t->host, t->port, t->token, blen);
    if (n < 0 || (size_t)n >= sizeof head || send_all(fd, head, (size_t)n) != 0 ||
        (blen && send_all(fd, body, blen) != 0))
        goto done;
    for (;;) {
        if (len + 1 >= cap) {
            char *nb = cap >= REPLY_MAX ? NULL : realloc(buf, cap * 2);
            if (nb == NULL)
                goto done;
            buf = nb, cap *= 2;
        }
        ssize_t r = recv(fd, buf + len, cap - len - 1, 0);
        if (r < 0)
            goto done;
        if (r == 0)
            break;
        len += (size_t)r;
    }
    buf[len] = '\0';
    char *sep = strstr(buf, "\r\n\r\n");
    if (sep == NULL || sscanf(buf, "HTTP/1.%*d %d", status) != 1)
        goto done;
    *out_len = len - (size_t)(sep + 4 - buf);
    memmove(buf, sep + 4, *out_len + 1);
    *out = buf;
    buf = NULL;
    rc = 0;
done:
    if (fd >= 0)
        close(fd);
    free(buf);
    return rc;
}

/* A JSON request (body, may be NULL, is taken); the answer's status, *reply
 * the parsed body (or NULL).
 * A failure says why on the till's screen ("! ...") and returns -1, or the
 * status for an error the caller may handle (403 asking for approval). */
static int api(struct rtill *t, const char *method, const char *path, json_t *body, json_t **reply)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL, *resp = NULL;
    size_t len = 0;
    json_decref(body);
    int status = 0;
    *reply = NULL;
    int sent = http(t, method, path, text, &status, &resp, &len), err = errno;
    if (text) /* it may hold a supervisor's password */
        explicit_bzero(text, strlen(text));
    free(text);
    if (sent != 0) {
        fprintf(t->out, "! the server %s:%s does not answer (%s); nothing was done: try again\n", t->host, t->port,
                err ? strerror(err) : "no answer");
        return -1;
    }
    *reply = json_loadb(resp, len, 0, NULL);
    if (*reply == NULL && status < 300) /* text (a receipt): kept as a string */
        *reply = json_stringn(resp, len);
    free(resp);
    return status;
}

static const char *err_message(json_t *reply)
{
    const char *m = json_string_value(json_object_get(json_object_get(reply, "error"), "message"));
    return m ? m : "the server refused it";
}

static const char *err_code(json_t *reply)
{
    const char *c = json_string_value(json_object_get(json_object_get(reply, "error"), "code"));
    return c ? c : "";
}

/* ---- the screen -------------------------------------------------------- */

static int64_t jint(json_t *o, const char *k)
{
    return (int64_t)json_integer_value(json_object_get(o, k));
}

/* A string of the server's line into buf ("" when absent or null). */
static void jcopy(char *buf, size_t len, json_t *l, const char *key)
{
    const char *s = json_string_value(json_object_get(l, key));
    snprintf(buf, len, "%s", s ? s : "");
}

/* The server's line as the basket's own, said as the local counter says it. */
static void say_line(struct rtill *t, json_t *j)
{
    ent_basket_line l = {.qty = jint(j, "qty"), .unit_price = jint(j, "unit_price"),
                         .amount = jint(j, "amount"), .discount = jint(j, "discount")};
    if (j == NULL)
        return;
    jcopy(l.name, sizeof l.name, j, "name");
    jcopy(l.origin, sizeof l.origin, j, "origin");
    jcopy(l.unit, sizeof l.unit, j, "unit");
    jcopy(l.sell_unit_zh, sizeof l.sell_unit_zh, j, "sell_unit_zh");
    jcopy(l.discount_reason, sizeof l.discount_reason, j, "discount_reason");
    jcopy(l.approved_by, sizeof l.approved_by, j, "approved_by");
    cli_till_line(t->out, (size_t)jint(j, "line"), &l, t->currency);
}

static void say_total(struct rtill *t)
{
    char a[ENT_MONEY_TEXT_SIZE];
    size_t n = json_array_size(json_object_get(t->basket, "lines"));
    ent_money_format(a, sizeof a, jint(t->basket, "total"), t->currency);
    fprintf(t->out, "  total %s %s, %zu line%s\n", a, t->currency, n, n == 1 ? "" : "s");
}

/* Keeps a basket answer; a change takes back the payments taken so far. */
static void keep_basket(struct rtill *t, json_t *reply)
{
    json_decref(t->basket);
    t->basket = reply;
    json_array_clear(t->pays);
}

static size_t nlines(struct rtill *t)
{
    return json_array_size(json_object_get(t->basket, "lines"));
}

/* ---- keys ---------------------------------------------------------------- */

/* "#N" picks line N, else the last line; 0 after saying why when none. */
static size_t take_line(struct rtill *t, char **args)
{
    char *s = *args, *end;
    while (*s == ' ')
        s++;
    if (*s != '#')
        return nlines(t) ? nlines(t) : (fprintf(t->out, "! the basket is empty\n"), 0);
    unsigned long long n = s[1] >= '1' && s[1] <= '9' ? strtoull(s + 1, &end, 10) : 0;
    if (n == 0 || n > 500 || (*end != ' ' && *end != '\0')) {
        fprintf(t->out, "! that is no line number: #1 is the first line\n");
        return 0;
    }
    while (*end == ' ')
        end++;
    *args = end;
    return (size_t)n;
}

/* A change to line; asks for a supervisor when the server says approval is
 * needed, and sends it again with the approval. */
static void change_line(struct rtill *t, size_t line, json_t *body)
{
    char path[128];
    json_t *reply = NULL;
    snprintf(path, sizeof path, "/api/v1/counters/%s/basket/lines/%zu", t->counter, line);
    int st = api(t, "PATCH", path, json_incref(body), &reply);
    if (st == 403 && strcmp(err_code(reply), "approval_needed") == 0) {
        /* The server tells an API client what to send; the cashier is
         * asked for it below, in the local counter's words. */
        const char *m = err_message(reply), *how = strstr(m, ": send ");
        fprintf(t->out, "  %.*s\n", how ? (int)(how - m) : (int)strlen(m), m);
        char *user = cli_ask(t->in, t->out, "  supervisor: ", false),
             *pw = user ? cli_ask(t->in, t->out, "  password: ", true) : NULL;
        json_decref(reply);
        reply = NULL;
        if (pw) {
            json_object_set_new(body, "approval", json_pack("{s:s, s:s}", "user", user, "password", pw));
            memset(pw, 0, strlen(pw));
            st = api(t, "PATCH", path, json_incref(body), &reply);
            json_t *a = json_object_get(body, "approval");
            char *p = (char *)json_string_value(json_object_get(a, "password"));
            memset(p, 0, strlen(p));
        } else {
            st = -1;
        }
        free(user);
        free(pw);
    }
    json_decref(body);
    if (st == 200) {
        keep_basket(t, reply);
        say_line(t, json_array_get(json_object_get(t->basket, "lines"), line - 1));
        say_total(t);
        return;
    }
    if (st > 0)
        fprintf(t->out, "! %s\n", err_message(reply));
    json_decref(reply);
}

static void do_price(struct rtill *t, char *args, int discount)
{
    size_t line = take_line(t, &args);
    char *amount = line ? cli_next_word(&args) : NULL;
    int64_t v = 0;
    if (line == 0)
        return;
    if (amount == NULL || *args == '\0') {
        fprintf(t->out, discount ? "! disc [#N] AMOUNT|PCT%% REASON\n" : "! price [#N] AMOUNT REASON\n");
        return;
    }
    size_t n = strlen(amount);
    json_t *body = json_pack("{s:s}", "reason", args);
    if (discount && n > 1 && amount[n - 1] == '%') {
        amount[n - 1] = '\0';
        if (ent_decimal_parse(&v, amount, 2) != ENT_OK || v <= 0 || v > 10000) {
            fprintf(t->out, "! a percentage is from 0.01 to 100\n");
            json_decref(body);
            return;
        }
        json_object_set_new(body, "discount_bp", json_integer(v));
    } else if (ent_money_parse(&v, amount, t->currency) != ENT_OK) {
        fprintf(t->out, "! %s\n", ent_error_last()->message);
        json_decref(body);
        return;
    } else {
        json_object_set_new(body, discount ? "discount" : "price", json_integer(v));
    }
    change_line(t, line, body);
}

static void do_scan(struct rtill *t, char *word)
{
    char path[128], *star = strchr(word, '*');
    int64_t qty = 1;
    json_t *reply = NULL;
    if (star) { /* CODE*3 or 3*CODE */
        *star = '\0';
        const char *num = star[1] >= '0' && star[1] <= '9' && strspn(star + 1, "0123456789") == strlen(star + 1)
                              ? star + 1
                              : word;
        if (ent_whole_parse(&qty, num, 1, 100000) != ENT_OK) {
            fprintf(t->out, "! a quantity %s\n", ent_error_last()->message);
            return;
        }
        word = num == word ? star + 1 : word;
    }
    snprintf(path, sizeof path, "/api/v1/counters/%s/basket/lines", t->counter);
    int st = api(t, "POST", path, json_pack("{s:s, s:I}", "code", word, "qty", (json_int_t)qty), &reply);
    if (st == 201) {
        keep_basket(t, reply);
        say_line(t, json_array_get(json_object_get(t->basket, "lines"), nlines(t) - 1));
        say_total(t);
        return;
    }
    if (st > 0)
        fprintf(t->out, "! %s\n", err_message(reply));
    json_decref(reply);
}

static void do_subtotal(struct rtill *t)
{
    char path[128], a[ENT_MONEY_TEXT_SIZE], x[ENT_MONEY_TEXT_SIZE];
    json_t *reply = NULL;
    snprintf(path, sizeof path, "/api/v1/counters/%s/basket", t->counter);
    if (api(t, "GET", path, NULL, &reply) != 200) {
        fprintf(t->out, "! %s\n", err_message(reply));
        json_decref(reply);
        return;
    }
    json_decref(t->basket);
    t->basket = reply;
    for (size_t i = 0; i < nlines(t); i++)
        say_line(t, json_array_get(json_object_get(t->basket, "lines"), i));
    ent_money_format(a, sizeof a, jint(t->basket, "total"), t->currency);
    ent_money_format(x, sizeof x, jint(t->basket, "tax"), t->currency);
    int64_t units = jint(t->basket, "units");
    fprintf(t->out, "  subtotal %s %s (tax %s), %lld item%s\n", a, t->currency, x, (long long)units,
            units == 1 ? "" : "s");
}

static int64_t paid_so_far(struct rtill *t)
{
    int64_t sum = 0;
    for (size_t i = 0; i < json_array_size(t->pays); i++)
        sum += jint(json_array_get(t->pays, i), "amount");
    return sum;
}

static void do_pay(struct rtill *t, char *args)
{
    char *method = cli_next_word(&args), *amount = cli_next_word(&args), path[128], a[ENT_MONEY_TEXT_SIZE];
    int64_t v = 0, total = jint(t->basket, "total");
    json_t *reply = NULL;
    if (method == NULL) {
        fprintf(t->out, "! pay cash|card|wallet [AMOUNT]\n");
        return;
    }
    if (amount && (ent_money_parse(&v, amount, t->currency) != ENT_OK || v <= 0)) {
        fprintf(t->out, "! an amount paid must be money more than zero, not '%s'\n", ENT_CLIP(amount, 40));
        return;
    }
    json_array_append_new(t->pays, amount ? json_pack("{s:s, s:I}", "method", method, "amount", (json_int_t)v)
                                          : json_pack("{s:s}", "method", method));
    if (amount && paid_so_far(t) < total) {
        ent_money_format(a, sizeof a, total - paid_so_far(t), t->currency);
        fprintf(t->out, "  still due %s %s\n", a, t->currency);
        return;
    }
    snprintf(path, sizeof path, "/api/v1/counters/%s/basket/pay", t->counter);
    int st = api(t, "POST", path,
                 json_pack("{s:O, s:i}", "payments", t->pays, "columns", t->columns), &reply);
    json_array_clear(t->pays);
    if (st != 201) {
        if (st > 0)
            fprintf(t->out, "! %s\n  the basket is kept; payment taken back\n", err_message(reply));
        json_decref(reply);
        return;
    }
    t->last_receipt = jint(reply, "receipt");
    ent_money_format(a, sizeof a, jint(reply, "total"), t->currency);
    fprintf(t->out, "  sold: receipt %lld, %s %s\n", (long long)t->last_receipt, a, t->currency);
    fputs(json_string_value(json_object_get(reply, "receipt_text")) ? json_string_value(json_object_get(reply, "receipt_text")) : "",
          t->out);
    json_decref(reply);
    json_object_set_new(t->basket, "lines", json_array());
    json_object_set_new(t->basket, "total", json_integer(0));
}

static void do_reprint(struct rtill *t)
{
    char path[160];
    json_t *reply = NULL;
    if (t->last_receipt == 0) {
        fprintf(t->out, "! no sale was made at this till yet\n");
        return;
    }
    snprintf(path, sizeof path, "/api/v1/sales/%lld/receipt?columns=%d", (long long)t->last_receipt, t->columns);
    int st = api(t, "GET", path, NULL, &reply);
    if (st == 200 && json_is_string(reply))
        fputs(json_string_value(reply), t->out);
    else if (st > 0)
        fprintf(t->out, "! %s\n", err_message(reply));
    json_decref(reply);
}

/* Opens (or, with drop, first abandons) the counter's basket. */
static int open_basket(struct rtill *t, const char *shelf, int drop)
{
    char path[128];
    json_t *reply = NULL;
    snprintf(path, sizeof path, "/api/v1/counters/%s/basket", t->counter);
    if (drop) {
        api(t, "DELETE", path, NULL, &reply);
        json_decref(reply);
    }
    int st = api(t, "POST", path, shelf ? json_pack("{s:s}", "shelf", shelf) : json_object(), &reply);
    if (st < 0)
        cli_error(EXIT_IO, "the server %s:%s does not answer: nothing was done", t->host, t->port);
    if (st != 200 && st != 201) {
        if (st > 0)
            cli_error(st == 401 || st == 403 ? EXIT_REFUSED : EXIT_USAGE, "%s", err_message(reply));
        json_decref(reply);
        return st < 0 ? EXIT_IO : st == 401 || st == 403 || st == 409 ? EXIT_REFUSED : EXIT_USAGE;
    }
    keep_basket(t, reply);
    snprintf(t->currency, sizeof t->currency, "%s", json_string_value(json_object_get(reply, "currency")));
    return 0;
}

static int remote_line(struct rtill *t, char *line)
{
    char *args = line, *word = cli_next_word(&args);
    if (word == NULL)
        return 0;
    if (strcmp(word, "quit") == 0 || strcmp(word, "exit") == 0)
        return 1;
    if (strcmp(word, "help") == 0 || strcmp(word, "?") == 0) {
        fputs("  CODE[*N] | *N | del [#N] | price [#N] AMOUNT REASON | disc [#N] AMOUNT|PCT% REASON | sub |\n"
              "  pay cash|card|wallet [AMOUNT] | cancel | reprint | quit\n",
              t->out);
    } else if (word[0] == '*') {
        int64_t q;
        if (nlines(t) == 0 || ent_whole_parse(&q, word + 1, 1, 1000000) != ENT_OK)
            fprintf(t->out, "! *N makes the last line N (a whole number of 1 or more)\n");
        else
            change_line(t, nlines(t), json_pack("{s:I}", "qty", (json_int_t)q));
    } else if (strcmp(word, "del") == 0) {
        size_t n = take_line(t, &args);
        char path[128];
        json_t *reply = NULL;
        snprintf(path, sizeof path, "/api/v1/counters/%s/basket/lines/%zu", t->counter, n);
        int st = n ? api(t, "DELETE", path, NULL, &reply) : -1;
        if (st == 200) {
            keep_basket(t, reply);
            say_total(t);
        } else {
            if (st > 0)
                fprintf(t->out, "! %s\n", err_message(reply));
            json_decref(reply);
        }
    } else if (strcmp(word, "price") == 0 || strcmp(word, "disc") == 0) {
        do_price(t, args, word[0] == 'd');
    } else if (strcmp(word, "sub") == 0 || strcmp(word, "subtotal") == 0) {
        do_subtotal(t);
    } else if (strcmp(word, "pay") == 0) {
        do_pay(t, args);
    } else if (strcmp(word, "cancel") == 0) {
        if (open_basket(t, NULL, 1) == 0)
            fprintf(t->out, "  basket cancelled\n");
    } else if (strcmp(word, "reprint") == 0) {
        do_reprint(t);
    } else if (*args == '\0') {
        do_scan(t, word);
    } else {
        fprintf(t->out, "! '%s' is not understood (help lists what is)\n", ENT_CLIP(word, 40));
    }
    return 0;
}

/* The token: --token-file, else $ENTREPOT_TOKEN, else --token (seen by
 * anyone who lists the processes: the others are preferred). Never shown. */
static int read_token(struct rtill *t, const char *file, const char *arg)
{
    const char *env = getenv("ENTREPOT_TOKEN");
    if (file) {
        FILE *f = fopen(file, "r");
        if (f == NULL)
            return cli_error(EXIT_IO, "--token-file %s cannot be read: %s", ENT_CLIP(file, 40), strerror(errno));
        if (fgets(t->token, sizeof t->token, f) == NULL)
            t->token[0] = '\0';
        fclose(f);
        t->token[strcspn(t->token, "\r\n")] = '\0';
    } else if (env && *env) {
        snprintf(t->token, sizeof t->token, "%s", env);
    } else if (arg) {
        snprintf(t->token, sizeof t->token, "%s", arg);
    }
    if (t->token[0] == '\0' || strspn(t->token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") !=
                                   strlen(t->token))
        return cli_error(EXIT_USAGE, "the counter needs an API token (entrepot token add): --token-file FILE, "
                                     "ENTREPOT_TOKEN, or --token");
    return 0;
}

static const char remote_help[] =
    "usage: entrepot counter --server http://HOST:PORT --counter C1 [--token-file FILE | --token T]\n"
    "                        [--shelf LOC] [--paper 58|80]\n"
    "The till against a store server (entrepot serve): the same keys as the local\n"
    "counter (help lists them). The API token comes from --token-file, else from\n"
    "ENTREPOT_TOKEN, else --token; it is never shown. A price override or a discount\n"
    "above the store's limit asks for a supervisor's name and password.\n";

int cmd_counter_remote(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    const char *server = NULL, *counter = NULL, *token = NULL, *token_file = NULL, *shelf = NULL, *paper = NULL;
    const struct cli_opt opts[] = {{"server", &server, NULL}, {"counter", &counter, NULL},
                                   {"token", &token, NULL},   {"token-file", &token_file, NULL},
                                   {"shelf", &shelf, NULL},   {"paper", &paper, NULL},
                                   {0}};
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, opts, remote_help, pos, 0, &npos);
    struct rtill t = {.counter = counter, .columns = 48, .in = stdin, .out = stdout, .pays = json_array()};
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    if (st != 0 || (st = cli_refuse_empty(opts)) != 0)
        goto done;
    if (counter == NULL || server == NULL) {
        st = cli_error(EXIT_USAGE, "counter --server needs --counter C1 (see --help)");
        goto done;
    }
    if (paper && strcmp(paper, "58") != 0 && strcmp(paper, "80") != 0) {
        st = cli_error(EXIT_USAGE, "--paper '%s' must be 58 or 80", ENT_CLIP(paper, 40));
        goto done;
    }
    t.columns = paper && strcmp(paper, "58") == 0 ? 32 : 48;
    if ((st = parse_url(&t, server)) != 0 || (st = read_token(&t, token_file, token)) != 0 ||
        (st = open_basket(&t, shelf, 0)) != 0)
        goto done;
    setvbuf(stdout, NULL, _IOLBF, 0);
    fprintf(t.out, "counter %s, cashier %s, server %s:%s: scan, or type help\n", counter,
            json_string_value(json_object_get(t.basket, "cashier")), t.host, t.port);
    for (;;) {
        if (isatty(STDIN_FILENO)) {
            fputs("> ", t.out);
            fflush(t.out);
        }
        ssize_t n = cli_read_line(stdin, &line, &cap, &lineno);
        if (n < 0) {
            st = n == -2 ? EXIT_USAGE : 0;
            break;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (remote_line(&t, line))
            break;
    }
    /* The counter is freed for the next till session. */
    char path[128];
    json_t *reply = NULL;
    if (nlines(&t) > 0)
        fprintf(t.out, "  basket cancelled (not paid)\n");
    snprintf(path, sizeof path, "/api/v1/counters/%s/basket", t.counter);
    api(&t, "DELETE", path, NULL, &reply);
    json_decref(reply);
done:
    memset(t.token, 0, sizeof t.token);
    free(line);
    json_decref(t.basket);
    json_decref(t.pays);
    return st < 0 ? EXIT_OK : st;
}
