#!/usr/bin/env python3
"""entrepot serve end to end: start, health, products, scan, stock, the
writes through the writer, checkout, bad input (every refusal leaves the
database as it was), a slow client, markup in names, SIGTERM exits 0."""
import http.client
import difflib
import json
import os
import signal
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from serve_lib import *  # noqa: E402,F401,F403
import serve_lib as L  # noqa: E402

L.make_store()
srv = L.Server("--threads", "2", "--timeout", "2", "--body-max", "4096")  # a short timeout for the slow client
TOK = L.make_tokens(srv)
M, CASH, CLERK = TOK["manager"], TOK["cashier"], TOK["stock-clerk"]
V1 = "/api/v1/"

# ---- open routes and the first answers
st, h, b = srv.req("GET", V1 + "health")
check(st == 200 and b["status"] == "ok" and b["sales"] is True, f"health: {st} {b}")
check(h.get("content-type", "").startswith("application/json"), f"health content type {h}")
st, _, b = srv.req("GET", V1 + "openapi.json", token=M)
check(st == 200 and b.get("openapi", "").startswith("3.") and V1 + "sales" in json.dumps(b), f"openapi: {st}")
st, _, b = srv.req("GET", "/nothing/here", token=M)
check(st == 404 and L.err_code(b) == "not_found", f"unknown path: {st} {b}")
st, _, b = srv.req("PUT", V1 + "health")
check(st == 405, f"wrong method: {st} {b}")

# ---- reads
st, _, b = srv.req("GET", V1 + "products/" + L.NUTELLA, token=CASH)
check(st == 200 and b["name_zh"] == "榛子可可酱" and b["price"] == 3990 and b["currency"] == "CNY", f"product: {b}")
st, _, b = srv.req("GET", V1 + "products/8712345678913", token=CASH)
check(st == 404 and L.err_code(b) == "not_found", f"unknown product: {st} {b}")
st, _, b = srv.req("GET", V1 + "products?q=%E6%8A%B9%E8%8C%B6", token=CASH)  # 抹茶
check(st == 200 and [p["gtin"] for p in b["products"]] == ["0" + L.MATCHA], f"search: {b}")
st, _, b = srv.req("GET", V1 + "products?q=mocha&limit=1", token=CASH)  # its pinyin (issue 14)
check(st == 200 and [p["gtin"] for p in b["products"]] == ["0" + L.MATCHA], f"pinyin search: {b}")
st, _, b = srv.req("GET", V1 + "products?limit=0", token=CASH)
check(st == 422 and L.err_field(b) == "limit", f"limit 0: {st} {b}")
for path, field in (("users?all=yes", "all"), ("tokens?all=2", "all"), ("products?limit=%2B5", "limit"),
                    ("products?limit=99999999999999999999", "limit")):
    st, _, b = srv.req("GET", V1 + path, token=M)
    check(st == 422 and L.err_field(b) == field, f"{path}: {st} {b}")
st, _, b = srv.req("DELETE", V1 + "tokens/99999999999999999999", token=M)  # past 64 bits: not another number
check(st == 422 and L.err_field(b) == "id" and "9223372036854775807" not in json.dumps(b), f"token id past 64 bits: {b}")
st, _, b = srv.req("GET", V1 + "scan?code=%5DC1010" + L.COLA + "10K1", token=CASH)
check(st == 200 and b["commodity"]["name"] == "可口可乐" and b["commodity"]["lot_state"] == "ok", f"scan: {st} {b}")
st, _, b = srv.req("GET", V1 + "scan?code=4006381333932", token=CASH)
check(st == 422 and "check digit" in b["error"]["message"], f"scan bad check digit: {st} {b}")
st, _, b = srv.req("GET", V1 + "stock?by=lot", token=CASH)
check(st == 200 and {r["lot"]: r["qty"] for r in b["levels"]}.get("N1") == 5000, f"stock by lot: {b}")
check(b["levels"] and all("value" not in r and "cost_currency" not in r for r in b["levels"]),
      f"stock by lot: a cashier is not shown what the stock cost: {b}")
