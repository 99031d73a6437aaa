#!/usr/bin/env python3
"""A busy store-day pushed to head office (issue 13, "Scale"), beside its
floor measured in the same run: a COPY of the very same rows into the same
table (hq.event) of the same private PostgreSQL cluster. Not in ctest; run on
request:

    tests/bench/bench_hq_push.py build/testclock/entrepot [SALES]

The day: SALES sales (default 20,000) of five lines each, with a payment, a
stock move per line and a journal record per sale. Since schema 024 the
store's triggers write these events without a body (the view sync_event
builds it at the push), so the day's rows are put straight into the sales,
stock and journal tables and the triggers make the events: the push pays for
building the bodies, as a store's does. Measuring switches, for the bench's
own database only: BENCH_BODIES=stored writes the same events' bodies into
the outbox before the push (as the triggers did before schema 024: the same
bytes), BENCH_BODIES=synthetic puts the earlier rounds' hand-made events with
their bodies straight into the outbox. Only the push is timed. The push is `entrepot sync --batch
10000` over TLS (connect, lock, push, acknowledge, pull); the COPY is psql's
\\copy over the local socket, without TLS: the floor is the best case. The
cluster is the tests' (fsync off for both). Prints the load with the figures."""
import csv
import os
import sqlite3
import subprocess
import sys
import time
import uuid

if len(sys.argv) < 2:
    raise SystemExit(__doc__)
os.environ["ENTREPOT"] = os.path.abspath(sys.argv[1])
SALES = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hq"))
import hq_lib as H  # noqa: E402

C = H.Cluster()
C.psql("ALTER SYSTEM SET log_statement = 'none'")  # the tests log every statement; a benchmark does not
if os.environ.get("BENCH_LOG_DURATION"):
    C.psql("ALTER SYSTEM SET log_min_duration_statement = 0")
    C.psql("ALTER SYSTEM SET log_parameter_max_length = 0")
C.psql("SELECT pg_reload_conf()")
W = C.dir
DB = os.path.join(W, "sh01.db")
PASSFILE = os.path.join(W, "sh01.pass")
for args in (("hq", "init", "--pg", C.admin),
             ("hq", "store", "add", "SH01", "--name", "上海旗舰店", "--pg", C.admin, "--password-file", PASSFILE),
             ("hq", "store", "add", "SH02", "--name", "苏州店", "--pg", C.admin, "--password-file", PASSFILE + "2"),
             ("--db", DB, "init", "--store", "SH01", "--name", "上海旗舰店")):
    p = subprocess.run([H.ENTREPOT, *args], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"setup: {args[:3]}: {p.stderr}")


def at(i):
    s = 2 * 3600 + i * 2  # 02:00Z onwards, a sale every 2 s
    return f"2026-11-28T{s // 3600 % 24:02d}:{s // 60 % 60:02d}:{s % 60:02d}.{i % 1000:03d}Z"


def q(s):
    return '"' + s + '"'


