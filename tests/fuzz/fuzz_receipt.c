/* libFuzzer target for the receipt QR payload parser (ent_journal_receipt_verify):
 * any payload must be refused with a message or checked, never crash. An
 * in-memory database has no journal keys, so a well-formed payload gets as
 * far as the key lookup: the parsing is what is fuzzed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/entrepot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ent_db *db;
    if (db == NULL && ent_db_open(&db, ":memory:", ENT_OPEN_CREATE) != ENT_OK)
        __builtin_trap();
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    ent_journal_receipt r;
    int rc = ent_journal_receipt_verify(db, &r, text, NULL);
    if (rc == ENT_OK)
        __builtin_trap(); /* nothing can verify without a key */
    const char *msg = ent_errmsg(db);
    if (msg == NULL || msg[0] == '\0')
        __builtin_trap();
    free(text);
    return 0;
}
