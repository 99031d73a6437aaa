#!/usr/bin/env python3
"""The pipelined group commit: 16 counters each sell, then send a sale the
writer refuses (an unknown code, more than the stock, a card short of the
total), then sell again, so that refused sales land in groups between good
ones. Every good sale is answered 201 and kept, every refused one answered
with its own refusal and nothing of it written; the receipts are the
journal's gapless numbers, the stock fell by exactly what was sold, the
journal verifies and `entrepot check` is clean after."""
import os
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
import serve_lib as L  # noqa: E402
from serve_lib import check  # noqa: E402

L.make_store()
srv = L.Server("--threads", "4")
TOK = L.make_tokens(srv)
CASH = TOK["cashier"]
GOOD = {"lines": [{"code": L.NUTELLA}, {"code": L.COLA, "qty": 2}, {"code": L.PEN}], "payments": [{"method": "cash"}]}
# NUTELLA 39.90 + COLA 2 x 3.50 + PEN 8.50 = 55.40
GOOD_UNITS = {L.NUTELLA: 1, L.COLA: 2, L.PEN: 1}
STOCK = "SELECT p.gtin, s.qty FROM stock_sum_product s JOIN product p ON p.id = s.product_id"  # GTIN-14
BAD = [
    ({"lines": [{"code": L.NUTELLA}, {"code": "4006381333948"}], "payments": [{"method": "cash"}]}, 404,
     "lines[1]"),
    ({"lines": [{"code": L.COLA}, {"code": L.PEN, "qty": 99999}], "payments": [{"method": "cash"}]}, 409,
     "lines[1]"),
    ({"lines": [{"code": L.NUTELLA}], "payments": [{"method": "card", "amount": 100}]}, 422, None),
]
ROUNDS = 3
before_stock = dict(L.query(STOCK))
before_dump_sales = L.query("SELECT count(*) FROM sale")[0][0]

results = []
rlock = threading.Lock()


def counter(n):
    out = []
    for r in range(ROUNDS):
        bad, status, field = BAD[(n + r) % len(BAD)]
        for body, want, wfield in ((GOOD, 201, None), (bad, status, field), (GOOD, 201, None)):
            st, _, b = srv.req("POST", "/api/v1/sales", dict(body, counter=f"G{n}"), token=CASH)
            out.append((want, wfield, st, b))
    with rlock:
        results.extend(out)


threads = [threading.Thread(target=counter, args=(i,)) for i in range(16)]
for t in threads:
    t.start()
for t in threads:
    t.join()

good = [b for want, _, st, b in results if want == 201]
wrong = [(want, st, b) for want, _, st, b in results if st != want]
check(not wrong, f"each sale answered as it should be: {wrong[:3]}")
fields = [(wfield, (b or {}).get("error", {}).get("field")) for want, wfield, st, b in results
          if want != 201 and wfield]
check(all(w == f for w, f in fields), f"a refusal names its line: {fields[:3]}")
check(len(good) == 16 * ROUNDS * 2, f"{len(good)} good sales answered")
check(srv.stop() == 0, "SIGTERM exits 0")
log = srv.log_text()
stopped = [line for line in log.splitlines() if "stopped (" in line][-1]
writes, commits = int(stopped.split("(")[1].split()[0]), int(stopped.split(" in ")[1].split()[0])
check(commits < writes, f"sales shared commits: {stopped}")
check("disk did not keep" not in log, "no sync failed")

# Every good sale is kept, under the receipt number it was answered with,
# and nothing of a refused one is.
uuids = {b["uuid"]: b["receipt"] for b in good}
rows = dict(L.query("SELECT uuid, receipt FROM sale WHERE kind = 'sale'"))
check(rows == uuids, f"the sales kept are exactly the answered ones ({len(rows)} kept, {len(uuids)} answered)")
journal = dict(L.query("SELECT uuid, seq FROM journal WHERE kind = 'SALE'"))
check(journal == uuids, "each answered sale is its journal record, the receipt its number")
seqs = [s for (s,) in L.query("SELECT seq FROM journal ORDER BY seq")]
check(seqs == list(range(1, len(seqs) + 1)), "the journal's numbers have no gap (no refusal took one)")
check(L.query("SELECT count(*) FROM sale")[0][0] - before_dump_sales == len(good), "no row of a refused sale")
after_stock = dict(L.query(STOCK))
for code, units in GOOD_UNITS.items():
    code = code.zfill(14)
    check(before_stock[code] - after_stock[code] == units * len(good),
          f"{code}: stock fell by exactly what was sold ({before_stock[code]} -> {after_stock[code]})")
moves = L.query("SELECT count(*) FROM stock_move WHERE kind = 'sale'")[0][0]
check(moves == len(GOOD_UNITS) * len(good), f"one stock move per line sold: {moves}")

v = subprocess.run([L.ENTREPOT, "--db", L.DB, "journal", "verify"], capture_output=True, text=True)
check(v.returncode == 0, f"journal verify: {v.stdout} {v.stderr}")
p = L.cli("check", ok=False)
check(p.returncode == 0, f"entrepot check is clean: {p.stdout} {p.stderr}")
L.finish()
