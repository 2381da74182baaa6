"""The plan and its structure: parts I–V, groups, lettered areas and numbered items.

Lead and coordinating agencies are assigned at whatever level the plan names them (a whole
block, one numbered item, or one national programme through `scope`); a section without its
own assignments of a role inherits them from the nearest ancestor that has some.
"""

import datetime

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agencies.lineage import Lineage
from agencies.models import Agency

# Parts > groups > lettered areas > numbered items: a section is at most four levels deep.
MAX_DEPTH = 4


def recipient_lines(text: str) -> list[str]:
    """The recipients typed one a line, without the "- " that starts a line or the ";" or "." that ends it: the
    report's layout adds them ("- …;", and "- Lưu: VT, …." last)."""
    lines = [line.strip().lstrip("-–").strip().rstrip(";.").rstrip() for line in text.splitlines()]
    return [line for line in lines if line]


class Plan(models.Model):
    slug = models.SlugField("mã định danh", max_length=100, unique=True)
    number = models.CharField("số hiệu", max_length=100, blank=True)
    title = models.TextField("trích yếu")
    issuing_body = models.CharField("cơ quan ban hành", max_length=255)
    issued_on = models.DateField("ngày ban hành")
    place = models.CharField("địa danh", max_length=100)
    signer_authority = models.CharField("thẩm quyền ký", max_length=100, blank=True)
    signer_position = models.CharField("chức vụ người ký", max_length=100)
    signer_name = models.CharField("người ký", max_length=100)
    period_start = models.PositiveSmallIntegerField("từ năm")
    period_end = models.PositiveSmallIntegerField("đến năm")
    vision_year = models.PositiveSmallIntegerField("tầm nhìn đến năm", null=True, blank=True)
    report_due_day = models.PositiveSmallIntegerField("hạn báo cáo: ngày")
    report_due_month = models.PositiveSmallIntegerField("hạn báo cáo: tháng")
    reports_to = models.CharField("báo cáo lên", max_length=255)
    preamble = models.TextField("căn cứ ban hành", blank=True)
    recipients = models.TextField("nơi nhận", blank=True, help_text="Mỗi dòng một nơi nhận.")
    agencies = models.ManyToManyField(Agency, verbose_name="cơ quan, đơn vị được nêu", related_name="plans", blank=True)
    is_active = models.BooleanField("đang theo dõi", default=True)
    is_illustrative = models.BooleanField(
        "minh họa",
        default=False,
        help_text="Kế hoạch dựng để dùng thử, không phải văn bản thật: mọi nơi hiện kế hoạch đều ghi “(minh họa)”.",
    )

    history = HistoricalRecords(excluded_fields=["agencies"])

    class Meta:
        ordering = ["-period_start", "slug"]
        verbose_name = "kế hoạch"
        verbose_name_plural = "kế hoạch"
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="plan_period_ordered"),
            models.CheckConstraint(
                condition=Q(report_due_day__gte=1, report_due_day__lte=31)
                & Q(report_due_month__gte=1, report_due_month__lte=12),
                name="plan_due_date_valid",
            ),
        ]

    def __str__(self):
        return f"Kế hoạch {self.display_title}"

    def get_absolute_url(self):
        return reverse("tasks:plan_detail", args=[self.slug])

    @property
    def display_title(self) -> str:
        """The title as pages and files show it: an illustrative plan says so."""
        return f"{self.title} (minh họa)" if self.is_illustrative else self.title

    @property
    def title_in_sentence(self) -> str:
        """The shown title after "Kế hoạch" inside a sentence: its first letter in lower case."""
        return self.display_title[:1].lower() + self.display_title[1:]

    @property
    def short_title(self) -> str:
        """What marks the plan in a list of several: the area it covers ("huyện Bình Sơn"), else its title; an
        illustrative plan says so."""
        area = self.title.rpartition("trên địa bàn ")[2].strip() or self.title
        return f"{area} (minh họa)" if self.is_illustrative and "minh họa" not in area.lower() else area

    @property
    def report_due_text(self) -> str:
        return f"{self.report_due_day:02d}/{self.report_due_month:02d}"

    def recipient_list(self) -> list[str]:
        return recipient_lines(self.recipients)

    @property
    def last_year(self) -> int:
        return self.vision_year or self.period_end

    def reporting_years(self, today=None) -> range:
        """The years a person can pick: from the plan's start to this year (later years have no data yet)."""
        from django.utils import timezone

        this_year = (today or timezone.localdate()).year
        return range(self.period_start, max(self.period_start, min(self.last_year, this_year)) + 1)

    def organisation_date(self, year: int) -> datetime.date:
        """The day whose organisation a year's reporting follows: the year's report due date. The agencies
        that exist then report for the whole year (after a reorganisation on 01/07, the successors)."""
        return datetime.date(year, self.report_due_month, self.report_due_day)

    def first_year_after(self, day: datetime.date) -> int:
        """The first report year whose organisation includes what took effect on `day` (see organisation_date)."""
        return day.year + (day > self.organisation_date(day.year))

    def year_from(self, text, default: int) -> int:
        """A year typed in a URL, kept within the plan's years; `default` when it is not a year."""
        try:
            year = int(str(text)) if str(text).isascii() else default
        except ValueError:
            year = default
        return min(max(year, self.period_start), self.last_year)


