"""The province's yearly summary (/tinh/tong-hop/): a group of per-plan jobs, then three files in the Decree 30 layout;
one plan failing loses none of the others; a second build of a year waits for the first; for the Sở and leadership."""

import datetime
import io
import re
import subprocess
import zipfile

import pytest
from django.core.management import call_command
from django.db.models import Value
from django.db.models.functions import Concat
from docx import Document as WordDocument
from openpyxl import load_workbook

from province import parts
from province.models import ProvinceIssuer, ProvinceSummary, SummaryPart, SummaryState
from reports.consolidated.build import build_consolidated_report
from reports.consolidated.models import ConsolidatedReport
from reports.cycles.opening import open_cycle
from targets.models import Indicator
from tasks.models import Plan
from tests.conftest import DATA
from tests.reports.helpers import ReportPage, current_report, on, post_seen

pytestmark = pytest.mark.season  # the reporting counts depend on the day
URL = "/tinh/tong-hop/"
TINY = "tra-bong-thu-nghiem"
FORM = {"year": "2026", "report_date": "10/12/2026"}
DAY = datetime.date(2026, 12, 10)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def two_plans(plan):
    call_command("load_plan", str(DATA / "tiny_plan.yaml"), stdout=io.StringIO())
    return plan, Plan.objects.get(slug=TINY)


def flat(text: str) -> str:
    return " ".join(text.split())


def build(client, cast, capture, user="sodantoc", form=FORM):
    with on("2026-12-10"):
        client.force_login(cast[user])
        with capture(execute=True):
            return client.post(URL, form)


def file_of(client, summary, kind):
    with on("2026-12-10"):
        response = client.get(f"{URL}{summary.pk}/tep/{kind}/")
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def pdf_text(content: bytes) -> str:
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True).stdout
    return flat(out.decode())


def docx_text(content: bytes) -> str:
    word = WordDocument(io.BytesIO(content))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return flat(" ".join([p.text for p in word.paragraphs] + cells))


