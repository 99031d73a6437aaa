/*
 * The reprint queue's hooks for the modules that change what a shelf label
 * shows (not public API). Reading and clearing the queue are public:
 * ent_label_queue_* in entrepot/label.h, defined in reprint.c too.
 */
#ifndef ENT_REPRINT_H
#define ENT_REPRINT_H

#include <stdint.h>
#include "entrepot/label.h" /* the public half: ent_label_queue_add, _each, _clear, _remove */

/* Queues the commodity's shelf labels for reprinting after a change of its
 * price or name (reason: "price", "name"). Runs inside the caller's
 * transaction. */
int entx_label_queue_on_change(ent_db *db, int64_t product_id, const char *reason);

/* Called by a stock move inside its transaction, after lot_id arrived at
 * location_id: queues that shelf's label when the lot's origin is new there.
 * A location that is not a shelf queues nothing. */
int entx_label_queue_on_move(ent_db *db, int64_t product_id, int64_t lot_id, int64_t location_id, const char *user);

#endif