class SectionKind(models.TextChoices):
    PART = "part", "Phần"
    GROUP = "group", "Mục"
    AREA = "area", "Lĩnh vực"
    ITEM = "item", "Nội dung"


class Role(models.TextChoices):
    LEAD = "lead", "Chủ trì tham mưu"
    COORDINATING = "coordinating", "Phối hợp"


class SectionQuerySet(models.QuerySet):
    def active(self):
        """Sections still present in the plan's file."""
        return self.filter(is_active=True)

    def with_role(self, agency, role, on=None, lineage=None):
        """Sections where `agency` has `role` on the date `on` (default: today), directly or inherited from an
        ancestor: the plan's assignments carried through the reorganisations in force then (agencies/lineage.py).
        Which section inherits is decided by the plan's own text; one query, after the lineage's."""
        lineage = lineage or Lineage.load()
        holds = lineage.condition(agency.pk, on or timezone.localdate())
        assigned = Assignment.objects.filter(role=role)
        condition = Q(pk__in=[])
        none_closer = Q()
        path = "pk"
        for _ in range(MAX_DEPTH):
            here = assigned.filter(section=OuterRef(path))
            condition |= none_closer & Q(Exists(here.filter(holds)))
            none_closer &= ~Q(Exists(here))
            path = "parent" if path == "pk" else f"parent__{path}"
        return self.filter(condition)

    def led_by(self, agency, on=None, lineage=None):
        """Sections the agency leads (chủ trì tham mưu) on `on` (default: today), inherited leads included."""
        return self.with_role(agency, Role.LEAD, on, lineage)

    def coordinated_by(self, agency, on=None, lineage=None):
        """Sections the agency coordinates (phối hợp) on `on` (default: today), inherited assignments included."""
        return self.with_role(agency, Role.COORDINATING, on, lineage)


class Section(models.Model):
    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", verbose_name="thuộc", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField("mã", max_length=40, help_text="Ví dụ: III.2.d.3")
    number = models.CharField("số thứ tự", max_length=10, help_text="Như trong văn bản: III, 2, đ, (3)")
    kind = models.CharField("cấp", max_length=10, choices=SectionKind.choices)
    title = models.TextField("tiêu đề", blank=True)
    content = models.TextField("nội dung", blank=True)
    lead_text = models.TextField("cơ quan chủ trì tham mưu (nguyên văn)", blank=True)
    coordinating_text = models.TextField("cơ quan phối hợp (nguyên văn)", blank=True)
    position = models.PositiveIntegerField("thứ tự trong văn bản")
    is_active = models.BooleanField("còn trong kế hoạch", default=True)
    agencies = models.ManyToManyField(Agency, through="Assignment", related_name="sections", blank=True)
    # who changed a task's wording or place, when, before and after (an edit in the admin; the plan file has its own)
    history = HistoricalRecords(excluded_fields=["agencies"])

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = "mục của kế hoạch"
        verbose_name_plural = "mục của kế hoạch"
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="section_code_unique_in_plan")]

    def __str__(self):
        return f"{self.code} {self.title or self.content[:60]}".strip()

    def get_absolute_url(self):
        return f"{self.plan.get_absolute_url()}#muc-{self.code}"

    @property
    def depth(self) -> int:
        return self.code.count(".")

    @property
    def label(self) -> str:
        """The number as the document prints it before the title: "III.", "2.", "d)", "(3)"."""
        if self.kind == SectionKind.AREA:
            return f"{self.number})"
        if self.kind == SectionKind.ITEM:
            return self.number
        return f"{self.number}."


