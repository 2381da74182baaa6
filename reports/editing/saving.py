"""Saving an agency report: the one way its content is written, whoever writes it (the report page, the Excel
upload, the tests). `build_forms` makes the page's forms from the report (and a post); `tampered` tells a post the
page could not have sent; `save_report` writes valid forms as one change, under the version the writer read."""

from django.db import transaction
from django.db.models import prefetch_related_objects

from binhson_plan.allowance import SAVED_TEXT, until
from binhson_plan.number_format import megabytes
from binhson_plan.written import counted_elsewhere
from reports.editing.asking import entry_facts
from reports.editing.forms import (
    CoordinatingEntryFormSet,
    LeadEntryFormSet,
    ProposalFormSet,
    ReportForm,
    TargetEntryFormSet,
)
from reports.editing.quota import EvidenceRoom
from reports.models import Evidence, Proposal
from targets.status import indicator_groups_and_codes
from tasks.models import Role

DISPLAYED = ("evidence", "section__children")  # what only the page shows of the task entries (files, task text)


def build_forms(report, data=None, files=None):
    # the lead and coordinating entries in one read, each formset given its own; a post's forms are validated and
    # saved, and shown only when refused: what only the page shows is read then (`displayed`)
    entries = report.task_entries.all() if data is not None else report.task_entries.prefetch_related(*DISPLAYED)
    rows = list(entries.select_related("section__plan", "section__parent").order_by("section__position"))
    leads = [entry for entry in rows if entry.role == Role.LEAD]
    coordinating = [entry for entry in rows if entry.role == Role.COORDINATING]
    forms = {
        "report": ReportForm(data, instance=report, initial={"version": report.version}),
        "leads": LeadEntryFormSet(data, files, queryset=entries.leads(), rows=leads, prefix="lead"),
        "coordinating": CoordinatingEntryFormSet(
            data, queryset=entries.coordinating(), rows=coordinating, prefix="coord"
        ),
        "targets": TargetEntryFormSet(
            data,
            queryset=report.target_entries.select_related("target__plan").order_by("target__position"),
            prefix="target",
        ),
        "proposals": ProposalFormSet(data, queryset=report.proposals.all(), prefix="proposal"),
    }
    # A posted row id that is not one of this report's rows leaves a form without its target: _tampered
    # refuses the whole post, so such a form only needs to get that far.
    room = EvidenceRoom(report)
    for form in forms["leads"]:
        form.room = room
    targets = [form.instance.target for form in forms["targets"] if form.instance.target_id]
    facts = entry_facts(report, targets, kept=True)  # the page's and its save's: recorded figures cached
    shared = SharedMilestones(targets)
    for form in forms["targets"]:
        if form.instance.target_id:
            form.attach(facts[form.instance.target_id])
            form.last_value = form.facts.year_before(form.instance)
        form.shared_milestones = shared
    return forms


def displayed(forms) -> None:
    """Reads what the page shows of the task entries of `forms` made from a post (`build_forms`), in two queries."""
    if not forms["report"].is_bound:
        return  # read with the forms
    rows = [form.instance for name in ("leads", "coordinating") for form in forms[name] if form.instance.pk]
    if rows:
        prefetch_related_objects(rows, *DISPLAYED)


class SharedMilestones:
    """Target id → the codes of the later milestones of its indicator, which share its values (indicator_groups):
    for the page and the workbook, read when first asked (a save that succeeds never shows them)."""

    def __init__(self, targets):
        self.targets, self.codes = targets, None

    def __call__(self, target_id) -> list[str]:
        if self.codes is None:
            groups, codes = indicator_groups_and_codes(self.targets)
            self.codes = {target: [codes[pk] for pk in group[1:]] for target, group in groups.items()}
        return self.codes.get(target_id, [])


def not_editable_reason(report) -> str:
    """Why the report cannot be changed now, in one sentence."""
    if report.handed_over_at:
        return "Đơn vị đã kết thúc theo sắp xếp tổ chức; nội dung báo cáo đã chuyển cho cơ quan kế nhiệm."
    if report.cycle.is_locked():
        return "Kỳ báo cáo chưa mở hoặc đã khóa nhập liệu."
    return f"Báo cáo đang ở trạng thái “{report.state_label}”, không sửa được."


def tampered(forms) -> bool:
    """A form the page could not have sent: broken counters, unknown rows, a missing version."""
    if "version" in forms["report"].errors or not forms["report"]["version"].value():
        return True
    for name in ("leads", "coordinating", "targets", "proposals"):
        formset = forms[name]
        if not formset.management_form.is_valid():
            return True
        if name != "proposals" and any(form.instance.pk is None for form in formset.forms):
            return True
        # each of the report's rows once, no more rows than it has (27th probe: forty rows naming the same two ids,
        # each with files, had every copy validated and its files checked one after another)
        ids = [form.instance.pk for form in formset.forms if form.instance.pk is not None]
        if len(ids) != len(set(ids)) or name != "proposals" and len(ids) != len(formset.get_queryset()):
            return True
    # A proposal row naming another report's proposal. (One deleted meanwhile by a colleague is not
    # tampering: the version check then shows this person's text back.)
    unknown = [str(f["id"].value()) for f in forms["proposals"].forms if f["id"].value() and f.instance.pk is None]
    if any(not (pk.isascii() and pk.isdigit()) for pk in unknown):
        return True
    return Proposal.objects.filter(pk__in=unknown).exclude(report=forms["report"].instance).exists()


