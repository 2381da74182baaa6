"""Messages waiting to be sent (reports.notices)."""

from django.db import models
from django.utils import timezone


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
