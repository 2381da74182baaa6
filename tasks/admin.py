from django.contrib import admin

from binhson_plan.dates import DAY_FIELDS
from binhson_plan.history_admin import HistoryAdmin
from tasks.models import Assignment, Plan, ReportIssuer, Section


class ReportIssuerInline(admin.StackedInline):
    model = ReportIssuer
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    formfield_overrides = DAY_FIELDS  # binhson_plan.dates: one rule for every date
    list_display = ["slug", "title", "issuing_body", "issued_on", "period_start", "period_end", "is_active"]
    list_filter = ["is_active", "issuing_body"]
    search_fields = ["slug", "title", "number"]
    filter_horizontal = ["agencies"]
    date_hierarchy = "issued_on"
    inlines = [ReportIssuerInline]


@admin.register(ReportIssuer)
class ReportIssuerAdmin(admin.ModelAdmin):
    """Who issues and signs the consolidated report from a year on (years before the first row: the plan's own)."""

    list_display = ["plan", "from_year", "issuing_body", "place", "signer_name", "document_symbol"]
    list_filter = ["plan"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(Section)
class SectionAdmin(HistoryAdmin):  # "Lịch sử": each change's old and new wording, who, when
    list_display = ["code", "title", "kind", "plan", "is_active"]
    list_filter = ["plan", "kind", "is_active", "assignments__agency"]
    search_fields = ["code", "title", "content", "lead_text", "coordinating_text"]
    raw_id_fields = ["parent"]
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(HistoryAdmin):
    list_display = ["section", "agency", "role", "scope"]
    list_filter = ["role", "agency", "section__plan"]
    search_fields = ["section__code", "agency__name", "scope"]
    autocomplete_fields = ["agency"]
    raw_id_fields = ["section"]
