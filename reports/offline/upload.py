"""An uploaded report workbook, checked and saved exactly as a save of the web page: its cells become the
POST data the page would send, the page's own forms (reports.editing.forms) validate it, and the page's own save
writes it, all or nothing. Every error names its sheet, row and column."""

import contextvars
from contextlib import contextmanager

from django.db import transaction
from django.forms import CheckboxInput
from django.utils import timezone
from simple_history.signals import pre_create_historical_record

from binhson_plan.dates import day_text
from reports.editing.saving import TooMuchText, build_forms, not_editable_reason, save_report, tampered, who_saved
from reports.offline.layout import BY_KEY, PROPOSALS, SHEET_ORDER
from reports.offline.reader import CellError, WorkbookError, cell_text, normal_text, read_book
from targets.numbers import NumberFormatError, parse_number

HISTORY_NOTE = "Nhập từ tệp Excel"
_history_note = contextvars.ContextVar("workbook_history_note", default=None)


def _note_history(sender, history_instance, **kwargs):
    """Every history record written while a workbook is saved says so (history_change_reason)."""
    note = _history_note.get()
    if note:
        history_instance.history_change_reason = note


pre_create_historical_record.connect(_note_history, dispatch_uid="reports.offline.note_history")


@contextmanager
def noted_in_history(note: str):
    token = _history_note.set(note[:100])  # the column holds 100 characters
    try:
        yield
    finally:
        _history_note.reset(token)


# The workbook has no tick beside a note: its refusal page has one for every note asked about (browser pass 36: the
# refusal asked to tick a box only the web page has).
CONFIRM_NOTE = "đánh dấu ô xác nhận ghi chú dưới đây khi tải tệp lên lại"


def apply_workbook(request, report, upload, confirm_budgets=False, confirm_notes=False) -> bool:
    """Save the workbook `upload` into `report`, or raise WorkbookError with every reason it cannot be. False when
    the workbook holds what is saved: nothing is written, and the version stays, so other open pages stay current
    and the workbook can still be used. `confirm_budgets`, `confirm_notes`: the person ticked, on the refusal page,
    that the budgets it asked about are right, that the notes it asked about still explain the new values."""
    book = read_book(upload, upload.name)
    _check_identity(book, report)
    data, errors = _post_data(report, book)
    if confirm_budgets:
        _confirm_budgets(data, build_forms(report)["leads"])
    forms = build_forms(report, data)
    for form in forms["targets"]:
        form.confirm_note = CONFIRM_NOTE
        if confirm_notes:  # the forms read `data` when validated, below
            data[form.add_prefix("note_confirmed")] = "on"
    valid = all([form.is_valid() for form in forms.values()])  # every form, so that every error is found
    errors += _form_errors(forms, book)
    if errors or not valid:
        refused = WorkbookError(
            [str(error) for error in sorted(errors)] or ["Tệp không khớp với báo cáo: tải tệp mới."]
        )
        refused.asks_budget_confirmation = any(form.budget_to_confirm is not None for form in forms["leads"])
        refused.asks_note_confirmation = any(form.note_to_confirm for form in forms["targets"])
        raise refused
    if tampered(forms):
        raise WorkbookError(["Tệp không khớp với báo cáo hiện tại: tải tệp mới từ trang báo cáo."])
    if not _changes_anything(forms):
        return False
    with noted_in_history(f"{HISTORY_NOTE} “{upload.name[:60]}”"), transaction.atomic():
        try:
            saved = save_report(report, forms, by=request.user, version=book.version)
        except TooMuchText as exc:
            raise WorkbookError([str(exc)]) from exc
        if not saved:  # saved, sent or approved meanwhile
            raise WorkbookError([_stale_message(report) if report.is_editable else _refusal(report)])
    return True


def _changes_anything(forms) -> bool:
    """Whether saving `forms` would write anything: the conditions under which the page's save writes."""
    if forms["report"].has_changed() or forms["proposals"].has_changed():
        return True
    for name in ("leads", "coordinating", "targets"):
        for form in forms[name]:
            if form.has_changed():
                return True
            if name == "targets" and (
                form.value_year != form.instance.value_year
                or (form.instance.value is not None and form.instance.as_of is None)
            ):
                return True
    return False