st, _, b = srv.req("GET", V1 + "stock?by=lot", token=M)
check(st == 200 and b["levels"] and all("value" in r and "cost_currency" in r for r in b["levels"]), f"stock by lot: the manager is shown the costs: {b}")
check(b["levels"] and all(r["value"] is None and r["reorder_point"] is None for r in b["levels"] if r["cost_currency"] is None),
      f"stock by lot: no cost and no reorder point are null, not 0: {b}")
st, _, b = srv.req("GET", V1 + "stock?by=shelf", token=CASH)
check(st == 422 and L.err_field(b) == "by", f"stock by shelf: {st} {b}")
st, _, b = srv.req("GET", V1 + "stock/low", token=CASH)
check(st == 200 and isinstance(b["levels"], list), f"stock low: {st}")
st, _, b = srv.req("GET", V1 + "stock/expiring?before=2035-04-01", token=CASH)
check(st == 200 and [r["lot"] for r in b["levels"]] == ["K1"], f"expiring: {st} {b}")
st, _, b = srv.req("GET", V1 + "stock/expiring?before=2035-02-30", token=CASH)
check(st == 422, f"expiring bad date: {st} {b}")

# ---- markup in a name comes back as JSON data, never as markup
st, h, raw = srv.req("GET", V1 + "products/" + L.SCRIPT, token=CASH)
check(st == 200 and raw["name_zh"] == L.SCRIPT_NAME, f"script name as data: {raw}")
check(h.get("x-content-type-options") == "nosniff" and "html" not in h.get("content-type", ""), f"headers {h}")
c = srv.conn()
c.request("GET", V1 + "products/" + L.SCRIPT, headers={"Authorization": "Bearer " + CASH})
text = c.getresponse().read().decode()
c.close()
check("</script>" not in text and "<\\/script>" in text, f"</script> escaped in the JSON text: {text[:200]}")

# ---- writes through the writer
st, _, b = srv.req("POST", V1 + "stock/receive", {"product": L.MATCHA, "qty": 40, "lot": "M1", "origin": "JP",
                                                   "expiry": "2034-01-31", "location": "B1"}, token=CLERK)
check(st == 201 and len(b.get("lot_uuid", "")) == 36, f"receive: {st} {b}")
st, _, b = srv.req("POST", V1 + "stock/move", {"product": L.MATCHA, "from": "B1", "to": "S1", "qty": 15},
                   token=CLERK)
check(st == 200, f"move: {st} {b}")
st, _, b = srv.req("POST", V1 + "stock/adjust", {"product": L.MATCHA, "location": "S1", "delta": -1,
                                                  "reason": "damage", "note": "dropped"}, token=CLERK)
check(st == 200, f"adjust: {st} {b}")
st, _, b = srv.req("GET", V1 + "stock/history/" + L.MATCHA, token=M)
moves = b.get("moves", []) if st == 200 else []
check([m["kind"] for m in moves][:1] == ["receive"] and moves[-1]["balance"] == 39, f"history: {st} {b}")
check(all(m["user"] == "stock-clerk1" or m["user"] == TOK["users"]["stock-clerk"] for m in moves), f"who: {moves}")

