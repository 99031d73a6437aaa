/* Shared helpers for the unit tests: a fresh database per test. */
#ifndef ENT_TESTUTIL_H
#define ENT_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "entrepot/entrepot.h"

static char test_db_path[128];

static inline void test_db_remove(void)
{
    char p[160];
    unlink(test_db_path);
    snprintf(p, sizeof p, "%s-wal", test_db_path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", test_db_path);
    unlink(p);
}

/* A new database with store SH01 in CNY; stored in *state. */
static inline int test_db_setup(void **state)
{
    ent_db *db = NULL;
    snprintf(test_db_path, sizeof test_db_path, "unit_%d.db", (int)getpid());
    test_db_remove();
    if (ent_db_open(&db, test_db_path, ENT_OPEN_CREATE) != ENT_OK)
        return -1;
    if (ent_store_init(db, "SH01", "测试店", "CNY", "Asia/Shanghai") != ENT_OK)
        return -1;
    *state = db;
    return 0;
}

static inline int test_db_teardown(void **state)
{
    ent_db_close(*state);
    test_db_remove();
    return 0;
}

/* Checks rc and the exact message, naming the table row on failure. */
#define EXPECT_ROW(row, db, got_rc, want_rc, want_msg)                                                  \
    do {                                                                                                \
        int got__ = (got_rc);                                                                           \
        if (got__ != (want_rc) || strcmp(ent_errmsg(db), (want_msg)) != 0)                              \
            fail_msg("row %d: got %d '%s', want %d '%s'", (int)(row), got__, ent_errmsg(db), (want_rc), \
                     (want_msg));                                                                       \
    } while (0)

#endif
