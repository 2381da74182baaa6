"""What an Office file holds besides text: macros, ActiveX controls, embedded OLE objects (issue 17, item 4).

An OOXML file (.docx, .xlsx, .pptx) is a zip of parts. Office runs code only from parts it knows by their
content type or relationship type, so both are read as XML — any encoding, entities resolved, no DTD — and
every content type must belong to the plain-document families below; a member that is an OLE container by
its first bytes (a VBA project or an embedded object, whatever its name) or a `.bin` other than printer
settings is refused as well.

An Office 97–2003 file (.doc, .xls) is an OLE container: it must hold the main stream of a Word document
(`WordDocument`) or an Excel workbook (`Workbook`, or `Book` for Excel 5/95), and no macro storage.
"""

import re
import xml.parsers.expat
import zipfile

import olefile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XML_PART_LIMIT = 10 * 1024 * 1024  # [Content_Types].xml and the .rels parts: a few kB in real files

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
)
# Relationship types that bring in code: the same, plus a document template (an attached .dotm, possibly
# fetched from a server when the file opens).
CODE_RELATIONSHIPS = CODE_MARKERS + ("attachedtemplate", "/control")
SAFE_BIN = re.compile(r"^(word|xl|ppt)/printersettings/printersettings\d+\.bin$", re.IGNORECASE)

OLE_MAIN_STREAMS = {
    "application/msword": ("worddocument",),
    "application/vnd.ms-excel": ("workbook", "book"),
}
OLE_MACRO_STORAGES = {"macros", "_vba_project_cur", "_vba_project", "vba"}


class Unreadable(Exception):
    """The file does not open as what it claims to be."""


def ooxml_code(archive: zipfile.ZipFile) -> str:
    """The first part of the zip that holds or brings in code, or "". Raises Unreadable on broken XML, or on two
    members of one name: part names are case-insensitive, and Python reads the last of two where Office may
    read the first."""
    names = [member.filename.lower() for member in archive.infolist()]
    if len(set(names)) != len(names):
        raise Unreadable("two parts of one name")
    content_types = archive.infolist()[names.index("[content_types].xml")]
    for kind in _attributes(archive, content_types, {"Default", "Override"}, "ContentType"):
        if not SAFE_TYPE.match(kind) or any(marker in kind.lower() for marker in CODE_MARKERS):
            return kind
    for member in archive.infolist():
        name = member.filename
        if name.lower().endswith(".rels"):
            for kind in _attributes(archive, member, {"Relationship"}, "Type"):
                if any(marker in kind.lower() for marker in CODE_RELATIONSHIPS):
                    return f"{name}: {kind}"
        if name.lower().endswith(".bin") and not SAFE_BIN.match(name):
            return name
        with archive.open(member) as part:
            if part.read(len(OLE_MAGIC)) == OLE_MAGIC:
                return name
    return ""


def _attributes(archive: zipfile.ZipFile, member, elements: set[str], attribute: str) -> list[str]:
    """The `attribute` of every element named in `elements` (namespace aside) in the part `member`."""
    name = member.filename
    if member.file_size > XML_PART_LIMIT:
        raise Unreadable(name)
    found = []

    def start(tag, attributes):
        if tag.rpartition(" ")[2] in elements:
            found.append(attributes.get(attribute, ""))

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
