"""Building the three files (PDF, XLSX, DOCX) of one version atomically and idempotently."""

import logging
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reports.consolidated.gathering import digest, gather, inputs_of
from reports.consolidated.models import BuildState, ConsolidatedReport

logger = logging.getLogger(__name__)


def _write_atomically(directory: Path, name: str, content: bytes) -> str:
    """Write to a temporary file beside the target, then rename: nobody sees a half-written file."""
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".dang-ghi-")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(temporary, 0o644)
    os.replace(temporary, directory / name)
    return str((directory / name).relative_to(settings.MEDIA_ROOT))


def build_consolidated_report(report_id: int) -> ConsolidatedReport:
    """Build the three files of one version. Running it again on a finished version changes nothing;
    running it again after a crash finishes the same version."""
    from reports.consolidated.excel import consolidated_workbook
    from reports.consolidated.pdf import consolidated_pdf
    from reports.consolidated.word import consolidated_docx

    with transaction.atomic():
        report = ConsolidatedReport.objects.select_for_update().select_related("plan").get(pk=report_id)
        if report.state == BuildState.READY:
            return report
        report.state, report.error = BuildState.BUILDING, ""
        report.save(update_fields=["state", "error"])
    try:
        data = gather(report)
        if settings.REPORT_BUILD_DELAY:
            time.sleep(settings.REPORT_BUILD_DELAY)
        directory = Path(settings.MEDIA_ROOT) / "bao-cao-tong-hop" / report.plan.slug / str(report.year)
        stem = f"bao-cao-tong-hop-{report.year}-ban-{report.version}"
        files = {
            "pdf": _write_atomically(directory, f"{stem}.pdf", consolidated_pdf(data)),
            "xlsx": _write_atomically(directory, f"{stem}.xlsx", consolidated_workbook(data)),
            "docx": _write_atomically(directory, f"{stem}.docx", consolidated_docx(data)),
        }
    except Exception as exc:
        logger.exception("Dựng báo cáo tổng hợp %s không thành công", report_id)
        message = f"Dựng không thành công ({exc}). Xin dựng lại; nếu lỗi lặp lại, báo quản trị viên."
        ConsolidatedReport.objects.filter(pk=report_id).update(state=BuildState.FAILED, error=message[:2000])
        raise
    with transaction.atomic():
        report = ConsolidatedReport.objects.select_for_update().get(pk=report_id)
        report.pdf.name, report.xlsx.name, report.docx.name = files["pdf"], files["xlsx"], files["docx"]
        report.inputs, report.inputs_digest = inputs_of(data), digest(data)
        report.state, report.finished_at = BuildState.READY, timezone.now()
        report.save()
    return report
