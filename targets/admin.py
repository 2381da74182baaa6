"""Targets in Django admin. Values and assessments are history: read-only here and never deleted;
a correction is a new version with a reason, made on the target's correction page."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from binhson_plan.dates import DAY_FIELDS
from binhson_plan.history_admin import HistoryAdmin
from targets.models import Assessment, Indicator, StatusOverride, Target, TargetValue


class KeepsHistory:
    """No delete, and no bulk delete action either."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ReadOnly(KeepsHistory):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def correction_link(value) -> str:
    url = reverse("tasks:value_correction", args=[value.target.plan.slug, value.target.code])
    return format_html('<a href="{}?nam={}">Đính chính (ghi phiên bản mới, có lý do)</a>', url, value.year)


class TargetValueInline(ReadOnly, admin.TabularInline):
    formfield_overrides = DAY_FIELDS  # binhson_plan.dates: one rule for every date
    model = TargetValue
    extra = 0
    fields = ["year", "value", "as_of", "is_estimate", "source", "reason", "is_current", "recorded_at", "recorded_by"]
    readonly_fields = fields


PLAN_FILE_NOTE = (
    "Chỉ tiêu và mục tiêu của chỉ tiêu chỉ thay đổi qua tệp kế hoạch: sửa tệp rồi chạy "
    "python manage.py load_plan <tệp> --basis “Quyết định số … ngày …”. Mỗi thay đổi (ai, lúc nào, trước và "
    "sau, căn cứ) hiện ở mục “Lịch sử thay đổi mục tiêu” trên trang chỉ tiêu."
)


@admin.register(Target)
class TargetAdmin(ReadOnly, admin.ModelAdmin):
    """Targets come from the plan file (`load_plan`), which deactivates and never deletes them; a delete
    here would take their values with it. Read-only: a goal changed here would judge milestones anew with
    no legal basis (and be undone by the next load); it changes in the plan file, with its basis, and the
    change shows in the target's history."""

    list_display = [
        "code",
        "name",
        "horizon",
        "kind",
        "comparison",
        "value",
        "value_max",
        "unit",
        "responsible_agency",
    ]
    list_filter = ["plan", "horizon", "kind", "indicator", "responsible_agency", "is_active"]
    search_fields = ["code", "name", "statement"]
    autocomplete_fields = ["responsible_agency"]
    raw_id_fields = ["parent", "section", "indicator"]
    inlines = [TargetValueInline]

    def get_fieldsets(self, request, obj=None):
        [(name, options), *rest] = super().get_fieldsets(request, obj)
        return [(name, options | {"description": PLAN_FILE_NOTE}), *rest]


@admin.register(TargetValue)
class TargetValueAdmin(ReadOnly, admin.ModelAdmin):
    formfield_overrides = DAY_FIELDS  # binhson_plan.dates: one rule for every date
    list_display = ["target", "year", "value", "as_of", "is_estimate", "source", "is_current", "recorded_at"]
    list_filter = ["year", "is_estimate", "is_current", "target__plan"]
    search_fields = ["target__code", "target__name", "source", "reason"]
    raw_id_fields = ["target"]
    readonly_fields = ["correction"]

    @admin.display(description="Đính chính")
    def correction(self, value):
        return correction_link(value)


@admin.register(Assessment)
class AssessmentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["target", "year", "status", "is_current", "source_report", "recorded_at"]
    list_filter = ["year", "status", "is_current"]
    search_fields = ["target__code", "target__name"]
    raw_id_fields = ["target", "source_report"]


@admin.register(StatusOverride)
class StatusOverrideAdmin(ReadOnly, admin.ModelAdmin):
    """Overrides are made on the target's page by the plan's reviewers, and kept: read-only here."""

    list_display = ["target", "year", "status", "computed_status", "by", "at", "is_current"]
    list_filter = ["year", "status", "is_current"]
    search_fields = ["target__code", "target__name", "reason"]
    raw_id_fields = ["target"]


class MeasuringTargetInline(ReadOnly, admin.TabularInline):
    model = Target
    fk_name = "indicator"
    extra = 0
    fields = ["plan", "code", "name", "horizon", "unit", "measured_unit", "is_active"]
    readonly_fields = fields
    verbose_name = "chỉ tiêu đo chỉ số này"
    verbose_name_plural = "các chỉ tiêu đo chỉ số này (mỗi kế hoạch một chuỗi số liệu riêng)"
    show_change_link = True


INDICATOR_FILE_NOTE = (
    "Danh mục chỉ số của tỉnh thay đổi qua tệp binhson_plan/plans/indicators.yaml: sửa tệp rồi chạy "
    "python manage.py load_indicators. Tệp kế hoạch gắn chỉ tiêu với chỉ số bằng trường “indicator”."
)


@admin.register(Indicator)
class IndicatorAdmin(ReadOnly, HistoryAdmin):
    """The province's indicators come from the crosswalk file (`load_indicators`) and the plan files; they are
    shown here, read-only, with the targets of each plan that measure them. Never deleted: targets point to them."""

    list_display = ["code", "name", "unit", "direction", "aggregation", "listed", "target_count"]
    list_filter = ["listed", "aggregation", "direction", "targets__plan"]
    search_fields = ["code", "name", "unit", "targets__code", "targets__name"]
    inlines = [MeasuringTargetInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(target_count=Count("targets", distinct=True))

    @admin.display(description="số chỉ tiêu đo", ordering="target_count")
    def target_count(self, indicator):
        return indicator.target_count

    def get_fieldsets(self, request, obj=None):
        [(name, options), *rest] = super().get_fieldsets(request, obj)
        return [(name, options | {"description": INDICATOR_FILE_NOTE}), *rest]
