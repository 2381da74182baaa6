"""Evidence files: accepted by what they contain, not by their name, and within the size limit."""

import zipfile

import filetype
from django import forms
from django.conf import settings
from PIL import Image

from targets.templatetags.plan_format import vn_number

ALLOWED = {
    "application/pdf": "PDF",
    "image/jpeg": "ảnh JPEG",
    "image/png": "ảnh PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (.xlsx)",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint (.pptx)",
    "application/x-ole-storage": "Office 97–2003 (.doc, .xls)",
    "application/msword": "Word 97–2003 (.doc)",
    "application/vnd.ms-excel": "Excel 97–2003 (.xls)",
}
UNZIPPED_LIMIT = 200 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_evidence_file(upload) -> str:
    """Return the file's real content type, or raise a ValidationError saying what is wrong."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise forms.ValidationError(
            f"Tệp “{upload.name}” nặng {vn_number(round(upload.size / 1048576, 1))} MB, quá giới hạn "
            f"{vn_number(round(limit / 1048576, 1))} MB."
        )
    if upload.size == 0:
        raise forms.ValidationError(f"Tệp “{upload.name}” rỗng.")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = "application/x-ole-storage" if head.startswith(OLE_MAGIC) else getattr(filetype.guess(head), "mime", None)
    if kind == "application/zip" and _damage(upload, "openxmlformats"):
        raise forms.ValidationError(f"Tệp “{upload.name}” bị hỏng hoặc không đọc được (tệp Office bị hỏng).")
    if kind not in ALLOWED:
        raise forms.ValidationError(
            f"Tệp “{upload.name}” không phải PDF, ảnh (JPEG, PNG) hay văn bản Office: không nhận loại tệp này."
        )
    problem = _damage(upload, kind)
    upload.seek(0)
    if problem:
        raise forms.ValidationError(f"Tệp “{upload.name}” bị hỏng hoặc không đọc được ({problem}).")
    return kind


def _damage(upload, kind) -> str:
    """A short reason if the file does not open as what it claims to be."""
    if kind.startswith("image/"):
        try:
            Image.open(upload).verify()
        except Exception:  # unreadable, truncated, or a decompression bomb
            return "ảnh không đọc được"
    elif "openxmlformats" in kind:
        try:
            with zipfile.ZipFile(upload) as archive:
                members = archive.infolist()
                if sum(m.file_size for m in members) > UNZIPPED_LIMIT:
                    return "tệp Office giải nén quá lớn"
                if archive.testzip() is not None or "[Content_Types].xml" not in archive.namelist():
                    return "tệp Office bị hỏng"
        except Exception:  # bad, encrypted or unsupported archive
            return "tệp Office bị hỏng"
    elif kind == "application/pdf":
        upload.seek(max(0, upload.size - 2048))
        if b"%%EOF" not in upload.read():
            return "tệp PDF không trọn vẹn"
    return ""
