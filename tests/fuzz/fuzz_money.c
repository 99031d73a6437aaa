/* libFuzzer target for money parsing: the first byte picks a currency (two,
 * zero or three fraction digits, or the rest of a line as a code), the rest
 * is the amount. A parsed amount must format and parse back to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const codes[] = {"CNY", "JPY", "KWD", "eur", "978"};
    char text[256], code[64], back[64];
    const char *why = ent_error_last()->message;
    if (size == 0 || size >= sizeof text)
        return 0;
    const char *cur = codes[data[0] % 5];
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    if (data[0] >= 0xf0) {
        /* "CODE\nAMOUNT": any currency text. */
        char *nl = strchr(text, '\n');
        if (nl == NULL || (size_t)(nl - text) >= sizeof code)
            return 0;
        memcpy(code, text, (size_t)(nl - text));
        code[nl - text] = '\0';
        memmove(text, nl + 1, strlen(nl + 1) + 1);
        cur = code;
    }
    int64_t v = 0, again = 0;
    ent_error_clear();
    int rc = ent_money_parse(&v, text, cur);
    if (rc != ENT_OK) {
        if (why[0] == '\0')
            __builtin_trap();
        return 0;
    }
    if (ent_money_format(back, sizeof back, v, cur) < 0 || ent_money_parse(&again, back, cur) != ENT_OK ||
        again != v)
        __builtin_trap();
    char canon[4];
    if (ent_currency_parse(canon, cur) != ENT_OK || strlen(canon) != 3)
        __builtin_trap();
    int64_t d;
    if (ent_decimal_parse(&d, text, 2) == ENT_OK && d < 0)
        __builtin_trap();
    return 0;
}
