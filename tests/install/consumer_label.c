/* A program written against the installed label renderer only: built with
 * `pkg-config --cflags --libs entrepot-label`; reads an installed sheet, and
 * reads why a missing one is refused from the one error channel, which the
 * label library fills in libentrepot's thread-local last error. */
#include <entrepot/label.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    ent_label_sheet *s = NULL;
    if (argc != 3) {
        fprintf(stderr, "usage: consumer_label LABELS_DIR SHEET\n");
        return 2;
    }
    if (ent_label_sheet_load(&s, argv[1], argv[2]) != ENT_OK) {
        fprintf(stderr, "consumer_label: %s\n", ent_error_last()->message);
        return 1;
    }
    printf("%s: %d per page\n", argv[2], ent_label_sheet_per_page(s));
    ent_label_sheet_free(s);
    if (ent_label_sheet_load(&s, argv[1], "no-such-sheet") != ENT_NOTFOUND ||
        ent_error_last()->code != ENT_NOTFOUND || strstr(ent_error_last()->message, "no such file") == NULL) {
        fprintf(stderr, "consumer_label: a missing sheet said '%s'\n", ent_error_last()->message);
        return 1;
    }
    return 0;
}
