/* entrepot journal — not built yet. */
#include "cli.h"

int cmd_journal(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    return cli_error(EXIT_USAGE, "'journal' is not available in this build yet");
}
