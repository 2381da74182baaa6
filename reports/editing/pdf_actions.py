"""What a PDF runs or opens by itself (issue 17, fourth probe): JavaScript (an /OpenAction, a page's or a field's
additional actions, the document's named scripts), a Launch action that starts a program, embedded files and file
attachments, rich media, XFA forms (which carry scripts), and actions that fetch or send data (ImportData,
SubmitForm, GoToE). A web link (/URI), which the reader follows only by clicking it, is none of these.

Every dictionary of a PDF is written either as text between its streams or packed in an object stream (a stream with
the /First key that tells where its objects start). So the file is read in one pass as a PDF lexer reads it: comments
and strings skipped (a "stream" written in one starts no stream: fifth probe), each name checked, its #xx escapes
decoded (`/J#61vaScript` is `/JavaScript`), each stream's body skipped by its /Length as a reader does (written out,
or in the object it points at), and each object stream unpacked as a reader unpacks it and read the same way: its
/Filter and /DecodeParms (or /F and /DP) taken from the objects they point at when written `6 0 R`, its filters
undone in order however many (Flate, ASCIIHex, ASCII85), and a predictor after Flate undone (PNG 10-15, TIFF 2, with
/Columns, /Colors, /BitsPerComponent: 23rd probe). Other streams (pictures, page content) are skipped: their bytes
hold "/JS" by chance. The work is linear in the file's size (regular expressions jump to the next byte that matters),
the unpacked bytes capped, and the bytes a predictor is undone on (byte by byte) capped lower.

Refused as unreadable, since what they pack cannot be read: an encrypted PDF (its object streams are encrypted; a
password to open it would also keep the reviewer out), and an object stream with another filter (or more than 32),
another predictor or parameters out of range, a filter or parameters that point at an object not written as text in
the file, written twice with different values or also packed in an object stream (the copy read here may not be the
one a reader takes), or that are not a name, an array, a dictionary where a reader expects one. A name of active
content found by either reading is reported before such a part.

A third reading (24th probe) is qpdf's (pikepdf): a reader's own, by the cross-reference table, rebuilt when broken,
with every filter qpdf knows; it runs first, and a file qpdf cannot open is refused as unreadable (25th probe). However
long a reading would take, evidence.py runs them in a process of their own, within a CPU time and a memory limit
(bounded.py).
"""

import base64
import binascii
import bisect
import io
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
    "GoToR",  # opens another file, on a share too (24th probe)
    "OnInstantiate",  # a 3D annotation's script
    "Rendition",  # a media action, which may carry a script of its own (/JS: 25th probe)
    "Movie",  # a movie annotation or action, its file anywhere, on a share too (26th probe)
    "EF",  # a file specification's embedded file, however the rest of it is written (28th probe: /AF, no /Type)
    "AF",  # PDF 2.0's associated files
}
# A link a reader follows when it is clicked, as in Office files: a web page or an e-mail address (26th probe: a
# URI action to file://, or to \\host\share, opened when the file opens).
SAFE_URI = re.compile(r"^\s*(https?://|mailto:)", re.IGNORECASE)
NAME = re.compile(rb"/([^\x00\t\n\x0c\r /\[\]<>(){}%]*)")
ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
UNPACKED_LIMIT = 64 * 1024 * 1024  # all object streams together; real ones unpack to a few MB at most
WINDOW = 16 * 1024 * 1024  # bytes of one stream's body read for the second reading (an upload is at most 10 MB)
STREAM_LIMIT = 20_000  # a 1 000-page scan has a few thousand streams; a file of nothing else is refused, not read
# bytes a predictor is undone on, both readings together: writers put none on object streams (only on cross-reference
# streams, which hold no objects, and on pictures), and it is undone byte by byte (a quarter of a second at most)
PREDICTED_LIMIT = 128 * 1024
LAYERS = 8  # filters the second reading undoes one after another on one stream's bytes
HEAD_WINDOW = 4096  # bytes before a stream the second reading looks at for its dictionary (or back to the last one)
VALUE_WINDOW = 64 * 1024  # bytes read for the value of an object a filter or its parameters point at


class Unreadable(Exception):
    """What the PDF packs cannot be read: it is encrypted, or an object stream is packed in a way not read here."""


