/* entrepot label — not built yet. */
#include "cli.h"

int cmd_label(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    return cli_error(EXIT_USAGE, "'label' is not available in this build yet");
}
