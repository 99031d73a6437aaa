#!/usr/bin/env python3
"""Transfers between stores through a real head office on PostgreSQL (issue
13): three stores; SH01 ships two commodities to SH02, both sync, SH02
receives with a shortfall and a damaged unit; the chain's stock before equals
the stock after plus the recorded differences. The refusals (an unknown store,
more than on hand, this store itself, a store that never synced, a second
receipt, a commodity the receiver does not list) leave the database exactly
as it was. The purchasing tables' events reach head office. Then the failure
tests: a store database restored from yesterday's backup (no duplicates, what
head office has beyond the backup reported, the journal's fork flagged) and
clock skew between stores (events ordered by the store's sequence, sales by
the store's own business day), each ending with every event at head office
exactly once."""
import datetime
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hq_lib as H  # noqa: E402

check = H.check
C = H.Cluster()
W = C.dir
CODES = ("SH01", "SH02", "SH03")
DB = {code: os.path.join(W, code.lower() + ".db") for code in CODES}
PASSFILE = {code: os.path.join(W, code.lower() + ".pass") for code in CODES}


def hq(*args):
    return H.entrepot("hq", *args, "--pg", C.admin)


def sync(code, db=None, env=None):
    return H.entrepot("sync", "--pg", C.store_url(code), "--password-file", PASSFILE[code], db=db or DB[code],
                      env=env)


def store(code, *args, env=None):
    return H.entrepot(*args, db=DB[code], env=env)


def hq_events(code):
    return C.psql(f"SELECT count(*) || ' ' || count(DISTINCT uuid) FROM hq.event WHERE store = '{code}'")


def exactly_once(code, what, extra=0):
    """Every event of code's database at head office once; extra: events head
    office holds that the database lost (a restore)."""
    local = H.local_events(DB[code])
    n, distinct = map(int, hq_events(code).split())
    held = set(C.psql(f"SELECT uuid FROM hq.event WHERE store = '{code}'").split())
    return check(n == len(local) + extra and distinct == n and set(local) <= held,
                 f"{what}: {code} has {len(local)} events (+{extra} lost), head office {n} ({distinct} distinct)")


def on_hand(code, gtin):
    return H.sqlite(DB[code], "SELECT coalesce(sum(b.qty), 0) FROM stock_balance b JOIN product p ON p.id = "
                              f"b.product_id WHERE p.gtin = '{gtin}'")


def chain(gtins):
    return sum(on_hand(code, g) for code in CODES for g in gtins)


def refused(code, status, words, *args):
    before = H.dump(DB[code])
    p = store(code, *args)
    ok = check(p.returncode == status and all(w in p.stderr for w in words),
               f"{' '.join(args[:3])}: exit {status} naming {words}: {p.returncode} {p.stderr}")
    check(H.dump(DB[code]) == before, f"refused {' '.join(args[:3])}: {code}'s database exactly as it was")
    return ok


# ---- head office, three stores ----------------------------------------------
p = hq("init")
check(p.returncode == 0, f"hq init: {p.stdout}{p.stderr}")
for code, name in (("SH01", "上海旗舰店"), ("SH02", "苏州店"), ("SH03", "杭州店")):
    p = hq("store", "add", code, "--name", name, "--password-file", PASSFILE[code])
    if p.returncode != 0:
        raise SystemExit(f"setup: store add {code}: {p.stderr}")
PASSWORD = {code: open(PASSFILE[code]).read().strip() for code in CODES}
for i, code in enumerate(CODES):
    p = H.entrepot("demo", "--commodities", "40", "--seed", str(i + 1), "--store", code, "--name", "店" + code,
                   db=DB[code])
    if p.returncode != 0:
        raise SystemExit(f"setup: demo {code}: {p.stderr}")

