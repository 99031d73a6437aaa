#!/usr/bin/env python3
"""Who may call what: every route x every role (allowed, or 403), no session
or a bad token (401); login, the session cookie and its CSRF token, logout;
login slowing; users and tokens over the API; the OpenAPI document names
exactly the routes there are; HTTPS with --tls-cert (cookies get Secure)."""
import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import serve_lib as L  # noqa: E402
from serve_lib import check  # noqa: E402

L.make_store()
srv = L.Server("--threads", "2")
TOK = L.make_tokens()
V1 = "/api/v1/"

# What each role may (the library's table, README "Users, roles and tokens").
MAY = {
    "cashier": {"sell", "return"},
    "supervisor": {"sell", "return", "approve", "read"},
    "stock-clerk": {"stock"},
    "label-clerk": {"labels"},
    "manager": {"sell", "return", "approve", "stock", "labels", "catalog", "users", "settings", "read"},
    "auditor": {"read"},
}
# (method, path, rights that open it: None = open, "any" = any user). Writes
# carry an empty object, so that an allowed call stops at its body (422) and
# writes nothing.
ROUTES = [
    ("GET", "health", None),
    ("POST", "login", None),
    ("GET", "me", "any"),
    ("GET", "openapi.json", "any"),
    ("GET", "products", "any"),
    ("GET", "products/" + L.NUTELLA, "any"),
    ("GET", "scan?code=" + L.NUTELLA, "any"),
    ("GET", "stock", "any"),
    ("GET", "stock/low", "any"),
    ("GET", "stock/expiring?before=2030-01-01", "any"),
    ("GET", "stock/history/" + L.NUTELLA, {"read", "stock"}),
    ("POST", "stock/receive", {"stock"}),
    ("POST", "stock/move", {"stock"}),
    ("POST", "stock/adjust", {"stock"}),
    ("POST", "sales", {"sell"}),
    ("GET", "users", {"users"}),
    ("POST", "users", {"users"}),
    ("PATCH", "users/nobody", {"users"}),
    ("DELETE", "users/nobody.x", {"users"}),
    ("GET", "tokens", {"users"}),
    ("POST", "tokens", {"users"}),
    ("DELETE", "tokens/999999", {"users"}),
    # catalogue, locations, counts, reports, journal, store (test_serve_stock.py)
    ("POST", "products", {"catalog"}),
    ("PATCH", "products/00000000", {"catalog"}),
    ("DELETE", "products/00000000", {"catalog"}),
    ("GET", "products/history/" + L.NUTELLA, {"read", "catalog"}),
    ("GET", "catalog/export", {"catalog", "read"}),
    ("POST", "catalog/import", {"catalog"}),
    ("GET", "locations", "any"),
    ("GET", "countries", "any"),
    ("GET", "currencies", "any"),
    # purchasing (test_serve_purchase.py): the manager writes, the auditor reads,
    # the stock clerk receives against an order
    ("GET", "suppliers", {"catalog", "read"}),
    ("POST", "suppliers", {"catalog"}),
    ("POST", "suppliers/import", {"catalog"}),
    ("GET", "suppliers/NOPE/X", {"catalog", "read"}),
    ("PATCH", "suppliers/NOPE/X", {"catalog"}),
    ("POST", "supplier-items", {"catalog"}),
    ("DELETE", "supplier-items", {"catalog"}),
    ("POST", "supplier-items/import", {"catalog"}),
    ("GET", "purchases", {"catalog", "read"}),
    ("POST", "purchases", {"catalog"}),
    ("GET", "purchases/PO-404", {"catalog", "read"}),
    ("POST", "purchases/lines", {"catalog"}),
    ("DELETE", "purchases/lines", {"catalog"}),
    ("POST", "purchases/send", {"catalog"}),
    ("POST", "purchases/cancel", {"catalog"}),
    ("POST", "purchases/close", {"catalog"}),
    ("POST", "purchases/receive", {"stock"}),
    ("GET", "purchases/suggestions", {"catalog", "read"}),
    ("POST", "purchases/suggestions", {"catalog"}),
    ("GET", "purchases/pdf/PO-404", {"catalog", "read"}),
    ("GET", "purchases/history/PO-404", {"catalog", "read"}),
    ("GET", "receiving", {"stock"}),
    ("GET", "receiving/PO-404", {"stock"}),
    ("GET", "rates", {"catalog", "read"}),
    ("POST", "rates", {"catalog"}),
    ("POST", "rates/import", {"catalog"}),
    ("POST", "declarations", {"catalog"}),
    ("POST", "landed", {"catalog"}),
    ("GET", "margins", {"catalog", "read"}),
    ("POST", "locations", {"catalog"}),
    ("PATCH", "locations/NOPE", {"catalog"}),
    ("POST", "stock/scrap", {"stock"}),
    ("GET", "counts", {"stock", "read"}),
    ("GET", "counts/00000000", {"stock", "read"}),
    ("POST", "counts", {"stock"}),
    ("POST", "counts/record/00000000", {"stock"}),
    ("POST", "counts/post/00000000", {"stock"}),
    ("GET", "reports/sales", {"read"}),
    ("GET", "reports/flow", {"read"}),
    ("GET", "sync/status", {"read"}),
    # head office's chain-wide views (tests/hq/test_hq_views.py): here without --hq-read, so 503 once allowed
    ("GET", "hq/stock", {"read"}),
    ("GET", "hq/sales", {"read"}),
    ("GET", "hq/flow", {"read"}),
    ("GET", "hq/expiring", {"read"}),
    ("GET", "hq/holders", {"read"}),
    ("POST", "flow/import", {"settings"}),
    ("GET", "journal/closings", {"read"}),
    ("POST", "journal/close", {"approve"}),
    ("GET", "journal/verify", {"read"}),
    ("GET", "journal/export", {"read"}),
    ("GET", "journal/pubkey", {"read"}),
    ("GET", "store", "any"),
    ("PATCH", "store", {"settings"}),
    # the counter through the server: the bodies stop at their checks, C9 has no basket
    ("POST", "counters/C9/basket/lines", {"sell"}),
    ("GET", "counters/C9/basket", {"sell"}),
    ("DELETE", "counters/C9/basket", {"sell"}),
    ("PATCH", "counters/C9/basket/lines/1", {"sell"}),
    ("DELETE", "counters/C9/basket/lines/1", {"sell"}),
    ("POST", "counters/C9/basket/pay", {"sell"}),
    ("POST", "counters/C9/basket/payments", {"sell"}),
    ("DELETE", "counters/C9/basket/payments/1", {"sell"}),
    ("POST", "counters/C9/basket", {"sell"}),
    ("POST", "sales/returns", {"sell", "return"}),
    ("POST", "sales/999999/void", {"sell", "return"}),
    ("GET", "sales/999999/receipt", {"sell", "read"}),
    ("GET", "sales/999999", {"sell", "read"}),
    ("POST", "sales/999999/print", {"sell", "return"}),
    ("GET", "receipt-printers", {"sell", "read"}),
    ("GET", "labels/templates", {"labels", "read"}),
    ("GET", "labels/preview", {"labels", "catalog"}),
    ("POST", "labels/print", {"labels"}),
    ("GET", "labels/queue", {"labels", "read"}),
    ("POST", "labels/queue/print", {"labels"}),
    ("DELETE", "labels/queue?upto=x", {"labels"}),
    ("POST", "labels/queue", {"labels", "stock"}),
]
def dump_but_token_use():
    """The database but the tokens' last use, which every call records, the
    failed logins of the name used to wait for that, and the kept baskets
    (opening a basket, which the table does, keeps it: schema 14)."""
    return [l for l in L.dump().splitlines()
            if not l.startswith('INSERT INTO "api_token"') and not l.startswith('INSERT INTO "login_failure"')
            and not l.startswith('INSERT INTO "basket')]


