/* `entrepot purchase pdf ORDER --out FILE`: entrepot runs entrepot-label
 * with the same arguments (only it links cairo), and this draws the order
 * as an A4 PDF in Chinese and English (README "Purchase orders"). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "entrepot/label.h"

static const char purchase_pdf_help[] =
    "usage: entrepot purchase pdf ORDER --out FILE.pdf\n"
    "The purchase order as an A4 PDF to send to the supplier, headings in Chinese\n"
    "and English; --out - writes it to standard output.\n"
    "\n"
    "example:\n"
    "  entrepot purchase pdf PO-000001 --out PO-000001.pdf\n";

int cmd_purchase_pdf(struct cli *cli, int argc, char **argv)
{
    const char *out = NULL, *pos[1];
    const struct cli_opt opts[] = {{"out", &out, NULL}, {0}};
    int npos = 0;
    if (argc < 1 || strcmp(argv[0], "pdf") != 0)
        return cli_error(EXIT_USAGE, "entrepot-label draws only `purchase pdf ORDER --out FILE`");
    int st = cli_parse(argc - 1, argv + 1, opts, purchase_pdf_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    if (npos != 1 || out == NULL)
        return cli_error(EXIT_USAGE, "purchase pdf needs the ORDER and --out FILE (see --help)");
    if (strcmp(out, "-") != 0 && (st = cli_check_output(cli, out)) != 0)
        return st;
    if ((st = cli_open(cli, ENT_OPEN_READONLY)) != 0)
        return st;
    unsigned char *pdf = NULL;
    size_t len = 0;
    int rc = ent_purchase_pdf(cli->db, &pdf, &len, pos[0]);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    if (strcmp(out, "-") == 0) {
        st = fwrite(pdf, 1, len, stdout) == len && fflush(stdout) == 0
                 ? EXIT_OK
                 : cli_error(EXIT_IO, "writing the PDF to standard output failed");
    } else {
        struct cli_out o;
        if ((st = cli_out_open(cli, &o, out)) == 0)
            st = cli_out_close(&o, fwrite(pdf, 1, len, o.f) == len);
        if (st == 0)
            printf("wrote %s (%zu bytes)\n", out, len);
    }
    free(pdf);
    return st;
}
