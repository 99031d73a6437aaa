#!/usr/bin/env python3
"""entrepot serve --hq on a real PostgreSQL (issue 13): the store server syncs
in the background: what it sells reaches head office without a sync command;
with head office stopped it goes on selling, GET /api/v1/sync/status says how
far behind it is, and once head office is back every event arrives exactly
once; head office's prices come down and queue their labels; SIGTERM stops it
cleanly. Bad settings are refused before the server starts. Waiting is by
asking the server's status until a deadline, never by sleeping a set time."""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "server"))
import hq_lib as H  # noqa: E402
import serve_lib as L  # noqa: E402

check = H.check
C = H.Cluster()
PASSFILE = os.path.join(C.dir, "sh01.pass")
V1 = "/api/v1/"

if H.entrepot("hq", "init", "--pg", C.admin).returncode != 0:
    raise SystemExit("setup: hq init")
if H.entrepot("hq", "store", "add", "SH01", "--name", "上海旗舰店", "--pg", C.admin,
              "--password-file", PASSFILE).returncode != 0:
    raise SystemExit("setup: store add")
L.make_store()
TOK = L.make_tokens()
URL = C.store_url("SH01")


def exactly_once(what):
    local = H.local_events(L.DB)
    n, distinct = map(int, C.psql("SELECT count(*) || ' ' || count(DISTINCT uuid) FROM hq.event "
                                  "WHERE store = 'SH01'").split())
    held = set(C.psql("SELECT uuid FROM hq.event WHERE store = 'SH01'").split())
    return check(n == len(local) and distinct == n and held == set(local),
                 f"{what}: the store has {len(local)} events, head office {n} ({distinct} distinct)")


def status(srv):
    st, _, b = srv.req("GET", V1 + "sync/status", token=TOK["manager"])
    check(st == 200, f"sync/status answers: {st} {b}")
    return b


def wait_for(srv, cond, what, limit=60):
    """Asks the server until cond(status) holds, at most limit seconds."""
    end = time.monotonic() + limit
    while True:
        b = status(srv)
        if cond(b):
            return b
        if time.monotonic() > end:
            check(False, f"{what} within {limit} s: {b}")
            return b
        time.sleep(0.2)


def sell(srv, n):
    ok = 0
    for _ in range(n):
        st, _, b = srv.req("POST", V1 + "sales", {"counter": "C1", "lines": [{"code": L.PEN}],
                                                  "payments": [{"method": "card"}]}, token=TOK["cashier"])
        ok += st == 201
    return ok


# ---- bad settings: refused before the server starts, nothing written ---------
before = L.dump()
for args, words, secret in (((URL + " password=hunter22", "--hq-password-file", PASSFILE), "password", "hunter22"),
                            ((URL, "--hq-password-file", PASSFILE), "0600", None),
                            ((URL, "--hq-password-file", PASSFILE + ".none"), "password file", None),
                            ((URL, "--hq-password-file", PASSFILE, "--hq-interval", "0"), "--hq-interval", None)):
    os.chmod(PASSFILE, 0o644 if words == "0600" else 0o600)
    p = subprocess.run([H.ENTREPOT, "serve", "--db", L.DB, "--listen", "127.0.0.1:0", "--hq", *args],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 2 and words in p.stderr and "listening" not in p.stdout
          and (secret is None or secret not in p.stderr), f"serve --hq {args[1:]} refused: {p.returncode} {p.stderr}")
os.chmod(PASSFILE, 0o600)
p = subprocess.run([H.ENTREPOT, "serve", "--db", L.DB, "--hq-interval", "5"], capture_output=True, text=True)
check(p.returncode == 2 and "--hq" in p.stderr, f"--hq-interval without --hq: {p.stderr}")
check(L.dump() == before, "the refused starts wrote nothing")

# ---- without --hq: the route says so ------------------------------------------
srv = L.Server()
b = status(srv)
check(b["enabled"] is False and b["waiting"] == b["events"] and b["events"] > 0,
      f"without --hq: not enabled, every event waiting: {b}")
