/* The entrepot program with a settable clock, for the end-to-end tests: the
 * very same sources as the released program, whose main is renamed here. */
#include "clock_env.h"

#define main entrepot_release_main
#include "main.c"
#undef main

int main(int argc, char **argv)
{
    /* where a sync waits, for the head-office failure tests (src/hq/hq.h) */
    extern const char *hq_sync_hold;
    hq_sync_hold = getenv("ENTREPOT_SYNC_HOLD");
    int st = test_clock_from_env();
    return st != 0 ? st : entrepot_release_main(argc, argv);
}
