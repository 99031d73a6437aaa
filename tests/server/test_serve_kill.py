#!/usr/bin/env python3
"""SIGKILL under 16 concurrent checkouts: every sale that was answered is in
the journal, a restart carries on (the journal records the unclean
shutdown), `entrepot check` is clean, and the group commit made fewer
commits than sales."""
import http.client
import json
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
import serve_lib as L  # noqa: E402
from serve_lib import check  # noqa: E402

L.make_store()
srv = L.Server("--threads", "4")
TOK = L.make_tokens(srv)
CASH = TOK["cashier"]
SALE = {"lines": [{"code": L.NUTELLA}, {"code": L.COLA, "qty": 2}, {"code": L.PEN}, {"code": L.NUTELLA},
                  {"code": L.COLA}], "payments": [{"method": "cash"}]}
KILL_AFTER = 48

answered = []
lock = threading.Condition()
errors = []


def counter(n):
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    body = dict(SALE, counter=f"C{n}")
    data = json.dumps(body).encode()
    hdrs = {"Content-Type": "application/json", "Authorization": "Bearer " + CASH}
    while True:
        try:
            c.request("POST", "/api/v1/sales", body=data, headers=hdrs)
            r = c.getresponse()
            b = json.loads(r.read())
        except (OSError, http.client.HTTPException, ValueError):
            return  # the server was killed
        with lock:
            if r.status == 201:
                answered.append(b["uuid"])
            else:
                errors.append((r.status, b))
            lock.notify_all()
            if len(answered) >= KILL_AFTER * 3 or errors:
                return


# Phase 1: 16 counters, 4 sales each, then SIGTERM: the writer's count
# shows sales sharing commits (group commit).
def four_sales(n, out):
    for _ in range(4):
        out.append(srv.req("POST", "/api/v1/sales", dict(SALE, counter=f"G{n}"), token=CASH)[0])


codes = []
threads = [threading.Thread(target=four_sales, args=(i, codes)) for i in range(16)]
for t in threads:
    t.start()
for t in threads:
    t.join()
check(codes == [201] * 64, f"64 sales from 16 counters: {sorted(set(codes))}")
check(srv.stop() == 0, "SIGTERM exits 0")
stopped = [l for l in srv.log_text().splitlines() if "stopped (" in l][-1]
writes, commits = int(stopped.split("(")[1].split()[0]), int(stopped.split(" in ")[1].split()[0])
check(writes == 64 and commits < writes, f"group commit: {stopped}")

srv = L.Server("--threads", "4")
threads = [threading.Thread(target=counter, args=(i,)) for i in range(16)]
for t in threads:
    t.start()
with lock:
    lock.wait_for(lambda: len(answered) >= KILL_AFTER or errors, timeout=120)
srv.p.send_signal(signal.SIGKILL)
srv.p.wait()
for t in threads:
    t.join()
check(not errors, f"no sale refused under load: {errors[:3]}")
check(len(answered) >= KILL_AFTER, f"{len(answered)} sales answered before the kill")

# Every answered sale is in the journal, exactly once, as a SALE.
kinds = dict(L.query("SELECT uuid, kind FROM journal WHERE kind = 'SALE'"))
missing = [u for u in answered if kinds.get(u) != "SALE"]
check(not missing, f"answered sales missing from the journal: {missing[:3]}")
sold = L.query("SELECT count(*) FROM sale")[0][0]
check(sold >= len(answered), f"sales in the database {sold} >= answered {len(answered)}")

# A restart carries on and records the unclean shutdown.
srv = L.Server("--threads", "2")
ev = L.query("SELECT event FROM journal WHERE kind = 'EVENT'")
check(("unclean-shutdown",) in ev, f"the journal records the unclean shutdown: {ev}")
st, _, b = srv.req("POST", "/api/v1/sales", dict(SALE, counter="C99"), token=CASH)
check(st == 201, f"a sale after the restart: {st} {b}")
check(srv.stop() == 0, "SIGTERM exits 0")
p = L.cli("check", ok=False)
check(p.returncode == 0, f"entrepot check is clean: {p.stdout} {p.stderr}")
log = srv.log_text()
stops = [l for l in log.splitlines() if "stopped (" in l]
check(len(stops) == 2, f"two clean stops logged (the killed server none): {stops}")
L.finish()