def _confirm_budgets(data, leads) -> None:
    """Each budget of the workbook confirmed as typed, as ticking "Đúng, tôi nhập … đồng" on the page does."""
    for form in leads:
        try:
            number = parse_number(data.get(form.add_prefix("budget_used")) or "", integer=True)
        except NumberFormatError:
            continue  # the form says what is wrong with it
        if number != form.instance.budget_used:  # only a budget typed anew is asked about, and so confirmed
            data[form.add_prefix("budget_confirmed")] = str(int(number))


def _check_identity(book, report) -> None:
    if book.report_id != report.pk:
        raise WorkbookError(
            [f"Tệp này là báo cáo năm {book.year} của {book.agency_name}, không phải báo cáo năm "
             f"{report.cycle.year} của {report.agency.name}. Hãy tải lên tệp tải từ chính trang báo cáo này."]
        )  # fmt: skip
    if not report.is_editable:
        raise WorkbookError([_refusal(report)])
    if book.version != report.version:
        raise WorkbookError([_stale_message(report)])


def _refusal(report) -> str:
    return not_editable_reason(report) + " Không nhập được tệp Excel."


def _stale_message(report) -> str:
    report.refresh_from_db(fields=["version", "updated_at", "updated_by"])
    who = who_saved(report, otherwise="người khác")
    return (
        f"Báo cáo đã thay đổi sau khi tải tệp này (lần lưu gần nhất: {who}, lúc "
        f"{timezone.localtime(report.updated_at):%H:%M %d/%m/%Y}, trên web hoặc từ một tệp Excel đã tải lên, "
        "có thể chính tệp này). Tệp không được nhập để không ghi đè nội dung "
        "mới hơn. Hãy tải tệp Excel mới, chép phần bạn đã sửa sang tệp mới rồi tải lên lại."
    )


def page_data(forms) -> dict:
    """What the report page would post back untouched: every field as rendered (the evidence upload aside)."""
    data = {"version": str(forms["report"].instance.version), "difficulties": forms["report"]["difficulties"].value()}
    for key in ("leads", "coordinating", "targets", "proposals"):
        formset = forms[key]
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = str(formset.management_form[name].value())
        for form in formset.forms:
            for name, field in form.fields.items():
                value = form[name].value()
                if name in ("new_evidence", "DELETE") or (isinstance(field.widget, CheckboxInput) and not value):
                    continue
                if isinstance(field.widget, CheckboxInput):
                    data[form.add_prefix(name)] = "on"
                elif hasattr(value, "strftime"):
                    data[form.add_prefix(name)] = day_text(value)
                else:
                    data[form.add_prefix(name)] = "" if value is None else str(value)
    return data


def _post_data(report, book) -> tuple[dict, list[CellError]]:
    """The page's data with each workbook cell over the field it fills; the cells that cannot be read."""
    forms = build_forms(report)
    data, errors = page_data(forms), []
    rows = {key: {} for key in ("leads", "coordinating", "targets", "qualitative")}
    for name in ("leads", "coordinating", "targets"):
        for form in forms[name]:
            target = getattr(form.instance, "target", None)
            key = name if target is None or not target.is_qualitative else "qualitative"
            rows[key][form.instance.pk] = (form.prefix, target.code if target else form.instance.section.code)
    rows["report"] = {report.pk: ("", None)}
    for key, placed in book.rows.items():
        if key == "proposals":
            continue
        sheet = BY_KEY[key]
        for row, pk in placed:
            prefix, code = rows[key].get(pk, (None, None))
            cells = book.cells[key][row]
            if prefix is None:
                errors.append(_error(sheet, row, "A", "dòng này không còn trong báo cáo: tải tệp mới."))
            elif code is not None and _code(cells) != code:
                errors.append(_error(sheet, row, "A", _moved(_code(cells), code)))
            else:
                errors += _fill(data, prefix, sheet, row, cells)
    errors += _proposal_data(data, forms["proposals"], book)
    return data, errors


def _code(cells):
    return getattr(cells[0], "value", None) if cells else None


