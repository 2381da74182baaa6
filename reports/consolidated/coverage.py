"""Which agency reports a built version of the consolidated report holds and which it lacks, in one short paragraph
for the reviewer about to mark it official.

The figures are the build's own (ConsolidatedReport.inputs and .left_out, recorded with the files), not the
year's reports as they are now: a report approved or sent since does not make an older version look complete.
A version built before the reports left out were recorded (left_out is None) says what it held, and the reports
left out now, as now ("hiện nay"): how many were left out then is not known.
"""

from collections import Counter

from reports.models import AgencyReport, ReportState

HELD = {  # a held report's state then → how the summary says it, in this order
    "approved": "đã duyệt",
    "submitted": "chờ thẩm định (nội dung ghi “chưa duyệt”)",
    "reopened": "được mở lại để sửa, giữ nội dung đã duyệt trước khi mở lại",
}
LEFT_OUT = {  # a left-out report's state then → how the summary says it, in this order
    "sent_back": "báo cáo bị trả lại để bổ sung",
    "reopened": "báo cáo được mở lại để sửa, chưa có nội dung đã duyệt",
    "draft": "đơn vị chưa gửi báo cáo",
}


def coverage_note(version: int, inputs: list[dict], left_out: list[dict] | None, now: list[dict] = ()) -> str:
    """What version `version` holds of the agencies' reports and what it lacks, from the states the build recorded;
    `now`: the reports left out today, said as today's when the build did not record its own (`left_out` None)."""
    held = Counter(item["state"] for item in inputs)
    gaps = Counter(item["state"] for item in left_out or ())
    if left_out is not None and inputs and set(held) == {"approved"} and not gaps:
        return f"Bản {version} tổng hợp đủ báo cáo của cả {len(inputs)} đơn vị, tất cả đã được duyệt."
    if inputs:
        # counted as the dashboard and the report's section I count them: a reopened report among the approved
        approved = held["approved"] + held["reopened"]
        parts = [f"{approved} {HELD['approved']}" + (f" (trong đó {held['reopened']} {HELD['reopened']})"
                                                      if held["reopened"] else "")] if approved else []  # fmt: skip
        parts += [f"{held['submitted']} {HELD['submitted']}"] if held["submitted"] else []
        parts = "; ".join(parts)
        sentences = [f"Bản {version} tổng hợp {len(inputs)} báo cáo của đơn vị: {parts}."]
    else:
        sentences = [f"Bản {version} không tổng hợp báo cáo nào của đơn vị, chỉ số liệu các chỉ tiêu đã có."]
    if left_out is None:
        gaps = Counter(item["state"] for item in now)
        listed = _listed(gaps) or "không có đơn vị nào chưa gửi hoặc bị trả lại"
        sentences.append(
            "Bản dựng này không ghi lại các báo cáo không được tổng hợp (báo cáo chưa gửi hoặc bị trả lại không "
            f"được tổng hợp); hiện nay {listed}."
        )
    elif gaps:
        sentences.append(f"Không được tổng hợp: {_listed(gaps)}.")
    return " ".join(sentences)


def _listed(gaps: Counter) -> str:
    return ", ".join(f"{gaps[state]} {label}" for state, label in LEFT_OUT.items() if gaps[state])


def left_out_now(plan, year) -> list[dict]:
    """The year's agency reports a build would leave out today, never sent or sent back for corrections (a
    reopened report is held with its approved content, so it is not among them). One query."""
    reports = AgencyReport.objects.counted().filter(
        cycle__plan=plan, cycle__year=year, state__in=[ReportState.DRAFT, ReportState.SENT_BACK],
    ).exclude(state=ReportState.SENT_BACK, correction_due_on__isnull=True)  # fmt: skip
    return [{"state": state} for state in reports.values_list("state", flat=True)]
