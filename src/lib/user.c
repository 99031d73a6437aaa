/* Users and their roles: the role x right table, adding, editing, retiring
 * and listing users, and who the writes on a handle are recorded as.
 * Passwords, logins, sessions and tokens are in user_auth.c. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "user_internal.h"

/* ---- roles and rights --------------------------------------------------- */

static const char *const role_names[ENT_ROLE_COUNT + 1] = {NULL,          "cashier", "supervisor", "stock-clerk",
                                                           "label-clerk", "manager", "auditor"};
static const char *const right_names[ENT_RIGHT_COUNT + 1] = {NULL,     "sell",    "return", "approve",  "stock",
                                                             "labels", "catalog", "users",  "settings", "read"};

#define R(x) (1u << (x))
/* THE role x right table (README, "Users, roles and tokens"). A supervisor
 * also sells, so that the one standing at a counter needs no second login. */
static const unsigned role_rights[ENT_ROLE_COUNT + 1] = {
    [ENT_ROLE_CASHIER] = R(ENT_RIGHT_SELL) | R(ENT_RIGHT_RETURN),
    [ENT_ROLE_SUPERVISOR] = R(ENT_RIGHT_SELL) | R(ENT_RIGHT_RETURN) | R(ENT_RIGHT_APPROVE) | R(ENT_RIGHT_READ),
    [ENT_ROLE_STOCK_CLERK] = R(ENT_RIGHT_STOCK),
    [ENT_ROLE_LABEL_CLERK] = R(ENT_RIGHT_LABELS),
    [ENT_ROLE_MANAGER] = ~0u,
    [ENT_ROLE_AUDITOR] = R(ENT_RIGHT_READ),
};
#undef R

const char *ent_role_name(int role)
{
    return role >= 1 && role <= ENT_ROLE_COUNT ? role_names[role] : NULL;
}

const char *ent_right_name(int right)
{
    return right >= 1 && right <= ENT_RIGHT_COUNT ? right_names[right] : NULL;
}

bool ent_role_may(int role, int right)
{
    if (role < 1 || role > ENT_ROLE_COUNT || right < 1 || right > ENT_RIGHT_COUNT)
        return false;
    return (role_rights[role] >> right) & 1u;
}

static int parse_name(ent_db *db, const char *what, const char *const names[], int count, const char *s, int *out)
{
    if (db)
        entx_ok(db);
    for (int i = 1; s && i <= count; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return ENT_OK;
        }
    char list[200] = "";
    for (int i = 1; i <= count; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i > 1 ? ", " : "", names[i]);
    if (db == NULL)
        return ENT_INVALID;
    return entx_fail(db, ENT_INVALID, "no %s '%s': the %ss are %s", what, ENT_CLIP(s, 40), what, list);
}

int ent_role_parse(ent_db *db, const char *s, int *out)
{
    return parse_name(db, "role", role_names, ENT_ROLE_COUNT, s, out);
}

int ent_right_parse(ent_db *db, const char *s, int *out)
{
    return parse_name(db, "right", right_names, ENT_RIGHT_COUNT, s, out);
}

/* ---- who makes the writes ----------------------------------------------- */

int ent_user_act_as(ent_db *db, const char *by)
{
    int rc;
    entx_ok(db);
    if (by == NULL) {
        db->actor[0] = '\0';
        return ENT_OK;
    }
    if ((rc = entx_check_text(db, "who makes the change", by, ENT_USER_NAME_MAX, true)) != ENT_OK)
        return rc;
    snprintf(db->actor, sizeof db->actor, "%s", by);
    return ENT_OK;
}

const char *ent_user_acting(ent_db *db)
{
    return db ? entx_actor(db) : "";
}

const char *entx_actor(ent_db *db)
{
    if (db->actor[0] == '\0') {
        /* getpwuid_r: the server's threads may ask at once. */
        struct passwd pw, *found = NULL;
        char buf[1024];
        if (getpwuid_r(geteuid(), &pw, buf, sizeof buf, &found) == 0 && found && found->pw_name[0] &&
            strlen(found->pw_name) <= ENT_USER_NAME_MAX && ent_utf8_valid(found->pw_name, strlen(found->pw_name)))
            snprintf(db->actor, sizeof db->actor, "%s", found->pw_name);
        else
            snprintf(db->actor, sizeof db->actor, "uid %lu", (unsigned long)geteuid());
    }
    return db->actor;
}

/* ---- checks ------------------------------------------------------------- */

