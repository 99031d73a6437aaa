/* libFuzzer target for the label template parser: any text must parse or be
 * refused with a message, and a parsed template must answer its queries. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/label.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Templates come from files read whole: text ends at the first NUL. */
    char *text = malloc(size + 1);
    const char *why = ent_error_last()->message;
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    ent_label_template *t = NULL;
    ent_error_clear();
    int rc = ent_label_template_parse(&t, text, "fuzz.label");
    if (rc == ENT_OK) {
        double w, h;
        if (t == NULL)
            __builtin_trap();
        ent_label_template_size(t, &w, &h);
        if (!(w > 0) || !(h > 0) || ent_label_template_name(t) == NULL)
            __builtin_trap();
        ent_label_template_uses(t, "gtin");
        ent_label_template_uses(t, "name_zh");
    } else if (why[0] == '\0' || memchr(why, '\0', ENT_ERROR_MAX) == NULL) {
        __builtin_trap();
    }
    ent_label_template_free(t);
    free(text);
    return 0;
}
