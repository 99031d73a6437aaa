#!/usr/bin/env python3
"""The journal witnessed by head office (issue 13), on a real PostgreSQL:
`journal verify --hq` compares a store's journal with the copy head office
received through its syncs and reports a cut tail, a rewritten record and a
replaced database (exit 1) even when the store's own chain would pass;
`hq journal verify --store S` checks the chain of head office's copy (holes,
two records under one number), `hq journal export --store S` writes it."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hq_lib as H  # noqa: E402

check = H.check
C = H.Cluster()
W = C.dir
DB = os.path.join(W, "sh01.db")
PASSFILE = {code: os.path.join(W, code.lower() + ".pass") for code in ("SH01", "SH02")}


def hq(*args):
    return H.entrepot("hq", *args, "--pg", C.admin)


def witness(db, code="SH01"):
    return H.entrepot("journal", "verify", "--hq", "--pg", C.store_url(code), "--password-file", PASSFILE[code],
                      db=db)


def sync(db, code="SH01"):
    return H.entrepot("sync", "--pg", C.store_url(code), "--password-file", PASSFILE[code], db=db)


def sell(db, n):
    gtin = H.sqlite(db, "SELECT p.gtin FROM stock_balance b JOIN product p ON p.id = b.product_id JOIN location l "
                        "ON l.id = b.location_id JOIN lot t ON t.id = b.lot_id WHERE l.kind = 'shelf' AND b.qty > 10 "
                        "AND p.price > 0 AND p.gtin IS NOT NULL AND (t.expiry IS NULL OR t.expiry > date('now', "
                        "'+2 days')) LIMIT 1")
    for _ in range(n):
        p = H.entrepot("sale", "--counter", "C1", "--cashier", "王芳", "--pay", "cash", gtin, db=db)
        if p.returncode != 0:
            raise SystemExit(f"setup: sale: {p.stderr}")


def tampered_copy(name, sql):
    """A copy of the store's database changed behind the program's back."""
    path = os.path.join(W, name)
    subprocess.run(["sqlite3", DB, f".backup '{path}'"], check=True)
    subprocess.run(["sqlite3", path, "DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete; "
                                     "DROP TRIGGER journal_line_no_update; DROP TRIGGER journal_line_no_delete; " + sql],
                   check=True)
    return path


p = hq("init")
check(p.returncode == 0, f"hq init: {p.stderr}")
for code in ("SH01", "SH02"):
    p = hq("store", "add", code, "--name", "店" + code, "--password-file", PASSFILE[code])
    if p.returncode != 0:
        raise SystemExit(f"setup: store add: {p.stderr}")
p = H.entrepot("demo", "--commodities", "30", "--seed", "1", "--store", "SH01", "--name", "上海旗舰店", db=DB)
if p.returncode != 0:
    raise SystemExit(f"setup: demo: {p.stderr}")
sell(DB, 3)
p = sync(DB)
check(p.returncode == 0, f"sync: {p.stderr}")
n = H.sqlite(DB, "SELECT count(*) FROM journal")
check(n >= 4, f"the journal holds the START and the sales ({n} records)")

# ---- as it should be ------------------------------------------------------------
p = witness(DB)
check(p.returncode == 0 and f"ok: {n} records as head office received them; 0 not yet" in p.stdout,
      f"journal verify --hq: {p.stdout}{p.stderr}")
sell(DB, 1)
p = witness(DB)
check(p.returncode == 0 and "0 not yet" not in p.stdout and "not yet at head office" in p.stdout,
      f"records not yet synced are counted, not a fault: {p.stdout}{p.stderr}")
p = sync(DB)
n = H.sqlite(DB, "SELECT count(*) FROM journal")
p = hq("journal", "verify", "--store", "SH01")
check(p.returncode == 0 and f"ok: {n} records of store SH01 chained from 1 to {n}" in p.stdout,
      f"hq journal verify: {p.stdout}{p.stderr}")
out = os.path.join(W, "sh01-journal.json")
p = hq("journal", "export", "--store", "SH01", "--out", out)
recs = json.load(open(out)) if p.returncode == 0 else []
local = H.sqlite_rows(DB, "SELECT seq, lower(hex(hash)) FROM journal ORDER BY seq")
check([(r["seq"], r["hash"].lower()) for r in recs] == local, f"hq journal export: every record, in order ({len(recs)})")
p = hq("journal", "export", "--store", "SH01")
check(p.returncode == 0 and json.loads(p.stdout) == recs, "export to standard output: the same")
p = hq("journal", "verify")
check(p.returncode == 2 and "--store" in p.stderr, f"hq journal verify needs --store: {p.stderr}")

# ---- a cut tail --------------------------------------------------------------------
cut = tampered_copy("cut.db", f"DELETE FROM journal_line WHERE seq = {n}; DELETE FROM journal_pay WHERE seq = {n}; "
                              f"DELETE FROM journal_tax WHERE seq = {n}; DELETE FROM journal WHERE seq = {n};")
p = witness(cut)
check(p.returncode == 1 and f"record {n}: head office holds it, this journal does not (a cut tail)" in p.stdout
      and "not the one head office witnessed" in p.stderr, f"a cut tail: {p.stdout}{p.stderr}")

# ---- a rewritten record (re-hashed and re-signed, as the store's own key could) -------
rw = tampered_copy("rewritten.db", "UPDATE journal SET total = total + 100, grand_total = grand_total + 100, "
                                   "hash = randomblob(32) WHERE seq = 2;")
p = witness(rw)
check(p.returncode == 1 and "record 2: differs from the record head office received" in p.stdout,
      f"a rewritten record: {p.stdout}{p.stderr}")

# ---- a whole database replaced -------------------------------------------------------
other = os.path.join(W, "other.db")
p = H.entrepot("demo", "--commodities", "30", "--seed", "7", "--store", "SH01", "--name", "上海旗舰店", db=other)
check(p.returncode == 0, f"setup: another database: {p.stderr}")
p = witness(other)
check(p.returncode == 1 and "record 1: differs" in p.stdout and f"{n - 1} held by head office missing here" in
      p.stdout, f"a replaced database: {p.stdout}{p.stderr}")
p = witness(DB)
check(p.returncode == 0, f"the real database still agrees: {p.stdout}{p.stderr}")

# ---- head office's copy: a hole, two records under one number ---------------------
check(C.psql("SELECT count(*) FROM hq.event WHERE store = 'SH02'") == "0", "SH02 has sent nothing")
C.psql("INSERT INTO hq.event (store, at, uuid, seq, kind, body) SELECT 'SH02', at, gen_random_uuid(), seq, kind, "
       "body FROM hq.event WHERE store = 'SH01' AND kind = 'journal' AND (body->>'seq')::int <= 3")
p = hq("journal", "verify", "--store", "SH02")
check(p.returncode == 0 and "ok: 3 records" in p.stdout, f"a copy chained 1 to 3: {p.stdout}{p.stderr}")
C.psql("INSERT INTO hq.event (store, at, uuid, seq, kind, body) SELECT 'SH02', at, gen_random_uuid(), seq + 10, kind, "
       "jsonb_set(body, '{hash}', to_jsonb(md5('x') || md5('y'))) FROM hq.event WHERE store = 'SH01' AND "
       "kind = 'journal' AND (body->>'seq')::int = 2")
p = hq("journal", "verify", "--store", "SH02")
check(p.returncode == 1 and "record 2: a second record under this number" in p.stdout,
      f"two records under one number: {p.stdout}{p.stderr}")
C.psql("INSERT INTO hq.event (store, at, uuid, seq, kind, body) SELECT 'SH02', at, gen_random_uuid(), 99, kind, "
       "jsonb_set(body, '{seq}', '9') FROM hq.event WHERE store = 'SH01' AND kind = 'journal' AND "
       "(body->>'seq')::int = 3")
p = hq("journal", "verify", "--store", "SH02")
check(p.returncode == 1 and "record 9: records before it are missing" in p.stdout, f"a hole: {p.stdout}{p.stderr}")

# ---- a signature that does not match, a replaced database at head office ----------
p = hq("store", "add", "SH03", "--name", "杭州店", "--password-file", os.path.join(W, "sh03.pass"))
check(p.returncode == 0, f"store add SH03: {p.stderr}")
C.psql("INSERT INTO hq.event (store, at, uuid, seq, kind, body) SELECT 'SH03', at, gen_random_uuid(), seq, kind, "
       "CASE WHEN (body->>'seq')::int = 2 THEN jsonb_set(body, '{total}', to_jsonb((body->>'total')::bigint + 1)) "
       "ELSE body END FROM hq.event WHERE store = 'SH01' AND kind = 'journal' AND (body->>'seq')::int <= 3")
p = hq("journal", "verify", "--store", "SH03")
check(p.returncode == 1 and "record 2: the signature does not match the record" in p.stdout,
      f"a record changed after it was signed: {p.stdout}{p.stderr}")
pin = C.psql("SELECT key_id FROM hq.store_key WHERE store = 'SH01'")
check(pin == H.sqlite(DB, "SELECT lower(hex(key_id)) FROM journal WHERE seq = 1"),
      f"SH01's journal key pinned at its first sync ({pin[:12]}...)")
p = sync(other)
check(p.returncode == 0 and "journal is broken at head office" in p.stderr,
      f"another database syncing as SH01: {p.stdout}{p.stderr}")
check(C.psql("SELECT key_id FROM hq.store_key WHERE store = 'SH01'") == pin, "the pin did not move")
p = hq("journal", "verify", "--store", "SH01")
check(p.returncode == 1 and "record 1: the journal starts with another key than the one head office pinned" in
      p.stdout, f"hq journal verify names the other key: {p.stdout}{p.stderr}")
p = witness(DB)
check(p.returncode == 1 and "record 1: head office holds two different records under this number" in p.stdout,
      f"and the real store's journal verify --hq sees the fork: {p.stdout}{p.stderr}")

H.finish(C)
