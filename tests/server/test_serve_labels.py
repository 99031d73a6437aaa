#!/usr/bin/env python3
"""Labels over the API: templates and sheets; previews in PNG, PDF, SVG and
ZPL with their content types (a name holding <script> stays text in the
SVG); printing through lp (a stand-in lp that copies the job, as the CLI
tests do, and one that fails: an honest 502, nothing recorded); who printed
is recorded; the reprint queue listed, printed and cleared; bad input
refused with the database unchanged."""
import json
import os
import stat
import sys

sys.path.insert(0, os.path.dirname(__file__))
import serve_lib as L  # noqa: E402
from serve_lib import check  # noqa: E402

os.environ["ENTREPOT_LABELS"] = os.path.join(os.environ["ENT_SOURCE_DIR"], "labels")
PRINTED = os.path.join(L.WORK, "printed.out")
LP_UP = os.path.join(L.WORK, "lp-up")
LP_DOWN = os.path.join(L.WORK, "lp-down")
with open(LP_UP, "w") as f:
    f.write(f'#!/bin/sh\nfor a; do last=$a; done\ncp "$last" "{PRINTED}"\necho "request id is office-7 (1 file(s))"\n')
with open(LP_DOWN, "w") as f:
    f.write('#!/bin/sh\necho "lp: Error - Scheduler Not Responding" >&2\nexit 1\n')
for p in (LP_UP, LP_DOWN):
    os.chmod(p, stat.S_IRWXU)

L.make_store()
for code, cc in ((L.NUTELLA, "IT"), (L.COLA, "GB"), (L.PEN, "DE"), (L.SCRIPT, "FR")):
    L.cli("product", "edit", code, "--origin", cc)
os.environ["ENTREPOT_LP"] = LP_UP
srv = L.Server("--threads", "2")
TOK = L.make_tokens()
V1 = "/api/v1/"
LC, MGR, CASH = TOK["label-clerk"], TOK["manager"], TOK["cashier"]

# ---- templates and sheets ---------------------------------------------------
st, _, b = srv.req("GET", V1 + "labels/templates", token=LC)
names = [t["name"] for t in b.get("templates", [])] if isinstance(b, dict) else []
check(st == 200 and "shelf-60x40" in names and "back-cn-70x50" in names, f"templates: {st} {b}")
check(isinstance(b, dict) and "a4-l7160" in [s["name"] for s in b["sheets"]], f"sheets: {b}")
check("/" not in str(b), "the server's paths are not shown")

# ---- previews ------------------------------------------------------------------
MAGIC = {"png": b"\x89PNG", "pdf": b"%PDF", "svg": b"<?xml", "zpl": b"^XA"}
TYPES = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml", "zpl": "text/plain"}
for fmt, magic in MAGIC.items():
    c = srv.conn()
    c.request("GET", V1 + f"labels/preview?template=shelf-60x40&code={L.NUTELLA}&format={fmt}",
              headers={"Authorization": "Bearer " + LC})
    r = c.getresponse()
    data = r.read()
    c.close()
    check(r.status == 200 and data.startswith(magic), f"preview {fmt}: {r.status} {data[:80]!r}")
    check(r.getheader("Content-Type", "").startswith(TYPES[fmt]), f"preview {fmt} type: {r.getheader('Content-Type')}")
    if fmt == "svg":
        check("default-src 'none'" in r.getheader("Content-Security-Policy", ""), "an SVG runs no script")

c = srv.conn()
c.request("GET", V1 + f"labels/preview?template=shelf-60x40&code={L.SCRIPT}&format=svg",
          headers={"Authorization": "Bearer " + LC})
r = c.getresponse()
data = r.read().decode()
c.close()
check(r.status == 200 and "<script>" not in data and "&lt;script&gt;" in data, "a <script> name is text in the SVG")

