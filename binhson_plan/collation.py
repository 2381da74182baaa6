"""Vietnamese alphabetical order, the same on PostgreSQL (ICU's `vi-x-icu` collation) and SQLite (a Python key).

Byte order puts "Phòng Y tế" before "Phòng giao dịch NHCSXH" (capitals first) and "Ủy ban…" after "Văn phòng
huyện" (Ủ is a code point past V). Vietnamese order compares the letters first (a ă â b c d đ e ê … u ư v x y,
capitals and tones aside), then the tones (none, huyền, hỏi, ngã, sắc, nặng), then small before capital
letters; spaces and punctuation come before digits, digits before letters. `sort_key` follows ICU's rules
for that (checked against PostgreSQL in tests/test_vietnamese_order.py); on SQLite it is registered as a
collation under the same name, so `vietnamese("name")` orders a queryset alike on both databases.
"""

import functools
import unicodedata

from django.db.models.functions import Collate

VIETNAMESE = "vi-x-icu"
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Letters with a modifier that makes them letters of their own (not tones): base + combining mark.
MODIFIED = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê", ("o", "\u0302"): "ô",
            ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}  # fmt: skip
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng
# ICU's root order of the punctuation and symbols names may hold; any other comes after these.
PUNCTUATION = "_-‐‑‒–—,;:!?.…'‘’\"“”«»()[]{}§¶@*/\\&#%‰†‡•`´˜^¨+±÷×<=>¬|¦~¤¢$£¥€"
SPACE, MARK, DIGIT, LETTER, OTHER = range(5)


def vietnamese(field: str) -> Collate:
    """An expression that orders `field` in Vietnamese alphabetical order: `.order_by(vietnamese("name"))`."""
    return Collate(field, VIETNAMESE)


@functools.lru_cache(maxsize=4096)
def sort_key(text: str) -> tuple:
    """A key for `sorted()` that orders text as ICU's Vietnamese collation does."""
    primary, secondary, tertiary = [], [], []
    for letter, marks in _letters(unicodedata.normalize("NFD", text or "")):
        lower = letter.lower()
        for mark in [m for m in marks if (lower, m) in MODIFIED][:1]:
            lower, marks = MODIFIED[(lower, mark)], [m for m in marks if m != mark]
        if lower in ALPHABET:
            primary.append((LETTER, ALPHABET.index(lower)))
        elif letter.isspace():
            primary.append((SPACE, 0))
        elif letter in PUNCTUATION:
            primary.append((MARK, PUNCTUATION.index(letter)))
        elif letter.isdigit():
            primary.append((DIGIT, unicodedata.digit(letter, 0)))
        elif unicodedata.category(letter)[0] in "PS":
            primary.append((MARK, len(PUNCTUATION) + ord(letter)))
        else:
            primary.append((OTHER, ord(lower)))
        secondary.append(tuple(TONES.get(mark, 6 + ord(mark)) for mark in marks))
        tertiary.append(letter.isupper())
    return tuple(primary), tuple(secondary), tuple(tertiary), text


def _letters(decomposed: str):
    """Each base character with the combining marks that follow it."""
    base, marks = None, []
    for char in decomposed:
        if unicodedata.combining(char) and base is not None:
            marks.append(char)
            continue
        if base is not None:
            yield base, marks
        base, marks = char, []
    if base is not None:
        yield base, marks


def compare(left: str, right: str) -> int:
    """The SQLite collation: -1, 0 or 1 as `left` sorts before, with or after `right`."""
    a, b = sort_key(left), sort_key(right)
    return (a > b) - (a < b)


def register_on_sqlite(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: SQLite learns the collation PostgreSQL has from ICU."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(VIETNAMESE, compare)
