from django.contrib import admin

from targets.models import Assessment, Target, TargetValue


class TargetValueInline(admin.TabularInline):
    model = TargetValue
    extra = 0
    readonly_fields = ["recorded_at", "recorded_by"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
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
    list_filter = ["plan", "horizon", "kind", "responsible_agency", "is_active"]
    search_fields = ["code", "name", "statement"]
    autocomplete_fields = ["responsible_agency"]
    raw_id_fields = ["parent", "section"]
    inlines = [TargetValueInline]


@admin.register(TargetValue)
class TargetValueAdmin(admin.ModelAdmin):
    list_display = ["target", "year", "value", "as_of", "is_estimate", "source", "recorded_at"]
    list_filter = ["year", "is_estimate", "target__plan"]
    search_fields = ["target__code", "target__name", "source"]
    raw_id_fields = ["target"]
    readonly_fields = ["recorded_at", "recorded_by"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["target", "year", "status", "is_current", "source_report", "recorded_at"]
    list_filter = ["year", "status", "is_current"]
    search_fields = ["target__code", "target__name"]
    raw_id_fields = ["target", "source_report"]
    readonly_fields = ["recorded_at", "recorded_by"]
