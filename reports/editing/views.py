"""The agency report page: agency staff fill and submit it (reports.editing.saving); everyone allowed reads it."""

import copy
import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from agencies.permissions import Role, account_of, has_role
from binhson_plan.middleware import counts_its_own_writes
from binhson_plan.upload_lock import a_print_slot, one_upload_at_a_time
from reports import access
from reports.cycles.opening import cycle_of
from reports.editing.asking import entry_facts
from reports.editing.completeness import changes_between, marked_changes, missing_items
from reports.editing.error_summary import error_summary
from reports.editing.evidence import EXTENSIONS, checks_within_budget, safe_file_name
from reports.editing.history import history_page
from reports.editing.saving import (
    TooMuchText,
    build_forms,
    displayed,
    not_editable_reason,
    save_report,
    tampered,
    who_saved,
)
from reports.models import AgencyReport, Evidence, ReportAction, ReportState, snapshot
from reports.review import workflow
from reports.review.forms import ProposalResponseForm, ReportDueForm, SendBackForm
from tasks.models import Plan, ReportIssuer

logger = logging.getLogger(__name__)


def home(request):
    """After login: agency staff land on a report of an earlier year sent back to them (in January, last year's
    is still in review), else on this year's (the list of their reports when they have one in several plans);
    reviewers on the review queue (of their plan, or the list of their plans)."""
    agency = access.user_agency(request.user)
    plans = list(Plan.objects.filter(is_active=True))
    if agency and plans and has_role(request.user, Role.AGENCY_STAFF):
        year = timezone.localdate().year
        earlier = AgencyReport.objects.filter(
            agency=agency, cycle__plan__is_active=True, cycle__year__lt=year, state=ReportState.SENT_BACK
        ).select_related("cycle__plan")
        waiting = next((r for r in earlier.order_by("cycle__year", "pk") if r.is_editable), None)
        if waiting:
            return redirect(waiting)
        # opened by a reviewer or on its date, never by a visit
        current = list(AgencyReport.objects.filter(agency=agency, cycle__plan__is_active=True, cycle__year=year))
        if len(current) == 1:
            return redirect(current[0])
        if len(current) > 1:
            return redirect("reports:mine")
        unopened = [p for p in plans if p.period_start <= year <= p.last_year and cycle_of(p, year) is None]
        if len(plans) == 1 and unopened:
            opener = ReportIssuer.for_year(plans[0], year).reviewer_name
            messages.info(request, f"Kỳ báo cáo năm {year} chưa mở. Khi {opener} mở kỳ, báo cáo năm {year} "
                          "của đơn vị sẽ có ở đây.")  # fmt: skip
    if access.is_reviewer(request.user):
        reviewed = list(access.plans_reviewed_by(request.user)[:2])
        return redirect("reports:queue", reviewed[0].slug) if len(reviewed) == 1 else redirect("reports:queue_choice")
    if access.can_read_all(request.user):
        return redirect("reports:dashboard_home")
    if len(plans) != 1:
        return redirect("tasks:plan_list")
    return redirect(plans[0])


def my_reports(request):
    agency = access.user_agency(request.user)
    if agency is None:
        raise PermissionDenied(f"Báo cáo của đơn vị dành cho cán bộ đơn vị; {account_of(request.user)}.")
    # every plan the agency has a part in, one row per plan and year, in a fixed number of queries
    reports = list(
        AgencyReport.objects.for_agency(agency).filter(cycle__plan__is_active=True).select_related("cycle__plan")
    )
    sent_back = [r for r in reports if r.state == ReportState.SENT_BACK]  # each notice names its plan
    return render(request, "reports/report_list.html", {"agency": agency, "reports": reports, "sent_back": sent_back})


@counts_its_own_writes  # a save past the day's text says so next to the field (saving.within_text_allowance)
def report_detail(request, pk, slug=None):
    report = access.get_report_for_reader(request, pk, slug)
    is_editor = access.is_own_staff(request.user, report)
    if request.method == "POST":
        return _save(request, access.check_editor(request, report))
    if (
        is_editor and report.is_editable
    ):  # its entries were made with it (reports.cycles.opening): a read writes nothing
        return _render_edit(request, report, build_forms(report))
    return render_view(request, report)


