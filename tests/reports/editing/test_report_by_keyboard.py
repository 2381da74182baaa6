"""The report with the keyboard alone, errors that take you to the field, questions before acting, and a build
that says it is under way (issue 11, items 2, 3 and 6), in headless Chromium; axe-core checks each state."""

import re

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from reports.cycles.opening import open_this_year
from reports.models import AgencyReport
from tests.browser import axe_violations, clean_slate, confirm, log_in, screenshot, start_chromium
from tests.reports.editing.test_evidence import PDF
from tests.reports.helpers import ReportPage, current_report

FILLER = "Đã triển khai theo kế hoạch, có số liệu kèm theo."


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module's tests (it takes seconds to start), wiped clean before each."""
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture(autouse=True)
def fresh_browser(transactional_db, browser, live_server):
    clean_slate(browser, live_server)


def press(browser, *keys):
    ActionChains(browser).send_keys(*keys).perform()


def focused(browser):
    return browser.switch_to.active_element


def previous_value(browser, field) -> str:
    """The number the page shows for the year before, next to the field ("5" when it shows none)."""
    card = browser.execute_script("return arguments[0].closest('section').innerText", field)
    found = re.search(r"Năm \d{4}: ([\d.,]+)", card)
    return found.group(1) if found else "5"


UNDER_THE_SAVE_BAR = """
    const field = document.activeElement, bar = document.querySelector('.sticky-bottom');
    if (!bar || bar.contains(field)) return null;
    const at = field.getBoundingClientRect(), edge = bar.getBoundingClientRect().top;
    return at.top + Math.min(at.height, 20) > edge ? (field.name || field.id || field.textContent.trim()) : null;
"""


def fill_by_keyboard(browser, hidden=None) -> int:
    """Tab through the page, filling what is empty, until the send button has focus; returns the tabs taken.
    `hidden` gathers what took focus out of sight under the page's sticky save bar."""
    for tabs in range(1, 600):
        press(browser, Keys.TAB)
        field = focused(browser)
        if hidden is not None and (covered := browser.execute_script(UNDER_THE_SAVE_BAR)):
            hidden.append(covered)
        name, tag = field.get_attribute("name") or "", field.tag_name
        if name == "action" and field.get_attribute("value") == "submit":
            return tabs
        if name.startswith("proposal-") or not field.is_enabled() or field.get_attribute("value"):
            continue
        if tag == "select":
            press(browser, Keys.ARROW_DOWN, Keys.ARROW_DOWN)  # past "— Chọn —"
        elif tag == "textarea":
            press(browser, FILLER)
        elif tag == "input" and name.endswith("-value"):
            press(browser, previous_value(browser, field))
    raise AssertionError("the send button was never reached with Tab")


def test_the_report_is_filled_and_sent_with_the_keyboard_alone(transactional_db, browser, live_server, plan):
    open_this_year()  # the nightly job of the year's first day opened it: staff land on this year's report
    browser.get(f"{live_server.url}/dang-nhap/")
    press(browser, "canbo.nnptnt", Keys.TAB, "binhson-demo", Keys.ENTER)  # the name field has focus already
    WebDriverWait(browser, 15).until(lambda d: "/bao-cao/" in d.current_url)
    report = AgencyReport.objects.get(pk=re.search(r"/bao-cao/(\d+)/", browser.current_url).group(1))
    assert report.agency.code == "NNPTNT"
    press(browser, Keys.TAB)
    assert focused(browser).text == "Bỏ qua, đến nội dung chính"  # the first stop: past the menu in one key
    press(browser, Keys.ENTER)
    hidden = []
    tabs = fill_by_keyboard(browser, hidden)
    # browser pass 34: 8 of 60 stops took focus under the sticky "Lưu nháp / Lưu và gửi báo cáo" bar
    assert hidden == []
    button = focused(browser)
    assert button.text == "Lưu và gửi báo cáo"
    assert browser.execute_script(
        "const s = getComputedStyle(arguments[0]); return s.outlineStyle !== 'none' || s.boxShadow !== 'none'", button
    ), "the focused button shows no focus ring"
    press(browser, Keys.ENTER)
    dialog = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "dialog#xac-nhan[open]"))
    assert "Văn phòng huyện thẩm định" in dialog.text
    assert focused(browser).text == "Quay lại"  # the safe answer first
    assert axe_violations(browser) == []
    screenshot(browser, "keyboard-01-confirm")
    press(browser, Keys.TAB)
    assert focused(browser).text == "Gửi báo cáo"
    press(browser, Keys.ENTER)
    WebDriverWait(browser, 20).until(lambda d: "Đã gửi báo cáo đến Văn phòng huyện" in d.page_source)
    report.refresh_from_db()
    assert report.state == "submitted", browser.find_element(By.TAG_NAME, "main").text[:800]
    assert tabs < 600
    screenshot(browser, "keyboard-02-sent")


