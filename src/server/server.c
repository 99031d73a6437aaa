/*
 * entrepot serve — the store server: options, start, and the clean stop on
 * SIGTERM (stop accepting, finish what is in flight, close the journal's
 * session, exit 0).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cli.h"
#include "hq_serve.h"
#include "server.h"

struct srv *srv_g;

static const char help[] = "usage: entrepot serve [--db FILE] [--listen ADDR:PORT] [--threads N]\n"
                           "                      [--tls-cert FILE --tls-key FILE] [--max-connections N]\n"
                           "                      [--timeout SECONDS] [--body-max BYTES]\n"
                           "                      [--events-max N] [--events-keepalive SECONDS]\n"
                           "                      [--receipt-printers NAME=FILE|NAME=tcp://HOST:PORT,...]\n"
                           "                      [--hq URL --hq-password-file PATH [--hq-interval SECONDS]]\n"
                           "                      [--hq-read URL --hq-read-password-file PATH]\n"
                           "\n"
                           "Serves the store's database as a JSON API over HTTP (/api/v1, described\n"
                           "by /api/v1/openapi.json). One process owns the database: reads run on a\n"
                           "pool of threads, each with its own read connection; every write goes to\n"
                           "one writer thread that commits the writes waiting together (logins\n"
                           "have a thread of their own).\n"
                           "\n"
                           "  --listen ADDR:PORT   IPv4 address and port (default 127.0.0.1:8080;\n"
                           "                       port 0 takes a free port). Prints \"listening on\n"
                           "                       ADDR:PORT\" once it accepts requests.\n"
                           "  --threads N          request threads, 1 to 64 (default 4)\n"
                           "  --tls-cert, --tls-key  PEM files: serve HTTPS\n"
                           "  --max-connections N  open connections at most (default 1000)\n"
                           "  --timeout SECONDS    an idle or slow connection is closed after this (default 10)\n"
                           "  --body-max BYTES     largest request body (default 262144; more is 413)\n"
                           "  --events-max N       open event streams (/api/v1/events) at most, 1 to 1024\n"
                           "                       (default 64; more is 503)\n"
                           "  --events-keepalive SECONDS  a comment on an idle event stream this often,\n"
                           "                       1 to 300 (default 15)\n"
                           "  --receipt-printers NAME=FILE,...  ESC/POS receipt printers the tills may\n"
                           "                       name (a device such as /dev/usb/lp0, a file the\n"
                           "                       receipts are appended to, or a network printer's\n"
                           "                       raw port, tcp://HOST:9100); at most 16\n"
                           "  --hq URL             sync with head office in the background, as this\n"
                           "                       store's role (as entrepot sync --pg; TLS required):\n"
                           "                       pushes as soon as there is something to send and\n"
                           "                       pulls prices every --hq-interval seconds (1 to\n"
                           "                       3600, default 60); head office down, the store\n"
                           "                       sells on and the rest goes later. GET\n"
                           "                       /api/v1/sync/status says how far behind each side is.\n"
                           "  --hq-password-file PATH  the role's password, mode 0600\n"
                           "                       ($ENTREPOT_HQ_PASSFILE when not given)\n"
                           "  --hq-read URL        head office's chain-wide views for the manager and\n"
                           "                       the auditor (GET /api/v1/hq/..., the web app's\n"
                           "                       page 总部), read as a reader role (entrepot hq\n"
                           "                       reader add; TLS required), never as the store's\n"
                           "                       own role, which sees only its own rows\n"
                           "  --hq-read-password-file PATH  the reader's password, mode 0600\n"
                           "\n"
                           "One line per request goes to standard error: time, client, method, path\n"
                           "(never the query), status, bytes, milliseconds, user. SIGTERM or SIGINT:\n"
                           "stops accepting, finishes the requests in flight, exits 0.\n"
                           "\n"
                           "example: entrepot serve --db store.db --listen 0.0.0.0:8080 --threads 4\n";

static int parse_listen(struct srv_config *c, const char *s)
{
    const char *colon = strrchr(s, ':');
    int64_t port;
    if (colon == NULL || (size_t)(colon - s) >= sizeof c->addr || colon == s)
        return cli_error(EXIT_USAGE, "--listen '%s' must be ADDR:PORT, e.g. 127.0.0.1:8080", ENT_CLIP(s, 40));
    memcpy(c->addr, s, (size_t)(colon - s));
    c->addr[colon - s] = '\0';
    struct in_addr a;
    if (inet_pton(AF_INET, c->addr, &a) != 1)
        return cli_error(EXIT_USAGE, "--listen '%s': '%s' is not an IPv4 address", ENT_CLIP(s, 40),
                         ENT_CLIP(c->addr, 40));
    int st = cli_parse_whole(&port, "--listen port", colon + 1, 0, 65535);
    if (st != 0)
        return st;
    c->port = (unsigned)port;
    return 0;
}

/* serve --hq: the background sync's settings (src/hq/hq_serve.c). */
static struct hq_bg_config hq_cfg;
/* serve --hq-read: the chain-wide views (src/hq/hq_read.c). */
static const char *hq_read_url, *hq_read_password_file;

