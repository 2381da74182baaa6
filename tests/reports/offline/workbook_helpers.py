"""Helpers of the offline-entry tests: the workbook's sheets by name, and downloading and uploading a report's
workbook as its page does."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from reports.models import AgencyReport, Proposal, TargetEntry, TaskEntry

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


LEAD, COORD, TARGETS, QUALITATIVE = "Nhiệm vụ chủ trì", "Nhiệm vụ phối hợp", "Chỉ tiêu định lượng", "Chỉ tiêu định tính"


PROPOSALS, DIFFICULTIES = "Kiến nghị, đề xuất", "Khó khăn, vướng mắc"


def download(client, report):
    response = client.get(f"/bao-cao/{report.pk}/excel/")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f'filename="bao-cao-2026-{report.agency.code.lower()}.xlsx"' in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def upload(client, report, book_or_bytes, name="bao-cao.xlsx", **ticks):
    """`ticks`: the refusal page's confirmations, as "on" (confirm_budgets, confirm_notes)."""
    if isinstance(book_or_bytes, bytes):
        content = book_or_bytes
    else:
        buffer = io.BytesIO()
        book_or_bytes.save(buffer)
        content = buffer.getvalue()
    return client.post(f"/bao-cao/{report.pk}/excel/tai-len/", {"workbook": SimpleUploadedFile(name, content), **ticks})


def row_of(sheet, code):
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value == code:
            return row
    raise KeyError(code)


def errors_of(response) -> str:
    return response.content.decode()


def history_counts() -> dict:
    return {model: model.history.count() for model in (TaskEntry, TargetEntry, Proposal, AgencyReport)}
