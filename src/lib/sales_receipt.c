/* Sales: receipts as plain text for 58 mm and 80 mm paper, and as ESC/POS. */
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/country.h"
#include "entrepot/money.h"
#include "sales_internal.h"

struct out {
    char *p;
    size_t len, cap;
    int failed;
};

static void put(struct out *o, const void *data, size_t n)
{
    if (o->failed)
        return;
    if (o->len + n + 1 > o->cap) {
        size_t cap = (o->cap ? o->cap * 2 : 1024) + n;
        char *np = realloc(o->p, cap);
        if (np == NULL) {
            o->failed = 1;
            return;
        }
        o->p = np;
        o->cap = cap;
    }
    memcpy(o->p + o->len, data, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static int width(const char *s)
{
    int w = 0, len;
    for (const unsigned char *p = (const unsigned char *)s; *p; p += len)
        w += ent_text_cells((const char *)p, &len);
    return w;
}

/* Bytes of s that fit in max cells, never cutting a character. */
static size_t fit(const char *s, int max, int *used)
{
    int w = 0, len;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int c = ent_text_cells((const char *)p, &len);
        if (w + c > max)
            break;
        w += c;
        p += len;
    }
    if (used)
        *used = w;
    return (size_t)(p - (const unsigned char *)s);
}

static void spaces(struct out *o, int n)
{
    for (int i = 0; i < n; i++)
        put(o, " ", 1);
}

/* Bytes of s to put on a line of max cells: up to the last space that fits
 * (words stay whole), else as many characters as fit, and at least one
 * character so that the text always moves on. */
static size_t break_at(const char *s, int max)
{
    size_t n = fit(s, max, NULL), len = strlen(s);
    if (n == len)
        return n;
    for (size_t i = n; i > 0; i--)
        if (s[i] == ' ' && s[i - 1] != ' ')
            return i;
    if (n == 0) {
        int l;
        ent_text_cells((const char *)s, &l);
        n = (size_t)l;
    }
    return n;
}

/*
 * One entry: left text, right text flush right. Nothing is ever cut: when
 * both do not fit on one line, the left text wraps onto more lines
 * (indented like its first), and the right text goes flush right on the
 * last line if there is room, else on a line of its own, as printed
 * receipts do.
 */
static void row(struct out *o, int cols, const char *left, const char *right)
{
    int rw = width(right), indent = 0;
    while (left[indent] == ' ' && indent < cols / 4)
        indent++;
    const char *s = left;
    for (int first = 1;; first = 0) {
        int pad = first ? 0 : indent, lw = width(s);
        if (pad + lw + (rw ? rw + 1 : 0) <= cols) {
            spaces(o, pad);
            puts_(o, s);
            if (rw) /* no trailing blanks on a line with nothing right */
                spaces(o, cols - pad - lw - rw);
            puts_(o, right);
            put(o, "\n", 1);
            return;
        }
        size_t n = lw + pad <= cols ? strlen(s) : break_at(s, cols - pad);
        spaces(o, pad);
        put(o, s, n);
        put(o, "\n", 1);
        s += n;
        while (*s == ' ')
            s++;
        if (*s == '\0') {
            if (rw) {
                spaces(o, cols - rw);
                puts_(o, right);
                put(o, "\n", 1);
            }
            return;
        }
    }
}

/* Centred, wrapped onto more lines when longer than one. */
static void center(struct out *o, int cols, const char *s)
{
    while (*s) {
        size_t n = break_at(s, cols);
        int w = 0, len;
        for (size_t i = 0; i < n; i += (size_t)len)
            w += ent_text_cells((const char *)s + i, &len);
        spaces(o, (cols - w) / 2);
        put(o, s, n);
        put(o, "\n", 1);
        s += n;
        while (*s == ' ')
            s++;
    }
}

/* Text longer than a line, broken into lines (for the UUID and the QR data). */
static void wrap(struct out *o, int cols, const char *s)
{
    while (*s) {
        size_t n = fit(s, cols, NULL);
        if (n == 0)
            break;
        put(o, s, n);
        put(o, "\n", 1);
        s += n;
    }
}

static void rule(struct out *o, int cols, char c)
{
    for (int i = 0; i < cols; i++)
        put(o, &c, 1);
    put(o, "\n", 1);
}

static void money(char *buf, size_t len, int64_t v, const char *cur)
{
    if (ent_money_format(buf, len, v, cur) < 0)
        snprintf(buf, len, "%lld", (long long)v);
}

static const char *method_name(const char *m)
{
    if (strcmp(m, "cash") == 0)
        return "现金 Cash";
    if (strcmp(m, "card") == 0)
        return "银行卡 Card";
    if (strcmp(m, "wallet") == 0)
        return "移动支付 Wallet";
    return m;
}

/* A tax rate in basis points as people write it: 13%, 9.5%. */
static void rate_text(char *buf, size_t len, int32_t rate)
{
    if (rate % 100 == 0) {
        snprintf(buf, len, "%d%%", (int)(rate / 100));
        return;
    }
    char d[16];
    ent_decimal_format(d, sizeof d, rate, 2);
    size_t n = strlen(d);
    while (n > 0 && d[n - 1] == '0')
        d[--n] = '\0';
    snprintf(buf, len, "%s%%", d);
}

/*
 * Each line: the name (wrapped, never cut), then quantity x price and the
 * origin of its lot with the amount and tax rate flush right; on 58 mm
 * paper a weighed line (0.523 kg x 298.00/kg 美国) leaves no room for the
 * amount, which then goes on a line of its own below.
 */
static void line_items(struct out *o, int cols, const ent_sale *s)
{
    char a[ENT_MONEY_TEXT_SIZE], p[ENT_MONEY_TEXT_SIZE], d[ENT_MONEY_TEXT_SIZE], r[16], buf[256];
    for (size_t i = 0; i < s->nlines; i++) {
        const ent_sale_line *l = &s->lines[i];
        const ent_country *c = NULL;
        const char *origin = ent_country_lookup(&c, l->origin) == ENT_OK ? c->name_zh : l->origin;
        row(o, cols, l->name ? l->name : l->code, "");
        money(a, sizeof a, l->amount, s->currency);
        money(p, sizeof p, l->unit_price, s->currency);
        if (strcmp(l->unit, "pcs") == 0 && l->sell_unit_zh[0]) {
            /* 2瓶 x 12.50/瓶: the unit the customer took home, priced per it. */
            snprintf(buf, sizeof buf, "  %lld%s x %s/%s %s", (long long)l->qty, l->sell_unit_zh, p, l->sell_unit_zh,
                     origin);
        } else if (strcmp(l->unit, "pcs") == 0) {
            snprintf(buf, sizeof buf, "  %lld x %s %s", (long long)l->qty, p, origin);
        } else {
            char q[ENT_MONEY_TEXT_SIZE];
            ent_decimal_format(q, sizeof q, l->qty < 0 ? -l->qty : l->qty, 3);
            snprintf(buf, sizeof buf, "  %s%s %s x %s/%s %s", l->qty < 0 ? "-" : "", q,
                     strcmp(l->unit, "g") == 0 ? "kg" : "l", p, strcmp(l->unit, "g") == 0 ? "kg" : "l", origin);
        }
        char right[48];
        rate_text(r, sizeof r, l->tax_rate);
        snprintf(right, sizeof right, "%s %s", a, r);
        row(o, cols, buf, right);
        if (l->discount && l->qty > 0) {
            money(d, sizeof d, -l->discount, s->currency);
            snprintf(buf, sizeof buf, "  优惠 %s", l->discount_reason ? l->discount_reason : "");
            row(o, cols, buf, d);
        }
        if (l->price_reason) {
            snprintf(buf, sizeof buf, "  改价 %s", l->price_reason);
            row(o, cols, buf, "");
        }
        if (l->approved_by) {
            snprintf(buf, sizeof buf, "  批准 Approved %s", l->approved_by);
            row(o, cols, buf, "");
        }
    }
}

static void totals(struct out *o, int cols, const ent_sale *s)
{
    char a[ENT_MONEY_TEXT_SIZE], b[ENT_MONEY_TEXT_SIZE], buf[128];
    rule(o, cols, '-');
    money(a, sizeof a, s->total, s->currency);
    snprintf(buf, sizeof buf, "%s %s", a, s->currency);
    row(o, cols, strcmp(s->kind, "return") == 0 ? "退款合计 REFUND" : "合计 TOTAL", buf);
    snprintf(buf, sizeof buf, "%lld", (long long)s->units);
    row(o, cols, "件数 Items", buf);
    for (size_t i = 0; i < s->ntaxes; i++) {
        money(a, sizeof a, s->taxes[i].tax, s->currency);
        money(b, sizeof b, s->taxes[i].gross, s->currency);
        char r[16];
        rate_text(r, sizeof r, s->taxes[i].rate);
        snprintf(buf, sizeof buf, "税 Tax %s of %s", r, b);
        row(o, cols, buf, a);
    }
    for (size_t i = 0; i < s->npays; i++) {
        const ent_sale_pay *p = &s->pays[i];
        money(a, sizeof a, p->tendered > 0 ? p->tendered : p->amount, s->currency);
        row(o, cols, method_name(p->method), a);
        if (p->change > 0) {
            money(a, sizeof a, p->change, s->currency);
            row(o, cols, "找零 Change", a);
        }
    }
}

static int build(ent_db *db, struct out *o, const ent_sale *s, int cols, bool reprint, bool with_qr_text)
{
    char buf[256];
    if (s == NULL || (cols != 32 && cols != 48))
        return entx_fail(db, ENT_INVALID, "a receipt is 32 (58 mm) or 48 (80 mm) columns wide");
    center(o, cols, s->store_name ? s->store_name : s->store);
    if (reprint)
        center(o, cols, "*** 重印 REPRINT ***");
    if (s->is_void)
        center(o, cols, "*** 作废 VOID ***");
    else if (strcmp(s->kind, "return") == 0)
        center(o, cols, "*** 退货 RETURN ***");
    /* Local day and hour; the minutes are the UTC ones, which holds for every
     * zone a whole number of hours from UTC (China's included). */
    snprintf(buf, sizeof buf, "%s  %s %02d:%.2s", s->store, s->day, s->hour, s->time + 14);
    row(o, cols, buf, "");
    snprintf(buf, sizeof buf, "收银台 Counter %s  收银员 %s", s->counter, s->cashier);
    row(o, cols, buf, "");
    snprintf(buf, sizeof buf, "小票 Receipt No. %lld", (long long)s->receipt);
    row(o, cols, buf, "");
    if (s->ref_receipt) {
        snprintf(buf, sizeof buf, "原小票 Original No. %lld", (long long)s->ref_receipt);
        row(o, cols, buf, "");
    }
    if (s->note && strcmp(s->kind, "return") == 0) {
        snprintf(buf, sizeof buf, "原因 Reason: %s", s->note);
        wrap(o, cols, buf);
    }
    if (s->approved_by[0]) {
        snprintf(buf, sizeof buf, "批准 Approved %s", s->approved_by);
        row(o, cols, buf, "");
    }
    rule(o, cols, '-');
    line_items(o, cols, s);
    totals(o, cols, s);
    rule(o, cols, '-');
    wrap(o, cols, s->uuid);
    if (with_qr_text) {
        puts_(o, "QR:\n");
        wrap(o, cols, s->qr);
    }
    center(o, cols, "谢谢惠顾 Thank you");
    if (o->failed)
        return entx_fail(db, ENT_ERROR, "out of memory");
    return ENT_OK;
}

int ent_receipt_text(ent_db *db, char **out, const ent_sale *s, int columns, bool reprint)
{
    struct out o = {0};
    *out = NULL;
    entx_ok(db);
    int rc = build(db, &o, s, columns, reprint, true);
    if (rc != ENT_OK) {
        free(o.p);
        return rc;
    }
    *out = o.p;
    return ENT_OK;
}

/* UTF-8 to GB18030, the encoding Chinese receipt printers take in their
 * Chinese mode; a byte that does not convert becomes '?'. */
static void put_gb(struct out *o, const char *s, size_t n)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    if (cd == (iconv_t)-1) {
        put(o, s, n);
        return;
    }
    char *in = (char *)s;
    size_t left = n;
    while (left > 0 && !o->failed) {
        char buf[512], *outp = buf;
        size_t room = sizeof buf;
        size_t r = iconv(cd, &in, &left, &outp, &room);
        put(o, buf, (size_t)(outp - buf));
        if (r == (size_t)-1 && outp == buf) {
            put(o, "?", 1);
            in++;
            left--;
        }
    }
    iconv_close(cd);
}