def day_events():
    """The outbox rows of the day: (uuid, kind, at, body)."""
    lots = [str(uuid.uuid4()) for _ in range(50)]
    for i in range(SALES):
        t = at(i)
        sale = str(uuid.uuid4())
        yield (str(uuid.uuid4()), "sale", t,
               '{"uuid":%s,"receipt":"SH01-C1-%06d","kind":"sale","ref":null,"at":%s,"day":"2026-11-28",'
               '"hour":%d,"counter":"C1","cashier":"王芳","total":%d,"tax":%d,"units":5,"note":null,'
               '"approved_by":null}' % (q(sale), i + 1, q(t), 10 + i % 10, 5 * 1290, 5 * 148))
        for line in range(1, 6):
            gtin = "0%013d" % (8001505005707 + (i * 5 + line) % 400)
            lot = lots[(i + line) % 50]
            yield (str(uuid.uuid4()), "sale_line", t,
                   '{"sale":%s,"line":%d,"product":%s,"code":%s,"name":"意大利面 Spaghetti 500 g","origin":"IT",'
                   '"lot":%s,"unit":"pcs","qty":1,"unit_price":1290,"discount":0,"amount":1290,"tax_rate":900,'
                   '"tax":148,"price_reason":null,"discount_reason":null,"approved_by":null,"ref_line":null}'
                   % (q(sale), line, q(gtin), q(gtin), q(lot)))
            yield (str(uuid.uuid4()), "move", t,
                   '{"uuid":%s,"batch":%s,"at":%s,"kind":"sale","product":%s,"lot":%s,"location":"S1",'
                   '"qty":-1,"reason":"sale","note":null,"user":"王芳"}'
                   % (q(str(uuid.uuid4())), q(sale), q(t), q(gtin), q(lot)))
        yield (str(uuid.uuid4()), "sale_pay", t,
               '{"sale":%s,"method":"card","amount":%d,"tendered":%d,"change":0}' % (q(sale), 5 * 1290, 5 * 1290))
        h = uuid.uuid4().hex * 2
        yield (str(uuid.uuid4()), "journal", t,
               '{"seq":%d,"uuid":%s,"kind":"sale","at":%s,"counter":"C1","cashier":"王芳","ref":"SH01-C1-%06d",'
               '"currency":"CNY","total":%d,"grand_total":%d,"event":null,"note":null,"pubkey":null,"period":null,'
               '"period_end":null,"first_seq":null,"last_seq":null,"training":0,"prev_hash":"%s","key_id":"%s",'
               '"hash":"%s","sig":"%s"}' % (i + 1, q(sale), q(t), i + 1, 5 * 1290, 5 * 1290 * (i + 1), h.upper(),
                                            h[:16].upper(), h.upper(), (h * 2).upper()))


def day_rows(con):
    """The day's rows in the tables whose triggers write body-less events (schema 024)."""
    con.execute("INSERT INTO location (code, kind) VALUES ('S1', 'shelf')")
    for k in range(400):
        gtin = "0%013d" % (8001505005707 + k)
        con.execute("INSERT INTO product (id, gtin, name_zh, price, currency, tax_rate, created_at, updated_at) "
                    "VALUES (?, ?, '意大利面 Spaghetti 500 g', 1290, 'CNY', 900, ?, ?)", (k + 1, gtin, at(0), at(0)))
        con.execute("INSERT INTO lot (id, uuid, product_id, code, origin, created_at) VALUES (?, ?, ?, ?, 'IT', ?)",
                    (k + 1, str(uuid.uuid4()), k + 1, "L%03d" % k, at(0)))
    seq0 = con.execute("SELECT max(seq) FROM journal").fetchone()[0]
    for i in range(SALES):
        t = at(i)
        sale = str(uuid.uuid4())
        cur = con.execute("INSERT INTO sale (uuid, receipt, kind, at, day, hour, counter, cashier, total, tax, units, qr) "
                          "VALUES (?, ?, 'sale', ?, '2026-11-28', ?, 'C1', '王芳', ?, ?, 5, 'qr')",
                          (sale, seq0 + i + 1, t, 10 + i % 10, 5 * 1290, 5 * 148))
        sid = cur.lastrowid
        for line in range(1, 6):
            k = (i * 5 + line) % 400
            gtin = "0%013d" % (8001505005707 + k)
            con.execute("INSERT INTO sale_line (sale_id, line, product_id, code, name, origin, lot, unit, qty, unit_price, "
                        "amount, tax_rate, tax) VALUES (?, ?, ?, ?, '意大利面 Spaghetti 500 g', 'IT', ?, 'pcs', 1, 1290, "
                        "1290, 900, 148)", (sid, line, k + 1, gtin, "L%03d" % k))
            con.execute("INSERT INTO stock_move (uuid, batch, at, kind, product_id, lot_id, location_id, qty, reason, user) "
                        "VALUES (?, ?, ?, 'sale', ?, ?, 1, -1, 'sale', '王芳')", (str(uuid.uuid4()), sale, t, k + 1, k + 1))
        con.execute("INSERT INTO sale_pay (sale_id, method, amount, tendered, change) VALUES (?, 'card', ?, ?, 0)",
                    (sid, 5 * 1290, 5 * 1290))
        h = uuid.uuid4().bytes * 2
        con.execute("INSERT INTO journal (seq, uuid, kind, at, counter, cashier, ref, currency, total, grand_total, "
                    "prev_hash, key_id, hash, sig) VALUES (?, ?, 'SALE', ?, 'C1', '王芳', ?, 'CNY', ?, ?, ?, ?, ?, ?)",
                    (seq0 + i + 1, sale, t, "SH01-C1-%06d" % (i + 1), 5 * 1290, 5 * 1290 * (i + 1), h, h[:8], h, h * 2))


