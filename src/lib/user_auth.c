/* Passwords (scrypt through OpenSSL's EVP_KDF), logins and their failure
 * counting, sessions, API tokens and a supervisor's approval.
 * No secret is ever put in a message, and none is stored: passwords as
 * scrypt hashes, tokens as SHA-256 (32 random bytes need no slow hash). */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/db.h"
#include "internal.h"
#include "time_internal.h"
#include "user_internal.h"

#define SALT_LEN 16
#define KEY_LEN 32
#define TOKEN_BYTES 32
#define TOKEN_CHARS ENTX_TOKEN_CHARS /* base64url of 32 bytes, no padding */
#define TOKEN_PREFIX ENTX_TOKEN_PREFIX
#define SCRYPT_R 8
#define SCRYPT_P 1
#define LOG2N_MIN 10
#define LOG2N_MAX 20
#define FIRST_WAIT 5     /* seconds after the third failure; doubles with each further one */
#define REFRESH_AFTER 60 /* seconds between writes of a session's or token's last use */
#define BAD_CREDENTIALS "unknown user or wrong password"

/* ---- small crypto helpers ----------------------------------------------- */

static void b64url(const unsigned char *in, size_t n, char *out)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = a[(v >> 18) & 63];
        out[o++] = a[(v >> 12) & 63];
        if (i + 1 < n)
            out[o++] = a[(v >> 6) & 63];
        if (i + 2 < n)
            out[o++] = a[v & 63];
    }
    out[o] = '\0';
}

static void hex(const unsigned char *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", in[i]);
}

static int unhex(const char *s, size_t n_bytes, unsigned char *out)
{
    for (size_t i = 0; i < n_bytes; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (unsigned char)v;
    }
    return s[2 * n_bytes] == '\0' || s[2 * n_bytes] == '$' ? 0 : -1;
}

static void sha256(const char *s, unsigned char out[32])
{
    EVP_Digest(s, strlen(s), out, NULL, EVP_sha256(), NULL);
}

/* A new random token: TOKEN_CHARS characters of base64url after prefix. */
static int new_token(ent_db *db, const char *prefix, char *out, size_t len)
{
    unsigned char raw[TOKEN_BYTES];
    char text[TOKEN_CHARS + 1];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return entx_fail(db, ENT_ERROR, "the system's random number generator failed");
    b64url(raw, sizeof raw, text);
    OPENSSL_cleanse(raw, sizeof raw);
    snprintf(out, len, "%s%s", prefix, text);
    OPENSSL_cleanse(text, sizeof text);
    return ENT_OK;
}

/* True when s is prefix and TOKEN_CHARS base64url characters: anything
 * else is no token of ours, refused before any lookup. */
static bool token_form(const char *s, const char *prefix)
{
    size_t p = strlen(prefix);
    if (s == NULL || strncmp(s, prefix, p) != 0 || strlen(s) != p + TOKEN_CHARS)
        return false;
    for (s += p; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
              *s == '_'))
            return false;
    return true;
}

/* ---- passwords ---------------------------------------------------------- */

static int scrypt(ent_db *db, const char *pw, const unsigned char *salt, int log2n, uint32_t r, uint32_t p,
                  unsigned char key[KEY_LEN])
{
    uint64_t n = (uint64_t)1 << log2n, maxmem = (uint64_t)3 << 30;
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)pw, strlen(pw)),
                           OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, SALT_LEN),
                           OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
                           OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
                           OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
                           OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
                           OSSL_PARAM_construct_end()};
    int rc = ENT_OK;
    if (ctx == NULL || EVP_KDF_derive(ctx, key, KEY_LEN, params) != 1)
        rc = entx_fail(db, ENT_ERROR, "the password hash (scrypt) could not be computed");
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return rc;
}

/* log2 N for new hashes: the database's setting, else ENT_SCRYPT_LOG2N. */
static int cost(ent_db *db, int *log2n)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT value FROM setting WHERE key = '" ENT_SCRYPT_SETTING "'");
    int64_t v = ENT_SCRYPT_LOG2N;
    int rc = ENT_OK;
    if (st == NULL)
        return db->code;
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW &&
        (entx_parse_i64(&v, (const char *)sqlite3_column_text(st, 0)) != ENT_OK || v < LOG2N_MIN || v > LOG2N_MAX))
        rc = entx_fail(db, ENT_INVALID, "setting " ENT_SCRYPT_SETTING " must be a whole number from %d to %d",
                       LOG2N_MIN, LOG2N_MAX);
    else if (sc != SQLITE_ROW && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading the password settings");
    sqlite3_reset(st);
    *log2n = (int)v;
    return rc;
}

