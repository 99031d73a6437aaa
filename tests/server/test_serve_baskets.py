#!/usr/bin/env python3
"""Baskets survive a restart (schema 14): lines, an approved price and a
discount are put in baskets at two counters (a jar of Nutella sold as 罐), the server is killed with
SIGKILL, and a new server has both baskets as they were; the first pays,
the second is abandoned (its rows go), the owner rule still holds, the
read-back lines keep their selling unit (the receipt says 2罐), and
`entrepot check` is clean after."""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(__file__))
import serve_lib as L  # noqa: E402
from serve_lib import check  # noqa: E402

L.make_store()
L.cli("product", "edit", L.NUTELLA, "--sell-unit", "罐")
srv = L.Server("--threads", "2")
TOK = L.make_tokens(srv)
CASH, SUP, M = TOK["cashier"], TOK["supervisor"], TOK["manager"]
SUPNAME, CASHNAME = TOK["users"]["supervisor"], TOK["users"]["cashier"]
APPROVAL = {"user": SUPNAME, "password": L.PASSWORD}
B1, B2 = "/api/v1/counters/C1/basket", "/api/v1/counters/C2/basket"


def req(method, path, body=None, token=CASH):
    return srv.req(method, path, body, token=token)


def lines(b):
    return [(l["code"], l["qty"], l["unit_price"], l["discount"], l["approved_by"], l["lot"]) for l in b["lines"]]


# ---- two baskets: a cashier's at C1 (an override approved), a manager's at C2
st, _, b = req("POST", B1, {})
check(st == 201, f"open C1: {st} {b}")
for body in ({"code": L.NUTELLA, "qty": 2}, {"code": "]C1010" + L.COLA + "10K1", "qty": 3}, {"code": L.PEN}):
    st, _, b = req("POST", B1 + "/lines", body)
    check(st == 201, f"scan {body}: {st} {b}")
st, _, b = req("PATCH", B1 + "/lines/1", {"price": 3500, "reason": "罐子凹了", "approval": APPROVAL})
check(st == 200 and b["lines"][0]["approved_by"] == SUPNAME, f"an approved override: {st} {b}")
st, _, b = req("PATCH", B1 + "/lines/3", {"discount": 50, "reason": "loyal"})
check(st == 200, f"a discount within the limit: {st} {b}")
st, _, b = req("DELETE", B1 + "/lines/2")
check(st == 200 and len(b["lines"]) == 2, f"a line removed: {st} {b}")
st, _, b = req("POST", B1 + "/lines", {"code": "]C1010" + L.COLA + "10K1", "qty": 3})
check(st == 201 and len(b["lines"]) == 3, f"scanned again: {st} {b}")
c1 = b
st, _, b = req("POST", B2, {}, token=M)
st, _, b = req("POST", B2 + "/lines", {"code": L.NUTELLA}, token=M)
check(st == 201, f"scan at C2: {st} {b}")
st, _, b = req("POST", B2 + "/lines", {"code": L.PEN, "qty": 4}, token=M)
c2 = b
stock_before = L.query("SELECT sum(qty) FROM stock_balance")

# ---- SIGKILL: nothing is lost
srv.p.send_signal(signal.SIGKILL)
srv.p.wait()
srv.p.stdout.close()
srv.log.close()
srv = L.Server("--threads", "2")
check("2 open baskets read back" in srv.log_text(), "the restart says it read the baskets back")
st, _, b = req("GET", B1)
check(st == 200 and lines(b) == lines(c1) and b["total"] == c1["total"] and b["cashier"] == CASHNAME,
      f"C1 as it was before the kill: {st} {b} vs {c1}")
check(b["lines"][0]["price_reason"] == "罐子凹了" and b["lines"][2]["lot"] == "K1",
      f"reasons and lots are kept: {b}")
check([(l["sell_unit"], l["sell_unit_zh"]) for l in b["lines"]] == [("jar", "罐"), (None, None), (None, None)],
      f"the selling units are read back with the lines: {b['lines']}")
st, _, b = req("GET", B2, token=M)
check(st == 200 and lines(b) == lines(c2), f"C2 as it was before the kill: {st} {b}")
st, _, b = req("GET", B1, token=M)
check(st == 409, f"the basket is still its owner's after the restart: {st} {b}")
st, _, b = req("POST", B1, {}, token=SUP)
check(st == 409 and CASHNAME in b["error"]["message"], f"nobody else opens C1: {st} {b}")
check(L.query("SELECT sum(qty) FROM stock_balance") == stock_before, "an open basket took no stock")

# ---- C1 pays: the sale and the emptied basket in one transaction
st, _, sale = req("POST", B1 + "/pay", {"payments": [{"method": "cash"}]})
check(st == 201 and sale["total"] == c1["total"] and [l["approved_by"] for l in sale["lines"]][0] == SUPNAME,
      f"the read-back basket pays: {st} {sale}")
st, _, text = req("GET", f"/api/v1/sales/{sale['receipt']}/receipt?format=text")
check(st == 200 and "2罐 x 35.00/罐" in text, f"the receipt sells the read-back line by its unit: {st} {text}")
kept = L.query("SELECT count(*) FROM basket_line WHERE counter = 'C1'")
check(kept == [(0,)], f"the paid basket's lines are gone: {kept}")
check(L.query("SELECT count(*) FROM basket WHERE counter = 'C1'") == [(1,)], "C1 stays open for the next customer")

# ---- C2 is abandoned: its rows go
st, _, b = req("DELETE", B2, token=M)
check(st == 200, f"abandon C2: {st} {b}")
check(L.query("SELECT count(*) FROM basket WHERE counter = 'C2'") == [(0,)]
      and L.query("SELECT count(*) FROM basket_line WHERE counter = 'C2'") == [(0,)], "the abandoned basket's rows are gone")
check(srv.stop() == 0, "SIGTERM exits 0")

# ---- a clean restart: C1 empty and still the cashier's, C2 free
srv = L.Server("--threads", "2")
st, _, b = req("GET", B1)
check(st == 200 and b["lines"] == [], f"C1 is empty after the sale: {st} {b}")
st, _, b = req("POST", B2, {}, token=SUP)
check(st == 201, f"C2 is free for anyone: {st} {b}")
check(srv.stop() == 0, "SIGTERM exits 0")
p = L.cli("check", ok=False)
check(p.returncode == 0, f"entrepot check is clean: {p.stdout} {p.stderr}")
L.finish()
