"""PDF documents in the official layout of Decree 30/2020/NĐ-CP, rendered by WeasyPrint."""

import contextlib
import io
import logging
import re
import signal
import threading
from collections import Counter

from agencies.models import AgencyKind


def issuer_lines(body: str) -> tuple[str, str]:
    """'Ủy ban nhân dân huyện Bình Sơn' → ('ỦY BAN NHÂN DÂN', 'HUYỆN BÌNH SƠN')."""
    prefix = "Ủy ban nhân dân "
    if body.startswith(prefix):
        return "ỦY BAN NHÂN DÂN", body[len(prefix) :].upper()
    return "", body.upper()


# A provincial department names its province: "Sở Dân tộc và Tôn giáo tỉnh Quảng Ngãi".
DEPARTMENT = re.compile(r"^(Sở .+?) (tỉnh .+)$")


def body_heading(body: str) -> tuple[str, str, bool]:
    """The two header lines of a document `body` issues (Decree 30), and whether the first is its governing body
    (printed plain): a people's committee alone ("ỦY BAN NHÂN DÂN" / "HUYỆN BÌNH SƠN"), a province's department
    under the province's committee ("UBND TỈNH QUẢNG NGÃI" / "SỞ DÂN TỘC VÀ TÔN GIÁO")."""
    department = DEPARTMENT.match(body)
    if department:
        return f"UBND {department[2].upper()}", department[1].upper(), True
    return (*issuer_lines(body), False)


def agency_heading(agency, issuer, plan) -> tuple[str, str, bool]:
    """The two header lines of an agency's own report (Decree 30), and whether the first is its governing body
    (printed plain) rather than the first half of its own name (bold).
    A commune's people's committee stands alone ("ỦY BAN NHÂN DÂN" / "XÃ …"); a provincial department sits under
    the province's committee ("UBND TỈNH QUẢNG NGÃI" / "SỞ Y TẾ"); an office or centre under the body that holds
    the plan in the year (the district's committee, or after a reform its successor); a Party, mass, armed or
    banking body, whose governing body the plan does not name, under none. A governing body the agency's record
    names comes first: a centre the reform moved under a department ("SỞ Y TẾ TỈNH QUẢNG NGÃI" / "TRUNG TÂM Y TẾ KHU
    VỰC BÌNH SƠN", not the department that receives this year's report: browser pass 36)."""
    if agency.governing_body:
        return agency.governing_body.upper(), agency.name.upper(), True
    if agency.kind == AgencyKind.COMMUNE:
        return (*issuer_lines(agency.name), False)
    if agency.kind == AgencyKind.PROVINCIAL:
        governing = _short_committee(plan.reports_to)
        # a department of the province named on the line above drops its province ("SỞ Y TẾ", not "SỞ Y TẾ TỈNH
        # QUẢNG NGÃI" wrapped over three lines), as the consolidated report's heading does (body_heading)
        department = DEPARTMENT.match(agency.name)
        own = department[1] if department and governing.endswith(department[2].upper()) else agency.name
        return governing, own.upper(), True
    if agency.kind in (AgencyKind.DISTRICT_OFFICE, AgencyKind.SPECIALISED_OFFICE, AgencyKind.CENTRE):
        return _short_committee(issuer.issuing_body), agency.name.upper(), True
    return "", agency.name.upper(), False


COMMUNE_UNIT = re.compile(r"^Ủy ban nhân dân (?:xã|phường|thị trấn|đặc khu) (.+?)(?: \(minh họa\))?$")


def agency_place(agency, issuer) -> str:
    """The place name before an agency's own report's date (Decree 30, Appendix I: the administrative unit where the
    body sits): a commune's committee writes its commune ("Bình Minh, ngày …"), every other body the place of the
    body holding the plan that year. Browser pass 39: xã Bình Minh's report was dated "Quảng Ngãi"."""
    commune = COMMUNE_UNIT.match(agency.name) if agency.kind == AgencyKind.COMMUNE else None
    return commune[1] if commune else issuer.place


