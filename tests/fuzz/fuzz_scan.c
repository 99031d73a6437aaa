/* libFuzzer target for the scan parser: any bytes, with and without a store
 * configuration, must parse or fail cleanly, and a success must format back. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "entrepot/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ent_scan scan;
    static ent_scan_config cfg;
    static int ready;
    char hri[2048];
    if (!ready) {
        ent_scan_config_init(&cfg);
        ent_scan_config_set_fnc1(&cfg, '~');
        ent_scan_config_add_layout(&cfg, "20IIIIIPPP.PPC");
        ent_scan_config_add_layout(&cfg, "21IIIIVWW.WWWC");
        ent_scan_config_add_layout(&cfg, "02IIIIIVPP.PPC");
        ent_scan_config_add_layout(&cfg, "22IIIIVPPPPPC");
        cfg.year = 2026;
        ready = 1;
    }
    const ent_scan_config *which[2] = {NULL, &cfg};
    for (int k = 0; k < 2; k++) {
        int rc = ent_scan_parse(&scan, (const char *)data, size, which[k]);
        if (rc == ENT_OK) {
            int n = ent_scan_format_hri(hri, sizeof hri, &scan);
            if (n < 0 || scan.error != ENT_OK || scan.kind == ENT_SCAN_NONE || ent_error_last()->message[0] != '\0')
                __builtin_trap();
            /* What came out must parse again to the same AIs. */
            if (scan.kind == ENT_SCAN_GS1 && (size_t)n < sizeof hri) {
                static ent_scan again;
                if (ent_scan_parse(&again, hri, (size_t)n, which[k]) != ENT_OK || again.n_ais != scan.n_ais)
                    __builtin_trap();
            }
        } else if (ent_error_last()->code != ENT_INVALID || ent_error_last()->message[0] == '\0' ||
                   strlen(ent_error_last()->message) >= 200) {
            __builtin_trap();
        }
    }
    /* The layout parser takes text from the database: any text. */
    if (size < 64) {
        char text[64];
        ent_scan_layout l;
        memcpy(text, data, size);
        text[size] = '\0';
        if (ent_scan_layout_parse(&l, text) != ENT_OK && ent_error_last()->message[0] == '\0')
            __builtin_trap();
    }
    return 0;
}
