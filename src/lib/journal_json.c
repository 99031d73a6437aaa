/*
 * The journal's JSON export: the store, its public keys and every record
 * with its taxes, payments, lines and counts, in the form journal_load.c
 * reads back. The CLI's `journal export` and the server's export route both
 * write it through here, so an auditor gets the same document from either.
 * Records are written one at a time: a million never sit in memory at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "entrepot/db.h"
#include "entrepot/parse.h"
#include "journal_internal.h"

struct json_out {
    FILE *f;
    const char *tz;
    int64_t n;
    int failed;
};

static void set_str(json_t *o, const char *name, const char *s)
{
    json_object_set_new(o, name, s ? json_string(s) : json_null());
}

static json_t *lists_json(json_t *o, const ent_journal_entry *e)
{
    json_t *taxes = json_array(), *pays = json_array(), *lines = json_array();
    for (size_t i = 0; i < e->ntaxes; i++)
        json_array_append_new(taxes, json_pack("{s:i, s:I, s:I}", "rate", (int)e->taxes[i].rate, "gross",
                                               (json_int_t)e->taxes[i].gross, "tax", (json_int_t)e->taxes[i].tax));
    for (size_t i = 0; i < e->npays; i++)
        json_array_append_new(pays, json_pack("{s:s, s:I}", "method", e->pays[i].method, "amount",
                                              (json_int_t)e->pays[i].amount));
    for (size_t i = 0; i < e->nlines; i++) {
        const ent_journal_line *l = &e->lines[i];
        json_t *x = json_pack("{s:I, s:s}", "line", (json_int_t)(i + 1), "code", l->code);
        set_str(x, "lot", l->lot);
        set_str(x, "name", l->name);
        json_object_set_new(x, "qty", json_integer(l->qty));
        json_object_set_new(x, "unit_price", json_integer(l->unit_price));
        json_object_set_new(x, "discount", json_integer(l->discount));
        json_object_set_new(x, "amount", json_integer(l->amount));
        json_object_set_new(x, "rate", json_integer(l->rate));
        json_array_append_new(lines, x);
    }
    json_object_set_new(o, "taxes", taxes);
    json_object_set_new(o, "payments", pays);
    json_object_set_new(o, "lines", lines);
    if (e->ncounts) {
        json_t *c = json_object();
        for (size_t i = 0; i < e->ncounts; i++)
            json_object_set_new(c, e->count_kinds[i], json_integer(e->counts[i]));
        json_object_set_new(o, "counts", c);
    }
    return o;
}

static int write_record(const ent_journal_entry *e, void *ud)
{
    struct json_out *x = ud;
    char local[20] = "";
    if (ent_time_local(local, x->tz, e->time) != ENT_OK)
        local[0] = '\0';
    json_t *o = json_pack("{s:I}", "seq", (json_int_t)e->seq);
    set_str(o, "uuid", e->uuid);
    set_str(o, "kind", e->kind);
    set_str(o, "time", e->time);
    set_str(o, "local_time", local);
    set_str(o, "counter", e->counter);
    set_str(o, "cashier", e->cashier);
    set_str(o, "ref", e->ref);
    set_str(o, "currency", e->currency);
    json_object_set_new(o, "total", json_integer(e->total));
    json_object_set_new(o, "grand_total", json_integer(e->grand_total));
    set_str(o, "event", e->event);
    set_str(o, "note", e->note);
    set_str(o, "period", e->period);
    set_str(o, "period_end", e->period_end);
    json_object_set_new(o, "first_seq", json_integer(e->first_seq));
    json_object_set_new(o, "last_seq", json_integer(e->last_seq));
    json_object_set_new(o, "training", json_integer(e->training));
    lists_json(o, e);
    if (e->pubkey_pem)
        json_object_set_new(o, "public_key", json_string(e->pubkey_pem));
    set_str(o, "prev_hash", e->prev_hash);
    set_str(o, "key_id", e->key_id);
    set_str(o, "hash", e->hash);
    set_str(o, "signature", e->signature);
    set_str(o, "qr", e->qr);
    set_str(o, "body", e->body);
    fputs(x->n++ ? ",\n    " : "\n    ", x->f);
    if (json_dumpf(o, x->f, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0)
        x->failed = 1;
    json_decref(o);
    return x->failed ? ENT_ERROR : 0;
}

static int add_key(const ent_journal_entry *e, void *ud)
{
    if (e->pubkey_pem)
        json_array_append_new(ud, json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)e->seq, "record", e->kind, "pem",
                                            e->pubkey_pem));
    return 0;
}

/* The head: the store, the format and every public key (the verifier needs
 * the keys of records outside from..to too). */
static int write_head(ent_db *db, FILE *f, const ent_store *store)
{
    json_t *keys = json_array();
    int rc = ent_journal_each(db, 0, 0, add_key, keys);
    json_t *head = json_pack("{s:s, s:s, s:s, s:s}", "store", store->code, "format", "entrepot-journal 1",
                             "currency", store->currency, "time_zone", store->tz);
    char *h = json_dumps(head, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    char *k = json_dumps(keys, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (rc == ENT_OK && (h == NULL || k == NULL))
        rc = entx_fail(db, ENT_ERROR, "out of memory writing the journal export");
    if (rc == ENT_OK) {
        /* h ends in "\n}": the keys and records go where its brace was. */
        size_t hl = strlen(h);
        fprintf(f, "%.*s,\n  \"keys\": %s,\n  \"records\": [", (int)(hl - 2), h, k);
    }
    free(h);
    free(k);
    json_decref(head);
    json_decref(keys);
    return rc;
}

int ent_journal_export_json(ent_db *db, FILE *f, int64_t from_seq, int64_t to_seq, int64_t *records)
{
    ent_store *store = NULL;
    entx_ok(db);
    if (records)
        *records = 0;
    int rc = ent_store_get(db, &store);
    if (rc != ENT_OK)
        return rc;
    struct json_out x = {f, store->tz, 0, 0};
    rc = write_head(db, f, store);
    if (rc == ENT_OK)
        rc = ent_journal_each(db, from_seq, to_seq, write_record, &x);
    if (rc == ENT_OK) {
        fputs("\n  ]\n}\n", f);
        if (ferror(f))
            rc = entx_fail(db, ENT_ERROR, "writing the journal export failed (a full disk?)");
    } else if (x.failed) {
        rc = entx_fail(db, ENT_ERROR, "writing the journal export failed (a full disk?)");
    }
    if (rc == ENT_OK && records)
        *records = x.n;
    ent_store_free(store);
    return rc;
}
