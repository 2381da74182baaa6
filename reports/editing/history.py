"""The audit trail of a report, read from django-simple-history: who changed which field, when."""

import datetime
from itertools import groupby

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.text import Truncator

from binhson_plan.number_format import vn_number
from reports.models import REOPENED_LABEL, AgencyReport, Evidence, Proposal, ReportState, TargetEntry, TaskEntry

SYSTEM_FIELDS = {
    "first_submitted_at",
    "submitted_at",
    "reviewed_at",
    "responded_at",
    "uploaded_at",
    "file",
    "content_type",
    "size",
    "uploaded_by",
}
HIDDEN_FIELDS = {"version", "updated_at", "updated_by", "report", "position", "section", "target", "role", "entry"}
PER_PAGE = 30


def _label(record) -> str:
    model = record.instance_type
    if model is TaskEntry:
        return f"Nhiệm vụ {record.section.code}" + ("" if record.role == "lead" else " (phối hợp)")
    if model is TargetEntry:
        return f"Chỉ tiêu {record.target.code}"
    if model is Proposal:
        return f"Kiến nghị “{Truncator(record.text).chars(80)}”"
    if model is Evidence:
        return f"Minh chứng “{record.original_name}”"
    return "Báo cáo"


def history_page(report: AgencyReport, number, until=None) -> Page:
    """One page of the report's changes, newest first (a page number out of range gives the nearest page); with
    `until`, only the changes made by that moment."""
    rows = field_changes(report, limit=None)
    if until is not None:
        rows = [row for row in rows if row["when"] <= until]
    return Paginator(rows, PER_PAGE).get_page(number)


def field_changes(report: AgencyReport, limit: int | None = 200) -> list[dict]:
    """Newest first: each change of a field, each added or removed file, with who and when."""
    histories = [
        AgencyReport.history.filter(id=report.pk),
        TaskEntry.history.filter(report_id=report.pk).select_related("section"),
        TargetEntry.history.filter(report_id=report.pk).select_related("target"),
        Proposal.history.filter(report_id=report.pk),
        Evidence.history.filter(entry__report_id=report.pk),
    ]
    rows = []
    # what a changed field points to (or its name), each read once; the report's own cycle and agency are known
    names = {
        (type(report.cycle), report.cycle_id): report.cycle,
        (type(report.agency), report.agency_id): report.agency,
    }
    for history in histories:
        records = sorted(history.select_related("history_user"), key=lambda r: (r.id, r.history_date, r.history_id))
        for record in records:  # whoever made a change is known too
            if record.history_user is not None:
                user = record.history_user
                names.setdefault((type(user), user.pk), user.get_full_name() or user.username)
        for _, group in groupby(records, key=lambda r: r.id):
            previous = None
            for record in group:
                rows.extend(_rows(record, previous, names))
                previous = record
    rows.sort(key=lambda row: row["when"], reverse=True)
    return rows if limit is None else rows[:limit]


def _rows(record, previous, names) -> list[dict]:
    base = {"when": record.history_date, "who": record.history_user, "what": _label(record),
            "note": record.history_change_reason or ""}  # fmt: skip
    if record.history_type == "-":
        return [base | {"field": "", "old": "", "new": "đã gỡ bỏ"}]
    if previous is None and record.instance_type is Proposal:
        return [base | {"what": "Kiến nghị", "field": "thêm mới", "old": "", "new": record.text}]
    if previous is None and record.instance_type is Evidence:
        return [base | {"field": "", "old": "", "new": "thêm mới"}]
    result = []
    for field in record.instance_type._meta.concrete_fields:
        name = field.attname
        if field.name in HIDDEN_FIELDS or name in ("id",) or field.name in SYSTEM_FIELDS:
            continue
        new = getattr(record, name)
        old = getattr(previous, name) if previous is not None else None
        if previous is None and new in (None, "", False):
            continue  # entries start empty: their first save shows only what was filled in
        if old != new:
            shown = {"field": field.verbose_name, "old": _show(field, old, names), "new": _show(field, new, names)}
            if record.instance_type is AgencyReport and _reopened(record):  # not a send-back: say so
                if name == "state":
                    shown["new"] = REOPENED_LABEL
                elif name == "return_reason":
                    shown["field"] = "lý do mở lại"
            result.append(base | shown)
    return result


def _reopened(record) -> bool:
    """Whether a report's historical record is a reopening (AgencyReport.is_reopened)."""
    return record.state == ReportState.SENT_BACK and record.correction_due_on is None


def _show(field, value, names) -> str:
    if value in (None, ""):
        return "–"
    if field.is_relation:  # the attribute holds the id: show the name of what it points to
        key = (field.related_model, value)
        if key not in names:
            names[key] = _user_name(value) if field.related_model is get_user_model() else _object_name(field, value)
        return str(names[key])
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if field.choices:
        return dict(field.choices).get(value, value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if field.get_internal_type() in ("DecimalField", "PositiveBigIntegerField"):
        return vn_number(value)
    return str(value)


def _user_name(user_id) -> str:
    user = get_user_model().objects.filter(pk=user_id).first()
    return (user.get_full_name() or user.username) if user else "–"


def _object_name(field, pk) -> str:
    found = field.related_model._default_manager.filter(pk=pk).first()
    return str(found) if found is not None else f"(đã xóa, mã {pk})"
