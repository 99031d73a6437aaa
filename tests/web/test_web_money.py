#!/usr/bin/env python3
"""The web app for a store that is not in yuan nor in Shanghai: a delicatessen
in Paris selling in euros (Europe/Paris), with a sake priced in yen (no
decimals) and dates priced in Kuwaiti dinars (three), in English, at 390 and
1920 px (headless Chromium through Selenium against `entrepot serve`; every
wait on a condition, no sleeps). The pages used to write every amount with
two decimals and read every typed amount so (1200 JPY shown as 12.00 JPY, a
cost of 800 yen sent as 80000), to show the report's sales as ¥, to take
"12,50" as 12.50 where the CLI refuses the comma, and to show UTC times as
if they were the store's:

- money() and parseMoney() of the page against the CLI's own words for the
  same refusals;
- the stock check: prices in their currency's decimals, the history's time
  in Paris;
- receiving: a cost in yen is yen, a comma or a fraction of a yen refused
  naming the field, nothing written;
- counts: the open count's start in Paris;
- the counter: a payment of "20,00" refused, nothing paid; the return's
  receipt time in Paris;
- the catalogue: a price of 1500 yen is 1500, a comma refused; the price
  history's time in Paris;
- the report's sales by origin in euros, not ¥.
Screenshots go to $ENT_WEB_SHOTS (or the test's folder); a console error
fails the test."""
import os
import shutil
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
from web_lib import By, Keys, EC, Browser  # noqa: E402
import serve_lib as L  # noqa: E402
from serve_lib import check  # noqa: E402

PARIS = ZoneInfo("Europe/Paris")


def ean13(first12):
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(first12))
    return first12 + str((10 - s % 10) % 10)


OIL = "8001234567897"  # in euros
SAKE = "4901234567894"  # in yen: no decimals
DATES = ean13("628123456789")  # in Kuwaiti dinars: three decimals

L.cli("init", "--store", "PA01", "--name", "Épicerie du Marais", "--currency", "EUR", "--tz", "Europe/Paris")
for code in ("S1", "S2"):
    L.cli("location", "add", code, "--kind", "shelf")
L.cli("product", "add", "--gtin", OIL, "--name-zh", "特级初榨橄榄油", "--name-en", "Olive oil", "--price", "9.90",
      "--tax-rate", "5.5")
L.cli("product", "add", "--gtin", SAKE, "--name-zh", "清酒", "--name-en", "Sake", "--price", "1200", "--currency", "JPY",
      "--tax-rate", "20")
L.cli("product", "add", "--gtin", DATES, "--name-zh", "椰枣", "--name-en", "Dates", "--price", "1.250", "--currency", "KWD",
      "--tax-rate", "5.5")
L.cli("stock", "receive", "--product", OIL, "--qty", "24", "--lot", "O1", "--origin", "IT", "--location", "S1")
L.cli("stock", "receive", "--product", SAKE, "--qty", "10", "--lot", "J1", "--origin", "JP", "--location", "S2")
L.cli("stock", "receive", "--product", DATES, "--qty", "5", "--lot", "D1", "--origin", "TN", "--location", "S1")
TOK = L.make_tokens()
CASHIER, CLERK, MANAGER = (TOK["users"][r] for r in ("cashier", "stock-clerk", "manager"))
srv = L.Server("--threads", "2")
BASE = f"http://127.0.0.1:{srv.port}/"
SHOTS = os.environ.get("ENT_WEB_SHOTS") or os.path.join(L.WORK, "shots")
os.makedirs(SHOTS, exist_ok=True)

B = Browser()
drv, profile, wait, by, text_in = B.drv, B.profile, B.wait, B.by, B.text_in


def width(w):
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": w, "height": 844 if w < 600 else 1000,
                                                               "deviceScaleFactor": 1, "mobile": w < 600})


def shots(name, ready, redraw=False):
    """The page as it is at 390 and 1920 px (drawn again at each when redraw:
    the charts take the window's width when drawn; else as it stands, its
    messages kept); nothing scrolls sideways on the phone."""
    for w in (390, 1920):
        width(w)
        if redraw:
            drv.refresh()
        by(ready)
        over = drv.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        check(w > 600 or over <= 0, f"{name} at {w} px scrolls sideways by {over} px")
        drv.save_screenshot(os.path.join(SHOTS, f"money-{name}-{w}.png"))
    width(390)


def login(name):
    B.login(BASE, name, L.PASSWORD)
    if by("#lang").text == "English":
        by("#lang").click()
    wait.until(lambda d: d.find_element(By.ID, "lang").text == "中文")


def msg(css):
    found = drv.find_elements(By.CSS_SELECTOR, css)
    return found[0].text if found else f"(no {css})"


