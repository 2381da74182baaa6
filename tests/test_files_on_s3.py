"""Every file through the storage API (issue 20): with the files in an S3 bucket (a real S3 server over HTTP: moto's,
or CI's) and MEDIA_ROOT a folder that cannot exist, evidence uploads and downloads, the consolidated build, the
province's summary, /healthz and a backup with its restore all work, and nothing lands anywhere but in the bucket."""

import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from binhson_plan.backup import backups_in
from reports.consolidated.models import ConsolidatedReport
from reports.models import Evidence
from tests.conftest import NO_MEDIA_ROOT
from tests.reports.helpers import ReportPage, current_report
from tests.test_backup import fresh_database  # noqa: F401 (a fixture)

PDF = (
    b"%PDF-1.4\n1 0 obj<< /Type /Catalog /Pages 2 0 R >>endobj\n"
    b"2 0 obj<< /Type /Pages /Kids [3 0 R] /Count 1 >>endobj\n"
    b"3 0 obj<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
)  # the smallest PDF a reader opens: one blank page
COVER = {"number": "45/BC-UBND", "report_date": "04/12/2026", "addressee": "Ủy ban nhân dân tỉnh Quảng Ngãi",
         "recipients": "Lưu: VT", "signer_authority": "KT. CHỦ TỊCH", "signer_position": "PHÓ CHỦ TỊCH",
         "signer_name": "Phạm Quang Sự"}  # fmt: skip


def keys(s3) -> list[str]:
    client, bucket = s3
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", []))


def upload_evidence(client, cast, plan, content=PDF, name="bien-ban-hop.pdf"):
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report).fill_everything()
    lead = page.forms["leads"].forms[0].instance.section.code
    upload = SimpleUploadedFile(name, content)
    response = client.post(f"/bao-cao/{report.pk}/", page.data() | {page.field("lead", lead, "new_evidence"): upload})
    assert response.status_code == 302, response.content.decode()[-2000:]
    return report, Evidence.objects.get(entry__report=report, original_name=name)


def test_evidence_goes_to_the_bucket_and_downloads_back_only_for_its_readers(s3, client, cast, plan):
    content = PDF + "minh chứng lưu trên S3".encode()
    report, evidence = upload_evidence(client, cast, plan, content)
    assert keys(s3) == [evidence.file.name] and evidence.file.name.startswith("minh-chung/")
    s3_client, bucket = s3
    assert s3_client.get_object(Bucket=bucket, Key=evidence.file.name)["Body"].read() == content
    assert not os.path.exists(NO_MEDIA_ROOT)

    url = f"/bao-cao/{report.pk}/minh-chung/{evidence.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and response.streaming  # streamed through the portal, not a bucket's URL
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"] == 'attachment; filename="bien-ban-hop.pdf"'
    client.force_login(cast["canbo.binhan"])  # another agency's staff: the access checks still stand
    assert client.get(url).status_code in (403, 404)
    client.logout()
    assert client.get(url)["Location"].startswith("/dang-nhap/")


def test_evidence_gone_from_the_bucket_is_a_clear_404(s3, client, cast, plan):
    report, evidence = upload_evidence(client, cast, plan)
    s3_client, bucket = s3
    s3_client.delete_object(Bucket=bucket, Key=evidence.file.name)
    response = client.get(f"/bao-cao/{report.pk}/minh-chung/{evidence.pk}/")
    assert response.status_code == 404 and "không còn trên máy chủ" in response.content.decode()


