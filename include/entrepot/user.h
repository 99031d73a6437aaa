/*
 * entrepot — users, roles and rights, passwords, login sessions, API tokens,
 * a supervisor's approval, and who makes the writes.
 *
 * The library keeps the rules that hold for every front end (a retired user
 * cannot log in, the last manager stays, failed logins are slowed then
 * locked, secrets are stored only hashed); the front end decides who may
 * call what, with ent_role_may() on the principal a session or token gives.
 *
 * Secrets (passwords, session tokens, API tokens) never appear in a message
 * on the handle, and are stored only hashed: passwords with scrypt (OpenSSL
 * EVP_KDF, a random salt per user, the parameters stored with the hash),
 * tokens with SHA-256 (they are 32 random bytes). A token is handed out once,
 * when it is made; nothing can show it again.
 *
 * "by" parameters name who makes a change: a user's login name on the
 * server, the operating-system user on the command line; 1 to 64 bytes of
 * UTF-8 text, recorded as given.
 */
#ifndef ENTREPOT_USER_H
#define ENTREPOT_USER_H

#include <stdbool.h>
#include "entrepot/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- roles and rights --------------------------------------------------- */

enum ent_role {
    ENT_ROLE_CASHIER = 1, /* "cashier" */
    ENT_ROLE_SUPERVISOR,  /* "supervisor" */
    ENT_ROLE_STOCK_CLERK, /* "stock-clerk" */
    ENT_ROLE_LABEL_CLERK, /* "label-clerk" */
    ENT_ROLE_MANAGER,     /* "manager" */
    ENT_ROLE_AUDITOR,     /* "auditor" */
    ENT_ROLE_COUNT = ENT_ROLE_AUDITOR
};

enum ent_right {
    ENT_RIGHT_SELL = 1, /* "sell": baskets and checkout at a counter */
    ENT_RIGHT_RETURN,   /* "return": a return with its receipt */
    ENT_RIGHT_APPROVE,  /* "approve": price override, discount above the store's
                           limit, void, return without a receipt */
    ENT_RIGHT_STOCK,    /* "stock": receive, move, adjust, scrap, count */
    ENT_RIGHT_LABELS,   /* "labels": print labels, the reprint queue */
    ENT_RIGHT_CATALOG,  /* "catalog": commodities, prices, locations */
    ENT_RIGHT_USERS,    /* "users": users and API tokens */
    ENT_RIGHT_SETTINGS, /* "settings": the store's details and settings, journal keys */
    ENT_RIGHT_READ,     /* "read": reports, journal, history, export */
    ENT_RIGHT_COUNT = ENT_RIGHT_READ
};

/* The English name of a role ("stock-clerk"), or NULL for a value that is
 * not a role. Static storage. */
ENT_API const char *ent_role_name(int role);

/* The role named s (exactly one of the names above, in lower case) into
 * *out. ENT_INVALID for anything else (the message on db, which may be
 * NULL, names s and the roles there are). */
ENT_API int ent_role_parse(ent_db *db, const char *s, int *out);

/* The same for rights ("approve"). */
ENT_API const char *ent_right_name(int right);
ENT_API int ent_right_parse(ent_db *db, const char *s, int *out);

/* True when role holds right. One table (README, "Users, roles and tokens");
 * a manager may everything, an auditor only reads. False for values that are
 * not a role or a right. */
ENT_API bool ent_role_may(int role, int right);

/* ---- users -------------------------------------------------------------- */

#define ENT_USER_NAME_MAX 64     /* login name: 1-64 bytes of a-z 0-9 . _ - */
#define ENT_USER_DISPLAY_MAX 200 /* display name: 1-200 bytes of UTF-8 (Chinese fine) */
#define ENT_DEVICE_MAX 64        /* device name of a session or token: 1-64 bytes UTF-8 */
#define ENT_PASSWORD_MIN 8       /* bytes */
#define ENT_PASSWORD_MAX 1024    /* bytes */

