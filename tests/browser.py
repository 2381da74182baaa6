"""Headless Chromium through Selenium, for tests that use the portal as a person would."""

import os
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
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


@pytest.fixture
def browser():
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium try to download a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def screenshot(driver, name: str, full_page: bool = False) -> Path:
    """Save what the browser shows under screenshots/ (kept out of git) for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    if full_page:
        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(1280, min(height + 100, 16000))
    path = SCREENSHOTS / f"{name}.png"
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
