"""What a PDF runs or opens by itself (issue 17, fourth probe): JavaScript (an /OpenAction, a page's or a field's
additional actions, the document's named scripts), a Launch action that starts a program, embedded files and file
attachments, rich media, XFA forms (which carry scripts), and actions that fetch or send data (ImportData,
SubmitForm, GoToE). A web link (/URI), which the reader follows only by clicking it, is none of these.

Every dictionary of a PDF is written either as text between its streams or packed in an object stream (a stream with
the /First key that tells where its objects start). So the file is read in one pass as a PDF lexer reads it: comments
and strings skipped (a "stream" written in one starts no stream: fifth probe), each name checked, its #xx escapes
decoded (`/J#61vaScript` is `/JavaScript`), each stream's body skipped by its /Length as a reader does (written out,
or in the object it points at), and each object stream unpacked (Flate, ASCIIHex, ASCII85, in the order written) and
read the same way. Other streams (pictures, page content) are skipped: their bytes hold "/JS" by chance. The work is
linear in the file's size (regular expressions jump to the next byte that matters) and the unpacked bytes capped.

Refused as unreadable, since what they pack cannot be read: an encrypted PDF (its object streams are encrypted; a
password to open it would also keep the reviewer out), and an object stream with another filter or a predictor.
"""

import base64
import binascii
import bisect
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
FILTERS = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>(){}%]+)")
UNPACKED_LIMIT = 64 * 1024 * 1024  # all object streams together; real ones unpack to a few MB at most
WINDOW = 16 * 1024 * 1024  # bytes of one stream's body read for the second reading (an upload is at most 10 MB)
STREAM_LIMIT = 20_000  # a 1 000-page scan has a few thousand streams; a file of nothing else is refused, not read


class Unreadable(Exception):
    """What the PDF packs cannot be read: it is encrypted, or an object stream is packed in a way not read here."""


# The next byte that matters outside strings, comments and streams: a comment, a string, a dictionary's start or end,
# a hex string, a name, or the keyword `stream`.
TOKEN = re.compile(rb"%|\(|<<|>>|<|/|(?<![A-Za-z])stream(?=\r?\n)")
STRING_PART = re.compile(rb"[()\\]")
DIRECT_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
INDIRECT_LENGTH = re.compile(rb"/Length\s+(\d+)\s+(\d+)\s+R")


# The second reading's names: long enough that bytes of a picture or of compressed data never spell them by chance,
# written as a name (a delimiter after). /JS is left out: a script runs only from an action whose /S is /JavaScript.
SPELLED = re.compile(
    rb"/(JavaScript|EmbeddedFiles?|FileAttachment|RichMedia(Execute)?|XFA|ImportData|SubmitForm|GoToE|Launch)"
    rb"(?=[\s/\[\]<>()%]|$)"
)
# Filters this module cannot undo: whatever they pack cannot be read (sixth probe: an object stream may hide in them).
UNREAD_FILTERS = re.compile(rb"/(LZWDecode|RunLengthDecode)(?=[\s/\[\]<>()%]|$)")
ANY_STREAM = re.compile(rb"stream\r?\n|stream\r")


def active_content(data: bytes) -> str:
    """The first name of active content the PDF holds ("JavaScript", "Launch"…), or "". Raises Unreadable.

    Two readings, and either refuses: the lexer's (`_scan`), and, since a reader finds its objects by the
    cross-reference table wherever they are written (in a comment, inside another stream's bytes, in an object stream
    whose filter is written indirectly: sixth probe), every byte of the file and every stream that unpacks, wherever
    it starts, searched for the long names alone."""
    return _scan(data, data, [0]) or _anywhere(data)


def _anywhere(data: bytes) -> str:
    plain = _unescaped(data)
    if UNREAD_FILTERS.search(plain):
        raise Unreadable("filter")
    found = SPELLED.search(plain)
    if found:
        return found[1].decode("latin-1")
    unpacked, read = 0, 0
    ends = [m.start() for m in re.finditer(rb"endstream", data)]
    for count, match in enumerate(ANY_STREAM.finditer(data)):
        if count > STREAM_LIMIT:
            raise Unreadable("too many streams")
        # a body is read up to the next "endstream", at most WINDOW bytes; all windows together at most
        # UNPACKED_LIMIT, so a file of "stream" words without end costs no more than a long one
        following = bisect.bisect_left(ends, match.end())
        end = min(ends[following] if following < len(ends) else len(data), match.end() + WINDOW)
        read += end - match.end()
        if read > UNPACKED_LIMIT:
            raise Unreadable("too much to read")
        for chunk in _unpacked_candidates(data, match.end(), end, UNPACKED_LIMIT - unpacked):
            unpacked += len(chunk)
            if unpacked > UNPACKED_LIMIT:
                raise Unreadable("too large unpacked")
            found = SPELLED.search(_unescaped(chunk))
            if found:
                return found[1].decode("latin-1")
    return ""


