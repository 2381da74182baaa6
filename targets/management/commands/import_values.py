"""`manage.py import_values FILE [--plan SLUG]`: record past values of targets from CSV or XLSX."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from targets.imports import ValueImportError, import_values
from tasks.models import Plan


class Command(BaseCommand):
    help = (
        "Nhập số liệu các năm (năm gốc 2020, 2021–2024…) của chỉ tiêu từ tệp CSV hoặc Excel; "
        "sai một dòng thì không nhập gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--plan", help="mã định danh của kế hoạch (mặc định: kế hoạch đang theo dõi)")

    def handle(self, *args, **options):
        plans = Plan.objects.filter(is_active=True)
        plan = (
            plans.filter(slug=options["plan"]).first() if options["plan"] else plans.order_by("-period_start").first()
        )
        if plan is None:
            raise CommandError("Không tìm thấy kế hoạch.")
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        try:
            with path.open("rb") as handle:
                result = import_values(plan, handle, path.name)
        except ValueImportError as exc:
            raise CommandError(f"Tệp có {len(exc.errors)} lỗi, chưa nhập gì:\n" + "\n".join(exc.errors)) from None
        self.stdout.write(
            f"Đã nhập {result.recorded} giá trị mới, {result.unchanged} không đổi, "
            f"{result.references} giá trị tham chiếu."
        )
