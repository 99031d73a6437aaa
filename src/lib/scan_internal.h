/* Scan functions other library modules use (not public API). */
#ifndef ENT_SCAN_INTERNAL_H
#define ENT_SCAN_INTERNAL_H

#include <stddef.h>

#include "entrepot/scan.h"

/* ent_gs1_predefined_length is public (entrepot/scan.h): the label library,
 * a separate shared object, places FNC1 with it. */

/* For the unit test: 0 when the AI table is sorted for its binary search,
 * else the index of the first row out of order. */
int entx_scan_table_check_(void);

#endif
