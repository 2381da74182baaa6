"""What a probe sent to the report pages that used to end in a server error: a row of another report,
too many proposals, a file name too long for the disk, a file gone from the disk, cycle dates outside
the plan. Each is refused or answered in Vietnamese, never with a 500."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.cycles.opening import open_cycle
from reports.models import Evidence, Proposal
from tests.reports.helpers import ReportPage, current_report

PDF = (
    b"%PDF-1.4\n1 0 obj<< /Type /Catalog /Pages 2 0 R >>endobj\n"
    b"2 0 obj<< /Type /Pages /Kids [3 0 R] /Count 1 >>endobj\n"
    b"3 0 obj<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
)  # the smallest PDF a reader opens: one blank page


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def other(plan):
    return current_report(plan, "GDDT")


@pytest.fixture
def staff(client, cast):
    client.force_login(cast["canbo.ldtbxh"])
    client.raise_request_exception = False  # a server error is a response to check, not a test crash
    return client


@pytest.mark.parametrize("formset", ["target", "lead", "coord"])
def test_a_row_of_another_report_is_refused(staff, report, other, formset):
    rows = {"target": other.target_entries, "lead": other.task_entries.filter(role="lead"),
            "coord": other.task_entries.filter(role="coordinating")}[formset]  # fmt: skip
    foreign = rows.first()
    assert foreign is not None
    before = report.version
    data = ReportPage(report).data()
    data[f"{formset}-0-id"] = str(foreign.pk)
    response = staff.post(f"/bao-cao/{report.pk}/", data)
    assert response.status_code == 400
    assert "Dữ liệu gửi lên không khớp với báo cáo" in response.content.decode()
    report.refresh_from_db()
    assert report.version == before  # nothing saved


def test_a_proposal_of_another_report_is_refused(staff, cast, report, other):
    foreign = Proposal.objects.create(report=other, text="Kiến nghị của đơn vị khác.", position=0)
    data = ReportPage(report).add_proposal("Sửa kiến nghị của người khác.").data()
    data["proposal-0-id"] = str(foreign.pk)
    response = staff.post(f"/bao-cao/{report.pk}/", data)
    assert response.status_code == 400
    foreign.refresh_from_db()
    assert foreign.text == "Kiến nghị của đơn vị khác." and foreign.report == other


def test_more_proposals_than_allowed_are_refused_by_the_server(staff, report):
    page = ReportPage(report)
    for number in range(51):
        page.add_proposal(f"Kiến nghị số {number + 1}.")
    response = staff.post(f"/bao-cao/{report.pk}/", page.data())
    assert response.status_code == 422
    assert "Tối đa 50 kiến nghị trong một báo cáo" in response.content.decode()
    assert not report.proposals.exists()
    page = ReportPage(report)
    for number in range(50):
        page.add_proposal(f"Kiến nghị số {number + 1}.")  # and the blank row the page keeps at the end
    assert staff.post(f"/bao-cao/{report.pk}/", page.data()).status_code == 302
    assert report.proposals.count() == 50
    data = ReportPage(report).data() | {"proposal-TOTAL_FORMS": "100000"}  # rows the server will not read
    response = staff.post(f"/bao-cao/{report.pk}/", data)
    assert response.status_code == 422 and "Tối đa 50 kiến nghị" in response.content.decode()
    assert report.proposals.count() == 50


def test_proposals_saved_before_count_when_a_post_leaves_them_out(staff, report):
    """The sixth probe: a post claiming no saved rows (proposal-INITIAL_FORMS=0) added 45 each time, 145 in all;
    after that every save of the report was refused."""
    page = ReportPage(report)
    for number in range(40):
        page.add_proposal(f"Kiến nghị số {number + 1}.")
    assert staff.post(f"/bao-cao/{report.pk}/", page.data()).status_code == 302
    fresh = ReportPage(report).data()
    data = {key: value for key, value in fresh.items() if not key.startswith("proposal-")}
    data |= {"proposal-TOTAL_FORMS": "11", "proposal-INITIAL_FORMS": "0", "proposal-MIN_NUM_FORMS": "0",
             "proposal-MAX_NUM_FORMS": "50"}  # fmt: skip
    data |= {f"proposal-{n}-text": f"Kiến nghị thêm {n}." for n in range(11)}
    response = staff.post(f"/bao-cao/{report.pk}/", data)
    assert response.status_code == 422 and "Tối đa 50 kiến nghị" in response.content.decode()
    assert report.proposals.count() == 40
    data = {key: value for key, value in data.items() if key not in ("proposal-TOTAL_FORMS",)} | {
        "proposal-TOTAL_FORMS": "10"
    }
    assert staff.post(f"/bao-cao/{report.pk}/", data).status_code == 302  # up to the cap, still accepted
    assert report.proposals.count() == 50


def test_a_file_name_too_long_for_the_disk_is_shortened(staff, report, tmp_path):
    name = "Biên bản nghiệm thu công trình nước sạch tập trung xã Bình An " * 6 + ".pdf"  # ~370 letters, ~500 bytes
    code = "III.3.b.3"
    page = ReportPage(report).lead(code, results="Có minh chứng kèm theo.")
    data = page.data() | {page.field("lead", code, "new_evidence"): SimpleUploadedFile(name, PDF)}
    assert staff.post(f"/bao-cao/{report.pk}/", data).status_code == 302
    evidence = Evidence.objects.get(entry__report=report)
    stored = evidence.file.name.rsplit("/", 1)[1]
    assert stored.endswith(".pdf") and len(stored.encode()) <= 150 and stored.startswith("Biên_bản_nghiệm_thu")
    assert len(evidence.file.name) <= 255 and (tmp_path / evidence.file.name).read_bytes() == PDF
    # Django keeps at most 255 characters of an uploaded name, extension included; the page shows that.
    assert evidence.original_name == name[:251] + ".pdf"
    download = staff.get(evidence.get_absolute_url())
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_a_file_missing_from_the_disk_is_a_vietnamese_404(staff, report, tmp_path):
    code = "III.3.b.3"
    page = ReportPage(report).lead(code, results="Có minh chứng kèm theo.")
    data = page.data() | {page.field("lead", code, "new_evidence"): SimpleUploadedFile("bien-ban.pdf", PDF)}
    assert staff.post(f"/bao-cao/{report.pk}/", data).status_code == 302
    evidence = Evidence.objects.get(entry__report=report)
    (tmp_path / evidence.file.name).unlink()
    response = staff.get(evidence.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 404
    assert "Tệp “bien-ban.pdf” đã được ghi nhận nhưng không còn trên máy chủ" in page
    assert "No such file" not in page and "Errno" not in page


OUTSIDE_THE_PLAN = "Ngày phải trong thời gian của kế hoạch, từ 01/01/2021 đến 31/12/2046."
OUTSIDE_THE_PORTAL = "Ngày không hợp lệ: phải từ 01/01/2000 đến 31/12/2100 (đã nhập {})."  # binhson_plan.dates


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("05/12/0205", OUTSIDE_THE_PORTAL.format("05/12/0205")),
        ("05/12/2062", OUTSIDE_THE_PLAN),
        ("31/12/2020", OUTSIDE_THE_PLAN),
        ("01/01/2099", OUTSIDE_THE_PLAN),
        ("01/01/9999", OUTSIDE_THE_PORTAL.format("01/01/9999")),
    ],
)
def test_cycle_dates_outside_the_plan_are_refused(client, cast, plan, typed, message):
    client.force_login(cast["vanphong"])
    cycle = open_cycle(plan, 2026)
    dates = {"opens_on": "01/01/2026", "due_on": "05/12/2026", "data_cutoff": "31/12/2026", "locks_on": "31/12/2026"}
    response = client.post(f"/ky-bao-cao/{cycle.pk}/", dates | {"locks_on": typed})
    assert response.status_code == 422
    assert message in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.locks_on != datetime.datetime.strptime(typed, "%d/%m/%Y").date()


def test_cycle_dates_within_the_plan_are_saved(client, cast, plan):
    client.force_login(cast["vanphong"])
    cycle = open_cycle(plan, 2030)
    dates = {"opens_on": "01/01/2030", "due_on": "05/12/2030", "data_cutoff": "31/12/2030", "locks_on": "15/01/2031"}
    assert client.post(f"/ky-bao-cao/{cycle.pk}/", dates).status_code == 302
    cycle.refresh_from_db()
    assert cycle.locks_on.isoformat() == "2031-01-15"


def test_a_due_date_on_the_opening_day_is_refused_as_its_message_says(client, cast, plan):
    """The eleventh probe: "Hạn báo cáo phải sau ngày mở nhập liệu" was said of a day earlier, not of the same day."""
    client.force_login(cast["vanphong"])
    cycle = open_cycle(plan, 2026)
    dates = {"opens_on": "01/01/2026", "due_on": "01/01/2026", "data_cutoff": "31/12/2026", "locks_on": ""}
    response = client.post(f"/ky-bao-cao/{cycle.pk}/", dates)
    assert response.status_code == 422 and "Hạn báo cáo phải sau ngày mở nhập liệu." in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.due_on.isoformat() == "2026-12-05"
