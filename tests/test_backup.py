"""Backups that restore: back up a real season, restore into a fresh database and a fresh media folder,
and find every report, event, entry, value, assessment and evidence file again, byte for byte.
On SQLite under `make test`, on PostgreSQL when DATABASE_URL is PostgreSQL (CI)."""

import datetime
import io
import json
import sqlite3
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from binhson_plan.backup import backups_in, media_checksums, prune
from reports.models import AgencyReport, Evidence, Proposal, ReportEvent, TargetEntry, TaskEntry
from targets.models import Assessment, TargetValue
from tests.conftest import DATA
from tests.reports.helpers import ReportPage, current_report

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<<>>\n%%EOF\n"
MODELS = [AgencyReport, ReportEvent, TaskEntry, TargetEntry, Proposal, Evidence, TargetValue, Assessment]


@pytest.fixture
def season(transactional_db, client, cast, plan, settings, tmp_path):
    """Imported history, two reports with evidence files, one approved (values and assessments recorded)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=io.StringIO())
    for code, user in [("LDTBXH", "canbo.ldtbxh"), ("GDDT", "canbo.gddt")]:
        report = current_report(plan, code)
        client.force_login(cast[user])
        page = ReportPage(report).fill_everything().add_proposal(f"Kiến nghị của {code}.")
        lead = page.forms["leads"].forms[0].instance.section.code
        upload = SimpleUploadedFile(f"bien-ban-{code}.pdf", PDF + code.encode())
        client.post(f"/bao-cao/{report.pk}/", page.data() | {page.field("lead", lead, "new_evidence"): upload})
        client.post(f"/bao-cao/{report.pk}/", ReportPage(report).data("submit"))
    client.force_login(cast["vanphong"])
    client.post(f"/bao-cao/{AgencyReport.objects.get(agency__code='LDTBXH', cycle__year=2026).pk}/duyet/")
    assert Evidence.objects.count() == 2 and TargetValue.objects.filter(source_report__isnull=False).exists()
    return plan


def table_rows(cursor, model):
    columns = ", ".join(f'"{field.column}"' for field in model._meta.concrete_fields)
    cursor.execute(f'SELECT {columns} FROM "{model._meta.db_table}" ORDER BY "id"')
    return cursor.fetchall()


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of the same kind as the test database; yields (url, a function opening a cursor)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES).cursor()
        return
    import psycopg2

    name = f"binhson_restore_{uuid.uuid4().hex[:12]}"
    settings_dict = connection.settings_dict
    server = {"host": settings_dict["HOST"] or "127.0.0.1", "port": settings_dict["PORT"] or 5432,
              "user": settings_dict["USER"], "password": settings_dict["PASSWORD"] or None}  # fmt: skip
    admin = psycopg2.connect(dbname="postgres", **server)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    opened = []

    def cursor():
        """Read the way Django's own connection reads: UTC times, JSON as its text."""
        import psycopg2.extras

        opened.append(psycopg2.connect(dbname=name, **server))
        psycopg2.extras.register_default_jsonb(opened[-1], loads=lambda text: text)
        cursor = opened[-1].cursor()
        cursor.execute("SET TIME ZONE 'UTC'")
        return cursor

    password = f":{server['password']}" if server["password"] else ""
    try:
        yield f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}", cursor
    finally:
        for conn in opened:
            conn.close()
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def test_a_backup_restores_into_a_fresh_database_and_media_folder(season, settings, tmp_path, fresh_database):
    url, restored_cursor = fresh_database
    out = io.StringIO()
    call_command("backup", dest=str(tmp_path / "backups"), stdout=out)
    [(_, backup)] = backups_in(tmp_path / "backups")
    assert f"Đã sao lưu vào {backup}" in out.getvalue()
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    originals = media_checksums(settings.MEDIA_ROOT)
    assert {evidence.file.name for evidence in Evidence.objects.all()} <= set(originals)

    restored_media = tmp_path / "restored-media"
    call_command("restore_backup", str(backup), "--yes", database_url=url, media_root=str(restored_media),
                 stdout=io.StringIO())  # fmt: skip

    cursor = restored_cursor()
    with connection.cursor() as original:
        for model in MODELS:
            expected = table_rows(original, model)
            assert expected, model.__name__
            assert table_rows(cursor, model) == expected, model.__name__
    assert media_checksums(restored_media) == originals  # every evidence file, byte for byte
    for evidence in Evidence.objects.all():
        assert (restored_media / evidence.file.name).read_bytes() == evidence.file.read()


def test_a_damaged_backup_is_refused_before_anything_is_touched(season, tmp_path, fresh_database):
    url, _ = fresh_database
    call_command("backup", dest=str(tmp_path / "backups"), stdout=io.StringIO())
    [(_, backup)] = backups_in(tmp_path / "backups")
    with open(backup / "media.tar.gz", "r+b") as archive:
        archive.seek(40)
        archive.write(b"\x00" * 16)
    with pytest.raises(CommandError, match="bị thiếu hoặc hỏng"):
        call_command("restore_backup", str(backup), "--yes", database_url=url, media_root=str(tmp_path / "m"))
    assert not (tmp_path / "m").exists()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_backup", str(backup), database_url=url)


def test_old_backups_are_removed_but_the_newest_is_always_kept(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    directory = tmp_path / "backups"
    now = timezone.now()
    call_command("backup", dest=str(directory), stdout=io.StringIO())
    [(taken, first)] = backups_in(directory)
    assert prune(directory, keep_days=14, now=now + datetime.timedelta(days=30)) == []  # the only one stays
    older = directory / f"binhson-{timezone.localtime(now - datetime.timedelta(days=20)):%Y%m%d-%H%M%S}"
    older.mkdir()
    (older / "manifest.json").write_text("{}")
    assert prune(directory, keep_days=14, now=now) == [older]
    assert [path for _, path in backups_in(directory)] == [first]