def _handed_from(report, events) -> list:
    """The handed-over reports of the year whose content this report received (none: no query)."""
    if not any(e.action == ReportAction.RECEIVED for e in events):
        return []
    sources = access.predecessors(report.agency)
    return list(report.cycle.reports.handed_over().filter(agency__in=sources).select_related("agency"))


def reviewer_of(report) -> str:
    """Who receives and reviews the report: the reviewing body of its year's issuer (tasks.ReportIssuer)."""
    return ReportIssuer.for_year(report.cycle.plan, report.cycle.year).reviewer_name


def _returned_by(report) -> dict:
    """The reviewing body that approved, sent back or reopened the report, for the heading of its approval or its
    reason (a query only then)."""
    acted = report.state in (ReportState.SENT_BACK, ReportState.APPROVED)
    return {"reviewer_name": reviewer_of(report)} if acted else {}


def _saved_content(report, forms) -> tuple:
    """The report and its entries and proposals as saved, read once for what the page lists as missing and changed.
    A page opened (unbound forms) has just read them for its forms: those are used; forms bound to a post hold what
    was typed (the report's form put it on the report itself), so the saved ones are read afresh: a save refused
    must not list what it did not save as changed (browser pass 33)."""
    if not forms["report"].is_bound:
        return report, {
            "task_entries": [f.instance for name in ("leads", "coordinating") for f in forms[name]],
            "target_entries": [f.instance for f in forms["targets"]],
            "proposals": [f.instance for f in forms["proposals"] if f.instance.pk],
        }
    saved = copy.copy(report)
    saved.difficulties = AgencyReport.objects.values_list("difficulties", flat=True).get(pk=report.pk)
    return saved, {
        "task_entries": list(report.task_entries.select_related("section").prefetch_related("evidence")),
        "target_entries": list(report.target_entries.select_related("target")),
        "proposals": list(report.proposals.all()),
    }


def _since_returned(report, events, content=None) -> dict | None:
    """For a report sent back (or reopened): when, and which fields the agency has changed since, so the page
    says what the district's request still waits for instead of "đủ nội dung"."""
    if report.state != ReportState.SENT_BACK:
        return None
    returned = next((e for e in events if e.action in (ReportAction.SENT_BACK, ReportAction.REOPENED)), None)
    if returned is None:
        return None

    def lines(snapshot):  # texts saved before line breaks were stored as one character compare equal
        return {label: str(value).replace("\r\n", "\n") for label, value in snapshot.items()}

    changed = changes_between(lines(returned.snapshot), lines(snapshot(report, **(content or {}))))
    return {"event": returned, "changed": [label for label, _old, _new in changed]}


def _render_edit(request, report, forms, conflict=None, status=200, read_only=False, errors=None, dropped_files=None):
    displayed(forms)  # a post shown back: its files and task texts, read now
    events = list(report.events.select_related("by").order_by("-at", "-pk"))
    saved, content = _saved_content(report, forms)
    facts = {f.instance.target_id: f.facts for f in forms["targets"] if f.facts}
    context = {
        "report": report,
        "forms": forms,
        "conflict": conflict,
        "read_only": read_only,
        "errors": errors or [],
        "dropped_files": bool(errors and request.FILES) if dropped_files is None else dropped_files,
        "missing": missing_items(
            saved, facts, task_entries=content["task_entries"], target_entries=content["target_entries"]
        ),
        "since_returned": _since_returned(saved, events, content),
        "events": events,
        "handed_from": _handed_from(report, events),
        "history": _history_asked(request, report),
        "evidence_limit_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        "reviewer_name": reviewer_of(report),
        # a plan's page speaks of that plan only: another plan's are in the list of the agency's reports
        "other_sent_back": AgencyReport.objects.for_agency(report.agency)
        .filter(state=ReportState.SENT_BACK, cycle__plan=report.cycle.plan_id)
        .exclude(pk=report.pk)
        .select_related("cycle__plan"),
    }
    return render(request, "reports/report_edit.html", context, status=status)


def _save(request, report):
    """A save with files takes the account's upload lock (one such save, or workbook upload, of an account at a time:
    27th probe) and checks its files within one budget of time (evidence.checks_within_budget)."""
    if not request.FILES:
        return _save_checked(request, report)
    with one_upload_at_a_time(request.user) as mine:
        if not mine:
            return _files_busy(request, report, mine)
        with a_print_slot() as slot:  # at most PRINT_CONCURRENT_DRAWS heavy works at once, over all accounts
            if not slot:
                return _files_busy(request, report, server=True)
            with checks_within_budget():
                return _save_checked(request, report)


