/*
 * Opening a handle, the one place that wires the modules together: the
 * catalogue asks the stock through a hook on the handle instead of calling
 * it, so the stock depends on the catalogue and not the reverse (README,
 * "How the library is laid out").
 */
#include "entrepot/db.h"
#include "internal.h"
#include "stock_internal.h"

int ent_db_open(ent_db **out, const char *path, int flags)
{
    int rc = entx_db_open(out, path, flags);
    if (*out != NULL)
        (*out)->product_usage = entx_stock_product_usage;
    return rc;
}
