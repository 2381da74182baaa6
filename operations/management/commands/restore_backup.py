"""`manage.py restore_backup FOLDER --yes [--database-url URL] [--media-root DIR]`: put a backup back.

Stop the web, worker and beat first: the database is replaced. By default into the portal's own database
and file storage (MEDIA_ROOT, or the S3 bucket when one is set); give another database URL and a local folder to
restore beside it (a restore drill: another database URL alone is refused, since the backup's files would go over the
live ones, unless --files-into-portal-storage says so). The file storage is checked writable first. An encrypted
backup needs the key it was made with in BACKUP_ENCRYPTION_KEY. Every session is ended: all log in again."""

from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from binhson_plan.backup import BackupError, restore_backup
from binhson_plan.files import storage_description


class Command(BaseCommand):
    help = "Khôi phục cơ sở dữ liệu và các tệp tải lên từ một bản sao lưu (đã kiểm tra mã của từng tệp)."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="Thư mục bản sao lưu, ví dụ backups/binhson-20261204-023000.")
        parser.add_argument("--database-url", help="Cơ sở dữ liệu nhận bản khôi phục (mặc định: của cổng).")
        parser.add_argument(
            "--media-root", help="Thư mục nhận các tệp tải lên (mặc định: kho tệp của cổng, MEDIA_ROOT hoặc kho S3)."
        )
        parser.add_argument(
            "--files-into-portal-storage",
            action="store_true",
            help="Với --database-url: vẫn ghi các tệp vào kho tệp đang dùng của cổng (đè lên tệp cùng tên).",
        )
        parser.add_argument("--yes", action="store_true", help="Xác nhận ghi đè cơ sở dữ liệu và tệp hiện có.")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("Khôi phục sẽ ghi đè cơ sở dữ liệu và tệp hiện có: dừng cổng rồi chạy lại với --yes.")
        target = (
            dj_database_url.parse(options["database_url"])
            if options["database_url"]
            else connections["default"].settings_dict
        )
        if options["database_url"] and not options["media_root"] and not options["files_into_portal_storage"]:
            # a drill beside the live portal must not write the backup's files over the ones it serves
            raise CommandError(
                f"Khôi phục cơ sở dữ liệu vào nơi khác (--database-url) mà không có --media-root sẽ ghi các tệp của "
                f"bản sao lưu đè lên kho tệp đang dùng của cổng ({storage_description()}): chưa khôi phục gì. Diễn "
                "tập khôi phục: thêm --media-root THƯ_MỤC. Thật sự muốn ghi vào kho của cổng: thêm "
                "--files-into-portal-storage."
            )
        media = Path(options["media_root"]) if options["media_root"] else default_storage
        where = media if isinstance(media, Path) else storage_description()
        try:
            restored = restore_backup(
                Path(options["backup"]), target, media, key=settings.BACKUP_ENCRYPTION_KEY, where=str(where)
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Đã khôi phục cơ sở dữ liệu {restored.database} và {restored.files} tệp vào {where}.")
        self.stdout.write("Mọi phiên đăng nhập đã kết thúc: người dùng đăng nhập lại.")
