"""Headless Chromium through Selenium, for tests that use the portal as a person would."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "screenshots"
# axe-core (Deque, MPL-2.0), vendored but linked from no page: the tests inject it into the page they check.
AXE = ROOT / "static" / "vendor" / "axe-core-4.14.1" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE, DESKTOP = 390, 1366
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
    "--lang=vi",
    "--force-prefers-reduced-motion",  # Bootstrap scrolls smoothly otherwise, and clicks land mid-scroll
]


def start_chromium():
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium try to download a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(5)
    return driver


@pytest.fixture
def browser():
    driver = start_chromium()
    yield driver
    driver.quit()


def clean_slate(driver, live_server) -> None:
    """A browser shared by a module's tests, as if new: no session, no drafts kept, the usual window."""
    driver.delete_all_cookies()
    driver.set_window_size(1280, 900)
    driver.get(f"{live_server.url}/dang-nhap/")
    driver.execute_script("localStorage.clear()")


def screenshot(driver, name: str, full_page: bool = False) -> Path:
    """Save what the browser shows under screenshots/ (kept out of git) for a person to look at."""
    path = SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    if full_page:
        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(driver.execute_script("return window.innerWidth"), min(height + 100, 16000))
    driver.save_screenshot(str(path))
    return path


def log_in(driver, live_server, username: str, password: str = "binhson-demo") -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{live_server.url}/dang-nhap/")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    # A click returns before the next page has loaded: wait until the login page is gone.
    WebDriverWait(driver, 15).until(lambda d: "/dang-nhap/" not in d.current_url)


# Elements that stick out of the screen, outside any container that scrolls or clips them: what to fix.
STICKING_OUT = """
const width = document.documentElement.clientWidth, found = [];
function contained(el) {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== "visible") return true;
  }
  return false;
}
for (const el of document.querySelectorAll("body *")) {
  const box = el.getBoundingClientRect();
  if (box.width && box.right > width + 0.5 && !contained(el)) {
    found.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " (" + Math.round(box.right) + " px)");
  }
}
return found.slice(0, 5);
"""


def width_problem(driver) -> str:
    """'' when the page is no wider than the window; otherwise how wide it is and what sticks out.
    The page's scroll width is compared with the width it can show (the window's, less any scroll bar)."""
    scroll, inner, client = driver.execute_script(
        "const d = document.documentElement; return [d.scrollWidth, window.innerWidth, d.clientWidth]"
    )
    if scroll <= inner and scroll <= client:
        return ""
    return f"{scroll} px wide in {client} px: " + ", ".join(driver.execute_script(STICKING_OUT))


def axe_violations(driver, impacts=("serious", "critical")) -> list[str]:
    """axe-core's WCAG 2.1 A and AA findings of these impacts on the page as it is now, one line each."""
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    violations = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations),"
        "      e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));",
        WCAG_21_AA,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:4])
        for v in violations
        if v["impact"] in impacts
    ]


def confirm(driver, expected: str = "") -> str:
    """Answer yes in the confirmation dialog a button opened (portal.js); returns what the dialog said."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    dialog = WebDriverWait(driver, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "dialog#xac-nhan[open]"))
    said = dialog.text
    assert expected in said, said
    dialog.find_element(By.CSS_SELECTOR, "[data-confirm-ok]").click()
    return said
