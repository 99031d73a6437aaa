#!/usr/bin/env python3
"""The page 总部 (head office's views of the chain) in headless Chromium:
two stores synced to a private PostgreSQL (tests/hq/hq_views_lib.py), SH01's
server reading head office as a reader (serve --hq-read). The auditor sees
the page in Chinese: stock by origin per store and for the chain with its
chart, sales by country then by store, flow and conversion per store, the
lot expiring across the chain, and which stores hold a commodity typed in;
a bad code is told on the page; English too; no horizontal scroll at 360 and
1920 px; no console error. A cashier has no such page. Without --hq-read the
page says the server is not linked. Screenshots go to $ENT_WEB_SHOTS (or the
test's folder). No sleeps: every wait is WebDriverWait on a condition."""
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "hq"))
from web_lib import By, Keys, Select, EC, Browser  # noqa: E402
import hq_views_lib as V  # noqa: E402
from hq_views_lib import H, L  # noqa: E402

check = H.check
chain = V.Chain()
srv = chain.server()
BASE = f"http://127.0.0.1:{srv.port}/"
SHOTS = os.environ.get("ENT_WEB_SHOTS") or os.path.join(L.WORK, "shots")
os.makedirs(SHOTS, exist_ok=True)

B = Browser()
drv, profile, wait, by, text_in, logout = B.drv, B.profile, B.wait, B.by, B.text_in, B.logout


def shot(name, w):
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": w, "height": 780 if w < 600 else 1000, "deviceScaleFactor": 1, "mobile": w < 600})
    over = drv.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    check(over <= 0, f"{name} at {w} px scrolls sideways by {over} px")
    drv.save_screenshot(os.path.join(SHOTS, f"{name}-{w}.png"))


def login(name, base=None):
    B.login(base or BASE, name, L.PASSWORD)


def console_errors():
    return B.console_errors((401, 422, 503))  # told on the page


try:
    login("auditor.1")
    check(text_in("#nav-hq", "总部"), "the auditor's navigation has 总部")
    by("#nav-hq").click()
    # stock by origin: the chain's row for Italy (SH01 4998 + SH02 39) and its chart
    check(text_in("#hq-stock", "全连锁") and text_in("#hq-stock", "意大利 IT") and text_in("#hq-stock", "5037"),
          "stock by origin per store and for the chain")
    by("#chart-hq-stock")
    # sales by country (the default) for this month, then by store
    check(text_in("#hq-sales-out", "意大利 IT") and text_in("#hq-sales-out", "¥119.70"),
          "the chain's sales of Italian goods (3 x 39.90)")
    by("#chart-hq-sales")
    Select(by("#hq-sales-by")).select_by_value("store")
    by("#hq-sales-go").click()
    check(text_in("#hq-sales-out", "SH02") and text_in("#hq-sales-out", "¥43.40") and text_in("#hq-sales-out", "¥123.20"),
          "sales by store with the chain's total")
    check(text_in("#hq-flow-out", "4.0%") and text_in("#hq-flow-out", "10.0%"), "conversion per store")
    check(text_in("#hq-exp-out", "S2N") and text_in("#hq-exp-out", "SH02"), "SH02's lot expiring within 30 days")
    shot("hq", 1920)
    by("#hq-hold-code").send_keys(L.COLA + Keys.ENTER)
    check(text_in("#hq-hold-out", "SH02") and text_in("#hq-hold-out", "5019"), "who holds 可口可乐")
    drv.execute_script("document.getElementById('hq-holders').scrollIntoView()")
    shot("hq-lower", 1920)
    code = by("#hq-hold-code")
    code.clear()
    code.send_keys("a b" + Keys.ENTER)
    check(text_in("#hq-hold-msg", "GTIN"), "a bad code is told on the page")
    shot("hq", 360)
    # English
    by("#lang").click()
    check(text_in("#nav-hq", "Head office"), "English navigation")
    check(text_in("#hq-stock", "Chain") and text_in("#hq-stock", "Italy IT"), "the page in English")
    shot("hq-en", 1920)
    by("#lang").click()
    check(text_in("#nav-hq", "总部"), "back to Chinese")
    errs = console_errors()
    check(not errs, f"console errors: {errs}")
    logout()
    login("cashier.1")
    check(not drv.find_elements(By.ID, "nav-hq"), "a cashier has no head-office page")
    logout()
    # a server that does not read head office says so
    srv.stop()
    srv = L.Server()
    base = f"http://127.0.0.1:{srv.port}/"
    login("manager.1", base)
    drv.get(base + "#/hq")
    check(text_in("#hq-msg", "没有连接总部"), "without --hq-read the page says the server is not linked")
    shot("hq-unlinked", 1920)
finally:
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)
    check(srv.stop() == 0, "the server stops cleanly")
if os.environ.get("ENT_WEB_SHOTS"):
    print("screenshots in", SHOTS)
H.PASS += L.PASS
H.FAIL += L.FAIL
shutil.rmtree(L.WORK, ignore_errors=True)
H.finish(chain.C)
