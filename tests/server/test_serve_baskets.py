#!/usr/bin/env python3
"""Baskets survive a restart (schema 14): lines, an approved price and a
discount are put in baskets at two counters (a jar of Nutella sold as 罐), the server is killed with
SIGKILL, and a new server has both baskets as they were; the first pays,
the second is abandoned (its rows go), the owner rule still holds, the
read-back lines keep their selling unit (the receipt says 2罐), and
`entrepot check` is clean after. Sessions at a till: the same cashier
logging in again gets the basket back, another user is refused a customer's
basket (who has it in error.facts) but takes over an empty one."""
import json
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


# ---- a till through the web app's sessions: log out and in again, a change of shift
def login(name):
    st, h, b = srv.req("POST", "/api/v1/login", {"name": name, "password": L.PASSWORD, "device": "收银台 3"})
    check(st == 200, f"login {name}: {st} {b}")
    return {"cookie": h.get("set-cookie", "").split(";")[0], "csrf": b.get("csrf")}


def sreq(method, path, body, s):
    return srv.req(method, path, body, cookie=s["cookie"], csrf=s["csrf"])


B3 = "/api/v1/counters/C3/basket"
first = login(CASHNAME)
st, _, b = sreq("POST", B3, {}, first)
st, _, b = sreq("POST", B3 + "/lines", {"code": L.NUTELLA}, first)
check(st == 201 and len(b["lines"]) == 1, f"a customer's jar at C3: {st} {b}")
sup = login(SUPNAME)  # someone logs in elsewhere meanwhile: the new session's id is not the ended one's
st, _, b = sreq("POST", "/api/v1/logout", {}, first)
check(st in (200, 204), f"the cashier logs out: {st} {b}")
again = login(CASHNAME)
st, _, b = sreq("POST", B3, {}, again)  # before: 409, the till locked to the ended session
check(st == 200 and [(l["code"][-13:], l["qty"]) for l in b["lines"]] == [(L.NUTELLA, 1)] and b["cashier"] == CASHNAME,
      f"the same cashier, logged in again, gets the basket back: {st} {b}")
check(L.query("SELECT session_id FROM basket WHERE counter = 'C3'")
      == L.query("SELECT max(id) FROM user_session"), "the basket is kept as the new session's")
kept = L.dump()
st, _, b = sreq("POST", B3, {}, sup)
check(st == 409 and L.err_facts(b) == {"counter": "C3", "cashier": CASHNAME, "lines": 1} and L.dump() == kept,
      f"a customer's basket is not another user's: who has it is in the facts, nothing written: {st} {b}")
st, _, b = sreq("POST", B3 + "/lines", {"code": L.PEN}, sup)
check(st == 409 and L.err_facts(b).get("cashier") == CASHNAME, f"nor its scans: {st} {b}")
st, _, b = sreq("POST", B3 + "/pay", {"payments": [{"method": "cash"}]}, again)
check(st == 201, f"the customer pays: {st} {b}")
TILL, OTHER = {"station": "till-3"}, {"station": "4f9c2e7a0b1d"}  # the web app's id of each browser
st, _, b = sreq("POST", B3, TILL, again)
check(st == 200 and b["lines"] == [], f"the basket, empty after the sale, opened again at the till: {st} {b}")
kept = L.dump()
for body in ({}, OTHER):  # before: 201, and back at the next opening in the first browser
    st, _, b = sreq("POST", B3, body, sup)
    check(st == 409 and L.err_facts(b) == {"counter": "C3", "cashier": CASHNAME, "lines": 0} and L.dump() == kept,
          f"another browser at the same counter, both baskets empty: told who has it, nothing written ({body}): {st} {b}")
for body, why in (({"station": ""}, "empty"), ({"station": "x" * 65}, "65 characters"),
                  ({"station": "till 3"}, "a space"), ({"station": "收银台"}, "not ASCII"), ({"station": 3}, "a number")):
    st, _, b = sreq("POST", B3, body, sup)
    check(st == 422 and "station" in json.dumps(b) and L.dump() == kept, f"a station id {why} is refused: {st} {b}")
st, _, b = sreq("POST", B3, {}, again)
check(st == 200 and b["cashier"] == CASHNAME, f"the basket stayed its cashier's: {st} {b}")
st, _, b = sreq("POST", B3, TILL, sup)  # before: 409, until someone abandoned it
check(st == 201 and b["cashier"] == SUPNAME and b["lines"] == [],
      f"an empty basket left open after a sale goes to the next user at the same till: {st} {b}")
check(L.query("SELECT cashier FROM basket WHERE counter = 'C3'") == [(SUPNAME,)], "kept as the new user's")
st, _, b = sreq("POST", B3 + "/lines", {"code": L.NUTELLA}, sup)
st, _, sale = sreq("POST", B3 + "/pay", {"payments": [{"method": "cash"}]}, sup)
check(st == 201 and L.query("SELECT cashier FROM sale WHERE uuid = ?", sale["uuid"]) == [(SUPNAME,)],
      f"its sale is the new user's: {st} {sale}")
st, _, b = sreq("POST", B3, TILL, again)
check(st == 201 and b["cashier"] == CASHNAME, f"and back at the next shift: {st} {b}")
st, _, b = sreq("POST", "/api/v1/logout", {}, again)
st, _, b = sreq("POST", B3, OTHER, sup)
check(st == 201 and b["cashier"] == SUPNAME, f"once its cashier logged out, another browser takes the empty basket: {st} {b}")
st, _, b = sreq("POST", B1, {}, sup)
check(st == 409, f"an empty basket of a device token stays the token's: {st} {b}")
# a session's id is its row's, which the next login reuses once the newest session ended
B4 = "/api/v1/counters/C4/basket"
x = login(CASHNAME)
st, _, b = sreq("POST", B4, {}, x)
st, _, b = sreq("POST", B4 + "/lines", {"code": L.NUTELLA}, x)
was = L.query("SELECT session_id FROM basket WHERE counter = 'C4'")
sreq("POST", "/api/v1/logout", {}, x)
y = login(SUPNAME)
check(L.query("SELECT max(id) FROM user_session") == was, "the supervisor's new session has the ended one's id")
kept = L.dump()
st, _, b = sreq("POST", B4, {}, y)  # before: 200, the cashier's customer silently the supervisor's
check(st == 409 and L.err_facts(b).get("cashier") == CASHNAME and L.dump() == kept,
      f"a reused session id does not take over another user's basket: {st} {b}")
st, _, b = sreq("POST", B4 + "/pay", {"payments": [{"method": "cash"}]}, y)
check(st == 409 and L.dump() == kept, f"nor pay it under the cashier's name: {st} {b}")
check(srv.stop() == 0, "SIGTERM exits 0")
p = L.cli("check", ok=False)
check(p.returncode == 0, f"entrepot check is clean: {p.stdout} {p.stderr}")
L.finish()
