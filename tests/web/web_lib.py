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


class Browser:
    """The headless Chromium of a test, and the waits every page test makes
    (each on a condition, 15 s at most; no sleeps)."""

    def __init__(self):
        self.drv, self.profile = chromium()
        self.wait = WebDriverWait(self.drv, 15)

    def by(self, css):
        return self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def text_in(self, css, words):
        """Waits for the words in the element; False (the check fails) after 15 s."""
        try:
            return self.wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), words))
        except TimeoutException:
            found = self.drv.find_elements(By.CSS_SELECTOR, css)
            print(f"waited for {words!r} in {css}: {found[0].text[:300] if found else 'no such element'!r}")
            return False

    def login(self, url, name, password):
        self.drv.get(url)
        self.by("#login-name").send_keys(name)
        self.by("#login-password").send_keys(password + Keys.ENTER)
        self.wait.until(EC.presence_of_element_located((By.ID, "nav-stock")))

    def logout(self):
        self.by("#logout").click()
        self.by("#login-form")

    def console_errors(self, told):
        """The console's errors, leaving out the HTTP refusals of the statuses
        in told, which the pages show themselves."""
        return [e["message"] for e in self.drv.get_log("browser") if e["level"] == "SEVERE"
                and not ("Failed to load resource" in e["message"]
                         and any(f"status of {c}" in e["message"] for c in told))]
