/* db module: open, migrate, store, refusal of a newer schema. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "entrepot/entrepot.h"
#include "internal.h"
#include "schema.h"
#include <sys/stat.h>
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
    assert_int_equal(sqlite3_exec(raw, entx_migrations[0].sql, NULL, NULL, NULL), SQLITE_OK);
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

/* Time zones: only names in tzdata's zone list with a compiled TZif file. */
static void tz_rows(void **state)
{
    (void)state;
    static const struct {
        const char *tz;
        int rc;
    } rows[] = {
        /* 0 */ {"Asia/Shanghai", ENT_OK},
        /* 1 */ {"UTC", ENT_OK},
        /* 2 */ {"Europe/Paris", ENT_OK},
        /* 3 */ {"America/Argentina/Buenos_Aires", ENT_OK},
        /* 4 */ {"Asia/Chongqing", ENT_OK}, /* a link, still a zone name */
        /* 5 */ {"Asia", ENT_INVALID},
        /* 6 */ {"posix", ENT_INVALID},
        /* 7 */ {"zone.tab", ENT_INVALID},
        /* 8 */ {"Asia/./Shanghai", ENT_INVALID},
        /* 9 */ {"../x", ENT_INVALID},
        /* 10 */ {"posix/Asia/Shanghai", ENT_INVALID},
        /* 11 */ {"right/UTC", ENT_INVALID},
        /* 12 */ {"Asia/Shangai", ENT_INVALID},
        /* 13 */ {"Asia/Shanghai/", ENT_INVALID},
        /* 14 */ {"/Asia/Shanghai", ENT_INVALID},
        /* 15 */ {"tzdata.zi", ENT_INVALID},
        /* 16 */ {"Asia//Shanghai", ENT_INVALID},
        /* 17 */ {"asia/shanghai", ENT_INVALID},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_db *db = NULL;
        char want[160] = "";
        unlink(path);
        assert_int_equal(ent_db_open(&db, path, ENT_OPEN_CREATE), ENT_OK);
        int rc = ent_store_init(db, "SH01", "x", NULL, rows[i].tz);
        if (rows[i].rc != ENT_OK)
            snprintf(want, sizeof want, "time zone '%s' is not a known IANA zone such as Asia/Shanghai", rows[i].tz);
        if (rc != rows[i].rc || strcmp(ent_errmsg(db), want) != 0)
            fail_msg("row %zu (%s): rc %d msg '%s'", i, rows[i].tz, rc, ent_errmsg(db));
        ent_db_close(db);
    }
}

/* Files that are not an entrepot database are refused before anything is
 * written to them: same bytes afterwards, no -wal or -shm beside them. */
static void open_refuses_foreign_files(void **state)
{
    (void)state;
    static const struct {
        const char *setup; /* shell-free set-up: "" empty file, "text", "sqlite", "negative", "dir" */
        int rc;
        const char *msg; /* after "<path>" */
    } rows[] = {
        /* 0 */ {"", ENT_INVALID,
                 " is an empty file, not an entrepot database"},
        /* 1 */ {"text", ENT_INVALID, " is not an entrepot database (it is not an SQLite file)"},
        /* 2 */ {"sqlite", ENT_INVALID, " is an SQLite database of another program, not an entrepot database"},
        /* 3 */
        {"negative", ENT_ERROR,
         " has schema version -7, which no entrepot writes: the file is damaged or not "
         "an entrepot database"},
        /* 4 */ {"dir", ENT_INVALID, " is a folder, not an entrepot database"},
    };
    static const int flags[] = {0, ENT_OPEN_READONLY, ENT_OPEN_CREATE, ENT_OPEN_CREATE | ENT_OPEN_STAGED};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        for (size_t k = 0; k < sizeof flags / sizeof *flags; k++) {
            sqlite3 *raw;
            ent_db *db = NULL;
            char want[300], p[96];
            unlink(path);
            rmdir(path);
            if (strcmp(rows[i].setup, "dir") == 0) {
                assert_int_equal(mkdir(path, 0700), 0);
            } else if (strcmp(rows[i].setup, "sqlite") == 0 || strcmp(rows[i].setup, "negative") == 0) {
                assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
                assert_int_equal(sqlite3_exec(raw,
                                              strcmp(rows[i].setup, "sqlite") == 0
                                                  ? "CREATE TABLE t(x); PRAGMA user_version = 2"
                                                  : "CREATE TABLE t(x); PRAGMA user_version = -7",
                                              NULL, NULL, NULL),
                                 SQLITE_OK);
                sqlite3_close(raw);
            } else {
                FILE *f = fopen(path, "w");
                assert_non_null(f);
                fputs(rows[i].setup, f);
                fclose(f);
            }
            struct stat before, after;
            assert_int_equal(stat(path, &before), 0);
            int rc = ent_db_open(&db, path, flags[k]);
            snprintf(want, sizeof want, "%s%s", path, rows[i].msg);
            if (rc != rows[i].rc || strcmp(ent_errmsg(db), want) != 0)
                fail_msg("row %zu flags %d: rc %d msg '%s'", i, flags[k], rc, ent_errmsg(db));
            ent_db_close(db);
            assert_int_equal(stat(path, &after), 0);
            assert_int_equal(before.st_size, after.st_size);
            assert_int_equal(before.st_mtime, after.st_mtime);
            snprintf(p, sizeof p, "%s-wal", path);
            assert_int_not_equal(access(p, F_OK), 0);
            snprintf(p, sizeof p, "%s-shm", path);
            assert_int_not_equal(access(p, F_OK), 0);
        }
    }
    rmdir(path);
}