/* A user as stored. Strings are owned by the struct (ent_user_free). */
typedef struct ent_user {
    int64_t id;
    char name[ENT_USER_NAME_MAX + 1];
    char *display;
    int role;            /* enum ent_role */
    bool retired;        /* cannot log in; tokens refused */
    bool locked;         /* ten failed logins: refused until unlocked */
    int64_t failures;    /* failed logins since the last good one */
    char retired_at[21]; /* "" while active */
    char created_at[21];
    char *created_by;
    char changed_at[21];
    char *changed_by;
} ent_user;

/*
 * What ent_user_add sets and ent_user_edit changes. For edit, NULL / 0 /
 * false leave a detail as it is.
 *  display   display name (add: NULL or "" takes the login name)
 *  role      enum ent_role (required for add)
 *  password  ENT_PASSWORD_MIN to ENT_PASSWORD_MAX bytes, no NUL (required
 *            for add); a new password ends the user's sessions
 *  unlock    edit only: forget the failed logins, lift a lock
 */
typedef struct ent_user_fields {
    const char *display;
    int role;
    const char *password;
    bool unlock;
} ent_user_fields;

/*
 * Adds user name (lower-case a-z 0-9 . _ -, 1-64 bytes; unique regardless of
 * case). Errors: ENT_INVALID (a bad name, display name, role, password or by:
 * the message names which, never quoting the password), ENT_EXISTS (the
 * name is taken, also by a retired user).
 */
ENT_API int ent_user_add(ent_db *db, const char *name, const ent_user_fields *f, const char *by);

/*
 * Changes the given details of user name, in one transaction. Errors:
 * ENT_INVALID (nothing to change, a bad value), ENT_NOTFOUND,
 * ENT_REFUSED (the user is retired; the last active manager would lose the
 * role).
 */
ENT_API int ent_user_edit(ent_db *db, const char *name, const ent_user_fields *f, const char *by);

/*
 * Retires user name: kept for history, cannot log in, its sessions end and
 * its API tokens are refused. Errors: ENT_NOTFOUND, ENT_REFUSED (already
 * retired; the last active manager).
 */
ENT_API int ent_user_retire(ent_db *db, const char *name, const char *by);

/* Reads user name (any case) into *out; release with ent_user_free.
 * ENT_NOTFOUND names it. */
ENT_API int ent_user_get(ent_db *db, ent_user **out, const char *name);
ENT_API void ent_user_free(ent_user *u);

/* Visits the users by name, retired ones too when all is true. The user is
 * borrowed for the call; a non-zero return from cb stops the walk and is
 * returned. */
typedef int (*ent_user_cb)(const ent_user *u, void *ud);
ENT_API int ent_user_each(ent_db *db, bool all, ent_user_cb cb, void *ud);

/* ---- who is asking: sessions, tokens, approvals ------------------------- */

/* Why a login, check or approval was refused (ent_principal.refusal). */
enum ent_refusal {
    ENT_REFUSAL_NONE = 0,
    ENT_REFUSAL_CREDENTIALS, /* unknown user or wrong password (one message for
                                both), unknown or revoked token (HTTP 401) */
    ENT_REFUSAL_WAIT,        /* too many failures: retry_after seconds (HTTP 429) */
    ENT_REFUSAL_LOCKED,      /* ten failures: until a manager unlocks (HTTP 403) */
    ENT_REFUSAL_RETIRED,     /* the user is retired (HTTP 403) */
    ENT_REFUSAL_EXPIRED,     /* the session ran out (HTTP 401) */
    ENT_REFUSAL_RIGHT        /* approval: the approver's role lacks the right (HTTP 403) */
};

