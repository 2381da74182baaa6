"""What an Office file holds besides text: macros, ActiveX controls, embedded OLE objects (issue 17, item 4).

An OOXML file (.docx, .xlsx, .pptx) is a zip of parts. Office runs code only from parts it knows by their
content type or relationship type, so both are read as XML — any encoding, entities resolved, no DTD — and
every content type must belong to the plain-document families below; a member that is an OLE container by
its first bytes (a VBA project or an embedded object, whatever its name) or a `.bin` other than printer
settings is refused as well.

An Office 97–2003 file (.doc, .xls) is an OLE container: it must hold the main stream of a Word document
(`WordDocument`) or an Excel workbook (`Workbook`, or `Book` for Excel 5/95), and no macro storage; (probe 23) a
workbook no Excel 4.0 macro sheet or VBA module sheet and no password, a Word text no field that a .docx may not
have.

What an OOXML file fetches or runs from outside when it opens (issue 17, third probe): a relationship to an
external target (a frame or picture on another server, a `file:` or `\\\\host` share that hands over the
Windows login) other than a plain web or mail hyperlink, a DDE/DDEAUTO field of Word, a DDE formula or link
of Excel; and (fourth probe) a Word field that fetches a file or picture (INCLUDEPICTURE, INCLUDETEXT, LINK,
IMPORT, DATABASE, a HYPERLINK to a share), an Excel formula that fetches or calls (WEBSERVICE, IMAGE, RTD, CALL,
REGISTER, a HYPERLINK to a share), in a cell, a defined name, a conditional format or a data validation; and
(probe 22) a Word field whose keyword is another field's result, a QUOTE field of character codes (ways to spell a
keyword or an address without writing it), a HYPERLINK field to anything but a web or mail address written out or
a bookmark of the document itself; (sixth probe) a workbook's data connection whatever its part is named.

What brings another file's content into the document when it opens (29th probe): Word's altChunk (a relationship of
type aFChunk, in any part) or a subdocument, a part of a content type Word imports (MHT, HTML, RTF) or that is such a
file whatever its type says, and a Flat OPC package (a whole document written as one XML part, its parts and their
relationships inside it: an altChunk of one brought in a picture on a share, a template and a VBA project that no
.rels part declared). Evidence is plain documents: such a file is refused whatever the content brought in, and a
relationship is read wherever it is declared (a Relationship element in any XML part, not only a .rels part).

A package inside the file (Word keeps a chart's figures as a workbook inside the document; an embedded document) is
read the same way; one inside that is refused. All the XML of a file is read within one budget (READ_LIMIT elements
and pieces of text), so no upload ties up a server for more than about a second.
"""

import io
import re
import struct
import xml.parsers.expat
import zipfile

import olefile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XML_PART_LIMIT = 10 * 1024 * 1024  # [Content_Types].xml and the .rels parts: a few kB in real files
# Elements and pieces of text read in all the XML of one file, packages inside it included: a 300-page report has a
# few hundred thousand; reading this many takes about 1 s, so a file of 200 MB of empty elements ties up no server
# (sixth probe: 49 million of them held a worker for 30 s).
READ_LIMIT = 2_000_000
# The first bytes of a zip: a package (a chart's workbook, an embedded document) inside the file.
ZIP_MAGIC = b"PK\x03\x04"
# How Office packs its parts: stored or deflated. Python unpacks a bzip2 or LZMA part whole, whatever size it
# declares (a 401-byte part of 500 MB of zeros: 26th probe), where a deflated one stops at its declared size.
OFFICE_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
UNZIPPED_LIMIT = 200 * 1024 * 1024
# Parts of one Office file: a long report has a few hundred (each picture is one); 110 000 empty ones took the server
# 2 s to check the archive before any reading (25th probe)
MEMBER_LIMIT = 5_000

