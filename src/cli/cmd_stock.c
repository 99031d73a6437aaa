/* entrepot stock — not built yet. */
#include "cli.h"

int cmd_stock(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    return cli_error(EXIT_USAGE, "'stock' is not available in this build yet");
}
