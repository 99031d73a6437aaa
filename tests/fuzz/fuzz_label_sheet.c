/* libFuzzer target for the label sheet parser: any text must parse or be
 * refused with a message; a parsed sheet holds at least one label a page. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/label.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    const char *why = ent_error_last()->message;
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    ent_label_sheet *s = NULL;
    ent_error_clear();
    int rc = ent_label_sheet_parse(&s, text, "fuzz.sheet");
    if (rc == ENT_OK) {
        if (s == NULL || ent_label_sheet_per_page(s) < 1)
            __builtin_trap();
    } else if (why[0] == '\0' || memchr(why, '\0', ENT_ERROR_MAX) == NULL) {
        __builtin_trap();
    }
    ent_label_sheet_free(s);
    free(text);
    return 0;
}
