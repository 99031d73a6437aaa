#!/usr/bin/env python3
"""The catalogue, locations, scrap, counts, reports, customer flow, journal
and store routes: each does what the CLI does and records who; each refusal
answers its status and leaves the database exactly as it was (compared as
an SQL dump before and after)."""
import json
import os
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
import serve_lib as L  # noqa: E402
from serve_lib import check  # noqa: E402

L.make_store()
srv = L.Server("--threads", "2")
TOK = L.make_tokens()
V1 = "/api/v1/"
M, CLERK, AUD, SUP = TOK["manager"], TOK["stock-clerk"], TOK["auditor"], TOK["supervisor"]
MGR = TOK["users"]["manager"]


def gtin(body):
    """body (12 digits) with its check digit."""
    s = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(reversed(body)))
    return body + str((10 - s % 10) % 10)


OOLONG, TEA2, TEA3 = gtin("690123456781"), gtin("690123456782"), gtin("690123456783")


def dump():
    """The database but the tokens' last use, which the login thread records
    after answering, once a minute at most."""
    return [x for x in L.dump().splitlines() if not x.startswith('INSERT INTO "api_token"')]


def refused(method, path, body, token, status, code=None, field=None, text=None, ctype="application/json", raw=None):
    """A request that must be refused with status (and code, field, words in
    its message) and leave the database exactly as it was."""
    before = dump()
    st, _, b = srv.req(method, V1 + path, body, token=token, ctype=ctype, raw=raw)
    err = b.get("error", {}) if isinstance(b, dict) else {}
    ok = (st == status and (code is None or err.get("code") == code) and (field is None or err.get("field") == field)
          and (text is None or text in err.get("message", "")))
    check(ok, f"{method} {path} {body or raw!r}: want {status} {code} {field} {text!r}, got {st} {b}")
    after = dump()
    check(after == before, f"{method} {path} {body}: refused, and the database is as it was: "
                           f"{set(after) ^ set(before)}")
    return b


# ---- catalogue: add, edit (the price change with who), retire, history
st, _, b = srv.req("POST", V1 + "products", {"gtin": OOLONG, "name_zh": "乌龙茶 <b>", "price": 1250,
                                             "tax_rate_bp": 900, "origin": "TW", "unit": "pcs"}, token=M)
check(st == 201 and b["gtin"] == "0" + OOLONG, f"product add: {st} {b}")
st, _, b = srv.req("GET", V1 + "products/" + OOLONG, token=CLERK)
check(st == 200 and b["price"] == 1250 and b["tax_rate_bp"] == 900 and b["name_zh"] == "乌龙茶 <b>", f"added: {b}")
refused("POST", "products", {"gtin": OOLONG, "name_zh": "again"}, M, 409, "exists")
refused("POST", "products", {"gtin": "6901234567890", "name_zh": "x"}, M, 422, "invalid", text="check digit")
refused("POST", "products", {"gtin": TEA2, "name_zh": "x", "price": "12.50"}, M, 422, "invalid", "price")
refused("POST", "products", {"gtin": TEA2, "name_zh": "x", "price": -1}, M, 422, "invalid", "price")
refused("POST", "products", {"gtin": TEA2, "name_zh": "x", "colour": "red"}, M, 422, "unknown_field", "colour")
refused("POST", "products", {"gtin": TEA2, "name_zh": "x", "retired": True}, M, 422, "unknown_field", "retired")
refused("POST", "products", {"gtin": TEA2, "name_zh": "x", "tax_rate_bp": 100001}, M, 422, "invalid")
refused("POST", "products", {"gtin": TEA2, "name_zh": "x"}, CLERK, 403, "forbidden")
st, _, b = srv.req("PATCH", V1 + "products/" + OOLONG, {"price": 1399, "name_en": "Oolong"}, token=M)
check(st == 200, f"product edit: {st} {b}")
st, _, b = srv.req("GET", V1 + "products/history/" + OOLONG + "?field=price", token=AUD)
prices = [(c["field"], c["old"], c["new"], c["user"]) for c in b.get("changes", [])]
check(st == 200 and prices == [("added", None, "12.50", MGR), ("price", "12.50", "13.99", MGR)],
      f"the price history with who: {st} {prices}")
