/* Money in integer minor units and exact decimals: parsing and formatting. */
#include <stdio.h>
#include <string.h>

#include "entrepot/country.h"
#include "entrepot/money.h"
#include "internal.h"

/* Parses [-]digits[.digits] (with optional thousands commas in the integer
 * part) into value * 10^scale. Returns ENT_OK, or ENT_INVALID with why. */
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
        if (*s == ',' && frac < 0 && digits > 0)
            continue;
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

int ent_money_parse(int64_t *out, const char *text, const char *currency, char *why, size_t why_len)
{
    const ent_currency *cur = NULL;
    const char *reason = NULL;
    int rc = ent_currency_lookup(&cur, currency);
    if (rc != ENT_OK) {
        if (why)
            snprintf(why, why_len, rc == ENT_ERROR ? "%s" : "currency '%s' is not an ISO 4217 code",
                     rc == ENT_ERROR ? ent_country_errmsg() : (currency ? currency : ""));
        return rc == ENT_ERROR ? ENT_ERROR : ENT_NOTFOUND;
    }
    if (parse_scaled(out, text, cur->digits, 1, &reason) != ENT_OK) {
        if (why)
            snprintf(why, why_len, "amount '%s' %s%s%s", ENT_CLIP(text, 40), reason,
                     strstr(reason, "fraction") ? " for " : "", strstr(reason, "fraction") ? cur->alpha3 : "");
        return ENT_INVALID;
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
