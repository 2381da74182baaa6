"""Building the report page's POST data the way the browser would send it."""

import datetime
import re
import zoneinfo
from contextlib import contextmanager

import time_machine
from django.db import transaction
from django.forms import CheckboxInput
from django.test import override_settings
from openpyxl.utils import get_column_letter

from loadtest.form_reader import FormReader
from reports.cycles.opening import open_cycle
from reports.cycles.organisation import ensure_entries
from reports.editing.saving import build_forms


@contextmanager
def kept_for_the_module(django_db_blocker, media):
    """Data made once for a module's tests (a year seeded, say), inside a transaction rolled back at its end."""
    from tests.conftest import _ensure_plan_and_cast

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            _ensure_plan_and_cast()  # a browser test run before the module empties the tables
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def moment(day: str, time: str = "10:00") -> datetime.datetime:
    """A moment in Bình Sơn: moment("2026-12-06", "09:15")."""
    naive = datetime.datetime.fromisoformat(f"{day} {time}")
    return naive.replace(tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))


def on(day: str, time: str = "10:00"):
    """Travel to a day the test chose (time ticks on from there): `with on("2026-12-06"): ...`, or as a decorator."""
    return time_machine.travel(moment(day, time), tick=True)


def another_plan(plan, slug: str, title: str):
    """One more plan, cheaply: `plan`'s fields under another slug and title (no tasks or targets)."""
    skip = {"id", "slug", "title"}
    fields = {f.name: getattr(plan, f.name) for f in type(plan)._meta.concrete_fields if f.name not in skip}
    return type(plan).objects.create(slug=slug, title=title, **fields)


def as_seen(url: str, data: dict | None = None) -> dict:
    """A reviewer's approve, send-back or reopen POST data as the report page sends it: with the report's version
    the page showed (reports.review.views._seen), read here from the database: the page was opened just before."""
    from reports.models import AgencyReport

    pk = int(re.search(r"/bao-cao/(\d+)/", url).group(1))
    return {**(data or {}), "version": str(AgencyReport.objects.get(pk=pk).version)}


def post_seen(client, url: str, data: dict | None = None, **kwargs):
    """`client.post(url, data)` from a report page opened just before (`as_seen`)."""
    return client.post(url, as_seen(url, data), **kwargs)


def current_report(plan, agency_code, year=2026):
    cycle = open_cycle(plan, year)
    report = cycle.reports.get(agency__code=agency_code)
    ensure_entries(report)
    return report


class ReportPage:
    """The form fields of a report page as rendered, ready to be changed and posted."""

    def __init__(self, report):
        report.refresh_from_db()
        self.report = report
        self.forms = build_forms(report)
        self.values = {"version": str(report.version), "difficulties": report.difficulties}
        for key in ("leads", "coordinating", "targets", "proposals"):
            formset = self.forms[key]
            for name in formset.management_form.fields:
                self.values[formset.management_form.add_prefix(name)] = str(formset.management_form[name].value())
            for form in formset.forms:
                for name, field in form.fields.items():
                    if name in ("new_evidence", "DELETE"):
                        continue
                    value = form[name].value()
                    if isinstance(field.widget, CheckboxInput):
                        if value:
                            self.values[form.add_prefix(name)] = "on"
                    elif isinstance(value, datetime.date):
                        self.values[form.add_prefix(name)] = value.strftime("%d/%m/%Y")
                    else:
                        self.values[form.add_prefix(name)] = "" if value is None else str(value)

    def _prefix(self, key, match):
        for form in self.forms[key].forms:
            if match(form.instance):
                return form.prefix
        raise KeyError(match)

    def lead(self, code, **fields):
        prefix = self._prefix("leads", lambda e: e.section.code == code)
        return self._set(prefix, fields)

    def coordinating(self, code, results):
        prefix = self._prefix("coordinating", lambda e: e.section.code == code)
        return self._set(prefix, {"results": results})

    def target(self, code, **fields):
        prefix = self._prefix("targets", lambda e: e.target.code == code)
        return self._set(prefix, fields)

    def field(self, kind, code, name):
        key = {"lead": "leads", "coordinating": "coordinating", "target": "targets"}[kind]
        attribute = (lambda e: e.target.code) if kind == "target" else (lambda e: e.section.code)
        return f"{self._prefix(key, lambda e: attribute(e) == code)}-{name}"

    def add_proposal(self, text):
        total = int(self.values["proposal-TOTAL_FORMS"])
        self.values[f"proposal-{total - 1}-text"] = text  # the blank row the page always has
        self.values[f"proposal-{total - 1}-id"] = ""
        self.values["proposal-TOTAL_FORMS"] = str(total + 1)
        self.values[f"proposal-{total}-text"] = ""
        self.values[f"proposal-{total}-id"] = ""
        return self

    def _set(self, prefix, fields):
        for name, value in fields.items():
            key = f"{prefix}-{name}"
            if value is True:
                self.values[key] = "on"
            elif value is False:
                self.values.pop(key, None)
            else:
                self.values[key] = value
        return self

    def fill_everything(self):
        """Fill every field the completeness check asks for, with plausible values."""
        for form in self.forms["leads"].forms:
            self._set(form.prefix, {"status": "in_progress", "results": f"Đã triển khai {form.instance.section.code}."})
        for form in self.forms["coordinating"].forms:
            self._set(form.prefix, {"results": "Đã phối hợp tuyên truyền."})
        for form in self.forms["targets"].forms:
            target = form.instance.target
            if target.is_qualitative:
                self._set(form.prefix, {"qualitative_status": "progressing"})
            else:
                year = form.facts.ask.year or form.instance.value_year  # "as of" a day of the value's own year
                self._set(form.prefix, {"value": "5", "as_of": f"30/11/{year}", "is_estimate": True})
                if form.facts.jumps(form.facts.ask.year, 5):  # far from its recorded series: explained
                    self._set(form.prefix, {"note": "Số liệu thử, khác xa chuỗi số liệu đã có."})
        return self

    def data(self, action="save"):
        return self.values | {"action": action}


