"""`manage.py send_review_digest`: the daily mail of new submissions, for setups without Celery beat."""

from django.core.management.base import BaseCommand

from reports.notices.notifications import send_review_digest


class Command(BaseCommand):
    help = (
        "Gửi mỗi người thẩm định thư tổng hợp báo cáo mới gửi của các kế hoạch mình thẩm định "
        "(mỗi người tối đa một thư mỗi ngày)."
    )

    def handle(self, *args, **options):
        sent = send_review_digest()
        self.stdout.write("Đã gửi thư tổng hợp." if sent else "Không gửi: không có báo cáo mới hoặc hôm nay đã gửi.")