class Name(str):
    """A PDF name (`/FlateDecode`), told apart from a string."""


class Ref(tuple):
    """A reference to an object (`6 0 R`): its number and generation."""


class _Reading:
    """What one check keeps: the file, where its objects are written, what it unpacked and looked up."""

    def __init__(self, whole: bytes):
        self.whole = whole
        self.unpacked = 0
        self.predicted = 0
        self.headers = []  # each object stream's list of the objects it packs
        self.resolved = set()  # numbers of the objects a filter or its parameters were taken from
        self._written = None
        self._values = {}

    def resolved_value(self, value, depth=0):
        """`value`, or the value of the object it points at: Unreadable if that object is not written as text in the
        file, or written more than once with different values."""
        while isinstance(value, Ref):
            if depth > 8:
                raise Unreadable("references in a loop")
            value, depth = self._value_of(value), depth + 1
        return value

    def _value_of(self, ref: "Ref"):
        if ref not in self._values:
            if self._written is None:
                self._written = {}
                for match in OBJECT.finditer(self.whole):
                    self._written.setdefault((int(match[1]), int(match[2])), []).append(match.end())
            values = []
            for position in self._written.get(tuple(ref), []):
                value = _value(self.whole, position, min(len(self.whole), position + VALUE_WINDOW))[0]
                if value not in values:
                    values.append(value)
            if len(values) != 1:
                raise Unreadable(f"object {ref[0]} written {len(values)} ways")
            self.resolved.add(ref[0])
            self._values[ref] = values[0]
        return self._values[ref]

    def packed_and_looked_up(self) -> bool:
        """Whether an object a filter was taken from is also packed in an object stream (read in place of the text's
        copy, or so a reader may)."""
        return bool(self.resolved) and any(
            self.resolved.intersection(int(number) for number in NUMBER_PAIR.findall(header)) for header in self.headers
        )


# The next byte that matters outside strings, comments and streams: a comment, a string, a dictionary's start or end,
# a hex string, a name, or the keyword `stream`.
TOKEN = re.compile(rb"%|\(|<<|>>|<|/|(?<![A-Za-z])stream(?![A-Za-z])")
STRING_PART = re.compile(rb"[()\\]")
DIRECT_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
INDIRECT_LENGTH = re.compile(rb"/Length\s+(\d+)\s+(\d+)\s+R")


# The second reading's names: long enough that bytes of a picture or of compressed data never spell them by chance,
# written as a name (a delimiter after). /JS is left out: a script runs only from an action whose /S is /JavaScript.
SPELLED = re.compile(
    rb"/(JavaScript|EmbeddedFiles?|FileAttachment|RichMedia(Execute)?|XFA|ImportData|SubmitForm|GoTo[ER]|Launch"
    rb"|OnInstantiate|Rendition)"
    rb"(?=[\s/\[\]<>()%]|$)"
)
# Filters this module cannot undo: whatever they pack cannot be read (sixth probe: an object stream may hide in them).
UNREAD_FILTERS = re.compile(rb"/(LZWDecode|RunLengthDecode|LZW|RL)(?=[\s/\[\]<>()%]|$)")  # or abbreviated (24th)
# The keyword, then whatever a reader skips to the end of its line (spaces, a comment: 24th probe), then the body.
ANY_STREAM = re.compile(rb"(?<![A-Za-z])stream(?![A-Za-z])[^\r\n]*(?:\r\n|\r|\n)")