st, _, b = srv.req("GET", V1 + "sync/status", token=TOK["cashier"])
check(st == 403, f"a cashier may not read the sync status: {st}")
check(srv.stop() == 0, "stopped")

# ---- with --hq: everything goes up by itself ------------------------------------
srv = L.Server("--hq", URL, "--hq-password-file", PASSFILE, "--hq-interval", "1")
b = wait_for(srv, lambda b: b["linked"] and b["waiting"] == 0, "the first round sends the store's history")
check(b["enabled"] and b["store"] == "SH01" and b["hq_events"] == b["events"] and b["hq_newest_seq"] == b["acked_seq"],
      f"head office holds what the store made: {b}")
exactly_once("the history, pushed by the server")
check(sell(srv, 3) == 3, "three sales through the server")
wait_for(srv, lambda b: b["waiting"] == 0 and b["hq_events"] == b["events"], "the sales reach head office")
exactly_once("three sales, pushed by the server")
p = H.entrepot("sync", "--pg", URL, "--password-file", PASSFILE, db=L.DB)
check(p.returncode == 1 and "another sync" in p.stderr, f"a sync beside the server is refused: {p.stderr}")

# ---- head office down for a while: the store sells on ----------------------------
C.stop()
check(sell(srv, 5) == 5, "five sales with head office stopped")
b = wait_for(srv, lambda b: not b["linked"] and b["failures"] > 0 and b["last_status"] == 3,
             "the server notices head office is gone")
check(b["waiting"] > 0 and b["oldest_waiting"], f"the status shows what waits: {b}")
check(sell(srv, 2) == 2, "still selling")
sold = L.query("SELECT count(*) FROM sale")[0][0]
C.start()
b = wait_for(srv, lambda b: b["linked"] and b["waiting"] == 0, "head office back: the rest goes up")
exactly_once("after head office came back")
check(int(C.psql("SELECT count(*) FROM hq.event WHERE store = 'SH01' AND kind = 'sale'")) == sold,
      f"head office holds each of the {sold} sales once")

# ---- prices come down ---------------------------------------------------------
p = H.entrepot("hq", "price", "set", L.PEN, "--price", "9.90", "--pg", C.admin)
check(p.returncode == 0, f"hq price set: {p.stderr}")
wait_for(srv, lambda b: L.query(f"SELECT price FROM product WHERE gtin = '0{L.PEN}'")[0][0] == 990,
         "the server pulls the price")
check(L.query("SELECT count(*) FROM label_queue q JOIN product p ON p.id = q.product_id "
              f"WHERE p.gtin = '0{L.PEN}'")[0][0] >= 1, "its shelf label is queued")
b = wait_for(srv, lambda b: b.get("hq_to_pull") == 0 and b["waiting"] == 0, "nothing left on either side")
st, _, sale = srv.req("POST", V1 + "sales", {"counter": "C1", "lines": [{"code": L.PEN}],
                                             "payments": [{"method": "card"}]}, token=TOK["cashier"])
check(st == 201 and json.dumps(sale).find("990") >= 0, f"the next sale takes head office's price: {st}")

# ---- SIGTERM: a clean stop -------------------------------------------------------
t0 = time.monotonic()
rc = srv.stop()
log = srv.log_text()
check(rc == 0 and "SIGTERM: stopping" in log and "stopped" in log, f"SIGTERM stops the server and its sync: {rc}")
check(time.monotonic() - t0 < 30, "and soon")
check(open(PASSFILE).read().strip() not in log and open(PASSFILE).read().strip() not in C.log_text(),
      "the password reached neither log")

import shutil  # noqa: E402
print(open(os.path.join(L.WORK, "server.log")).read()[-3000:]) if os.environ.get("SHOWLOG") else None
shutil.rmtree(L.WORK, ignore_errors=True)
H.finish(C)
