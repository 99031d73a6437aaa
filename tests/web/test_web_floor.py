#!/usr/bin/env python3
"""The web app in English on a 390-px phone, as a store meets it on day one
(headless Chromium through Selenium against `entrepot serve` on a loopback
port; every wait on a condition, no sleeps):

- a cashier logs out with a customer's bottle in the basket and logs in
  again: the basket is hers again (it was "Refused: Refused", the counter
  locked to the ended session); a second cashier at the same counter is told
  who has it, in English, and F8 does not claim "Cleared"; once the sale is
  paid, the empty basket is the second cashier's (it stayed locked);
- the manager sets the scale's in-store layout while the till is open: the
  scale label sells 0.523 kg at once (it was "no commodity has this code"
  until a restart), and the weighed line has no - and + the server refuses;
- a stock clerk receives: an origin typed by name goes in as its code
  ("China" went in as CH, Switzerland), an unknown name is refused naming it
  with nothing written, the quantity's label names the unit (g for a weighed
  cheese), a quantity with a comma is told what is wrong;
- a second browser set to the same counter while the basket is empty is
  told who has it (the two took the counter from each other);
- a count shows every quantity with its unit (5000 g, not 5000), and its table fits,
  as does the list of what was received;
- the label clerk's reprint queue of 61 entries comes in pages of 50 with the
  whole's count and "show more", and fits the phone.
Screenshots go to $ENT_WEB_SHOTS (or the test's folder); a console error
fails the test."""
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
from web_lib import By, Keys, EC, Browser  # noqa: E402
import serve_lib as L  # noqa: E402
from serve_lib import check  # noqa: E402

WINE = "5901234123457"  # sold by the bottle


def ean13(first12):
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(first12))
    return first12 + str((10 - s % 10) % 10)


CHEESE = ean13("210004200000")  # the item GTIN of item 00042 under 21IIIIIWW.WWWC
LABEL = ean13("210004200523")  # the scale's label: 0.523 kg of it

L.make_store()
L.cli("product", "add", "--gtin", WINE, "--name-zh", "波尔多红葡萄酒", "--name-en", "Bordeaux red",
      "--price", "128.00", "--tax-rate", "13", "--sell-unit", "瓶")
L.cli("product", "add", "--gtin", CHEESE, "--name-zh", "帕尔马干酪", "--name-en", "Parmigiano",
      "--unit", "g", "--price", "59.80", "--tax-rate", "13")
OIL = "8001234567897"  # priced in euros: its lots' cost is in euros too
L.cli("product", "add", "--gtin", OIL, "--name-zh", "特级初榨橄榄油", "--name-en", "Olive oil",
      "--price", "9.90", "--currency", "EUR", "--tax-rate", "13")
L.cli("stock", "receive", "--product", WINE, "--qty", "24", "--lot", "W1", "--origin", "FR", "--location", "S1")
L.cli("stock", "receive", "--product", CHEESE, "--qty", "5000", "--lot", "P1", "--origin", "IT", "--location", "S2")
# a long name, a long lot code and a large quantity in the count at S2, on a 390-px phone
OLIVES = "8001234567880"
L.cli("product", "add", "--gtin", OLIVES, "--name-zh", "希腊卡拉马塔黑橄榄（盐水浸泡）",
      "--name-en", "Kalamata black olives in brine, pitted", "--price", "32.00", "--tax-rate", "13")
L.cli("stock", "receive", "--product", OLIVES, "--qty", "12000", "--lot", "KAL2026-0611-A", "--origin", "GR",
      "--location", "S2")
for lot, origin in (("K1", "KR"), ("U1", "US"), ("T1", "TW")):  # long English names on the report's chart
    L.cli("stock", "receive", "--product", WINE, "--qty", "2", "--lot", lot, "--origin", origin, "--location", "B1")
TOK = L.make_tokens()
CASHIER, CLERK = TOK["users"]["cashier"], TOK["users"]["stock-clerk"]
L.cli("user", "add", "li.na", "--role", "cashier", "--password-stdin", stdin=L.PASSWORD + "\n")
srv = L.Server("--threads", "2")
BASE = f"http://127.0.0.1:{srv.port}/"
SHOTS = os.environ.get("ENT_WEB_SHOTS") or os.path.join(L.WORK, "shots")
os.makedirs(SHOTS, exist_ok=True)

