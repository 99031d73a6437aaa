/* Connecting to head office: no password ever in a connection string, a
 * log or a message; a store's link encrypted. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hq.h"

const char *hq_sync_hold = NULL;

/* libpq's message without its trailing newline, clipped. */
static const char *pg_words(char *buf, size_t len, const char *msg)
{
    char one[512];
    snprintf(one, sizeof one, "%s", msg ? msg : "");
    for (char *p = one; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = (p[1] == '\0') ? '\0' : ' ';
    return ent_text_clip(buf, len, one, 200);
}

int hq_fail(PGconn *pg, const PGresult *res, const char *what)
{
    char v[1024];
    const char *msg = res ? PQresultErrorMessage(res) : NULL;
    if (msg == NULL || msg[0] == '\0')
        msg = PQerrorMessage(pg);
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    int st = EXIT_IO;
    /* 42501: privilege or row-level policy refused; 23xxx: a constraint. */
    if (state && (strcmp(state, "42501") == 0 || strncmp(state, "23", 2) == 0))
        st = EXIT_REFUSED;
    return cli_error(st, "head office: %s: %s", what, pg_words(v, sizeof v, msg));
}

int hq_exec(PGconn *pg, const char *what, const char *sql)
{
    PGresult *res = PQexec(pg, sql);
    int st = 0;
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        st = hq_fail(pg, res, what);
    PQclear(res);
    return st;
}

/* Reads the password from path: the file must be the user's alone, as
 * libpq asks of its own password file. */
static int read_password(char *buf, size_t len, const char *path)
{
    char v[ENT_CLIP_SIZE];
    int fd = open(path, O_RDONLY | O_NOCTTY);
    struct stat sb;
    if (fd < 0)
        return cli_error(EXIT_USAGE, "password file %s: %s", ent_text_clip(v, sizeof v, path, 60), strerror(errno));
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (sb.st_mode & 077) != 0) {
        close(fd);
        return cli_error(EXIT_USAGE, "password file %s must be a file only its owner can read (mode 0600), not %04o",
                         ent_text_clip(v, sizeof v, path, 60), (unsigned)(sb.st_mode & 07777));
    }
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n <= 0)
        return cli_error(EXIT_USAGE, "password file %s is empty or unreadable", ent_text_clip(v, sizeof v, path, 60));
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    if (buf[0] == '\0')
        return cli_error(EXIT_USAGE, "password file %s holds no password on its first line",
                         ent_text_clip(v, sizeof v, path, 60));
    return 0;
}

/* A connection string must not carry a password: it would reach the
 * process list, a shell history or a log. */
static int check_conninfo(const char *conninfo, bool *has_sslmode)
{
    char *err = NULL, v[1024];
    PQconninfoOption *opts = PQconninfoParse(conninfo, &err);
    if (opts == NULL) {
        int st = cli_error(EXIT_USAGE, "head office's address is not a PostgreSQL connection string or URL: %s",
                           pg_words(v, sizeof v, err ? err : "out of memory"));
        PQfreemem(err);
        return st;
    }
    int st = 0;
    *has_sslmode = false;
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (o->val == NULL)
            continue;
        if (strcmp(o->keyword, "password") == 0)
            st = cli_error(EXIT_USAGE, "head office's address holds a password: give it in a password file "
                                       "(--password-file, mode 0600) instead, never in the address");
        if (strcmp(o->keyword, "sslmode") == 0)
            *has_sslmode = true;
    }
    PQconninfoFree(opts);
    return st;
}

int hq_connect(PGconn **out, const char *conninfo, const char *password_file, bool tls)
{
    char password[1024] = "", v[1024];
    bool has_sslmode = false;
    int st;
    *out = NULL;
    if (conninfo == NULL || conninfo[0] == '\0')
        return cli_error(EXIT_USAGE, "head office's address is missing: --pg URL or $ENTREPOT_HQ");
    if ((st = check_conninfo(conninfo, &has_sslmode)) != 0)
        return st;
    if (password_file && (st = read_password(password, sizeof password, password_file)) != 0)
        return st;
    const char *keys[7], *vals[7];
    int n = 0;
    if (tls && !has_sslmode) {
        keys[n] = "sslmode";
        vals[n++] = "require";
    }
    /* A head office that does not answer at all (a link that drops packets)
     * is given up after 10 s rather than the system's minutes; before dbname,
     * so that a connect_timeout in the address wins. */
    keys[n] = "connect_timeout";
    vals[n++] = "10";
    keys[n] = "dbname";
    vals[n++] = conninfo;
    keys[n] = "application_name";
    vals[n++] = "entrepot";
    if (password[0]) {
        keys[n] = "password";
        vals[n++] = password;
    }
    keys[n] = NULL;
    vals[n] = NULL;
    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    explicit_bzero(password, sizeof password);
    if (pg == NULL || PQstatus(pg) != CONNECTION_OK) {
        st = cli_error(EXIT_IO, "cannot reach head office: %s",
                       pg_words(v, sizeof v, pg ? PQerrorMessage(pg) : "out of memory"));
        PQfinish(pg);
        return st;
    }
    if (tls && !PQsslInUse(pg)) {
        PQfinish(pg);
        return cli_error(EXIT_REFUSED, "the link to head office is not encrypted (TLS): a store syncs only over TLS");
    }
    *out = pg;
    return 0;
}

int hq_check_address(const char *conninfo, const char *password_file)
{
    char password[1024];
    bool has_sslmode;
    int st;
    if (conninfo == NULL || conninfo[0] == '\0')
        return cli_error(EXIT_USAGE, "head office's address is missing");
    if ((st = check_conninfo(conninfo, &has_sslmode)) != 0)
        return st;
    if (password_file && (st = read_password(password, sizeof password, password_file)) != 0)
        return st;
    explicit_bzero(password, sizeof password);
    return 0;
}

int hq_schema_version(PGconn *pg, int *version)
{
    *version = 0;
    PGresult *res = PQexec(pg, "SELECT to_regclass('hq.schema_migration') IS NOT NULL");
    int st = 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        st = hq_fail(pg, res, "reading the schema version");
    else if (strcmp(PQgetvalue(res, 0, 0), "t") == 0) {
        PQclear(res);
        res = PQexec(pg, "SELECT coalesce(max(version), 0) FROM hq.schema_migration");
        if (PQresultStatus(res) != PGRES_TUPLES_OK)
            st = hq_fail(pg, res, "reading the schema version");
        else
            *version = atoi(PQgetvalue(res, 0, 0));
    }
    PQclear(res);
    return st;
}