# ---- bad input: the answer names what was wrong; nothing is written
before = L.dump()
MOVE = V1 + "stock/move"
rows = [
    # (what, method, path, raw body, content type, status, code, field)
    ("malformed JSON", "POST", MOVE, b'{"product": ', "application/json", 400, "malformed", None),
    ("not UTF-8", "POST", MOVE, b'{"product": "\xff\xfe", "from": "S1", "to": "S2", "qty": 1}', "application/json",
     400, "malformed", None),
    ("JSON NUL escape", "POST", MOVE, b'{"product": "a\\u0000b", "from": "S1", "to": "S2", "qty": 1}',
     "application/json", 400, "malformed", None),
    ("duplicate key", "POST", MOVE, b'{"qty": 1, "qty": 2, "product": "x", "from": "S1", "to": "S2"}',
     "application/json", 400, "malformed", None),
    ("wrong content type", "POST", MOVE, b'{"product": "x"}', "text/plain", 415, "unsupported_media_type", None),
    ("form content type", "POST", MOVE, b"product=x", "application/x-www-form-urlencoded", 415,
     "unsupported_media_type", None),
    ("no body", "POST", MOVE, None, None, 422, "invalid", None),
    ("an array", "POST", MOVE, b"[1,2]", "application/json", 422, "invalid", None),
    ("unknown field", "POST", MOVE, b'{"product": "%s", "from": "S1", "to": "S2", "qty": 1, "qtty": 2}'
     % L.PEN.encode(), "application/json", 422, "unknown_field", "qtty"),
    ("qty as text", "POST", MOVE, b'{"product": "%s", "from": "S2", "to": "S1", "qty": "1"}' % L.PEN.encode(),
     "application/json", 422, "invalid", "qty"),
    ("qty fraction", "POST", MOVE, b'{"product": "%s", "from": "S2", "to": "S1", "qty": 1.5}' % L.PEN.encode(),
     "application/json", 422, "invalid", "qty"),
    ("qty huge", "POST", MOVE, b'{"product": "%s", "from": "S2", "to": "S1", "qty": 99999999999999999999}'
     % L.PEN.encode(), "application/json", 400, "malformed", None),
    ("missing to", "POST", MOVE, b'{"product": "%s", "from": "S2", "qty": 1}' % L.PEN.encode(),
     "application/json", 422, "invalid", "to"),
    ("too much", "POST", MOVE, b'{"product": "%s", "from": "S2", "to": "S1", "qty": 6000}' % L.PEN.encode(),
     "application/json", 409, "no_stock", None),
    ("unknown place", "POST", MOVE, b'{"product": "%s", "from": "S2", "to": "NOWHERE", "qty": 1}' % L.PEN.encode(),
     "application/json", 404, "not_found", None),
    ("body over the limit", "POST", MOVE, b'{"note": "' + b"x" * 5000 + b'"}', "application/json", 413,
     "too_large", None),
    ("receive without lot fields typed", "POST", V1 + "stock/receive", b'{"product": 5, "qty": 1, "location": "S1"}',
     "application/json", 422, "invalid", "product"),
    ("sale with a bad line", "POST", V1 + "sales", json.dumps({"counter": "C1", "lines": [{"code": L.PEN},
     {"code": L.COLA, "qty": "2"}], "payments": [{"method": "cash"}]}).encode(), "application/json", 422, "invalid",
     "lines[1].qty"),
    ("damage that adds", "POST", V1 + "stock/adjust", b'{"product": "%s", "location": "S2", "delta": 3, "reason": "damage"}'
     % L.PEN.encode(), "application/json", 422, "invalid", "delta"),
    ("found that takes away", "POST", V1 + "stock/adjust", b'{"product": "%s", "location": "S2", "delta": -3, '
     b'"reason": "found"}' % L.PEN.encode(), "application/json", 422, "invalid", "delta"),
    ("sale of a line of 0", "POST", V1 + "sales", json.dumps({"counter": "C1", "lines": [{"code": L.PEN, "qty": 0}],
     "payments": [{"method": "cash"}]}).encode(), "application/json", 422, "invalid", "lines[0].qty"),
    ("sale with no lines", "POST", V1 + "sales", b'{"counter": "C1", "lines": [], "payments": [{"method": "cash"}]}',
     "application/json", 422, "invalid", "lines"),
    ("sale of an unknown code", "POST", V1 + "sales", json.dumps({"counter": "C1", "lines": [{"code": L.PEN},
     {"code": "8712345678913"}], "payments": [{"method": "cash"}]}).encode(), "application/json", 404, "not_found",
     "lines[1]"),
    ("sale of too many", "POST", V1 + "sales", json.dumps({"counter": "C1", "lines": [{"code": L.PEN, "qty": 9000}],
     "payments": [{"method": "cash"}]}).encode(), "application/json", 409, "no_stock", "lines[0]"),
    ("sale of the unstocked", "POST", V1 + "sales", json.dumps({"counter": "C1", "lines": [{"code": L.SCRIPT}],
     "payments": [{"method": "cash"}]}).encode(), "application/json", 409, "no_stock", "lines[0]"),
    ("sale unpaid method", "POST", V1 + "sales", json.dumps({"counter": "C1", "lines": [{"code": L.PEN}],
     "payments": [{"method": "iou"}]}).encode(), "application/json", 422, "invalid", "payments[0]"),
    ("sale bad counter", "POST", V1 + "sales", json.dumps({"counter": "C 1!", "lines": [{"code": L.PEN}],
     "payments": [{"method": "cash"}]}).encode(), "application/json", 422, "invalid", None),
]
for what, method, path, raw, ctype, want, code, field in rows:
    st, _, b = srv.req(method, path, raw=raw, ctype=ctype, token=M)
    check(st == want and L.err_code(b) == code and L.err_field(b) == field,
          f"{what}: {st} {b}, want {want} {code} {field}")
    check(isinstance(b, dict) and b["error"]["message"], f"{what}: a message")
