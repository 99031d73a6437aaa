#!/usr/bin/env python3
"""Users and tokens over the API, the rest of them: a change of role counts
at the next request; a retired user's session and tokens stop working at
once; a new password ends the user's sessions; bad input to every users and
tokens route refused with the database unchanged."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import serve_lib as L  # noqa: E402
from serve_lib import check  # noqa: E402

L.make_store()
srv = L.Server("--threads", "2")
TOK = L.make_tokens()
V1 = "/api/v1/"
M = TOK["manager"]


def login(name, password=L.PASSWORD):
    st, h, b = srv.req("POST", V1 + "login", {"name": name, "password": password, "device": "柜台 3"})
    check(st == 200, f"login {name}: {st} {b}")
    return h.get("set-cookie", "").split(";")[0], b.get("csrf")


def dump():
    """The database but what every call records (tokens' and sessions' use)."""
    skip = ('INSERT INTO "api_token"', 'INSERT INTO "login_failure"', 'INSERT INTO "user_session"')
    return [l for l in L.dump().splitlines() if not l.startswith(skip)]


for name in ("li", "zhao"):
    st, _, b = srv.req("POST", V1 + "users", {"name": name, "display": "李 " + name, "role": "cashier",
                                              "password": L.PASSWORD}, token=M)
    check(st == 201, f"add {name}: {st} {b}")
st, _, b = srv.req("POST", V1 + "tokens", {"user": "li", "device": "扫描枪 1"}, token=M)
check(st == 201, f"li's token: {st} {b}")
li_tok, li_tok_id = b["secret"], b["id"]
li_cookie, li_csrf = login("li")

# A change of role counts at the next request, for the session and the token.
st, _, b = srv.req("GET", V1 + "labels/queue", cookie=li_cookie)
check(st == 403, f"a cashier may not see the label queue: {st}")
st, _, b = srv.req("PATCH", V1 + "users/li", {"role": "label-clerk", "display": "李四"}, token=M)
check(st == 200, f"edit li: {st} {b}")
st, _, b = srv.req("GET", V1 + "me", cookie=li_cookie)
check(st == 200 and b["role"] == "label-clerk" and b["display"] == "李四", f"the session sees the new role: {b}")
st, _, b = srv.req("GET", V1 + "labels/queue", token=li_tok)
check(st == 200, f"the token too: {st} {b}")

# Retired: the session and the token stop at once, reads and writes alike.
st, _, b = srv.req("DELETE", V1 + "users/li", token=M)
check(st == 200 and b.get("retired") is True, f"retire li: {st} {b}")
st, _, b = srv.req("GET", V1 + "me", cookie=li_cookie)
check(st in (401, 403), f"a retired user's session at once: {st} {b}")
st, _, b = srv.req("DELETE", V1 + "labels/queue", cookie=li_cookie, csrf=li_csrf)
check(st in (401, 403), f"a retired user's session may not write: {st} {b}")
st, _, b = srv.req("GET", V1 + "me", token=li_tok)
check(st in (401, 403), f"a retired user's token at once: {st} {b}")
check(not L.query("SELECT 1 FROM user_session s JOIN user_account u ON u.id = s.user_id WHERE u.name = 'li'"),
      "the retired user's sessions are gone")
st, _, b = srv.req("GET", V1 + "users?all=1", token=M)
check(any(u["name"] == "li" and u["retired"] for u in b["users"]), f"listed as retired: {b}")
st, _, b = srv.req("GET", V1 + "users", token=M)
check(all(u["name"] != "li" for u in b["users"]), "not listed without all=1")

# A new password ends the user's sessions.
z_cookie, _ = login("zhao")
st, _, b = srv.req("PATCH", V1 + "users/zhao", {"password": "a new one 2"}, token=M)
check(st == 200 and "a new one 2" not in json.dumps(b) and "a new one 2" not in srv.log_text(), f"new password: {b}")
st, _, b = srv.req("GET", V1 + "me", cookie=z_cookie)
check(st == 401, f"the old session after a new password: {st} {b}")
login("zhao", "a new one 2")

# Bad input: refused, named, nothing written.
before = dump()
BAD = [
    ("POST", "users", {"name": "x1", "role": "cashier", "password": L.PASSWORD, "admin": True}, 422, "admin"),
    ("POST", "users", {"name": "x1", "role": 5, "password": L.PASSWORD}, 422, "role"),
    ("POST", "users", {"name": "x1", "password": L.PASSWORD}, 422, "role"),
    ("POST", "users", {"name": "", "role": "cashier", "password": L.PASSWORD}, 422, None),
    ("POST", "users", {"name": "x y/z", "role": "cashier", "password": L.PASSWORD}, 422, None),
    ("POST", "users", {"name": "li", "role": "cashier", "password": L.PASSWORD}, 409, None),
    ("POST", "users", [1, 2], 422, None),
    ("PATCH", "users/nobody", {"role": "cashier"}, 404, None),
    ("PATCH", "users/zhao", {"role": "king"}, 422, "role"),
    ("PATCH", "users/zhao", {"unlock": "yes"}, 422, "unlock"),
    ("PATCH", "users/zhao", {"password": "short"}, 422, None),
    ("DELETE", "users/nobody", None, 404, None),
    ("DELETE", "users/" + TOK["users"]["manager"], None, 409, None),
    ("POST", "tokens", {"user": "nobody", "device": "d"}, 404, None),
    ("POST", "tokens", {"user": "li", "device": "d"}, 409, None),
    ("POST", "tokens", {"user": "zhao"}, 422, "device"),
    ("POST", "tokens", {"user": "zhao", "device": "x" * 65}, 422, None),
    ("DELETE", "tokens/abc", None, 422, "id"),
    ("DELETE", "tokens/0", None, 422, "id"),
    ("DELETE", "tokens/99999", None, 404, None),
]
for method, path, body, want, field in BAD:
    st, _, b = srv.req(method, V1 + path, body, token=M)
    check(st == want and (field is None or L.err_field(b) == field), f"{method} {path} {body}: {st} {b}")
st, _, b = srv.req("POST", V1 + "users", raw=b'{"name": "\xff", "role": "cashier", "password": "xxxxxxxxxx"}', token=M)
check(st == 400, f"not UTF-8: {st} {b}")
st, _, b = srv.req("POST", V1 + "users", raw=b'{"name": ', token=M)
check(st == 400, f"not JSON: {st} {b}")
check(dump() == before, "bad input wrote nothing")
# Revoked once: a second revoke is refused (the token stays revoked).
st, _, b = srv.req("DELETE", V1 + "tokens/%d" % li_tok_id, token=M)
check(st in (200, 409), f"revoke li's token: {st} {b}")
st, _, b = srv.req("DELETE", V1 + "tokens/%d" % li_tok_id, token=M)
check(st in (404, 409), f"revoke twice: {st} {b}")
check(srv.stop() == 0, "SIGTERM exits 0")
L.finish()
