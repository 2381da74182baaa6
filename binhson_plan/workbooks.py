"""Reading an uploaded workbook (.xlsx) safely: the work one upload can cost is bounded before openpyxl or pandas
opens it. Used by the agencies' report workbook (reports/offline/reader.py) and the reviewers' values import
(targets/imports.py), each with its own caps and its own Vietnamese wording of a refusal.

The declared sizes bound the bytes (zipfile stops a member at its declared size): the whole archive unpacked, and
each XML member unpacked, the shared strings and the sheets less tightly than the rest. Then every XML member
openpyxl would parse is first read as a stream by expat, which builds no tree: a cap on elements (what parsing
costs, far more than bytes: 23 MB of tiny strings took openpyxl 11 s where 23 MB of long text takes a fraction of
one), on shared strings, on rows per sheet and filled cells per row, and no DTD (no entity expansion). A time
budget (settings.WORKBOOK_UPLOAD_SECONDS, well below gunicorn's timeout) is checked all along the stream, and by the
caller while it reads the rows, so that a file the caps let through on a busy server is refused with a message,
never by gunicorn killing the worker."""

import io
import time
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings

CHUNK = 64 * 1024

# Why a workbook is refused (WorkbookRefused.reason).
UNPACKED = "unpacked"  # too many members, or too large unpacked as a whole or in one XML member
ELEMENTS = "elements"
SHARED_STRINGS = "shared_strings"
ROWS = "rows"
COLUMNS = "columns"
BROKEN = "broken"  # not XML expat reads, or a DTD
TIME = "time"


@dataclass(frozen=True)
class Limits:
    """The caps of one kind of upload, each a generous multiple of what a real file of that kind holds."""

    unpacked_bytes: int
    text_member_bytes: int  # the shared strings, and each sheet
    other_member_bytes: int  # any other XML: styles, theme, workbook, relations
    members: int
    elements: int  # XML elements in the whole workbook
    shared_strings: int
    rows: int  # per sheet, the header included
    columns: int  # filled cells per row


class WorkbookRefused(Exception):
    """The workbook is refused unread: `reason` is one of the constants above, `limit` the cap it passed (the
    seconds of the budget for TIME). The caller words it for its page."""

    def __init__(self, reason: str, limit: float | None = None):
        self.reason, self.limit = reason, limit
        super().__init__(f"{reason} {limit}")


class Budget:
    """The time one upload may take to read: `check()` raises WorkbookRefused(TIME) once it is spent."""

    def __init__(self, seconds: float | None = None):
        self.seconds = settings.WORKBOOK_UPLOAD_SECONDS if seconds is None else seconds
        self.ends = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() >= self.ends:
            raise WorkbookRefused(TIME, self.seconds)


def check_archive(data: bytes, limits: Limits, budget: Budget) -> None:
    """Refuse a zip that unpacks too large, as a whole or in one XML member, then read each XML member as a stream
    with caps on its elements, shared strings, rows and filled columns, within the time budget. A member is XML by
    its first bytes, not its name: openpyxl finds its parts through [Content_Types].xml and the relations, under any
    name. Any other member (a picture) is parsed by nobody. Raises WorkbookRefused; zipfile's own errors (not a zip)
    pass through."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > limits.members or sum(m.file_size for m in members) > limits.unpacked_bytes:
            raise WorkbookRefused(UNPACKED, limits.unpacked_bytes)
        scan = _Scan(limits, budget)
        for member in members:
            with archive.open(member) as source:
                head = source.read(CHUNK)
                if not _is_xml(head):
                    continue
                if member.file_size > _member_cap(member.filename, limits):
                    raise WorkbookRefused(UNPACKED, limits.unpacked_bytes)
                scan.member(head, source)


def _is_xml(head: bytes) -> bool:
    """Whether a member starting with `head` is XML (UTF-8, or UTF-16 as XML allows), which openpyxl may parse."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return bool(head) and (not text or text[:1] == b"<" or head[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"))


def _member_cap(name: str, limits: Limits) -> int:
    """The shared strings and the sheets hold the text; a part under another name gets the tighter cap."""
    holds_text = name == "xl/sharedStrings.xml" or name.startswith("xl/worksheets/")
    return limits.text_member_bytes if holds_text else limits.other_member_bytes


class _Scan:
    """One expat pass over each XML member: it builds nothing, so memory stays flat whatever the member holds."""

    def __init__(self, limits: Limits, budget: Budget):
        self.limits, self.budget, self.elements = limits, budget, 0

    def member(self, head: bytes, source) -> None:
        self.depth, self.rows, self.strings = 0, 0, 0
        self.cell_depth, self.filled, self.cell_counted = None, 0, False
        self.is_sheet = self.is_strings = False  # known by the root element, whatever the member's name
        parser = expat.ParserCreate()
        parser.StartElementHandler, parser.EndElementHandler = self._start, self._end
        parser.StartDoctypeDeclHandler = self._doctype  # OOXML has none: no DTD, so no entity expansion
        try:
            chunk = head
            while chunk:
                self.budget.check()
                parser.Parse(chunk, False)
                chunk = source.read(CHUNK)
            parser.Parse(b"", True)
        except expat.ExpatError:
            raise WorkbookRefused(BROKEN) from None

    def _start(self, tag, _attributes) -> None:
        self.depth += 1
        self.elements += 1
        if self.elements > self.limits.elements:
            raise WorkbookRefused(ELEMENTS, self.limits.elements)
        if not self.elements % 4096:
            self.budget.check()
        local = tag.rsplit(":", 1)[-1]
        if self.depth == 1:
            self.is_sheet, self.is_strings = local == "worksheet", local == "sst"
        if self.is_strings and self.depth == 2 and local == "si":
            self.strings += 1
            if self.strings > self.limits.shared_strings:
                raise WorkbookRefused(SHARED_STRINGS, self.limits.shared_strings)
        if not self.is_sheet:
            return
        if local == "row":
            self.rows += 1
            if self.rows > self.limits.rows:
                raise WorkbookRefused(ROWS, self.limits.rows)
            self.filled = 0
        elif local == "c":
            self.cell_depth, self.cell_counted = self.depth, False
        elif self.cell_depth is not None and self.depth == self.cell_depth + 1 and not self.cell_counted:
            self.cell_counted = True  # a cell with a value, a formula or inline text
            self.filled += 1
            if self.filled > self.limits.columns:
                raise WorkbookRefused(COLUMNS, self.limits.columns)

    def _end(self, tag) -> None:
        if self.depth == self.cell_depth:
            self.cell_depth = None
        self.depth -= 1

    def _doctype(self, *_args) -> None:
        raise WorkbookRefused(BROKEN)