int entx_password_check(ent_db *db, const char *password)
{
    size_t n = strlen(password);
    if (n < ENT_PASSWORD_MIN)
        return entx_fail(db, ENT_INVALID, "the password is too short: %zu bytes, at least %d", n, ENT_PASSWORD_MIN);
    if (n > ENT_PASSWORD_MAX)
        return entx_fail(db, ENT_INVALID, "the password is too long: %zu bytes, at most %d", n, ENT_PASSWORD_MAX);
    if (!ent_utf8_valid(password, n))
        return entx_fail(db, ENT_INVALID, "the password is not valid UTF-8 text");
    return ENT_OK;
}

int entx_password_hash(ent_db *db, const char *password, char *out, size_t len)
{
    unsigned char salt[SALT_LEN], key[KEY_LEN];
    char salt_hex[2 * SALT_LEN + 1], key_hex[2 * KEY_LEN + 1];
    int log2n, rc;
    if ((rc = cost(db, &log2n)) != ENT_OK)
        return rc;
    if (RAND_bytes(salt, sizeof salt) != 1)
        return entx_fail(db, ENT_ERROR, "the system's random number generator failed");
    if ((rc = scrypt(db, password, salt, log2n, SCRYPT_R, SCRYPT_P, key)) != ENT_OK)
        return rc;
    hex(salt, sizeof salt, salt_hex);
    hex(key, sizeof key, key_hex);
    snprintf(out, len, "scrypt$%d$%d$%d$%s$%s", log2n, SCRYPT_R, SCRYPT_P, salt_hex, key_hex);
    OPENSSL_cleanse(key, sizeof key);
    return ENT_OK;
}

/* Whether password matches stored ("scrypt$log2n$r$p$salt$key"): *match.
 * A stored value that does not parse matches nothing. stored NULL runs the
 * same work against a made-up hash, so that an unknown name takes as long. */
static int password_verify(ent_db *db, const char *stored, const char *password, bool *match)
{
    unsigned char salt[SALT_LEN] = {0}, want[KEY_LEN] = {0}, got[KEY_LEN];
    int log2n = ENT_SCRYPT_LOG2N, r = SCRYPT_R, p = SCRYPT_P, used = 0, rc;
    bool parsed = false;
    *match = false;
    if (stored && sscanf(stored, "scrypt$%d$%d$%d$%n", &log2n, &r, &p, &used) == 3 && used > 0 && log2n >= LOG2N_MIN &&
        log2n <= LOG2N_MAX && r >= 1 && r <= 32 && p >= 1 && p <= 16 && unhex(stored + used, SALT_LEN, salt) == 0 &&
        stored[used + 2 * SALT_LEN] == '$' && unhex(stored + used + 2 * SALT_LEN + 1, KEY_LEN, want) == 0)
        parsed = true;
    if (!parsed && (rc = cost(db, &log2n)) != ENT_OK)
        return rc;
    if (!parsed)
        r = SCRYPT_R, p = SCRYPT_P;
    if ((rc = scrypt(db, password, salt, log2n, (uint32_t)r, (uint32_t)p, got)) != ENT_OK)
        return rc;
    *match = parsed && CRYPTO_memcmp(got, want, KEY_LEN) == 0;
    OPENSSL_cleanse(got, sizeof got);
    return ENT_OK;
}

/* ---- failed logins ------------------------------------------------------ */

struct gate {
    int64_t failures, last;
    bool locked;
};

/* Seconds a name must wait after its last failure, having failed n times. */
static int64_t wait_after(int64_t n)
{
    if (n < ENT_LOGIN_FREE_FAILURES)
        return 0;
    int64_t shift = n - ENT_LOGIN_FREE_FAILURES;
    return (int64_t)FIRST_WAIT << (shift > 20 ? 20 : shift);
}

