"""A file over its field's limit is refused in the browser when chosen, before anything is sent: nginx refuses a
request over its own limit with a page of its own and the text typed on the report is lost with it. The limits the
pages give the browser are the server's own (EVIDENCE_MAX_BYTES, the workbook's and the values import's)."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from binhson_plan.number_format import too_large
from reports.models import AgencyReport
from reports.offline import reader
from targets import imports
from tests.browser import log_in
from tests.reports.helpers import current_report


def refusal(browser, field) -> str:
    """The message next to `field` once it shows, "" if none."""
    box = browser.find_elements(By.ID, f"{field.get_attribute('id')}-qua-lon")
    return box[0].text if box else ""


def a_file(tmp_path, name, size):
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n" + b"0" * (size - 9))
    return path


def check_field(browser, field, limit, tmp_path, name):
    assert field.get_attribute("data-max-bytes") == str(limit)
    field.send_keys(str(a_file(tmp_path, name, limit + 1)))
    WebDriverWait(browser, 5).until(lambda driver: refusal(driver, field))
    expected = f"Tệp “{name}” {too_large(limit + 1, limit)}: chưa gửi lên. Hãy chọn tệp nhỏ hơn."
    assert refusal(browser, field) == expected  # worded as the server words it
    assert field.get_attribute("value") == "" and field.get_attribute("aria-invalid") == "true"
    assert "Chưa chọn tệp nào" in browser.find_element(By.ID, f"{field.get_attribute('id')}-ten-tep").text
    field.send_keys(str(a_file(tmp_path, f"vua-{name}", limit)))  # exactly the limit is taken
    WebDriverWait(browser, 5).until(lambda driver: not refusal(driver, field))
    assert field.get_attribute("value").endswith(f"vua-{name}") and field.get_attribute("aria-invalid") is None


def test_evidence_and_workbook_over_their_limits_are_refused_when_chosen(
    transactional_db, browser, live_server, plan, settings, tmp_path
):
    settings.EVIDENCE_MAX_BYTES = 2048  # the template reads the setting: a small file is enough
    current_report(plan, "GDDT")
    log_in(browser, live_server, "canbo.gddt")
    report = AgencyReport.objects.get(agency__code="GDDT", cycle__year=2026)
    browser.get(f"{live_server.url}/bao-cao/{report.pk}/")
    evidence = browser.find_element(By.CSS_SELECTOR, "input[name='lead-0-new_evidence']")
    check_field(browser, evidence, 2048, tmp_path, "bien-ban.pdf")
    workbook = browser.find_element(By.CSS_SELECTOR, "input[name='workbook']")
    assert workbook.get_attribute("data-max-bytes") == str(reader.MAX_BYTES)


def test_a_values_file_over_the_limit_is_refused_when_chosen(
    transactional_db, browser, live_server, plan, monkeypatch, tmp_path
):
    monkeypatch.setattr(imports, "MAX_BYTES", 1024)
    log_in(browser, live_server, "vanphong")
    browser.get(f"{live_server.url}/nhap-so-lieu/")
    check_field(browser, browser.find_element(By.CSS_SELECTOR, "input[name='file']"), 1024, tmp_path, "so-lieu.csv")
