"""The audit trail of a report, read from django-simple-history: who changed which field, when."""

from itertools import groupby

from reports.models import AgencyReport, Evidence, Proposal, TargetEntry, TaskEntry

HIDDEN_FIELDS = {"version", "updated_at", "updated_by", "report", "position", "section", "target", "role", "entry"}


def _label(record) -> str:
    model = record.instance_type
    if model is TaskEntry:
        return f"Nhiệm vụ {record.section.code}" + ("" if record.role == "lead" else " (phối hợp)")
    if model is TargetEntry:
        return f"Chỉ tiêu {record.target.code}"
    if model is Proposal:
        return "Kiến nghị"
    if model is Evidence:
        return f"Minh chứng “{record.original_name}”"
    return "Báo cáo"


def field_changes(report: AgencyReport, limit: int = 200) -> list[dict]:
    """Newest first: each change of a field, each added or removed file, with who and when."""
    histories = [
        AgencyReport.history.filter(id=report.pk),
        TaskEntry.history.filter(report_id=report.pk).select_related("section"),
        TargetEntry.history.filter(report_id=report.pk).select_related("target"),
        Proposal.history.filter(report_id=report.pk),
        Evidence.history.filter(entry__report_id=report.pk),
    ]
    rows = []
    for history in histories:
        records = sorted(history.select_related("history_user"), key=lambda r: (r.id, r.history_date, r.history_id))
        for _, group in groupby(records, key=lambda r: r.id):
            previous = None
            for record in group:
                rows.extend(_rows(record, previous))
                previous = record
    rows.sort(key=lambda row: row["when"], reverse=True)
    return rows[:limit]


def _rows(record, previous) -> list[dict]:
    base = {"when": record.history_date, "who": record.history_user, "what": _label(record)}
    if record.history_type == "-":
        return [base | {"field": "", "old": "", "new": "đã gỡ bỏ"}]
    if previous is None:
        if record.instance_type in (Evidence, Proposal):
            return [base | {"field": "", "old": "", "new": "thêm mới"}]
        return []
    delta = record.diff_against(previous)
    result = []
    for change in delta.changes:
        if change.field in HIDDEN_FIELDS:
            continue
        field = record.instance_type._meta.get_field(change.field)
        result.append(
            base | {"field": field.verbose_name, "old": _show(field, change.old), "new": _show(field, change.new)}
        )
    return result


def _show(field, value) -> str:
    if value in (None, ""):
        return "–"
    if field.choices:
        return dict(field.choices).get(value, value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    from targets.templatetags.plan_format import vn_number

    if field.get_internal_type() in ("DecimalField", "PositiveBigIntegerField"):
        return vn_number(value)
    return str(value)
