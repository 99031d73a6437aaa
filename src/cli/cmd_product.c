/* entrepot product — not built yet. */
#include "cli.h"

int cmd_product(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    return cli_error(EXIT_USAGE, "'product' is not available in this build yet");
}
