"""The district dashboard (reviewers and viewers) and its Excel exports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from agencies.lineage import Lineage
from binhson_plan.sheets import workbook
from reports import access
from reports.cycles.organisation import expected_agencies
from reports.dashboard import exports as excel
from reports.dashboard import queries
from reports.models import ReportingCycle, TaskStatus
from reports.plan_choice import choose_plan
from reports.review.reopening import approved_before_reopening
from targets.goals import STATUS_CHOICES
from tasks.models import ReportIssuer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan_and_cycle(request, slug, year):
    if not access.can_read_all(request.user):
        raise PermissionDenied(access.not_for_readers(request.user, "Bảng điều khiển"))
    plan = access.get_plan_for_user(request, slug)
    if not plan.period_start <= year <= plan.last_year:
        raise Http404("Năm ngoài thời gian của kế hoạch.")
    # only a cycle opened (by a reviewer, a command, or the nightly job on its date); looking at a year creates nothing
    cycle = ReportingCycle.objects.filter(plan=plan, year=year).first() or ReportingCycle(plan=plan, year=year)
    cycle.plan = plan  # the plan at hand, not read again (its reports' addresses carry its slug)
    return plan, cycle


def dashboard_home(request):
    """This year's dashboard of the reader's one plan, or the list of their plans."""
    if not access.can_read_all(request.user):
        raise PermissionDenied(access.not_for_readers(request.user, "Bảng điều khiển"))

    def this_year(plan):
        year = min(max(timezone.localdate().year, plan.period_start), plan.vision_year or plan.period_end)
        return reverse("reports:dashboard", args=[plan.slug, year])

    return choose_plan(request, access.plans_read_by(request.user), this_year, "Bảng điều khiển")


def _filters(request):
    return {key: request.GET.get(key, "") for key in ("status", "horizon", "agency", "task_status", "task_agency")}


def _organisation(plan, cycle, year):
    """The day whose organisation the year's pages show (its cycle's due date), and the reorganisations its reports
    were made under (a cycle closed before a reorganisation was recorded stays as it was)."""
    return {"on": cycle.due_on or plan.organisation_date(year), "lineage": Lineage.load().of_cycle(cycle)}


def _future(request, plan, year):
    """A redirect to this year's dashboard, with a word, for a year still to come (nothing to judge yet); else None."""
    this_year = timezone.localdate().year
    if year <= this_year:
        return None
    messages.info(request, f"Năm {year} chưa đến nên chưa có số liệu để đánh giá; đang hiển thị năm {this_year}.")
    return redirect("reports:dashboard", plan.slug, this_year)


def dashboard_page(request, slug, year):
    plan, cycle = _plan_and_cycle(request, slug, year)
    if later := _future(request, plan, year):
        return later
    f = _filters(request)
    organisation = _organisation(plan, cycle, year)
    unapproved = queries.unapproved_values(plan, year)
    groups = queries.target_rows(
        plan, year, f["status"], f["horizon"], f["agency"], unapproved=unapproved, **organisation
    )
    back = queries.sent_back(cycle)  # a reopened report's approved content: read once, for its tasks and proposals
    kept = approved_before_reopening(back, cache=True)
    context = {
        "pending": queries.pending_summary(groups),  # said above the targets table, as many as the marks below
        "plan": plan,
        "cycle": cycle,
        "year": year,
        "years": plan.reporting_years(),
        "summary": queries.completeness(cycle, organisation["lineage"]),
        "target_groups": groups,
        "status_counts": queries.status_counts(groups),
        # how many of those counts are a reviewer's status, not the computed one (browser pass 40: the consolidated
        # workbook's status column, counted by hand, gave other figures than the dashboard's counts)
        "overridden": sum(1 for _, rows in groups for row in rows if row.override),
        "tasks": queries.task_rows(
            plan, cycle, f["task_status"], f["task_agency"], back=back, kept=kept, **organisation
        ),
        "proposals": queries.proposals(cycle, kept=kept),
        "filters": f,
        "status_labels": STATUS_CHOICES,  # one "Đạt" for every reached milestone
        "task_statuses": TaskStatus.choices,
        "agencies": expected_agencies(plan, **organisation),  # the year's agencies
        "horizons": sorted(set(plan.targets.values_list("horizon", flat=True))),
        "query": request.GET.urlencode(),
        "reviewer_name": ReportIssuer.for_year(plan, year).reviewer_name,
    }
    return render(request, "reports/dashboard.html", context)


def dashboard_export(request, slug, year, table):
    plan, cycle = _plan_and_cycle(request, slug, year)
    if later := _future(request, plan, year):
        return later
    f = _filters(request)
    organisation = _organisation(plan, cycle, year)
    builders = {
        "tinh-hinh-bao-cao": lambda: excel.completeness_frame(queries.completeness(cycle, organisation["lineage"])),
        "chi-tieu": lambda: excel.targets_frame(
            queries.target_rows(plan, year, f["status"], f["horizon"], f["agency"], **organisation),
            year,
            reviewer=ReportIssuer.for_year(plan, year).reviewer_name,
        ),
        "nhiem-vu": lambda: excel.tasks_frame(
            queries.task_rows(plan, cycle, f["task_status"], f["task_agency"], **organisation)
        ),
        "kien-nghi": lambda: excel.proposals_frame(queries.proposals(cycle)),
    }
    if table not in builders:
        raise Http404("Không có bảng này.")
    names = {
        "tinh-hinh-bao-cao": "Tình hình báo cáo",
        "chi-tieu": "Chỉ tiêu",
        "nhiem-vu": "Nhiệm vụ",
        "kien-nghi": "Kiến nghị",
    }
    content = workbook({f"{names[table]} {year}": builders[table]()})
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-{table}-{year}.xlsx"'
    return response
