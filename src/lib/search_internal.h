/* Commodity search keys and the ranked search (search.c, schema 13). */
#ifndef ENT_SEARCH_INTERNAL_H
#define ENT_SEARCH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* One Han character's Mandarin readings, toneless ASCII ("v" for u-umlaut),
 * separated by spaces, the usual one first: generated at build time from
 * Unihan by cmake/gen_readings.py, sorted by code point. */
struct entx_han_reading {
    uint32_t cp;
    const char *readings;
};
extern const struct entx_han_reading entx_han_readings[];
extern const size_t entx_han_reading_count;

/* What the keys of a commodity are made from (NULL or "" for none). */
struct entx_search_doc {
    const char *gtin, *sku, *name_zh, *name_en, *brand;
};

/* Replaces the search keys of commodity id; the caller holds the
 * transaction that writes the names. fresh: id was inserted in this
 * transaction and has no keys yet (nothing to delete; inside a bulk its keys
 * wait for entx_search_bulk_end). */
int entx_search_index(ent_db *db, int64_t id, const struct entx_search_doc *doc, bool fresh);

/* A bulk of new commodities (the demo, a catalogue import, filling the keys):
 * between these two calls, inside the caller's transaction, the keys of fresh
 * commodities are gathered in a temporary table, and bulk_end writes them
 * into the search keys in key order, so the index is appended to instead of
 * written at random. A search inside the bulk does not see them yet.
 * bulk_end returns rc, or its own failure; it must be called whatever rc is. */
int entx_search_bulk_begin(ent_db *db);
int entx_search_bulk_end(ent_db *db, int rc);

/* Fills the keys of every commodity when schema 13 asked for it
 * (search_pending), in one transaction; nothing to do is ENT_OK. */
int entx_search_fill_pending(ent_db *db);

/* The ids of the commodities that text matches, best first (exact code, name
 * from its start, initials, the rest), at most limit (0: all), retired ones
 * left out, only those of origin when it is not NULL. *ids is malloc'd. */
int entx_search_ids(ent_db *db, int64_t **ids, size_t *n, const char *text, const char *origin, int64_t limit);

/* Registers the SQL function the search's filter uses, entx_has_key(list,
 * word), on a connection (every connection entx_db_open makes). */
int entx_search_register(sqlite3 *sql);

/* The pinyin of text, readings from ICU's Han-Latin (the first) and Unihan:
 * writes the syllables separated by spaces, each polyphone as its readings
 * joined by "/" ("yin hang/xing"), into out. For tests and the CLI. */
int entx_search_pinyin(ent_db *db, char *out, size_t len, const char *text);

#endif
