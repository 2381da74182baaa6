"""Checking a YAML data file read whole before anything is written (the plan file, targets/plan_file.py; the
reorganisation file, targets/reorganisation_file.py): its text normalised, each mapping's fields checked against a
spec, every problem collected with the file, the entry and the field, in the same words for both files."""

import re
import unicodedata
from decimal import Decimal

from binhson_plan.dates import DateError, parse_day

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

TEXT, INT, NUMBER, DATE, LIST, DICT, BOOL = (
    "văn bản",
    "số nguyên",
    "số",
    "ngày (YYYY-MM-DD)",
    "danh sách",
    "nhóm trường",
    "true hoặc false",
)

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def nfc(value):
    """Normalise every string in a parsed YAML tree to NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, list):
        return [nfc(item) for item in value]
    if isinstance(value, dict):
        return {key: nfc(item) for key, item in value.items()}
    return value


class FieldChecker:
    """Checks the mappings of a parsed file against field specs ({name: (kind, required)}), collecting every
    problem as "file: entry: message"."""

    def __init__(self, file_name: str):
        self.file_name = file_name
        self.errors: list[str] = []

    def error(self, entry: str, message: str) -> None:
        self.errors.append(f"{self.file_name}: {entry}: {message}")

    def items(self, raw: list, name: str, key: str, spec: dict):
        """Each mapping of the list `name`, checked against `spec`: (how messages name it, its values)."""
        for index, item in enumerate(raw, start=1):
            entry = f"{name}, mục {index}" + (f" ({item.get(key)})" if isinstance(item, dict) else "")
            yield entry, self.fields(item, spec, entry)

    def fields(self, raw, spec: dict, entry: str) -> dict:
        """Check one mapping against its field spec; return the cleaned values."""
        if not isinstance(raw, dict):
            self.error(entry, f"phải là một {DICT}, nhận được {type(raw).__name__}.")
            return {}
        for key in raw:
            if key not in spec:
                self.error(entry, f"trường lạ “{key}” (các trường hợp lệ: {', '.join(spec)}).")
        cleaned = {}
        for key, (kind, required) in spec.items():
            value = raw.get(key)
            if value is None or value == "":
                if required:
                    self.error(entry, f"thiếu trường “{key}”.")
                continue
            try:
                converted = self.convert(value, kind)
            except DateError as exc:
                self.error(entry, f"trường “{key}”: {exc}")
                continue
            if converted is None:
                self.error(entry, f"trường “{key}” phải là {kind}, nhận được “{value}”.")
            else:
                cleaned[key] = converted
        return cleaned

    @staticmethod
    def convert(value, kind):
        if kind == TEXT:
            return value if isinstance(value, str) else None
        if kind == INT:
            return value if isinstance(value, int) and not isinstance(value, bool) else None
        if kind == BOOL:
            return value if isinstance(value, bool) else None
        if kind == NUMBER:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            return Decimal(str(value)) if ok else None
        if kind == DATE:  # text (YamlDatesAsText) written YYYY-MM-DD, read by the portal's one rule for dates
            return parse_day(value, iso=True) if isinstance(value, str) and ISO_DAY.fullmatch(value) else None
        if kind == LIST:
            return value if isinstance(value, list) else None
        return value