/* A staged database appears at its path only when published; closed
 * before that, it leaves nothing at all. */
static void staged_create(void **state)
{
    (void)state;
    ent_db *db = NULL;
    ent_store *s = NULL;
    assert_int_equal(ent_db_open(&db, path, ENT_OPEN_CREATE | ENT_OPEN_STAGED), ENT_OK);
    assert_int_equal(ent_store_init(db, "SH01", "x", NULL, NULL), ENT_OK);
    assert_int_not_equal(access(path, F_OK), 0);
    ent_db_close(db);
    assert_int_not_equal(access(path, F_OK), 0);
    assert_int_equal(ent_db_open(&db, path, ENT_OPEN_CREATE | ENT_OPEN_STAGED), ENT_OK);
    assert_int_equal(ent_store_init(db, "SH01", "x", NULL, NULL), ENT_OK);
    assert_int_equal(ent_db_publish(db), ENT_OK);
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(ent_store_get(db, &s), ENT_OK); /* still usable */
    assert_string_equal(s->code, "SH01");
    ent_store_free(s);
    ent_db_close(db);
    assert_int_equal(ent_db_open(&db, path, 0), ENT_OK);
    ent_db_close(db);
    /* A file that appears at the path meanwhile is never replaced. */
    teardown(NULL);
    assert_int_equal(ent_db_open(&db, path, ENT_OPEN_CREATE | ENT_OPEN_STAGED), ENT_OK);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("theirs", f);
    fclose(f);
    assert_int_equal(ent_db_publish(db), ENT_EXISTS);
    char want[200];
    snprintf(want, sizeof want,
             "%s appeared while the new database was being made: it was left as it is and "
             "nothing was created",
             path);
    assert_string_equal(ent_errmsg(db), want);
    ent_db_close(db);
    char buf[16] = "";
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "theirs");
}