def _unpacked_candidates(data: bytes, start: int, end: int, room: int) -> list[bytes]:
    """What the bytes at `start` unpack to, tried as Flate, as ASCIIHex and as ASCII85 (and Flate after either). The
    file is never copied: a regular expression reads it in place, zlib through a memoryview and stops where its data
    ends."""
    found = []
    hexed, a85 = HEX_BODY.match(data, start, end), A85_BODY.match(data, start, end)
    if hexed:
        text = re.sub(rb"\s", b"", hexed[1])
        found.append(binascii.unhexlify(text + b"0" * (len(text) % 2))[:room])
    if a85:
        try:
            found.append(base64.a85decode(a85[1], adobe=False)[:room])
        except ValueError:
            pass
    for raw in [memoryview(data)[start:end], *found]:
        try:
            found.append(zlib.decompressobj().decompress(raw, room + 1))
        except zlib.error:
            pass
    return found


HEX_BODY = re.compile(rb"([0-9A-Fa-f\s]{16,})>")
A85_BODY = re.compile(rb"(?:<~)?([!-uz\s]{16,})~>")


def _scan(data: bytes, whole: bytes, unpacked: list[int]) -> str:
    """Read `data` (the file, or an object stream's content) as a PDF lexer does: comments and strings are skipped
    (a "stream" written in one is no stream), each name checked, and each stream's body skipped by its /Length (an
    object stream's unpacked and read the same way). `whole`: the file, where an indirect /Length is looked up."""
    position, dictionaries, last = 0, [], b""
    while True:
        match = TOKEN.search(data, position)
        if match is None:
            return ""
        token, position = match.group(), match.end()
        if token == b"%":
            position = _line_end(data, position)
        elif token == b"(":
            position = _string_end(data, position)
        elif token == b"<<":
            dictionaries.append(match.start())
        elif token == b">>":
            if dictionaries:
                opened = dictionaries.pop()
                if not dictionaries:
                    last = data[opened:position]  # the dictionary a stream keyword may follow
        elif token == b"<":
            close = data.find(b">", position)
            position = len(data) if close < 0 else close + 1
        elif token == b"/":
            name = NAME.match(data, match.start())
            word = _unescaped(name.group(1)).decode("latin-1")
            if word == "Encrypt":
                raise Unreadable("encrypted")
            if word in ACTIVE:
                return word
            position = max(position, name.end())
        else:  # stream: its body, then on after it
            body = position + (2 if data.startswith(b"\r\n", position) else 1)
            end = _stream_end(data, body, last, whole)
            if re.search(rb"/First\b", _unescaped(last)):  # an object stream: dictionaries packed
                packed = _unpack(data[body:end], _unescaped(last), UNPACKED_LIMIT - unpacked[0])
                unpacked[0] += len(packed)
                found = _scan(packed, whole, unpacked)
                if found:
                    return found
            position, last = end, b""


def _line_end(data: bytes, position: int) -> int:
    ends = [i for i in (data.find(b"\n", position), data.find(b"\r", position)) if i >= 0]
    return min(ends) + 1 if ends else len(data)


def _string_end(data: bytes, position: int) -> int:
    """Past the ")" closing a literal string opened just before `position`: parentheses nest, a backslash escapes."""
    depth = 1
    while depth:
        match = STRING_PART.search(data, position)
        if match is None:
            return len(data)
        position = match.end()
        if match.group() == b"\\":
            position += 1
        else:
            depth += 1 if match.group() == b"(" else -1
    return position


def _stream_end(data: bytes, body: int, head: bytes, whole: bytes) -> int:
    """Where the stream starting at `body` ends, as a reader finds it: by its /Length (written out, or an object
    written `N 0 obj 123 endobj`) when `endstream` follows there; else at the first `endstream`."""
    length = DIRECT_LENGTH.search(head)
    if length is None and (indirect := INDIRECT_LENGTH.search(head)):
        written = re.search(rb"(?<!\d)%s\s+%s\s+obj\s*(\d+)\s*endobj" % (indirect[1], indirect[2]), whole)
        length = written
    if length is not None:
        end = body + int(length[1])
        if data[end : end + 20].lstrip().startswith(b"endstream"):
            return end
    found = data.find(b"endstream", body)
    return len(data) if found < 0 else found


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
