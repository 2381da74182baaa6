"""Small things a person sees on every page and on the report form, in headless Chromium at 1366 px:
the menu bar on one line for every role, a character counter under long texts, and the time of a
restored draft written as the portal writes times."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from reports.cycles.opening import open_this_year
from reports.models import AgencyReport
from tests.browser import DESKTOP, PHONE, clean_slate, log_in, screenshot


@pytest.fixture
def chromium(browser, live_server):
    clean_slate(browser, live_server)
    return browser


@pytest.mark.parametrize("width", [DESKTOP, 1280])  # browser pass 33: at 1 280 px "Đăng xuất" stuck out
@pytest.mark.parametrize("who", ["vanphong", "lanhdao", "quantri", "canbo.gddt"])
def test_the_menu_bar_is_one_line_at_1366_and_1280_px(transactional_db, chromium, live_server, plan, who, width):
    log_in(chromium, live_server, who)
    chromium.set_window_size(width, 900)
    chromium.get(f"{live_server.url}/ke-hoach/")
    brand, items, logout = (
        chromium.find_element(By.CSS_SELECTOR, selector).rect
        for selector in (".navbar-brand", ".navbar-nav .nav-item:last-child", "nav form[data-logout] button")
    )
    screenshot(chromium, f"navbar-{who}-{width}")
    middle = lambda rect: rect["y"] + rect["height"] / 2  # noqa: E731
    assert abs(middle(brand) - middle(items)) < 8 and abs(middle(brand) - middle(logout)) < 8, (brand, items, logout)
    assert logout["height"] < 40  # "Đăng xuất" on one line
    container = chromium.find_element(By.CSS_SELECTOR, "nav.navbar .container")
    padding = float(chromium.execute_script("return getComputedStyle(arguments[0]).paddingRight", container)[:-2])
    edge = container.rect["x"] + container.rect["width"] - padding  # where the page's content ends below
    assert logout["x"] + logout["width"] <= edge + 1, (logout, edge)
    assert chromium.find_element(By.CSS_SELECTOR, "nav.navbar").rect["height"] < 60  # one line: 56 px


def open_report(chromium, live_server, who="canbo.gddt"):
    open_this_year()  # the nightly job of the year's first day opened it: staff land on this year's report
    log_in(chromium, live_server, who)
    assert "/bao-cao/" in chromium.current_url  # staff land on this year's report
    return AgencyReport.objects.get(pk=chromium.current_url.rstrip("/").rsplit("/", 1)[1])


def test_long_texts_count_their_characters_while_typing(transactional_db, chromium, live_server, plan):
    open_report(chromium, live_server)
    area = chromium.find_element(By.CSS_SELECTOR, "textarea[name='lead-0-results']")
    counter = chromium.find_element(By.ID, area.get_attribute("id") + "-dem-ky-tu")
    assert area.get_attribute("data-maxlength") == "20000" and area.get_attribute("maxlength") is None
    assert counter.get_attribute("id") in area.get_attribute("aria-describedby")
    assert counter.text == "0/20.000 ký tự"
    area.send_keys("Đã kiên cố hóa 12 phòng học.")
    assert counter.text == "28/20.000 ký tự"
    # Pasting a long text: the counter says how much room is left, and after a pause screen readers hear it.
    chromium.execute_script(
        "arguments[0].value = 'a'.repeat(19990); arguments[0].dispatchEvent(new Event('input', {bubbles: true}))",
        area,
    )
    assert counter.text == "Còn 10 ký tự (tối đa 20.000)"
    chromium.execute_script(  # a line break or spaces at the end are not saved, so not counted
        "arguments[0].value = 'a'.repeat(19990) + '  \\n'; "
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}))",
        area,
    )
    assert counter.text == "Còn 10 ký tự (tối đa 20.000)"
    said = counter.find_element(By.CSS_SELECTOR, "[aria-live=polite]")
    WebDriverWait(chromium, 5).until(lambda d: said.get_attribute("textContent") == "Còn 10 ký tự")
    screenshot(chromium, "report-char-counter")
    # A proposal row added with its button counts too.
    add = chromium.find_element(By.ID, "them-kien-nghi")
    chromium.execute_script("arguments[0].scrollIntoView({block: 'center'})", add)
    add.click()
    added = chromium.find_elements(By.CSS_SELECTOR, "#kien-nghi textarea")[-1]
    added.send_keys("Kiến nghị")
    assert chromium.find_element(By.ID, added.get_attribute("id") + "-dem-ky-tu").text == "9/20.000 ký tự"
    # From the keyboard: Enter on the button, then typing, goes into the new box (browser pass 36: focus stayed on
    # the button, each space added another empty box and the letters went nowhere).
    boxes = len(chromium.find_elements(By.CSS_SELECTOR, "#kien-nghi textarea"))
    chromium.execute_script("arguments[0].focus()", add)
    chromium.switch_to.active_element.send_keys(Keys.ENTER)
    chromium.switch_to.active_element.send_keys("Hỗ trợ thêm kinh phí")
    typed = chromium.find_elements(By.CSS_SELECTOR, "#kien-nghi textarea")
    assert len(typed) == boxes + 1 and typed[-1].get_attribute("value") == "Hỗ trợ thêm kinh phí"


def test_a_paste_past_the_limit_is_kept_whole_and_said_too_long(transactional_db, chromium, live_server, plan):
    """Browser pass 33: 28 800 characters pasted into a text of at most 20 000 were cut by the browser (maxlength)
    without a word, the counter saying "còn 1 ký tự". Every character stays; the counter, then the save, say how
    many are too many."""
    open_report(chromium, live_server)
    area = chromium.find_element(By.CSS_SELECTOR, "textarea[name='lead-0-results']")
    counter = chromium.find_element(By.ID, area.get_attribute("id") + "-dem-ky-tu")
    chromium.execute_script("arguments[0].focus(); document.execCommand('insertText', false, 'b'.repeat(20010))", area)
    assert len(area.get_attribute("value")) == 20_010
    assert counter.text == "Thừa 10 ký tự (tối đa 20.000)"
    save = chromium.find_element(By.CSS_SELECTOR, "button[name=action][value=save]")
    chromium.execute_script("arguments[0].click()", save)
    WebDriverWait(chromium, 10).until(lambda d: "Chưa lưu" in d.page_source)
    area = chromium.find_element(By.CSS_SELECTOR, "textarea[name='lead-0-results']")
    assert len(area.get_attribute("value")) == 20_010  # kept whole
    error = chromium.find_element(By.ID, area.get_attribute("id").replace("id_", "error_1_id_"))
    assert error.text == "Tối đa 20.000 ký tự (đã nhập 20.010 ký tự, thừa 10)."
    screenshot(chromium, "report-paste-too-long")


def test_the_restored_draft_says_its_time_as_the_portal_does(transactional_db, chromium, live_server, plan):
    report = open_report(chromium, live_server)
    user = report.agency.members.get(user__username="canbo.gddt").user
    draft = {"version": report.version, "at": "2026-12-06T00:10:00.000Z", "pending": False,
             "values": {"lead-0-results": "Nội dung chưa lưu"}}  # fmt: skip
    chromium.execute_script(
        "localStorage.setItem(arguments[0], JSON.stringify(arguments[1]))",
        f"binhson:{user.pk}:bao-cao-{report.pk}",
        draft,
    )
    chromium.refresh()
    banner = chromium.find_element(By.ID, "khoi-phuc")
    assert banner.is_displayed()
    assert banner.find_element(By.CSS_SELECTOR, "[data-restored-at]").text == "07:10 06/12/2026"  # Bình Sơn time
    chromium.find_element(By.CSS_SELECTOR, "textarea[name='lead-0-results']").send_keys(".")
    status = chromium.find_element(By.CSS_SELECTOR, "[data-autosave-status]")
    WebDriverWait(chromium, 5).until(lambda d: "Trình duyệt đã giữ nội dung lúc" in status.text)
    assert status.text.rsplit(" ", 1)[1].count(":") == 1  # HH:MM, as the portal writes times


def test_the_save_bar_is_one_short_line_on_a_phone(transactional_db, chromium, live_server, plan):
    """Browser pass 27: at 390 px the sticky bar's note ("Trình duyệt tự giữ…") wrapped under the buttons, the bar
    took ~90 px and covered the field under it. On a phone the bar holds its two buttons only; wider, the note."""
    open_report(chromium, live_server)
    chromium.set_window_size(PHONE, 800)
    chromium.refresh()
    bar = chromium.find_element(By.CSS_SELECTOR, "form .sticky-bottom")
    note = bar.find_element(By.CSS_SELECTOR, "[data-autosave-status]")
    save, send = bar.find_elements(By.CSS_SELECTOR, "button[type=submit]")
    chromium.execute_script("window.scrollTo(0, document.body.scrollHeight / 3)")
    screenshot(chromium, "report-save-bar-phone")
    assert not note.is_displayed()
    assert save.rect["y"] == send.rect["y"] and bar.rect["height"] <= 60, bar.rect
    chromium.set_window_size(DESKTOP, 900)
    assert note.is_displayed() and bar.rect["height"] <= 60
