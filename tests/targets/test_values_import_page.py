"""The reviewer's page for importing past values (targets/import_views.py) and the import command: every bad row
listed, nothing written on any error, Excel files read, values put on an indicator's first milestone."""

import io
from decimal import Decimal

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from targets.models import ReferenceValue, TargetValue
from tasks.models import Plan
from tests.conftest import DATA

SLUG = "binh-son-ctdt-2021-2030"
pytestmark = pytest.mark.season  # moved from the dashboard tests with their mark: an import takes no year to come


@pytest.fixture
def reviewer(client, cast):
    client.force_login(cast["vanphong"])
    return client


def test_import_page_reports_every_bad_row_and_writes_nothing(reviewer, plan):
    bad = (
        "target_code,year,value,as_of,note,reference\n"
        "2025.07,2020,82,31/12/2020,,\n"
        "9999.99,2021,5,,,\n"
        "2025.07,năm ngoái,5,,,\n"
        "2025.22,2021,120,,,\n"
        "2025.07,2022,1.250,,,\n"
        "2025.07,2023,80,32/12/2023,,\n"
        "2025.09,2021,5,,,\n"
        "2025.07,2020,83,,,\n"
        "2025.07,2024,90,,,7\n"
    )
    response = reviewer.post(
        "/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/", {"file": SimpleUploadedFile("so-lieu.csv", bad.encode())}
    )
    html = response.content.decode()
    for message in [
        "Dòng 3, cột target_code: không có chỉ tiêu mã “9999.99” trong kế hoạch.",
        "Dòng 4, cột year: năm “năm ngoái” không hợp lệ",
        "Dòng 5, cột value: Tỷ lệ phần trăm phải từ 0 đến 100.",
        "Dòng 6, cột value: “1.250” có thể hiểu hai cách",
        "Dòng 7, cột as_of: Ngày không hợp lệ: tháng 12/2023 chỉ có ngày 1 đến 31 (đã nhập 32/12/2023)",
        "Dòng 8, cột target_code: chỉ tiêu 2025.09 là chỉ tiêu định tính",
        "Dòng 9, cột year: trùng với dòng 2",
        "Dòng 10, cột reference: chỉ tiêu 2025.07 không so với chuỗi tham chiếu.",
    ]:
        assert message in html, message
    assert "Chưa nhập gì: tệp có 8 lỗi." in html
    assert not TargetValue.objects.exists()


def test_import_page_records_values_and_references(reviewer, plan, cast):
    upload = SimpleUploadedFile("vi-du.csv", (DATA / "vi_du_so_lieu.csv").read_bytes())
    response = reviewer.post("/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/", {"file": upload}, follow=True)
    assert "Đã nhập 23 giá trị (0 không đổi, 2 giá trị tham chiếu)" in response.content.decode()
    value = TargetValue.objects.get(target__code="2030.03", year=2024)
    assert value.value == Decimal("14.2") and value.source == "Nhập từ tệp vi-du.csv"
    assert value.recorded_by == cast["vanphong"]
    assert ReferenceValue.objects.get(target__code="2030.02", year=2024).value == Decimal("64.8")
    page = reviewer.get(f"/ke-hoach/{SLUG}/chi-tieu/2030.03/").content.decode()
    assert "Nhập từ tệp vi-du.csv" in page and "14,2" in page


def test_import_reads_excel_files(reviewer, plan):
    frame = pd.DataFrame({"target_code": ["2025.07", "2025.07"], "year": [2020, 2024], "value": ["82", "93,5"]})
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    reviewer.post(
        "/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/",
        {"file": SimpleUploadedFile("so-lieu.xlsx", buffer.getvalue())},
    )
    assert TargetValue.objects.get(target__code="2025.07", year=2024).value == Decimal("93.5")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "rỗng"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "Không đọc được tệp"),
        (b"ma,nam\n1,2\n", "Thiếu cột: target_code, year, value"),
        (b"target_code,year,value\n", "không có dòng số liệu nào"),
        (
            b"x" * (5 * 1024 * 1024 + 1),
            "Tệp “x.csv” nặng hơn 5 MB (5.242.881 byte), quá giới hạn 5 MB (5.242.880 byte).",
        ),
    ],
)
def test_import_refuses_wrong_files(reviewer, plan, content, message):
    response = reviewer.post(
        "/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/", {"file": SimpleUploadedFile("x.csv", content)}
    )
    assert response.status_code == 422 and message in response.content.decode()


def test_the_import_command_lists_errors(plan, tmp_path):
    path = tmp_path / "sai.csv"
    path.write_text("target_code,year,value\n2025.07,2020,abc\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Dòng 2, cột value: “abc” không phải là số"):
        call_command("import_values", str(path))


def test_the_import_command_asks_which_plan_when_several_are_followed(plan):
    """Without --plan, the one active plan; with two active, a refusal naming them, and nothing written."""
    call_command("load_plan", str(DATA / "tiny_plan.yaml"), stdout=io.StringIO())
    message = (
        "Có 2 kế hoạch đang theo dõi (binh-son-ctdt-2021-2030, tra-bong-thu-nghiem): chọn kế hoạch của số liệu bằng "
        "--plan, ví dụ --plan binh-son-ctdt-2021-2030. Chưa nhập gì."
    )
    with pytest.raises(CommandError) as refused:
        call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=io.StringIO())
    assert str(refused.value) == message
    assert not TargetValue.objects.exists() and not ReferenceValue.objects.exists()

    out = io.StringIO()
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), plan="binh-son-ctdt-2021-2030", stdout=out)
    assert out.getvalue().startswith("Đã nhập ") and TargetValue.objects.filter(target__plan=plan).exists()
    written = TargetValue.objects.count()

    Plan.objects.filter(slug="tra-bong-thu-nghiem").update(is_active=False)  # one plan followed again: the default
    out = io.StringIO()
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=out)
    assert out.getvalue().startswith("Đã nhập 0 giá trị mới, ") and TargetValue.objects.count() == written


def test_an_import_puts_values_on_the_first_milestone(reviewer, plan):
    bad = "target_code,year,value,reference\n2045.02,2024,14,\n2045.01,2024,,90\n"
    html = reviewer.post(
        "/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/", {"file": SimpleUploadedFile("x.csv", bad.encode())}
    ).content.decode()
    assert "Dòng 2, cột target_code: chỉ tiêu 2045.02 dùng chung số liệu với chỉ tiêu 2030.03" in html
    good = "target_code,year,value,reference\n2030.03,2024,14,\n2045.01,2024,,90\n"
    reviewer.post(
        "/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/", {"file": SimpleUploadedFile("x.csv", good.encode())}
    )
    assert ReferenceValue.objects.get(target__code="2045.01", year=2024).value == 90
    assert not TargetValue.objects.filter(target__code="2045.01").exists()
