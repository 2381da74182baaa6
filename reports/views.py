"""The agency report page: agency staff fill and submit it; everyone allowed reads it."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from agencies.lineage import Lineage
from agencies.permissions import Role, has_role
from binhson_plan.upload_lock import a_print_slot, one_print_at_a_time
from reports import access
from reports.asking import entry_facts
from reports.completeness import changes_between, ensure_entries, report_snapshot
from reports.error_summary import error_summary
from reports.evidence import EXTENSIONS, safe_file_name
from reports.forms import (
    CoordinatingEntryFormSet,
    LeadEntryFormSet,
    ProposalFormSet,
    ProposalResponseForm,
    ReportDueForm,
    ReportForm,
    SendBackForm,
    TargetEntryFormSet,
)
from reports.models import (
    SHARED_STATES,
    AgencyReport,
    Evidence,
    Proposal,
    ReportAction,
    ReportingCycle,
    ReportState,
)
from targets.models import Target
from targets.status import indicator_groups
from tasks.models import Plan, ReportIssuer
from tasks.models import Role as TaskRole

logger = logging.getLogger(__name__)


def home(request):
    """After login: agency staff land on a report of an earlier year sent back to them (in January, last year's
    is still in review), else on this year's; reviewers on the review queue."""
    agency = access.user_agency(request.user)
    plan = Plan.objects.filter(is_active=True).order_by("-period_start").first()
    if agency and plan and has_role(request.user, Role.AGENCY_STAFF):
        earlier = AgencyReport.objects.filter(
            agency=agency, cycle__plan=plan, cycle__year__lt=timezone.localdate().year, state=ReportState.SENT_BACK
        ).select_related("cycle")
        waiting = next((r for r in earlier.order_by("cycle__year") if r.is_editable), None)
        if waiting:
            return redirect(waiting)
        cycle = ReportingCycle.current(plan)
        report = cycle.reports.filter(agency=agency).first()
        if report:
            return redirect(report)
    if access.is_reviewer(request.user):
        return redirect("reports:queue")
    if plan is not None and access.can_read_all(request.user):
        return redirect("reports:dashboard_home")
    if plan is None or Plan.objects.filter(is_active=True).count() > 1:
        return redirect("tasks:plan_list")
    return redirect(plan)


def my_reports(request):
    agency = access.user_agency(request.user)
    if agency is None:
        raise PermissionDenied("Tài khoản của bạn chưa gắn với đơn vị nào.")
    reports = AgencyReport.objects.for_agency(agency).select_related("cycle")
    return render(request, "reports/report_list.html", {"agency": agency, "reports": reports})


