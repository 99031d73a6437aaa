/* GTIN check digits and normalisation to 14 digits (GS1 General Specifications 7.9). */
#include <stdio.h>
#include <string.h>

#include "entrepot/scan.h"

int ent_gs1_check_digit(const char *s, size_t n)
{
    int sum = 0;
    /* Weights 3,1,3,1... from the rightmost digit of the data leftwards. */
    for (size_t i = 0; i < n; i++) {
        char c = s[n - 1 - i];
        if (c < '0' || c > '9')
            return -1;
        sum += (c - '0') * ((i % 2 == 0) ? 3 : 1);
    }
    return '0' + (10 - sum % 10) % 10;
}

int ent_gtin_normalize(char out[15], const char *code, char *why, size_t why_len)
{
    size_t n = code ? strlen(code) : 0;
    char dummy[1];
    if (why == NULL) {
        why = dummy;
        why_len = sizeof dummy;
    }
    for (size_t i = 0; i < n; i++) {
        if (code[i] < '0' || code[i] > '9') {
            snprintf(why, why_len, "GTIN %.40s: '%c' is not a digit", code,
                     (code[i] >= 0x20 && code[i] < 0x7f) ? code[i] : '?');
            return ENT_INVALID;
        }
    }
    if (n != 8 && n != 12 && n != 13 && n != 14) {
        snprintf(why, why_len, "GTIN %.40s: %zu digits, expected 8, 12, 13 or 14", code ? code : "", n);
        return ENT_INVALID;
    }
    int cd = ent_gs1_check_digit(code, n - 1);
    if (cd != code[n - 1]) {
        snprintf(why, why_len, "GTIN %s: check digit should be %c", code, cd);
        return ENT_INVALID;
    }
    memset(out, '0', 14 - n);
    memcpy(out + 14 - n, code, n);
    out[14] = '\0';
    return ENT_OK;
}
