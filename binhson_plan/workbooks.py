"""Reading an uploaded workbook (.xlsx) safely: the work one upload can cost is bounded before openpyxl or pandas
opens it. Used by the agencies' report workbook (reports/offline/reader.py) and the reviewers' values import
(targets/imports.py), each with its own caps and its own Vietnamese wording of a refusal.

The declared sizes bound the bytes (zipfile stops a stored or deflated member at its declared size; a member packed
any other way, as Office never does, is refused unread): the whole archive unpacked, and
each XML member unpacked, the shared strings and the sheets less tightly than the rest. Then every XML member
openpyxl would parse is first read as a stream by expat, which builds no tree: a cap on elements (what parsing
costs, far more than bytes: 23 MB of tiny strings took openpyxl 11 s where 23 MB of long text takes a fraction of
one), on shared strings, on rows per sheet and filled cells per row, and no DTD (no entity expansion).

What else openpyxl (and pandas over it) spends time on, each measured on this machine and bounded here:
- attributes: one <numFmts> of 142 828 attributes (1 MB) held a worker until gunicorn killed it (31,5 s), as
  openpyxl's cost is quadratic in the attributes of one element (30 000 took 1 to 2,3 s); so at most
  ATTRIBUTES_PER_ELEMENT on one element (real: 16, on <sheetProtection>) and a cap on them all;
- long attribute values: one 8 MB sqref or cell reference took 10 to 20 s; so at most ATTRIBUTE_CHARS each
  (real: 95);
- what is not cell data: styles (200 000 <xf/> took 6,7 s), merged cells, validations (200 000 took 22 s; 2 000
  of them with 4 000 characters of ranges each, 11 s), conditional formats, columns, defined names; a cap on the
  elements outside the sheets' rows and the shared strings (real: 590 at most) and on the characters of their
  attributes, and the parts other than sheets and shared strings capped at a few hundred KB;
- positions: pandas fills the gaps, so one cell at row 1 000 000 or column XFD made it build a million rows or
  16 384 columns (26 s for 1 000 rows at XFD); a row or cell numbered past the caps on rows and columns is refused;
- formulas: openpyxl translates a shared formula for every cell that uses it; at most `formulas` formula elements,
  each of at most FORMULA_CHARS (Excel's own limit);
- nesting deeper than DEPTH (real: 9).
The caps on rows, cells, formulas and string items hold in every part whatever its root element is named (a sheet
rooted <sst> was read by openpyxl as a sheet, uncapped); a member in UTF-32 was skipped as a picture and held a
worker 31 s: a member is scanned unless it is a picture, and refused unless it is XML in UTF-8 or UTF-16.
Then the time budget (settings.WORKBOOK_UPLOAD_SECONDS, well below gunicorn's timeout) is checked all along the
stream, and again while openpyxl or pandas reads (every read from the archive checks it, see `budgeted`), so that a
file the caps let through on a busy server is refused with a message, never by gunicorn killing the worker. The
only work not checked is the parse of one part already read whole (styles, the workbook, relations), which the caps
above keep under a tenth of a second. Measured with the caps at their edges (load average 4 to 6 on 2 cores): the
worst structure they let through (4 400 validations) read in 0,6 to 0,95 s, the largest file of values in 3,3 to 5 s
(scan and pandas), against a budget of 10 s."""

import io
import re
import time
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings

CHUNK = 64 * 1024
# How Excel and LibreOffice pack a workbook's parts. zipfile unpacks a bzip2 or LZMA member whole on its first read,
# past the size it declares (401 bytes of bzip2 made 1,5 GB in one read and held a worker 11,7 s: 26th probe); a
# stored or deflated one stops at its declared size, which the caps below bound.
OFFICE_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}

# Why a workbook is refused (WorkbookRefused.reason).
UNPACKED = "unpacked"  # too many members, or too large unpacked as a whole or in one XML member
ELEMENTS = "elements"
SHARED_STRINGS = "shared_strings"
ROWS = "rows"
COLUMNS = "columns"
BROKEN = "broken"  # not XML expat reads, or a DTD
TIME = "time"
STRUCTURE = "structure"  # too many attributes, too long a value, too deep, or too much besides cell data
FORMULAS = "formulas"

