/*
 * entrepot serve — the store server's internals, shared by its sources.
 * The server is a front end like the CLI: it calls only include/entrepot/.
 */
#ifndef ENTREPOT_SERVER_H
#define ENTREPOT_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <microhttpd.h>

#include "entrepot/entrepot.h"

/* Limits (the defaults of the options). */
#define SRV_BODY_MAX (256 * 1024) /* bytes of a request body; more is 413 */
#define SRV_USER_MAX 65           /* a user's name, with its NUL */
#define SRV_READERS_MAX 256       /* read connections: one per pool thread */
#define SRV_EVENTS_RING 1024      /* events kept for Last-Event-ID resumes */
#define SRV_EVENTS_SUBS_MAX 1024  /* event streams at most, whatever --events-max says */
#define SRV_PRINTERS_MAX 16       /* receipt printers named by --receipt-printers */
#define SRV_PRINTER_NAME_MAX 33   /* a receipt printer's name, with its NUL */
/* The Content-Security-Policy of every answer: the web app's own scripts,
 * styles and requests only; no inline code, no plug-ins, never framed. */
#define SRV_CSP                                                                                                   \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "        \
    "manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/* The server's settings, from the command line. */
struct srv_config {
    const char *db_path;
    char addr[64];
    unsigned port;
    unsigned threads;
    unsigned max_connections;
    unsigned timeout_s;
    size_t body_max;
    const char *tls_cert, *tls_key;
    unsigned events_max;         /* open event streams at most */
    unsigned events_keepalive_s; /* a comment on an idle stream this often */
};

/* An answer: a status and a JSON body (owned) or raw text with its type. */
struct reply {
    int status;
    json_t *json;
    char *text; /* malloc'd; used when json is NULL */
    size_t text_len;
    const char *ctype;
    const char *body_static; /* text_len bytes never freed (the web app's files), or NULL */
    const char *cache;       /* Cache-Control, NULL: no-store */
    const char *etag;        /* an ETag header, or NULL */
    const char *disposition; /* a Content-Disposition header (a download), or NULL */
    char retry_after[24]; /* seconds, "" when none */
    char set_cookie[256]; /* a Set-Cookie header, "" when none */
    struct MHD_Response *stream; /* a response made by the route (the event stream), or NULL */
};

struct route;

/* One request in flight, from its first byte to the end of its answer. */
struct req {
    struct MHD_Connection *conn;
    const char *method, *url; /* borrowed from MHD for the request's life */
    char *body;
    size_t len, cap;
    int too_big;
    struct timespec t0;
    char user[SRV_USER_MAX]; /* who, for the log and the writes ("-" when nobody) */
    ent_principal who;       /* the session's or token's principal (user_id 0: nobody) */
    const char *session;     /* the session cookie's token (borrowed from MHD), or NULL */
    struct job *job;         /* a write waiting for the writer, or NULL */
    int status;              /* the answer's, for the log */
    size_t bytes;
    int counted; /* counted in the server's requests in flight */
    int late;    /* begun after the server began to stop: 503 */
};

/* A write for the writer thread: run() works on the write connection inside
 * the group's transaction and fills reply; answered after the commit. */
struct job {
    int (*run)(ent_db *db, ent_journal *journal, struct job *job);
    void *arg; /* the route's own data, released by free_arg */
    void (*free_arg)(void *arg);
    char user[SRV_USER_MAX];
    struct reply reply;
    struct MHD_Connection *conn;
    int done;
    json_t *events; /* what to publish once the group is committed (srv_job_event), or NULL */
    /* Run on the request's pool thread once the writer answered (the group
     * committed), before the answer goes out; may change it. NULL: none. */
    void (*after)(struct job *job, struct reply *rep);
    /* Set by srv_queue_auth_then: run next on the writer when run() on the
     * login thread left no answer (reply.status 0). */
    int (*then)(ent_db *db, ent_journal *journal, struct job *job);
    struct job *next;
};

