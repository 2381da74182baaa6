"""Building the province's yearly summary on the workers: a Celery group of one job per active plan, each saving its
plan's part (or why it failed) whatever happens to the others; the job that saves the last part queues the assembly,
which writes the three files. No result backend is needed: the parts meet in the database, not in a chord."""

import logging
import time

from celery import group, shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from binhson_plan.celery import RIDE_OUT_DATABASE_OUTAGES
from binhson_plan.collation import sort_key as vietnamese_order
from binhson_plan.files import discard, discard_after_commit, store_new
from binhson_plan.queueing import enqueue
from province import document, parts, queries
from province.models import ProvinceIssuer, ProvinceSummary, SummaryPart, SummaryState
from tasks.models import Plan

logger = logging.getLogger(__name__)

QUEUE_DOWN = ("Không đưa được việc dựng vào hàng đợi (hàng đợi đang gián đoạn). Số liệu của các kế hoạch không bị "
              "ảnh hưởng. Xin bấm “Dựng bản tổng hợp” để dựng lại sau ít phút.")  # fmt: skip
STEPS = {
    "read": "đọc phần tổng hợp của các kế hoạch",
    "pdf": "tạo tệp PDF",
    "docx": "tạo bản Word",
    "xlsx": "tạo tệp Excel",
}


def request_summary(year: int, report_date, by=None):
    """A new version of `year`'s summary (SummaryUnderway while one is on its way), its per-plan jobs handed to the
    queue once the caller's transaction commits. Returns the summary and enqueue's outcome ({"queued": …})."""
    plans = queries.plans_of_province()
    summary = ProvinceSummary.request(year, report_date, plans, by=by)
    if not plans:
        return summary, enqueue(assemble_summary_job, summary.pk)
    return summary, dispatch_parts(summary.pk, [plan.pk for plan in plans])


def dispatch_parts(summary_id: int, plan_ids: list[int]) -> dict:
    """binhson_plan.queueing.enqueue for a group: once the transaction commits, never failing the caller. When the
    broker refuses the group, the summary is marked failed with a message (nothing would ever finish it)."""
    jobs = group(build_plan_part_job.s(summary_id, plan_id) for plan_id in plan_ids)
    outcome = {"queued": None}

    def send():
        in_process = build_plan_part_job.app.conf.task_always_eager
        try:
            jobs.apply_async(retry=False)
        except Exception as exc:
            if in_process:  # ran here: each part recorded its own outcome
                logger.exception("Dựng các phần của bản tổng hợp toàn tỉnh %s không thành công", summary_id)
                outcome["queued"] = True
                return
            kind = "broker" if isinstance(exc, OperationalError) else type(exc).__name__
            logger.exception("Không đưa được các việc dựng bản tổng hợp %s vào hàng đợi (%s)", summary_id, kind)
            outcome["queued"] = False
            _fail(summary_id, QUEUE_DOWN, states=[SummaryState.QUEUED])
        else:
            outcome["queued"] = True

    transaction.on_commit(send)
    return outcome


@shared_task(acks_late=True, **RIDE_OUT_DATABASE_OUTAGES)
def build_plan_part_job(summary_id: int, plan_id: int) -> int:
    return build_plan_part(summary_id, plan_id).pk


@shared_task(acks_late=True, **RIDE_OUT_DATABASE_OUTAGES)
def assemble_summary_job(summary_id: int) -> int:
    return assemble_summary(summary_id).pk


