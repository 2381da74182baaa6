"""Reporting cycles, agency reports and their review.

Every state change of a report goes through one method of `AgencyReport` (submit, approve,
send_back, reopen); each records a `ReportEvent`, and field-level changes are kept by
django-simple-history.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from targets.models import QualitativeStatus, Target
from tasks.models import Plan, Role, Section


def working_days_after(day: datetime.date, count: int) -> datetime.date:
    """The day `count` working days (Monday–Friday; public holidays are not known) after `day`."""
    while count > 0:
        day += datetime.timedelta(days=1)
        count -= day.weekday() < 5
    return day


class ReportingCycle(models.Model):
    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.PROTECT, related_name="cycles")
    year = models.PositiveSmallIntegerField("năm báo cáo")
    opens_on = models.DateField("ngày mở nhập liệu")
    due_on = models.DateField("hạn báo cáo")
    data_cutoff = models.DateField("số liệu tính đến ngày")
    locks_on = models.DateField(
        "khóa nhập liệu sau ngày", null=True, blank=True, help_text="Để trống: không khóa (báo cáo muộn vẫn nhận)."
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người mở kỳ", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-year"]
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="one_cycle_per_plan_year")]

    def __str__(self):
        return f"Kỳ báo cáo năm {self.year}"

    @classmethod
    def open(cls, plan, year: int, by=None) -> "ReportingCycle":
        """The plan's cycle for `year`, created with the plan's due date and one report per expected agency."""
        last_year = plan.vision_year or plan.period_end
        if not plan.period_start <= year <= last_year:
            raise ValidationError(f"Năm báo cáo phải trong khoảng {plan.period_start}–{last_year}.")
        with transaction.atomic():
            cycle, created = cls.objects.get_or_create(
                plan=plan,
                year=year,
                defaults={
                    "opens_on": datetime.date(year, 1, 1),
                    "due_on": datetime.date(year, plan.report_due_month, plan.report_due_day),
                    "data_cutoff": datetime.date(year, 12, 31),
                    "opened_by": by,
                },
            )
            if created:
                cycle.ensure_reports()
        return cycle

    @classmethod
    def current(cls, plan, today=None) -> "ReportingCycle":
        """This year's cycle, created on first use."""
        return cls.open(plan, (today or timezone.localdate()).year)

    def ensure_reports(self, lineage=None, due_on=None) -> tuple[set[int], int]:
        """One report for every agency that leads or coordinates a task or owns a target on the cycle's due
        date: the organisation of that day, after the reorganisations then in force (reports/organisation.py).
        The reports added get `due_on` as their own due date (a reorganisation opening them late in the season).
        Returns the ids of those agencies and how many reports were added."""
        from reports.organisation import expected_agencies

        existing = set(self.reports.values_list("agency_id", flat=True))
        expected = expected_agencies(self.plan, self.due_on, lineage)
        added = [AgencyReport(cycle=self, agency=a, due_on=due_on) for a in expected if a.pk not in existing]
        AgencyReport.objects.bulk_create(added)
        return {a.pk for a in expected}, len(added)

    def as_of_window(self, year: int) -> tuple[datetime.date, datetime.date]:
        """The dates a value for `year` may be "as of": within that year, or up to the cycle's data cut-off
        when the cut-off is later (figures collected into January). 31/12/2027 or 01/01/0001 is a typo."""
        return datetime.date(year, 1, 1), max(datetime.date(year, 12, 31), self.data_cutoff)

    def default_as_of(self, year: int, today=None) -> datetime.date:
        """The "as of" date of a value typed without one (PRODUCT.md §5): the day it is typed while its year
        runs (an estimate); once the year is over, the cycle's cut-off, or the end of an earlier year."""
        today = today or timezone.localdate()
        if today <= datetime.date(year, 12, 31):
            day = today
        else:
            day = self.data_cutoff if year == self.year else datetime.date(year, 12, 31)
        first, last = self.as_of_window(year)
        return min(max(day, first), last)

    def is_locked(self, today=None) -> bool:
        """Entry is closed: before the opening date, or after the lock date."""
        today = today or timezone.localdate()
        return today < self.opens_on or (bool(self.locks_on) and today > self.locks_on)


REOPENED_LABEL = "Được mở lại để sửa"


