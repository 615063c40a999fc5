"""Cardinal numbers and quantities as the press writes them.

Covers digits ("1,200", "1.5 million"), number words ("twenty-eight", "twenty eight",
"one hundred and five", "two thousand"), vague plurals, qualifiers ("at least",
"more than", "nearly", ...) and ranges ("between 3 and 5", "3 to 5", "3-5",
"14- to 18,000").

Conventions for vague amounts (ACLED codebook, "Fatalities"): "dozens" -> 12,
"a dozen" -> 12, "scores" -> 20, "hundreds" -> 100, "thousands" -> 1000, each with
qualifier "vague" so a caller can tell a stated count from a conventional floor.
"several", "many", "a few", "a number of", "numerous" carry no number at all: ACLED
records 10 for them, but this project never invents a count, so they parse to None
(`VAGUE_PATTERN` lets other grammars recognise them as a count-less quantity).

A range keeps both ends in `low`/`high`; its `value` is the low end, the conservative
reading UCDP and GTD use for a "best" figure when sources disagree. A qualifier
never changes the value: "more than 100" is 100 with qualifier "more than".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CARDINAL_PATTERN",
    "NUMBER_PATTERN",
    "QUALIFIER_PATTERN",
    "QUANTITY_PATTERN",
    "VAGUE_PATTERN",
    "Quantity",
    "parse_number",
    "parse_quantity",
]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}

# Vague plurals with their conventional floor (see module docstring).
_VAGUE_VALUES = {
    "a dozen": 12, "dozen": 12, "half a dozen": 6, "dozens": 12, "scores": 20,
    "hundreds": 100, "thousands": 1000, "tens of thousands": 10_000,
    "hundreds of thousands": 100_000,
}

_UNIT_ALT = "|".join(sorted(_UNITS, key=len, reverse=True))
_DIGIT_UNIT_ALT = "one|two|three|four|five|six|seven|eight|nine"
_TENS_ALT = "|".join(sorted(_TENS, key=len, reverse=True))
# "ten" must not match the start of "tens of thousands" nor "five" of "five-pronged":
# every word number ends at a word boundary not followed by a hyphenated word.
_END = r"(?![\w])(?!-[A-Za-z])"
_SMALL = rf"(?:(?:{_TENS_ALT})(?:(?:-|\s+)(?:{_DIGIT_UNIT_ALT})(?![\w]))?|(?:{_UNIT_ALT}))"
_HUNDREDS = rf"(?:(?:a|one|{_SMALL})\s+hundred(?:\s+(?:and\s+)?{_SMALL}{_END})?|{_SMALL}{_END})"
_WORDNUM = (
    rf"(?:(?:{_HUNDREDS}|a)\s+(?:thousand|million|billion)"
    rf"(?:,?\s+(?:and\s+)?{_HUNDREDS})?{_END}|{_HUNDREDS})"
)
# Digits: grouped thousands, plain, or decimal with a scale word ("1.5 million").
_DIGITS = (
    r"(?:(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s+(?:thousand|million|billion)\b)?(?![\d]|,\d{3}|\.\d)(?!-[A-Za-z]))"
)

CARDINAL_PATTERN = rf"(?:{_DIGITS}|\b{_WORDNUM})"
_VAGUE_NUM = (
    r"(?:\b(?:half\s+a\s+dozen|a\s+dozen|tens\s+of\s+thousands|hundreds\s+of\s+thousands"
    r"|dozens|scores|hundreds|thousands)\b)"
)
# One cardinal expression, precise or conventional; non-capturing, embeddable.
NUMBER_PATTERN = rf"(?:{_VAGUE_NUM}|{CARDINAL_PATTERN})"
# Count-less quantity words: a count was stated to exist but not given.
VAGUE_PATTERN = (
    r"(?:\b(?:several|many|numerous|a\s+few|a\s+number\s+of|a\s+handful\s+of|multiple)\b)"
)

_QUALIFIERS = {
    "at least": "at least", "no fewer than": "at least", "no less than": "at least",
    "not less than": "at least", "a minimum of": "at least",
    "more than": "more than", "over": "more than", "upwards of": "more than",
    "in excess of": "more than",
    "nearly": "nearly", "almost": "nearly", "close to": "nearly",
    "about": "about", "around": "about", "approximately": "about", "roughly": "about",
    "some": "about", "an estimated": "about", "estimated": "about", "approx.": "about",
    "up to": "up to", "as many as": "up to", "at most": "up to", "a maximum of": "up to",
    "fewer than": "less than", "less than": "less than", "under": "less than",
}
QUALIFIER_PATTERN = (
    r"(?:\b(?:" + "|".join(
        re.escape(q).replace(r"\ ", r"\s+") for q in sorted(_QUALIFIERS, key=len, reverse=True)
    ) + r")(?!\w))"
)
_RANGE = (
    rf"(?:\bbetween\s+{CARDINAL_PATTERN}\s+and\s+{CARDINAL_PATTERN}"
    rf"|{CARDINAL_PATTERN}-?(?:\s*[-–—]\s*|\s+(?:to|or)\s+){CARDINAL_PATTERN})"
)
# A full quantity: optional qualifier, then a range or a single number.
QUANTITY_PATTERN = rf"(?:(?:{QUALIFIER_PATTERN}\s+)?(?:{_RANGE}|{NUMBER_PATTERN}))"

_QUANTITY_RE = re.compile(
    rf"(?P<qual>{QUALIFIER_PATTERN}\s+)?(?:(?P<range>{_RANGE})|(?P<num>{NUMBER_PATTERN}))",
    re.IGNORECASE,
)
_RANGE_RE = re.compile(
    rf"(?:between\s+)?(?P<lo>{CARDINAL_PATTERN})(?P<hy>-?)(?:\s*[-–—]\s*|\s+(?:to|or|and)\s+)"
    rf"(?P<hi>{CARDINAL_PATTERN})",
    re.IGNORECASE,
)
_SCALED_RE = re.compile(r"thousand|million|billion|,\d{3}", re.IGNORECASE)
_WORD_SPLIT = re.compile(r"[\s,-]+")
_DIGIT_RE = re.compile(
    r"(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+(?P<scale>thousand|million|billion))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    value: int
    low: int | None
    high: int | None
    qualifier: str | None


def _words_to_int(text: str) -> int | None:
    total = 0
    current = 0
    seen = False
    for tok in _WORD_SPLIT.split(text.lower()):
        if not tok or tok == "and":
            continue
        if tok in _UNITS:
            current += _UNITS[tok]
        elif tok in _TENS:
            current += _TENS[tok]
        elif tok == "a":
            current += 1
        elif tok == "hundred":
            current = max(current, 1) * 100
        elif tok in _SCALES:
            total += max(current, 1) * _SCALES[tok]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _cardinal_value(text: str) -> int | None:
    text = text.strip()
    m = _DIGIT_RE.fullmatch(text)
    if m:
        n = float(m.group("n").replace(",", ""))
        if m.group("scale"):
            n *= _SCALES[m.group("scale").lower()]
        return int(round(n))
    return _words_to_int(text)


def _number_value(text: str) -> int | None:
    key = " ".join(text.lower().split())
    if key in _VAGUE_VALUES:
        return _VAGUE_VALUES[key]
    return _cardinal_value(text)


def _range_values(text: str) -> tuple[int, int] | None:
    m = _RANGE_RE.fullmatch(text.strip())
    if not m:
        return None
    lo = _cardinal_value(m.group("lo"))
    hi = _cardinal_value(m.group("hi"))
    if lo is None or hi is None:
        return None
    # "14- to 18,000" and "two to three thousand": the scale written once applies to
    # both ends; lift the low end by the largest power of 1000 that keeps it <= high.
    if lo < hi and (m.group("hy") or _SCALED_RE.search(m.group("hi"))):
        scale = 1
        while lo * scale * 1000 <= hi and scale < 1_000_000_000:
            scale *= 1000
        if scale > 1 and lo * scale <= hi:
            lo *= scale
    if lo > hi:
        return None
    return lo, hi


def parse_quantity(text: str) -> Quantity | None:
    """Parse a whole quantity expression ("at least 3", "between 3 and 5", "dozens").

    Returns None when `text` is not exactly one quantity, or is count-less ("several").
    """
    m = _QUANTITY_RE.fullmatch(text.strip())
    if not m:
        return None
    qual = None
    if m.group("qual"):
        qual = _QUALIFIERS.get(" ".join(m.group("qual").lower().split()))
    if m.group("range"):
        r = _range_values(m.group("range"))
        if r is None:
            return None
        return Quantity(value=r[0], low=r[0], high=r[1], qualifier=qual)
    num = m.group("num")
    value = _number_value(num)
    if value is None:
        return None
    if qual is None and " ".join(num.lower().split()) in _VAGUE_VALUES:
        qual = "vague"
    return Quantity(value=value, low=None, high=None, qualifier=qual)


def parse_number(text: str) -> int | None:
    """The integer a quantity expression states (the low end of a range), or None."""
    q = parse_quantity(text)
    return None if q is None else q.value