static int gate_read(ent_db *db, const char *name, struct gate *g)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT failures, last_at, locked_at IS NOT NULL FROM login_failure "
                                     "WHERE name = ?1");
    int rc = ENT_OK;
    memset(g, 0, sizeof *g);
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW) {
        g->failures = sqlite3_column_int64(st, 0);
        if (entx_utc_parse(&g->last, (const char *)sqlite3_column_text(st, 1)) != ENT_OK)
            g->last = 0;
        g->locked = sqlite3_column_int(st, 2) != 0;
    } else if (sc != SQLITE_DONE) {
        rc = entx_fail_sql(db, "reading failed logins");
    }
    sqlite3_reset(st);
    return rc;
}

/* Refuses, without looking at the password, a name that is locked or must
 * still wait. */
static int gate_check(ent_db *db, const char *name, const struct gate *g, int64_t now, ent_principal *out)
{
    if (g->locked) {
        out->refusal = ENT_REFUSAL_LOCKED;
        return entx_fail(db, ENT_REFUSED,
                         "'%s' is locked after %d failed logins: a manager must unlock it before it can log in",
                         ENT_CLIP(name, 40), ENT_LOGIN_LOCK_FAILURES);
    }
    int64_t until = g->last + wait_after(g->failures);
    if (g->failures >= ENT_LOGIN_FREE_FAILURES && now < until) {
        out->refusal = ENT_REFUSAL_WAIT;
        out->retry_after = until - now;
        return entx_fail(db, ENT_REFUSED, "too many failed logins for '%s': try again in %lld seconds",
                         ENT_CLIP(name, 40), (long long)out->retry_after);
    }
    return ENT_OK;
}

/* Counts a failure of name and refuses with what follows from it. */
static int count_failure(ent_db *db, const char *name, const char *now_text, ent_principal *out)
{
    struct gate g;
    int rc = entx_tx_begin(db);
    sqlite3_stmt *st = rc == ENT_OK ? entx_stmt(db, "INSERT INTO login_failure(name, failures, last_at) "
                                                    "VALUES (?1, 1, ?2) ON CONFLICT(name) DO UPDATE SET "
                                                    "failures = failures + 1, last_at = ?2, locked_at = CASE "
                                                    "WHEN failures + 1 >= ?3 THEN ?2 ELSE locked_at END")
                                    : NULL;
    if (rc == ENT_OK && st == NULL)
        rc = db->code;
    if (rc == ENT_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, now_text, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, ENT_LOGIN_LOCK_FAILURES);
        rc = entx_exec_stmt(db, st);
    }
    if (rc == ENT_OK)
        rc = gate_read(db, name, &g);
    if ((rc = entx_tx_end(db, rc)) != ENT_OK)
        return rc;
    out->refusal = ENT_REFUSAL_CREDENTIALS;
    if (g.locked)
        return entx_fail(db, ENT_REFUSED,
                         BAD_CREDENTIALS "; after %d failed logins '%s' is locked until a "
                                         "manager unlocks it",
                         ENT_LOGIN_LOCK_FAILURES, ENT_CLIP(name, 40));
    out->retry_after = wait_after(g.failures);
    if (out->retry_after > 0)
        return entx_fail(db, ENT_REFUSED, BAD_CREDENTIALS "; %lld failed logins: try again in %lld seconds",
                         (long long)g.failures, (long long)out->retry_after);
    return entx_fail(db, ENT_REFUSED, BAD_CREDENTIALS);
}

