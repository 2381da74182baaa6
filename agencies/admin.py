from axes.models import AccessAttempt, AccessFailureLog
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from agencies.models import (
    Agency,
    KnownDevice,
    LoginLockout,
    Membership,
    MembershipMove,
    Reorganisation,
    ReorganisationMove,
    ReorganisationPredecessor,
    ReorganisationSuccessor,
)
from agencies.reorganising import Move, TypedReorganisation, problems, recorded, recorded_steps
from binhson_plan.dates import DAY_FIELDS
from binhson_plan.history_admin import HistoryAdmin

ENDED_MARK = " (đã kết thúc)"


class AgencyAutocomplete(AutocompleteJsonView):
    """The admin's pickers: an agency that ended in a reorganisation says so, next to its successors."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Agency) and not obj.is_active:
            result["text"] += ENDED_MARK
        return result


admin.site.autocomplete_view = lambda request: AgencyAutocomplete.as_view(admin_site=admin.site)(request)


@admin.register(Agency)
class AgencyAdmin(HistoryAdmin):  # "Lịch sử": each change's old and new values, who, when
    list_display = ["code", "name", "short_name", "kind", "is_active", "successor"]
    list_filter = ["kind", "is_active", "plans"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["successor"]

    def get_search_results(self, request, queryset, search_term):
        """In a picker, the agencies at work first; a staff member's agency is one at work (an ended one's staff
        moved to its successor)."""
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            if request.GET.get("model_name") == "membership":
                queryset = queryset.filter(is_active=True)
            queryset = queryset.order_by("-is_active", *(self.get_ordering(request) or Agency._meta.ordering))
        return queryset, duplicates


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):  # "Lịch sử": the agencies a person belonged to, who moved them, when
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


class UnlockAccountForm(forms.Form):
    username = forms.CharField(label="Tên đăng nhập", max_length=150)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise ValidationError(f"Không có tài khoản “{username}”.")
        self.user = user
        return username


def unlock_account(username: str) -> tuple[int, int]:
    """Everything that keeps an account out, from any address: its wrong passwords per address (the locks, and the
    guard of agencies.throttling) and the checked guesses its hourly budget counts (AccessFailureLog). How many of
    each were deleted. A lock of an address itself, for every account, stays: it is that address's."""
    attempts, _ = AccessAttempt.objects.filter(username=username).delete()
    guesses, _ = AccessFailureLog.objects.filter(username=username).delete()
    KnownDevice.objects.filter(username=username).update(failures=0, failed_at=None)  # its browsers' own locks
    return attempts, guesses


