"""The reports app in Django admin. Reports, their events, entries, evidence and proposals are history:
they change only through the portal's workflow and are never deleted here (a delete would cascade
the events and orphan the evidence files)."""

from django.contrib import admin

from binhson_plan.dates import DAY_FIELDS
from binhson_plan.history_admin import HistoryAdmin
from reports.models import (
    AgencyReport,
    Evidence,
    Notification,
    PlanRole,
    Proposal,
    ReportEvent,
    ReportingCycle,
    TargetEntry,
    TaskEntry,
)
from targets.admin import KeepsHistory


@admin.register(ReportingCycle)
class ReportingCycleAdmin(HistoryAdmin):
    formfield_overrides = DAY_FIELDS  # binhson_plan.dates: one rule for every date
    list_display = ["plan", "year", "opens_on", "due_on", "data_cutoff", "locks_on"]
    list_filter = ["plan", "year"]


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "by", "at", "reason"]
    exclude = ["snapshot"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AgencyReport)
class AgencyReportAdmin(KeepsHistory, HistoryAdmin):
    """Read-only here: a report changes only through its page and its workflow methods."""

    formfield_overrides = DAY_FIELDS  # binhson_plan.dates: one rule for every date

    list_display = ["agency", "cycle", "state", "submitted_at", "is_late"]
    list_filter = ["cycle__year", "state", "is_late", "agency"]
    search_fields = ["agency__name", "difficulties"]
    inlines = [ReportEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(TaskEntry, TargetEntry, Proposal, Evidence)
class ReportContentAdmin(KeepsHistory, HistoryAdmin):
    formfield_overrides = DAY_FIELDS  # binhson_plan.dates: one rule for every date

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(KeepsHistory, admin.ModelAdmin):
    """The outbox: what was sent, and what is still pending with its last error (the sweep retries it)."""

    list_display = ["subject", "recipients", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state"]
    search_fields = ["subject", "recipients", "key"]
    readonly_fields = ["last_error"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PlanRole)
class PlanRoleAdmin(HistoryAdmin):
    """Which plans a reviewer reviews (empty plan: every plan of the province) or a viewer reads."""

    list_display = ["user", "role", "plan_or_every"]
    list_filter = ["role", "plan"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]

    @admin.display(description="kế hoạch", ordering="plan")
    def plan_or_every(self, role):
        return role.plan.title if role.plan_id else "Mọi kế hoạch của tỉnh"
