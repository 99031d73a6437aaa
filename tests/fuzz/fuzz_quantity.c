/* libFuzzer target for whole numbers (quantities, counts, days, limits): the
 * first 16 bytes are the bounds, the rest the text. A number that parses is
 * in the bounds and prints back as the text (leading zeros aside). */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "entrepot/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t min = 0, max = INT64_MAX, v = 0;
    char text[128], back[32];
    const char *why = ent_error_last()->message;
    if (size >= 16) {
        memcpy(&min, data, 8);
        memcpy(&max, data + 8, 8);
        data += 16;
        size -= 16;
    }
    if (size >= sizeof text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    ent_error_clear();
    if (ent_whole_parse(&v, text, min, max) != ENT_OK) {
        if (why[0] == '\0' || memchr(why, '\0', ENT_ERROR_MAX) == NULL)
            __builtin_trap();
        return 0;
    }
    if (v < min || v > max)
        __builtin_trap();
    snprintf(back, sizeof back, "%" PRId64, v);
    int64_t again;
    if (ent_whole_parse(&again, back, min, max) != ENT_OK || again != v)
        __builtin_trap();
    return 0;
}