def _files_busy(request, report, turn=None, server=False):
    """Another save with files, or a workbook upload, of the account is being checked, or the account used its
    allowance of heavy work (`turn`, 429), or every slot for heavy work is held by other accounts (`server`, 503):
    nothing saved, what was typed shown back (the files to be chosen again)."""
    forms = build_forms(report, request.POST, None)
    if tampered(forms):
        return render(
            request, "400.html", {"message": "Dữ liệu gửi lên không khớp với báo cáo. Xin tải lại trang."}, status=400
        )
    for form in forms.values():
        form.is_valid()
    if turn is not None and turn.renewed_at is not None:
        wait = max(1, int((turn.renewed_at - timezone.localtime()).total_seconds()))
        message = (f"Chưa lưu: {turn.why('')} Nội dung vừa nhập vẫn còn bên dưới: bỏ các tệp đính kèm thì lưu được "
                   "ngay, các tệp thì chọn lại và lưu sau.")  # fmt: skip
    else:
        wait = 5
        why = (
            "máy chủ đang kiểm tra tệp của những người khác"
            if server
            else "một lần lưu khác có tệp đính kèm của anh/chị đang được kiểm tra"
        )
        message = f"Chưa lưu: {why}. Nội dung vừa nhập vẫn còn bên dưới; chờ ít giây, chọn lại tệp rồi lưu lại."
    messages.error(request, message)
    response = _render_edit(
        request, report, forms, status=503 if server else 429, errors=error_summary(forms), dropped_files=True
    )
    response["Retry-After"] = str(wait)
    return response


def _save_checked(request, report):
    forms = build_forms(report, request.POST, request.FILES)
    if tampered(forms):  # first: a form naming another report's rows is not validated, nor shown back
        return render(
            request, "400.html", {"message": "Dữ liệu gửi lên không khớp với báo cáo. Xin tải lại trang."}, status=400
        )
    if not report.is_editable:
        return _refused(request, report, forms)
    if not all(form.is_valid() for form in forms.values()):  # every error listed at the top, each linked
        return _render_edit(request, report, forms, status=422, errors=error_summary(forms))
    try:
        if not save_report(report, forms, by=request.user, version=forms["report"].cleaned_data["version"]):
            return _conflict(request, report)
    except TooMuchText as exc:
        messages.error(request, f"{exc} Nội dung vừa nhập vẫn còn bên dưới.")
        return _render_edit(request, report, forms, status=429, errors=error_summary(forms))
    saved_at = f"{timezone.localtime():%H:%M}"
    if request.POST.get("action") != "submit":
        messages.success(request, f"Đã lưu nháp lúc {saved_at}.")
        return redirect(report)
    try:  # one message, whatever happens: saved and sent, or saved but not sent and why
        workflow.submit(report, by=request.user)
    except ValidationError:
        messages.error(
            request, f"Đã lưu nháp lúc {saved_at}. Chưa gửi được: báo cáo còn thiếu các nội dung liệt kê ở đầu trang."
        )
        return redirect(report)
    except PermissionDenied as exc:
        messages.error(request, f"Đã lưu nháp lúc {saved_at}. {exc}")
        return redirect(report)
    if report.resubmitted_late:  # sent again after the date set for its corrections
        late = (f" Báo cáo gửi lại sau hạn bổ sung {report.correction_due_on:%d/%m/%Y}, được ghi nhận là gửi lại muộn "
                "so với hạn bổ sung.")  # fmt: skip
    elif report.resubmitted_at:  # sent again in time: the first submission's lateness is not this one's
        due = report.correction_due_on
        late = f" Báo cáo gửi lại trong hạn bổ sung {due:%d/%m/%Y}." if due else ""
    else:
        late = " Báo cáo gửi sau hạn, được ghi nhận là gửi muộn." if report.is_late else ""
    reviewer = reviewer_of(report)
    messages.success(
        request,
        f"Đã gửi báo cáo đến {reviewer} lúc {saved_at}.{late} {reviewer} sẽ thẩm định rồi duyệt, "
        "hoặc trả lại kèm lý do để đơn vị bổ sung; đơn vị được thông báo kết quả.",
    )
    return redirect(report)