static void store_edit_rows(void **state)
{
    (void)state;
    static const struct {
        const char *name, *address, *phone, *user;
        int rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {NULL, NULL, NULL, "王", ENT_INVALID, "nothing to change: give the store a new name, address or phone"},
        /* 1 */ {"新店", NULL, NULL, NULL, ENT_INVALID, "user is required"},
        /* 2 */ {"新店", NULL, NULL, "\xff", ENT_INVALID, "user is not valid UTF-8 text"},
        /* 3 */ {"", NULL, NULL, "王", ENT_INVALID, "store name is required"},
        /* 4 */ {"\xe4\xb8", NULL, NULL, "王", ENT_INVALID, "store name is not valid UTF-8 text"},
        /* 5 */ {NULL, "a\nb", NULL, "王", ENT_INVALID, "store address holds a control character (byte 2)"},
        /* 6 */
        {NULL, NULL, "abc", "王", ENT_INVALID,
         "store phone 'abc' is not a telephone number (digits, spaces and + - ( ) only)"},
        /* 7 */
        {NULL, NULL, "+86 21 5555 0101 0101 0101 0101 01", "王", ENT_INVALID,
         "store phone is too long: 34 characters, at most 32"},
        /* 8 */ {NULL, NULL, "\xff", "王", ENT_INVALID, "store phone is not valid UTF-8 text"},
        /* 9 */ {"上海环球进口商品馆", "上海市浦东新区世纪大道100号", "+86 21 5555 0101", "王经理", ENT_OK, ""},
        /* 10 */ {NULL, "", NULL, "李", ENT_OK, ""}, /* clears the address */
    };
    ent_db *db = NULL;
    ent_store *s = NULL;
    ent_store_changes none = {"x", NULL, NULL};
    assert_int_equal(ent_db_open(&db, path, ENT_OPEN_CREATE), ENT_OK);
    assert_int_equal(ent_store_edit(db, &none, "王"), ENT_NOTFOUND);
    assert_int_equal(ent_store_init(db, "SH01", "老店", NULL, NULL), ENT_OK);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_store_changes c = {rows[i].name, rows[i].address, rows[i].phone};
        int rc = ent_store_edit(db, &c, rows[i].user);
        if (rc != rows[i].rc || strcmp(ent_errmsg(db), rows[i].msg) != 0)
            fail_msg("row %zu: rc %d msg '%s'", i, rc, ent_errmsg(db));
    }
    assert_int_equal(ent_store_get(db, &s), ENT_OK);
    assert_string_equal(s->name, "上海环球进口商品馆");
    assert_null(s->address);
    assert_string_equal(s->phone, "+86 21 5555 0101");
    assert_string_equal(s->changed_by, "李");
    ent_store_free(s);
    /* One row per changed detail: name, address, phone, then the cleared address. */
    sqlite3_stmt *st;
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(raw,
                                        "SELECT group_concat(user || ':' || field || ':' || "
                                        "coalesce(old_value, '-') || '>' || coalesce(new_value, '-'), '|') "
                                        "FROM store_change",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0),
                        "王经理:name:老店>上海环球进口商品馆|王经理:address:->上海市浦东新区世纪大道100号|"
                        "王经理:phone:->+86 21 5555 0101|李:address:上海市浦东新区世纪大道100号>-");
    sqlite3_finalize(st);
    sqlite3_close(raw);
    ent_db_close(db);
}

/* Backups: never onto the database, never a name that is not a file,
 * never over an existing file unless asked. */
