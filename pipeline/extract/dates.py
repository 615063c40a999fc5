"""Date expressions in news text, resolved against the publication date.

`find_dates` returns every date expression with its resolved date, precision
(day | week | month | year | unknown) and tense (past | future | background).
Stored dates follow docs/ARCHITECTURE.md: week -> Monday of the ISO week, month -> the
1st, year -> 1 January, unknown -> None.

Resolution rules
* Relative expressions ("on Monday", "last week", "in April", "May 15", "yesterday",
  "three days ago") need the publication date; without one they give date None and
  precision "unknown". Absolute ones ("July 20, 2020", "in 2014") always resolve.
* A weekday or a yearless date is the latest such day on or before publication, unless
  the clause before it is in the future tense ("will", "is expected to", "is set to",
  "plans to", "next"): then it is the first such day on or after publication, tense
  "future". "last Monday" is strictly before publication, "next Monday" strictly after.
* A month without a year is the latest such month not after the publication month
  ("in April" published in February 2021 is April 2020).
* "last week" is the ISO week before the publication week (its Monday, precision week);
  "this week"/"earlier this week" is the publication week.
* Numeric dates: a part above 12 is the day; otherwise, with a publication date, the
  reading on or before publication and closest to it wins; without one, month/day
  (the GTD and US-wire convention).
* "the next day", "a day later", "the same day", "the day before" are relative to
  `anchor` (the previous event date in the article); with no anchor they are unknown.
* "recently", "in recent weeks", "during the past two months", "a few days ago" have
  no resolvable date: precision "unknown".
* A date is "background" when its whole period ends a year or more before publication
  ("in 2014", "three years ago", "in late 2017", "between 2014 and 2016"), and for
  "since <year>" a year or more back. Resolved dates outside [publication - 30 years,
  publication + 1 year] are treated as unparseable (date None): they are history or
  misreadings, never an event date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from pipeline.extract.numbers import parse_number

__all__ = ["DateMention", "find_dates", "resolve_event_date"]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: date | None
    end_date: date | None
    precision: str
    tense: str
    # Extra context for resolve_event_date and the extraction rules.
    reporting: bool = False  # the date of a speech act: "told Rudaw on Monday"
    in_title: bool = False  # inside a quoted title: "a video titled '... May 5'"
    kind: str = ""  # absolute | relative | anchored | vague


_PRECISION_RANK = {"day": 4, "week": 3, "month": 2, "year": 1, "unknown": 0}

_MONTH_NAMES = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}

# Month names are matched case-sensitively ("May" the month, not "may" the verb).
_MFULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)"
_MABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_MDAY = rf"(?:{_MFULL}|{_MABBR})"  # before or after a day number, abbreviations are safe
_D = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_Y = r"(?:19|20)\d\d(?!\d)"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = r"(?:early|mid|late|the\s+(?:end|beginning|start|middle)\s+of)"
_TO = r"\s*(?:(?i:and|to|until|till|through|thru)\s+|[-–—]\s*)"

_RULES: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(
        r"\b(?P<y>(?:19|20)\d\d)(?P<sep>[-/.])(?P<m>0?[1-9]|1[0-2])(?P=sep)(?P<d>[12]\d|3[01]|0?[1-9])\b"
    )),
    ("numeric", re.compile(
        r"(?<![\d/.])(?P<a>[0-3]?\d)(?P<sep>[/.])(?P<b>[0-3]?\d)(?P=sep)(?P<y>(?:19|20)\d\d|\d\d)(?![\d/])"
    )),
    # between July 16 and 22 / from July 9 to July 15, 2020 / July 16-22
    ("range_md", re.compile(
        rf"\b(?:(?P<pre>(?i:between|from))\s+)?(?P<m1>{_MDAY})\s+(?P<d1>{_D}){_TO}"
        rf"(?:(?P<m2>{_MDAY})\s+)?(?P<d2>{_D})(?:,?\s+(?P<y>{_Y}))?"
    )),
    # from 9 to 15 July / 16-22 July 2020 / between 30 June and 2 July
    ("range_dm", re.compile(
        rf"\b(?:(?P<pre>(?i:between|from))\s+)?(?P<d1>{_D})(?:\s+(?P<m1>{_MDAY}))?{_TO}"
        rf"(?P<d2>{_D})\s+(?P<m2>{_MDAY})(?:,?\s+(?P<y>{_Y}))?"
    )),
    ("mdy", re.compile(rf"\b(?P<m>{_MDAY})\s+(?P<d>{_D})(?:,?\s+(?P<y>{_Y}))?(?![\d:])")),
    ("dmy", re.compile(rf"\b(?<![\d.])(?P<d>{_D})(?:\s+(?i:of))?\s+(?P<m>{_MDAY})(?:,?\s+(?P<y>{_Y}))?")),
    ("my", re.compile(rf"\b(?P<m>{_MFULL}),?\s+(?:(?i:of)\s+)?(?P<y>{_Y})")),
    ("month", re.compile(
        r"(?i:\b(?:in|since|by|during|until|till|from|early|mid|late|of|before|after|on|through"
        r"|last|this|next|end|beginning))[\s-]+"
        rf"(?P<span>(?:(?P<part>(?i:early|mid|late))[\s-]+)?(?P<m>{_MFULL})\b)"
    )),
    ("year_range", re.compile(
        rf"\b(?P<pre>(?i:between|from)\s+)?(?P<y1>{_Y})(?:\s*[-–—]\s*|\s+(?i:and|to|until|till)\s+)"
        rf"(?P<y2>{_Y}|\d\d(?!\d))"
    )),
    ("year", re.compile(rf"\b(?P<y>{_Y})(?!\s*%|\d|,\d)")),
    # Prefixes of "year", "my" and "weekday" are read backwards (_PREFIXES): a leading
    # optional group would make the scan try it at every position of every sentence.
    ("weekday", re.compile(
        rf"\b(?P<wd>{_WD})(?:['’]s)?(?:\s+(?i:morning|afternoon|evening|night))?\b"
    )),
    ("dayword", re.compile(
        r"(?i:\b(?P<w>the\s+day\s+before\s+yesterday|yesterday|today|tonight|tomorrow"
        r"|last\s+night|this\s+(?:morning|afternoon|evening)|earlier\s+today|later\s+today)\b)"
    )),
    ("anchored", re.compile(
        r"(?i:\b(?:on\s+)?(?P<w>(?:the|that)\s+(?:very\s+)?same\s+(?:day|night|morning|evening)"
        r"|that\s+(?:day|night)|the\s+(?:next|following|previous|preceding)\s+(?:day|morning|night)"
        r"|the\s+day\s+(?:before|after)(?!\s+yesterday)"
        r"|(?P<n>an?|one|two|three|four|five|six|seven|\d)\s+(?P<u>days?|weeks?)\s+(?P<dir>later|earlier|before|after)"
        r"|hours\s+(?:later|earlier)))\b"
    )),
    ("vague", re.compile(
        r"(?i:\b(?P<w>in\s+recent\s+(?:days|weeks|months|years)|recently|lately"
        r"|(?:during|over|in|for|within)\s+the\s+(?:past|last|previous|coming|next)"
        r"\s+(?:(?:few|several|couple\s+of|\w+)\s+)?(?:hours|days|weeks|months|years|week|month|year)"
        r"|(?:a\s+few|several|few|some|a\s+couple\s+of)\s+(?:days|weeks|months|years)\s+ago"
        r"|(?:days|weeks|months|years)\s+ago|in\s+the\s+coming\s+(?:days|weeks|months)"
        r"|in\s+the\s+(?:near|foreseeable)\s+future)\b)"
    )),
    ("ago", re.compile(
        r"(?i:\b(?P<n>an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
        r"|fifteen|twenty|\d{1,2})\s+(?P<u>days?|weeks?|months?|years?|decades?|hours?)\s+ago\b)"
    )),
    ("week", re.compile(
        r"(?i:\b(?P<w>(?:(?:earlier|later)\s+)?(?:this|last|next|the\s+previous|the\s+coming)"
        r"\s+week(?:end)?)\b)"
    )),
    ("month_rel", re.compile(
        r"(?i:\b(?:(?P<part>early|earlier|late|later|mid|(?:the\s+)?(?:beginning|end|middle|start)"
        r"\s+of)[\s-]+)?(?P<w>this|last|next|the\s+previous|the\s+coming)\s+month\b)"
    )),
    ("year_rel", re.compile(
        r"(?i:\b(?:(?P<part>early|earlier|late|later|mid|(?:the\s+)?(?:beginning|end|middle|start)"
        r"\s+of)[\s-]+)?(?P<w>this|last|next|the\s+previous|the\s+coming)\s+year\b)"
    )),
]

# Per-rule gates: a rule runs only when the sentence has what it cannot match without
# (a digit, a month name, or one of the lowercase keywords). Scanning all rules over
# every sentence would cost ten times more.
_NEEDS: dict[str, tuple[bool, bool, tuple[str, ...]]] = {
    # kind: (needs digit, needs month name, needs any of these lowercase substrings)
    "iso": (True, False, ()),
    "numeric": (True, False, ()),
    "range_md": (True, True, ()),
    "range_dm": (True, True, ()),
    "mdy": (True, True, ()),
    "dmy": (True, True, ()),
    "my": (True, True, ()),
    "month": (False, True, ()),
    "year_range": (True, False, ()),
    "year": (True, False, ()),
    "weekday": (False, False, ("day",)),
    "dayword": (False, False, ("day", "tonight", "tomorrow", "night", "this")),
    "anchored": (False, False, ("day", "night", "morning", "evening", "later", "earlier",
                                "before", "after")),
    "vague": (False, False, ("recent", "lately", "past", "last", "previous", "coming", "next",
                             "ago", "future")),
    "ago": (False, False, ("ago",)),
    "week": (False, False, ("week",)),
    "month_rel": (False, False, ("month",)),
    "year_rel": (False, False, ("year",)),
}
_GATE_WORDS = frozenset(w for _, _, words in _NEEDS.values() for w in words)

# Tighter necessary conditions for the costliest rules, on top of _NEEDS (each rule's
# alternatives spelled out as words they cannot match without). Applied to ASCII text
# only, where IGNORECASE is exactly lower-casing (Unicode case folding also matches "ſ"
# for "s" and "K" for "k").
_MONTH_FULL_NAMES = tuple(_MFULL[3:-1].split("|"))
_YEAR4_RE = re.compile(r"(?:19|20)\d\d(?!\d)")  # the _Y of iso, year_range, year and my
_NUMERIC_SEP_RE = re.compile(r"\d[/.]\d")  # "3/14/2017", "14.03.17": digits around the separator


def _any(low: str, words: tuple[str, ...]) -> bool:
    return any(w in low for w in words)


def _may_anchor(low: str) -> bool:
    return (
        (_any(low, ("day", "night", "morning", "evening"))
         and _any(low, ("same", "that", "next", "following", "previous", "preceding", "before", "after")))
        or (("day" in low or "week" in low) and _any(low, ("later", "earlier", "before", "after")))
        or ("hours" in low and ("later" in low or "earlier" in low))
    )


_DAYWORDS = ("yesterday", "today", "tonight", "tomorrow", "night", "morning", "afternoon", "evening")
# kind -> predicate(text, lower-cased text, has a 19xx/20xx year)
_STRICT_NEEDS = {
    "dayword": lambda text, low, year: _any(low, _DAYWORDS),
    "anchored": lambda text, low, year: _may_anchor(low),
    "my": lambda text, low, year: year and _any(text, _MONTH_FULL_NAMES),
    "iso": lambda text, low, year: year,
    "numeric": lambda text, low, year: _NUMERIC_SEP_RE.search(text) is not None,
    "year_range": lambda text, low, year: year,
    "year": lambda text, low, year: year,
}
_DIGIT_RE = re.compile(r"\d")
_MONTH_STEMS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
)
# kind -> (prefix regex ending where the core match starts, prefix required). The
# prefix's "keep" group joins the mention span; its other groups join the match's.
_YEAR_PREFIX_RE = re.compile(
    r"(?i:(?:\b(?:in|by|during|until|till|from|of|before|after|year|summer|winter|spring"
    r"|autumn|fall|end|start|beginning|(?:19|20)\d\d,?\s+(?:and|or))[\s-]+"
    r"(?P<keep>(?P<part>early|mid|late)[\s-]+)?)"
    r"|(?P<keep2>(?:\b(?P<since>since)\s+)?(?:\b(?P<part2>early|mid|late)[\s-]+)?)"
    r"(?<=[\s-]))$"
)
_MY_PREFIX_RE = re.compile(
    rf"(?P<keep>\b(?P<part>(?i:{_PART}))[\s-]+)$"
)
_WEEKDAY_PREFIX_RE = re.compile(
    r"(?i:(?:(?:the\s+)?(?:early\s+|late\s+)?(?:hours|morning|afternoon|evening|night)\s+of\s+)?"
    r"(?:\b(?P<mod>last|this|next|past|previous|coming)\s+)?)$"
)
# A range needs "between"/"from" or a dash between its ends.
_RANGES = {"range_md": ("d1", "d2"), "range_dm": ("d1", "d2"), "year_range": ("y1", "y2")}
_DASH_RE = re.compile(r"[-–—]")
_WEEKDAY_JOIN_RE = re.compile(r",?\s*(?:the\s+)?")
_PREFIXES: dict[str, tuple[re.Pattern, bool]] = {
    "year": (_YEAR_PREFIX_RE, True),
    "my": (_MY_PREFIX_RE, False),
    "weekday": (_WEEKDAY_PREFIX_RE, False),
}
_FUTURE_RE = re.compile(
    r"\b(?:will|shall|won['’]t|(?:is|are|am)\s+(?:also\s+)?(?:set|expected|scheduled"
    r"|due|slated|planned|going|poised|to\s+be\s+held)\s+to|(?:is|are)\s+to|plans?\s+to"
    r"|planning\s+to|intends?\s+to|to\s+be\s+held|upcoming|scheduled\s+for|set\s+for)\b"
    r"|['’]ll\b",
    re.IGNORECASE,
)
_CLAUSE_START_RE = re.compile(r"[.!?;]\s|\n")
_REPORTING_RE = re.compile(
    r"\b(?:said|says|told|tells|announced|stated|reported|confirmed|added|warned|claimed|noted"
    r"|explained|declared|wrote|tweeted|posted|statement|interview|conference|briefing"
    r"|speaking|spoke|remarks)\b(?:\s+(?!that\b|about\b)[^\s.;!?]+){0,5}?\s+(?:on\s+)?$",
    re.IGNORECASE,
)
_TITLE_RE = re.compile(
    r"(?:titled|entitled|headlined|called|named|dubbed)\s*[:,]?\s*(?P<q>[“\"‘'][^”\"’]{1,250}[”\"’])",
    re.IGNORECASE,
)


# --- calendar helpers --------------------------------------------------------------


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _shift_months(d: date, months: int) -> date:
    idx = d.year * 12 + (d.month - 1) + months
    return date(idx // 12, idx % 12 + 1, 1)


def _shift_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _safe_date(y: int, m: int, d: int) -> date | None:
    if not (1 <= m <= 12) or not (1 <= d <= calendar.monthrange(y, m)[1]) or not 1 <= y <= 9999:
        return None
    return date(y, m, d)


def _period_end(d: date, precision: str) -> date:
    if precision == "week":
        return d + timedelta(days=6)
    if precision == "month":
        return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
    if precision == "year":
        return date(d.year, 12, 31)
    return d


def _yearless(pub: date, m: int, d: int, future: bool) -> date | None:
    """Month/day without a year: the latest on or before `pub` (or first on/after)."""
    step = 1 if future else -1
    y = pub.year
    for _ in range(9):  # 29 February may need up to 8 years
        cand = _safe_date(y, m, d)
        if cand is not None and (cand >= pub if future else cand <= pub):
            return cand
        y += step
    return None


def _month_only(pub: date, m: int, future: bool, strict: bool = False) -> date:
    if future:
        y = pub.year if (m > pub.month or (m == pub.month and not strict)) else pub.year + 1
    else:
        y = pub.year if (m < pub.month or (m == pub.month and not strict)) else pub.year - 1
    return date(y, m, 1)


def _weekday(pub: date, wd: int, future: bool, strict: bool = False) -> date:
    if future:
        delta = (wd - pub.weekday()) % 7
        if delta == 0 and strict:
            delta = 7
        return pub + timedelta(days=delta)
    delta = (pub.weekday() - wd) % 7
    if delta == 0 and strict:
        delta = 7
    return pub - timedelta(days=delta)


def _month_num(name: str) -> int:
    return _MONTH_NAMES[name.lower().rstrip(".")]


def _day_num(s: str) -> int:
    return int(re.sub(r"\D", "", s))


def _year_num(s: str, pub: date | None) -> int:
    y = int(s)
    if y < 100:
        pivot = (pub.year % 100) + 1 if pub else 50
        y += 2000 if y <= pivot else 1900
    return y


def _is_future_context(text: str, start: int) -> bool:
    lo = max(0, start - 160)
    before = text[lo:start]
    cut = None
    for cut in _CLAUSE_START_RE.finditer(before):
        pass
    if cut is not None:
        before = before[cut.end():]
    return bool(_FUTURE_RE.search(before))


# --- resolution ----------------------------------------------------------------------

# (date, end_date, precision, tense or None to infer, kind)
_Resolved = tuple[date | None, date | None, str, str | None, str]
_UNKNOWN: _Resolved = (None, None, "unknown", None, "vague")


def _resolve(kind: str, m: re.Match, g: dict, pub: date | None, anchor: date | None,
             future: bool) -> _Resolved | None:
    if kind == "iso":
        d = _safe_date(int(g["y"]), int(g["m"]), int(g["d"]))
        return None if d is None else (d, None, "day", None, "absolute")
    if kind == "numeric":
        a, b, y = int(g["a"]), int(g["b"]), _year_num(g["y"], pub)
        md = _safe_date(y, a, b)  # month/day
        dm = _safe_date(y, b, a)  # day/month
        if md is None and dm is None:
            return None
        if md is None or dm is None or md == dm:
            return (md or dm, None, "day", None, "absolute")
        if pub is None:
            return (md, None, "day", None, "absolute")
        # Both readings valid: the one on or before publication and closest to it.
        cands = sorted((c for c in (md, dm) if c <= pub), key=lambda c: pub - c)
        if not cands:
            cands = sorted((md, dm), key=lambda c: c - pub)
        return (cands[0], None, "day", None, "absolute")
    if kind in ("range_md", "range_dm"):
        m1 = _month_num(g["m1"] or g["m2"])
        m2 = _month_num(g["m2"] or g["m1"])
        d1, d2 = _day_num(g["d1"]), _day_num(g["d2"])
        if g["y"]:
            y = int(g["y"])
            start = _safe_date(y if m1 <= m2 else y - 1, m1, d1)
            end = _safe_date(y, m2, d2)
        elif pub is None:
            return (None, None, "unknown", None, "relative")
        else:
            # The start decides the year: a range may run on past publication
            # ("14-16 Feb" published on the 14th).
            start = _yearless(pub, m1, d1, future)
            end_year = None if start is None else start.year if m2 >= m1 else start.year + 1
            end = None if end_year is None else _safe_date(end_year, m2, d2)
        if start is None or end is None or end < start or (end - start).days > 92:
            return None
        return (start, end, "day", None, "absolute" if g["y"] else "relative")
    if kind in ("mdy", "dmy"):
        mo, d = _month_num(g["m"]), _day_num(g["d"])
        if g["y"]:
            dt = _safe_date(int(g["y"]), mo, d)
            return None if dt is None else (dt, None, "day", None, "absolute")
        if _safe_date(2000, mo, d) is None:  # 2000 is a leap year: only impossible days fail
            return None
        if pub is None:
            return (None, None, "unknown", None, "relative")
        dt = _yearless(pub, mo, d, future)
        return None if dt is None else (dt, None, "day", None, "relative")
    if kind == "my":
        return (date(int(g["y"]), _month_num(g["m"]), 1), None, "month", None, "absolute")
    if kind == "month":
        if pub is None:
            return (None, None, "unknown", None, "relative")
        before = m.string[m.start():m.start("span")].lower()
        strict = bool(re.search(r"(?:last|next)\W*$", before))
        fut = future or "next" in before
        return (_month_only(pub, _month_num(g["m"]), fut, strict), None, "month", None, "relative")
    if kind == "year_range":
        y1 = int(g["y1"])
        # "2014-16": the short end shares the century of the start.
        y2 = (y1 // 100) * 100 + int(g["y2"]) if len(g["y2"]) == 2 else int(g["y2"])
        if y2 <= y1 or y2 - y1 > 30:
            return None
        return (date(y1, 1, 1), date(y2, 1, 1), "year", None, "absolute")
    if kind == "year":
        return (date(int(g["y"]), 1, 1), None, "year", None, "absolute")
    if kind == "weekday":
        if pub is None:
            return (None, None, "unknown", "future" if future else None, "relative")
        mod = (g.get("mod") or "").lower()
        wd = _WEEKDAYS[g["wd"].lower()]
        if mod in ("next", "coming"):
            return (_weekday(pub, wd, True, strict=True), None, "day", "future", "relative")
        if mod in ("last", "past", "previous"):
            return (_weekday(pub, wd, False, strict=True), None, "day", "past", "relative")
        return (_weekday(pub, wd, future), None, "day", "future" if future else None, "relative")
    if kind == "dayword":
        w = " ".join(g["w"].lower().split())
        offset = {
            "the day before yesterday": -2, "yesterday": -1, "last night": -1, "tomorrow": 1,
        }.get(w, 0)
        if pub is None:
            return (None, None, "unknown", "future" if offset > 0 else None, "relative")
        return (pub + timedelta(days=offset), None, "day", "future" if offset > 0 else None, "relative")
    if kind == "anchored":
        if anchor is None:
            return (None, None, "unknown", None, "anchored")
        w = " ".join(g["w"].lower().split())
        if g["n"]:
            n = 1 if g["n"].lower() in ("a", "an") else parse_number(g["n"]) or 0
            sign = 1 if g["dir"].lower() in ("later", "after") else -1
            if g["u"].lower().startswith("week"):
                return (_monday(anchor + timedelta(days=7 * n * sign)), None, "week", None, "anchored")
            return (anchor + timedelta(days=n * sign), None, "day", None, "anchored")
        if any(k in w for k in ("next", "following", "after")):
            return (anchor + timedelta(days=1), None, "day", None, "anchored")
        if any(k in w for k in ("previous", "preceding", "before")):
            return (anchor - timedelta(days=1), None, "day", None, "anchored")
        return (anchor, None, "day", None, "anchored")
    if kind == "vague":
        w = g["w"].lower()
        return (None, None, "unknown", "future" if ("coming" in w or "next" in w or "future" in w) else None, "vague")
    if kind == "ago":
        if pub is None:
            u = g["u"].lower()
            bg = "background" if u.startswith(("year", "decade")) else None
            return (None, None, "unknown", bg, "relative")
        n = 1 if g["n"].lower() in ("a", "an") else parse_number(g["n"])
        if n is None:
            return _UNKNOWN
        u = g["u"].lower()
        if u.startswith("hour"):
            return (pub, None, "day", None, "relative")
        if u.startswith("day"):
            return (pub - timedelta(days=n), None, "day", None, "relative")
        if u.startswith("week"):
            return (_monday(pub - timedelta(days=7 * n)), None, "week", None, "relative")
        if u.startswith("month"):
            return (_shift_months(pub, -n), None, "month", None, "relative")
        years = n * (10 if u.startswith("decade") else 1)
        return (date(pub.year - years, 1, 1), None, "year", None, "relative")
    if kind == "week":
        w = " ".join(g["w"].lower().split())
        fut = w.startswith(("later", "next", "the coming")) or ("this" in w and future and "earlier" not in w)
        if pub is None:
            return (None, None, "unknown", "future" if fut else None, "relative")
        if "last" in w or "previous" in w:
            base = pub - timedelta(days=7)
        elif "next" in w or "coming" in w:
            base = pub + timedelta(days=7)
        else:
            base = pub
        return (_monday(base), None, "week", "future" if fut else None, "relative")
    if kind in ("month_rel", "year_rel"):
        w = " ".join(g["w"].lower().split())
        part = (g["part"] or "").lower()
        fut = w in ("next", "the coming") or part == "later" or (w == "this" and future and part != "earlier")
        if pub is None:
            return (None, None, "unknown", "future" if fut else None, "relative")
        step = -1 if w in ("last", "the previous") else 1 if w in ("next", "the coming") else 0
        if kind == "month_rel":
            return (_shift_months(pub, step), None, "month", "future" if fut else None, "relative")
        return (date(pub.year + step, 1, 1), None, "year", "future" if fut else None, "relative")
    return None


def _tense(res: _Resolved, kind: str, g: dict, pub: date | None, future: bool) -> str:
    dt, end, precision, tense, _ = res
    if tense is not None:
        return tense
    if kind == "ago" and dt is None:
        return "past"
    if dt is None or pub is None:
        if kind == "year" and g.get("since"):
            return "background" if pub is None or int(g["y"]) <= pub.year - 1 else "past"
        return "future" if future and kind not in ("vague",) else "past"
    last = _period_end(end or dt, precision)
    if kind == "year" and g.get("since"):
        return "background" if dt.year <= pub.year - 1 else "past"
    if (pub - last).days >= 365:
        return "background"
    if dt > pub:
        return "future"
    return "past"


def _window(pub: date, d: date | None) -> bool:
    if d is None:
        return True
    return _shift_years(pub, -30) <= d <= _shift_years(pub, 1)


def find_dates(text: str, published: date | None, anchor: date | None = None) -> list[DateMention]:
    """Every date expression in `text`, resolved against `published` (and `anchor`)."""
    if not text:
        return []
    low = text.lower()
    has_digit = bool(_DIGIT_RE.search(text))
    has_month = any(m in text for m in _MONTH_STEMS)
    cands: list[tuple[int, int, str, re.Match, dict]] = []
    present = {w for w in _GATE_WORDS if w in low}
    strict = text.isascii()
    has_year = has_digit and _YEAR4_RE.search(text) is not None
    for kind, rx in _RULES:
        need_digit, need_month, words = _NEEDS[kind]
        if (need_digit and not has_digit) or (need_month and not has_month):
            continue
        if words and present.isdisjoint(words):
            continue
        if strict and kind in _STRICT_NEEDS and not _STRICT_NEEDS[kind](text, low, has_year):
            continue
        prefix = _PREFIXES.get(kind)
        for m in rx.finditer(text):
            s, e = m.span("span") if "span" in rx.groupindex else m.span()
            g = m.groupdict()
            if kind in _RANGES and not g["pre"] and not _DASH_RE.search(
                text, m.end(_RANGES[kind][0]), m.start(_RANGES[kind][1])
            ):
                continue  # "on July 16 and 22 people", "in 2014 and 2016": not a range
            if prefix is not None:
                pm = prefix[0].search(text, max(0, s - 50), s)
                if prefix[1] and (pm is None or not pm.group(0)):
                    continue
                pg = pm.groupdict() if pm else {}
                keep = pg.get("keep") or pg.get("keep2")
                if kind == "weekday" and pm:
                    s = pm.start()
                elif keep:
                    s -= len(keep)
                g.update({k: v for k, v in pg.items() if v is not None})
                if kind == "year":
                    g["since"] = pg.get("since")
                    g["part"] = pg.get("part") or pg.get("part2")
            # Leading whitespace/hyphen from lookbehind-anchored rules is not the date.
            while s < e and text[s] in " \t\n-":
                s += 1
            if s < e:
                cands.append((s, e, kind, m, g))
    # Longest first, then earliest: "between July 16 and 22" beats "July 16".
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int]] = []
    chosen: list[tuple[int, int, str, re.Match, dict]] = []
    for c in cands:
        if any(c[0] < e and s < c[1] for s, e in taken):
            continue
        taken.append((c[0], c[1]))
        chosen.append(c)
    chosen.sort(key=lambda c: c[0])

    has_quote = any(q in text for q in ("“", '"', "'", "‘"))
    titles = [t.span("q") for t in _TITLE_RE.finditer(text)] if has_quote else []
    # "Monday, July 20" / "Thursday 16 July": the weekday names the explicit date; one
    # mention spanning both, dated by the explicit part.
    merged: list[tuple[int, int, str, re.Match, dict]] = []
    for c in chosen:
        if (
            merged
            and merged[-1][2] == "weekday"
            and c[2] in ("mdy", "dmy", "iso", "numeric")
            and _WEEKDAY_JOIN_RE.fullmatch(text, merged[-1][1], c[0])
        ):
            c = (merged.pop()[0],) + c[1:]
        merged.append(c)

    out: list[DateMention] = []
    for s, e, kind, m, g in merged:
        future = _is_future_context(text, s)
        try:
            res = _resolve(kind, m, g, published, anchor, future)
        except (ValueError, OverflowError):  # arithmetic past year 1 or 9999
            continue
        if res is None:
            continue
        tense = _tense(res, kind, g, published, future)
        dt, end, precision, _, how = res
        if published is not None and not (_window(published, dt) and _window(published, end)):
            dt, end, precision = None, None, "unknown"
        if dt is None:
            end, precision = None, "unknown"
        reporting = bool(_REPORTING_RE.search(text[max(0, s - 70):s]))
        in_title = any(ts <= s and e <= te for ts, te in titles)
        out.append(DateMention(
            start=s, end=e, text=text[s:e], date=dt, end_date=end, precision=precision,
            tense=tense, reporting=reporting, in_title=in_title, kind=how,
        ))
    return out


def resolve_event_date(text: str, published: date | None, anchor: date | None = None
                       ) -> tuple[date | None, str]:
    """The date that governs an event sentence, as (date | None, precision).

    Rule: ignore dates inside quoted titles; prefer dates that are not the date of a
    speech act ("told Rudaw on Monday") and not in the future; among those take the
    most specific precision, then an absolute date over a relative one ("Sunday, May
    3, 2020"), then the earliest in the sentence. Speech-act
    dates are used when nothing else is dated, then future dates (a planned meeting).
    A sentence whose only date expressions are vague ("recently") is (None, "unknown").
    """
    mentions = [d for d in find_dates(text, published, anchor) if not d.in_title]
    tiers = (
        [d for d in mentions if not d.reporting and d.tense != "future"],
        [d for d in mentions if d.reporting and d.tense != "future"],
        [d for d in mentions if d.tense == "future"],
    )
    for tier in tiers:
        dated = [d for d in tier if d.date is not None]
        if dated:
            best = max(dated, key=lambda d: (
                _PRECISION_RANK[d.precision], d.kind == "absolute", -d.start))
            return best.date, best.precision
    return None, "unknown"
