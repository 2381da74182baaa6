from django.contrib import admin

from binhson_plan.dates import DAY_FIELDS
from binhson_plan.history_admin import HistoryAdmin
from province.models import ProvinceIssuer, ProvinceSummary, SummaryPart


@admin.register(ProvinceIssuer)
class ProvinceIssuerAdmin(HistoryAdmin):
    """Who issues, signs and receives the province's summary."""

    list_display = ["issuing_body", "parent_body", "place", "signer_name", "document_symbol"]


class SummaryPartInline(admin.TabularInline):
    model = SummaryPart
    extra = 0
    fields = ["plan", "ok", "error", "finished_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(ProvinceSummary)
class ProvinceSummaryAdmin(HistoryAdmin):
    formfield_overrides = DAY_FIELDS
    list_display = ["year", "version", "state", "report_date", "requested_by", "requested_at", "finished_at"]
    list_filter = ["year", "state"]
    readonly_fields = ["requested_at", "finished_at"]
    inlines = [SummaryPartInline]


@admin.register(SummaryPart)
class SummaryPartAdmin(HistoryAdmin):
    list_display = ["summary", "plan", "ok", "error", "finished_at"]
    list_filter = ["ok", "plan", "summary__year"]
