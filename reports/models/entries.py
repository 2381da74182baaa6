"""What a report holds: an entry per task and per target, evidence files, proposals."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from binhson_plan.number_format import fmt
from reports.models.report import SHARED_STATES, AgencyReport
from targets.models import QualitativeStatus, Target
from tasks.models import Role, Section


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Chưa triển khai"
    IN_PROGRESS = "in_progress", "Đang triển khai"
    COMPLETED = "completed", "Hoàn thành"
    DELAYED = "delayed", "Chậm tiến độ"


class ReportContentQuerySet(models.QuerySet):
    """Task entries, target entries and proposals: parts of one report."""

    report_path = "report"

    def shared(self):
        """Only the parts of reports whose content readers outside the agency may see (SHARED_STATES)."""
        return self.filter(**{f"{self.report_path}__state__in": SHARED_STATES})

    def counted(self):
        """Only the parts of reports that count in their year (AgencyReportQuerySet.counted)."""
        return self.filter(**{f"{self.report_path}__handed_over_at__isnull": True})


class TaskEntryQuerySet(ReportContentQuerySet):
    def leads(self):
        """The tasks the agency leads, in the plan's order, each with its section and plan."""
        return (
            self.filter(role=Role.LEAD).select_related("section__plan", "section__parent").order_by("section__position")
        )

    def coordinating(self):
        """The tasks the agency coordinates, in the plan's order."""
        return (
            self.filter(role=Role.COORDINATING)
            .select_related("section__plan", "section__parent")
            .order_by("section__position")
        )


class EvidenceQuerySet(ReportContentQuerySet):
    report_path = "entry__report"


class TaskEntry(models.Model):
    """What the agency reports on one task it leads, or its contribution to one it coordinates."""

    report = models.ForeignKey(
        AgencyReport, verbose_name="báo cáo", on_delete=models.CASCADE, related_name="task_entries"
    )
    section = models.ForeignKey(Section, verbose_name="nhiệm vụ", on_delete=models.PROTECT, related_name="entries")
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    status = models.CharField("tình hình thực hiện", max_length=20, choices=TaskStatus.choices, blank=True)
    results = models.TextField("kết quả đạt được", blank=True)
    shortcomings = models.TextField("tồn tại, hạn chế và nguyên nhân", blank=True)
    next_steps = models.TextField("nhiệm vụ, giải pháp năm tới", blank=True)
    budget_used = models.PositiveBigIntegerField("kinh phí đã sử dụng (đồng)", null=True, blank=True)

    objects = TaskEntryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "role", "section__position"]
        verbose_name = "kết quả thực hiện nhiệm vụ"
        verbose_name_plural = "kết quả thực hiện nhiệm vụ"
        constraints = [models.UniqueConstraint(fields=["report", "section", "role"], name="one_entry_per_task_role")]

    def __str__(self):
        return f"{self.section.code} ({self.get_role_display()})"

    @property
    def is_lead(self) -> bool:
        return self.role == Role.LEAD


def short_file_name(filename: str, limit_bytes: int = 150) -> str:
    """The name cut (extension kept) to fit the disk's 255-byte names and the 255-character column
    with the folder in front: 150 bytes is 50 to 150 Vietnamese letters. The full name stays in
    `Evidence.original_name`, and downloads use that."""
    stem, dot, extension = filename.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        stem, extension = filename, ""
    extension = f".{extension}" if extension else ""
    stem = stem[:limit_bytes]
    while stem and len((stem + extension).encode()) > limit_bytes:
        stem = stem[:-1]
    return (stem or "tep") + extension


def evidence_path(instance, filename):
    folder = f"minh-chung/{instance.entry.report.cycle.year}/{instance.entry.report.agency.code}"
    return f"{folder}/{short_file_name(filename)}"


class Evidence(models.Model):
    entry = models.ForeignKey(TaskEntry, verbose_name="nhiệm vụ", on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("tệp", upload_to=evidence_path, max_length=255)
    original_name = models.CharField("tên tệp gốc", max_length=255)
    content_type = models.CharField("loại tệp", max_length=100)
    size = models.PositiveIntegerField("dung lượng (byte)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người tải lên", null=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField("tải lên lúc", auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["entry", "uploaded_at"]
        verbose_name = "minh chứng"
        verbose_name_plural = "minh chứng"

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        report = self.entry.report  # on a report's page: `{% url 'reports:evidence' plan.slug report.pk ev.pk %}`
        return reverse("reports:evidence", args=[report.cycle.plan.slug, report.pk, self.pk])


class TargetEntry(models.Model):
    """This year's value of one target the agency is responsible for."""

    report = models.ForeignKey(
        AgencyReport, verbose_name="báo cáo", on_delete=models.CASCADE, related_name="target_entries"
    )
    target = models.ForeignKey(Target, verbose_name="chỉ tiêu", on_delete=models.PROTECT, related_name="entries")
    value = models.DecimalField("giá trị", max_digits=20, decimal_places=4, null=True, blank=True)
    value_year = models.PositiveSmallIntegerField(
        "năm của số liệu",
        help_text="Năm kỳ báo cáo; hoặc năm của mốc đã qua khi số liệu năm đó còn thiếu (reports.completeness).",
    )
    as_of = models.DateField("số liệu tính đến ngày", null=True, blank=True)
    is_estimate = models.BooleanField("ước thực hiện", default=False)
    qualitative_status = models.CharField("đánh giá", max_length=20, choices=QualitativeStatus.choices, blank=True)
    note = models.TextField("ghi chú, nguồn số liệu", blank=True)

    objects = ReportContentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "target__position"]
        verbose_name = "số liệu chỉ tiêu"
        verbose_name_plural = "số liệu chỉ tiêu"
        constraints = [models.UniqueConstraint(fields=["report", "target"], name="one_entry_per_target")]

    def __str__(self):
        return f"{self.target.code}: {'chưa có số liệu' if self.value is None else fmt(self.value, 4)}"


class ProposalState(models.TextChoices):
    RECEIVED = "received", "Đã tiếp nhận"
    FORWARDED = "forwarded", "Đã chuyển xử lý"
    ANSWERED = "answered", "Đã trả lời"


class Proposal(models.Model):
    """One proposal (kiến nghị, đề xuất) of an agency, and the district's answer."""

    report = models.ForeignKey(AgencyReport, verbose_name="báo cáo", on_delete=models.CASCADE, related_name="proposals")
    text = models.TextField("kiến nghị, đề xuất")
    position = models.PositiveSmallIntegerField("thứ tự", default=0)
    state = models.CharField(
        "tình trạng xử lý", max_length=20, choices=ProposalState.choices, default=ProposalState.RECEIVED
    )
    response = models.TextField("trả lời của huyện", blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người trả lời", null=True, blank=True, on_delete=models.SET_NULL
    )
    responded_at = models.DateTimeField("trả lời lúc", null=True, blank=True)

    objects = ReportContentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "position", "pk"]
        verbose_name = "kiến nghị, đề xuất"
        verbose_name_plural = "kiến nghị, đề xuất"

    def __str__(self):
        return self.text[:80]
