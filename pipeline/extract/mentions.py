"""Mentions of places, organisations and persons, with exact spans into the body.

Places and organisations come from the gazetteer's alias table. All aliases are compiled
into one regular expression (alternatives longest first, so "Iraqi Ministry of Defense"
wins over "Iraqi" at the same start) that polars runs over every body at once in Rust.
Python then only walks the matched strings to recover code-point offsets and applies the
rules a regex cannot hold cheaply: case-sensitive aliases (IS), aliases that need a
locative context (`needs_context`: only after in/near/of/from/to/at or before
district/town/city/village/area) and which of several gazetteer readings a surface has
("Kirkuk province" is the governorate, "Kirkuk" alone the city).

Persons are not in the gazetteer. They are read from titles and roles ("Maj. Gen.",
"Prime Minister of the Kurdistan Region", "Secretary of State", "spokesman"...) followed
by capitalised name tokens (with al-/Abdul-/bin particles and "III"), from appositions
("Sirwan Barzani, a Peshmerga commander"), and from speech verbs ("Faris Issa told").
A later surname-only reference ("Barzani", "Ghanimi") resolves to the most recent full
name with that surname in the same article; two different Barzanis stay two people.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from pipeline.extract.context import ArticleContext, GazIndex, Mention

# Words after which a context-dependent place alias is read as a place.
_LOCATIVE_BEFORE = frozenset(
    "in near of from to at into outside around across toward towards between".split()
)
_LOCATIVE_AFTER = frozenset(
    "district town city village area subdistrict sub-district province governorate region "
    "neighbourhood neighborhood camp base mountain mountains countryside outskirts".split()
)
_MEMBER_NOUNS = frozenset(
    "militants militant fighters fighter members member gunmen gunman insurgents jihadists cells cell "
    "elements terrorists suicide sniper snipers remnants attackers commander commanders leader emir".split()
)
_TYPE_WORD_RE = re.compile(r"\s*(province|governorate|district|sub-?district|city|town|village|region)\b",
                           re.IGNORECASE)

_PROVINCE_TYPES = ("governorate", "province")
_CITY_TYPES = ("city", "town", "village")
_DISTRICT_TYPES = ("district", "subdistrict", "sub-district", "qada", "nahiya")


# ASCII word characters: an alias match inside a word ("Hai" in "Haidar") is no mention.
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _choose_reading(readings, following: str):
    """Pick the gazetteer reading of a surface from the word that follows it."""
    if len(readings) == 1:
        return readings[0]
    m = _TYPE_WORD_RE.match(following)
    word = m.group(1).lower() if m else ""
    places = [r for r in readings if r.entity_type == "place"]
    if places:
        if word in ("province", "governorate"):
            pick = [r for r in places if r.kind in _PROVINCE_TYPES]
        elif word in ("district", "subdistrict", "sub-district"):
            pick = [r for r in places if r.kind in _DISTRICT_TYPES]
        elif word in _CITY_TYPES:
            pick = [r for r in places if r.kind in _CITY_TYPES]
        else:
            # A bare name is the town rather than the district or governorate named after it.
            pick = sorted(places, key=lambda r: 0 if r.kind in _CITY_TYPES else
                          1 if r.kind in _DISTRICT_TYPES else 2)
        if pick:
            return pick[0]
        return places[0]
    return readings[0]


def _surface_readings(found: str, index: GazIndex) -> tuple[list, bool, bool, bool]:
    """What a matched alias string means, independent of where it occurs: its readings,
    whether all of them are context-dependent actors / context-dependent at all, and
    whether it ends in "city"/"town". Memoised per surface on the index: an article
    repeats its aliases, and a batch repeats them across articles."""
    key = " ".join(found.split())
    readings = [r for r in index.lookup(key) if not r.case_sensitive or r.surface == key]
    all_context = all(r.needs_context for r in readings)
    org_context = all_context and all(r.entity_type == "organisation" for r in readings)
    city_suffix = re.search(r"\s(?:city|town)$", key, re.I) is not None
    return readings, org_context, all_context and not org_context, city_suffix


def gazetteer_mentions(ctx: ArticleContext, exact: list[tuple[int, int, str]], folded: list[tuple[int, int, str]],
                       lower: str, index: GazIndex) -> list[Mention]:
    """Mentions from the two Aho-Corasick passes, given as whole-word (start, end, string)
    spans: exact-case aliases on the folded text, case-insensitive aliases (lower-cased) on
    its lower-cased copy."""
    norm = ctx.norm
    out: list[Mention] = []
    folded_spans = folded
    if folded_spans and len(lower) != len(norm):
        # lower-casing changed the length (a rare letter such as "İ"): map offsets back
        back = [i for i, ch in enumerate(norm) for _ in range(len(ch.lower()))]
        back.append(len(norm))
        folded_spans = [(back[a], back[b], norm[back[a]:back[b]]) for a, b, _ in folded_spans]
    else:
        folded_spans = [(a, b, norm[a:b]) for a, b, _ in folded_spans]
    spans = exact + folded_spans
    if not spans:
        return out
    spans.sort(key=lambda t: (t[0], t[0] - t[1]))
    kept = []
    last_end = -1
    for t in spans:
        if t[0] >= last_end:
            kept.append(t)
            last_end = t[1]
    pending: list[Mention] = []
    confirmed: set[str] = set()  # actors named unambiguously somewhere in the article
    memo = index.surface_memo
    for pos, end, found in kept:
        hit = memo.get(found)
        if hit is None:
            hit = memo[found] = _surface_readings(found, index)
        readings, org_context, place_context, city_suffix = hit
        if not readings:
            continue
        deferred = False
        if org_context:
            # an ambiguous actor name counts when a member noun follows it ("IS militants")
            # or when the article also names the actor unambiguously (checked at the end)
            nxt = norm[end:end + 16].split()
            deferred = not (nxt and nxt[0].lower().strip(".,;:") in _MEMBER_NOUNS)
        elif place_context:
            before = norm[max(0, pos - 20):pos].split()
            after = norm[end:end + 20].split()
            prev_word = before[-1].lower() if before else ""
            next_word = after[0].lower().strip(".,;:") if after else ""
            if prev_word not in _LOCATIVE_BEFORE and next_word not in _LOCATIVE_AFTER:
                continue
        reading = _choose_reading(readings, norm[end:end + 16])
        kind = reading.kind
        if reading.entity_type == "place" and kind in _PROVINCE_TYPES and city_suffix:
            kind = "city"  # "Kirkuk city" is the city, whatever tier the name's reading has
        province = reading.province_code
        if reading.entity_type == "place" and province is None:
            codes = index.place_provinces.get(reading.canonical, ())
            province = codes[0] if len(codes) == 1 else None
        out.append(Mention(
            start=pos, end=end, text=ctx.body[pos:end], entity_type=reading.entity_type,
            entity_name=reading.canonical, kind=kind,
            province_code=province if reading.entity_type == "place" else None,
        ))
        if deferred:
            pending.append(out[-1])
        else:
            confirmed.add(reading.canonical)
    if pending:
        drop = {id(m) for m in pending if m.entity_name not in confirmed}
        if drop:
            out = [m for m in out if id(m) not in drop]
    return out


# ----------------------------------------------------------------------------------------
# Persons
# ----------------------------------------------------------------------------------------

_TITLE_ALTS = [
    r"Prime\s+Minister", r"Deputy\s+Prime\s+Minister", r"PM", r"(?:Vice\s+)?President",
    r"Chancellor", r"Maj\.\s*Gen\.", r"Lt\.\s*Gen\.", r"Lie\.\s*Gen\.", r"Brig\.\s*Gen\.",
    r"Gen\.", r"Brigadier\s+General", r"Major\s+General", r"Lieutenant\s+General",
    r"Lieutenant\s+Colonel", r"Lt\.\s*Col\.", r"Col\.", r"Colonel", r"General", r"Brigadier",
    r"Maj\.", r"Capt\.", r"Captain", r"Sgt\.", r"Ambassador", r"Secretary\s+of\s+State",
    r"Secretary\s+of\s+(?:Defense|Defence)", r"Secretary-General", r"Secretary",
    r"[Mm]inister(?:\s+of\s+[A-Z][a-z]+(?:\s+Affairs)?)?", r"[Ss]pokes(?:man|person|woman)",
    r"[Cc]ommander(?:-in-[Cc]hief)?", r"[Cc]hief\s+of\s+[Ss]taff", r"[Ee]nvoy", r"[Ll]awmaker",
    r"MP", r"[Mm]ember\s+of\s+[Pp]arliament", r"Sheikh", r"Shaikh", r"[Gg]overnor", r"[Mm]ayor",
    r"Speaker", r"Senator", r"Sen\.", r"Rep\.", r"Dr\.", r"Judge", r"[Dd]irector", r"Ayatollah",
    r"Imam", r"Mr\.", r"Mrs\.", r"Ms\.", r"Adm\.", r"Admiral", r"King", r"Emir", r"Cleric",
    r"[Cc]oordinator", r"[Aa]dviser", r"[Aa]dvisor", r"[Cc]hief",
]
TITLE_PATTERN = r"(?<![\w.])(?:" + "|".join(_TITLE_ALTS) + r")(?![\w-])"
_TITLE_RE = re.compile(TITLE_PATTERN)

_PARTICLE = r"(?:(?:al|el|Al|El|bin|Bin|ibn|Ibn|Abu|Abdul|Abd|Umm|Abdel|Abdal)[-\s])"
_TOKEN = rf"(?:{_PARTICLE}?[A-Z][a-zA-Z']+(?:-[A-Z][a-zA-Z']+)?|[A-Z]\.)"
_NAME = rf"{_TOKEN}(?:[ \t]+{_TOKEN}){{0,4}}(?:[ \t]+(?:III|II|IV|Jr\.?|Sr\.?))?"
_NAME_RE = re.compile(_NAME)

# Capitalised words that are never part of a personal name in this domain.
_NOT_NAME = frozenset("""
The A An In On At Of For And But Or To From By With As After Before During Since While When
This That These Those His Her Their Its Our We They He She It I You Iraq Iraqi Iraqis Kurdish
Kurdistan Kurd Kurds US U.S. American Americans British French German Turkish Iranian Syrian
Arab Sunni Shia Shiite Islamic State ISIS ISIL IS Daesh Army Police Forces Force Ministry
Council Committee Command Operations Operation Brigade Division Regiment Battalion Region
Regional Province Governorate District Government Security Affairs Intelligence Directorate
Coalition Global Joint Federal National International Special Deputy Senior Commanding Head
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
June July August September October November December Parliament Parliamentary Defense Defence
Interior Foreign Office Department Staff Chief General Minister Prime President Secretary
Commander Spokesman Spokesperson Ambassador Envoy Rudaw Reuters AFP AP Kurdistan24 Telegram
Peshmerga Hashd Popular Mobilization Mobilisation Units Unit Counter Terrorism Service Centre
Center Room Rooms Conference Mountains Mountain Base Camp Airport Airbase Bridge Street
Road Highway Square City Town Village University Hospital Mosque Church Station Checkpoint
Read More Photo Editing Source White House Pentagon Inspector Commission Human Rights Brigadier
Colonel Major Lieutenant Captain Mr Mrs Ms Dr PM MP Why What Who How Where Meanwhile However
Also Yes No Last Next Earlier Later Today Yesterday Islamist Jihadist Crusaders Will Win End
Supported Amid According Although Along Another Both Each Every Top Members Member Most Many
""".split())

_ROLE_WORDS = (
    r"commander|member|spokes(?:man|person|woman)|chief|envoy|minister|official|officer|lawmaker"
    r"|governor|leader|head|director|adviser|advisor|analyst|expert|researcher|professor"
    r"|journalist|correspondent|MP|deputy|general|colonel|mayor|sheikh|president|secretary"
    r"|ambassador|representative|coordinator|politician|activist|resident|senator|cleric"
)
# Appositions, speech verbs and possessives are found from their anchor (the comma + role,
# the verb, the "'s"), and the name is then read backwards or forwards from it: scanning
# for a name at every position of every article would cost far more.
_APPOSITION_ANCHOR_RE = re.compile(rf",\s+(?:a\s+|an\s+|the\s+)?(?:[\w'-]+\s+){{0,5}}?(?i:{_ROLE_WORDS})\b")
_SPEECH_VERBS = tuple(" " + v for v in (
    "told", "said", "added", "warned", "stated", "explained", "noted", "stressed", "confirmed", "announced",
    "tweeted", "wrote"))
_LED_BY_RE = re.compile(r"\b(?:headed|led|chaired|accompanied) by (?=[A-Z])")
_POSSESSIVE_ANCHOR_RE = re.compile(r"\b(?:told|interviewed)\s+[A-Z][\w ]{0,30}?'s\s+")
# Every match of _LED_BY_RE / _POSSESSIVE_ANCHOR_RE (both case-sensitive) starts with one of these.
_LED_BY_WORDS = ("headed by ", "led by ", "chaired by ", "accompanied by ")
_POSSESSIVE_WORDS = ("told", "interviewed")


def _finditer_from(rx: re.Pattern, text: str, words: tuple[str, ...]):
    """The matches of `rx.finditer(text)`, for a pattern whose every (non-empty) match
    starts with one of `words`: `rx.match` is tried only where a word occurs (found at
    memchr speed) instead of a regex scan of the whole article."""
    starts = []
    for w in words:
        i = text.find(w)
        while i >= 0:
            starts.append(i)
            i = text.find(w, i + 1)
    end = 0
    for i in sorted(starts):
        if i < end:
            continue  # inside the previous match: finditer resumes after it
        m = rx.match(text, i)
        if m:
            end = m.end()
            yield m


_NAME_BEFORE_RE = re.compile(rf"(?<![\w.'-])({_NAME})$")
# Sentences with a title (vectorised pre-filter in Rust syntax: no look-arounds).
TITLE_CUE_PATTERN = r"\b(?:" + "|".join(_TITLE_ALTS) + r")"
_SKIPPABLE = re.compile(r"\s*(?:,\s*)?(?:of\s+the|of|for\s+the|for|to\s+the|at\s+the|at|in\s+the|the)?\s*")



@dataclass
class _Person:
    start: int
    end: int
    tokens: tuple[str, ...]


def _clean_tokens(name: str) -> tuple[str, ...] | None:
    tokens = name.split()
    # Trailing non-name capitals (e.g. "Barzani Also") end the name.
    while tokens and tokens[-1] in _NOT_NAME:
        tokens.pop()
    if not tokens:
        return None
    if tokens[0] in _NOT_NAME:
        return None
    if any(t in _NOT_NAME or t.endswith("'s") for t in tokens):
        return None
    return tuple(tokens)


class _Spans:
    """Sorted spans with overlap tests by bisection."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]
        self.end_at = {a: b for a, b in self.spans}

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        i = max(0, bisect.bisect_right(self.starts, start) - 2)
        out = []
        for a, b in self.spans[i:]:
            if a >= end:
                break
            if b > start:
                out.append((a, b))
        return out