# The same for any workbook: a generous multiple of what Excel and LibreOffice write.
ATTRIBUTES_PER_ELEMENT = 64  # real: 16 at most (<sheetProtection> of the portal's download; LibreOffice 15)
ATTRIBUTE_CHARS = 4096  # real: 95 at most
DEPTH = 64  # real: 9 at most (the theme)
STRUCTURE_ATTRIBUTE_CHARS = 256 * 1024  # the attribute values besides the cells' (real: 13 220 at most)
FORMULA_CHARS = 8192  # Excel's own limit on the text of a formula
CELL_REFERENCE = re.compile(r"([A-Za-z]*)([0-9]*)")
# A row's or a cell's `r` as Excel and LibreOffice write it: plain digits ("12"), letters then digits ("C12").
# openpyxl also reads "3e5", "300_000" or " +300000" (int(), then float()): such a row would escape the row cap.
ROW_NUMBER = re.compile(r"[0-9]{1,7}")
CELL_NAME = re.compile(r"[A-Za-z]{1,3}[0-9]{1,7}")


@dataclass(frozen=True)
class Limits:
    """The caps of one kind of upload, each a generous multiple of what a real file of that kind holds."""

    unpacked_bytes: int
    text_member_bytes: int  # the shared strings, and each sheet
    other_member_bytes: int  # any other XML: styles, theme, workbook, relations
    members: int
    elements: int  # XML elements in the whole workbook
    attributes: int  # XML attributes in the whole workbook
    structure: int  # XML elements besides the sheets' rows and the shared strings: styles, merged cells, names…
    formulas: int  # formula elements, each translated by openpyxl for every cell sharing it
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
    name. Only a picture (by its magic bytes) or Excel's printer settings that cannot be read as XML are left
    unscanned; any other member must be XML in UTF-8 or UTF-16, as OOXML requires, or the workbook is refused
    (lxml reads UTF-32 and EBCDIC, which expat cannot scan). Raises WorkbookRefused; zipfile's own errors (not a
    zip) pass through."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > limits.members or sum(m.file_size for m in members) > limits.unpacked_bytes:
            raise WorkbookRefused(UNPACKED, limits.unpacked_bytes)
        if any(m.compress_type not in OFFICE_COMPRESSION for m in members):
            raise WorkbookRefused(BROKEN)
        scan = _Scan(limits, budget)
        for member in members:
            with archive.open(member) as source:
                head = source.read(CHUNK)
                if not _is_xml(head, member.filename):
                    continue
                if member.file_size > _member_cap(member.filename, limits):
                    raise WorkbookRefused(UNPACKED, limits.unpacked_bytes)
                scan.member(head, source)


class _Budgeted(io.BytesIO):
    """The workbook as openpyxl or pandas reads it: each read from the archive first checks the time budget."""

    def __init__(self, data: bytes, budget: Budget):
        super().__init__(data)
        self.budget = budget

    def read(self, size: int | None = -1) -> bytes:
        self.budget.check()
        return super().read(size)


def budgeted(data: bytes, budget: Budget) -> io.BytesIO:
    """The file to hand to load_workbook or pandas.read_excel: zipfile reads each part through it, a few KB at a time
    while a sheet or the shared strings are read as a stream, so that the budget is checked between parts and along
    the rows. A part read whole (styles, the workbook) is parsed unchecked: the caps keep that short."""
    return _Budgeted(data, budget)


# Pictures, by their first bytes: none of these can start an XML document in any encoding, so nobody parses them as
# XML whatever their name or content type says.
IMAGES = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"\xd7\xcd\xc6\x9a",  # WMF, placeable
    b"\x01\x00\x09\x00",  # WMF
    b"\x02\x00\x09\x00",
)
# What Excel on Windows stores with a sheet's page setup (a DEVMODE): kept, as long as it cannot be read as XML.
PRINTER_SETTINGS = re.compile(r"xl/printerSettings/printerSettings[0-9]+\.bin")
XML_DECLARATION = re.compile(r"<\?xml[^>]*?\sencoding\s*=\s*[\"']([^\"']*)[\"']")