static void backup_rows(void **state)
{
    (void)state;
    ent_db *db = NULL;
    char other[96], want[300], wal[96];
    snprintf(other, sizeof other, "%s.copy", path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(other);
    assert_int_equal(ent_db_open(&db, path, ENT_OPEN_CREATE), ENT_OK);
    assert_int_equal(ent_store_init(db, "SH01", "x", NULL, NULL), ENT_OK);
    const struct {
        const char *path;
        int flags, rc;
        const char *msg; /* %s: the path */
    } rows[] = {
        /* 0 */ {"", 0, ENT_INVALID, "no backup file given"},
        /* 1 */ {":memory:", 0, ENT_INVALID, "'%s' is not a file name: a backup goes to a file on disk"},
        /* 2 */ {"file:x.db?mode=memory", 0, ENT_INVALID, "'%s' is not a file name: a backup goes to a file on disk"},
        /* 3 */
        {path, ENT_BACKUP_REPLACE, ENT_INVALID, "%s is this database's own file: a backup goes to another file"},
        /* 4 */ {wal, ENT_BACKUP_REPLACE, ENT_INVALID, "%s is this database's own file: a backup goes to another file"},
        /* 5 */ {"no/such/folder/x.db", 0, ENT_INVALID, "%s: the folder does not exist"},
        /* 6 */ {".", 0, ENT_INVALID, "%s is a folder: give the backup's file name"},
        /* 7 */ {other, 0, ENT_OK, ""},
        /* 8 */ {other, 0, ENT_EXISTS, "%s already exists: choose a new file name, or replace it on purpose"},
        /* 9 */ {other, ENT_BACKUP_REPLACE, ENT_OK, ""},
        /* 10 */ {"/dev/null", ENT_BACKUP_REPLACE, ENT_INVALID, "%s is not a regular file: a backup goes to a file"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const char *at = strstr(rows[i].msg, "%s"); /* the path goes there */
        if (at)
            snprintf(want, sizeof want, "%.*s%s%s", (int)(at - rows[i].msg), rows[i].msg, rows[i].path, at + 2);
        else
            snprintf(want, sizeof want, "%s", rows[i].msg);
        int rc = ent_db_backup_to(db, rows[i].path, rows[i].flags);
        if (rc != rows[i].rc || strcmp(ent_errmsg(db), want) != 0)
            fail_msg("row %zu: rc %d msg '%s'", i, rc, ent_errmsg(db));
    }
    ent_db_close(db);
    assert_int_equal(ent_db_open(&db, other, 0), ENT_OK);
    ent_db_close(db);
    unlink(other);
    strcat(other, "-wal");
    unlink(other);
    memcpy(other + strlen(other) - 3, "shm", 3);
    unlink(other);
}

/* UUIDs are version 4, all different, and a forked child does not repeat
 * its parent's (the random pool is per process). */
static void uuids(void **state)
{
    (void)state;
    char a[37], b[37];
    int fds[2];
    entx_uuid_new(a);
    assert_int_equal(strlen(a), 36);
    assert_int_equal(a[14], '4');
    assert_non_null(strchr("89ab", a[19]));
    for (int i = 0; i < 1000; i++) {
        entx_uuid_new(b);
        assert_string_not_equal(a, b);
    }
    assert_int_equal(pipe(fds), 0);
    pid_t kid = fork();
    if (kid == 0) {
        char c[37];
        entx_uuid_new(c);
        _exit(write(fds[1], c, 37) == 37 ? 0 : 1);
    }
    char mine[37], theirs[37];
    entx_uuid_new(mine);
    assert_int_equal(read(fds[0], theirs, 37), 37);
    waitpid(kid, NULL, 0);
    assert_string_not_equal(mine, theirs);
    close(fds[0]);
    close(fds[1]);
}

/* Time-ordered UUIDs (the ledger's moves): version 7, the first 48 bits
 * the Unix time in milliseconds, never going back, all different. */
static void uuids_ordered(void **state)
{
    (void)state;
    char a[37], b[37], ts[13];
    struct timespec t0, t1;
    clock_gettime(CLOCK_REALTIME, &t0);
    entx_uuid_new_ordered(a);
    clock_gettime(CLOCK_REALTIME, &t1);
    assert_int_equal(strlen(a), 36);
    assert_int_equal(a[8], '-');
    assert_int_equal(a[13], '-');
    assert_int_equal(a[14], '7');
    assert_non_null(strchr("89ab", a[19]));
    memcpy(ts, a, 8);
    memcpy(ts + 8, a + 9, 4);
    ts[12] = '\0';
    unsigned long long ms = strtoull(ts, NULL, 16);
    assert_true(ms >= (unsigned long long)t0.tv_sec * 1000 + (unsigned long long)t0.tv_nsec / 1000000);
    assert_true(ms <= (unsigned long long)t1.tv_sec * 1000 + (unsigned long long)t1.tv_nsec / 1000000);
    for (int i = 0; i < 1000; i++) {
        entx_uuid_new_ordered(b);
        assert_string_not_equal(a, b);
        assert_true(memcmp(a, b, 13) <= 0); /* the time part never goes back */
        memcpy(a, b, sizeof a);
    }
}

static int count_location(const ent_location *loc, void *ud)
{
    (void)loc;
    (*(int *)ud)++;
    return 0;
}

static int locations_seen(const char *file)
{
    ent_db *db = NULL;
    int n = 0;
    assert_int_equal(ent_db_open(&db, file, ENT_OPEN_READONLY), ENT_OK);
    assert_int_equal(ent_location_each(db, count_location, &n), ENT_OK);
    ent_db_close(db);
    return n;
}

/* Group commit: each call in its own savepoint; a refused call undoes only
 * itself, the rest commit together, and nothing shows before the commit. */
static void group_commit_rows(void **state)
{
    (void)state;
    ent_db *db = NULL;
    assert_int_equal(ent_db_open(&db, path, ENT_OPEN_CREATE), ENT_OK);
    assert_int_equal(ent_store_init(db, "SH01", "x", NULL, NULL), ENT_OK);
    int before = locations_seen(path);
    assert_int_equal(ent_db_group_end(db, 1), ENT_INVALID);
    assert_int_equal(ent_db_group_begin(db), ENT_OK);
    assert_int_equal(ent_db_group_begin(db), ENT_INVALID);
    assert_int_equal(ent_location_add(db, "G-A", "shelf", "first"), ENT_OK);
    assert_int_equal(ent_location_add(db, "G-A", "shelf", "again"), ENT_EXISTS);
    assert_non_null(strstr(ent_errmsg(db), "G-A"));
    assert_int_equal(ent_location_add(db, "G-B", "shelf", "third"), ENT_OK);
    assert_int_equal(locations_seen(path), before);
    assert_int_equal(ent_db_group_end(db, 1), ENT_OK);
    assert_int_equal(locations_seen(path), before + 2);

    /* A group ended without commit writes nothing. */
    assert_int_equal(ent_db_group_begin(db), ENT_OK);
    assert_int_equal(ent_location_add(db, "G-C", "shelf", NULL), ENT_OK);
    assert_int_equal(ent_db_group_end(db, 0), ENT_OK);
    assert_int_equal(locations_seen(path), before + 2);
    /* And the connection writes on its own again afterwards. */
    assert_int_equal(ent_location_add(db, "G-D", "shelf", NULL), ENT_OK);
    assert_int_equal(locations_seen(path), before + 3);
    ent_db_close(db);
}

static int64_t temp_store(ent_db *db)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    assert_int_equal(sqlite3_prepare_v2(db->sql, "PRAGMA temp_store", -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* ENT_OPEN_SUBJOURNAL (the program raised SQLite's statement-journal spill):
 * a group leaves the temporary store at its default, where without the flag
 * it keeps it in memory; a refused call still undoes only itself among many
 * (this test raised no spill: a sub-journal past 64 KiB goes to a file). */
static void group_commit_subjournal(void **state)
{
    (void)state;
    ent_db *db = NULL;
    assert_int_equal(ent_db_open(&db, path, ENT_OPEN_CREATE), ENT_OK);
    assert_int_equal(ent_store_init(db, "SH01", "x", NULL, NULL), ENT_OK);
    assert_int_equal(ent_db_group_begin(db), ENT_OK);
    assert_int_equal(temp_store(db), 2); /* MEMORY */
    assert_int_equal(ent_db_group_end(db, 1), ENT_OK);
    ent_db_close(db);
    assert_int_equal(ent_db_open(&db, path, ENT_OPEN_SUBJOURNAL), ENT_OK);
    int before = locations_seen(path);
    assert_int_equal(ent_db_group_begin(db), ENT_OK);
    assert_int_equal(temp_store(db), 0); /* DEFAULT */
    char code[32], note[200];
    memset(note, 'n', sizeof note - 1);
    note[sizeof note - 1] = '\0';
    for (int i = 0; i < 400; i++) {
        snprintf(code, sizeof code, "S-%03d", i);
        if (ent_location_add(db, code, "shelf", note) != ENT_OK)
            fail_msg("%s", ent_errmsg(db));
    }
    assert_int_equal(ent_location_add(db, "S-007", "shelf", "again"), ENT_EXISTS);
    assert_int_equal(ent_location_add(db, "S-400", "shelf", NULL), ENT_OK);
    assert_int_equal(ent_db_group_end(db, 1), ENT_OK);
    assert_int_equal(locations_seen(path), before + 401);
    ent_db_close(db);
}

/* The pipelined group commit: with a syncer open, a group commits without
 * waiting for the disk (other connections see it at once, savepoints still
 * undo a refused call alone), the sync keeps it, and once the syncer is
 * closed the connection commits as before. */
static void group_commit_syncer(void **state)
{
    (void)state;
    ent_db *db = NULL;
    ent_db_syncer *s = NULL;
    assert_int_equal(ent_db_open(&db, path, ENT_OPEN_CREATE | ENT_OPEN_DURABLE), ENT_OK);
    assert_int_equal(ent_store_init(db, "SH01", "x", NULL, NULL), ENT_OK);
    int before = locations_seen(path);
    assert_int_equal(ent_db_syncer_open(db, &s), ENT_OK);
    assert_non_null(s);
    for (int round = 0; round < 2; round++) {
        char a[16], b[16];
        snprintf(a, sizeof a, "S-%dA", round);
        snprintf(b, sizeof b, "S-%dB", round);
        assert_int_equal(ent_db_group_begin(db), ENT_OK);
        assert_int_equal(ent_location_add(db, a, "shelf", NULL), ENT_OK);
        assert_int_equal(ent_location_add(db, a, "shelf", NULL), ENT_EXISTS);
        assert_int_equal(ent_location_add(db, b, "shelf", NULL), ENT_OK);
        assert_int_equal(locations_seen(path), before + 2 * round);
        assert_int_equal(ent_db_group_end(db, 1), ENT_OK);
        assert_int_equal(locations_seen(path), before + 2 * round + 2);
        assert_int_equal(ent_db_syncer_sync(s), ENT_OK);
    }
    /* A group rolled back writes nothing, synced or not. */
    assert_int_equal(ent_db_group_begin(db), ENT_OK);
    assert_int_equal(ent_location_add(db, "S-X", "shelf", NULL), ENT_OK);
    assert_int_equal(ent_db_group_end(db, 0), ENT_OK);
    assert_int_equal(ent_db_syncer_sync(s), ENT_OK);
    assert_int_equal(locations_seen(path), before + 4);
    assert_int_equal(ent_db_syncer_sync(NULL), ENT_INVALID);
    assert_int_equal(ent_error_last()->code, ENT_INVALID);
    ent_db_syncer_close(s);
    ent_db_syncer_close(NULL);
    /* Writes on their own and groups commit as before. */
    assert_int_equal(ent_location_add(db, "S-Y", "shelf", NULL), ENT_OK);
    assert_int_equal(ent_db_group_begin(db), ENT_OK);
    assert_int_equal(ent_location_add(db, "S-Z", "shelf", NULL), ENT_OK);
    assert_int_equal(ent_db_group_end(db, 1), ENT_OK);
    assert_int_equal(locations_seen(path), before + 6);
    ent_db_close(db);
}

/* The checkpoint sequence in the write-ahead log's header: SQLite adds one
 * each time it starts the log over. */
static uint32_t log_restarts(void)
{
    char wal[96];
    unsigned char h[16];
    snprintf(wal, sizeof wal, "%s-wal", path);
    FILE *f = fopen(wal, "rb");
    assert_non_null(f);
    assert_int_equal(fread(h, 1, sizeof h, f), sizeof h);
    fclose(f);
    return (uint32_t)h[12] << 24 | (uint32_t)h[13] << 16 | (uint32_t)h[14] << 8 | h[15];
}

/* The log's checkpoint on a thread of its own: the connection's commits
 * pass 1000 pages of log, the checkpointer copies them (the whole log, while
 * the connection waits for nothing), every write is still there, and once it
 * is closed the connection goes on as before. */
static void checkpoint_thread(void **state)
{
    (void)state;
    ent_db *db = NULL;
    ent_db_checkpointer *c = NULL;
    assert_int_equal(ent_db_open(&db, path, ENT_OPEN_CREATE), ENT_OK);
    assert_int_equal(ent_store_init(db, "SH01", "x", NULL, NULL), ENT_OK);
    int before = locations_seen(path);
    assert_int_equal(ent_db_checkpointer_open(db, &c), ENT_OK);
    assert_non_null(c);
    assert_int_equal(ent_db_checkpointer_wait(c), 0); /* nothing due yet */
    /* Each commit writes at least one page of log: 1200 of them pass 1000. */
    for (int i = 0; i < 1200; i++) {
        char code[16];
        snprintf(code, sizeof code, "C-%d", i);
        assert_int_equal(ent_location_add(db, code, "shelf", NULL), ENT_OK);
    }
    assert_true(ent_db_checkpointer_wait(c) >= 1);
    assert_int_equal(locations_seen(path), before + 1200);
    /* Below its limit a catch-up does nothing; past it (here any length:
     * the checkpoints may have started the log over meanwhile), it waits
     * for a checkpoint of everything, and the next write starts the log
     * over (the log's header counts the restarts). */
    assert_false(ent_db_checkpointer_catch_up(c, 1000000, 60000));
    assert_false(ent_db_checkpointer_catch_up(NULL, 0, 60000));
    assert_int_equal(ent_location_add(db, "C-AGAIN", "shelf", NULL), ENT_OK); /* its commit reports the log */
    uint32_t restarts = log_restarts();
    assert_true(ent_db_checkpointer_catch_up(c, 0, 60000));
    assert_false(ent_db_checkpointer_catch_up(c, 0, 60000)); /* caught up: nothing to wait for */
    assert_int_equal(ent_location_add(db, "C-OVER", "shelf", NULL), ENT_OK);
    assert_int_equal(log_restarts(), restarts + 1);
    assert_int_equal(locations_seen(path), before + 1202);
    /* A catch-up with no time to wait gives up, and is not tried again
     * before the log has grown by its limit more; but once the log has
     * started over meanwhile, a log past the limit is caught up again at
     * once (it is not measured against the length it had before). */
    for (int i = 0; i < 50; i++) {
        char code[16];
        snprintf(code, sizeof code, "G-%d", i);
        assert_int_equal(ent_location_add(db, code, "shelf", NULL), ENT_OK);
    }
    ent_db_checkpointer_catch_up(c, 1, 0); /* gives up (unless its checkpoint won the race: then no wait is left) */
    ent_db_checkpointer_wait(c);           /* the checkpoint it asked for */
    restarts = log_restarts();
    assert_int_equal(ent_location_add(db, "G-OVER", "shelf", NULL), ENT_OK);
    assert_int_equal(log_restarts(), restarts + 1);
    assert_int_equal(ent_location_add(db, "G-MORE", "shelf", NULL), ENT_OK); /* two commits: past 1 page */
    assert_true(ent_db_checkpointer_catch_up(c, 1, 60000));
    assert_int_equal(locations_seen(path), before + 1254);
    ent_db_checkpointer_close(c);
    assert_int_equal(ent_db_checkpointer_wait(NULL), 0);
    ent_db_checkpointer_close(NULL);
    assert_int_equal(ent_location_add(db, "C-LAST", "shelf", NULL), ENT_OK);
    assert_int_equal(locations_seen(path), before + 1255);
    ent_db_close(db);
}

/* Opening a second connection in a process must not drop the locks of the
 * first: another program closing its own connection would then delete the
 * WAL, and this process would never see a write again (found with the
 * store server, which holds several connections). */
static void open_keeps_locks(void **state)
{
    (void)state;
    ent_db *a = NULL, *b = NULL;
    int n = 0;
    assert_int_equal(ent_db_open(&a, path, ENT_OPEN_CREATE), ENT_OK);
    assert_int_equal(ent_store_init(a, "SH01", "x", NULL, NULL), ENT_OK);
    assert_int_equal(ent_db_open(&b, path, ENT_OPEN_READONLY), ENT_OK);
    assert_int_equal(ent_location_each(b, count_location, &n), ENT_OK);
    /* Another program (the sqlite3 shell, a process of its own: a forked
     * child would share this one's SQLite lock table) writes and closes
     * with SQLite's default close, which checkpoints and removes the WAL
     * when it takes itself for the last connection; then one whose write
     * stays in the WAL. */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"INSERT INTO location(code, kind) VALUES ('K-1', 'shelf')\"", path);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "sqlite3 -cmd '.dbconfig no_ckpt_on_close on' '%s' \"INSERT INTO location(code, kind) VALUES ('K-2', 'shelf')\"",
             path);
    assert_int_equal(system(cmd), 0);
    int after = 0;
    assert_int_equal(ent_location_each(b, count_location, &after), ENT_OK);
    assert_int_equal(after, n + 2);
    ent_db_close(b);
    ent_db_close(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_creates_and_migrates, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_file_is_not_created_without_flag, setup, teardown),
        cmocka_unit_test_setup_teardown(newer_schema_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(older_schema_is_migrated, setup, teardown),
        cmocka_unit_test_setup_teardown(store_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(tz_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(open_refuses_foreign_files, setup, teardown),
        cmocka_unit_test_setup_teardown(staged_create, setup, teardown),
        cmocka_unit_test_setup_teardown(store_edit_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(backup_rows, setup, teardown),
        cmocka_unit_test(uuids),
        cmocka_unit_test(uuids_ordered),
        cmocka_unit_test_setup_teardown(group_commit_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(group_commit_syncer, setup, teardown),
        cmocka_unit_test_setup_teardown(group_commit_subjournal, setup, teardown),
        cmocka_unit_test_setup_teardown(checkpoint_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(open_keeps_locks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
