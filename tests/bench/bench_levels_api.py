#!/usr/bin/env python3
"""The web app's stock pages at scale (issues 16 and 21): each API route a
stock page calls, through the store server over one keep-alive connection,
beside the floor measured the same way in the same run: `GET /products/GTIN`
(one indexed lookup and the request's own cost). Each route's first page
must answer in under 100 ms; the table shows p50, p99 and the worst of ROUNDS
requests, and the ratio of p50s to the floor. Not in ctest.

    tests/bench/bench_levels_api.py ENTREPOT_BIN DB [ROUNDS]

DB is written (a manager and a token are added to it, and an older schema is
migrated): use a copy, e.g. `cp --reflink=auto demo1m.db /tmp/copy.db`.
"""
import datetime
import http.client
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse

TARGET_MS = 100.0


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, db = os.path.realpath(sys.argv[1]), sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    env = dict(os.environ)
    env.pop("ENTREPOT_NOW", None)

    def cli(*args, stdin=None):
        return subprocess.run([binary, "--db", db, *args], input=stdin, capture_output=True, text=True,
                              check=True, env=env).stdout

    cli("location", "list")  # migrates an older database once, outside the timings
    cli("user", "add", "bench-levels", "--role", "manager", "--password-stdin", stdin="bench-password-1\n")
    token = cli("token", "add", "--user", "bench-levels", "--device", "bench").strip()

    q = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    gtin = q.execute("SELECT p.gtin FROM stock_sum_product s JOIN product p ON p.id = s.product_id "
                     "WHERE s.qty > 0 AND p.gtin IS NOT NULL ORDER BY s.product_id DESC LIMIT 1").fetchone()[0]
    rare = q.execute("SELECT origin FROM stock_sum_origin WHERE lots > 0 ORDER BY qty, origin LIMIT 1").fetchone()[0]
    big = q.execute("SELECT l.code FROM stock_sum_location s JOIN location l ON l.id = s.location_id "
                    "ORDER BY s.lots DESC LIMIT 1").fetchone()[0]
    word = q.execute("SELECT substr(name_zh, 1, 2) FROM product WHERE name_zh IS NOT NULL "
                     "ORDER BY id DESC LIMIT 1").fetchone()[0]
    q.close()

    srv = subprocess.Popen([binary, "serve", "--db", db, "--listen", "127.0.0.1:0", "--threads", "2"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    line = srv.stdout.readline().decode()
    if not line.startswith("listening on 127.0.0.1:"):
        srv.kill()
        sys.exit(f"bench_levels_api: the server did not start: {line!r}")
    conn = http.client.HTTPConnection("127.0.0.1", int(line.rsplit(":", 1)[1]), timeout=60)
    head = {"Authorization": "Bearer " + token}

    def get(path):
        conn.request("GET", "/api/v1" + path, headers=head)
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise SystemExit(f"bench_levels_api: GET {path}: {r.status} {body[:200]!r}")
        return body

    def after_of(path):
        key = json.loads(get(path)).get("next")  # the key the next page starts after
        return urllib.parse.quote(str(key), safe="") if key is not None else None

    def measure(path):
        get(path)  # warm: the first request pays the pages' first touch
        ms = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            get(path)
            ms.append((time.perf_counter() - t0) * 1000)
        ms.sort()
        return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.99))], ms[-1]

    e = urllib.parse.quote
    soon = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    routes = [
        ("products/GTIN (the floor)", f"/products/{gtin}"),
        ("stock (by product, first 100)", "/stock?limit=100"),
        ("stock?by=location", "/stock?by=location&limit=100"),
        ("stock?by=lot (first 100)", "/stock?by=lot&limit=100"),
        ("stock?by=origin", "/stock?by=origin"),
        ("stock/low (first 20)", "/stock/low?limit=20"),
        ("stock/expiring in 30 days (first 100)", f"/stock/expiring?before={soon}&limit=100"),
        (f"stock?by=lot&origin={rare} (rarest)", f"/stock?by=lot&origin={rare}&limit=100"),
        (f"stock?location={big} (fullest)", f"/stock?location={e(big)}&limit=100"),
        ("stock/history/GTIN", f"/stock/history/{gtin}?limit=50"),
        ("locations", "/locations"),
        ("products?q=WORD", f"/products?q={e(word)}&limit=20"),
    ]
    for label, path in (("stock (2nd page)", "/stock?limit=100"), ("stock?by=lot (2nd page)", "/stock?by=lot&limit=100")):
        key = after_of(path)
        if key is not None:
            routes.append((label, f"{path}&after={key}"))

    print(f"machine: {os.cpu_count()} cores, load {' '.join(open('/proc/loadavg').read().split()[:3])}; "
          f"{rounds} requests a route, one keep-alive connection")
    print(f"{'route':<44} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'ratio':>6}  holds")
    floor = None
    missed, worst, worst_label = 0, 0.0, ""
    try:
        for label, path in routes:
            p50, p99, top = measure(path)
            if floor is None:
                floor = p50
                print(f"{label:<44} {p50:8.2f} {p99:8.2f} {top:8.2f} {1.0:6.1f}")
                continue
            ratio = p50 / floor if floor > 0 else 0.0
            holds = "yes" if top < TARGET_MS else "NO"
            missed += holds == "NO"
            if top > worst:
                worst, worst_label = top, label
            print(f"{label:<44} {p50:8.2f} {p99:8.2f} {top:8.2f} {ratio:6.1f}  {holds}")
    finally:
        conn.close()
        srv.send_signal(signal.SIGTERM)
        srv.wait(timeout=60)
    n = len(routes) - 1
    verdict = f"all {n} hold" if missed == 0 else f"{missed} of {n} MISS"
    print(f"target (every request under {TARGET_MS:.0f} ms): {verdict}; worst {worst_label} at {worst:.1f} ms, "
          f"floor p50 {floor:.2f} ms, load {open('/proc/loadavg').read().split()[0]}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
