"""What happened to a report: each state change as an event, with the report's content at that moment."""

from django.conf import settings
from django.db import models

from binhson_plan.number_format import vn_number


class ReportAction(models.TextChoices):
    SUBMITTED = "submitted", "Gửi báo cáo"
    SENT_BACK = "sent_back", "Trả lại để bổ sung"
    APPROVED = "approved", "Duyệt"
    REOPENED = "reopened", "Mở lại"
    HANDED_OVER = "handed_over", "Chuyển giao theo sắp xếp tổ chức"
    RECEIVED = "received", "Nhận nội dung chuyển giao"


class ReportEvent(models.Model):
    """One transition of a report: who, when, why, and the report's content at that moment."""

    report = models.ForeignKey(
        "reports.AgencyReport", verbose_name="báo cáo", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("thao tác", max_length=20, choices=ReportAction.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người thực hiện", null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField("lúc", auto_now_add=True)
    reason = models.TextField("lý do", blank=True)
    snapshot = models.JSONField("nội dung lúc đó", default=dict)

    class Meta:
        ordering = ["report", "at", "pk"]
        verbose_name = "lịch sử xử lý"
        verbose_name_plural = "lịch sử xử lý"

    def __str__(self):
        return f"{self.get_action_display()} – {self.at:%d/%m/%Y %H:%M}"


def snapshot(report, task_entries=None, target_entries=None, proposals=None) -> dict[str, str]:
    """The report's content as labelled plain values (Vietnamese labels), recorded with every event: what a reviewer
    compares between two submissions, and what outsiders read of a report sent back. The report's task entries
    (with their section and evidence), target entries (with their target) and proposals as saved, when the caller
    has read them already."""
    data = {"Khó khăn, vướng mắc": report.difficulties}
    if task_entries is None:
        task_entries = report.task_entries.select_related("section").prefetch_related("evidence")
    if target_entries is None:
        target_entries = report.target_entries.select_related("target")
    if proposals is None:
        proposals = report.proposals.all()
    for entry in sorted(task_entries, key=lambda e: (e.section.position, e.role)):
        prefix = f"Nhiệm vụ {entry.section.code}" + ("" if entry.is_lead else " (phối hợp)")
        if entry.is_lead:
            data[f"{prefix} – tình hình"] = entry.get_status_display() if entry.status else ""
            data[f"{prefix} – kết quả"] = entry.results
            data[f"{prefix} – tồn tại, nguyên nhân"] = entry.shortcomings
            data[f"{prefix} – năm tới"] = entry.next_steps
            data[f"{prefix} – kinh phí (đồng)"] = vn_number(entry.budget_used) if entry.budget_used is not None else ""
            data[f"{prefix} – minh chứng"] = ", ".join(e.original_name for e in entry.evidence.all())
        else:
            data[f"{prefix} – kết quả phối hợp"] = entry.results
    for entry in sorted(target_entries, key=lambda e: e.target.position):
        prefix = f"Chỉ tiêu {entry.target.code}"
        if entry.target.is_qualitative:
            data[f"{prefix} – đánh giá"] = entry.get_qualitative_status_display() if entry.qualitative_status else ""
        else:
            data[f"{prefix} – giá trị"] = vn_number(entry.value) if entry.value is not None else ""
            if entry.value_year != report.cycle.year:  # a passed milestone's missing value
                data[f"{prefix} – năm của số liệu"] = str(entry.value_year)
            data[f"{prefix} – tính đến ngày"] = entry.as_of.strftime("%d/%m/%Y") if entry.as_of else ""
            data[f"{prefix} – ước thực hiện"] = "Có" if entry.is_estimate else "Không"
        data[f"{prefix} – ghi chú"] = entry.note
    for number, proposal in enumerate(proposals, start=1):
        data[f"Kiến nghị {number}"] = proposal.text
    return data