@admin.register(LoginLockout)
class LoginLockoutAdmin(admin.ModelAdmin):
    """Wrong passwords by account and address. A lock ends by itself after AXES_COOLOFF_TIME; deleting the
    rows (the action below) ends it now, for instance when a person calls after mistyping. "Mở khóa theo tên đăng
    nhập" unlocks one account whatever keeps it out, even with no row left to select (the hourly budget of guesses
    from new addresses outlives the lock rows: issue 17)."""

    change_list_template = "admin/agencies/loginlockout/change_list.html"

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

    def get_urls(self):
        view = self.admin_site.admin_view(self.unlock_account_view)
        return [path("mo-khoa-tai-khoan/", view, name="agencies_loginlockout_unlock_account"), *super().get_urls()]

    def unlock_account_view(self, request):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        form = UnlockAccountForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            username = form.cleaned_data["username"]
            attempts, guesses = unlock_account(username)
            said = (
                f"Mở khóa đăng nhập: xóa {attempts} bản ghi đăng nhập sai và {guesses} lần đoán mật khẩu "
                "tính vào giới hạn mỗi giờ."
            )
            self.log_change(request, form.user, said)
            self.message_user(
                request,
                f"Đã mở khóa đăng nhập cho tài khoản “{username}” ({attempts} bản ghi đăng nhập sai, {guesses} lần "
                "đoán mật khẩu trong giới hạn mỗi giờ): chủ tài khoản đăng nhập lại được từ bất kỳ máy nào.",
                messages.SUCCESS,
            )
            return redirect("admin:agencies_loginlockout_changelist")
        context = self.admin_site.each_context(request) | {
            "title": "Mở khóa đăng nhập theo tên đăng nhập",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/agencies/loginlockout/unlock_account.html", context)

    @admin.action(description="Mở khóa (xóa các lần đăng nhập sai đã chọn)", permissions=["delete"])
    def unlock(self, request, queryset):
        names = sorted({a.username or a.ip_address or "" for a in queryset})
        # the hourly budget of guesses from new addresses (agencies.throttling) renews for these accounts too
        names_typed = {a.username for a in queryset if a.username}
        AccessFailureLog.objects.filter(username__in=names_typed).delete()
        KnownDevice.objects.filter(username__in=names_typed).update(failures=0, failed_at=None)
        count, _ = queryset.delete()
        self.message_user(request, f"Đã mở khóa: {', '.join(names)} ({count} bản ghi).")


@admin.register(KnownDevice)
class KnownDeviceAdmin(admin.ModelAdmin):
    """The browsers each account signed in from (agencies.devices). Deleting a row makes that browser a stranger to
    the account again (a lost or shared PC); "Mở khóa theo tên đăng nhập" clears their wrong passwords."""

    list_display = ["username", "signed_in_at", "failures", "failed_at"]
    search_fields = ["username"]
    ordering = ["username", "-signed_in_at"]
    fields = ["username", "signed_in_at", "failures", "failed_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class _CheckedTogether(BaseInlineFormSet):
    """The predecessors, successors and moves of a reorganisation are checked together, by the last of the three
    inlines, with the rules the data file follows (agencies/reorganising.py)."""

    def __init__(self, *args, siblings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.siblings = siblings if siblings is not None else []
        self.siblings.append(self)

    def kept(self) -> list:
        """Each row as it will be saved: its cleaned data, or the stored row of a read-only inline."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if data:
                if not data.get("DELETE"):
                    rows.append(data)
            elif form.instance.pk:
                rows.append({name: getattr(form.instance, name) for name in ("agency", "is_main", "section", "target")
                             if hasattr(form.instance, name)})  # fmt: skip
        return rows


class MoveFormSet(_CheckedTogether):
    def clean(self):
        super().clean()
        r = self.instance
        if any(fs.total_error_count() for fs in self.siblings) or not r.kind or not r.effective_on:
            return  # each field's own error first
        found = {fs.model: fs.kept() for fs in self.siblings}
        successors = found.get(ReorganisationSuccessor, [])
        typed = TypedReorganisation(
            r.code, r.kind, r.effective_on,
            predecessors=[row["agency"] for row in found.get(ReorganisationPredecessor, []) if row.get("agency")],
            successors=[row["agency"] for row in successors if row.get("agency")],
            main=[row["agency"] for row in successors if row.get("agency") and row.get("is_main")],
            moves=[Move(row["agency"], row.get("section"), row.get("target")) for row in self.kept()
                   if row.get("agency")],
        )  # fmt: skip
        errors = problems(typed, recorded_steps(exclude_pk=r.pk))
        if errors:
            raise ValidationError([f"{FIELD_LABELS.get(key, key)}: {message}" for key, message in errors])


FIELD_LABELS = {
    "kind": "Hình thức",
    "predecessors": "Đơn vị trước sắp xếp",
    "successors": "Đơn vị sau sắp xếp",
    "main": "Tiếp nhận phần còn lại",
    "moves": "Nhiệm vụ, chỉ tiêu chuyển giao",
}


class _FixedOnceApplied:
    """Who came before and after cannot change once staff have moved; the moves still can."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and obj.applied_at)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.applied_at)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.applied_at)


class PredecessorInline(_FixedOnceApplied, admin.TabularInline):
    model = ReorganisationPredecessor
    formset = _CheckedTogether
    extra = 1
    autocomplete_fields = ["agency"]


class SuccessorInline(_FixedOnceApplied, admin.TabularInline):
    model = ReorganisationSuccessor
    formset = _CheckedTogether
    extra = 1
    autocomplete_fields = ["agency"]


class MoveInline(admin.TabularInline):
    model = ReorganisationMove
    formset = MoveFormSet
    extra = 1
    autocomplete_fields = ["agency"]
    raw_id_fields = ["section", "target"]


@admin.register(Reorganisation)
class ReorganisationAdmin(admin.ModelAdmin):
    """Recorded here or loaded from a file (`manage.py load_reorganisation`), checked by the same rules; saving
    applies it when its date has come and brings the cycles due from then to the new organisation."""

    formfield_overrides = DAY_FIELDS  # binhson_plan.dates: one rule for every date

    list_display = ["code", "kind", "effective_on", "applied_at"]
    list_filter = ["kind", "effective_on"]
    search_fields = ["code", "legal_basis", "predecessor_links__agency__name", "successor_links__agency__name"]
    fields = ["code", "kind", "effective_on", "legal_basis", "note", "applied_at"]
    readonly_fields = ["applied_at"]
    inlines = [PredecessorInline, SuccessorInline, MoveInline]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "kind", "effective_on", "applied_at"] if obj and obj.applied_at else ["applied_at"]

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.applied_at)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        siblings = request.__dict__.setdefault("_reorganisation_formsets", [])
        return super().get_formset_kwargs(request, obj, inline, prefix) | {"siblings": siblings}

    def save_model(self, request, obj, form, change):
        obj._dates = [form.initial.get("effective_on"), obj.effective_on]
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        recorded(obj.effective_on)  # the cycles due from its date expect the agencies of before again

    def delete_queryset(self, request, queryset):
        dates = list(queryset.values_list("effective_on", flat=True))
        super().delete_queryset(request, queryset)
        if dates:
            recorded(min(dates))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        counts = recorded(min(d for d in form.instance._dates if d))
        if counts["applied"]:
            self.message_user(request, f"Đã áp dụng: {counts['closed']} đơn vị ngừng hoạt động, "
                                       f"{counts['moved']} tài khoản cán bộ chuyển sang đơn vị kế thừa.")  # fmt: skip
        if counts["reports_handed_over"] or counts["parts_handed_over"]:
            self.message_user(request, f"Đã chuyển giao {counts['reports_handed_over']} báo cáo của đơn vị đã kết thúc "
                                       f"và phần đã chuyển đi của {counts['parts_handed_over']} báo cáo khác "
                                       "cho đơn vị tiếp nhận.")  # fmt: skip


@admin.register(MembershipMove)
class MembershipMoveAdmin(admin.ModelAdmin):
    """The record of staff accounts moved by reorganisations: read only."""

    list_display = ["user", "from_agency", "to_agency", "reorganisation", "moved_at"]
    list_filter = ["reorganisation", "to_agency"]
    search_fields = ["user__username", "from_agency__name", "to_agency__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
