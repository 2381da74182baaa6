"""What a PDF runs or opens by itself (issue 17, fourth probe): JavaScript (an /OpenAction, a page's or a field's
additional actions, the document's named scripts), a Launch action that starts a program, embedded files and file
attachments, rich media, XFA forms (which carry scripts), and actions that fetch or send data (ImportData,
SubmitForm, GoToE). A web link (/URI), which the reader follows only by clicking it, is none of these.

Every dictionary of a PDF is written either as text between its streams or packed in an object stream (a stream with
the /First key that tells where its objects start). So the file is read in one pass: each PDF name outside streams,
its #xx escapes decoded (`/J#61vaScript` is `/JavaScript`), and each name inside object streams, their filters
undone (Flate, ASCIIHex, ASCII85, in the order written). Other streams (pictures, page content) are skipped: their
bytes hold "/JS" by chance. The work is linear in the file's size and the unpacked bytes are capped.

Refused as unreadable, since what they pack cannot be read: an encrypted PDF (its object streams are encrypted; a
password to open it would also keep the reviewer out), and an object stream with another filter or a predictor.
"""

import base64
import binascii
import re
import zlib

ACTIVE = {
    "JavaScript",
    "JS",
    "Launch",
    "EmbeddedFile",
    "EmbeddedFiles",
    "FileAttachment",
    "RichMedia",
    "RichMediaExecute",
    "XFA",
    "ImportData",
    "SubmitForm",
    "GoToE",
}
NAME = re.compile(rb"/([^\x00\t\n\x0c\r /\[\]<>(){}%]*)")
ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
STREAM = re.compile(rb"stream\r?\n")
FILTERS = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>(){}%]+)")
UNPACKED_LIMIT = 64 * 1024 * 1024  # all object streams together; real ones unpack to a few MB at most
HEAD = 4096  # how far before `stream` its dictionary is looked for


class Unreadable(Exception):
    """What the PDF packs cannot be read: it is encrypted, or an object stream is packed in a way not read here."""


def active_content(data: bytes) -> str:
    """The first name of active content the PDF holds ("JavaScript", "Launch"…), or "". Raises Unreadable."""
    position, unpacked = 0, 0
    while position < len(data):
        match = STREAM.search(data, position)
        text = data[position : match.start()] if match else data[position:]
        names = _names(text)
        if "Encrypt" in names:
            raise Unreadable("encrypted")
        found = next((name for name in names if name in ACTIVE), "")
        if found or match is None:
            return found
        end = data.find(b"endstream", match.end())
        end = len(data) if end < 0 else end
        head = _unescaped(data[max(position, match.start() - HEAD) : match.start()])
        head = head[head.rfind(b" obj") + 1 :]  # this stream's own dictionary, not the object before it
        if re.search(rb"/First\b", head):  # an object stream: dictionaries packed
            packed = _unpack(data[match.end() : end], head, UNPACKED_LIMIT - unpacked)
            unpacked += len(packed)
            found = next((name for name in _names(packed) if name in ACTIVE), "")
            if found:
                return found
        position = end + len(b"endstream")
    return ""


def _names(data: bytes) -> list[str]:
    return [_unescaped(match.group(1)).decode("latin-1") for match in NAME.finditer(data)]


def _unescaped(data: bytes) -> bytes:
    return ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)


def _unpack(body: bytes, head: bytes, room: int) -> bytes:
    """The object stream's content, its filters undone in order; Unreadable for a filter or predictor not read
    here, a broken stream, or more than `room` bytes."""
    written = FILTERS.search(head)
    filters = re.findall(rb"/([A-Za-z0-9]+)", written.group(1)) if written else []
    predictor = re.search(rb"/Predictor\s*(\d+)", head)
    if predictor and int(predictor[1]) > 1:  # rows filtered after unpacking: names scrambled until undone
        raise Unreadable("predictor")
    try:
        for name in filters:
            if name in (b"FlateDecode", b"Fl"):
                inflater = zlib.decompressobj()
                body = inflater.decompress(body, room + 1)
            elif name in (b"ASCIIHexDecode", b"AHx"):
                digits = re.sub(rb"\s", b"", body.split(b">")[0])
                body = binascii.unhexlify(digits + b"0" * (len(digits) % 2))
            elif name in (b"ASCII85Decode", b"A85"):
                body = base64.a85decode(body.split(b"~>")[0].removeprefix(b"<~"), adobe=False)
            else:
                raise Unreadable(f"filter {name.decode('latin-1')}")
            if len(body) > room:
                raise Unreadable("too large unpacked")
    except (zlib.error, binascii.Error, ValueError) as error:
        raise Unreadable("broken object stream") from error
    return body
