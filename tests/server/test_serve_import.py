#!/usr/bin/env python3
"""A catalogue import through the server while counters search and scan.

The server keeps a savepoint's sub-journal in memory up to 1 MiB
(server.c process_settings); a larger journal is copied into a file in one
write, which SQLite's Unix layer cuts at 128 KiB: every write that journalled
more than a megabyte (an import of more than about 2,000 rows, dropping its
temporary table of search keys, a second import) failed "database or disk is
full", a 500 (fixed by src/server/vfs_split.c). Here an import of 3,000 rows
must succeed while two threads search and scan, each search seeing the import
whole or not at all; an update renames them; a refused import as large
changes nothing; a second import works on the same writer."""
import os
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve_lib as L  # noqa: E402
from serve_lib import check  # noqa: E402

ROWS = 3000
V1 = "/api/v1/"
L.make_store()
TOK = L.make_tokens()
M, C = TOK["manager"], TOK["cashier"]
srv = L.Server("--threads", "3")


def gtin13(n):
    s = str(n).zfill(12)
    t = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(s))
    return s + str((10 - t % 10) % 10)


def catalogue(word, brand, base=690000000000):
    rows = ["gtin,name_zh,name_en,brand,reorder_point,price"]
    rows += [f"{gtin13(base + i)},测试牛奶{i},{word} milk {i},{brand},{i % 3},1.00" for i in range(ROWS)]
    return "\n".join(rows) + "\n"


def search(q, token=C, conn=None):
    st, _, b = srv.req("GET", V1 + "products?limit=1000&q=" + urllib.parse.quote(q), token=token, conn=conn)
    return st, (len(b["products"]) if st == 200 else b)


# "zqmilk milk 12": milk 12, 120-129 and 1200-1299 (111 commodities), through
# the list of each commodity's keys (a search of several words).
WHOLE = 111
seen, scans, stop = [], [], threading.Event()


def counter():
    conn = srv.conn()
    while not stop.is_set():
        seen.append(search("zqmilk milk 12", conn=conn))
        st, _, b = srv.req("GET", V1 + "scan?code=" + L.COLA, token=C, conn=conn)
        scans.append(st)


before = L.dump()
bad = catalogue("zqmilk", "蒙牛").rstrip("\n") + "\n" + gtin13(699999999999) + ",坏,Bad,x,x,1.00\n"
threads = [threading.Thread(target=counter) for _ in range(2)]
for t in threads:
    t.start()
st, _, b = srv.req("POST", V1 + "catalog/import", None, token=M, ctype="text/csv", raw=bad.encode())
check(st == 422 and "row 3002" in b["error"]["message"], f"a refused import of {ROWS + 1} rows: {st} {b}")
check(L.dump() == before, "a refused import leaves the database as it was")
st, _, b = srv.req("POST", V1 + "catalog/import", None, token=M, ctype="text/csv",
                   raw=catalogue("zqmilk", "蒙牛").encode())
check(st == 200 and b.get("imported") == ROWS, f"an import of {ROWS} rows while counters search: {st} {b}")
stop.set()
for t in threads:
    t.join()
check(seen and all(s == (200, 0) or s == (200, WHOLE) for s in seen),
      f"every search answered, the import whole or not at all: {sorted(set(map(str, seen)))[:5]}")
check(scans and set(scans) == {200}, f"every scan answered: {sorted(set(scans))}")
check(search("zqmilk milk 12") == (200, WHOLE), f"after the import: {search('zqmilk milk 12')}")

# The same rows as an update: new names found, old ones gone.
st, _, b = srv.req("POST", V1 + "catalog/import?update=1", None, token=M, ctype="text/csv",
                   raw=catalogue("xyjuice", "伊利").encode())
check(st == 200 and b.get("imported") == ROWS, f"an update of {ROWS} rows: {st} {b}")
check(search("zqmilk milk 12") == (200, 0), f"the old names are gone: {search('zqmilk milk 12')}")
check(search("xyjuice milk 12") == (200, WHOLE), f"the new names are found: {search('xyjuice milk 12')}")
check(search("yi li xyjuice 1299") == (200, 1), f"the new brand's pinyin: {search('yi li xyjuice 1299')}")

# A second import on the same writer (its temporary table made again).
more = catalogue("second", "光明", 691000000000)
st, _, b = srv.req("POST", V1 + "catalog/import", None, token=M, ctype="text/csv", raw=more.encode())
check(st == 200 and b.get("imported") == ROWS, f"a second import: {st} {b}")
check(srv.stop() == 0, "the server stops cleanly")

# Every commodity's list names exactly its keys; the summaries and the rest are whole.
keys = {}
for tier, k, pid in L.query("SELECT tier, k, product_id FROM product_key"):
    keys.setdefault(pid, set()).add((tier, k))
lists = {pid: {(int(line.rsplit("\x1f", 1)[1]), line.rsplit("\x1f", 1)[0]) for line in text.split("\n")[1:]}
         for pid, text in L.query("SELECT product_id, keys FROM product_key_list")}
check(keys == lists and len(lists) == 5 + 2 * ROWS, f"the lists name the keys: {len(keys)} {len(lists)}")
sums = L.query("SELECT count(*) FROM stock_sum_product s JOIN product p ON p.id = s.product_id "
               "WHERE p.reorder_point > 0 AND s.reorder_point = p.reorder_point")[0][0]
check(sums == 2 * 2 * ROWS // 3, f"a summary row for each new commodity with a reorder point: {sums}")
out = L.cli("check", ok=False)
check(out.returncode == 0 and "ok: integrity check passed" in out.stdout, f"check: {out.stdout} {out.stderr}")
L.finish()
