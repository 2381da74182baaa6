"""`manage.py load_indicators [PATH]`: load or update the province's list of indicators (the crosswalk file)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from targets.cache import data_changed
from targets.indicator_file import load_indicator_file
from targets.plan_file import PlanFileError


class Command(BaseCommand):
    help = (
        "Nạp (hoặc cập nhật) danh mục chỉ số của tỉnh từ tệp YAML. Không có đối số: binhson_plan/plans/indicators.yaml."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(settings.DEFAULT_INDICATOR_FILE))

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            counts = load_indicator_file(path)
        except PlanFileError as exc:
            raise CommandError(
                f"Tệp danh mục chỉ số có {len(exc.errors)} lỗi, chưa ghi gì vào cơ sở dữ liệu:\n"
                + "\n".join(exc.errors)
            ) from None
        data_changed()
        total = counts["created"] + counts["updated"] + counts["unchanged"]
        parts = [
            f"{counts[key]} {word}"
            for key, word in [("created", "tạo mới"), ("updated", "cập nhật"), ("unchanged", "không đổi")]
            if counts[key]
        ]
        self.stdout.write(f"Đã nạp danh mục chỉ số từ tệp {path.name}: {total} chỉ số ({', '.join(parts)}).")
        if counts["unlisted"]:
            self.stdout.write(
                f"  {counts['unlisted']} chỉ số không còn trong danh mục của tỉnh (vẫn giữ cho các chỉ tiêu đo nó)."
            )