def _short_committee(body: str) -> str:
    """'Ủy ban nhân dân tỉnh Quảng Ngãi' → 'UBND TỈNH QUẢNG NGÃI' (the governing line is written short)."""
    line1, line2 = issuer_lines(body)
    return f"UBND {line2}" if line1 else line2


def document_date(day) -> str:
    """ "ngày 05 tháng 12 năm 2026" (Decree 30): a leading zero only for days 1–9 and months 1–2."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


class DrawTooSlow(BaseException):
    """A PDF not drawn within the seconds given it. A BaseException, like KeyboardInterrupt: no `except Exception`
    inside the drawing may swallow it."""


def render_pdf(html: str, archival: bool = False, signature_field: str = "", seconds: float = 0) -> bytes:
    """The PDF of `html`; `archival` makes it PDF/A-2b; `signature_field` adds an empty signature field
    of that name over the element with id "chu-ky" (the space above the signer's name); `seconds`, when given,
    stops the drawing with DrawTooSlow after that much time on the clock."""
    from weasyprint import HTML  # imported here: it costs about a second per process

    with _time_limit(seconds), _missing_glyphs_summed():
        document = HTML(string=html, base_url=".").render()
        pdf = document.write_pdf(pdf_variant="pdf/a-2b" if archival else None)
    if signature_field:
        pdf = _with_signature_field(pdf, document, signature_field)
    return pdf


def _with_signature_field(pdf: bytes, document, name: str) -> bytes:
    """Add an empty signature field where the signer signs, as an incremental update (pyHanko)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    index = next((i for i, page in enumerate(document.pages) if "chu-ky" in page.anchors), None)
    if index is None:
        raise ValueError("Mẫu văn bản thiếu chỗ ký (id “chu-ky”).")
    page = document.pages[index]
    x1, y1, x2, y2 = page.anchors["chu-ky"]
    points = 0.75  # CSS px → PDF points; PDF's y axis runs upwards from the bottom of the page
    box = (int(x1 * points), int((page.height - y2) * points), int(x2 * points), int((page.height - y1) * points))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    # pyHanko would rewrite the XMP metadata without WeasyPrint's PDF/A identification; the field needs none.
    writer._update_meta = lambda: None
    append_signature_field(writer, SigFieldSpec(sig_field_name=name, on_page=index, box=box))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class _MissingGlyphs(logging.Filter):
    """Holds back WeasyPrint's warning for each character no font has: typed text of such characters logged one line
    per character drawn (146 000 lines for one probe's print)."""

    def __init__(self):
        super().__init__()
        self.characters = Counter()

    def filter(self, record):
        if str(record.msg).startswith(".notdef glyph") and record.args:
            self.characters[record.args[0]] += 1
            return False
        return True


@contextlib.contextmanager
def _missing_glyphs_summed():
    """While a PDF is drawn, the characters no font has are counted, then logged once: how many, and which."""
    log, held = logging.getLogger("weasyprint"), _MissingGlyphs()
    log.addFilter(held)
    try:
        yield
    finally:
        log.removeFilter(held)
    if held.characters:
        shown = ", ".join(f"U+{ord(c):04X}" for c, _ in held.characters.most_common(10))
        more = f" và {len(held.characters) - 10} ký tự khác" if len(held.characters) > 10 else ""
        logging.getLogger(__name__).warning(
            "Bản in có %d chỗ dùng ký tự không phông chữ nào có (in thành ô trống): %s%s",
            sum(held.characters.values()),
            shown,
            more,
        )


@contextlib.contextmanager
def _time_limit(seconds: float):
    """DrawTooSlow raised in the drawing once `seconds` of wall-clock time have passed, as gunicorn's timeout counts
    them; again every half second should something catch it. A signal reaches the main thread only: gunicorn's sync
    workers draw there; the development server's threads draw without a limit."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise DrawTooSlow(f"không vẽ xong bản in trong {seconds} giây")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