DECLARED = {"utf-8": "utf-8", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}  # what OOXML allows, expat reads


def _is_xml(head: bytes, name: str) -> bool:
    """Whether a member starting with `head` is XML to scan (True), or a picture or printer settings nobody parses
    (False). Anything else is refused: lxml, which openpyxl parses with, reads more encodings than expat (UTF-32,
    UCS-4, EBCDIC), so a member in one of those would pass unscanned; OOXML allows only UTF-8 and UTF-16."""
    if not head or head.startswith(IMAGES) or _is_emf(head):
        return False
    start = head.lstrip(b"\x00\t\n\r \xef\xbb\xbf\xfe\xff")
    if not start.startswith(b"<") and not head.startswith(b"\x4c\x6f\xa7\x94"):  # EBCDIC "<?xm"
        if PRINTER_SETTINGS.fullmatch(name):
            return False
        raise WorkbookRefused(BROKEN)
    encoding = _encoding(head)
    if encoding is None:
        raise WorkbookRefused(BROKEN)
    declared = XML_DECLARATION.match(head[:512].decode(encoding, "ignore").lstrip("\ufeff"))
    if declared and declared.group(1).lower() != DECLARED[encoding]:
        raise WorkbookRefused(BROKEN)  # only what the first bytes say: expat and lxml then read the same text
    return True


def _is_emf(head: bytes) -> bool:
    return head[:4] == b"\x01\x00\x00\x00" and head[40:44] == b" EMF"