static int forget_failures(ent_db *db, const char *name)
{
    sqlite3_stmt *st = entx_stmt(db, "DELETE FROM login_failure WHERE name = ?1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    return entx_exec_stmt(db, st);
}

/* ---- principals --------------------------------------------------------- */

/* Fills who from columns i.. of st: user id, name, display, role. */
static void principal_user(sqlite3_stmt *st, int i, ent_principal *who)
{
    who->user_id = sqlite3_column_int64(st, i);
    entx_col_copy(st, who->user, sizeof who->user, i + 1);
    entx_col_copy(st, who->display, sizeof who->display, i + 2);
    if (ent_role_parse(NULL, (const char *)sqlite3_column_text(st, i + 3), &who->role) != ENT_OK)
        who->role = 0;
}

/* The user behind name and password, into out; counts a failure. The work
 * is the same for an unknown name. */
static int authenticate(ent_db *db, const char *name, const char *password, ent_principal *out, struct gate *g)
{
    char now_text[ENT_TIME_SIZE];
    int64_t now;
    bool countable, found = false, match = false;
    char *stored = NULL;
    int rc;
    entx_now_utc(now_text);
    entx_utc_parse(&now, now_text);
    name = name ? name : "";
    password = password ? password : "";
    memset(g, 0, sizeof *g);
    countable = entx_check_text(db, "login name", name, ENT_USER_NAME_MAX, true) == ENT_OK;
    entx_ok(db);
    if (countable && ((rc = gate_read(db, name, g)) != ENT_OK || (rc = gate_check(db, name, g, now, out)) != ENT_OK))
        return rc;
    sqlite3_stmt *st = entx_stmt(db, "SELECT id, name, display, role, password, retired_at IS NOT NULL "
                                     "FROM user_account WHERE name = ?1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW) {
        found = true;
        principal_user(st, 0, out);
        stored = entx_col_strdup(st, 4);
        if (sqlite3_column_int(st, 5))
            out->refusal = ENT_REFUSAL_RETIRED;
    }
    sqlite3_reset(st);
    if (sc != SQLITE_ROW && sc != SQLITE_DONE)
        return entx_fail_sql(db, "looking up a user");
    rc = password_verify(db, found ? stored : NULL, strlen(password) <= ENT_PASSWORD_MAX ? password : "", &match);
    free(stored);
    if (rc != ENT_OK)
        return rc;
    if (!match || strlen(password) > ENT_PASSWORD_MAX) {
        memset(out, 0, sizeof *out);
        out->refusal = ENT_REFUSAL_CREDENTIALS;
        if (!countable) /* no such name can exist: nothing to count */
            return entx_fail(db, ENT_REFUSED, BAD_CREDENTIALS);
        return count_failure(db, name, now_text, out);
    }
    if (out->refusal == ENT_REFUSAL_RETIRED)
        return entx_fail(db, ENT_REFUSED, "user %s is retired: it cannot log in", out->user);
    return ENT_OK;
}

/* ---- sessions ----------------------------------------------------------- */

static void csrf_of(const char *token, char out[44])
{
    char buf[TOKEN_CHARS + 32];
    unsigned char h[32];
    snprintf(buf, sizeof buf, "entrepot-csrf:%s", token);
    sha256(buf, h);
    OPENSSL_cleanse(buf, sizeof buf);
    b64url(h, sizeof h, out);
}

static int session_insert(ent_db *db, ent_session *out, const char *device)
{
    char now[ENT_TIME_SIZE], expires[ENT_TIME_SIZE];
    unsigned char h[32];
    int64_t t;
    int rc;
    entx_now_utc(now);
    entx_utc_parse(&t, now);
    entx_utc_format(expires, t + ENT_SESSION_MAX_SECONDS);
    if ((rc = new_token(db, "", out->token, sizeof out->token)) != ENT_OK)
        return rc;
    sha256(out->token, h);
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO user_session(token_hash, user_id, device, created_at, last_seen, "
                                     "expires_at) VALUES (?1, ?2, ?3, ?4, ?4, ?5)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, out->who.user_id);
    entx_bind_text_or_null(st, 3, device);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, expires, -1, SQLITE_STATIC);
    if ((rc = entx_exec_stmt(db, st)) != ENT_OK)
        return rc;
    out->who.session_id = sqlite3_last_insert_rowid(db->sql);
    snprintf(out->who.expires_at, sizeof out->who.expires_at, "%s", expires);
    snprintf(out->who.device, sizeof out->who.device, "%s", device ? device : "");
    csrf_of(out->token, out->who.csrf);
    return ENT_OK;
}

int ent_login(ent_db *db, ent_session *out, const char *name, const char *password, const char *device)
{
    struct gate g;
    int rc;
    entx_ok(db);
    memset(out, 0, sizeof *out);
    if ((rc = entx_check_text(db, "device", device, ENT_DEVICE_MAX, false)) != ENT_OK)
        return rc;
    if ((rc = authenticate(db, name, password, &out->who, &g)) != ENT_OK)
        goto done;
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        goto done;
    if (g.failures > 0)
        rc = forget_failures(db, name);
    if (rc == ENT_OK)
        rc = session_insert(db, out, entx_empty(device) ? NULL : device);
    rc = entx_tx_end(db, rc);
done:
    if (rc != ENT_OK) {
        int refusal = out->who.refusal;
        int64_t wait = out->who.retry_after;
        OPENSSL_cleanse(out, sizeof *out);
        out->who.refusal = refusal;
        out->who.retry_after = wait;
    }
    return rc;
}

/* The roles that hold right, in words, into buf: "a supervisor or a manager". */
static void who_may(char *buf, size_t len, int right)
{
    int n = 0, i = 0;
    size_t at = 0;
    for (int r = 1; r <= ENT_ROLE_COUNT; r++)
        n += ent_role_may(r, right);
    snprintf(buf, len, "%s", n == 0 ? "no role" : "");
    for (int r = 1; r <= ENT_ROLE_COUNT && at < len; r++) {
        const char *name = ent_role_name(r);
        if (!ent_role_may(r, right))
            continue;
        int w = snprintf(buf + at, len - at, "%s%s %s", ++i == 1 ? "" : i == n ? " or " : ", ",
                         strchr("aeiou", name[0]) ? "an" : "a", name);
        at += w > 0 ? (size_t)w : 0;
    }
}

int ent_user_approve(ent_db *db, ent_principal *out, const char *name, const char *password, int right)
{
    struct gate g;
    int rc;
    entx_ok(db);
    memset(out, 0, sizeof *out);
    if (ent_right_name(right) == NULL)
        return entx_fail(db, ENT_INVALID, "%d is not a right", right);
    if ((rc = authenticate(db, name, password, out, &g)) != ENT_OK)
        return rc;
    if (g.failures > 0 && (rc = forget_failures(db, name)) != ENT_OK)
        return rc;
    if (!ent_role_may(out->role, right)) {
        int role = out->role;
        char who[128];
        who_may(who, sizeof who, right);
        memset(out, 0, sizeof *out);
        out->refusal = ENT_REFUSAL_RIGHT;
        return entx_fail(db, ENT_REFUSED, "%s is a %s: a %s cannot approve this (only %s can)", ENT_CLIP(name, 40),
                         ent_role_name(role), ent_role_name(role), who);
    }
    return ENT_OK;
}

static bool writable(ent_db *db)
{
    return !(db->flags & ENT_OPEN_READONLY) && sqlite3_db_readonly(db->sql, "main") == 0;
}

/* Runs sql (?1 the hash, ?2 the time now) as a best-effort refresh: a
 * failure to record a last use must not refuse the request it came with. */
static void refresh(ent_db *db, const char *sql, const unsigned char h[32], const char *now)
{
    sqlite3_stmt *st = entx_stmt(db, sql);
    if (st != NULL) {
        sqlite3_bind_blob(st, 1, h, 32, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
        entx_exec_stmt(db, st);
    }
    entx_ok(db);
}

static int session_gone(ent_db *db, ent_principal *out)
{
    out->refusal = ENT_REFUSAL_CREDENTIALS;
    return entx_fail(db, ENT_NOTFOUND, "no such session: it ended or never began; log in again");
}

int ent_session_check(ent_db *db, ent_principal *out, const char *token)
{
    char now[ENT_TIME_SIZE], last_seen[ENT_TIME_SIZE], expires[ENT_TIME_SIZE];
    unsigned char h[32];
    int64_t t, seen, end;
    int rc = ENT_OK;
    entx_ok(db);
    memset(out, 0, sizeof *out);
    if (!token_form(token, ""))
        return session_gone(db, out);
    sha256(token, h);
    sqlite3_stmt *st = entx_stmt(db, "SELECT s.id, s.device, s.last_seen, s.expires_at, u.id, u.name, u.display, "
                                     "u.role, u.retired_at IS NOT NULL FROM user_session s "
                                     "JOIN user_account u ON u.id = s.user_id WHERE s.token_hash = ?1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW) {
        out->session_id = sqlite3_column_int64(st, 0);
        entx_col_copy(st, out->device, sizeof out->device, 1);
        entx_col_copy(st, last_seen, sizeof last_seen, 2);
        entx_col_copy(st, expires, sizeof expires, 3);
        principal_user(st, 4, out);
        if (sqlite3_column_int(st, 8))
            out->refusal = ENT_REFUSAL_RETIRED;
    }
    sqlite3_reset(st);
    if (sc == SQLITE_DONE)
        return session_gone(db, out);
    if (sc != SQLITE_ROW)
        return entx_fail_sql(db, "looking up a session");
    entx_now_utc(now);
    entx_utc_parse(&t, now);
    if (entx_utc_parse(&seen, last_seen) != ENT_OK || entx_utc_parse(&end, expires) != ENT_OK || t >= end ||
        t >= seen + ENT_SESSION_IDLE_SECONDS) {
        if (writable(db))
            refresh(db, "DELETE FROM user_session WHERE token_hash = ?1 AND ?2 IS NOT NULL", h, now);
        memset(out, 0, sizeof *out);
        out->refusal = ENT_REFUSAL_EXPIRED;
        return entx_fail(db, ENT_REFUSED, "the session has expired: log in again");
    }
    if (out->refusal == ENT_REFUSAL_RETIRED) {
        rc = entx_fail(db, ENT_REFUSED, "user %s is retired: its sessions have ended", out->user);
        memset(out, 0, sizeof *out);
        out->refusal = ENT_REFUSAL_RETIRED;
        return rc;
    }
    snprintf(out->expires_at, sizeof out->expires_at, "%s", expires);
    csrf_of(token, out->csrf);
    if (t - seen >= REFRESH_AFTER && writable(db))
        refresh(db, "UPDATE user_session SET last_seen = ?2 WHERE token_hash = ?1", h, now);
    return ENT_OK;
}

/* Runs sql (?1 the hash of token, ?2 now) that must change one session. */
static int session_write(ent_db *db, const char *token, const char *sql)
{
    char now[ENT_TIME_SIZE];
    unsigned char h[32];
    ent_principal none;
    int rc;
    entx_ok(db);
    if (!token_form(token, ""))
        return session_gone(db, &none);
    sha256(token, h);
    entx_now_utc(now);
    sqlite3_stmt *st = entx_stmt(db, sql);
    if (st == NULL)
        return db->code;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    if ((rc = entx_exec_stmt(db, st)) == ENT_OK && sqlite3_changes(db->sql) == 0)
        rc = session_gone(db, &none);
    return rc;
}

int ent_session_touch(ent_db *db, const char *token)
{
    return session_write(db, token, "UPDATE user_session SET last_seen = max(last_seen, ?2) WHERE token_hash = ?1");
}

int ent_session_end(ent_db *db, const char *token)
{
    return session_write(db, token, "DELETE FROM user_session WHERE token_hash = ?1 AND ?2 IS NOT NULL");
}

int ent_session_alive(ent_db *db, bool *out, int64_t session_id, const char *user)
{
    char now[ENT_TIME_SIZE], last_seen[ENT_TIME_SIZE] = "", expires[ENT_TIME_SIZE] = "";
    int64_t t, seen, end;
    entx_ok(db);
    *out = false;
    if (session_id <= 0 || user == NULL)
        return ENT_OK;
    sqlite3_stmt *st = entx_stmt(db, "SELECT s.last_seen, s.expires_at FROM user_session s "
                                     "JOIN user_account u ON u.id = s.user_id "
                                     "WHERE s.id = ?1 AND u.name = ?2 AND u.retired_at IS NULL");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, session_id);
    sqlite3_bind_text(st, 2, user, -1, SQLITE_TRANSIENT);
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW) {
        entx_col_copy(st, last_seen, sizeof last_seen, 0);
        entx_col_copy(st, expires, sizeof expires, 1);
    }
    sqlite3_reset(st);
    if (sc != SQLITE_ROW && sc != SQLITE_DONE)
        return entx_fail_sql(db, "looking up a session");
    if (sc == SQLITE_DONE)
        return ENT_OK;
    entx_now_utc(now);
    entx_utc_parse(&t, now);
    *out = entx_utc_parse(&seen, last_seen) == ENT_OK && entx_utc_parse(&end, expires) == ENT_OK && t < end &&
           t < seen + ENT_SESSION_IDLE_SECONDS;
    return ENT_OK;
}

