/*
 * Private to the scan parser (scan.c, scan_gs1.c, scan_link.c, scan_config.c):
 * the helpers, the AI table's row and the parse context they share. The small
 * helpers are static inline so that each parser keeps them inlined (the parse
 * is a hot path, bench_scan).
 */
#ifndef ENT_SCAN_PARSE_H
#define ENT_SCAN_PARSE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "entrepot/scan.h"
#include "internal.h"

/* The longest message a scan is refused with, in bytes with its end. */
#define ENTX_SCAN_MSG 200

#define GS 0x1d

/* ---- small helpers ------------------------------------------------------ */

static inline int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static inline int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* GS1 AI encodable character set 82 (General Specifications 7.11, figure 7.11-1). */
static inline int is_cset82(unsigned char c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return 1;
    return c != 0 && strchr("!\"%&'()*+,-./:;<=>?_", c) != NULL;
}

/* A character for a message: 'A' when printable, else byte 0x1B. */
static inline const char *show(char buf[16], unsigned char c)
{
    if (c >= 0x21 && c < 0x7f)
        snprintf(buf, 16, "'%c'", c);
    else if (c == ' ')
        snprintf(buf, 16, "a space");
    else
        snprintf(buf, 16, "byte 0x%02X", c);
    return buf;
}

static inline int fail(ent_scan *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int fail(ent_scan *out, const char *fmt, ...)
{
    char msg[ENTX_SCAN_MSG];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    entx_error_copy(ENT_INVALID, ENT_HINT_NONE, msg);
    out->error = ENT_INVALID;
    return ENT_INVALID;
}

static inline void copy_text(char *dst, size_t cap, const char *src, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static inline int64_t digits_value(const char *s, size_t n)
{
    int64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Does s (n bytes) start with the lower-case ASCII text lit, in any case? */
static inline int prefix_nocase(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (c != (unsigned char)lit[i])
            return 0;
    }
    return 1;
}

/* ---- the AI table (scan_gs1.c) ------------------------------------------ */

enum ai_format {
    F_N,        /* digits, min..max; head > 0: a GS1 check digit closes the first head digits */
    F_X,        /* character set 82, min..max; head > 0: the first head are digits */
    F_CHK,      /* fixed digits ending in a GS1 check digit */
    F_DATE,     /* YYMMDD */
    F_DATE0,    /* YYMMDD where day 00 means the end of the month */
    F_MEASURE,  /* N6, the AI's last digit gives the decimals */
    F_AMOUNT,   /* N..15, the AI's last digit gives the decimals */
    F_AMOUNT_ISO, /* N3 ISO 4217 currency + N..15 */
    F_COUNTRY,  /* one or more N3 ISO 3166 numeric codes */
    F_COUNTRY_X /* N3 ISO 3166 numeric + character set 82 */
};

/* Checks inside a field beyond its format (the Syntax Dictionary's linters). */
enum ai_lint {
    L_NONE,
    L_GCP,            /* starts with a GS1 Company Prefix: at least 4 digits (gcppos1) */
    L_ZERO_GCP,       /* 8003: a leading 0, then the GRAI */
    L_CPID,           /* 8010: character set 39, GS1 Company Prefix first */
    L_YMD_HM,         /* YYMMDD HHMI */
    L_YMD0_HM,        /* YYMMDD (day 00 allowed) HHMI */
    L_YMD_YMD,        /* YYMMDD [YYMMDD] */
    L_YMD_HM_OPT,     /* YYMMDD [HHMI] */
    L_YMD_H_M_S,      /* YYMMDD HH [MI [SS]] */
    L_YYYYMMDD,       /* YYYYMMDD */
    L_YYYYMMDD_HM,    /* YYYYMMDD HHMI */
    L_NO_ZERO_PREFIX, /* no leading 0 */
    L_PIECE,          /* GTIN, then piece number and total: 0 < piece <= total */
    L_COUNTRY999,     /* N3 ISO 3166 or 999, then data */
    L_DIMENSIONS,     /* 8001: width, length, diameter non-zero, winding 0, 1 or 9 */
    L_UIC,            /* 7040: digit, two characters, an importer index */
    L_PCENC,          /* percent-encoding complete */
    L_ALPHA2,         /* ISO 3166 alpha-2 */
    L_LATLONG,        /* latitude 0..1800000000, longitude 0..3600000000 */
    L_YESNO,          /* 0 or 1 */
    L_HYPHEN,         /* N6, then an optional '-' */
    L_ISO5218,        /* 0, 1, 2 or 9 */
    L_BIRTH_SEQ,      /* d/d, 0 < d <= total */
    L_CSET64,         /* base64url */
    L_GMN,            /* 8013: GS1 Company Prefix first, a check character pair last */
    L_MUDI,           /* 8014: as L_GMN, and not all digits */
    L_MEDIA,          /* 7241: an AIDC media type, 01-10 or 80-99 */
    L_IBAN            /* 8007: ISO 13616, mod 97 */
};

/*
 * One row of the rule table: an AI as the GS1 General Specifications and the
 * GS1 Barcode Syntax Dictionary define it. req and ex are written as the
 * Dictionary writes them: req is one or more space-separated groups, each
 * met by one of its comma-separated alternatives, an alternative "01+21"
 * meaning all of them; ex lists the AIs (or "310n" patterns) that may not be
 * in the same data. dl: the AI may be a Digital Link data attribute (the
 * query string); keys and their qualifiers are in scan_link.c.
 */
struct ai_def {
    char pat[5];          /* "01", "310n": n stands for any digit */
    unsigned char format, min, max, head;
    const char *title;
    const char *unit;     /* measures: the unit; NULL for logistic measures' trade flag below */
    unsigned char trade;  /* measures: a net trade measure (fills ent_scan.measure) */
    unsigned char lint;   /* enum ai_lint */
    unsigned char dl;     /* may be a Digital Link data attribute */
    const char *req;      /* required companions, "" none */
    const char *ex;       /* excluded companions, "" none */
};


/* An AI that is not in the table but whose number is well formed. */
extern const struct ai_def entx_scan_unknown_def;

/* The length of an AI from its first two digits, 0 where no AI starts so. */
int entx_scan_ai_length(int two);
/* The table's row for the AI ai (len digits), or NULL. */
const struct ai_def *entx_scan_ai_find(const char *ai, size_t len);

/* ---- parsing ------------------------------------------------------------ */

struct ctx {
    const ent_scan_config *cfg;
    char fnc1;
    int year;   /* reference year, computed on first need */
    int strict; /* every rule of the Syntax Dictionary, no tolerance */
    const struct ai_def **defs; /* the table row of each AI in out->ais */
};

/* Is numeric a current ISO 4217 code, funds included (country.c)? */
int entx_currency_numeric_current(int numeric);

/* Notes a tolerance used for this code (strict mode never calls it). */
void entx_scan_tolerate(ent_scan *out, const char *name);
/* Applies the table's requires (strict only) and excludes to out's AIs. */
int entx_scan_check_pairs(ent_scan *out, const struct ctx *cx);

static inline int is_fnc1(const struct ctx *cx, unsigned char c)
{
    return c == GS || (cx->fnc1 && c == (unsigned char)cx->fnc1);
}

int entx_scan_check_length(ent_scan *out, const char *ai, const struct ai_def *def, size_t n);
/* Validates one AI with its data and appends it to out. */
int entx_scan_add_ai(ent_scan *out, struct ctx *cx, const char *ai_text, size_t ai_len, const char *v, size_t n);
/* GS1 element strings (FNC1-separated) and their bracketed form (scan_gs1.c). */
int entx_scan_parse_elements(ent_scan *out, struct ctx *cx, const char *p, size_t n);
int entx_scan_parse_bracketed(ent_scan *out, struct ctx *cx, const char *p, size_t n);
/* A GS1 Digital Link URI (scan_link.c). */
int entx_scan_parse_digital_link(ent_scan *out, struct ctx *cx, const char *p, size_t n);

#endif
