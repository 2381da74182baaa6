"""With the three demo plans loaded and seeded, the pages that list a staff member's reports across plans and a
reviewer's cycles fit a 390 px phone: no sideways scroll of the page (stacked cards, as the review queue)."""

import io
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from agencies.models import Membership
from reports.models import AgencyReport, ReportState
from reports.review import workflow
from tests.browser import PHONE, log_in, screenshot, width_problem

PLANS = Path(__file__).resolve().parents[1] / "binhson_plan" / "plans"
SLUG, TRA_BONG = "binh-son-ctdt-2021-2030", "minh-hoa-tra-bong-ctdt-2021-2030"
User = get_user_model()
SCROLLING_BOXES = """
return Array.from(document.querySelectorAll("main .table-responsive"))
  .filter(box => box.scrollWidth > box.clientWidth + 1)
  .map(box => (box.querySelector("table").id || "table") + ": " + box.scrollWidth + " px in " + box.clientWidth);
"""


def load_three_plans():
    for path in sorted(PLANS.glob("minh_hoa_*.yaml")):
        call_command("load_plan", str(path), stdout=io.StringIO())
    call_command("seed_demo", "--reports", force=True, stdout=io.StringIO())


def test_the_staff_list_and_the_cycles_fit_a_phone(transactional_db, browser, live_server, plan):
    load_three_plans()
    # one of Bình Khương's reports in Trà Bồng's plan sent back: its notice, naming the plan, heads the list
    returned = AgencyReport.objects.filter(agency__code="UBND-BK", cycle__plan__slug=TRA_BONG).latest("cycle__year")
    AgencyReport.objects.filter(pk=returned.pk).update(state=ReportState.SENT_BACK)
    # a report sent again after a send-back: the reviewer reads its table of changes on the phone (browser pass 36:
    # its "Lần gửi này" column began off screen, read only by scrolling sideways)
    again = AgencyReport.objects.filter(cycle__plan__slug=SLUG, state=ReportState.SUBMITTED).latest("cycle__year")
    workflow.send_back(again, by=User.objects.get(username="vanphong"), reason="Bổ sung khó khăn.", notify=False)
    AgencyReport.objects.filter(pk=again.pk).update(
        difficulties="Thiếu cán bộ chuyên trách công tác dân tộc ở các xã vùng đồng bào dân tộc thiểu số và miền núi."
    )
    again.refresh_from_db()
    workflow.submit(again, by=Membership.objects.filter(agency=again.agency).first().user)
    pages = {
        "canbo.binhkhuong": ["/bao-cao/"],
        "canbo.bdt-tinh": ["/bao-cao/"],
        "vanphong": [f"/ke-hoach/{SLUG}/ky-bao-cao/", f"/ke-hoach/{SLUG}/bao-cao/{again.pk}/"],
        "sodantoc": ["/ky-bao-cao/", f"/ke-hoach/{SLUG}/ky-bao-cao/", f"/ke-hoach/{TRA_BONG}/ky-bao-cao/"],
    }
    problems = []
    for username, urls in pages.items():
        browser.delete_all_cookies()
        browser.set_window_size(1280, 900)
        log_in(browser, live_server, username)
        for url in urls:
            browser.set_window_size(PHONE, 900)
            browser.get(live_server.url + url)
            assert "/dang-nhap/" not in browser.current_url
            if username == "canbo.binhkhuong":
                notice = browser.find_element(By.ID, f"tra-lai-{returned.pk}").text
                # approved, then back with the agency without a corrections date: reopened
                assert "Báo cáo năm 2026 theo kế hoạch huyện Trà Bồng (minh họa) được mở lại để sửa" in notice
            if url.endswith(f"/bao-cao/{again.pk}/"):
                assert "Thiếu cán bộ chuyên trách" in browser.find_element(By.ID, "thay-doi").text
                # its history opened too (browser pass 37: "Trước" and "Sau" off screen, a 429 px table in 351 px)
                browser.execute_script("document.querySelectorAll('details').forEach(d => { d.open = true; })")
                WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.ID, "lich-su"))
                labels = browser.execute_script(
                    "return Array.from(document.querySelectorAll('#lich-su tbody tr:first-child td'))"
                    ".map(td => td.getAttribute('data-label'))"
                )
                assert labels == ["Lúc", "Người sửa", "Nội dung", "Trường", "Trước", "Sau"], labels  # each value named
            if url == "/ky-bao-cao/":  # the chooser marks an illustrative plan as such
                assert "huyện Trà Bồng (minh họa)" in browser.page_source
            scroll, inner = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
            if scroll > inner or width_problem(browser):
                problems.append(f"{username} {url}: {scroll} > {inner} {width_problem(browser)}")
            # nor does a table scroll sideways inside its own box: every column is read without scrolling
            boxes = browser.execute_script(SCROLLING_BOXES)
            problems += [f"{username} {url}: {box}" for box in boxes]
            screenshot(browser, f"phone/{username}{url}".rstrip("/").replace("/", "_"), full_page=True)
    assert not problems, "\n".join(problems)
