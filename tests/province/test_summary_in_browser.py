"""The Sở watches the province's summary finish without reloading the page (S3 browser pass: it kept saying
"Đang chờ dựng" until reloaded, while the plan's own page follows its builds)."""

import datetime

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from province import jobs, queries
from province.models import ProvinceSummary
from tests.browser import log_in, screenshot


def test_the_summaries_page_follows_a_build_and_keeps_what_is_typed(
    transactional_db, browser, live_server, plan, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    summary = ProvinceSummary.request(2026, datetime.date(2026, 12, 10), queries.plans_of_province())  # queued
    log_in(browser, live_server, "sodantoc")
    browser.get(f"{live_server.url}/tinh/tong-hop/")
    row = browser.find_element(By.ID, f"ban-{summary.pk}")
    assert "Đang chờ dựng" in row.text and "PDF" not in row.text
    typed = browser.find_element(By.NAME, "report_date")
    typed.clear()
    typed.send_keys("11/12/2026")
    browser.execute_script("window.notReloaded = true")
    for part_plan in queries.plans_of_province():  # the workers do their parts, then the assembly
        jobs.build_plan_part(summary.pk, part_plan.pk)
    jobs.assemble_summary(summary.pk)
    WebDriverWait(browser, 20).until(lambda d: "Đã xong" in d.find_element(By.ID, f"ban-{summary.pk}").text)
    assert browser.execute_script("return window.notReloaded") is True
    row = browser.find_element(By.ID, f"ban-{summary.pk}")
    assert [a.text for a in row.find_elements(By.TAG_NAME, "a")] == ["PDF", "Word", "Excel"]
    assert browser.find_element(By.NAME, "report_date").get_attribute("value") == "11/12/2026"
    screenshot(browser, "province-summary-live")
