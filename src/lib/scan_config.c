/*
 * The scanner configuration: the FNC1 stand-in and the in-store layouts,
 * in memory and in the store's settings (setting table).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/scan.h"
#include "internal.h"
#include "scan_parse.h"

#define KEY_FNC1 "scan.fnc1"
#define KEY_INSTORE "scan.instore"

/* ---- in memory ---------------------------------------------------------- */

void ent_scan_config_init(ent_scan_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
}

/* Records a refused setting as the calling thread's last error. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char buf[ENT_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    entx_error_copy(ENT_INVALID, ENT_HINT_NONE, buf);
}

int ent_scan_config_set_fnc1(ent_scan_config *cfg, char c)
{
    ent_error_clear();
    unsigned char u = (unsigned char)c;
    if (c == 0 || (u >= 0x20 && u < 0x7f && !is_cset82(u) && c != ']')) {
        cfg->fnc1 = c;
        return ENT_OK;
    }
    char b[16];
    say("FNC1 substitute %s: choose a character GS1 data cannot contain: one of # $ @ [ \\ ^ ` { | } ~ or a space",
        show(b, u));
    return ENT_INVALID;
}

int ent_scan_layout_parse(ent_scan_layout *out, const char *pattern)
{
    ent_error_clear();
    size_t plen = pattern ? strlen(pattern) : 0;
    int pos = 0, dot = -1, value_start = -1, value_end = -1, item_start = -1, item_end = -1;
    char kind = 0;
    memset(out, 0, sizeof *out);
    out->check_pos = -1;
    if (plen == 0 || plen >= sizeof out->pattern) {
        char shown[ENT_CLIP_SIZE];
        say("in-store layout '%s': expected 13 characters such as 20IIIIIPPP.PPC",
            ent_text_clip(shown, sizeof shown, pattern, 20));
        return ENT_INVALID;
    }
    memcpy(out->pattern, pattern, plen + 1);
    for (size_t i = 0; i < plen; i++) {
        char c = pattern[i];
        if (c == '.') {
            if (kind == 0 || value_end != pos || dot >= 0) {
                say("in-store layout '%s': '.' belongs between price or weight digits", pattern);
                return ENT_INVALID;
            }
            dot = pos;
            continue;
        }
        if (pos >= 13) {
            say("in-store layout '%s': more than 13 digits", pattern);
            return ENT_INVALID;
        }
        if (c >= '0' && c <= '9') {
            if (pos != out->prefix_len || pos >= 3) {
                say("in-store layout '%s': the prefix digits come first, 1 to 3 of them", pattern);
                return ENT_INVALID;
            }
            out->prefix[out->prefix_len++] = c;
        } else if (c == 'I') {
            if (item_start >= 0 && item_end != pos) {
                say("in-store layout '%s': the item digits I must be together", pattern);
                return ENT_INVALID;
            }
            if (item_start < 0)
                item_start = pos;
            item_end = pos + 1;
        } else if (c == 'P' || c == 'W') {
            if ((kind && kind != c) || (value_start >= 0 && value_end != pos)) {
                say("in-store layout '%s': the value digits (all P or all W) must be together", pattern);
                return ENT_INVALID;
            }
            kind = c;
            if (value_start < 0)
                value_start = pos;
            value_end = pos + 1;
        } else if (c == 'V') {
            if (out->check_pos >= 0) {
                say("in-store layout '%s': one V at most", pattern);
                return ENT_INVALID;
            }
            out->check_pos = (signed char)pos;
        } else if (c == 'C') {
            if (pos != 12 || i != plen - 1) {
                say("in-store layout '%s': C, the check digit, is the 13th and last", pattern);
                return ENT_INVALID;
            }
        } else {
            say("in-store layout '%s': '%c' is not one of the digits, I, P, W, V, C or '.'", pattern,
                (c >= 0x20 && c < 0x7f) ? c : '?');
            return ENT_INVALID;
        }
        pos++;
    }
    if (pos != 13 || pattern[plen - 1] != 'C') {
        say("in-store layout '%s': %d digits, expected 13 ending in C", pattern, pos);
        return ENT_INVALID;
    }
    out->prefix[out->prefix_len] = '\0';
    if (out->prefix_len == 0 || !(out->prefix[0] == '2' || (out->prefix_len >= 2 && out->prefix[0] == '0' &&
                                                             (out->prefix[1] == '2' || out->prefix[1] == '4')))) {
        say("in-store layout '%s': the prefix must be a restricted-circulation one (02, 04, 2, 20-29)",
            pattern);
        return ENT_INVALID;
    }
    if (item_start < 0 || value_start < 0) {
        say("in-store layout '%s': needs item digits I and price P or weight W digits", pattern);
        return ENT_INVALID;
    }
    out->item_pos = (unsigned char)item_start;
    out->item_len = (unsigned char)(item_end - item_start);
    out->value_pos = (unsigned char)value_start;
    out->value_len = (unsigned char)(value_end - value_start);
    out->decimals = (unsigned char)(dot >= 0 ? value_end - dot : 0);
    out->kind = kind;
    if (out->check_pos >= 0 && out->value_len != 4 && out->value_len != 5) {
        say("in-store layout '%s': a check digit V needs 4 or 5 value digits, not %d", pattern,
            out->value_len);
        return ENT_INVALID;
    }
    return ENT_OK;
}

int ent_scan_config_add_layout(ent_scan_config *cfg, const char *pattern)
{
    ent_scan_layout l;
    int rc = ent_scan_layout_parse(&l, pattern);
    if (rc != ENT_OK)
        return rc;
    for (size_t i = 0; i < cfg->n_layouts; i++) {
        const ent_scan_layout *o = &cfg->layouts[i];
        size_t k = o->prefix_len < l.prefix_len ? o->prefix_len : l.prefix_len;
        if (memcmp(o->prefix, l.prefix, k) == 0) {
            say("in-store layout '%s': its prefix %s overlaps layout '%s'", l.pattern, l.prefix,
                o->pattern);
            return ENT_INVALID;
        }
    }
    if (cfg->n_layouts >= ENT_SCAN_MAX_LAYOUTS) {
        say("at most %d in-store layouts", ENT_SCAN_MAX_LAYOUTS);
        return ENT_INVALID;
    }
    cfg->layouts[cfg->n_layouts++] = l;
    return ENT_OK;
}

/* ---- settings ----------------------------------------------------------- */

