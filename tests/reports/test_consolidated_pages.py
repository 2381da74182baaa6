"""Pages of the consolidated report: who may build, watch, download and mark final."""

import pytest

from reports.consolidated.build import build_consolidated_report
from reports.consolidated.models import ConsolidatedReport

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
    assert client.get("/tong-hop/").status_code == read
    assert client.get(f"/tong-hop/{ready.pk}/trang-thai/").status_code == read
    for kind in ("pdf", "xlsx", "docx"):
        assert client.get(f"/tong-hop/{ready.pk}/tep/{kind}/").status_code == read
    assert ('name="signer_name"' in client.get("/tong-hop/").content.decode()) == build
    assert client.post(f"/tong-hop/{ready.pk}/chinh-thuc/").status_code == (302 if build else 403)
    assert client.post("/tong-hop/", COVER).status_code == (302 if build else 403)


def test_anonymous_visitors_go_to_login(client, ready):
    for url in ["/tong-hop/", f"/tong-hop/{ready.pk}/trang-thai/", f"/tong-hop/{ready.pk}/tep/pdf/"]:
        assert client.get(url)["Location"].startswith("/dang-nhap/")


def test_a_reviewer_fills_the_cover_and_builds(client, cast, plan, eager_jobs, django_capture_on_commit_callbacks):
    client.force_login(cast["vanphong"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tong-hop/", COVER, follow=True)
    assert "Đã ghi yêu cầu dựng bản 1" in response.content.decode()  # handed over when the test's transaction ends
    report = ConsolidatedReport.objects.get()
    assert (report.state, report.number, str(report.report_date)) == ("ready", "45/BC-UBND", "2026-12-04")
    assert report.recipient_list() == ["Văn phòng UBND tỉnh", "Lưu: VT"] and report.requested_by == cast["vanphong"]
    status = client.get(f"/tong-hop/{report.pk}/trang-thai/").json()
    assert status == {"state": "ready", "label": "Đã xong", "error": "", "is_final": False,
                      "files": {k: f"/tong-hop/{report.pk}/tep/{k}/" for k in ("pdf", "xlsx", "docx")},
                      "final_url": f"/tong-hop/{report.pk}/chinh-thuc/",
                      "coverage": "Bản 1 không tổng hợp báo cáo nào của đơn vị, "
                                  "chỉ số liệu các chỉ tiêu đã có."}  # fmt: skip


def test_a_bad_cover_is_refused_next_to_the_field(client, cast, plan):
    client.force_login(cast["vanphong"])
    response = client.post("/tong-hop/", COVER | {"report_date": "31/02/2026", "signer_name": ""})
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
    html = client.get("/tong-hop/?nam=2026").content.decode()
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
    response = client.post("/tong-hop/", COVER, follow=True)
    assert "Đã dựng xong bản 1." in response.content.decode()
    assert ConsolidatedReport.objects.get().state == "ready"