B = Browser()
drv, profile, wait, by, text_in = B.drv, B.profile, B.wait, B.by, B.text_in
drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1,
                                                           "mobile": True})


def shot(name, boxes=False):
    over = drv.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    check(over <= 0, f"{name} at 390 px scrolls sideways by {over} px")
    if boxes:  # nor does a box inside it (the count's table in its .scroll box hid the differences)
        inner = drv.execute_script("return [...document.querySelectorAll('.scroll')].filter(e => e.offsetParent)"
                                   ".map(e => e.scrollWidth - e.clientWidth).filter(d => d > 0)")
        check(not inner, f"{name} at 390 px has a box that scrolls sideways by {inner} px")
    drv.save_screenshot(os.path.join(SHOTS, f"floor-{name}-390.png"))


def login(name):
    B.login(BASE, name, L.PASSWORD)
    if by("#lang").text == "English":  # the page is Chinese until switched; the browser remembers it
        by("#lang").click()
    wait.until(lambda d: d.find_element(By.ID, "lang").text == "中文")


def counter():
    drv.get(BASE + "#/counter")
    scan = by("#scan")
    wait.until(lambda d: d.switch_to.active_element == scan)  # given once the basket is open
    return scan


def msg(css):
    return drv.find_element(By.CSS_SELECTOR, css).text


def elsewhere():
    st, _, b = srv.req("POST", "/api/v1/login", {"name": CLERK, "password": L.PASSWORD, "device": "handheld"})
    check(st == 200, f"a login elsewhere: {st} {b}")


def lines_n(n):
    return wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "li.line")) == n)


