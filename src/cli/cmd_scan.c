/* entrepot scan — not built yet. */
#include "cli.h"

int cmd_scan(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    return cli_error(EXIT_USAGE, "'scan' is not available in this build yet");
}
