/* A program written against the installed entrepot only: built by
 * tests/install/test_install.sh with `pkg-config --cflags --libs entrepot`.
 * It makes a new database for a store, adds a commodity and reads it back. */
#include <entrepot/entrepot.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    ent_db *db = NULL;
    ent_product *p = NULL;
    int status = 1;
    if (argc != 2) {
        fprintf(stderr, "usage: consumer NEW.db\n");
        return 2;
    }
    ent_product_fields f = {.gtin = "4006381333931", .name_zh = "荧光笔", .name_en = "Highlighter",
                            .origin = "DE", .unit = "pcs", .price = "12.50", .currency = "CNY"};
    if (ent_db_open(&db, argv[1], ENT_OPEN_CREATE) != ENT_OK ||
        ent_store_init(db, "SH01", "进口商品馆", "CNY", "Asia/Shanghai") != ENT_OK ||
        ent_product_add(db, &f) != ENT_OK || ent_product_find(db, &p, NULL, "4006381333931") != ENT_OK) {
        fprintf(stderr, "consumer: %s\n", ent_errmsg(db));
        goto done;
    }
    printf("entrepot %s: %s %s %s %lld %s\n", ent_version(), p->gtin, p->name_en, p->origin, (long long)p->price,
           p->currency);
    status = strcmp(p->name_zh, "荧光笔") == 0 ? 0 : 1;
done:
    ent_product_free(p);
    ent_db_close(db);
    return status;
}
