"""Cooperation events: meetings, agreements, delegation visits and base handovers.

Triggers by type:
* meeting: met, meeting, talks, received, hosted, round of talks/meetings.
* delegation_visit: delegation, visit, arrived/landed/flew in(to). Announced visits
  ("is set to visit") count, as the analyst reads them.
* agreement: agreed, signed, reached/concluded an agreement (not "to reach", "close to
  reaching": those are hopes, not events).
* base_handover: handed over/control, handover, withdrew from, pulled out of. A
  withdrawal "from several bases" names no base and is not recorded; a named base or a
  number of bases is.

One event per distinct event. A meeting told over several sentences is one row: later
sentences that refer back ("the meeting", "the talks", "this visit", "Wednesday's
meeting"), or that tell a meeting/visit with the same date and place, merge into the
first full telling (the sentence with the most named persons among those that tell it).
A separate meeting (other participants, another date expression) is another row.
Participants are the persons named in the telling clause; a sentence that refers back
adds the persons introduced by "headed by", "attended by", "led by" or "including".
`coordination_room` marks events about the joint coordination rooms/centres/committee,
and `room_provinces` lists the provinces the article says the rooms are located in; they
are propagated to every room event of the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from pipeline.extract.context import ArticleContext, GazIndex, Mention, in_spans, quoted_spans

_TRIGGERS = [
    ("base_handover", r"hand(?:ed|s|ing)? (?:over|control|back)|handover|hand-over|withdr(?:ew|awn|awal) from"
                      r"|pull(?:ed|s)? out of|transferred (?:control|the base|the camp)|vacated"),
    ("agreement", r"agreed|signed|(?:reached|concluded|struck|sealed) (?:a|an|the) (?:\w+ )?(?:agreement|deal|accord"
                  r"|memorandum|understanding)"),
    ("delegation_visit", r"delegations?|visit(?:ed|s|ing)?|(?:arrived|landed|flew) (?:in|into|to|at)"),
    ("meeting", r"met|meets?|meetings?|talks|received|hosted|conferred|round of (?:talks|meetings)|summit"),
]
_TRIGGER_RES = [(t, re.compile(rf"(?<![\w-])(?:{p})(?![\w-])", re.IGNORECASE)) for t, p in _TRIGGERS]
# Per-type pre-filters for _find (see incidents.TRIGGER_TYPE_PATTERNS).
TRIGGER_TYPE_PATTERNS = [rf"(?i)(?:{p})" for _, p in _TRIGGERS]
CANDIDATE_PATTERN = r"(?i)\b(?:" + "|".join(p for _, p in _TRIGGERS) + r"|discuss(?:ed|es)?)\b"
_DISCUSS_RE = re.compile(r"\bdiscuss(?:ed|es)?\b", re.IGNORECASE)
_ANAPHOR_RE = re.compile(
    r"(?:\b(?:the|this|that|these|those|such|its|his|their)|'s)\s+(?:\w+\s+)?(?:meetings?|talks|visit|delegation|trip)\b",
    re.IGNORECASE,
)
_ROOM_RE = re.compile(
    r"\b(?:(?:joint|security|military)\s+)+(?:coordination|cooperation|operations?)\s+(?:rooms?|cent(?:er|re)s?|committees?|command)"
    r"|\bcoordination\s+(?:rooms?|cent(?:er|re)s?|committees?)\b",
    re.IGNORECASE,
)
_ROOM_LOC_RE = re.compile(
    r"\b(?:rooms?|cent(?:er|re)s?|committees?)\b[^.]{0,60}?\b(?:located|based|set up|established|opened|stationed)"
    r"\s+(?:in\s+)+",
    re.IGNORECASE,
)
_BACKGROUND_RE = re.compile(r"\b(?:previously|years? ago|at the height of|never implemented|in the past)\b", re.IGNORECASE)
_NOT_YET_RE = re.compile(r"\b(?:to reach|reaching|close to|hope to|aim to|seek to|could|would|might|not part of)\b",
                         re.IGNORECASE)
_BY_PERSONS_RE = re.compile(r"\b(?:headed|attended|led|chaired|joined) by\b|\bincluding\b", re.IGNORECASE)
_CLAUSE_BREAK_RE = re.compile(r";\s+|,\s+while\s+|,\s+but\s+|\s+comes? after\s+|\s+came after\s+")
_SOURCE_TAIL_RE = re.compile(
    r",\s+(?:[\w'-]+\s+){0,5}?(?:said|told|reported|added|announced|stated)\b|,?\s+according to\b|,\s+a statement from\b",
    re.IGNORECASE)
_BASE_RE = re.compile(r"\b(?:bases?|camps?|air ?bases?|airfields?|facilit(?:y|ies)|headquarters|mission)\b",
                      re.IGNORECASE)
_VAGUE_BASES_RE = re.compile(r"\b(?:several|some|many|various|a number of|multiple)\s+(?:\w+\s+)?(?:bases|camps|facilities)\b",
                             re.IGNORECASE)

# Descriptions that stand for an actor only in this context (a handover or a visit).
_GENERIC_PARTIES = [
    (re.compile(r"\b(?:international|coalition|foreign) (?:forces|troops)|\bUS-led coalition\b|\bthe coalition\b",
                re.IGNORECASE), "Global Coalition to Defeat ISIS"),
    (re.compile(r"\b(?:British|UK) (?:troops|forces|soldiers)\b", re.IGNORECASE), "British forces"),
    (re.compile(r"\b(?:US|American|U\.S\.) (?:troops|forces|soldiers)\b", re.IGNORECASE), "US forces"),
    (re.compile(r"\bthe Iraqis\b|\bIraqi (?:security )?forces\b", re.IGNORECASE), "Iraqi Security Forces"),
]

# Every match of a _GENERIC_PARTIES pattern contains one of these (lower-cased); on ASCII
# text (where IGNORECASE is plain lower-casing) a clause without any cannot match.
_GENERIC_PARTY_WORDS = ("forces", "troops", "soldiers", "coalition", "iraqi")


@dataclass
class CoopEvent:
    article_id: str
    sentence_idx: int
    char_start: int
    char_end: int
    event_type: str
    event_date: date | None
    date_precision: str
    date_text: str | None
    participants: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    location: str | None = None
    province_code: str | None = None
    coordination_room: bool = False
    room_provinces: list[str] = field(default_factory=list)
    n_persons: int = 0
    ordinal: int = 0
    last_sentence: int = 0


def _family(t: str) -> str:
    return "meet" if t in ("meeting", "delegation_visit") else t


def _find(text: str, type_mask: int = -1) -> list[tuple[int, int, str]]:
    out = []
    for bit, (etype, rx) in enumerate(_TRIGGER_RES):
        if not type_mask >> bit & 1:
            continue
        for m in rx.finditer(text):
            out.append((m.start(), m.end(), etype))
    out.sort()
    dedup = []
    for t in out:
        if dedup and t[0] < dedup[-1][1]:
            continue
        dedup.append(t)
    return dedup


def _clauses(text: str, triggers: list[tuple[int, int, str]]) -> list[tuple[int, int, list]]:
    cuts = [0] + [m.start() for m in _CLAUSE_BREAK_RE.finditer(text)] + [len(text)]
    groups: list[list] = []
    for i in range(len(cuts) - 1):
        a, b = cuts[i], cuts[i + 1]
        own = [t for t in triggers if a <= t[0] < b]
        if groups and not own:
            groups[-1][1] = b
        elif groups and not groups[-1][2]:
            groups[-1][1] = b
            groups[-1][2].extend(own)
        else:
            groups.append([a, b, own])
    return [(a, b, own) for a, b, own in groups]


def _place_cue(cue: str) -> re.Pattern:
    return re.compile(rf"\b{cue}\s+(?:the\s+)?(?:[\w-]+\s+){{0,2}}$", re.IGNORECASE)


# The locative preposition that introduces an event's place, by event type.
_PLACE_CUE_RES = {"delegation_visit": _place_cue(r"(?:to|in|into|at)"),
                  "base_handover": _place_cue(r"(?:from|of|in|at|near|over)")}
_PLACE_CUE_DEFAULT = _place_cue(r"(?:in|at)")


def _place(ctx: ArticleContext, places: list[Mention], etype: str, trig_abs: int) -> tuple[str | None, str | None]:
    """Where the event took place: a place introduced by a locative preposition."""
    norm = ctx.norm
    cue_re = _PLACE_CUE_RES.get(etype, _PLACE_CUE_DEFAULT)
    usable = []
    for m in places:
        if m.entity_name == "Iraq":
            continue
        if etype == "delegation_visit" and m.start < trig_abs:
            continue
        if not cue_re.search(norm[max(0, m.start - 30):m.start]):
            continue
        usable.append(m)
    if not usable:
        return None, None
    pick = usable[0]
    if etype == "base_handover":
        # a list of bases across provinces ("Abu Ghraib near Baghdad, K1 in Kirkuk, ...") has none
        codes = {m.governorate for m in places if m.governorate}
        return ctx.body[pick.start:pick.end], pick.governorate if len(codes) <= 1 else None
    return ctx.body[pick.start:pick.end], pick.governorate


def _parties(ctx: ArticleContext, index: GazIndex, start: int, end: int) -> tuple[list[str], list[str]]:
    norm = ctx.norm
    tail = _SOURCE_TAIL_RE.search(norm, start, end)
    stop = tail.start() if tail else end
    persons = []
    for m in ctx.mentions_in(start, stop, "person"):
        if m.entity_name not in persons:
            persons.append(m.entity_name)
    orgs = []
    org_spans = []
    for m in ctx.mentions_in(start, stop, "organisation"):
        if index.is_militant(m.entity_name):
            continue
        org_spans.append((m.start, m.end))
        if m.entity_name not in orgs:
            orgs.append(m.entity_name)
    span = norm[start:stop]
    if span.isascii():
        low = span.lower()
        if not any(w in low for w in _GENERIC_PARTY_WORDS):
            return persons, orgs
    for rx, name in _GENERIC_PARTIES:
        for g in rx.finditer(norm, start, stop):
            if any(s <= g.start() < e or g.start() <= s < g.end() for s, e in org_spans):
                continue
            if name not in orgs:
                orgs.append(name)
            break
    return persons, orgs


def room_provinces(ctx: ArticleContext) -> list[str]:
    codes: list[str] = []
    for m in _ROOM_LOC_RE.finditer(ctx.norm):
        s = ctx.sentence_at(m.start())
        if s is None:
            continue
        for p in ctx.mentions_in(m.end(), s.end, "place"):
            code = p.governorate
            if code and code not in codes:
                codes.append(code)
    return codes


def extract_cooperation(ctx: ArticleContext, index: GazIndex, candidate_idx: list[int]) -> list[CoopEvent]:
    events: list[CoopEvent] = []
    pending: CoopEvent | None = None  # a telling without named parties, waiting for its full telling
    candidates = set(candidate_idx)
    for s in ctx.sentences:
        if s.idx not in candidates:
            continue
        text = s.text
        triggers = _find(text, s.coop_types)
        quotes = quoted_spans(text)
        if not triggers:
            if _DISCUSS_RE.search(text) and events:
                _merge_into_overlap(ctx, index, events, s, 0, len(text))
            continue
        for a, b, own in _clauses(text, triggers):
            if not own:
                continue
            clause = text[a:b]
            abs_a, abs_b = s.start + a, s.start + b
            quoted = all(in_spans(t[0], quotes) for t in own)
            ana = _ANAPHOR_RE.search(clause)
            anaphoric = bool(ana) and not re.search(r"\b(?:another|a new|new) round\b", clause, re.IGNORECASE)
            etype = _choose_type(own, clause)
            if etype is None:
                continue
            if _BACKGROUND_RE.search(clause):
                continue
            if etype == "agreement" and _NOT_YET_RE.search(clause) and not re.search(r"\bagreed\b", clause):
                continue
            if etype == "base_handover" and (
                    _VAGUE_BASES_RE.search(clause) or not (_BASE_RE.search(clause) or ctx.mentions_in(abs_a, abs_b, "place"))):
                continue
            persons, orgs = _parties(ctx, index, abs_a, abs_b)
            dms = ctx.date_mentions(s.pos)
            date_, precision = ctx.event_date(s.pos, a, b)
            dms_clause = [d for d in dms if a <= d.start < b]
            if dms_clause and all(d.tense == "background" for d in dms_clause):
                continue
            if precision == "year":
                continue
            if date_ is None:
                precision = "unknown"
            date_text = dms_clause[0].text.lower() if dms_clause else None
            trig_abs = s.start + own[0][0]
            if etype == "delegation_visit":
                verb = re.search(r"\b(?:visit|arriv|land|flew)", clause, re.IGNORECASE)
                if verb:
                    trig_abs = abs_a + verb.start()
            tail = _SOURCE_TAIL_RE.search(ctx.norm, abs_a, abs_b)
            place_end = tail.start() if tail else abs_b
            location, province = _place(ctx, ctx.mentions_in(abs_a, place_end, "place"), etype, trig_abs)
            room = bool(_ROOM_RE.search(clause))
            if (anaphoric or quoted) and etype in ("meeting", "delegation_visit"):
                if ana:
                    noun = ana.group(0).lower()
                    etype = "delegation_visit" if ("visit" in noun or "delegation" in noun or "trip" in noun) else "meeting"
                target = _merge_target(events, etype, persons, orgs, s.idx, date_, location)
                if target is not None:
                    # a quoted first-hand telling brings its speaker; a clause that only
                    # refers back brings the people it introduces ("headed by X")
                    _absorb(ctx, target, s, a, b, orgs, room, date_, precision, location, province,
                            by_persons_only=bool(anaphoric), persons=persons,
                            negated=bool(_NOT_YET_RE.search(clause)))
                continue
            ev = CoopEvent(ctx.article_id, s.idx, s.start, s.end, etype, date_, precision, date_text,
                           persons, orgs, location, province, room, [], len(persons), 0, s.idx)
            full = _is_full(ev)
            if not full:
                if etype in ("meeting", "delegation_visit") and not quoted:
                    pending = ev
                continue
            if pending is not None and s.idx - pending.sentence_idx <= 2 and _family(pending.event_type) == _family(etype):
                if ev.event_date is None and pending.event_date is not None:
                    ev.event_date, ev.date_precision, ev.date_text = pending.event_date, pending.date_precision, pending.date_text
                if ev.date_text is None:
                    ev.date_text = pending.date_text
                ev.coordination_room = ev.coordination_room or pending.coordination_room
                pending = None
            same = _same_event(events, ev)
            if same is not None:
                _absorb(ctx, same, s, a, b, orgs, room, date_, precision, location, province,
                        by_persons_only=False, persons=persons, negated=False, new_type=etype)
                continue
            if ev.event_date is None and etype == "meeting" and date_text is None:
                # an undated meeting in an article pegged to a day: the peg
                peg = ctx.peg_before(s.pos)
                if peg is not None:
                    ev.event_date, ev.date_precision = peg, "day"
            ev.ordinal = len(events)
            events.append(ev)
    # the rooms' provinces only go to room events: no scan of the article without one
    rooms = room_provinces(ctx) if any(ev.coordination_room for ev in events) else []
    if rooms:
        for ev in events:
            if ev.coordination_room:
                ev.room_provinces = list(rooms)
    return events


def _choose_type(own, clause: str) -> str | None:
    types = [t[2] for t in own]
    for t in ("base_handover", "agreement", "delegation_visit", "meeting"):
        if t in types:
            if t == "delegation_visit" and "meeting" in types:
                # "a delegation ... arrived to meet": the visit is the event
                return "delegation_visit"
            return t
    return None


def _is_full(ev: CoopEvent) -> bool:
    parties = len(ev.participants) + len(ev.organisations)
    if ev.event_type == "meeting":
        return parties >= 2
    if ev.event_type == "delegation_visit":
        return parties >= 1 and ev.location is not None or parties >= 2
    if ev.event_type == "agreement":
        return parties >= 1
    return True


def _same_event(events: list[CoopEvent], ev: CoopEvent) -> CoopEvent | None:
    for other in reversed(events):
        if _family(other.event_type) != _family(ev.event_type):
            continue
        if ev.event_type in ("agreement", "base_handover"):
            if other.event_date == ev.event_date and set(other.organisations) == set(ev.organisations) \
                    and other.location == ev.location:
                return other
            continue
        same_date = (other.event_date is not None and other.event_date == ev.event_date) or (
            other.date_text is not None and other.date_text == ev.date_text)
        no_clash = other.event_date is None or ev.event_date is None or other.event_date == ev.event_date
        if other.date_text and ev.date_text and other.date_text != ev.date_text and not same_date:
            continue
        same_place = other.location is None or ev.location is None or other.location == ev.location
        overlap = bool(set(other.participants) & set(ev.participants))
        if same_date and same_place:
            return other
        if no_clash and same_place and ev.sentence_idx - other.last_sentence <= 2 and (
                overlap or not ev.participants or not other.participants):
            return other
        if overlap and no_clash and same_place and ev.date_text is None:
            return other
    return None


def _merge_target(events, etype, persons, orgs, idx, date_, location) -> CoopEvent | None:
    """The event a referring clause ("the meeting", "this visit") points back to: the most
    recent one of the same type, else the most recent meeting or visit."""
    fallback = None
    for other in reversed(events):
        if _family(other.event_type) != "meet":
            continue
        if date_ is not None and other.event_date is not None and date_ != other.event_date:
            continue
        if other.event_type == etype:
            return other
        if fallback is None:
            fallback = other
    return fallback


def _merge_into_overlap(ctx, index, events, s, a, b) -> None:
    persons, orgs = _parties(ctx, index, s.start + a, s.start + b)
    if not persons:
        return
    target = None
    best = 0
    for other in events:
        score = len(set(other.participants) & set(persons))
        if score > best and _family(other.event_type) == "meet":
            target, best = other, score
    if target is not None:
        target.last_sentence = s.idx


def _absorb(ctx, target: CoopEvent, s, a, b, orgs, room, date_, precision, location, province,
            by_persons_only: bool, persons=None, negated=False, new_type: str | None = None) -> None:
    if by_persons_only:
        persons = []
        if not negated:
            m = _BY_PERSONS_RE.search(s.text, a, b)
            if m:
                persons = [p.entity_name for p in ctx.mentions_in(s.start + m.end(), s.start + b, "person")]
    for p in persons or []:
        if p not in target.participants:
            target.participants.append(p)
    for o in orgs:
        if o not in target.organisations:
            target.organisations.append(o)
    target.coordination_room = target.coordination_room or room
    if target.event_date is None and date_ is not None:
        target.event_date, target.date_precision = date_, precision
    if target.location is None and location is not None:
        target.location, target.province_code = location, province
    # the sentence naming more people is the fuller telling: it becomes the evidence
    n = len(persons or [])
    if new_type is not None and n > target.n_persons:
        target.sentence_idx, target.char_start, target.char_end = s.idx, s.start, s.end
        target.n_persons = n
        if new_type is not None:
            target.event_type = new_type
    target.last_sentence = s.idx
