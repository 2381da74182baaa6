"""Pages of the consolidated report: who may build, watch, download and mark final."""

import datetime
import threading
import time
from unittest import mock

import pytest
from django.db import connection, connections
from django.utils import timezone

from reports.consolidated.build import build_consolidated_report
from reports.consolidated.jobs import requeue_stalled
from reports.consolidated.models import ConsolidatedReport
from tests.conftest import SLUG, PortalClient
from tests.reports.helpers import on

COVER = {"number": "45/BC-UBND", "report_date": "04/12/2026", "addressee": "Ủy ban nhân dân tỉnh Quảng Ngãi",
         "recipients": "Văn phòng UBND tỉnh\nLưu: VT", "signer_authority": "KT. CHỦ TỊCH",
         "signer_position": "PHÓ CHỦ TỊCH", "signer_name": "Phạm Quang Sự"}  # fmt: skip


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ready(plan):
    return build_consolidated_report(ConsolidatedReport.request(plan, 2026).pk)


@pytest.mark.parametrize(
    ("user", "read", "build"),
    [("vanphong", 200, True), ("lanhdao", 200, False), ("quantri", 200, False), ("canbo.ldtbxh", 403, False)],
)
def test_who_may_do_what(client, cast, ready, user, read, build):
    client.force_login(cast[user])
    assert client.get("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/").status_code == read
    assert client.get(f"/tong-hop/{ready.pk}/trang-thai/").status_code == read
    for kind in ("pdf", "xlsx", "docx"):
        assert client.get(f"/tong-hop/{ready.pk}/tep/{kind}/").status_code == read
    assert ('name="signer_name"' in client.get("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/").content.decode()) == build
    assert client.post(f"/tong-hop/{ready.pk}/chinh-thuc/").status_code == (302 if build else 403)
    assert client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/", COVER).status_code == (302 if build else 403)


def test_anonymous_visitors_go_to_login(client, ready):
    for url in [
        "/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/",
        f"/tong-hop/{ready.pk}/trang-thai/",
        f"/tong-hop/{ready.pk}/tep/pdf/",
    ]:
        assert client.get(url)["Location"].startswith("/dang-nhap/")