static int parse_options(struct srv_config *c, struct cli *cli, int argc, char **argv)
{
    const char *hq_interval = NULL;
    const char *db = NULL, *listen = NULL, *threads = NULL, *maxc = NULL, *timeout = NULL, *body = NULL;
    const char *evmax = NULL, *evka = NULL, *printers = NULL;
    const struct cli_opt opts[] = {
        {"db", &db, NULL},
        {"listen", &listen, NULL},
        {"threads", &threads, NULL},
        {"tls-cert", &c->tls_cert, NULL},
        {"tls-key", &c->tls_key, NULL},
        {"max-connections", &maxc, NULL},
        {"timeout", &timeout, NULL},
        {"body-max", &body, NULL},
        {"events-max", &evmax, NULL},
        {"events-keepalive", &evka, NULL},
        {"receipt-printers", &printers, NULL},
        {"hq", &hq_cfg.url, NULL},
        {"hq-password-file", &hq_cfg.password_file, NULL},
        {"hq-interval", &hq_interval, NULL},
        {"hq-read", &hq_read_url, NULL},
        {"hq-read-password-file", &hq_read_password_file, NULL},
        {NULL, NULL, NULL},
    };
    int npos = 0, st;
    int64_t v;
    if ((st = cli_parse(argc, argv, opts, help, NULL, 0, &npos)) != 0)
        return st;
    c->db_path = db ? db : cli->db_path;
    snprintf(c->addr, sizeof c->addr, "127.0.0.1");
    c->port = 8080;
    c->threads = 4;
    c->max_connections = 1000;
    c->timeout_s = 10;
    c->body_max = SRV_BODY_MAX;
    c->events_max = 64;
    c->events_keepalive_s = 15;
    if (evmax && (st = cli_parse_whole(&v, "--events-max", evmax, 1, SRV_EVENTS_SUBS_MAX)) != 0)
        return st;
    if (evmax)
        c->events_max = (unsigned)v;
    if (evka && (st = cli_parse_whole(&v, "--events-keepalive", evka, 1, 300)) != 0)
        return st;
    if (evka)
        c->events_keepalive_s = (unsigned)v;
    if (listen && (st = parse_listen(c, listen)) != 0)
        return st;
    if (threads && (st = cli_parse_whole(&v, "--threads", threads, 1, 64)) != 0)
        return st;
    if (threads)
        c->threads = (unsigned)v;
    if (maxc && (st = cli_parse_whole(&v, "--max-connections", maxc, 1, 100000)) != 0)
        return st;
    if (maxc)
        c->max_connections = (unsigned)v;
    if (timeout && (st = cli_parse_whole(&v, "--timeout", timeout, 1, 3600)) != 0)
        return st;
    if (timeout)
        c->timeout_s = (unsigned)v;
    if (body && (st = cli_parse_whole(&v, "--body-max", body, 1024, 64 * 1024 * 1024)) != 0)
        return st;
    if (body)
        c->body_max = (size_t)v;
    if (printers && (st = srv_printers_parse(printers)) != 0)
        return st;
    hq_cfg.interval_s = 60;
    if (hq_interval && (st = cli_parse_whole(&v, "--hq-interval", hq_interval, 1, 3600)) != 0)
        return st;
    if (hq_interval)
        hq_cfg.interval_s = (int)v;
    if (hq_cfg.password_file == NULL)
        hq_cfg.password_file = getenv("ENTREPOT_HQ_PASSFILE");
    if (hq_cfg.url == NULL && hq_interval)
        return cli_error(EXIT_USAGE, "--hq-interval goes with --hq URL");
    hq_cfg.db_path = c->db_path;
    if (hq_read_url == NULL && hq_read_password_file)
        return cli_error(EXIT_USAGE, "--hq-read-password-file goes with --hq-read URL");
    if (hq_read_url && (st = hq_read_start(hq_read_url, hq_read_password_file)) != 0)
        return st;
    if ((c->tls_cert == NULL) != (c->tls_key == NULL))
        return cli_error(EXIT_USAGE, "--tls-cert and --tls-key go together");
    return 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && n < 1024 * 1024 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL) {
        if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        } else {
            buf[n] = '\0';
        }
    }
    fclose(f);
    return buf;
}