def _encoding(head: bytes) -> str | None:
    """The encoding of an XML member by its first bytes, UTF-8 or UTF-16 only; None for UTF-32, UCS-4 or EBCDIC."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    if head[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff") or b"\x00\x00" in head[:4]:
        return None
    if head.startswith((b"\xff\xfe", b"<\x00")):
        return "utf-16-le"
    if head.startswith((b"\xfe\xff", b"\x00<")):
        return "utf-16-be"
    if b"\x00" in head[:4] or head.startswith(b"\x4c\x6f\xa7\x94"):
        return None
    return "utf-8"


def _member_cap(name: str, limits: Limits) -> int:
    """The shared strings and the sheets hold the text; a part under another name gets the tighter cap."""
    holds_text = name == "xl/sharedStrings.xml" or name.startswith("xl/worksheets/")
    return limits.text_member_bytes if holds_text else limits.other_member_bytes


class _Scan:
    """One expat pass over each XML member: it builds nothing, so memory stays flat whatever the member holds."""

    def __init__(self, limits: Limits, budget: Budget):
        self.limits, self.budget = limits, budget
        self.elements = self.attributes = self.structure = self.structure_chars = self.formulas = 0

    def member(self, head: bytes, source) -> None:
        self.depth, self.rows, self.strings = 0, 0, 0
        self.cell_depth, self.filled, self.cell_counted = None, 0, False
        self.row, self.column, self.item_depth, self.formula_chars = 0, 0, None, None
        parser = expat.ParserCreate()
        parser.StartElementHandler, parser.EndElementHandler = self._start, self._end
        parser.CharacterDataHandler = self._text
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

    def _start(self, tag, attributes) -> None:
        """Every <row>, <c>, <f> and <si> is capped in whatever part it is, under whatever root and namespace:
        openpyxl reads a sheet by its relation, not by its root's name, so no name may switch a cap off. What is
        not a row, a cell or a string item (nor inside one) counts towards the structure."""
        self.depth += 1
        self.elements += 1
        if self.elements > self.limits.elements:
            raise WorkbookRefused(ELEMENTS, self.limits.elements)
        if not self.elements % 4096:
            self.budget.check()
        self._check_attributes(attributes)
        if self.depth > DEPTH:
            raise WorkbookRefused(STRUCTURE, self.limits.structure)
        local = tag.rsplit(":", 1)[-1]
        if local == "row":
            self.rows += 1
            if "r" in attributes and not ROW_NUMBER.fullmatch(attributes["r"]):
                raise WorkbookRefused(ROWS, self.limits.rows)
            self.row = self._position(attributes.get("r"), digits=True, after=self.row)
            if self.rows > self.limits.rows or self.row > self.limits.rows:
                raise WorkbookRefused(ROWS, self.limits.rows)
            self.filled, self.column = 0, 0
        elif local == "c":
            reference = attributes.get("r")
            if reference is not None and not CELL_NAME.fullmatch(reference):
                raise WorkbookRefused(ROWS, self.limits.rows)
            self.column = self._position(reference, digits=False, after=self.column)
            if self.column > self.limits.columns:
                raise WorkbookRefused(COLUMNS, self.limits.columns)
            if self._position(reference, digits=True, after=0) > self.limits.rows:
                raise WorkbookRefused(ROWS, self.limits.rows)
            if self.cell_depth is None:
                self.cell_depth, self.cell_counted = self.depth, False
        elif local == "f":
            self.formulas += 1
            if self.formulas > self.limits.formulas:
                raise WorkbookRefused(FORMULAS, self.limits.formulas)
            self.formula_chars = 0
        elif local == "si" and self.item_depth is None:
            self.item_depth = self.depth
            self.strings += 1
            if self.strings > self.limits.shared_strings:
                raise WorkbookRefused(SHARED_STRINGS, self.limits.shared_strings)
        if self.cell_depth is not None and self.depth == self.cell_depth + 1 and not self.cell_counted:
            self.cell_counted = True  # a cell with a value, a formula or inline text
            self.filled += 1
            if self.filled > self.limits.columns:
                raise WorkbookRefused(COLUMNS, self.limits.columns)
        if local not in ("row", "c", "sheetData") and self.cell_depth is None and self.item_depth is None:
            self.structure += 1  # anything but rows, cells and string items: styles, ranges of validations, links
            self.structure_chars += sum(map(len, attributes.values()))
            if self.structure > self.limits.structure or self.structure_chars > STRUCTURE_ATTRIBUTE_CHARS:
                raise WorkbookRefused(STRUCTURE, self.limits.structure)

    def _end(self, tag) -> None:
        if self.depth == self.cell_depth:
            self.cell_depth = None
        if self.depth == self.item_depth:
            self.item_depth = None
        self.formula_chars = None
        self.depth -= 1

    def _text(self, text: str) -> None:
        if self.formula_chars is not None:
            self.formula_chars += len(text)
            if self.formula_chars > FORMULA_CHARS:
                raise WorkbookRefused(FORMULAS, self.limits.formulas)

    def _check_attributes(self, attributes: dict) -> None:
        self.attributes += len(attributes)
        if self.attributes > self.limits.attributes:
            raise WorkbookRefused(STRUCTURE, self.limits.structure)
        if len(attributes) > ATTRIBUTES_PER_ELEMENT or any(len(v) > ATTRIBUTE_CHARS for v in attributes.values()):
            raise WorkbookRefused(STRUCTURE, self.limits.structure)

    @staticmethod
    def _position(reference: str | None, digits: bool, after: int) -> int:
        """The row (`digits`) or column a row's or cell's reference names ("C12"), or the one after `after` when
        it names none, as openpyxl counts them. Letters past XFD and numbers past a million are refused by the
        caps anyway: only their length is read."""
        letters, number = CELL_REFERENCE.match(reference or "").groups()
        if digits:
            return int(number[:9]) if number else after + 1
        if not letters:
            return after + 1
        column = 0
        for letter in letters[:4].upper():
            column = column * 26 + ord(letter) - 64
        return column

    def _doctype(self, *_args) -> None:
        raise WorkbookRefused(BROKEN)