/* Who a session or token stands for. Filled by value: nothing to free. */
typedef struct ent_principal {
    int64_t user_id;
    char user[ENT_USER_NAME_MAX + 1]; /* login name */
    char display[ENT_USER_DISPLAY_MAX + 1];
    int role;                        /* enum ent_role */
    char device[ENT_DEVICE_MAX + 1]; /* "" when none was given */
    int64_t session_id;              /* the session's id, 0 for a token */
    int64_t token_id;                /* the API token's id, 0 for a session */
    char csrf[44];                   /* sessions: the CSRF token the client must send back with
                                        every write ("" for a token); derived from the session
                                        token, so never stored */
    char expires_at[21];             /* sessions: when it ends at the latest; "" for a token */
    /* On a refusal (return ENT_REFUSED or ENT_NOTFOUND): why, and for
     * ENT_REFUSAL_WAIT how many seconds to wait. */
    int refusal; /* enum ent_refusal */
    int64_t retry_after;
} ent_principal;

/* A new session: the token is shown here once (43 characters of base64url,
 * 32 random bytes); the database keeps only its SHA-256. */
typedef struct ent_session {
    char token[44];
    ent_principal who;
} ent_session;

#define ENT_SESSION_IDLE_SECONDS (12 * 3600)    /* ends 12 h after the last request */
#define ENT_SESSION_MAX_SECONDS (7 * 24 * 3600) /* and 7 days after the login at the latest */
#define ENT_LOGIN_FREE_FAILURES 3               /* failures before each attempt must wait */
#define ENT_LOGIN_LOCK_FAILURES 10              /* failures that lock the name */

/*
 * Logs user name in with password from device (NULL or "": none; else 1-64
 * bytes of text) and starts a session in *out.
 * Refusals (ENT_REFUSED, out->who.refusal says which, the message on db
 * says it in words, never naming the password):
 *  - unknown user or wrong password: the same message and comparable time
 *    (an unknown name still runs scrypt); the failure is counted;
 *  - after ENT_LOGIN_FREE_FAILURES failures in a row each attempt is refused,
 *    without checking the password, until a wait has passed (5 s, doubling
 *    with each further failure): "try again in N seconds", retry_after = N;
 *  - after ENT_LOGIN_LOCK_FAILURES the name is locked until a manager
 *    unlocks it (ent_user_edit with unlock);
 *  - a retired user (only said once the password was right).
 * A good login forgets the failures. ENT_INVALID only for a bad device.
 * The scrypt work (32 MiB of memory) runs before the one short write
 * transaction (failure count or new session), never inside it; the handle
 * must be writable.
 */
ENT_API int ent_login(ent_db *db, ent_session *out, const char *name, const char *password, const char *device);

/*
 * The principal of the session whose token is given, into *out.
 * ENT_NOTFOUND (refusal CREDENTIALS) for a token that is unknown or ended,
 * ENT_REFUSED (EXPIRED) for one past its idle or absolute expiry (the
 * session is removed), ENT_REFUSED (RETIRED) when its user was retired.
 * Refreshes the session's last request time when it is a minute old or more,
 * so that a busy session costs one write a minute; on a handle opened with
 * ENT_OPEN_READONLY it does not write, and the caller may call
 * ent_session_touch on a writable handle.
 */
ENT_API int ent_session_check(ent_db *db, ent_principal *out, const char *token);

/* Records a request on the session now (idle expiry counts from here).
 * ENT_NOTFOUND when the session is gone. */
ENT_API int ent_session_touch(ent_db *db, const char *token);

/* Ends the session (logout). ENT_NOTFOUND when no such session is open. */
ENT_API int ent_session_end(ent_db *db, const char *token);

/* Whether session_id is an open session of user name: not ended (logged
 * out), not past its idle or absolute expiry, its user not retired. *out is
 * false for anything else, including an id a later login of another user
 * now has. Reads only. */
ENT_API int ent_session_alive(ent_db *db, bool *out, int64_t session_id, const char *user);

/* Removes every expired session; *removed (may be NULL) receives how many. */
ENT_API int ent_session_purge(ent_db *db, int64_t *removed);

