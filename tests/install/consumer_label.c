/* A program written against the installed label renderer only: built with
 * `pkg-config --cflags --libs entrepot-label`; reads an installed sheet. */
#include <entrepot/label.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    ent_label_sheet *s = NULL;
    const char *why = ent_error_last()->message;
    if (argc != 3) {
        fprintf(stderr, "usage: consumer_label LABELS_DIR SHEET\n");
        return 2;
    }
    if (ent_label_sheet_load(&s, argv[1], argv[2]) != ENT_OK) {
        fprintf(stderr, "consumer_label: %s\n", why);
        return 1;
    }
    printf("%s: %d per page\n", argv[2], ent_label_sheet_per_page(s));
    ent_label_sheet_free(s);
    return 0;
}
