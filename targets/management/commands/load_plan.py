"""`manage.py load_plan [PATH] [--basis "Quyết định số … ngày …"]`: load or update a plan from its YAML data file.
A change to a target's goal needs the legal basis that made it; it is kept in the target's history."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from targets.cache import data_changed
from targets.loading import load_plan_file
from targets.plan_file import PlanFileError


class Command(BaseCommand):
    help = "Nạp (hoặc cập nhật) một kế hoạch từ tệp dữ liệu YAML. Không có đối số: kế hoạch huyện Bình Sơn."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(settings.DEFAULT_PLAN_FILE))
        parser.add_argument(
            "--basis",
            default="",
            help="Căn cứ pháp lý của thay đổi (văn bản sửa đổi kế hoạch); bắt buộc khi mục tiêu của chỉ tiêu thay đổi.",
        )

    def handle(self, *args, **options):
        try:
            plan, counts = load_plan_file(Path(options["path"]), basis=options["basis"])
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
            ("indicator", "chỉ số mới (chưa có trong danh mục của tỉnh)"),
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
            if parts or noun != "indicator":
                self.stdout.write(f"  {label}: {', '.join(parts) or 'không có'}")
