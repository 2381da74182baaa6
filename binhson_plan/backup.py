"""Backups of the database and the uploaded files, their retention, and their restore.

One backup is one folder `binhson-YYYYMMDD-HHMMSS` holding the database (`pg_dump` custom format, or a
copy made with SQLite's online backup), `media.tar.gz` (every uploaded file and built report, from the storage
the portal uses: the local MEDIA_ROOT, or each object of the S3 bucket) and
`manifest.json` with the SHA-256 of each. It is written under a temporary name and renamed when complete,
so a folder with the final name is always whole. A restore checks every checksum first, and afterwards
checks every file it put back.

A backup holds password hashes and every report, so only its owner reads it: the folder is 0700 and its
files 0600. Live sessions, failed-login records and remembered browsers are left out (a stolen backup must not
let anyone in as someone), and a restore ends every session all the same, older backups included. With
BACKUP_ENCRYPTION_KEY set (a Fernet key the office keeps off the machine), the database and the archive are
written encrypted (`…enc`) and the list of file names sealed, as are the names of recorded files the storage had
lost (logged in clear only for an unencrypted backup; `manage.py backup --missing-files FOLDER` reads them with the
key); a restore needs the same key.
"""

import datetime
import hashlib
import json
import logging
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import connections, models
from django.utils import timezone

from binhson_plan.files import all_names, storage_description

logger = logging.getLogger(__name__)

PREFIX = "binhson-"
STAMP = "%Y%m%d-%H%M%S"
# Rows that would let whoever holds the backup in, or that are only the lockout's memory (the attempts and, for the
# guess budget, the failures of the last hour: agencies/throttling.py; the log of sign-ins, with each person's
# address and browser, which the lockout reads to know an account's usual machines).
LEFT_OUT = ["django_session", "axes_accessattempt", "axes_accessfailurelog", "axes_accesslog", "agencies_knowndevice"]
CHUNK = 1 << 22  # encrypted 4 MiB at a time: a large media archive never sits whole in memory


class BackupError(Exception):
    """What went wrong, in Vietnamese, for the person running the command."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_checksums(root) -> dict[str, str]:
    """Name → SHA-256 of every file in a storage (or a local folder `root`), the probe files of /healthz aside."""
    storage = root if isinstance(root, Storage) else FileSystemStorage(location=root)
    checksums = {}
    for name in all_names(storage):
        with storage.open(name, "rb") as handle:
            checksums[name] = _digest(handle)
    return checksums


def _digest(handle) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


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


def fernet(key: str | None) -> Fernet | None:
    """The cipher for BACKUP_ENCRYPTION_KEY; None when no key is set."""
    if not key:
        return None
    try:
        return Fernet(key.strip().encode())
    except (ValueError, TypeError):
        raise BackupError(
            "BACKUP_ENCRYPTION_KEY không phải là khóa hợp lệ (tạo khóa bằng: python manage.py backup --new-key)."
        ) from None


def encrypt_file(cipher: Fernet, source: Path, target: Path) -> None:
    """`source` as a sequence of Fernet tokens, one per chunk, each carrying its index and whether it is
    the last: a token moved, dropped or cut off is noticed on decryption."""
    with open(source, "rb") as plain, open(_private(target), "wb") as sealed:
        index, block = 0, plain.read(CHUNK)
        while True:
            following = plain.read(CHUNK)
            token = cipher.encrypt(index.to_bytes(8, "big") + bytes([not following]) + block)
            sealed.write(len(token).to_bytes(4, "big") + token)
            if not following:
                return
            index, block = index + 1, following


def decrypt_file(cipher: Fernet, source: Path, target: Path) -> None:
    broken = BackupError(f"Không giải mã được {source.name}: sai khóa BACKUP_ENCRYPTION_KEY, hoặc tệp bị sửa.")
    with open(source, "rb") as sealed, open(_private(target), "wb") as plain:
        index = 0
        while True:
            size = sealed.read(4)
            if len(size) != 4:
                raise broken  # ended before its last chunk
            try:
                data = cipher.decrypt(sealed.read(int.from_bytes(size, "big")))
            except InvalidToken:
                raise broken from None
            if int.from_bytes(data[:8], "big") != index:
                raise broken
            plain.write(data[9:])
            if data[8]:
                return
            index += 1


def _private(path: Path) -> Path:
    """`path`, created empty and readable by its owner only (whatever the umask)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    path.chmod(0o600)
    return path


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
        path = _private(target / "database.dump")
        left_out = [f"--exclude-table-data={table}" for table in LEFT_OUT]
        _run(["pg_dump", *args, "--format=custom", "--no-owner", *left_out, "--file", str(path),
              connection.settings_dict["NAME"]], env)  # fmt: skip
        return path.name
    path = _private(target / "database.sqlite3")
    connection.ensure_connection()
    destination = sqlite3.connect(path)
    try:
        connection.connection.backup(destination)  # consistent while the portal keeps writing
        _forget_left_out(destination)
        destination.execute("VACUUM")  # the deleted rows' pages go too, not only their index entries
    finally:
        destination.close()
    return path.name


