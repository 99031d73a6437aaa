/*
 * entrepot serve — the link to head office (issue 13, right "read"):
 * GET /api/v1/sync/status says how far behind each side is: this store's
 * events made, acknowledged and waiting (from the database), and what the
 * background sync (serve --hq, src/hq/hq_serve.c) last heard from head
 * office.
 */
#include <stdio.h>
#include <string.h>

#include "hq_serve.h"
#include "server.h"

int route_sync_status(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body, (void)tail;
    ent_outbox_status s;
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    int rc = ent_outbox_status_get(db, &s);
    if (rc != ENT_OK) {
        reply_ent(out, db, rc);
        return 0;
    }
    json_t *o = hq_bg_status();
    json_t *local = json_pack("{s:I, s:I, s:I, s:o, s:o, s:I}", "events", (json_int_t)s.last_seq, "acked_seq",
                              (json_int_t)s.acked_seq, "waiting", (json_int_t)s.pending, "oldest_waiting",
                              s.oldest_pending[0] ? json_string(s.oldest_pending) : json_null(), "acked_at",
                              s.acked_at[0] ? json_string(s.acked_at) : json_null(), "pulled_id",
                              (json_int_t)s.pulled_id);
    if (o == NULL || local == NULL) {
        json_decref(o);
        json_decref(local);
        reply_error(out, 500, "internal", NULL, "out of memory");
        return 0;
    }
    /* The database's own store code when the thread has not yet asked head office. */
    if (json_is_null(json_object_get(o, "store")) && s.store[0])
        json_object_set_new(o, "store", json_string(s.store));
    json_object_update_new(o, local);
    reply_json(out, 200, o);
    return 0;
}