before = L.dump()
BAD = [
    ("labels/preview?code=" + L.NUTELLA, 422, "template"),
    ("labels/preview?template=shelf-60x40", 422, "code"),
    ("labels/preview?template=../etc/passwd&code=" + L.NUTELLA, 422, "template"),
    ("labels/preview?template=--out=x&code=" + L.NUTELLA, 422, "template"),
    ("labels/preview?template=shelf-60x40&format=jpg&code=" + L.NUTELLA, 422, "format"),
    ("labels/preview?template=shelf-60x40&dpi=9000&code=" + L.NUTELLA, 422, "dpi"),
    ("labels/preview?template=nosuch&code=" + L.NUTELLA, 422, None),
    ("labels/preview?template=shelf-60x40&code=--all", 422, None),
    ("labels/preview?template=shelf-60x40&lot=--json&code=" + L.NUTELLA, 422, "lot"),
    ("labels/preview?template=shelf-60x40&code=9999999999994", 422, None),
    ("labels/preview?template=shelf-60x40&origin=IT&code=" + L.NUTELLA, 422, "code"),
    ("labels/preview?template=shelf-60x40&origin=XX", 422, "origin"),
    ("labels/preview?template=shelf-60x40&origin=--all", 422, "origin"),
    ("labels/preview?template=shelf-60x40&location=NOSUCH", 422, "location"),
    ("labels/preview?template=shelf-60x40&declaration=12", 422, "declaration"),
    ("labels/preview?template=shelf-60x40&queue=2", 422, "queue"),
    ("labels/preview?template=shelf-60x40&queue=1&origin=IT", 422, "queue"),
]
for path, want, field in BAD:
    st, _, b = srv.req("GET", V1 + path, token=LC)
    check(st == want and (field is None or L.err_field(b) == field), f"{path}: {st} {b}")
check(L.dump() == before, "bad previews changed nothing")
# A selection's preview: the first label it prints, as one PNG.
for q in ("origin=IT", "origin=IT&location=S1", "location=S1"):
    c = srv.conn()
    c.request("GET", V1 + f"labels/preview?template=shelf-60x40&{q}&dpi=100", headers={"Authorization": "Bearer " + LC})
    r = c.getresponse()
    data = r.read()
    c.close()
    check(r.status == 200 and data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000,
          f"the selection {q} previews its first label as a PNG: {r.status} {data[:80]!r}")
# A preview records nothing.
check(L.query("SELECT count(*) FROM label_print")[0][0] == 0, "a preview is not a print")

# ---- printing -------------------------------------------------------------------
st, _, b = srv.req("POST", V1 + "labels/print",
                   {"template": "shelf-60x40", "codes": [L.NUTELLA, L.COLA], "printer": "office", "format": "zpl"},
                   token=LC)
check(st == 201 and b.get("labels") == 2 and "office-7" in b.get("request", ""), f"print: {st} {b}")
check(os.path.exists(PRINTED) and "^XA" in open(PRINTED, encoding="utf-8", errors="replace").read(),
      "lp got the ZPL")
rows = L.query("SELECT template, labels, destination, user FROM label_print")
check(len(rows) == 1 and rows[0][0] == "shelf-60x40" and rows[0][1] == 2 and "office" in rows[0][2]
      and rows[0][3] == TOK["users"]["label-clerk"], f"who printed is recorded: {rows}")

before = L.dump()
BADP = [
    ({"template": "shelf-60x40", "codes": [], "printer": "office"}, 422, "codes"),
    ({"template": "shelf-60x40", "codes": [L.NUTELLA], "printer": "-d x"}, 422, "printer"),
    ({"template": "shelf-60x40", "codes": [L.NUTELLA], "printer": "office", "copies": 0}, 422, "copies"),
    ({"template": "shelf-60x40", "codes": [L.NUTELLA], "printer": "office", "colour": "red"}, 422, "colour"),
    ({"template": "shelf-60x40", "codes": [L.NUTELLA]}, 422, "printer"),
    ({"template": "shelf-60x40", "codes": [5], "printer": "office"}, 422, "codes"),
    ({"template": "shelf-60x40", "codes": [L.NUTELLA], "printer": "office", "lot": "-x"}, 422, "lot"),
    ({"template": "back-cn-70x50", "codes": [L.PEN], "printer": "office"}, 409, None),
]
for body, want, field in BADP:
    st, _, b = srv.req("POST", V1 + "labels/print", body, token=LC)
    check(st == want and (field is None or L.err_field(b) == field), f"print {body}: {st} {b}")
    check("--" not in str(b), f"no program options in an API answer: {b}")
check(L.dump() == before, "bad prints changed nothing")

# ---- by origin, location, supplier, brand, declaration; the PDF downloaded ------
DECL = "223320240000012345"
L.cli("product", "edit", L.MATCHA, "--brand", "宇治园", "--origin", "JP")
L.cli("stock", "receive", "--product", L.MATCHA, "--qty", "10", "--lot", "M1", "--origin", "JP", "--location", "S2",
      "--supplier", "东京贸易", "--declaration", DECL, "--expiry", "2035-01-01")
