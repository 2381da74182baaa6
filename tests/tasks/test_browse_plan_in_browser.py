"""A person logs in with Chromium and browses the plan, then an agency's page."""

from selenium.webdriver.common.by import By

from tests.browser import log_in, screenshot

SLUG = "binh-son-ctdt-2021-2030"


def test_it_browses_the_plan_and_an_agency(transactional_db, browser, live_server, plan):
    browser.get(f"{live_server.url}/ke-hoach/{SLUG}/")
    assert "/dang-nhap/" in browser.current_url
    screenshot(browser, "plan-01-login")

    log_in(browser, live_server, "canbo.binhan")
    browser.get(f"{live_server.url}/ke-hoach/{SLUG}/")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Kế hoạch Triển khai thực hiện")
    stylesheet = browser.execute_script("return getComputedStyle(document.querySelector('nav')).backgroundColor")
    assert stylesheet != "rgba(0, 0, 0, 0)", "the vendored Bootstrap CSS did not load"
    rows = browser.find_elements(By.CSS_SELECTOR, "tr[id^=chi-tieu-]")
    assert len(rows) == 52
    screenshot(browser, "plan-02-plan")

    badge = browser.find_element(By.CSS_SELECTOR, "#muc-III\\.2\\.d\\.3 a.badge-agency")
    badge.click()
    assert browser.current_url.endswith("/co-quan/TTYT/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Trung tâm Y tế huyện"
    links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "main li a")]
    assert "III.2.d.3" in links and "III.3.c.3" in links
    screenshot(browser, "plan-03-agency")

    browser.back()
    screenshot(browser, "plan-04-whole-plan", full_page=True)