def _name_at(ctx: ArticleContext, pos: int, limit: int, gaz_spans: _Spans) -> _Person | None:
    """The personal name starting at `pos` (after a title), skipping org/place complements."""
    norm = ctx.norm
    for _ in range(4):
        m = _SKIPPABLE.match(norm, pos)
        p = m.end() if m else pos
        hit = gaz_spans.end_at.get(p)
        if hit is not None:
            pos = hit
            continue
        t = _TITLE_RE.match(norm, p)
        if t:
            pos = t.end()
            continue
        pos = p
        break
    m = _NAME_RE.match(norm, pos)
    if not m or m.end() > limit:
        return None
    overlaps = gaz_spans.overlapping(m.start(), m.end())
    if overlaps:
        # a name never overlaps a gazetteer entity; cut it at the entity
        cut = min((s for s, e in overlaps if s >= m.start()), default=None)
        if cut is None or cut <= m.start():
            return None
        text = norm[m.start():cut].rstrip()
    else:
        text = m.group(0)
    tokens = _clean_tokens(text)
    if not tokens:
        return None
    start = m.start()
    end = _span_end(norm, start, tokens)  # tokens may be separated by several spaces
    return _Person(start, end, tokens)


def _span_end(text: str, start: int, tokens: tuple[str, ...]) -> int:
    pos = start
    for tok in tokens:
        pos = text.find(tok, pos) + len(tok)
    return pos