int ent_receipt_escpos(ent_db *db, unsigned char **out, size_t *len, const ent_sale *s, int columns, bool reprint)
{
    struct out text = {0}, o = {0};
    *out = NULL;
    *len = 0;
    entx_ok(db);
    int rc = build(db, &text, s, columns, reprint, false);
    if (rc != ENT_OK)
        goto done;
    static const unsigned char init[] = {0x1b, '@', 0x1c, '&'}; /* ESC @ reset, FS & Chinese mode */
    put(&o, init, sizeof init);
    put_gb(&o, text.p, text.len);
    /* The QR code: GS ( k, model 2, module size 5, error correction M,
     * store the data, print it (Epson's function 165-181). */
    size_t qn = strlen(s->qr) + 3;
    const unsigned char model[] = {0x1d, '(', 'k', 4, 0, 49, 65, 50, 0};
    const unsigned char size[] = {0x1d, '(', 'k', 3, 0, 49, 67, 5};
    const unsigned char level[] = {0x1d, '(', 'k', 3, 0, 49, 69, 49};
    const unsigned char store[] = {0x1d, '(', 'k', (unsigned char)(qn & 0xff), (unsigned char)(qn >> 8), 49, 80, 48};
    const unsigned char print[] = {0x1d, '(', 'k', 3, 0, 49, 81, 48};
    const unsigned char centre[] = {0x1b, 'a', 1}, left[] = {0x1b, 'a', 0};
    const unsigned char cut[] = {'\n', '\n', '\n', 0x1d, 'V', 66, 0};
    put(&o, centre, sizeof centre);
    put(&o, model, sizeof model);
    put(&o, size, sizeof size);
    put(&o, level, sizeof level);
    put(&o, store, sizeof store);
    puts_(&o, s->qr);
    put(&o, print, sizeof print);
    put(&o, left, sizeof left);
    put(&o, cut, sizeof cut);
    if (o.failed) {
        rc = entx_fail(db, ENT_ERROR, "out of memory");
        goto done;
    }
    *out = (unsigned char *)o.p;
    *len = o.len;
    o.p = NULL;
done:
    free(text.p);
    free(o.p);
    return rc;
}
