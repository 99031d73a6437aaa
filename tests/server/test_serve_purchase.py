#!/usr/bin/env python3
"""Purchasing through the API, end to end: a supplier and what it supplies,
a suggestion made a draft, the draft edited and sent (its PDF), a delivery
received against it by the stock clerk and the order closed short, the
exchange rates, the customs declaration and its landed cost (checked against
the rule worked out here with integers), the margin of a sale read by the
auditor; and every route's bad input refused with its status, the database
exactly as it was."""
import os
import sys
from fractions import Fraction

sys.path.insert(0, os.path.dirname(__file__))
import serve_lib as L  # noqa: E402
from serve_lib import check  # noqa: E402

L.make_store()
srv = L.Server("--threads", "2")
TOK = L.make_tokens()
V1 = "/api/v1/"
M, CLERK, AUD, CASH = TOK["manager"], TOK["stock-clerk"], TOK["auditor"], TOK["cashier"]
DECL, DECL2 = "223320261000123456", "223320261000999999"


def dump():
    """The database but the tokens' last use (recorded after answering)."""
    return [x for x in L.dump().splitlines() if not x.startswith('INSERT INTO "api_token"')]


def refused(method, path, body, token, status, code=None, text=None, raw=None, ctype="application/json"):
    """A request refused with status (code, words of the message) and the
    database exactly as it was."""
    before = dump()
    st, _, b = srv.req(method, V1 + path, body, token=token, raw=raw, ctype=ctype)
    err = b.get("error", {}) if isinstance(b, dict) else {}
    ok = st == status and (code is None or err.get("code") == code) and (text is None or text in err.get("message", ""))
    check(ok, f"{method} {path} {body or raw!r}: want {status} {code} {text!r}, got {st} {b}")
    check(dump() == before, f"{method} {path} {body or raw!r}: refused, and the database is as it was")


def ok(method, path, body, token, status=200):
    st, h, b = srv.req(method, V1 + path, body, token=token)
    check(st == status, f"{method} {path} {body}: want {status}, got {st} {b}")
    return b


def G(code):
    """A GTIN as the API answers it (GTIN-14)."""
    return code.zfill(14)


def half_up(fr):
    """A non-negative Fraction rounded half up to a whole number."""
    return int(fr + Fraction(1, 2))


def money(s):
    """"725.58" as minor units (two digits: the store's CNY and EUR)."""
    whole, frac = s.split(".")
    return int(whole) * 100 + int(frac)


# ---- suppliers and what they supply
ok("POST", "suppliers", {"code": "BIO-FR", "name_zh": "法国有机食品", "name_en": "Bio France", "country": "FR",
                         "currency": "EUR", "lead_days": 14, "payment_terms": "30 天"}, M, 201)
refused("POST", "suppliers", {"code": "bio-fr", "name_zh": "again"}, M, 409, "exists")
refused("POST", "suppliers", {"code": "X-1"}, M, 422, "invalid", "needs a name")
refused("POST", "suppliers", {"code": "X-1", "name_en": "X", "lead_days": 400}, M, 422, "invalid", "lead")
refused("POST", "suppliers", {"code": "X-1", "name_en": "X", "currency": "EURO"}, M, 422, "invalid", "EURO")
refused("POST", "suppliers", {"code": "X-1", "name_en": "X", "colour": "red"}, M, 422, "unknown_field")
refused("POST", "suppliers", {"name_en": "X"}, M, 422, "invalid", "code")
refused("POST", "suppliers", {"code": 7, "name_en": "X"}, M, 422, "invalid")
ok("PATCH", "suppliers/BIO-FR", {"contact": "Mme Dupont +33 1 23 45 67 89", "payment_terms": None}, M)
refused("PATCH", "suppliers/NOPE", {"contact": "x"}, M, 404, "not_found", "NOPE")
refused("PATCH", "suppliers/BIO-FR", {"lead_days": -1}, M, 422, "invalid")
refused("PATCH", "suppliers/BIO-FR", {}, M, 422, "invalid")
b = ok("GET", "suppliers/BIO-FR", None, AUD)
check(b["supplier"]["contact"].startswith("Mme") and b["supplier"]["payment_terms"] == "" and b["items"] == [],
      f"the supplier as the auditor reads it: {b}")
# a code with '/' in it is a code like any other (the route takes the rest of the path)
ok("POST", "suppliers", {"code": "JP/1", "name_en": "Kyoto Tea", "country": "JP", "currency": "JPY"}, M, 201)
check(ok("GET", "suppliers/JP/1", None, M)["supplier"]["currency"] == "JPY", "a code holding '/'")

