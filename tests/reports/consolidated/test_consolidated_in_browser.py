"""A reviewer watches a build finish without reloading the page."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from reports.consolidated.build import build_consolidated_report
from reports.consolidated.models import ConsolidatedReport
from tests.browser import confirm, log_in, screenshot


def test_the_page_follows_a_build_without_reloading(transactional_db, browser, live_server, plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = ConsolidatedReport.request(plan, 2026)  # queued, as if a worker had not picked it up yet
    log_in(browser, live_server, "vanphong")
    browser.get(f"{live_server.url}/tong-hop/?nam=2026")
    row = browser.find_element(By.CSS_SELECTOR, "tr[data-state]")
    assert "Đang chờ dựng" in row.text and "PDF" not in row.text
    browser.execute_script("window.notReloaded = true")
    build_consolidated_report(report.pk)  # the worker finishes
    WebDriverWait(browser, 15).until(lambda d: "Đã xong" in d.find_element(By.CSS_SELECTOR, "tr[data-state]").text)
    assert browser.execute_script("return window.notReloaded") is True
    links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "tr[data-state] [data-files] a")]
    assert links == ["PDF", "Excel", "Word"]
    screenshot(browser, "consolidated-live")
    browser.find_element(By.XPATH, "//button[contains(., 'Đánh dấu chính thức')]").click()  # added without a reload
    said = confirm(browser, "trở thành báo cáo chính thức năm 2026")
    assert "Bản 1 không tổng hợp báo cáo nào của đơn vị" in said  # what it holds, as a button drawn by the page says
    # the message after the POST (the dialog's own text already says "… là bản chính thức" before it is sent)
    WebDriverWait(browser, 10).until(lambda d: "Bản 1 là bản chính thức." in d.page_source)
    report.refresh_from_db()
    assert report.is_final
