"""The parts a consolidated report is made of, shared by its PDF and its Word file: headings, paragraphs, tables,
appendices, the document."""

from dataclasses import dataclass, field


@dataclass
class Heading:
    kind = "heading"
    text: str
    level: int  # 1: "I. …" (bold capitals), 2: "1. …" (bold), 3: "a) …" (bold italic)


@dataclass
class Para:
    kind = "para"
    text: str
    lead: str = ""  # printed bold before the text: "(1)", "- Phòng Y tế (chủ trì):"
    style: str = "body"  # body: justified with first-line indent · note: italic · missing: italic, names a gap


@dataclass
class Table:
    kind = "table"
    headers: list[str]
    rows: list[list[str]]
    widths: list[int]  # relative column widths
    numeric: tuple[int, ...] = ()  # right-aligned columns
    totals: list[list[str]] = field(default_factory=list)  # bold last rows
    compact: bool = False  # a smaller type in the PDF, where the columns' unbreakable figures would pass the line

    @property
    def percentages(self) -> list[float]:
        """The column widths as shares of the line, summing to 100."""
        whole = sum(self.widths)
        return [round(100 * width / whole, 2) for width in self.widths]


@dataclass
class Appendix:
    number: int
    title: str
    parts: list
    landscape: bool = False


@dataclass
class Document:
    issuer_line1: str
    issuer_line2: str
    number: str
    place_date: str
    subject: str
    addressee: str
    body: list = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer_authority: str = ""
    signer_position: str = ""
    signer_name: str = ""
    appendices: list[Appendix] = field(default_factory=list)
    annex_line: str = ""
    superior_line: bool = False  # the first header line is the governing body (plain), not half the issuer's name
