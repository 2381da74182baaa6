"""Reading numbers typed the Vietnamese way (4,5 · 1.250.000) or the English way where unambiguous."""

import re
from decimal import Decimal, InvalidOperation

GROUPED_DOTS = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+(,\d+)?$", re.ASCII)  # 1.250.000 or 1.250.000,5
GROUPED_COMMAS = re.compile(r"^[1-9]\d{0,2}(,\d{3})+(\.\d+)?$", re.ASCII)  # 1,250,000 or 1,250,000.5
PLAIN = re.compile(r"^\d+([.,]\d+)?$", re.ASCII)
# Spaces a number may be typed or pasted with: a space groups thousands only in threes (1 234, not 7 2)
SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")


class NumberFormatError(ValueError):
    """The text is not a number, or could be read two ways; the message says which, in Vietnamese."""


def percent_error(text: str, unit: str) -> str:
    """Why a number typed with '%' is refused for a value in `unit`."""
    if not unit:
        return f"“{text}” có dấu %, nhưng giá trị này không tính bằng %: bỏ dấu % rồi nhập số."
    return (
        f"“{text}” có dấu %, nhưng giá trị này tính bằng {unit}, không phải tỷ lệ phần trăm: "
        f"bỏ dấu % rồi nhập số {unit}."
    )


def parse_number(text: str, integer: bool = False, unit: str | None = None) -> Decimal:
    """'4,5' → 4.5; '1.250.000' → 1250000; '4.5' → 4.5; '1,250,000' → 1250000; '1.250' is ambiguous,
    except for a whole number (`integer`, e.g. đồng), where the only reading is 1250. A trailing '%' is
    refused when `unit` is given and is not a percentage (72,5% of a value in years cannot be true)."""
    spaced = SPACES.sub(" ", (text or "").strip())
    for run in re.findall(r"\d+(?: \d+)+", spaced):  # digits grouped by spaces: 1 234 567, never 7 2 nor 12 34
        first, *groups = run.split(" ")
        if len(first) > 3 or any(len(group) != 3 for group in groups):
            example = "1.250.000" if integer else "4,5 hoặc 1.250.000"
            raise NumberFormatError(f"“{text.strip()}” không phải là số. Ví dụ cách viết đúng: {example}.")
    raw = spaced.replace(" ", "")
    if any(char.isdigit() and not "0" <= char <= "9" for char in raw):
        # Python (and Decimal) read ١٢٣ or １２３４ as numbers; a person reading the report would not.
        raise NumberFormatError(f"“{text.strip()}” có chữ số không phải 0–9: gõ lại bằng các phím số thông thường.")
    if raw.endswith("%") and unit is not None and "%" not in unit:
        raise NumberFormatError(percent_error(text.strip(), unit.strip()))
    raw = raw.removesuffix("%")
    sign = -1 if raw.startswith(("-", "−")) else 1
    digits = raw[1:] if raw[:1] in ("+", "-", "−") else raw
    if not digits:
        raise NumberFormatError("Chưa nhập số.")
    if re.fullmatch(r"[1-9]\d{0,2}[.,]\d{3}", digits):
        if integer:
            return sign * Decimal(re.sub("[.,]", "", digits))
        raise NumberFormatError(
            f"“{text.strip()}” có thể hiểu hai cách: nếu là số nguyên, viết {re.sub('[.,]', '', digits)}; "
            f"nếu là số thập phân, viết {re.sub('[.,]', ',', digits).rstrip('0').rstrip(',')}."
        )
    if GROUPED_DOTS.match(digits):
        normal = digits.replace(".", "").replace(",", ".")
    elif GROUPED_COMMAS.match(digits) and digits.count(",") > 1 or re.fullmatch(r"[1-9]\d{0,2}(,\d{3})+\.\d+", digits):
        normal = digits.replace(",", "")
    elif PLAIN.match(digits):
        normal = digits.replace(",", ".")
    else:
        example = "1.250.000" if integer else "4,5 hoặc 1.250.000"  # no decimal example for a whole number (đồng)
        raise NumberFormatError(f"“{text.strip()}” không phải là số. Ví dụ cách viết đúng: {example}.")
    try:
        return sign * Decimal(normal)
    except InvalidOperation:
        raise NumberFormatError(f"“{text.strip()}” không phải là số.") from None
