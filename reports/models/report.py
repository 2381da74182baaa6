"""An agency's report of a year and its states.

Every state change goes through one method of `AgencyReport` (submit, approve, send_back, reopen, hand_over); each
checks the state it starts from under a row lock and records a `ReportEvent`. What follows a change (values
recorded, the agency told) is reports.review.workflow's; field-level changes are kept by django-simple-history.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from reports.models.cycles import ReportingCycle, working_days_after
from reports.models.events import ReportAction, ReportEvent, snapshot
from targets.models import TargetValue

REOPENED_LABEL = "Được mở lại để sửa"


class ReportChanged(Exception):
    """A reviewer's action refused: the report changed (saved, sent, sent back…) since the page it was taken from
    showed `expected` (None: the request carried no version). `report` holds the report as it is now."""

    def __init__(self, report, expected):
        super().__init__(f"report {report.pk}: version {report.version}, not {expected}")
        self.report, self.expected = report, expected


class ReportState(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    SUBMITTED = "submitted", "Đã gửi, chờ thẩm định"
    SENT_BACK = "sent_back", "Bị trả lại để bổ sung"
    APPROVED = "approved", "Đã duyệt"


# A report's content is the agency's own until it is sent: only a report sent and not returned for changes
# (submitted, awaiting review, or approved) shows its texts, values, proposals and evidence to anyone outside
# the agency. A sent-back report is being changed again: outsiders read the content the agency sent, kept
# in the submission's snapshot (`snapshot`), never the working copy. Every reader goes through
# `shared()` (reports, entries, proposals, evidence) or `AgencyReport.is_shared`.
SHARED_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)


class AgencyReportQuerySet(models.QuerySet):
    def shared(self):
        """Reports whose content readers outside the agency may see: submitted (not yet approved) or approved."""
        return self.filter(state__in=SHARED_STATES)

    def counted(self):
        """Reports that count in their year: all but those handed over (their content is a successor's now)."""
        return self.filter(handed_over_at__isnull=True)

    def handed_over(self):
        return self.filter(handed_over_at__isnull=False)

    def awaiting_review(self):
        """Submitted reports, oldest submission first."""
        return self.counted().filter(state=ReportState.SUBMITTED).order_by("submitted_at", "pk")

    def for_agency(self, agency):
        """Reports of one agency, newest cycle first (then by plan)."""
        return self.filter(agency=agency).order_by("-cycle__year", "cycle__plan__slug")


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
        return reverse("reports:detail", args=[self.cycle.plan.slug, self.pk])  # its plan: load cycle__plan with it

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
        return "; ".join(
            notes[:1] + [note[0].lower() + note[1:] for note in notes[1:]]
        )  # one sentence: "Gửi muộn; gửi lại …"

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

    def _lock(self):
        """Lock the row and read the report afresh: a save holding it has written everything (`claim_version`)."""
        self.refresh_from_db(from_queryset=AgencyReport.objects.select_for_update())

    def lock_as_seen(self, seen) -> None:
        """Lock the row and read the report afresh; ReportChanged unless its version is `seen` (see `_transition`)."""
        self._lock()
        if seen != self.version:
            raise ReportChanged(self, seen)

    def _transition(self, to, by, allowed_from, action, reason="", at=None, locked=False, seen=..., **fields):
        # Lock the row and read the state afresh: two reviewers acting at once cannot both succeed. The version
        # moves with the state, so a save begun before this change is refused by `claim_version`. `seen`: the
        # version the reviewer's page showed (None: the request carried none), checked under the same lock, so a
        # reviewer never approves, sends back nor reopens content they did not see (ReportChanged); left out by
        # the commands and the demo, which act on the report as it is.
        if not locked:
            self._lock()
        if seen is not ... and seen != self.version:
            raise ReportChanged(self, seen)
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
    # the season's timeline; lateness is still judged by the model against the report's due date. What follows a
    # change (values recorded, the agency told) is reports.review.workflow's, which calls these.
    @transaction.atomic
    def submit(self, by, missing_items, at=None):
        """Sent to the reviewer, if `missing_items(report)` (reports.editing.completeness) finds nothing missing in
        what is saved: asked after the row is locked, not of what this instance was loaded with."""
        self._lock()
        if self.cycle.is_locked():
            raise PermissionDenied("Kỳ báo cáo đã khóa nhập liệu.")
        missing = missing_items(self)
        if missing:
            raise ValidationError(missing)
        now = at or timezone.now()
        first = self.first_submitted_at or now
        late = timezone.localtime(first).date() > self.effective_due_on  # the first submission's, not a resubmission's
        return self._transition(
            ReportState.SUBMITTED, by, (ReportState.DRAFT, ReportState.SENT_BACK), ReportAction.SUBMITTED,
            at=at, locked=True, submitted_at=now, first_submitted_at=first, is_late=late,
        )  # fmt: skip

    @transaction.atomic
    def approve(self, by, at=None, seen=...):
        return self._transition(
            ReportState.APPROVED, by, (ReportState.SUBMITTED,), ReportAction.APPROVED, at=at, seen=seen,
            reviewed_at=at or timezone.now(),
        )  # fmt: skip

    @transaction.atomic
    def send_back(self, by, reason: str, correction_due_on=None, at=None, seen=...):
        """Back to the agency with the reason and the date its corrections are due (default: see
        `default_correction_due_on`)."""
        if not reason.strip():
            raise ValidationError("Cần ghi lý do trả lại.")
        now = at or timezone.now()
        due = correction_due_on or self.default_correction_due_on(timezone.localtime(now).date())
        return self._transition(
            ReportState.SENT_BACK, by, (ReportState.SUBMITTED,), ReportAction.SENT_BACK, reason=reason, at=at,
            seen=seen, return_reason=reason, reviewed_at=now, correction_due_on=due,
        )  # fmt: skip

    @transaction.atomic
    def reopen(self, by, reason: str, seen=...):
        if not reason.strip():
            raise ValidationError("Cần ghi lý do mở lại.")
        return self._transition(
            ReportState.SENT_BACK, by, (ReportState.APPROVED,), ReportAction.REOPENED, reason=reason, seen=seen,
            return_reason=reason, correction_due_on=None,  # reopened, not sent back: no corrections' due date
        )  # fmt: skip

    @transaction.atomic
    def hand_over(self, reason: str, at=None, whole: bool = True):
        """Its content given to the successors' reports (reports.handover): read only and not counted from then on
        when `whole` (its agency ended), else only some entries left it (a transfer). Any state: the row is locked
        and the version moves, so a save begun before is refused (`claim_version`)."""
        self._lock()
        if whole:
            if self.handed_over_at:
                raise PermissionDenied("Báo cáo đã chuyển giao cho cơ quan kế nhiệm theo sắp xếp tổ chức.")
            self.handed_over_at = at or timezone.now()
        self.version += 1
        AgencyReport.objects.filter(pk=self.pk).update(version=self.version, handed_over_at=self.handed_over_at)
        return ReportEvent.objects.create(
            report=self, action=ReportAction.HANDED_OVER, reason=reason, snapshot=snapshot(self)
        )

    @transaction.atomic
    def receive(self, reason: str, at=None):
        """Content handed over from an ended agency's report was written into this one (reports.handover)."""
        self._lock()
        self.version, self.updated_at = self.version + 1, at or timezone.now()
        AgencyReport.objects.filter(pk=self.pk).update(version=self.version, updated_at=self.updated_at)
        return ReportEvent.objects.create(
            report=self, action=ReportAction.RECEIVED, reason=reason, snapshot=snapshot(self)
        )

    def previous_year_values(self) -> dict[int, "object"]:
        """Target id → the latest recorded value of the year before this cycle."""
        values = TargetValue.objects.current().filter(
            target__in=self.target_entries.values("target"), year=self.cycle.year - 1
        )
        return {value.target_id: value for value in values}