def qpdf_reading(data: bytes) -> str:
    """The third reading (24th probe): qpdf's (pikepdf), as a reader reads the file: by its cross-reference table,
    rebuilt when broken, every object stream and filter undone as qpdf does. The first name of active content that is
    a key or a value in any dictionary or array, or "". Unreadable when qpdf cannot open the file, finds it encrypted
    or nested past reason."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise Unreadable("encrypted")
            for item in (pdf.trailer, *pdf.objects):
                if found := _active_in(item, 0):
                    return found
    except pikepdf.PasswordError:
        raise Unreadable("encrypted") from None
    except pikepdf.PdfError as error:  # a file a reader's parser cannot open is not read on (25th probe: readers
        raise Unreadable(f"qpdf: {error}") from None  # that rebuild more found a script where qpdf found no /Root)
    return ""


def _active_in(item, depth: int) -> str:
    """The first name of ACTIVE in `item` (a pikepdf object) and what it holds directly; an object it points at is
    read as one of the file's objects."""
    import pikepdf

    if depth > 100:
        raise Unreadable("nested too deep")
    if isinstance(item, pikepdf.Name):
        return str(item)[1:] if str(item)[1:] in ACTIVE else ""
    if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
        for key in item.keys():
            if key[1:] in ACTIVE:
                return key[1:]
        if found := _action_leaving(item):
            return found
        children = item.values()
    elif isinstance(item, pikepdf.Array):
        children = item
    else:
        return ""
    for child in children:  # numbers and strings come as Python's own
        if isinstance(child, pikepdf.Object) and not child.is_indirect and (found := _active_in(child, depth + 1)):
            return found
    return ""


def _action_leaving(action) -> str:
    """ "Thread" for an action that opens an article of another file (as GoToR opens a page of one), "URI" for one
    whose address is no web page or e-mail address (a file, a share, a program's scheme); or "". qpdf's reading only:
    /Thread also names the articles of the file itself."""
    kind = str(action.get("/S", ""))
    if kind == "/Thread" and "/F" in action:
        return "Thread"
    if kind == "/URI" and not SAFE_URI.match(str(action.get("/URI", ""))):
        return "URI"
    return ""


def active_content(data: bytes) -> str:
    """The first name of active content the PDF holds ("JavaScript", "Launch"…), or "". Raises Unreadable.

    Two readings, and either refuses: the lexer's (`_scan`), and, since a reader finds its objects by the
    cross-reference table wherever they are written (in a comment, inside another stream's bytes, in an object stream
    whose filter is written indirectly: sixth probe), every byte of the file and every stream that unpacks, wherever
    it starts, searched for the long names alone: each stream's bytes unpacked by up to LAYERS filters one after
    another, and, where the dictionary before it is an object stream's, with the predictor it asks for undone (23rd
    probe). A name the second reading finds is reported even where the first found a part it cannot read (both refuse
    the file, this one says why). An object a filter or its parameters were taken from that either reading found also
    packed in an object stream is refused as unreadable: a reader may take that copy."""
    try:
        found, unopened = qpdf_reading(data), None
    except Unreadable as error:  # refused in the end, unless a reading below finds what says why better
        found, unopened = "", error
    if found:
        return found
    reading = _Reading(data)
    try:
        found = _scan(data, reading)
    except Unreadable:
        found = _anywhere(data, reading)
        if found:
            return found
        raise
    found = found or _anywhere(data, reading)
    if not found and unopened:
        raise unopened
    if not found and reading.packed_and_looked_up():
        raise Unreadable("a filter's object also packed")
    return found


def _anywhere(data: bytes, reading: _Reading) -> str:
    plain = _unescaped(data)
    if UNREAD_FILTERS.search(plain):
        raise Unreadable("filter")
    found = SPELLED.search(plain)
    if found:
        return found[1].decode("latin-1")
    unpacked, read, previous = 0, 0, 0
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
        head = (min(previous, max(0, match.start() - HEAD_WINDOW)), match.start())
        for chunk in _unpacked_candidates(data, match.end(), end, UNPACKED_LIMIT - unpacked, head, reading):
            unpacked += len(chunk)
            if unpacked > UNPACKED_LIMIT:
                raise Unreadable("too large unpacked")
            found = SPELLED.search(_unescaped(chunk))
            if found:
                return found[1].decode("latin-1")
        previous = match.end()
    return ""


