"""`manage.py bench_heavy_work`: how much of their allowances (binhson_plan/allowance.py) the busiest real accounts
use, through the real URLs with Django's test client and DEBUG off, on the demo year (`seed_demo --reports`):

- heavy work (HEAVY_WORK_SECONDS every ten minutes): the reviewer downloading the year's workbooks and printing every
  agency's report of the year it may read; a staff member printing the year's largest report, uploading its workbook
  back and saving it with three evidence files (a scan-like PDF of 8 MB made by Pillow, and PDFs the portal drew).
  What is counted is what the allowance counts: the seconds the account's turn was held, read back from the cache
  (less what leaked out meanwhile: HEAVY_WORK_SECONDS every ten minutes, a few tenths of a second here).
- text saved (SAVED_TEXT_BYTES_PER_DAY): the text of the year's largest report, which saving it whole anew would use.

Everything it creates is rolled back; its cache and its files are its own, so a print is drawn each run."""

import io
import os
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import Client, TestCase, override_settings

from binhson_plan.allowance import HEAVY_WORK, REQUEST_TIME
from binhson_plan.number_format import fmt
from reports.editing.saving import build_forms
from reports.models import SHARED_STATES, AgencyReport, ReportState
from reports.review import workflow
from tasks.models import Plan

sys.path.insert(0, str(Path(settings.BASE_DIR) / "loadtest"))
from form_reader import FormReader  # noqa: E402  (what a browser posts back, as the load test reads it)


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Đo phần hạn mức việc nặng (kiểm tra tệp, tạo bản in) và hạn mức văn bản mà các tài khoản bận nhất dùng."

    def handle(self, *args, **options):
        if settings.DEBUG:
            raise CommandError("Đo với DEBUG tắt, như máy thật: DEBUG=0 SECRET_KEY=… manage.py bench_heavy_work")
        plan = Plan.objects.filter(slug="binh-son-ctdt-2021-2030").first()
        if plan is None or not AgencyReport.objects.filter(cycle__plan=plan).exists():
            raise CommandError("Chưa có dữ liệu minh họa: chạy `manage.py seed_demo --reports` trước (`make run`).")
        self.stdout.write(f"Tải trung bình của máy trước khi đo: {' '.join(fmt(x, 2) for x in os.getloadavg())}")
        limits = settings.HEAVY_WORK_SECONDS, settings.SAVED_TEXT_BYTES_PER_DAY  # the portal's, before measuring
        cache = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench-heavy"}}
        try:
            with (
                tempfile.TemporaryDirectory() as media,
                transaction.atomic(),
                override_settings(
                    ALLOWED_HOSTS=["127.0.0.1"],
                    CACHES=cache,
                    MEDIA_ROOT=media,
                    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                ),
                TestCase.captureOnCommitCallbacks(execute=True),
            ):
                self.run(plan, *limits)
                raise Rollback
        except Rollback:
            self.stdout.write("(Dữ liệu thử đã được xóa.)")

    def run(self, plan, limit, per_day):
        out = self.stdout.write
        cycle = plan.cycles.order_by("-year").first()
        reports = list(cycle.reports.select_related("agency").order_by("agency__name"))
        shared = [report for report in reports if report.state in SHARED_STATES]  # what the reviewer reads
        users = get_user_model().objects
        reviewer = users.get(username="vanphong")
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(reviewer)

        answers = [client.get(f"/ke-hoach/{plan.slug}/ky-bao-cao/{cycle.pk}/excel.zip", secure=True).status_code]
        zipped = HEAVY_WORK.level(reviewer)
        prints = [client.get(f"{report.get_absolute_url()}in/", secure=True) for report in shared]
        answers += [response.status_code for response in prints]
        used = HEAVY_WORK.level(reviewer)
        out(f"Văn phòng ({reviewer.username}), năm {cycle.year}: tệp nén Excel {fmt(zipped, 1)} s; in {len(shared)} "
            f"báo cáo {fmt(used - zipped, 1)} s; cộng {fmt(used, 1)} s trên hạn mức {limit} s mỗi 10 phút "
            f"({fmt(100 * used / limit, 0)}%). Mã trả lời: {_counted(answers)}")  # fmt: skip
        pages = [f"/bang-dieu-khien/{plan.slug}/{cycle.year}/", "/tham-dinh/", *(r.get_absolute_url() for r in reports)]
        answers += [client.get(page, secure=True, follow=True).status_code for page in pages]
        served, share = REQUEST_TIME.level(reviewer), settings.ACCOUNT_REQUEST_SECONDS
        every = REQUEST_TIME.window_seconds
        out(f"Văn phòng: thời gian phục vụ mọi yêu cầu trên (thêm {len(pages)} trang: bảng điều khiển, hàng chờ thẩm "
            f"định, từng báo cáo) còn {fmt(served, 1)} s trong phần của mỗi tài khoản {share} s mỗi {every} giây "
            f"({fmt(100 * served / share, 0)}%).")  # fmt: skip

        files = [scan(pages=8), *(response.content for response in prints if response.status_code == 200)][:3]
        staffed = [r for r in reports if users.filter(membership__agency=r.agency).exists()]
        report = max(staffed, key=lambda r: r.task_entries.count())  # the year's largest report with an account
        staff = users.filter(membership__agency=report.agency).order_by("pk").first()
        if report.state == ReportState.APPROVED:
            workflow.reopen(report, by=reviewer, reason="Đo hạn mức.")
        elif report.state == ReportState.SUBMITTED:
            workflow.send_back(report, by=reviewer, reason="Đo hạn mức.")
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(staff)
        url = report.get_absolute_url()
        answers = [client.get(f"{url}in/", secure=True).status_code]
        printed = HEAVY_WORK.level(staff)
        book = client.get(f"{url}excel/", secure=True).content
        upload = SimpleUploadedFile("bao-cao.xlsx", book)
        answers.append(client.post(f"{url}excel/tai-len/", {"workbook": upload}, secure=True).status_code)
        uploaded = HEAVY_WORK.level(staff) - printed
        answers.append(self.save_with_files(client, url, files))
        used = HEAVY_WORK.level(staff)
        sizes = " + ".join(fmt(len(content) / 1024 / 1024, 2) for content in files)
        out(f"Cán bộ ({staff.username}): in báo cáo {fmt(printed, 1)} s; tải lên tệp Excel {fmt(uploaded, 1)} s; "
            f"lưu kèm {len(files)} tệp PDF ({sizes} MB) {fmt(used - printed - uploaded, 1)} s; cộng {fmt(used, 1)} s "
            f"trên hạn mức {limit} s mỗi 10 phút ({fmt(100 * used / limit, 0)}%). "
            f"Mã trả lời: {_counted(answers)}")  # fmt: skip
        served = REQUEST_TIME.level(staff)
        share, every = settings.ACCOUNT_REQUEST_SECONDS, REQUEST_TIME.window_seconds
        out(f"Cán bộ: thời gian phục vụ còn {fmt(served, 1)} s trong {share} s mỗi {every} giây "
            f"({fmt(100 * served / share, 0)}%).")  # fmt: skip

        if set(answers) - {200, 302}:
            raise CommandError(f"Một việc của cán bộ bị từ chối, số đo không dùng được: {_counted(answers)}")
        largest = max(reports, key=_text_bytes)
        size = _text_bytes(largest)
        out(f"Văn bản: báo cáo năm {cycle.year} dài nhất ({largest.agency.short_name}) {fmt(size / 1024, 1)} kB; "
            f"hạn mức một ngày {fmt(per_day / 1024 / 1024, 1)} MB, bằng {fmt(per_day / max(size, 1), 0)} lần lưu "
            f"lại toàn bộ báo cáo đó.")  # fmt: skip

    def save_with_files(self, client, url, files) -> int:
        """The report page saved as a browser sends it, a file on each of its first tasks."""
        reader = FormReader()
        reader.feed(client.get(url, secure=True).content.decode())
        fields = sorted(name for name in reader.data if name.startswith("lead-") and name.endswith("-results"))
        data = reader.data | {"action": "save"}
        for number, (field, content) in enumerate(zip(fields, files, strict=False)):
            data[field.replace("-results", "-new_evidence")] = SimpleUploadedFile(f"bien-ban-{number}.pdf", content)
        return client.post(url, data, secure=True).status_code


def scan(pages: int) -> bytes:
    """A PDF as a scanner makes it: a grainy A4 photograph a page (150 dpi JPEG), a few MB, as evidence often is."""
    from PIL import Image

    images = [Image.effect_noise((1240, 1754), 40 + page).convert("RGB") for page in range(pages)]
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=150, quality=80)
    return buffer.getvalue()


def _counted(codes) -> str:
    return ", ".join(f"{code} ×{codes.count(code)}" for code in sorted(set(codes)))


def _text_bytes(report) -> int:
    """The bytes of every text the report's page holds (its own, its tasks', targets' and proposals' fields): what
    saving all of it anew counts (reports.editing.saving.changed_text)."""
    forms = build_forms(report)
    rows = [
        forms["report"],
        *(form for name in ("leads", "coordinating", "targets", "proposals") for form in forms[name]),
    ]
    return sum(
        len(value.encode()) for form in rows for name in form.fields if isinstance(value := form[name].value(), str)
    )