struct srv {
    struct srv_config cfg;
    struct MHD_Daemon *daemon;
    atomic_int stopping;
    atomic_int connections; /* open now, for --max-connections */
    bool subjournal;        /* SQLite took the process settings: the writer opens with ENT_OPEN_SUBJOURNAL */
    /* requests in flight, for the drain at shutdown */
    pthread_mutex_t lock;
    pthread_cond_t idle;
    int in_flight;
    /* read connections, one per pool thread, closed at the end */
    ent_db *readers[SRV_READERS_MAX];
    int nreaders;
    /* the writer (group commit) and the login thread (see writer.c) */
    struct wqueue {
        pthread_t thread;
        int running;
        int group; /* commit the waiting jobs together */
        pthread_mutex_t lock;
        pthread_cond_t cond;
        struct job *head, *tail;
        int stop; /* 1: finish the queue; 2: finished, no more jobs */
        ent_db *db;
        ent_journal *journal; /* the writer's: NULL when sales are refused */
        int64_t groups, writes;
    } writer, auth;
    ent_journal *journal; /* = writer.journal, for the routes */
    char journal_problem[512];
};

extern struct srv *srv_g;

/* ---- http.c ---- */
enum MHD_Result srv_on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **con_cls);
void srv_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe);

/* Error answers {"error":{"code","message","field"}}; field may be NULL. */
void reply_error(struct reply *out, int status, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The answer for a library failure rc on db (its message; status by code). */
void reply_ent(struct reply *out, ent_db *db, int rc);
/* 200 (or status) with a JSON body; takes the reference. */
void reply_json(struct reply *out, int status, json_t *json);
/* The answer of a library call: reply_ent when rc failed (json dropped),
 * else reply_json(out, status, json). Takes the reference. */
void reply_result(struct reply *out, ent_db *db, int rc, int status, json_t *json);
void reply_free(struct reply *r);

/* The calling pool thread's read connection, opened on first use; NULL
 * with out set to 503 when it cannot be opened. */
ent_db *srv_reader(struct reply *out);

/* A query parameter of the request, or NULL. */
const char *req_arg(struct req *r, const char *name);
/* The query argument name as a whole number from min to max (def when
 * absent) into *out: 0, or -1 answered 422 naming it. */
int arg_whole(struct req *r, const char *name, int64_t min, int64_t max, int64_t def, int64_t *out, struct reply *rep);

/* ---- json.c: checking request bodies ---- */
enum fkind { F_STRING, F_INT, F_ARRAY, F_BOOL };
struct field {
    const char *name;
    enum fkind kind;
    int required;
};
/* Checks that body is an object holding only the fields listed (NULL
 * terminated by name) with the right types, required ones present. 0, or -1
 * with the 400/422 answer in out. */
int json_check(struct reply *out, json_t *body, const struct field *fields, const char *where);
/* A string member or NULL (the type is checked before). */
const char *json_str(json_t *obj, const char *name);
/* An integer member, or def when absent. */
int64_t json_int(json_t *obj, const char *name, int64_t def);
/* A receipt of goods from a request body (the stock receive and the purchase receive). */
ent_receive srv_receive_from(json_t *b, const char *user);

/* ---- auth.c ---- */
/* Who is asking (session cookie or Bearer token) and whether the route's
 * right is theirs: 0, or -1 with the 401/403 answer. Writes with a cookie
 * session need the X-CSRF-Token header. */
int srv_authorize(struct req *r, const struct route *rt, struct reply *rep);

/* ---- writer.c ---- */
/* Starts the writer and the login thread, each with its write connection. */
int writer_start(struct srv *s);
/* Stops both after the jobs queued so far are done; closes the journal. */
void writer_stop(struct srv *s);
/* Records a request on the session (idle expiry counts from it) or the
 * use of the API token, on the login thread; nobody waits for it. */
void writer_touch(struct srv *s, const char *secret, int is_token);

/* ---- routes ---- */
/* A route's right: one of enum ent_right, or these. */
enum { RIGHT_OPEN = 0, RIGHT_ANY = -1 /* any user with a session or token */ };
struct route {
    const char *method;
    const char *path; /* exact, or a prefix ending in '/' when prefix is set */
    int prefix;       /* 1: the tail is one segment; 2: it may hold '/' */
    int right; /* enum ent_right, RIGHT_OPEN or RIGHT_ANY */
    int (*fn)(struct req *r, json_t *body, const char *tail, struct reply *out);
    int right_alt; /* another right that is enough too (0: none) */
};
/* True for a route whose body is text/csv, left in r->body (its body
 * argument is NULL); routes_ext.c. */
int srv_route_csv(const struct route *rt);

/* Makes the default SQLite VFS the Unix one with long writes split (vfs_split.c);
 * false when SQLite refused it. */
bool srv_vfs_split_register(void);
/* The routes, read and write; NULL-terminated. */
extern const struct route srv_routes[];

/* A write route queues its job through this and answers nothing itself:
 * the request is suspended, and answered after the writer's commit. 1, or
 * -1 when out of memory (arg released). */
int srv_queue_write(struct req *r, int (*run)(ent_db *, ent_journal *, struct job *), void *arg,
                    void (*free_arg)(void *));
/* srv_queue_write with an after() for the job (see struct job). */
int srv_queue_write_then(struct req *r, int (*run)(ent_db *, ent_journal *, struct job *), void *arg,
                         void (*free_arg)(void *), void (*after)(struct job *, struct reply *));
/* The same on the login thread: logins run scrypt (tens of milliseconds),
 * which must not hold the writer's group open. */
int srv_queue_auth(struct req *r, int (*run)(ent_db *, ent_journal *, struct job *), void *arg,
                   void (*free_arg)(void *));

/* A check on the login thread (run: a supervisor's password, scrypt), then
 * the write on the writer (then) unless the check answered (refused): the
 * writer's group never waits for scrypt. 1, or -1 (arg released). */
int srv_queue_auth_then(struct req *r, int (*run)(ent_db *, ent_journal *, struct job *),
                        int (*then)(ent_db *, ent_journal *, struct job *), void *arg, void (*free_arg)(void *));

/* ---- static.c: the web app ---- */
/* One file of the web app (web_embedded.c, from src/web by cmake/embed_web.cmake). */
struct web_file {
    const char *path; /* "/index.html" */
    const char *data;
    size_t len;
    const char *etag; /* quoted */
};
extern const struct web_file srv_web_files[]; /* ends with path NULL */
/* Answers a request outside /api/ from the web app's files. */
void srv_static(struct req *r, struct reply *out);

/* ---- routes_sales.c ---- */
/* Releases the counters' baskets (they borrow the writer's connection):
 * once the writer has stopped, before its connection is closed. */
void sales_baskets_free(void);
/* Reads back the baskets kept in the database (schema 14) on the writer's
 * connection, before the writer thread starts. */
int sales_baskets_load(ent_db *db);
/* ---- events.c: Server-Sent Events (GET /api/v1/events) ---- */
int events_start(void);
/* Ends every event stream (before the drain: a stream is a request in flight). */
void events_stop(void);
/* A job's run() says what its write changed, on success only: type is
 * "stock", "price" or "labels", data a small object naming what (taken).
 * Published after the group's COMMIT with the job's user as "by"; never
 * when the job's savepoint or the group was rolled back. */
void srv_job_event(struct job *job, const char *type, json_t *data);
/* The writer, after the group's end: publishes (committed) or drops. */
void events_publish_job(struct job *job, int committed);
void events_publish(const char *type, json_t *data);

/* ---- watch.c: writes made beside the server become events ---- */
/* Opens its read connection and starts looking (before any write is taken). */
int watch_start(const char *path);
/* Stops looking (after the writer has stopped). */
void watch_stop(void);
/* The writer, right after its group's BEGIN IMMEDIATE, then just before its
 * COMMIT (the rows between are the server's own: no event from here), and
 * when that COMMIT failed. */
void watch_group_begin(ent_db *db);
int watch_group_end(ent_db *db);
void watch_group_failed(void);

/* The embedded OpenAPI document (openapi_embedded.c, built from
 * src/server/openapi.json). */
extern const char srv_openapi[];

/* GET /sales/RECEIPT/receipt?format=pdf: entrepot-label draws the receipt
 * (routes_labels.c); receipt is the number read back from the database. */
int srv_receipt_pdf(struct reply *out, const char *receipt, int columns);
/* A purchase order as an A4 PDF (routes_labels.c): 0 with out filled. */
int srv_purchase_pdf(struct reply *out, const char *order);
extern const size_t srv_openapi_len;

/* ---- receipt_print.c: ESC/POS receipt printers named at start ---- */
/* --receipt-printers NAME=FILE[,NAME=FILE...]: 0, or the CLI's exit status. */
int srv_printers_parse(const char *spec);
/* True when a printer of that name was given at start. */
int srv_printer_known(const char *name);
/* Prints sale as ESC/POS on printer name (reprint: marked a copy): 0 with
 * *bytes_out, or -1 with the answer in out (422 unknown printer, 502 the
 * device or file did not take it within 10 s). */
int srv_print_receipt(ent_db *db, const char *name, const ent_sale *sale, int columns, bool reprint,
                      size_t *bytes_out, struct reply *out);

#endif
