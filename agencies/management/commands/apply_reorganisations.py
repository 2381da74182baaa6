"""`manage.py apply_reorganisations`: apply the reorganisations whose date has come (also run daily by beat,
reports/handover/jobs.py), and hand over the kept reports that waited for them (the receivers of
agencies.signals.reorganisations_took_effect)."""

from django.core.management.base import BaseCommand

from agencies.reorganising import take_effect


class Command(BaseCommand):
    help = (
        "Áp dụng các sắp xếp tổ chức đã đến ngày hiệu lực: đơn vị cũ ngừng hoạt động, tài khoản cán bộ chuyển sang "
        "đơn vị kế thừa (có ghi lại). Chạy hằng ngày; chạy lại không làm gì thêm."
    )

    def handle(self, *args, **options):
        counts = take_effect()
        handed = counts.get("handed_over", 0)
        self.stdout.write(
            f"Đã áp dụng {counts['applied']} sắp xếp: {counts['closed']} đơn vị ngừng hoạt động, "
            f"{counts['moved']} tài khoản cán bộ chuyển sang đơn vị kế thừa."
        )
        if handed:
            self.stdout.write(f"Đã chuyển giao nội dung của {handed} báo cáo cho đơn vị tiếp nhận.")
