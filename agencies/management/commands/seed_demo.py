"""`manage.py seed_demo [--json]`: demo users for every role, printed for whoever tries the portal."""

import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agencies.models import Agency, Membership
from agencies.permissions import Role

DEMO_PASSWORD = "binhson-demo"

# (username, full name, role key, agency code or None)
DEMO_USERS = [
    ("quantri", "Quản trị hệ thống", "administrator", None),
    ("vanphong", "Nguyễn Thị Thẩm Định", "reviewer", None),
    ("lanhdao", "Trần Văn Lãnh Đạo", "viewer", None),
    ("canbo.ldtbxh", "Lê Thị Lao Động", "agency_staff", "LDTBXH"),
    ("canbo.nnptnt", "Phạm Văn Nông", "agency_staff", "NNPTNT"),
    ("canbo.gddt", "Hoàng Thị Giáo", "agency_staff", "GDDT"),
    ("canbo.binhan", "Đinh Văn Bình An", "agency_staff", "UBND-BA"),
    ("canbo.binhkhuong", "Hồ Thị Bình Khương", "agency_staff", "UBND-BK"),
]
ROLE_GROUPS = {
    "administrator": Role.ADMINISTRATOR,
    "reviewer": Role.REVIEWER,
    "viewer": Role.VIEWER,
    "agency_staff": Role.AGENCY_STAFF,
}
ROLE_LABELS = {
    "administrator": "quản trị",
    "reviewer": "Văn phòng huyện (thẩm định)",
    "viewer": "lãnh đạo, theo dõi (chỉ xem)",
    "agency_staff": "cán bộ đơn vị",
}


class Command(BaseCommand):
    help = "Tạo (hoặc đặt lại) các tài khoản dùng thử cho mọi vai trò và in ra."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="In danh sách tài khoản dạng JSON.")
        parser.add_argument("--force", action="store_true", help="Cho phép chạy khi DEBUG tắt (máy thật: không nên).")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("DEBUG đang tắt: tài khoản dùng thử có mật khẩu công khai. Thêm --force nếu chắc chắn.")
        missing = {code for *_, code in DEMO_USERS if code} - set(Agency.objects.values_list("code", flat=True))
        if missing:
            raise CommandError(f"Chưa có cơ quan {', '.join(sorted(missing))}: hãy chạy “manage.py load_plan” trước.")
        with transaction.atomic():
            rows = [self.ensure_user(*spec) for spec in DEMO_USERS]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"Tài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD}):")
        for row in rows:
            agency = f" – {row['agency']}" if row["agency"] else ""
            self.stdout.write(f"  {row['username']:<18} {ROLE_LABELS[row['role']]}{agency}")

    def ensure_user(self, username, full_name, role, agency_code):
        first, _, last = full_name.rpartition(" ")
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@binhson.local"
        user.is_staff = user.is_superuser = role == "administrator"
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get_or_create(name=ROLE_GROUPS[role])[0]])
        if agency_code:
            Membership.objects.update_or_create(user=user, defaults={"agency": Agency.objects.get(code=agency_code)})
        else:
            Membership.objects.filter(user=user).delete()
        return {"username": username, "password": DEMO_PASSWORD, "role": role, "agency": agency_code}