before = dump_but_token_use()
for method, path, rights in ROUTES:
    body = {} if method in ("POST", "PATCH") else None
    st, _, b = srv.req(method, V1 + path, body)
    if rights is None:
        check(st not in (401, 403), f"{method} {path} without a session: {st}")
    else:
        check(st == 401 and L.err_code(b) == "unauthorized", f"{method} {path} without a session: {st} {b}")
        st, _, b = srv.req(method, V1 + path, body, token="ent_" + "A" * 43)
        check(st == 401, f"{method} {path} with an unknown token: {st} {b}")
    for role in L.ROLES:
        st, _, b = srv.req(method, V1 + path, body, token=TOK[role])
        allowed = rights is None or rights == "any" or bool(rights & MAY[role])
        if allowed:
            check(st not in (401, 403), f"{method} {path} as {role}: {st} {b}")
        else:
            check(st == 403 and L.err_code(b) == "forbidden", f"{method} {path} as {role}: {st}, want 403 {b}")
srv.req("POST", V1 + "login", {"name": "nobody.here", "password": "not a password"})  # the uses recorded
after = dump_but_token_use()
check(after == before, f"the role table wrote nothing (but the tokens' use): {set(after) ^ set(before)}")

# The OpenAPI document names exactly the routes there are.
st, _, doc = srv.req("GET", V1 + "openapi.json", token=TOK["manager"])
documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
served = {(m, "/api/v1/" + p.split("?")[0]) for m, p, _ in ROUTES}
subst = {"/api/v1/products/" + L.NUTELLA: "/api/v1/products/{code}",
         "/api/v1/stock/history/" + L.NUTELLA: "/api/v1/stock/history/{code}",
         "/api/v1/users/nobody": "/api/v1/users/{name}", "/api/v1/users/nobody.x": "/api/v1/users/{name}",
         "/api/v1/tokens/999999": "/api/v1/tokens/{id}",
         "/api/v1/products/00000000": "/api/v1/products/{code}",
         "/api/v1/products/history/" + L.NUTELLA: "/api/v1/products/history/{code}",
         "/api/v1/locations/NOPE": "/api/v1/locations/{code}", "/api/v1/purchases/PO-404": "/api/v1/purchases/{number}",
         "/api/v1/suppliers/NOPE/X": "/api/v1/suppliers/{code}",
         "/api/v1/purchases/pdf/PO-404": "/api/v1/purchases/pdf/{number}",
         "/api/v1/purchases/history/PO-404": "/api/v1/purchases/history/{number}",
         "/api/v1/receiving/PO-404": "/api/v1/receiving/{number}", "/api/v1/counts/00000000": "/api/v1/counts/{id}",
         "/api/v1/counts/record/00000000": "/api/v1/counts/record/{id}",
         "/api/v1/counts/post/00000000": "/api/v1/counts/post/{id}",
         "/api/v1/counters/C9/basket": "/api/v1/counters/{counter}/basket",
         "/api/v1/counters/C9/basket/lines": "/api/v1/counters/{counter}/basket/lines",
         "/api/v1/counters/C9/basket/lines/1": "/api/v1/counters/{counter}/basket/lines/{line}",
         "/api/v1/counters/C9/basket/pay": "/api/v1/counters/{counter}/basket/pay",
         "/api/v1/counters/C9/basket/payments": "/api/v1/counters/{counter}/basket/payments",
         "/api/v1/counters/C9/basket/payments/1": "/api/v1/counters/{counter}/basket/payments/{n}",
         "/api/v1/sales/999999/void": "/api/v1/sales/{receipt}/void",
         "/api/v1/sales/999999/receipt": "/api/v1/sales/{receipt}/receipt",
         "/api/v1/sales/999999": "/api/v1/sales/{receipt}",
         "/api/v1/sales/999999/print": "/api/v1/sales/{receipt}/print"}
