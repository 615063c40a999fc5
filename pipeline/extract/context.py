"""Shared machinery of the extractors: normalised text, the gazetteer index, article context.

Every extractor works on `ArticleContext`: the article body, a *normalised* copy of it with
the same length (typographic quotes, dashes and no-break spaces folded to ASCII, one code
point for one code point, so offsets found in the copy are offsets into the body), its
sentences and the mentions found in it. Offsets are always Python code-point offsets into
`articles.body`.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

import polars as pl

# One code point for one code point: offsets in the normalised text are offsets in the body.
_FOLD = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2026": ".",
})
FOLD_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (chr(k), v) for k, v in _FOLD.items()  # for polars str.replace_many on whole columns
)

# Province codes that are not governorates: a mention of the Kurdistan Region tells no
# governorate, so it never sets an event's province.
NON_GOVERNORATE_CODES = frozenset({"IQ-KR"})

PLACE_RANK = {  # smaller is more specific (ACLED geo-precision follows from it)
    "village": 0, "neighbourhood": 0, "neighborhood": 0, "base": 0, "landmark": 0,
    "checkpoint": 0, "camp": 0, "facility": 0, "town": 1, "city": 1, "subdistrict": 2,
    "sub-district": 2, "nahiya": 2, "district": 3, "qada": 3, "mountain": 3, "area": 3,
    "region": 5, "governorate": 4, "province": 4, "country": 6,
}


_PRECISION_RANK = {"unknown": 0, "year": 1, "month": 2, "week": 3, "day": 4}
_ANCHORED_RE = re.compile(
    r"\b(?:same day|next day|following day|days? (?:later|before|after|earlier)|that day|previous day"
    r"|hours? later|weeks? later|the day before|the eve of|the next morning|later that)\b",
    re.IGNORECASE,
)


def fold(text: str) -> str:
    return text.translate(_FOLD)


def stable_id(*parts: object) -> str:
    """16-hex sha256 prefix of stable inputs (never run ids or timestamps)."""
    raw = "\x1f".join(["" if p is None else str(p) for p in parts])  # a list joins faster than a generator
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class AliasInfo:
    canonical: str
    entity_type: str  # person | organisation | place
    kind: str | None  # place_type or actor_type
    province_code: str | None
    case_sensitive: bool
    needs_context: bool
    surface: str


@dataclass(slots=True)  # tens per article: slots make them cheaper to build and read
class Mention:
    start: int
    end: int
    text: str
    entity_type: str
    entity_name: str
    kind: str | None = None
    province_code: str | None = None
    sentence_idx: int = 0

    @property
    def place_type(self) -> str | None:
        return self.kind if self.entity_type == "place" else None

    @property
    def governorate(self) -> str | None:
        code = self.province_code
        return None if code in NON_GOVERNORATE_CODES else code


@dataclass(slots=True)
class Sentence:
    idx: int
    paragraph_idx: int
    start: int
    end: int
    text: str  # folded
    has_date_cue: bool = True
    pos: int = 0  # position in ArticleContext.sentences
    # Bit masks of the incident / cooperation trigger types a vectorised pre-filter found
    # possible in this sentence (-1: all; see incidents.TRIGGER_TYPE_PATTERNS).
    inc_types: int = -1
    coop_types: int = -1


@dataclass
class ArticleContext:
    article_id: str
    body: str
    norm: str
    published: date | None
    sentences: list[Sentence]
    mentions: list[Mention] = field(default_factory=list)
    find_dates: object = None  # pipeline.extract.dates.find_dates, set by extract_all
    _date_memo: dict = field(default_factory=dict, repr=False)
    _starts: list[int] = field(default_factory=list, repr=False)
    _mention_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._starts = [s.start for s in self.sentences]

    def index_mentions(self) -> None:
        self.mentions.sort(key=lambda m: (m.start, -m.end))
        self._mention_starts = [m.start for m in self.mentions]

    # Dates are parsed lazily, only for sentences a grammar asks about and the sentences
    # their anchors need: parsing every sentence of every article would dominate run time.
    def date_mentions(self, idx: int) -> list:
        hit = self._date_memo.get(idx)
        if hit is not None:
            return hit
        s = self.sentences[idx]
        if not s.has_date_cue or self.find_dates is None:
            found = []
        else:
            anchor = self.anchor_before(idx) if _ANCHORED_RE.search(s.text) else None
            found = self.find_dates(s.text, self.published, anchor)
        self._date_memo[idx] = found
        return found

    def event_date(self, idx: int, start: int = 0, end: int | None = None) -> tuple[date | None, str]:
        """The date governing sentence `idx` (or its clause [start, end)): the rule of
        `dates.resolve_event_date`, applied to the memoised date mentions so the sentence
        is parsed once (tests/pipeline/extract/test_extract_samples.py checks they agree)."""
        found = self.date_mentions(idx)
        if end is None:
            end = len(self.sentences[idx].text)
        mentions = [d for d in found if start <= d.start < end and not getattr(d, "in_title", False)]
        tiers = (
            [d for d in mentions if not getattr(d, "reporting", False) and d.tense != "future"],
            [d for d in mentions if getattr(d, "reporting", False) and d.tense != "future"],
            [d for d in mentions if d.tense == "future"],
        )
        for tier in tiers:
            dated = [d for d in tier if d.date is not None]
            if dated:
                best = max(dated, key=lambda d: (_PRECISION_RANK.get(d.precision, 0),
                                                 getattr(d, "kind", "") == "absolute", -d.start))
                return best.date, best.precision
        return None, "unknown"

    def is_anchored(self, idx: int) -> bool:
        return _ANCHORED_RE.search(self.sentences[idx].text) is not None

    def anchor_before(self, idx: int) -> date | None:
        """The previous event date told in the article ("a day later", "the same day")."""
        for j in range(idx - 1, max(-1, idx - 12), -1):
            if not self.sentences[j].has_date_cue:
                continue
            days = [d.date for d in self.date_mentions(j)
                    if d.precision == "day" and d.date is not None and d.tense == "past"
                    and not getattr(d, "reporting", False)]
            if days:
                return days[-1]
        return None

    def peg_before(self, idx: int) -> date | None:
        """The last day the article has told of up to this sentence (its news peg)."""
        for j in range(idx, -1, -1):
            if not self.sentences[j].has_date_cue:
                continue
            days = [d.date for d in self.date_mentions(j)
                    if d.precision == "day" and d.date is not None and d.tense == "past"]
            if days:
                return days[-1]
        return None

    def sentence_at(self, pos: int) -> Sentence | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return None
        s = self.sentences[i]
        return s if pos < max(s.end, s.start + 1) else None

    def mentions_in(self, start: int, end: int, entity_type: str | None = None) -> list[Mention]:
        lo = bisect.bisect_left(self._mention_starts, start)
        hi = bisect.bisect_left(self._mention_starts, end)
        found = [m for m in self.mentions[lo:hi] if m.end <= end]
        if entity_type is not None:
            found = [m for m in found if m.entity_type == entity_type]
        return found


# ----------------------------------------------------------------------------------------
# Gazetteer index
# ----------------------------------------------------------------------------------------

_MILITANT_WORDS = ("jihad", "insurg", "terror", "militant", "armed group", "extremist", "rebel")
_STATE_WORDS = ("army", "military", "police", "security", "force", "militia", "peshmerga",
                "coalition", "government", "ministry", "state")


@dataclass
class GazIndex:
    # Aho-Corasick pattern lists for polars `str.extract_many` (leftmost-first, longest
    # first, so the longest alias at the leftmost start wins): exact-case and ASCII
    # case-insensitive. Word boundaries are checked in Python on the few matches.
    exact_patterns: list[str]
    folded_lower: list[str]  # the case-insensitive aliases lower-cased, run on lower-cased text
    aliases: dict[str, list[AliasInfo]]  # key: folded surface, lower-cased
    actor_kind: dict[str, str]  # canonical -> actor_type
    place_provinces: dict[str, tuple[str, ...]]
    province_names: dict[str, str]  # code -> press name
    province_by_name: dict[str, str]  # lower-cased name / alias -> code
    militant_actors: frozenset[str]
    state_actors: frozenset[str]
    # matched alias string -> its readings and flags (mentions._surface_readings)
    surface_memo: dict = field(default_factory=dict)

    def lookup(self, surface: str) -> list[AliasInfo]:
        return self.aliases.get(surface.lower(), [])

    def is_militant(self, canonical: str) -> bool:
        return canonical in self.militant_actors

    def is_state(self, canonical: str) -> bool:
        return canonical in self.state_actors


def _col(frame: pl.DataFrame, name: str, default=None) -> list:
    if name in frame.columns:
        return frame[name].to_list()
    return [default] * frame.height


_STATE_TYPES = frozenset({"state_security", "kurdish_security", "foreign_military", "militia"})
_GOVERNMENT_TYPES = frozenset({"ministry", "government_body", "legislature"})


def _actor_class(canonical: str, kind: str | None) -> str:
    """militant | state | government | other, from the gazetteer's actor_type."""
    kind = (kind or "").lower()
    if kind == "insurgent":
        return "militant"
    if kind in _STATE_TYPES:
        return "state"
    if kind in _GOVERNMENT_TYPES:
        return "government"
    if kind:
        return "other"
    # actors typed nowhere: read the name, but "Counter-Terrorism" is not a terrorist
    text = canonical.lower().replace("counter-terror", "").replace("counter terror", "")
    if any(w in text for w in _MILITANT_WORDS):
        return "militant"
    if any(w in text for w in _STATE_WORDS):
        return "state"
    return "other"