# Each selects its own: IT is the Nutella only (not the cola, GB, nor the pen,
# DE); S2 holds the pen and the matcha; the supplier, brand and declaration
# are the matcha's alone.
SEL = [("origin", "IT", 1), ("location", "S2", 2), ("supplier", "东京贸易", 1), ("brand", "宇治园", 1),
       ("declaration", DECL, 1)]
for field, value, want in SEL:
    n0 = L.query("SELECT count(*) FROM label_print")[0][0]
    os.path.exists(PRINTED) and os.remove(PRINTED)
    st, _, b = srv.req("POST", V1 + "labels/print",
                       {"template": "shelf-60x40", field: value, "printer": "office", "format": "zpl"}, token=LC)
    check(st == 201 and b.get("labels") == want, f"print by {field}: {st} {b}")
    check(os.path.exists(PRINTED) and open(PRINTED, "rb").read().count(b"^XA") == want, f"lp got {want} by {field}")
    check(L.query("SELECT count(*) FROM label_print")[0][0] == n0 + 1, f"the print by {field} is recorded")
# Origin IT: Nutella only, not the cola (GB) or the pen (DE).
st, _, b = srv.req("POST", V1 + "labels/print", {"template": "shelf-60x40", "origin": "IT", "printer": "office"},
                   token=LC)
check(st == 201 and b.get("labels") == 1, f"one Italian commodity: {st} {b}")
# Several selectors narrow together, as the label program combines them: S1 holds the
# Nutella (IT) and the cola (GB); with origin IT only the Nutella; with a brand too, only
# what is of that brand (none, then the cola's once it has one).
L.cli("product", "edit", L.COLA, "--brand", "Coca-Cola")
for body, want in (({"location": "S1"}, 2), ({"location": "s1", "origin": "IT"}, 1), ({"location": "S1", "origin": "GB"}, 1),
                   ({"location": "S1", "brand": "coca-cola"}, 1), ({"origin": "GB", "brand": "Coca-Cola", "location": "S1"}, 1)):
    os.path.exists(PRINTED) and os.remove(PRINTED)
    st, _, b = srv.req("POST", V1 + "labels/print", {"template": "shelf-60x40", "printer": "office", "format": "zpl", **body},
                       token=LC)
    check(st == 201 and b.get("labels") == want and open(PRINTED, "rb").read().count(b"^XA") == want,
          f"print by {body}: {st} {b}")
before_combo = L.dump()
st, _, b = srv.req("POST", V1 + "labels/print", {"template": "shelf-60x40", "printer": "office", "origin": "IT",
                                                 "brand": "Coca-Cola"}, token=LC)
check(st == 409 and "nothing matches" in b["error"]["message"] and L.dump() == before_combo,
      f"IT and the cola's brand: nothing matches, nothing recorded: {st} {b}")

# The PDF downloaded: the same body without a printer; recorded as a print.
n0 = L.query("SELECT count(*) FROM label_print")[0][0]
c = srv.conn()
c.request("POST", V1 + "labels/print", body=json.dumps({"template": "shelf-60x40", "origin": "IT", "download": True}),
          headers={"Authorization": "Bearer " + LC, "Content-Type": "application/json"})
r = c.getresponse()
data = r.read()
c.close()
check(r.status == 200 and data.startswith(b"%PDF") and r.getheader("Content-Type") == "application/pdf",
      f"download: {r.status} {data[:80]!r}")
check("attachment" in (r.getheader("Content-Disposition") or ""), f"as a file: {r.getheader('Content-Disposition')}")
rows = L.query("SELECT template, labels, destination, user FROM label_print ORDER BY rowid DESC LIMIT 1")
check(L.query("SELECT count(*) FROM label_print")[0][0] == n0 + 1 and rows[0][1] == 1 and "download" in rows[0][2]
      and rows[0][3] == TOK["users"]["label-clerk"], f"a download is recorded as a print: {rows}")
st, _, b = srv.req("POST", V1 + "labels/print", {"template": "shelf-60x40", "codes": [L.NUTELLA, L.COLA],
                                                 "download": True, "sheet": "a4-l7160"}, token=LC)