ok("POST", "supplier-items", {"supplier": "BIO-FR", "product": L.MATCHA, "pack_size": 12, "last_price": "24.00",
                              "supplier_code": "MT-12"}, M)
ok("POST", "supplier-items", {"supplier": "BIO-FR", "product": L.COLA, "pack_size": 24, "last_price": "12.00"}, M)
ok("POST", "supplier-items", {"supplier": "BIO-FR", "product": L.PEN}, M)
refused("POST", "supplier-items", {"supplier": "BIO-FR", "product": L.NUTELLA, "last_price": "24.001"}, M, 422)
refused("POST", "supplier-items", {"supplier": "BIO-FR", "product": L.NUTELLA, "pack_size": 0}, M, 422)
refused("POST", "supplier-items", {"supplier": "NOPE", "product": L.NUTELLA}, M, 404)
refused("POST", "supplier-items", {"supplier": "BIO-FR", "product": "0000000000000"}, M, 422)
refused("POST", "supplier-items", {"supplier": "BIO-FR"}, M, 422, "invalid", "product")
ok("DELETE", f"supplier-items?supplier=BIO-FR&product={L.PEN}", None, M)
refused("DELETE", f"supplier-items?supplier=BIO-FR&product={L.PEN}", None, M, 404)
refused("DELETE", "supplier-items?supplier=BIO-FR", None, M, 422, "invalid", "product")
b = ok("GET", "suppliers/BIO-FR", None, M)
check(sorted((i["gtin"], i["pack_size"], i["last_price"], i["currency"], i["supplier_code"]) for i in b["items"]) ==
      sorted([(G(L.COLA), 24, "12.00", "EUR", ""), (G(L.MATCHA), 12, "24.00", "EUR", "MT-12")]),
      f"the supplier's items: {b['items']}")

# CSV imports: all or nothing, the row named; a NUL byte refused before the writer
csv = "code,name_zh,country,currency,lead_days\r\nIT-1,意大利食品,IT,EUR,21\r\nUS-1,,US,USD,7\r\n"
refused("POST", "suppliers/import", None, M, 422, "invalid", "row 3", raw=csv.encode(), ctype="text/csv")
refused("POST", "suppliers/import", None, M, 422, "invalid", "unknown column 'colour'",
        raw=b"code,colour\nA,red\n", ctype="text/csv")
refused("POST", "suppliers/import", None, M, 400, "malformed", raw=b"code\nA\x00\n", ctype="text/csv")
refused("POST", "suppliers/import?update=2", None, M, 422, "invalid", raw=b"code\nA\n", ctype="text/csv")
st, _, b = srv.req("POST", V1 + "suppliers/import", raw="code,name_zh,country,currency,lead_days\nIT-1,意大利食品,IT,EUR,21\n"
                   .encode(), ctype="text/csv", token=M)
check(st == 200 and b["imported"] == 1, f"suppliers import: {st} {b}")
refused("POST", "suppliers/import", None, M, 409, "exists", "row 2: supplier IT-1 already exists",
        raw="code,name_zh\nIT-1,意大利\n".encode(), ctype="text/csv")
st, _, b = srv.req("POST", V1 + "suppliers/import?update=1", raw="code,name_zh\nIT-1,意大利\n".encode(),
                   ctype="text/csv", token=M)
check(st == 200 and b["imported"] == 1, f"suppliers import as an update: {st} {b}")
refused("POST", "supplier-items/import", None, M, 404, text="row 2",
        raw=f"supplier,product,pack_size\nNOPE,{L.PEN},6\n".encode(), ctype="text/csv")
st, _, b = srv.req("POST", V1 + "supplier-items/import", raw=f"supplier,product,pack_size,last_price\nIT-1,{L.NUTELLA},6,"
                   "30.00\n".encode(), ctype="text/csv", token=M)
check(st == 200 and b["imported"] == 1, f"supplier items import: {st} {b}")

# ---- a suggestion made a draft: matcha is below its reorder point (30, none on hand)
ok("PATCH", "products/" + L.MATCHA, {"reorder_point": 30}, M)
before = dump()
b = ok("GET", "purchases/suggestions?weeks=4", None, AUD)
mt = [s for s in b["suggestions"] if s["gtin"] == G(L.MATCHA)]
check(len(mt) == 1 and mt[0]["supplier"] == "BIO-FR" and mt[0]["packs"] == 3 and mt[0]["qty"] == 36 and
      mt[0]["order"] is None and mt[0]["price"] == "24.00", f"the suggestion (30 wanted, packs of 12): {b}")