int ent_session_purge(ent_db *db, int64_t *removed)
{
    char now[ENT_TIME_SIZE], idle[ENT_TIME_SIZE];
    int64_t t;
    int rc;
    entx_ok(db);
    entx_now_utc(now);
    entx_utc_parse(&t, now);
    entx_utc_format(idle, t - ENT_SESSION_IDLE_SECONDS);
    sqlite3_stmt *st = entx_stmt(db, "DELETE FROM user_session WHERE expires_at <= ?1 OR last_seen <= ?2");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, idle, -1, SQLITE_STATIC);
    rc = entx_exec_stmt(db, st);
    if (removed)
        *removed = rc == ENT_OK ? sqlite3_changes(db->sql) : 0;
    return rc;
}

int entx_sessions_end_user(ent_db *db, int64_t user_id)
{
    sqlite3_stmt *st = entx_stmt(db, "DELETE FROM user_session WHERE user_id = ?1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, user_id);
    return entx_exec_stmt(db, st);
}

/* ---- API tokens --------------------------------------------------------- */

int ent_token_add(ent_db *db, ent_token_secret *out, const char *user, const char *device, const char *by)
{
    char now[ENT_TIME_SIZE];
    unsigned char h[32];
    int64_t uid = 0;
    int rc, retired = 0;
    entx_ok(db);
    memset(out, 0, sizeof *out);
    if ((rc = entx_check_text(db, "device", device, ENT_DEVICE_MAX, true)) != ENT_OK ||
        (rc = entx_check_text(db, "who makes the change", by, ENT_USER_NAME_MAX, true)) != ENT_OK)
        return rc;
    entx_now_utc(now);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, "SELECT id, retired_at IS NOT NULL FROM user_account WHERE name = ?1");
    if (st == NULL)
        return entx_tx_end(db, db->code);
    sqlite3_bind_text(st, 1, user ? user : "", -1, SQLITE_STATIC);
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW) {
        uid = sqlite3_column_int64(st, 0);
        retired = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    if (sc == SQLITE_DONE)
        rc = entx_fail_hint(db, ENT_NOTFOUND, ENT_HINT_USERS, "no user '%s'", ENT_CLIP(user, 40));
    else if (sc != SQLITE_ROW)
        rc = entx_fail_sql(db, "looking up a user");
    else if (retired)
        rc = entx_fail(db, ENT_REFUSED, "user '%s' is retired: it gets no API tokens", ENT_CLIP(user, 40));
    if (rc == ENT_OK)
        rc = new_token(db, TOKEN_PREFIX, out->secret, sizeof out->secret);
    if (rc == ENT_OK && (st = entx_stmt(db, "INSERT INTO api_token(token_hash, user_id, device, created_at, "
                                            "created_by) VALUES (?1, ?2, ?3, ?4, ?5)")) == NULL)
        rc = db->code;
    if (rc == ENT_OK) {
        sha256(out->secret, h);
        sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, uid);
        sqlite3_bind_text(st, 3, device, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, by, -1, SQLITE_STATIC);
        rc = entx_exec_stmt(db, st);
        out->id = sqlite3_last_insert_rowid(db->sql);
    }
    rc = entx_tx_end(db, rc);
    if (rc != ENT_OK)
        OPENSSL_cleanse(out, sizeof *out);
    return rc;
}