refused("PATCH", "products/" + OOLONG, {}, M, 422, "invalid")
refused("PATCH", "products/" + OOLONG, {"unit": None}, M, 422, "invalid")
refused("PATCH", "products/" + OOLONG, {"retired": True, "price": 1}, M, 422, "invalid", "retired")
refused("PATCH", "products/" + gtin("690123456789"), {"price": 100}, M, 404, "not_found")
# the selling unit (issue 14): a code or its Chinese word in, code and words out
st, _, b = srv.req("PATCH", V1 + "products/" + OOLONG, {"sell_unit": "盒"}, token=M)
st2, _, p = srv.req("GET", V1 + "products/" + OOLONG, token=CLERK)
check(st == 200 and (p["sell_unit"], p["sell_unit_zh"], p["sell_unit_en"]) == ("box", "盒", "box"),
      f"sell unit: {st} {b} {p}")
refused("PATCH", "products/" + OOLONG, {"sell_unit": "碗"}, M, 422, "invalid", text="sell_unit '碗' is not a selling unit")
refused("PATCH", "products/" + OOLONG, {"sell_unit": 3}, M, 422, "invalid", "sell_unit")
st, _, b = srv.req("PATCH", V1 + "products/" + OOLONG, {"sell_unit": None}, token=M)
st2, _, p = srv.req("GET", V1 + "products/" + OOLONG, token=M)
check(st == 200 and p["sell_unit"] is None and p["sell_unit_zh"] is None, f"null clears the sell unit: {st} {b} {p}")
# the back label's data (GB 7718): amounts as whole numbers of their step
food = {"food_kind": "food", "ingredients": "乌龙茶叶", "energy_kj": 17, "protein_dg": 63, "fat_dg": 5,
        "carbohydrate_dg": 620, "sodium_mg": 380}
st, _, b = srv.req("PATCH", V1 + "products/" + OOLONG, food, token=M)
st2, _, p = srv.req("GET", V1 + "products/" + OOLONG, token=CLERK)
check(st == 200 and all(p[k] == v for k, v in food.items()) and p["abv_hundredths"] is None,
      f"food fields: {st} {b} {p}")
refused("PATCH", "products/" + OOLONG, {"abv_hundredths": 10001}, M, 422, "invalid", text="abv '100.01'")
refused("PATCH", "products/" + OOLONG, {"protein_dg": "6.3"}, M, 422, "invalid", "protein_dg")
refused("PATCH", "products/" + OOLONG, {"food_kind": "drink"}, M, 422, "invalid", text="food_kind 'drink'")
st, _, b = srv.req("PATCH", V1 + "products/" + OOLONG, {"food_kind": "alcohol", "abv_hundredths": 480}, token=M)
st2, _, p = srv.req("GET", V1 + "products/" + OOLONG, token=M)
check(st == 200 and p["abv_hundredths"] == 480 and p["food_kind"] == "alcohol", f"abv: {st} {b} {p}")
st, _, b = srv.req("PATCH", V1 + "products/" + OOLONG, {"price": None}, token=M)
st2, _, p = srv.req("GET", V1 + "products/" + OOLONG, token=M)
check(st == 200 and p["price"] is None, f"a null price unprices: {st} {b} {p}")
st, _, b = srv.req("DELETE", V1 + "products/" + OOLONG, token=M)
check(st == 200, f"retire: {st} {b}")
refused("DELETE", "products/" + OOLONG, None, M, 409, "refused")
st, _, b = srv.req("GET", V1 + "products?q=" + "%E4%B9%8C%E9%BE%99", token=M)
check(st == 200 and b["products"] == [], f"a retired commodity is gone from the list: {b}")
st, _, b = srv.req("PATCH", V1 + "products/" + OOLONG, {"retired": False}, token=M)
st2, _, p = srv.req("GET", V1 + "products/" + OOLONG, token=M)
check(st == 200 and p["retired"] is False, f"unretire: {st} {b} {p}")

# ---- CSV export and import: all or nothing, the CLI's messages
st, h, text = srv.req("GET", V1 + "catalog/export", token=AUD)
check(st == 200 and h["content-type"].startswith("text/csv") and "0" + OOLONG in text and "乌龙茶" in text,
      f"export: {st} {h.get('content-type')} {text[:200]!r}")
good = f"gtin,name_zh,price,tax_rate\n{TEA2},红茶,8.00,9\n{TEA3},绿茶,6.50,9\n"
bad = f"gtin,name_zh,price\n{TEA2},红茶,8.00\n{TEA3},绿茶,100000000.01\n"
b = refused("POST", "catalog/import", None, M, 422, "invalid", text="row 3: price '100000000.01' is too high",
            ctype="text/csv", raw=bad.encode())