# The event stream (any user) never ends: test_serve_events.py opens it per role.
served = {(m, subst.get(p, p)) for m, p in served} | {("POST", "/api/v1/logout"), ("GET", "/api/v1/events")}
check(documented == served, f"OpenAPI vs routes: {sorted(documented ^ served)}")

# ---- login, cookie, CSRF, logout
clerk = TOK["users"]["stock-clerk"]
st, h, b = srv.req("POST", V1 + "login", {"name": clerk, "password": "hunter2-xyz"})
check(st == 401 and "set-cookie" not in h and "hunter2-xyz" not in json.dumps(b), f"bad login: {st} {b}")
st, h, b = srv.req("POST", V1 + "login", {"name": clerk, "password": L.PASSWORD, "device": "手持 1"})
cookie_hdr = h.get("set-cookie", "")
check(st == 200 and b["role"] == "stock-clerk" and len(b.get("csrf", "")) > 20, f"login: {st} {b}")
check(all(a in cookie_hdr for a in ("HttpOnly", "SameSite=Strict", "Path=/")) and "Secure" not in cookie_hdr,
      f"cookie attributes: {cookie_hdr}")
cookie, csrf = cookie_hdr.split(";")[0], b.get("csrf")
check(cookie.split("=", 1)[1] not in srv.log_text(), "the session token is not logged")
st, _, b = srv.req("GET", V1 + "me", cookie=cookie)
check(st == 200 and b["user"] == clerk and b["device"] == "手持 1" and b["csrf"] == csrf, f"me: {st} {b}")
move = {"product": L.PEN, "from": "S2", "to": "S1", "qty": 1}
st, _, b = srv.req("POST", V1 + "stock/move", move, cookie=cookie)
check(st == 403 and L.err_code(b) == "csrf", f"a write without the CSRF token: {st} {b}")
st, _, b = srv.req("POST", V1 + "stock/move", move, cookie=cookie, csrf="x" * len(csrf))
check(st == 403 and L.err_code(b) == "csrf", f"a wrong CSRF token: {st} {b}")
st, _, b = srv.req("POST", V1 + "stock/move", move, cookie=cookie, csrf=csrf)
check(st == 200, f"a write with the CSRF token: {st} {b}")
st, _, b = srv.req("GET", V1 + "stock/history/" + L.PEN, cookie=cookie)
check(st == 200 and b["moves"][-1]["user"] == clerk, f"the move records who: {b}")
st, _, b = srv.req("POST", V1 + "sales", {"counter": "C1", "lines": [{"code": L.PEN}],
                                          "payments": [{"method": "cash"}]}, cookie=cookie, csrf=csrf)
