/* `entrepot hq`: set up head office on PostgreSQL and register its stores. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hq.h"

static const char hq_help[] =
    "usage: entrepot hq init --pg URL\n"
    "       entrepot hq store add CODE --name NAME --pg URL [--password-file PATH]\n"
    "       entrepot hq store list --pg URL\n"
    "       entrepot hq reader add NAME --pg URL [--password-file PATH]\n"
    "       entrepot hq price set CODE [--price 12.50] [--name-zh NAME] [--name-en NAME]\n"
    "                             [--store CODE] --pg URL\n"
    "       entrepot hq report stock [--store CODE] --pg URL\n"
    "       entrepot hq report sales [--by country|day|store] [--store CODE] [--from DATE] [--to DATE]\n"
    "                                --pg URL\n"
    "       entrepot hq report flow [--store CODE] [--from DATE] [--to DATE] --pg URL\n"
    "       entrepot hq report expiring [--days N] [--on DATE] [--store CODE] --pg URL\n"
    "       entrepot hq report holders CODE [--store CODE] --pg URL\n"
    "       entrepot hq product add|edit|import ... --pg URL   (hq product --help)\n"
    "       entrepot hq transfer list [--store CODE] [--in-transit] --pg URL\n"
    "       entrepot hq journal export|verify --store CODE [--out FILE] --pg URL\n"
    "\n"
    "Head office on PostgreSQL (README, \"Head office\"). URL is a libpq connection\n"
    "string or postgresql:// URL of the head-office database ($ENTREPOT_HQ when not\n"
    "given), as a role that may create schemas and roles; never with a password in\n"
    "it (libpq's ~/.pgpass or PGPASSFILE give the administrator's).\n"
    "\n"
    "init        creates or brings up to date the head-office schema (hq), in one\n"
    "            transaction; run it again after an upgrade.\n"
    "store add   registers a store (CODE: 2 to 16 capital letters and digits) and\n"
    "            makes its PostgreSQL role, which can read and add only its own\n"
    "            store's rows (row-level security) and logs in only over TLS. Its\n"
    "            password is written to --password-file (a new file, mode 0600; copy it\n"
    "            to the store) or, without it, printed once on standard output.\n"
    "store list  the stores and their roles.\n"
    "reader add  makes a read-only role for the chain-wide views (NAME: 2 to 16\n"
    "            small letters and digits; role entrepot_reader_NAME): it reads\n"
    "            every store's rows and can change nothing; its password as for\n"
    "            store add. Head office's administrator must be a superuser.\n"
    "price set   sets a commodity's (GTIN or SKU) price and names for every store, or\n"
    "            for one (--store); each store applies the changes in order at its\n"
    "            next sync, in one transaction, and queues their shelf labels.\n"
    "report      from what the stores have pushed: stock (units on hand and lots)\n"
    "            by origin country per store, and chain-wide (store \"*\"); sales\n"
    "            (lines, units, amount in minor units, net of returns) by store, day\n"
    "            (the store's local day, --from/--to) and origin country, or with\n"
    "            --by country|day|store summed over the period by that alone, per\n"
    "            store and for the chain (\"*\"; a column summed over shows \"*\"); flow:\n"
    "            visitors (door counts, people in), sales, conversion (sales per\n"
    "            visitor) and net value per store and day, then per store (day \"*\");\n"
    "            expiring: lots on hand across the chain whose expiry is within\n"
    "            --days (default 30) of --on (default today, Asia/Shanghai), soonest\n"
    "            first; holders CODE: which stores hold the commodity (GTIN or SKU),\n"
    "            units, lots and soonest expiry, then the chain (\"*\").\n"
    "\n"
    "examples:\n"
    "  entrepot hq init --pg 'host=hq.example dbname=hq user=hqadmin'\n"
    "  entrepot hq store add SH02 --name '苏州店' --pg 'host=hq.example dbname=hq user=hqadmin' \\\n"
    "      --password-file sh02.pass\n";

static const char *hq_url(const char *given)
{
    return given ? given : getenv("ENTREPOT_HQ");
}

static int hq_init(const char *url)
{
    PGconn *pg = NULL;
    int st = hq_connect(&pg, url, NULL, false), version = 0, applied = 0;
    if (st != 0)
        return st;
    if ((st = hq_exec(pg, "starting the transaction", "BEGIN")) != 0 ||
        (st = hq_exec(pg, "locking the schema", "SELECT pg_advisory_xact_lock(hashtext('entrepot hq init'))")) != 0 ||
        (st = hq_exec(pg, "creating the schema", "CREATE SCHEMA IF NOT EXISTS hq")) != 0 ||
        (st = hq_exec(pg, "creating the migrations table",
                      "CREATE TABLE IF NOT EXISTS hq.schema_migration (version integer PRIMARY KEY, "
                      "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), "
                      "applied_by name NOT NULL DEFAULT current_user)")) != 0 ||
        (st = hq_schema_version(pg, &version)) != 0)
        goto done;
    if (version > hq_migration_count) {
        st = cli_error(EXIT_REFUSED, "head office's schema is at version %d, newer than this program knows (%d): "
                                     "upgrade entrepot", version, hq_migration_count);
        goto done;
    }
    for (int i = version; i < hq_migration_count; i++) {
        const struct ent_migration *m = &hq_migrations[i];
        char what[300], num[16];
        snprintf(what, sizeof what, "applying %s", m->name);
        if ((st = hq_exec(pg, what, m->sql)) != 0)
            goto done;
        snprintf(num, sizeof num, "%d", m->version);
        const char *params[2] = {num, m->name};
        PGresult *res = PQexecParams(pg, "INSERT INTO hq.schema_migration (version, name) VALUES ($1, $2)", 2, NULL,
                                     params, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            st = hq_fail(pg, res, "recording the migration");
        PQclear(res);
        if (st != 0)
            goto done;
        applied++;
    }
    if ((st = hq_exec(pg, "committing", "COMMIT")) == 0)
        printf("head office schema at version %d (%d migration%s applied)\n", hq_migration_count, applied,
               applied == 1 ? "" : "s");
done:
    PQfinish(pg); /* an open transaction is rolled back */
    return st;
}