/* Reads one setting into buf; "" when it is not set. */
static int setting_get(ent_db *db, const char *key, char *buf, size_t len)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT value FROM setting WHERE key = ?");
    buf[0] = '\0';
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st);
    int rc = ENT_OK;
    if (sc == SQLITE_ROW)
        entx_col_copy(st, buf, len, 0);
    else if (sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading the scanner settings");
    sqlite3_reset(st);
    return rc;
}

static int setting_put(ent_db *db, const char *key, const char *value)
{
    sqlite3_stmt *st;
    if (value[0] == '\0') {
        st = entx_stmt(db, "DELETE FROM setting WHERE key = ?");
        if (st == NULL)
            return db->code;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        return entx_exec_stmt(db, st);
    }
    st = entx_stmt(db, "INSERT INTO setting(key, value) VALUES (?, ?) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    return entx_exec_stmt(db, st);
}

int ent_scan_config_load(ent_db *db, ent_scan_config *out)
{
    char fnc1[8], list[ENT_SCAN_MAX_LAYOUTS * 20 + 16];
    entx_ok(db);
    ent_scan_config_init(out);
    int rc = setting_get(db, KEY_FNC1, fnc1, sizeof fnc1);
    if (rc == ENT_OK)
        rc = setting_get(db, KEY_INSTORE, list, sizeof list);
    if (rc != ENT_OK)
        return rc;
    if (strlen(fnc1) > 1 || ent_scan_config_set_fnc1(out, fnc1[0]) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "setting %s '%s' is not one character GS1 data cannot contain", KEY_FNC1,
                        fnc1);
    /* Layouts are stored as one space-separated list, in the order they apply. */
    char *save = NULL;
    for (char *tok = strtok_r(list, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        if (ent_scan_config_add_layout(out, tok) != ENT_OK)
            return entx_fail(db, ENT_INVALID, "setting %s: %s", KEY_INSTORE, entx_why());
    }
    return ENT_OK;
}

int ent_scan_config_save(ent_db *db, const ent_scan_config *cfg)
{
    char fnc1[2] = {cfg->fnc1, '\0'};
    char list[ENT_SCAN_MAX_LAYOUTS * 20 + 16] = "";
    ent_scan_config check;
    entx_ok(db);
    /* Refuse what ent_scan_config_load would refuse later. */
    ent_scan_config_init(&check);
    if (ent_scan_config_set_fnc1(&check, cfg->fnc1) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "%s", entx_why());
    for (size_t i = 0; i < cfg->n_layouts && i < ENT_SCAN_MAX_LAYOUTS; i++) {
        if (ent_scan_config_add_layout(&check, cfg->layouts[i].pattern) != ENT_OK)
            return entx_fail(db, ENT_INVALID, "%s", entx_why());
        if (i > 0)
            strcat(list, " ");
        strcat(list, cfg->layouts[i].pattern);
    }
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    rc = setting_put(db, KEY_FNC1, fnc1);
    if (rc == ENT_OK)
        rc = setting_put(db, KEY_INSTORE, list);
    return entx_tx_end(db, rc);
}
