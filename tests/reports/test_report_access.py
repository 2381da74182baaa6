"""Every report URL, for every role: agency staff see and change only their own agency's report."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import Evidence
from tests.reports.helpers import ReportPage, as_seen, current_report, post_seen

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ROLES = ["anonymous", "owner", "other_staff", "reviewer", "viewer", "admin"]
USERS = {"owner": "canbo.ldtbxh", "other_staff": "canbo.binhan", "reviewer": "vanphong", "viewer": "lanhdao",
         "admin": "quantri"}  # fmt: skip


@pytest.fixture
def report(plan):
    report = current_report(plan, "LDTBXH")
    entry = report.task_entries.filter(role="lead").first()
    Evidence.objects.create(
        entry=entry,
        file=SimpleUploadedFile("a.pdf", PDF),
        original_name="a.pdf",
        content_type="application/pdf",
        size=1,
    )
    report.proposals.create(text="Kiến nghị thử")
    return report


def login(client, cast, role):
    if role != "anonymous":
        client.force_login(cast[USERS[role]])


# (method, url template, the roles that may, status for them)
RULES = [
    ("get", "/bao-cao/", {"owner", "other_staff"}, 200),
    ("get", "/bao-cao/{pk}/", {"owner", "reviewer", "viewer", "admin"}, 200),
    ("post", "/bao-cao/{pk}/", {"owner"}, 302),
    ("get", "/bao-cao/{pk}/minh-chung/{ev}/", {"owner"}, 200),  # of a draft; once sent, see below
    ("get", "/bao-cao/{pk}/lich-su/", {"owner"}, 200),  # a draft's history; once sent, see below
    ("post", "/bao-cao/{pk}/minh-chung/{ev}/xoa/", {"owner"}, 302),
    ("get", "/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/", {"reviewer"}, 200),
    ("get", "/ke-hoach/binh-son-ctdt-2021-2030/ky-bao-cao/", {"reviewer"}, 200),
    ("post", "/ke-hoach/binh-son-ctdt-2021-2030/ky-bao-cao/", {"reviewer"}, 302),
    ("post", "/bao-cao/{pk}/tra-lai/", {"reviewer"}, 302),
    ("post", "/bao-cao/{pk}/duyet/", {"reviewer"}, 302),
    ("post", "/bao-cao/{pk}/mo-lai/", {"reviewer"}, 302),
    ("get", "/ky-bao-cao/{cycle}/", {"reviewer"}, 200),
    ("post", "/bao-cao/{pk}/kien-nghi/{proposal}/", {"reviewer"}, 302),
    ("post", "/bao-cao/{pk}/han-gui/", {"reviewer"}, 302),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url", "allowed", "status"), RULES)
def test_who_may_do_what(client, cast, report, role, method, url, allowed, status):
    if "tra-lai" in url or "duyet" in url or "kien-nghi" in url:  # a proposal is answered once sent
        type(report).objects.filter(pk=report.pk).update(state="submitted")
    if "mo-lai" in url:
        type(report).objects.filter(pk=report.pk).update(state="approved")
    url = url.format(
        pk=report.pk,
        cycle=report.cycle_id,
        ev=Evidence.objects.get(entry__report=report).pk,
        proposal=report.proposals.get().pk,
    )
    data = {
        "/bao-cao/{pk}/": ReportPage(report).data(),
        "/ke-hoach/binh-son-ctdt-2021-2030/ky-bao-cao/": {"year": 2024},
        "/bao-cao/{pk}/han-gui/": {"due_on": "20/12/2026"},
    }
    login(client, cast, role)
    proposal = report.proposals.get()
    payload = {"reason": "Bổ sung.", f"p{proposal.pk}-state": "answered", f"p{proposal.pk}-response": "Đã chuyển."}
    for template, values in data.items():
        if url == template.format(pk=report.pk):
            payload = values
    if "duyet" in url or "tra-lai" in url or "mo-lai" in url or "xoa" in url:
        payload = as_seen(url, payload)  # the version the report page showed
    response = getattr(client, method)(url, payload)
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    elif role in allowed:
        assert response.status_code == status, response.content[:300]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["lich-su/", "minh-chung/{evidence}/"])
def test_who_may_read_the_history_and_download_evidence_of_a_sent_report(client, cast, report, role, page):
    type(report).objects.filter(pk=report.pk).update(state="submitted")
    login(client, cast, role)
    evidence = Evidence.objects.get(entry__report=report).pk
    response = client.get(f"/bao-cao/{report.pk}/" + page.format(evidence=evidence))
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    else:
        assert response.status_code == (200 if role != "other_staff" else 403)


def test_another_agencys_staff_cannot_read_or_change_it(client, cast, report):
    client.force_login(cast["canbo.binhan"])
    before = ReportPage(report).data()
    response = client.post(f"/bao-cao/{report.pk}/", before | {"difficulties": "Ghi đè"})
    assert response.status_code == 403
    assert "chỉ" in response.content.decode().lower()
    report.refresh_from_db()
    assert report.difficulties == ""


def test_a_viewer_reads_but_cannot_change(client, cast, report):
    client.force_login(cast["lanhdao"])
    page = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert 'id="report-form"' not in page and "Duyệt báo cáo" not in page
    assert post_seen(client, f"/bao-cao/{report.pk}/duyet/").status_code == 403


def test_agency_staff_cannot_review_their_own_report(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    report.refresh_from_db()
    assert report.state == "submitted"
    for action in ("duyet", "tra-lai", "mo-lai"):
        assert post_seen(client, f"/bao-cao/{report.pk}/{action}/", {"reason": "x"}).status_code == 403
    report.refresh_from_db()
    assert report.state == "submitted"


@pytest.mark.parametrize(
    ("state", "action", "data"),
    [
        ("draft", "duyet", {}),
        ("draft", "tra-lai", {"reason": "Bổ sung"}),
        ("sent_back", "duyet", {}),
        ("approved", "duyet", {}),
        ("approved", "tra-lai", {"reason": "Bổ sung"}),
        ("submitted", "mo-lai", {"reason": "Mở lại"}),
        ("draft", "mo-lai", {"reason": "Mở lại"}),
    ],
)
def test_transitions_are_refused_in_the_wrong_state(client, cast, report, state, action, data):
    type(report).objects.filter(pk=report.pk).update(state=state)
    client.force_login(cast["vanphong"])
    response = post_seen(client, f"/bao-cao/{report.pk}/{action}/", data)
    assert response.status_code == 403
    assert "Không thể" in response.content.decode()
    report.refresh_from_db()
    assert report.state == state and not report.events.exists()


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_staff_cannot_change_a_report_under_review_or_approved(client, cast, report, state):
    type(report).objects.filter(pk=report.pk).update(state=state)
    client.force_login(cast["canbo.ldtbxh"])
    page = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert 'id="report-form"' not in page
    response = client.post(f"/bao-cao/{report.pk}/", ReportPage(report).lead("III.3.b.3", results="Gõ muộn").data())
    assert response.status_code == 409  # refused, and what was typed is shown back to be copied
    html = response.content.decode()
    assert "không sửa được" in html and "Gõ muộn" in html and 'value="save"' not in html
    assert report.task_entries.get(section__code="III.3.b.3").results == ""
    evidence = Evidence.objects.get(entry__report=report)
    assert client.post(f"/bao-cao/{report.pk}/minh-chung/{evidence.pk}/xoa/").status_code == 403


def test_a_locked_cycle_stops_entry(client, cast, report):
    cycle = report.cycle
    cycle.locks_on = datetime.date.today() - datetime.timedelta(days=1)
    cycle.save()
    client.force_login(cast["canbo.ldtbxh"])
    page = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert 'id="report-form"' not in page and "Khóa nhập liệu sau ngày" in page
    response = client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    assert response.status_code == 409 and "đã khóa nhập liệu" in response.content.decode()
    report.refresh_from_db()
    assert report.state == "draft"