check(dump() == before, "reading suggestions writes nothing")
refused("GET", "purchases/suggestions?weeks=53", None, M, 422, "invalid", "weeks")
refused("POST", "purchases/suggestions", {"weeks": 0}, M, 422, "invalid", "weeks")
refused("POST", "purchases/suggestions", {"weeks": "4"}, M, 422, "invalid")
b = ok("POST", "purchases/suggestions", {"weeks": 4}, M, 201)
po = [s["order"] for s in b["suggestions"] if s["gtin"] == G(L.MATCHA)][0]
check(po and po.startswith("PO-"), f"the draft made: {b}")
b = ok("GET", "purchases/" + po, None, M)
check(b["order"]["status"] == "draft" and b["order"]["supplier"] == "BIO-FR" and b["order"]["currency"] == "EUR" and
      b["order"]["total"] == "72.00" and b["order"]["created_by"] == TOK["users"]["manager"],
      f"the draft, by the manager: {b}")

# ---- the manager edits and sends it
ok("POST", "purchases/lines", {"order": po, "product": L.MATCHA, "packs": 4, "price": "23.50"}, M)
ok("POST", "purchases/lines", {"order": po, "product": L.COLA, "packs": 1}, M)
refused("POST", "purchases/lines", {"order": po, "product": L.PEN, "packs": 1}, M, 409, "refused", "does not supply")
refused("POST", "purchases/lines", {"order": po, "product": L.COLA, "packs": -1}, M, 422)
refused("POST", "purchases/lines", {"order": po, "product": L.COLA, "price": "12,00"}, M, 422)
refused("POST", "purchases/lines", {"order": "PO-999999", "product": L.COLA, "packs": 1}, M, 404)
refused("POST", "purchases/lines", {"order": po, "packs": 1}, M, 422, "invalid", "product")
refused("DELETE", f"purchases/lines?order={po}", None, M, 422, "invalid", "product")
refused("DELETE", f"purchases/lines?order={po}&product={L.PEN}", None, M, 404)
# a retired commodity: still on the supplier's list, but no longer ordered nor listed again
L.cli("product", "add", "--sku", "OLD-1", "--name-zh", "旧茶", "--price", "1.00")
ok("POST", "supplier-items", {"supplier": "BIO-FR", "product": "OLD-1", "pack_size": 6, "last_price": "3.00"}, M)
L.cli("product", "retire", "OLD-1")
refused("POST", "purchases/lines", {"order": po, "product": "OLD-1", "packs": 1}, M, 409, "refused", "retired")
refused("POST", "supplier-items", {"supplier": "BIO-FR", "product": "OLD-1", "pack_size": 12}, M, 409, "refused",
        "retired")
refused("POST", "purchases", {"supplier": "NOPE"}, M, 404, "not_found", "NOPE")
refused("POST", "purchases", {"supplier": "BIO-FR", "expected": "2020-01-01"}, M, 422, "invalid")
refused("POST", "purchases", {"supplier": "BIO-FR", "expected": "2026-02-30"}, M, 422, "invalid")
refused("POST", "purchases", {}, M, 422, "invalid", "supplier")
empty = ok("POST", "purchases", {"supplier": "IT-1", "note": "样品"}, M, 201)["number"]
refused("POST", "purchases/send", {"order": empty}, M, 409, "refused")
ok("POST", "purchases/cancel", {"order": empty}, M)
refused("POST", "purchases/cancel", {"order": empty}, M, 409, "refused")
refused("POST", "purchases/close", {"order": po}, M, 409, "refused")
refused("POST", "purchases/receive", {"order": po, "product": L.MATCHA, "qty": 12, "lot": "M0", "location": "S1"},
        CLERK, 409, "refused")  # a draft is not received against
check(ok("POST", "purchases/send", {"order": po}, M)["status"] == "sent", "sent")
refused("POST", "purchases/send", {"order": po}, M, 409, "refused")
ok("POST", "purchases/lines", {"order": po, "product": L.MATCHA, "packs": 5}, M)  # after sending: recorded
b = ok("GET", "purchases/history/" + po, None, AUD)
check(len(b["changes"]) == 1 and b["changes"][0]["user"] == TOK["users"]["manager"], f"the change recorded: {b}")
b = ok("GET", "purchases/" + po, None, M)
check(b["order"]["status"] == "sent" and b["order"]["total"] == "129.50", f"5 x 23.50 + 12.00: {b['order']}")

st, h, pdf = srv.req("GET", V1 + "purchases/pdf/" + po, token=M)
check(st == 200 and h.get("content-type") == "application/pdf" and str(pdf).startswith("%PDF"),
      f"the order's PDF: {st} {h.get('content-type')}")
refused("GET", "purchases/pdf/PO-999999", None, M, 404, "not_found")

