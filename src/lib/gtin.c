/* GTIN check digits and normalisation to 14 digits (GS1 General Specifications 7.9). */
#include <stdio.h>
#include <string.h>

#include "entrepot/scan.h"
#include "internal.h"

int ent_gs1_check_digit(const char *s, size_t n)
{
    int sum = 0;
    /* Weights 3,1,3,1... from the rightmost digit of the data leftwards, so
     * the leftmost digit weighs 3 when n is odd. 3 ^ 2 == 1 and 1 ^ 2 == 3. */
    int w = (n % 2) ? 3 : 1;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9)
            return -1;
        sum += (int)d * w;
        w ^= 2;
    }
    return '0' + (10 - sum % 10) % 10;
}

/* report: whether a refusal leaves its words (entx_gtin_check only needs
 * the answer). */
static int normalize(char out[ENT_GTIN_SIZE], const char *code, bool report)
{
    size_t n = code ? strlen(code) : 0;
    for (size_t i = 0; i < n; i++) {
        if (code[i] < '0' || code[i] > '9') {
            return !report ? ENT_INVALID : entx_error_set(ENT_INVALID, "GTIN %s: '%c' is not a digit", ENT_CLIP(code, 40),
                                  (code[i] >= 0x20 && code[i] < 0x7f) ? code[i] : '?');
        }
    }
    if (n != 8 && n != 12 && n != 13 && n != 14) {
        return !report ? ENT_INVALID : entx_error_set(ENT_INVALID, "GTIN %s: %zu digits, expected 8, 12, 13 or 14", ENT_CLIP(code, 40), n);
    }
    /* All zeros passes the check digit but names nothing: GS1 never issues it,
     * and a scanner or keyboard fault is what produces it. */
    if (strspn(code, "0") == n) {
        return !report ? ENT_INVALID : entx_error_set(ENT_INVALID, "GTIN %s: all zeros is not a GTIN", code);
    }
    int cd = ent_gs1_check_digit(code, n - 1);
    if (cd != code[n - 1]) {
        return !report ? ENT_INVALID : entx_error_set(ENT_INVALID, "GTIN %s: check digit should be %c", code, cd);
    }
    memset(out, '0', 14 - n);
    memcpy(out + 14 - n, code, n);
    out[14] = '\0';
    return ENT_OK;
}

/*
 * GS1 General Specifications 7.9.3. Each digit of a price or weight field is
 * replaced by a "weighted product" whose definition depends on its position:
 *   2-  units digit of (2d - tens digit of 2d)
 *   3   3d (only its units digit matters: the sum is taken mod 10)
 *   5+  units digit of (5d + tens digit of 5d)
 *   5-  units digit of (5d - tens digit of 5d)
 * Four digits are weighted 2- 2- 3 5- and the check digit is the units
 * digit of 3 x the sum. Five digits are weighted 5+ 2- 5- 5+ 2-; the sum is
 * taken up to the next multiple of ten, and the check digit is the digit
 * whose 5- product equals that difference.
 */
static int wp_2minus(int d)
{
    int p = 2 * d;
    return (p - p / 10 + 10) % 10;
}

static int wp_5plus(int d)
{
    int p = 5 * d;
    return (p + p / 10) % 10;
}

static int wp_5minus(int d)
{
    int p = 5 * d;
    return (p - p / 10 + 10) % 10;
}

int ent_gs1_price_check_digit(const char *s, size_t n)
{
    int d[5];
    if (s == NULL || (n != 4 && n != 5))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        d[i] = s[i] - '0';
    }
    if (n == 4) {
        int sum = wp_2minus(d[0]) + wp_2minus(d[1]) + 3 * d[2] + wp_5minus(d[3]);
        return '0' + (sum * 3) % 10;
    }
    int sum = wp_5plus(d[0]) + wp_2minus(d[1]) + wp_5minus(d[2]) + wp_5plus(d[3]) + wp_2minus(d[4]);
    int want = (10 - sum % 10) % 10;
    /* 5- maps the ten digits one-to-one, so exactly one digit fits. */
    for (int c = 0; c < 10; c++)
        if (wp_5minus(c) == want)
            return '0' + c;
    return -1;
}

int ent_upce_expand(char out[13], const char *s)
{
    if (s == NULL)
        return ENT_INVALID;
    for (int i = 0; i < 8; i++)
        if (s[i] < '0' || s[i] > '9')
            return ENT_INVALID;
    if (s[8] != '\0' || (s[0] != '0' && s[0] != '1'))
        return ENT_INVALID;
    /* The last of the six digits says where the zeros that UPC-E suppressed go. */
    const char *d = s + 1;
    char m[11];
    switch (d[5]) {
    case '0':
    case '1':
    case '2':
        memcpy(m, (const char[]){d[0], d[1], d[5], '0', '0', '0', '0', d[2], d[3], d[4]}, 10);
        break;
    case '3':
        memcpy(m, (const char[]){d[0], d[1], d[2], '0', '0', '0', '0', '0', d[3], d[4]}, 10);
        break;
    case '4':
        memcpy(m, (const char[]){d[0], d[1], d[2], d[3], '0', '0', '0', '0', '0', d[4]}, 10);
        break;
    default:
        memcpy(m, (const char[]){d[0], d[1], d[2], d[3], d[4], '0', '0', '0', '0', d[5]}, 10);
        break;
    }
    out[0] = s[0];
    memcpy(out + 1, m, 10);
    out[11] = s[7];
    out[12] = '\0';
    return ENT_OK;
}

int ent_gtin_normalize(char out[15], const char *code)
{
    ent_error_clear();
    return normalize(out, code, true);
}

int entx_gtin_check(char out[15], const char *code)
{
    return normalize(out, code, false);
}