class Assignment(models.Model):
    section = models.ForeignKey(Section, verbose_name="mục", on_delete=models.CASCADE, related_name="assignments")
    agency = models.ForeignKey(
        Agency, verbose_name="cơ quan, đơn vị", on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    scope = models.CharField(
        "phạm vi", max_length=255, blank=True, help_text="Ví dụ: Chương trình MTQG Giảm nghèo bền vững"
    )
    position = models.PositiveSmallIntegerField("thứ tự", default=0)
    history = HistoricalRecords()  # who gave a task to which agency, or took it away, and when

    class Meta:
        ordering = ["section", "role", "position"]
        verbose_name = "phân công"
        verbose_name_plural = "phân công"
        constraints = [
            models.UniqueConstraint(fields=["section", "agency", "role"], name="assignment_unique"),
        ]

    def __str__(self):
        return f"{self.section.code}: {self.agency.short_name} ({self.get_role_display()})"


PLAN_REVIEWING_BODY = "Văn phòng huyện"  # who reviews the reports while the plan's own body issues the report


class ReportIssuer(models.Model):
    """Who issues and signs the consolidated report from a year on: after a reorganisation the plan may be
    carried by another body. Years before the first row use the plan's own issuer (`for_year`)."""

    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="issuers")
    from_year = models.PositiveSmallIntegerField("áp dụng từ năm báo cáo")
    issuing_body = models.CharField("cơ quan ban hành báo cáo", max_length=255, help_text="Ví dụ: Ủy ban nhân dân xã …")
    place = models.CharField("địa danh", max_length=100, help_text="Ghi trước ngày tháng: “Bình Sơn, ngày …”.")
    signer_authority = models.CharField("thẩm quyền ký", max_length=100, blank=True, help_text="Ví dụ: KT. CHỦ TỊCH")
    signer_position = models.CharField("chức vụ người ký", max_length=100)
    signer_name = models.CharField("người ký", max_length=100)
    recipients = models.TextField(
        "nơi nhận", blank=True, help_text="Mỗi dòng một nơi nhận. Để trống: danh sách mặc định của báo cáo tổng hợp."
    )
    document_symbol = models.CharField(
        "ký hiệu văn bản", max_length=30, default="BC-UBND", help_text="Phần sau dấu “/” trong số: …/BC-UBND."
    )
    reviewing_body = models.CharField(
        "cơ quan thẩm định báo cáo", max_length=255, blank=True,
        help_text="Cơ quan nhận và thẩm định báo cáo của các đơn vị, ví dụ: Văn phòng HĐND và UBND xã …. "
                  "Để trống: “Văn phòng” của cơ quan ban hành.",
    )  # fmt: skip

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "from_year"]
        verbose_name = "cơ quan ban hành báo cáo theo năm"
        verbose_name_plural = "cơ quan ban hành báo cáo theo năm"
        constraints = [models.UniqueConstraint(fields=["plan", "from_year"], name="one_issuer_per_plan_year")]

    def __str__(self):
        return f"{self.issuing_body} (từ năm {self.from_year})"

    @classmethod
    def for_year(cls, plan, year: int) -> "ReportIssuer":
        """The issuer of `year`'s report: the latest row from that year or before, else the plan's own (unsaved)."""
        issuer = plan.issuers.filter(from_year__lte=year).order_by("-from_year").first()
        return issuer or cls(
            plan=plan, from_year=plan.period_start, issuing_body=plan.issuing_body, place=plan.place,
            signer_authority=plan.signer_authority, signer_position=plan.signer_position, signer_name=plan.signer_name,
        )  # fmt: skip

    @property
    def reviewer_name(self) -> str:
        """The body that receives and reviews the agencies' reports of the year: named, else the office of the issuing
        body; the plan's own issuer's is the district office (Văn phòng huyện)."""
        if self.reviewing_body.strip():
            return self.reviewing_body.strip()
        if not self.pk:
            return PLAN_REVIEWING_BODY
        return f"Văn phòng {self.issuing_body}"

    @property
    def blank_number(self) -> str:
        """The report's number before the office gives it one: "…/BC-UBND"."""
        return f"…/{self.document_symbol}"

    def recipient_list(self) -> list[str]:
        return recipient_lines(self.recipients)