def _unpacked_candidates(data: bytes, start: int, end: int, room: int, head: tuple, reading: _Reading) -> list:
    """What the bytes at `start` unpack to, tried as Flate, as ASCIIHex and as ASCII85, and again on what that gives,
    up to LAYERS filters; after Flate, a predictor undone as the dictionary before the stream (`head`: where to look
    for it) asks, if it is an object stream's. The file is never copied: a regular expression reads it in place, zlib
    through a memoryview and stops where its data ends."""
    found, layer, predictors, first = [], [memoryview(data)[start:end]], None, None
    if reading.resolved:  # a filter taken from an object: where this stream packs it, if it is an object stream
        predictors, first = _predictors(data, *head, reading, layer[0])
    for _ in range(LAYERS):
        following = []
        for chunk in layer:
            hexed, a85 = HEX_BODY.match(chunk), A85_BODY.match(chunk)
            decoded = []
            if hexed:
                text = re.sub(rb"\s", b"", hexed[1])
                decoded.append(binascii.unhexlify(text + b"0" * (len(text) % 2))[: room + 1])
            if a85:
                try:
                    decoded.append(base64.a85decode(a85[1], adobe=False)[: room + 1])
                except ValueError:
                    pass
            try:
                inflated = zlib.decompressobj().decompress(chunk, room + 1)
            except zlib.error:
                inflated = b""
            if inflated:
                decoded.append(inflated)
                if predictors is None:
                    predictors, first = _predictors(data, *head, reading, layer[0])
                for parameters in predictors:
                    try:
                        decoded.append(_unpredicted(inflated, parameters, reading))
                    except Unreadable:
                        if reading.predicted > PREDICTED_LIMIT:
                            raise
            for unpacked in decoded:
                if unpacked:
                    if first is not None:  # an object stream's: the objects it packs kept for the check above
                        reading.headers.append(unpacked[:first])
                    found.append(unpacked)
                    following.append(unpacked)
                    room -= len(unpacked)
                    if room < 0:
                        return found
        layer = following
    return found


def _predictors(data: bytes, start: int, end: int, reading: _Reading, body) -> tuple[list[dict], int | None]:
    """The predictor parameters the dictionary before a stream (somewhere in data[start:end], after the last
    "endstream" or "endobj") gives, and where its objects start, if it is an object stream's (has /First; the objects
    its `body` packs, as written, kept for the check); parameters that cannot be resolved left out (the first reading
    refuses them where it finds the stream)."""
    head = data[start:end]
    head = _unescaped(head[max(head.rfind(b"endstream"), head.rfind(b"endobj"), -1) + 1 :])
    first = FIRST.search(head)
    if not first:
        return [], None
    found = []
    for written in PARAMETERS.finditer(head):
        try:
            value = reading.resolved_value(_value(head, written.end(), len(head))[0])
            for item in value if isinstance(value, list) else [value]:
                item = reading.resolved_value(item)
                if isinstance(item, dict) and item not in found:
                    found.append(item)
        except Unreadable:
            continue
    first = int(first[1]) if first[1] else VALUE_WINDOW
    reading.headers.append(bytes(body[:first]))
    return found, first


HEX_BODY = re.compile(rb"([0-9A-Fa-f\s]{16,})>")
A85_BODY = re.compile(rb"(?:<~)?([!-uz\s]{16,})~>")
FIRST = re.compile(rb"/First(?![^\x00\t\n\x0c\r /\[\]<>(){}%])(?:\s*(\d{1,10})(?!\d|\s+\d+\s+R))?")
PARAMETERS = re.compile(rb"/(?:DecodeParms|DP)(?![^\x00\t\n\x0c\r /\[\]<>(){}%])")
OBJECT = re.compile(rb"(?<!\d)(\d{1,10})\s+(\d{1,10})\s+obj(?![A-Za-z0-9])")
NUMBER_PAIR = re.compile(rb"(\d{1,10})\s+\d{1,10}")


def _scan(data: bytes, reading: _Reading) -> str:
    """Read `data` (the file, or an object stream's content) as a PDF lexer does: comments and strings are skipped
    (a "stream" written in one is no stream), each name checked, and each stream's body skipped by its /Length (an
    object stream's unpacked and read the same way)."""
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
        else:  # stream: its body, from the next line (what follows the keyword on its line skipped, as a reader
            body = _line_end(data, position)  # does: spaces, a comment; 24th probe), then on after it
            if data[body - 1 : body + 1] == b"\r\n":
                body += 1
            end = _stream_end(data, body, last, reading.whole)
            if re.search(rb"/First\b", _unescaped(last)):  # an object stream: dictionaries packed
                packed = _unpack(data[body:end], last, reading)
                reading.unpacked += len(packed)
                found = _scan(packed, reading)
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


def _unescaped(data: bytes) -> bytes:
    return ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)


