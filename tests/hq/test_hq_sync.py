#!/usr/bin/env python3
"""Head office on a real PostgreSQL (issue 13): hq init, hq store add with a
role per store and row-level security, and entrepot sync with its failures:
the same batch twice, SIGKILL mid-batch and between commit and acknowledgement,
PostgreSQL restarted between batches, two syncs of one store at once, head
office down while the store sells, a store's role reaching for another
store's rows. Each ends with every event at head office exactly once."""
import json
import os
import sqlite3
import stat
import subprocess
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


def sync(code, *args, db=None, env=None):
    return H.entrepot("sync", "--pg", C.store_url(code), "--password-file", PASSFILE[code], *args,
                      db=db or DB[code], env=env)


def held_sync(code, hold, *args):
    """A sync that stops at hold ("insert:2"...): the process, once it says so."""
    e = dict(os.environ, ENTREPOT_SYNC_HOLD=hold)
    e.pop("ENTREPOT_NOW", None)
    p = subprocess.Popen([H.ENTREPOT, "--db", DB[code], "sync", "--pg", C.store_url(code), "--password-file",
                          PASSFILE[code], *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=e)
    line = p.stderr.readline()
    check(line.startswith("sync: held at " + hold), f"the sync stops at {hold}: {line!r}")
    return p


def exactly_once(code, what):
    local = H.local_events(DB[code])
    rows = C.psql(f"SELECT count(*) || ' ' || count(DISTINCT uuid) FROM hq.event WHERE store = '{code}'")
    held = set(C.psql(f"SELECT uuid FROM hq.event WHERE store = '{code}'").split())
    n, distinct = map(int, rows.split())
    return check(n == len(local) and distinct == n and held == set(local),
                 f"{what}: {code} has {len(local)} events, head office {n} ({distinct} distinct)")


SELLS = {}


def sell(code, n):
    """n sales, each of one unit of a commodity the shelves hold."""
    levels = json.loads(H.entrepot("--json", "stock", "levels", db=DB[code]).stdout)
    tries = [SELLS[code]] if code in SELLS else [r["gtin"] for r in levels if r.get("gtin") and r["on_hand"] > 20]
    done = 0
    for gtin in tries:
        while done < n:
            p = H.entrepot("sale", "--counter", "C1", "--cashier", "王芳", "--pay", "card", gtin, db=DB[code])
            if p.returncode != 0:
                break
            SELLS[code] = gtin
            done += 1
        if done == n:
            return
    raise SystemExit(f"setup: {code} could sell only {done} of {n}")


# ---- set up head office -----------------------------------------------------
NMIG = len([f for f in os.listdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schema", "hq"))
            if f.endswith(".sql")])
p = hq("init")
check(p.returncode == 0 and f"{NMIG} migrations applied" in p.stdout, f"hq init: {p.stdout}{p.stderr}")
p = hq("init")
check(p.returncode == 0 and "0 migrations applied" in p.stdout, f"hq init again changes nothing: {p.stdout}{p.stderr}")
check(C.psql("SELECT count(*) FROM hq.schema_migration") == str(NMIG), "every migration recorded")
p = H.entrepot("hq", "init", "--pg", C.admin + " password=secret")
check(p.returncode == 2 and "password" in p.stderr and "secret" not in p.stderr,
      f"a password in the address is refused, not echoed: {p.stderr}")
p = H.entrepot("hq", "init", "--pg", f"postgresql://hqadmin:secret2@localhost:{C.port}/hq")
check(p.returncode == 2 and "secret2" not in p.stderr, f"a password in a URL is refused, not echoed: {p.stderr}")

for code, name in (("SH01", "上海旗舰店"), ("SH02", "苏州店"), ("SH03", "杭州店")):
    p = hq("store", "add", code, "--name", name, "--password-file", PASSFILE[code])
    check(p.returncode == 0 and f"entrepot_store_{code.lower()}" in p.stdout, f"store add {code}: {p.stdout}{p.stderr}")
    check(stat.S_IMODE(os.stat(PASSFILE[code]).st_mode) == 0o600, f"{code}'s password file is 0600")
PASSWORD = {code: open(PASSFILE[code]).read().strip() for code in DB}
check(all(len(v) == 32 for v in PASSWORD.values()), "32-character passwords")
stores_before = C.psql("SELECT code, name, role FROM hq.store ORDER BY code")
p = hq("store", "add", "SH01", "--name", "again", "--password-file", os.path.join(W, "again.pass"))
check(p.returncode == 1 and "already registered" in p.stderr and not os.path.exists(os.path.join(W, "again.pass")),
      f"a store registered twice is refused, no password file left: {p.stderr}")
p = hq("store", "add", "sh9", "--name", "x")
check(p.returncode == 2 and "store code" in p.stderr, f"a bad store code is refused: {p.stderr}")
p = hq("store", "add", "SH09", "--name", "x", "--password-file", PASSFILE["SH01"])
check(p.returncode == 1 and "never written over" in p.stderr, f"a password file is never overwritten: {p.stderr}")
p = hq("store", "add", "SH09")
check(p.returncode == 2 and "--name" in p.stderr, f"store add needs a name: {p.stderr}")
check(C.psql("SELECT code, name, role FROM hq.store ORDER BY code") == stores_before,
      "the refusals left head office's stores as they were")
check(C.psql("SELECT count(*) FROM pg_roles WHERE rolname = 'entrepot_store_sh09'") == "0", "no role for SH09")
p = H.entrepot("hq", "store", "list", "--pg", C.admin)
check(p.returncode == 0 and "苏州店" in p.stdout and "entrepot_store_sh03" in p.stdout, f"store list: {p.stdout}")
p = hq("store", "add", "SH04", "--name", "宁波店")
check(p.returncode == 0 and "shown this once" in p.stdout, f"without a file the password is printed once: {p.stdout}")

# ---- three stores with some business ---------------------------------------
for i, code in enumerate(DB):
    p = H.entrepot("demo", "--commodities", str(60 + 40 * i), "--seed", str(i + 1), "--store", code, "--name",
                   "店" + code, db=DB[code])
    if p.returncode != 0:
        raise SystemExit(f"setup: demo {code}: {p.stderr}")
sell("SH01", 3)
n1 = len(H.local_events(DB["SH01"]))
check(n1 > 200, f"SH01's outbox holds its lots, moves, sales and journal ({n1} events)")

# ---- the bad ways in are refused, and change nothing -------------------------
before = H.dump(DB["SH01"])
os.chmod(PASSFILE["SH01"], 0o644)
p = sync("SH01")
check(p.returncode == 2 and "0600" in p.stderr, f"a password file others can read is refused: {p.stderr}")
os.chmod(PASSFILE["SH01"], 0o600)
p = H.entrepot("sync", "--pg", C.store_url("SH01", "disable"), "--password-file", PASSFILE["SH01"], db=DB["SH01"])
check(p.returncode in (1, 3) and "0" == C.psql("SELECT count(*) FROM hq.event"),
      f"a store without TLS gets nowhere: {p.stderr}")
p = H.entrepot("sync", "--pg", C.store_url("SH01"), "--password-file", PASSFILE["SH02"], db=DB["SH01"])
check(p.returncode == 3 and "authentication failed" in p.stderr, f"another store's password fails: {p.stderr}")
p = H.entrepot("sync", "--pg", C.admin, db=DB["SH01"])
check(p.returncode == 1 and "TLS" in p.stderr, f"a sync without TLS (the socket) is refused: {p.stderr}")
p = sync("SH01", "--batch", "0")
check(p.returncode == 2 and "--batch" in p.stderr, f"--batch 0 is refused: {p.stderr}")
check(H.dump(DB["SH01"]) == before, "the refused syncs left the store's database as it was")
check(C.psql("SELECT count(*) FROM hq.event") == "0", "and head office empty")

# ---- one sync, then again ----------------------------------------------------
p = sync("SH01", "--batch", "100")
check(p.returncode == 0 and f"{n1} events sent" in p.stdout, f"sync SH01: {p.stdout}{p.stderr}")
exactly_once("SH01", "after the first sync")
# Since schema 024 the events of a sale's rows are stored without a body and
# built when pushed: head office holds what the store's view gives, body for
# body (PostgreSQL keeps jsonb, so compared as JSON).
lazy = H.sqlite(DB["SH01"], "SELECT count(*) FROM sync_outbox WHERE body IS NULL")
check(lazy >= 13 * 3, f"SH01's sales went out as lazy events ({lazy})")
local = {u: json.loads(b) for u, b in H.sqlite_rows(DB["SH01"], "SELECT uuid, body FROM sync_event")}
at_hq = {}
for line in C.psql("SELECT uuid || ' ' || body::text FROM hq.event WHERE store = 'SH01'").splitlines():
    u, b = line.split(" ", 1)
    at_hq[u] = json.loads(b)
check(local == at_hq, f"head office holds every event's body as the store built it ({len(at_hq)} events)")
# An event whose row was removed behind entrepot's back (its triggers dropped)
# stops the sync before its batch is sent, naming the event.
lost = os.path.join(W, "lost.db")
H.sqlite_rows(DB["SH01"], f"VACUUM INTO '{lost}'")
H.entrepot("sale", "--counter", "C9", "--cashier", "王芳", "--pay", "card", SELLS["SH01"], db=lost)
seq = H.sqlite(lost, "SELECT max(seq) FROM sync_outbox WHERE kind = 'sale_pay'")
con = sqlite3.connect(lost, isolation_level=None)
con.executescript("DROP TRIGGER sale_pay_no_delete; DELETE FROM sale_pay WHERE sale_id = (SELECT max(id) FROM sale)")
con.close()
p = H.entrepot("sync", "--pg", C.store_url("SH01"), "--password-file", PASSFILE["SH01"], db=lost)
check(p.returncode != 0 and f"event {seq} (sale_pay) has lost the row it was made from" in p.stderr,
      f"a lost row stops the sync: {p.returncode} {p.stderr}")
check(C.psql("SELECT count(*) FROM hq.event WHERE store = 'SH01'") == str(n1), "and nothing of its batch was sent")
p = sync("SH01", "--batch", "100")
check(p.returncode == 0 and "0 events sent" in p.stdout, f"a second sync sends nothing: {p.stdout}{p.stderr}")
p = sync("SH01", "--status")
check(p.returncode == 0 and "waiting to be sent      0" in p.stdout and f"head office holds       {n1}" in p.stdout,
      f"sync --status: {p.stdout}{p.stderr}")
months = C.psql("SELECT count(*) FROM pg_inherits WHERE inhparent = 'hq.event'::regclass")
check(int(months) >= 1, f"month partitions made on demand ({months})")

# ---- a store's database syncing as another store -----------------------------
before = H.dump(DB["SH01"])
p = H.entrepot("sync", "--pg", C.store_url("SH02"), "--password-file", PASSFILE["SH02"], db=DB["SH01"])
check(p.returncode == 1 and "syncs as store SH01" in p.stderr, f"SH01's database cannot sync as SH02: {p.stderr}")
check(H.dump(DB["SH01"]) == before and C.psql("SELECT count(*) FROM hq.event WHERE store = 'SH02'") == "0",
      "nothing changed on either side")

# ---- SIGKILL mid-batch: rows in, not committed --------------------------------
sell("SH01", 2)
p = held_sync("SH01", "insert:1", "--batch", "3")
p.kill()
p.wait()
check(C.psql("SELECT count(*) FROM hq.event WHERE store = 'SH01'") == str(n1), "the killed batch left nothing")
p = sync("SH01", "--batch", "3")
check(p.returncode == 0, f"the next sync: {p.stderr}")
exactly_once("SH01", "after SIGKILL mid-batch")

# ---- SIGKILL after the commit, before the store recorded it: the same batch twice
sell("SH01", 2)
acked = H.entrepot("--json", "sync", "--status", "--pg", C.store_url("SH01"), "--password-file", PASSFILE["SH01"],
                   db=DB["SH01"]).stdout
p = held_sync("SH01", "commit:1", "--batch", "4")
p.kill()
p.wait()
after = H.entrepot("--json", "sync", "--status", "--pg", C.store_url("SH01"), "--password-file", PASSFILE["SH01"],
                   db=DB["SH01"]).stdout
a0, a1 = json.loads(acked), json.loads(after)
check(a0["acked_seq"] == a1["acked_seq"] and a1["hq_events"] == a0["hq_events"] + 4,
      f"head office has the batch, the store has not marked it: {a0} {a1}")
p = sync("SH01", "--batch", "4")
check(p.returncode == 0, f"the batch sent again: {p.stderr}")
exactly_once("SH01", "after the same batch twice")

# ---- PostgreSQL restarted between batches -------------------------------------
sell("SH02", 2)
n2 = len(H.local_events(DB["SH02"]))
p = held_sync("SH02", "acked:1", "--batch", "50")
C.restart()
p.stdin.write("\n")
p.stdin.flush()
out, err = p.communicate(timeout=120)
check(p.returncode == 0 and f"{n2} events sent" in out, f"the sync goes on after a restart: {out}{err}")
exactly_once("SH02", "after PostgreSQL restarted between batches")

# ---- two syncs of one store at once ----------------------------------------
sell("SH02", 2)
first = held_sync("SH02", "insert:1", "--batch", "2")
before = H.dump(DB["SH02"])
p = sync("SH02")
check(p.returncode == 1 and "another sync of store SH02" in p.stderr, f"a second sync is refused: {p.stderr}")
check(H.dump(DB["SH02"]) == before, "and leaves the store's database as it was")
first.stdin.write("\n")
first.stdin.flush()
out, err = first.communicate(timeout=120)
check(first.returncode == 0, f"the first sync finishes: {err}")
exactly_once("SH02", "after two syncs at once")

# ---- head office down: the store keeps selling, nothing lost ------------------
C.stop()
sell("SH03", 3)
p = sync("SH03")
check(p.returncode == 3 and "cannot reach head office" in p.stderr, f"head office down: exit 3: {p.stderr}")
p = sync("SH03", "--status")
check(p.returncode == 3 and "waiting to be sent" in p.stdout, f"--status still shows the store's side: {p.stdout}")
C.start()
p = sync("SH03")
check(p.returncode == 0, f"sync once head office is back: {p.stderr}")
exactly_once("SH03", "after head office came back")

# ---- prices and names from head office ----------------------------------------
g1 = SELLS["SH01"]
p = hq("price", "set", g1, "--price", "88.80", "--name-en", "Head office's name")
check(p.returncode == 0 and "every store" in p.stdout, f"hq price set: {p.stdout}{p.stderr}")
p = hq("price", "set", g1, "--price", "77.70", "--store", "SH02")
check(p.returncode == 0, f"a price for one store: {p.stderr}")
p = hq("price", "set", "4006381333931", "--price", "1")
check(p.returncode == 0, f"a price for a commodity no store lists: {p.stderr}")
changes = C.psql("SELECT count(*) FROM hq.price_change")
for bad, status, words in ((("--price", "1.234"), 2, "not a price"), (("--price", "1", "--store", "SH99"), 1,
                           "not registered"), ((), 2, "needs --price")):
    p = hq("price", "set", g1, *bad)
    check(p.returncode == status and words in p.stderr, f"hq price set {bad} refused: {p.stderr}")
check(C.psql("SELECT count(*) FROM hq.price_change") == changes, "the refusals recorded nothing")
r = C.psql_store("SH01", PASSWORD["SH01"], "SELECT count(*) FROM hq.price_change")
check(r.stdout.strip() == "2", f"SH01 sees the chain's changes, not SH02's own: {r.stdout}{r.stderr}")
p = sync("SH01")
check(p.returncode == 0 and "1 price change from head office applied, 1 for commodities this store does not list"
      in p.stdout, f"sync pulls the prices: {p.stdout}{p.stderr}")
shown = {r["field"]: r["value"] for r in json.loads(H.entrepot("--json", "product", "show", g1, db=DB["SH01"]).stdout)}
check(shown.get("price", "").startswith("88.80 ") and shown.get("name_en") == "Head office's name", f"the new price and name: {shown}")
queued = H.sqlite(DB["SH01"], "SELECT count(*) FROM label_queue q JOIN product p ON p.id = q.product_id "
                  f"WHERE p.gtin = '0{g1}' OR p.gtin = '{g1}'")
check(queued >= 1, f"its shelf label is queued ({queued})")
p = sync("SH01", "--status")
check("prices still to pull    0" in p.stdout, f"--status: nothing left to pull: {p.stdout}")
p = sync("SH01")
check(p.returncode == 0 and "0 price changes" in p.stdout and "0 events sent" not in p.stdout,
      f"the next sync pulls nothing and pushes the label jobs the pull queued: {p.stdout}{p.stderr}")

# ---- head office's reports, from what the stores pushed ------------------------
def report(*args):
    p = H.entrepot("--json", "hq", "report", *args, "--pg", C.admin)
    check(p.returncode == 0, f"hq report {args}: {p.stderr}")
    return json.loads(p.stdout or "[]")


rows = report("stock")
for code in DB:
    local = dict(H.sqlite_rows(DB[code], "SELECT l.origin, SUM(m.qty) FROM stock_move m JOIN lot l ON l.id = m.lot_id "
                                         "GROUP BY l.origin HAVING SUM(m.qty) <> 0"))
    at_hq = {r["origin"]: int(r["units"]) for r in rows if r["store"] == code}
    check(local == at_hq and len(local) > 3, f"{code}'s stock by origin at head office is the store's own "
          f"({len(local)} origins)")
chain = {r["origin"]: int(r["units"]) for r in rows if r["store"] == "*"}
summed = {}
for r in rows:
    if r["store"] != "*":
        summed[r["origin"]] = summed.get(r["origin"], 0) + int(r["units"])
check(chain == summed, "the chain-wide rows add up the stores'")
local = sorted(H.sqlite_rows(DB["SH01"], "SELECT s.day, l.origin, count(*), SUM(l.qty), SUM(l.amount) FROM sale_line l "
                                         "JOIN sale s ON s.id = l.sale_id GROUP BY 1, 2"))
at_hq = sorted((r["day"], r["origin"], int(r["lines"]), int(r["units"]), int(r["amount_minor"]))
               for r in report("sales", "--store", "SH01"))
check(local == at_hq and len(local) >= 1, f"SH01's sales by day and country at head office: {at_hq} {local}")
day = local[0][0]
check(report("sales", "--from", day, "--to", day) != [] and report("sales", "--to", "2000-01-01") == [],
      "--from and --to choose the days")
for bad in (("foo",), ("sales", "--from", "2026-02-30"), ("stock", "--store", "x"), ("stock", "--from", day)):
    p = H.entrepot("hq", "report", *bad, "--pg", C.admin)
    check(p.returncode == 2, f"hq report {bad} refused: {p.stderr}")

# ---- row-level security: a store's role and another store's rows --------------
r = C.psql_store("SH02", PASSWORD["SH02"], "SELECT count(*) FROM hq.event WHERE store = 'SH01'")
check(r.returncode == 0 and r.stdout.strip() == "0", f"SH02 sees none of SH01's rows: {r.stdout}{r.stderr}")
r = C.psql_store("SH02", PASSWORD["SH02"], "SELECT count(DISTINCT store) FROM hq.event")
check(r.returncode == 0 and r.stdout.strip() == "1", f"SH02 sees only its own store: {r.stdout}{r.stderr}")
r = C.psql_store("SH02", PASSWORD["SH02"], "INSERT INTO hq.event (store, at, uuid, seq, kind, body) VALUES "
                 "('SH01', now(), gen_random_uuid(), 1, 'sale', '{}')")
check(r.returncode != 0 and "row-level security" in r.stderr, f"SH02 cannot write SH01's rows: {r.stderr}")
r = C.psql_store("SH02", PASSWORD["SH02"], "UPDATE hq.event SET kind = 'x' WHERE store = 'SH02'")
check(r.returncode != 0 and "permission denied" in r.stderr, f"no store may change an event: {r.stderr}")
r = C.psql_store("SH02", PASSWORD["SH02"], "DELETE FROM hq.event")
check(r.returncode != 0 and "permission denied" in r.stderr, f"nor remove one: {r.stderr}")
part = C.psql("SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'hq.event'::regclass LIMIT 1")
r = C.psql_store("SH02", PASSWORD["SH02"], f"SELECT count(*) FROM {part}")
check(r.returncode != 0 and "permission denied" in r.stderr, f"nor read a partition directly: {r.stderr}")
r = C.psql_store("SH02", PASSWORD["SH02"], "SELECT count(*) FROM hq.store")
check(r.returncode != 0 and "permission denied" in r.stderr, f"nor the list of stores: {r.stderr}")
for code in DB:
    exactly_once(code, "at the end")

# ---- no password reached a log or a message ----------------------------------
log = C.log_text()
check("CREATE ROLE" in log and "SCRAM-SHA-256$" in log, "the log shows statements (log_statement = all)")
check(not any(pw in log for pw in PASSWORD.values()), "no store's password in PostgreSQL's log")

H.finish(C)