def _refused(request, report, forms):
    """Submitted, approved or handed over meanwhile, or the cycle closed: nothing is saved, and what was typed is
    shown back read-only so it can be copied."""
    for form in forms.values():
        form.is_valid()
    messages.error(
        request,
        not_editable_reason(report) + " Nội dung bạn vừa nhập chưa được lưu, vẫn còn bên dưới để sao chép.",
    )
    return _render_edit(request, report, forms, status=409, read_only=True)


def _conflict(request, report):
    """The save was refused by `claim_version`: someone saved since the page was opened, or the report's state
    changed (submitted, approved…) while this request was on its way."""
    report.refresh_from_db()
    if not report.is_editable:
        return _refused(request, report, build_forms(report, request.POST, None))
    data = request.POST.copy()
    data["version"] = report.version  # saving again, after reading the warning, keeps this person's text
    forms = build_forms(report, data, None)
    for form in forms.values():
        form.is_valid()
    who = who_saved(report, otherwise="Người khác")
    conflict = {"who": who, "when": timezone.localtime(report.updated_at)}
    return _render_edit(request, report, forms, conflict=conflict, status=409)


def render_view(request, report, send_back_form=None, status=200, proposal_form=None, due_form=None):
    """The report read-only, with its review panel for reviewers. Someone outside the agency reading a report not
    sent (or sent back) sees that it exists, its state and what happened to it, not what it says
    (`access.shows_content`); of a sent-back report, the content as it was sent."""
    if not access.shows_content(request.user, report):
        return _render_unsent(request, report, status, due_form)
    submissions = [e for e in report.events.select_related("by") if e.action == ReportAction.SUBMITTED]
    changes = None
    if len(submissions) > 1:
        changes = marked_changes(changes_between(submissions[-2].snapshot, submissions[-1].snapshot))
    reviewer = access.reviews(request.user, report.cycle.plan)
    events = list(report.events.select_related("by").order_by("-at", "-pk"))
    context = {
        "report": report,
        "events": events,
        "handed_from": _handed_from(report, events),
        "approval": next((e for e in events if e.action == ReportAction.APPROVED), None)
        if report.state == ReportState.APPROVED
        else None,
        "lead_entries": report.task_entries.leads().prefetch_related("evidence"),
        "coordinating_entries": report.task_entries.coordinating(),
        "target_entries": target_rows(report),
        "proposals": report.proposals.select_related("responded_by"),
        "proposal_forms": {p.pk: ProposalResponseForm(instance=p, prefix=f"p{p.pk}") for p in report.proposals.all()}
        if reviewer
        else {},
        "changes": changes,
        "is_reviewer": reviewer,
        "send_back_form": send_back_form or SendBackForm(report=report),
        "due_form": due_form or (ReportDueForm(instance=report) if reviewer else None),
        "history": _history_asked(request, report),
        # the reviewer's panel names the body it acts for; the heading, the body that approved or sent back
        **({"reviewer_name": reviewer_of(report)} if reviewer else _returned_by(report)),
    }
    if proposal_form is not None:
        context["proposal_forms"][proposal_form.instance.pk] = proposal_form
    return render(request, "reports/report_view.html", context, status=status)


def _render_unsent(request, report, status, due_form=None):
    events = list(report.events.select_related("by").order_by("-at", "-pk"))
    sent = next((e for e in events if e.action == ReportAction.SUBMITTED), None)  # the latest submission
    context = {
        "report": report,
        "events": events,
        "handed_from": _handed_from(report, events),
        "content_hidden": True,
        "due_form": due_form
        or (ReportDueForm(instance=report) if access.reviews(request.user, report.cycle.plan) else None),
        "sent": sent,
        "sent_content": [(label, value) for label, value in sent.snapshot.items() if value] if sent else [],
        # the changes up to the last time it was sent: what was typed since is the agency's own
        "history": _history_asked(request, report, until=sent.at) if sent else None,
        **_returned_by(report),
    }
    return render(request, "reports/report_view.html", context, status=status)


def _history_asked(request, report, until=None):
    """The page of the report's history the address asks for (`?lich-su=N`, its pages' links), shown open on the
    report page; else None: the panel is read only when opened (`report_history`), as most openings never look."""
    if "lich-su" not in request.GET:
        return None
    return history_page(report, request.GET.get("lich-su"), until=until)