# Content types of a plain document: the OOXML families, Microsoft's extension parts (chart styles, threaded
# comments, people…), plain XML, pictures, sound and video, fonts.
SAFE_TYPE = re.compile(
    r"(application/vnd\.openxmlformats-(officedocument|package)\."
    r"|application/vnd\.ms-(office|word|excel|powerpoint)\."
    r"|application/(xml|x-font|x-fontdata|vnd\.ms-fontobject|font-)|text/xml|image/|audio/|video/|font/)",
    re.IGNORECASE,
)
# …of which these hold code or run it: VBA projects and their data, Excel 4.0 macro sheets, macro-enabled
# main parts, ActiveX controls, embedded OLE objects, Word's key maps and toolbars (which call macros).
CODE_MARKERS = (
    "macroenabled",
    "vba",
    "macrosheet",
    "activex",
    "oleobject",
    "keymapcustomizations",
    "attachedtoolbars",
    "webextension",  # an Office web add-in (its task pane may open with the document: probe 30)
)
# Relationship types that bring in code: the same, plus a document template (an attached .dotm, possibly
# fetched from a server when the file opens).
CODE_RELATIONSHIPS = CODE_MARKERS + ("attachedtemplate", "/control")
# Relationship types that bring another file's content into the document: an altChunk, a master document's
# subdocument.
IMPORT_RELATIONSHIPS = ("/afchunk", "/subdocument")
# Content types of what Word imports as an altChunk besides a package: MHT, HTML, RTF.
IMPORTED_TYPES = re.compile(
    r"\s*(message/rfc822|multipart/related|text/html|application/xhtml\+xml|application/rtf|text/rtf|text/richtext)",
    re.IGNORECASE,
)
# The root element (or, for HTML, the document type) of an XML part that is another file: a Flat OPC package
# (pkg:package), an HTML page.
IMPORTED_ROOTS = {"package", "html"}
# The first bytes of a part that is not XML but a file Word imports: an RTF text, an MHT page (mail headers with a
# MIME-Version among them), an HTML page that is no XML.
IMPORTED_HEAD = re.compile(
    r"\A\s*(\{\\rtf|<!doctype\s+html|<html\b"
    r"|([!-9;-~]+[ \t]*:[^\r\n]*\r?\n([ \t][^\r\n]*\r?\n)*)*mime-version[ \t]*:)",
    re.IGNORECASE,
)
HEAD_SIZE = 4096
SAFE_BIN = re.compile(r"^(word|xl|ppt)/printersettings/printersettings\d+\.bin$", re.IGNORECASE)

# An external hyperlink the reader follows only by clicking it: to a web page or an e-mail address.
SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
# A target that points outside the package whatever its TargetMode says: a URI scheme, a UNC or protocol-relative
# path.
OUTSIDE_TARGET = re.compile(r"^([a-z][a-z0-9+.-]*:|[\\/]{2})", re.IGNORECASE)
# A Word field that runs another program (DDEAUTO: as soon as the file opens), anywhere in the field's
# instruction.
DDE_FIELD = re.compile(r"\bDDE(AUTO)?\b", re.IGNORECASE)
# A Word field that fetches a file or a picture, from a server or a share, when the document opens or its fields
# update (its keyword comes first in the instruction); RD brings in another file for the index, PRINT sends codes to the
# printer (24th probe).
FETCHING_FIELD = re.compile(r"\s*(INCLUDEPICTURE|INCLUDETEXT|INCLUDE|LINK|IMPORT|DATABASE|RD|PRINT)\b", re.IGNORECASE)
# Where a nested field stood in an instruction: its result is known only when Word updates it.
NESTED = "\x00"
# A field whose keyword is another field's result ({ {QUOTE 68 68 69 …} … } spells DDEAUTO when updated), or a
# QUOTE field of character codes, the way to spell a keyword or a share's address without writing it.
HIDDEN_FIELD = re.compile(rf"\s*((?!=)[^\s\"]*{NESTED}|QUOTE\s+\d)", re.IGNORECASE)  # IN{{QUOTE "CLUDE…"}} (25th)
HYPERLINK_FIELD = re.compile(r"\s*HYPERLINK\b(.*)", re.IGNORECASE | re.DOTALL)
# A field's arguments: a quoted text ("" inside it escaped as \"), a switch, or a word.
FIELD_ARGUMENT = re.compile(r'"(?:\\.|[^"\\])*"?|\\[A-Za-z]|[^\s"]+')
# A HYPERLINK field's place in the document itself (\l): a bookmark's name.
BOOKMARK = re.compile(r"[^\W\d]\w*")
# An Excel function that fetches from a server or calls code when the sheet calculates (IMAGE: Excel 365's
# picture from a web address; `_xlfn.` before the newer ones), outside string literals; a HYPERLINK to a share or a
# file.
FETCHING_FUNCTION = re.compile(
    r"\b(WEBSERVICE|IMAGE|RTD|CALL|REGISTER|REGISTER\.ID|EXEC|IMPORT(XML|DATA|HTML|FEED|RANGE))\s*\(", re.IGNORECASE
)
# A HYPERLINK formula whose address is anything but a plain web or mail address written out (a share, a file, or
# one put together from pieces: "\\"&"\\evil\\share").
FILE_HYPERLINK_FUNCTION = re.compile(r"\bHYPERLINK\s*\((?!\s*\"\s*(https?://|mailto:)[^\"]*\"\s*[,)])", re.IGNORECASE)
# The elements of a workbook that hold a formula: a cell's, a defined name's, a conditional format's or a data
# validation's.
FORMULA_ELEMENTS = {"f", "definedName", "formula", "formula1", "formula2"}
# An Excel DDE formula, `cmd|' /C calc'!A0`: a "|" outside string literals and quoted sheet names.
QUOTED = re.compile(r"\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'")
# Excel's own record of a DDE or OLE link (xl/externalLinks/externalLinkN.xml).
LINK_ELEMENTS = {"ddeLink", "oleLink"}

