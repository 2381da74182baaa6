"""Building the three files (PDF, XLSX, DOCX) of one version atomically and idempotently."""

import datetime
import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from binhson_plan.allowance import HEAVY_WORK
from binhson_plan.files import discard, discard_after_commit, store_new
from reports.consolidated.gathering import digest, gather, inputs_of, left_out_of
from reports.consolidated.models import BuildState, ConsolidatedReport

logger = logging.getLogger(__name__)


STEPS = {
    "gather": "tổng hợp số liệu từ báo cáo của các đơn vị",
    "pdf": "tạo tệp PDF",
    "xlsx": "tạo tệp Excel",
    "docx": "tạo bản Word",
}


def failure_message(step: str, exc: Exception) -> str:
    """What went wrong and what to do, in plain Vietnamese, for the person who asked for the build."""
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded):
        what = f"dừng ở bước {STEPS.get(step, 'dựng báo cáo')} vì quá thời gian cho phép"
    elif step.startswith("write-") or isinstance(exc, OSError):
        what = "không ghi được tệp vào kho lưu tệp (ổ đĩa hoặc kho lưu trữ có thể đã đầy hoặc không ghi được)"
    else:
        what = f"gặp lỗi khi {STEPS.get(step, 'dựng báo cáo')}"
    return (
        f"Không dựng được bản này: hệ thống {what}. Số liệu và báo cáo của các đơn vị không bị ảnh hưởng. "
        "Xin bấm “Dựng báo cáo” để dựng lại; nếu vẫn lỗi, báo quản trị viên và nêu số bản này."
    )


class TakenOver(Exception):
    """The sweep thought this run dead and gave its version to another run."""


def _heartbeat(report_id: int, claim) -> None:
    """Say this run is alive, between steps; stop if another run has claimed the version since."""
    alive = ConsolidatedReport.objects.filter(pk=report_id, started_at=claim, state=BuildState.BUILDING)
    if not alive.update(heartbeat_at=timezone.now()):
        raise TakenOver


def beat_stopped(report: ConsolidatedReport, now) -> bool:
    """Whether the run building `report` has gone silent for longer than a live run ever does (the sweep's rule,
    reports.consolidated.jobs.requeue_stalled)."""
    silent = now - datetime.timedelta(minutes=settings.REPORT_BUILD_STALE_MINUTES)
    last = report.heartbeat_at or report.started_at or report.requested_at
    return last is None or last < silent


def build_consolidated_report(report_id: int, taking_over: bool = False) -> ConsolidatedReport:
    """Build the three files of one version. Running it again on a finished version changes nothing;
    running it again after a crash finishes the same version, and only the latest run to claim a version
    finishes it. A second message for a version another run is building (still beating) is dropped, unless
    `taking_over`: the broker gave the message again because the worker that held it died."""
    from reports.consolidated.excel import consolidated_workbook
    from reports.consolidated.pdf import consolidated_pdf
    from reports.consolidated.word import consolidated_docx

    with transaction.atomic():
        report = ConsolidatedReport.objects.select_for_update().select_related("plan").get(pk=report_id)
        if report.state == BuildState.READY:
            return report
        claim = timezone.now()
        if report.state == BuildState.BUILDING and not taking_over and not beat_stopped(report, claim):
            # another run is on it and beating (a second message for the same version: the sweep requeued it
            # while it waited behind another build, or the broker redelivered it): building it twice would
            # double the time and memory, and the first run would be taken over and lose its work
            logger.info("Dựng báo cáo tổng hợp %s: một lượt dựng khác đang chạy, lượt này bỏ qua", report_id)
            return report  # this run's claim; a run taken over by the sweep finds it gone and stops
        report.state, report.error, report.started_at, report.heartbeat_at = BuildState.BUILDING, "", claim, claim
        report.save(update_fields=["state", "error", "started_at", "heartbeat_at"])
    step, files, started = "gather", {}, time.monotonic()
    try:
        try:
            data = gather(report)
            if settings.REPORT_BUILD_DELAY:
                time.sleep(settings.REPORT_BUILD_DELAY)
            _heartbeat(report_id, claim)
            folder = f"bao-cao-tong-hop/{report.plan.slug}/{report.year}"
            stem = f"bao-cao-tong-hop-{report.year}-ban-{report.version}"
            for step, name, make in (
                ("pdf", f"{stem}.pdf", consolidated_pdf),
                ("xlsx", f"{stem}.xlsx", consolidated_workbook),
                ("docx", f"{stem}.docx", consolidated_docx),
            ):
                content = make(data)
                _heartbeat(report_id, claim)
                step = f"write-{step}"
                files[step.removeprefix("write-")] = store_new(folder, name, content)
        except TakenOver:
            logger.warning("Dựng báo cáo tổng hợp %s: một lượt dựng khác đã nhận bản này, lượt này dừng", report_id)
            discard(files.values())  # no row points to them: the run holding the claim writes its own
            return ConsolidatedReport.objects.get(pk=report_id)
        except Exception as exc:
            logger.exception("Dựng báo cáo tổng hợp %s không thành công ở bước %s", report_id, step)
            discard(files.values())
            failed = ConsolidatedReport.objects.filter(pk=report_id, started_at=claim)
            failed.update(state=BuildState.FAILED, error=failure_message(step, exc))
            raise
        with transaction.atomic():
            report = ConsolidatedReport.objects.select_for_update().get(pk=report_id)
            if report.started_at != claim:  # taken over meanwhile: the run holding the claim finishes it, once
                discard_after_commit(files.values())
                return report
            discard_after_commit([report.pdf.name, report.xlsx.name, report.docx.name])  # an earlier run's, if any
            report.pdf.name, report.xlsx.name, report.docx.name = files["pdf"], files["xlsx"], files["docx"]
            report.inputs, report.inputs_digest = inputs_of(data), digest(data)
            report.left_out = left_out_of(data)
            report.state, report.finished_at = BuildState.READY, timezone.now()
            report.save()
        return report
    finally:  # the worker's time is the asking account's heavy work (probe 34: one account kept the queue 17 long)
        if report.requested_by_id is not None:
            HEAVY_WORK.spend(report.requested_by_id, time.monotonic() - started)