def test_a_failed_save_takes_focus_to_the_fields_in_error(transactional_db, browser, live_server, plan, tmp_path):
    report = current_report(plan, "LDTBXH")
    log_in(browser, live_server, "canbo.ldtbxh")
    page = ReportPage(report)
    budget = f"id_{page.field('lead', page.forms['leads'].forms[0].instance.section.code, 'budget_used')}"
    browser.find_element(By.ID, budget).send_keys("mười triệu")
    browser.execute_script("document.getElementById('id_difficulties').value = 'x'.repeat(20001)")
    evidence = browser.find_element(By.CSS_SELECTOR, "input[type=file][name$=new_evidence]")
    picker = evidence.find_element(By.XPATH, "following-sibling::label[1]")
    chosen = evidence.find_element(By.XPATH, "following-sibling::span[1]")
    assert (picker.text, chosen.text) == ("Chọn tệp…", "Chưa chọn tệp nào")  # not the browser's English
    (tmp_path / "bien-ban.pdf").write_bytes(PDF)
    evidence.send_keys(str(tmp_path / "bien-ban.pdf"))
    assert chosen.text == "Đã chọn: bien-ban.pdf"
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.ID, "loi-nhap"))
    assert focused(browser).get_attribute("id") == budget  # the first field in error
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "keyboard-03-error-list")
    links = browser.find_elements(By.CSS_SELECTOR, "#loi-nhap a[data-error-link]")
    assert [link.get_attribute("hash") for link in links] == [f"#{budget}", "#id_difficulties"]
    assert "Tệp minh chứng đã chọn cần chọn lại" in browser.find_element(By.ID, "loi-nhap").text
    assert not browser.find_elements(By.XPATH, "//*[contains(., 'Báo cáo đã đủ nội dung, có thể gửi.')]")
    links[1].click()
    assert focused(browser).get_attribute("id") == "id_difficulties"
    assert axe_violations(browser) == []
    screenshot(browser, "keyboard-04-error-field")


def test_the_reviewer_is_asked_before_approving_and_writes_a_reason_only_to_send_back(
    transactional_db, browser, live_server, plan, client, cast
):
    report = current_report(plan, "GDDT")
    client.force_login(cast["canbo.gddt"])
    client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    log_in(browser, live_server, "vanphong")
    browser.get(f"{live_server.url}/bao-cao/{report.pk}/")
    reason = browser.find_element(By.NAME, "reason")
    assert not reason.is_displayed()
    browser.find_element(By.XPATH, "//button[contains(., 'Duyệt báo cáo')]").click()
    dialog = browser.find_element(By.CSS_SELECTOR, "dialog#xac-nhan[open]")
    assert "Duyệt báo cáo của Phòng Giáo dục và Đào tạo?" in dialog.text
    press(browser, Keys.ESCAPE)  # changed one's mind: nothing happens
    assert not browser.find_elements(By.CSS_SELECTOR, "dialog#xac-nhan[open]")
    report.refresh_from_db()
    assert report.state == "submitted"
    browser.find_element(By.CSS_SELECTOR, "#tra-lai summary").click()
    assert reason.is_displayed()
    assert axe_violations(browser) == []
    browser.find_element(By.XPATH, "//button[contains(., 'Duyệt báo cáo')]").click()
    confirm(browser, "Số liệu chỉ tiêu trong báo cáo được ghi vào hệ thống")
    WebDriverWait(browser, 15).until(lambda d: "Đã duyệt báo cáo của Phòng Giáo dục và Đào tạo" in d.page_source)
    browser.get(f"{live_server.url}/bao-cao/{report.pk}/")
    assert "người duyệt: Nguyễn Thị Thẩm Định" in browser.find_element(By.ID, "da-duyet").text


@pytest.mark.usefixtures("eager_jobs")
def test_the_build_button_is_disabled_and_says_the_build_is_under_way(
    transactional_db, browser, live_server, plan, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    log_in(browser, live_server, "vanphong")
    browser.get(f"{live_server.url}/tong-hop/?nam=2026")
    # Held back once, to look at the page while an in-process build would be running.
    browser.execute_script(
        "document.getElementById('dung-ban-moi').addEventListener('submit', e => e.preventDefault(), {once: true})"
    )
    build = browser.find_element(By.CSS_SELECTOR, "button[data-build]")
    build.click()
    WebDriverWait(browser, 5).until(lambda d: not build.is_enabled())
    status = browser.find_element(By.CSS_SELECTOR, "#dung-ban-moi [data-busy-status]")
    WebDriverWait(browser, 5).until(lambda d: "giây" in status.text)
    assert status.is_displayed() and "Đang dựng báo cáo tổng hợp" in status.text
    assert axe_violations(browser) == []
    screenshot(browser, "keyboard-05-building")
    browser.execute_script("document.getElementById('dung-ban-moi').submit()")  # and now for real, in-process
    WebDriverWait(browser, 120).until(lambda d: "Đã dựng xong bản 1" in d.page_source)
    assert browser.find_element(By.CSS_SELECTOR, "button[data-build]").is_enabled()
