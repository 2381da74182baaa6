"""`manage.py make_bucket`: create the S3 bucket of AWS_STORAGE_BUCKET_NAME when it does not exist yet (docker-compose's
web runs it at start); with files on the local disk, nothing to do."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from binhson_plan.files import storage_description


class Command(BaseCommand):
    help = "Tạo kho S3 (bucket) của cổng nếu chưa có; tệp để trên đĩa thì không làm gì."

    def handle(self, *args, **options):
        if not settings.AWS_STORAGE_BUCKET_NAME:
            self.stdout.write(f"Tệp để trên đĩa ({storage_description()}): không cần tạo kho S3.")
            return
        from botocore.exceptions import ClientError

        client = default_storage.connection.meta.client
        try:
            client.head_bucket(Bucket=default_storage.bucket_name)
            self.stdout.write(f"Đã có {storage_description()}.")
        except ClientError:
            client.create_bucket(Bucket=default_storage.bucket_name)  # private: no ACL, no policy
            self.stdout.write(f"Đã tạo {storage_description()}.")