def report_history(request, pk, slug=None):
    """The report's history panel alone, read when someone opens it on the report page (portal.js puts it in place;
    without script the panel's link opens the report page with it, `?lich-su=1`). The report page's checks and
    the same changes: everything to its agency and, once sent, to its readers; of a report back with its agency,
    the changes up to the last time it was sent; nothing of one never sent."""
    report = access.get_report_for_reader(request, pk, slug)
    until = None
    if not access.shows_content(request.user, report):
        sent = report.events.filter(action=ReportAction.SUBMITTED).order_by("-at", "-pk").first()
        if sent is None:
            raise PermissionDenied(access.UNSENT)
        until = sent.at
    history = history_page(report, request.GET.get("lich-su"), until=until)
    return render(request, "reports/_history.html", {"history": history, "opened": True})


def target_rows(report) -> list[dict]:
    """Each target entry with the year its value is for, the value of the year before, and why the value
    needs a word of explanation if it jumps (targets.plausibility), for the read-only page."""
    entries = list(report.target_entries.select_related("target__plan").order_by("target__position"))
    facts = entry_facts(report, [entry.target for entry in entries], kept=True)
    rows = []
    for entry in entries:
        known = facts[entry.target_id]
        counts = known.counts(entry)
        rows.append({
            "entry": entry, "ask": known.ask, "counts": counts, "previous": known.year_before(entry),
            "jumps": known.jumps(entry.value_year, entry.value) if counts else [],
        })  # fmt: skip
    return rows


def evidence_download(request, pk, evidence_id, slug=None):
    report = access.get_report_content_for_reader(request, pk, slug)
    evidence = get_object_or_404(Evidence, pk=evidence_id, entry__report=report)
    try:
        content = evidence.file.open("rb")
    except FileNotFoundError:  # recorded, but gone from the disk (a restore without the media folder…)
        logger.error("Tệp minh chứng %s (%s) không còn trên đĩa", evidence.pk, evidence.file.name)
        message = (
            f"Tệp “{evidence.original_name}” đã được ghi nhận nhưng không còn trên máy chủ. "
            "Xin báo quản trị viên khôi phục tệp, hoặc tải lên lại."
        )
        return render(request, "404.html", {"message": message}, status=404)
    # Always a download, under a name ending in the detected type's extension and with that type (a file
    # stored before issue 17 may have been named .html or .bat): the browser never opens or runs it.
    kind = evidence.content_type if evidence.content_type in EXTENSIONS else "application/octet-stream"
    response = FileResponse(
        content, as_attachment=True, filename=safe_file_name(evidence.original_name, kind), content_type=kind
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def evidence_delete(request, pk, evidence_id, slug=None):
    """Removes a file as a save does: only from the version the page showed (its form's `version`; a request
    without one is refused like one from an older page), under the same row lock. Nothing keeps the removed file:
    the history records the removal by name and never serves the file, so it leaves the disk once this commits."""
    report = access.get_report_for_editor(request, pk, slug)
    if not report.is_editable:
        raise PermissionDenied("Báo cáo này không sửa được nữa.")
    evidence = get_object_or_404(Evidence, pk=evidence_id, entry__report=report)
    posted = request.POST.get("version", "")
    seen = int(posted) if posted.isdigit() else None
    with transaction.atomic():  # a change to the report like a save: claimed as one (sent or approved meanwhile)
        claimed = seen is not None and report.claim_version(seen, request.user)
        if claimed:
            evidence._history_user = request.user
            storage, name = evidence.file.storage, evidence.file.name
            evidence.delete()
            transaction.on_commit(lambda: storage.delete(name))
    if not claimed:
        report.refresh_from_db()
    if not claimed and not report.is_editable:
        raise PermissionDenied(not_editable_reason(report) + " Minh chứng chưa được gỡ.")
    if not claimed:
        who = who_saved(report, otherwise="Người khác")
        messages.error(
            request,
            f"Chưa gỡ minh chứng “{evidence.original_name}”: báo cáo đã thay đổi từ khi bạn mở trang ({who} đã lưu "
            f"lúc {timezone.localtime(report.updated_at):%H:%M %d/%m/%Y}). Xin xem nội dung mới bên dưới, rồi gỡ "
            "lại nếu vẫn muốn.",
        )
        return _render_edit(request, report, build_forms(report), status=409)
    messages.success(request, f"Đã gỡ minh chứng “{evidence.original_name}”.")
    return redirect(report)