def build_forms(report, data=None, files=None):
    entries = report.task_entries.select_related("section__parent", "section__plan").prefetch_related(
        "evidence", "section__children"
    )
    forms = {
        "report": ReportForm(data, instance=report, initial={"version": report.version}),
        "leads": LeadEntryFormSet(
            data, files, queryset=entries.filter(role=TaskRole.LEAD).order_by("section__position"), prefix="lead"
        ),
        "coordinating": CoordinatingEntryFormSet(
            data, queryset=entries.filter(role=TaskRole.COORDINATING).order_by("section__position"), prefix="coord"
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
    targets = [form.instance.target for form in forms["targets"] if form.instance.target_id]
    groups = indicator_groups(targets)
    codes = dict(Target.objects.filter(pk__in={pk for g in groups.values() for pk in g}).values_list("pk", "code"))
    facts = entry_facts(report, targets)
    for form in forms["targets"]:
        if form.instance.target_id:
            form.attach(facts[form.instance.target_id])
            form.last_value = form.facts.previous(form.facts.ask.year or form.instance.value_year)
        form.shared_with = [codes[pk] for pk in groups.get(form.instance.target_id, [None])[1:]]
    return forms


def report_detail(request, pk):
    report = access.get_report_for_reader(request, pk)
    is_editor = report.agency == access.user_agency(request.user) and has_role(request.user, Role.AGENCY_STAFF)
    if request.method == "POST":
        report = access.get_report_for_editor(request, pk)
        return _save(request, report)
    if is_editor and report.is_editable:
        ensure_entries(report)
        return _render_edit(request, report, build_forms(report))
    return render_view(request, report)


def _not_editable_reason(report) -> str:
    if report.handed_over_at:
        return "Đơn vị đã kết thúc theo sắp xếp tổ chức; nội dung báo cáo đã chuyển cho cơ quan kế nhiệm."
    if report.cycle.is_locked():
        return "Kỳ báo cáo chưa mở hoặc đã khóa nhập liệu."
    return f"Báo cáo đang ở trạng thái “{report.state_label}”, không sửa được."


def _handed_from(report, events) -> list:
    """The handed-over reports of the year whose content this report received (none: no query)."""
    if not any(e.action == ReportAction.RECEIVED for e in events):
        return []
    sources = access.predecessors(report.agency)
    return list(report.cycle.reports.filter(agency__in=sources, handed_over_at__isnull=False).select_related("agency"))


def reviewer_of(report) -> str:
    """Who receives and reviews the report: the reviewing body of its year's issuer (tasks.ReportIssuer)."""
    return ReportIssuer.for_year(report.cycle.plan, report.cycle.year).reviewer_name


def _returned_by(report) -> dict:
    """The reviewing body that sent back or reopened the report, for its reason's heading (a query only then)."""
    return {"reviewer_name": reviewer_of(report)} if report.state == ReportState.SENT_BACK else {}


def _since_returned(report, events) -> dict | None:
    """For a report sent back (or reopened): when, and which fields the agency has changed since, so the page
    says what the district's request still waits for instead of "đủ nội dung"."""
    if report.state != ReportState.SENT_BACK:
        return None
    returned = next((e for e in events if e.action in (ReportAction.SENT_BACK, ReportAction.REOPENED)), None)
    if returned is None:
        return None

    def lines(snapshot):  # texts saved before line breaks were stored as one character compare equal
        return {label: str(value).replace("\r\n", "\n") for label, value in snapshot.items()}

    changed = changes_between(lines(returned.snapshot), lines(report_snapshot(report)))
    return {"event": returned, "changed": [label for label, _old, _new in changed]}


def _render_edit(request, report, forms, conflict=None, status=200, read_only=False, errors=None):
    events = list(report.events.select_related("by").order_by("-at", "-pk"))
    context = {
        "report": report,
        "forms": forms,
        "conflict": conflict,
        "read_only": read_only,
        "errors": errors or [],
        "dropped_files": bool(errors and request.FILES),
        "missing": report.missing_items(),
        "since_returned": _since_returned(report, events),
        "events": events,
        "handed_from": _handed_from(report, events),
        "history": history_page(report, request.GET.get("lich-su")),
        "evidence_limit_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        "reviewer_name": reviewer_of(report),
        "other_sent_back": AgencyReport.objects.for_agency(report.agency)
        .filter(state=ReportState.SENT_BACK)
        .exclude(pk=report.pk)
        .select_related("cycle"),
    }
    return render(request, "reports/report_edit.html", context, status=status)


def _save(request, report):
    forms = build_forms(report, request.POST, request.FILES)
    if _tampered(forms):  # first: a form naming another report's rows is not validated, nor shown back
        return render(
            request, "400.html", {"message": "Dữ liệu gửi lên không khớp với báo cáo. Xin tải lại trang."}, status=400
        )
    if not report.is_editable:
        return _refused(request, report, forms)
    if not all(form.is_valid() for form in forms.values()):  # every error listed at the top, each linked
        return _render_edit(request, report, forms, status=422, errors=error_summary(forms))
    with transaction.atomic():
        saved = report.claim_version(forms["report"].cleaned_data["version"], request.user)
        if saved:
            _save_forms(request, report, forms)
    if not saved:
        return _conflict(request, report)
    saved_at = f"{timezone.localtime():%H:%M}"
    if request.POST.get("action") != "submit":
        messages.success(request, f"Đã lưu nháp lúc {saved_at}.")
        return redirect(report)
    try:  # one message, whatever happens: saved and sent, or saved but not sent and why
        report.submit(by=request.user)
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
        _not_editable_reason(report) + " Nội dung bạn vừa nhập chưa được lưu, vẫn còn bên dưới để sao chép.",
    )
    return _render_edit(request, report, forms, status=409, read_only=True)


def _tampered(forms) -> bool:
    """A form the page could not have sent: broken counters, unknown rows, a missing version."""
    if "version" in forms["report"].errors or not forms["report"]["version"].value():
        return True
    for name in ("leads", "coordinating", "targets", "proposals"):
        formset = forms[name]
        if not formset.management_form.is_valid():
            return True
        if name != "proposals" and any(form.instance.pk is None for form in formset.forms):
            return True
    # A proposal row naming another report's proposal. (One deleted meanwhile by a colleague is not
    # tampering: the version check then shows this person's text back.)
    unknown = [str(f["id"].value()) for f in forms["proposals"].forms if f["id"].value() and f.instance.pk is None]
    if any(not (pk.isascii() and pk.isdigit()) for pk in unknown):
        return True
    return Proposal.objects.filter(pk__in=unknown).exclude(report=forms["report"].instance).exists()


def _save_forms(request, report, forms):
    report_form = forms["report"]
    if report_form.has_changed():
        report_form.save()
    for name in ("leads", "coordinating", "targets"):
        for form in forms[name]:
            moved = name == "targets" and form.value_year != form.instance.value_year
            if moved:  # typed for the year the report asks for (reports.asking)
                form.instance.value_year = form.value_year
            if name == "targets" and form.instance.value is not None and form.instance.as_of is None:
                form.instance.as_of = report.cycle.default_as_of(form.instance.value_year)  # unless told otherwise
                form.save()
            elif form.has_changed() or moved:
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
                uploaded_by=request.user,
            )
    proposals = [p for p in forms["proposals"].save(commit=False) if not p.response]
    for proposal in forms["proposals"].deleted_objects:
        if not proposal.response:  # an answered proposal stays, with its answer
            proposal.delete()
    for position, proposal in enumerate(proposals, start=report.proposals.count()):
        proposal.report = report
        if proposal.pk is None:
            proposal.position = position
        proposal.save()


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
    who = report.updated_by.get_full_name() or report.updated_by.username if report.updated_by else "Người khác"
    conflict = {"who": who, "when": timezone.localtime(report.updated_at)}
    return _render_edit(request, report, forms, conflict=conflict, status=409)


