/*
 * entrepot — the parsers every command shares: dates, whole numbers, and
 * showing untrusted text in a message. Each refusal leaves as the calling
 * thread's last error (ent_error_last, common.h) a message that names the
 * value, such as
 * "'2026-02-30' is not a date: February 2026 has no day 30 (it has 28 days)",
 * for the caller to prefix with what the value is ("expiry ").
 */
#ifndef ENTREPOT_PARSE_H
#define ENTREPOT_PARSE_H

#include "entrepot/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The dates entrepot handles: 1900-01-01 to 9999-12-31. */
#define ENT_DATE_MIN "1900-01-01"
#define ENT_DATE_MAX "9999-12-31"

/* The largest quantity (in base units: pieces, grams, millilitres) and count
 * a command takes: a billion, far above any real stock, far below overflow. */
#define ENT_QTY_MAX 1000000000

/*
 * Checks a date "YYYY-MM-DD" in the supported range and, when days is not
 * NULL, gives its days since 1970-01-01. ENT_OK or ENT_INVALID (the form is
 * wrong, the month or day does not exist, or it is out of the range).
 */
ENT_API int ent_date_check(int32_t *days, const char *text);

/*
 * out = date + days (days may be negative). ENT_INVALID when date is not a
 * date or the result falls outside 1900-01-01 to 9999-12-31; out is then "".
 */
ENT_API int ent_date_add_days(char out[ENT_DATE_SIZE], const char *date, int64_t days);

/*
 * A UTC time "YYYY-MM-DDTHH:MM:SSZ" as the local time "YYYY-MM-DD HH:MM:SS"
 * of the zone tz (such as the store's "Asia/Shanghai"). Safe from several
 * threads, without touching $TZ (the zone is read from its compiled file in
 * $TZDIR, else /usr/share/zoneinfo, once per process). ENT_INVALID when utc
 * is not such a time or tz is not a zone; out then holds utc as given (cut
 * to 19 bytes), which is meant to be shown as it is: no message, and the
 * last error is left alone.
 */
ENT_API int ent_time_local(char out[20], const char *tz, const char *utc);

/*
 * Today's date "YYYY-MM-DD" in the zone tz, read from the compiled zone in
 * $TZDIR (else /usr/share/zoneinfo) without touching $TZ: safe from several
 * threads. ENT_INVALID, the message naming the zone, when tz is not one.
 */
ENT_API int ent_time_today(char out[ENT_DATE_SIZE], const char *tz);

/*
 * Parses a whole number in decimal digits (an optional leading '-', no
 * spaces, signs, separators or fractions) from min to max. ENT_INVALID
 * otherwise, the message saying what is wrong and naming the limit crossed.
 */
ENT_API int ent_whole_parse(int64_t *out, const char *text, int64_t min, int64_t max);

#ifdef __cplusplus
}
#endif
#endif
