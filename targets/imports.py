"""Importing past values (the 2020 baseline, 2021–2024) from a CSV or XLSX file, all or nothing.

Columns: target_code, year, value; optional as_of, note, and reference (the reference series'
value that year, for targets relative to one). Every bad row is reported with its row number,
column and reason, and nothing is written unless every row is right. A value that jumps
(targets.plausibility) is a bad row unless its note explains it.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from django.db import transaction
from django.utils import timezone

from binhson_plan import workbooks
from binhson_plan.dates import DateError, parse_day
from binhson_plan.longtext import typed, visible
from binhson_plan.number_format import too_large, vn_number
from binhson_plan.workbooks import Budget, Limits, WorkbookRefused, check_archive
from targets.as_of import as_of_window, default_as_of, must_be_estimate
from targets.models import MAX_VALUE, NOTE_LIMIT, ReferenceValue, Target, TargetValue
from targets.numbers import NumberFormatError, parse_number
from targets.plausibility import describe
from targets.recording import changes, lock_targets, record_value
from targets.status import current_year, indicator_groups

REQUIRED = ["target_code", "year", "value"]
OPTIONAL = ["as_of", "note", "reference"]
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# An .xlsx is a zip: 5 MB of it can unpack to gigabytes of XML and millions of rows (one 190 KB file used to kill a
# gunicorn worker; a 65 KB one of 1,1 million one-letter shared strings held one for 18,7 s). It is checked as a
# stream (binhson_plan.workbooks) before pandas reads it: its unpacked sizes, the XML elements it holds (what parsing
# costs), its shared strings, rows and filled columns, and no DTD, within settings.WORKBOOK_UPLOAD_SECONDS. The caps
# let the largest file of values there can be through: MAX_ROWS rows of six columns, each value a string of its own,
# about 300 000 elements, which pandas reads in 2 s. A CSV is checked by the csv module (its rows and fields), its
# separator counted in its header (never sniffed: csv.Sniffer is quadratic) and read by pandas' C engine.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_COLUMNS = 50
LIMITS = Limits(
    unpacked_bytes=MAX_UNPACKED_BYTES,
    text_member_bytes=16 * 1024 * 1024,  # the shared strings, and each sheet
    other_member_bytes=256 * 1024,  # styles, theme, workbook, relations: 11 KB in a real file
    members=200,
    elements=400_000,
    attributes=1_000_000,  # the largest file of values, as Excel writes it (r, s, t on each cell): 400 000
    structure=5_000,  # besides the rows and the shared strings: styles, merged cells, names… (real: 590)
    formulas=400_000,  # pandas reads the values Excel stored, not the formulas
    shared_strings=50_000,
    rows=MAX_ROWS + 1,  # the header and MAX_ROWS rows of values
    columns=MAX_COLUMNS,
)
HEADER_CHARS = 4096  # the header line of a CSV (real: target_code,year,value,as_of,note,reference)
SEPARATORS = (",", ";", "\t")  # in this order when as many
NAME_IN_SOURCE = 120  # characters of the file name kept in a value's source (a 255-character column)


class ValueImportError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


class FileRefused(ValueImportError):
    """The file itself is refused before its rows are read (its size, its kind, what reading it would cost): the
    page says so next to the file field."""


@dataclass
class ImportResult:
    recorded: int = 0
    unchanged: int = 0
    references: int = 0
    estimates: int = 0  # recorded as estimates: values of a year not ended yet


@dataclass
class Row:
    number: int
    target: Target
    year: int
    value: Decimal | None
    as_of: datetime.date | None
    note: str
    reference: Decimal | None


def read_table(fileobj, name: str) -> pd.DataFrame:
    data = fileobj.read(MAX_BYTES + 1)
    named = f"Tệp “{short_name(name)}”"
    if len(data) > MAX_BYTES:
        size = getattr(fileobj, "size", None) or len(data)  # what was read stops one byte past the limit
        raise FileRefused([f"{named} {too_large(size, MAX_BYTES)}."])
    if not data.strip():
        raise FileRefused([f"{named} rỗng."])
    budget = Budget()
    try:
        if data[:4] == b"PK\x03\x04":
            check_archive(data, LIMITS, budget)
            return pd.read_excel(workbooks.budgeted(data, budget), dtype=str, keep_default_na=False)
        if b"\x00" in data[:4096]:
            raise ValueError("binary")
        for encoding in ("utf-8-sig", "cp1258"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        separator = check_csv(text, named, budget)
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=separator, engine="c")
    except WorkbookRefused as refused:
        raise FileRefused([_refusal(refused, named)]) from None
    except FileRefused:
        raise
    except Exception:
        raise FileRefused(
            [f"Không đọc được tệp “{short_name(name)}”: cần tệp CSV (UTF-8) hoặc Excel (.xlsx)."]
        ) from None


def short_name(name: str, limit: int = NAME_IN_SOURCE) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def check_csv(text: str, named: str, budget: Budget) -> str:
    """Refuse a CSV of more than MAX_ROWS rows or a row of more than MAX_COLUMNS fields, read by the csv module as
    pandas will read it: a 1 MB row of 500 000 fields held pandas for 45 s. Returns the separator, for pandas' C
    engine. Raises csv.Error for what pandas could not read either."""
    if text.count("\n") > MAX_ROWS + 1:
        raise FileRefused([f"{named} có hơn {MAX_ROWS} dòng."])
    separator = csv_separator(text, named)
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=separator), start=1):
        if number > MAX_ROWS + 1:
            raise FileRefused([f"{named} có hơn {MAX_ROWS} dòng."])
        if len(row) > MAX_COLUMNS:
            raise FileRefused([f"{named} có hơn {MAX_COLUMNS} cột."])
        if not number % 1000:
            budget.check()
    return separator


def csv_separator(text: str, named: str) -> str:
    """The separator of the header line: the most frequent of comma, semicolon and tab in it (a comma when none is).
    Never csv.Sniffer, nor pandas' python engine which sniffs with it: its quote pattern is quadratic, and one line
    of 120 KB (',"a' repeated) held a worker 30 s. The header is a few dozen characters; a longer one is refused."""
    header = text[: HEADER_CHARS + 1].split("\n", 1)[0].removesuffix("\r")
    if len(header) > HEADER_CHARS:
        raise FileRefused([f"{named} có dòng tiêu đề dài hơn {vn_number(HEADER_CHARS)} ký tự."])
    return max(SEPARATORS, key=header.count)


TOO_COMPLEX = (
    "quá phức tạp để xử lý: có quá nhiều ô, chuỗi chữ hay định dạng. Hãy chép riêng bảng số liệu (các cột "
    "target_code, year, value…) sang một tệp mới, lưu lại rồi tải lên"
)


def _refusal(refused: WorkbookRefused, named: str) -> str:
    """The reason binhson_plan.workbooks gave, for the import page."""
    if refused.reason == workbooks.TIME:
        return f"{named} {TOO_COMPLEX} (đọc quá {refused.limit:g} giây)."
    return {
        workbooks.UNPACKED: f"{named} quá lớn khi giải nén (tối đa {MAX_ROWS} dòng).",
        workbooks.ELEMENTS: f"{named} {TOO_COMPLEX} (hơn {vn_number(LIMITS.elements)} phần tử XML).",
        workbooks.SHARED_STRINGS: f"{named} {TOO_COMPLEX} (hơn {vn_number(LIMITS.shared_strings)} chuỗi chữ).",
        workbooks.ROWS: f"{named} có hơn {MAX_ROWS} dòng.",
        workbooks.COLUMNS: f"{named} có hơn {MAX_COLUMNS} cột.",
        workbooks.STRUCTURE: f"{named} {TOO_COMPLEX} (định dạng, thuộc tính hay cấu trúc XML vượt mức cho phép).",
        workbooks.FORMULAS: f"{named} {TOO_COMPLEX} (có công thức quá dài).",
    }.get(refused.reason, f"{named} bị hỏng hoặc không phải tệp Excel (.xlsx) đọc được.")


def parse_rows(plan, frame: pd.DataFrame) -> list[Row]:
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ValueImportError([f"Thiếu cột: {', '.join(missing)} (cần các cột {', '.join(REQUIRED + OPTIONAL)})."])
    if len(frame) > MAX_ROWS:
        raise ValueImportError([f"Tệp có {len(frame)} dòng, quá {MAX_ROWS} dòng."])
    targets = {t.code: t for t in plan.targets.filter(is_active=True)}
    by_id = {t.pk: t for t in targets.values()}
    groups = indicator_groups(list(targets.values()))
    heads = {t.code: by_id[groups[t.pk][0]] for t in targets.values()}
    relative = {
        t.code for t in targets.values() if any(by_id[m].kind == "relative" for m in groups[t.pk] if m in by_id)
    }
    first, last = plan.period_start - 10, current_year(plan)  # earlier history, never a year still to come
    errors, rows, seen = [], [], {}
    for index, record in enumerate(frame.to_dict("records"), start=2):
        row_errors = []

        def fail(column, reason):
            row_errors.append(f"Dòng {index}, cột {column}: {reason}")  # noqa: B023

        code = str(record.get("target_code", "")).strip()
        target = targets.get(code)
        if not code:
            fail("target_code", "chưa có mã chỉ tiêu.")
        elif target is None:
            fail("target_code", f"không có chỉ tiêu mã “{code}” trong kế hoạch.")
        elif target.is_qualitative:
            fail("target_code", f"chỉ tiêu {code} là chỉ tiêu định tính, không nhập số.")
        elif heads[code] != target and str(record.get("value", "")).strip():
            fail(
                "target_code",
                f"chỉ tiêu {code} dùng chung số liệu với chỉ tiêu {heads[code].code}: ghi giá trị vào mã đó.",
            )
        year = _year(record.get("year", ""), first, last, fail)
        has_reference = bool(str(record.get("reference", "")).strip())
        unit = target.input_unit if target else None
        value = _number(record.get("value", ""), "value", fail, required=not has_reference, unit=unit)
        if target and value is not None and not target.is_qualitative:
            problem = target.value_error(value)
            if problem:
                fail("value", problem)
        as_of = _date(record.get("as_of", ""), fail)
        first_day, last_day = as_of_window(year) if year else (None, None)  # the one rule (targets.as_of)
        if as_of and year and not first_day <= as_of <= last_day:
            fail(
                "as_of",
                f"ngày tính số liệu phải trong năm {year} (từ {first_day:%d/%m/%Y} đến {last_day:%d/%m/%Y}), năm của "
                "số liệu.",
            )
        elif (
            as_of and as_of > timezone.localdate()
        ):  # an import records figures, never estimates (the thirteenth probe)
            later = f"ngày tính số liệu {as_of:%d/%m/%Y} chưa đến"
            fail("as_of", f"{later}: tệp này nhập số liệu đã có, số ước tính nhập trên báo cáo.")
        reference = _number(record.get("reference", ""), "reference", fail, required=False)
        if reference is not None and target and code not in relative:
            fail("reference", f"chỉ tiêu {code} không so với chuỗi tham chiếu.")
        if reference is not None and reference <= 0:
            fail("reference", "giá trị tham chiếu phải lớn hơn 0.")
        if target and year and (code, year) in seen:
            fail("year", f"trùng với dòng {seen[(code, year)]} (cùng chỉ tiêu, cùng năm).")
        note = typed(str(record.get("note", ""))).strip()
        note = note if visible(note) else ""  # invisible characters alone explain nothing (the tenth probe)
        if len(note) > NOTE_LIMIT:  # said, not cut without a word (the eleventh probe: it was said too late)
            fail("note", f"ghi chú dài {vn_number(len(note))} ký tự, tối đa {vn_number(NOTE_LIMIT)}.")
        if row_errors:
            errors.extend(row_errors)
            continue
        seen[(code, year)] = index
        rows.append(Row(index, target, year, value, as_of, note, reference))
    errors += _jumps_without_a_note(rows)
    if errors:
        raise ValueImportError(errors)
    if not rows:
        raise ValueImportError(["Tệp không có dòng số liệu nào."])
    return rows


def _jumps_without_a_note(rows: list[Row]) -> list[str]:
    """A value far from what its series makes plausible (targets.plausibility) is imported only with a note.
    Each row is checked against the series as it will be: the recorded values with the file's rows over them."""
    series = {}
    stored = TargetValue.objects.current().filter(target__in={row.target for row in rows if row.value is not None})
    for target_id, year, value in stored.values_list("target_id", "year", "value"):
        series.setdefault(target_id, {})[year] = value
    for row in rows:
        if row.value is not None:
            series.setdefault(row.target.pk, {})[row.year] = row.value
    errors = []
    for row in rows:
        reasons = row.target.jump_reasons(series.get(row.target.pk, {}), row.year, row.value)
        if reasons and not row.note:
            errors.append(f"Dòng {row.number}, cột value: {describe(reasons)} Cần ghi giải thích ở cột note.")
    return errors


