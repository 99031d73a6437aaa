/*
 * entrepot — scanning: what a counter scanner sends, turned into a typed result.
 * This part: GTIN check digits and normalisation (used by the catalogue too).
 */
#ifndef ENTREPOT_SCAN_H
#define ENTREPOT_SCAN_H

#include "entrepot/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The GS1 mod-10 check digit ('0'..'9') of the n digits at s (n >= 1),
 * for the position right after them. -1 if a byte is not a digit. */
ENT_API int ent_gs1_check_digit(const char *s, size_t n);

/*
 * Validates a GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN-13) or GTIN-14 and writes
 * it as 14 digits with leading zeros to out. Returns ENT_OK or ENT_INVALID
 * with a message in why ("GTIN 4006381333932: check digit should be 1",
 * "GTIN 12345: 5 digits, expected 8, 12, 13 or 14"); why may be NULL.
 */
ENT_API int ent_gtin_normalize(char out[15], const char *code, char *why, size_t why_len);

#ifdef __cplusplus
}
#endif
#endif
