"""Claimed tallies: a group's own count of its attacks over a period (al-Naba's weekly claims).

"ISIS claimed in its weekly propaganda newspaper al-Naba that its militants had carried out
28 attacks in Iraq between July 16 and 22 alone - mainly in Diyala" gives claimant ISIS,
medium al-Naba, 28 attacks, period 16-22 July, country IQ, main province Diyala.

The grammar needs, in one sentence: a claim verb (claimed, said, announced, boasted,
reported), a count of attacks or operations, and a claimant (a militant group mention,
or the group's medium alone, which implies ISIS for its own outlets). The period is the
date range of the sentence ("between July 16 and 22", "from 9 to 15 July"), else a
relative period ("in the past week", "last week": the seven days before the claim).
The main province is the one after "mainly/mostly/most of them in".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from pipeline.extract.context import ArticleContext, GazIndex
from pipeline.extract.numbers import QUANTITY_PATTERN, parse_quantity

CANDIDATE_PATTERN = r"(?i)\b(?:attacks|operations|assaults|raids)\b"
_CLAIM_RE = re.compile(r"\b(?:claim(?:ed|s|ing)?|said|says|announced|boasted|reported|published|listed)\b", re.IGNORECASE)
_COUNT_RE = re.compile(
    rf"(?<![\w-])({QUANTITY_PATTERN})\s+(?:(?:separate|different|new|terrorist|military|armed|guerrilla)\s+)?"
    r"(?:attacks|operations|assaults|raids|strikes)\b",
    re.IGNORECASE,
)
_MEDIA = [
    (re.compile(r"\bal[- ]Naba'?\b|\bNaba'?\b", re.IGNORECASE), "al-Naba", "ISIS"),
    (re.compile(r"\bAmaq\b", re.IGNORECASE), "Amaq", "ISIS"),
    (re.compile(r"\bNashir\b", re.IGNORECASE), "Nashir", "ISIS"),
    (re.compile(r"\bTelegram\b"), "Telegram", None),
]
_MAIN_RE = re.compile(r"\b(?:mainly|mostly|most of them|most of which|the majority|chiefly|primarily|especially|particularly)\b"
                      r"(?:\s+(?:of them|were|was))?\s+(?:in\s+)?", re.IGNORECASE)
_IRAQ_RE = re.compile(r"\bin Iraq\b|\bIraqi\b", re.IGNORECASE)
_PAST_WEEK_RE = re.compile(r"\b(?:in the (?:past|last) (?:week|seven days)|last week|the previous week|this week)\b",
                           re.IGNORECASE)


@dataclass
class Tally:
    article_id: str
    char_start: int
    char_end: int
    claimant: str
    medium: str | None
    attacks: int
    period_start: date | None
    period_end: date | None
    country_code: str | None
    main_province_code: str | None
    ordinal: int = 0


def extract_tallies(ctx: ArticleContext, index: GazIndex, candidate_idx: list[int]) -> list[Tally]:
    out: list[Tally] = []
    for idx in candidate_idx:
        s = ctx.sentences[idx]
        text = s.text
        # A claim verb before the count is also one in the whole sentence (the count starts
        # after a non-word character, so the cut leaves word boundaries as they are): the
        # cheap whole-sentence test spares the costly count scan in sentences without one.
        if not _CLAIM_RE.search(text):
            continue
        count = _COUNT_RE.search(text)
        if not count or not _CLAIM_RE.search(text[:count.start()]):
            continue
        q = parse_quantity(count.group(1))
        if q is None or q.value is None:
            continue
        medium, implied = None, None
        for rx, name, claimant in _MEDIA:
            if rx.search(text):
                medium, implied = name, claimant
                break
        groups = [m for m in ctx.mentions_in(s.start, s.end, "organisation") if index.is_militant(m.entity_name)]
        claimant = groups[0].entity_name if groups else implied
        if claimant is None:
            continue
        dates = ctx.date_mentions(idx)
        start = end = None
        ranges = [d for d in dates if d.end_date is not None and d.date is not None]
        if ranges:
            start, end = ranges[0].date, ranges[0].end_date
        else:
            week = _PAST_WEEK_RE.search(text[count.end():]) or _PAST_WEEK_RE.search(text)
            claim_day = next((d.date for d in dates if d.precision == "day" and d.date is not None), None)
            ref = claim_day or ctx.published
            if week and ref is not None:
                start, end = ref - timedelta(days=7), ref - timedelta(days=1)
        main = None
        m = _MAIN_RE.search(text, count.end())
        if m:
            for p in ctx.mentions_in(s.start + m.end(), s.end, "place"):
                if p.governorate:
                    main = p.governorate
                    break
        country = "IQ" if _IRAQ_RE.search(text) or main else None
        out.append(Tally(ctx.article_id, s.start, s.end, claimant, medium, int(q.value), start, end, country, main,
                         len(out)))
    return out