/* A store's password: 32 random base64url characters (192 bits). */
static int new_password(char out[33])
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return cli_error(EXIT_IO, "no random bytes for the store's password");
    for (int i = 0; i < 32; i++)
        out[i] = b64[raw[i] & 63];
    out[32] = '\0';
    explicit_bzero(raw, sizeof raw);
    return 0;
}

/* Writes the password to a new file only its owner can read. */
static int write_password(const char *path, const char *password)
{
    char v[ENT_CLIP_SIZE];
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY, 0600);
    if (fd < 0)
        return cli_error(errno == EEXIST ? EXIT_REFUSED : EXIT_IO, "password file %s: %s%s",
                         ent_text_clip(v, sizeof v, path, 60), strerror(errno),
                         errno == EEXIST ? " (a store's password is never written over)" : "");
    size_t n = strlen(password);
    bool ok = write(fd, password, n) == (ssize_t)n && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    if (close(fd) != 0)
        ok = false;
    if (!ok) {
        unlink(path);
        return cli_error(EXIT_IO, "password file %s: %s", ent_text_clip(v, sizeof v, path, 60), strerror(errno));
    }
    return 0;
}

/* A new role's password, once head office's schema is the one this program
 * knows: made, and written to password_file (if given) before the role is
 * made, since a role whose password is lost would have to be reset. Returns
 * 0 or the exit status after saying why. */
static int new_role_password(PGconn *pg, char password[33], const char *password_file)
{
    int st, version = 0;
    if ((st = hq_schema_version(pg, &version)) != 0)
        return st;
    if (version != hq_migration_count)
        return cli_error(EXIT_REFUSED, "head office's schema is at version %d, not %d: run entrepot hq init first",
                         version, hq_migration_count);
    if ((st = new_password(password)) != 0)
        return st;
    return password_file ? write_password(password_file, password) : 0;
}

static int check_store_args(const char *code, const char *name)
{
    char v[ENT_CLIP_SIZE];
    if (!ent_outbox_store_valid(code))
        return cli_error(EXIT_USAGE, "'%s' is not a store code: 2 to 16 capital letters and digits (SH02)",
                         ent_text_clip(v, sizeof v, code, 40));
    if (name == NULL)
        return cli_error(EXIT_USAGE, "hq store add needs --name NAME");
    size_t len = strlen(name);
    if (len == 0 || len > 200 || !ent_utf8_valid(name, len))
        return cli_error(EXIT_USAGE, "the store's name must be 1 to 200 bytes of UTF-8");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return cli_error(EXIT_USAGE, "the store's name holds a control character");
    return 0;
}

/* CREATE ROLE with the password's SCRAM verifier (computed here, so the
 * password itself never reaches the server, its log or its statistics). */