# Names recur across a batch (officials, spokesmen): their surname and key are memoised,
# bounded by clearing when full.
_SURNAMES: dict[tuple[str, ...], str] = {}
_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {}
_NAME_MEMO_SIZE = 100_000
_SURNAME_PREFIX_RE = re.compile(r"^(?:al|el|Al|El)-")
_KEY_SPLIT_RE = re.compile(r"[\s-]+")


def _surname(tokens: tuple[str, ...]) -> str:
    hit = _SURNAMES.get(tokens)
    if hit is None:
        toks = [t for t in tokens if t not in ("III", "II", "IV", "Jr.", "Jr", "Sr.", "Sr")]
        hit = _SURNAME_PREFIX_RE.sub("", toks[-1])
        if len(_SURNAMES) >= _NAME_MEMO_SIZE:
            _SURNAMES.clear()
        _SURNAMES[tokens] = hit
    return hit


def _key(tokens: tuple[str, ...]) -> tuple[str, ...]:
    hit = _KEYS.get(tokens)
    if hit is None:
        hit = tuple(t.lower() for t in _KEY_SPLIT_RE.split(" ".join(tokens)) if t)
        if len(_KEYS) >= _NAME_MEMO_SIZE:
            _KEYS.clear()
        _KEYS[tokens] = hit
    return hit


