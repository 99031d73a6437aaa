/* db module: open, migrate, store, refusal of a newer schema. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "entrepot/entrepot.h"
#include "internal.h"
#include "schema.h"
#include <sys/wait.h>

static char path[64];

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "test_db_%d.db", (int)getpid());
    unlink(path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char p[80];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    return 0;
}

static void open_creates_and_migrates(void **state)
{
    (void)state;
    ent_db *db = NULL;
    assert_int_equal(ent_db_open(&db, path, ENT_OPEN_CREATE), ENT_OK);
    assert_int_equal(ent_db_schema_version(db), ent_db_schema_latest());
    assert_true(ent_db_schema_latest() >= 1);
    ent_db_close(db);
}

static void missing_file_is_not_created_without_flag(void **state)
{
    (void)state;
    ent_db *db = NULL;
    assert_int_equal(ent_db_open(&db, path, 0), ENT_NOTFOUND);
    assert_non_null(strstr(ent_errmsg(db), "no such database"));
    ent_db_close(db);
    assert_int_not_equal(access(path, F_OK), 0);
}

static void newer_schema_is_refused(void **state)
{
    (void)state;
    ent_db *db = NULL;
    sqlite3 *raw;
    assert_int_equal(ent_db_open(&db, path, ENT_OPEN_CREATE), ENT_OK);
    ent_db_close(db);
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    assert_int_equal(ent_db_open(&db, path, 0), ENT_ERROR);
    assert_non_null(strstr(ent_errmsg(db), "schema version 999, newer than this entrepot"));
    ent_db_close(db);
}

/* A database left at schema 1 by an older entrepot is brought up to date on open. */
static void older_schema_is_migrated(void **state)
{
    (void)state;
    sqlite3 *raw;
    ent_db *db = NULL;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, ent_migrations[0].sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, "PRAGMA user_version = 1; INSERT INTO store VALUES "
                                       "(1, 'OLD', 'old store', 'CNY', 'UTC', '2025-01-01T00:00:00Z')",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    assert_int_equal(ent_db_open(&db, path, 0), ENT_OK);
    assert_int_equal(ent_db_schema_version(db), ent_db_schema_latest());
    ent_store *s = NULL;
    assert_int_equal(ent_store_get(db, &s), ENT_OK);
    assert_string_equal(s->code, "OLD");
    ent_store_free(s);
    ent_db_close(db);
    /* Read-only opens never migrate: an old file is refused with a reason. */
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    sqlite3_exec(raw, "PRAGMA user_version = 0", NULL, NULL, NULL);
    sqlite3_close(raw);
    if (ent_db_schema_latest() > 0) {
        assert_int_equal(ent_db_open(&db, path, ENT_OPEN_READONLY), ENT_ERROR);
        assert_non_null(strstr(ent_errmsg(db), "needs migrating"));
        ent_db_close(db);
    }
}

static void store_rows(void **state)
{
    (void)state;
    static const struct {
        const char *code, *name, *currency, *tz;
        int rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {"", "x", NULL, NULL, ENT_INVALID, "store code is required"},
        /* 1 */ {"SH01", "", NULL, NULL, ENT_INVALID, "store name is required"},
        /* 2 */ {"SH01", "x", "XYZ", NULL, ENT_INVALID, "currency 'XYZ' is not an ISO 4217 code"},
        /* 3 */ {"SH01", "x", NULL, "Mars/Olympus", ENT_INVALID,
                 "time zone 'Mars/Olympus' is not a known IANA zone such as Asia/Shanghai"},
        /* 4 */ {"SH01", "x", NULL, "../../etc/passwd", ENT_INVALID,
                 "time zone '../../etc/passwd' is not a known IANA zone such as Asia/Shanghai"},
        /* 5 */ {"SH01", "上海进口商品馆", NULL, NULL, ENT_OK, ""},
        /* 6 */ {"SH02", "again", "EUR", NULL, ENT_EXISTS, "this database already belongs to a store"},
    };
    ent_db *db = NULL;
    ent_store *s = NULL;
    assert_int_equal(ent_db_open(&db, path, ENT_OPEN_CREATE), ENT_OK);
    assert_int_equal(ent_store_get(db, &s), ENT_NOTFOUND);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        int rc = ent_store_init(db, rows[i].code, rows[i].name, rows[i].currency, rows[i].tz);
        if (rc != rows[i].rc || strcmp(ent_errmsg(db), rows[i].msg) != 0)
            fail_msg("row %zu: rc %d msg '%s'", i, rc, ent_errmsg(db));
    }
    assert_int_equal(ent_store_get(db, &s), ENT_OK);
    assert_string_equal(s->code, "SH01");
    assert_string_equal(s->name, "上海进口商品馆");
    assert_string_equal(s->currency, "CNY");
    assert_string_equal(s->tz, "Asia/Shanghai");
    ent_store_free(s);
    ent_store_free(NULL);
    ent_db_close(db);
}

/* UUIDs are version 4, all different, and a forked child does not repeat
 * its parent's (the random pool is per process). */
static void uuids(void **state)
{
    (void)state;
    char a[37], b[37];
    int fds[2];
    ent_uuid_new(a);
    assert_int_equal(strlen(a), 36);
    assert_int_equal(a[14], '4');
    assert_non_null(strchr("89ab", a[19]));
    for (int i = 0; i < 1000; i++) {
        ent_uuid_new(b);
        assert_string_not_equal(a, b);
    }
    assert_int_equal(pipe(fds), 0);
    pid_t kid = fork();
    if (kid == 0) {
        char c[37];
        ent_uuid_new(c);
        _exit(write(fds[1], c, 37) == 37 ? 0 : 1);
    }
    char mine[37], theirs[37];
    ent_uuid_new(mine);
    assert_int_equal(read(fds[0], theirs, 37), 37);
    waitpid(kid, NULL, 0);
    assert_string_not_equal(mine, theirs);
    close(fds[0]);
    close(fds[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_creates_and_migrates, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_file_is_not_created_without_flag, setup, teardown),
        cmocka_unit_test_setup_teardown(newer_schema_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(older_schema_is_migrated, setup, teardown),
        cmocka_unit_test_setup_teardown(store_rows, setup, teardown),
        cmocka_unit_test(uuids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
