"""`manage.py load_reorganisation FILE`: record (or update) reorganisations from their YAML data file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from targets.reorganisation_file import ReorganisationFileError, load_reorganisation_file

OUTCOMES = [("created", "tạo mới"), ("updated", "cập nhật"), ("unchanged", "không đổi")]


class Command(BaseCommand):
    help = (
        "Nạp (hoặc cập nhật) các sắp xếp tổ chức từ tệp YAML: đổi tên, sáp nhập, chia tách, chuyển giao, giải thể. "
        "Sắp xếp đã đến ngày hiệu lực được áp dụng ngay (chuyển cán bộ, đơn vị cũ ngừng hoạt động)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, **options):
        try:
            counts = load_reorganisation_file(Path(options["path"]))
        except ReorganisationFileError as exc:
            raise CommandError(
                f"Tệp sắp xếp có {len(exc.errors)} lỗi, chưa ghi gì vào cơ sở dữ liệu:\n" + "\n".join(exc.errors)
            ) from None
        parts = [
            f"{counts[f'reorganisation_{key}']} {word}" for key, word in OUTCOMES if counts[f"reorganisation_{key}"]
        ]
        self.stdout.write(f"Sắp xếp tổ chức: {', '.join(parts) or 'không có'}.")
        issuers = [f"{counts[f'issuer_{key}']} {word}" for key, word in OUTCOMES if counts[f"issuer_{key}"]]
        if issuers:
            self.stdout.write(f"  cơ quan ban hành báo cáo theo năm: {', '.join(issuers)}")
        if counts["agency_created"]:
            self.stdout.write(f"  cơ quan tạo mới: {counts['agency_created']}")
        if counts["agency_updated"]:
            self.stdout.write(f"  cơ quan ghi lại cơ quan chủ quản: {counts['agency_updated']}")
        if counts["applied"]:
            self.stdout.write(
                f"  áp dụng: {counts['applied']} sắp xếp, {counts['closed']} đơn vị ngừng hoạt động, "
                f"{counts['moved']} tài khoản cán bộ chuyển sang đơn vị kế thừa"
            )
        if counts["cycles"]:
            self.stdout.write(
                f"  kỳ báo cáo theo tổ chức mới: {counts['cycles']} kỳ, thêm {counts['reports_added']} báo cáo, "
                f"bỏ {counts['reports_removed']} báo cáo chưa ai nhập"
            )
        if counts["reports_handed_over"]:
            self.stdout.write(
                f"  chuyển giao: {counts['reports_handed_over']} báo cáo của đơn vị đã kết thúc chuyển nội dung "
                "vào báo cáo của cơ quan kế nhiệm"
            )
        if counts["parts_handed_over"]:
            self.stdout.write(
                f"  chuyển giao: phần nhiệm vụ, chỉ tiêu đã chuyển đi của {counts['parts_handed_over']} báo cáo "
                "vào báo cáo của đơn vị tiếp nhận"
            )
