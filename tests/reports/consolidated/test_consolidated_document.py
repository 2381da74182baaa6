"""The consolidated report as the province reads it: content, Decree 30 layout, a field to sign in place."""

import datetime
import io
import re
import subprocess

import pytest
from django.core.management import call_command

from reports.consolidated.build import build_consolidated_report
from reports.consolidated.models import ConsolidatedReport
from reports.documents.pdf import document_date
from reports.models import AgencyReport
from tests.reports.helpers import ReportPage, current_report, post_seen


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf_text(path, mode="-raw") -> str:
    return subprocess.run(["pdftotext", mode, str(path), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def built(plan, year=2026, **cover):
    return build_consolidated_report(ConsolidatedReport.request(plan, year, **cover).pk)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (datetime.date(2026, 12, 5), "ngày 05 tháng 12 năm 2026"),
        (datetime.date(2026, 2, 15), "ngày 15 tháng 02 năm 2026"),
        (datetime.date(2026, 1, 9), "ngày 09 tháng 01 năm 2026"),
        (datetime.date(2026, 6, 30), "ngày 30 tháng 6 năm 2026"),
        (datetime.date(2026, 11, 27), "ngày 27 tháng 11 năm 2026"),
    ],
)
def test_document_dates_have_a_leading_zero_only_for_days_1_to_9_and_months_1_and_2(day, text):
    assert document_date(day) == text


def test_a_lead_that_has_not_reported_is_named_even_when_its_coordinators_have(client, cast, plan):
    # III.2.c is led by KT&HT (trade) and VH&TT (tourism); LĐ-TB&XH coordinates III.2.b and submits.
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report).fill_everything()
    page.coordinating("III.2.b", "Phối hợp mở 3 lớp dạy nghề mây tre đan cho 75 lao động.")
    assert client.post(f"/bao-cao/{report.pk}/", page.data("submit")).status_code == 302
    text = flat(pdf_text(built(plan).pdf.path))
    block = text[text.index("b) Đối với công nghiệp") : text.index("c) Đối với thương mại")]
    assert "Cơ quan chủ trì: Phòng Kinh tế và Hạ tầng." in block
    assert "- Phòng Kinh tế và Hạ tầng (chủ trì) chưa gửi báo cáo." in block
    assert "- Phòng Lao động - Thương binh và Xã hội (phối hợp): Phối hợp mở 3 lớp dạy nghề mây tre đan" in block
    trade = text[text.index("c) Đối với thương mại") : text.index("d) Đối với đầu tư")]
    assert trade.count("Chưa có cơ quan nào báo cáo kết quả thực hiện các nội dung này.") == 1  # one line, not per item
    assert trade.count("chưa gửi báo cáo") == 0
    assert "Cơ quan chủ trì: Phòng Kinh tế và Hạ tầng (về phát triển thương mại, dịch vụ); Phòng Văn hóa" in trade
    assert "Chưa có báo cáo của cơ quan chủ trì." not in text


def test_the_lead_of_each_field_and_programme_is_named(plan):
    text = flat(pdf_text(built(plan).pdf.path))
    assert (
        "Cơ quan chủ trì: Phòng Kinh tế và Hạ tầng (về phát triển thương mại, dịch vụ); "
        "Phòng Văn hóa và Thông tin (về phát triển du lịch)." in text
    )
    assert "Phòng Lao động - Thương binh và Xã hội (Chương trình MTQG Giảm nghèo bền vững)" in text


