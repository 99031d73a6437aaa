/*
 * entrepot — scanning: what a counter scanner sends, turned into a typed result.
 *
 * Two layers:
 *  - ent_scan_parse() is a pure parser: bytes in, an ent_scan out, no
 *    database, no allocation. It understands EAN-13, EAN-8, UPC-A, UPC-E,
 *    GTIN-14, GS1 element strings (with or without an AIM symbology
 *    identifier, FNC1 as GS or a configured substitute, or the bracketed
 *    "(01)...(17)..." form), GS1 Digital Link URIs, in-store restricted
 *    circulation EAN-13 with an embedded price or weight, and passes
 *    anything else through as a store code for the catalogue.
 *  - ent_scan_resolve() looks the result up in a database: the commodity,
 *    the quantity the code stands for, the lot, and any contradiction
 *    between the scan and the lot on record.
 *
 * The GTIN helpers below are used by the catalogue as well.
 */
#ifndef ENTREPOT_SCAN_H
#define ENTREPOT_SCAN_H

#include "entrepot/common.h"

#define ENT_GS1_LOT_SIZE 21    /* GS1 AI 10: up to 20 characters */
#define ENT_GS1_SERIAL_SIZE 21 /* GS1 AI 21: up to 20 characters */
#define ENT_SSCC_SIZE 19       /* GS1 AI 00: 18 digits */
#define ENT_SCAN_TOLERANCE_SIZE 96 /* the names of the tolerances a reading used, comma-separated */

