#!/usr/bin/env python3
"""Head office's reports over three stores on a real PostgreSQL (issue 13):
hq report flow (visitors, sales, conversion per store and day; a door count
corrected at a store counts once, as corrected), hq report expiring (lots on
hand across the chain by expiry) and hq report holders CODE (which stores hold
a commodity). Every figure is checked against the stores' own databases; bad
input is refused with exit 2 and head office left as it was."""
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hq_lib as H  # noqa: E402

check = H.check
C = H.Cluster()
W = C.dir
DB = {code: os.path.join(W, code.lower() + ".db") for code in ("SH01", "SH02", "SH03")}
PASSFILE = {code: os.path.join(W, code.lower() + ".pass") for code in DB}


def hq(*args):
    return H.entrepot("hq", *args, "--pg", C.admin)


def report(*args):
    p = H.entrepot("--json", "hq", "report", *args, "--pg", C.admin)
    check(p.returncode == 0, f"hq report {args}: {p.stderr}")
    return json.loads(p.stdout or "[]")


def sync(code):
    p = H.entrepot("sync", "--pg", C.store_url(code), "--password-file", PASSFILE[code], db=DB[code])
    if p.returncode != 0:
        raise SystemExit(f"setup: sync {code}: {p.stderr}")


# ---- three stores with stock, sales and door counts --------------------------
if hq("init").returncode != 0:
    raise SystemExit("setup: hq init")
for code, name in (("SH01", "上海旗舰店"), ("SH02", "苏州店"), ("SH03", "杭州店")):
    if hq("store", "add", code, "--name", name, "--password-file", PASSFILE[code]).returncode != 0:
        raise SystemExit(f"setup: store add {code}")