with open(os.path.join(L.WORK, "bad.csv"), "w") as f:
    f.write(bad)
cli_err = L.cli("product", "import", os.path.join(L.WORK, "bad.csv"), ok=False).stderr
check(b["error"]["message"] in cli_err, f"the CLI's message: {b['error']['message']!r} in {cli_err!r}")
refused("POST", "catalog/import", None, M, 415, "unsupported_media_type", ctype="text/plain", raw=good.encode())
refused("POST", "catalog/import", None, M, 400, "malformed", ctype="text/csv", raw=b"gtin,name_en\n1,\xff\n")
refused("POST", "catalog/import?update=2", None, M, 422, "invalid", "update", ctype="text/csv", raw=good.encode())
refused("POST", "catalog/import", None, M, 422, "invalid", ctype="text/csv", raw=b"")
st, _, b = srv.req("POST", V1 + "catalog/import", None, token=M, ctype="text/csv", raw=good.encode())
check(st == 200 and b["imported"] == 2, f"import: {st} {b}")
refused("POST", "catalog/import", None, M, 409, "exists", text="row 2: GTIN", ctype="text/csv", raw=good.encode())
st, _, b = srv.req("POST", V1 + "catalog/import?update=1", None, token=M, ctype="text/csv",
                   raw=good.replace("8.00", "8.80").encode())
st2, _, p = srv.req("GET", V1 + "products/history/" + TEA2 + "?field=price", token=M)
check(st == 200 and p["changes"][-1]["new"] == "8.80" and p["changes"][-1]["user"] == MGR,
      f"import --update records the price change: {st} {b} {p}")

# GB18030 (Excel on Chinese Windows): charset=gb18030 decodes it through the
# CLI's step (ent_csv_decode); without it the body is named by line and byte.
gb = f"gtin,name_zh,price,tax_rate\n{TEA3},茉莉绿茶,7.00,9\n".encode("gb18030")
b = refused("POST", "catalog/import?update=1", None, M, 400, "malformed",
            text="the file is not UTF-8: line 2 byte 15; a file saved by Excel in Chinese Windows is sent with "
                 "charset=gb18030", ctype="text/csv", raw=gb)
refused("POST", "catalog/import?update=1", None, M, 415, "unsupported_media_type", text="charset 'big5'",
        ctype="text/csv; charset=big5", raw=gb)
refused("POST", "catalog/import?update=1", None, M, 400, "malformed",
        text="the request body is not gb18030 text: the file is not GB18030: line 2 byte 15",
        ctype="text/csv; charset=gb18030", raw=gb[:-16] + b"\xff\xff" + gb[-14:])
st, _, b = srv.req("POST", V1 + "catalog/import?update=1", None, token=M, ctype="text/csv; charset=gb18030",
                   raw=gb)
st2, _, p = srv.req("GET", V1 + "products/" + TEA3, token=M)
check(st == 200 and b["imported"] == 1 and "茉莉绿茶" in json.dumps(p, ensure_ascii=False),
      f"GB18030 import: {st} {b} {p}")

# ---- locations
st, _, b = srv.req("GET", V1 + "locations", token=TOK["cashier"])
check(st == 200 and {"S1", "S2", "B1", "Q1"} <= {x["code"] for x in b["locations"]}, f"locations: {b}")
st, _, b = srv.req("GET", V1 + "countries", token=TOK["cashier"])
cc = {x["code"]: x for x in b.get("countries", [])} if isinstance(b, dict) else {}
check(st == 200 and len(cc) > 240 and cc.get("IT", {}).get("name_zh") == "意大利" and cc["IT"]["name_en"] == "Italy",
      f"countries with their names (iso-codes): {st} {cc.get('IT')}")
st, _, b = srv.req("GET", V1 + "currencies", token=TOK["cashier"])
cu = {x["code"]: x["digits"] for x in b.get("currencies", [])} if isinstance(b, dict) else {}
check(st == 200 and len(cu) > 150 and (cu.get("CNY"), cu.get("JPY"), cu.get("KWD"), cu.get("EUR")) == (2, 0, 3, 2),
      f"currencies with their minor units: {st} {[cu.get(c) for c in ('CNY', 'JPY', 'KWD', 'EUR')]}")
