/*
 * The server's SQLite files, written in pieces SQLite's Unix layer takes.
 *
 * The server keeps a savepoint's sub-journal in memory in one piece of
 * 1 MiB (SQLITE_CONFIG_STMTJRNL_SPILL, server.c process_settings). A journal
 * that outgrows its piece is copied into a temporary file by ONE write of the
 * whole piece, but the Unix layer writes at most 128 KiB - 1 bytes a call
 * (seekAndWriteFd masks the length with 0x1ffff): the rest of a larger write
 * came out as zero bytes, and SQLite answered "database or disk is full" to
 * every statement or savepoint that journalled more than a megabyte (a
 * catalogue import of more than about 2,000 rows, a second import, dropping
 * a large temporary table; tests/server/test_serve_import.py). This VFS is
 * the Unix one with each write longer than PIECE made as several.
 */
#include <pthread.h>
#include <stddef.h>
#include <string.h>

#include <sqlite3.h>

#include "server.h"

#define PIECE (64 << 10)
#define KINDS 8 /* the Unix layer has a handful of method tables */

/* A method table of the Unix layer and the same with split writes. */
struct kind {
    const sqlite3_io_methods *real;
    sqlite3_io_methods split;
};

static struct kind kinds[KINDS];
static int nkinds;
static pthread_mutex_t kinds_lock = PTHREAD_MUTEX_INITIALIZER;
static sqlite3_vfs *unix_vfs;
static sqlite3_vfs split_vfs;

static int split_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
    const struct kind *k = (const struct kind *)((const char *)f->pMethods - offsetof(struct kind, split));
    const char *p = buf;
    while (amt > PIECE) {
        int rc = k->real->xWrite(f, p, PIECE, off);
        if (rc != SQLITE_OK)
            return rc;
        p += PIECE;
        off += PIECE;
        amt -= PIECE;
    }
    return k->real->xWrite(f, p, amt, off);
}

/* The split table for real, made on first use (NULL: no room left). */
static const sqlite3_io_methods *split_of(const sqlite3_io_methods *real)
{
    const sqlite3_io_methods *out = NULL;
    pthread_mutex_lock(&kinds_lock);
    for (int i = 0; i < nkinds && out == NULL; i++)
        if (kinds[i].real == real)
            out = &kinds[i].split;
    if (out == NULL && nkinds < KINDS) {
        kinds[nkinds].real = real;
        kinds[nkinds].split = *real;
        kinds[nkinds].split.xWrite = split_write;
        out = &kinds[nkinds++].split;
    }
    pthread_mutex_unlock(&kinds_lock);
    return out;
}

static int split_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    (void)vfs;
    int rc = unix_vfs->xOpen(unix_vfs, name, f, flags, out_flags);
    if (rc == SQLITE_OK && f->pMethods != NULL) {
        const sqlite3_io_methods *m = split_of(f->pMethods);
        if (m != NULL)
            f->pMethods = m;
    }
    return rc;
}

bool srv_vfs_split_register(void)
{
    unix_vfs = sqlite3_vfs_find(NULL);
    if (unix_vfs == NULL)
        return false;
    split_vfs = *unix_vfs;
    split_vfs.zName = "entrepot-split";
    split_vfs.pNext = NULL;
    split_vfs.xOpen = split_open;
    return sqlite3_vfs_register(&split_vfs, 1) == SQLITE_OK;
}
