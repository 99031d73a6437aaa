/* The store server's link to head office (issue 13): `entrepot serve --hq`
 * syncs in a background thread of its own (hq_serve.c). This header needs
 * neither libpq nor the server's internals, so that both sides include it. */
#ifndef ENT_HQ_SERVE_H
#define ENT_HQ_SERVE_H

#include <jansson.h>
#include <stdbool.h>

#include "entrepot/entrepot.h"

struct hq_bg_config {
    const char *db_path;       /* the store's database */
    const char *url;           /* head office, as this store's role (no password) */
    const char *password_file; /* the role's password, mode 0600 */
    int interval_s;            /* a full round (push and pull) at least this often */
};

/* Checks the address and the password file (exit status 2 when wrong,
 * after saying why), then starts the thread. Head office need not answer:
 * the thread tries again and the store sells meanwhile. 0 or the status. */
int hq_bg_start(const struct hq_bg_config *c);

/* Asks the thread to stop, then waits for it (a round in progress ends
 * first: a batch is never cut by the stop). No-op when never started. */
void hq_bg_stop(void);

/* True once hq_bg_start succeeded. */
bool hq_bg_enabled(void);

/* What the thread knows of the link, for GET /api/v1/sync/status: a new
 * object (NULL when out of memory). */
json_t *hq_bg_status(void);

/* One report's query, checked already (the CLI and the server each check
 * and word their own input): the ONE place its SQL is. */
struct hq_query {
    const char *what;      /* stock, sales, flow, expiring or holders */
    const char *store;     /* one store, or NULL for all */
    const char *from, *to; /* sales, flow: local days, or NULL */
    const char *by;        /* sales: see hq_report_args */
    const char *on, *until; /* expiring: the day counted from and the last expiry shown */
    const char *code;      /* holders */
};
/* True for NULL, country, day or store. */
bool hq_sales_by_valid(const char *by);
/* True for a GTIN or SKU as head office holds them. */
bool hq_code_valid(const char *code);
/* The expiring report's days: on (given_on, else today at the chain's
 * zone) and until (on plus days). ENT_OK or the failure (ent_error_last). */
int hq_expiring_until(char until[ENT_DATE_SIZE], char on[ENT_DATE_SIZE], const char *given_on, int64_t days);
/* serve --hq-read: the chain-wide views (hq_read.c), as a reader role
 * (`hq reader add`): checks the address and the password file (exit status
 * 2 when wrong, after saying why); connects at the first view. */
int hq_read_start(const char *url, const char *password_file);
bool hq_read_enabled(void);
/* Closes the connection (the server is stopping). */
void hq_read_stop(void);
/* Runs the view q (checked already) at head office: 200 with *out the rows
 * (an array of objects named as the CLI's --json names them); 503 when head
 * office cannot be reached (10 s to connect) or another view held the
 * connection 12 s, 502 when it refused or the view ran over 10 s (*out a
 * JSON string, its words), 500 out of memory (*out NULL). */
int hq_read_view(json_t **out, const struct hq_query *q);

#endif