def _year(text, first, last, fail):
    text = str(text).strip().removesuffix(".0")
    if not (text.isascii() and text.isdigit()) or not first <= int(text) <= last:
        fail("year", f"năm “{text}” không hợp lệ (từ {first} đến {last}).")
        return None
    return int(text)


def _number(text, column, fail, required, unit=None):
    text = str(text).strip()
    if not text:
        if required:
            fail(column, "chưa có giá trị.")
        return None
    try:
        number = parse_number(text, unit=unit)
    except NumberFormatError as exc:
        fail(column, str(exc))
        return None
    if abs(number) >= MAX_VALUE:  # a value and a reference alike: the column would refuse it with an error
        fail(column, "số quá lớn (phải nhỏ hơn 1.000.000.000.000.000).")
        return None
    return number


def _date(text, fail):
    """The portal's one rule for dates (binhson_plan.dates); a spreadsheet's date cell arrives as ISO text."""
    text = str(text).strip()
    if not text:
        return None
    try:
        return parse_day(text, iso=True)
    except DateError as exc:
        fail("as_of", str(exc))
        return None


def import_values(plan, fileobj, name: str, by=None) -> ImportResult:
    """Validate the whole file, then record every value in one transaction."""
    rows = parse_rows(plan, read_table(fileobj, name))
    source = f"Nhập từ tệp {short_name(name)}"
    result = ImportResult()
    today = timezone.localdate()
    errors = []
    with transaction.atomic():
        lock_targets(row.target.pk for row in rows if row.value is not None)
        for row in rows:
            if row.value is not None:
                # as the report form (targets.as_of): no date is the day typed while the year runs, else its last day,
                # never a day to come; and a value of a year not ended yet is an estimate (the fifteenth probe)
                estimate = must_be_estimate(row.year, today)
                as_of = row.as_of or default_as_of(row.year, today)
                approved = _approved_figure(row, as_of, estimate)
                if approved:
                    errors.append(approved)
                    continue
                version = record_value(
                    row.target, row.year, row.value, by=by, as_of=as_of, is_estimate=estimate, source=source,
                    note=row.note,
                )  # fmt: skip
                result.estimates += bool(version and estimate)
                result.recorded += version is not None
                result.unchanged += version is None
            if row.reference is not None:
                ReferenceValue.objects.update_or_create(
                    target=row.target,
                    year=row.year,
                    defaults={"value": row.reference, "source": source, "recorded_by": by},
                )
                result.references += 1
        if errors:
            raise ValueImportError(errors)  # all or nothing: the transaction is rolled back
    return result


def _approved_figure(row, as_of, estimate) -> str:
    """Why the row may not replace a figure recorded from an approved report, or "": the correction page asks a
    reason for that change, so the import does not make it without one (issue 17)."""
    current = (
        TargetValue.objects.current()
        .filter(target=row.target, year=row.year, source_report__isnull=False)
        .select_related("source_report__agency")
        .first()
    )
    if current is None or not changes(current, row.value, as_of, estimate, row.note):
        return ""
    return (
        f"Dòng {row.number}, cột value: năm {row.year} của chỉ tiêu {row.target.code} đã có số liệu từ báo cáo đã "
        f"duyệt của {current.source_report.agency.short_name}: dùng “Đính chính” để sửa, kèm lý do."
    )
