"""The yearly report as people do it, in headless Chromium: type, lose the page, find the text still
there, submit; the reviewer sends it back; the agency fixes and resubmits; the reviewer approves."""

import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from reports.cycles.opening import open_this_year
from reports.models import AgencyReport
from tests.browser import SCREENSHOTS, confirm, log_in, screenshot


def wait_for(browser, text):
    WebDriverWait(browser, 10).until(lambda driver: text in driver.page_source)


def log_out(browser):
    browser.find_element(By.CSS_SELECTOR, "nav form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda driver: "/dang-nhap/" in driver.current_url)


def fill_all(browser):
    """Fill every field the completeness check asks for that is still empty."""
    for select in browser.find_elements(
        By.CSS_SELECTOR, "select[name$='-status'], select[name$='-qualitative_status']"
    ):
        if not select.get_attribute("value"):
            Select(select).select_by_index(2)
    for area in browser.find_elements(By.CSS_SELECTOR, "textarea[name$='-results']"):
        if not area.get_attribute("value"):
            area.send_keys("Đã triển khai theo kế hoạch.")
    for field in browser.find_elements(By.CSS_SELECTOR, "input[name$='-value']"):
        if not field.get_attribute("value"):
            field.send_keys("95,5")
    for field in browser.find_elements(By.CSS_SELECTOR, "input[name$='-as_of']"):
        if not field.get_attribute("value"):
            # a day gone by in the value's own year, as the page says beside the field ("Ngày nhập được: từ
            # 01/01/2025 …" for a passed milestone's value): a later one is for estimates only
            said = field.find_element(By.XPATH, "following::div[contains(@class, 'form-text')][1]").text
            year = said.split("Ngày nhập được: từ ", 1)[1][6:10]
            field.send_keys(f"15/11/{year}")


def test_the_yearly_report_in_a_browser(transactional_db, browser, live_server, plan):
    open_this_year()  # the nightly job of the year's first day opened it: staff land on this year's report
    started = time.perf_counter()
    log_in(browser, live_server, "canbo.gddt")
    assert "/bao-cao/" in browser.current_url
    report = AgencyReport.objects.get(agency__code="GDDT")
    results = browser.find_element(By.CSS_SELECTOR, "textarea[name='lead-0-results']")
    results.send_keys("Đã kiên cố hóa 12 phòng học tại xã Bình An.")
    browser.find_element(By.CSS_SELECTOR, "input[name='target-0-value']").send_keys("98,5")
    time.sleep(0.6)  # the page keeps typing in the browser after a short pause

    browser.refresh()  # the tab is reloaded before anything was saved
    restored = browser.find_element(By.CSS_SELECTOR, "textarea[name='lead-0-results']")
    assert restored.get_attribute("value") == "Đã kiên cố hóa 12 phòng học tại xã Bình An."
    assert browser.find_element(By.CSS_SELECTOR, "input[name='target-0-value']").get_attribute("value") == "98,5"
    assert browser.find_element(By.ID, "khoi-phuc").is_displayed()
    screenshot(browser, "report-01-restored")

    fill_all(browser)
    browser.find_element(By.CSS_SELECTOR, "button[value=submit]").click()
    confirm(browser, "Văn phòng huyện thẩm định")  # says what happens next before it goes
    wait_for(browser, "Đã gửi báo cáo đến Văn phòng huyện")
    report.refresh_from_db()
    assert report.state == "submitted"
    screenshot(browser, "report-02-submitted", full_page=True)
    # the draft the sending carried is forgotten on the page shown after it: signing out asks nothing (CI of c5cea57)
    assert browser.execute_script("return Object.keys(localStorage).filter(k => k.startsWith('binhson:'))") == []
    browser.set_window_size(1280, 900)
    log_out(browser)

    log_in(browser, live_server, "vanphong")
    assert browser.current_url.endswith("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/")
    screenshot(browser, "report-03-queue")
    browser.find_element(By.LINK_TEXT, "Phòng Giáo dục và Đào tạo").click()
    assert not browser.find_element(By.NAME, "reason").is_displayed()  # the reason box only when sending back
    browser.find_element(By.CSS_SELECTOR, "#tra-lai summary").click()
    browser.find_element(By.NAME, "reason").send_keys("Chỉ tiêu 2025.05 cần số liệu chính thức.")
    browser.find_element(By.XPATH, "//button[contains(., 'Trả lại để bổ sung')]").click()
    wait_for(browser, "Đã trả lại báo cáo của Phòng Giáo dục và Đào tạo")
    report.refresh_from_db()
    assert report.state == "sent_back"
    log_out(browser)

    log_in(browser, live_server, "canbo.gddt")
    assert "Chỉ tiêu 2025.05 cần số liệu chính thức." in browser.find_element(By.ID, "ly-do-tra-lai").text
    screenshot(browser, "report-04-sent-back")
    value = browser.find_element(By.CSS_SELECTOR, "input[name='target-0-value']")
    value.clear()
    value.send_keys("99,1")
    browser.find_element(By.CSS_SELECTOR, "button[value=submit]").click()
    confirm(browser)
    wait_for(browser, "Đã gửi báo cáo đến Văn phòng huyện")
    report.refresh_from_db()
    assert report.state == "submitted"
    log_out(browser)

    log_in(browser, live_server, "vanphong")
    browser.find_element(By.LINK_TEXT, "Phòng Giáo dục và Đào tạo").click()
    changes = browser.find_element(By.ID, "thay-doi").text
    assert "Chỉ tiêu 2025.05 – giá trị" in changes and "98,5" in changes and "99,1" in changes
    screenshot(browser, "report-05-review", full_page=True)
    browser.set_window_size(1280, 900)
    browser.find_element(By.XPATH, "//button[contains(., 'Duyệt báo cáo')]").click()
    confirm(browser, "Số liệu chỉ tiêu trong báo cáo được ghi vào hệ thống")
    wait_for(browser, "Đã duyệt báo cáo của Phòng Giáo dục và Đào tạo")
    report.refresh_from_db()
    assert report.state == "approved"
    elapsed = time.perf_counter() - started
    (SCREENSHOTS / "report-journey-seconds.txt").write_text(f"{elapsed:.1f}\n")


def test_a_save_right_after_typing_leaves_no_draft_behind(transactional_db, browser, live_server, plan):
    open_this_year()  # the nightly job of the year's first day opened it: staff land on this year's report
    log_in(browser, live_server, "canbo.gddt")
    value = browser.find_element(By.CSS_SELECTOR, "input[name='target-0-value']")
    value.send_keys("4.5")
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").click()  # within the 400 ms typing pause
    wait_for(browser, "Đã lưu")
    time.sleep(0.6)  # let the typing timer of the page that was left fire, if it still can
    browser.refresh()
    assert not browser.find_element(By.ID, "khoi-phuc").is_displayed()  # no "restored" banner after a save
    assert browser.find_element(By.CSS_SELECTOR, "input[name='target-0-value']").get_attribute("value") == "4,5"
    assert browser.execute_script("return Object.keys(localStorage).filter(k => k.startsWith('binhson:')).length") == 0


def test_removing_evidence_asks_first(transactional_db, browser, live_server, plan, settings, tmp_path):
    """ "gỡ" beside an evidence file removed it at once, on one click (S3 browser pass): it asks first now."""
    from django.core.files.base import ContentFile

    from reports.models import Evidence

    settings.MEDIA_ROOT = tmp_path
    open_this_year()
    report = AgencyReport.objects.get(agency__code="LDTBXH", cycle__plan=plan, cycle__year=2026)
    entry = report.task_entries.filter(role="lead").first()
    evidence = Evidence.objects.create(
        entry=entry, file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="bien-ban.pdf"), original_name="bien-ban.pdf",
        content_type="application/pdf", size=15, uploaded_by=None,
    )  # fmt: skip
    log_in(browser, live_server, "canbo.ldtbxh")
    browser.get(f"{live_server.url}{report.get_absolute_url()}")
    remove = browser.find_element(By.CSS_SELECTOR, f"button[form='xoa-minh-chung-{evidence.pk}']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", remove)  # clear of the sticky bar
    remove.click()
    dialog = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "dialog#xac-nhan[open]"))
    assert "Gỡ tệp “bien-ban.pdf”?" in dialog.text and "lịch sử thay đổi" in dialog.text
    dialog.find_element(By.CSS_SELECTOR, "[data-confirm-cancel]").click()
    assert Evidence.objects.filter(pk=evidence.pk).exists()  # "Quay lại" keeps it
    remove.click()
    confirm(browser, "xóa khỏi máy chủ")
    WebDriverWait(browser, 10).until(lambda d: not Evidence.objects.filter(pk=evidence.pk).exists())