def build_plan_part(summary_id: int, plan_id: int) -> SummaryPart:
    """Compute and save one plan's part. Whatever goes wrong in the plan's computation is logged and saved as the
    part's failure, with a reason in Vietnamese: the other plans' parts stand. The job that saves the last part
    (counted under the summary's lock, so exactly one sees it) queues the assembly."""
    ProvinceSummary.objects.filter(pk=summary_id, state=SummaryState.QUEUED).update(state=SummaryState.BUILDING)
    summary = ProvinceSummary.objects.get(pk=summary_id)
    plan = Plan.objects.get(pk=plan_id)
    try:
        with transaction.atomic():  # a database error in one plan's reading rolls back to here, not further
            data, ok, error = parts.plan_part(plan, summary.year), True, ""
    except Exception:
        logger.exception("Bản tổng hợp toàn tỉnh %s: không tổng hợp được kế hoạch %s", summary_id, plan.slug)
        data, ok, error = {"name": parts.plan_name(plan)}, False, parts.part_failure(summary.year)
    with transaction.atomic():
        locked = ProvinceSummary.objects.select_for_update().get(pk=summary_id)
        part, created = SummaryPart.objects.update_or_create(
            summary=locked, plan=plan, defaults={"ok": ok, "data": data, "error": error, "finished_at": timezone.now()}
        )
        last = created and locked.parts.count() >= locked.plans_expected
    if last:
        enqueue(assemble_summary_job, summary_id)
    return part


def failure_message(step: str) -> str:
    return (
        f"Không dựng được bản tổng hợp: hệ thống gặp lỗi khi {STEPS.get(step, 'dựng bản tổng hợp')}. Số liệu của các "
        "kế hoạch không bị ảnh hưởng. Xin bấm “Dựng bản tổng hợp” để dựng lại; nếu vẫn lỗi, báo quản trị viên và nêu "
        "năm và số bản."
    )


def _fail(summary_id: int, message: str, states=None) -> None:
    with transaction.atomic():
        summary = ProvinceSummary.objects.select_for_update().get(pk=summary_id)
        if states is not None and summary.state not in states:
            return
        summary.state, summary.error, summary.finished_at = SummaryState.FAILED, message, timezone.now()
        summary.save(update_fields=["state", "error", "finished_at"])


def assemble_summary(summary_id: int) -> ProvinceSummary:
    """Write the summary's three files from its parts (each under a new name of its own, pointed at only once whole:
    nobody sees half a file) and mark it ready; any failure marks it failed with a message. A ready summary is left
    as it is."""
    summary = ProvinceSummary.objects.get(pk=summary_id)
    if summary.state == SummaryState.READY:
        return summary
    step, files = "read", {}
    try:
        started = time.monotonic()
        rows = list(summary.parts.select_related("plan", "summary"))
        rows.sort(key=lambda part: vietnamese_order(part.plan.title))
        issuer = ProvinceIssuer.current()
        doc = document.build_document(summary, rows, issuer)
        folder = f"tong-hop-tinh/{summary.year}"
        stem = f"tong-hop-tinh-{summary.year}-ban-{summary.version}"
        makers = {
            "pdf": lambda: document.summary_pdf(doc),
            "docx": lambda: document.summary_docx(doc, summary, issuer),
            "xlsx": lambda: document.summary_workbook(summary, rows, issuer),
        }
        for step, make in makers.items():
            files[step] = store_new(folder, f"{stem}.{step}", make())
    except Exception:
        logger.exception("Bản tổng hợp toàn tỉnh %s: lỗi ở bước %s", summary_id, step)
        discard(files.values())
        _fail(summary_id, failure_message(step))
        return ProvinceSummary.objects.get(pk=summary_id)
    with transaction.atomic():
        summary = ProvinceSummary.objects.select_for_update().get(pk=summary_id)
        if summary.state == SummaryState.READY:  # another run of this job finished it meanwhile: its files stay
            discard_after_commit(files.values())
            return summary
        discard_after_commit([summary.pdf.name, summary.docx.name, summary.xlsx.name])  # an earlier run's, if any
        summary.pdf.name, summary.docx.name, summary.xlsx.name = files["pdf"], files["docx"], files["xlsx"]
        summary.state, summary.error, summary.finished_at = SummaryState.READY, "", timezone.now()
        summary.save()
    logger.info("Bản tổng hợp toàn tỉnh %s dựng xong trong %.1f giây", summary_id, time.monotonic() - started)
    return summary