def test_two_plans_give_a_ready_summary_with_three_files(client, cast, two_plans, eager_jobs,
                                                        django_capture_on_commit_callbacks):  # fmt: skip
    binh_son, tiny = two_plans
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), plan=binh_son.slug, stdout=io.StringIO())  # 90% 2024
    with on("2026-12-06"):
        open_cycle(tiny, 2026)
        consolidated = build_consolidated_report(ConsolidatedReport.request(binh_son, 2026).pk)
        consolidated.mark_final(by=cast["vanphong"])
    response = build(client, cast, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == URL
    summary = ProvinceSummary.objects.get(year=2026)
    assert (summary.state, summary.version, summary.plans_expected, summary.error) == (SummaryState.READY, 1, 2, "")
    assert SummaryPart.objects.filter(summary=summary, ok=True).count() == 2
    # a name of its own in the storage (never written over another); the download keeps the plain name (below)
    assert re.fullmatch(r"tong-hop-tinh/2026/tong-hop-tinh-2026-ban-1-[0-9a-f]{8}\.pdf", summary.pdf.name)
    with on("2026-12-10"):
        page = client.get(URL).content.decode()
    # the jobs ran when the request's transaction committed (the test's, here), after the message was written
    assert "Đã ghi yêu cầu dựng bản 1 của năm 2026" in page and "Tổng hợp được 2/2 kế hoạch." in page

    response, pdf = file_of(client, summary, "pdf")
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="tong-hop-tinh-2026-ban-1.pdf"' == response["Content-Disposition"]
    text = pdf_text(pdf)
    assert "UBND TỈNH QUẢNG NGÃI SỞ DÂN TỘC VÀ TÔN GIÁO" in text and "Số: …/BC-SDTTG" in text
    assert "Quảng Ngãi, ngày 10 tháng 12 năm 2026" in text
    assert "I. TÌNH HÌNH BÁO CÁO CỦA CÁC KẾ HOẠCH" in text and "III. BÁO CÁO TỔNG HỢP CỦA TỪNG KẾ HOẠCH" in text
    assert "Kế hoạch Thử nghiệm nạp kế hoạch" in text and "Kế hoạch Triển khai thực hiện Chiến lược" in text
    assert "II. CHỈ TIÊU THEO BỘ CHỈ SỐ CHUNG" in text and "Chính thức" in text
    assert "Tỷ lệ người dân tộc thiểu số tham gia bảo hiểm y tế" in text and "2025.19" in text
    assert "Chưa có bảng chỉ tiêu." not in text and "Kế hoạch chưa tổng hợp được" not in text
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(io.BytesIO(pdf))
    metadata = reader.root["/Metadata"].data
    assert re.search(rb'pdfaid:part(="|>)2', metadata) and re.search(rb'pdfaid:conformance(="|>)B', metadata)
    assert [name for name, *_ in enumerate_sig_fields(reader, filled_status=False)] == ["ChuKyNguoiKy"]

    response, docx = file_of(client, summary, "docx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    text = docx_text(docx)
    assert "SỞ DÂN TỘC VÀ TÔN GIÁO" in text and "2025.19" in text
    assert str(tiny) in text and str(binh_son) in text and "Chính thức" in text
    assert WordDocument(io.BytesIO(docx)).core_properties.author == "Sở Dân tộc và Tôn giáo"

    response, xlsx = file_of(client, summary, "xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(xlsx))
    rows = list(book["Tình hình báo cáo 2026"].iter_rows(values_only=True))
    assert rows[1][:5] == ("Kế hoạch", "Phải báo cáo", "Đã gửi", "Bị trả lại", "Chưa gửi")
    by_plan = {row[0]: row[1:] for row in rows[2:]}
    assert by_plan[str(tiny)][:2] == (2, 0)  # two reports expected, none sent
    indicators = {row[2].split()[0]: row for row in book["Chỉ tiêu"].iter_rows(min_row=3, values_only=True)}
    assert indicators["2025.19"][:2] == ("Tỷ lệ người dân tộc thiểu số tham gia bảo hiểm y tế", binh_son.short_title)
    # a number to calculate with, its unit and estimate mark apart (as /tinh/'s Excel), the year a number too
    assert list(book["Chỉ tiêu"].iter_rows(min_row=2, max_row=2, values_only=True))[0][3:7] == (
        "Số liệu gần nhất", "Đơn vị", "Số ước tính", "Năm số liệu")  # fmt: skip
    assert indicators["2025.19"][3:7] == (90, "%", None, 2024)  # "Có" marks an estimate, as in every workbook
    finals = [row for row in book["Báo cáo tổng hợp"].iter_rows(values_only=True) if row[0] == str(binh_son)]
    assert [(row[1], row[-1]) for row in finals] == [(1, "Chính thức")]


def test_one_plan_failing_loses_none_of_the_others(client, cast, two_plans, eager_jobs, monkeypatch,
                                                   django_capture_on_commit_callbacks):  # fmt: skip
    binh_son, tiny = two_plans
    with on("2026-12-06"):
        open_cycle(tiny, 2026)
    real = parts.plan_part

    def broken(plan, year):
        if plan.slug == binh_son.slug:
            raise RuntimeError("ổ đĩa hỏng giữa chừng")
        return real(plan, year)

    monkeypatch.setattr(parts, "plan_part", broken)
    build(client, cast, django_capture_on_commit_callbacks)
    summary = ProvinceSummary.objects.get(year=2026)
    assert summary.state == SummaryState.READY
    failed = SummaryPart.objects.get(summary=summary, plan=binh_son)
    assert not failed.ok and "hệ thống gặp lỗi khi đọc số liệu năm 2026 của kế hoạch này" in failed.error
    assert SummaryPart.objects.get(summary=summary, plan=tiny).data["reporting"]["expected"] == 2
    with on("2026-12-10"):
        page = client.get(URL).content.decode()
    assert "Tổng hợp được 1/2 kế hoạch; 1 kế hoạch chưa tổng hợp được" in page
    text = pdf_text(file_of(client, summary, "pdf")[1])
    block = text[text.index("Kế hoạch chưa tổng hợp được:") :]
    assert f"- {binh_son}: hệ thống gặp lỗi khi đọc số liệu năm 2026" in flat(block)
    assert "Chưa tổng hợp được (xem dưới)" in text
    assert "ổ đĩa hỏng" not in text  # the cause goes to the log, the reader gets a reason in Vietnamese
    book = load_workbook(io.BytesIO(file_of(client, summary, "xlsx")[1]))
    rows = {row[0]: row[1:] for row in book["Tình hình báo cáo 2026"].iter_rows(values_only=True)}
    assert rows[str(tiny)][:2] == (2, 0) and rows[str(binh_son)][0] is None
    missing = list(book["Chưa tổng hợp được"].iter_rows(values_only=True))
    assert missing[2][0] == str(binh_son) and "hệ thống gặp lỗi" in missing[2][1]
    section = flat(text[text.index("III. BÁO CÁO TỔNG HỢP CỦA TỪNG KẾ HOẠCH") :])
    assert f"- {binh_son}: chưa tổng hợp được vào bản này: hệ thống gặp lỗi khi đọc số liệu năm 2026" in section
    assert f"- {tiny}: chưa có báo cáo tổng hợp năm 2026" in section
    assert str(tiny) in docx_text(file_of(client, summary, "docx")[1])


def test_a_second_request_while_one_is_building_is_refused(client, cast, two_plans):
    with on("2026-12-10"):
        building = ProvinceSummary.request(2026, DAY, Plan.objects.all())
        ProvinceSummary.objects.filter(pk=building.pk).update(state=SummaryState.BUILDING)
        client.force_login(cast["sodantoc"])
        response = client.post(URL, FORM)
    assert response.status_code == 409
    assert (
        "Bản 1 của năm 2026 đang được dựng (đang dựng), xin chờ xong rồi dựng lại nếu cần." in response.content.decode()
    )
    assert ProvinceSummary.objects.count() == 1


def test_the_summaries_count_among_the_accounts_versions_of_the_day(client, cast, two_plans, settings):
    """Probe 34: versions kept without end (each in every backup). The province's summary counts among the versions
    an account may ask for in a day (CONSOLIDATED_BUILDS_PER_DAY), as a plan's consolidated report does."""
    settings.CONSOLIDATED_BUILDS_PER_DAY = 1
    with on("2026-12-10"):
        client.force_login(cast["sodantoc"])
        assert client.post(URL, FORM).status_code == 302
        ProvinceSummary.objects.update(state=SummaryState.READY)  # built: the next may be asked for
        response = client.post(URL, FORM | {"report_date": "11/12/2026"})
    html = response.content.decode()
    assert response.status_code == 429 and 'value="11/12/2026"' in html
    assert (
        "Tài khoản này đã dựng 1 bản tổng hợp hôm nay, mức tối đa một ngày: xin dựng tiếp sau 00:00 ngày 11/12/2026"
        in html
    )
    assert ProvinceSummary.objects.count() == 1


def test_a_ready_year_builds_a_new_version(client, cast, two_plans, eager_jobs, django_capture_on_commit_callbacks):
    build(client, cast, django_capture_on_commit_callbacks)
    build(client, cast, django_capture_on_commit_callbacks)
    assert list(ProvinceSummary.objects.values_list("version", "state")) == [(2, "ready"), (1, "ready")]


def test_the_issuer_comes_from_the_admin_not_the_code(client, cast, two_plans, eager_jobs,
                                                     django_capture_on_commit_callbacks):  # fmt: skip
    ProvinceIssuer.objects.update(issuing_body="Ban Dân tộc", document_symbol="BC-BDT", signer_name="Trần Thị Ký")
    build(client, cast, django_capture_on_commit_callbacks)
    text = pdf_text(file_of(client, ProvinceSummary.objects.get(), "pdf")[1])
    assert "BAN DÂN TỘC" in text and "Số: …/BC-BDT" in text and "Trần Thị Ký" in text


def test_a_wrong_form_is_answered_next_to_its_field(client, cast, two_plans):
    with on("2026-12-10"):
        client.force_login(cast["sodantoc"])
        response = client.post(URL, {"year": "1999", "report_date": "31/02/2026"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Chọn một năm trong danh sách." in html
    assert not ProvinceSummary.objects.exists()


READERS = [("sodantoc", 200, True), ("lanhdao", 200, False), ("quantri", 200, False), ("vanphong", 403, False),
           ("canbo.ldtbxh", 403, False), ("canbo.binhan", 403, False)]  # fmt: skip


@pytest.mark.parametrize(("user", "status", "builds"), READERS)
def test_who_may_read_and_build(client, cast, two_plans, eager_jobs, django_capture_on_commit_callbacks, user, status,
                                builds):  # fmt: skip
    """Leadership and administrators read; only the Sở (reviewer of every plan) builds; a reviewer of one plan
    (vanphong: Bình Sơn's) and agency staff neither."""
    build(client, cast, django_capture_on_commit_callbacks)
    ready = ProvinceSummary.objects.get()
    with on("2026-12-10"):
        client.force_login(cast[user])
        page = client.get(URL)
        assert page.status_code == status
        assert ('id="dung-ban-tong-hop"' in page.content.decode()) == builds
        for kind in ["pdf", "docx", "xlsx"]:
            assert client.get(f"{URL}{ready.pk}/tep/{kind}/").status_code == status
        assert client.post(URL, FORM).status_code == (302 if builds else 403)
    assert ProvinceSummary.objects.count() == (2 if builds else 1)


def test_anonymous_visitors_go_to_login(client, plan):
    for url in [URL, f"{URL}1/tep/pdf/"]:
        assert client.get(url)["Location"].startswith("/dang-nhap/")
    assert client.post(URL, FORM)["Location"].startswith("/dang-nhap/")
    assert not ProvinceSummary.objects.exists()


def test_a_file_not_ready_or_unknown_is_not_found(client, cast, two_plans):
    with on("2026-12-10"):
        queued = ProvinceSummary.request(2026, DAY, [])
        client.force_login(cast["lanhdao"])
        assert client.get(f"{URL}{queued.pk}/tep/pdf/").status_code == 404
        assert client.get(f"{URL}{queued.pk}/tep/exe/").status_code == 404


def test_the_word_file_is_a_valid_package(client, cast, two_plans, eager_jobs, django_capture_on_commit_callbacks):
    build(client, cast, django_capture_on_commit_callbacks)
    content = file_of(client, ProvinceSummary.objects.get(), "docx")[1]
    assert zipfile.ZipFile(io.BytesIO(content)).testzip() is None


@pytest.fixture
def broker_down(monkeypatch):
    """A real broker configured, and down: handing anything to it raises kombu's OperationalError."""
    from celery import group
    from kombu.exceptions import OperationalError

    from binhson_plan.celery import app

    def refuse(self, *args, **kwargs):
        raise OperationalError("Error 111 connecting to localhost:6379. Connection refused.")

    monkeypatch.setattr(group, "apply_async", refuse)
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


def test_a_broker_down_never_fails_the_request(client, cast, two_plans, broker_down,
                                               django_capture_on_commit_callbacks):  # fmt: skip
    response = build(client, cast, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    summary = ProvinceSummary.objects.get()
    assert summary.state == SummaryState.FAILED and "hàng đợi đang gián đoạn" in summary.error
    assert not SummaryPart.objects.exists()
    with on("2026-12-10"):
        assert "hàng đợi đang gián đoạn" in client.get(URL).content.decode()
    # failed, it holds no new request back
    assert build(client, cast, django_capture_on_commit_callbacks).status_code == 302
    assert ProvinceSummary.objects.count() == 2


def test_a_part_given_again_queues_no_second_assembly(client, cast, two_plans, eager_jobs, monkeypatch,
                                                      django_capture_on_commit_callbacks):  # fmt: skip
    from province import jobs

    build(client, cast, django_capture_on_commit_callbacks)
    summary = ProvinceSummary.objects.get()
    queued = []
    monkeypatch.setattr(jobs, "enqueue", lambda job, *args: queued.append((job.name, args)))
    jobs.build_plan_part(summary.pk, two_plans[1].pk)  # the broker delivered the message again
    assert queued == [] and summary.parts.count() == 2


def test_an_assembly_failure_says_so_in_vietnamese(client, cast, two_plans, eager_jobs, monkeypatch,
                                                   django_capture_on_commit_callbacks):  # fmt: skip
    from province import document

    def broken(doc):
        raise OSError("No space left on device")

    monkeypatch.setattr(document, "summary_pdf", broken)
    build(client, cast, django_capture_on_commit_callbacks)
    summary = ProvinceSummary.objects.get()
    assert summary.state == SummaryState.FAILED
    assert summary.error.startswith("Không dựng được bản tổng hợp: hệ thống gặp lỗi khi tạo tệp PDF.")
    assert SummaryPart.objects.filter(summary=summary, ok=True).count() == 2  # the parts stand
    with on("2026-12-10"):
        client.force_login(cast["lanhdao"])
        assert client.get(f"{URL}{summary.pk}/tep/pdf/").status_code == 404


def test_section_three_says_each_plans_consolidated_report_or_that_it_has_none(
    client, cast, two_plans, eager_jobs, django_capture_on_commit_callbacks
):
    binh_son, tiny = two_plans
    with on("2026-12-06"):
        open_cycle(tiny, 2026)
        first = build_consolidated_report(ConsolidatedReport.request(binh_son, 2026).pk)
        first.mark_final(by=cast["vanphong"])
        second = build_consolidated_report(ConsolidatedReport.request(binh_son, 2026).pk)
    build(client, cast, django_capture_on_commit_callbacks)
    summary = ProvinceSummary.objects.get(year=2026)
    pdf, docx = pdf_text(file_of(client, summary, "pdf")[1]), docx_text(file_of(client, summary, "docx")[1])
    for text in (pdf, docx):
        section = text[text.index("III. BÁO CÁO TỔNG HỢP CỦA TỪNG KẾ HOẠCH") :]
        assert (
            f"- {binh_son}: đã dựng xong 2 bản; bản chính thức là bản 1, số {first.number}, ngày "
            f"{first.report_date:%d/%m/%Y}; bản mới hơn là bản 2, số {second.number}, ngày "
            f"{second.report_date:%d/%m/%Y}, chưa đánh dấu chính thức."
        ) in section
        assert (
            f"- {tiny}: chưa có báo cáo tổng hợp năm 2026 (cơ quan thẩm định của kế hoạch chưa dựng bản nào)."
            in section
        )
    book = load_workbook(io.BytesIO(file_of(client, summary, "xlsx")[1]))
    rows = list(book["Báo cáo tổng hợp"].iter_rows(values_only=True))
    assert (str(tiny), None, None, None, "Chưa có báo cáo tổng hợp năm 2026", None) in rows
    # the plans in the order of the reporting sheet (and of the PDF), a plan without a report in its place too
    reporting = [row[0] for row in book["Tình hình báo cáo 2026"].iter_rows(min_row=3, values_only=True)]
    assert list(dict.fromkeys(row[0] for row in rows[2:])) == reporting


def test_a_placeholder_signer_is_flagged_on_the_page_and_never_printed(
    client, cast, two_plans, eager_jobs, django_capture_on_commit_callbacks
):
    assert ProvinceIssuer.current().signer_name == "Người ký"  # the migration's placeholder
    with on("2026-12-10"):
        for user in ("sodantoc", "quantri"):
            client.force_login(cast[user])
            page = client.get(URL).content.decode()
            warning = page.split('id="thieu-nguoi-ky"')[1].split("</div>")[0]
            assert "Chưa có họ tên người ký bản tổng hợp." in warning and "trang quản trị" in warning
            issuer = ProvinceIssuer.objects.get()
            link = f'href="/quan-tri/province/provinceissuer/{issuer.pk}/change/"'
            assert (link in warning) == (user == "quantri"), user
    build(client, cast, django_capture_on_commit_callbacks)
    summary = ProvinceSummary.objects.get(year=2026)
    assert "Người ký" not in pdf_text(file_of(client, summary, "pdf")[1])
    assert "Người ký" not in docx_text(file_of(client, summary, "docx")[1])
    ProvinceIssuer.objects.update(signer_name="  ")
    with on("2026-12-10"):
        assert 'id="thieu-nguoi-ky"' in client.get(URL).content.decode()
    ProvinceIssuer.objects.update(signer_name="Trần Thị Ký")
    with on("2026-12-10"):
        assert 'id="thieu-nguoi-ky"' not in client.get(URL).content.decode()


def test_each_excel_sheet_has_a_title_row_then_its_frozen_header(
    client, cast, two_plans, eager_jobs, django_capture_on_commit_callbacks
):
    binh_son, tiny = two_plans
    with on("2026-12-06"):
        open_cycle(tiny, 2026)
        version = build_consolidated_report(ConsolidatedReport.request(binh_son, 2026).pk)
    ConsolidatedReport.objects.filter(pk=version.pk).update(number='=HYPERLINK("http://x";"bấm")')
    build(client, cast, django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(file_of(client, ProvinceSummary.objects.get(year=2026), "xlsx")[1]))
    firsts = {"Tình hình báo cáo 2026": "Kế hoạch", "Chỉ tiêu": "Chỉ số", "Báo cáo tổng hợp": "Kế hoạch",
              "Chưa tổng hợp được": "Kế hoạch"}  # fmt: skip
    assert book.sheetnames == list(firsts)
    for name, header in firsts.items():
        sheet = book[name]
        title = sheet["A1"].value
        assert "2026" in title and "tỉnh Quảng Ngãi" in title and "bản tổng hợp toàn tỉnh số 1" in title, title
        assert sheet["A1"].font.bold and sheet["A2"].value == header and sheet["A2"].font.bold
        assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$2:$2"
        assert all(sheet.column_dimensions[c].width >= 8 for c in "AB")
    assert book["Tình hình báo cáo 2026"]["A1"].value.startswith("Tình hình báo cáo của các kế hoạch năm 2026")
    cell = next(c for row in book["Báo cáo tổng hợp"].iter_rows(min_row=3) for c in row if c.column == 3 and c.value)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"  # text, never a formula


def test_a_sent_back_report_in_the_summarys_status_table(
    client, cast, two_plans, eager_jobs, django_capture_on_commit_callbacks
):
    binh_son, tiny = two_plans
    report = current_report(binh_son, "LDTBXH")
    with on("2026-11-16"):
        client.force_login(cast["canbo.ldtbxh"])
        assert (
            client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit")).status_code
            == 302
        )
        client.force_login(cast["vanphong"])
        assert post_seen(client, f"/bao-cao/{report.pk}/tra-lai/", {"reason": "Bổ sung."}).status_code == 302
        open_cycle(tiny, 2026)
    build(client, cast, django_capture_on_commit_callbacks)
    summary = ProvinceSummary.objects.get(year=2026)
    book = load_workbook(io.BytesIO(file_of(client, summary, "xlsx")[1]))
    rows = {row[0]: row[1:] for row in book["Tình hình báo cáo 2026"].iter_rows(min_row=3, values_only=True)}
    expected, sent, sent_back, not_sent = rows[str(binh_son)][:4]
    assert (sent, sent_back) == (0, 1) and sent + sent_back + not_sent == expected
    assert "Bị trả lại" in pdf_text(file_of(client, summary, "pdf")[1])


def test_text_starting_like_a_formula_keeps_excel_s_quote_prefix(client, cast, two_plans, eager_jobs,
                                                                 django_capture_on_commit_callbacks):  # fmt: skip
    """Issue 17 (the probe's second pass): the summary's workbook wrote "-…" or "=…" text without Excel's quote
    prefix; every XLSX writer goes through binhson_plan.csv_cells.xlsx_text (tests/reports/dashboard/
    test_formula_text_in_workbooks.py checks the others)."""
    binh_son, _tiny = two_plans
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), plan=binh_son.slug, stdout=io.StringIO())
    Indicator.objects.update(name=Concat(Value("-"), "name"))  # the summary's indicator sheet names them
    assert build(client, cast, django_capture_on_commit_callbacks).status_code == 302
    summary = ProvinceSummary.objects.get(year=2026)
    assert summary.state == SummaryState.READY, summary.error
    book = load_workbook(io.BytesIO(file_of(client, summary, "xlsx")[1]))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("-")]  # fmt: skip
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
