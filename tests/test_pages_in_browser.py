"""What the inline handlers used to do still works under a Content-Security-Policy that forbids inline
script, in headless Chromium; logging out forgets the report drafts this browser kept; the report's history panel is
fetched when it is opened."""

from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from reports.cycles.opening import open_this_year
from reports.models import AgencyReport
from tests.browser import log_in

CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) { window.cspViolations.push(e.violatedDirective); });
"""


def choose_year(browser, year):
    browser.execute_script("window.notNavigated = true")
    Select(browser.find_element(By.ID, "nam")).select_by_value(str(year))
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return window.notNavigated") is None)


def test_the_year_pickers_go_to_the_chosen_year(transactional_db, browser, live_server, plan):
    log_in(browser, live_server, "vanphong")
    browser.get(f"{live_server.url}/tong-hop/?nam=2026")
    choose_year(browser, 2025)
    assert browser.current_url.endswith("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2025")
    assert "Báo cáo tổng hợp năm 2025" in browser.find_element(By.TAG_NAME, "h1").text

    browser.get(f"{live_server.url}/bang-dieu-khien/")
    choose_year(browser, 2024)
    assert browser.current_url.endswith(f"/bang-dieu-khien/{plan.slug}/2024/")
    assert "năm 2024" in browser.find_element(By.TAG_NAME, "h1").text

    browser.get(f"{live_server.url}/cong-khai/{plan.slug}/")
    choose_year(browser, 2023)
    assert browser.current_url.endswith(f"/cong-khai/{plan.slug}/?nam=2023")


def test_no_page_trips_the_content_security_policy(transactional_db, browser, live_server, plan):
    open_this_year()  # the nightly job of the year's first day opened it: staff land on this year's report
    log_in(browser, live_server, "canbo.ldtbxh")  # lands on the report form, the page with the most script
    browser.execute_script(CSP_VIOLATIONS)
    add = browser.find_element(By.ID, "them-kien-nghi")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", add)
    add.click()  # report-form.js still runs
    assert len(browser.find_elements(By.CSS_SELECTOR, "#kien-nghi .proposal-form")) == 2
    assert browser.execute_script("return window.cspViolations") == []
    assert "script-src 'self'" in browser.execute_script(
        "return fetch(location.href).then(r => r.headers.get('Content-Security-Policy'))"
    )


def test_logging_out_forgets_the_drafts_kept_in_the_browser(transactional_db, browser, live_server, plan):
    open_this_year()  # the nightly job of the year's first day opened it: staff land on this year's report
    log_in(browser, live_server, "canbo.ldtbxh")
    area = browser.find_element(By.ID, "id_difficulties")
    area.send_keys("Bản nháp chưa lưu trên máy dùng chung.")
    WebDriverWait(browser, 5).until(
        lambda d: d.execute_script("return Object.keys(localStorage).filter(k => k.startsWith('binhson:')).length")
    )
    browser.execute_script("localStorage.setItem('khac:giu-lai', '1')")  # not the portal's: left alone
    logout = browser.find_element(By.CSS_SELECTOR, "nav form[data-logout] button[type=submit]")
    logout.click()  # typing not saved: asked first (browser pass 39), and "Quay lại" keeps it all
    dialog = WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "xac-nhan"))
    assert dialog.is_displayed() and "Đăng xuất và bỏ nội dung chưa lưu?" in dialog.text
    dialog.find_element(By.CSS_SELECTOR, "[data-confirm-cancel]").click()
    assert "/dang-nhap/" not in browser.current_url
    assert browser.find_element(By.ID, "id_difficulties").get_attribute("value").endswith("máy dùng chung.")
    logout.click()
    dialog.find_element(By.CSS_SELECTOR, "[data-confirm-ok]").click()
    WebDriverWait(browser, 10).until(lambda d: "/dang-nhap/" in d.current_url)
    assert browser.execute_script("return Object.keys(localStorage).sort()") == ["khac:giu-lai"]

    log_in(browser, live_server, "canbo.ldtbxh")  # the same person again: the form comes back empty
    assert browser.find_element(By.ID, "id_difficulties").get_attribute("value") == ""
    assert not browser.find_element(By.ID, "khoi-phuc").is_displayed()
    browser.find_element(By.CSS_SELECTOR, "nav form[data-logout] button[type=submit]").click()  # nothing typed:
    WebDriverWait(browser, 10).until(lambda d: "/dang-nhap/" in d.current_url)  # no question asked


def test_the_history_panel_is_fetched_when_opened(transactional_db, browser, live_server, plan):
    open_this_year()  # the nightly job of the year's first day opened it: staff land on this year's report
    report = AgencyReport.objects.get(cycle__plan=plan, cycle__year=timezone.localdate().year, agency__code="LDTBXH")
    report.difficulties = "Thiếu cán bộ theo dõi."
    report.save()  # one change in its history
    log_in(browser, live_server, "canbo.ldtbxh")  # lands on the report form
    browser.execute_script(CSP_VIOLATIONS)
    assert not browser.find_elements(By.ID, "lich-su")  # not read with the page
    summary = browser.find_element(By.CSS_SELECTOR, "#lich-su-thay-doi summary")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
    summary.click()
    table = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "lich-su"))
    assert "Thiếu cán bộ theo dõi." in table.text
    panel = browser.find_element(By.ID, "lich-su-thay-doi")
    assert panel.get_attribute("open") is not None and "Lịch sử thay đổi (" in panel.text
    assert browser.switch_to.active_element.tag_name == "summary"  # focus stays on the panel's heading
    assert browser.execute_script("return window.cspViolations") == []


def test_an_empty_required_field_is_named_in_vietnamese_whatever_the_browsers_language(
    transactional_db, browser, live_server, plan
):
    """Browser pass 29: the test's Chromium (English) said "Please fill out this field." on an empty send-back reason;
    the portal gives its own words, and forgets them once the field is filled."""
    browser.get(f"{live_server.url}/dang-nhap/")
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    username = browser.find_element(By.NAME, "username")
    assert "/dang-nhap/" in browser.current_url  # not sent
    assert username.get_attribute("validationMessage") == "Xin điền vào ô này."
    username.send_keys("vanphong")
    assert username.get_attribute("validationMessage") == ""
    password = browser.find_element(By.NAME, "password")
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    assert password.get_attribute("validationMessage") == "Xin điền vào ô này."