def who_saved(report, otherwise: str) -> str:
    """The name of whoever saved the report last, for "saved meanwhile by …" (`otherwise` when unknown)."""
    user = report.updated_by
    return (user.get_full_name() or user.username) if user else otherwise


class TooMuchText(Exception):
    """The save would pass the account's allowance of text saved in a day (binhson_plan.allowance.SAVED_TEXT)."""


def save_report(report, forms, by, version: int) -> bool:
    """Write the valid `forms` into `report` as one change by `by`: False, writing nothing, when the report was saved
    or changed state since `version` was read, or may no longer be edited (`AgencyReport.claim_version`; `report`
    then holds its state afresh). TooMuchText, writing nothing, when the text it changes passes what `by` may still
    save today."""
    size = written_text(report, forms)
    within_text_allowance(by, size)
    with transaction.atomic(), counted_elsewhere():  # counted as `written_text` said, before writing
        if not report.claim_version(version, by):
            return False
        _write(report, forms, by)
    SAVED_TEXT.spend(by, size)
    return True


def within_text_allowance(by, size: int) -> None:
    """TooMuchText when writing `size` bytes of text passes what `by` may still write today."""
    if size > SAVED_TEXT.left(by):
        raise TooMuchText(
            f"Chưa lưu: hôm nay tài khoản này đã ghi {megabytes(SAVED_TEXT.used(by))} nội dung vào báo cáo, lần lưu "
            f"này thêm {megabytes(size)}, quá mức {megabytes(SAVED_TEXT.limit)} một ngày (cả một báo cáo thường dưới "
            f"0,3 MB). Xin lưu lại sau {until(SAVED_TEXT.renewed_at())}."
        )


def written_text(report, forms) -> int:
    """The bytes of text a save of the valid `forms` writes: every row it saves is written whole, each with a whole
    copy in its history (django-simple-history), its long texts included, whichever field changed (probe 33: a
    budget changed by one đồng in a loop wrote 0,35 MB of history a save): each row `_write` saves (`_saved_rows`),
    every text field of it. A save that changes nothing writes nothing (`claim_version` only updates the version)."""
    size = 0
    for form in _saved_rows(report, forms):
        size += sum(len(value.encode()) for value in form.cleaned_data.values() if isinstance(value, str))
    return size


def _saved_rows(report, forms):
    """The forms a save writes: the report's own if changed, the task and target forms changed, a target value moved
    to the year the report asks for or given its default date, a new or changed proposal (an answered one is kept
    as it is)."""
    if forms["report"].has_changed():
        yield forms["report"]
    for name in ("leads", "coordinating", "targets"):
        for form in forms[name]:
            moved = name == "targets" and form.value_year != form.instance.value_year
            dated = name == "targets" and form.instance.value is not None and form.instance.as_of is None
            if form.has_changed() or moved or dated:
                yield form
    for form in forms["proposals"].forms:
        if form.has_changed() and not form.cleaned_data.get("DELETE") and not form.instance.response:
            yield form


def _write(report, forms, by) -> None:
    saved = {id(form) for form in _saved_rows(report, forms)}  # the rows written, as written_text counted them
    if id(forms["report"]) in saved:
        forms["report"].save()
    for name in ("leads", "coordinating", "targets"):
        for form in forms[name]:
            if id(form) not in saved:
                continue
            if name == "targets" and form.value_year != form.instance.value_year:
                form.instance.value_year = form.value_year  # typed for the year the report asks for (asking.py)
            if name == "targets" and form.instance.value is not None and form.instance.as_of is None:
                form.instance.as_of = report.cycle.default_as_of(form.instance.value_year)  # unless told otherwise
            form.save()
    for form in forms["leads"]:
        upload = form.cleaned_data.get("new_evidence")
        if upload:
            Evidence.objects.create(
                entry=form.instance,
                file=upload,
                original_name=upload.name[:255],
                content_type=form.evidence_type,
                size=upload.size,
                uploaded_by=by,
            )
    proposals = [p for p in forms["proposals"].save(commit=False) if not p.response]
    for proposal in forms["proposals"].deleted_objects:
        if not proposal.response:  # an answered proposal stays, with its answer
            proposal.delete()
    first = report.proposals.count() if any(p.pk is None for p in proposals) else 0  # new ones go last
    for position, proposal in enumerate(proposals, start=first):
        proposal.report = report
        if proposal.pk is None:
            proposal.position = position
        proposal.save()