int ent_token_each(ent_db *db, bool all, ent_token_cb cb, void *ud)
{
    entx_ok(db);
    sqlite3_stmt *st = entx_stmt(db, "SELECT t.id, u.name, t.device, t.created_at, t.created_by, t.last_used, "
                                     "t.revoked_at FROM api_token t JOIN user_account u ON u.id = t.user_id "
                                     "WHERE ?1 OR t.revoked_at IS NULL ORDER BY t.id");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int(st, 1, all);
    int rc = ENT_OK, sc;
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_token_info t = {.id = sqlite3_column_int64(st, 0)};
        entx_col_copy(st, t.user, sizeof t.user, 1);
        entx_col_copy(st, t.device, sizeof t.device, 2);
        entx_col_copy(st, t.created_at, sizeof t.created_at, 3);
        t.created_by = (const char *)sqlite3_column_text(st, 4);
        entx_col_copy(st, t.last_used, sizeof t.last_used, 5);
        entx_col_copy(st, t.revoked_at, sizeof t.revoked_at, 6);
        rc = cb(&t, ud);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "listing API tokens");
    sqlite3_reset(st);
    return rc;
}

int ent_token_revoke(ent_db *db, int64_t id, const char *by)
{
    char now[ENT_TIME_SIZE];
    int rc;
    entx_ok(db);
    if ((rc = entx_check_text(db, "who makes the change", by, ENT_USER_NAME_MAX, true)) != ENT_OK)
        return rc;
    entx_now_utc(now);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, "SELECT revoked_at FROM api_token WHERE id = ?1");
    if (st == NULL)
        return entx_tx_end(db, db->code);
    sqlite3_bind_int64(st, 1, id);
    int sc = sqlite3_step(st);
    char revoked[ENT_TIME_SIZE] = "";
    if (sc == SQLITE_ROW)
        entx_col_copy(st, revoked, sizeof revoked, 0);
    sqlite3_reset(st);
    if (sc == SQLITE_DONE)
        rc = entx_fail_hint(db, ENT_NOTFOUND, ENT_HINT_TOKENS, "no API token %lld", (long long)id);
    else if (sc != SQLITE_ROW)
        rc = entx_fail_sql(db, "looking up an API token");
    else if (revoked[0])
        rc = entx_fail(db, ENT_REFUSED, "API token %lld was already revoked at %s", (long long)id, revoked);
    if (rc == ENT_OK && (st = entx_stmt(db, "UPDATE api_token SET revoked_at = ?2, revoked_by = ?3 "
                                            "WHERE id = ?1")) == NULL)
        rc = db->code;
    if (rc == ENT_OK) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, by, -1, SQLITE_STATIC);
        rc = entx_exec_stmt(db, st);
    }
    return entx_tx_end(db, rc);
}

