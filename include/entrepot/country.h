/*
 * entrepot — countries and regions (ISO 3166-1) and currencies (ISO 4217).
 *
 * The lists come from Debian's iso-codes package at run time (the JSON files
 * and the zh_CN translations), never from a hand-typed table, so they follow
 * the package's updates. $ENTREPOT_ISO_CODES_DIR overrides the JSON folder and
 * $ENTREPOT_LOCALE_DIR the folder that holds zh_CN/LC_MESSAGES.
 * The data is loaded once per process, on first use, and is thread-safe.
 */
#ifndef ENTREPOT_COUNTRY_H
#define ENTREPOT_COUNTRY_H

#include "entrepot/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ent_country {
    char alpha2[ENT_COUNTRY_SIZE]; /* "FR" */
    char alpha3[4];      /* "FRA" */
    int numeric;         /* 250 */
    const char *name_en; /* "France" */
    const char *name_zh; /* "法国"; the English name when no translation exists */
} ent_country;

/*
 * Finds a country by alpha-2, alpha-3 (either case) or 3-digit numeric code.
 * *out is borrowed, valid for the life of the process.
 * Returns ENT_OK, ENT_NOTFOUND (not an ISO 3166-1 code: an answer, with no
 * message), or ENT_ERROR when the iso-codes data cannot be read
 * (ent_error_last() says why).
 */
ENT_API int ent_country_lookup(const ent_country **out, const char *code);

/* Same, by ISO 3166-1 numeric code (as GS1 AI 422 carries it). */
ENT_API int ent_country_by_numeric(const ent_country **out, int numeric);

/* Number of countries, and the i-th one in alpha-2 order (borrowed). */
ENT_API size_t ent_country_count(void);
ENT_API const ent_country *ent_country_at(size_t i);

typedef struct ent_currency {
    char alpha3[4];      /* "CNY" */
    int numeric;         /* 156 */
    int digits;          /* minor-unit digits: 2 for CNY, 0 for JPY, 3 for KWD */
    const char *name_en; /* "Yuan Renminbi" */
} ent_currency;

/* Finds an active currency by alpha or numeric code. Same returns as above. */
ENT_API int ent_currency_lookup(const ent_currency **out, const char *code);
ENT_API int ent_currency_by_numeric(const ent_currency **out, int numeric);
/* Number of active currencies, and the i-th one in alphabetic-code order
 * (borrowed, valid for the life of the process; NULL past the end). The
 * store server lists them (GET currencies) so that the web app writes and
 * reads each amount with its currency's own minor unit. */
ENT_API size_t ent_currency_count(void);
ENT_API const ent_currency *ent_currency_at(size_t i);

#ifdef __cplusplus
}
#endif
#endif
