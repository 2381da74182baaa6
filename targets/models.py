"""Targets of the plan (section II) and their yearly values."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from binhson_plan.number_format import fmt
from targets.goals import STATUS_LABELS
from targets.plausibility import jump_reasons
from tasks.models import Plan, ReportIssuer, Section

MAX_VALUE = 10**15  # no figure of the plan comes near it; the column would refuse 10**16 with an error


NOTE_LIMIT = 2000  # characters of a value's note (the import and the correction form)


class TargetKind(models.TextChoices):
    LEVEL = "level", "Mức đạt"
    LIMIT = "limit", "Mức đạt có giới hạn tự nhiên"
    ANNUAL_CHANGE = "annual_change", "Thay đổi bình quân hằng năm"
    MULTIPLE_OF_BASELINE = "multiple_of_baseline", "Gấp số lần so với năm gốc"
    RELATIVE = "relative", "So với chuỗi tham chiếu"
    ZERO = "zero", "Xóa bỏ (về 0)"
    QUALITATIVE = "qualitative", "Định tính"


class Comparison(models.TextChoices):
    GT = ">", "trên (>)"
    GTE = ">=", "đạt, ít nhất (≥)"
    LT = "<", "dưới (<)"
    LTE = "<=", "không quá (≤)"
    EQ = "=", "bằng (=)"
    RANGE = "range", "trong khoảng"


COMPARISON_SYMBOLS = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "=": "=", "range": ""}


class Direction(models.TextChoices):
    HIGHER = "higher", "Càng cao càng tốt"
    LOWER = "lower", "Càng thấp càng tốt"


class Aggregation(models.TextChoices):
    NONE = "none", "không cộng gộp"
    SUM = "sum", "cộng"
    WEIGHTED_MEAN = "weighted_mean", "bình quân gia quyền"


class Indicator(models.Model):
    """A province indicator that the targets of several plans measure (the crosswalk file
    binhson_plan/plans/indicators.yaml, `load_indicators`). Within one plan its targets are one series
    (its milestones); across plans they stay separate series of the same indicator."""

    code = models.SlugField("mã", max_length=60, unique=True)
    name = models.CharField("tên", max_length=255)
    unit = models.CharField("đơn vị của số liệu", max_length=50, blank=True)
    direction = models.CharField("chiều tốt", max_length=10, choices=Direction.choices, blank=True)
    aggregation = models.CharField(
        "cách cộng gộp toàn tỉnh",
        max_length=20,
        choices=Aggregation.choices,
        default=Aggregation.NONE,
        help_text="Không cộng gộp: chỉ nêu các số liệu của từng kế hoạch. Cộng: số đếm. Bình quân gia quyền: "
        "theo mẫu số mỗi kế hoạch báo cáo.",
    )
    denominator = models.CharField(
        "mẫu số (quyền số)",
        max_length=255,
        blank=True,
        help_text="Với bình quân gia quyền: đại lượng mỗi kế hoạch báo cáo làm quyền số, ví dụ “số hộ dân tộc "
        "thiểu số”.",
    )
    listed = models.BooleanField(
        "có trong danh mục của tỉnh",
        default=False,
        help_text="Có: chỉ số do tệp danh mục chỉ số của tỉnh nêu. Không: chỉ gặp trong tệp kế hoạch.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = "chỉ số"
        verbose_name_plural = "chỉ số"

    def __str__(self):
        return f"{self.code} – {self.name}"


class Target(models.Model):
    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="targets")
    section = models.ForeignKey(
        Section, verbose_name="mục", null=True, blank=True, on_delete=models.SET_NULL, related_name="targets"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="chỉ tiêu cha",
        help_text="Chỉ tiêu con của câu “trong đó …”.",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sub_targets",
    )
    code = models.CharField("mã", max_length=20)
    horizon = models.PositiveSmallIntegerField("mốc năm")
    statement = models.TextField("nguyên văn trong kế hoạch")
    name = models.CharField("tên ngắn", max_length=255)
    unit = models.CharField("đơn vị tính", max_length=50, blank=True)
    measured_unit = models.CharField(
        "đơn vị của số liệu",
        max_length=50,
        blank=True,
        help_text="Khi số liệu báo cáo khác đơn vị của mục tiêu (ví dụ: thu nhập, triệu đồng/người/năm, "
        "cho mục tiêu “gấp 2 lần”). Để trống: như đơn vị tính.",
    )
    kind = models.CharField("loại chỉ tiêu", max_length=30, choices=TargetKind.choices)
    indicator = models.ForeignKey(
        "Indicator",
        verbose_name="chỉ số",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
        help_text="Các chỉ tiêu của một kế hoạch cùng chỉ số (các mốc 2025, 2030, 2045 của một chuỗi số liệu) dùng "
        "chung số liệu, ghi vào chỉ tiêu có mốc sớm nhất. Cùng mã chỉ số ở hai kế hoạch là cùng một chỉ số của tỉnh, "
        "nhưng mỗi kế hoạch vẫn có chuỗi số liệu riêng.",
    )
    comparison = models.CharField("so sánh", max_length=5, choices=Comparison.choices, blank=True)
    value = models.DecimalField("giá trị", max_digits=20, decimal_places=4, null=True, blank=True)
    value_max = models.DecimalField("giá trị cận trên", max_digits=20, decimal_places=4, null=True, blank=True)
    direction = models.CharField("chiều tốt", max_length=10, choices=Direction.choices, blank=True)
    natural_limit = models.DecimalField("giới hạn tự nhiên", max_digits=20, decimal_places=4, null=True, blank=True)
    denominator = models.PositiveSmallIntegerField(
        "số đơn vị của tỷ lệ",
        null=True,
        blank=True,
        help_text="Tỷ lệ tính trên ít đơn vị (2030.04: 2 xã): mỗi đơn vị là một bước 100/n điểm %, và một bước "
        "trong một năm (0% lên 50%: một xã đạt chuẩn) không bị coi là thay đổi bất thường.",
    )
    baseline_year = models.PositiveSmallIntegerField("năm gốc", null=True, blank=True)
    period_start = models.PositiveSmallIntegerField("tính từ năm", null=True, blank=True)
    reference = models.CharField("chuỗi tham chiếu", max_length=255, blank=True)
    responsible_agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan chịu trách nhiệm",
        on_delete=models.PROTECT,
        related_name="targets",
    )
    position = models.PositiveIntegerField("thứ tự")
    is_active = models.BooleanField("còn trong kế hoạch", default=True)

    # Who changed the target or its goal, when, from what to what (targets.goal_history shows it); the
    # plan file is the only way to change it (targets.loading), which records its legal basis as the reason.
    history = HistoricalRecords(history_change_reason_field=models.TextField("căn cứ, lý do", null=True))

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="target_code_unique_in_plan"),
            models.CheckConstraint(
                condition=Q(kind="qualitative") | (Q(value__isnull=False) & ~Q(comparison="")),
                name="target_numeric_has_value",
            ),
            models.CheckConstraint(
                condition=~Q(comparison="range") | Q(value_max__gte=models.F("value")),
                name="target_range_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("tasks:target_detail", args=[self.plan.slug, self.code])

    @property
    def is_qualitative(self) -> bool:
        return self.kind == TargetKind.QUALITATIVE

    @property
    def input_unit(self) -> str:
        """The unit values are reported in."""
        return self.measured_unit or self.unit

    @property
    def is_percentage(self) -> bool:
        return self.input_unit.strip() == "%"

    @property
    def is_yearly_change(self) -> bool:
        """Values are the year's change itself; an annual-change target with a measured unit is reported
        as its level series instead, and the change is derived from it (targets.progress)."""
        return self.kind == TargetKind.ANNUAL_CHANGE and not self.measured_unit

    def value_error(self, value) -> str | None:
        """Why `value` cannot be a value of this target, in Vietnamese; None when it can. No value reaches a
        million billion (the report form's bound; the column holds 16 digits before the point)."""
        if abs(value) >= MAX_VALUE:
            return "Số quá lớn (phải nhỏ hơn 1.000.000.000.000.000)."
        if self.is_percentage and not 0 <= value <= 100:
            return "Tỷ lệ phần trăm phải từ 0 đến 100."
        if self.is_yearly_change and not -100 <= value <= 100:
            return "Mức thay đổi hằng năm phải từ -100 đến 100."
        if not self.is_yearly_change and value < 0:
            return "Giá trị không được âm."
        return None

    @property
    def series_rules(self) -> dict:
        """What targets.plausibility needs to know of the target's values."""
        return {
            # a yearly change is not a percentage level, whatever its unit
            "unit": "" if self.is_yearly_change else self.input_unit,
            "natural_limit": self.natural_limit,
            "direction": self.direction or "higher",
            "step": self.step,
        }

    @property
    def step(self) -> float | None:
        """The smallest move of a percentage counted over few units: 50 points for two communes."""
        return 100 / self.denominator if self.denominator and self.is_percentage else None

    def jump_reasons(self, series: dict, year: int, value) -> list[str]:
        """Why `value` for `year` needs a word of explanation, against the other values of its series
        (targets.plausibility); [] when it is plausible."""
        if value is None or self.is_qualitative:
            return []
        return jump_reasons(series, year, value, **self.series_rules)


class ReferenceValue(models.Model):
    """A yearly value of the reference series of a relative target (e.g. the national average income),
    entered by the plan's reviewers."""

    target = models.ForeignKey(Target, verbose_name="chỉ tiêu", on_delete=models.CASCADE, related_name="references")
    year = models.PositiveSmallIntegerField("năm")
    value = models.DecimalField("giá trị tham chiếu", max_digits=20, decimal_places=4)
    source = models.CharField("nguồn", max_length=255, blank=True)
    recorded_at = models.DateTimeField("ghi nhận lúc", auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người ghi nhận", null=True, blank=True, on_delete=models.SET_NULL
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["target", "year"]
        verbose_name = "giá trị chuỗi tham chiếu"
        verbose_name_plural = "giá trị chuỗi tham chiếu"
        constraints = [models.UniqueConstraint(fields=["target", "year"], name="one_reference_per_target_year")]

    def __str__(self):
        return f"{self.target.code} {self.year}: {fmt(self.value, 4)}"


class TargetValueQuerySet(models.QuerySet):
    def current(self):
        """The latest version of each target's value for each year."""
        return self.filter(is_current=True)


class TargetValue(models.Model):
    """One version of a target's value for one year. Versions are never changed: a correction
    is a new version, and the previous one stays, marked as no longer current."""

    target = models.ForeignKey(Target, verbose_name="chỉ tiêu", on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField("năm")
    value = models.DecimalField("giá trị", max_digits=20, decimal_places=4)
    as_of = models.DateField("số liệu tính đến ngày", null=True, blank=True)
    is_estimate = models.BooleanField("ước thực hiện", default=False)
    source = models.CharField("nguồn", max_length=255, blank=True)
    source_report = models.ForeignKey(
        "reports.AgencyReport",
        verbose_name="từ báo cáo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recorded_values",
    )
    note = models.TextField("ghi chú", blank=True)
    reason = models.TextField(
        "lý do đính chính", blank=True, help_text="Khi phiên bản này đính chính một số liệu đã duyệt hoặc đã nhập."
    )
    is_current = models.BooleanField("là số liệu hiện hành", default=True)
    recorded_at = models.DateTimeField("ghi nhận lúc", auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người ghi nhận",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    objects = TargetValueQuerySet.as_manager()

    class Meta:
        ordering = ["target", "year", "recorded_at", "pk"]
        verbose_name = "giá trị theo năm"
        verbose_name_plural = "giá trị theo năm"
        constraints = [
            models.UniqueConstraint(
                fields=["target", "year"], condition=Q(is_current=True), name="one_current_value_per_target_year"
            )
        ]

    def __str__(self):
        return f"{self.target.code} {self.year}: {fmt(self.value, 4)}"


class QualitativeStatus(models.TextChoices):
    ACHIEVED = "achieved", "Đã đạt"
    PROGRESSING = "progressing", "Đang thực hiện"
    NOT_ACHIEVED = "not_achieved", "Chưa đạt"


class Assessment(models.Model):
    """One version of the approved assessment of a qualitative target in one year. As with values,
    a correction is a new version and the previous one stays, marked as no longer current."""

    target = models.ForeignKey(Target, verbose_name="chỉ tiêu", on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveSmallIntegerField("năm")
    status = models.CharField("đánh giá", max_length=20, choices=QualitativeStatus.choices)
    source_report = models.ForeignKey(
        "reports.AgencyReport",
        verbose_name="từ báo cáo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recorded_assessments",
    )
    note = models.TextField("ghi chú", blank=True)
    is_current = models.BooleanField("là đánh giá hiện hành", default=True)
    recorded_at = models.DateTimeField("ghi nhận lúc", auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người ghi nhận", null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = TargetValueQuerySet.as_manager()

    class Meta:
        ordering = ["target", "year", "recorded_at", "pk"]
        verbose_name = "đánh giá chỉ tiêu định tính"
        verbose_name_plural = "đánh giá chỉ tiêu định tính"
        constraints = [
            models.UniqueConstraint(
                fields=["target", "year"], condition=Q(is_current=True), name="one_current_assessment_per_target_year"
            )
        ]

    def __str__(self):
        return f"{self.target.code} {self.year}: {self.get_status_display()}"


class StatusOverrideQuerySet(models.QuerySet):
    def current(self):
        """The override in force for each target and year (a withdrawal included)."""
        return self.filter(is_current=True)


class StatusOverride(models.Model):
    """A reviewer's status for a target in one year, shown beside the computed one, with a written reason
    (PRODUCT.md §4). Never edited: a new row supersedes the current one, and withdrawing an override is a
    row too (an empty status). Made through targets.overrides.override_status."""

    target = models.ForeignKey(
        Target, verbose_name="chỉ tiêu", on_delete=models.CASCADE, related_name="status_overrides"
    )
    year = models.PositiveSmallIntegerField("năm")
    status = models.CharField(
        "tình trạng điều chỉnh", max_length=30, choices=list(STATUS_LABELS.items()), blank=True,
        help_text="Để trống: bỏ điều chỉnh, dùng lại tình trạng tính theo số liệu.",
    )  # fmt: skip
    computed_status = models.CharField(
        "tình trạng tính theo số liệu lúc điều chỉnh", max_length=30, choices=list(STATUS_LABELS.items()), blank=True
    )
    reason = models.TextField("lý do")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người điều chỉnh", null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField("lúc", auto_now_add=True)
    is_current = models.BooleanField("là điều chỉnh hiện hành", default=True)

    objects = StatusOverrideQuerySet.as_manager()

    class Meta:
        ordering = ["target", "year", "at", "pk"]
        verbose_name = "điều chỉnh tình trạng"
        verbose_name_plural = "điều chỉnh tình trạng"
        constraints = [
            models.UniqueConstraint(
                fields=["target", "year"], condition=Q(is_current=True), name="one_current_override_per_target_year"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="override_has_a_reason"),
        ]

    def __str__(self):
        return f"{self.target.code} {self.year}: {self.label or 'bỏ điều chỉnh'}"

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, "")

    @property
    def computed_label(self) -> str:
        return STATUS_LABELS.get(self.computed_status, "")

    @property
    def by_name(self) -> str:
        """Who overrode: the person, else (an account since removed) the body that reviews the plan that year."""
        if self.by:
            return self.by.get_full_name() or self.by.username
        return ReportIssuer.for_year(self.target.plan, self.year).reviewer_name
