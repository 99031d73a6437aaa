#!/usr/bin/env python3
"""Head office's catalogue on a real PostgreSQL (issue 13): hq product add,
edit and import, checked by the store library before head office records
anything; the stores pull the new commodities in order with the prices, add
those they do not list and change those they do, one transaction a page, and
queue their shelf labels. Bad input: exit 2 or 1, head office as it was."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hq_lib as H  # noqa: E402

check = H.check
C = H.Cluster()
W = C.dir
DB = {code: os.path.join(W, code.lower() + ".db") for code in ("SH01", "SH02")}
PASSFILE = {code: os.path.join(W, code.lower() + ".pass") for code in DB}
PASTA, OIL, WINE = "8001505005707", "8410660024032", "3760097910015"


def hq(*args):
    return H.entrepot("hq", *args, "--pg", C.admin)


def sync(code):
    return H.entrepot("sync", "--pg", C.store_url(code), "--password-file", PASSFILE[code], db=DB[code])


def product(code, key):
    """The store's own row of a commodity (GTIN as given, or SKU)."""
    k = "0" + key if key.isdigit() and len(key) == 13 else key
    rows = H.sqlite_rows(DB[code], "SELECT name_zh, name_en, brand, origin, price, sell_unit FROM product "
                                   f"WHERE gtin = '{k}' OR sku = '{k}'")
    if len(rows) != 1:
        return None
    return dict(zip(("name_zh", "name_en", "brand", "origin", "price", "sell_unit"), rows[0]))


def hq_state():
    return C.psql("SELECT coalesce(string_agg(code || fields::text, ';' ORDER BY code), '') FROM hq.product") + "|" + \
        C.psql("SELECT count(*) FROM hq.price_change")


if hq("init").returncode != 0:
    raise SystemExit("setup: hq init")
for i, (code, name) in enumerate((("SH01", "上海旗舰店"), ("SH02", "苏州店"))):
    if hq("store", "add", code, "--name", name, "--password-file", PASSFILE[code]).returncode != 0:
        raise SystemExit(f"setup: store add {code}")
    p = H.entrepot("init", "--store", code, "--name", name, db=DB[code])
    if p.returncode != 0:
        raise SystemExit(f"setup: init {code}: {p.stderr}")
# SH02 already lists the olive oil, under its own name and price
p = H.entrepot("product", "add", "--gtin", OIL, "--name-zh", "橄榄油（旧）", "--price", "50.00", db=DB["SH02"])
if p.returncode != 0:
    raise SystemExit(f"setup: product add: {p.stderr}")

# ---- add, edit, import at head office -----------------------------------------
p = hq("product", "add", "--gtin", PASTA, "--name-zh", "意大利面", "--name-en", "Spaghetti", "--origin", "IT",
       "--price", "12.80", "--tax-rate", "9", "--net-content", "500 g", "--sell-unit", "袋")
check(p.returncode == 0 and "0" + PASTA in p.stdout, f"hq product add: {p.stdout}{p.stderr}")
p = hq("product", "add", "--gtin", OIL, "--name-zh", "特级初榨橄榄油", "--origin", "ES", "--price", "68.00")
check(p.returncode == 0, f"hq product add the oil: {p.stderr}")
p = hq("product", "edit", PASTA, "--brand", "Barilla", "--price", "11.50")
check(p.returncode == 0 and "changed" in p.stdout, f"hq product edit: {p.stdout}{p.stderr}")
csv = os.path.join(W, "cat.csv")
with open(csv, "w") as f:
    f.write("gtin,sku,name_zh,name_en,origin,price,tax_rate\n"
            f"{WINE},,波尔多红葡萄酒,Bordeaux,FR,198.00,13\n"
            ",HQ-TEA-01,龙井茶,Longjing tea,CN,88.00,9\n")
p = hq("product", "import", csv)
check(p.returncode == 0 and "2 commodities added" in p.stdout, f"hq product import: {p.stdout}{p.stderr}")
check(C.psql("SELECT count(*) FROM hq.product") == "4", "head office's catalogue holds four commodities")
check(C.psql(f"SELECT fields->>'brand' || ' ' || (fields->>'price') FROM hq.product WHERE code = '0{PASTA}'")
      == "Barilla 11.50", "the edit is merged into head office's record")

