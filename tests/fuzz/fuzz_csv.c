/* libFuzzer target for the CSV reader: any bytes must read as records or be
 * refused with a message, within the reader's bounds. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "entrepot/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0; /* fmemopen refuses an empty buffer */
    FILE *f = fmemopen((void *)data, size, "rb");
    ent_csv *csv = NULL;
    char **fields;
    size_t n, total = 0;
    int r;
    if (f == NULL || ent_csv_open(&csv, f) != ENT_OK)
        __builtin_trap();
    while ((r = ent_csv_next(csv, &fields, &n)) == 1) {
        /* A field never holds more bytes than the input had. */
        for (size_t i = 0; i < n; i++)
            total += strlen(fields[i]);
        if (total > size || ent_csv_record(csv) == 0)
            __builtin_trap();
    }
    if (r < 0) {
        const char *msg = ent_error_last()->message;
        if (msg == NULL || msg[0] == '\0')
            __builtin_trap();
    }
    ent_csv_free(csv);
    fclose(f);
    return 0;
}
