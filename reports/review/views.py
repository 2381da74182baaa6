"""A plan's reviewers review its reports: the queue, approve, send back, reopen, answer proposals, open cycles."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from binhson_plan.collation import vietnamese
from reports import access
from reports.cycles.opening import cycle_of, open_cycle
from reports.editing.asking import flagged_entries
from reports.editing.views import render_view
from reports.models import AgencyReport, Proposal, ReportChanged, ReportingCycle
from reports.plan_choice import choose_plan
from reports.review import workflow
from reports.review.forms import CycleDatesForm, CycleOpenForm, ProposalResponseForm, ReportDueForm, SendBackForm
from targets.import_views import import_page


def queue_choice(request):
    """/tham-dinh/: the queue of the reviewer's one plan, or the list of their plans."""
    access.require_reviewer(request)
    return choose_plan(request, access.plans_reviewed_by(request.user), "reports:queue", "Thẩm định báo cáo")


def cycles_choice(request):
    access.require_reviewer(request)
    return choose_plan(request, access.plans_reviewed_by(request.user), "reports:cycles", "Kỳ báo cáo")


def import_choice(request):
    access.require_reviewer(request)
    return choose_plan(request, access.plans_reviewed_by(request.user), "reports:import", "Nhập số liệu chỉ tiêu")


def import_values(request, slug):
    """The values' import of one plan (targets.import_views), for its reviewers."""
    return import_page(request, access.get_plan_for_user(request, slug, review=True))


def review_queue(request, slug):
    plan = access.get_plan_for_user(request, slug, review=True)
    today = timezone.localdate()
    cycle = cycle_of(plan, today.year)  # opened by an action, never by a visit
    queue = list(
        AgencyReport.objects.awaiting_review().filter(cycle__plan=plan).select_related("agency", "cycle__plan")
    )
    context = {
        "plan": plan,
        "unopened_year": today.year if cycle is None and plan.period_start <= today.year <= plan.last_year else None,
        "queue": queue,
        "jumps": flagged_entries(queue),
        "cycle": cycle,
        "reports": cycle.reports.counted().select_related("agency").order_by("state", vietnamese("agency__name"))
        if cycle
        else [],
    }
    return render(request, "reports/review_queue.html", context)


def _seen(request) -> int | None:
    """The report's version the reviewer's page showed (the forms' hidden `version`); None if the request carries
    none: it is then refused as from a page older than the report (a crafted request, or one from before the rule)."""
    posted = request.POST.get("version", "")
    return int(posted) if posted.isdigit() else None


def _changed(request, exc: ReportChanged, verb: str):
    """409: the report changed since the reviewer's page showed it; the page as it is now, to read again."""
    report = exc.report
    last = report.events.order_by("-at", "-pk").first()
    when = max((t for t in (report.updated_at, last and last.at) if t), default=None)
    now = f"hiện “{report.state_label}”" + (f", thay đổi lúc {timezone.localtime(when):%H:%M %d/%m/%Y}" if when else "")
    messages.error(
        request, f"Báo cáo đã thay đổi từ khi anh/chị mở trang ({now}): xin tải lại trang, xem nội dung mới rồi {verb}."
    )
    return render_view(request, report, status=409)


@require_POST
def approve(request, pk, slug=None):
    report = access.get_report_for_reviewer(request, pk, slug)
    try:
        workflow.approve(report, by=request.user, seen=_seen(request))
    except ReportChanged as exc:
        return _changed(request, exc, "duyệt")
    except ValidationError as exc:  # a value dated outside the window in force (workflow.approve)
        messages.error(request, exc.messages[0])
        return render_view(request, report, status=422)
    recorded = report.target_entries.exclude(value=None, qualitative_status="").exists()
    said = "; số liệu đã được ghi vào chỉ tiêu." if recorded else " (báo cáo không có số liệu chỉ tiêu)."
    messages.success(request, f"Đã duyệt báo cáo của {report.agency.name}{said}")
    return redirect("reports:queue", report.cycle.plan.slug)


@require_POST
def send_back(request, pk, slug=None):
    report = access.get_report_for_reviewer(request, pk, slug)
    form = SendBackForm(request.POST, report=report)
    if not form.is_valid():
        return render_view(request, report, send_back_form=form, status=422)
    try:
        workflow.send_back(
            report,
            by=request.user,
            reason=form.cleaned_data["reason"],
            correction_due_on=form.cleaned_data["correction_due_on"],
            seen=_seen(request),
        )
    except ReportChanged as exc:
        return _changed(request, exc, "quyết định trả lại")
    messages.success(
        request, f"Đã trả lại báo cáo của {report.agency.name} để bổ sung (hạn {report.correction_due_on:%d/%m/%Y})."
    )
    return redirect("reports:queue", report.cycle.plan.slug)