def person_mentions(ctx: ArticleContext, title_sentences: list[int]) -> list[Mention]:
    norm = ctx.norm
    gaz_spans = _Spans([(m.start, m.end) for m in ctx.mentions])
    found: list[_Person] = []
    for pos in title_sentences:
        sent = ctx.sentences[pos]
        for t in _TITLE_RE.finditer(norm, sent.start, sent.end):
            person = _name_at(ctx, t.end(), sent.end, gaz_spans)
            if person:
                found.append(person)

    def add(start: int, name: str) -> None:
        if gaz_spans.overlapping(start, start + 1):
            return
        tokens = _clean_tokens(name)
        if not tokens or len(tokens) < 2 or norm[start:start + len(tokens[0])] != tokens[0]:
            return
        found.append(_Person(start, _span_end(norm, start, tokens), tokens))

    # anchors by str.find (memchr speed) rather than a regex scan of the whole article
    anchors: list[int] = []
    for verb in _SPEECH_VERBS:
        i = norm.find(verb)
        while i >= 0:
            if i + len(verb) >= len(norm) or not norm[i + len(verb)].isalnum():
                anchors.append(i)
            i = norm.find(verb, i + 1)
    i = norm.find(", ")
    while i >= 0:
        if _APPOSITION_ANCHOR_RE.match(norm, i):
            anchors.append(i)
        i = norm.find(", ", i + 1)
    for pos in anchors:
        if pos == 0 or not norm[pos - 1].isalpha():
            continue
        m = _NAME_BEFORE_RE.search(norm, max(0, pos - 70), pos)
        if m:
            add(m.start(1), m.group(1))
    for a in _finditer_from(_LED_BY_RE, norm, _LED_BY_WORDS):
        m = _NAME_RE.match(norm, a.end())
        if m:
            add(m.start(), m.group(0))
    for a in _finditer_from(_POSSESSIVE_ANCHOR_RE, norm, _POSSESSIVE_WORDS):
        m = _NAME_RE.match(norm, a.end())
        if m:
            add(m.start(), m.group(0))
    if not found:
        return []
    # One mention per span; a longer name covering a shorter one at the same place wins.
    found.sort(key=lambda p: (p.start, -(p.end - p.start)))
    spans: list[_Person] = []
    for p in found:
        if spans and p.start < spans[-1].end:
            continue
        spans.append(p)
    # Canonical names in article order: a full name, or a surname resolved to one.
    canon_of_key: dict[tuple[str, ...], str] = {}
    fulls: list[tuple[int, str, str]] = []  # (pos, surname, canonical)
    out: list[Mention] = []

    def resolve_surname(surname: str, pos: int) -> str | None:
        before = [c for p, s, c in fulls if s == surname and p <= pos]
        if before:
            return before[-1]
        after = [c for p, s, c in fulls if s == surname]
        return after[0] if after else None

    # First pass: full names (2+ tokens) define people.
    for p in spans:
        if len(p.tokens) < 2:
            continue
        key = _key(p.tokens)
        canonical = canon_of_key.get(key)
        if canonical is None:
            surname = _surname(p.tokens)
            # "Abdul Amir Yarallah" and "Abdul-Amir Rashid Yarallah" are one person: same
            # surname and one name's tokens a subset of the other's.
            for other_key, other in canon_of_key.items():
                if other_key[-1] == key[-1] and (set(key) <= set(other_key) or set(other_key) <= set(key)):
                    canonical = other
                    break
            if canonical is None:
                canonical = " ".join(p.tokens)
            canon_of_key[key] = canonical
        fulls.append((p.start, _surname(p.tokens), canonical))
    for p in spans:
        if len(p.tokens) >= 2:
            name = canon_of_key[_key(p.tokens)]
        else:
            name = resolve_surname(_surname(p.tokens), p.start) or p.tokens[0]
        out.append(Mention(p.start, p.end, ctx.body[p.start:p.end], "person", name))
    # Bare surnames elsewhere in the article.
    taken = _Spans([(m.start, m.end) for m in out] + gaz_spans.spans)
    surnames = {s for _, s, _ in fulls}
    n = len(norm)
    for surname in surnames:
        i = norm.find(surname)
        while i >= 0:
            start, end = i, i + len(surname)
            i = norm.find(surname, end)
            if end < n and (norm[end].isalnum() or norm[end] in "-_"):
                continue
            if norm[max(0, start - 3):start] in ("al-", "el-"):
                start -= 3
            if start > 0 and (norm[start - 1].isalnum() or norm[start - 1] in "-_"):
                continue
            if taken.overlapping(start, start + 1):
                continue
            name = resolve_surname(surname, start)
            if name:
                out.append(Mention(start, end, ctx.body[start:end], "person", name))
    return out


def assign_sentences(ctx: ArticleContext, mentions: list[Mention]) -> list[Mention]:
    kept = []
    for m in mentions:
        s = ctx.sentence_at(m.start)
        if s is None or m.end > s.end:
            continue  # a mention across a sentence break is a splitter artefact; drop it
        m.sentence_idx = s.idx
        kept.append(m)
    return kept