# door periods that started 3 and 2 hours ago (UTC, whole hours)
now = datetime.datetime.now(datetime.timezone.utc).replace(minute=0, second=0, microsecond=0)
starts = [(now - datetime.timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ") for h in (3, 2)]
for i, code in enumerate(DB):
    p = H.entrepot("demo", "--commodities", str(60 + 40 * i), "--seed", "7", "--store", code, "--name",
                   "店" + code, db=DB[code])
    if p.returncode != 0:
        raise SystemExit(f"setup: demo {code}: {p.stderr}")
    levels = json.loads(H.entrepot("--json", "stock", "levels", db=DB[code]).stdout)
    gtins = [r["gtin"] for r in levels if r.get("gtin") and r["on_hand"] > 20]
    sold = 0
    for gtin in gtins:
        for _ in range(2 + i):
            if H.entrepot("sale", "--counter", "C1", "--cashier", "王芳", "--pay", "card", gtin,
                          db=DB[code]).returncode == 0:
                sold += 1
        if sold >= 2 + i:
            break
    if sold < 2 + i:
        raise SystemExit(f"setup: {code} sold {sold}")
    if code == "SH03":  # a return: its negative total counts against the day's value
        receipt = H.sqlite(DB[code], "SELECT receipt FROM sale ORDER BY id DESC LIMIT 1")
        p = H.entrepot("return", str(receipt), "--counter", "C1", "--cashier", "王芳", db=DB[code])
        if p.returncode != 0:
            raise SystemExit(f"setup: return: {p.stderr}")
    for j, start in enumerate(starts):
        p = H.entrepot("flow", "record", "--start", start, "--in", str(10 * (i + 1) + j), "--out", "3",
                       "--sensor", "D1", db=DB[code])
        if p.returncode != 0:
            raise SystemExit(f"setup: flow {code}: {p.stderr}")
# SH02 corrects its first period after a first sync: head office holds both
# events and must count the newer one only
sync("SH02")
p = H.entrepot("flow", "record", "--start", starts[0], "--in", "55", "--out", "3", "--sensor", "D1", db=DB["SH02"])
if p.returncode != 0:
    raise SystemExit(f"setup: flow correction: {p.stderr}")
for code in DB:
    sync(code)
check(C.psql("SELECT count(*) FROM hq.event WHERE store = 'SH02' AND kind = 'flow'") == "3",
      "SH02's corrected door count reached head office as a second event")

# ---- flow and conversion per store and day -----------------------------------
rows = report("flow")
for code in DB:
    visitors = dict(H.sqlite_rows(DB[code], "SELECT day, SUM(n_in) FROM flow_count GROUP BY day"))
    sales = dict(H.sqlite_rows(DB[code], "SELECT day, count(*) FROM sale WHERE kind = 'sale' GROUP BY day"))
    net = dict(H.sqlite_rows(DB[code], "SELECT day, SUM(total) FROM sale GROUP BY day"))  # returns negative
    days = sorted(set(visitors) | set(sales))
    local = []
    for d in days:
        v, s = visitors.get(d, 0), sales.get(d, 0)
        conv = f"{round(s * 1000 / v) / 10:.1f}%" if v else None  # JSON null: no visitors that day
        local.append((d, v, s, conv, net.get(d, 0)))
    at_hq = [(r["day"], int(r["visitors"]), int(r["sales"]), r["conversion"], int(r["net_minor"]))
             for r in rows if r["store"] == code and r["day"] != "*"]
    check(at_hq == local and sum(x[1] for x in local) > 0, f"{code}'s flow by day at head office is the store's "
          f"own: {at_hq} {local}")
    total = [r for r in rows if r["store"] == code and r["day"] == "*"]
    check(len(total) == 1 and int(total[0]["visitors"]) == sum(visitors.values())
          and int(total[0]["sales"]) == sum(sales.values()), f"{code}'s total row: {total}")
sh02 = sum(int(r["visitors"]) for r in rows if r["store"] == "SH02" and r["day"] != "*")
check(sh02 == 55 + 21, f"SH02's corrected period counts once, as corrected: {sh02} visitors")
check(H.sqlite(DB["SH03"], "SELECT count(*) FROM sale WHERE kind = 'return' AND total < 0") == 1,
      "SH03's return is in the flow report's value (checked above against the store's SUM(total))")
check(all(r["store"] == "SH01" for r in report("flow", "--store", "SH01")) and report("flow", "--store", "SH01"),
      "--store keeps one store")
check(report("flow", "--to", "2000-01-01") == [], "--to before any day: no rows")

# ---- expiring lots across the chain ------------------------------------------
on = "2026-01-01"
until = "2027-12-31"
rows = report("expiring", "--on", on, "--days", str((datetime.date(2027, 12, 31) - datetime.date(2026, 1, 1)).days))
local = []
for code in DB:
    for r in H.sqlite_rows(DB[code], "SELECT coalesce(p.gtin, p.sku), l.code, l.expiry, SUM(m.qty) FROM lot l "
                                     "JOIN product p ON p.id = l.product_id JOIN stock_move m ON m.lot_id = l.id "
                                     f"WHERE l.expiry IS NOT NULL AND l.expiry <= '{until}' GROUP BY l.id "
                                     "HAVING SUM(m.qty) > 0"):
        local.append((code, r[0], r[1], r[2], r[3]))
at_hq = [(r["store"], r["commodity"], r["lot"], r["expiry"], int(r["units"])) for r in rows]
check(sorted(at_hq) == sorted(local) and len(local) > 3, f"expiring lots at head office are the stores' own "
      f"({len(at_hq)} at head office, {len(local)} in the stores)")
check([r["expiry"] for r in rows] == sorted(r["expiry"] for r in rows), "soonest expiry first")
check(all(int(r["days_left"]) == (datetime.date.fromisoformat(r["expiry"]) - datetime.date(2026, 1, 1)).days
          for r in rows), "days_left counts from --on")
few = report("expiring", "--on", on, "--days", "0")
check(all(r["expiry"] <= on for r in few) and len(few) < len(rows), f"--days 0: only what expires by --on ({len(few)})")

# ---- which stores hold a commodity -------------------------------------------
held = {}
for code in DB:
    for g, in H.sqlite_rows(DB[code], "SELECT DISTINCT coalesce(p.gtin, p.sku) FROM product p JOIN lot l ON "
                                      "l.product_id = p.id JOIN stock_move m ON m.lot_id = l.id GROUP BY l.id "
                                      "HAVING SUM(m.qty) > 0"):
        held.setdefault(g, []).append(code)
gtin = next((g for g, s in sorted(held.items()) if len(s) >= 2), None)
check(gtin is not None, "setup: a commodity held by two stores or more")
rows = report("holders", gtin)
local = []
for code in DB:
    r = H.sqlite_rows(DB[code], "SELECT SUM(q), count(*), coalesce(MIN(e), '') FROM (SELECT SUM(m.qty) AS q, "
                                "l.expiry AS e FROM lot l JOIN product p ON p.id = l.product_id JOIN stock_move m "
                                f"ON m.lot_id = l.id WHERE coalesce(p.gtin, p.sku) = '{gtin}' GROUP BY l.id "
                                "HAVING SUM(m.qty) > 0)")[0]
    if r[1]:
        local.append((code, r[0], r[1], r[2]))
at_hq = [(r["store"], int(r["units"]), int(r["lots"]), r["soonest_expiry"] or "") for r in rows if r["store"] != "*"]
check(at_hq == local and len(local) == len(held[gtin]), f"holders of {gtin}: {at_hq} {local}")
chain = [r for r in rows if r["store"] == "*"]
check(len(chain) == 1 and int(chain[0]["units"]) == sum(x[1] for x in local), f"the chain row adds up: {chain}")
rows = report("holders", "0000000000000")
check(len(rows) == 1 and rows[0]["store"] == "*" and int(rows[0]["units"]) == 0, f"nobody holds an unknown code: {rows}")

# ---- a reader: every store's rows, read only (the chain-wide views) -----------
READER = os.path.join(W, "reader.pass")
p = hq("reader", "add", "web", "--password-file", READER)
check(p.returncode == 0 and "entrepot_reader_web" in p.stdout, f"hq reader add: {p.returncode} {p.stderr}")
check(os.stat(READER).st_mode & 0o777 == 0o600, "the reader's password file is 0600")
with open(READER) as f:
    secret = f.read().strip()
check(secret not in p.stdout + p.stderr and secret not in C.log_text(), "the reader's password is in no output or log")
e = dict(os.environ, PGPASSWORD=secret)
url = C.store_url("SH01").replace("entrepot_store_sh01", "entrepot_reader_web")


def as_reader(sql):
    return H.subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                            capture_output=True, text=True, env=e)


q = as_reader("SELECT count(*) FROM hq.event")
check(q.returncode == 0 and q.stdout.strip() == C.psql("SELECT count(*) FROM hq.event"),
      f"the reader sees every store's events: {q.stdout} {q.stderr}")
q = as_reader("SELECT count(DISTINCT store) FROM hq.sales_day")
check(q.returncode == 0 and q.stdout.strip() == "3", f"the reader sees the three stores' sales: {q.stdout} {q.stderr}")
before = C.psql("SELECT count(*), coalesce(sum(seq), 0) FROM hq.event")
for sql in ("DELETE FROM hq.event", "UPDATE hq.sales_day SET amount = 0",
            "BEGIN READ WRITE; INSERT INTO hq.store (code, name, role) VALUES ('XX', 'x', 'x'); COMMIT"):
    q = as_reader(sql)
    check(q.returncode != 0, f"the reader may not write: {sql}: {q.stderr}")
check(C.psql("SELECT count(*), coalesce(sum(seq), 0) FROM hq.event") == before, "the reader changed nothing")
for bad, code, words in ((("Web",), 2, "reader's name"), (("w",), 2, "reader's name"),
                         (("web",), 1, "already exists")):
    p = hq("reader", "add", *bad)
    check(p.returncode == code and words in p.stderr, f"hq reader add {bad} refused: {p.returncode} {p.stderr}")

# ---- bad input: exit 2, head office as it was ---------------------------------
before = C.psql("SELECT count(*), coalesce(sum(seq), 0) FROM hq.event")
for bad, words in ((("holders",), "needs the commodity"), (("holders", "a b"), "not a GTIN"),
                   (("expiring", "--days", "x"), "--days"), (("expiring", "--days", "99999"), "--days"),
                   (("expiring", "--on", "2026-02-30"), "--on"), (("flow", "--from", "2026-13-01"), "--from"),
                   (("flow", "--store", "sh1"), "store code"), (("flow", "--days", "3"), "--days"),
                   (("expiring", "--from", "2026-01-01"), "--from"), (("stock", "--days", "3"), "--days"),
                   (("flow", gtin), "only hq report holders"), (("sales", "--by", "week"), "--by is country"),
                   (("flow", "--by", "country"), "--by is for hq report sales")):
    p = H.entrepot("hq", "report", *bad, "--pg", C.admin)
    check(p.returncode == 2 and words in p.stderr, f"hq report {bad} refused: {p.returncode} {p.stderr}")
check(C.psql("SELECT count(*), coalesce(sum(seq), 0) FROM hq.event") == before, "the refusals changed nothing")

H.finish(C)
