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

#endif