static int check_login_name(ent_db *db, const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0)
        return entx_fail(db, ENT_INVALID, "no login name given");
    if (n > ENT_USER_NAME_MAX)
        return entx_fail(db, ENT_INVALID, "login name '%s' is too long: %zu bytes, at most %d", ENT_CLIP(name, 40), n,
                         ENT_USER_NAME_MAX);
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (c >= 'A' && c <= 'Z')
            return entx_fail(db, ENT_INVALID, "login name '%s' has capital letters: login names are lower case",
                             ENT_CLIP(name, 40));
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return entx_fail(db, ENT_INVALID,
                             "login name '%s' may hold only a-z, 0-9, '.', '_' and '-' (such as li.wei)",
                             ENT_CLIP(name, 40));
    }
    return ENT_OK;
}

static int check_by(ent_db *db, const char *by)
{
    return entx_check_text(db, "who makes the change", by, ENT_USER_NAME_MAX, true);
}

static int check_fields(ent_db *db, const ent_user_fields *f, bool adding)
{
    int rc;
    if (f->display && (rc = entx_check_text(db, "display name", f->display, ENT_USER_DISPLAY_MAX, false)) != ENT_OK)
        return rc;
    if (!adding && f->display && *f->display == '\0')
        return entx_fail(db, ENT_INVALID, "the display name is empty: give a name or leave it unchanged");
    if ((adding || f->role != 0) && ent_role_name(f->role) == NULL)
        return adding && f->role == 0 ? entx_fail(db, ENT_INVALID, "no role given")
                                      : entx_fail(db, ENT_INVALID, "%d is not a role", f->role);
    if (adding && f->password == NULL)
        return entx_fail(db, ENT_INVALID, "no password given");
    if (f->password && (rc = entx_password_check(db, f->password)) != ENT_OK)
        return rc;
    return ENT_OK;
}

/* ---- reading ------------------------------------------------------------ */

#define USER_COLS                                                                                                      \
    "SELECT u.id, u.name, u.display, u.role, u.retired_at, u.created_at, u.created_by, u.changed_at, u.changed_by, "   \
    "coalesce(f.failures, 0), f.locked_at IS NOT NULL "                                                                \
    "FROM user_account u LEFT JOIN login_failure f ON f.name = u.name "

/* Fills u from a USER_COLS row; strings are heap copies (ent_user_free). */
static int user_from_row(ent_db *db, sqlite3_stmt *st, ent_user *u)
{
    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(st, 0);
    entx_col_copy(st, u->name, sizeof u->name, 1);
    u->display = entx_col_strdup(st, 2);
    if (ent_role_parse(NULL, (const char *)sqlite3_column_text(st, 3), &u->role) != ENT_OK)
        u->role = 0;
    entx_col_copy(st, u->retired_at, sizeof u->retired_at, 4);
    u->retired = u->retired_at[0] != '\0';
    entx_col_copy(st, u->created_at, sizeof u->created_at, 5);
    u->created_by = entx_col_strdup(st, 6);
    entx_col_copy(st, u->changed_at, sizeof u->changed_at, 7);
    u->changed_by = entx_col_strdup(st, 8);
    u->failures = sqlite3_column_int64(st, 9);
    u->locked = sqlite3_column_int(st, 10) != 0;
    if (u->display == NULL || u->created_by == NULL || u->changed_by == NULL)
        return entx_fail(db, ENT_ERROR, "out of memory");
    return ENT_OK;
}

static void user_clear(ent_user *u)
{
    free(u->display);
    free(u->created_by);
    free(u->changed_by);
}

void ent_user_free(ent_user *u)
{
    if (u == NULL)
        return;
    user_clear(u);
    free(u);
}

