/* libFuzzer target for dates: any text must be a date in range or be
 * refused with a message; a date must survive adding days and going back. */
#include <stdint.h>
#include <string.h>

#include "entrepot/parse.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[64], out[11], back[11];
    const char *why = ent_error_last()->message;
    int64_t delta = 0;
    if (size >= sizeof text + 8)
        return 0;
    /* The first 8 bytes (when there are more) are the days to add. */
    if (size > 8) {
        memcpy(&delta, data, 8);
        data += 8;
        size -= 8;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    int32_t days;
    ent_error_clear();
    if (ent_date_check(&days, text) != ENT_OK) {
        if (why[0] == '\0' || entx_date_parse(NULL, text) == ENT_OK)
            __builtin_trap();
        return 0;
    }
    char same[11];
    entx_date_from_days(same, days);
    if (strcmp(same, text) != 0)
        __builtin_trap();
    memset(out, 'x', sizeof out);
    if (ent_date_add_days(out, text, delta) == ENT_OK) {
        int32_t d2;
        if (strlen(out) != 10 || ent_date_check(&d2, out) != ENT_OK || (int64_t)d2 - days != delta)
            __builtin_trap();
        if (ent_date_add_days(back, out, -delta) != ENT_OK || strcmp(back, text) != 0)
            __builtin_trap();
    } else if (out[0] != '\0' || why[0] == '\0') {
        __builtin_trap();
    }
    return 0;
}
