/*
 * Tests only: the test builds of the entrepot programs (tests/clock) read a
 * fixed time from $ENTREPOT_NOW and set the library's test clock with it.
 * The programs users run have no such code: they always read the system
 * clock, so nobody at a counter can date a signed record.
 */
#ifndef ENT_TEST_CLOCK_ENV_H
#define ENT_TEST_CLOCK_ENV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* 0, or 2 (usage) after saying why when $ENTREPOT_NOW is set but not a UTC time. */
static int test_clock_from_env(void)
{
    const char *now = getenv("ENTREPOT_NOW");
    if (now == NULL || *now == '\0')
        return 0;
    if (strlen(now) != 20 || now[4] != '-' || now[10] != 'T' || now[19] != 'Z') {
        fprintf(stderr, "entrepot (test clock): ENTREPOT_NOW '%.40s' is not UTC YYYY-MM-DDTHH:MM:SSZ\n", now);
        return 2;
    }
    entx_clock_set(now);
    return 0;
}

#endif
