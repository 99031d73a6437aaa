/*
 * The outbox (issue 13): every change head office must hold (lots, stock
 * moves, counts, sales and returns with their lines and payments, journal
 * records, door counts, label jobs) is written as an immutable UUID-keyed
 * event in the same transaction as the change itself. A sync reads the
 * events after the last acknowledged one, pushes them and acknowledges them
 * once head office has said it holds them.
 */
#ifndef ENTREPOT_OUTBOX_H
#define ENTREPOT_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>
#include "entrepot/common.h"

#define ENT_STORE_CODE_SIZE 17 /* a head-office store code: 2 to 16 capital letters and digits */
#define ENT_OUTBOX_BATCH_MAX 10000

/* One event. Borrowed: valid during the callback only. */
typedef struct ent_outbox_event {
    int64_t seq;       /* the store's order, from 1 */
    const char *uuid;  /* the event's UUID */
    const char *kind;  /* lot, move, count_start, count_post, sale, sale_line, sale_pay,
                          journal, flow, label_queue, label_print */
    const char *at;    /* the change's UTC time, "YYYY-MM-DDTHH:MM:SS...Z" */
    const char *body;  /* the row as a JSON object (for a sale's rows built as it is read: schema 024) */
} ent_outbox_event;
typedef int (*ent_outbox_cb)(const ent_outbox_event *ev, void *ud);

/* Calls cb for each event with seq > after, in order, at most limit of them
 * (1 to ENT_OUTBOX_BATCH_MAX); *count receives how many. A callback's non-zero
 * return stops the walk and is returned. */
ENT_API int ent_outbox_each(ent_db *db, int64_t *count, int64_t after, int64_t limit, ent_outbox_cb cb, void *ud);

typedef struct ent_outbox_status {
    char store[ENT_STORE_CODE_SIZE];  /* the head-office store this database syncs as ("" before the first sync) */
    int64_t last_seq;                 /* the newest event */
    int64_t acked_seq;                /* the newest event head office has acknowledged */
    int64_t pending;                  /* events not yet acknowledged */
    char oldest_pending[ENT_TIME_SIZE + 8]; /* the time of the oldest of them ("" when none) */
    char acked_at[ENT_TIME_SIZE];     /* when the last acknowledgement was recorded ("" never) */
    int64_t pulled_id;                /* the last head-office price change applied (0: none) */
} ent_outbox_status;

ENT_API int ent_outbox_status_get(ent_db *db, ent_outbox_status *out);

/* True when code is a valid head-office store code (2 to 16 of A-Z, 0-9). */
ENT_API bool ent_outbox_store_valid(const char *code);

/* Before a sync: refuses (ENT_REFUSED) when this database already syncs as
 * another store than store; records store at the first sync. */
ENT_API int ent_outbox_claim(ent_db *db, const char *store);

/* Records that head office holds every event up to seq upto (as store). An
 * acknowledgement never moves back; upto past the newest event is refused. */
ENT_API int ent_outbox_ack(ent_db *db, const char *store, int64_t upto);

/* Records that head office's price changes up to id are applied (inside the
 * caller's group of writes, with the changes themselves). Never moves back. */
ENT_API int ent_outbox_pulled(ent_db *db, int64_t id);

#endif
