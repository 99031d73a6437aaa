/* entrepot demo — not built yet. */
#include "cli.h"

int cmd_demo(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    return cli_error(EXIT_USAGE, "'demo' is not available in this build yet");
}