# ---- the stock clerk receives against it (case barcodes are the library's: test_purchase.sh)
b = ok("GET", "receiving", None, CLERK)
check([o["number"] for o in b["orders"]] == [po], f"the orders to receive against: {b}")
b = ok("GET", "receiving/" + po, None, CLERK)
check(sorted((ln["gtin"], ln["qty"], ln["received"]) for ln in b["lines"]) == sorted([(G(L.MATCHA), 60, 0), (G(L.COLA), 24, 0)]),
      f"the lines to receive: {b['lines']}")
R = {"order": po, "origin": "JP", "declaration": DECL, "location": "S1", "expiry": "2027-06-30"}
lot_m = ok("POST", "purchases/receive", dict(R, product=L.MATCHA, qty=48, lot="M1"), CLERK, 201)["lot_uuid"]
check(len(lot_m) == 36, "the lot's id")
refused("POST", "purchases/receive", dict(R, product=L.MATCHA, qty=13, lot="M2"), CLERK, 409, "refused")
refused("POST", "purchases/receive", dict(R, product=L.NUTELLA, qty=1, lot="N9"), CLERK, 409, "refused")
refused("POST", "purchases/receive", dict(R, product=L.COLA, qty=24, lot="K2", unit_cost=-1), CLERK, 422, "invalid")
refused("POST", "purchases/receive", dict(R, product=L.COLA, qty=24, lot="K2", cost_currency="EUR"), CLERK, 422)
refused("POST", "purchases/receive", dict(R, product=L.COLA, qty="24", lot="K2"), CLERK, 422, "invalid")
refused("POST", "purchases/receive", dict(R, product=L.COLA, qty=24, lot="K2", expiry="2027-02-30"), CLERK, 422)
refused("POST", "purchases/receive", dict(R, product=L.COLA, lot="K2"), CLERK, 422, "invalid", "qty")
ok("POST", "purchases/receive", dict(R, product=L.COLA, qty=24, lot="K2"), CLERK, 201)
b = ok("GET", "purchases/" + po, None, M)
check(b["order"]["status"] == "partial", f"partly received: {b['order']}")
lots = dict((r[0], r[1:]) for r in L.query("SELECT code, supplier, unit_cost, cost_currency FROM lot WHERE code IN ('M1', 'K2')"))
# 23.50 a pack of 12 -> 1.958333 a unit -> 1.96; 12.00 / 24 = 0.50
check(lots == {"M1": ("BIO-FR", 196, "EUR"), "K2": ("BIO-FR", 50, "EUR")}, f"the lots' supplier and cost: {lots}")
check(ok("POST", "purchases/close", {"order": po}, M)["status"] == "received", "closed short")
b = ok("GET", "purchases/history/" + po, None, M)
check(any("12" in c["what"] for c in b["changes"][1:]), f"the shortfall recorded: {b['changes']}")
refused("POST", "purchases/receive", dict(R, product=L.MATCHA, qty=12, lot="M2"), CLERK, 409, "refused")
refused("POST", "purchases/cancel", {"order": po}, M, 409, "refused")
check(ok("GET", "receiving", None, CLERK)["orders"] == [], "nothing left to receive against")

# ---- exchange rates, the declaration, landed cost
ok("POST", "rates", {"currency": "EUR", "day": "2026-11-20", "rate": "7.700000"}, M)
ok("POST", "rates", {"currency": "eur", "day": "2026-11-27", "rate": "7.712345"}, M)
refused("POST", "rates", {"currency": "EUR", "day": "2026-11-28", "rate": "0"}, M, 422, "invalid", "zero")
refused("POST", "rates", {"currency": "EUR", "day": "2026-11-28", "rate": "7.1234567"}, M, 422, "invalid")
refused("POST", "rates", {"currency": "CNY", "day": "2026-11-28", "rate": "1"}, M, 422, "invalid", "own currency")
refused("POST", "rates", {"currency": "EUR", "day": "2026-02-30", "rate": "7.7"}, M, 422, "invalid")
refused("POST", "rates", {"currency": "EUR", "day": "2026-11-28", "rate": 7.7}, M, 422, "invalid")
refused("POST", "rates/import", None, M, 422, "invalid", "row 3",
        raw=b"currency,day,rate\nJPY,2026-11-27,0.048123\nUSD,2026-11-28,0\n", ctype="text/csv")
refused("POST", "rates/import", None, M, 422, "invalid", "no column 'rate'",
        raw=b"currency,day\nJPY,2026-11-27\n", ctype="text/csv")
