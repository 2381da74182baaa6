"""`manage.py apply_reorganisations`: apply the reorganisations whose date has come (also run daily by beat)."""

from django.core.management.base import BaseCommand

from agencies.reorganising import apply_due


class Command(BaseCommand):
    help = (
        "Áp dụng các sắp xếp tổ chức đã đến ngày hiệu lực: đơn vị cũ ngừng hoạt động, tài khoản cán bộ chuyển sang "
        "đơn vị kế thừa (có ghi lại). Chạy hằng ngày; chạy lại không làm gì thêm."
    )

    def handle(self, *args, **options):
        from reports.handover.handing import hand_over_waiting

        counts = apply_due()
        handed = hand_over_waiting()
        self.stdout.write(
            f"Đã áp dụng {counts['applied']} sắp xếp: {counts['closed']} đơn vị ngừng hoạt động, "
            f"{counts['moved']} tài khoản cán bộ chuyển sang đơn vị kế thừa."
        )
        if handed:
            self.stdout.write(f"Đã chuyển giao nội dung của {handed} báo cáo cho đơn vị tiếp nhận.")