st, _, b = srv.req("GET", V1 + "products?q=%FF%FE", token=M)
check(st == 400 and L.err_field(b) == "q", f"a query that is not UTF-8: {st} {b}")
st, _, b = srv.req("GET", V1 + "products/%FF", token=M)
check(st == 400 and L.err_code(b) == "malformed", f"a code in the path that is not UTF-8: {st} {b}")
c = srv.conn()  # a chunked body (no Content-Length) over the limit
c.request("POST", MOVE, body=iter([b'{"note": "', b"y" * 3000, b"z" * 3000, b'"}']), encode_chunked=True,
          headers={"Content-Type": "application/json", "Authorization": "Bearer " + M, "Transfer-Encoding": "chunked"})
r = c.getresponse()
b = json.loads(r.read())
c.close()
check(r.status == 413 and L.err_code(b) == "too_large", f"a chunked body over the limit: {r.status} {b}")
after = L.dump()
check(after == before, "bad input changed the database: " + "".join(
    difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0))[:2000])

# ---- a whole basket in one request
sale = {"counter": "C1", "lines": [{"code": L.NUTELLA, "qty": 2}, {"code": L.COLA}, {"code": L.PEN, "qty": 3}],
        "payments": [{"method": "card", "amount": 2000}, {"method": "cash", "amount": 10000}]}
st, _, b = srv.req("POST", V1 + "sales", sale, token=CASH)
check(st == 201 and b["total"] == 2 * 3990 + 350 + 3 * 850 and len(b["uuid"]) == 36, f"sale: {st} {b}")
check(st == 201 and "榛子可可酱" in b.get("receipt_text", ""), f"receipt text: {b}")
if st == 201:
    rows = L.query("SELECT kind, total, counter FROM journal WHERE uuid = ?", b["uuid"])
    check(rows == [("SALE", 10880, "C1")], f"journal record of the sale: {rows}")