# Two commodities SH01 can ship: lots on its shelves or in its back room, far from expiry.
rows = H.sqlite_rows(DB["SH01"], "SELECT p.gtin, l.code, sum(b.qty) FROM stock_balance b JOIN lot l ON l.id = "
                                 "b.lot_id JOIN product p ON p.id = b.product_id JOIN location loc ON loc.id = "
                                 "b.location_id WHERE loc.kind IN ('shelf', 'backroom') AND p.gtin IS NOT NULL AND "
                                 "(l.expiry IS NULL OR l.expiry > date('now', '+5 days')) GROUP BY l.id "
                                 "HAVING sum(b.qty) >= 10 ORDER BY p.gtin LIMIT 20")
picked = []
for g, lot, qty in rows:
    if g not in [x[0] for x in picked]:
        picked.append((g, lot, qty))
if len(picked) < 2:
    raise SystemExit(f"setup: SH01 has too little to ship: {rows}")
(GA, LA, _), (GB, _, _) = picked[:2]
GTINS = (GA, GB)
back = next(r[0] for r in H.sqlite_rows(DB["SH02"], "SELECT code FROM location WHERE kind = 'backroom' "
                                                    "AND retired_at IS NULL ORDER BY code"))

# ---- before any sync: SH01 knows no other store -----------------------------
refused("SH01", 1, ["never synced"], "transfer", "ship", "--to", "SH02", "--gtin", GA, "--qty", "1")
for code in CODES:
    p = sync(code)
    check(p.returncode == 0 and "0 transfers to this store pulled" in p.stdout, f"first sync {code}: {p.stdout}{p.stderr}")
check(H.sqlite(DB["SH01"], "SELECT group_concat(code) FROM (SELECT code FROM peer_store ORDER BY code)") ==
      "SH01,SH02,SH03", "the sync brought the chain's stores")

# ---- bad transfers are refused, the database exactly as it was ---------------
refused("SH01", 2, ["SH09", "not one of the chain's stores"], "transfer", "ship", "--to", "SH09", "--gtin", GA,
        "--qty", "1")
refused("SH01", 1, ["SH01 is this store"], "transfer", "ship", "--to", "SH01", "--gtin", GA, "--qty", "1")
refused("SH01", 1, ["not enough"], "transfer", "ship", "--to", "SH02", "--gtin", GA, "--qty", "1",
        "--gtin", GB, "--qty", "1000000")
refused("SH01", 2, ["--qty"], "transfer", "ship", "--to", "SH02", "--gtin", GA)
refused("SH01", 2, ["--qty", "too small"], "transfer", "ship", "--to", "SH02", "--gtin", GA, "--qty", "0")
refused("SH01", 2, ["needs the goods"], "transfer", "ship", "--to", "SH02")
refused("SH01", 2, ["sh2"], "transfer", "ship", "--to", "sh2", "--gtin", GA, "--qty", "1")

# ---- SH01 ships to SH02 ------------------------------------------------------
before = chain(GTINS)
a1, b1 = on_hand("SH01", GA), on_hand("SH01", GB)
lot_a = H.sqlite_rows(DB["SH01"], "SELECT l.origin, l.declaration, l.expiry, l.unit_cost, l.cost_currency FROM lot l JOIN "
                                  f"product p ON p.id = l.product_id WHERE p.gtin = '{GA}' AND l.code = '{LA}'")[0]
p = store("SH01", "transfer", "ship", "--to", "SH02", "--gtin", GA, "--qty", "6", "--lot", LA, "--gtin", GB,
          "--qty", "4", "--note", "补货 苏州")
check(p.returncode == 0 and len(p.stdout.strip()) == 36, f"ship: {p.stdout}{p.stderr}")
T = p.stdout.strip()
check(on_hand("SH01", GA) == a1 - 6 and on_hand("SH01", GB) == b1 - 4,
      "the shipped units left SH01's stock in the ship itself")
moves = H.sqlite(DB["SH01"], f"SELECT sum(qty) FROM stock_move WHERE batch = '{T}' AND reason = 'ship'")
check(moves == -10, f"the ledger rows of the shipment carry the transfer's UUID ({moves})")
lst = json.loads(store("SH01", "--json", "transfer", "list").stdout)
check(len(lst) == 1 and lst[0]["status"] == "shipped" and lst[0]["to"] == "SH02" and lst[0]["shipped"] == 10,
      f"transfer list at SH01: {lst}")