check(st == 200 and isinstance(b, str) and b.startswith("%PDF"), f"download by codes on a sheet: {st}")
tmp = os.environ.get("TMPDIR") or "/tmp"
check(not [d for d in os.listdir(tmp) if d.startswith("entrepot-labels-")], "no download folder left behind")

before = L.dump()
BADS = [
    ({"template": "shelf-60x40", "printer": "office"}, "codes"),
    ({"template": "shelf-60x40", "codes": [L.NUTELLA], "origin": "IT", "printer": "office"}, "origin"),
    ({"template": "shelf-60x40", "codes": [L.NUTELLA], "location": "S1", "brand": "x", "printer": "office"}, "location"),
    ({"template": "shelf-60x40", "origin": "IT", "location": "Z9", "printer": "office"}, "location"),
    ({"template": "shelf-60x40", "origin": "ITA", "location": "S1", "printer": "office"}, "origin"),
    ({"template": "shelf-60x40", "origin": "ITA", "printer": "office"}, "origin"),
    ({"template": "shelf-60x40", "origin": "XX", "printer": "office"}, "origin"),
    ({"template": "shelf-60x40", "origin": "", "printer": "office"}, "origin"),
    ({"template": "shelf-60x40", "origin": 39, "printer": "office"}, "origin"),
    ({"template": "shelf-60x40", "declaration": "22332024000001234", "printer": "office"}, "declaration"),
    ({"template": "shelf-60x40", "declaration": "22332024000001234x", "printer": "office"}, "declaration"),
    ({"template": "shelf-60x40", "location": "", "printer": "office"}, "location"),
    ({"template": "shelf-60x40", "location": "Z9", "printer": "office"}, "location"),
    ({"template": "shelf-60x40", "supplier": "", "printer": "office"}, "supplier"),
    ({"template": "shelf-60x40", "supplier": "a\nb", "printer": "office"}, "supplier"),
    ({"template": "shelf-60x40", "brand": "x" * 201, "printer": "office"}, "brand"),
    ({"template": "shelf-60x40", "origin": "IT"}, "printer"),
    ({"template": "shelf-60x40", "origin": "IT", "printer": "office", "download": True}, "printer"),
    ({"template": "shelf-60x40", "origin": "IT", "download": True, "format": "zpl"}, "format"),
    ({"template": "shelf-60x40", "origin": "IT", "download": "yes"}, "download"),
]
for body, field in BADS:
    st, _, b = srv.req("POST", V1 + "labels/print", body, token=LC)
    check(st == 422 and L.err_field(b) == field, f"print {body}: {st} {b}")
    check("--" not in str(b), f"no program options in an API answer: {b}")
# Nothing on hand from France: refused, nothing recorded, no folder left.
st, _, b = srv.req("POST", V1 + "labels/print", {"template": "shelf-60x40", "origin": "FR", "download": True}, token=LC)
check(st == 409 and "nothing matches" in b["error"]["message"], f"nothing from FR: {st} {b}")
check(L.dump() == before, "bad selections changed nothing")
n0 = L.query("SELECT count(*) FROM label_print")[0][0]
st, _, b = srv.req("POST", V1 + "labels/print", {"template": "shelf-60x40", "origin": "IT", "download": True},
                   token=CASH)
check(st == 403 and L.query("SELECT count(*) FROM label_print")[0][0] == n0,
      f"a cashier may not download labels: {st}")
check(not [d for d in os.listdir(tmp) if d.startswith("entrepot-labels-")], "no folder left after a refusal")
srv.stop()

# lp failing: the printer's words, 502, nothing recorded.
os.environ["ENTREPOT_LP"] = LP_DOWN
srv = L.Server("--threads", "2")
before = L.dump()
st, _, b = srv.req("POST", V1 + "labels/print", {"template": "shelf-60x40", "codes": [L.NUTELLA], "printer": "office"},
                   token=LC)
check(st == 502 and "Scheduler Not Responding" in b["error"]["message"], f"lp down: {st} {b}")