def render_view(request, report, send_back_form=None, status=200, proposal_form=None, due_form=None):
    """The report read-only, with its review panel for reviewers. Someone outside the agency reading a report not
    sent (or sent back) sees that it exists, its state and what happened to it, not what it says
    (`access.shows_content`); of a sent-back report, the content as it was sent."""
    if not access.shows_content(request.user, report):
        return _render_unsent(request, report, status, due_form)
    submissions = [e for e in report.events.select_related("by") if e.action == ReportAction.SUBMITTED]
    changes = changes_between(submissions[-2].snapshot, submissions[-1].snapshot) if len(submissions) > 1 else None
    reviewer = access.is_reviewer(request.user)
    events = list(report.events.select_related("by").order_by("-at", "-pk"))
    context = {
        "report": report,
        "events": events,
        "handed_from": _handed_from(report, events),
        "approval": next((e for e in events if e.action == ReportAction.APPROVED), None)
        if report.state == ReportState.APPROVED
        else None,
        "lead_entries": report.task_entries.filter(role=TaskRole.LEAD)
        .select_related("section__plan", "section__parent")
        .prefetch_related("evidence")
        .order_by("section__position"),
        "coordinating_entries": report.task_entries.filter(role=TaskRole.COORDINATING)
        .select_related("section__plan", "section__parent")
        .order_by("section__position"),
        "target_entries": target_rows(report),
        "proposals": report.proposals.select_related("responded_by"),
        "proposal_forms": {p.pk: ProposalResponseForm(instance=p, prefix=f"p{p.pk}") for p in report.proposals.all()}
        if reviewer
        else {},
        "changes": changes,
        "is_reviewer": reviewer,
        "send_back_form": send_back_form or SendBackForm(report=report),
        "due_form": due_form or (ReportDueForm(instance=report) if reviewer else None),
        "history": history_page(report, request.GET.get("lich-su")),
        **_returned_by(report),
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
        "due_form": due_form or (ReportDueForm(instance=report) if access.is_reviewer(request.user) else None),
        "sent": sent,
        "sent_content": [(label, value) for label, value in sent.snapshot.items() if value] if sent else [],
        # the changes up to the last time it was sent: what was typed since is the agency's own
        "history": history_page(report, request.GET.get("lich-su"), until=sent.at) if sent else None,
        **_returned_by(report),
    }
    return render(request, "reports/report_view.html", context, status=status)


