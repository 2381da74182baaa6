"""Files through Django's storage API only (the local disk under MEDIA_ROOT, or an S3 bucket: settings.STORAGES):
nothing in the portal opens a file by its path, so a web node and a worker on different machines see the same files.

A built file is written under a new name of its own, and a database row points at it only once it is whole, in one
transaction: nobody reads a half-written file, on the disk as on S3. The files a row no longer points to are deleted
after that transaction has committed (or, for a build that lost its claim, at once: no row ever pointed to them).
"""

import logging
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

logger = logging.getLogger(__name__)


def store_new(folder: str, name: str, content: bytes) -> str:
    """Save `content` as a new file in `folder` (its name `name` with a random part added: never a file written
    over another, nor two runs writing the same one); the name stored, for a FileField."""
    stem, dot, extension = name.rpartition(".")
    unique = f"{folder}/{stem}-{secrets.token_hex(4)}{dot}{extension}"
    return default_storage.save(unique, ContentFile(content))


def discard(names) -> None:
    """Delete these stored files; one that cannot be deleted is logged, never an error for the caller."""
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except Exception:
            logger.warning("Không xóa được tệp %s khỏi kho tệp", name, exc_info=True)


def discard_after_commit(names) -> None:
    """Delete these files once the current transaction has committed (at once outside one): a rollback keeps them."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: discard(names))


def all_names(storage=None, folder: str = "") -> list[str]:
    """Every file's name in the storage (the local folder or the bucket), sorted; the probe files of /healthz aside."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local MEDIA_ROOT nothing was ever written to
        return []
    names = [f"{folder}/{name}" if folder else name for name in files if not name.startswith(".healthz-")]
    for sub in folders:
        names += all_names(storage, f"{folder}/{sub}" if folder else sub)
    return sorted(names)


def storage_description() -> str:
    """Where the portal's files are, for a person: the S3 bucket, or the local folder."""
    if settings.STORAGES["default"]["BACKEND"].startswith("storages."):
        return f"kho S3 “{settings.STORAGES['default']['OPTIONS']['bucket_name']}”"
    return str(settings.MEDIA_ROOT)
