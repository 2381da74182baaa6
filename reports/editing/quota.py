"""How much evidence a report may hold (probe 29: one staff account saved the same 9 MB file 55 times on one task,
472 MB in 35 s, and could have filled the disk, and every nightly backup with it). A report holds at most
REPORT_EVIDENCE_MAX_BYTES of files, a task at most EVIDENCE_MAX_FILES_PER_TASK files; a file past either is refused
next to its field, saying what is used and what to do, and a deleted file frees its room (its file is deleted too)."""

from django import forms
from django.conf import settings
from django.db.models import Sum

from binhson_plan.number_format import vn_number
from reports.models import Evidence


def _megabytes(size: int) -> str:
    return f"{vn_number(round(size / (1024 * 1024), 1))} MB"


class EvidenceRoom:
    """The room left in one report for the files of one save, shared by its task forms: each file that passes its
    checks takes its size, so several files of one save are counted together."""

    def __init__(self, report):
        self.report = report
        self._used = None

    @property
    def used(self) -> int:
        if self._used is None:
            total = Evidence.objects.filter(entry__report=self.report).aggregate(total=Sum("size"))["total"]
            self._used = total or 0
        return self._used

    def check(self, upload, entry) -> None:
        """Raise a ValidationError when `upload` does not fit in the report, or its task has its fill of files."""
        limit = settings.EVIDENCE_MAX_FILES_PER_TASK
        if entry.pk is not None and entry.evidence.count() >= limit:
            raise forms.ValidationError(
                f"Nhiệm vụ này đã có {limit} tệp minh chứng, số tệp tối đa của một nhiệm vụ. Xóa bớt tệp không cần "
                "hoặc gộp nhiều trang vào một tệp PDF rồi tải lên lại."
            )
        room = settings.REPORT_EVIDENCE_MAX_BYTES
        if self.used + upload.size > room:
            raise forms.ValidationError(
                f"Chưa nhận tệp “{upload.name}” ({_megabytes(upload.size)}): các tệp minh chứng của báo cáo này đã "
                f"dùng {_megabytes(self.used)} trong tổng dung lượng tối đa {_megabytes(room)} của một báo cáo. Xóa "
                "bớt tệp không cần, hoặc giảm dung lượng tệp (quét ở độ phân giải thấp hơn, nén ảnh) rồi tải lên lại."
            )

    def take(self, upload) -> None:
        self._used = self.used + upload.size