@require_POST
def set_due(request, pk, slug=None):
    """The reviewer gives a report its own due date (one a reorganisation opened late in the season); lateness is
    judged against it when the report is sent."""
    report = access.get_report_for_reviewer(request, pk, slug)
    form = ReportDueForm(request.POST, instance=report)
    if not form.is_valid():
        return render_view(request, report, due_form=form, status=422)
    if "due_on" not in form.changed_data:  # re-posted as it is: nothing to write (probe 36: a whole copy of the report
        messages.info(request, "Hạn gửi không thay đổi: không có gì được ghi.")  # into its history each time)
        return redirect(report)
    report = form.save(commit=False)
    report._history_user = request.user
    report.save(update_fields=["due_on"])
    messages.success(request, f"Hạn gửi của {report.agency.name}: {report.effective_due_on:%d/%m/%Y}.")
    return redirect(report)


@require_POST
def reopen(request, pk, slug=None):
    report = access.get_report_for_reviewer(request, pk, slug)
    form = SendBackForm(request.POST)
    if not form.is_valid():
        return render_view(request, report, send_back_form=form, status=422)
    try:
        workflow.reopen(report, by=request.user, reason=form.cleaned_data["reason"], seen=_seen(request))
    except ReportChanged as exc:
        return _changed(request, exc, "quyết định mở lại")
    messages.success(request, f"Đã mở lại báo cáo của {report.agency.name} để đơn vị chỉnh sửa.")
    return redirect(report)


@require_POST
def respond_to_proposal(request, pk, proposal_id, slug=None):
    """Only a proposal the reviewer can read: of a report sent and not returned (`access.shows_content`). One the
    agency has typed but not sent is its own: 404, as for an id that does not exist (ids are sequential)."""
    report = access.get_report_for_reviewer(request, pk, slug)
    proposal = Proposal.objects.filter(pk=proposal_id, report=report).first()
    if proposal is None or not access.shows_content(request.user, report):
        raise Http404
    if report.handed_over_at:
        messages.error(request, "Báo cáo đã chuyển giao cho cơ quan kế nhiệm: trả lời kiến nghị ở báo cáo của họ.")
        return redirect(report)
    form = ProposalResponseForm(request.POST, instance=proposal, prefix=f"p{proposal.pk}")
    if not form.is_valid():
        messages.error(request, "Chưa lưu trả lời: xem ô tô đỏ ở kiến nghị bên dưới.")
        return render_view(request, report, proposal_form=form, status=422)
    proposal = form.save(commit=False)
    proposal.responded_by, proposal.responded_at = request.user, timezone.now()
    proposal.save()
    messages.success(request, "Đã lưu trả lời kiến nghị.")
    # the page opens at the proposal, far below the message at its top: said there too (browser pass 33)
    return redirect(f"{report.get_absolute_url()}?da-tra-loi={proposal.pk}#kien-nghi-{proposal.pk}")


def cycle_list(request, slug):
    plan = access.get_plan_for_user(request, slug, review=True)
    form = CycleOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = open_cycle(plan, form.cleaned_data["year"], by=request.user, latest=timezone.localdate().year)
        except ValidationError as exc:
            form.add_error("year", exc.messages[0])
        else:
            messages.success(request, f"Đã mở kỳ báo cáo năm {cycle.year} ({cycle.reports.count()} đơn vị).")
            return redirect("reports:cycles", plan.slug)
    reporting = Count("reports", filter=Q(reports__handed_over_at__isnull=True))  # handed over: the successor's
    cycles = plan.cycles.annotate(agencies=reporting).order_by("-year")  # an aggregate drops Meta.ordering
    context = {"plan": plan, "cycles": cycles, "form": form}
    return render(request, "reports/cycle_list.html", context, status=422 if form.errors else 200)


def cycle_edit(request, pk, slug=None):
    access.require_reviewer(request)
    cycle = get_object_or_404(ReportingCycle.objects.select_related("plan"), pk=pk, **access.in_plan(slug))
    access.check_reviews(request.user, cycle.plan)
    form = CycleDatesForm(request.POST or None, instance=cycle)
    if request.method == "POST" and form.is_valid():
        cycle = form.save(commit=False)
        cycle._history_user = request.user
        cycle.save()
        messages.success(request, f"Đã lưu các mốc ngày của kỳ báo cáo năm {cycle.year}.")
        return redirect("reports:cycles", cycle.plan.slug)
    context = {"cycle": cycle, "plan": cycle.plan, "form": form}
    return render(request, "reports/cycle_edit.html", context, status=422 if form.errors else 200)
