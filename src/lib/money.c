/* Money in integer minor units and exact decimals: parsing and formatting. */
#include <stdio.h>
#include <string.h>

#include "entrepot/country.h"
#include "entrepot/money.h"
#include "entrepot/parse.h"
#include "internal.h"

/* Parses [-]digits[.digits] into value * 10^scale. Returns ENT_OK, or
 * ENT_INVALID with the reason in *why. A comma is refused: "12,50" is 12.50 in much of the
 * world and 1250 in the rest, so no reading of it is safe. */
static int parse_scaled(int64_t *out, const char *s, int scale, int allow_negative, const char **why)
{
    int neg = 0, digits = 0, frac = -1;
    int64_t v = 0;
    *why = "is not a number";
    if (s == NULL || *s == '\0')
        return ENT_INVALID;
    if (*s == '-') {
        if (!allow_negative) {
            *why = "must not be negative";
            return ENT_INVALID;
        }
        neg = 1;
        s++;
    }
    for (; *s; s++) {
        if (*s == ',') {
            *why = "has a comma";
            return ENT_INVALID;
        }
        if (*s == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (*s < '0' || *s > '9')
            return ENT_INVALID;
        if (frac >= 0 && ++frac > scale) {
            *why = scale == 0 ? "takes no fraction digits" : "has too many fraction digits";
            return ENT_INVALID;
        }
        if (v > (INT64_MAX - 9) / 10) {
            *why = "is too large";
            return ENT_INVALID;
        }
        v = v * 10 + (*s - '0');
        digits++;
    }
    if (digits == 0)
        return ENT_INVALID;
    for (int i = frac < 0 ? 0 : frac; i < scale; i++) {
        if (v > INT64_MAX / 10) {
            *why = "is too large";
            return ENT_INVALID;
        }
        v *= 10;
    }
    *out = neg ? -v : v;
    return ENT_OK;
}

/* "12,50" -> "12.50" when that is the only comma and there is no point. */
static void comma_hint(char *buf, size_t len, const char *text)
{
    const char *c = strchr(text, ',');
    if (c && strchr(c + 1, ',') == NULL && strchr(text, '.') == NULL && c > text && c[1] &&
        strspn(text, "-0123456789,") == strlen(text) && strlen(text) < len) {
        snprintf(buf, len, "use a point: %.*s.%s", (int)(c - text), text, c + 1);
        return;
    }
    snprintf(buf, len, "write digits and a decimal point only, such as 1234.50");
}

int ent_currency_parse(char out[ENT_CURRENCY_SIZE], const char *text)
{
    ent_error_clear();
    const ent_currency *cur = NULL;
    char shown[64];
    size_t n = text ? strlen(text) : 0;
    int rc = n == 3 ? ent_currency_lookup(&cur, text) : ENT_NOTFOUND;
    out[0] = '\0';
    if (rc == ENT_OK) {
        memcpy(out, cur->alpha3, ENT_CURRENCY_SIZE);
        return ENT_OK;
    }
    if (rc == ENT_ERROR) /* the table could not be read: the lookup said why */
        return ENT_ERROR;
    ent_text_clip(shown, sizeof shown, text, 40);
    if (n != 3)
        return entx_error_set(ENT_NOTFOUND,
                              "currency '%s' is not an ISO 4217 code: a code has 3 letters, such as CNY or EUR", shown);
    return entx_error_set(ENT_NOTFOUND, "currency '%s' is not an ISO 4217 code", shown);
}

int ent_money_parse(int64_t *out, const char *text, const char *currency)
{
    const ent_currency *cur = NULL;
    const char *reason = NULL;
    char code[ENT_CURRENCY_SIZE], shown[64], extra[80] = "";
    int rc = ent_currency_parse(code, currency);
    if (rc != ENT_OK)
        return rc;
    ent_currency_lookup(&cur, code);
    if (parse_scaled(out, text, cur->digits, 1, &reason) != ENT_OK) {
        if (strstr(reason, "fraction")) {
            snprintf(extra, sizeof extra, " for %s", cur->alpha3);
        } else if (strstr(reason, "comma")) {
            memcpy(extra, ": ", 3);
            comma_hint(extra + 2, sizeof extra - 2, text);
        } else if (strstr(reason, "large")) {
            char most[40];
            ent_decimal_format(most, sizeof most, INT64_MAX, cur->digits);
            snprintf(extra, sizeof extra, ": the most is %s", most);
        }
        return entx_error_set(ENT_INVALID, "amount '%s' %s%s", ent_text_clip(shown, sizeof shown, text, 40), reason,
                              extra);
    }
    return ENT_OK;
}

int ent_decimal_format(char *buf, size_t len, int64_t value, int scale)
{
    uint64_t mag = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    uint64_t pow = 1;
    for (int i = 0; i < scale; i++)
        pow *= 10;
    if (scale == 0)
        return snprintf(buf, len, "%s%llu", value < 0 ? "-" : "", (unsigned long long)mag);
    return snprintf(buf, len, "%s%llu.%0*llu", value < 0 ? "-" : "", (unsigned long long)(mag / pow), scale,
                    (unsigned long long)(mag % pow));
}

int ent_money_format(char *buf, size_t len, int64_t minor, const char *currency)
{
    const ent_currency *cur = NULL;
    if (ent_currency_lookup(&cur, currency) != ENT_OK)
        return -1;
    return ent_decimal_format(buf, len, minor, cur->digits);
}

int ent_decimal_parse(int64_t *out, const char *text, int scale)
{
    const char *why;
    return parse_scaled(out, text, scale, 0, &why);
}