def _unpack(body: bytes, last: bytes, reading: _Reading) -> bytes:
    """The object stream's content, its filters undone in order, each with its predictor; Unreadable for a filter,
    predictor or parameters not read here, a broken stream, or more than the bytes left to unpack."""
    head = _value(last, 0, len(last))[0]
    if not isinstance(head, dict):
        raise Unreadable("object stream's dictionary")
    room = UNPACKED_LIMIT - reading.unpacked
    try:
        for name, parameters in _filters(head, reading):
            if name in ("FlateDecode", "Fl"):
                body = _unpredicted(zlib.decompressobj().decompress(body, room + 1), parameters, reading)
            elif name in ("ASCIIHexDecode", "AHx"):
                digits = re.sub(rb"\s", b"", body.split(b">")[0])
                body = binascii.unhexlify(digits + b"0" * (len(digits) % 2))
            elif name in ("ASCII85Decode", "A85"):
                body = base64.a85decode(body.split(b"~>")[0].removeprefix(b"<~"), adobe=False)
            else:
                raise Unreadable(f"filter {name}")
            if len(body) > room:
                raise Unreadable("too large unpacked")
            room -= len(body)  # what each filter gives counts: a long chain costs no more than a large stream
    except (zlib.error, binascii.Error, ValueError) as error:
        raise Unreadable("broken object stream") from error
    first = reading.resolved_value(head.get("First"))
    if isinstance(first, int):
        reading.headers.append(body[:first])
    return body


def _filters(head: dict, reading: _Reading) -> list[tuple[str, dict | None]]:
    """The stream's filters in order, each with its parameters, as a reader takes them: /Filter (or /F) and
    /DecodeParms (or /DP), each written out or in the object it points at, an array's items too."""
    filters = head.get("Filter")
    filters = reading.resolved_value(head.get("F") if filters is None else filters)
    parameters = head.get("DecodeParms")
    parameters = reading.resolved_value(head.get("DP") if parameters is None else parameters)
    if filters is None:
        return []
    if isinstance(filters, Name):
        filters, parameters = [filters], [parameters]
    elif not isinstance(filters, list) or not isinstance(parameters, list | None):
        raise Unreadable("filters")  # a reader reads no filter, or the parameters, differently
    if len(filters) > LAYERS * 4:
        raise Unreadable("too many filters")
    parameters = [reading.resolved_value(item) for item in parameters or []]
    found = []
    for position, name in enumerate(filters):
        name = reading.resolved_value(name)
        given = parameters[position] if position < len(parameters) else None
        if not isinstance(name, Name) or not isinstance(given, dict | None):
            raise Unreadable("filter")
        found.append((str(name), given))
    return found


