/* entrepot location — not built yet. */
#include "cli.h"

int cmd_location(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    return cli_error(EXIT_USAGE, "'location' is not available in this build yet");
}
