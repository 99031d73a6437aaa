/* entrepot-label — the label printer, a program of its own so that only it
 * loads cairo, libzint and fontconfig (see cli_label_exec in main.c).
 * `entrepot label ...` runs it with the same arguments. */
#include "cli.h"

static const char usage[] =
    "usage: entrepot [--db PATH] [--json] label COMMAND ... (see entrepot label --help)\n";

/* sale --reprint N --format pdf: the receipt as PDF (cmd_receipt_pdf.c). */
/* purchase pdf ORDER: an order to send (cmd_purchase_pdf.c). */
static const struct cli_command commands[] = {{"label", cmd_label}, {"sale", cmd_sale_pdf}, {"purchase", cmd_purchase_pdf}};

int main(int argc, char **argv)
{
    return cli_main(argc, argv, usage, commands, sizeof commands / sizeof *commands);
}