def _forget_left_out(sqlite_connection) -> None:
    tables = {row[0] for row in sqlite_connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in LEFT_OUT:
        if table in tables:
            sqlite_connection.execute(f'DELETE FROM "{table}"')
    sqlite_connection.commit()


def archive_media(storage: Storage, target: Path) -> tuple[str, dict[str, str]]:
    """Every file of the storage (the local MEDIA_ROOT, or each object of the S3 bucket, downloaded) into one archive;
    its name and the SHA-256 of each file it holds. A file deleted between the listing and its reading is left out."""
    path = _private(target / "media.tar.gz")
    checksums = {}
    try:
        names = all_names(storage)
    except Exception as exc:  # the bucket out of reach, its keys refused…
        logger.warning("Không đọc được kho tệp khi sao lưu", exc_info=True)
        raise BackupError(
            f"Không đọc được {storage_description()} ({type(exc).__name__}): chưa sao lưu gì. Kiểm tra địa "
            "chỉ, khóa truy cập của kho rồi chạy lại."
        ) from None
    with tarfile.open(path, "w:gz") as archive:
        for name in names:
            with tempfile.SpooledTemporaryFile(max_size=CHUNK) as copy:
                try:
                    with storage.open(name, "rb") as source:
                        shutil.copyfileobj(source, copy, 1 << 20)
                except FileNotFoundError:
                    continue
                size = copy.tell()
                copy.seek(0)
                checksums[name] = _digest(copy)
                copy.seek(0)
                info = tarfile.TarInfo(name)
                info.size, info.mode, info.mtime = size, 0o600, int(timezone.now().timestamp())
                archive.addfile(info, copy)
    return path.name, checksums


def create_backup(directory: Path, now: datetime.datetime | None = None, key: str | None = None) -> Path:
    """A complete backup folder under `directory`, returned; encrypted with `key` when one is given."""
    now = timezone.localtime(now or timezone.now())
    cipher = fernet(key)
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"{PREFIX}{now:{STAMP}}"
    if final.exists():
        raise BackupError(f"Đã có bản sao lưu {final.name}.")
    work = Path(tempfile.mkdtemp(dir=directory, prefix=".dang-ghi-"))
    try:
        database = dump_database(work)
        media, files = archive_media(default_storage, work)
        missing = sorted(recorded_files() - set(files))
        if cipher:
            for name in (database, media):
                encrypt_file(cipher, work / name, work / f"{name}.enc")
                (work / name).unlink()
            database, media = f"{database}.enc", f"{media}.enc"
        manifest = {
            "created_at": now.isoformat(),
            "engine": _engine(connections["default"].settings_dict),
            "encrypted": bool(cipher),
            "database": {"file": database, "sha256": sha256(work / database)},
            "media": {"file": media, "sha256": sha256(work / media)}
            | ({"sealed_files": cipher.encrypt(json.dumps(files).encode()).decode()} if cipher else {"files": files}),
            "missing_files": len(missing),  # recorded in the database, not in the storage: how many (names: logged)
        }
        if cipher and missing:  # their names (an agency's code, the name a file was uploaded under) stay sealed
            manifest["sealed_missing_files"] = cipher.encrypt(json.dumps(missing).encode()).decode()
        _private(work / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        work.chmod(0o700)
        os.replace(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if cipher and missing:
        logger.warning("Sao lưu %s: %d tệp được ghi trong cơ sở dữ liệu nhưng không có trong kho tệp (tên tệp "
                       "được mã hóa trong manifest.json)", final.name, len(missing))  # fmt: skip
    elif missing:
        for name in missing:
            logger.warning(
                "Sao lưu %s: tệp %s được ghi trong cơ sở dữ liệu nhưng không có trong kho tệp", final.name, name
            )
    return final


def missing_files(backup: Path, key: str | None) -> list[str]:
    """The files a backup lacked (recorded in the database, not in the storage): in clear in the log of an
    unencrypted backup; for an encrypted one, sealed in its manifest and read here with its key."""
    manifest = read_manifest(backup)
    if not manifest.get("encrypted"):
        raise BackupError("Bản sao lưu không mã hóa: tên các tệp thiếu có trong nhật ký lúc sao lưu.")
    sealed = manifest.get("sealed_missing_files")
    if not sealed:
        return []
    cipher = fernet(key)
    if cipher is None:
        raise BackupError("Bản sao lưu đã được mã hóa: đặt BACKUP_ENCRYPTION_KEY là khóa của văn phòng rồi chạy lại.")
    try:
        return json.loads(cipher.decrypt(sealed.encode()))
    except InvalidToken:
        raise BackupError("Không giải mã được bản sao lưu: sai khóa BACKUP_ENCRYPTION_KEY.") from None


def recorded_files() -> set[str]:
    """The name of every file a row points at (each FileField of every model): what the storage should hold."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and not model._meta.label.split(".")[1].startswith("Historical"):
                names |= set(model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True))
    return {name for name in names if name}


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


def restore_database(source: Path, manifest: dict, settings_dict: dict) -> str:
    engine = _engine(settings_dict)
    if engine != manifest["engine"]:
        raise BackupError(f"Bản sao lưu là của {manifest['engine']}, không khôi phục được vào {engine}.")
    if engine == "postgresql":
        args, env = _pg_args(settings_dict)
        _run(["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--dbname", settings_dict["NAME"], str(source)], env)  # fmt: skip
        end_sessions(settings_dict)
        return settings_dict["NAME"]
    target = Path(settings_dict["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".dang-ghi-{target.name}")
    shutil.copyfile(source, temporary)
    end_sessions(settings_dict | {"NAME": str(temporary)})
    os.replace(temporary, target)
    return str(target)


def end_sessions(settings_dict: dict) -> None:
    """No one stays logged in across a restore: a backup taken before sessions were left out still has them,
    and the restored accounts and rights may differ from those the sessions were opened with."""
    if _engine(settings_dict) == "sqlite":
        with closing(sqlite3.connect(settings_dict["NAME"])) as database:
            _forget_left_out(database)
        return
    server = {"host": settings_dict.get("HOST") or "127.0.0.1", "port": settings_dict.get("PORT") or 5432,
              "user": settings_dict.get("USER") or None, "password": settings_dict.get("PASSWORD") or None}  # fmt: skip
    with closing(psycopg2.connect(dbname=settings_dict["NAME"], **server)) as database, database:
        with database.cursor() as cursor:
            for table in LEFT_OUT:
                cursor.execute(f'DELETE FROM "{table}"')


def unpack_media(archive_path: Path, files: dict[str, str], folder: Path) -> None:
    """The archive's files into `folder`, each checked against the manifest: BackupError, before anything is
    restored, for a member with an absolute path, "..", a link or a device, a broken archive, or a file that differs."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(folder, filter="data")  # no absolute paths, no "..", no devices
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"Tệp {archive_path.name} của bản sao lưu không mở được ({type(exc).__name__}).") from None
    for name, checksum in files.items():
        if not (folder / name).is_file() or sha256(folder / name) != checksum:
            raise BackupError(f"Tệp {name} trong bản sao lưu không đúng (mã kiểm tra không khớp).")


def restore_media(folder: Path, files: dict[str, str], storage: Storage) -> int:
    """Put every file unpacked in `folder` back into `storage` (a local folder, or the S3 bucket) under its own name;
    then read each back from the storage and check it against the manifest again."""
    for name in files:
        if storage.exists(name):
            storage.delete(name)
        with open(folder / name, "rb") as handle:
            saved = storage.save(name, File(handle))
        if saved != name:
            raise BackupError(f"Tệp {name} khôi phục thành {saved}: kho lưu tệp đổi tên tệp.")
    for name, checksum in files.items():
        try:
            with storage.open(name, "rb") as handle:
                matches = _digest(handle) == checksum
        except FileNotFoundError:
            matches = False
        if not matches:
            raise BackupError(f"Tệp {name} khôi phục không đúng (mã kiểm tra không khớp).")
    return len(files)


def check_writable(storage: Storage, where: str) -> None:
    """BackupError unless a file can be written into `storage` and deleted (a bucket that does not exist, a server
    out of reach, a folder without rights): checked before anything is restored."""
    try:
        name = storage.save(f".healthz-khoi-phuc-{secrets.token_hex(8)}", ContentFile(b"ok"))
        storage.delete(name)
    except Exception as exc:
        logger.warning("Kho tệp %s không ghi được", where, exc_info=True)
        raise BackupError(
            f"Không ghi được tệp vào {where} ({type(exc).__name__}): chưa khôi phục gì. Với kho S3 mới, chạy "
            "“python manage.py make_bucket” trước; kiểm tra địa chỉ, khóa truy cập và quyền ghi rồi chạy lại."
        ) from None


def restore_backup(
    backup: Path, settings_dict: dict, media: Storage | Path, key: str | None = None, where: str = ""
) -> Restored:
    """Put the database and the uploaded files of `backup` back (the files into the storage `media`, or a local
    folder), after checking it is whole (and, when it is encrypted, that `key` opens it), that the files can be
    written where they go, and that every file unpacks and matches the manifest: nothing is touched before."""
    media_root = media if isinstance(media, Storage) else FileSystemStorage(location=media)
    manifest = read_manifest(backup)
    database, media = backup / manifest["database"]["file"], backup / manifest["media"]["file"]
    cipher = None
    files = manifest["media"].get("files")
    if manifest.get("encrypted"):
        cipher = fernet(key)
        if cipher is None:
            raise BackupError(
                "Bản sao lưu đã được mã hóa: đặt BACKUP_ENCRYPTION_KEY là khóa của văn phòng rồi chạy lại."
            )
        try:
            files = json.loads(cipher.decrypt(manifest["media"]["sealed_files"].encode()))
        except InvalidToken:
            raise BackupError("Không giải mã được bản sao lưu: sai khóa BACKUP_ENCRYPTION_KEY.") from None
    check_writable(media_root, where or str(getattr(media_root, "location", "")))
    with tempfile.TemporaryDirectory(prefix=".khoi-phuc-") as work:
        work = Path(work)
        if cipher:
            decrypt_file(cipher, database, work / database.stem)
            decrypt_file(cipher, media, work / media.stem)
            database, media = work / database.stem, work / media.stem
        unpack_media(media, files, work / "tep")
        restored = restore_database(database, manifest, settings_dict)
        return Restored(database=restored, files=restore_media(work / "tep", files, media_root))
