"""The cardinal / quantity grammar: digits, words, vague plurals, qualifiers, ranges."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.numbers import (
    NUMBER_PATTERN,
    QUANTITY_PATTERN,
    Quantity,
    parse_number,
    parse_quantity,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7", 7),
        ("1,200", 1200),
        ("40,000", 40000),
        ("1.5 million", 1_500_000),
        ("3 thousand", 3000),
        ("ten", 10),
        ("Ten", 10),
        ("eleven", 11),
        ("seventeen", 17),
        ("twenty-eight", 28),
        ("twenty eight", 28),
        ("ninety-nine", 99),
        ("a hundred", 100),
        ("one hundred and five", 105),
        ("two hundred thirty", 230),
        ("two thousand five hundred", 2500),
        ("a thousand", 1000),
        ("one", 1),
        ("zero", 0),
    ],
)
def test_cardinals(text, value):
    assert parse_number(text) == value
    assert parse_quantity(text) == Quantity(value=value, low=None, high=None, qualifier=None)


@pytest.mark.parametrize(
    ("text", "value"),
    [("a dozen", 12), ("half a dozen", 6), ("dozens", 12), ("scores", 20), ("hundreds", 100),
     ("thousands", 1000), ("tens of thousands", 10_000)],
)
def test_vague_plurals_use_the_acled_floor_and_say_so(text, value):
    q = parse_quantity(text)
    assert q is not None and q.value == value and q.qualifier == "vague"


@pytest.mark.parametrize("text", ["several", "many", "a few", "a number of", "numerous", "some"])
def test_countless_quantities_have_no_number(text):
    assert parse_quantity(text) is None
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("at least 3", 3, "at least"),
        ("At least ten", 10, "at least"),
        ("no fewer than 4", 4, "at least"),
        ("more than 100", 100, "more than"),
        ("over 40", 40, "more than"),
        ("upwards of 30", 30, "more than"),
        ("nearly 20", 20, "nearly"),
        ("almost 50", 50, "nearly"),
        ("about 5", 5, "about"),
        ("around 7", 7, "about"),
        ("approximately 12", 12, "about"),
        ("some 40", 40, "about"),
        ("an estimated 40,000", 40000, "about"),
        ("up to 9", 9, "up to"),
        ("as many as 60", 60, "up to"),
        ("fewer than 10", 10, "less than"),
    ],
)
def test_qualifiers_keep_the_stated_number(text, value, qualifier):
    q = parse_quantity(text)
    assert q == Quantity(value=value, low=None, high=None, qualifier=qualifier)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("between 3 and 5", 3, 5),
        ("3 to 5", 3, 5),
        ("3-5", 3, 5),
        ("3–5", 3, 5),
        ("two or three", 2, 3),
        ("two to three thousand", 2000, 3000),
        ("14- to 18,000", 14000, 18000),
        ("between 150 and 200", 150, 200),
    ],
)
def test_ranges_take_the_low_end_as_value(text, low, high):
    q = parse_quantity(text)
    assert q == Quantity(value=low, low=low, high=high, qualifier=None)


def test_qualified_range():
    assert parse_quantity("up to 15-20") == Quantity(15, 15, 20, "up to")


@pytest.mark.parametrize(
    "text",
    ["", "five-pronged", "33-minute", "soldiers", "5-3", "ten soldiers", "Brigade 59", "a"],
)
def test_not_a_single_quantity(text):
    assert parse_quantity(text) is None


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("a 33-minute recording", []),
        ("a five-pronged assault", []),
        ("twenty-eight attacks and 1,200 fighters", ["twenty-eight", "1,200"]),
        ("one hundred and five people", ["one hundred and five"]),
        ("dozens of militants", ["dozens"]),
        ("tens of thousands fled", ["tens of thousands"]),
        ("at tenth", []),
    ],
)
def test_number_pattern_embeds(sentence, found):
    rx = re.compile(NUMBER_PATTERN, re.IGNORECASE)
    assert [m.group(0) for m in rx.finditer(sentence)] == found


def test_quantity_pattern_embeds_qualifier_and_range():
    rx = re.compile(rf"(?P<q>{QUANTITY_PATTERN})\s+(?:soldiers|fighters|members)", re.IGNORECASE)
    got = [m.group("q") for m in rx.finditer(
        "at least 3 soldiers, between 4 and 6 fighters and 14- to 18,000 members")]
    assert got == ["at least 3", "between 4 and 6", "14- to 18,000"]
    assert [parse_number(g) for g in got] == [3, 4, 14000]


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=999_999))
def test_digit_roundtrip(n):
    assert parse_number(f"{n:,}") == n
    assert parse_number(str(n)) == n


_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def _words(n: int) -> str:
    if n < 20:
        return _UNITS[n]
    if n < 100:
        t, u = divmod(n, 10)
        return _TENS[t - 2] + (f"-{_UNITS[u]}" if u else "")
    h, rest = divmod(n, 100)
    return f"{_UNITS[h]} hundred" + (f" and {_words(rest)}" if rest else "")


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=999))
def test_word_roundtrip(n):
    assert parse_number(_words(n)) == n


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_never_raises(text):
    q = parse_quantity(text)
    assert q is None or (isinstance(q.value, int) and q.value >= 0)