st, _, b = srv.req("POST", V1 + "locations", {"code": "A-01-03", "kind": "backroom", "name": "后仓 3"}, token=M)
check(st == 201, f"location add: {st} {b}")
refused("POST", "locations", {"code": "a-01-03"}, M, 409, "exists")
refused("POST", "locations", {"code": "A-02", "kind": "roof"}, M, 422, "invalid")
refused("POST", "locations", {"code": "A 02"}, M, 422, "invalid")
refused("POST", "locations", {"code": "A-02"}, CLERK, 403, "forbidden")
st, _, b = srv.req("PATCH", V1 + "locations/A-01-03", {"code": "A-01-04", "name": None}, token=M)
st2, _, ls = srv.req("GET", V1 + "locations", token=M)
row = [x for x in ls["locations"] if x["code"] == "A-01-04"]
check(st == 200 and row and row[0]["name"] is None, f"location edit: {st} {b} {row}")
refused("PATCH", "locations/A-01-04", {}, M, 422, "invalid")
refused("PATCH", "locations/NOPE", {"name": "x"}, M, 404, "not_found")

# ---- scrap
st, _, b = srv.req("POST", V1 + "stock/scrap", {"product": L.NUTELLA, "location": "S1", "qty": 2, "note": "破损"},
                   token=CLERK)
st2, _, h = srv.req("GET", V1 + "stock/history/" + L.NUTELLA, token=M)
last = h["moves"][-1]
check(st == 200 and last["qty"] == -2 and last["user"] == TOK["users"]["stock-clerk"], f"scrap: {st} {b} {last}")
refused("POST", "stock/scrap", {"product": L.NUTELLA, "location": "S1", "qty": 10 ** 6}, CLERK, 409, "no_stock")
refused("POST", "stock/scrap", {"product": L.NUTELLA, "location": "S1", "qty": 0}, CLERK, 422, "invalid")
refused("POST", "stock/scrap", {"product": L.NUTELLA, "location": "S1", "qty": "2"}, CLERK, 422, "invalid", "qty")

# ---- counts: start, record, list, post; a line that moved since refuses the post unless forced
st, _, b = srv.req("POST", V1 + "counts", {"location": "S2"}, token=CLERK)
check(st == 201 and len(b.get("id", "")) == 36, f"count start: {st} {b}")
cid = b["id"]
refused("POST", "counts", {"location": "S2"}, CLERK, 409, "refused")
refused("POST", "counts", {"location": "ZZ"}, CLERK, 404, "not_found")
st, _, b = srv.req("GET", V1 + "counts", token=AUD)
check(st == 200 and [c["id"] for c in b["counts"]] == [cid] and b["counts"][0]["lines"] == 1, f"open counts: {b}")
refused("POST", "counts/record/" + cid, {"product": L.PEN, "counted": -1}, CLERK, 422, "invalid")
refused("POST", "counts/record/" + cid, {"product": L.NUTELLA, "counted": 1}, CLERK, 422)
st, _, b = srv.req("POST", V1 + "counts/record/" + cid[:8], {"product": L.PEN, "counted": 4990}, token=CLERK)
check(st == 200, f"count record: {st} {b}")
srv.req("POST", V1 + "stock/move", {"product": L.PEN, "from": "S2", "to": "S1", "qty": 1}, token=CLERK)
b = refused("POST", "counts/post/" + cid, {}, CLERK, 409, "refused")
st, _, b = srv.req("GET", V1 + "counts/" + cid, token=CLERK)
check(st == 200 and b["lines"][0]["counted"] == 4990 and b["lines"][0]["moves_since"] == 1, f"count show: {b}")
st, _, b = srv.req("POST", V1 + "counts/post/" + cid, {"force": True}, token=CLERK)
check(st == 200 and b["lines"][0]["difference"] == 4990 - 4999, f"count post (forced): {st} {b}")
st, _, b = srv.req("GET", V1 + "stock?by=location&product=" + L.PEN + "&location=S2", token=CLERK)
check(st == 200 and b["levels"][0]["qty"] == 4990, f"the count set the stock: {b}")
refused("POST", "counts/post/" + cid, {}, CLERK, 409, "refused")
st, _, b = srv.req("GET", V1 + "counts?all=1", token=CLERK)
check(st == 200 and b["counts"][0]["posted_at"], f"all counts: {b}")

# ---- a sale, then the reports
sale = {"counter": "C1", "lines": [{"code": L.NUTELLA, "qty": 2}, {"code": L.COLA}],
        "payments": [{"method": "cash", "amount": 10000}]}
