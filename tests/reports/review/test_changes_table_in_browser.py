"""Browser pass 33: the reviewer's table of changes since the last submission sized its columns by their words, so
the old text ran a word a line in a column 70 px wide, and a long text pushed the approve and send-back buttons
36 900 px down. The two texts stand in equal columns; a long one scrolls inside its cell, by mouse or keyboard."""

import pytest
from selenium.webdriver.common.by import By

from tests.browser import clean_slate, log_in, screenshot
from tests.conftest import PortalClient
from tests.reports.helpers import ReportPage, current_report, on, post_seen

pytestmark = pytest.mark.season
LONG = "Hỗ trợ sinh kế cho đồng bào dân tộc thiểu số ở các thôn đặc biệt khó khăn. " * 250  # ≈ 19 000 characters


def test_a_long_change_scrolls_in_its_cell_and_the_buttons_stay_near(
    transactional_db, browser, live_server, plan, cast
):
    report = current_report(plan, "LDTBXH")
    staff, reviewer = PortalClient(), PortalClient()
    staff.force_login(cast["canbo.ldtbxh"])
    reviewer.force_login(cast["vanphong"])
    with on("2026-11-20"):
        staff.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
        assert post_seen(reviewer, f"/bao-cao/{report.pk}/tra-lai/", {"reason": "Bổ sung kết quả."}).status_code == 302
        code = report.task_entries.filter(role="lead").values_list("section__code", flat=True).first()
        page = ReportPage(report).lead(code, results=LONG.strip())
        assert staff.post(f"/bao-cao/{report.pk}/", page.data("submit")).status_code == 302
    with on("2026-11-20", "10:30"):  # the page the reviewer opens, on the same day
        clean_slate(browser, live_server)
        log_in(browser, live_server, "vanphong")
        browser.get(f"{live_server.url}/bao-cao/{report.pk}/")
        table = browser.find_element(By.ID, "thay-doi")
        before, after = (cell.rect["width"] for cell in table.find_elements(By.CSS_SELECTOR, "thead th")[1:])
        assert abs(before - after) < 2 and before > table.rect["width"] * 0.35  # equal halves of the texts' room
        long_cell = max(table.find_elements(By.CSS_SELECTOR, ".change-text"), key=lambda d: len(d.text))
        scrolls = browser.execute_script("return arguments[0].scrollHeight > arguments[0].clientHeight", long_cell)
        assert scrolls and long_cell.get_attribute("tabindex") == "0"
        approve = browser.find_element(By.XPATH, "//button[normalize-space()='Duyệt báo cáo']")
        assert approve.rect["y"] < 2000, approve.rect  # within a screen or two of the table's top
        screenshot(browser, "review-changes-long-text")