def _unpredicted(data: bytes, parameters: dict | None, reading: _Reading) -> bytes:
    """`data` with the predictor its parameters name undone (PNG 10-15, TIFF 2); Unreadable for another, for values
    out of range, or past PREDICTED_LIMIT bytes."""
    if parameters is None:
        return data
    values = {}
    for key, default in (("Predictor", 1), ("Colors", 1), ("BitsPerComponent", 8), ("Columns", 1)):
        value = reading.resolved_value(parameters.get(key))
        values[key] = default if value is None else value
        if type(values[key]) is not int:
            raise Unreadable(f"predictor's {key}")
    predictor, colors, bits, columns = values.values()
    if predictor == 1:
        return data
    row = (colors * bits * columns + 7) // 8
    if predictor not in (2, 10, 11, 12, 13, 14, 15) or not 1 <= colors <= 32 or bits not in (1, 2, 4, 8, 16):
        raise Unreadable("predictor")
    reading.predicted += len(data)
    if columns < 1 or row > PREDICTED_LIMIT or reading.predicted > PREDICTED_LIMIT:
        raise Unreadable("too much to predict")
    if predictor == 2:
        return _tiff(data, row, colors, bits)
    return _png(data, row, (colors * bits + 7) // 8)


def _png(data: bytes, row: int, pixel: int) -> bytes:
    """PNG predictors undone: each row starts with its type (0 none, 1 sub, 2 up, 3 average, 4 Paeth); a short last
    row is read as if filled with zeros, as readers do."""
    out, above = bytearray(), bytes(row)
    for start in range(0, len(data), row + 1):
        kind, line = data[start], bytearray(data[start + 1 : start + 1 + row])
        size = len(line)
        line.extend(bytes(row - size))
        if kind == 1:
            for i in range(pixel, row):
                line[i] = (line[i] + line[i - pixel]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, above, strict=True))
        elif kind == 3:
            for i in range(row):
                line[i] = (line[i] + (((line[i - pixel] if i >= pixel else 0) + above[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(row):
                left, up = (line[i - pixel], above[i - pixel]) if i >= pixel else (0, 0)
                guess = left + above[i] - up
                near = min((abs(guess - left), 0, left), (abs(guess - above[i]), 1, above[i]), (abs(guess - up), 2, up))
                line[i] = (line[i] + near[2]) & 255
        elif kind != 0:
            raise Unreadable("PNG predictor's row")
        out += line[:size]
        above = line
    return bytes(out)


def _tiff(data: bytes, row: int, colors: int, bits: int) -> bytes:
    """TIFF predictor 2 undone: in each row, each component added to the one `colors` components before it."""
    out, mask = bytearray(), (1 << bits) - 1
    for start in range(0, len(data), row):
        line = data[start : start + row]
        if bits == 16:
            parts = [line[i] << 8 | line[i + 1] for i in range(0, len(line) - 1, 2)]
        else:
            parts = [byte >> shift & mask for byte in line for shift in range(8 - bits, -1, -bits)]
        for i in range(colors, len(parts)):
            parts[i] = (parts[i] + parts[i - colors]) & mask
        if bits == 16:
            out += b"".join(part.to_bytes(2) for part in parts) + line[len(parts) * 2 :]
        else:
            per = 8 // bits
            for i in range(0, len(parts), per):
                byte = 0
                for part in parts[i : i + per]:
                    byte = byte << bits | part
                out.append(byte)
    return bytes(out)


SPACE = re.compile(rb"(?:[\x00\t\n\x0c\r ]|%[^\r\n]*)*")
REFERENCE = re.compile(rb"(\d{1,10})[\x00\t\n\x0c\r ]+(\d{1,10})[\x00\t\n\x0c\r ]+R(?![^\x00\t\n\x0c\r /\[\]<>(){}%])")
NUMBER = re.compile(rb"[+-]?(?:\d{1,30}(?:\.\d*)?|\.\d{1,30})")
KEYWORDS = {b"true": True, b"false": False, b"null": None}


def _value(text: bytes, position: int, limit: int, depth: int = 0) -> tuple:
    """The PDF value written at `position` (a dictionary, an array, a name, a reference, a number, a string, true,
    false or null) and where it ends; Unreadable for anything else, or one reaching past `limit`."""
    position = SPACE.match(text, position).end()
    if position >= limit or depth > 32:
        raise Unreadable("value not read")
    if text.startswith((b"<<", b"["), position):
        items, position = [], position + (2 if text[position] == ord("<") else 1)
        close = b">>" if text[position - 1] == ord("<") else b"]"
        while not text.startswith(close, position := SPACE.match(text, position).end()):
            item, position = _value(text, position, limit, depth + 1)
            items.append(item)
        if close == b"]":
            return items, position + 1
        if len(items) % 2 or not all(isinstance(key, Name) for key in items[::2]):
            raise Unreadable("dictionary not read")
        return dict(zip(items[::2], items[1::2], strict=True)), position + 2
    if text.startswith(b"/", position):
        name = NAME.match(text, position)
        return Name(_unescaped(name[1]).decode("latin-1")), name.end()
    if text.startswith(b"(", position):
        end = _string_end(text, position + 1)
        return bytes(text[position:end]), end
    if text.startswith(b"<", position):
        end = text.find(b">", position)
        if end < 0:
            raise Unreadable("value not read")
        return bytes(text[position : end + 1]), end + 1
    if reference := REFERENCE.match(text, position):
        return Ref((int(reference[1]), int(reference[2]))), reference.end()
    if number := NUMBER.match(text, position):
        return (float if b"." in number[0] else int)(number[0]), number.end()
    for keyword, value in KEYWORDS.items():
        if text.startswith(keyword, position):
            return value, position + len(keyword)
    raise Unreadable("value not read")
