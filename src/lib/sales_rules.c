/* Sales: what needs a supervisor's approval. One rule for every till, so
 * that the CLI's counter and the store server ask for the same things. */
#include "sales_internal.h"

bool ent_basket_change_needs_approval(const ent_basket_line *l, int32_t limit_bp, const ent_line_change *c)
{
    if (l == NULL || c == NULL)
        return false;
    if (c->kind == ENT_LINE_PRICE)
        return c->value != l->list_price;
    if (c->kind != ENT_LINE_DISCOUNT)
        return false;
    if (c->value < 0)
        return c->percent_bp > limit_bp;
    /* amount / gross > limit, in integers: both are bounded (ENT_SALE_MAX_AMOUNT
     * x 10000 fits in 64 bits). A discount above the gross is refused anyway. */
    int64_t gross = l->amount + l->discount;
    return c->value > 0 && c->value <= gross && c->value * 10000 > gross * (int64_t)limit_bp;
}

bool ent_return_needs_approval(const ent_return_req *req)
{
    return req != NULL && (req->void_sale || req->receipt == NULL || *req->receipt == '\0');
}
