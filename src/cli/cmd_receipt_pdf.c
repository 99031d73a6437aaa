/* `entrepot sale --reprint RECEIPT --format pdf --out FILE`: entrepot runs
 * entrepot-label with the same arguments (only it links cairo), and this
 * draws the receipt as a PDF on roll paper (README "Receipts"). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "entrepot/label.h"

static const char sale_pdf_help[] =
    "usage: entrepot sale --reprint RECEIPT --format pdf --out FILE [--paper 58|80]\n"
    "A recorded sale's (or return's) receipt again, marked REPRINT, as a PDF on\n"
    "roll paper 58 mm (32 columns) or 80 mm (48, default) wide with the journal\n"
    "QR code; --out - writes it to standard output.\n";

static int write_pdf(struct cli *cli, const char *path, const unsigned char *pdf, size_t len)
{
    struct cli_out o;
    int st;
    if (strcmp(path, "-") == 0) {
        if (fwrite(pdf, 1, len, stdout) != len || fflush(stdout) != 0)
            return cli_error(EXIT_IO, "writing the PDF to standard output failed");
        return 0;
    }
    if ((st = cli_out_open(cli, &o, path)) != 0)
        return st;
    bool ok = fwrite(pdf, 1, len, o.f) == len;
    return cli_out_close(&o, ok);
}

int cmd_sale_pdf(struct cli *cli, int argc, char **argv)
{
    const char *receipt = NULL, *format = NULL, *out = NULL, *paper = NULL;
    const struct cli_opt opts[] = {{"reprint", &receipt, NULL}, {"format", &format, NULL},
                                   {"out", &out, NULL},         {"paper", &paper, NULL},
                                   {0}};
    const char *pos[1];
    int npos = 0, columns = 48;
    unsigned char *pdf = NULL;
    size_t len = 0;
    ent_sale *s = NULL;
    int st = cli_parse(argc, argv, opts, sale_pdf_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    if (receipt == NULL || format == NULL || strcmp(format, "pdf") != 0 || out == NULL || npos)
        return cli_error(EXIT_USAGE, "a PDF receipt is `sale --reprint RECEIPT --format pdf --out FILE [--paper 58|80]`");
    if (paper && strcmp(paper, "58") == 0)
        columns = 32;
    else if (paper && strcmp(paper, "80") != 0) {
        char v[ENT_CLIP_SIZE];
        return cli_error(EXIT_USAGE, "--paper '%s' must be 58 or 80 (mm)", ent_text_clip(v, sizeof v, paper, 40));
    }
    if (strcmp(out, "-") != 0 && (st = cli_check_output(cli, out)) != 0)
        return st;
    if ((st = cli_open(cli, ENT_OPEN_READONLY)) != 0)
        return st;
    int rc = ent_sale_get(cli->db, &s, receipt);
    if (rc != ENT_OK)
        st = cli_fail(cli, rc);
    else if ((rc = ent_receipt_pdf(cli->db, &pdf, &len, s, columns, true)) != ENT_OK)
        /* the drawing's words are on the thread (ent_error_last), not the handle */
        st = cli_error(cli_exit_code(rc), "%s", ent_error_last()->message);
    else
        st = write_pdf(cli, out, pdf, len);
    free(pdf);
    ent_sale_free(s);
    return st;
}