/* ENT_NOTFOUND (with its message) when no user has name in any case. */
static int find_user(ent_db *db, const char *name, ent_user *out)
{
    sqlite3_stmt *st = entx_stmt(db, USER_COLS "WHERE u.name = ?1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, name ? name : "", -1, SQLITE_STATIC);
    int sc = sqlite3_step(st), rc;
    if (sc == SQLITE_ROW)
        rc = user_from_row(db, st, out);
    else if (sc == SQLITE_DONE)
        rc = entx_fail_hint(db, ENT_NOTFOUND, ENT_HINT_USERS, "no user '%s'", ENT_CLIP(name, 40));
    else
        rc = entx_fail_sql(db, "looking up a user");
    sqlite3_reset(st);
    if (rc != ENT_OK && sc == SQLITE_ROW)
        user_clear(out);
    return rc;
}

int ent_user_get(ent_db *db, ent_user **out, const char *name)
{
    entx_ok(db);
    *out = NULL;
    ent_user *u = malloc(sizeof *u);
    if (u == NULL)
        return entx_fail(db, ENT_ERROR, "out of memory");
    int rc = find_user(db, name, u);
    if (rc != ENT_OK) {
        free(u);
        return rc;
    }
    *out = u;
    return ENT_OK;
}

int ent_user_each(ent_db *db, bool all, ent_user_cb cb, void *ud)
{
    entx_ok(db);
    sqlite3_stmt *st = entx_stmt(db, USER_COLS "WHERE ?1 OR u.retired_at IS NULL ORDER BY u.name");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int(st, 1, all);
    int rc = ENT_OK, sc;
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_user u;
        rc = user_from_row(db, st, &u);
        if (rc == ENT_OK)
            rc = cb(&u, ud);
        user_clear(&u);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "listing users");
    sqlite3_reset(st);
    return rc;
}

/* ---- writing ------------------------------------------------------------ */

/* How many active managers there are other than user id. */
static int other_managers(ent_db *db, int64_t id, int64_t *n)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT count(*) FROM user_account "
                                     "WHERE role = 'manager' AND retired_at IS NULL AND id <> ?1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, id);
    int rc = ENT_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    else
        rc = entx_fail_sql(db, "counting managers");
    sqlite3_reset(st);
    return rc;
}

/* Refuses to leave the store without an active manager, when user u (a
 * manager now) is retired or given another role. */
static int keep_a_manager(ent_db *db, const ent_user *u, const char *what)
{
    int64_t n = 0;
    int rc;
    if (u->role != ENT_ROLE_MANAGER || u->retired)
        return ENT_OK;
    if ((rc = other_managers(db, u->id, &n)) != ENT_OK)
        return rc;
    if (n == 0)
        return entx_fail(db, ENT_REFUSED,
                         "%s is the last active manager: %s would leave nobody to manage users; make another "
                         "manager first",
                         u->name, what);
    return ENT_OK;
}

int ent_user_add(ent_db *db, const char *name, const ent_user_fields *f, const char *by)
{
    static const ent_user_fields none = {0};
    char hash[ENTX_PWHASH_MAX], now[ENT_TIME_SIZE];
    int rc;
    entx_ok(db);
    if (f == NULL)
        f = &none;
    if ((rc = check_login_name(db, name)) != ENT_OK || (rc = check_fields(db, f, true)) != ENT_OK ||
        (rc = check_by(db, by)) != ENT_OK)
        return rc;
    /* Hashed before the transaction: scrypt takes a while, the lock must not. */
    if ((rc = entx_password_hash(db, f->password, hash, sizeof hash)) != ENT_OK)
        return rc;
    entx_now_utc(now);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        goto done;
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO user_account(name, display, role, password, created_at, "
                                     "created_by, changed_at, changed_by) "
                                     "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6 "
                                     "WHERE NOT EXISTS (SELECT 1 FROM user_account WHERE name = ?1)");
    if (st == NULL) {
        rc = db->code;
    } else {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, entx_empty(f->display) ? name : f->display, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, ent_role_name(f->role), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, by, -1, SQLITE_STATIC);
        rc = entx_exec_stmt(db, st);
        if (rc == ENT_OK && sqlite3_changes(db->sql) == 0)
            rc = entx_fail(db, ENT_EXISTS, "user '%s' already exists (login names are unique in any case)",
                           ENT_CLIP(name, 40));
    }
    /* A name that failed logins before it existed starts clean. */
    if (rc == ENT_OK && (st = entx_stmt(db, "DELETE FROM login_failure WHERE name = ?1")) != NULL) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        rc = entx_exec_stmt(db, st);
    }
    rc = entx_tx_end(db, rc);
done:
    return rc;
}

static int set_column(ent_db *db, const char *sql, int64_t id, const char *value, const char *by, const char *now)
{
    sqlite3_stmt *st = entx_stmt(db, sql);
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, by, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    return entx_exec_stmt(db, st);
}