/*
 * A supervisor's approval inside someone else's request: checks user name's
 * password and that its role holds right, and fills *out with the approver
 * (to record with the line). Failures count and slow down exactly as for
 * ent_login, and give the same messages; a role without the right is
 * ENT_REFUSED with refusal RIGHT. No session is made.
 */
ENT_API int ent_user_approve(ent_db *db, ent_principal *out, const char *name, const char *password, int right);

/* How many active (not retired) users have a role that holds right: the
 * CLI's counter asks for approvals only in a store where someone can give
 * them (a store run from the command line alone has no users). */
ENT_API int ent_user_count_with_right(ent_db *db, int64_t *count, int right);

/* ---- API tokens for devices and scripts --------------------------------- */

/* A new API token: the secret is shown here once ("ent_" and 43 characters
 * of base64url); the database keeps only its SHA-256. */
typedef struct ent_token_secret {
    int64_t id;
    char secret[48];
} ent_token_secret;

/*
 * Makes an API token for user (active, not retired) used by device (1-64
 * bytes of text). Errors: ENT_INVALID (bad device or by), ENT_NOTFOUND (no
 * such user), ENT_REFUSED (the user is retired).
 */
ENT_API int ent_token_add(ent_db *db, ent_token_secret *out, const char *user, const char *device, const char *by);

/* A token as listed: never its secret. */
typedef struct ent_token_info {
    int64_t id;
    char user[ENT_USER_NAME_MAX + 1];
    char device[ENT_DEVICE_MAX + 1];
    char created_at[21];
    const char *created_by; /* borrowed for the call */
    char last_used[21];     /* "" when never used */
    char revoked_at[21];    /* "" while valid */
} ent_token_info;
typedef int (*ent_token_cb)(const ent_token_info *t, void *ud);

/* Visits the tokens by id, revoked ones too when all is true. A non-zero
 * return from cb stops the walk and is returned. */
ENT_API int ent_token_each(ent_db *db, bool all, ent_token_cb cb, void *ud);

/* Revokes token id for good. ENT_NOTFOUND, ENT_REFUSED (already revoked). */
ENT_API int ent_token_revoke(ent_db *db, int64_t id, const char *by);

/*
 * The principal of API token secret into *out (its user's role, the token's
 * device and id). ENT_NOTFOUND (CREDENTIALS) for an unknown or revoked
 * token, ENT_REFUSED (RETIRED) when its user is retired. Records the use
 * when the last one is a minute old or more (not on a read-only handle).
 */
ENT_API int ent_token_check(ent_db *db, ent_principal *out, const char *secret);

/* ---- who makes the writes ----------------------------------------------- */

/*
 * Names who makes the writes that follow on db (1-64 bytes of text; NULL
 * forgets it): catalogue and price changes, locations and label printing
 * record it. The CLI sets the operating-system user once after opening; the
 * server sets the request's user before each write. Until one is set they
 * are recorded as the operating-system user running the program.
 * ENT_INVALID for a name that is empty, too long or not text.
 */
ENT_API int ent_user_act_as(ent_db *db, const char *by);

/* Who db's writes are recorded as: the name given to ent_user_act_as, else
 * the operating-system user running the program. Borrowed: valid until the
 * next ent_user_act_as on db. Never NULL; "" only for a NULL db. */
ENT_API const char *ent_user_acting(ent_db *db);

/*
 * The password hashing cost. Production: scrypt with N = 2^15, r = 8, p = 1
 * (32 MiB of memory per hash). A database may lower log2 N for slow
 * devices and for tests with the setting row 'password.scrypt_log2n'
 * (10 to 20, read when a password is hashed); existing hashes keep the
 * parameters they were made with.
 */
#define ENT_SCRYPT_LOG2N 15
#define ENT_SCRYPT_SETTING "password.scrypt_log2n"

#ifdef __cplusplus
}
#endif
#endif
