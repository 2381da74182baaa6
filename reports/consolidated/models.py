"""The consolidated report of a year: its versions, cover fields, inputs and three files."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from binhson_plan.allowance import CONSOLIDATED_BUILDS, HEAVY_WORK, heavy_work_spent
from binhson_plan.number_format import vn_number
from tasks.models import Plan, ReportIssuer, recipient_lines


class BuildState(models.TextChoices):
    QUEUED = "queued", "Đang chờ dựng"
    BUILDING = "building", "Đang dựng"
    READY = "ready", "Đã xong"
    FAILED = "failed", "Lỗi"


# A version still queued this long after it was asked for was lost by the broker (down): the sweep queues it again.
QUEUED_PATIENCE = datetime.timedelta(minutes=5)


class BuildUnderway(Exception):
    """A version of the same plan and year is still being built, or the account's own other version (of any plan and
    year): a new one is not asked for meanwhile."""

    def __init__(self, version: int, elsewhere: "ConsolidatedReport | None" = None):
        self.version = version
        if elsewhere is None:
            super().__init__(f"Bản {version} đang được dựng, xin chờ xong rồi dựng lại nếu cần.")
        else:  # probe 34: one account queued every plan's and year's build at once, 17 jobs ahead of everyone's prints
            super().__init__(
                f"Tài khoản đang có một bản tổng hợp khác đang dựng (bản {version} năm {elsewhere.year} của kế hoạch "
                f"“{elsewhere.plan.short_title}”): mỗi tài khoản dựng một bản một lúc, xin chờ bản đó xong rồi dựng."
            )


def _stalled(now) -> Q:
    silent = now - datetime.timedelta(minutes=settings.REPORT_BUILD_STALE_MINUTES)
    return (
        Q(state=BuildState.QUEUED, requested_at__lt=now - QUEUED_PATIENCE)
        | Q(state=BuildState.BUILDING, heartbeat_at__lt=silent)
        | Q(state=BuildState.BUILDING, heartbeat_at__isnull=True, requested_at__lt=silent)
    )


class ConsolidatedQuerySet(models.QuerySet):
    def stalled(self, now):
        """Versions the sweep queues again: still queued QUEUED_PATIENCE after they were asked for, or building
        with no beat for REPORT_BUILD_STALE_MINUTES (the worker died)."""
        return self.filter(_stalled(now))

    def underway(self, now):
        """Versions queued or building and not stalled: a build on its way, which a new request waits for."""
        return self.filter(state__in=[BuildState.QUEUED, BuildState.BUILDING]).exclude(_stalled(now))


def consolidated_path(instance, filename):
    return f"bao-cao-tong-hop/{instance.plan.slug}/{instance.year}/{filename}"


class ConsolidatedReport(models.Model):
    """One version of the district's consolidated report for a year: its cover fields, what went in,
    and its three files. Versions are kept; one of them can be marked final."""

    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.PROTECT, related_name="consolidated")
    year = models.PositiveSmallIntegerField("năm")
    version = models.PositiveIntegerField("phiên bản")
    state = models.CharField("trạng thái", max_length=20, choices=BuildState.choices, default=BuildState.QUEUED)
    error = models.TextField("lỗi", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người yêu cầu", null=True, blank=True, on_delete=models.SET_NULL
    )
    requested_at = models.DateTimeField("yêu cầu lúc", auto_now_add=True)
    # The run building this version claims it with `started_at` and beats while it works: a version whose
    # beat stopped (its worker was killed) is taken over by the sweep, and only the run holding the claim
    # may finish it.
    started_at = models.DateTimeField("bắt đầu dựng lúc", null=True, blank=True)
    heartbeat_at = models.DateTimeField("còn dựng lúc", null=True, blank=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)
    is_final = models.BooleanField("bản chính thức", default=False)
    number = models.CharField("số văn bản", max_length=50, default="…/BC-UBND")
    report_date = models.DateField("ngày báo cáo")
    addressee = models.CharField("kính gửi", max_length=255)
    recipients = models.TextField("nơi nhận", help_text="Mỗi dòng một nơi nhận.")
    signer_authority = models.CharField("thẩm quyền ký", max_length=100, blank=True)
    signer_position = models.CharField("chức vụ người ký", max_length=100)
    signer_name = models.CharField("người ký", max_length=100)
    inputs = models.JSONField("báo cáo của đơn vị được tổng hợp", default=list)
    # None: built before the reports left out were recorded (their count then is not known, only today's)
    left_out = models.JSONField("báo cáo của đơn vị không được tổng hợp", null=True, blank=True, default=None)
    inputs_digest = models.CharField("dấu vân tay dữ liệu vào", max_length=64, blank=True)
    pdf = models.FileField("tệp PDF", upload_to=consolidated_path, blank=True, max_length=255)
    xlsx = models.FileField("tệp Excel", upload_to=consolidated_path, blank=True, max_length=255)
    docx = models.FileField("tệp Word", upload_to=consolidated_path, blank=True, max_length=255)

    history = HistoricalRecords()
    objects = ConsolidatedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-year", "-version"]
        verbose_name = "báo cáo tổng hợp"
        verbose_name_plural = "báo cáo tổng hợp"
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "version"], name="one_consolidated_version"),
            models.UniqueConstraint(
                fields=["plan", "year"], condition=Q(is_final=True), name="one_final_consolidated_report"
            ),
        ]

    def __str__(self):
        return f"Báo cáo tổng hợp năm {self.year}, bản {self.version}"

    @classmethod
    def request(cls, plan, year, by=None, **cover) -> "ConsolidatedReport":
        """A new version, with the cover fields given or taken from the year's issuer (tasks.ReportIssuer: the plan's
        own unless another body issues the report from that year) and the previous version."""
        with transaction.atomic():
            previous = cls.objects.select_for_update().filter(plan=plan, year=year).order_by("-version").first()
            defaults = cover_defaults(plan, year, previous)
            return cls.objects.create(
                plan=plan, year=year, version=(previous.version + 1) if previous else 1, requested_by=by,
                **(defaults | {k: v for k, v in cover.items() if v not in (None, "")}),
            )  # fmt: skip

    @classmethod
    def request_unless_underway(cls, plan, year, by=None, **cover) -> "ConsolidatedReport":
        """A new version, as `request`, unless one of the same plan and year is on its way (`underway`): then
        BuildUnderway names it (a double click asked for two). The plan's row is locked first, so two requests at
        once go one after the other and the second sees the first's version. A stalled version does not hold
        a request back longer than the sweep waits before queuing it again."""
        with transaction.atomic():
            if by is not None:  # the account's requests one after the other too: its own build elsewhere is seen
                get_user_model().objects.select_for_update().only("pk").get(pk=by.pk)
            Plan.objects.select_for_update().only("pk").get(pk=plan.pk)
            underway = cls.objects.underway(timezone.now())
            building = underway.filter(plan=plan, year=year).order_by("-version").first()
            if building is not None:
                raise BuildUnderway(building.version)
            mine = underway.filter(requested_by=by).select_related("plan").first() if by is not None else None
            if mine is not None:
                raise BuildUnderway(mine.version, elsewhere=mine)
            return cls.request(plan, year, by=by, **cover)

    def mark_final(self, by) -> None:
        if self.state != BuildState.READY:
            raise ValidationError("Chỉ đánh dấu chính thức được bản đã dựng xong.")
        with transaction.atomic():
            ConsolidatedReport.objects.filter(plan=self.plan, year=self.year, is_final=True).update(is_final=False)
            self.is_final = True
            self._history_user = by
            self.save(update_fields=["is_final"])

    def recipient_list(self) -> list[str]:
        return recipient_lines(self.recipients)


def cover_defaults(plan, year, previous=None) -> dict:
    """The cover of a new version of `year`'s report: heading, signer and recipients from the year's issuer
    (tasks.ReportIssuer). The previous version's number carries over while it ends with the issuer's symbol; its
    recipients and signer carry over (the reviewer may have edited them) only when it was asked for under the issuer
    in force now: a version made before the year's issuer was set (a reorganisation file loaded in the season, say)
    keeps what it was built with, and the next one follows the issuer."""
    issuer = ReportIssuer.for_year(plan, year)
    # the number the office gave the report is its own, not the issuer's: it stays while its symbol is the issuer's
    number = previous.number if previous is not None else issuer.blank_number
    if not number.endswith(f"/{issuer.document_symbol}"):
        number = issuer.blank_number
    if previous is not None and not follows_issuer(previous, issuer):
        previous = None
    return {
        "number": number,
        "report_date": timezone.localdate(),
        "addressee": f"{plan.reports_to}",
        "recipients": previous.recipients if previous else default_recipients(plan, year),
        # who signs, as the reviewer last wrote it under this issuer (a browser pass: the name went back to the
        # issuer's placeholder on the next version), else the issuer's
        "signer_authority": previous.signer_authority if previous else issuer.signer_authority,
        "signer_position": previous.signer_position if previous else issuer.signer_position,
        "signer_name": previous.signer_name if previous else issuer.signer_name,
    }


def follows_issuer(version, issuer) -> bool:
    """Whether `version` was asked for after `issuer` was last set (the plan's own issuer is always in force)."""
    if not issuer.pk:
        return True
    last = issuer.history.order_by("-history_date").values_list("history_date", flat=True).first()
    return last is not None and version.requested_at is not None and version.requested_at > last


def stale_issuer(plan, year, issuer, lineage):
    """The latest reorganisation in force for `year` that came after the year's issuer was set (the plan's own
    issuer counts as set at the plan's start), or None: after a reform the report may now be another body's
    to issue and sign, and the reviewer is told so before building it."""
    on = plan.organisation_date(year)
    steps = lineage.in_force(on)
    if not steps:
        return None
    latest = steps[-1]
    return latest if issuer.from_year < plan.first_year_after(latest.effective_on) else None


def default_recipients(plan, year) -> str:
    """The year's issuer's recipients when it names them, else the plan's own (its file's `recipients`): nothing of
    any district is written here."""
    issuer = ReportIssuer.for_year(plan, year)
    return "\n".join(issuer.recipient_list() if issuer.recipients.strip() else plan.recipient_list())


def build_refusal(user) -> str:
    """Why the account may not ask for a consolidated report or the province's summary now, or "": its heavy work (the
    worker's building counts) or the day's versions used up (probe 34: one account kept 105 versions in an hour and
    the queue 17 jobs long)."""
    full = HEAVY_WORK.full_until(user)
    if full is not None:
        return heavy_work_spent(full, then="dựng")
    if CONSOLIDATED_BUILDS.left(user) < 1:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        return (
            f"Tài khoản này đã dựng {vn_number(settings.CONSOLIDATED_BUILDS_PER_DAY)} bản tổng hợp hôm nay, mức tối đa "
            f"một ngày: xin dựng tiếp sau 00:00 ngày {tomorrow:%d/%m/%Y}."
        )
    return ""
