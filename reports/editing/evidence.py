"""Evidence files: accepted by what they contain, within the size limit, under a name whose extension is on
the allow-list and agrees with the content, with no macros (issue 17, item 4)."""

import contextvars
import math
import resource
import unicodedata
from contextlib import contextmanager

import filetype
from django import forms
from django.conf import settings

from binhson_plan.number_format import too_large
from reports.editing.bounded import inspect
from reports.editing.office_macros import OLE_MAGIC

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
# The extensions a file of each detected type may have; the first is the one a name without a fitting one gets.
# Office 97–2003 files are told apart by their main stream; "application/x-ole-storage" is kept for files
# stored before that.
EXTENSIONS = {
    "application/pdf": ("pdf",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/x-ole-storage": ("doc", "xls"),
    "application/msword": ("doc",),
    "application/vnd.ms-excel": ("xls",),
}
ALLOWED_EXTENSIONS = sorted({f".{e}" for extensions in EXTENSIONS.values() for e in extensions})
MACRO_EXTENSIONS = {"docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppam", "ppsm", "sldm"}
OLE_KINDS = ("application/x-ole-storage", "application/msword", "application/vnd.ms-excel")
SAFE_PUNCTUATION = " -_.,()"
# The CPU seconds of checking one request's files may still spend (checks_within_budget), or None outside one.
_left = contextvars.ContextVar("evidence_check_seconds_left", default=None)


@contextmanager
def checks_within_budget():
    """The evidence files of one request are checked within EVIDENCE_CHECK_REQUEST_CPU_SECONDS of CPU together, each
    within EVIDENCE_CHECK_CPU_SECONDS (27th probe: forty copies of a file slow to check, in one save, held a worker
    until gunicorn killed it). A file past the budget is refused with a word to upload it with a later save."""
    token = _left.set([float(settings.EVIDENCE_CHECK_REQUEST_CPU_SECONDS)])
    try:
        yield
    finally:
        _left.reset(token)


def clean_name(name: str) -> str:
    """The name as shown and stored: NFC, without control or format characters (the right-to-left override
    U+202E that makes "minh-chung\u202efdp.exe" look like "minh-chungexe.pdf", zero-width characters…),
    any space as a plain one, letters, digits and SAFE_PUNCTUATION only, the rest as "_", no dot or space at
    either end."""
    name = unicodedata.normalize("NFC", name)
    name = "".join(" " if unicodedata.category(c)[0] == "Z" else c for c in name)  # no-break space…
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = "".join(c if c.isalnum() or c in SAFE_PUNCTUATION else "_" for c in name)
    return " ".join(name.split()).strip(" .")


def _extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def safe_file_name(name: str, kind: str) -> str:
    """clean_name(), ending in an extension of the detected type: the name's own if it fits, else the type's."""
    name = clean_name(name)
    extensions = EXTENSIONS.get(kind, ())
    extension = _extension(name)
    if extension in extensions:
        return f"{name[: -len(extension) - 1]}.{extension}"
    return f"{name or 'minh-chung'}.{extensions[0]}" if extensions else name or "minh-chung"


def check_evidence_file(upload) -> tuple[str, str]:
    """Return the file's real content type and the name to store it under, or raise a ValidationError
    saying what is wrong (the name in the message cleaned, so that it reads as it is)."""
    name = clean_name(upload.name)
    kind, verdict = _check_content(upload, name)
    extension = _extension(name)
    if extension in MACRO_EXTENSIONS:
        raise forms.ValidationError(_macro_message(name))
    if not any(extension in extensions for extensions in EXTENSIONS.values()):
        has = f"có đuôi “.{extension}”: không nhận loại tệp này" if extension else "không có đuôi (như .pdf)"
        raise forms.ValidationError(
            f"Tệp “{name}” {has}. Chỉ nhận tệp {', '.join(ALLOWED_EXTENSIONS)}; đổi tên cho đúng loại rồi tải lên lại."
        )
    if extension not in EXTENSIONS[kind]:
        raise forms.ValidationError(
            f"Tên tệp “{name}” có đuôi “.{extension}” nhưng nội dung là {ALLOWED[kind]}: "
            f"đổi đuôi thành “.{EXTENSIONS[kind][0]}” rồi tải lên lại."
        )
    code = _code(verdict, kind, name)
    if code:
        raise forms.ValidationError(code)
    upload.seek(0)
    return kind, safe_file_name(name, kind)


def _macro_message(name: str) -> str:
    return (
        f"Tệp “{name}” là tệp Office có macro: không nhận vì macro có thể chứa mã độc. "
        "Lưu lại thành tệp không có macro (.docx, .xlsx) hoặc PDF rồi tải lên."
    )


def _reaching_message(name: str, kind: str) -> str:
    """Why a file with a DDE field or formula (`kind` "dde"), or one that fetches from outside ("fetch"), is refused."""
    if kind == "dde":
        return (
            f"Tệp “{name}” có trường hoặc công thức DDE (lệnh gọi chương trình khác khi mở tệp): không nhận vì "
            "có thể chạy mã độc trên máy người xem. Xoá trường, công thức đó hoặc lưu lại thành PDF rồi tải lên."
        )
    return (
        f"Tệp “{name}” có trường hoặc công thức lấy nội dung từ tệp hoặc địa chỉ bên ngoài (INCLUDEPICTURE, "
        "INCLUDETEXT, LINK, WEBSERVICE…): không nhận vì có thể làm lộ thông tin đăng nhập của người xem hoặc "
        "gửi số liệu ra ngoài. Xoá trường, công thức đó hoặc lưu lại thành PDF rồi tải lên."
    )


def _code(verdict: dict, kind: str, name: str) -> str:
    """Why the file is refused for what it runs: macros (whatever the file is named, however its parts are
    named or its XML written), ActiveX controls or embedded objects, what it fetches or runs from outside when
    it opens, another file's content it brings in; "" if it holds none. `verdict`: what the reading in a process of
    its own found (_read)."""
    if not verdict:
        return ""
    if verdict.get("error") == "complex":
        return _complex_message(name)
    if kind == "application/pdf":
        return _pdf_message(name, verdict)
    if verdict.get("error"):  # a part that is no XML, a member that does not unpack, a broken container
        return f"Tệp “{name}” bị hỏng hoặc không đọc được (tệp Office bị hỏng)."
    if "runs" in verdict:
        return _ole_message(name, verdict["runs"])
    part, outside = verdict["part"], verdict["outside"]
    if verdict.get("imports") or outside.startswith("import:"):
        return _imports_message(name, kind)
    if outside.startswith("code:"):  # a relationship of code declared outside a .rels part: judged as one in it
        part, outside = outside.partition(": ")[2], ""
    if outside.startswith(("dde:", "fetch:")):
        return _reaching_message(name, outside.partition(":")[0])
    if outside:
        return (
            f"Tệp “{name}” có liên kết tới tệp hoặc địa chỉ bên ngoài được tải về khi mở tệp (khung, hình ảnh, "
            "tệp trên máy khác…): không nhận vì có thể làm lộ thông tin đăng nhập của người xem hoặc tải mã độc. "
            "Xoá liên kết đó (chỉ giữ liên kết trang web http, https hoặc thư điện tử) hoặc lưu lại thành PDF "
            "rồi tải lên."
        )
    if not part:
        return ""
    if "attachedtemplate" in part.lower():  # not a macro of its own: it fetches a template when opened
        return (
            f"Tệp “{name}” là tệp Office có liên kết tới nội dung bên ngoài (một mẫu tài liệu lấy từ nơi khác "
            "mỗi khi mở tệp): không nhận vì nội dung đó có thể chứa mã độc. Lưu lại thành PDF rồi tải lên."
        )
    if "webextension" in part.lower():
        return (
            f"Tệp “{name}” có phần bổ trợ web (Office Add-in) gắn kèm, có thể tự mở khi mở tệp: không nhận vì phần "
            "bổ trợ chạy mã lấy từ nơi khác. Lưu lại thành tệp không có phần bổ trợ hoặc PDF rồi tải lên."
        )
    if any(word in part.lower() for word in ("macro", "vba", "keymap", "toolbars")):
        return _macro_message(name)
    return _embedded_message(name)


def _imports_message(name: str, kind: str) -> str:
    """Why a Word, Excel or PowerPoint file that brings in another file's content (an altChunk, a Flat OPC package, an
    MHT, HTML or RTF page: 29th probe) is refused, whatever that content holds."""
    return (
        f"Tệp “{name}” nhúng nội dung của một tệp khác (altChunk): không nhận vì nội dung đó có thể mang liên kết "
        f"hoặc mã ẩn. Hãy mở tệp, lưu lại thành tệp .{EXTENSIONS[kind][0]} thông thường rồi tải lên lại."
    )


def _complex_message(name: str) -> str:
    return (
        f"Tệp “{name}” quá lớn hoặc quá phức tạp để kiểm tra (quá nhiều thành phần, hoặc tệp lồng trong tệp "
        "lồng trong tệp): không nhận. Chia nhỏ tệp hoặc lưu lại thành PDF rồi tải lên."
    )


def _embedded_message(name: str) -> str:
    return (
        f"Tệp “{name}” có đối tượng nhúng, điều khiển ActiveX hoặc phần không phải văn bản: không nhận vì "
        "có thể chứa mã độc. Lưu lại thành PDF rồi tải lên."
    )


def _ole_message(name: str, runs: str) -> str:
    if runs == "macro":  # a VBA storage, an Excel 4.0 macro sheet
        return _macro_message(name)
    if runs == "encrypted":
        return (
            f"Tệp “{name}” là tệp Office có mật khẩu nên không kiểm tra được: không nhận. Bỏ mật khẩu (Tệp → Thông "
            "tin → Bảo vệ) hoặc lưu lại thành PDF rồi tải lên."
        )
    if runs == "embedded":
        return _embedded_message(name)
    return _reaching_message(name, runs) if runs else ""


def _pdf_message(name: str, verdict: dict) -> str:
    if verdict.get("error"):
        return (
            f"Tệp “{name}” là PDF có mật khẩu, bị mã hoá hoặc quá phức tạp nên không kiểm tra được: không nhận. "
            "Bỏ mật khẩu hoặc in lại thành PDF rồi tải lên."
        )
    if verdict["active"]:
        return (
            f"Tệp “{name}” là PDF có nội dung tự chạy hoặc mở chương trình, tệp khác (JavaScript, lệnh chạy "
            "chương trình, tệp đính kèm bên trong, biểu mẫu gửi dữ liệu…): không nhận vì có thể chạy mã độc trên "
            "máy người xem. In lại thành PDF hoặc quét lại văn bản rồi tải lên."
        )
    return ""


def _check_content(upload, name) -> tuple[str, dict]:
    """The file's type by its content, and what the reading in a process of its own found in it ({} for an image),
    or a ValidationError saying why it is refused."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise forms.ValidationError(f"Tệp “{name}” {too_large(upload.size, limit)}.")
    if upload.size == 0:
        raise forms.ValidationError(f"Tệp “{name}” rỗng.")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = "application/x-ole-storage" if head.startswith(OLE_MAGIC) else getattr(filetype.guess(head), "mime", None)
    broken = forms.ValidationError(f"Tệp “{name}” bị hỏng hoặc không đọc được (tệp Office bị hỏng).")
    verdict = {}
    if kind == "application/x-ole-storage":
        verdict = _read("ole", upload, name)
        if verdict.get("error") == "complex":
            raise forms.ValidationError(_complex_message(name))
        if verdict.get("error"):
            raise broken
        kind = verdict["kind"]
        if not kind:
            raise forms.ValidationError(
                f"Tệp “{name}” không phải văn bản Word hay bảng tính Excel 97–2003: không nhận loại tệp này."
            )
    elif kind == "application/zip" or "openxmlformats" in (kind or ""):
        verdict = _read("ooxml", upload, name)
        if verdict.get("error") == "complex":
            raise forms.ValidationError(_complex_message(name))
        if verdict.get("damage") == "big":
            raise forms.ValidationError(
                f"Tệp “{name}” bị hỏng hoặc không đọc được (tệp Office giải nén quá lớn hoặc có quá nhiều phần)."
            )
        if verdict.get("damage") or verdict.get("error"):
            raise broken
    if kind not in ALLOWED:
        raise forms.ValidationError(
            f"Tệp “{name}” không phải PDF, ảnh (JPEG, PNG) hay văn bản Office: không nhận loại tệp này."
        )
    if kind.startswith("image/"):
        verdict = _read("image", upload, name)  # unreadable, truncated, a decompression bomb: refused
        if verdict.get("error") == "complex":
            raise forms.ValidationError(_complex_message(name))
        if verdict.get("error"):
            raise forms.ValidationError(f"Tệp “{name}” bị hỏng hoặc không đọc được (ảnh không đọc được).")
        verdict = {}
    if kind == "application/pdf":
        upload.seek(max(0, upload.size - 2048))
        complete = b"%%EOF" in upload.read()
        upload.seek(0)
        if not complete:
            raise forms.ValidationError(f"Tệp “{name}” bị hỏng hoặc không đọc được (tệp PDF không trọn vẹn).")
        verdict = _read("pdf", upload, name)
    return kind, verdict


def _read(reader: str, upload, name: str) -> dict:
    """What the file holds, read in a process of its own within a CPU time and a memory limit (bounded.py): no part
    of it, its container's structure included, is read in the server's worker. Within a request's budget
    (checks_within_budget), the process gets what is left of it, at most EVIDENCE_CHECK_CPU_SECONDS."""
    left, seconds = _left.get(), settings.EVIDENCE_CHECK_CPU_SECONDS
    if left is not None:
        if left[0] < 0.5:
            raise forms.ValidationError(
                f"Tệp “{name}” chưa được nhận: lần lưu này đã dùng hết thời gian kiểm tra tệp (các tệp trước đó "
                "lớn hoặc phức tạp). Lưu các nội dung khác trước, rồi tải tệp này lên ở lần lưu sau."
            )
        seconds = max(1, min(seconds, math.ceil(left[0])))
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    verdict = inspect(reader, data, seconds, settings.EVIDENCE_CHECK_MEMORY_MB)
    if left is not None:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        left[0] -= (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return verdict