refused("SH02", 2, ["no transfer"], "transfer", "receive", T, "--location", back)

p = sync("SH01")
check(p.returncode == 0, f"sync SH01 after the ship: {p.stdout}{p.stderr}")
p = hq("transfer", "list", "--in-transit")
check(p.returncode == 0 and T in p.stdout and "in transit" in p.stdout, f"head office shows it in transit: {p.stdout}")
transit = C.psql(f"SELECT units FROM hq.transfer WHERE received_at IS NULL AND uuid = '{T}'")
check(transit == "10", f"10 units in transit at head office ({transit})")
r = C.psql_store("SH03", PASSWORD["SH03"], "SELECT count(*) FROM hq.transfer")
check(r.returncode == 0 and r.stdout.strip() == "0", f"SH03's role does not see SH01's transfer to SH02: {r.stdout}")
r = C.psql_store("SH02", PASSWORD["SH02"], "SELECT count(*) FROM hq.transfer")
check(r.returncode == 0 and r.stdout.strip() == "1", f"SH02's role sees the transfer to it: {r.stdout}")
r = C.psql_store("SH02", PASSWORD["SH02"], f"UPDATE hq.transfer SET units = 1 WHERE uuid = '{T}'")
check(r.returncode != 0 and "permission denied" in r.stderr, f"a store's role cannot change a transfer: {r.stderr}")
check(chain(GTINS) + 10 == before, "in transit: in no store's stock, and at head office")

p = sync("SH02")
check(p.returncode == 0 and "1 transfer to this store pulled" in p.stdout, f"sync SH02 pulls it: {p.stdout}{p.stderr}")
p = sync("SH02")
check(p.returncode == 0 and "0 transfers to this store pulled" in p.stdout, f"pulled once: {p.stdout}{p.stderr}")
lst = json.loads(store("SH02", "--json", "transfer", "list", "--in").stdout)
check(len(lst) == 1 and lst[0]["uuid"] == T and lst[0]["status"] == "shipped" and lst[0]["from"] == "SH01",
      f"SH02 sees the incoming transfer: {lst}")
refused("SH03", 2, ["no transfer"], "transfer", "receive", T, "--location", back)

# ---- SH02 receives it: a commodity it does not list is refused first ----------
listed = {g: H.sqlite(DB["SH02"], f"SELECT count(*) FROM product WHERE gtin = '{g}'") for g in GTINS}
for g in GTINS:
    if not listed[g]:
        refused("SH02", 2, [g[-6:]], "transfer", "receive", T[:8], "--location", back)
        p = store("SH02", "product", "add", "--gtin", g, "--name-zh", "调拨商品 " + g[-4:], "--price", "9.90")
        check(p.returncode == 0, f"SH02 lists {g}: {p.stderr}")
refused("SH02", 2, ["4006381333931"], "transfer", "receive", T, "--location", back, "--gtin",
        "4006381333931", "--qty", "1")
refused("SH02", 2, ["--location"], "transfer", "receive", T)
a2, b2 = on_hand("SH02", GA), on_hand("SH02", GB)
p = store("SH02", "transfer", "receive", T[:8], "--location", back, "--gtin", GA, "--qty", "5", "--gtin", GB,
          "--qty", "3", "--damaged", "1")
check(p.returncode == 0, f"receive with a shortfall: {p.stdout}{p.stderr}")
check(on_hand("SH02", GA) == a2 + 5 and on_hand("SH02", GB) == b2 + 3, "the good units are in SH02's stock")
lot2 = H.sqlite_rows(DB["SH02"], "SELECT l.origin, l.declaration, l.expiry, l.unit_cost, l.cost_currency FROM lot l "
                                 f"JOIN product p ON p.id = l.product_id WHERE p.gtin = '{GA}' AND l.code = '{LA}'")
