"""The province's yearly summary (tổng hợp toàn tỉnh): its versions, one part per plan, and who issues it."""

import datetime

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tasks.models import Plan, recipient_lines


class ProvinceIssuer(models.Model):
    """Who issues, signs and receives the province's summary: one row, edited in the admin (a data migration creates
    it with the Sở Dân tộc và Tôn giáo of Quảng Ngãi)."""

    issuing_body = models.CharField("cơ quan ban hành", max_length=255, help_text="Ví dụ: Sở Dân tộc và Tôn giáo.")
    parent_body = models.CharField(
        "cơ quan chủ quản", max_length=255, blank=True, help_text="Ví dụ: Ủy ban nhân dân tỉnh Quảng Ngãi."
    )
    place = models.CharField("địa danh", max_length=100, help_text="Ghi trước ngày tháng: “Quảng Ngãi, ngày …”.")
    addressee = models.CharField("kính gửi", max_length=255)
    signer_authority = models.CharField("thẩm quyền ký", max_length=100, blank=True, help_text="Ví dụ: KT. GIÁM ĐỐC")
    signer_position = models.CharField("chức vụ người ký", max_length=100)
    signer_name = models.CharField("người ký", max_length=100)
    recipients = models.TextField("nơi nhận", help_text="Mỗi dòng một nơi nhận.")
    document_symbol = models.CharField(
        "ký hiệu văn bản", max_length=30, default="BC-SDTTG", help_text="Phần sau dấu “/” trong số: …/BC-SDTTG."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "cơ quan ban hành bản tổng hợp toàn tỉnh"
        verbose_name_plural = "cơ quan ban hành bản tổng hợp toàn tỉnh"

    def __str__(self):
        return self.issuing_body

    @classmethod
    def current(cls) -> "ProvinceIssuer":
        """The row in force (the first); the migration's defaults, unsaved, if it was deleted."""
        return cls.objects.order_by("pk").first() or cls(**PROVINCE_ISSUER_DEFAULTS)

    def recipient_list(self) -> list[str]:
        return recipient_lines(self.recipients)

    @property
    def signer_missing(self) -> bool:
        """No signer's name yet: empty, or still the migration's placeholder ("Người ký")."""
        return " ".join(self.signer_name.split()).strip(" .…").casefold() in PLACEHOLDER_SIGNERS

    @property
    def printed_signer_name(self) -> str:
        """The name under the signature: left blank (written in by hand) rather than a placeholder printed as one."""
        return "" if self.signer_missing else self.signer_name.strip()

    @property
    def area(self) -> str:
        """Where the plans lie, from the parent body: "Ủy ban nhân dân tỉnh Quảng Ngãi" → "tỉnh Quảng Ngãi"."""
        prefix = "Ủy ban nhân dân "
        return self.parent_body[len(prefix) :] if self.parent_body.startswith(prefix) else "tỉnh"


PLACEHOLDER_SIGNERS = {"", "người ký", "họ và tên", "họ tên người ký", "ho ten", "nguoi ky"}
PROVINCE_ISSUER_DEFAULTS = {
    "issuing_body": "Sở Dân tộc và Tôn giáo",
    "parent_body": "Ủy ban nhân dân tỉnh Quảng Ngãi",
    "place": "Quảng Ngãi",
    "addressee": "Ủy ban nhân dân tỉnh Quảng Ngãi",
    "signer_authority": "KT. GIÁM ĐỐC",
    "signer_position": "PHÓ GIÁM ĐỐC",
    "signer_name": "Người ký",
    "recipients": "Ủy ban nhân dân tỉnh\nBộ Dân tộc và Tôn giáo\nGiám đốc, các Phó Giám đốc Sở\nLưu: VT",
    "document_symbol": "BC-SDTTG",
}


class SummaryState(models.TextChoices):
    QUEUED = "queued", "Đang chờ dựng"
    BUILDING = "building", "Đang dựng"
    READY = "ready", "Đã xong"
    FAILED = "failed", "Lỗi"


UNDERWAY = [SummaryState.QUEUED, SummaryState.BUILDING]
# A version still queued or building this long after it was asked for was lost (the broker or a worker died): it no
# longer holds a new request back.
PATIENCE = datetime.timedelta(minutes=30)


class SummaryUnderway(Exception):
    """A version of the same year is still queued or being built: a second one is not asked for meanwhile."""

    def __init__(self, summary):
        self.summary = summary
        super().__init__(
            f"Bản {summary.version} của năm {summary.year} đang được dựng ({summary.get_state_display().lower()}), "
            "xin chờ xong rồi dựng lại nếu cần."
        )


def summary_path(instance, filename):
    return f"tong-hop-tinh/{instance.year}/{filename}"


class ProvinceSummary(models.Model):
    """One version of the province's summary of a year: built from one part per active plan, then its three files."""

    year = models.PositiveSmallIntegerField("năm")
    version = models.PositiveIntegerField("phiên bản")
    state = models.CharField("trạng thái", max_length=20, choices=SummaryState.choices, default=SummaryState.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người yêu cầu", null=True, blank=True, on_delete=models.SET_NULL
    )
    requested_at = models.DateTimeField("yêu cầu lúc", auto_now_add=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)
    report_date = models.DateField("ngày báo cáo")
    error = models.TextField("lỗi", blank=True)
    plans_expected = models.PositiveIntegerField("số kế hoạch cần tổng hợp", default=0)
    pdf = models.FileField("tệp PDF", upload_to=summary_path, blank=True, max_length=255)
    docx = models.FileField("tệp Word", upload_to=summary_path, blank=True, max_length=255)
    xlsx = models.FileField("tệp Excel", upload_to=summary_path, blank=True, max_length=255)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = "bản tổng hợp toàn tỉnh"
        verbose_name_plural = "bản tổng hợp toàn tỉnh"
        constraints = [models.UniqueConstraint(fields=["year", "version"], name="one_province_summary_version")]

    def __str__(self):
        return f"Tổng hợp toàn tỉnh năm {self.year}, bản {self.version}"

    @classmethod
    def request(cls, year: int, report_date, plans, by=None) -> "ProvinceSummary":
        """A new version of `year` expecting a part of each of `plans`, unless one of the year is queued or being
        built (SummaryUnderway). The issuer's row is locked first, so two requests at once go one after the other
        and the second sees the first's version."""
        with transaction.atomic():
            ProvinceIssuer.objects.select_for_update().order_by("pk").first()
            versions = cls.objects.select_for_update().filter(year=year).order_by("-version")
            recent = timezone.now() - PATIENCE
            underway = versions.filter(state__in=UNDERWAY, requested_at__gte=recent).first()
            if underway is not None:
                raise SummaryUnderway(underway)
            previous = versions.first()
            return cls.objects.create(
                year=year, version=(previous.version + 1) if previous else 1, report_date=report_date,
                requested_by=by, plans_expected=len(plans),
            )  # fmt: skip


class SummaryPart(models.Model):
    """One plan's part of a summary: what it says of the plan, or why it could not be made."""

    summary = models.ForeignKey(
        ProvinceSummary, verbose_name="bản tổng hợp", on_delete=models.CASCADE, related_name="parts"
    )
    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.PROTECT, related_name="summary_parts")
    ok = models.BooleanField("tổng hợp được", default=False)
    data = models.JSONField("số liệu", default=dict, blank=True)
    error = models.TextField("lý do chưa tổng hợp được", blank=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["summary", "plan"]
        verbose_name = "phần tổng hợp của kế hoạch"
        verbose_name_plural = "phần tổng hợp của các kế hoạch"
        constraints = [models.UniqueConstraint(fields=["summary", "plan"], name="one_part_per_plan")]

    def __str__(self):
        return f"{self.summary}: {self.plan}"
