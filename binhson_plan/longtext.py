"""Long free text typed by agencies, bounded where it costs: a report's text fields hold at most
`LINE_LIMIT` lines with writing on them (besides `forms.TEXT_LIMIT` characters), and every print lays typed text
out as its lines with writing, runs of empty lines collapsed, so no text makes a print or a build slow.

Why lines: WeasyPrint's cost grows with the lines it breaks and the pages it fills, not with characters alone.
"a" and a line break typed 10 000 times (20 000 characters) is 10 000 lines — about 230 pages per field, two minutes
for one report — while 20 000 characters of prose are about six pages (issue 17)."""

import html as html_module
import re
import unicodedata

from binhson_plan.number_format import vn_number

LINE_LIMIT = 200  # lines with writing per text field: a long list of communes or households fits
QUOTE_LIMIT = 3_000  # characters of one agency's text quoted in the consolidated report's body
QUOTE_LINES = 30  # and lines with writing
NOTE_IN_TABLE = 400  # a target's note longer than this is printed below the table, not in its cell
PRINT_CACHE_SECONDS = 24 * 3600  # a report's PDF is kept a day for the same HTML (reports.documents.views.report_pdf)
LINE_CHARACTERS = 90  # characters on a printed line of body text (A4 portrait, 13 pt Times)
LONG_WORD_COST = 20  # measured: 9 s for 223 lines of one unbroken word, against ≈ 3 ms a line of prose
LINE_ENDS = re.compile(r"<br\s*/?>|</(?:p|tr|li|div|h[1-6]|td|th)>", re.IGNORECASE)
TAGS = re.compile(r"<[^>]*>")


# What XML 1.0, and so a workbook or a Word file, cannot hold: control characters (but tab and line breaks), the
# halves of surrogate pairs, and the noncharacters U+FFFE and U+FFFF. Never typed by a person, they come by pasting
# or by a script; one of them in one agency's text made the district's Word and Excel files fail (the fifth probe).
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` less the characters no XML document can hold (NOT_IN_XML)."""
    return NOT_IN_XML.sub("", text)


LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")  # Word's Shift+Enter is \x0b, pasted
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")  # they reorder the rest of a line; Vietnamese needs none
CONTROLS = re.compile("[\x7f-\x84\x86-\x9f]")  # DEL and the C1 controls (a terminal's colour codes): never text
INVISIBLE = {"\u3164", "\u2800", "\u115f", "\u1160", "\uffa0"}  # letters that print as nothing


def typed(text: str) -> str:
    """Text as typed or pasted, as the portal keeps it: every kind of line break one "\n" (a vertical tab from Word
    would otherwise vanish and join two words), no bidi controls nor other control characters, nothing an XML
    document cannot hold."""
    return xml_safe(CONTROLS.sub("", BIDI_CONTROLS.sub("", LINE_BREAKS.sub("\n", text))))


def visible(text: str) -> bool:
    """Whether `text` has something a reader sees: not only spaces, format characters (U+200B, U+FEFF, U+00AD…),
    combining marks on no letter and letters that print as nothing (U+3164, U+2800)."""
    # format characters; combining marks, which show only on a letter; code points not assigned (U+2065, U+FFF0,
    # U+E0080) or for private use (U+E000, U+F0000): no font of the portal draws them
    unseen = ("Cf", "Mn", "Me", "Cn", "Co")  # and private-use code points (the twelfth probe): no standard glyph
    return any(not c.isspace() and unicodedata.category(c) not in unseen and c not in INVISIBLE for c in text)


def written_lines(text: str | None) -> list[str]:
    """The lines of `text` with writing on them, in order (empty and blank lines dropped)."""
    return [line.rstrip() for line in (text or "").splitlines() if line.strip()]


def printed_lines(text: str | None, limit: int = LINE_LIMIT) -> list[str]:
    """The lines a print shows: the lines with writing, and past `limit` (text saved before the limit existed)
    the rest run on in the last line, so nothing is dropped and the print stays bounded."""
    lines = written_lines(text)
    if len(lines) > limit:
        lines = [*lines[: limit - 1], " ".join(line.strip() for line in lines[limit - 1 :])]
    return lines


def quoted(text: str | None, limit: int = QUOTE_LIMIT, lines: int = QUOTE_LINES) -> str:
    """`text` as the consolidated report quotes it: whole up to `limit` characters and `lines` lines with writing,
    else cut (at a word) with a note of how much was quoted and where to read it whole (the agency's own report;
    the Excel file of the consolidated report)."""
    written = printed_lines(text)
    whole = "\n".join(written)
    cut = "\n".join(written[:lines])
    if len(cut) > limit:
        cut = cut[:limit]
        cut = cut[: cut.rfind(" ")] if " " in cut[limit // 2 :] else cut
    if cut == whole:
        return whole
    return (
        f"{cut.rstrip()}… [trích {vn_number(len(cut))}/{vn_number(len(whole))} ký tự; toàn văn trong báo cáo của "
        "đơn vị và trong tệp Excel của báo cáo tổng hợp]"
    )


def laid_out_lines(html: str) -> int:
    """About how many lines a print of `html` lays out: each run of text between line ends (a line break, the end of
    a paragraph, a cell, a row) takes one line per LINE_CHARACTERS characters. What a print costs to draw grows with
    this figure, whether the report is 10 000 short lines or 600 000 characters of prose (issue 17's fourth probe:
    two prints of 16 000 short lines each, drawn at once, outran gunicorn's timeout)."""
    body = html[html.find("<body") :] if "<body" in html else html
    lines = 0
    for piece in LINE_ENDS.split(body):
        words = html_module.unescape(TAGS.sub(" ", piece)).split()
        lines += -(-len(" ".join(words)) // LINE_CHARACTERS)
        # a word longer than a line is broken by trying its characters one by one: each such line costs the drawing
        # LONG_WORD_COST lines of prose (28th probe: 20 000 characters without a space, 223 lines, took 9 s)
        lines += sum(-(-len(word) // LINE_CHARACTERS) for word in words if len(word) > LINE_CHARACTERS) * (
            LONG_WORD_COST - 1
        )
    return lines