def rendered_form_data(html: str) -> dict:
    """What the browser would post back from the page exactly as rendered (no field touched)."""
    reader = FormReader()
    reader.feed(html)
    reader.data.pop("csrfmiddlewaretoken", None)
    return reader.data


# LibreOffice 7.4 without Calibri draws a worksheet in DejaVu Sans: a column takes 7,1 pt a character of its width
# (measured in its PDF of the consolidated workbook). Excel's Calibri takes less, so a sheet readable there is
# readable in Excel too.
LIBREOFFICE_POINTS_PER_CHARACTER = 7.1
PAPER_WIDTHS = {"9": (595, 842), "8": (842, 1191)}  # A4, A3: portrait and landscape widths in points


def printed_font_size(sheet, font_size: float = 11) -> float:
    """The size a sheet's text prints at, one page wide: the program shrinks the columns (never enlarges them) to
    the page's width between its side margins."""
    portrait, landscape = PAPER_WIDTHS[str(sheet.page_setup.paperSize)]
    page = landscape if sheet.page_setup.orientation == "landscape" else portrait
    printable = page - 72 * (sheet.page_margins.left + sheet.page_margins.right)
    columns = range(1, sheet.max_column + 1)
    characters = sum(sheet.column_dimensions[get_column_letter(c)].width or 8.43 for c in columns)  # 8,43: unset
    width = characters * LIBREOFFICE_POINTS_PER_CHARACTER
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and int(sheet.page_setup.fitToWidth) == 1, sheet.title
    return font_size * min(1, printable / width)


def words_cut_in_tables(docx_path) -> list[str]:
    """The words of a Word file's bordered tables that are wider than their cell less its padding (3 pt a side), as
    Pillow measures them in Liberation Serif (Times New Roman's metrics): a fixed-layout table, in Word as in
    LibreOffice, breaks such a word inside ("2025.0" / "1", "đồng/ngườ" / "i/năm")."""
    from docx import Document
    from PIL import ImageFont

    fonts = {}

    def points(text, size, bold):
        name = f"LiberationSerif-{'Bold' if bold else 'Regular'}.ttf"
        font = fonts.get((name, size)) or fonts.setdefault(
            (name, size), ImageFont.truetype(f"/usr/share/fonts/truetype/liberation2/{name}", size * 10)
        )
        return font.getlength(text) / 10

    cut = []
    for table in Document(docx_path).tables:
        if table.style is None or table.style.name != "Table Grid":
            continue
        for row in table.rows:
            for cell in row.cells:
                room = cell.width / 12700 - 6  # EMU → points, less the padding
                for run in (run for paragraph in cell.paragraphs for run in paragraph.runs):
                    for word in run.text.split():
                        if points(word, run.font.size.pt, bool(run.bold)) > room:
                            cut.append(f"{word} ({room:.1f} pt)")
    return cut


def bhxh_sends(client, plan, target_code: str, value: str):
    """BHXH huyện (a staff account made for the test) sends its 2026 report with `value` for `target_code`, then logs
    out: a value sent and not approved, which no public figure may show."""
    from django.contrib.auth import get_user_model

    from agencies.models import Membership
    from agencies.permissions import Role, add_role

    report = current_report(plan, "BHXH")
    staff = get_user_model().objects.create_user("canbo.bhxh")
    Membership.objects.create(user=staff, agency=report.agency)
    add_role(staff, Role.AGENCY_STAFF)
    client.force_login(staff)
    client.post(
        f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().target(target_code, value=value).data("submit")
    )
    client.logout()
    return report
