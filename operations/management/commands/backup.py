"""`manage.py backup [--dest DIR] [--keep-days N]`: the database and the uploaded files, with retention;
encrypted with BACKUP_ENCRYPTION_KEY when set. `manage.py backup --new-key` prints a new key."""

import json
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from binhson_plan.backup import BackupError, create_backup, prune


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

    def handle(self, *args, **options):
        if options["new_key"]:
            self.stdout.write(Fernet.generate_key().decode())
            return
        directory = Path(options["dest"])
        try:
            backup = create_backup(directory, key=settings.BACKUP_ENCRYPTION_KEY)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Đã sao lưu vào {backup}")
        missing = json.loads((backup / "manifest.json").read_text(encoding="utf-8")).get("missing_files", 0)
        if missing:  # the backup is whole, but the storage had already lost these: say so, the log names them
            self.stdout.write(
                f"Cảnh báo: {missing} tệp được ghi trong cơ sở dữ liệu nhưng không có trong kho tệp nên không có trong "
                "bản sao lưu (xem nhật ký để biết tên tệp)."
            )
        for old in prune(directory, options["keep_days"]):
            self.stdout.write(f"Đã xóa bản sao lưu cũ {old.name}")
