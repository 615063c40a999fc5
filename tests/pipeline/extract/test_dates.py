"""Date grammar: every expression resolved against the publication date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.dates import DateMention, find_dates, resolve_event_date
from tests.labelled import labelled_rows

D = date


def one(text: str, published: date | None, anchor: date | None = None) -> DateMention:
    found = find_dates(text, published, anchor)
    assert len(found) == 1, found
    m = found[0]
    assert text[m.start:m.end] == m.text
    return m


def resolved(text, published, anchor=None):
    m = one(text, published, anchor)
    return m.date, m.end_date, m.precision, m.tense


FRI = D(2020, 2, 14)  # a Friday
WED = D(2020, 7, 29)  # a Wednesday
SUN_NEW_YEAR = D(2021, 1, 3)  # Sunday of ISO week 53 of 2020


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # weekdays: the latest such day on or before publication
        ("Gunmen attacked the village on Monday.", WED, (D(2020, 7, 27), None, "day", "past")),
        ("flew into Erbil on Wednesday morning", WED, (WED, None, "day", "past")),
        ("In the early hours of Saturday, militants attacked.", D(2020, 5, 3), (D(2020, 5, 2), None, "day", "past")),
        ("on Wednesday night", D(2020, 7, 30), (WED, None, "day", "past")),
        ("the attack on Sunday", SUN_NEW_YEAR, (SUN_NEW_YEAR, None, "day", "past")),
        ("on Monday", SUN_NEW_YEAR, (D(2020, 12, 28), None, "day", "past")),
        ("last Wednesday", WED, (D(2020, 7, 22), None, "day", "past")),
        # future context gives the next such day
        ("He is also expected to meet Mark Esper on Saturday morning.", FRI, (D(2020, 2, 15), None, "day", "future")),
        ("The delegation will arrive on Sunday.", FRI, (D(2020, 2, 16), None, "day", "future")),
        ("The talks are set to resume on Friday.", FRI, (FRI, None, "day", "future")),
        ("next Friday", FRI, (D(2020, 2, 21), None, "day", "future")),
        # day words
        ("yesterday", WED, (D(2020, 7, 28), None, "day", "past")),
        ("today", WED, (WED, None, "day", "past")),
        ("tonight", WED, (WED, None, "day", "past")),
        ("last night", SUN_NEW_YEAR, (D(2021, 1, 2), None, "day", "past")),
        ("tomorrow", D(2020, 12, 31), (D(2021, 1, 1), None, "day", "future")),
        # weeks: Monday of the ISO week, across the year boundary
        ("last week", SUN_NEW_YEAR, (D(2020, 12, 21), None, "week", "past")),
        ("this week", SUN_NEW_YEAR, (D(2020, 12, 28), None, "week", "past")),
        ("earlier this week", WED, (D(2020, 7, 27), None, "week", "past")),
        ("Last week", D(2020, 1, 1), (D(2019, 12, 23), None, "week", "past")),
        ("next week", WED, (D(2020, 8, 3), None, "week", "future")),
        ("a week ago", WED, (D(2020, 7, 20), None, "week", "past")),
        # months
        ("earlier this month", WED, (D(2020, 7, 1), None, "month", "past")),
        ("this month", SUN_NEW_YEAR, (D(2021, 1, 1), None, "month", "past")),
        ("last month", SUN_NEW_YEAR, (D(2020, 12, 1), None, "month", "past")),
        ("late last month", FRI, (D(2020, 1, 1), None, "month", "past")),
        ("early last month", D(2020, 3, 31), (D(2020, 2, 1), None, "month", "past")),
        ("attacked the offices in April", D(2020, 7, 20), (D(2020, 4, 1), None, "month", "past")),
        ("attacked the offices in April", D(2021, 2, 10), (D(2020, 4, 1), None, "month", "past")),
        ("in December", SUN_NEW_YEAR, (D(2020, 12, 1), None, "month", "past")),
        ("in early January", FRI, (D(2020, 1, 1), None, "month", "past")),
        ("in early February", FRI, (D(2020, 2, 1), None, "month", "past")),
        ("December 2017", WED, (D(2017, 12, 1), None, "month", "background")),
        ("December 2019", WED, (D(2019, 12, 1), None, "month", "past")),
        # days of the month
        ("on May 15", WED, (D(2020, 5, 15), None, "day", "past")),
        ("May 15", D(2021, 1, 3), (D(2020, 5, 15), None, "day", "past")),
        ("15 May", WED, (D(2020, 5, 15), None, "day", "past")),
        ("on 5 January 2021", D(2021, 1, 6), (D(2021, 1, 5), None, "day", "past")),
        ("July 20, 2020", WED, (D(2020, 7, 20), None, "day", "past")),
        ("20 July 2020", WED, (D(2020, 7, 20), None, "day", "past")),
        ("the 20th of July", WED, (D(2020, 7, 20), None, "day", "past")),
        ("2020-07-20", WED, (D(2020, 7, 20), None, "day", "past")),
        ("2020/07/20", WED, (D(2020, 7, 20), None, "day", "past")),
        ("in July of 2020", WED, (D(2020, 7, 1), None, "month", "past")),
        ("Monday, July 20", WED, (D(2020, 7, 20), None, "day", "past")),
        ("Thursday 16 July", WED, (D(2020, 7, 16), None, "day", "past")),
        ("On Sunday, May 3, 2020, militants attacked", WED, (D(2020, 5, 3), None, "day", "past")),
        ("The meeting was scheduled to take place on Saturday", WED, (D(2020, 7, 25), None, "day", "past")),
        ("Sept. 3", WED, (D(2019, 9, 3), None, "day", "past")),
        # numeric: a part above 12 decides; else the reading closest before publication
        ("13/05/2020", WED, (D(2020, 5, 13), None, "day", "past")),
        ("05/13/2020", WED, (D(2020, 5, 13), None, "day", "past")),
        ("01/05/2021", D(2021, 5, 3), (D(2021, 5, 1), None, "day", "past")),
        ("01/05/2021", D(2021, 1, 7), (D(2021, 1, 5), None, "day", "past")),
        ("03/14/17:", D(2017, 3, 15), (D(2017, 3, 14), None, "day", "past")),
        # leap days
        ("on February 29", D(2021, 3, 1), (D(2020, 2, 29), None, "day", "background")),
        ("on February 29", D(2020, 3, 1), (D(2020, 2, 29), None, "day", "past")),
        ("on February 29", D(2020, 2, 28), (D(2016, 2, 29), None, "day", "background")),
        ("29 February 2020", WED, (D(2020, 2, 29), None, "day", "past")),
        # ranges
        ("between July 16 and 22", WED, (D(2020, 7, 16), D(2020, 7, 22), "day", "past")),
        ("from 9 to 15 July", WED, (D(2020, 7, 9), D(2020, 7, 15), "day", "past")),
        ("14-16 Feb", FRI, (D(2020, 2, 14), D(2020, 2, 16), "day", "past")),
        ("July 16-22", WED, (D(2020, 7, 16), D(2020, 7, 22), "day", "past")),
        ("2014–16", WED, (D(2014, 1, 1), D(2016, 1, 1), "year", "background")),
        ("from December 30 to January 2", D(2021, 1, 5), (D(2020, 12, 30), D(2021, 1, 2), "day", "past")),
        # years and history
        ("last year", SUN_NEW_YEAR, (D(2020, 1, 1), None, "year", "past")),
        ("earlier this year", WED, (D(2020, 1, 1), None, "year", "past")),
        ("in 2014", WED, (D(2014, 1, 1), None, "year", "background")),
        ("in 2019", FRI, (D(2019, 1, 1), None, "year", "past")),
        ("in late 2017", FRI, (D(2017, 1, 1), None, "year", "background")),
        ("since 2003", WED, (D(2003, 1, 1), None, "year", "background")),
        ("since 2003, the country", WED, (D(2003, 1, 1), None, "year", "background")),
        ("in early 2019", WED, (D(2019, 1, 1), None, "year", "past")),
        ("mid-2014", WED, (D(2014, 1, 1), None, "year", "background")),
        ("in the summer of 2014", WED, (D(2014, 1, 1), None, "year", "background")),
        ("last March", WED, (D(2020, 3, 1), None, "month", "past")),
        ("last July", WED, (D(2019, 7, 1), None, "month", "past")),
        ("next March", WED, (D(2021, 3, 1), None, "month", "future")),
        ("by the end of March", WED, (D(2020, 3, 1), None, "month", "past")),
        ("between 2014 and 2016", WED, (D(2014, 1, 1), D(2016, 1, 1), "year", "background")),
        ("Three years ago", WED, (D(2017, 1, 1), None, "year", "background")),
        ("two days ago", WED, (D(2020, 7, 27), None, "day", "past")),
        ("three months ago", WED, (D(2020, 4, 1), None, "month", "past")),
        # vague
        ("in recent weeks", WED, (None, None, "unknown", "past")),
        ("recently", WED, (None, None, "unknown", "past")),
        ("during the past two months", WED, (None, None, "unknown", "past")),
        ("a few days ago", WED, (None, None, "unknown", "past")),
        # outside [published - 30 years, published + 1 year]
        ("in 1950", WED, (None, None, "unknown", "background")),
    ],
)
def test_resolution(text, published, expected):
    assert resolved(text, published) == expected


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("They announced the end of the first phase a day later.", D(2020, 2, 12), D(2020, 2, 13)),
        ("the next day", D(2020, 2, 29), D(2020, 3, 1)),
        ("the following day", D(2020, 12, 31), D(2021, 1, 1)),
        ("On the same day, militants attacked.", D(2020, 5, 2), D(2020, 5, 2)),
        ("the same day", D(2020, 5, 2), D(2020, 5, 2)),
        ("the day before", D(2021, 1, 1), D(2020, 12, 31)),
        ("two days later", D(2020, 5, 2), D(2020, 5, 4)),
    ],
)
def test_anchor_relative(text, anchor, expected):
    m = one(text, WED, anchor)
    assert (m.date, m.precision, m.kind) == (expected, "day", "anchored")
    m = one(text, WED, None)
    assert (m.date, m.precision) == (None, "unknown")


@pytest.mark.parametrize(
    "text",
    ["On Monday", "last week", "in April", "May 15", "yesterday", "two days ago", "last month",
     "this week", "last year", "15 May"],
)
def test_relative_without_publication_is_unknown(text):
    m = one(text, None)
    assert (m.date, m.precision) == (None, "unknown")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("July 20, 2020", (D(2020, 7, 20), "day")),
        ("in 2014", (D(2014, 1, 1), "year")),
        ("5 January 2021", (D(2021, 1, 5), "day")),
        ("01/05/2021", (D(2021, 1, 5), "day")),  # GTD month/day without a publication date
        ("March 2020", (D(2020, 3, 1), "month")),
    ],
)
def test_absolute_without_publication_still_resolves(text, expected):
    m = one(text, None)
    assert (m.date, m.precision) == expected


@pytest.mark.parametrize(
    "text",
    ["He may go.", "The March for peace.", "a 33-minute recording", "COVID-19", "40,000 fighters",
     "Brigade 59", "29 February 2021", "31 April", "talks on Iraq"],
)
def test_not_dates(text):
    assert [m for m in find_dates(text, WED) if m.date is not None] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # without "between"/"from" or a dash, "and" joins two mentions, not a range
        ("on July 16 and 22 people were killed", [("July 16", D(2020, 7, 16))]),
        ("in 2014 and 2016", [("2014", D(2014, 1, 1)), ("2016", D(2016, 1, 1))]),
        ("in late 2017 and early 2019 respectively",
         [("late 2017", D(2017, 1, 1)), ("early 2019", D(2019, 1, 1))]),
        ("Monday and July 20", [("Monday", D(2020, 7, 27)), ("July 20", D(2020, 7, 20))]),
    ],
)
def test_several_mentions(text, expected):
    assert [(m.text, m.date) for m in find_dates(text, WED)] == expected


def test_reporting_and_title_dates_do_not_govern():
    text = ("ISIS militants attacked a checkpoint on Sunday, killing two soldiers, a security "
            "source told Rudaw on Monday.")
    assert resolve_event_date(text, WED) == (D(2020, 7, 26), "day")
    flags = [(m.text, m.reporting) for m in find_dates(text, WED)]
    assert flags == [("Sunday", False), ("Monday", True)]
    # alone, the speech-act date is still the best the sentence has
    assert resolve_event_date("Faris Issa told Rudaw English on Wednesday.", WED) == (WED, "day")
    text = "It released a video titled “The Battle of 5 May” on July 2."
    found = find_dates(text, WED)
    assert [(m.text, m.in_title) for m in found] == [("5 May", True), ("July 2", False)]
    assert resolve_event_date(text, WED) == (D(2020, 7, 2), "day")


def test_resolve_prefers_most_specific_past_date():
    text = ("Last week, ISIS claimed that its militants had carried out 28 attacks in Iraq "
            "between July 16 and 22 alone.")
    assert resolve_event_date(text, WED) == (D(2020, 7, 16), "day")
    text = ("ISIS, which seized Mosul in 2014, attacked a village in Diyala on Monday, "
            "and will be targeted next week.")
    assert resolve_event_date(text, WED) == (D(2020, 7, 27), "day")
    assert resolve_event_date("He is expected to meet Esper on Saturday morning.", FRI) == (D(2020, 2, 15), "day")
    assert resolve_event_date("ISIS insurgent activities have increased in recent weeks.", WED) == (None, "unknown")
    assert resolve_event_date("No date here.", WED) == (None, "unknown")
    assert resolve_event_date("On Monday, gunmen stormed a village.", None) == (None, "unknown")


@pytest.mark.parametrize("row", labelled_rows())
def test_labelled_incident_dates(row):
    """The event date of each labelled report (its first sentence's anchor unused)."""
    pub = date.fromisoformat(row["published_at"]) if row["published_at"] else None
    d, precision = resolve_event_date(row["text"], pub)
    got = "" if d is None else d.isoformat()[:7] if precision == "month" else d.isoformat()
    assert got == row["event_date"]


_WORDS = [
    " on Monday ", " Saturday morning ", " last week ", " this month ", " in April ", " May 15 ",
    " 15 May ", " 2020-07-20 ", " 01/05/2021 ", " 31/12/99 ", " between July 16 and 22 ",
    " from 9 to 15 July ", " in 2014 ", " since 1990 ", " three years ago ", " a day later ",
    " the same day ", " will ", " is expected to ", " yesterday ", " recently ", " next week ",
    " February 29 ", " 29 February 2019 ", " 1,200 ", " told Rudaw ", " titled “", "” ",
    " between 2014 and 2016 ", " 2014-16 ", " in December 2099 ", " 12 days ago ", " late last month ",
]


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=6)), max_size=25),
    published=st.one_of(st.none(), st.dates(min_value=D(1995, 1, 1), max_value=D(2035, 12, 31))),
    anchor_offset=st.one_of(st.none(), st.integers(min_value=-400, max_value=30)),
)
def test_arbitrary_text(parts, published, anchor_offset):
    text = "".join(parts)
    anchor = None if (published is None or anchor_offset is None) else published + timedelta(days=anchor_offset)
    for m in find_dates(text, published, anchor):
        assert 0 <= m.start < m.end <= len(text) and text[m.start:m.end] == m.text
        assert m.precision in ("day", "week", "month", "year", "unknown")
        assert m.tense in ("past", "future", "background")
        assert (m.date is None) == (m.precision == "unknown")
        if m.date is None:
            assert m.end_date is None
            continue
        if m.end_date is not None:
            assert m.end_date >= m.date
        if m.precision == "week":
            assert m.date.weekday() == 0
        if m.precision == "month":
            assert m.date.day == 1
        if m.precision == "year":
            assert (m.date.month, m.date.day) == (1, 1)
        if published is not None:
            low = published.replace(year=published.year - 30, day=min(published.day, 28))
            high = published.replace(year=published.year + 1, day=min(published.day, 28)) + timedelta(days=1)
            for d in (m.date, m.end_date):
                assert d is None or low <= d <= high
    d, precision = resolve_event_date(text, published, anchor)
    assert (d is None) == (precision == "unknown")