st, _, b = srv.req("POST", V1 + "sales", sale, token=TOK["cashier"])
check(st == 201 and b["total"] == 2 * 3990 + 350, f"a sale: {st} {b}")
st, _, b = srv.req("GET", V1 + "reports/sales?by=cashier", token=AUD)
check(st == 200 and b["total"] == 8330 and [(r["key"], r["value"]) for r in b["rows"]] ==
      [(TOK["users"]["cashier"], 8330)], f"sales by cashier: {b}")
st, _, b = srv.req("GET", V1 + "reports/sales?by=origin", token=SUP)
check(st == 200 and {r["key"] for r in b["rows"]} == {"IT", "GB"}, f"sales by origin: {b}")
refused("GET", "reports/sales?by=week", None, AUD, 422, "invalid", "by")
refused("GET", "reports/sales?from=2026-13-01", None, AUD, 422, "invalid")
flow = "sensor,start,minutes,in,out\nD1,2026-11-28T02:00:00Z,60,40,35\nD1,2026-11-28T03:00:00Z,60,90,80\n"
st, _, b = srv.req("POST", V1 + "flow/import", None, token=M, ctype="text/csv", raw=flow.encode())
check(st == 200 and b["rows"] == 2, f"flow import: {st} {b}")
refused("POST", "flow/import", None, M, 422, "invalid", text="row 2: the period",
        ctype="text/csv", raw=b"sensor,start,minutes,in,out\nD1,2026-11-28T02:30:00Z,60,4,3\n")
refused("POST", "flow/import", None, AUD, 403, "forbidden", ctype="text/csv", raw=flow.encode())
st, _, b = srv.req("GET", V1 + "reports/flow?by=hour&from=2026-11-28&to=2026-11-28", token=AUD)
peak = [r["period"] for r in b.get("rows", []) if r["peak"]]
check(st == 200 and [r["visitors"] for r in b["rows"]] == [40, 90] and peak == ["2026-11-28 11:00"] and
      b["peak_hours"][0] == {"hour": 11, "visitors": 90}, f"flow report: {st} {b}")
refused("GET", "reports/flow?by=week", None, AUD, 422, "invalid", "by")

# ---- the journal: close the day (a supervisor), closings, verify, export, public keys
refused("POST", "journal/close", {"period": "week"}, SUP, 422, "invalid", "period")
refused("POST", "journal/close", {"period": "day", "date": "2026-02-30"}, SUP, 422, "invalid")
refused("POST", "journal/close", {"period": "day"}, AUD, 403, "forbidden")
st, _, z = srv.req("POST", V1 + "journal/close", {"period": "day"}, token=SUP)
check(st == 201 and z["total"] == 8330 and z["counts"].get("SALE") == 1 and len(z["head_hash"]) == 64,
      f"close the day: {st} {z}")
refused("POST", "journal/close", {"period": "day"}, SUP, 409, "refused")
st, _, b = srv.req("GET", V1 + "journal/closings", token=AUD)
check(st == 200 and [c["head_hash"] for c in b["closings"]] == [z["head_hash"]], f"closings: {b}")
st, _, b = srv.req("GET", V1 + "journal/verify?head=" + z["head_hash"], token=AUD)
check(st == 200 and b["ok"] is True and b["closings"] == 1 and b["bad"] == 0, f"verify: {b}")
st, _, b = srv.req("GET", V1 + "journal/verify?head=" + "0" * 64, token=AUD)
check(st == 200 and b["ok"] is False and b["issues"], f"verify with a head not in the chain: {b}")
st, _, doc = srv.req("GET", V1 + "journal/export", token=AUD)
check(st == 200 and doc["format"] == "entrepot-journal 1" and [r["kind"] for r in doc["records"]][-2:] ==
      ["SALE", "CLOSE"], f"export: {st} {str(doc)[:300]}")
path = os.path.join(L.WORK, "export.json")
with open(path, "w") as f:
    json.dump(doc, f, ensure_ascii=False)
v = subprocess.run([L.ENTREPOT, "journal", "verify", "--export", path], capture_output=True, text=True)
check(v.returncode == 0, f"the CLI verifies the server's export: {v.returncode} {v.stdout} {v.stderr}")
# One writer of the export in the library: the server hands out what the CLI writes.
mine = json.loads(L.cli("journal", "export").stdout)
check(mine == doc, "the server's export is the CLI's export, record for record")
refused("GET", "journal/export?from=5&to=2", None, AUD, 422, "invalid", "from")
st, h, pem = srv.req("GET", V1 + "journal/pubkey", token=AUD)
check(st == 200 and "BEGIN PUBLIC KEY" in pem and pem.startswith("# record 1 (START)"), f"pubkey: {st} {pem[:80]!r}")

