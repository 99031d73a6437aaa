#!/usr/bin/env python3
"""Head office's views in the store server (issue 13 item 4) on a real
PostgreSQL: two stores synced; SH01's server started with --hq-read as a
reader role answers GET /api/v1/hq/{stock,sales,flow,expiring,holders} for
the manager and the auditor (403 for the other store roles) with the same
rows as `entrepot hq report` (one query behind both) and the figures of the
stores' own databases; bad parameters are 422 naming the parameter, and head
office is left as it was; a store's own role given to --hq-read is refused
(it would show the chain as that store alone); head office stopped, the
views answer 503 and come back with it; the reader's password reaches no
log. Without --hq-read the views are 503 no_head_office (the role table,
tests/server/test_serve_roles.py, covers every role there)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hq_views_lib as V  # noqa: E402
from hq_views_lib import H, L  # noqa: E402

check = H.check
chain = V.Chain()
C, TOK = chain.C, chain.tok
srv = chain.server()
V1 = "/api/v1/hq/"
TODAY = V.datetime.date.today().isoformat()  # the day SOON is counted from


def view(path, role="manager"):
    st, _, b = srv.req("GET", V1 + path, token=TOK[role])
    check(st == 200, f"GET hq/{path} as {role}: {st} {b}")
    return b if st == 200 else {"rows": []}


# ---- the same rows as hq report, for every view --------------------------------
for path, args in (("stock", ("stock",)), ("sales", ("sales",)), ("sales?by=country", ("sales", "--by", "country")),
                   ("sales?by=store", ("sales", "--by", "store")), ("sales?by=day", ("sales", "--by", "day")),
                   ("flow", ("flow",)), ("expiring?days=30&on=" + TODAY, ("expiring", "--days", "30", "--on", TODAY)),
                   ("holders?code=" + L.NUTELLA, ("holders", L.NUTELLA)), ("stock?store=SH02", ("stock", "--store", "SH02"))):
    b = view(path)
    cli_rows = chain.report(*args)
    check(b["rows"] == cli_rows and cli_rows, f"hq/{path} is hq report {args}: {b['rows']} {cli_rows}")

# ---- the figures are the stores' own ------------------------------------------
stock = {(r["store"], r["origin"]): r["units"] for r in view("stock")["rows"]}
want = {("SH01", "IT"): 4998, ("SH01", "GB"): 5000, ("SH01", "DE"): 5000, ("SH02", "IT"): 39, ("SH02", "GB"): 19,
        ("*", "IT"): 5037, ("*", "GB"): 5019, ("*", "DE"): 5000}
check(stock == want, f"stock by origin per store and chain-wide: {stock}")
rows = view("sales?by=country")["rows"]
for code, db in chain.db.items():
    local = {o: (n, q, a) for o, n, q, a in H.sqlite_rows(db, "SELECT origin, count(*), sum(qty), sum(amount) "
                                                              "FROM sale_line GROUP BY origin")}
    at_hq = {r["origin"]: (r["lines"], r["units"], r["amount_minor"]) for r in rows if r["store"] == code}
    check(at_hq == local and local, f"{code}'s sales by country at head office are its own: {at_hq} {local}")
it = [r for r in rows if r["store"] == "*" and r["origin"] == "IT"]
check(len(it) == 1 and it[0]["lines"] == 3 and it[0]["day"] == "*", f"the chain's IT sales: {it}")
by_store = {r["store"]: r["amount_minor"] for r in view("sales?by=store")["rows"]}
check(by_store.get("*") == by_store.get("SH01", 0) + by_store.get("SH02", 0) and len(by_store) == 3,
      f"sales by store with the chain's total: {by_store}")
flow = {r["store"]: r for r in view("flow")["rows"] if r["day"] == "*"}
check({s: (r["visitors"], r["sales"]) for s, r in flow.items()} == {"SH01": (50, 2), "SH02": (20, 2)},
      f"flow per store: {flow}")
check(flow.get("SH01", {}).get("conversion") == "4.0%", f"SH01's conversion, 2 sales for 50 people: {flow}")
exp = view("expiring?days=30&on=" + TODAY)
check([(r["store"], r["lot"], r["units"], r["days_left"]) for r in exp["rows"]] == [("SH02", "S2N", 39, 10)]
      and exp.get("until"), f"the chain's lots expiring within 30 days: {exp}")
check(view("expiring?days=3&on=" + TODAY)["rows"] == [], "none within 3 days")
hold = {r["store"]: (r["units"], r["lots"]) for r in view("holders?code=" + L.COLA)["rows"]}
check(hold == {"SH01": (5000, 1), "SH02": (19, 1), "*": (5019, 2)}, f"who holds 可口可乐: {hold}")
check(view("holders?code=" + L.PEN + "&store=SH02")["rows"] == [{"store": "*", "units": 0, "lots": 0,
                                                                  "soonest_expiry": None}],
      "SH02 holds no pens")

# ---- who may: the manager and the auditor (right read); the store roles not ---
check(view("stock", role="auditor")["rows"], "the auditor reads the chain")
for role in ("cashier", "stock-clerk", "label-clerk"):
    st, _, b = srv.req("GET", V1 + "stock", token=TOK[role])
    check(st == 403 and L.err_code(b) == "forbidden", f"{role} may not: {st} {b}")

HQ_STATE = "SELECT (SELECT count(*) FROM hq.event), (SELECT coalesce(sum(lines), 0) FROM hq.sales_day)"
# ---- bad parameters: 422 naming the parameter, head office as it was ------------
before = C.psql(HQ_STATE)
for path, field in (("stock?store=sh1", "store"), ("sales?from=2026-13-01", "from"), ("sales?by=week", "by"),
                    ("flow?by=country", "by"), ("stock?from=2026-01-01", "from"), ("holders", "code"),
                    ("holders?code=a%20b", "code"), ("stock?code=" + L.COLA, "code"), ("expiring?days=99999", "days"),
                    ("expiring?days=x", "days"), ("flow?days=3", "days"), ("expiring?on=2026-02-30", "on"),
                    ("sales?on=2026-01-01", "on")):
    st, _, b = srv.req("GET", V1 + path, token=TOK["manager"])
    check(st == 422 and L.err_field(b) == field, f"hq/{path}: {st} {b}, want 422 naming {field}")
st, _, b = srv.req("GET", V1 + "stock?store=%FF", token=TOK["manager"])
check(st == 400, f"a store that is not UTF-8: {st} {b}")
check(C.psql(HQ_STATE) == before,
      "the refusals changed nothing at head office")

# ---- a new sale shows once the store has synced ----------------------------------
H.entrepot("sale", "--counter", "C1", "--cashier", "王芳", "--pay", "card", L.COLA, db=chain.db["SH02"])
chain.sync("SH02")
hold = {r["store"]: r["units"] for r in view("holders?code=" + L.COLA)["rows"]}
check(hold.get("SH02") == 18 and hold.get("*") == 5018, f"SH02's new sale is in the view after its sync: {hold}")

# ---- head office stopped: 503, and back with it ---------------------------------
C.stop()
st, _, b = srv.req("GET", V1 + "stock", token=TOK["manager"])
check(st == 503 and L.err_code(b) == "head_office", f"head office stopped: {st} {b}")
st, _, b = srv.req("GET", "/api/v1/stock", token=TOK["manager"])
check(st == 200, f"the store's own stock still answers: {st}")
C.start()
check(view("stock")["rows"], "the views come back with head office (a new connection)")
check(srv.stop() == 0, "the server stops cleanly (no leak under the sanitizers)")

# ---- a store's own role is refused: it would show the chain as that store -------
srv = L.Server("--hq-read", C.store_url("SH01"), "--hq-read-password-file", chain.passfile["SH01"])
st, _, b = srv.req("GET", V1 + "stock", token=TOK["manager"])
check(st == 502 and "reader" in (b.get("error", {}).get("message", "") if isinstance(b, dict) else ""),
      f"a store's role as --hq-read: {st} {b}")
check(srv.stop() == 0, "the server stops cleanly (no leak under the sanitizers)")

# ---- without --hq-read; bad settings refused before the server starts -------------
srv = L.Server()
st, _, b = srv.req("GET", V1 + "stock", token=TOK["auditor"])
check(st == 503 and L.err_code(b) == "no_head_office", f"no --hq-read: {st} {b}")
check(srv.stop() == 0, "the server stops cleanly (no leak under the sanitizers)")
for args, words in ((("--hq-read-password-file", chain.reader_pass), "--hq-read"),
                    (("--hq-read", chain.reader_url + " password=hunter22"), "password"),
                    (("--hq-read", chain.reader_url, "--hq-read-password-file", chain.reader_pass + ".none"),
                     "password file")):
    p = subprocess.run([H.ENTREPOT, "serve", "--db", L.DB, "--listen", "127.0.0.1:0", *args], capture_output=True,
                       text=True, timeout=30)
    check(p.returncode == 2 and words in p.stderr and "hunter22" not in p.stderr,
          f"serve {args} refused: {p.returncode} {p.stderr}")

# ---- the reader's password reaches no log -------------------------------------
with open(chain.reader_pass) as f:
    secret = f.read().strip()
with open(os.path.join(L.WORK, "server.log"), "rb") as f:
    log = f.read().decode("utf-8", "replace")
check(secret not in log and secret not in C.log_text(), "the reader's password is in neither log")
check("GET /api/v1/hq/stock" in log, "the server logged the views")

H.PASS += L.PASS
H.FAIL += L.FAIL
import shutil  # noqa: E402
shutil.rmtree(L.WORK, ignore_errors=True)
H.finish(C)
