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
    char text[128], why[256], back[32];
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
    why[0] = '\0';
    if (ent_whole_parse(&v, text, min, max, why, sizeof why) != ENT_OK) {
        if (why[0] == '\0' || memchr(why, '\0', sizeof why) == NULL)
            __builtin_trap();
        return 0;
    }
    if (v < min || v > max)
        __builtin_trap();
    snprintf(back, sizeof back, "%" PRId64, v);
    int64_t again;
    if (ent_whole_parse(&again, back, min, max, NULL, 0) != ENT_OK || again != v)
        __builtin_trap();
    return 0;
}
