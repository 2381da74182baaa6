from django.core.management.base import BaseCommand

from reports.cycles.opening import open_this_year


class Command(BaseCommand):
    help = (
        "Mở kỳ báo cáo năm nay của mọi kế hoạch đang thực hiện, nếu chưa mở: việc celery beat chạy mỗi đêm "
        "(open-cycles); chạy tay khi không có beat (chế độ nhúng). Chạy lại không thay đổi gì."
    )

    def handle(self, *args, **options):
        opened = open_this_year()
        self.stdout.write(f"Đã mở {opened} kỳ báo cáo năm nay." if opened else "Kỳ báo cáo năm nay đã mở từ trước.")