#ifdef __cplusplus
extern "C" {
#endif

/* The GS1 mod-10 check digit ('0'..'9') of the n digits at s (n >= 1),
 * for the position right after them. -1 if a byte is not a digit. */
ENT_API int ent_gs1_check_digit(const char *s, size_t n);

/*
 * Validates a GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN-13) or GTIN-14 and writes
 * it as 14 digits with leading zeros to out. Returns ENT_OK or ENT_INVALID
 * with the message ("GTIN 4006381333932: check digit should be 1",
 * "GTIN 12345: 5 digits, expected 8, 12, 13 or 14") as the calling thread's
 * last error (ent_error_last).
 */
ENT_API int ent_gtin_normalize(char out[ENT_GTIN_SIZE], const char *code);

/*
 * GS1's price/weight check digit of an in-store code (General
 * Specifications 7.9.3): the digit ('0'..'9') for the n digits at s, where
 * n is 4 or 5 (the two algorithms differ). -1 for another n or a non-digit.
 */
ENT_API int ent_gs1_price_check_digit(const char *s, size_t n);

/*
 * Expands the 8 digits of a UPC-E (number system 0 or 1, six digits, check
 * digit) to the 12 digits of its UPC-A. Returns ENT_OK, or ENT_INVALID when
 * s is not 8 digits with number system 0 or 1 (the check digit is copied,
 * not checked: compare it with ent_gs1_check_digit(out, 11)).
 */
ENT_API int ent_upce_expand(char out[13], const char *s);

/* ---- parsing ------------------------------------------------------------ */

/* What a scan was. */
typedef enum ent_scan_kind {
    ENT_SCAN_NONE = 0,     /* not parsed (an error) */
    ENT_SCAN_EAN13,        /* 13 digits, GTIN-13 */
    ENT_SCAN_EAN8,         /* 8 digits, GTIN-8 */
    ENT_SCAN_UPCA,         /* 12 digits (or 13 starting with 0), GTIN-12 */
    ENT_SCAN_UPCE,         /* 8 digits, expanded to its UPC-A */
    ENT_SCAN_GTIN14,       /* 14 digits (ITF-14 and the like) */
    ENT_SCAN_GS1,          /* a GS1 element string */
    ENT_SCAN_DIGITAL_LINK, /* a GS1 Digital Link URI */
    ENT_SCAN_INSTORE,      /* restricted circulation EAN-13: prefix 02, 04 or 20-29 */
    ENT_SCAN_OTHER         /* a store code (SKU, Code 128, Code 39, ...) for the catalogue */
} ent_scan_kind;

/* A short English name of a kind ("EAN-13", "GS1 element string"). Static. */
ENT_API const char *ent_scan_kind_name(ent_scan_kind kind);

/* In-store layouts: where the item number and the embedded value sit in a
 * restricted-circulation EAN-13. Written as a 13-character pattern:
 *   digits  the prefix, which must match (e.g. "20", "02", "2")
 *   I       item reference digits
 *   P       price digits, or W weight digits (kg)
 *   V       the price/weight check digit (GS1 7.9.3; needs 4 or 5 value digits)
 *   C       the EAN-13 check digit (last)
 * A '.' among the value digits sets the decimals and does not count toward
 * the 13 (without one the value is whole units). Examples:
 *   "20IIIIIPPP.PPC"   price 000.00-999.99, no price check digit
 *   "02IIIIIVPP.PPC"   UPC-A number system 2: price check digit, 4 digits
 *   "21IIIIIWW.WWWC"   weight in kg with 3 decimals
 */
#define ENT_SCAN_MAX_LAYOUTS 8
typedef struct ent_scan_layout {
    char pattern[16];        /* as written, '\0'-terminated */
    char prefix[4];          /* the literal leading digits */
    unsigned char prefix_len;
    unsigned char item_pos, item_len;   /* 0-based position in the 13 digits */
    unsigned char value_pos, value_len;
    unsigned char decimals;
    signed char check_pos;   /* position of V, or -1 */
    char kind;               /* 'P' price, 'W' weight */
} ent_scan_layout;

/*
 * What the store's scanners do. Set it up with ent_scan_config_init() and
 * ent_scan_config_add_layout(), or load it from the database with
 * ent_scan_config_load().
 */
typedef struct ent_scan_config {
    char fnc1;   /* a printable character the scanner sends for FNC1 (besides
                    GS, which is always understood); 0 for none */
    int year;    /* reference year of the GS1 century rule; 0: this year (UTC) */
    int strict;  /* ENT_SCAN_STRICT: GS1 data as GS1's own Syntax Engine checks it
                    (unknown AIs, required companions, Digital Link placement, no
                    extra FNC1); ENT_SCAN_STRICT_CARRIER: the same but required
                    companions may be on another barcode of the item (check the
                    item's codes together with ENT_SCAN_STRICT); 0 (default): the
                    counter's tolerances, named in ent_scan.tolerance */
    size_t n_layouts;
    ent_scan_layout layouts[ENT_SCAN_MAX_LAYOUTS];
} ent_scan_config;

#define ENT_SCAN_STRICT 1
#define ENT_SCAN_STRICT_CARRIER 2

/* Defaults: FNC1 only as GS, this year, no in-store layouts (restricted
 * codes are then reported whole, as INSTORE, for the catalogue). */
ENT_API void ent_scan_config_init(ent_scan_config *cfg);

/* Sets the FNC1 substitute: a printable ASCII character that GS1 data cannot
 * contain (one of # $ @ [ \ ] ^ ` { | } ~ or space), or 0 for none.
 * ENT_INVALID otherwise, the message saying what to choose. */
ENT_API int ent_scan_config_set_fnc1(ent_scan_config *cfg, char c);

/* Parses a layout pattern (see above) into *out. ENT_INVALID with the
 * message naming what is wrong with it. */
ENT_API int ent_scan_layout_parse(ent_scan_layout *out, const char *pattern);

/* Parses pattern and appends it. ENT_INVALID for a bad pattern, a prefix
 * that another layout already covers, or more than ENT_SCAN_MAX_LAYOUTS. */
ENT_API int ent_scan_config_add_layout(ent_scan_config *cfg, const char *pattern);

/* One GS1 Application Identifier and its data, in the order scanned. */
typedef struct ent_scan_ai {
    char ai[5];        /* "01", "3103", "422" */
    const char *title; /* GS1 data title ("BATCH/LOT"), "" for an unknown AI; static */
    char value[91];    /* the data as sent (percent-decoded for Digital Link) */
} ent_scan_ai;

#define ENT_SCAN_MAX_AIS 24

/* What a measure AI or an in-store weight code gave. */
typedef struct ent_scan_measure {
    char ai[5];        /* "3103"; "" from an in-store code */
    int64_t value;     /* value / 10^decimals units */
    int decimals;
    char unit[6];      /* "kg", "m", "m2", "l", "m3", "lb", "in", "ft2", "oz", ... */
} ent_scan_measure;

/*
 * The result of ent_scan_parse(). Plain data: copy it freely, nothing to
 * free. Text fields are '\0'-terminated and "" when absent; dates are
 * "YYYY-MM-DD" after the GS1 century rule, a day 00 given as the last day
 * of its month.
 */
typedef struct ent_scan {
    ent_scan_kind kind;
    char aim[4];              /* AIM symbology identifier without ']' ("C1"), "" when none */
    const char *symbology;    /* "GS1-128", "EAN/UPC", ...; "" when none; static */
    char gtin[ENT_GTIN_SIZE]; /* 14 digits, check digit verified; "" when none */
    char gtin_contained[ENT_GTIN_SIZE]; /* AI 02: the GTIN of the items inside */
    char addon[6];            /* EAN/UPC 2- or 5-digit add-on */
    char lot[ENT_GS1_LOT_SIZE];       /* AI 10 */
    char serial[ENT_GS1_SERIAL_SIZE]; /* AI 21 */
    char expiry[ENT_DATE_SIZE];       /* AI 17 */
    char best_before[ENT_DATE_SIZE];  /* AI 15 */
    char production[ENT_DATE_SIZE];   /* AI 11 */
    char packaging[ENT_DATE_SIZE];    /* AI 13 */
    int64_t count;            /* AI 30 or 37; -1 when absent */
    bool has_measure;         /* a trade measure (310n-316n, 320n, ...) or in-store weight */
    ent_scan_measure measure; /* the first one */
    bool has_amount;          /* AI 390n-393n, or an in-store price */
    int64_t amount;           /* amount / 10^amount_decimals */
    int amount_decimals;
    char currency[ENT_CURRENCY_SIZE]; /* ISO 4217 alpha of 391n/393n; "" means the store's */
    char origin[ENT_COUNTRY_SIZE];    /* AI 422 as ISO 3166-1 alpha-2 */
    int origin_numeric;       /* 0 when absent */
    char sscc[ENT_SSCC_SIZE]; /* AI 00 */
    char payment_ref[26];     /* AI 8020 */
    /* In-store codes */
    char instore_item[14];    /* item reference digits under the layout; "" when none */
    char item_gtin[ENT_GTIN_SIZE]; /* the code with its value zeroed: what the catalogue knows */
    char instore_kind;        /* 'P' price, 'W' weight, 0 when no layout matched */
    int layout;               /* index of the layout used, -1 none */
    /* Store codes (kind OTHER) and URIs: the text itself, cut at 127 bytes */
    char text[128];
    /* The tolerances used to read it (not strict): comma-separated names,
     * "" when none: gs-after-prefix, double-gs, unknown-ai, requires-elsewhere,
     * zero-suppressed-gtin, short-name, qualifier-in-query, not-dl-attribute,
     * repeated-ai, bracketed-after-aim */
    char tolerance[ENT_SCAN_TOLERANCE_SIZE];
    /* Errors: the words are the calling thread's last error (ent_error_last) */
    int error;                /* ENT_OK, or ENT_INVALID */
    /* Every AI, in order, unknown ones included */
    size_t n_ais;
    ent_scan_ai ais[ENT_SCAN_MAX_AIS];
} ent_scan;

#define ENT_SCAN_MAX_INPUT 4096

/*
 * Parses the len bytes at data, as a scanner sends them (a trailing CR/LF is
 * ignored). cfg may be NULL for the defaults. Returns ENT_OK, or ENT_INVALID
 * with out->error set and the calling thread's last error saying what is
 * wrong, specifically ("GTIN 4006381333932: check digit should be 1"; at
 * most 199 bytes). Any bytes are safe to pass. out is always written; on
 * error its fields other than error may hold what was understood before the
 * problem.
 */
ENT_API int ent_scan_parse(ent_scan *out, const char *data, size_t len, const ent_scan_config *cfg);

/* Writes the GS1 element string of a parsed scan in bracketed form,
 * "(01)04006381333931(17)250531", into buf (snprintf rules). */
ENT_API int ent_scan_format_hri(char *buf, size_t len, const ent_scan *scan);

/* ---- with a database ---------------------------------------------------- */

/* Loads the store's scanner settings (setting table keys scan.fnc1 and
 * scan.instore) into *out; missing settings take the defaults. */
ENT_API int ent_scan_config_load(ent_db *db, ent_scan_config *out);

/* Stores cfg's FNC1 substitute and layouts as the store's settings, in one
 * transaction. */
ENT_API int ent_scan_config_save(ent_db *db, const ent_scan_config *cfg);

typedef enum ent_scan_lot_state {
    ENT_SCAN_LOT_NONE = 0,   /* the scan names no lot */
    ENT_SCAN_LOT_OK,         /* the lot is on record and agrees with the scan */
    ENT_SCAN_LOT_UNKNOWN,    /* the scan names a lot that is not on record */
    ENT_SCAN_LOT_CONFLICT    /* on record, but the scan's expiry/production/origin differ */
} ent_scan_lot_state;

struct ent_lot;

/* What a scan resolved to. Owned by the caller: ent_scan_match_free(). */
typedef struct ent_scan_match {
    int64_t product_id;
    char code[ENT_PRODUCT_CODE_SIZE]; /* the code the catalogue knew (GTIN-14, SKU or barcode) */
    int64_t code_qty;         /* units one such code stands for (12 for a case) */
    int64_t qty;              /* units this scan stands for: code_qty x count, or the
                                 weight in the product's unit; 0 when unknown */
    char name[ENT_PRODUCT_NAME_SIZE]; /* the commodity's name (Chinese, else English) */
    char unit[ENT_UNIT_SIZE];         /* its base unit: pcs, g, ml */
    ent_scan_lot_state lot_state;
    struct ent_lot *lot;      /* the lot on record (owned), or NULL */
    char problem[300];        /* for UNKNOWN and CONFLICT: what does not agree */
} ent_scan_match;

/*
 * Finds the commodity a parsed scan names: by GTIN (AI 01, or 02 with a
 * count), by the item GTIN of an in-store code, or by the store code; the
 * lot by AI 10. ENT_OK with *out set (lot_state and problem say whether the
 * lot agrees); ENT_NOTFOUND when no commodity has the code; ENT_INVALID
 * when the scan itself is an error. Release *out with ent_scan_match_free.
 */
ENT_API int ent_scan_resolve(ent_db *db, ent_scan_match **out, const ent_scan *scan);
ENT_API void ent_scan_match_free(ent_scan_match *m);

/* What a counter needs of a scan: which commodity and lot, and how many. */
typedef struct ent_scan_ids {
    int64_t product_id;
    int64_t lot_id;                   /* the lot the scan names, on record and agreeing; 0 when it names none */
    int64_t code_qty;                 /* units one such code stands for (12 for a case) */
    int64_t qty;                      /* units this scan stands for, as ent_scan_match.qty */
    char code[ENT_PRODUCT_CODE_SIZE]; /* the code the catalogue knew (GTIN-14, SKU or barcode) */
    char lot[ENT_LOT_SIZE];           /* that lot's code, "" when none */
} ent_scan_ids;

/*
 * The counter's lean resolve: the ids of the commodity and lot a scan names,
 * without their rows. A commodity's own GTIN is answered by one seek in the
 * GTIN's index; with a lot whose dates and origin agree, by one seek in the
 * scan's copy of the lots keyed by GTIN and lot code (scan_lot, schema 26);
 * every other scan goes through ent_scan_resolve. Fills
 * the caller's *out (nothing to free). ENT_OK only when the commodity is on
 * record and the lot, when the scan names one, is on record and agrees;
 * else ENT_NOTFOUND (no such commodity or lot) or ENT_INVALID (the scan is
 * an error, or disagrees with the lot on record), with the words on db.
 */
ENT_API int ent_scan_resolve_ids(ent_db *db, ent_scan_ids *out, const ent_scan *scan);

#ifdef __cplusplus
}
#endif
/*
 * The length of a whole GS1 element (AI and data) whose AI starts with the
 * two digits at ai, when the GS1 General Specifications predefine it
 * (figure 7.8.5-2: no FNC1 follows it); 0 for every other AI, which ends at
 * FNC1 or at the end of the data. The one table: the scanner reads with it,
 * the label writers place FNC1 with it.
 */
ENT_API size_t ent_gs1_predefined_length(const char *ai);

#endif