static int unlock_user(ent_db *db, const char *name)
{
    sqlite3_stmt *st = entx_stmt(db, "DELETE FROM login_failure WHERE name = ?1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    return entx_exec_stmt(db, st);
}

static int apply_edit(ent_db *db, const ent_user *u, const ent_user_fields *f, const char *hash, const char *by)
{
    char now[ENT_TIME_SIZE];
    int rc = ENT_OK;
    entx_now_utc(now);
    if (u->retired)
        return entx_fail(db, ENT_REFUSED, "user %s is retired: it cannot be changed", u->name);
    if (f->role && f->role != u->role && (rc = keep_a_manager(db, u, "another role")) != ENT_OK)
        return rc;
    if (f->display)
        rc = set_column(db, "UPDATE user_account SET display = ?2, changed_by = ?3, changed_at = ?4 WHERE id = ?1",
                        u->id, f->display, by, now);
    if (rc == ENT_OK && f->role)
        rc = set_column(db, "UPDATE user_account SET role = ?2, changed_by = ?3, changed_at = ?4 WHERE id = ?1", u->id,
                        ent_role_name(f->role), by, now);
    if (rc == ENT_OK && hash) {
        rc = set_column(db, "UPDATE user_account SET password = ?2, changed_by = ?3, changed_at = ?4 WHERE id = ?1",
                        u->id, hash, by, now);
        if (rc == ENT_OK)
            rc = entx_sessions_end_user(db, u->id);
    }
    if (rc == ENT_OK && f->unlock) {
        rc = unlock_user(db, u->name);
        if (rc == ENT_OK)
            rc = set_column(db, "UPDATE user_account SET changed_by = ?3, changed_at = ?4WHERE id = ?1", u->id, "1", by,
                            now);
    }
    return rc;
}

int ent_user_edit(ent_db *db, const char *name, const ent_user_fields *f, const char *by)
{
    char hash[ENTX_PWHASH_MAX] = "";
    ent_user u = {0};
    bool found = false;
    int rc;
    entx_ok(db);
    if (f == NULL || (f->display == NULL && f->role == 0 && f->password == NULL && !f->unlock))
        return entx_fail(db, ENT_INVALID, "nothing to change: give a display name, role, password or unlock");
    if ((rc = check_fields(db, f, false)) != ENT_OK || (rc = check_by(db, by)) != ENT_OK)
        return rc;
    if (f->password && (rc = entx_password_hash(db, f->password, hash, sizeof hash)) != ENT_OK)
        return rc;
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        goto done;
    rc = find_user(db, name, &u);
    found = rc == ENT_OK;
    if (rc == ENT_OK)
        rc = apply_edit(db, &u, f, f->password ? hash : NULL, by);
    rc = entx_tx_end(db, rc);
done:
    if (found)
        user_clear(&u);
    return rc;
}

int ent_user_retire(ent_db *db, const char *name, const char *by)
{
    ent_user u = {0};
    char now[ENT_TIME_SIZE];
    int rc;
    entx_ok(db);
    if ((rc = check_by(db, by)) != ENT_OK)
        return rc;
    entx_now_utc(now);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    if ((rc = find_user(db, name, &u)) != ENT_OK)
        return entx_tx_end(db, rc);
    if (u.retired)
        rc = entx_fail(db, ENT_REFUSED, "user %s is already retired (since %s)", u.name, u.retired_at);
    if (rc == ENT_OK)
        rc = keep_a_manager(db, &u, "retiring it");
    if (rc == ENT_OK)
        rc = set_column(db,
                        "UPDATE user_account SET retired_at = ?4, changed_by = ?3, changed_at = ?4 "
                        "WHERE id = ?1",
                        u.id, "1", by, now);
    if (rc == ENT_OK)
        rc = entx_sessions_end_user(db, u.id);
    user_clear(&u);
    return entx_tx_end(db, rc);
}

int ent_user_count_with_right(ent_db *db, int64_t *count, int right)
{
    int sc, rc = ENT_OK;
    entx_ok(db);
    *count = 0;
    if (ent_right_name(right) == NULL)
        return entx_fail(db, ENT_INVALID, "%d is not a right", right);
    sqlite3_stmt *st = entx_stmt(db, "SELECT role, count(*) FROM user_account WHERE retired_at IS NULL GROUP BY role");
    if (st == NULL)
        return db->code;
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        int role;
        if (ent_role_parse(NULL, (const char *)sqlite3_column_text(st, 0), &role) == ENT_OK && ent_role_may(role, right))
            *count += sqlite3_column_int64(st, 1);
    }
    if (sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "counting users");
    sqlite3_reset(st);
    return rc;
}
