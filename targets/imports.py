"""Importing past values (the 2020 baseline, 2021–2024) from a CSV or XLSX file, all or nothing.

Columns: target_code, year, value; optional as_of, note, and reference (the reference series'
value that year, for targets relative to one). Every bad row is reported with its row number,
column and reason, and nothing is written unless every row is right. A value that jumps
(targets.plausibility) is a bad row unless its note explains it.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from xml.etree import ElementTree

import pandas as pd
from django.db import transaction

from binhson_plan.dates import DateError, parse_day
from targets.models import ReferenceValue, Target, TargetValue
from targets.numbers import NumberFormatError, parse_number
from targets.plausibility import describe
from targets.recording import record_value
from targets.status import indicator_groups

REQUIRED = ["target_code", "year", "value"]
OPTIONAL = ["as_of", "note", "reference"]
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# An .xlsx is a zip: 5 MB of it can unpack to gigabytes of XML and millions of rows (one 190 KB file
# used to kill a gunicorn worker). Its declared unpacked size (zipfile refuses a member that unpacks
# to more than it declares) and its rows are checked, streaming, before pandas reads it.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_COLUMNS = 50
NAME_IN_SOURCE = 120  # characters of the file name kept in a value's source (a 255-character column)


class ValueImportError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ImportResult:
    recorded: int = 0
    unchanged: int = 0
    references: int = 0


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
    if len(data) > MAX_BYTES:
        raise ValueImportError([f"Tệp “{short_name(name)}” lớn hơn 5 MB."])
    if not data.strip():
        raise ValueImportError([f"Tệp “{short_name(name)}” rỗng."])
    try:
        if data[:4] == b"PK\x03\x04":
            check_workbook_size(data, name)
            return pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False)
        if b"\x00" in data[:4096]:
            raise ValueError("binary")
        for encoding in ("utf-8-sig", "cp1258"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        if text.count("\n") > MAX_ROWS + 1:
            raise ValueImportError([f"Tệp “{short_name(name)}” có hơn {MAX_ROWS} dòng."])
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python")
    except ValueImportError:
        raise
    except Exception:
        raise ValueImportError(
            [f"Không đọc được tệp “{short_name(name)}”: cần tệp CSV (UTF-8) hoặc Excel (.xlsx)."]
        ) from None


def short_name(name: str, limit: int = NAME_IN_SOURCE) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def check_workbook_size(data: bytes, name: str) -> None:
    """Refuse a workbook that unpacks too large, or a sheet with too many rows or filled columns. The
    sheets are read as a stream of XML rows, stopping at the first past the limit: openpyxl itself would
    first scan a whole sheet that does not state its size, and pandas would load it all."""
    named = f"Tệp “{short_name(name)}”"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(member.file_size for member in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise ValueImportError([f"{named} quá lớn khi giải nén (tối đa {MAX_ROWS} dòng)."])
        for sheet in (n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")):
            with archive.open(sheet) as source:
                rows = 0
                for _event, element in ElementTree.iterparse(source):
                    if element.tag.rsplit("}", 1)[-1] != "row":
                        continue
                    rows += 1
                    if rows > MAX_ROWS + 1:  # the header and MAX_ROWS rows of values
                        raise ValueImportError([f"{named} có hơn {MAX_ROWS} dòng."])
                    if sum(1 for cell in element if len(cell)) > MAX_COLUMNS:  # cells holding a value
                        raise ValueImportError([f"{named} có hơn {MAX_COLUMNS} cột."])
                    element.clear()


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
    first, last = plan.period_start - 10, plan.vision_year or plan.period_end
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
        reference = _number(record.get("reference", ""), "reference", fail, required=False)
        if reference is not None and target and code not in relative:
            fail("reference", f"chỉ tiêu {code} không so với chuỗi tham chiếu.")
        if reference is not None and reference <= 0:
            fail("reference", "giá trị tham chiếu phải lớn hơn 0.")
        if target and year and (code, year) in seen:
            fail("year", f"trùng với dòng {seen[(code, year)]} (cùng chỉ tiêu, cùng năm).")
        if row_errors:
            errors.extend(row_errors)
            continue
        seen[(code, year)] = index
        note = str(record.get("note", "")).strip()[:2000]
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
        return parse_number(text, unit=unit)
    except NumberFormatError as exc:
        fail(column, str(exc))
        return None


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
    with transaction.atomic():
        for row in rows:
            if row.value is not None:
                version = record_value(
                    row.target, row.year, row.value, by=by, as_of=row.as_of, source=source, note=row.note
                )
                result.recorded += version is not None
                result.unchanged += version is None
            if row.reference is not None:
                ReferenceValue.objects.update_or_create(
                    target=row.target,
                    year=row.year,
                    defaults={"value": row.reference, "source": source, "recorded_by": by},
                )
                result.references += 1
    return result
