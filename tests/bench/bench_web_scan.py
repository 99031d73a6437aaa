#!/usr/bin/env python3
"""A scan at the web counter, from the Enter key to the frame that shows the
line, measured in headless Chromium (not in ctest; a short run).

The counter page marks each scan with performance.measure("ent.scan"),
from the Enter key's event time to the animation frame after the basket
is drawn (src/web/js/counter.js). Beside it, in the same page and run, the
floors: the scan's own POST by fetch (the durable write, nothing drawn), the bare GET of the basket from the page (the same writer round
trip without a scan), and GET /api/v1/health (a no-op round trip). Each is
N times one after the other; p50, p99 and max are printed with the load.

  ENTREPOT=build/testclock/entrepot ENT_SOURCE_DIR=. tests/bench/bench_web_scan.py [N]

Needs chromium, chromium-driver and python3-selenium (as tests/web); when
another python3 comes first on the PATH (pyenv, a venv), run it with Debian's
/usr/bin/python3, which sees python3-selenium."""
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
import serve_lib as L  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
CODES = [L.NUTELLA, L.COLA, L.PEN]


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p / 100))]


def line(name, v):
    print(f"{name:<44} n={len(v):4}  p50 {pct(v, 50):6.1f} ms  p99 {pct(v, 99):6.1f} ms  max {max(v):6.1f} ms")


L.make_store()
for c in CODES:
    L.cli("stock", "receive", "--product", c, "--qty", "1000000", "--lot", "BENCH" + c[-4:], "--origin", "FR",
          "--location", "S1")
L.make_tokens()
srv = L.Server("--threads", "2")
base = f"http://127.0.0.1:{srv.port}/"
opts = webdriver.ChromeOptions()
profile = tempfile.mkdtemp(prefix="ent-bench-chromium-")
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
          "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1920,1080", "--lang=zh-CN"):
    opts.add_argument(a)
drv = webdriver.Chrome(options=opts)
wait = WebDriverWait(drv, 30)
try:
    drv.get(base)
    wait.until(lambda d: d.find_elements(By.ID, "login-name"))
    drv.find_element(By.ID, "login-name").send_keys("cashier.1")
    drv.find_element(By.ID, "login-password").send_keys(L.PASSWORD + Keys.ENTER)
    wait.until(lambda d: d.find_elements(By.ID, "nav-stock"))
    drv.get(base + "#/counter")
    wait.until(lambda d: d.find_elements(By.ID, "scan") and d.switch_to.active_element.get_attribute("id") == "scan")
    for i in range(N):
        drv.switch_to.active_element.send_keys(CODES[i % len(CODES)] + Keys.ENTER)
        wait.until(lambda d: d.execute_script("return performance.getEntriesByName('ent.scan').length") > i)
    scans = drv.execute_script("return performance.getEntriesByName('ent.scan').map(e => e.duration)")
    drawn = drv.execute_script("return performance.getEntriesByName('ent.scan.drawn').map(e => e.duration)")
    handler = drv.execute_script("return performance.getEntriesByName('ent.scan.handler').map(e => e.duration)")
    floors = drv.execute_async_script("""
        const [n, path, codes, done] = arguments;
        (async () => {
          const out = {basket: [], health: [], post: []};
          const me = await (await fetch("/api/v1/me", {credentials: "same-origin"})).json();
          for (let i = 0; i < n; i++) { // the scan's own request, nothing drawn
            const t0 = performance.now();
            const r = await fetch(path + "/lines", {method: "POST", credentials: "same-origin",
              headers: {"Content-Type": "application/json", "X-CSRF-Token": me.csrf},
              body: JSON.stringify({code: codes[i % codes.length]})});
            await r.json();
            out.post.push(performance.now() - t0);
          }
          for (const [k, url] of [["basket", path], ["health", "/api/v1/health"]])
            for (let i = 0; i < n; i++) {
              const t0 = performance.now();
              const r = await fetch(url, {credentials: "same-origin"});
              await r.text();
              out[k].push(performance.now() - t0);
            }
          done(out);
        })();""", N, "/api/v1/counters/C1/basket", CODES)
    lines = drv.execute_script("return document.querySelectorAll('li.line').length")
finally:
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)
    srv.stop()
print(f"machine: {os.cpu_count()} cores, load {' '.join(open('/proc/loadavg').read().split()[:3])}; "
      f"headless Chromium on loopback; {N} scans of {len(CODES)} codes ({lines} lines)")
line("scan: Enter to the frame showing the line", scans)
line("scan: Enter to the line in the page's tree", drawn)
line("scan: the key's handler to the line in the tree", handler)
line("the scan's POST alone from the page", floors["post"])
line("floor: GET the basket from the page", floors["basket"])
line("floor: GET /api/v1/health from the page", floors["health"])
print(f"target: a scan on screen within 100 ms: p99 {pct(scans, 99):.1f} ms "
      f"({'met' if pct(scans, 99) < 100 else 'NOT met'}); "
      f"p50 {pct(scans, 50) / max(pct(floors['basket'], 50), 0.001):.1f}x the basket GET")
L.finish()
