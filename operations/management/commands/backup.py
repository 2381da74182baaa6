"""`manage.py backup [--dest DIR] [--keep-days N]`: the database and the uploaded files, with retention;
encrypted with BACKUP_ENCRYPTION_KEY when set. `manage.py backup --new-key` prints a new key;
`manage.py backup --missing-files FOLDER` the files an encrypted backup lacked (their names are sealed in it)."""

import json
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from binhson_plan.backup import BackupError, create_backup, missing_files, prune


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và các tệp tải lên; xóa các bản sao lưu cũ hơn số ngày giữ lại."

    def add_arguments(self, parser):
        parser.add_argument("--dest", default=str(settings.BACKUP_DIR), help="Thư mục chứa các bản sao lưu.")
        parser.add_argument(
            "--keep-days", type=int, default=settings.BACKUP_KEEP_DAYS, help="Giữ các bản sao lưu trong bấy nhiêu ngày."
        )
        parser.add_argument(
            "--new-key", action="store_true", help="In ra một khóa mã hóa mới cho BACKUP_ENCRYPTION_KEY, không sao lưu."
        )
        parser.add_argument(
            "--missing-files",
            metavar="THU_MUC",
            help="In tên các tệp mà bản sao lưu mã hóa này thiếu (cần BACKUP_ENCRYPTION_KEY), không sao lưu.",
        )

    def handle(self, *args, **options):
        if options["new_key"]:
            self.stdout.write(Fernet.generate_key().decode())
            return
        if options["missing_files"]:
            try:
                names = missing_files(Path(options["missing_files"]), settings.BACKUP_ENCRYPTION_KEY)
            except BackupError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write("\n".join(names) if names else "Bản sao lưu không thiếu tệp nào.")
            return
        directory = Path(options["dest"])
        try:
            backup = create_backup(directory, key=settings.BACKUP_ENCRYPTION_KEY)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Đã sao lưu vào {backup}")
        manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
        missing = manifest.get("missing_files", 0)
        if missing:  # the backup is whole, but the storage had already lost these: say so, and where their names are
            where = (
                f"xem tên tệp bằng lệnh: python manage.py backup --missing-files {backup}"
                if manifest.get("encrypted")
                else "xem nhật ký để biết tên tệp"
            )
            self.stdout.write(
                f"Cảnh báo: {missing} tệp được ghi trong cơ sở dữ liệu nhưng không có trong kho tệp nên không có trong "
                f"bản sao lưu ({where})."
            )
        for old in prune(directory, options["keep_days"]):
            self.stdout.write(f"Đã xóa bản sao lưu cũ {old.name}")