def test_the_plan_is_cited_by_its_number_once_the_office_enters_it(
    client, cast, plan, eager_jobs, django_capture_on_commit_callbacks
):
    client.force_login(cast["vanphong"])
    form = {
        "plan_number": "1234/KH-UBND", "number": "…/BC-UBND", "report_date": "05/12/2026",
        "addressee": plan.reports_to, "recipients": "Ủy ban nhân dân tỉnh Quảng Ngãi\nLưu: VT, VPH",
        "signer_authority": "KT. CHỦ TỊCH", "signer_position": "PHÓ CHỦ TỊCH", "signer_name": "Phạm Quang Sự",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026", form).status_code == 302
    plan.refresh_from_db()
    assert plan.number == "1234/KH-UBND"
    assert plan.history.first().history_user == cast["vanphong"]
    text = flat(pdf_text(ConsolidatedReport.objects.get(plan=plan, year=2026).pdf.path))
    assert "Thực hiện Kế hoạch số 1234/KH-UBND ngày 08/08/2022 của Ủy ban nhân dân huyện Bình Sơn" in text
    assert "Bình Sơn, ngày 05 tháng 12 năm 2026" in text
    call_command("load_plan", stdout=io.StringIO())  # reloading the plan file keeps what the office entered
    plan.refresh_from_db()
    assert plan.number == "1234/KH-UBND"


def test_a_report_dated_for_its_signing_day_counts_as_at_the_day_it_was_built(
    client, cast, plan, eager_jobs, django_capture_on_commit_callbacks
):
    current_report(plan, "LDTBXH")  # the year's cycle is open; the run is on 20/11/2026
    client.force_login(cast["vanphong"])
    form = {
        "plan_number": "1234/KH-UBND", "number": "…/BC-UBND", "report_date": "05/12/2026",
        "addressee": plan.reports_to, "recipients": "Lưu: VT", "signer_position": "PHÓ CHỦ TỊCH",
        "signer_name": "Phạm Quang Sự",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026", form).status_code == 302
    text = flat(pdf_text(ConsolidatedReport.objects.get(plan=plan, year=2026).pdf.path))
    assert "Bình Sơn, ngày 05 tháng 12 năm 2026" in text  # the document's date, as the office set it
    assert "Đến ngày 20/11/2026, có 0/" in text and "Đến ngày 05/12/2026" not in text  # its counts: today's


def test_the_pdf_is_pdf_a_with_an_empty_signature_field_over_the_signer(plan):
    report = built(plan)
    with open(report.pdf.path, "rb") as handle:
        pdf = handle.read()
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(io.BytesIO(pdf))
    metadata = reader.root["/Metadata"].data
    assert re.search(rb'pdfaid:part(="|>)2', metadata) and re.search(
        rb'pdfaid:conformance(="|>)B', metadata
    )  # PDF/A-2b
    fields = list(enumerate_sig_fields(reader, filled_status=False))
    assert [name for name, *_ in fields] == ["ChuKyNguoiKy"]
    widget = fields[0][2].get_object()
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    kids = reader.root["/Pages"]["/Kids"]
    page_index = [kids.raw_get(i).idnum for i in range(len(kids))].index(widget.raw_get("/P").idnum)
    closing = [i for i, p in enumerate(pdf_text(report.pdf.path).split("\f")) if "Nơi nhận:" in p]
    assert page_index == closing[0]  # on the page that carries the signer's block
    assert 0 < x1 < x2 < 595 and 0 < y1 < y2 < 842 and (x2 - x1) > 100 and (y2 - y1) > 40


def test_the_built_pdf_can_be_signed_in_place_and_stays_intact(plan, tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Chứng thư thử – UBND huyện Bình Sơn")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    signer = signers.SimpleSigner.load(str(tmp_path / "key.pem"), str(tmp_path / "cert.pem"))

    report = built(plan)
    with open(report.pdf.path, "rb") as handle:
        original = handle.read()
    signed = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(original)),
        signers.PdfSignatureMetadata(field_name="ChuKyNguoiKy"),
        signer=signer,
    ).getvalue()
    assert signed.startswith(original)  # signed in place: an incremental update, the document unchanged
    signature = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    assert signature.field_name == "ChuKyNguoiKy"
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[load_cert_from_pemder(str(tmp_path / "cert.pem"))])
    )
    assert status.intact and status.valid and status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE"


def test_an_agency_prints_its_report_with_its_own_symbol_and_full_task_texts(client, cast, plan):
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    response = client.get(f"/bao-cao/{report.pk}/in/")
    assert response.status_code == 200
    path = current_pdf = io.BytesIO(response.content)
    assert current_pdf
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=path.getvalue(), capture_output=True, check=True)
    text = flat(out.stdout.decode())
    assert "Số: …/BC-LĐTBXH" in text
    item = report.task_entries.get(section__code="III.3.b.3").section
    assert flat(item.content) in text  # the item's text in full, never cut
    assert "…" not in text.replace("…/BC-LĐTBXH", "")


def test_the_submitted_reports_flow_into_the_body_with_their_status_and_budget(client, cast, plan):
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report).fill_everything()
    page.lead("III.3.b.3", budget_used="1.250.000", results="Mở 12 lớp đào tạo nghề cho 360 lao động DTTS.")
    page.lead("III.3.c.2", budget_used="")  # a task without a budget beside one with a budget
    assert client.post(f"/bao-cao/{report.pk}/", page.data("submit")).status_code == 302
    client.force_login(cast["vanphong"])
    post_seen(client, f"/bao-cao/{AgencyReport.objects.get(agency__code='LDTBXH').pk}/duyet/")
    built_report = built(plan)
    assert built_report.state == "ready"
    text = flat(pdf_text(built_report.pdf.path))
    assert (
        "- Phòng Lao động - Thương binh và Xã hội (chủ trì; đang triển khai): Mở 12 lớp đào tạo nghề cho 360 lao "
        "động DTTS. Kinh phí đã sử dụng: 1.250.000 đồng." in text
    )
    assert "Kinh phí đã sử dụng cho mục III.3.b: 1.250.000 đồng." in text
    assert re.search(r"Tổng kinh phí .* năm 2026: 1\.250\.000 đồng \(chi tiết tại Phụ lục 2\)", text)
    appendix = text[text.index("Phụ lục 2") :]
    assert "Tổng cộng 1.250.000" in appendix