def paris(utc):
    """A stored UTC time as the store's clock showed it: '2026-12-01 16:06'."""
    return datetime.fromisoformat(utc.replace("Z", "+00:00")).astimezone(PARIS).strftime("%Y-%m-%d %H:%M")


def utc_slice(utc):
    return utc.replace("T", " ")[:16]


def cli_words(*args):
    """What the CLI says of a refused amount, without its 'entrepot: ' lead."""
    p = L.cli(*args, ok=False)
    return p.returncode, p.stderr.strip().removeprefix("entrepot: ")


width(390)
try:
    # ---- the page's money against the CLI's: decimals per currency, the same refusals
    login(CASHIER)
    got = drv.execute_async_script("""
        const done = arguments[0];
        import('/js/core.js').then((c) => done({
          shown: [c.money(1200, 'JPY'), c.money(1250, 'KWD'), c.money(990, 'EUR'), c.money(990), c.money(-5, 'EUR'),
                  c.money(1250, 'CNY'), c.money(7, 'KWD')],
          read: [['1200', 'JPY'], ['12.5', 'EUR'], ['1.25', 'KWD'], ['0.007', 'KWD'], ['12.', 'EUR'], ['12,50', 'EUR'],
                 ['5.5', 'JPY'], ['1.2345', 'KWD'], ['1,234.50', 'EUR'], ['abc', 'EUR'], ['-1', 'EUR'], ['12.505', 'EUR']]
            .map(([x, cur]) => { const r = c.parseMoney(x, cur); return [r.value, r.error]; }),
        })).catch((e) => done({ error: String(e) }));""")
    check(got.get("shown") == ["1200 JPY", "1.250 KWD", "9.90 EUR", "9.90 EUR", "-0.05 EUR", "¥12.50", "0.007 KWD"],
          f"amounts in their currency's decimals, the store's currency when none is named: {got}")
    read = got.get("read") or [[None, None]] * 12
    check([r[0] for r in read[:5]] == [1200, 1250, 1250, 7, 1200], f"typed amounts in minor units: {read[:5]}")
    rc, comma = cli_words("product", "add", "--gtin", "4006381333931", "--name-en", "Pen", "--price", "12,50")
    check(rc == 2 and read[5][1] == comma.removeprefix("price: ") == "amount '12,50' has a comma: use a point: 12.50",
          f"a comma: the CLI's words ({comma!r}): {read[5]}")
    rc, yen = cli_words("product", "add", "--gtin", "4006381333931", "--name-en", "Pen", "--price", "5.5",
                        "--currency", "JPY")
    check(rc == 2 and read[6][1] == yen.removeprefix("price: "), f"a fraction of a yen: the CLI's {yen!r}: {read[6]}")
    rc, fils = cli_words("product", "add", "--gtin", "4006381333931", "--name-en", "Pen", "--price", "1.2345",
                         "--currency", "KWD")
    check(rc == 2 and read[7][1] == fils.removeprefix("price: "), f"a fourth decimal of a dinar: the CLI's {fils!r}: {read[7]}")
    rc, sep = cli_words("product", "add", "--gtin", "4006381333931", "--name-en", "Pen", "--price", "1,234.50")
    check(rc == 2 and read[8][1] == sep.removeprefix("price: "), f"a thousands comma: the CLI's {sep!r}: {read[8]}")
    check(read[9][1] == "amount 'abc' is not a number" and read[10][1] == "amount '-1' must not be negative"
          and read[11][1] == "amount '12.505' has too many fraction digits for EUR"
          and all(r[0] is None for r in read[5:]), f"the other refusals, no amount: {read[5:]}")

    # ---- the stock check: prices in their own decimals
    drv.get(BASE + "#/stock")
    by("#stock-q").send_keys("Sake")
    check(text_in("#stock-results", "1200 JPY"), "the sake at 1200 yen in the results (it was 12.00 JPY)")
    drv.get(BASE + f"#/stock/{DATES}")
    check(text_in("#product-price", "1.250 KWD"), "the dates at 1.250 dinars (it was 12.50 KWD)")
    B.logout()

    # ---- the clerk: the history in Paris, a cost in yen, refusals named
    login(CLERK)
    drv.get(BASE + f"#/stock/{SAKE}")
    check(text_in("#product-price", "1200 JPY"), "the sake's page: 1200 JPY")
    at = L.query("SELECT at FROM stock_move WHERE kind = 'receive' AND lot_id = (SELECT id FROM lot WHERE code = 'J1')")[0][0]
    check(text_in("table", paris(at)) and utc_slice(at) not in msg("table"),
          f"the receipt's time in Paris ({paris(at)}, not UTC {utc_slice(at)}): {msg('table')[:200]!r}")
    shots("stock-sake", "#product-price")

    drv.get(BASE + "#/receive")

    def receive(code, qty, lot, cost):
        for k, v in (("product", code), ("qty", qty), ("lot", lot), ("origin", "JP"), ("location", "S2"), ("cost", cost)):
            f = by("#rcv-" + k)
            f.clear()
            f.send_keys(v)
        by("#rcv-submit").click()

    kept = L.dump()
    receive(OIL, "6", "O2", "4,20")
    check(text_in("#rcv-msg", "Unit cost: amount '4,20' has a comma: use a point: 4.20"),
          f"a cost with a comma refused, naming the field, in the CLI's words: {msg('#rcv-msg')!r}")
    check(drv.switch_to.active_element.get_attribute("id") == "rcv-cost", "the cursor on the cost")
    receive(SAKE, "6", "J2", "800.5")
    check(text_in("#rcv-msg", "Unit cost: amount '800.5' takes no fraction digits for JPY"),
          f"a fraction of a yen refused: {msg('#rcv-msg')!r}")
    check(text_in("#rcv-form", "Unit cost (JPY)"), "the cost's label names the yen")
    check(L.dump() == kept, "nothing written by either")
    shots("receive-refused", "#rcv-form")
    receive(SAKE, "6", "J2", "800")
    check(text_in("#rcv-msg", "Received: " + SAKE), f"the sake received: {msg('#rcv-msg')!r}")
    cost = L.query("SELECT unit_cost, cost_currency FROM lot WHERE code = 'J2'")
    check(cost == [(800, "JPY")], f"a cost of 800 yen is 800 yen (it went in as 80000): {cost}")

    # ---- a count's start in Paris
    drv.get(BASE + "#/counts")
    by("#count-location").send_keys("S1" + Keys.ENTER)
    by("#count-scan")
    drv.get(BASE + "#/counts")
    by("#counts-open")
    started = L.query("SELECT started_at FROM stock_count")[0][0]
    check(text_in("#counts-open", paris(started)) and utc_slice(started) not in msg("#counts-open"),
          f"the count started at {paris(started)} in Paris, not {utc_slice(started)}: {msg('#counts-open')!r}")
    shots("counts", "#counts-open")
    B.logout()

    # ---- the counter: a comma in a payment refused; the receipt's time in Paris
    login(CASHIER)
    drv.get(BASE + "#/counter")
    scan = by("#scan")
    wait.until(lambda d: d.switch_to.active_element == scan)
    scan.send_keys(OIL + Keys.ENTER)
    check(text_in("#total-amount", "9.90 EUR"), "the oil at 9.90 EUR")
    kept = L.dump()
    drv.switch_to.active_element.send_keys(Keys.F3)  # a discount of "5,5" %: refused as the terminal counter does
    by("#dlg-value").send_keys("5,5")
    by("#dlg-reason").send_keys("promo" + Keys.ENTER)
    check(text_in("#counter-msg", "'5,5%' is not a percentage from 0.01 to 100"),
          f"a percentage with a comma refused in the terminal counter's words: {msg('#counter-msg')!r}")
    check(L.dump() == kept and text_in("#total-amount", "9.90 EUR"), "no discount given (it was 5.5 %)")
    wait.until(lambda d: d.switch_to.active_element.get_attribute("id") == "scan")
    drv.switch_to.active_element.send_keys(Keys.ENTER)  # on to the amount
    wait.until(lambda d: d.switch_to.active_element.get_attribute("id") == "pay-amount")
    drv.switch_to.active_element.send_keys("20,00" + Keys.ENTER)
    check(text_in("#counter-msg", "Payment: amount '20,00' has a comma: use a point: 20.00"),
          f"a paid amount with a comma refused in the CLI's words: {msg('#counter-msg')!r}")
    check(L.query("SELECT count(*) FROM sale") == [(0,)], "nothing paid (20,00 went in as 20.00)")
    shots("counter-comma", "#total-amount")
    by("#pay-amount").clear()
    by("#pay-amount").send_keys("20" + Keys.ENTER)
    check(text_in("#counter-msg", "10.10 EUR"), f"paid, the change in euros: {msg('#counter-msg')!r}")
    receipt, sold = L.query("SELECT receipt, at FROM sale")[0]
    by("#next").click()
    drv.switch_to.active_element.send_keys(Keys.F6)
    by("#ret-receipt").send_keys(f"{receipt}" + Keys.ENTER)
    check(text_in("#ret-lines", paris(sold)) and utc_slice(sold) not in msg("#ret-lines"),
          f"the sale's time in Paris ({paris(sold)}, not {utc_slice(sold)}): {msg('#ret-lines')!r}")
    check(text_in("#ret-lines", "9.90 EUR"), "and its total in euros")
    drv.execute_script("document.getElementById('returns').scrollIntoView({block: 'start'})")
    drv.save_screenshot(os.path.join(SHOTS, "money-counter-return-390.png"))
    width(1920)
    drv.save_screenshot(os.path.join(SHOTS, "money-counter-return-1920.png"))
    width(390)
    B.logout()

    # ---- the catalogue: a price in yen, a comma refused, the history in Paris
    login(MANAGER)
    drv.get(BASE + f"#/catalog/{SAKE}")
    check(text_in("#cat-price-now", "1200 JPY"), "the price now: 1200 JPY")
    kept = L.dump()
    by("#cat-new-price").send_keys("15,00" + Keys.ENTER)
    check(text_in("#cat-price-msg", "Price: amount '15,00' has a comma: use a point: 15.00"),
          f"a price with a comma refused, naming the field: {msg('#cat-price-msg')!r}")
    seen = drv.execute_script(  # the notice that says it, wherever it is
        "const m = [...document.querySelectorAll('.notice')].find((n) => n.textContent.includes('15,00'));"
        "const r = m && m.getBoundingClientRect();"
        "return !!r && r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight")
    check(seen, "on the phone the refusal is in sight of the price field (it was a screen above, at the page's top)")
    check(L.dump() == kept, "nothing written")
    by("#lang").click()  # the same in Chinese
    wait.until(lambda d: d.find_element(By.ID, "lang").text == "English")
    by("#cat-new-price").send_keys("15,00" + Keys.ENTER)
    check(text_in("#cat-price-msg", "售价：金额 '15,00' 含有逗号：请用小数点：15.00"), f"and in Chinese: {msg('#cat-price-msg')!r}")
    by("#cat-new-price").clear()
    by("#cat-new-price").send_keys("15.5" + Keys.ENTER)
    check(text_in("#cat-price-msg", "售价：金额 '15.5' 不能有小数：JPY 没有小数位"),
          f"a fraction of a yen, in Chinese: {msg('#cat-price-msg')!r}")
    drv.save_screenshot(os.path.join(SHOTS, "money-catalog-zh-390.png"))
    by("#lang").click()
    wait.until(lambda d: d.find_element(By.ID, "lang").text == "中文")
    by("#cat-new-price").clear()
    by("#cat-new-price").send_keys("1500" + Keys.ENTER)
    wait.until(EC.alert_is_present())
    alert = drv.switch_to.alert.text
    check("1200 JPY → 1500 JPY" in alert, f"the change confirmed in yen: {alert!r}")
    drv.switch_to.alert.accept()
    check(text_in("#cat-price-now", "1500 JPY"), "the new price shown")
    check(L.query(f"SELECT price, currency FROM product WHERE gtin = '0{SAKE}'") == [(1500, "JPY")],
          f"1500 yen stored as 1500 (it went in as 150000): {L.query(f'SELECT price FROM product WHERE gtin = {chr(39)}0{SAKE}{chr(39)}')}")
    changed = L.query("SELECT at FROM product_change WHERE field = 'price' ORDER BY id DESC LIMIT 1")[0][0]
    check(text_in("#cat-price-history", paris(changed)) and utc_slice(changed) not in msg("#cat-price-history"),
          f"the price history's time in Paris ({paris(changed)}): {msg('#cat-price-history')!r}")
    shots("catalog-sake", "#cat-price-history table")

    rc, tax = cli_words("product", "edit", SAKE, "--tax-rate", "5,5")
    tax_field = by("#cat-tax")
    tax_field.clear()
    tax_field.send_keys("5,5")
    kept = L.dump()
    by("#cat-save").click()
    check(rc == 2 and text_in("#cat-msg", "Tax rate %: " + tax.removeprefix("tax_rate ")),
          f"a tax rate with a comma refused in the CLI's words ({tax!r}): {msg('#cat-msg')!r}")
    check(L.dump() == kept, "nothing written (it was saved as 5.5 %)")

    # ---- the report: the sales in euros
    drv.get(BASE + "#/reports")
    by("#chart-sales-origin rect")
    vals = [e.text for e in drv.find_elements(By.CSS_SELECTOR, "#chart-sales-origin text.val")]
    check(vals == ["9.90 EUR"], f"the oil's sale in euros, not yuan: {vals}")
    shots("reports", "#chart-sales-origin rect", redraw=True)

    errs = B.console_errors((401, 403, 404, 409, 422))
    check(not errs, f"console errors: {errs}")
finally:
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)
    check(srv.stop() == 0, "the server stops cleanly")
L.finish()