def target_rows(report) -> list[dict]:
    """Each target entry with the year its value is for, the value of the year before, and why the value
    needs a word of explanation if it jumps (targets.plausibility), for the read-only page."""
    entries = list(report.target_entries.select_related("target__plan").order_by("target__position"))
    facts = entry_facts(report, [entry.target for entry in entries])
    rows = []
    for entry in entries:
        known = facts[entry.target_id]
        counts = known.counts(entry)
        rows.append({
            "entry": entry, "ask": known.ask, "counts": counts, "previous": known.previous(entry.value_year),
            "jumps": known.jumps(entry.value_year, entry.value) if counts else [],
        })  # fmt: skip
    return rows


def history_page(report, number, until=None):
    """One page of the field-level changes to the report and its entries, newest first (django-simple-history);
    with `until`, only those made by then."""
    from reports.history import history_page

    return history_page(report, number, until)


def evidence_download(request, pk, evidence_id):
    report = access.get_report_content_for_reader(request, pk)
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
def evidence_delete(request, pk, evidence_id):
    report = access.get_report_for_editor(request, pk)
    if not report.is_editable:
        raise PermissionDenied("Báo cáo này không sửa được nữa.")
    evidence = get_object_or_404(Evidence, pk=evidence_id, entry__report=report)
    with transaction.atomic():  # a change to the report like a save: claimed as one (sent or approved meanwhile)
        claimed = report.claim_version(report.version, request.user)
        if claimed:
            evidence._history_user = request.user
            evidence.delete()
    if not claimed and not report.is_editable:
        raise PermissionDenied(_not_editable_reason(report) + " Minh chứng chưa được gỡ.")
    if not claimed:
        messages.error(request, f"Báo cáo vừa được lưu ở nơi khác; minh chứng “{evidence.original_name}” chưa được gỡ.")
        return redirect(report)
    messages.success(request, f"Đã gỡ minh chứng “{evidence.original_name}”.")
    return redirect(report)


PRINTED_AT = "@@ban-in-luc@@"  # stands for the minute a print is drawn in the HTML its cache key is taken from
PRINT_BUSY_ACCOUNT = "Bản in đang được tạo, xin chờ ít giây rồi tải lại."
PRINT_BUSY_SERVER = "Máy chủ đang bận tạo các bản in khác, xin chờ ít giây rồi tải lại."


TOO_SLOW = "qua-lau"  # kept in the cache in place of a PDF that could not be drawn in time
TOO_SLOW_SECONDS = 600  # for ten minutes: a retry at once is refused without drawing again


def _too_slow() -> str:
    from targets.templatetags.plan_format import vn_number

    return f"chưa dàn trang xong sau {vn_number(settings.PRINT_DRAW_SECONDS)} giây"


def _too_long_to_print(request, report, reason: str, retry: bool = False):
    later = " Nếu máy chủ đang bận, có thể in lại sau ít phút." if retry else ""
    message = (
        f"Báo cáo dài hơn mức in trực tiếp trên cổng ({reason}). Hãy tải tệp Excel của báo cáo (mục “Tệp Excel "
        f"của báo cáo” trên trang báo cáo), hoặc rút gọn các đoạn dài rồi in lại.{later}"
    )
    return _print_busy(request, report, message, 413, heading="Báo cáo quá dài để in trên cổng")


def _print_busy(request, report, message, status, heading="Bản in chưa tạo được"):
    """A print refused, never a 500: the account's other print is being drawn (429), every slot for drawing is held
    by other accounts' prints (503), or the report is too long to draw within a request (413)."""
    context = {"report": report, "heading": heading, "message": message}
    response = render(request, "reports/print_busy.html", context, status=status)
    response["Retry-After"] = "10"
    return response