def test_a_reviewer_fills_the_cover_and_builds(client, cast, plan, eager_jobs, django_capture_on_commit_callbacks):
    client.force_login(cast["vanphong"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/", COVER, follow=True)
    assert "Đã ghi yêu cầu dựng bản 1" in response.content.decode()  # handed over when the test's transaction ends
    report = ConsolidatedReport.objects.get()
    assert (report.state, report.number, str(report.report_date)) == ("ready", "45/BC-UBND", "2026-12-04")
    assert report.recipient_list() == ["Văn phòng UBND tỉnh", "Lưu: VT"] and report.requested_by == cast["vanphong"]
    status = client.get(f"/tong-hop/{report.pk}/trang-thai/").json()
    assert status == {"state": "ready", "label": "Đã xong", "error": "", "is_final": False,
                      "files": {k: f"/ke-hoach/{SLUG}/tong-hop/{report.pk}/tep/{k}/" for k in ("pdf", "xlsx", "docx")},
                      "final_url": f"/ke-hoach/{SLUG}/tong-hop/{report.pk}/chinh-thuc/",
                      "coverage": "Bản 1 không tổng hợp báo cáo nào của đơn vị, "
                                  "chỉ số liệu các chỉ tiêu đã có."}  # fmt: skip


def test_the_next_version_starts_from_the_signer_the_reviewer_wrote(
    client, cast, plan, eager_jobs, django_capture_on_commit_callbacks
):
    """A browser pass: after a build with another signer the form went back to the issuer's, which the next version
    would print unless someone noticed."""
    client.force_login(cast["vanphong"])
    signer = {"signer_authority": "TL. CHỦ TỊCH", "signer_position": "CHÁNH VĂN PHÒNG", "signer_name": "Đinh Văn Thử"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/", COVER | signer)
    html = client.get("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/").content.decode()
    for value in signer.values():
        assert f'value="{value}"' in html
    assert 'value="45/BC-UBND"' in html


def test_a_bad_cover_is_refused_next_to_the_field(client, cast, plan):
    client.force_login(cast["vanphong"])
    response = client.post(
        "/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/", COVER | {"report_date": "31/02/2026", "signer_name": ""}
    )
    html = response.content.decode()
    assert response.status_code == 422 and "Ngày không hợp lệ" in html and "Mục này không được để trống." in html
    assert 'value="45/BC-UBND"' in html  # what was typed stays
    assert not ConsolidatedReport.objects.exists()


def test_older_versions_stay_and_one_is_final(client, cast, ready, plan):
    second = build_consolidated_report(ConsolidatedReport.request(plan, 2026).pk)
    client.force_login(cast["vanphong"])
    client.post(f"/tong-hop/{ready.pk}/chinh-thuc/")
    client.post(f"/tong-hop/{second.pk}/chinh-thuc/")
    assert list(ConsolidatedReport.objects.filter(is_final=True).values_list("pk", flat=True)) == [second.pk]
    assert client.get(f"/tong-hop/{ready.pk}/tep/pdf/").status_code == 200
    html = client.get("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026").content.decode()
    assert "Chính thức" in html and html.count("/tep/pdf/") == 2


def test_an_unfinished_version_cannot_be_final_or_downloaded(client, cast, plan):
    queued = ConsolidatedReport.request(plan, 2026)
    client.force_login(cast["vanphong"])
    response = client.post(f"/tong-hop/{queued.pk}/chinh-thuc/", follow=True)
    assert "Chỉ đánh dấu chính thức được bản đã dựng xong." in response.content.decode()
    assert client.get(f"/tong-hop/{queued.pk}/tep/pdf/").status_code == 404
    assert client.get(f"/tong-hop/{queued.pk}/tep/exe/").status_code == 404


def test_without_a_broker_the_build_is_done_when_the_page_returns(transactional_db, client, cast, plan, eager_jobs):
    client.force_login(cast["vanphong"])
    response = client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/", COVER, follow=True)
    assert "Đã dựng xong bản 1." in response.content.decode()
    assert ConsolidatedReport.objects.get().state == "ready"


def test_a_second_build_while_one_is_on_its_way_is_refused(client, cast, plan):
    """A double click on "Dựng" queued two versions: the second click is refused, naming the version being built,
    and what was typed stays on the page."""
    client.force_login(cast["vanphong"])
    assert client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/", COVER).status_code == 302
    response = client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/", COVER | {"plan_number": "99/KH-UBND"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Bản 1 đang được dựng, xin chờ xong rồi dựng lại nếu cần." in html and 'value="45/BC-UBND"' in html
    plan.refresh_from_db()
    assert ConsolidatedReport.objects.count() == 1 and plan.number != "99/KH-UBND"  # nothing saved


@pytest.mark.parametrize(
    ("state", "silent_minutes"), [("queued", 6), ("building", 6), ("building", 60)]
)  # queued: the sweep's 5 minutes; building: REPORT_BUILD_STALE_MINUTES (5)
def test_a_stalled_build_holds_a_new_one_back_no_longer_than_the_sweep_waits(
    client, cast, plan, settings, state, silent_minutes
):
    settings.REPORT_BUILD_STALE_MINUTES = 5
    client.force_login(cast["vanphong"])
    assert client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/", COVER).status_code == 302
    first = ConsolidatedReport.objects.get()
    almost = timezone.now() - datetime.timedelta(minutes=4)
    ConsolidatedReport.objects.update(
        state=state, requested_at=almost, heartbeat_at=almost if state == "building" else None
    )
    assert (
        requeue_stalled() == [] and client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/", COVER).status_code == 409
    )  # still on its way
    silent = timezone.now() - datetime.timedelta(minutes=silent_minutes)
    ConsolidatedReport.objects.update(requested_at=silent, heartbeat_at=silent if state == "building" else None)
    assert requeue_stalled() == [first.pk]  # the sweep takes it for stalled: so does the page
    assert client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/", COVER).status_code == 302
    assert list(ConsolidatedReport.objects.values_list("version", flat=True)) == [2, 1]


@pytest.mark.django_db(transaction=True)
def test_two_build_requests_at_once_queue_one_version_on_postgresql(cast, plan):
    """Real concurrency, autocommit as in production: A is inside its request (past the check, before its version
    is written) when B arrives; B waits for A's lock on the plan and is refused, not queued beside it."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are checked on PostgreSQL, the production database (.ci/run)")
    real_request = ConsolidatedReport.request
    a_is_inside, result = threading.Event(), {}

    def slow_request(*args, **kwargs):
        if threading.current_thread().name == "A":
            a_is_inside.set()
            time.sleep(1)  # B's request starts meanwhile
        return real_request(*args, **kwargs)

    def post(name):
        browser = PortalClient()
        browser.force_login(cast["vanphong"])
        try:
            result[name] = browser.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/", COVER).status_code
        finally:
            connections.close_all()

    with mock.patch.object(ConsolidatedReport, "request", staticmethod(slow_request)):
        a = threading.Thread(target=post, args=["A"], name="A")
        a.start()
        assert a_is_inside.wait(30)
        b = threading.Thread(target=post, args=["B"], name="B")
        b.start()
        a.join(60)
        b.join(60)
    assert result == {"A": 302, "B": 409}
    assert ConsolidatedReport.objects.count() == 1


def test_the_list_of_recipients_has_a_limit_said_next_to_it(client, cast, plan):
    """The twelfth probe: 100 000 characters of "Nơi nhận" went into the PDF and the Word file."""
    client.force_login(cast["vanphong"])
    cover = {
        "number": "45/BC-UBND",
        "report_date": "20/11/2026",
        "addressee": "Ủy ban nhân dân tỉnh Quảng Ngãi",
        "recipients": "x" * 100_000,
        "signer_position": "PHÓ CHỦ TỊCH",
        "signer_name": "Phạm Quang Sự",
    }
    response = client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/", cover)
    assert response.status_code == 422
    assert "Nơi nhận tối đa 2.000 ký tự: rút gọn danh sách nơi nhận." in response.content.decode()
    assert not ConsolidatedReport.objects.exists()


BUILD = "/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/"


@pytest.mark.season
def test_an_account_has_one_build_on_its_way_whatever_the_plan_and_year(client, cast, plan):
    """Probe 34: the province's reviewer asked for every plan's and year's build as soon as each was done, 17 jobs
    ahead of an agency's long print (4,3 s became 36,5 s). One version on its way per account, whatever its plan and
    year: the next is refused, naming it, with what was typed kept."""
    with on("2026-11-20"):
        client.force_login(cast["vanphong"])
        assert client.post(BUILD, COVER)["Location"] == f"{BUILD}?nam=2026"  # 2026's, queued
        response = client.post(f"{BUILD}?nam=2025", COVER | {"number": "46/BC-UBND"})
    html = response.content.decode()
    assert response.status_code == 409 and 'value="46/BC-UBND"' in html
    assert "Tài khoản đang có một bản tổng hợp khác đang dựng (bản 1 năm 2026 của kế hoạch “" in html
    assert list(ConsolidatedReport.objects.values_list("year", flat=True)) == [2026]


@pytest.mark.season
def test_the_workers_building_is_the_accounts_heavy_work_and_a_day_has_its_versions(client, cast, plan, settings):
    """Probe 34: one account kept 105 versions in an hour (250 MB, each in every backup). The worker's building
    counts as the asking account's heavy work, and an account asks for at most CONSOLIDATED_BUILDS_PER_DAY versions a
    day; past either, 429 with when it may build again, the cover typed kept."""
    settings.CONSOLIDATED_BUILDS_PER_DAY = 2
    with on("2026-12-04", "09:00"):
        client.force_login(cast["vanphong"])
        for number in ("1/BC-UBND", "2/BC-UBND"):
            assert client.post(BUILD, COVER | {"number": number})["Location"] == f"{BUILD}?nam=2026"
            ConsolidatedReport.objects.update(state="ready")  # built: the next may be asked for
        response = client.post(BUILD, COVER | {"number": "3/BC-UBND"})
        html = response.content.decode()
        assert response.status_code == 429 and 'value="3/BC-UBND"' in html
        said = "Tài khoản này đã dựng 2 bản tổng hợp hôm nay, mức tối đa một ngày: xin dựng tiếp sau 00:00 ngày"
        assert f"{said} 05/12/2026." in html
    with on("2026-12-05", "00:01"):
        client.force_login(cast["vanphong"])  # the night ended the session
        assert client.post(BUILD, COVER | {"number": "3/BC-UBND"})["Location"] == f"{BUILD}?nam=2026"
        settings.HEAVY_WORK_SECONDS = 0.001
        build_consolidated_report(ConsolidatedReport.objects.get(number="3/BC-UBND").pk)  # as the worker does
        response = client.post(BUILD, COVER | {"number": "4/BC-UBND"})
        html = response.content.decode()
        assert response.status_code == 429 and 'value="4/BC-UBND"' in html
        assert "Tài khoản này đã dùng hết thời gian máy chủ dành cho việc nặng (dựng báo cáo tổng hợp" in html
    assert ConsolidatedReport.objects.count() == 3
