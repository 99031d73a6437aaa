/* Text: UTF-8 checked, and user input clipped on a character boundary for messages. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Length of the well-formed UTF-8 character at s (1-4), or 0 when the bytes
 * there are not one (a stray continuation byte, an overlong form, a
 * surrogate, a character cut off by the end of the string). */
static size_t utf8_char(const unsigned char *s)
{
    unsigned c = s[0], cp, min;
    size_t n;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 1, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        n = 2, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 3, min = 0x10000;
    else
        return 0;
    cp = c & (0x3f >> n);
    for (size_t i = 1; i <= n; i++) {
        if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n + 1;
}

int ent_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n;
        unsigned min;
        if (c < 0x80) {
            /* Runs of ASCII, the common case, eight bytes at a time. */
            uint64_t w;
            while (i + 8 <= len && (memcpy(&w, s + i, 8), (w & 0x8080808080808080ull) == 0))
                i += 8;
            if (i < len && s[i] < 0x80)
                i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            n = 1, min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2, min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3, min = 0x10000;
        } else {
            return 0;
        }
        if (i + n >= len)
            return 0;
        unsigned cp = c & (0x3f >> n);
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += n + 1;
    }
    return 1;
}

/* Bytes of an API token's secret at p (user_auth.c: "ent_" and 43
 * base64url characters), or 0. A secret pasted where a name or number was
 * wanted must not reach a message or a log, not even its first 40 characters. */
static size_t token_secret(const unsigned char *p)
{
    static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    if (strncmp((const char *)p, ENTX_TOKEN_PREFIX, strlen(ENTX_TOKEN_PREFIX)) != 0)
        return 0;
    size_t n = strspn((const char *)p + strlen(ENTX_TOKEN_PREFIX), b64url);
    return n >= ENTX_TOKEN_CHARS ? strlen(ENTX_TOKEN_PREFIX) + n : 0;
}

const char *ent_text_clip(char *buf, size_t len, const char *s, size_t max_chars)
{
    static const char more[] = "…";
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t used = 0, chars = 0;
    if (buf == NULL || len == 0)
        return "";
    buf[0] = '\0';
    /* Room is kept for the ellipsis and the NUL whatever comes. */
    if (len < sizeof more + 1)
        return buf;
    size_t room = len - sizeof more;
    while (*p) {
        char piece[8];
        size_t n = utf8_char(p), w, secret = token_secret(p);
        if (secret > 0) {
            snprintf(piece, sizeof piece, "%s", ENTX_TOKEN_SHOWN);
            w = strlen(piece);
            n = secret;
        } else if (n == 0 || *p < 0x20 || *p == 0x7f) {
            /* A byte that is no character, or a control character, is shown
             * by its value: the message stays valid UTF-8 and one line. */
            snprintf(piece, sizeof piece, "\\x%02X", *p);
            w = 4;
            n = 1;
        } else {
            memcpy(piece, p, n);
            w = n;
        }
        if (chars + 1 > max_chars || used + w > room) {
            memcpy(buf + used, more, sizeof more); /* with its NUL */
            return buf;
        }
        memcpy(buf + used, piece, w);
        used += w;
        chars++;
        p += n;
    }
    buf[used] = '\0';
    return buf;
}

void entx_text_trim_cut(char *s, size_t len)
{
    /* vsnprintf filled the whole buffer: it may have stopped inside a
     * character. Cut at a character boundary that leaves room for "…". */
    static const char more[] = "…";
    if (s == NULL || len == 0 || strnlen(s, len) + 1 < len)
        return;
    int room = len >= sizeof more;
    size_t end = room ? len - sizeof more : len - 1;
    while (end > 0 && ((unsigned char)s[end] & 0xc0) == 0x80)
        end--;
    if (room)
        memcpy(s + end, more, sizeof more);
    else
        s[end] = '\0';
}

int ent_text_cells(const char *str, int *len)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned cp;
    int n;
    if (*s < 0x80) { cp = *s; n = 1; }
    else if ((*s & 0xe0) == 0xc0) { cp = *s & 0x1f; n = 2; }
    else if ((*s & 0xf0) == 0xe0) { cp = *s & 0x0f; n = 3; }
    else { cp = *s & 0x07; n = 4; }
    int i = 1;
    for (; i < n && s[i]; i++)
        cp = (cp << 6) | (s[i] & 0x3f);
    if (len)
        *len = *s ? i : 0;
    /* East Asian wide and fullwidth characters take two cells on paper as
     * on a terminal (a 58 mm printer prints 32 Latin or 16 Chinese). */
    if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
        (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
        (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd))
        return 2;
    return cp >= 0x20 ? 1 : 0;
}