check(lot2 == [lot_a], f"SH02's lot has SH01's lot data: {lot2} vs {lot_a}")
refused("SH02", 1, ["received already"], "transfer", "receive", T, "--location", back)
refused("SH01", 1, ["shipped from this store"], "transfer", "receive", T, "--location", back)
lst = json.loads(store("SH02", "--json", "transfer", "list").stdout)
check(lst[0]["status"] == "received" and lst[0]["received"] == 8 and lst[0]["damaged"] == 1 and
      lst[0]["short"] == 1 and lst[0]["over"] == 0, f"the differences recorded: {lst}")
show = json.loads(store("SH02", "--json", "transfer", "show", T).stdout)
check([(r["shipped"], r["received"], r["damaged"]) for r in show] == [(6, 5, 0), (4, 3, 1)],
      f"per line: {show}")

# ---- the receipt goes back -----------------------------------------------------
p = sync("SH02")
check(p.returncode == 0, f"sync SH02 sends the receipt: {p.stderr}")
got = C.psql(f"SELECT received_units || ' ' || damaged_units FROM hq.transfer WHERE uuid = '{T}'")
check(got == "8 1", f"head office holds the receipt ({got})")
p = hq("transfer", "list")
check(p.returncode == 0 and "received" in p.stdout and "in transit" not in p.stdout, f"hq transfer list: {p.stdout}")
check(C.psql("SELECT count(*) FROM hq.transfer WHERE received_at IS NULL") == "0", "nothing in transit any more")
p = sync("SH01")
check(p.returncode == 0 and "1 receipt of its own transfers" in p.stdout, f"SH01 learns the receipt: {p.stdout}")
lst = json.loads(store("SH01", "--json", "transfer", "list").stdout)
check(lst[0]["status"] == "received" and lst[0]["short"] == 1 and lst[0]["damaged"] == 1,
      f"SH01's list shows the receipt: {lst}")
after = chain(GTINS)
check(before == after + 1 + 1, f"chain-wide: before {before} = after {after} + 1 short + 1 damaged")
hq_sum = C.psql("SELECT coalesce(sum((body->>'qty')::bigint), 0) FROM hq.event WHERE kind = 'move' AND "
                f"body->>'product' IN ('0{GA}', '0{GB}', '{GA}', '{GB}')")
check(int(hq_sum) == after, f"head office's moves sum to the chain's stock ({hq_sum} vs {after})")

# ---- purchasing sends its events -------------------------------------------------
p = store("SH03", "supplier", "add", "ACME", "--name-zh", "意大利食品公司", "--currency", "EUR")
g3 = H.sqlite(DB["SH03"], "SELECT gtin FROM product WHERE gtin IS NOT NULL LIMIT 1")
p2 = store("SH03", "supplier", "item", "ACME", g3, "--pack", "6", "--price", "1.20")
p3 = store("SH03", "purchase", "new", "ACME")
check(p.returncode == 0 and p2.returncode == 0 and p3.returncode == 0, f"purchasing at SH03: {p3.stderr}")
p = sync("SH03")
kinds = C.psql("SELECT string_agg(DISTINCT kind, ',' ORDER BY kind) FROM hq.event WHERE store = 'SH03' AND kind IN "
               "('supplier', 'supplier_item', 'purchase')")
check(kinds == "purchase,supplier,supplier_item", f"suppliers, their items and orders reach head office: {kinds}")

for code in CODES:
    exactly_once(code, "after the transfer")

# ---- a store database restored from yesterday's backup -------------------------
bak = os.path.join(W, "sh03-yesterday.db")
p = store("SH03", "backup", bak)
check(p.returncode == 0, f"backup: {p.stderr}")
p = store("SH03", "sale", "--counter", "C1", "--cashier", "王芳", "--pay", "cash", g3)
sold = p.returncode == 0
if not sold:
    g3 = next(r[0] for r in H.sqlite_rows(DB["SH03"], "SELECT p.gtin FROM stock_balance b JOIN product p ON p.id = "
                                                      "b.product_id JOIN location l ON l.id = b.location_id WHERE "
                                                      "l.kind = 'shelf' AND b.qty > 5 AND p.price > 0"))
    p = store("SH03", "sale", "--counter", "C1", "--cashier", "王芳", "--pay", "cash", g3)