# ---- the reprint queue ---------------------------------------------------------
L.cli("product", "edit", L.COLA, "--price", "4.00")
L.cli("product", "edit", L.NUTELLA, "--name-en", "Nutella")
st, _, b = srv.req("GET", V1 + "labels/queue", token=LC)
codes = [q["code"] for q in b.get("queue", [])] if isinstance(b, dict) else []
check(st == 200 and L.COLA.zfill(14) in codes and L.NUTELLA.zfill(14) in codes, f"queue: {st} {b}")
names = {q["code"]: q.get("name_zh") for q in b.get("queue", [])} if isinstance(b, dict) else {}
check(names.get(L.NUTELLA.zfill(14)) == "榛子可可酱", f"a queue entry names its commodity: {names}")
before = L.dump()
st, _, b = srv.req("POST", V1 + "labels/queue/print", {"template": "shelf-60x40", "printer": "office"}, token=LC)
check(st == 502 and L.dump() == before, f"a queue print lp refused leaves the queue: {st} {b}")
srv.stop()

os.environ["ENTREPOT_LP"] = LP_UP
srv = L.Server("--threads", "2")
n_prints = L.query("SELECT count(*) FROM label_print")[0][0]
st, _, b = srv.req("POST", V1 + "labels/queue/print",
                   {"template": "shelf-60x40", "printer": "office", "format": "zpl"}, token=LC)
check(st == 201 and b.get("labels", 0) >= 2 and b.get("cleared", 0) >= 2, f"queue print: {st} {b}")
check("4.00" in open(PRINTED, encoding="utf-8", errors="replace").read(), "the queued label carries the new price")
st, _, b = srv.req("GET", V1 + "labels/queue", token=LC)
check(st == 200 and b["queue"] == [], f"queue after printing: {b}")
check(L.query("SELECT count(*) FROM label_print")[0][0] == n_prints + 1, "the queue print is recorded")
st, _, b = srv.req("POST", V1 + "labels/queue/print", {"template": "shelf-60x40", "printer": "office"}, token=LC)
check(st == 200 and b.get("labels") == 0, f"an empty queue: {st} {b}")

# The queue downloaded: the PDF, recorded, and the queue cleared as by a print.
before = L.dump()
for body, field in (({"template": "shelf-60x40"}, "printer"),
                    ({"template": "shelf-60x40", "printer": "office", "download": True}, "printer"),
                    ({"template": "shelf-60x40", "download": True, "format": "svg"}, "format")):
    st, _, b = srv.req("POST", V1 + "labels/queue/print", body, token=LC)
    check(st == 422 and L.err_field(b) == field, f"queue print {body}: {st} {b}")
check(L.dump() == before, "bad queue prints changed nothing")
L.cli("product", "edit", L.COLA, "--price", "4.20")
n0 = L.query("SELECT count(*) FROM label_print")[0][0]
c = srv.conn()
c.request("POST", V1 + "labels/queue/print", body=json.dumps({"template": "shelf-60x40", "download": True}),
          headers={"Authorization": "Bearer " + LC, "Content-Type": "application/json"})
r = c.getresponse()
data = r.read()
c.close()
check(r.status == 200 and data.startswith(b"%PDF") and "attachment" in (r.getheader("Content-Disposition") or ""),
      f"the queue downloaded: {r.status} {data[:60]!r}")
st, _, b = srv.req("GET", V1 + "labels/queue", token=LC)
check(st == 200 and b["queue"] == [] and L.query("SELECT count(*) FROM label_print")[0][0] == n0 + 1,
      f"a downloaded queue is recorded and cleared: {b}")

# Clearing without printing, up to what the client listed.
L.cli("product", "edit", L.COLA, "--price", "4.50")
st, _, b = srv.req("GET", V1 + "labels/queue", token=LC)
upto = b["queue"][-1]["id"]
L.cli("product", "edit", L.PEN, "--price", "9.00")
before = L.dump()
for q in ("upto=0", "upto=x", "upto=-1"):
    st, _, b = srv.req("DELETE", V1 + "labels/queue?" + q, token=LC)
    check(st == 422 and L.err_field(b) == "upto", f"clear {q}: {st} {b}")
check(L.dump() == before, "bad clears changed nothing")
st, _, b = srv.req("DELETE", V1 + f"labels/queue?upto={upto}", token=LC)
check(st == 200 and b.get("cleared", 0) >= 1, f"clear upto: {st} {b}")
st, _, b = srv.req("GET", V1 + "labels/queue", token=LC)
check([q["code"] for q in b["queue"]] == [L.PEN.zfill(14)] or len(b["queue"]) == 1,
      f"what was queued after the listing stays: {b}")