def build_index(gazetteer) -> GazIndex:
    aliases_frame: pl.DataFrame = gazetteer.aliases
    actors: pl.DataFrame = gazetteer.actors
    places: pl.DataFrame = gazetteer.places
    provinces: pl.DataFrame = gazetteer.provinces

    actor_kind: dict[str, str] = {}
    if actors.height:
        kinds = _col(actors, "actor_type")
        for canonical, kind in zip(_col(actors, "canonical"), kinds):
            if canonical:
                actor_kind[canonical] = kind or ""

    place_provinces: dict[str, tuple[str, ...]] = {}
    if places.height:
        for name, codes, code in zip(_col(places, "name"), _col(places, "provinces"),
                                     _col(places, "province_code")):
            if name is None:
                continue
            codes_t = tuple(c for c in (codes or []) if c) or ((code,) if code else ())
            place_provinces.setdefault(name, codes_t)

    province_names: dict[str, str] = {}
    province_by_name: dict[str, str] = {}
    for code, name, iso in zip(_col(provinces, "province_code"), _col(provinces, "province_name"),
                               _col(provinces, "iso_name")):
        province_names[code] = name
        for n in (name, iso):
            if n:
                province_by_name[fold(n).lower()] = code

    table: dict[str, list[AliasInfo]] = {}
    sensitive: set[str] = set()
    insensitive: set[str] = set()
    for row in aliases_frame.iter_rows(named=True):
        surface = fold(str(row.get("surface") or "")).strip()
        if len(surface) < 2:
            continue
        info = AliasInfo(
            canonical=row["canonical"],
            entity_type=row.get("entity_type") or "organisation",
            kind=row.get("kind"),
            province_code=row.get("province_code"),
            case_sensitive=bool(row.get("case_sensitive")),
            needs_context=bool(row.get("needs_context")),
            surface=surface,
        )
        bucket = table.setdefault(surface.lower(), [])
        if info not in bucket:
            bucket.append(info)
        (sensitive if info.case_sensitive else insensitive).add(surface)
        if info.entity_type == "place" and info.kind in ("governorate", "province") and info.province_code:
            province_by_name.setdefault(surface.lower(), info.province_code)
        if info.entity_type == "organisation":
            actor_kind.setdefault(info.canonical, info.kind or "")
    # A case-insensitive alias already covers its case-sensitive twin.
    lowered = {i.lower() for i in insensitive}
    sensitive = {x for x in sensitive if x.lower() not in lowered}
    order = lambda xs: sorted(xs, key=lambda x: (-len(x), x))  # noqa: E731
    militant = frozenset(c for c, k in actor_kind.items() if _actor_class(c, k) == "militant")
    state = frozenset(c for c, k in actor_kind.items() if _actor_class(c, k) == "state")
    index = GazIndex(
        exact_patterns=order(sensitive),
        folded_lower=order({x.lower() for x in insensitive}),
        aliases=table,
        actor_kind=actor_kind,
        place_provinces=place_provinces,
        province_names=province_names,
        province_by_name=province_by_name,
        militant_actors=militant,
        state_actors=state,
    )
    return index


_INDEX_CACHE: dict[int, tuple[object, GazIndex]] = {}


def gaz_index(gazetteer) -> GazIndex:
    """The index of a gazetteer, built once per gazetteer object."""
    key = id(gazetteer)
    hit = _INDEX_CACHE.get(key)
    if hit is not None and hit[0] is gazetteer:
        return hit[1]
    index = build_index(gazetteer)
    _INDEX_CACHE[key] = (gazetteer, index)
    return index


# ----------------------------------------------------------------------------------------
# Small text helpers shared by the grammars
# ----------------------------------------------------------------------------------------

def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside straight double quotes of a folded sentence or paragraph.

    An unbalanced opening quote runs to the end of the text (quotes that span sentences).
    """
    spans: list[tuple[int, int]] = []
    pos = []
    i = text.find('"')
    while i >= 0:
        pos.append(i)
        i = text.find('"', i + 1)
    for i in range(0, len(pos), 2):
        start = pos[i]
        end = pos[i + 1] + 1 if i + 1 < len(pos) else len(text)
        spans.append((start, end))
    return spans


def in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)
