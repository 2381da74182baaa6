"""`manage.py send_notifications`: send what the outbox still holds, for setups without Celery beat."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from reports.models import NoticeState, Notification
from reports.notices.notifications import deliver_pending


class Command(BaseCommand):
    help = "Gửi các thư còn chờ trong hộp thư đi (máy chủ thư hoặc hàng đợi từng gián đoạn)."

    def handle(self, *args, **options):
        sent = deliver_pending(timezone.now() + datetime.timedelta(minutes=1))
        left = Notification.objects.filter(state=NoticeState.PENDING).count()
        self.stdout.write(f"Đã gửi {sent} thư; còn {left} thư chờ gửi.")
