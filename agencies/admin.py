from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils import timezone

from agencies.models import Agency, LoginLockout, Membership


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "kind", "is_active", "successor"]
    list_filter = ["kind", "is_active", "plans"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["successor"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency"]
    list_filter = ["agency"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "agency__name"]
    autocomplete_fields = ["user", "agency"]


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = True
    autocomplete_fields = ["agency"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "membership", "is_active"]
    list_filter = ["groups", "membership__agency", "is_active", "is_staff"]


@admin.register(LoginLockout)
class LoginLockoutAdmin(admin.ModelAdmin):
    """Wrong passwords by account and address. A lock ends by itself after AXES_COOLOFF_TIME; deleting the
    rows (the action below) ends it now, for instance when a person calls after mistyping."""

    list_display = ["username", "ip_address", "failures", "attempt_time", "locked"]
    list_filter = ["attempt_time"]
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    fields = ["username", "ip_address", "user_agent", "failures", "attempt_time", "path_info"]
    readonly_fields = fields
    actions = ["unlock"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # "Mở khóa" says what deleting these rows does
        return actions

    @admin.display(description="số lần sai")
    def failures(self, obj):
        return obj.failures_since_start

    @admin.display(description="đang khóa tài khoản", boolean=True)
    def locked(self, obj):
        recent = obj.attempt_time + settings.AXES_COOLOFF_TIME > timezone.now()
        return recent and obj.failures_since_start >= settings.AXES_FAILURE_LIMIT

    @admin.action(description="Mở khóa (xóa các lần đăng nhập sai đã chọn)", permissions=["delete"])
    def unlock(self, request, queryset):
        names = sorted({a.username or a.ip_address or "" for a in queryset})
        count, _ = queryset.delete()
        self.message_user(request, f"Đã mở khóa: {', '.join(names)} ({count} bản ghi).")
