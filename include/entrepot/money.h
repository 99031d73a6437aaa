/*
 * entrepot — money as integer minor units of an ISO 4217 currency, and other
 * exact decimal quantities. No floating point anywhere.
 */
#ifndef ENTREPOT_MONEY_H
#define ENTREPOT_MONEY_H

#include "entrepot/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Parses a decimal amount such as "12.50", "12" or "-3.5" into minor units
 * of currency ("12.50" CNY -> 1250; "1200" JPY -> 1200). More fraction
 * digits than the currency has is ENT_INVALID, as is a comma (decimal or
 * thousands: "12,50" is refused, naming the comma), anything that is not a
 * number, or what does not fit in 64 bits. ENT_NOTFOUND for an unknown
 * currency. The calling thread's last error names the amount and what is
 * wrong with it.
 */
ENT_API int ent_money_parse(int64_t *out, const char *text, const char *currency);

/*
 * Checks an ISO 4217 currency code, the whole text ("EURO" is not "EUR"):
 * 3 letters in any case or 3 digits. Writes the alphabetic code in capitals
 * to out. ENT_NOTFOUND with the message naming the code, ENT_ERROR when the
 * iso-codes data cannot be read.
 */
ENT_API int ent_currency_parse(char out[ENT_CURRENCY_SIZE], const char *text);

/* Room for any amount ent_money_format writes: the 19 digits of an int64_t,
 * a sign and a decimal point, NUL included. */
#define ENT_MONEY_TEXT_SIZE 32

/* Formats minor units as a plain decimal ("12.50", "-0.05", "1200").
 * Returns the length written (snprintf rules), or -1 for an unknown currency. */
ENT_API int ent_money_format(char *buf, size_t len, int64_t minor, const char *currency);

/*
 * Parses a non-negative decimal with at most `scale` fraction digits into an
 * integer scaled by 10^scale ("13.5", scale 2 -> 1350). ENT_INVALID otherwise,
 * with no message and the last error left alone: the caller, which knows what
 * the number is, words the refusal.
 */
ENT_API int ent_decimal_parse(int64_t *out, const char *text, int scale);

/* Formats value / 10^scale, trimming nothing ("1350", 2 -> "13.50"). */
ENT_API int ent_decimal_format(char *buf, size_t len, int64_t value, int scale);

#ifdef __cplusplus
}
#endif
#endif