check(p.returncode == 0, f"a sale after the backup: {p.stderr}")
p = sync("SH03")
check(p.returncode == 0 and "warning" not in p.stderr, f"that sale reaches head office: {p.stderr}")
lost = len(H.local_events(DB["SH03"])) - len(H.local_events(bak))
check(lost > 3, f"the sale made {lost} events")
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(DB["SH03"] + suffix):
        os.remove(DB["SH03"] + suffix)
shutil.copy(bak, DB["SH03"])  # the disk died: yesterday's backup comes back
p = store("SH03", "sale", "--counter", "C1", "--cashier", "王芳", "--pay", "cash", g3)
check(p.returncode == 0, f"the restored store sells: {p.stderr}")
p = sync("SH03")
check(p.returncode == 0 and f"holds {lost} events of store SH03 that this database does not have" in p.stderr,
      f"what head office has beyond the backup is reported: {p.stderr}")
check("journal is broken at head office" in p.stderr, f"the journal's continuity is flagged: {p.stderr}")
exactly_once("SH03", "after the restore", extra=lost)
p = sync("SH03")
check(p.returncode == 0 and "0 events sent" in p.stdout, f"the next sync sends nothing twice: {p.stdout}")
exactly_once("SH03", "after the restore, synced again", extra=lost)

# ---- clock skew: SH02's clock ten days behind, SH01's a day ahead -----------
def utc(days):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


SKEW = {"SH02": utc(-10), "SH01": utc(1)}
for code in ("SH02", "SH01"):
    p = store(code, "sale", "--counter", "C2", "--cashier", "李雷", "--pay", "card", GA,
              env={"ENTREPOT_NOW": SKEW[code]})
    check(p.returncode == 0, f"{code} sells with its clock at {SKEW[code]}: {p.stderr}")
    p = store(code, "sale", "--counter", "C2", "--cashier", "李雷", "--pay", "card", GA)
    check(p.returncode == 0, f"{code} sells with the true clock: {p.stderr}")
    p = sync(code)
    check(p.returncode == 0, f"sync {code} with events out of time order: {p.stderr}")
for code in ("SH01", "SH02"):
    order = C.psql(f"SELECT string_agg(uuid::text, ' ' ORDER BY seq) FROM hq.event WHERE store = '{code}'").split()
    check(order == H.local_events(DB[code]), f"{code}: head office orders its events by the store's sequence")
    back_in_time = C.psql(f"SELECT count(*) FROM hq.event e WHERE store = '{code}' AND kind = 'sale' AND "
                          f"at < (SELECT max(at) FROM hq.event f WHERE f.store = e.store AND f.seq < e.seq)")
    check(int(back_in_time) >= 1, f"{code}: a later sale carries an earlier time ({back_in_time})")
    skewed_day = H.sqlite(DB[code], "SELECT day FROM sale WHERE counter = 'C2' ORDER BY id LIMIT 1")
    days = C.psql(f"SELECT string_agg(DISTINCT body->>'day', ',') FROM hq.event WHERE store = '{code}' AND "
                  "kind = 'sale' AND body->>'counter' = 'C2'")
    local_days = H.sqlite(DB[code], "SELECT group_concat(DISTINCT day) FROM sale WHERE counter = 'C2'")
    check(skewed_day in days.split(",") and sorted(days.split(",")) == sorted(local_days.split(",")),
          f"{code}: the sales count on the store's own business days ({days}; the store's {local_days})")
    rep = hq("report", "sales", "--store", code, "--from", skewed_day, "--to", skewed_day)
    check(rep.returncode == 0 and skewed_day in rep.stdout, f"{code}: hq report sales by the store's day: {rep.stdout}")
for code in CODES:
    exactly_once(code, "at the end", extra=lost if code == "SH03" else 0)

H.finish(C)
