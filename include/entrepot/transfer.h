/*
 * entrepot — transfers between the stores of a chain (issue 13).
 *
 * A transfer ships goods with their lots (origin, declaration, dates,
 * supplier, cost) from this store to another store of the chain, under a
 * transfer UUID. The shipped units leave this store's stock in the ship's
 * own transaction, which also writes the outbox event that carries the
 * transfer to head office; the receiving store learns of it at its sync and
 * receives it into a location of its own: new local lots with the same lot
 * data, the differences (short, over, damaged) recorded and sent back. So
 * goods are never in two stores at once, and what is between them shows at
 * head office as in transit.
 */
#ifndef ENTREPOT_TRANSFER_H
#define ENTREPOT_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>
#include "entrepot/common.h"
#include "entrepot/outbox.h"

#define ENT_TRANSFER_LINES_MAX 1000 /* lines (commodity and lot) of one transfer */

#ifdef __cplusplus
extern "C" {
#endif

/* One commodity to ship: qty units (its base unit) of lot, or of its lots
 * first expiry first when lot is NULL. */
typedef struct ent_transfer_item {
    const char *product; /* GTIN, SKU or barcode */
    const char *lot;     /* NULL: any lot, first expiry first */
    int64_t qty;         /* 1 to 1,000,000,000 */
} ent_transfer_item;

typedef struct ent_transfer_ship_req {
    const char *to;                 /* the receiving store's head-office code, "SH02" */
    const ent_transfer_item *items; /* n of them, 1 to ENT_TRANSFER_LINES_MAX */
    size_t n;
    const char *from;               /* the location to take from first, or NULL */
    const char *note;               /* may be NULL */
} ent_transfer_ship_req;

/*
 * Ships req's goods to another store: takes them from the sellable
 * locations (shelf, back room; never expired lots), from req->from first,
 * and records the transfer, all in one transaction. Refused with nothing
 * changed: a store head office has not listed at this store's last sync
 * (ENT_NOTFOUND), this store itself, a store that never synced (ENT_REFUSED),
 * more than on hand (ENT_NOSTOCK). uuid_out (ENT_UUID_SIZE) receives the
 * transfer's UUID.
 */
ENT_API int ent_transfer_ship(ent_db *db, char uuid_out[ENT_UUID_SIZE], const ent_transfer_ship_req *req);

/* What arrived of one commodity (and lot) of a transfer. */
typedef struct ent_transfer_count {
    const char *product; /* any of its codes */
    const char *lot;     /* NULL: the transfer's only lot of the commodity */
    int64_t received;    /* good units, put into stock: 0 to 1,000,000,000 */
    int64_t damaged;     /* units that arrived unsellable: recorded, not stocked */
} ent_transfer_count;

typedef struct ent_transfer_receive_req {
    const char *transfer;   /* its UUID, or a prefix of at least 8 characters */
    const char *location;   /* where the goods go */
    const ent_transfer_count *counts; /* n of them; n == 0: everything arrived as shipped */
    size_t n;               /* with n > 0, a line no count names arrived with 0 units */
    const char *note;       /* may be NULL */
} ent_transfer_receive_req;

/*
 * Receives an incoming transfer (one this store's sync pulled from head
 * office) into a location, in one transaction: each line's good units go
 * into stock as a lot with the sender's lot data; short, over and damaged
 * units are recorded, and the receipt goes back to head office as an outbox
 * event. Refused with nothing changed: a transfer received already or
 * one this store shipped (ENT_REFUSED), a count naming what the transfer
 * does not hold (ENT_INVALID), a commodity this store does not list
 * (ENT_NOTFOUND: it must be in the catalogue first).
 */
ENT_API int ent_transfer_receive(ent_db *db, const ent_transfer_receive_req *req);

/* A transfer as listed. Strings borrowed for the callback's duration. */
typedef struct ent_transfer_info {
    char uuid[ENT_UUID_SIZE];
    const char *direction;      /* "out" (shipped from here) or "in" */
    const char *from, *to;      /* store codes */
    const char *status;         /* "shipped" (in transit) or "received" */
    const char *shipped_at;     /* UTC */
    const char *received_at;    /* UTC, NULL while in transit */
    const char *location;       /* where the receiver put it, NULL before */
    const char *note;           /* may be NULL */
    int64_t lines, shipped;     /* lines and units shipped */
    int64_t received, damaged;  /* units (0 before the receipt is known) */
    int64_t short_units, over;  /* per line: shipped - received - damaged when > 0, the reverse when < 0 */
} ent_transfer_info;
typedef int (*ent_transfer_cb)(const ent_transfer_info *t, void *ud);

/* Every transfer, newest first; direction "in", "out" or NULL for both. */
ENT_API int ent_transfer_each(ent_db *db, const char *direction, ent_transfer_cb cb, void *ud);

/* One line of a transfer. Borrowed for the callback's duration. */
typedef struct ent_transfer_line {
    int line;
    const char *product, *lot, *origin, *declaration, *expiry; /* expiry, declaration may be NULL */
    int64_t qty;
    int64_t received, damaged; /* -1 before the receipt */
} ent_transfer_line;
typedef int (*ent_transfer_line_cb)(const ent_transfer_line *l, void *ud);

/* A transfer's lines (transfer: its UUID or a prefix of 8 or more). */
ENT_API int ent_transfer_lines(ent_db *db, const char *transfer, ent_transfer_line_cb cb, void *ud);

/* ---- for the sync with head office -------------------------------------- */

/* Replaces the list of the chain's stores (codes and names from head
 * office) that ent_transfer_ship accepts, in one transaction. */
ENT_API int ent_transfer_peers_set(ent_db *db, const char *const *codes, const char *const *names, size_t n);

/*
 * Records a transfer addressed to this store, as head office holds it:
 * json is the ship event's body (uuid, from, to, shipped_at, shipped_by,
 * note, lines). A transfer already known changes nothing (*added false).
 * One addressed to another store is refused (ENT_REFUSED).
 */
ENT_API int ent_transfer_incoming_add(ent_db *db, bool *added, const char *json);

/*
 * Records the receipt of a transfer this store shipped, as head office
 * holds it: json is the receipt event's body (received_at, received_by,
 * location, lines with received and damaged). No outbox event is written:
 * the receiver sent it. One known as received already changes nothing.
 */
ENT_API int ent_transfer_receipt_apply(ent_db *db, bool *applied, const char *uuid, const char *json);

#ifdef __cplusplus
}
#endif

#endif
