"""Backups that restore: back up a real season, restore into a fresh database and a fresh media folder,
and find every report, event, entry, value, assessment and evidence file again, byte for byte.
On SQLite under `make test`, on PostgreSQL when DATABASE_URL is PostgreSQL (CI)."""

import datetime
import io
import json
import os
import sqlite3
import stat
import subprocess
import uuid
from functools import partial
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessLog
from cryptography.fernet import Fernet
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from binhson_plan import backup as backup_module
from binhson_plan.backup import BackupError, backups_in, media_checksums, prune
from reports.management.commands.seed_demo import DEMO_PASSWORD
from reports.models import AgencyReport, Evidence, Proposal, ReportEvent, TargetEntry, TaskEntry
from targets.models import Assessment, TargetValue
from tests.conftest import DATA
from tests.reports.helpers import ReportPage, current_report, post_seen

PDF = (
    b"%PDF-1.4\n1 0 obj<< /Type /Catalog /Pages 2 0 R >>endobj\n"
    b"2 0 obj<< /Type /Pages /Kids [3 0 R] /Count 1 >>endobj\n"
    b"3 0 obj<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
)  # the smallest PDF a reader opens: one blank page
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
    post_seen(client, f"/bao-cao/{AgencyReport.objects.get(agency__code='LDTBXH', cycle__year=2026).pk}/duyet/")
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


def tables_in(cursor) -> int:
    if connection.vendor == "sqlite":
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
    else:
        cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
    return cursor.fetchone()[0]


def dump_text(path) -> bytes:
    """What the database file of a backup holds, as its engine's own tools read it."""
    if connection.vendor == "sqlite":
        return path.read_bytes()
    return subprocess.run(["pg_restore", "--data-only", "--file=-", str(path)], capture_output=True, check=True).stdout


@pytest.fixture
def logged_in(transactional_db, client, cast, settings, tmp_path):
    """Văn phòng huyện with a live session, and a failed login recorded by the lockout."""
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(cast["vanphong"])
    client.post("/dang-nhap/", {"username": "vanphong", "password": "sai-mat-khau"}, REMOTE_ADDR="203.0.113.9")
    assert Session.objects.exists() and AccessAttempt.objects.filter(ip_address="203.0.113.9").exists()
    # a sign-in from another machine: the lockout's log of sign-ins records its address
    Client().post("/dang-nhap/", {"username": "lanhdao", "password": DEMO_PASSWORD}, REMOTE_ADDR="198.51.100.7")
    assert AccessLog.objects.filter(ip_address="198.51.100.7").exists()
    return client.session.session_key


def test_a_backup_is_readable_by_its_owner_only_and_holds_no_session(logged_in, tmp_path):
    previous = os.umask(0o022)  # the usual umask, under which files are born 0644
    try:
        call_command("backup", dest=str(tmp_path / "backups"), stdout=io.StringIO())
    finally:
        os.umask(previous)
    [(_, backup)] = backups_in(tmp_path / "backups")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700
    assert {path.name: stat.S_IMODE(path.stat().st_mode) for path in backup.iterdir()} == {
        name: 0o600
        for name in (
            "manifest.json",
            json.loads((backup / "manifest.json").read_text())["database"]["file"],
            "media.tar.gz",
        )  # fmt: skip
    }
    manifest = json.loads((backup / "manifest.json").read_text())
    text = dump_text(backup / manifest["database"]["file"])
    assert b"vanphong" in text  # the accounts are there …
    assert logged_in.encode() not in text  # … their sessions are not
    assert b"203.0.113.9" not in text  # nor the lockout's failed attempts
    assert b"198.51.100.7" not in text  # nor its log of who signed in from where
    from agencies.models import KnownDevice

    assert KnownDevice.objects.get(username="lanhdao").key.encode() not in text  # nor the browsers it remembers


def test_a_restore_ends_every_session_even_from_a_backup_that_held_them(logged_in, tmp_path, monkeypatch,
                                                                      fresh_database):  # fmt: skip
    url, restored_cursor = fresh_database
    monkeypatch.setattr(backup_module, "LEFT_OUT", [], raising=False)  # a backup taken before sessions were left out
    call_command("backup", dest=str(tmp_path / "backups"), stdout=io.StringIO())
    monkeypatch.undo()
    [(_, backup)] = backups_in(tmp_path / "backups")
    assert logged_in.encode() in dump_text(
        backup / json.loads((backup / "manifest.json").read_text())["database"]["file"]
    )
    out = io.StringIO()
    call_command("restore_backup", str(backup), "--yes", database_url=url, media_root=str(tmp_path / "m"), stdout=out)
    cursor = restored_cursor()
    cursor.execute("SELECT COUNT(*) FROM django_session")
    assert cursor.fetchone() == (0,)
    cursor.execute("SELECT COUNT(*) FROM auth_user WHERE username = 'vanphong'")
    assert cursor.fetchone() == (1,)
    assert "Mọi phiên đăng nhập đã kết thúc" in out.getvalue()