def test_a_built_file_missing_from_the_disk_is_a_vietnamese_404(client, cast, plan):
    report = built(plan)
    import os

    os.remove(report.pdf.path)
    client.force_login(cast["vanphong"])
    response = client.get(f"/tong-hop/{report.pk}/tep/pdf/")
    assert response.status_code == 404
    assert "không còn trên máy chủ" in response.content.decode()


@pytest.mark.django_db(transaction=True)  # autocommit, as in production: the job runs when the view hands it over
def test_a_failed_build_is_said_plainly_on_the_page_and_never_as_in_progress(
    client, cast, plan, monkeypatch, eager_jobs
):
    broken = lambda *a, **k: (_ for _ in ()).throw(ValueError("float NaN"))  # noqa: E731
    monkeypatch.setattr("reports.consolidated.pdf.render_pdf", broken)
    client.force_login(cast["vanphong"])
    form = {
        "number": "…/BC-UBND", "report_date": "05/12/2026", "addressee": plan.reports_to, "recipients": "Lưu: VT",
        "signer_authority": "KT. CHỦ TỊCH", "signer_position": "PHÓ CHỦ TỊCH", "signer_name": "Phạm Quang Sự",
    }  # fmt: skip
    response = client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026", form, follow=True)
    page = response.content.decode()
    assert "Không dựng được bản này: hệ thống gặp lỗi khi tạo tệp PDF" in page
    assert "Đang dựng bản" not in page and "ValueError" not in page and "NaN" not in page


def test_an_override_alone_changes_what_goes_into_the_report(plan, cast):
    from reports.consolidated.gathering import digest, gather
    from targets.models import StatusOverride

    report = built(plan)
    before = digest(gather(report))
    target = plan.targets.get(code="2030.10")
    StatusOverride.objects.create(
        target=target, year=2026, status="on_track", computed_status="insufficient_data",
        reason="Số liệu điều tra giữa kỳ 2026 cho thấy đúng tiến độ.", by=cast["vanphong"],
    )  # fmt: skip
    assert digest(gather(report)) != before  # so the nightly draft is rebuilt


def test_a_budget_awaiting_review_is_stated_apart_from_the_approved_total(client, cast, plan):
    # LĐ-TB&XH's 1.250.000 is approved; GD&ĐT's 500.000 is sent and not yet approved: no total adds them up.
    from docx import Document

    for code, user, item, budget in [("LDTBXH", "canbo.ldtbxh", "III.3.b.3", "1.250.000"),
                                     ("GDDT", "canbo.gddt", "III.2.d.2", "500.000")]:  # fmt: skip
        report = current_report(plan, code)
        client.force_login(cast[user])
        page = ReportPage(report).fill_everything().lead(item, budget_used=budget)
        assert client.post(f"/bao-cao/{report.pk}/", page.data("submit")).status_code == 302
    client.force_login(cast["vanphong"])
    post_seen(client, f"/bao-cao/{AgencyReport.objects.get(agency__code='LDTBXH').pk}/duyet/")
    built_report = built(plan)
    sentence = (
        "năm 2026: 1.250.000 đồng theo các báo cáo đã duyệt; ngoài ra, các báo cáo đang thẩm định (chưa duyệt) nêu "
        "500.000 đồng, chưa tính vào tổng này (chi tiết tại Phụ lục 2)."
    )
    word = flat(" ".join(p.text for p in Document(built_report.docx.path).paragraphs))
    for text in (flat(pdf_text(built_report.pdf.path)), word):
        assert sentence in text
        assert "1.750.000" not in text
        area = "Kinh phí đã sử dụng cho mục III.2.d: 0 đồng theo các báo cáo đã duyệt; ngoài ra, các báo cáo đang "
        assert area in text
    appendix = flat(pdf_text(built_report.pdf.path))
    appendix = appendix[appendix.index("Phụ lục 2") :]
    assert "Tổng cộng (báo cáo đã duyệt) 1.250.000" in appendix
    assert "Báo cáo chưa duyệt (chưa tính vào tổng cộng) 500.000" in appendix
    table = next(t for t in Document(built_report.docx.path).tables if t.rows[0].cells[-1].text.startswith("Kinh phí"))
    assert [[c.text for c in row.cells][2:] for row in table.rows[-2:]] == [
        ["Tổng cộng (báo cáo đã duyệt)", "1.250.000"],
        ["Báo cáo chưa duyệt (chưa tính vào tổng cộng)", "500.000"],
    ]
