"""A report's longest state label ("Gửi lại lúc 08:30 14/12/2026, muộn so với hạn bổ sung 10/12/2026") wraps on a
390 px phone instead of widening the page (browser pass 8), on the report's page and the dashboard."""

import pytest

from tests.browser import PHONE, log_in, screenshot, width_problem
from tests.reports.helpers import current_report, on
from tests.reports.review.test_corrections_due import sent_back_and_sent_again
from tests.reports.review.test_deadline import SLUG

pytestmark = pytest.mark.season


def test_a_long_state_label_wraps_on_a_phone(transactional_db, browser, live_server, plan, client, cast):
    report = current_report(plan, "NNPTNT")  # sent again after its corrections' date
    sent_back_and_sent_again(client, cast, report, "canbo.nnptnt", ("2026-11-16", ""), ("2026-12-06", "10/12/2026"),
                             ("2026-12-14", ""))  # fmt: skip
    with on("2026-12-14", "08:35"):
        browser.set_window_size(PHONE, 900)
        log_in(browser, live_server, "vanphong")
        for name, url in [("report", report.get_absolute_url()), ("dashboard", f"/bang-dieu-khien/{SLUG}/2026/")]:
            browser.get(f"{live_server.url}{url}")
            assert "muộn so với hạn bổ sung 10/12/2026" in browser.page_source
            screenshot(browser, f"long-label-{name}")
            assert width_problem(browser) == "", name