st, _, b = srv.req("POST", V1 + "rates/import", raw=b"day,currency,rate\n2026-11-27,JPY,0.048123\n", ctype="text/csv",
                   token=M)
check(st == 200 and b["imported"] == 1, f"rates import: {st} {b}")
b = ok("GET", "rates?currency=EUR", None, AUD)
check([(r["day"], r["rate"]) for r in b["rates"]] == [("2026-11-20", "7.700000"), ("2026-11-27", "7.712345")],
      f"the EUR rates: {b}")

CH = {"duty": "50.00", "import_vat": "100.01", "freight": "30.00", "insurance": "0.03"}
refused("POST", "declarations", dict(CH, number=DECL), M, 422, "invalid", "date")
refused("POST", "declarations", dict(CH, number=DECL, date="2026-11-28", basis="colour"), M, 422, "invalid")
refused("POST", "declarations", dict(CH, number=DECL, date="2026-11-28", duty="-1.00"), M, 422, "invalid")
ok("POST", "declarations", dict(CH, number=DECL, date="2026-11-28", basis="value"), M)
ok("POST", "declarations", {"number": DECL2, "date": "2026-11-28"}, M)
refused("POST", "landed", {"declaration": DECL2}, M, 409, "refused")  # no lots
refused("POST", "landed", {"declaration": "000"}, M, 404, "not_found")
refused("POST", "landed", {}, M, 422, "invalid", "declaration")
b = ok("POST", "landed", {"declaration": DECL}, M)
got = {x["lot"]: x for x in b["lots"]}
check(b["currency"] == "CNY" and set(got) == {"M1", "K2"}, f"the declaration's lots: {b}")

# The rule, worked here with integers: goods = qty x unit cost x the rate of the
# latest day on or before the declaration's date (7.712345 of 2026-11-27), half
# up; each charge spread by goods value, floors, the rest to the largest.
rate = Fraction(7712345, 1000000)
goods = {"M1": half_up(48 * 196 * rate), "K2": half_up(24 * 50 * rate)}
W = sum(goods.values())
largest = max(goods, key=lambda k: goods[k])
want = {k: {"goods": g} for k, g in goods.items()}
for name, text in CH.items():
    c = money(text)
    parts = {k: c * goods[k] // W for k in goods}
    parts[largest] += c - sum(parts.values())
    for k in goods:
        want[k][name] = parts[k]
for k, w in want.items():
    w["landed"] = w["goods"] + sum(w[n] for n in CH)
    x = got[k]
    have = {n: money(x[n]) for n in w}
    check(have == w, f"lot {k}: {have}, by hand {w}")
    check(x["rate"] == "7.712345" and x["rate_day"] == "2026-11-27" and x["foreign_currency"] == "EUR",
          f"lot {k}: the rate used: {x}")
check(got[largest]["remainder"] and not got[min(goods, key=lambda k: goods[k])]["remainder"], "the remainder's lot")
check(sum(money(x["duty"]) for x in got.values()) == 5000 and
      sum(money(x["import_vat"]) for x in got.values()) == 10001, "every charge's parts sum to it")
check(money(got["M1"]["unit"]) == half_up(Fraction(want["M1"]["landed"], 48)), f"unit: {got['M1']}")

# ---- the margin of a sale: the cashier sells 2 matcha, the auditor reads the margin
st, _, b = srv.req("POST", V1 + "sales", {"counter": "C1", "lines": [{"code": L.MATCHA, "qty": 2}],
                                          "payments": [{"method": "cash"}]}, token=CASH)
check(st in (200, 201), f"the sale: {st} {b}")
b = ok("GET", "margins?by=supplier", None, AUD)
row = [r for r in b["margins"] if r["key"] == "BIO-FR"]
cost = half_up(Fraction(want["M1"]["landed"] * 2, 48))
check(len(row) == 1 and row[0]["units"] == 2 and money(row[0]["landed_cost"]) == cost and
      money(row[0]["margin"]) == money(row[0]["revenue"]) - cost and row[0]["uncosted_units"] == 0,
      f"the margin by supplier (landed cost {cost}): {b}")
refused("GET", "margins?by=colour", None, AUD, 422, "invalid")

# ---- stock levels by lot in yuan: the units left at the landed cost, beside the foreign cost
b = ok("GET", "stock?by=lot", None, M)
row = [r for r in b["levels"] if r["lot"] == "M1"]
check(len(row) == 1 and row[0]["cost_currency"] == "EUR" and
      row[0]["landed_value"] == half_up(Fraction(want["M1"]["landed"] * row[0]["qty"], 48)),
      f"M1's landed value ({want['M1']['landed']} x on hand / 48): {row}")

srv.stop()
L.finish()