OLE_MAIN_STREAMS = {
    "application/msword": ("worddocument",),
    "application/vnd.ms-excel": ("workbook", "book"),
}
OLE_MACRO_STORAGES = {"macros", "_vba_project_cur", "_vba_project", "vba"}
# Excel 97–2003's records: a sheet's name and type (1: an Excel 4.0 macro sheet, 6: a VBA module), a password, and
# a supporting link (SupBook): the workbook itself (0x0401 in place of a length), add-in functions (0x3A01), an
# unused one (a path of one space), or else another workbook's path, or with no sheets a DDE or OLE link.
BOUNDSHEET, FILEPASS, SUPBOOK = 0x0085, 0x002F, 0x01AE
# What else of a workbook reaches out (28th probe: accepted in an .xls, refused in an .xlsx): a defined or external
# name of a function that fetches (WEBSERVICE… is called through one), a cell's hyperlink record, and formulas (a
# cell's, a shared or an array one) calling HYPERLINK (function 359, by a ptgFuncVar token of any class).
NAME_RECORDS, HLINK, FORMULA_RECORDS = {0x0018, 0x0023}, 0x01B8, {0x0006, 0x04BC, 0x0221}
HYPERLINK_TOKEN = re.compile(rb"[\x22\x42\x62][\x01\x02]\x67\x01")
FETCHING_NAME = re.compile(
    r"\b(_xlfn\.)?(WEBSERVICE|RTD|CALL|REGISTER|REGISTER\.ID|EXEC|IMPORT(XML|DATA|HTML|FEED|RANGE))\b", re.IGNORECASE
)
LEAVING = re.compile(r"\\\\|//|file:", re.IGNORECASE)  # a share, a host, a file address
CODE_SHEETS = {0x01, 0x06}
# Word 97–2003's FIB: its flags (the table stream is 1Table, the document is encrypted) and where it says the piece
# table (Clx) lies in the table stream.
WORD_TABLE_ONE, WORD_ENCRYPTED, CLX_AT = 0x0200, 0x0100, 0x01A2
OWN_SUPBOOKS = {0x0401, 0x3A01}
# Word 97–2003 writes a field as 0x13, its instruction, 0x14 and its result, 0x15: an instruction of printable text
# (up to the next mark), and what follows it (0x13 when a nested field starts it).
OLE_FIELD = re.compile(r"\x13([^\x00-\x08\x0b\x0c\x0e-\x1f]{0,2000})(?=([\x13-\x15]?))")


class Unreadable(Exception):
    """The file does not open as what it claims to be."""


class TooComplex(Unreadable):
    """The file's XML holds more than READ_LIMIT elements and pieces of text, or packages inside packages."""


class Budget:
    """What is left to read of one file: each element and piece of text of its XML spends one."""

    def __init__(self, limit: int = READ_LIMIT):
        self.left = limit

    def spend(self, *args) -> None:
        self.left -= 1
        if self.left < 0:
            raise TooComplex("too many elements")