int ent_token_check(ent_db *db, ent_principal *out, const char *secret)
{
    char now[ENT_TIME_SIZE], last_used[ENT_TIME_SIZE] = "";
    unsigned char h[32];
    int64_t t, used;
    bool retired = false;
    entx_ok(db);
    memset(out, 0, sizeof *out);
    out->refusal = ENT_REFUSAL_CREDENTIALS;
    if (!token_form(secret, TOKEN_PREFIX))
        return entx_fail(db, ENT_NOTFOUND, "unknown or revoked API token");
    sha256(secret, h);
    sqlite3_stmt *st = entx_stmt(db, "SELECT t.id, t.device, t.last_used, u.id, u.name, u.display, u.role, "
                                     "u.retired_at IS NOT NULL FROM api_token t JOIN user_account u "
                                     "ON u.id = t.user_id WHERE t.token_hash = ?1 AND t.revoked_at IS NULL");
    if (st == NULL)
        return db->code;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW) {
        out->token_id = sqlite3_column_int64(st, 0);
        entx_col_copy(st, out->device, sizeof out->device, 1);
        entx_col_copy(st, last_used, sizeof last_used, 2);
        principal_user(st, 3, out);
        retired = sqlite3_column_int(st, 7) != 0;
    }
    sqlite3_reset(st);
    if (sc == SQLITE_DONE)
        return entx_fail(db, ENT_NOTFOUND, "unknown or revoked API token");
    if (sc != SQLITE_ROW)
        return entx_fail_sql(db, "looking up an API token");
    if (retired) {
        int rc = entx_fail(db, ENT_REFUSED, "user %s is retired: its API tokens are refused", out->user);
        memset(out, 0, sizeof *out);
        out->refusal = ENT_REFUSAL_RETIRED;
        return rc;
    }
    out->refusal = ENT_REFUSAL_NONE;
    entx_now_utc(now);
    entx_utc_parse(&t, now);
    if ((last_used[0] == '\0' || entx_utc_parse(&used, last_used) != ENT_OK || t - used >= REFRESH_AFTER) &&
        writable(db))
        refresh(db, "UPDATE api_token SET last_used = ?2 WHERE token_hash = ?1", h, now);
    return ENT_OK;
}