check(st == 403 and L.err_code(b) == "forbidden", f"a stock clerk may not sell: {st} {b}")
st, h, b = srv.req("POST", V1 + "logout", cookie=cookie, csrf=csrf)
check(st == 200 and "Max-Age=0" in h.get("set-cookie", ""), f"logout: {st} {h}")
st, _, b = srv.req("GET", V1 + "me", cookie=cookie)
check(st == 401, f"the session ended: {st} {b}")
st, _, b = srv.req("POST", V1 + "logout", token=TOK["manager"])
check(st == 422, f"a token does not log out: {st} {b}")

# ---- failed logins are slowed (429 with Retry-After), a good one is refused meanwhile
aud = TOK["users"]["auditor"]
got = [srv.req("POST", V1 + "login", {"name": aud, "password": "not it at all"}) for _ in range(3)]
codes = [g[0] for g in got]
st, h, b = srv.req("POST", V1 + "login", {"name": aud, "password": L.PASSWORD})
check(codes == [401] * 3 and st == 429 and int(h.get("retry-after", "0")) > 0, f"slowed: {codes} {st} {h} {b}")
check("try again in" in got[2][2]["error"]["message"] and int(got[2][1].get("retry-after", "0")) > 0,
      f"the failure that starts the wait gives Retry-After too: {got[2]}")

