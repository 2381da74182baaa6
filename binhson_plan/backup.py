"""Backups of the database and the uploaded files, their retention, and their restore.

One backup is one folder `binhson-YYYYMMDD-HHMMSS` holding the database (`pg_dump` custom format, or a
copy made with SQLite's online backup), `media.tar.gz` (every uploaded file and built report) and
`manifest.json` with the SHA-256 of each. It is written under a temporary name and renamed when complete,
so a folder with the final name is always whole. A restore checks every checksum first, and afterwards
checks every file it put back.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

PREFIX = "binhson-"
STAMP = "%Y%m%d-%H%M%S"


class BackupError(Exception):
    """What went wrong, in Vietnamese, for the person running the command."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_checksums(root: Path) -> dict[str, str]:
    """Relative path → SHA-256 of every file under `root` (the probe files of /healthz aside)."""
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.startswith(".healthz-")
    }


def _engine(settings_dict) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại {engine}.")


def _pg_args(settings_dict) -> tuple[list[str], dict]:
    args = ["-h", settings_dict.get("HOST") or "127.0.0.1", "-p", str(settings_dict.get("PORT") or 5432)]
    if settings_dict.get("USER"):
        args += ["-U", settings_dict["USER"]]
    env = os.environ | ({"PGPASSWORD": settings_dict["PASSWORD"]} if settings_dict.get("PASSWORD") else {})
    return args, env


def _run(command, env=None):
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"Không tìm thấy chương trình {command[0]} (cài gói postgresql-client).") from None
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} không thành công: {exc.stderr.strip()[-2000:]}") from None


def dump_database(target: Path, alias="default") -> str:
    """Write the database to `target`; the file name used."""
    connection = connections[alias]
    engine = _engine(connection.settings_dict)
    if engine == "postgresql":
        args, env = _pg_args(connection.settings_dict)
        path = target / "database.dump"
        _run(["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(path),
              connection.settings_dict["NAME"]], env)  # fmt: skip
        return path.name
    path = target / "database.sqlite3"
    connection.ensure_connection()
    destination = sqlite3.connect(path)
    try:
        connection.connection.backup(destination)  # consistent while the portal keeps writing
    finally:
        destination.close()
    return path.name


def archive_media(root: Path, target: Path) -> str:
    path = target / "media.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for relative in media_checksums(root):
            archive.add(root / relative, arcname=relative)
    return path.name


def create_backup(directory: Path, now: datetime.datetime | None = None) -> Path:
    """A complete backup folder under `directory`, returned."""
    now = timezone.localtime(now or timezone.now())
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"{PREFIX}{now:{STAMP}}"
    if final.exists():
        raise BackupError(f"Đã có bản sao lưu {final.name}.")
    work = Path(tempfile.mkdtemp(dir=directory, prefix=".dang-ghi-"))
    try:
        media_root = Path(settings.MEDIA_ROOT)
        database = dump_database(work)
        media = archive_media(media_root, work)
        manifest = {
            "created_at": now.isoformat(),
            "engine": _engine(connections["default"].settings_dict),
            "database": {"file": database, "sha256": sha256(work / database)},
            "media": {"file": media, "sha256": sha256(work / media), "files": media_checksums(media_root)},
        }
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        work.chmod(0o750)
        os.replace(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


def backups_in(directory: Path) -> list[tuple[datetime.datetime, Path]]:
    """Complete backups in `directory`, oldest first."""
    found = []
    for path in directory.glob(f"{PREFIX}*"):
        try:
            taken = datetime.datetime.strptime(path.name.removeprefix(PREFIX), STAMP)
        except ValueError:
            continue
        if (path / "manifest.json").exists():
            found.append((timezone.make_aware(taken), path))
    return sorted(found)


def prune(directory: Path, keep_days: int, now: datetime.datetime | None = None) -> list[Path]:
    """Remove backups older than `keep_days`, always keeping the newest; the folders removed."""
    now = now or timezone.now()
    backups = backups_in(directory)
    removed = []
    for taken, path in backups[:-1]:
        if now - taken > datetime.timedelta(days=keep_days):
            shutil.rmtree(path)
            removed.append(path)
    return removed


@dataclass
class Restored:
    database: str
    files: int


def read_manifest(backup: Path) -> dict:
    try:
        manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{backup} không phải là một bản sao lưu đầy đủ (thiếu manifest.json).") from None
    for part in ("database", "media"):
        path = backup / manifest[part]["file"]
        if not path.exists() or sha256(path) != manifest[part]["sha256"]:
            raise BackupError(f"Tệp {path.name} của bản sao lưu bị thiếu hoặc hỏng (mã kiểm tra không khớp).")
    return manifest


def restore_database(backup: Path, manifest: dict, settings_dict: dict) -> str:
    engine = _engine(settings_dict)
    if engine != manifest["engine"]:
        raise BackupError(f"Bản sao lưu là của {manifest['engine']}, không khôi phục được vào {engine}.")
    source = backup / manifest["database"]["file"]
    if engine == "postgresql":
        args, env = _pg_args(settings_dict)
        _run(["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--dbname", settings_dict["NAME"], str(source)], env)  # fmt: skip
        return settings_dict["NAME"]
    target = Path(settings_dict["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".dang-ghi-{target.name}")
    shutil.copyfile(source, temporary)
    os.replace(temporary, target)
    return str(target)


def restore_media(backup: Path, manifest: dict, media_root: Path) -> int:
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(backup / manifest["media"]["file"], "r:gz") as archive:
        archive.extractall(media_root, filter="data")  # no absolute paths, no "..", no devices
    for relative, checksum in manifest["media"]["files"].items():
        path = media_root / relative
        if not path.exists() or sha256(path) != checksum:
            raise BackupError(f"Tệp {relative} khôi phục không đúng (mã kiểm tra không khớp).")
    return len(manifest["media"]["files"])


def restore_backup(backup: Path, settings_dict: dict, media_root: Path) -> Restored:
    """Put the database and the uploaded files of `backup` back, after checking it is whole."""
    manifest = read_manifest(backup)
    database = restore_database(backup, manifest, settings_dict)
    return Restored(database=database, files=restore_media(backup, manifest, media_root))