try:
    # ---- the first page after logging in, drawn once (it was drawn twice: two search boxes)
    B.login(BASE, CASHIER, L.PASSWORD)  # a fresh page: the country names are fetched before the page is drawn
    by("#stock-q")
    n = drv.execute_async_script(  # two round trips later the page's own requests, sent before, have been answered
        "const done = arguments[0]; fetch('/api/v1/countries').then(() => fetch('/api/v1/countries'))"
        ".then(() => done(document.querySelectorAll('#stock-q').length))")
    check(n == 1, f"the stock page once after logging in: {n} search boxes")
    shot("stock-after-login")
    B.logout()
    login(CASHIER)

    # ---- the counter: log out and in again, a second cashier, a change of shift
    counter().send_keys(WINE + Keys.ENTER)
    lines_n(1)
    check(text_in("#lines", "bottle × ¥128.00/bottle"), "the bottle, per bottle, in English")
    B.logout()
    elsewhere()  # someone logs in at another device meanwhile: the next session's id is not the ended one's
    login(CASHIER)
    counter()
    lines_n(1)
    check(msg("#counter-msg") == "", f"the cashier's own basket, nothing refused: {msg('#counter-msg')!r}")
    check(text_in("#lines", "波尔多红葡萄酒"), "the customer's bottle is still there")
    B.logout()
    login("li.na")
    drv.get(BASE + "#/counter")
    busy = f"Counter C1 is in use by {CASHIER}"
    check(text_in("#counter-msg", busy), "the second cashier is told who has the counter, in English")
    drv.switch_to.active_element.send_keys(WINE + Keys.ENTER)
    check(text_in("#counter-msg", busy), "and a scan is told the same")
    check("Refused: Refused" not in msg("#counter-msg") and "basket open by" not in msg("#counter-msg"),
          f"no word twice, no server English: {msg('#counter-msg')!r}")
    by("#scan").send_keys(Keys.F8)
    check(text_in("#counter-msg", busy), "F8 by a cashier: still the other's counter")
    check("Cleared" not in msg("#counter-msg"), f"F8 does not claim it cleared: {msg('#counter-msg')!r}")
    shot("counter-busy")
    B.logout()
    login(CASHIER)
    counter()
    lines_n(1)
    drv.switch_to.active_element.send_keys(Keys.F9)
    check(text_in("#counter-msg", "¥128.00"), "the bottle is paid")
    check(L.query("SELECT cashier FROM sale") == [(CASHIER,)], "its sale is the first cashier's")
    B.logout()
    login("li.na")
    scan = counter()
    check(msg("#counter-msg") == "", f"at the change of shift the empty basket is hers: {msg('#counter-msg')!r}")
    # another browser set to C1 while her basket is empty: told who has it (the two took it from each other)
    B2 = Browser()
    try:
        B2.drv.set_window_size(1280, 900)
        B2.login(BASE, CASHIER, L.PASSWORD)
        B2.drv.get(BASE + "#/counter")
        check(B2.text_in("#counter-msg", "收银台 C1 正在另一台设备上由 li.na 使用"),
              "a second browser at C1 is told li.na has it, in its own language")
        B2.drv.save_screenshot(os.path.join(SHOTS, "floor-counter-other-browser-1280.png"))
    finally:
        B2.drv.quit()
        shutil.rmtree(B2.profile, ignore_errors=True)
    check(L.query("SELECT cashier FROM basket WHERE counter = 'C1'") == [("li.na",)], "C1 stayed hers")

    # ---- the scale's layout set while the till is open
    L.cli("scan", "config", "--instore", "21IIIIIWW.WWWC")
    scan.send_keys(LABEL + Keys.ENTER)
    lines_n(1)
    check(text_in("#lines", "0.523 kg × ¥59.80/kg"), "the scale's label sells its weight at once")
    line = by("li.line")
    check(not line.find_elements(By.CSS_SELECTOR, ".qty button") and not line.find_elements(By.CSS_SELECTOR, ".qtyin"),
          "a weighed line has no - and + (the quantity is the label's)")
    check(text_in("#total-amount", "31.28"), "523 g at 59.80 a kg")
    shot("counter-weighed")
    drv.switch_to.active_element.send_keys(Keys.F9)
    check(text_in("#counter-msg", "¥31.28"), "paid")
    check(L.query("SELECT cashier, total FROM sale ORDER BY id DESC LIMIT 1") == [("li.na", 3128)],
          "the second sale is the second cashier's")
    B.logout()

    # ---- receiving: origin by name, the unit named, a comma told
    login(CLERK)
    drv.get(BASE + "#/receive")

    def receive(code, qty, lot, origin, location):
        for k, v in (("product", code), ("qty", qty), ("lot", lot), ("origin", origin), ("location", location)):
            f = by("#rcv-" + k)
            f.clear()
            f.send_keys(v)
        by("#rcv-submit").click()

    receive(WINE, "6", "W2", "China", "S1")
    check(text_in("#rcv-msg", "Received: " + WINE + " × 6 pcs"), "received, with its unit")
    check(L.query("SELECT origin FROM lot WHERE code = 'W2'") == [("CN",)], "an origin typed by name goes in as CN")
    kept = L.dump()
    receive(WINE, "6", "W3", "Chine", "S1")
    check(text_in("#rcv-msg", "Origin country not known") and "Chine" in msg("#rcv-msg"),
          f"an unknown name is refused, named: {msg('#rcv-msg')!r}")
    check(drv.switch_to.active_element.get_attribute("id") == "rcv-origin", "the cursor on the origin")
    receive(WINE, "1,5", "W3", "FR", "S1")
    check(text_in("#rcv-msg", "whole number") and "1,5" in msg("#rcv-msg"), f"a comma told: {msg('#rcv-msg')!r}")
    check(L.dump() == kept, "nothing written by either")
    by("#rcv-product").clear()
    by("#rcv-product").send_keys(CHEESE + Keys.ENTER)  # a scanner's Enter: on to the quantity
    check(text_in("#rcv-form", "Quantity (g)"), "the quantity's label names grams for the cheese")
    shot("receive-unit", boxes=True)
    receive(CHEESE, "2000", "P2", "it", "S2")
    check(text_in("#rcv-msg", "× 2000 g"), "received in grams, said so")
    check(L.query("SELECT origin FROM lot WHERE code = 'P2'") == [("IT",)], "a code in lower case is the code")
    by("#rcv-product").clear()
    by("#rcv-product").send_keys(OIL + Keys.ENTER)
    check(text_in("#rcv-form", "Unit cost (EUR)"), "the cost's label names the commodity's currency")
    drv.execute_script("document.getElementById('rcv-cost').scrollIntoView({block: 'center'})")
    shot("receive-cost-eur", boxes=True)
    by("#rcv-cost").send_keys("4.20")
    receive(OIL, "12", "O1", "IT", "S1")
    check(text_in("#rcv-msg", "Received: " + OIL), f"the oil received: {msg('#rcv-msg')!r}")
    drv.execute_script("document.getElementById('rcv-log').scrollIntoView({block: 'end'})")
    check(text_in("#rcv-log", "2000 g") and text_in("#rcv-log", "O1"), "what was received, with its unit and lot")
    shot("receive-list", boxes=True)
    check(L.query("SELECT unit_cost, cost_currency FROM lot WHERE code = 'O1'") == [(420, "EUR")],
          f"a cost typed for goods priced in euros is in euros: {L.query('SELECT unit_cost, cost_currency FROM lot WHERE code = ' + chr(39) + 'O1' + chr(39))}")

    # ---- a count: every quantity with its unit
    drv.get(BASE + "#/counts")
    by("#count-location").send_keys("S2" + Keys.ENTER)
    by("#count-scan").send_keys(LABEL + Keys.ENTER)
    wait.until(lambda d: d.switch_to.active_element.get_attribute("data-i") is not None)
    check(text_in("#count-lines", "4477 g"), "the expected weight with its unit (5000 g less 523 sold)")
    cur = drv.switch_to.active_element
    check(cur.get_attribute("placeholder") == "g" and "(g)" in cur.get_attribute("aria-label"),
          "the counted field says grams")
    cur.send_keys("4400" + Keys.ENTER)
    check(text_in("#count-msg", "4400 g"), "recorded, in grams")
    check(text_in("#count-lines", "-77 g"), "the difference in grams")
    row = by(f'#count-lines tr[data-gtin="{OLIVES.zfill(14)}"]')
    check("KAL2026-0611-A" in row.text and "12000 pcs" in row.text, f"the olives' line names its lot: {row.text!r}")
    shot("count-units", boxes=True)

    B.logout()

    # ---- the label clerk on a phone: a long reprint queue, in pages of 50 that fit the screen
    entries = "SELECT count(*) FROM (SELECT DISTINCT product_id, location_id FROM label_queue)"  # one a shelf label
    n0 = L.query(entries)[0][0]  # the day's receiving queued a few already
    # lots of a new origin on 61 shelves, as a delivery (or the old demo) queues them, from 20 countries
    many = ["ES", "PT", "DE", "NL", "BE", "AT", "CH", "PL", "CZ", "HU", "SE", "TR", "JP", "TH", "VN", "MY", "AU",
            "NZ", "CL", "AR"]
    for i in range(1, 62):
        L.cli("location", "add", f"Q{i:02d}", "--kind", "shelf")
        L.cli("stock", "receive", "--product", OLIVES, "--qty", "1", "--lot", f"Q{i:02d}", "--origin",
              many[(i - 1) % len(many)], "--location", f"Q{i:02d}")
    total = n0 + 61
    check(L.query(entries)[0][0] == total, "61 more shelf labels queued")
    login(TOK["users"]["label-clerk"])
    drv.get(BASE + "#/labels")
    by("#label-queue tbody tr")
    rows = lambda: drv.find_elements(By.CSS_SELECTOR, "#label-queue tbody tr")  # noqa: E731
    check(by("#label-queue-count").text == str(total) and len(rows()) == 50,
          f"the count is the whole queue's, the list its first page: {by('#label-queue-count').text} {len(rows())}")
    check(text_in("#label-queue-shown", f"50 of {total} shown"), "the page says how much is shown")
    q01 = [r.text for r in rows() if "Q01" in r.text]
    check(len(q01) == 1 and "希腊卡拉马塔黑橄榄" in q01[0] and OLIVES.zfill(14) in q01[0] and "Spain" in q01[0],
          f"an entry: the name over its code, the new origin and its shelf: {q01}")
    drv.execute_script("document.getElementById('label-queue-more').scrollIntoView({block: 'center'})")
    shot("labels-queue", boxes=True)
    by("#label-queue-more").click()
    wait.until(lambda d: len(rows()) == total)
    check("Q61" in rows()[-1].text and by("#label-queue-more").get_attribute("hidden") is not None,
          "show more lists the rest, and then is gone")
    B.logout()

    # ---- the report's chart in English: every country's name inside the chart
    login(TOK["users"]["manager"])
    # a commodity's history on a phone: four columns in the screen, each figure with its unit
    # (seven scrolled sideways; the quantities had no unit)
    drv.get(BASE + "#/stock/" + CHEESE)
    check(text_in("#product-history", "5000 g"), "the history's quantities name their unit")
    shot("stock-history", boxes=True)
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1920, "height": 1000, "deviceScaleFactor": 1,
                                                               "mobile": False})
    drv.get(BASE + "#/reports")
    by("#chart-origin rect")
    # stock from 26 countries, a bar for each origin and cost currency (Italy's lots with a cost
    # in euros and without): the largest 12 and one bar for the others, every bar on asking
    origins = L.query("SELECT count(*) FROM (SELECT DISTINCT l.origin, COALESCE(l.cost_currency, '') "
                      "FROM stock_balance b JOIN lot l ON l.id = b.lot_id WHERE b.qty > 0)")[0][0]
    bars = lambda: drv.find_elements(By.CSS_SELECTOR, "#chart-origin rect")  # noqa: E731
    for w in (1920, 390):
        drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": w, "height": 900, "deviceScaleFactor": 1,
                                                                   "mobile": w < 600})
        drv.refresh()
        by("#chart-origin rect")
        check(origins > 20 and len(bars()) == 13 and text_in("#chart-origin", f"{origins - 12} others"),
              f"at {w} px {origins} origins drawn as 13 bars, the last the others': {len(bars())}")
        # the others here are lots without a cost: their bar says so (it read "0")
        check(text_in("#chart-origin", "no cost"), f"at {w} px the others' bar says they have no cost")
        if w == 390:
            drv.execute_script("document.getElementById('chart-origin-all').scrollIntoView({block: 'end'})")
            shot("reports-top")
        by("#chart-origin-all").click()
        wait.until(lambda d: len(bars()) == origins)
        out = drv.execute_script(
            "return [...document.querySelectorAll('#chart-origin text.lbl')].filter(e => e.getBBox().x < 0)"
            ".map(e => e.getAttribute('data-key'))")
        labels = [e.get_attribute("data-key") for e in drv.find_elements(By.CSS_SELECTOR, "#chart-origin text.lbl")]
        check("KR" in labels and "TW" in labels and not out, f"at {w} px no name cut at the chart's edge: {out} of {labels}")
        if w == 1920:
            drv.save_screenshot(os.path.join(SHOTS, "floor-reports-1920.png"))
    shot("reports")
    # stock by origin: Italy's 12 bottles of oil (costed in euros), and its
    # 5000 jars and its cheese in kg (no cost) in their own columns, never
    # added up (schema 30)
    g = L.query("SELECT SUM(b.qty) FROM stock_balance b JOIN lot l ON l.id = b.lot_id JOIN product p "
                "ON p.id = b.product_id WHERE l.origin = 'IT' AND p.unit = 'g'")[0][0]
    kg = f"{g // 1000}.{g % 1000:03d}".rstrip("0").rstrip(".")
    rows = [[c.text for c in r.find_elements(By.CSS_SELECTOR, "td")]
            for r in drv.find_elements(By.CSS_SELECTOR, "#rep-origin-units tbody tr[data-key='IT']")]
    check(["Italy", "12", "", "", "50.40 EUR"] in rows and ["Italy", "5000", kg, "", "no cost"] in rows,
          f"Italy's pieces and kg apart ({g} g is {kg} kg): {rows}")
    drv.execute_script("document.getElementById('rep-origin').scrollIntoView()")
    drv.save_screenshot(os.path.join(SHOTS, "floor-reports-origin-390.png"))

    errs = B.console_errors((401, 403, 404, 409, 422))
    check(not errs, f"console errors: {errs}")
finally:
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)
    check(srv.stop() == 0, "the server stops cleanly")
L.finish()