# ---- users and tokens over the API (manager)
M = TOK["manager"]
before = L.dump()
st, _, b = srv.req("POST", V1 + "users", {"name": "wang", "display": "<b>王芳</b>", "role": "chief",
                                          "password": L.PASSWORD}, token=M)
check(st == 422 and L.err_field(b) == "role" and L.dump() == before, f"unknown role: {st} {b}")
st, _, b = srv.req("POST", V1 + "users", {"name": "wang", "display": "<b>王芳</b>", "role": "cashier",
                                          "password": "zq9x1"}, token=M)
check(st == 422 and "zq9x1" not in b["error"]["message"] and L.dump() == before, f"short password: {st} {b}")
st, _, b = srv.req("POST", V1 + "users", {"name": "wang", "display": "<b>王芳</b>", "role": "cashier",
                                          "password": L.PASSWORD}, token=M)
check(st == 201, f"user add: {st} {b}")
st, _, b = srv.req("POST", V1 + "users", {"name": "wang", "role": "cashier", "password": L.PASSWORD}, token=M)
check(st == 409 and L.err_code(b) == "exists", f"user add twice: {st} {b}")
st, _, b = srv.req("GET", V1 + "users", token=M)
check({u["name"]: u["display"] for u in b["users"]}.get("wang") == "<b>王芳</b>", f"user list: {b}")
st, _, b = srv.req("PATCH", V1 + "users/wang", {"role": "supervisor"}, token=M)
check(st == 200, f"user edit: {st} {b}")
st, _, b = srv.req("POST", V1 + "tokens", {"user": "wang", "device": "收银台 2"}, token=M)
check(st == 201 and b["secret"].startswith("ent_"), f"token add: {st} {b}")
wang_tok, wang_id = b["secret"], b["id"]
check(wang_tok not in srv.log_text(), "a new token's secret is not logged")
st, _, b = srv.req("GET", V1 + "me", token=wang_tok)
check(st == 200 and b["role"] == "supervisor", f"the new token: {st} {b}")
# The login thread records a token's use after answering; a login (queued
# behind it, on the same thread) is answered after it is done.
srv.req("POST", V1 + "login", {"name": "nobody.here", "password": "not a password"})
st, _, b = srv.req("GET", V1 + "tokens", token=M)
check(wang_tok not in json.dumps(b) and any(t["id"] == wang_id for t in b["tokens"]), f"token list: {b}")
used = [t["last_used"] for t in b["tokens"] if t["id"] == wang_id]
check(used and used[0], f"the token's use is recorded: {used}")
st, _, b = srv.req("DELETE", V1 + "tokens/%d" % wang_id, token=M)
check(st == 200, f"token revoke: {st} {b}")
st, _, b = srv.req("GET", V1 + "me", token=wang_tok)
check(st == 401, f"a revoked token: {st} {b}")
st, _, b = srv.req("DELETE", V1 + "users/wang", token=M)
check(st == 200, f"user retire: {st} {b}")
st, _, b = srv.req("POST", V1 + "login", {"name": "wang", "password": L.PASSWORD})
check(st == 403, f"a retired user cannot log in: {st} {b}")
check(srv.stop() == 0, "SIGTERM exits 0")

# ---- HTTPS: the same API, and the cookie is Secure
if shutil.which("openssl"):
    cert, key = os.path.join(L.WORK, "cert.pem"), os.path.join(L.WORK, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    srv = L.Server("--tls-cert", cert, "--tls-key", key)
    ctx = ssl.create_default_context(cafile=cert)
    ctx.check_hostname = False
    c = http.client.HTTPSConnection("127.0.0.1", srv.port, context=ctx, timeout=30)
    c.request("POST", V1 + "login", body=json.dumps({"name": clerk, "password": L.PASSWORD}),
              headers={"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    check(r.status == 200 and "Secure" in (r.getheader("Set-Cookie") or ""), f"TLS login: {r.status}")
    c.close()
    check(srv.stop() == 0, "SIGTERM exits 0 (TLS)")
L.finish()
