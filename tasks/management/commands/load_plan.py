"""`manage.py load_plan [PATH]`: load or update a plan from its YAML data file."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from targets.cache import data_changed
from tasks.loading import load_plan_file
from tasks.plan_file import PlanFileError


class Command(BaseCommand):
    help = "Nạp (hoặc cập nhật) một kế hoạch từ tệp dữ liệu YAML. Không có đối số: kế hoạch huyện Bình Sơn."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(settings.DEFAULT_PLAN_FILE))

    def handle(self, *args, **options):
        try:
            plan, counts = load_plan_file(Path(options["path"]))
        except PlanFileError as exc:
            raise CommandError(
                f"Tệp kế hoạch có {len(exc.errors)} lỗi, chưa ghi gì vào cơ sở dữ liệu:\n" + "\n".join(exc.errors)
            ) from None
        data_changed()  # targets deactivated in bulk send no signal: cached progress is recomputed
        self.stdout.write(
            f"Đã nạp kế hoạch “{plan.slug}”: {plan.sections.count()} mục, {plan.targets.count()} chỉ tiêu."
        )
        for noun, label in [
            ("agency", "cơ quan"),
            ("section", "mục"),
            ("assignment", "phân công"),
            ("target", "chỉ tiêu"),
        ]:
            parts = [
                f"{counts[f'{noun}_{outcome}']} {word}"
                for outcome, word in [
                    ("created", "tạo mới"),
                    ("updated", "cập nhật"),
                    ("unchanged", "không đổi"),
                    ("deactivated", "ngừng theo dõi"),
                    ("removed", "gỡ bỏ"),
                ]  # fmt: skip
                if counts[f"{noun}_{outcome}"]
            ]
            self.stdout.write(f"  {label}: {', '.join(parts) or 'không có'}")