# ---- text that is not UTF-8, bodies of the wrong shape
refused("GET", "products/history/%FF", None, AUD, 400, "malformed", "code")
refused("PATCH", "products/%FF", {"price": 1}, M, 400, "malformed", "code")
refused("POST", "counts/post/%FF", {}, CLERK, 400, "malformed", "count")
refused("GET", "reports/sales?counter=%FF", None, AUD, 400, "malformed", "counter")
refused("POST", "counts", [], CLERK, 422, "invalid")
refused("POST", "counts/post/" + cid, [], CLERK, 422, "invalid")
refused("POST", "journal/close", None, SUP, 422, "invalid")
refused("PATCH", "store", None, M, 422, "invalid")
refused("POST", "flow/import", {"sensor": "D1"}, M, 415, "unsupported_media_type")
refused("GET", "journal/closings?limit=0", None, AUD, 422, "invalid", "limit")

# ---- stock levels a page at a time: ?after= the "next" of the page before
for q in ("stock?by=product", "stock?by=location", "stock?by=lot", "stock?by=origin", "stock/low?x=",
          "stock/expiring?before=2099-12-31"):
    st, _, whole = srv.req("GET", V1 + q + "&limit=1000", token=M)
    check(st == 200 and whole["next"] is None, f"{q}: the whole list has no next page: {st} {whole}")
    rows, nxt = [], None
    for _ in range(100):
        st, _, b = srv.req("GET", V1 + q + "&limit=1" + ("&after=" + urllib.parse.quote(nxt, safe="") if nxt else ""), token=M)
        check(st == 200, f"{q} after {nxt}: {st} {b}")
        rows += b["levels"]
        nxt = b["next"]
        if nxt is None:
            break
    check(rows == whole["levels"], f"{q}: the pages put together are the list: {rows} != {whole['levels']}")
    check(len(rows) >= 2 or q.startswith("stock/low"), f"{q}: more than one page tested: {rows}")
refused("GET", "stock?by=location&after=x", None, M, 422, "invalid", text="page key")
# each row's unit beside its qty where the row is one commodity's (by
# product, by lot, low, expiring), the unit its commodity has; null where a
# row holds several (by location, by origin)
for q in ("stock?by=product", "stock?by=lot", "stock/expiring?before=2099-12-31", "stock?by=location", "stock?by=origin"):
    st, _, b = srv.req("GET", V1 + q + "&limit=1000", token=M)
    rows = b["levels"] if st == 200 else []
    for r in rows:
        want = None
        if "location" not in q and "origin" not in q:
            _, _, p = srv.req("GET", V1 + "products/" + urllib.parse.quote(r["gtin"] or r["sku"], safe=""), token=M)
            want = p["unit"]
        check(r.get("unit", "absent") == want, f"{q}: the unit of {r}: {want} wanted")
    check(st == 200 and rows, f"{q}: {st} {b}")

# ---- the store's details
st, _, b = srv.req("GET", V1 + "store", token=TOK["cashier"])
check(st == 200 and b["code"] == "SH01" and b["name"] == "测试商店" and b["phone"] is None, f"store: {b}")
refused("PATCH", "store", {"phone": "call us"}, M, 422, "invalid")
refused("PATCH", "store", {"name": ""}, M, 422, "invalid")
refused("PATCH", "store", {"currency": "EUR"}, M, 422, "unknown_field", "currency")
refused("PATCH", "store", {"phone": "+86 21 5555 0000"}, SUP, 403, "forbidden")
st, _, b = srv.req("PATCH", V1 + "store", {"phone": "+86 21 5555 0000", "address": "上海市 1 号"}, token=M)
st2, _, s = srv.req("GET", V1 + "store", token=M)
check(st == 200 and s["phone"] == "+86 21 5555 0000" and s["changed_by"] == MGR, f"store edit: {st} {b} {s}")
st, _, b = srv.req("PATCH", V1 + "store", {"address": None}, token=M)
st2, _, s = srv.req("GET", V1 + "store", token=M)
check(st == 200 and s["address"] is None, f"null clears the address: {st} {s}")

check(srv.stop() == 0, "SIGTERM exits 0")
check(L.cli("check").returncode == 0, "check is clean after")
L.finish()
