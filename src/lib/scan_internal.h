/* Scan functions other library modules use (not public API). */
#ifndef ENT_SCAN_INTERNAL_H
#define ENT_SCAN_INTERNAL_H

#include <stddef.h>

/*
 * The length of a whole GS1 element (AI and data) whose AI starts with the
 * two digits at ai, when the GS1 General Specifications predefine it
 * (figure 7.8.5-2: no FNC1 follows it); 0 for every other AI, which ends at
 * FNC1 or at the end of the data. The one table: the scanner reads with it,
 * the label writers place FNC1 with it.
 */
size_t ent_gs1_predefined_length(const char *ai);

/* For the unit test: 0 when the AI table is sorted for its binary search,
 * else the index of the first row out of order. */
int ent_scan_table_check_(void);

#endif