class ReportState(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    SUBMITTED = "submitted", "Đã gửi, chờ thẩm định"
    SENT_BACK = "sent_back", "Bị trả lại để bổ sung"
    APPROVED = "approved", "Đã duyệt"


# A report's content is the agency's own until it is sent: only a report sent and not returned for changes
# (submitted, awaiting review, or approved) shows its texts, values, proposals and evidence to anyone outside
# the agency. A sent-back report is being changed again: outsiders read the content the agency sent, kept
# in the submission's snapshot (reports.views), never the working copy. Every reader goes through
# `shared()` (reports, entries, proposals, evidence) or `AgencyReport.is_shared`.
SHARED_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)


class AgencyReportQuerySet(models.QuerySet):
    def shared(self):
        """Reports whose content readers outside the agency may see: submitted (not yet approved) or approved."""
        return self.filter(state__in=SHARED_STATES)

    def awaiting_review(self):
        """Submitted reports, oldest submission first."""
        return self.filter(state=ReportState.SUBMITTED, handed_over_at__isnull=True).order_by("submitted_at", "pk")

    def for_agency(self, agency):
        """Reports of one agency, newest cycle first."""
        return self.filter(agency=agency).order_by("-cycle__year")


class AgencyReport(models.Model):
    cycle = models.ForeignKey(
        ReportingCycle, verbose_name="kỳ báo cáo", on_delete=models.PROTECT, related_name="reports"
    )
    agency = models.ForeignKey(Agency, verbose_name="cơ quan, đơn vị", on_delete=models.PROTECT, related_name="reports")
    state = models.CharField("trạng thái", max_length=20, choices=ReportState.choices, default=ReportState.DRAFT)
    difficulties = models.TextField("khó khăn, vướng mắc", blank=True)
    version = models.PositiveIntegerField("phiên bản lưu", default=0)
    updated_at = models.DateTimeField("lưu lần cuối", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người lưu",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_submitted_at = models.DateTimeField("gửi lần đầu lúc", null=True, blank=True)
    submitted_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    is_late = models.BooleanField(
        "gửi muộn", default=False, help_text="Gửi lần đầu sau hạn báo cáo (gửi lại sau khi bị trả lại không tính)."
    )
    due_on = models.DateField(
        "hạn gửi riêng", null=True, blank=True,
        help_text="Báo cáo mở theo một sắp xếp tổ chức sát hoặc sau hạn của kỳ: hạn riêng của đơn vị. "
                  "Để trống: hạn của kỳ báo cáo.",
    )  # fmt: skip
    reviewed_at = models.DateTimeField("thẩm định lúc", null=True, blank=True)
    handed_over_at = models.DateTimeField(
        "chuyển giao lúc", null=True, blank=True,
        help_text="Cơ quan đã kết thúc theo một sắp xếp: nội dung đã chuyển vào báo cáo của cơ quan kế nhiệm.",
    )  # fmt: skip
    return_reason = models.TextField("lý do trả lại", blank=True)
    correction_due_on = models.DateField(
        "hạn bổ sung", null=True, blank=True,
        help_text="Báo cáo bị trả lại: hạn gửi lại phần bổ sung (Văn phòng huyện đặt khi trả lại).",
    )  # fmt: skip

    objects = AgencyReportQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["cycle", "agency__name"]
        verbose_name = "báo cáo của đơn vị"
        verbose_name_plural = "báo cáo của đơn vị"
        constraints = [models.UniqueConstraint(fields=["cycle", "agency"], name="one_report_per_agency_cycle")]

    def __str__(self):
        return f"Báo cáo năm {self.cycle.year} của {self.agency.name}"

    def get_absolute_url(self):
        return reverse("reports:detail", args=[self.pk])

    # One meaning of the due date, everywhere (the agency's page, the review queue, the dashboard, the exports
    # and Phụ lục 3): "gửi muộn" is a FIRST submission after the due date (stored in `is_late` by `submit`);
    # "quá hạn" is a report never sent, from the day after the due date; "gửi lại" is a submission after a
    # send-back, with its own time, and is never late on its own. A sent-back report has its own due date for
    # the corrections (`correction_due_on`): past it and not sent again, it is "quá hạn bổ sung"; sent again after
    # it, "gửi lại muộn so với hạn bổ sung". The first submission's "gửi muộn" or not stays as it was.
    @property
    def is_overdue(self) -> bool:
        """Not sent yet and the due date has passed, or sent back and its corrections' due date has passed
        (today in Bình Sơn)."""
        if self.handed_over_at is not None:
            return False
        return self.is_overdue_on_corrections or (
            self.first_submitted_at is None and timezone.localdate() > self.effective_due_on
        )

    @property
    def awaits_corrections(self) -> bool:
        """Sent back, not sent again, and the date its corrections are due is still to come (or today)."""
        return (
            self.state == ReportState.SENT_BACK
            and self.correction_due_on is not None
            and self.handed_over_at is None
            and timezone.localdate() <= self.correction_due_on
        )

    @property
    def is_overdue_on_corrections(self) -> bool:
        """Sent back, not sent again, and the date its corrections were due has passed."""
        return (
            self.state == ReportState.SENT_BACK
            and self.correction_due_on is not None
            and self.handed_over_at is None
            and timezone.localdate() > self.correction_due_on
        )

    @property
    def resubmitted_late(self) -> bool:
        """Sent again after the due date of the corrections asked for."""
        resubmitted = self.resubmitted_at
        return bool(resubmitted and self.correction_due_on and timezone.localdate(resubmitted) > self.correction_due_on)

    @property
    def resubmitted_at(self):
        """When the report was sent again after a send-back (the latest time); None if sent once or never."""
        if self.first_submitted_at and self.submitted_at and self.submitted_at != self.first_submitted_at:
            return self.submitted_at
        return None

    @property
    def is_reopened(self) -> bool:
        """Approved, then reopened by the reviewer for a correction (`reopen`): back with the agency as a send-back
        is, but nothing was refused, so it reads "Được mở lại để sửa". A send-back always sets the corrections' due
        date and a reopening never does, so no query is needed to tell them apart."""
        return self.state == ReportState.SENT_BACK and self.correction_due_on is None

    @property
    def state_label(self) -> str:
        """The state in words, a reopened report told apart from one sent back for corrections."""
        return REOPENED_LABEL if self.is_reopened else self.get_state_display()

    def deadline_note(self) -> str:
        """The same facts in words, for the exports and Phụ lục 3: "Quá hạn", "Gửi muộn", "Quá hạn bổ sung",
        "Gửi lại lúc …"."""
        notes = ["Gửi muộn"] if self.is_late else []
        if self.is_overdue_on_corrections:
            notes.append(f"Quá hạn bổ sung (hạn {self.correction_due_on:%d/%m/%Y})")
        elif self.awaits_corrections:
            notes.append(f"Hạn bổ sung {self.correction_due_on:%d/%m/%Y}")
        elif self.is_overdue:
            notes.append("Quá hạn")
        if self.resubmitted_at and self.state != ReportState.SENT_BACK:  # sent back again: that one is history
            late = f" (muộn so với hạn bổ sung {self.correction_due_on:%d/%m/%Y})" if self.resubmitted_late else ""
            notes.append(f"Gửi lại lúc {timezone.localtime(self.resubmitted_at):%H:%M %d/%m/%Y}{late}")
        return "; ".join(notes)

    @property
    def is_shared(self) -> bool:
        """Whether readers outside the agency see the report's content (SHARED_STATES)."""
        return self.state in SHARED_STATES

    @property
    def is_blank(self) -> bool:
        """Never saved nor sent: nothing in it was typed by the agency (a blank form to hand out)."""
        return self.version == 0 and self.state == ReportState.DRAFT and self.first_submitted_at is None

    @property
    def is_editable(self) -> bool:
        return (
            self.state in (ReportState.DRAFT, ReportState.SENT_BACK)
            and self.handed_over_at is None
            and not self.cycle.is_locked()
        )

    @property
    def effective_due_on(self) -> datetime.date:
        """The date the report is due: its own (a report a reorganisation opened late in the season is given time),
        else the cycle's."""
        return self.due_on or self.cycle.due_on

    def default_correction_due_on(self, sent_back_on: datetime.date | None = None) -> datetime.date:
        """The corrections' due date a send-back proposes: five working days (Monday–Friday) after it, and never
        before the report's own due date (an agency that sent early keeps the time the others have)."""
        return max(working_days_after(sent_back_on or timezone.localdate(), 5), self.effective_due_on)

    def claim_version(self, expected: int, by) -> bool:
        """Lock the row and bump the version if nobody saved nor changed the report's state since `expected` was
        read, and it may still be edited; False means it may not be saved now (`self` then holds its version and
        state afresh). Called inside the transaction that writes the save, so the lock lasts until it is written;
        every state change bumps the version under the same lock (`_transition`)."""
        self.version, self.state, self.handed_over_at = (
            AgencyReport.objects.select_for_update().values_list("version", "state", "handed_over_at").get(pk=self.pk)
        )
        if self.version != expected or not self.is_editable:
            return False
        self.version, self.updated_by, self.updated_at = expected + 1, by, timezone.now()
        AgencyReport.objects.filter(pk=self.pk).update(version=self.version, updated_at=self.updated_at, updated_by=by)
        return True

    def missing_items(self) -> list[str]:
        """What must still be filled before the report can be submitted, one sentence each."""
        from reports.completeness import missing_items

        return missing_items(self)

    def _lock(self):
        """Lock the row and read the report afresh: a save holding it has written everything (`claim_version`)."""
        self.refresh_from_db(from_queryset=AgencyReport.objects.select_for_update())

    def _transition(self, to, by, allowed_from, action, reason="", at=None, locked=False, **fields):
        # Lock the row and read the state afresh: two reviewers acting at once cannot both succeed. The version
        # moves with the state, so a save begun before this change is refused by `claim_version`.
        if not locked:
            self._lock()
        if self.handed_over_at:
            raise PermissionDenied("Báo cáo đã chuyển giao cho cơ quan kế nhiệm theo sắp xếp tổ chức.")
        if self.state not in allowed_from:
            raise PermissionDenied(
                f"Không thể {action.label.lower()} khi báo cáo đang ở trạng thái “{self.state_label}”."
            )
        self.state, self.version = to, self.version + 1
        for name, value in fields.items():
            setattr(self, name, value)
        self._history_user = by
        if at:
            self._history_date = at
        self.save(update_fields=["state", "version", *fields])
        self.__dict__.pop("_history_date", None)  # a later save of this instance is dated by the clock again
        event = ReportEvent.objects.create(report=self, action=action, by=by, reason=reason, snapshot=snapshot(self))
        if at:  # `at` is auto_now_add: a transition placed on the demo year's timeline is dated afterwards
            ReportEvent.objects.filter(pk=event.pk).update(at=at)
            event.at = at
        return event

    # `at` (default: now) exists for `seed_demo --reports` alone, which places a year's transitions on
    # the season's timeline; lateness is still judged by the model against the report's due date.
    @transaction.atomic
    def submit(self, by, at=None):
        self._lock()  # what is checked and recorded as sent is what is saved, not what this instance was loaded with
        if self.cycle.is_locked():
            raise PermissionDenied("Kỳ báo cáo đã khóa nhập liệu.")
        missing = self.missing_items()
        if missing:
            raise ValidationError(missing)
        now = at or timezone.now()
        first = self.first_submitted_at or now
        late = timezone.localtime(first).date() > self.effective_due_on  # the first submission's, not a resubmission's
        event = self._transition(
            ReportState.SUBMITTED, by, (ReportState.DRAFT, ReportState.SENT_BACK), ReportAction.SUBMITTED,
            at=at, locked=True, submitted_at=now, first_submitted_at=first, is_late=late,
        )  # fmt: skip
        return event

    @transaction.atomic
    def approve(self, by, at=None):
        from reports.asking import record_approved_values
        from reports.notifications import notify_agency

        event = self._transition(
            ReportState.APPROVED, by, (ReportState.SUBMITTED,), ReportAction.APPROVED, at=at,
            reviewed_at=at or timezone.now(),
        )  # fmt: skip
        record_approved_values(self, by, at=at)
        notify_agency(self, event)
        return event

    @transaction.atomic
    def send_back(self, by, reason: str, correction_due_on=None, at=None):
        """Back to the agency with the reason and the date its corrections are due (default: see
        `default_correction_due_on`)."""
        from reports.notifications import notify_agency

        if not reason.strip():
            raise ValidationError("Cần ghi lý do trả lại.")
        now = at or timezone.now()
        due = correction_due_on or self.default_correction_due_on(timezone.localtime(now).date())
        event = self._transition(
            ReportState.SENT_BACK, by, (ReportState.SUBMITTED,), ReportAction.SENT_BACK, reason=reason, at=at,
            return_reason=reason, reviewed_at=now, correction_due_on=due,
        )  # fmt: skip
        notify_agency(self, event)
        return event

    @transaction.atomic
    def reopen(self, by, reason: str):
        from reports.notifications import notify_agency

        if not reason.strip():
            raise ValidationError("Cần ghi lý do mở lại.")
        event = self._transition(
            ReportState.SENT_BACK,
            by,
            (ReportState.APPROVED,),
            ReportAction.REOPENED,
            reason=reason,
            return_reason=reason,
            correction_due_on=None,  # reopened, not sent back: no corrections' due date
        )
        notify_agency(self, event)
        return event

    def previous_year_values(self) -> dict[int, "object"]:
        """Target id → the latest recorded value of the year before this cycle."""
        from targets.models import TargetValue

        values = TargetValue.objects.current().filter(
            target__in=self.target_entries.values("target"), year=self.cycle.year - 1
        )
        return {value.target_id: value for value in values}


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

    objects = ReportContentQuerySet.as_manager()
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
        return reverse("reports:evidence", args=[self.entry.report_id, self.pk])


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
        return f"{self.target.code}: {self.value}"


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


class ReportAction(models.TextChoices):
    SUBMITTED = "submitted", "Gửi báo cáo"
    SENT_BACK = "sent_back", "Trả lại để bổ sung"
    APPROVED = "approved", "Duyệt"
    REOPENED = "reopened", "Mở lại"
    HANDED_OVER = "handed_over", "Chuyển giao theo sắp xếp tổ chức"
    RECEIVED = "received", "Nhận nội dung chuyển giao"


class ReportEvent(models.Model):
    """One transition of a report: who, when, why, and the report's content at that moment."""

    report = models.ForeignKey(AgencyReport, verbose_name="báo cáo", on_delete=models.CASCADE, related_name="events")
    action = models.CharField("thao tác", max_length=20, choices=ReportAction.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người thực hiện", null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField("lúc", auto_now_add=True)
    reason = models.TextField("lý do", blank=True)
    snapshot = models.JSONField("nội dung lúc đó", default=dict)

    class Meta:
        ordering = ["report", "at", "pk"]
        verbose_name = "lịch sử xử lý"
        verbose_name_plural = "lịch sử xử lý"

    def __str__(self):
        return f"{self.get_action_display()} – {self.at:%d/%m/%Y %H:%M}"


def snapshot(report: AgencyReport) -> dict:
    """The report's content as labelled plain values, for comparing one submission with the next."""
    from reports.completeness import report_snapshot

    return report_snapshot(report)


class NoticeState(models.TextChoices):
    PENDING = "pending", "Chờ gửi"
    SENT = "sent", "Đã gửi"


class Notification(models.Model):
    """A message in the outbox: written with what caused it, sent by a job, retried until it goes.
    `key` makes a second message for the same cause impossible, so none goes twice."""

    key = models.CharField("khóa", max_length=200, unique=True)
    recipients = models.TextField("người nhận")
    subject = models.CharField("tiêu đề", max_length=255)
    body = models.TextField("nội dung", blank=True)
    state = models.CharField("trạng thái", max_length=10, choices=NoticeState.choices, default=NoticeState.PENDING)
    attempts = models.PositiveIntegerField("số lần thử gửi", default=0)
    last_error = models.TextField("lỗi lần thử gần nhất", blank=True)
    created_at = models.DateTimeField("tạo lúc", default=timezone.now)
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "thư gửi đi"
        verbose_name_plural = "thư gửi đi"
        indexes = [models.Index(fields=["state", "created_at"], name="notice_outbox")]

    def __str__(self):
        return self.subject

    def recipient_list(self) -> list[str]:
        return [address.strip() for address in self.recipients.split(",") if address.strip()]


# The consolidated report's model lives in its own package; imported here so Django finds it.
from reports.consolidated.models import BuildState, ConsolidatedReport  # noqa: E402, F401
