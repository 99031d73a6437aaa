"""What the browser tests share: Selenium from Debian (without it a test is
skipped, exit 77) and a headless Chromium with a profile of its own, its
console kept so that a test can fail on an error there."""
import sys
import tempfile

try:
    from selenium import webdriver
    from selenium.webdriver.common.by import By  # noqa: F401 (for the tests)
    from selenium.webdriver.common.keys import Keys  # noqa: F401
    from selenium.webdriver.support.ui import WebDriverWait, Select  # noqa: F401
    from selenium.webdriver.support import expected_conditions as EC  # noqa: F401
    from selenium.common.exceptions import TimeoutException  # noqa: F401
except ImportError:
    print("SKIP: python3-selenium is not installed")
    sys.exit(77)


def chromium():
    """A headless Chromium at 1920 x 1080 in Chinese, as root may run it:
    (driver, its profile folder, to delete when done)."""
    opts = webdriver.ChromeOptions()
    profile = tempfile.mkdtemp(prefix="ent-chromium-")
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
              f"--user-data-dir={profile}", "--window-size=1920,1080", "--lang=zh-CN"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=opts), profile
