"""The status override form in Chromium: choosing a year offers only the statuses a milestone can have then."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser import log_in

SLUG = "binh-son-ctdt-2021-2030"


def offered(browser) -> list[str]:
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#dieu-chinh select[name=status] option'))"
        ".filter(o => !o.disabled && !(o.parentNode.tagName === 'OPTGROUP' && o.parentNode.hidden))"
        ".map(o => o.textContent.trim())"
    )


def test_a_passed_milestone_offers_its_judgement_from_its_year_and_its_pace_before(transactional_db, browser,
                                                                                    live_server, plan):  # fmt: skip
    log_in(browser, live_server, "vanphong")
    browser.get(f"{live_server.url}/ke-hoach/{SLUG}/chi-tieu/2025.01/dieu-chinh-tinh-trang/")
    year = Select(browser.find_element(By.CSS_SELECTOR, "#dieu-chinh select[name=year]"))
    assert year.first_selected_option.text == "2026"  # the test run's year (20/11/2026)
    assert offered(browser)[1:] == ["Đạt", "Không đạt"]
    status = Select(browser.find_element(By.CSS_SELECTOR, "#dieu-chinh select[name=status]"))
    status.select_by_visible_text("Không đạt")
    year.select_by_visible_text("2024")
    assert offered(browser)[1:] == ["Đạt", "Đúng tiến độ", "Cần đẩy nhanh", "Chậm", "Đi xuống"]
    assert status.first_selected_option.get_attribute("value") == ""  # "Không đạt" does not stay chosen for 2024
