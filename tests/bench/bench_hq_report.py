#!/usr/bin/env python3
"""Head office's sales by country per store for a month (issue 13, "Scale"):
STORES stores x LINES sale lines each (default 10 x 1,000,000) in one month,
made in PostgreSQL with generate_series and inserted into hq.event, the
month-partitioned table the sync writes (the summary hq.sales_day is kept by
the same statement trigger a push fires), then ANALYZE, then `entrepot hq
report sales --by country` over the month, for the chain and for one store,
timed beside floors measured in the same run: `entrepot hq store list` (the
same program, connection and a one-table query: the least a report can
cost) and, inside PostgreSQL, a `SELECT 1` and a count(*) of one store's
month in the event partition (the scan the summary spares). Not in ctest;
run on request:

    nice -n 5 tests/bench/bench_hq_report.py build/testclock/entrepot [STORES] [LINES]"""
import os
import subprocess
import sys
import time

if len(sys.argv) < 2:
    raise SystemExit(__doc__)
os.environ["ENTREPOT"] = os.path.abspath(sys.argv[1])
STORES = int(sys.argv[2]) if len(sys.argv) > 2 else 10
LINES = int(sys.argv[3]) if len(sys.argv) > 3 else 1000000
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hq"))
import hq_lib as H  # noqa: E402

C = H.Cluster()
C.psql("ALTER SYSTEM SET log_statement = 'none'")
C.psql("SELECT pg_reload_conf()")
if H.entrepot("hq", "init", "--pg", C.admin).returncode != 0:
    raise SystemExit("setup: hq init")
C.psql("SELECT hq.event_month('2026-10-31T20:00:00Z'), hq.event_month('2026-11-15T00:00:00Z')")
print(f"machine: {os.cpu_count()} cores, load {' '.join(open('/proc/loadavg').read().split()[:3])}")
t0 = time.monotonic()
for s in range(1, STORES + 1):
    # a month (Asia/Shanghai) of lines, evenly spread; ten origins; 1-3 units
    C.psql(f"""INSERT INTO hq.event (store, at, uuid, seq, kind, body)
      SELECT 'ST{s:02d}', timestamptz '2026-11-01 00:00:00+08' + g * (interval '30 days' / {LINES}),
             gen_random_uuid(), g + 1, 'sale_line',
             jsonb_build_object('sale', md5(({s} * 10000000 + g / 5)::text), 'line', g % 5 + 1,
                                'product', lpad((8001505005707 + g % 4000)::text, 14, '0'),
                                'origin', (ARRAY['IT','FR','DE','JP','AU','ES','CN','US','GB','NZ'])[1 + g % 10],
                                'unit', 'pcs', 'qty', 1 + g % 3, 'unit_price', 1290,
                                'amount', 1290 * (1 + g % 3), 'tax_rate', 900)
      FROM generate_series(0, {LINES - 1}) g""")
made = time.monotonic() - t0
C.psql("VACUUM ANALYZE hq.sales_day")
C.psql("ANALYZE hq.event")
n = int(C.psql("SELECT coalesce(sum(lines), 0) FROM hq.sales_day"))
print(f"made {STORES} x {LINES:,} lines in {made:.1f} s (not the figure); the summary counts {n:,}")


def timed(*args):
    t = time.monotonic()
    p = H.entrepot("--json", "hq", *args, "--pg", C.admin)
    d = time.monotonic() - t
    if p.returncode != 0:
        raise SystemExit(f"hq {args}: {p.stderr}")
    return d, p.stdout


def pg_ms(sql):
    """The server-side time of sql (psql's \\timing, best of 3), in ms."""
    p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-h", C.sock, "-p", str(C.port), "-U", "hqadmin", "-d", "hq"],
                       input="\\timing on\n" + (sql + ";\n") * 3, capture_output=True, text=True)
    times = [float(line.split()[1]) for line in p.stdout.splitlines() if line.startswith("Time:")]
    if p.returncode != 0 or len(times) != 3:
        raise SystemExit(f"psql {sql}: {p.stderr}")
    return min(times)


import json  # noqa: E402
MONTH = ("--from", "2026-11-01", "--to", "2026-11-30")
floor = min(timed("store", "list")[0] for _ in range(3))
select1 = pg_ms("SELECT 1")
part = pg_ms("SELECT count(*) FROM hq.event_2026_11 WHERE store = 'ST01'")
chain = [timed("report", "sales", "--by", "country", *MONTH) for _ in range(3)]
one = [timed("report", "sales", "--by", "country", "--store", "ST01", *MONTH) for _ in range(3)]
best, best_one = min(d for d, _ in chain), min(d for d, _ in one)
rows = json.loads(chain[0][1])
per_store = [r for r in rows if r["store"] != "*"]
lines = sum(int(r["lines"]) for r in per_store)
load = " ".join(open("/proc/loadavg").read().split()[:3])
print(f"hq report sales --by country, the month, every store: {len(per_store)} rows (store x country) + "
      f"{len(rows) - len(per_store)} chain rows over {lines:,} lines: best of 3 {best * 1000:.0f} ms "
      f"(asked: under 1 s); one store (--store ST01): {best_one * 1000:.0f} ms")
print(f"floor, hq store list through the same program: best of 3 {floor * 1000:.0f} ms; "
      f"ratio report / floor {best / floor:.2f} (one store {best_one / floor:.2f})")
print(f"inside PostgreSQL: SELECT 1 {select1:.2f} ms; count(*) of ST01's month in hq.event_2026_11 "
      f"{part:.0f} ms (the scan the summary spares); load after: {load}")
C.cleanup()
sys.exit(0 if n == STORES * LINES and lines == n and best < 1 else 1)