def test_an_encrypted_backup_is_unreadable_without_its_key_and_restores_with_it(season, settings, tmp_path,
                                                                                fresh_database):  # fmt: skip
    url, restored_cursor = fresh_database
    out = io.StringIO()
    call_command("backup", "--new-key", stdout=out)
    settings.BACKUP_ENCRYPTION_KEY = key = out.getvalue().strip()
    call_command("backup", dest=str(tmp_path / "backups"), stdout=io.StringIO())
    [(_, backup)] = backups_in(tmp_path / "backups")
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["encrypted"] and sorted(path.name for path in backup.iterdir()) == sorted(
        ["manifest.json", manifest["database"]["file"], "media.tar.gz.enc"]
    )
    assert manifest["database"]["file"].endswith(".enc")
    evidence = Evidence.objects.first()
    for path in backup.iterdir():  # no password hash, no user name, no file name, no file's bytes in clear
        content = path.read_bytes()
        for secret in (b"pbkdf2", b"vanphong", evidence.file.name.encode(), b"SQLite format", b"PGDMP", PDF[:20]):
            assert secret not in content, (path.name, secret)
    with pytest.raises(CommandError, match="không phải là khóa hợp lệ"):
        with override_settings(BACKUP_ENCRYPTION_KEY="khoa-tu-dat"):
            call_command("backup", dest=str(tmp_path / "other"), stdout=io.StringIO())
    restore = partial(call_command, "restore_backup", str(backup), "--yes", database_url=url, stdout=io.StringIO())
    settings.BACKUP_ENCRYPTION_KEY = ""
    with pytest.raises(CommandError, match="đã được mã hóa"):
        restore(media_root=str(tmp_path / "m1"))
    settings.BACKUP_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(CommandError, match="sai khóa"):
        restore(media_root=str(tmp_path / "m2"))
    assert not (tmp_path / "m1").exists() and not (tmp_path / "m2").exists()

    settings.BACKUP_ENCRYPTION_KEY = key
    restore(media_root=str(tmp_path / "restored-media"))
    cursor = restored_cursor()
    with connection.cursor() as original:
        for model in MODELS:
            assert table_rows(cursor, model) == table_rows(original, model), model.__name__
    assert media_checksums(tmp_path / "restored-media") == media_checksums(settings.MEDIA_ROOT)


def test_an_encrypted_file_cut_short_or_reordered_is_refused(tmp_path):
    cipher = Fernet(Fernet.generate_key())
    source = tmp_path / "plain"
    source.write_bytes(os.urandom(3 * backup_module.CHUNK + 5))
    backup_module.encrypt_file(cipher, source, tmp_path / "sealed")
    backup_module.decrypt_file(cipher, tmp_path / "sealed", tmp_path / "back")
    assert (tmp_path / "back").read_bytes() == source.read_bytes()
    sealed = (tmp_path / "sealed").read_bytes()
    tokens, rest = [], sealed
    while rest:
        size = int.from_bytes(rest[:4], "big") + 4
        tokens.append(rest[:size])
        rest = rest[size:]
    assert len(tokens) == 4
    for damaged in (b"".join(tokens[:3]), b"".join([tokens[1], tokens[0], *tokens[2:]])):
        (tmp_path / "damaged").write_bytes(damaged)
        with pytest.raises(BackupError, match="Không giải mã được"):
            backup_module.decrypt_file(cipher, tmp_path / "damaged", tmp_path / "out")