# ---- a slow client is cut off (--timeout 2); a whole request still works
s = socket.create_connection(("127.0.0.1", srv.port), timeout=20)
s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")  # never finishes its headers
check(s.recv(100) == b"", "a slow client is disconnected")
s.close()
s = socket.create_connection(("127.0.0.1", srv.port), timeout=20)
s.sendall(b"POST /api/v1/stock/move HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          b"Authorization: Bearer " + M.encode() + b"\r\nContent-Length: 50\r\n\r\n{\"product\":")
got = s.recv(1000)
check(got == b"" or b" 408 " in got.split(b"\r\n")[0], f"a half-sent body is cut off: {got[:80]}")
s.close()

# ---- a second server on the port in use is refused, not given half the requests
p = subprocess.run([L.ENTREPOT, "serve", "--db", L.DB, "--listen", f"127.0.0.1:{srv.port}"], capture_output=True,
                   text=True, timeout=10)
check(p.returncode == 3 and "cannot listen on 127.0.0.1:%d" % srv.port in p.stderr, f"port in use: {p.returncode} {p.stderr}")

missing = os.path.join(L.WORK, "missing.db")
p = subprocess.run([L.ENTREPOT, "serve", "--db", missing, "--listen", "127.0.0.1:0"], capture_output=True, text=True,
                   timeout=10)
check(p.returncode == 3 and p.stderr.count("missing.db") == 1 and "(create one with `entrepot init`)" in p.stderr,
      f"no database: what to do, the file named once: {p.returncode} {p.stderr}")

# ---- the log: one line per request, no query, no secrets
srv.req("GET", V1 + "products?q=secretquery", token=M)
st, _, b = srv.req("DELETE", V1 + "tokens/" + M, token=M)  # the secret pasted for the id
check(st == 422 and M[:12] not in json.dumps(b), f"a secret given for a token's id is not echoed: {st} {b}")
st, _, b = srv.req("GET", V1 + "products/" + M, token=M)
check(st == 404 and M[:12] not in json.dumps(b), f"a secret given for a code is not echoed: {st} {b}")
log = srv.log_text()
check(M[:12] not in log, "the log holds no part of a secret sent in a path")
check("secretquery" not in log and M not in log, "the log holds no query and no token")
check(any(" GET /api/v1/products 200 " in l for l in log.splitlines()), "a log line per request")

# ---- too many connections: the one over the limit is closed, the others are served
lim = L.Server("--max-connections", "3", "--threads", "1", "--timeout", "60")
held = [socket.create_connection(("127.0.0.1", lim.port), timeout=20) for _ in range(3)]
for s in held:  # each answered once, then kept open (keep-alive)
    s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
    check(b" 200 " in s.recv(4096).split(b"\r\n")[0], "a connection under the limit is served")
extra = socket.create_connection(("127.0.0.1", lim.port), timeout=20)
try:
    extra.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
    got = extra.recv(4096)
except ConnectionResetError:
    got = b""
check(got == b"", f"the connection over the limit is closed: {got[:60]}")
extra.close()
held[0].close()
st = 0
for _ in range(50):  # the slot frees once the server has seen the close: retried, not timed
    try:
        st = lim.req("GET", V1 + "health")[0]
        break
    except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError):
        continue
check(st == 200, f"served again once a connection closed: {st}")
for s in held[1:]:
    s.close()
check(lim.stop() == 0, "SIGTERM exits 0 (limited server)")
check(all(l.startswith(("20", "entrepot: ")) for l in lim.log_text().splitlines()),
      "the log holds request lines and entrepot's own, nothing else (--threads 1)")

# ---- SIGTERM: what is in flight is finished, what comes after is 503, exit 0
body = json.dumps({"counter": "C9", "lines": [{"code": L.PEN}], "payments": [{"method": "cash"}]}).encode()
slow = srv.conn(timeout=60)
slow.putrequest("POST", V1 + "sales")
for k, v in (("Content-Type", "application/json"), ("Authorization", "Bearer " + CASH),
             ("Content-Length", str(len(body)))):
    slow.putheader(k, v)
slow.endheaders()
slow.send(body[:10])  # in flight: headers and part of the body
idle = srv.conn()
check(srv.req("GET", V1 + "health", conn=idle)[0] == 200, "a keep-alive connection before SIGTERM")
srv.p.send_signal(signal.SIGTERM)
codes = []
while not codes or codes[-1] == 200:  # until the server has taken the signal (each answered: no sleep)
    st, h, b = srv.req("GET", V1 + "health", conn=idle)
    codes.append(st)
    if len(codes) > 100000:
        break
check(codes[-1] == 503 and L.err_code(b) == "shutting_down", f"a request after SIGTERM: {codes[-1]} {b}")
slow.send(body[10:])
r = slow.getresponse()
done = json.loads(r.read())
check(r.status == 201, f"the sale in flight at SIGTERM is finished: {r.status} {done}")
check(srv.p.wait(timeout=60) == 0, "SIGTERM exits 0")
srv.p.stdout.close()
srv.log.close()
if r.status == 201:
    check(L.query("SELECT kind FROM journal WHERE uuid = ?", done["uuid"]) == [("SALE",)], "its journal record")
check(L.query("SELECT count(*) FROM journal_session") == [(0,)], "the session was closed")
srv2 = L.Server()
check(L.query("SELECT count(*) FROM journal WHERE kind = 'EVENT'") == [(0,)], "no unclean-shutdown event")
check(srv2.stop() == 0, "SIGTERM again")
L.finish()