st, _, b = srv.req("DELETE", V1 + "labels/queue", token=LC)
check(st == 200 and b.get("cleared", 0) >= 1, f"clear all: {st} {b}")
st, _, b = srv.req("DELETE", V1 + "labels/queue", token=CASH)
check(st == 403, f"a cashier may not clear the queue: {st}")

# A stock clerk queues a delivery's labels for the label clerk (reason "received")
CLERK = TOK["stock-clerk"]


def dump_but_token_use():
    """The database but the tokens' last use, which every call may record."""
    return [x for x in L.dump().splitlines() if not x.startswith('INSERT INTO "api_token"')]


before = dump_but_token_use()
for body, field in (({}, "codes"), ({"codes": []}, "codes"), ({"codes": [""]}, "codes"), ({"codes": [5]}, "codes"),
                    ({"codes": [L.PEN], "x": 1}, "x"), ({"codes": [L.PEN, "9999999999994"]}, "codes[1]"),
                    ({"codes": [L.PEN], "reason": "x" * 201}, None), ({"codes": [L.PEN], "locations": []}, "locations"),
                    ({"codes": [L.PEN, L.COLA], "locations": ["S1", "NOWHERE"]}, "locations[1]")):
    st, _, b = srv.req("POST", V1 + "labels/queue", body, token=CLERK)
    check(st == 422 and (field is None or L.err_field(b) == field), f"a bad queueing {body}: {st} {b}")
check(dump_but_token_use() == before, "the refused queueings wrote nothing (an unknown code among good ones too)")
st, _, b = srv.req("POST", V1 + "labels/queue", {"codes": [L.PEN]}, token=CASH)
check(st == 403, f"a cashier may not queue labels: {st}")
st, _, b = srv.req("POST", V1 + "labels/queue", {"codes": [L.PEN, L.COLA], "locations": ["s2", "B1"]}, token=CLERK)
check(st == 201 and b == {"queued": 2, "reason": "received"}, f"the stock clerk queues the delivery's labels: {st} {b}")
rows = L.query("SELECT p.gtin, q.reason, q.user, l.code FROM label_queue q JOIN product p ON p.id = q.product_id "
               "LEFT JOIN location l ON l.id = q.location_id ORDER BY q.id")
who = TOK["users"]["stock-clerk"]
check([(g.lstrip("0"), r, u, c) for g, r, u, c in rows] == [(L.PEN.lstrip("0"), "received", who, "S2"),
                                                             (L.COLA.lstrip("0"), "received", who, None)],
      f"queued with who, at the shelf (a backroom is no shelf: every shelf): {rows}")
st, _, b = srv.req("GET", V1 + "labels/queue", token=LC)
check(st == 200 and {q["reason"] for q in b["queue"]} == {"received"} and len(b["queue"]) == 2,
      f"the label clerk sees them: {b}")

# The queue in pages (a fresh demo used to hold 637 entries, listed at once): limit and
# offset, the whole's count and its highest id; without them all of it, as before.
L.cli("product", "edit", L.NUTELLA, "--price", "30.00")
st, _, whole = srv.req("GET", V1 + "labels/queue", token=LC)
ids = [q["id"] for q in whole["queue"]]
check(st == 200 and len(ids) == 3 and whole.get("total") == 3 and whole.get("upto") == max(ids),
      f"the whole queue, its count and highest id: {st} {whole}")
pages = []
for off in (0, 2, 3, 9):
    st, _, b = srv.req("GET", V1 + f"labels/queue?limit=2&offset={off}", token=LC)
    check(st == 200 and b.get("total") == 3 and b.get("upto") == max(ids) and b.get("offset") == off,
          f"page at {off}: {st} {b}")
    pages.append([q["id"] for q in b.get("queue", [])])
check(pages == [ids[:2], ids[2:], [], []], f"the pages put together are the queue, in its order: {pages} {ids}")
before = dump_but_token_use()
for q in ("limit=0", "limit=1001", "limit=x", "offset=-1", "offset=y", "limit=1&offset=1.5"):
    st, _, b = srv.req("GET", V1 + "labels/queue?" + q, token=LC)
    check(st == 422 and L.err_field(b) == q.split("=")[0] if "&" not in q else st == 422 and L.err_field(b) == "offset",
          f"a bad page {q}: {st} {b}")
check(dump_but_token_use() == before, "bad pages wrote nothing")
check(srv.stop() == 0, "the server stops cleanly")
L.finish()