con = sqlite3.connect(DB)
with con:
    if os.environ.get("BENCH_BODIES") == "synthetic":
        con.executemany("INSERT INTO sync_outbox (uuid, kind, at, body) VALUES (?, ?, ?, ?)", day_events())
    else:
        day_rows(con)
    if os.environ.get("BENCH_BODIES") == "stored":
        con.execute("DROP TRIGGER sync_outbox_no_update")
        con.execute("UPDATE sync_outbox SET body = (SELECT body FROM sync_event e WHERE e.seq = sync_outbox.seq)")
n = con.execute("SELECT count(*) FROM sync_outbox").fetchone()[0]
lazy = con.execute("SELECT count(*) FROM sync_outbox WHERE body IS NULL").fetchone()[0]
con.close()
load = open("/proc/loadavg").read().split()[:3]
print(f"machine: {os.cpu_count()} cores, load {' '.join(load)}; {SALES} sales, {n} events in the outbox "
      f"({lazy} of them to be built at the push)")

t0 = time.monotonic()
p = subprocess.run([H.ENTREPOT, "--db", DB, "sync", "--batch", "10000", "--pg", C.store_url("SH01"),
                    "--password-file", PASSFILE], capture_output=True, text=True)
push = time.monotonic() - t0
if p.returncode != 0:
    raise SystemExit(f"sync failed: {p.stderr}")
held = int(C.psql("SELECT count(*) FROM hq.event WHERE store = 'SH01'"))

# The floor: the same rows, as COPY takes them, into the same table (store SH02).
rows = os.path.join(W, "rows.csv")
con = sqlite3.connect(f"file:{DB}?mode=ro", uri=True)
with open(rows, "w", newline="") as f:
    w = csv.writer(f)
    for r in con.execute("SELECT at, uuid, seq, kind, body FROM sync_event ORDER BY seq"):
        w.writerow(("SH02",) + tuple(r))
con.close()
os.chmod(W, 0o755)
os.chmod(rows, 0o644)
t0 = time.monotonic()
C.psql(f"\\copy hq.event (store, at, uuid, seq, kind, body) FROM '{rows}' CSV")
copy = time.monotonic() - t0
copied = int(C.psql("SELECT count(*) FROM hq.event WHERE store = 'SH02'"))
load = open("/proc/loadavg").read().split()[:3]

print(f"push (entrepot sync, TLS, batches of 10000): {held} events in {push:.2f} s = {held / push:,.0f} events/s")
print(f"floor (psql \\copy of the same rows, local socket): {copied} events in {copy:.2f} s = {copied / copy:,.0f} events/s")
ratio = copy / push
print(f"push speed / COPY speed: {ratio:.2f} (asked: at least 0.30); push {'under' if push < 10 else 'OVER'} 10 s; "
      f"load after: {' '.join(load)}")
ok = held == n and copied == n and push < 10 and ratio >= 0.3
if os.environ.get("BENCH_LOG_DURATION"):
    print("\n".join(l[:200] for l in C.log_text().splitlines() if "duration" in l))
C.cleanup()
sys.exit(0 if ok else 1)