static int make_store(PGconn *pg, const char *code, const char *name, const char *password)
{
    char role[64];
    snprintf(role, sizeof role, "entrepot_store_%s", code);
    for (char *p = role; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    char *verifier = PQencryptPasswordConn(pg, password, role, "scram-sha-256");
    if (verifier == NULL)
        return hq_fail(pg, NULL, "hashing the store's password");
    char *ident = PQescapeIdentifier(pg, role, strlen(role));
    char *lit = PQescapeLiteral(pg, verifier, strlen(verifier));
    PQfreemem(verifier);
    int st = 0;
    const char *params[3] = {code, name, role};
    PGresult *res = PQexecParams(pg, "SELECT (SELECT count(*) FROM hq.store WHERE code = $1), "
                                     "(SELECT count(*) FROM pg_roles WHERE rolname = $2)",
                                 2, NULL, (const char *[]){code, role}, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        st = hq_fail(pg, res, "looking for the store");
    else if (strcmp(PQgetvalue(res, 0, 0), "0") != 0)
        st = cli_error(EXIT_REFUSED, "store %s is already registered at head office", code);
    else if (strcmp(PQgetvalue(res, 0, 1), "0") != 0)
        st = cli_error(EXIT_REFUSED, "a PostgreSQL role %s already exists: head office does not take it over", role);
    PQclear(res);
    if (st == 0 && (ident == NULL || lit == NULL))
        st = hq_fail(pg, NULL, "quoting the role");
    if (st == 0) {
        size_t len = strlen(ident) + strlen(lit) + 128;
        char *sql = malloc(len);
        if (sql == NULL)
            st = cli_error(EXIT_IO, "out of memory");
        else {
            snprintf(sql, len, "CREATE ROLE %s LOGIN INHERIT IN ROLE entrepot_store CONNECTION LIMIT 8 PASSWORD %s",
                     ident, lit);
            st = hq_exec(pg, "creating the store's role", sql);
            free(sql);
        }
    }
    if (st == 0) {
        res = PQexecParams(pg, "INSERT INTO hq.store (code, name, role) VALUES ($1, $2, $3)", 3, NULL, params, NULL,
                           NULL, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            st = hq_fail(pg, res, "registering the store");
        PQclear(res);
    }
    PQfreemem(ident);
    PQfreemem(lit);
    if (st == 0)
        printf("store %s registered at head office: its role is %s\n", code, role);
    return st;
}

static int hq_store_add(const char *url, const char *code, const char *name, const char *password_file)
{
    char password[33];
    PGconn *pg = NULL;
    int st;
    if ((st = check_store_args(code, name)) != 0 || (st = hq_connect(&pg, url, NULL, false)) != 0)
        return st;
    if ((st = new_role_password(pg, password, password_file)) != 0)
        goto done;
    if ((st = hq_exec(pg, "starting the transaction", "BEGIN")) == 0 &&
        (st = make_store(pg, code, name, password)) == 0)
        st = hq_exec(pg, "committing", "COMMIT");
    if (st != 0 && password_file)
        unlink(password_file);
    if (st == 0 && password_file == NULL)
        printf("its password (shown this once; keep it in a file of mode 0600 at the store):\n%s\n", password);
    else if (st == 0)
        printf("its password is in %s (mode 0600): take it to the store, then delete it here\n", password_file);
done:
    explicit_bzero(password, sizeof password);
    PQfinish(pg);
    return st;
}

/* A reader's name: 2 to 16 small letters and digits. */
static bool reader_name_valid(const char *name)
{
    size_t n = strlen(name);
    return n >= 2 && n <= 16 && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789") == n;
}

/* The chain-wide views read every store's rows, which a store's role cannot
 * (row-level security): a reader is a role of its own that bypasses the
 * row policies but holds only SELECT, and whose every transaction is read
 * only. Its password reaches head office only as a SCRAM verifier. */
static int make_reader(PGconn *pg, const char *role, const char *password)
{
    char *verifier = PQencryptPasswordConn(pg, password, role, "scram-sha-256");
    if (verifier == NULL)
        return hq_fail(pg, NULL, "hashing the reader's password");
    char *ident = PQescapeIdentifier(pg, role, strlen(role));
    char *lit = PQescapeLiteral(pg, verifier, strlen(verifier));
    PQfreemem(verifier);
    int st = 0;
    PGresult *res = PQexecParams(pg, "SELECT count(*) FROM pg_roles WHERE rolname = $1", 1, NULL,
                                 (const char *[]){role}, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        st = hq_fail(pg, res, "looking for the reader");
    else if (strcmp(PQgetvalue(res, 0, 0), "0") != 0)
        st = cli_error(EXIT_REFUSED, "a PostgreSQL role %s already exists: head office does not take it over", role);
    PQclear(res);
    if (st == 0 && (ident == NULL || lit == NULL))
        st = hq_fail(pg, NULL, "quoting the role");
    char *sql = NULL;
    size_t len = (ident ? strlen(ident) * 3 : 0) + (lit ? strlen(lit) : 0) + 512;
    if (st == 0 && (sql = malloc(len)) == NULL)
        st = cli_error(EXIT_IO, "out of memory");
    if (st == 0) {
        snprintf(sql, len, "CREATE ROLE %s LOGIN NOINHERIT BYPASSRLS CONNECTION LIMIT 8 PASSWORD %s", ident, lit);
        st = hq_exec(pg, "creating the reader's role", sql);
    }
    if (st == 0) {
        snprintf(sql, len, "ALTER ROLE %s SET default_transaction_read_only = on", ident);
        st = hq_exec(pg, "making the reader read only", sql);
    }
    if (st == 0) {
        snprintf(sql, len, "GRANT USAGE ON SCHEMA hq TO %s; GRANT SELECT ON hq.store, hq.event, hq.sales_day, "
                           "hq.price_change, hq.product TO %s", ident, ident);
        st = hq_exec(pg, "granting the reader its reading", sql);
    }
    free(sql);
    PQfreemem(ident);
    PQfreemem(lit);
    return st;
}

static int hq_reader_add(const char *url, const char *name, const char *password_file)
{
    char password[33], role[64], v[ENT_CLIP_SIZE];
    PGconn *pg = NULL;
    int st;
    if (!reader_name_valid(name))
        return cli_error(EXIT_USAGE, "'%s' is not a reader's name: 2 to 16 small letters and digits",
                         ent_text_clip(v, sizeof v, name, 40));
    snprintf(role, sizeof role, "entrepot_reader_%s", name);
    if ((st = hq_connect(&pg, url, NULL, false)) != 0)
        return st;
    if ((st = new_role_password(pg, password, password_file)) != 0)
        goto done;
    if ((st = hq_exec(pg, "starting the transaction", "BEGIN")) == 0 && (st = make_reader(pg, role, password)) == 0)
        st = hq_exec(pg, "committing", "COMMIT");
    if (st != 0 && password_file)
        unlink(password_file);
    if (st == 0)
        printf("reader %s made at head office: it reads every store's rows and changes nothing\n", role);
    if (st == 0 && password_file == NULL)
        printf("its password (shown this once; keep it in a file of mode 0600):\n%s\n", password);
    else if (st == 0)
        printf("its password is in %s (mode 0600)\n", password_file);
done:
    explicit_bzero(password, sizeof password);
    PQfinish(pg);
    return st;
}

static int hq_store_list(struct cli *cli, const char *url)
{
    PGconn *pg = NULL;
    int st = hq_connect(&pg, url, NULL, false);
    if (st != 0)
        return st;
    PGresult *res = PQexec(pg, "SELECT code, name, role, to_char(created_at AT TIME ZONE 'UTC', "
                               "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM hq.store ORDER BY code");
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        st = hq_fail(pg, res, "listing the stores");
    else {
        static const char *const head[] = {"code", "name", "role", "created_at"};
        hq_print_rows(cli, res, 4, head, NULL);
    }
    PQclear(res);
    PQfinish(pg);
    return st;
}

/* A price as the stores take it: up to 8 digits, up to 2 decimals. */
static bool price_valid(const char *s)
{
    size_t i = 0, d = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == 0 || i > 8)
        return false;
    if (s[i] == '.') {
        while (s[i + 1 + d] >= '0' && s[i + 1 + d] <= '9')
            d++;
        if (d == 0 || d > 2)
            return false;
        i += 1 + d;
    }
    return s[i] == '\0';
}

struct price_args {
    const char *code, *price, *name_zh, *name_en, *store;
};

static int check_price_args(const struct price_args *a)
{
    char v[ENT_CLIP_SIZE];
    size_t n = strlen(a->code);
    if (n == 0 || n > 64 || strspn(a->code, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._/-") != n)
        return cli_error(EXIT_USAGE, "'%s' is not a GTIN or SKU", ent_text_clip(v, sizeof v, a->code, 40));
    if (!a->price && !a->name_zh && !a->name_en)
        return cli_error(EXIT_USAGE, "hq price set needs --price, --name-zh or --name-en");
    if (a->price && !price_valid(a->price))
        return cli_error(EXIT_USAGE, "--price '%s' is not a price: up to 8 digits and 2 decimals (12.50)",
                         ent_text_clip(v, sizeof v, a->price, 40));
    const char *names[2] = {a->name_zh, a->name_en};
    for (int i = 0; i < 2; i++)
        if (names[i] && (strlen(names[i]) > 200 || !ent_utf8_valid(names[i], strlen(names[i]))))
            return cli_error(EXIT_USAGE, "%s must be 1 to 200 bytes of UTF-8", i ? "--name-en" : "--name-zh");
    if (a->store && !ent_outbox_store_valid(a->store))
        return cli_error(EXIT_USAGE, "'%s' is not a store code: 2 to 16 capital letters and digits",
                         ent_text_clip(v, sizeof v, a->store, 40));
    return 0;
}

static int hq_price_set(const char *url, const struct price_args *a)
{
    PGconn *pg = NULL;
    int st;
    if ((st = check_price_args(a)) != 0 || (st = hq_connect(&pg, url, NULL, false)) != 0)
        return st;
    const char *params[5] = {a->store, a->code, a->price, a->name_zh, a->name_en};
    PGresult *res = PQexecParams(pg, "INSERT INTO hq.price_change (store, code, price, name_zh, name_en) "
                                     "SELECT $1, $2, $3, $4, $5 WHERE $1::text IS NULL OR EXISTS "
                                     "(SELECT 1 FROM hq.store WHERE code = $1) RETURNING id",
                                 5, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        st = hq_fail(pg, res, "recording the price");
    else if (PQntuples(res) == 0)
        st = cli_error(EXIT_REFUSED, "store %s is not registered at head office", a->store);
    else
        printf("price change %s recorded for %s: the store%s take%s it at the next sync\n", PQgetvalue(res, 0, 0),
               a->store ? a->store : "every store", a->store ? "" : "s", a->store ? "s" : "");
    PQclear(res);
    PQfinish(pg);
    return st;
}

int cmd_hq(struct cli *cli, int argc, char **argv)
{
    const char *url = NULL, *name = NULL, *password_file = NULL;
    struct price_args pa = {0};
    struct hq_report_args ra = {0};
    const struct cli_opt opts[] = {{"pg", &url, NULL},           {"name", &name, NULL},
                                   {"password-file", &password_file, NULL},
                                   {"price", &pa.price, NULL},   {"name-zh", &pa.name_zh, NULL},
                                   {"name-en", &pa.name_en, NULL}, {"store", &pa.store, NULL},
                                   {"from", &ra.from, NULL},     {"to", &ra.to, NULL},
                                   {"on", &ra.on, NULL},         {"days", &ra.days, NULL},
                                   {"by", &ra.by, NULL},
                                   {0}};
    if (argc > 0 && strcmp(argv[0], "transfer") == 0)
        return hq_cmd_transfer(cli, argc, argv); /* cmd_hq_transfer.c */
    if (argc > 0 && strcmp(argv[0], "journal") == 0)
        return hq_cmd_journal(cli, argc, argv); /* cmd_hq_journal.c */
    const char *pos[3];
    /* hq product: options of its own (the commodity's fields). */
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] != '-') {
            if (strcmp(argv[i], "product") == 0)
                return cli_stdout_status(hq_product_cmd(cli, argc, argv));
            break;
        }
        if (strchr(argv[i], '=') == NULL && strcmp(argv[i], "--help") != 0 && strcmp(argv[i], "-h") != 0)
            i++; /* the option's value */
    }
    int npos, st = cli_parse(argc, argv, opts, hq_help, pos, 3, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    if (npos == 1 && strcmp(pos[0], "init") == 0)
        return cli_stdout_status(hq_init(hq_url(url)));
    if (npos == 3 && strcmp(pos[0], "store") == 0 && strcmp(pos[1], "add") == 0)
        return cli_stdout_status(hq_store_add(hq_url(url), pos[2], name, password_file));
    if (npos == 3 && strcmp(pos[0], "reader") == 0 && strcmp(pos[1], "add") == 0)
        return cli_stdout_status(hq_reader_add(hq_url(url), pos[2], password_file));
    if (npos == 2 && strcmp(pos[0], "store") == 0 && strcmp(pos[1], "list") == 0)
        return cli_stdout_status(hq_store_list(cli, hq_url(url)));
    if (npos == 3 && strcmp(pos[0], "price") == 0 && strcmp(pos[1], "set") == 0) {
        pa.code = pos[2];
        return cli_stdout_status(hq_price_set(hq_url(url), &pa));
    }
    if (npos >= 2 && strcmp(pos[0], "report") == 0) {
        ra.what = pos[1];
        ra.store = pa.store;
        ra.code = npos == 3 ? pos[2] : NULL;
        return cli_stdout_status(hq_report_run(cli, hq_url(url), &ra));
    }
    return cli_error(EXIT_USAGE, "hq needs init, store add CODE, store list, reader add NAME, price set CODE or report (see --help)");
}