def ooxml_imports(archive: zipfile.ZipFile, budget: Budget | None = None, inside: bool = False) -> str:
    """The first part of the zip that brings another file's content into the document, or "": a content type Word
    imports (MHT, HTML, RTF), an altChunk's or a subdocument's relationship in a .rels part (in any other part:
    ooxml_outside), a part that is an MHT, HTML or RTF file or a Flat OPC package whatever its type says; a package
    inside it read the same way. An XML part is read up to its root element only. Raises Unreadable on broken XML,
    TooComplex past the budget or for a package inside a package inside the file."""
    budget = budget or Budget()
    for member in archive.infolist():
        name = member.filename
        if name.lower() == "[content_types].xml":
            for kind in _attributes(archive, member, {"Default", "Override"}, "ContentType", budget):
                if IMPORTED_TYPES.match(kind):
                    return f"{name}: {kind}"
        elif name.lower().endswith(".rels"):
            for kind in _attributes(archive, member, {"Relationship"}, "Type", budget):
                if kind.strip().lower().endswith(IMPORT_RELATIONSHIPS):
                    return f"{name}: {kind}"
        elif _looks_like_xml(archive, member):
            if _root(archive, member, budget) in IMPORTED_ROOTS:
                return name
        else:
            with archive.open(member) as part:
                head = part.read(HEAD_SIZE)
            if IMPORTED_HEAD.match(head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")):
                return name
            if head.startswith(ZIP_MAGIC):
                with _package(archive, member, inside) as package:
                    if found := ooxml_imports(package, budget, inside=True):
                        return f"{name}: {found}"
    return ""


def ooxml_code(archive: zipfile.ZipFile, budget: Budget | None = None, inside: bool = False) -> str:
    """The first part of the zip that holds or brings in code, or "", a package inside it (a chart's workbook, an
    embedded document: sixth probe) read the same way. Raises Unreadable on broken XML, or on two members of one
    name: part names are case-insensitive, and Python reads the last of two where Office may read the first;
    TooComplex past the budget, or for a package inside a package inside the file."""
    budget = budget or Budget()
    names = [member.filename.lower() for member in archive.infolist()]
    if len(set(names)) != len(names):
        raise Unreadable("two parts of one name")
    if "[content_types].xml" not in names:
        return "[Content_Types].xml"  # a zip that is no Office package, inside one: what it holds is not read here
    content_types = archive.infolist()[names.index("[content_types].xml")]
    for kind in _attributes(archive, content_types, {"Default", "Override"}, "ContentType", budget):
        if not SAFE_TYPE.match(kind) or any(marker in kind.lower() for marker in CODE_MARKERS):
            return kind
    for member in archive.infolist():
        name = member.filename
        if name.lower().endswith(".rels"):
            for kind in _attributes(archive, member, {"Relationship"}, "Type", budget):
                if any(marker in kind.lower() for marker in CODE_RELATIONSHIPS):
                    return f"{name}: {kind}"
        if name.lower().endswith(".bin") and not SAFE_BIN.match(name):
            return name
        with archive.open(member) as part:
            head = part.read(len(OLE_MAGIC))
        if head == OLE_MAGIC:
            return name
        if head.startswith(ZIP_MAGIC):
            with _package(archive, member, inside) as package:
                if found := ooxml_code(package, budget, inside=True):
                    return f"{name}: {found}"
    return ""


def zip_damage(archive: zipfile.ZipFile) -> str:
    """ "big" for an Office package of more than MEMBER_LIMIT parts or UNZIPPED_LIMIT bytes unpacked, "broken" for a
    part packed other than as Office packs them, one that does not unpack to what it declares, or no
    [Content_Types].xml; or ""."""
    members = archive.infolist()
    if len(members) > MEMBER_LIMIT or sum(m.file_size for m in members) > UNZIPPED_LIMIT:
        return "big"
    if any(m.compress_type not in OFFICE_COMPRESSION for m in members):
        return "broken"
    if archive.testzip() is not None or "[Content_Types].xml" not in archive.namelist():
        return "broken"
    return ""


def _package(archive: zipfile.ZipFile, member, inside: bool) -> zipfile.ZipFile:
    """The package that the part `member` is (its size already counted in the file's); TooComplex for one inside a
    package inside the file, Unreadable for a broken one or one packed other than as Office packs its parts."""
    if inside:
        raise TooComplex(f"{member.filename}: a package in a package")
    try:
        package = zipfile.ZipFile(io.BytesIO(archive.read(member)))
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise Unreadable(f"{member.filename}: {error}") from error
    if any(part.compress_type not in OFFICE_COMPRESSION for part in package.infolist()):
        raise Unreadable(f"{member.filename}: a part packed as Office does not")
    return package


def ooxml_outside(archive: zipfile.ZipFile, budget: Budget | None = None) -> str:
    """What the zip fetches or runs from outside when it opens: "link: <part>: <target>" for an external
    relationship other than a web or mail hyperlink, "dde: <part>" for a DDE field, formula or link, "fetch: <part>"
    for a field or formula that fetches a file or an address (INCLUDEPICTURE, WEBSERVICE…) or a workbook's data
    connection, whatever its part is named (sixth probe); or "", packages inside it read the same way. A relationship
    is read in whatever XML part declares it (29th probe: a package hidden as XML), and one declared outside a .rels
    part is judged here for what ooxml_code and ooxml_imports judge in .rels parts too: "code: <part>: <type>" for
    one that brings in code (or a Flat OPC part of code's content type), "import: <part>: <type>" for an altChunk.
    Raises Unreadable on broken XML, TooComplex past the budget. ooxml_code() has checked the zip first."""
    budget = budget or Budget()
    for member in archive.infolist():
        name = member.filename
        if name.lower().endswith(".rels"):
            for relationship in _elements(archive, member, {"Relationship"}, budget):
                if found := _relationship_found(name, relationship):
                    return found
        elif _looks_like_xml(archive, member):
            if found := _reaches_out(archive, member, budget):
                return found
        else:
            with archive.open(member) as part:
                if part.read(len(ZIP_MAGIC)) != ZIP_MAGIC:
                    continue
            with _package(archive, member, inside=False) as package:
                if found := ooxml_outside(package, budget):
                    kind, _, where = found.partition(": ")
                    return f"{kind}: {name}: {where}"
    return ""


def _relationship_found(name: str, relationship: dict[str, str]) -> str:
    """What a relationship declared in the part `name` brings in: "import: <part>: <type>" for another file's content,
    "code: <part>: <type>" for code, "link: <part>: <target>" for an external target other than a web or mail
    hyperlink; or "". The attributes by their local names."""
    kind = relationship.get("Type", "").strip()
    if kind.lower().endswith(IMPORT_RELATIONSHIPS):
        return f"import: {name}: {kind}"
    if any(marker in kind.lower() for marker in CODE_RELATIONSHIPS):
        return f"code: {name}: {kind}"
    target = relationship.get("Target", "").strip()
    external = relationship.get("TargetMode", "").strip().lower() == "external"
    if not external and not OUTSIDE_TARGET.match(target):
        return ""
    hyperlink = kind.lower().endswith("/hyperlink")
    if not (hyperlink and SAFE_LINK.match(target) and "\\" not in target):
        return f"link: {name}: {target}"
    return ""


class _RootFound(Exception):
    """The root element of a part, met: the reading stops there."""


def _root(archive: zipfile.ZipFile, member, budget: Budget) -> str:
    """The local name, in lower case, of the part's root element or of its document type (<!DOCTYPE html>), read up
    to there only: what comes before it (comments, instructions, whitespace) costs no budget but is bounded by the
    part's size. "" for a part of no element."""
    budget.spend()

    def found(name, *args):
        raise _RootFound(name.rpartition(":")[2].lower())

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = found
    parser.StartDoctypeDeclHandler = found
    try:
        with archive.open(member) as part:
            parser.ParseFile(part)
    except _RootFound as root:
        return root.args[0]
    except xml.parsers.expat.ExpatError as error:
        raise Unreadable(f"{member.filename}: {error}") from error
    return ""


def _looks_like_xml(archive: zipfile.ZipFile, member) -> bool:
    """Whether the part reads as XML: its first byte after any whitespace (which XML allows before the root, as much
    as one likes: fifth probe) is "<", or it starts with a byte-order mark."""
    with archive.open(member) as part:
        head = part.read(4)
        if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00")):
            return True  # a byte-order mark, or UTF-16 without one (25th probe)
        while head and not head.strip():
            head = part.read(1 << 16)
    return head.lstrip().startswith(b"<")


def _reaches_out(archive: zipfile.ZipFile, member, budget: Budget) -> str:
    """What the XML part brings in or fetches: a relationship it declares itself as _relationship_found() judges it,
    "code: <part>: <type>" for a Flat OPC part (pkg:part) of code's content type; "dde: <part>" for a DDE field (its
    instruction joined across runs, nested fields apart) or a DDE formula or link in the part, "fetch: <part>" for a
    field or a formula that fetches a file or an address, or a data connection; or "". Read as a stream: a document
    part may be larger than XML_PART_LIMIT. A DDE formula or link counts as the instruction "DDE"."""
    name = member.filename
    declared = []  # what a Relationship element or a Flat OPC part declared in this part brings in
    fields = []  # [the instruction's pieces, whether its result began] of each open complex field, innermost last
    formulas = []  # the text of the open formula element
    fetches = []  # the formulas that fetch
    tags = []  # the local names of the open elements
    found = []  # the instructions met

    def start(tag, attributes):
        budget.spend()
        local = tag.rpartition(":")[2]
        tags.append(local)
        if local in ("fldSimple", "fldChar", "Relationship", "part"):
            values = {key.rpartition(":")[2]: value for key, value in attributes.items()}
        if local == "Relationship":
            if finding := _relationship_found(name, values):
                declared.append(finding)
        elif local == "part" and any(marker in values.get("contentType", "").lower() for marker in CODE_MARKERS):
            declared.append(f"code: {name}: {values['contentType']}")
        elif local == "fldSimple":
            found.append(values.get("instr", ""))
        elif local == "fldChar":
            kind = values.get("fldCharType", "")
            if kind == "begin":
                if fields and not fields[-1][1]:
                    fields[-1][0].append(NESTED)  # a field inside the instruction of another
                fields.append([[], False])
            elif kind == "separate" and fields:
                fields[-1][1] = True
            elif kind == "end" and fields:
                found.append("".join(fields.pop()[0]))
        elif local in LINK_ELEMENTS:
            found.append("DDE")
        elif local in ("connection", "webVideoPr"):  # a data connection; an "online video", a web page Word shows
            fetches.append(local)
        elif local in FORMULA_ELEMENTS:
            formulas.append([])

    def end(tag):
        local = tags.pop()
        if local in FORMULA_ELEMENTS and formulas:
            written = "".join(formulas.pop())
            formula = QUOTED.sub("", written)
            if "|" in formula:
                found.append("DDE")
            if FETCHING_FUNCTION.search(formula) or FILE_HYPERLINK_FUNCTION.search(written):
                fetches.append(written)

    def text(data):
        budget.spend()
        if tags and tags[-1] in ("instrText", "delInstrText") and fields:
            fields[-1][0].append(data)
        elif tags and tags[-1] in ("instrText", "delInstrText"):
            found.append(data)  # an instruction outside any field: read all the same
        elif tags and tags[-1] in FORMULA_ELEMENTS and formulas:
            formulas[-1].append(data)

    def refuse(*args):
        raise Unreadable(f"{name}: DTD")

    parser = xml.parsers.expat.ParserCreate()  # names by their local part, whatever their prefix: an unbound
    parser.buffer_text = True  # prefix is no reason to miss a field; text in one piece, not a call a line
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        with archive.open(member) as part:
            parser.ParseFile(part)
    except xml.parsers.expat.ExpatError as error:
        raise Unreadable(f"{member.filename}: {error}") from error
    for kind in ("import:", "code:", "link:"):
        if brought := next((finding for finding in declared if finding.startswith(kind)), ""):
            return brought
    found += ["".join(pieces) for pieces, _ in fields]  # fields left open too
    if any(DDE_FIELD.search(instruction) for instruction in found):
        return f"dde: {name}"
    fetching = (FETCHING_FIELD.match(i) or HIDDEN_FIELD.match(i) or _hyperlink_leaves(i) for i in found)
    return f"fetch: {name}" if fetches or any(fetching) else ""


def _hyperlink_leaves(instruction: str) -> bool:
    """Whether a HYPERLINK field goes anywhere but a web or mail address written out, or a bookmark of the document
    (\\l): a share or a file, quoted or not, or an address that a nested field makes."""
    if not (field := HYPERLINK_FIELD.match(instruction)):
        return False
    arguments = iter(FIELD_ARGUMENT.findall(field[1]))
    for argument in arguments:
        switch = argument.lower()
        if switch in ("\\o", "\\t"):  # a tooltip, a frame
            next(arguments, "")
        elif switch == "\\l":
            if not BOOKMARK.fullmatch(next(arguments, "").strip('"').strip()):
                return True
        elif switch not in ("\\m", "\\n", "\\h"):
            address = argument.strip('"').strip()
            if NESTED in argument or not SAFE_LINK.match(address):
                return True
    return False


def _attributes(archive: zipfile.ZipFile, member, elements: set[str], attribute: str, budget: Budget) -> list[str]:
    """The `attribute` of every element named in `elements` (namespace aside) in the part `member`."""
    return [found.get(attribute, "") for found in _elements(archive, member, elements, budget)]


def _elements(archive: zipfile.ZipFile, member, elements: set[str], budget: Budget) -> list[dict[str, str]]:
    """The attributes of every element named in `elements` (namespace aside) in the part `member`."""
    name = member.filename
    if member.file_size > XML_PART_LIMIT:
        raise Unreadable(name)
    found = []

    def start(tag, attributes):
        budget.spend()
        if tag.rpartition(" ")[2] in elements:
            found.append(attributes)

    def refuse(*args):
        raise Unreadable(f"{name}: DTD")

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse  # no DTD, so no entity of our own: no "billion laughs"
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(archive.read(member), True)
    except xml.parsers.expat.ExpatError as error:
        raise Unreadable(f"{name}: {error}") from error
    return found


def ole_kind(data) -> str:
    """The type an OLE container holds by its main stream (a key of OLE_MAIN_STREAMS), or "".
    Raises Unreadable if it does not open."""
    streams = _entries(data)
    for kind, names in OLE_MAIN_STREAMS.items():
        if any((name,) in streams for name in names):
            return kind
    return ""


def ole_has_macros(data) -> bool:
    """A macro storage anywhere in the container (embedded objects included)."""
    return any(OLE_MACRO_STORAGES.intersection(path) for path in _entries(data))


def ole_runs(data) -> str:
    """What an Office 97–2003 file runs or fetches besides a VBA storage (probe 23): "macro" for an Excel 4.0 macro
    sheet or a VBA module sheet in a workbook, "encrypted" for a workbook with a password (the trick that hides such a
    sheet, Excel opening it with its default password), "dde" or "fetch" for a Word field as ooxml_outside() judges
    it or a workbook's link, "embedded" for an object embedded in it; or "". Raises Unreadable if it does not open."""
    data.seek(0)
    try:
        with olefile.OleFileIO(data) as ole:
            streams = {tuple(part.lower() for part in path): path for path in ole.listdir(streams=True)}
            workbook = next((streams[(name,)] for name in ("workbook", "book") if (name,) in streams), None)
            runs = ""
            if workbook:  # both main streams in one file are each read (27th probe: a Word file with a stream
                runs = _workbook_runs(ole.openstream(workbook).read())  # named Workbook skipped Word's checks)
            if ("worddocument",) in streams and not runs:
                document = ole.openstream(streams[("worddocument",)]).read()
                if len(document) >= 12 and struct.unpack_from("<H", document, 0x0A)[0] & WORD_ENCRYPTED:
                    return "encrypted"
                runs = _word_fields_reach_out(_word_texts(ole, streams, document))
            return runs or ("embedded" if any(map(_embedded_object, streams)) else "")
    except Unreadable:
        raise
    except Exception as error:  # a broken container
        raise Unreadable(str(error)) from error
    finally:
        data.seek(0)
    return ""


def _embedded_object(path: tuple[str, ...]) -> bool:
    """A stream of an object embedded in the file, which the reader opens by double-clicking its icon (a packaged
    program, another document): under Word's ObjectPool, an Excel "MBD…" storage, or a packaged file anywhere. A
    .docx's embedded OLE objects are refused as well (ooxml_code)."""
    return path[0] == "objectpool" or path[0].startswith("mbd") or "\x01ole10native" in path


def _workbook_runs(stream: bytes) -> str:
    """ "macro" for a sheet of code among the workbook's sheets (BIFF records BoundSheet: its type byte), "encrypted"
    for a password record (FilePass), "dde" for a DDE or OLE link and "fetch" for a link to another workbook (SupBook:
    Excel asks to update them when the file opens, and a path on another machine gives it the reader's login); or
    ""."""
    offset, found = 0, ""
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        if kind == FILEPASS:
            return "encrypted"
        if kind == BOUNDSHEET and length >= 6 and stream[offset + 9] in CODE_SHEETS:
            return "macro"
        if kind in NAME_RECORDS | FORMULA_RECORDS or kind == HLINK:
            found = found or _record_reaches_out(kind, stream[offset + 4 : offset + 4 + length])
        if kind == SUPBOOK and length >= 4:
            sheets, size = struct.unpack_from("<HH", stream, offset + 4)
            path = stream[offset + 8 : offset + 4 + length]
            if size not in OWN_SUPBOOKS and path[1:].strip(b" "):
                # a workbook's path starts with a byte of 1 to 8 (its volume, folder…), a DDE link with its program
                dde = sheets == 0 and not 1 <= path[1:2].ljust(1)[0] <= 8
                found = found or ("dde" if dde else "fetch")
        offset += 4 + length
    return found


def _record_reaches_out(kind: int, body: bytes) -> str:
    """ "fetch" for a workbook record that fetches from outside: a name of a fetching function, a hyperlink record or a
    HYPERLINK formula whose address is a share, a host or a file (a web or mail address passes, as in an .xlsx)."""
    texts = (body.decode("latin-1"), body.decode("utf-16-le", "replace"), body[1:].decode("utf-16-le", "replace"))
    if kind in NAME_RECORDS:
        leaves = any(FETCHING_NAME.search(text) for text in texts)
    elif kind == HLINK:
        leaves = any(LEAVING.search(text.replace("http://", "").replace("https://", "")) for text in texts)
    else:
        leaves = bool(HYPERLINK_TOKEN.search(body)) and any(
            LEAVING.search(re.sub(r"(?i)https?://", "", text)) for text in texts
        )
    return "fetch" if leaves else ""


def _word_texts(ole, streams, document: bytes) -> list[str]:
    """The document's text as Word puts it together from its pieces (the piece table, in the table stream the FIB
    names), and the WordDocument stream read whole as 8-bit text and as UTF-16 at either alignment, in case the piece
    table is broken or tells less than the stream holds."""
    texts = [
        document.decode("latin-1"),
        document.decode("utf-16-le", "replace"),
        document[1:].decode("utf-16-le", "replace"),
    ]
    if len(document) >= CLX_AT + 8:
        table = ("1table",) if struct.unpack_from("<H", document, 0x0A)[0] & WORD_TABLE_ONE else ("0table",)
        if table in streams:
            at, size = struct.unpack_from("<II", document, CLX_AT)
            texts.append(_pieces(ole.openstream(streams[table]).read()[at : at + size], document))
    return texts


def _pieces(clx: bytes, document: bytes) -> str:
    """The text the piece table `clx` makes of `document`: after any formatting runs (type 1, skipped), a type 2
    record of the pieces' character positions and, for each, where it starts in the stream (bit 30: 8-bit text at
    half that offset, else UTF-16). TooComplex when the pieces hold more characters than the stream has bytes (pieces
    of a real document do not overlap)."""
    at = 0
    while at + 3 <= len(clx) and clx[at] == 1:
        at += 3 + struct.unpack_from("<H", clx, at + 1)[0]
    if at + 5 > len(clx) or clx[at] != 2:
        return ""
    table = clx[at + 5 : at + 5 + struct.unpack_from("<I", clx, at + 1)[0]]
    count = max(0, (len(table) - 4) // 12)
    positions = struct.unpack_from(f"<{count + 1}I", table) if count else ()
    text, total = [], 0
    for index in range(count):
        chars = max(0, positions[index + 1] - positions[index])
        total += chars
        if total > len(document):
            raise TooComplex("pieces longer than the document")
        offset = struct.unpack_from("<I", table, 4 * (count + 1) + 8 * index + 2)[0]
        if offset & 0x40000000:
            start = (offset & 0x3FFFFFFF) // 2
            text.append(document[start : start + chars].decode("cp1252", "replace"))
        else:
            text.append(document[offset : offset + 2 * chars].decode("utf-16-le", "replace"))
    return "".join(text)


def _word_fields_reach_out(texts: list[str]) -> str:
    """ "dde" or "fetch" for a field of the document's `texts` that ooxml_outside() would refuse in a .docx; or ""."""
    found = ""
    for text in texts:
        for field in OLE_FIELD.finditer(text):
            instruction = field[1] + (NESTED if field[2] == "\x13" else "")
            if DDE_FIELD.search(instruction):
                return "dde"
            if FETCHING_FIELD.match(instruction) or HIDDEN_FIELD.match(instruction) or _hyperlink_leaves(instruction):
                found = "fetch"
    return found


def _entries(data) -> set[tuple[str, ...]]:
    data.seek(0)
    try:
        with olefile.OleFileIO(data) as ole:
            entries = ole.listdir(streams=True, storages=True)
    except Exception as error:  # not an OLE container, or a broken one
        raise Unreadable(str(error)) from error
    finally:
        data.seek(0)
    return {tuple(part.lower() for part in path) for path in entries}
