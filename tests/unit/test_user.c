/* Users, roles, passwords, logins and their lockout, sessions, API tokens. */
#include <sqlite3.h>
#include "internal.h"
#include "testutil.h"
#include "time_internal.h"

#define PW "correct horse 马"
#define BY "tester"

static void sql(ent_db *db, const char *s)
{
    char *err = NULL;
    if (sqlite3_exec(db->sql, s, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", s, err);
}

static int64_t scalar(ent_db *db, const char *s)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    assert_int_equal(sqlite3_prepare_v2(db->sql, s, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* A database whose passwords hash at the cheapest cost the setting allows,
 * with a manager "boss" and a cashier "ann", at a fixed time. */
static int setup(void **state)
{
    if (test_db_setup(state) != 0)
        return -1;
    ent_db *db = *state;
    sql(db, "INSERT INTO setting(key, value) VALUES ('" ENT_SCRYPT_SETTING "', '10')");
    entx_clock_set("2026-11-30T08:00:00Z");
    ent_user_fields boss = {.display = "王经理", .role = ENT_ROLE_MANAGER, .password = PW};
    ent_user_fields ann = {.role = ENT_ROLE_CASHIER, .password = PW};
    if (ent_user_add(db, "boss", &boss, BY) != ENT_OK || ent_user_add(db, "ann", &ann, BY) != ENT_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    entx_clock_set(NULL);
    return test_db_teardown(state);
}

/* The whole role x right table, written out: a change to it must change this. */
static void roles_table(void **state)
{
    (void)state;
    static const struct {
        int role;
        const char *name;
        const char *rights; /* one letter per right: sell return approve stock labels catalog users settings read */
    } rows[] = {
        {ENT_ROLE_CASHIER, "cashier", "SR......."},         {ENT_ROLE_SUPERVISOR, "supervisor", "SRA.....R"},
        {ENT_ROLE_STOCK_CLERK, "stock-clerk", "...S....."}, {ENT_ROLE_LABEL_CLERK, "label-clerk", "....L...."},
        {ENT_ROLE_MANAGER, "manager", "SRASLCUSR"},         {ENT_ROLE_AUDITOR, "auditor", "........R"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        int parsed = 0;
        assert_string_equal(ent_role_name(rows[i].role), rows[i].name);
        assert_int_equal(ent_role_parse(NULL, rows[i].name, &parsed), ENT_OK);
        assert_int_equal(parsed, rows[i].role);
        for (int r = 1; r <= ENT_RIGHT_COUNT; r++)
            if (ent_role_may(rows[i].role, r) != (rows[i].rights[r - 1] != '.'))
                fail_msg("row %zu: %s / %s", i, rows[i].name, ent_right_name(r));
    }
    assert_false(ent_role_may(0, ENT_RIGHT_READ));
    assert_false(ent_role_may(ENT_ROLE_MANAGER, 0));
    assert_false(ent_role_may(ENT_ROLE_MANAGER, ENT_RIGHT_COUNT + 1));
    assert_null(ent_role_name(ENT_ROLE_COUNT + 1));
    int r = 0;
    assert_int_equal(ent_right_parse(NULL, "approve", &r), ENT_OK);
    assert_int_equal(r, ENT_RIGHT_APPROVE);
    assert_int_equal(ent_role_parse(NULL, "Manager", &r), ENT_INVALID);
}

static void role_parse_message(void **state)
{
    ent_db *db = *state;
    int r;
    EXPECT_ROW(1, db, ent_role_parse(db, "boss", &r), ENT_INVALID,
               "no role 'boss': the roles are cashier, supervisor, stock-clerk, label-clerk, manager, auditor");
}

/* Bad users: one row per case, the exact message, and nothing written. */
static void add_refusals(void **state)
{
    ent_db *db = *state;
    char long_name[70], long_pw[ENT_PASSWORD_MAX + 2];
    memset(long_name, 'a', 65);
    long_name[65] = '\0';
    memset(long_pw, 'p', ENT_PASSWORD_MAX + 1);
    long_pw[ENT_PASSWORD_MAX + 1] = '\0';
    static const char *const ok_pw = "long enough";
    const struct {
        const char *name, *display, *password, *by;
        int role, rc;
        const char *msg;
    } rows[] = {
        {"", NULL, ok_pw, BY, ENT_ROLE_CASHIER, ENT_INVALID, "no login name given"},
        {NULL, NULL, ok_pw, BY, ENT_ROLE_CASHIER, ENT_INVALID, "no login name given"},
        {"Ann", NULL, ok_pw, BY, ENT_ROLE_CASHIER, ENT_INVALID,
         "login name 'Ann' has capital letters: login names are lower case"},
        {"li wei", NULL, ok_pw, BY, ENT_ROLE_CASHIER, ENT_INVALID,
         "login name 'li wei' may hold only a-z, 0-9, '.', '_' and '-' (such as li.wei)"},
        {"王", NULL, ok_pw, BY, ENT_ROLE_CASHIER, ENT_INVALID,
         "login name '王' may hold only a-z, 0-9, '.', '_' and '-' (such as li.wei)"},
        {"a\xff", NULL, ok_pw, BY, ENT_ROLE_CASHIER, ENT_INVALID,
         "login name 'a\\xFF' may hold only a-z, 0-9, '.', '_' and '-' (such as li.wei)"},
        {long_name, NULL, ok_pw, BY, ENT_ROLE_CASHIER, ENT_INVALID,
         "login name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…' is too long: 65 bytes, at most 64"},
        {"bob", NULL, ok_pw, BY, 0, ENT_INVALID, "no role given"},
        {"bob", NULL, ok_pw, BY, 99, ENT_INVALID, "99 is not a role"},
        {"bob", NULL, NULL, BY, ENT_ROLE_CASHIER, ENT_INVALID, "no password given"},
        {"bob", NULL, "short", BY, ENT_ROLE_CASHIER, ENT_INVALID, "the password is too short: 5 bytes, at least 8"},
        {"bob", NULL, long_pw, BY, ENT_ROLE_CASHIER, ENT_INVALID, "the password is too long: 1025 bytes, at most 1024"},
        {"bob", NULL, "bad\xc3(password", BY, ENT_ROLE_CASHIER, ENT_INVALID, "the password is not valid UTF-8 text"},
        {"bob", "a\tb", ok_pw, BY, ENT_ROLE_CASHIER, ENT_INVALID, "display name holds a control character (byte 2)"},
        {"bob", NULL, ok_pw, "", ENT_ROLE_CASHIER, ENT_INVALID, "who makes the change is required"},
        {"ann", NULL, ok_pw, BY, ENT_ROLE_CASHIER, ENT_EXISTS,
         "user 'ann' already exists (login names are unique in any case)"},
    };
    int64_t before = scalar(db, "SELECT count(*) FROM user_account");
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_user_fields f = {.display = rows[i].display, .role = rows[i].role, .password = rows[i].password};
        EXPECT_ROW(i, db, ent_user_add(db, rows[i].name, &f, rows[i].by), rows[i].rc, rows[i].msg);
    }
    assert_int_equal(scalar(db, "SELECT count(*) FROM user_account"), before);
}

static void add_get_list(void **state)
{
    ent_db *db = *state;
    ent_user *u = NULL;
    assert_int_equal(ent_user_get(db, &u, "BOSS"), ENT_OK);
    assert_string_equal(u->name, "boss");
    assert_string_equal(u->display, "王经理");
    assert_int_equal(u->role, ENT_ROLE_MANAGER);
    assert_string_equal(u->created_by, BY);
    assert_string_equal(u->created_at, "2026-11-30T08:00:00Z");
    assert_false(u->retired);
    ent_user_free(u);
    assert_int_equal(ent_user_get(db, &u, "ann"), ENT_OK);
    assert_string_equal(u->display, "ann"); /* no display name: the login name */
    ent_user_free(u);
    EXPECT_ROW(1, db, ent_user_get(db, &u, "nobody"), ENT_NOTFOUND, "no user 'nobody'");
    assert_int_equal(ent_errhint(db), ENT_HINT_USERS);
    assert_null(u);
    ent_user_free(NULL);
}

static int count_cb(const ent_user *u, void *ud)
{
    (void)u;
    ++*(int *)ud;
    return 0;
}

static void last_manager(void **state)
{
    ent_db *db = *state;
    ent_user_fields demote = {.role = ENT_ROLE_CASHIER};
    EXPECT_ROW(1, db, ent_user_edit(db, "boss", &demote, BY), ENT_REFUSED,
               "boss is the last active manager: another role would leave nobody to manage users; make another "
               "manager first");
    EXPECT_ROW(2, db, ent_user_retire(db, "boss", BY), ENT_REFUSED,
               "boss is the last active manager: retiring it would leave nobody to manage users; make another "
               "manager first");
    ent_user_fields promote = {.role = ENT_ROLE_MANAGER};
    assert_int_equal(ent_user_edit(db, "ann", &promote, "boss"), ENT_OK);
    assert_int_equal(ent_user_retire(db, "boss", "ann"), ENT_OK);
    EXPECT_ROW(3, db, ent_user_retire(db, "boss", "ann"), ENT_REFUSED,
               "user boss is already retired (since 2026-11-30T08:00:00Z)");
    EXPECT_ROW(4, db, ent_user_edit(db, "boss", &promote, "ann"), ENT_REFUSED,
               "user boss is retired: it cannot be changed");
    EXPECT_ROW(5, db, ent_user_retire(db, "ann", BY), ENT_REFUSED,
               "ann is the last active manager: retiring it would leave nobody to manage users; make another "
               "manager first");
    int n = 0;
    assert_int_equal(ent_user_each(db, false, count_cb, &n), ENT_OK);
    assert_int_equal(n, 1);
    n = 0;
    assert_int_equal(ent_user_each(db, true, count_cb, &n), ENT_OK);
    assert_int_equal(n, 2);
    ent_session s;
    EXPECT_ROW(6, db, ent_login(db, &s, "boss", PW, NULL), ENT_REFUSED, "user boss is retired: it cannot log in");
    assert_int_equal(s.who.refusal, ENT_REFUSAL_RETIRED);
    assert_string_equal(s.token, "");
    EXPECT_ROW(7, db, ent_user_edit(db, "ann", &(ent_user_fields){0}, BY), ENT_INVALID,
               "nothing to change: give a display name, role, password or unlock");
}

static void login_session(void **state)
{
    ent_db *db = *state;
    ent_session s;
    ent_principal p;
    assert_int_equal(ent_login(db, &s, "Ann", PW, "counter 3"), ENT_OK);
    assert_int_equal(strlen(s.token), 43);
    assert_int_equal(strlen(s.who.csrf), 43);
    assert_string_equal(s.who.user, "ann");
    assert_int_equal(s.who.role, ENT_ROLE_CASHIER);
    assert_string_equal(s.who.expires_at, "2026-12-07T08:00:00Z");
    assert_int_equal(ent_session_check(db, &p, s.token), ENT_OK);
    assert_string_equal(p.user, "ann");
    assert_string_equal(p.device, "counter 3");
    assert_string_equal(p.csrf, s.who.csrf);
    assert_int_equal(p.session_id, s.who.session_id);
    assert_int_equal(p.token_id, 0);
    /* A token one character off is no session. */
    char other[44];
    memcpy(other, s.token, sizeof other);
    other[0] = other[0] == 'A' ? 'B' : 'A';
    EXPECT_ROW(1, db, ent_session_check(db, &p, other), ENT_NOTFOUND,
               "no such session: it ended or never began; log in again");
    EXPECT_ROW(2, db, ent_session_check(db, &p, "not a token"), ENT_NOTFOUND,
               "no such session: it ended or never began; log in again");
    assert_int_equal(p.refusal, ENT_REFUSAL_CREDENTIALS);
    assert_int_equal(ent_session_end(db, s.token), ENT_OK);
    assert_int_equal(ent_session_check(db, &p, s.token), ENT_NOTFOUND);
    assert_int_equal(ent_session_end(db, s.token), ENT_NOTFOUND);
    /* A new password ends the user's sessions. */
    assert_int_equal(ent_login(db, &s, "ann", PW, NULL), ENT_OK);
    ent_user_fields pw = {.password = "another one"};
    assert_int_equal(ent_user_edit(db, "ann", &pw, "boss"), ENT_OK);
    assert_int_equal(ent_session_check(db, &p, s.token), ENT_NOTFOUND);
    EXPECT_ROW(3, db, ent_login(db, &s, "ann", PW, NULL), ENT_REFUSED, "unknown user or wrong password");
    assert_int_equal(ent_login(db, &s, "ann", "another one", NULL), ENT_OK);
    EXPECT_ROW(4, db, ent_login(db, &s, "ann", PW, "a\nb"), ENT_INVALID, "device holds a control character (byte 2)");
}

/* A read-only handle checks sessions and tokens without writing; the last
 * use is then recorded on a writable one, at most once a minute. */
static void read_only_check(void **state)
{
    ent_db *db = *state, *ro = NULL;
    ent_session s;
    ent_token_secret t;
    ent_principal p;
    assert_int_equal(ent_login(db, &s, "ann", PW, NULL), ENT_OK);
    assert_int_equal(ent_token_add(db, &t, "ann", "script", "boss"), ENT_OK);
    assert_int_equal(ent_db_open(&ro, test_db_path, ENT_OPEN_READONLY), ENT_OK);
    entx_clock_set("2026-11-30T09:00:00Z");
    assert_int_equal(ent_session_check(ro, &p, s.token), ENT_OK);
    assert_int_equal(ent_token_check(ro, &p, t.secret), ENT_OK);
    assert_int_equal(scalar(db, "SELECT count(*) FROM user_session WHERE last_seen = '2026-11-30T08:00:00Z'"), 1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM api_token WHERE last_used IS NULL"), 1);
    assert_int_equal(ent_session_touch(db, s.token), ENT_OK);
    assert_int_equal(scalar(db, "SELECT count(*) FROM user_session WHERE last_seen = '2026-11-30T09:00:00Z'"), 1);
    assert_int_equal(ent_token_check(db, &p, t.secret), ENT_OK);
    assert_int_equal(scalar(db, "SELECT count(*) FROM api_token WHERE last_used = '2026-11-30T09:00:00Z'"), 1);
    /* Within the minute nothing is written again. */
    entx_clock_set("2026-11-30T09:00:59Z");
    assert_int_equal(ent_session_check(db, &p, s.token), ENT_OK);
    assert_int_equal(ent_token_check(db, &p, t.secret), ENT_OK);
    assert_int_equal(scalar(db, "SELECT count(*) FROM user_session WHERE last_seen = '2026-11-30T09:00:00Z'"), 1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM api_token WHERE last_used = '2026-11-30T09:00:00Z'"), 1);
    entx_clock_set("2026-11-30T09:01:00Z");
    assert_int_equal(ent_session_check(db, &p, s.token), ENT_OK);
    assert_int_equal(scalar(db, "SELECT count(*) FROM user_session WHERE last_seen = '2026-11-30T09:01:00Z'"), 1);
    ent_db_close(ro);
}

static void session_expiry(void **state)
{
    ent_db *db = *state;
    ent_session s;
    ent_principal p;
    assert_int_equal(ent_login(db, &s, "ann", PW, NULL), ENT_OK);
    /* Idle: 12 h after the last request, not after the login. */
    entx_clock_set("2026-11-30T19:59:59Z");
    assert_int_equal(ent_session_check(db, &p, s.token), ENT_OK);
    entx_clock_set("2026-12-01T07:59:58Z");
    assert_int_equal(ent_session_check(db, &p, s.token), ENT_OK);
    entx_clock_set("2026-12-01T19:59:58Z");
    EXPECT_ROW(1, db, ent_session_check(db, &p, s.token), ENT_REFUSED, "the session has expired: log in again");
    assert_int_equal(p.refusal, ENT_REFUSAL_EXPIRED);
    assert_int_equal(ent_session_check(db, &p, s.token), ENT_NOTFOUND); /* removed */
    /* Absolute: 7 days, however busy. */
    entx_clock_set("2026-12-01T00:00:00Z");
    assert_int_equal(ent_login(db, &s, "ann", PW, NULL), ENT_OK);
    char t[21];
    int64_t start;
    assert_int_equal(entx_utc_parse(&start, "2026-12-01T00:00:00Z"), ENT_OK);
    for (int i = 1; i <= 15; i++) { /* a request every 11 h, to 2026-12-07T21:00 */
        entx_utc_format(t, start + i * 11 * 3600);
        entx_clock_set(t);
        assert_int_equal(ent_session_check(db, &p, s.token), ENT_OK);
    }
    entx_clock_set("2026-12-08T00:00:00Z");
    assert_int_equal(ent_session_check(db, &p, s.token), ENT_REFUSED);
    assert_int_equal(p.refusal, ENT_REFUSAL_EXPIRED);
    /* Purge removes what expired while nobody asked. */
    assert_int_equal(ent_login(db, &s, "ann", PW, NULL), ENT_OK);
    entx_clock_set("2026-12-09T00:00:00Z");
    int64_t removed = -1;
    assert_int_equal(ent_session_purge(db, &removed), ENT_OK);
    assert_int_equal(removed, 1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM user_session"), 0);
}

/* Slowed after 3 failures, locked after 10, measured on the test clock:
 * the same for a real name and for one that does not exist. */
static void lockout(void **state)
{
    ent_db *db = *state;
    static const char *const names[] = {"ann", "ghost"};
    for (size_t k = 0; k < 2; k++) {
        const char *name = names[k];
        ent_session s;
        int64_t t0 = 1796025600; /* 2026-12-01T00:00:00Z */
        char now[21];
        entx_utc_format(now, t0);
        entx_clock_set(now);
        for (int i = 1; i <= 2; i++)
            EXPECT_ROW(i, db, ent_login(db, &s, name, "wrong password", NULL), ENT_REFUSED,
                       "unknown user or wrong password");
        EXPECT_ROW(3, db, ent_login(db, &s, name, "wrong password", NULL), ENT_REFUSED,
                   "unknown user or wrong password; 3 failed logins: try again in 5 seconds");
        /* From now on even the right password waits, unchecked. */
        char msg[200];
        int64_t wait = 5;
        for (int f = 3; f < ENT_LOGIN_LOCK_FAILURES; f++) {
            entx_utc_format(now, t0 + wait - 1);
            entx_clock_set(now);
            snprintf(msg, sizeof msg, "too many failed logins for '%s': try again in 1 seconds", name);
            EXPECT_ROW(f, db, ent_login(db, &s, name, PW, NULL), ENT_REFUSED, msg);
            assert_int_equal(s.who.refusal, ENT_REFUSAL_WAIT);
            assert_int_equal(s.who.retry_after, 1);
            t0 += wait;
            entx_utc_format(now, t0);
            entx_clock_set(now);
            int rc = ent_login(db, &s, name, "wrong password", NULL);
            assert_int_equal(rc, ENT_REFUSED);
            if (f + 1 < ENT_LOGIN_LOCK_FAILURES) {
                wait *= 2;
                snprintf(msg, sizeof msg, "unknown user or wrong password; %d failed logins: try again in %lld seconds",
                         f + 1, (long long)wait);
                EXPECT_ROW(f, db, rc, ENT_REFUSED, msg);
                assert_int_equal(s.who.retry_after, wait);
            } else {
                snprintf(msg, sizeof msg,
                         "unknown user or wrong password; after 10 failed logins '%s' is locked until a manager "
                         "unlocks it",
                         name);
                EXPECT_ROW(f, db, rc, ENT_REFUSED, msg);
            }
        }
        entx_utc_format(now, t0 + 100000);
        entx_clock_set(now);
        snprintf(msg, sizeof msg,
                 "'%s' is locked after 10 failed logins: a manager must unlock it before it can log in", name);
        EXPECT_ROW(11, db, ent_login(db, &s, name, PW, NULL), ENT_REFUSED, msg);
        assert_int_equal(s.who.refusal, ENT_REFUSAL_LOCKED);
    }
    ent_user *u;
    assert_int_equal(ent_user_get(db, &u, "ann"), ENT_OK);
    assert_true(u->locked);
    assert_int_equal(u->failures, 10);
    ent_user_free(u);
    ent_user_fields unlock = {.unlock = true};
    assert_int_equal(ent_user_edit(db, "ann", &unlock, "boss"), ENT_OK);
    ent_session s;
    assert_int_equal(ent_login(db, &s, "ann", PW, NULL), ENT_OK);
    /* A good login forgets earlier failures. */
    assert_int_equal(ent_login(db, &s, "boss", "nope nope", NULL), ENT_REFUSED);
    assert_int_equal(ent_login(db, &s, "boss", PW, NULL), ENT_OK);
    assert_int_equal(scalar(db, "SELECT count(*) FROM login_failure WHERE name = 'boss'"), 0);
}

static void approve(void **state)
{
    ent_db *db = *state;
    ent_principal p;
    ent_user_fields sup = {.display = "李主管", .role = ENT_ROLE_SUPERVISOR, .password = PW};
    assert_int_equal(ent_user_add(db, "li", &sup, "boss"), ENT_OK);
    assert_int_equal(ent_user_approve(db, &p, "li", PW, ENT_RIGHT_APPROVE), ENT_OK);
    assert_string_equal(p.user, "li");
    assert_string_equal(p.display, "李主管");
    assert_int_equal(p.session_id, 0);
    EXPECT_ROW(1, db, ent_user_approve(db, &p, "ann", PW, ENT_RIGHT_APPROVE), ENT_REFUSED,
               "ann is a cashier: a cashier cannot approve this (only a supervisor or a manager can)");
    assert_int_equal(p.refusal, ENT_REFUSAL_RIGHT);
    EXPECT_ROW(2, db, ent_user_approve(db, &p, "li", "wrong password", ENT_RIGHT_APPROVE), ENT_REFUSED,
               "unknown user or wrong password");
    assert_int_equal(scalar(db, "SELECT failures FROM login_failure WHERE name = 'li'"), 1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM user_session"), 0);
}

struct tokens {
    int n;
    char seen[400];
};

static int token_cb(const ent_token_info *t, void *ud)
{
    struct tokens *k = ud;
    k->n++;
    snprintf(k->seen + strlen(k->seen), sizeof k->seen - strlen(k->seen), "%lld %s %s %s %s|", (long long)t->id,
             t->user, t->device, t->created_by, t->revoked_at[0] ? "revoked" : "valid");
    return 0;
}

static void tokens(void **state)
{
    ent_db *db = *state;
    ent_token_secret sec;
    ent_principal p;
    assert_int_equal(ent_token_add(db, &sec, "ann", "扫码枪 7", "boss"), ENT_OK);
    assert_int_equal(strncmp(sec.secret, "ent_", 4), 0);
    assert_int_equal(strlen(sec.secret), 47);
    assert_int_equal(ent_token_check(db, &p, sec.secret), ENT_OK);
    assert_string_equal(p.user, "ann");
    assert_string_equal(p.device, "扫码枪 7");
    assert_int_equal(p.token_id, sec.id);
    assert_string_equal(p.csrf, "");
    struct tokens k = {0};
    assert_int_equal(ent_token_each(db, false, token_cb, &k), ENT_OK);
    assert_string_equal(k.seen, "1 ann 扫码枪 7 boss valid|");
    ent_token_secret none;
    EXPECT_ROW(1, db, ent_token_add(db, &none, "nobody", "x", "boss"), ENT_NOTFOUND, "no user 'nobody'");
    EXPECT_ROW(2, db, ent_token_add(db, &none, "ann", "", "boss"), ENT_INVALID, "device is required");
    assert_string_equal(none.secret, "");
    EXPECT_ROW(3, db, ent_token_check(db, &p, "ent_short"), ENT_NOTFOUND, "unknown or revoked API token");
    ent_token_secret first;
    assert_int_equal(ent_token_add(db, &first, "ann", "script", "boss"), ENT_OK);
    assert_int_equal(ent_token_revoke(db, first.id, "boss"), ENT_OK);
    EXPECT_ROW(4, db, ent_token_check(db, &p, first.secret), ENT_NOTFOUND, "unknown or revoked API token");
    EXPECT_ROW(5, db, ent_token_revoke(db, first.id, "boss"), ENT_REFUSED,
               "API token 2 was already revoked at 2026-11-30T08:00:00Z");
    EXPECT_ROW(6, db, ent_token_revoke(db, 99, "boss"), ENT_NOTFOUND, "no API token 99");
    assert_int_equal(ent_errhint(db), ENT_HINT_TOKENS);
    memset(&k, 0, sizeof k);
    assert_int_equal(ent_token_each(db, true, token_cb, &k), ENT_OK);
    assert_string_equal(k.seen, "1 ann 扫码枪 7 boss valid|2 ann script boss revoked|");
    /* A retired user's tokens stop working. */
    assert_int_equal(ent_user_retire(db, "ann", "boss"), ENT_OK);
    EXPECT_ROW(7, db, ent_token_check(db, &p, sec.secret), ENT_REFUSED,
               "user ann is retired: its API tokens are refused");
    assert_int_equal(p.refusal, ENT_REFUSAL_RETIRED);
    EXPECT_ROW(8, db, ent_token_add(db, &none, "ann", "x", "boss"), ENT_REFUSED,
               "user 'ann' is retired: it gets no API tokens");
}

static bool file_has(const char *path, const char *needle)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    static char buf[1 << 22];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    size_t k = strlen(needle);
    assert_true(k > 0);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(buf + i, needle, k) == 0)
            return true;
    return false;
}

/* The secrets are nowhere in the database's files, nor in any message. */
static void no_secret_stored(void **state)
{
    ent_db *db = *state;
    ent_session s;
    ent_token_secret t;
    ent_user_fields f = {.role = ENT_ROLE_AUDITOR, .password = "секрет-密码-1234"};
    assert_int_equal(ent_user_add(db, "audit", &f, "boss"), ENT_OK);
    assert_int_equal(ent_login(db, &s, "audit", "секрет-密码-1234", NULL), ENT_OK);
    assert_int_equal(ent_token_add(db, &t, "audit", "script", "boss"), ENT_OK);
    ent_session bad;
    assert_int_equal(ent_login(db, &bad, "audit", "секрет-密码-1234 wrong", NULL), ENT_REFUSED);
    assert_string_equal(bad.token, "");
    assert_null(strstr(ent_errmsg(db), "секрет"));
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", test_db_path);
    const char *secrets[] = {"секрет-密码-1234", s.token, t.secret, t.secret + 4, s.who.csrf};
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++) {
        if (file_has(test_db_path, secrets[i]) || file_has(wal, secrets[i]))
            fail_msg("secret %zu found in the database", i);
    }
    /* The check can see what it looks for: the display name is there. */
    assert_true(file_has(test_db_path, "王经理") || file_has(wal, "王经理"));
    assert_int_equal(scalar(db, "SELECT count(*) FROM user_account WHERE password LIKE 'scrypt$10$8$1$%'"), 3);
}

/* Production cost when no setting lowers it. */
static void production_cost(void **state)
{
    ent_db *db = *state;
    sql(db, "DELETE FROM setting WHERE key = '" ENT_SCRYPT_SETTING "'");
    ent_user_fields f = {.role = ENT_ROLE_AUDITOR, .password = "production pw"};
    assert_int_equal(ent_user_add(db, "prod", &f, "boss"), ENT_OK);
    assert_int_equal(scalar(db, "SELECT count(*) FROM user_account WHERE name = 'prod' AND "
                                "password GLOB 'scrypt$15$8$1$"
                                "[0-9a-f]*$[0-9a-f]*'"),
                     1);
    ent_session s;
    assert_int_equal(ent_login(db, &s, "prod", "production pw", NULL), ENT_OK);
    sql(db, "INSERT INTO setting(key, value) VALUES ('" ENT_SCRYPT_SETTING "', '9')");
    f.password = "another pw";
    EXPECT_ROW(1, db, ent_user_add(db, "prod2", &f, "boss"), ENT_INVALID,
               "setting password.scrypt_log2n must be a whole number from 10 to 20");
}

static void acting_user(void **state)
{
    ent_db *db = *state;
    char os_user[65];
    snprintf(os_user, sizeof os_user, "%s", ent_user_acting(db)); /* the operating-system user */
    assert_true(os_user[0] != '\0');
    assert_int_equal(ent_user_act_as(db, "ann"), ENT_OK);
    assert_string_equal(ent_user_acting(db), "ann");
    EXPECT_ROW(1, db, ent_user_act_as(db, ""), ENT_INVALID, "who makes the change is required");
    assert_string_equal(ent_user_acting(db), "ann");
    assert_int_equal(ent_user_act_as(db, NULL), ENT_OK);
    assert_string_equal(ent_user_acting(db), os_user);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roles_table),
        cmocka_unit_test_setup_teardown(role_parse_message, setup, teardown),
        cmocka_unit_test_setup_teardown(add_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(add_get_list, setup, teardown),
        cmocka_unit_test_setup_teardown(last_manager, setup, teardown),
        cmocka_unit_test_setup_teardown(login_session, setup, teardown),
        cmocka_unit_test_setup_teardown(read_only_check, setup, teardown),
        cmocka_unit_test_setup_teardown(session_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(lockout, setup, teardown),
        cmocka_unit_test_setup_teardown(approve, setup, teardown),
        cmocka_unit_test_setup_teardown(tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(no_secret_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(production_cost, setup, teardown),
        cmocka_unit_test_setup_teardown(acting_user, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