/* Too many connections: the one over the limit is closed at once (MHD's
 * own limit would leave it waiting in the listen queue, unanswered). */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
    struct srv *s = cls;
    (void)addr, (void)len;
    return atomic_load(&s->connections) < (int)s->cfg.max_connections ? MHD_YES : MHD_NO;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode code)
{
    struct srv *s = cls;
    (void)conn, (void)socket_ctx;
    atomic_fetch_add(&s->connections, code == MHD_CONNECTION_NOTIFY_STARTED ? 1 : -1);
}

static struct MHD_Daemon *start_daemon(struct srv *s, char *cert, char *key)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->cfg.port)};
    inet_pton(AF_INET, s->cfg.addr, &sa.sin_addr);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (cert)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem tls[] = {
        {cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, cert},
        {cert ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, key},
        {MHD_OPTION_END, 0, NULL},
    };
    /* One thread is MHD's own polling thread; a pool of one would be refused,
     * and a pool of 0 named to MHD writes a warning to the log: left out. */
    unsigned pool = s->cfg.threads > 1 ? s->cfg.threads : 0;
    struct MHD_OptionItem pooled[] = {
        {pool ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, pool, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    /* No MHD_OPTION_LISTENING_ADDRESS_REUSE: MHD's own SO_REUSEADDR lets a
     * restart bind at once, while SO_REUSEPORT would let a second server take
     * the same port and silently split the requests. */
    return MHD_start_daemon(flags, 0, on_accept, s, srv_on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                            MHD_OPTION_ARRAY, pooled, MHD_OPTION_CONNECTION_LIMIT, s->cfg.max_connections + 64,
                            MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_CONNECTION_TIMEOUT,
                            s->cfg.timeout_s, MHD_OPTION_NOTIFY_COMPLETED,
                            srv_on_completed, s, MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
}

/* Waits for the requests in flight to be answered (at most 30 s: a client
 * that never reads its answer is cut off by the connection timeout). */
static void drain(struct srv *s)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 30;
    pthread_mutex_lock(&s->lock);
    while (s->in_flight > 0)
        if (pthread_cond_timedwait(&s->idle, &s->lock, &until) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&s->lock);
}

static int check_database(struct srv_config *c)
{
    ent_db *db = NULL;
    ent_store *store = NULL;
    int rc = ent_db_open(&db, c->db_path, 0);
    if (rc == ENT_OK)
        rc = ent_store_get(db, &store);
    if (rc != ENT_OK)
        fprintf(stderr, "entrepot: %s\n", cli_db_errmsg(db)); /* names the file; the hint for the operator */
    ent_store_free(store);
    ent_db_close(db);
    return rc;
}

static int serve(struct srv *s)
{
    char *cert = NULL, *key = NULL;
    int st = EXIT_OK;
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    /* Every thread started from here on inherits the mask: the signals are
     * taken only by sigwait below, never in the middle of a request. */
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (s->cfg.tls_cert && ((cert = slurp(s->cfg.tls_cert)) == NULL || (key = slurp(s->cfg.tls_key)) == NULL)) {
        st = cli_error(EXIT_IO, "cannot read the TLS certificate or key (%s)", strerror(errno));
        goto done;
    }
    if (check_database(&s->cfg) != ENT_OK) {
        st = EXIT_IO;
        goto done;
    }
    if (hq_cfg.url && (st = hq_bg_start(&hq_cfg)) != 0)
        goto done;
    if (writer_start(s) != ENT_OK || sales_baskets_load(s->writer.db) != ENT_OK || events_start() != 0 ||
        watch_start(s->cfg.db_path) != ENT_OK) {
        st = EXIT_IO;
        goto done;
    }
    s->daemon = start_daemon(s, cert, key);
    if (s->daemon == NULL) {
        st = cli_error(EXIT_IO, "cannot listen on %s:%u (%s)", s->cfg.addr, s->cfg.port, strerror(errno));
        goto done;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    printf("listening on %s:%u\n", s->cfg.addr, di ? (unsigned)di->port : s->cfg.port);
    fflush(stdout);
    int sig = 0;
    sigwait(&sigs, &sig);
    fprintf(stderr, "entrepot: %s: stopping\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    atomic_store(&s->stopping, 1);
    MHD_quiesce_daemon(s->daemon);
    events_stop(); /* the event streams end: they would hold the drain */
    drain(s);
done:
    events_stop();
    hq_bg_stop(); /* a round in progress ends first; nothing is cut mid-batch */
    /* The writer first: it resumes every request it holds, so that MHD
     * stops with nothing suspended. */
    writer_stop(s);
    watch_stop();
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    hq_read_stop(); /* no request left to read head office */
    for (int i = 0; i < s->nreaders; i++)
        ent_db_close(s->readers[i]);
    if (s->daemon)
        fprintf(stderr, "entrepot: stopped (%lld writes in %lld commits)\n", (long long)s->writer.writes,
                (long long)s->writer.groups);
    free(cert);
    free(key);
    return st;
}

/* Process-wide settings, which only a program may choose (the library
 * leaves them alone), made before the first connection opens:
 *  - without its memory statistics SQLite takes no global mutex on every
 *    allocation and free, of which the writer makes hundreds a sale; nothing
 *    in the server reads them;
 *  - a savepoint's sub-journal stays in memory up to 1 MiB (SQLite's default
 *    is 64 KiB, then a temporary file), held in one piece: the writer opens
 *    its connection with ENT_OPEN_SUBJOURNAL (db.h, ent_db_group_begin); a
 *    larger journal is copied into a file in one write, which SQLite's Unix
 *    layer cannot make: every file is opened through vfs_split.c (made the
 *    default last, as registering a VFS starts SQLite);
 *  - the C library gives the free top of a thread's heap back to the system
 *    only past 8 MiB, and serves blocks up to 4 MiB from the heap: at its
 *    defaults (128 KiB) the writer's heap shrank after most statements and
 *    grew again at the next, each time faulting in fresh zeroed pages (5 %
 *    of its time a sale in `perf`), and each 1 MiB sub-journal would be a
 *    mapping of its own.
 * Returns whether SQLite took them (it refuses once it has started; the
 * server is then only slower: its writer keeps temp_store = MEMORY). */
static bool process_settings(void)
{
    mallopt(M_TRIM_THRESHOLD, 8 << 20);
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK &&
           sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 1 << 20) == SQLITE_OK && srv_vfs_split_register();
}

int cmd_serve(struct cli *cli, int argc, char **argv)
{
    static struct srv s;
    s.subjournal = process_settings();
    int st = parse_options(&s.cfg, cli, argc, argv);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.idle, NULL);
    srv_g = &s;
    return serve(&s);
}