def test_the_consolidated_build_writes_its_three_files_to_the_bucket(
    s3, client, cast, plan, eager_jobs, django_capture_on_commit_callbacks
):
    client.force_login(cast["vanphong"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/", COVER, follow=True)
    assert "Đã ghi yêu cầu dựng bản 1" in response.content.decode()
    report = ConsolidatedReport.objects.get()
    assert report.state == "ready", report.error
    assert keys(s3) == sorted([report.pdf.name, report.xlsx.name, report.docx.name])
    starts = {"pdf": b"%PDF", "xlsx": b"PK", "docx": b"PK"}
    for kind, start in starts.items():
        response = client.get(f"/tong-hop/{report.pk}/tep/{kind}/")
        assert response.status_code == 200
        name = f"bao-cao-tong-hop-binh-son-ctdt-2021-2030-2026-ban-1.{kind}"  # the plan in it: no clash across plans
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        body = b"".join(response.streaming_content)
        assert body.startswith(start) and len(body) > 1000
    assert not os.path.exists(NO_MEDIA_ROOT)


def test_a_failed_build_leaves_nothing_in_the_bucket(s3, plan, monkeypatch):
    from reports.consolidated import build

    def broken(data):
        raise RuntimeError("the Word step broke")

    monkeypatch.setattr("reports.consolidated.word.consolidated_docx", broken)
    report = ConsolidatedReport.request(plan, 2026)
    with pytest.raises(RuntimeError):
        build.build_consolidated_report(report.pk)
    report.refresh_from_db()
    assert report.state == "failed" and keys(s3) == []  # the PDF and the workbook written before are gone


def test_healthz_checks_the_bucket(s3, db, settings):
    from django.test import Client

    assert Client().get("/healthz").json()["checks"]["storage"] == "ok"
    assert keys(s3) == []  # the probe cleans up after itself
    settings.STORAGES = settings.STORAGES | {
        "default": settings.STORAGES["default"] | {
            "OPTIONS": settings.STORAGES["default"]["OPTIONS"] | {"bucket_name": "no-such-bucket"}
        }
    }  # fmt: skip
    response = Client(raise_request_exception=False).get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["storage"] == "error"


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's online backup of the in-memory test database waits for ever here; CI runs it on PostgreSQL",
)
def test_a_backup_holds_the_buckets_objects_and_the_restore_puts_them_back(
    s3,
    client,
    cast,
    plan,
    tmp_path,
    fresh_database,  # noqa: F811
):
    url, _ = fresh_database
    _, first = upload_evidence(client, cast, plan, PDF + b"1", "mot.pdf")
    _, second = upload_evidence(client, cast, plan, PDF + b"2", "hai.pdf")
    saved = {first.file.name: PDF + b"1", second.file.name: PDF + b"2"}
    call_command("backup", dest=str(tmp_path / "backups"), stdout=io.StringIO())
    [(_, backup)] = backups_in(tmp_path / "backups")

    s3_client, bucket = s3
    for name in saved:  # the bucket loses everything
        s3_client.delete_object(Bucket=bucket, Key=name)
    assert keys(s3) == []
    out = io.StringIO()
    call_command("restore_backup", str(backup), "--yes", "--files-into-portal-storage", database_url=url, stdout=out)
    assert f"2 tệp vào kho S3 “{bucket}”" in out.getvalue()
    assert keys(s3) == sorted(saved)
    for name, content in saved.items():
        assert s3_client.get_object(Bucket=bucket, Key=name)["Body"].read() == content
    assert not os.path.exists(NO_MEDIA_ROOT)
    assert not list(Path(tmp_path).rglob("minh-chung"))  # the files went back to the bucket, not to a folder


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's online backup of the in-memory test database waits for ever here; CI runs it on PostgreSQL",
)
def test_a_restore_into_a_bucket_not_made_yet_is_refused_before_the_database_is_touched(
    s3,
    client,
    cast,
    plan,
    tmp_path,
    settings,
    fresh_database,  # noqa: F811
):
    """As on a new machine whose bucket nobody made yet: the restore said so only after replacing the database, with
    an English traceback and no file restored (S3 browser pass). Now it checks the bucket first."""
    url, restored_cursor = fresh_database
    upload_evidence(client, cast, plan)
    call_command("backup", dest=str(tmp_path / "backups"), stdout=io.StringIO())
    [(_, backup)] = backups_in(tmp_path / "backups")
    settings.STORAGES = settings.STORAGES | {
        "default": settings.STORAGES["default"] | {
            "OPTIONS": settings.STORAGES["default"]["OPTIONS"] | {"bucket_name": "chua-tao-kho"}
        }
    }  # fmt: skip
    with pytest.raises(CommandError, match="chưa khôi phục gì. Với kho S3 mới, chạy “python manage.py make_bucket”"):
        call_command("restore_backup", str(backup), "--yes", "--files-into-portal-storage", database_url=url)
    cursor = restored_cursor()
    cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
    assert cursor.fetchone()[0] == 0  # the database was never touched


def test_a_backup_with_the_bucket_out_of_reach_says_so_in_vietnamese(s3, db, tmp_path, settings):
    settings.STORAGES = settings.STORAGES | {
        "default": settings.STORAGES["default"] | {
            "OPTIONS": settings.STORAGES["default"]["OPTIONS"] | {"endpoint_url": "http://127.0.0.1:9"}
        }
    }  # fmt: skip
    with pytest.raises(CommandError, match=r"Không đọc được kho S3 “.*” \(EndpointConnectionError\): chưa sao lưu gì"):
        call_command("backup", dest=str(tmp_path / "backups"), stdout=io.StringIO())
    assert backups_in(tmp_path / "backups") == [] and not [p for p in (tmp_path / "backups").iterdir()]


def test_make_bucket_creates_the_bucket_once(s3, settings):
    s3_client, _ = s3
    settings.AWS_STORAGE_BUCKET_NAME = "binhson-new-bucket"
    settings.STORAGES = settings.STORAGES | {
        "default": settings.STORAGES["default"] | {
            "OPTIONS": settings.STORAGES["default"]["OPTIONS"] | {"bucket_name": "binhson-new-bucket"}
        }
    }  # fmt: skip
    out = io.StringIO()
    call_command("make_bucket", stdout=out)
    call_command("make_bucket", stdout=out)
    assert out.getvalue().splitlines() == ["Đã tạo kho S3 “binhson-new-bucket”.", "Đã có kho S3 “binhson-new-bucket”."]
    assert "binhson-new-bucket" in [bucket["Name"] for bucket in s3_client.list_buckets()["Buckets"]]


def test_a_run_taken_over_mid_build_leaves_none_of_its_files(s3, plan, monkeypatch):
    """The sweep gave the version to another run after this one had written its PDF and workbook: it stops at its
    next beat and deletes them (no row ever pointed at them)."""
    from django.utils import timezone

    from reports.consolidated import build, word

    real = word.consolidated_docx

    def taken_over_meanwhile(data):
        ConsolidatedReport.objects.update(started_at=timezone.now())  # another run's claim
        return real(data)

    monkeypatch.setattr(word, "consolidated_docx", taken_over_meanwhile)
    report = ConsolidatedReport.request(plan, 2026)
    build.build_consolidated_report(report.pk)
    report.refresh_from_db()
    assert report.state == "building" and not report.pdf.name
    assert keys(s3) == []