# ---- bad input: refused, head office as it was ---------------------------------
before = hq_state()
for args, status, words in (
        (("product", "add", "--gtin", "8001505005708", "--name-zh", "x"), 2, "check digit"),
        (("product", "add", "--gtin", PASTA, "--name-zh", "again"), 1, "already has"),
        (("product", "add", "--gtin", "4006381333931"), 2, "name"),
        (("product", "add", "--gtin", "4006381333931", "--name-zh", "笔", "--price", "-3"), 2, "price"),
        (("product", "add", "--gtin", "4006381333931", "--name-zh", "笔", "--unit", "kg"), 2, "unit"),
        (("product", "edit", PASTA), 2, "needs a field"),
        (("product", "edit", PASTA, "--gtin", OIL), 2, "codes stay"),
        (("product", "edit", "4006381333931", "--price", "1.00"), 1, "no commodity"),
        (("product", "edit", PASTA, "--abv", "300"), 2, "abv"),
        (("product", "import", csv), 1, "already has"),
        (("product", "import", os.path.join(W, "none.csv")), 2, "cannot read"),
        (("product", "import", csv, "--price", "1"), 2, "from the file"),
        (("product", "frobnicate"), 2, "add, edit"),
        (("product", "add", "--update", "--gtin", "4006381333931", "--name-zh", "笔"), 2, "--update")):
    p = hq(*args)
    check(p.returncode == status and words in p.stderr, f"hq {' '.join(args[:3])} refused ({words}): "
          f"{p.returncode} {p.stderr}")
bad = os.path.join(W, "bad.csv")
with open(bad, "w") as f:
    f.write("gtin,name_zh,price\n4006381333931,笔,1.00\n5000112548167,可乐,abc\n")
p = hq("product", "import", bad)
check(p.returncode == 2 and "row" in p.stderr and "nothing imported" in p.stderr, f"a bad row refuses the file: {p.stderr}")
check(hq_state() == before, "the refusals left head office's catalogue as it was")

# ---- a price set after the commodities: applied after them, in order -------------
p = hq("price", "set", WINE, "--price", "188.00")
check(p.returncode == 0, f"hq price set: {p.stderr}")

# ---- the stores pull -------------------------------------------------------------
for code in DB:
    p = sync(code)
    check(p.returncode == 0, f"sync {code}: {p.stdout}{p.stderr}")
for code in DB:
    pasta = product(code, PASTA)
    check(pasta and pasta["name_zh"] == "意大利面" and pasta["brand"] == "Barilla" and pasta["price"] == 1150
          and pasta["origin"] == "IT" and pasta["sell_unit"] == "bag", f"{code} has the pasta, edited: {pasta}")
    wine = product(code, WINE)
    check(wine and wine["price"] == 18800 and wine["name_en"] == "Bordeaux",
          f"{code} has the wine at the price set after it: {wine}")
    tea = product(code, "HQ-TEA-01")
    check(tea and tea["name_zh"] == "龙井茶", f"{code} has the tea by its SKU: {tea}")
    oil = product(code, OIL)
    check(oil and oil["name_zh"] == "特级初榨橄榄油" and oil["price"] == 6800 and oil["origin"] == "ES",
          f"{code}'s oil is head office's: {oil}")
    queued = set(r[0] for r in H.sqlite_rows(DB[code], "SELECT coalesce(p.gtin, p.sku) FROM label_queue q "
                                                       "JOIN product p ON p.id = q.product_id"))
    check({"0" + PASTA, "0" + WINE, "HQ-TEA-01", "0" + OIL} <= queued, f"{code} queued their shelf labels: {queued}")
check(H.sqlite(DB["SH02"], "SELECT count(*) FROM product") == 4, "SH02 changed the oil it had, not a second one")
p = sync("SH01")
check(p.returncode == 0 and "0 price changes" in p.stdout, f"the next sync pulls nothing: {p.stdout}")
check(H.sqlite(DB["SH01"], "SELECT count(*) FROM product") == 4, "nothing added twice")

H.finish(C)
