"""Every page, for every role, in headless Chromium at 1366 px and on a 390 px phone, with a real year of
demo data: no page is wider than the screen, and axe-core finds no serious or critical WCAG 2.1 AA
violation. Full-page screenshots of the phone width go to screenshots/pages/ for a person to look at."""

import io

from django.core.management import call_command
from django.db.models import Count

from reports.consolidated.models import BuildState, ConsolidatedReport
from reports.demo.seeding import demo_year
from reports.models import AgencyReport, ReportingCycle, ReportState
from targets.models import Target
from targets.templatetags.plan_format import target_value
from tests.browser import DESKTOP, PHONE, axe_violations, log_in, screenshot, width_problem

SLUG = "binh-son-ctdt-2021-2030"


def seed_the_year(plan) -> dict:
    """The demo year (reports in every state, values since 2020, proposals, evidence, history) and a built
    consolidated report; the pages each role reaches, by user name (None: not logged in)."""
    call_command("seed_demo", "--reports", force=True, stdout=io.StringIO())
    year = demo_year()  # this year; in January the year just ended
    cycle = ReportingCycle.objects.get(plan=plan, year=year)
    built = ConsolidatedReport.request(plan, year)
    ConsolidatedReport.objects.filter(pk=built.pk).update(state=BuildState.READY)  # its files are not opened here
    ConsolidatedReport.request(plan, year)  # and one still waiting for a worker

    def report(state):
        return cycle.reports.filter(state=state).select_related("agency").order_by("agency__code").first()

    draft, sent_back = report(ReportState.DRAFT), report(ReportState.SENT_BACK)
    submitted, approved = report(ReportState.SUBMITTED), report(ReportState.APPROVED)
    most_values = Target.objects.annotate(n=Count("values")).order_by("-n", "position").first()
    with_reference = Target.objects.exclude(reference="").order_by("position").first()
    # the agency whose targets have the longest goal ("> 45 triệu đồng/người/năm" was 437 px wide, browser pass 39)
    widest_goal = max(Target.objects.select_related("responsible_agency").order_by("position"),
                      key=lambda t: len(target_value(t)))  # fmt: skip
    reading = [
        f"/ke-hoach/{SLUG}/",
        f"/ke-hoach/{SLUG}/chi-tieu/{most_values.code}/",
        f"/ke-hoach/{SLUG}/chi-tieu/{with_reference.code}/",
        "/co-quan/",
        f"/co-quan/{sent_back.agency.code}/",
        f"/co-quan/{widest_goal.responsible_agency.code}/",
        "/ke-hoach/",
        "/doi-mat-khau/",
        "/bao-cao/999999/",  # the 404 page
    ]
    district = [
        f"/bang-dieu-khien/{SLUG}/{year}/",
        f"/bang-dieu-khien/{SLUG}/{year - 1}/",
        f"/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam={year}",
        *(r.get_absolute_url() for r in (submitted, approved, sent_back, draft)),
    ]
    staff = {r: _staff_name(r) for r in (draft, sent_back, submitted, approved)}
    return {
        None: ["/dang-nhap/", f"/cong-khai/{SLUG}/", f"/cong-khai/{SLUG}/?nam={year - 2}", "/cong-khai/khong-co/"],
        staff[sent_back]: [
            sent_back.get_absolute_url(),
            "/bao-cao/",
            "/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/",
            *reading,
        ],  # /tham-dinh/: 403
        staff[draft]: [draft.get_absolute_url()],
        staff[submitted]: [submitted.get_absolute_url()],
        staff[approved]: [approved.get_absolute_url(), f"/bao-cao/{approved.pk}/"],
        "vanphong": [
            "/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/",
            *district,
            "/ke-hoach/binh-son-ctdt-2021-2030/ky-bao-cao/",
            f"/ky-bao-cao/{cycle.pk}/",
            "/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/",
            f"/ke-hoach/{SLUG}/chi-tieu/{most_values.code}/dinh-chinh/",
            f"/ke-hoach/{SLUG}/chi-tieu/{most_values.code}/dieu-chinh-tinh-trang/",
            "/doi-mat-khau/xong/",
            *reading,
        ],
        "lanhdao": [*district, *reading],
        "sodantoc": ["/tham-dinh/", "/tong-hop/"],  # the Sở: every plan (here one, so straight to its pages)
        "quantri": [
            "/quan-tri/",
            "/quan-tri/agencies/agency/",
            "/quan-tri/reports/agencyreport/",
            "/quan-tri/reports/planrole/",
            *reading[:2],
        ],  # fmt: skip
    }


def _staff_name(report: AgencyReport) -> str:
    return report.agency.members.select_related("user").first().user.username


def test_every_page_fits_a_phone_and_passes_axe(transactional_db, browser, live_server, plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pages = seed_the_year(plan)
    problems, checked = [], 0
    for username, urls in pages.items():
        browser.delete_all_cookies()
        if username:
            log_in(browser, live_server, username)
        for url in urls:
            for width in (DESKTOP, PHONE):
                browser.set_window_size(width, 900)
                browser.get(live_server.url + url)
                where = f"{username or 'khách'} {url} @{width}"
                if username and "/dang-nhap/" in browser.current_url:
                    problems.append(f"{where}: sent to the login page")
                    continue
                if problem := width_problem(browser):
                    problems.append(f"{where}: {problem}")
                problems += [f"{where}: {v}" for v in axe_violations(browser)]
                name = f"{username or 'khach'}{url}".strip("/").replace("/", "_").replace("?", "_")
                screenshot(browser, f"pages/{name}-{width}", full_page=width == PHONE)
                checked += 1
    assert checked > 80
    assert not problems, "\n".join(problems)
