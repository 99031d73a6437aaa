/* entrepot receipt — not built yet. */
#include "cli.h"

int cmd_receipt(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    return cli_error(EXIT_USAGE, "'receipt' is not available in this build yet");
}