def _moved(found, expected) -> str:
    """The row no longer holds what was downloaded there: the sheet was sorted, or rows moved, after its
    protection was taken off. Its cells would otherwise land on another task or target."""
    return (
        f"dòng này lúc tải về là của mã “{expected}”, nay là “{found or ''}”: các dòng đã bị sắp xếp lại hoặc "
        "chèn, xóa. Không đổi thứ tự dòng; tải tệp mới rồi nhập lại."
    )


def _fill(data, prefix, sheet, row, cells) -> list[CellError]:
    errors = []
    for number, column in enumerate(sheet.columns):
        cell = cells[number] if number < len(cells) else None
        if not column.is_input:
            continue
        name = f"{prefix}-{column.field}" if prefix else column.field
        try:
            text = cell_text(cell, column.kind)
        except ValueError as exc:
            errors.append(_error(sheet, row, sheet.letter(column.field), str(exc)))
            continue
        if text is None:
            data.pop(name, None)
        elif column.kind == "text" and normal_text(text) == normal_text(data.get(name) or ""):
            continue  # unchanged: keep the text exactly as stored (its line breaks, its spaces)
        else:
            data[name] = text
    return errors


def _proposal_data(data, formset, book) -> list[CellError]:
    """Existing proposals by id (an emptied one is removed, as with "Bỏ kiến nghị này"); new ones from the
    empty rows that were filled. The page's blank row is dropped."""
    existing = {form.instance.pk: form for form in formset if form.instance.pk}
    for form in formset.forms[len(existing) :]:
        for name in form.fields:
            data.pop(form.add_prefix(name), None)
    errors, new = [], []
    for row, pk in book.rows.get("proposals", []):
        cells = book.cells["proposals"][row]
        if _code(cells) != row - 1:  # the number the writer gave the row
            errors.append(_error(PROPOSALS, row, "A", _moved(_code(cells), row - 1)))
            continue
        cell = cells[1] if len(cells) > 1 else None
        try:
            text = cell_text(cell, "text")
        except ValueError as exc:
            errors.append(_error(PROPOSALS, row, "B", str(exc)))
            continue
        form = existing.get(pk)
        if pk is not None and form is None:
            errors.append(_error(PROPOSALS, row, "B", "kiến nghị này không còn trong báo cáo: tải tệp mới."))
        elif form is not None and not form.instance.response:
            if not text.strip():
                data[form.add_prefix("DELETE")] = "on"
            elif normal_text(text) != normal_text(form.instance.text):
                data[form.add_prefix("text")] = text
        elif form is None and text.strip():
            new.append((row, text))
    for index, (_row, text) in enumerate(new, start=len(existing)):
        data[f"{formset.prefix}-{index}-id"], data[f"{formset.prefix}-{index}-text"] = "", text
    data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(existing) + len(new))
    book.new_proposal_rows = [row for row, _text in new]
    return errors


def _form_errors(forms, book) -> list[CellError]:
    """The forms' errors, each at the cell of its field."""
    rows = {key: {pk: row for row, pk in placed} for key, placed in book.rows.items()}
    errors = []
    for key, form in _forms_with_sheets(forms, book):
        sheet = BY_KEY[key]
        row = rows.get(key, {}).get(form.instance.pk) if key != "report" else 2
        if key == "proposals" and form.instance.pk is None:
            index = forms["proposals"].forms.index(form) - forms["proposals"].initial_form_count()
            row = book.new_proposal_rows[index] if 0 <= index < len(book.new_proposal_rows) else None
        for name, messages in form.errors.items():
            letter = sheet.letter(name) if name != "__all__" else None
            for message in messages:
                errors.append(_error(sheet, row or 0, letter or "", message))
    for key in ("leads", "coordinating", "targets", "proposals"):
        sheet = PROPOSALS if key == "proposals" else BY_KEY[key]
        errors += [_error(sheet, 0, "", message) for message in forms[key].non_form_errors()]
    return errors


def _forms_with_sheets(forms, book):
    yield "report", forms["report"]
    for key in ("leads", "coordinating", "proposals"):
        for form in forms[key]:
            yield key, form
    for form in forms["targets"]:
        yield ("qualitative" if form.instance.target.is_qualitative else "targets"), form


def _error(sheet, row, letter, message) -> CellError:
    return CellError(SHEET_ORDER[sheet.key], row, letter or "", message, sheet)


__all__ = ["WorkbookError", "apply_workbook"]