def test_a_drill_never_writes_over_the_live_files_nor_restores_where_its_files_cannot_go(
    season, settings, tmp_path, fresh_database
):
    """A restore drill with another database but no --media-root would have put the backup's files over the ones
    the live portal serves (an evidence file replaced since the backup came back old): refused, nothing touched. A
    storage that cannot be written (a bucket not made yet, a folder without rights) is found before the database is
    replaced, not after (S3 browser pass)."""
    url, restored_cursor = fresh_database
    call_command("backup", dest=str(tmp_path / "backups"), stdout=io.StringIO())
    [(_, backup)] = backups_in(tmp_path / "backups")
    evidence = Evidence.objects.first()
    live = Path(settings.MEDIA_ROOT) / evidence.file.name
    live.write_bytes(b"%PDF-1.4\n% the corrected file, uploaded after the backup\n%%EOF\n")
    with pytest.raises(CommandError, match="--media-root THƯ_MỤC"):
        call_command("restore_backup", str(backup), "--yes", database_url=url)
    assert live.read_bytes().startswith(b"%PDF-1.4\n% the corrected file")
    (tmp_path / "mot-tep").write_text("không phải thư mục")
    with pytest.raises(CommandError, match="chưa khôi phục gì. Với kho S3 mới, chạy “python manage.py make_bucket”"):
        call_command(
            "restore_backup", str(backup), "--yes", database_url=url, media_root=str(tmp_path / "mot-tep" / "m")
        )
    assert tables_in(restored_cursor()) == 0  # the database was never touched


def test_a_backup_says_when_the_storage_has_lost_a_recorded_file(season, settings, tmp_path, caplog):
    """The backup is whole, but a file the database points at was already gone from the storage: said on the console,
    named in the log (S3 browser pass: it said nothing)."""
    evidence = Evidence.objects.first()
    (Path(settings.MEDIA_ROOT) / evidence.file.name).unlink()
    out = io.StringIO()
    with caplog.at_level("WARNING", logger="binhson_plan.backup"):
        call_command("backup", dest=str(tmp_path / "backups"), stdout=out)
    assert "Cảnh báo: 1 tệp được ghi trong cơ sở dữ liệu nhưng không có trong kho tệp" in out.getvalue()
    assert evidence.file.name in caplog.text


def test_a_backup_whose_archive_escapes_its_folder_is_refused_before_the_database(season, tmp_path, fresh_database):
    """A backup altered by hand, its checksums rewritten to match: a file named ../../… in its archive. The archive's
    filter refused the path, but only after the database had been replaced, with a traceback (probe 21)."""
    import tarfile

    url, restored_cursor = fresh_database
    call_command("backup", dest=str(tmp_path / "backups"), stdout=io.StringIO())
    [(_, backup)] = backups_in(tmp_path / "backups")
    hostile = tmp_path / "media.tar.gz"
    with tarfile.open(hostile, "w:gz") as archive:
        info = tarfile.TarInfo("../../../../../../tmp/da-thoat-ra")
        info.size = 2
        archive.addfile(info, io.BytesIO(b"ok"))
    (backup / "media.tar.gz").write_bytes(hostile.read_bytes())
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["media"]["sha256"] = backup_module.sha256(backup / "media.tar.gz")
    (backup / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="media.tar.gz của bản sao lưu không mở được"):
        call_command("restore_backup", str(backup), "--yes", database_url=url, media_root=str(tmp_path / "m"))
    assert not Path("/tmp/da-thoat-ra").exists()
    assert tables_in(restored_cursor()) == 0  # the database was never touched


def test_an_encrypted_backup_names_no_uploaded_file_in_its_manifest_log_or_console(season, settings, tmp_path, caplog):
    """With BACKUP_ENCRYPTION_KEY set, nothing a backup writes or logs in clear names an uploaded file (whose path
    holds the agency's code and the name it was uploaded under) — issue 17: a file lost from the storage was named
    in the log in clear. The lost files' names are sealed in the manifest and read back with the key."""
    settings.BACKUP_ENCRYPTION_KEY = Fernet.generate_key().decode()
    lost, kept = Evidence.objects.order_by("pk")
    (Path(settings.MEDIA_ROOT) / lost.file.name).unlink()
    out = io.StringIO()
    with caplog.at_level("DEBUG"):
        call_command("backup", dest=str(tmp_path / "backups"), stdout=out)
    [(_, backup)] = backups_in(tmp_path / "backups")
    said = out.getvalue() + caplog.text
    assert "Cảnh báo: 1 tệp được ghi trong cơ sở dữ liệu nhưng không có trong kho tệp" in out.getvalue()
    for evidence in (lost, kept):
        for name in (evidence.file.name, evidence.original_name, Path(evidence.file.name).name):
            assert name not in said, name
            for path in backup.iterdir():
                assert name.encode() not in path.read_bytes(), (path.name, name)
    assert f"/{lost.entry.report.agency.code}/" not in said
    assert f"python manage.py backup --missing-files {backup}" in out.getvalue()
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["missing_files"] == 1 and "sealed_missing_files" in manifest
    listed = io.StringIO()
    call_command("backup", missing_files=str(backup), stdout=listed)
    assert lost.file.name in listed.getvalue() and kept.file.name not in listed.getvalue()