def report_pdf(request, pk):
    """The agency's report in the official layout, with its own name under the district's."""
    import hashlib

    from django.core.cache import cache
    from django.http import HttpResponse
    from django.template.loader import render_to_string

    from binhson_plan.longtext import NOTE_IN_TABLE, PRINT_CACHE_SECONDS, laid_out_lines
    from reports.pdf import DrawTooSlow, agency_heading, document_date, render_pdf
    from targets.templatetags.plan_format import vn_number

    report = access.get_report_content_for_reader(request, pk)
    plan = report.cycle.plan
    year, step = report.cycle.year, Lineage.load().ended.get(report.agency_id)
    if step and step.effective_on <= report.cycle.due_on:  # ended before its year was reported: the body of its time
        year = plan.first_year_after(step.effective_on) - 1
    issuer = ReportIssuer.for_year(plan, year)  # the body the agency's reports went to
    line1, line2, superior = agency_heading(report.agency, issuer, plan)
    # a report sent is dated the day it was (last) sent, even printed a year later; a draft, or a report back with its
    # agency for corrections (its edits not sent again), the day it is printed
    sent = report.state in SHARED_STATES and report.submitted_at
    dated = timezone.localdate(report.submitted_at) if sent else timezone.localdate()
    context = {
        "report": report,
        "year": report.cycle.year,
        "issuer_line1": line1,
        "issuer_line2": line2,
        "number": f"…/BC-{report.agency.document_symbol}",
        "place_date": f"{issuer.place}, {document_date(dated)}",
        "printed_at": PRINTED_AT,  # put in after the key is taken: the minute printed is no part of the content
        "subject": f"Kết quả thực hiện năm {report.cycle.year} các nhiệm vụ được giao tại Kế hoạch "
        f"{plan.title[0].lower()}{plan.title[1:]}",
        "addressee": issuer.issuing_body,
        "leads": report.task_entries.filter(role=TaskRole.LEAD)
        .select_related("section__plan", "section__parent")
        .order_by("section__position"),
        "coordinating": report.task_entries.filter(role=TaskRole.COORDINATING)
        .select_related("section__plan", "section__parent")
        .order_by("section__position"),
        "targets": report.target_entries.select_related("target__plan").order_by("target__position"),
        "proposals": report.proposals.all(),
        "recipients": [issuer.issuing_body + ("" if issuer.pk else " (qua Văn phòng huyện)"), "Lưu: VT"],
        "signer_position": "THỦ TRƯỞNG ĐƠN VỊ",
        "signer_name": "",
        "superior_line": superior,
        "note_in_table": NOTE_IN_TABLE,
    }
    html = render_to_string("reports/pdf/agency.html", context)
    # A print repeated costs nothing: the PDF is kept under the digest of its HTML without the minute of "Bản in lúc"
    # (a report not yet approved), so it changes with what the report says (its text, state, the plan, the date it
    # is dated) and not with the clock. A PDF taken from the cache states the minute it was drawn, not the minute it
    # was fetched: the content is the same. The HTML is what this reader may see, so the PDF kept for it is too.
    key = f"in-bao-cao:{hashlib.sha256(html.encode()).hexdigest()}"
    pdf = cache.get(key)  # the PDF, or TOO_SLOW where drawing this content ran out of time before
    if pdf is None and (lines := laid_out_lines(html)) > settings.PRINT_MAX_LINES:
        # drawing costs time with the lines laid out: a report far past any real one (each field at its limit, fifty
        # long proposals, thousands of short lines) would hold a worker past gunicorn's timeout; its workbook holds
        # every word
        reason = (f"khoảng {vn_number(lines)} dòng, khoảng {vn_number(lines // 45)} trang; tối đa "
                  f"{vn_number(settings.PRINT_MAX_LINES)} dòng")  # fmt: skip
        return _too_long_to_print(request, report, reason)
    if pdf is None:
        # Drawn inside the request, stopped after PRINT_DRAW_SECONDS: one print at a time per account, and at most
        # PRINT_CONCURRENT_DRAWS across accounts, so prints never hold every gunicorn worker (issue 17).
        with one_print_at_a_time(request.user) as mine:
            if not mine:
                return _print_busy(request, report, PRINT_BUSY_ACCOUNT, 429)
            with a_print_slot() as slot:
                if not slot:
                    return _print_busy(request, report, PRINT_BUSY_SERVER, 503)
                pdf = cache.get(key)  # drawn meanwhile by another account's print of the same content
                if pdf is None:
                    try:
                        pdf = render_pdf(html.replace(PRINTED_AT, f"{timezone.localtime():%H:%M %d/%m/%Y}"),
                                         seconds=settings.PRINT_DRAW_SECONDS)  # fmt: skip
                    except DrawTooSlow:
                        # scripts and symbols that are slow to lay out (the fifth probe), or a server too busy: kept
                        # a while, so that trying again at once does not spend the time again
                        cache.set(key, TOO_SLOW, TOO_SLOW_SECONDS)
                        return _too_long_to_print(request, report, _too_slow(), retry=True)
                    cache.set(key, pdf, PRINT_CACHE_SECONDS)
    if pdf == TOO_SLOW:
        return _too_long_to_print(request, report, _too_slow(), retry=True)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bao-cao-{report.cycle.year}-{report.agency.code}.pdf"'
    return response
