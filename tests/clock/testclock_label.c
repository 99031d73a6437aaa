/* entrepot-label with a settable clock, for the end-to-end tests; the test
 * entrepot program execs it from its own folder, as the released one does. */
#include "clock_env.h"

#define main entrepot_label_release_main
#include "label_main.c"
#undef main

int main(int argc, char **argv)
{
    int st = test_clock_from_env();
    return st != 0 ? st : entrepot_label_release_main(argc, argv);
}
