"""`manage.py import_values FILE [--plan SLUG]`: record past values of targets from CSV or XLSX. Without `--plan`,
the one active plan; with several active, refused (naming them), nothing written."""

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
        parser.add_argument("--plan", help="mã định danh của kế hoạch (bắt buộc khi có nhiều kế hoạch đang theo dõi)")

    def handle(self, *args, **options):
        plans = Plan.objects.filter(is_active=True)
        if options["plan"]:
            plan = plans.filter(slug=options["plan"]).first()
        else:
            slugs = sorted(plans.values_list("slug", flat=True))
            if len(slugs) > 1:  # which plan the values are of is the user's to say, never a guess
                raise CommandError(
                    f"Có {len(slugs)} kế hoạch đang theo dõi ({', '.join(slugs)}): chọn kế hoạch của số liệu bằng "
                    f"--plan, ví dụ --plan {slugs[0]}. Chưa nhập gì."
                )
            plan = plans.first()
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
