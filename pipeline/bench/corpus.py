"""A seeded generator of realistic English news corpora about the ISIS insurgency in Iraq,
with the ground truth of every article, and a scorer of extractions against that truth.

The articles imitate the sample articles (Kurdistan 24, Rudaw, wire services, blog reposts):
a headline, a dateline, incident reports in many phrasings (dates relative to the publication
date, counts in digits, words and enumerations), cooperation meetings, al-Naba tallies,
distractors that look like incidents but are not (vows, denials, history, tactics, training
counts), boilerplate (Read More, Editing by, Popular posts, photo captions) and syndicated
near-copies of earlier articles under another outlet.

Every article is a pure function of ``(seed, index, ref_n)``: its own ``random.Random`` is
seeded from those values, so the same seed gives byte-identical files, a corpus can be
extended (``start=n``) without regenerating it, and a syndicated copy re-derives the article
it copies instead of keeping earlier articles in memory. Writing streams one article at a
time, so memory stays flat from 1k to 1M articles.

Layout written under ``out``::

    articles/<YYYY-MM>/<index>_<outlet>.txt   the landing directory (SITREP_ARTICLES_DIR)
    articles/<YYYY-MM>/manifest.csv           file,source,published_at for that directory
    truth.jsonl                               one line per article file: what it really says
    corpus.json                               parameters and totals

``truth.jsonl`` sits outside ``articles/`` because the pipeline reads ``*.jsonl`` as articles.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from bisect import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from random import Random
from typing import Any

START_DATE = date(2019, 1, 1)
# Publication dates spread over three years whatever the size, so monthly partitions grow
# with the corpus instead of multiplying.
SPAN_DAYS = 1096

SYNDICATED_SHARE = 0.05
EXACT_DUPLICATE_SHARE = 0.005
MISSING_DATE_SHARE = 0.015
SYNDICATION_WINDOW = 300

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")

_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def number_words(n: int) -> str:
    """English words for 0..99 ("twenty-three"); larger numbers stay in digits."""
    if n < 20:
        return _UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _TENS[tens] + ("-" + _UNITS[unit] if unit else "")
    return f"{n:,}"


# --- geography ---------------------------------------------------------------------------

# COD-AB governorate P-codes to ISO 3166-2:IQ (pycountry), used only when the project's
# gazetteer is not importable.
_COD_TO_ISO = {
    "IQG01": "IQ-AN", "IQG02": "IQ-BA", "IQG03": "IQ-MU", "IQG04": "IQ-NA", "IQG05": "IQ-QA",
    "IQG06": "IQ-SU", "IQG07": "IQ-BB", "IQG08": "IQ-BG", "IQG09": "IQ-DA", "IQG10": "IQ-DI",
    "IQG11": "IQ-AR", "IQG12": "IQ-KA", "IQG13": "IQ-KI", "IQG14": "IQ-MA", "IQG15": "IQ-NI",
    "IQG16": "IQ-SD", "IQG17": "IQ-DQ", "IQG18": "IQ-WA",
}
# Spellings of governorates in the English-language press.
_PRESS_PROVINCE_NAMES = {
    "IQ-AN": ("Anbar",), "IQ-BA": ("Basra",), "IQ-MU": ("Muthanna",), "IQ-NA": ("Najaf",),
    "IQ-QA": ("Diwaniyah", "Qadisiyah"), "IQ-SU": ("Sulaimani", "Sulaymaniyah"),
    "IQ-BB": ("Babil",), "IQ-BG": ("Baghdad",), "IQ-DA": ("Duhok",), "IQ-DI": ("Diyala",),
    "IQ-AR": ("Erbil",), "IQ-KA": ("Karbala",), "IQ-KI": ("Kirkuk",), "IQ-MA": ("Maysan",),
    "IQ-NI": ("Nineveh",), "IQ-SD": ("Salahaddin", "Salahuddin", "Saladin"),
    "IQ-DQ": ("Dhi Qar",), "IQ-WA": ("Wasit",),
}
# Where the insurgency was reported, roughly: the disputed territories and the west.
_PROVINCE_WEIGHTS = {
    "IQ-DI": 15, "IQ-KI": 14, "IQ-SD": 14, "IQ-NI": 12, "IQ-AN": 11, "IQ-BG": 9, "IQ-AR": 3,
    "IQ-SU": 2, "IQ-BB": 2, "IQ-DA": 1, "IQ-WA": 1, "IQ-KA": 1, "IQ-NA": 1, "IQ-QA": 1,
    "IQ-BA": 1, "IQ-MU": 1, "IQ-DQ": 1, "IQ-MA": 1,
}
_PROVINCE_CODES = tuple(_PROVINCE_WEIGHTS)
_PROVINCE_WEIGHT_VALUES = tuple(_PROVINCE_WEIGHTS.values())
_CAPITALS = {
    "IQ-AN": "Ramadi", "IQ-BA": "Basra", "IQ-MU": "Samawah", "IQ-NA": "Najaf",
    "IQ-QA": "Diwaniyah", "IQ-SU": "Sulaimani", "IQ-BB": "Hillah", "IQ-BG": "Baghdad",
    "IQ-DA": "Duhok", "IQ-DI": "Baquba", "IQ-AR": "Erbil", "IQ-KA": "Karbala",
    "IQ-KI": "Kirkuk", "IQ-MA": "Amarah", "IQ-NI": "Mosul", "IQ-SD": "Tikrit",
    "IQ-DQ": "Nasiriyah", "IQ-WA": "Kut",
}
_NON_SETTLEMENT_TYPES = ("province", "governorate", "region", "country", "mountain", "river",
                         "lake", "base", "camp", "border", "desert", "valley", "dam", "range",
                         "crossing", "oilfield", "prison", "site")
# Facilities and administrative labels that read oddly as "in X, Y province".
_NON_SETTLEMENT_NAME = re.compile(r"\(|^Markaz\s|\b(?:oilfield|prison|camp|crossing|base|airport|dam|lake|citadel|refinery|bridge|station|field)\b",
                                  re.IGNORECASE)
_SHARED_COD_CSV = Path("/work/shared/gazetteer/iraq_cod_ab_adm3.csv")


@dataclass(frozen=True)
class Geography:
    """Province names and unambiguous towns per ISO province code."""

    province_names: dict[str, tuple[str, ...]]
    towns: dict[str, tuple[str, ...]]
    source: str


def _unambiguous(pairs: Iterable[tuple[str, str]], province_names: Mapping[str, tuple[str, ...]]
                 ) -> dict[str, tuple[str, ...]]:
    """Towns whose name belongs to one province only, so the truth province is certain."""
    homes: dict[str, set[str]] = defaultdict(set)
    for name, code in pairs:
        name = name.strip()
        if (name and code in province_names and name.isascii() and len(name) > 2
                and not _NON_SETTLEMENT_NAME.search(name)):
            homes[name].add(code)
    reserved = {n.lower() for names in province_names.values() for n in names}
    towns: dict[str, list[str]] = defaultdict(list)
    for name, codes in homes.items():
        if len(codes) == 1 and name.lower() not in reserved:
            towns[next(iter(codes))].append(name)
    return {code: tuple(sorted(towns.get(code, ()))) or (_CAPITALS[code],)
            for code in province_names}


def _geography_from_cod_csv() -> Geography:
    data_dir = Path(__file__).resolve().parents[1] / "gazetteer" / "data"
    candidates = [data_dir / "cod_ab_adm3.csv", data_dir / "iraq_cod_ab_adm3.csv",
                  _SHARED_COD_CSV]
    path = next((p for p in candidates if p.exists()), None)
    if path is None:
        raise FileNotFoundError("no gazetteer: neither pipeline.gazetteer nor the COD-AB csv")
    pairs = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = _COD_TO_ISO.get(row["ADM1_PCODE"])
            for name in (row["ADM2_EN"], row["ADM3_EN"]):
                # "Markaz X" is the administrative centre of X: the press just says X.
                pairs.append((re.sub(r"^Markaz\s+", "", name), code))
    return Geography(dict(_PRESS_PROVINCE_NAMES), _unambiguous(pairs, _PRESS_PROVINCE_NAMES),
                     f"csv:{path.name}")


def _geography_from_gazetteer(gaz: Any) -> Geography:
    provinces = gaz.provinces
    known = {row["province_code"]: row["province_name"]
             for row in provinces.iter_rows(named=True) if row["province_code"] in _PROVINCE_WEIGHTS}
    alias_surfaces: dict[str, set[str]] = defaultdict(set)
    for row in gaz.aliases.iter_rows(named=True):
        if row.get("province_code"):
            alias_surfaces[row["province_code"]].add(str(row["surface"]).lower())
    names: dict[str, tuple[str, ...]] = {}
    for code in _PROVINCE_WEIGHTS:
        # Press variants only where the gazetteer knows them, so the truth stays resolvable.
        variants = [v for v in _PRESS_PROVINCE_NAMES[code] if v.lower() in alias_surfaces[code]]
        if not variants:
            variants = [known.get(code) or _PRESS_PROVINCE_NAMES[code][0]]
        names[code] = tuple(variants)
    pairs = []
    for row in gaz.places.iter_rows(named=True):
        kind = str(row.get("place_type") or "").lower()
        if row.get("ambiguous") or not row.get("province_code"):
            continue
        if any(t in kind for t in _NON_SETTLEMENT_TYPES):
            continue
        pairs.append((str(row["name"]), row["province_code"]))
    return Geography(names, _unambiguous(pairs, names), "pipeline.gazetteer")


@lru_cache(maxsize=1)
def geography() -> Geography:
    """The project gazetteer when it is importable, else the COD-AB skeleton."""
    try:
        from pipeline.gazetteer import load_gazetteer

        gazetteer = load_gazetteer()
    except (ImportError, OSError):
        # The gazetteer package or its data files are not there (yet): use the skeleton.
        return _geography_from_cod_csv()
    return _geography_from_gazetteer(gazetteer)


# --- vocabulary --------------------------------------------------------------------------

_ISIS_SURFACES = ("ISIS militants", "Islamic State (ISIS) militants", "suspected ISIS militants",
                  "Daesh militants", "ISIS gunmen", "suspected Islamic State gunmen",
                  "militants of the Islamic State", "ISIS fighters", "an ISIS cell",
                  "IS militants", "ISIS remnants")
_UNKNOWN_SURFACES = ("unidentified gunmen", "gunmen", "unknown assailants")

# canonical target, target type, singular noun, plural noun, position attacked, vehicle
_TARGETS = (
    ("Peshmerga", "military", ("Peshmerga fighter", "Peshmerga soldier"),
     ("Peshmerga fighters", "Peshmerga soldiers"), ("a Peshmerga outpost", "Peshmerga positions"),
     ("a Peshmerga vehicle",)),
    ("Popular Mobilization Forces", "military", ("PMF fighter", "Hashd al-Shaabi fighter"),
     ("PMF fighters", "Popular Mobilization Forces (PMF) fighters", "Hashd al-Shaabi fighters"),
     ("PMF positions", "a PMF checkpoint"), ("a PMF vehicle",)),
    ("Federal Police", "police", ("federal police officer", "federal policeman"),
     ("federal police officers", "federal policemen"),
     ("a federal police checkpoint", "a police station"), ("a federal police patrol",)),
    ("Iraqi Army", "military", ("Iraqi soldier", "soldier", "army officer"),
     ("Iraqi soldiers", "soldiers", "Iraqi army soldiers"),
     ("an army checkpoint", "an Iraqi army outpost"), ("an army convoy", "a military vehicle")),
    ("Iraqi Security Forces", "military", ("member of the Iraqi security forces",),
     ("members of the Iraqi security forces", "members of the security forces"),
     ("a security checkpoint",), ("a security forces patrol",)),
    ("civilians", "civilians", ("civilian", "shepherd", "farmer", "villager"),
     ("civilians", "shepherds", "farmers", "villagers"),
     ("a village", "a farm"), ("a minibus", "a civilian car")),
)
_TARGET_WEIGHTS = (14, 14, 10, 14, 6, 14)

_EVENT_TYPES = ("armed_assault", "bombing", "suicide_bombing", "arson", "kidnapping",
                "assassination", "execution", "airstrike", "security_operation")
_EVENT_WEIGHTS = (36, 20, 3, 6, 6, 5, 3, 9, 12)

_IRAQI_FIRST = ("Abdul-Amir", "Othman", "Saad", "Tahsin", "Yehia", "Qais", "Jabbar", "Hamid",
                "Ali", "Mohammed", "Falih", "Riyadh", "Haider", "Khalid", "Ahmed", "Salah", "Karim")
_IRAQI_LAST = ("al-Ghanimi", "Yarallah", "al-Alaq", "Khafaji", "Rasool", "al-Muhammadawi",
               "al-Shammari", "al-Obeidi", "al-Jubouri", "al-Saadi", "al-Dulaimi", "al-Zaidi",
               "al-Tamimi", "al-Asadi")
_KURDISH_FIRST = ("Masrour", "Rebar", "Sirwan", "Jabar", "Qaraman", "Bakhtiyar", "Karwan",
                  "Hemin", "Shaswar", "Dilshad", "Aziz", "Sherwan", "Hajar", "Nasser", "Shorsh")
_KURDISH_LAST = ("Barzani", "Ahmed", "Yawar", "Kamal", "Abdullah", "Hassan", "Omar", "al-Harki",
                 "Rashid", "Sindi", "Zebari", "Hawrami", "Mustafa")
_WESTERN_FIRST = ("Wayne", "Myles", "Patrick", "Kevin", "James", "Robert", "John", "Laurie",
                  "Karen", "Paul", "Sarah", "Michael")
_WESTERN_LAST = ("Marotto", "Caggins", "Roberson", "Copley", "Fenton", "Graham", "Mylroie",
                 "Catherine", "Hughes", "Ward", "Collins", "Bennett")
_IRAQI_TITLES = ("Lt. Gen.", "Maj. Gen.", "Brig. Gen.", "Iraqi interior minister",
                 "Iraqi deputy defense minister", "Joint Operations Command spokesman")
_KURDISH_TITLES = ("KRG interior minister", "Peshmerga Minister", "Maj. Gen.",
                   "Peshmerga chief of staff", "KRSC Chancellor")
_MOUNTAINS = ("Hamrin Mountains", "Qarachogh mountain", "Makhoul Mountains", "Badush Mountains",
              "Wadi al-Shay", "Mutaibija desert")
_MEETING_CITIES = (("Erbil", "IQ-AR", 6), ("Baghdad", "IQ-BG", 4), ("Sulaimani", "IQ-SU", 1),
                   ("Kirkuk", "IQ-KI", 1), ("Duhok", "IQ-DA", 1))
_MEETING_WEIGHTS = tuple(c[2] for c in _MEETING_CITIES)
_COOP_VARIANTS = ("meeting", "talks", "agreement", "delegation", "planned", "handover")
_COOP_WEIGHTS = (5, 3, 3, 3, 1, 2)
_STORIES = ("incident", "cooperation", "analysis")
_STORY_WEIGHTS = (6, 3, 1)
_BASES = (("Taji military camp", "northern Baghdad", "IQ-BG"), ("K-1 air base", "Kirkuk", "IQ-KI"),
          ("al-Qaim base", "western Anbar", "IQ-AN"), ("Qayyarah air base", "southern Nineveh", "IQ-NI"),
          ("al-Taqaddum air base", "Anbar", "IQ-AN"), ("Abu Ghraib base", "western Baghdad", "IQ-BG"),
          ("Ain al-Asad air base", "Anbar", "IQ-AN"))
_FOREIGN = ("British", "French", "Australian", "US-led coalition", "Spanish", "Italian")

# name, slug, datelines ({CITY} is filled in), weight
_OUTLETS = (
    ("Kurdistan 24", "k24", ("{CITY} (Kurdistan 24) –",), 28),
    ("Rudaw", "rudaw", ("{City}, Kurdistan Region –",), 26),
    ("Rudaw (reposted on a blog)", "blog", ("{City}, Kurdistan Region –",), 8),
    ("Shafaq News", "shafaq", ("Shafaq News/",), 12),
    ("Reuters", "reuters", ("{CITY} (Reuters) -",), 10),
    ("Xinhua", "xinhua", ("{CITY}, {Mon} {day} (Xinhua) --",), 8),
    ("The Defense Post", "defpost", ("",), 8),
)
_OUTLET_WEIGHTS = tuple(o[3] for o in _OUTLETS)
_DATELINE_CITIES = ("Erbil", "Erbil", "Erbil", "Baghdad", "Baghdad", "Sulaimani", "Kirkuk", "Duhok")

# Context prose of the kind that fills most of a real article: no incident, no count. It is
# built from short interchangeable parts, so that two unrelated articles rarely share a word
# 5-gram run long enough to look like syndication to the near-duplicate detector.
_FILLER_SUBJECTS = (
    "Kurdish officials", "Local officials in {prov}", "{person}", "Iraqi commanders",
    "Residents of {town}", "Security experts", "Lawmakers from {prov}", "Coalition officials",
    "Peshmerga commanders", "Tribal leaders in {town}", "A spokesman for the {org}", "Analysts",
    "{person}, a member of the {org},", "Villagers near {town}", "Aid workers in {prov}",
    "Provincial council members", "Officials in Erbil", "Officials in Baghdad",
)
_FILLER_VERBS = (
    "have warned that", "say", "told {outlet} that", "believe", "argued that", "fear that",
    "insisted that", "have repeatedly said that", "acknowledged that", "complained that",
    "pointed out that", "stressed that", "noted that", "cautioned that", "added that",
)
# Clause families: (subjects, predicates, objects, places); every part is short, so word
# 5-grams cross part boundaries and vary with each combination.
_CLAUSE_FAMILIES = (
    (("the militants", "ISIS cells", "remnants of the group", "sleeper cells", "the jihadists"),
     ("are exploiting", "take advantage of", "thrive in", "hide in", "keep moving through"),
     ("the security vacuum", "the gaps between the forces", "the rugged terrain", "remote valleys",
      "abandoned villages"),
     ("in the disputed areas", "around {town}", "along the edges of {prov}", "near the {mountain}",
      "south of {town}")),
    (("better intelligence sharing", "a joint command", "more surveillance drones",
      "closer cooperation", "local recruitment"),
     ("is key to", "would help in", "remains essential for", "is the best hope for",
      "is vital for"),
     ("defeating the remaining cells", "securing the roads", "protecting farmers",
      "closing the gaps", "restoring trust"),
     ("in {prov}", "around {town}", "across the disputed territories", "in the north",
      "before the summer")),
    (("displaced families", "many residents", "local farmers", "shepherds", "returnees"),
     ("are afraid to", "can no longer", "hesitate to", "are reluctant to", "still cannot"),
     ("return to their homes", "work their land", "travel at night", "graze their flocks",
      "rebuild their houses"),
     ("in {town}", "near {town}", "in parts of {prov}", "close to the {mountain}",
      "in the villages of {prov}")),
    (("the budget dispute", "the oil revenue row", "the salary crisis", "political infighting",
      "the pandemic"),
     ("is slowing down", "overshadows", "has delayed", "complicates", "distracts from"),
     ("security reforms", "cooperation on security", "the deployment of new units",
      "the reconstruction effort", "the joint operations"),
     ("in {prov}", "between Erbil and Baghdad", "this year", "in the disputed areas",
      "for now")),
    (("the 2017 withdrawal", "the departure of the Peshmerga", "the fall of Kirkuk",
      "the end of major operations", "the coalition drawdown"),
     ("left gaps", "created a vacuum", "opened room", "left blind spots", "left a void"),
     ("that were never filled", "that the militants exploit", "that nobody controls",
      "that smugglers use", "that worry commanders"),
     ("in {prov}", "around {town}", "along the front lines", "in the Hamrin area",
      "near the {mountain}")),
    (("young men", "jobless graduates", "former detainees", "orphans of the war",
      "families of militants"),
     ("are vulnerable to", "are targeted by", "are easy prey for", "are lured by",
      "risk falling for"),
     ("recruitment by extremists", "militant propaganda", "smuggling networks",
      "offers of money", "radical preachers"),
     ("in {prov}", "in the camps", "around {town}", "across the province", "in the desert areas")),
)

_FILLER_TAILS = (
    "", "", "", " in recent months", ", according to a statement", " this year",
    ", citing security sources", " despite repeated operations", ", without giving details",
    " in the wake of the latest attacks", ", speaking on condition of anonymity",
)
_FILLER_ORGS = ("Kurdistan Region Security Council", "Iraqi parliament’s security committee",
                "Ministry of Peshmerga", "Joint Operations Command", "provincial council",
                "Iraqi human rights commission", "KRG Department of Foreign Relations")

_UNRELATED_HEADLINES = (
    "How a cyber attack hampered Hong Kong protesters",
    "Oil prices climb as OPEC weighs deeper output cuts",
    "Former FARC guerrilla, Colombian cop pose naked together to promote peace deal",
    "Erbil football club reaches the final of the Iraqi league",
    "Ten tips for travelling in the Middle East on a budget",
    "Scientists find water ice on a distant exoplanet",
    "Turkey's lira slides to a record low against the dollar",
    "Lebanon protests enter their fourth week",
)


class _Rng(Random):
    """`random.Random` with cheaper draws: one `random()` call per choice.

    The stdlib methods reject-sample to stay exactly uniform, which costs several calls per
    draw; a corpus generator does not need that, and it is the hot path at 1M articles.
    """

    _cum_cache: dict[int, tuple[tuple[float, ...], float]] = {}

    def choice(self, seq):  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:  # type: ignore[override]
        return a + int(self.random() * (b - a + 1))

    def choices(self, population, weights=None, *, cum_weights=None, k=1):  # type: ignore[override]
        # Weights are module-level tuples, so their cumulative sums are computed once.
        cached = self._cum_cache.get(id(weights))
        if cached is None:
            cum, total = [], 0.0
            for w in weights:
                total += w
                cum.append(total)
            cached = self._cum_cache[id(weights)] = (tuple(cum), total)
        cum, total = cached
        return [population[bisect(cum, self.random() * total)] for _ in range(k)]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _article_word(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _person(rng: Random, first: tuple[str, ...], last: tuple[str, ...]) -> str:
    return f"{rng.choice(first)} {rng.choice(last)}"


# --- one article -------------------------------------------------------------------------

class _LazySlots(dict):
    """Template slots drawn only when a template uses them (``str.format_map``): most
    templates use one or two, and drawing all of them was half the generator's time."""

    def __init__(self, composer: _Composer) -> None:
        super().__init__()
        self.composer = composer

    def __missing__(self, key: str) -> str:
        c = self.composer
        rng = c.rng
        if key in ("town", "prov"):
            code = c.province()
            value = rng.choice(c.geo.towns[code]) if key == "town" else c.prov_name(code)
        elif key == "person":
            value = _person(rng, _KURDISH_FIRST + _IRAQI_FIRST, _KURDISH_LAST + _IRAQI_LAST)
        elif key == "mountain":
            value = rng.choice(_MOUNTAINS)
        elif key == "outlet":
            value = c.outlet[0]
        elif key == "org":
            value = rng.choice(_FILLER_ORGS)
        else:
            raise KeyError(key)
        self[key] = value
        return value


@dataclass
class _Paragraph:
    text: str
    truth: dict[str, list[dict]] = field(default_factory=lambda: {
        "incidents": [], "cooperation_events": [], "claimed_tallies": []})


@dataclass
class _Article:
    index: int
    outlet: tuple
    published_at: date | None
    headline: str
    pre: list[str]          # boilerplate before the headline (Rudaw's "◄ back to all", captions)
    after_headline: list[str]
    lede: _Paragraph        # the first body paragraph, without its dateline
    paragraphs: list[_Paragraph]
    post: list[str]         # trailing boilerplate
    boilerplate: list[str]  # every boilerplate line, for the truth file


def _kind(seed: int, index: int) -> str:
    """Whether the article at `index` is original, a syndicated near-copy or an exact copy."""
    if index == 0:
        return "original"
    roll = Random(f"{seed}:{index}:kind").random()
    if roll < EXACT_DUPLICATE_SHARE:
        return "duplicate"
    if roll < EXACT_DUPLICATE_SHARE + SYNDICATED_SHARE:
        return "syndicated"
    return "original"


def _published(index: int, ref_n: int) -> date:
    return START_DATE + timedelta(days=(index * SPAN_DAYS) // max(ref_n, 1))


class _Composer:
    """Writes one original article with its truth, from its own random stream."""

    def __init__(self, seed: int, index: int, ref_n: int, geo: Geography) -> None:
        self.rng = _Rng(f"{seed}:{index}:article")
        self.index = index
        self.geo = geo
        rng = self.rng
        self.outlet = rng.choices(_OUTLETS, _OUTLET_WEIGHTS)[0]
        pub = _published(index, ref_n)
        # A few archive files lose their date; Xinhua's dateline would give it back, so
        # those keep theirs.
        if self.outlet[1] != "xinhua" and rng.random() < MISSING_DATE_SHARE:
            pub = None
        self.pub = pub
        self.n_incidents = 0
        self.n_coop = 0
        self.n_tallies = 0
        self.last_day: date | None = None

    # -- pieces --

    def province(self) -> str:
        return self.rng.choices(_PROVINCE_CODES, _PROVINCE_WEIGHT_VALUES)[0]

    def prov_name(self, code: str) -> str:
        return self.rng.choice(self.geo.province_names[code])

    def place(self, code: str) -> tuple[str, str]:
        """A place phrase (used after "in"/"near") and the location recorded in the truth."""
        rng = self.rng
        town = rng.choice(self.geo.towns[code])
        prov = self.prov_name(code)
        roll = rng.random()
        if roll < 0.30:
            return f"{town} in {prov} province", town
        if roll < 0.45:
            return f"{town}, {prov} province", town
        if roll < 0.55:
            return f"the {town} area of {prov} province", town
        if roll < 0.68:
            return f"{prov} province", prov
        if roll < 0.78:
            side = rng.choice(("northern", "southern", "eastern", "western", "northeastern"))
            return f"{side} {prov} province", prov
        if roll < 0.90:
            capital = _CAPITALS[code]
            if capital != town:
                side = rng.choice(("north", "south", "east", "west", "southwest", "northeast"))
                return f"{town}, {side} of {capital}", town
            return f"{town} in {prov} province", town
        return town, town

    def when(self, *, allow_none: bool = True) -> tuple[str, date | None, str]:
        """A date phrase ("on Monday", "on May 15", "last week", ...), its date and precision."""
        rng, pub = self.rng, self.pub
        roll = rng.random()
        if not allow_none:
            roll *= 0.79
        if roll < 0.34:
            back = rng.randint(1, 6)
            day = (pub - timedelta(days=back)) if pub else None
            name = WEEKDAYS[day.weekday()] if day else rng.choice(WEEKDAYS)
            text = rng.choice(("on {d}", "on {d}", "on {d}", "late on {d}", "on {d} night",
                               "early on {d}", "in the early hours of {d}")).format(d=name)
            return text, day, "day" if day else "unknown"
        if roll < 0.52 and pub:
            day = pub - timedelta(days=rng.randint(2, 40))
            return f"on {MONTHS[day.month - 1]} {day.day}", day, "day"
        if roll < 0.60:
            day = (pub or date(2020, 6, 30)) - timedelta(days=rng.randint(2, 60))
            return f"on {MONTHS[day.month - 1]} {day.day}, {day.year}", day, "day"
        if roll < 0.67 and pub:
            back = rng.randint(1, 3)
            month_index = pub.year * 12 + pub.month - 1 - back
            first = date(month_index // 12, month_index % 12 + 1, 1)
            return f"in {MONTHS[first.month - 1]}", first, "month"
        if roll < 0.73 and pub:
            last = pub - timedelta(days=7)
            return "last week", last - timedelta(days=last.weekday()), "week"
        if roll < 0.79 and pub and pub.day >= 10:
            return "earlier this month", pub.replace(day=1), "month"
        if roll < 0.79:
            back = rng.randint(1, 6)
            day = (pub - timedelta(days=back)) if pub else None
            name = WEEKDAYS[day.weekday()] if day else rng.choice(WEEKDAYS)
            return f"on {name}", day, "day" if day else "unknown"
        if roll < 0.88:
            return "", None, "unknown"
        return rng.choice(("in recent weeks", "recently")), None, "unknown"

    def count(self, n: int, *, at_least: bool = True) -> str:
        """A count as the press writes it: words up to ten, digits above, "at least"."""
        rng = self.rng
        if n <= 10:
            text = number_words(n) if rng.random() < 0.85 else str(n)
        else:
            text = str(n) if rng.random() < 0.7 else number_words(n)
        if at_least and n >= 3 and rng.random() < 0.2:
            text = rng.choice(("at least ", "at least ", "more than ")) + text
        return text

    def victims(self, target: tuple, n: int) -> tuple[str, str]:
        """("three federal police officers", "three") or ("a soldier", "a")."""
        rng = self.rng
        if n == 1:
            noun = rng.choice(target[2])
            quantity = rng.choice((_article_word(noun), "one"))
            return f"{quantity} {noun}", quantity
        quantity = self.count(n)
        return f"{quantity} {rng.choice(target[3])}", quantity

    def perpetrator(self, share_isis: float = 0.8) -> tuple[str, str]:
        if self.rng.random() < share_isis:
            return self.rng.choice(_ISIS_SURFACES), "ISIS"
        return self.rng.choice(_UNKNOWN_SURFACES), "unknown"

    @staticmethod
    def _when_parts(when_text: str, lead: bool) -> tuple[str, str]:
        """(prefix, suffix): "On Monday, " at the start or " on Monday" after the place."""
        if not when_text:
            return "", ""
        if lead:
            return _cap(when_text) + ", ", ""
        return "", " " + when_text

    def _incident_record(self, **fields: Any) -> dict:
        self.n_incidents += 1
        record = {"id": f"{self.index:07d}-I{self.n_incidents}", "required": True, "same_as": None}
        record.update(fields)
        return record

    # -- incidents --

    def incident(self, *, same_day: date | None = None) -> tuple[list[str], dict]:
        """One incident sentence (plus follow-ups without numbers) and its truth record."""
        rng = self.rng
        event_type = rng.choices(_EVENT_TYPES, _EVENT_WEIGHTS)[0]
        code = self.province()
        place, location = self.place(code)
        if same_day is not None:
            when_text, event_date, precision = "on the same day", same_day, "day"
            lead = True
        else:
            when_text, event_date, precision = self.when()
            lead = rng.random() < 0.4
        prefix, suffix = self._when_parts(when_text, lead)
        target = rng.choices(_TARGETS, _TARGET_WEIGHTS)[0]
        killed = wounded = kidnapped = None
        killed_text = wounded_text = None
        killed_form = "number"
        perp_text, perpetrator = self.perpetrator()
        target_name = target[0]
        follow: list[str] = []

        def k_w(k_lo: int, k_hi: int, w_share: float = 0.6) -> None:
            nonlocal killed, wounded
            killed = rng.randint(k_lo, k_hi)
            wounded = rng.randint(1, 12) if rng.random() < w_share else None

        if event_type == "armed_assault":
            variant = rng.randint(0, 7)
            position = rng.choice(target[4])
            if variant == 0:
                k_w(1, 6, 1.0)
                victims, killed_text = self.victims(target, killed)
                wounded_text = self.count(wounded, at_least=False)
                sentence = (f"{prefix}{perp_text} attacked {position} in {place}{suffix}, "
                            f"killing {victims} and wounding {wounded_text}.")
            elif variant == 1:
                k_w(2, 12, 1.0)
                victims, killed_text = self.victims(target, killed)
                wounded_text = self.count(wounded, at_least=False)
                sentence = (f"{prefix}{_cap(victims) if not prefix else victims} were killed and "
                            f"{wounded_text} wounded in an attack by {perp_text} on {position} "
                            f"in {place}{suffix}.")
            elif variant == 2:
                k_w(1, 8, 1.0)
                victims, killed_text = self.victims(target, killed)
                wounded_text = self.count(wounded, at_least=False)
                sentence = (f"{prefix}{perp_text if prefix else _cap(perp_text)} killed {victims} "
                            f"and wounded {wounded_text} others in an attack on {position} in "
                            f"{place}{suffix}.")
            elif variant == 3:
                k_w(1, 5, 0.0)
                victims, killed_text = self.victims(target, killed)
                patrol = rng.choice(("a patrol", "a convoy", "a checkpoint"))
                sentence = (f"{prefix}{perp_text if prefix else _cap(perp_text)} ambushed {patrol} "
                            f"near {place}{suffix}, killing {victims}.")
            elif variant == 4:
                # An enumeration of mixed victims: "killing a soldier, one civilian, and an officer".
                parts = rng.sample(("a Peshmerga soldier", "one civilian", "an Iraqi army officer",
                                    "a federal police officer", "a PMF fighter", "one shepherd"), 3)
                killed, killed_form = 3, "list"
                killed_text = f"{parts[0]}, {parts[1]}, and {parts[2]}"
                wounded = rng.randint(1, 9)
                wounded_text = self.count(wounded, at_least=False)
                target_name = "mixed"
                sentence = (f"{prefix}{perp_text if prefix else _cap(perp_text)} attacked a village "
                            f"in {place}{suffix}, killing {killed_text}, and wounding {wounded_text}.")
            elif variant == 5:
                killed = wounded = 0
                killed_text = wounded_text = "no casualties"
                killed_form = "zero"
                sentence = (f"{prefix}{perp_text if prefix else _cap(perp_text)} attacked {position} "
                            f"in {place}{suffix}, but no casualties were reported.")
            elif variant == 6:
                office = rng.choice(("the offices of the Iraqi Directorate for Counter-Terrorism",
                                     "a police station", "the house of a local official",
                                     "an oil field guard post"))
                sentence = (f"{prefix}{perp_text if prefix else _cap(perp_text)} attacked {office} "
                            f"in {place}{suffix}.")
                target_name = "Iraqi Security Forces" if "station" in office or "Counter" in office else target_name
            else:
                killed = rng.randint(3, 15)
                killed_text = "at least " + (number_words(killed) if rng.random() < 0.6 else str(killed))
                plural = rng.choice(target[3])
                body = (f"an attack by {perp_text} on {position} in {place}{suffix} "
                        f"resulted in {killed_text} deaths among {plural}.")
                sentence = prefix + (body if prefix else _cap(body))
        elif event_type == "bombing":
            variant = rng.randint(0, 3)
            vehicle = rng.choice(target[5])
            perpetrator = "unknown"
            if variant == 0:
                k_w(1, 6, 0.8)
                victims, killed_text = self.victims(target, killed)
                tail = ""
                if wounded is not None:
                    wounded_text = self.count(wounded, at_least=False)
                    tail = f" and {wounded_text} wounded"
                verb = "was" if killed == 1 else "were"
                body = (f"{victims} {verb} killed{tail} when {vehicle} hit an improvised explosive "
                        f"device (IED) in {place}{suffix}.")
                sentence = prefix + (body if prefix else _cap(body))
            elif variant == 1:
                k_w(1, 5, 0.7)
                victims, killed_text = self.victims(target, killed)
                tail = ""
                if wounded is not None:
                    wounded_text = self.count(wounded, at_least=False)
                    tail = f" and wounding {wounded_text} others"
                body = f"a roadside bomb struck {vehicle} in {place}{suffix}, killing {victims}{tail}."
                sentence = prefix + (body if prefix else _cap(body))
            elif variant == 2:
                k_w(2, 25, 1.0)
                target_name = "civilians"
                killed_text = self.count(killed)
                wounded_text = self.count(wounded, at_least=False)
                body = (f"{killed_text} people were killed and {wounded_text} injured when a car bomb "
                        f"exploded at a market in {place}{suffix}.")
                sentence = prefix + (body if prefix else _cap(body))
            else:
                killed = wounded = 0
                killed_text = wounded_text = "no casualties"
                killed_form = "zero"
                body = f"an IED exploded near {vehicle} in {place}{suffix}, causing no casualties."
                sentence = prefix + (body if prefix else _cap(body))
            if rng.random() < 0.5:
                follow.append(rng.choice(("ISIS later claimed responsibility for the blast.",
                                          "The Islamic State claimed responsibility for the attack.")))
                perpetrator = "ISIS"
        elif event_type == "suicide_bombing":
            k_w(2, 30, 1.0)
            target_name = "civilians"
            site = rng.choice(("a checkpoint", "a funeral", "a crowded market", "a mosque"))
            bomber, perpetrator = rng.choice((("a suicide bomber", "unknown"),
                                              ("an ISIS suicide bomber", "ISIS")))
            killed_text = self.count(killed)
            wounded_text = self.count(wounded, at_least=False)
            body = (f"{bomber} blew himself up at {site} in {place}{suffix}, killing {killed_text} "
                    f"people and wounding {wounded_text}.")
            sentence = prefix + (body if prefix else _cap(body))
        elif event_type == "arson":
            target_name = "civilians"
            what = rng.choice(("farmers’ fields", "several houses", "wheat fields", "crops"))
            body = f"{perp_text} torched {what} in {place}{suffix}."
            sentence = prefix + (body if prefix else _cap(body))
        elif event_type == "kidnapping":
            target_name = "civilians"
            kidnapped = rng.randint(1, 8)
            who, _ = self.victims(_TARGETS[5], kidnapped)
            body = f"{perp_text} abducted {who} near {place}{suffix}."
            sentence = prefix + (body if prefix else _cap(body))
        elif event_type == "assassination":
            killed, killed_form, killed_text = 1, "implicit", "shot dead"
            whom = rng.choice(("the mukhtar of a village", "a local official", "a tribal leader",
                               "an intelligence officer"))
            target_name = "Iraqi Security Forces" if "officer" in whom else "civilians"
            body = f"{perp_text} shot dead {whom} in {place}{suffix}."
            sentence = prefix + (body if prefix else _cap(body))
        elif event_type == "execution":
            killed = rng.randint(1, 6)
            target_name = "civilians"
            who, killed_text = self.victims(_TARGETS[5], killed)
            body = f"{perp_text} executed {who} they had abducted in {place}{suffix}."
            sentence = prefix + (body if prefix else _cap(body))
        elif event_type == "airstrike":
            killed = rng.randint(2, 20)
            target_name = "ISIS"
            killed_text = self.count(killed)
            if rng.random() < 0.5:
                perpetrator = "Global Coalition to Defeat ISIS"
                body = (f"coalition warplanes struck ISIS hideouts in {place}{suffix}, killing "
                        f"{killed_text} militants.")
            else:
                perpetrator = "Iraqi Air Force"
                body = (f"Iraqi F-16 jets bombed an ISIS hideout in {place}{suffix}, killing "
                        f"{killed_text} militants.")
            sentence = prefix + (body if prefix else _cap(body))
        else:  # security_operation
            force, perpetrator = rng.choice((("Peshmerga forces", "Peshmerga"),
                                             ("Iraqi forces", "Iraqi Security Forces"),
                                             ("the Counter-Terrorism Service", "Counter Terrorism Service"),
                                             ("PMF units", "Popular Mobilization Forces")))
            target_name = "ISIS"
            if rng.random() < 0.6:
                killed = rng.randint(2, 40)
                killed_text = self.count(killed)
                body = (f"{force} launched an operation against ISIS remnants in {place}{suffix}, "
                        f"killing {killed_text} militants.")
            else:
                body = (f"{force} launched an operation against ISIS cells in {place}{suffix}, "
                        f"arresting several suspects.")
            sentence = prefix + (body if prefix else _cap(body))

        if perpetrator == "unknown" and event_type in ("armed_assault", "assassination") and rng.random() < 0.4:
            follow.append("ISIS later claimed responsibility for the attack.")
            perpetrator = "ISIS"
        if wounded and rng.random() < 0.3:
            follow.append(f"The wounded were taken to a hospital in {_CAPITALS[code]}.")
        if rng.random() < 0.2:
            follow.append(f"A security source told {self.outlet[0]} that the attackers fled toward "
                          f"the {rng.choice(_MOUNTAINS)}.")
        # A count that opens the sentence was capitalised with it ("Six soldiers were killed").
        if killed_text and killed_text not in sentence:
            killed_text = _cap(killed_text)
        if precision == "day":
            self.last_day = event_date
        record = self._incident_record(
            event_type=event_type, perpetrator=perpetrator, target=target_name,
            province_code=code, location=location,
            event_date=event_date.isoformat() if event_date else None, date_precision=precision,
            killed=killed, wounded=wounded, kidnapped=kidnapped,
            killed_text=killed_text, killed_form=killed_form if killed is not None else None,
            wounded_text=wounded_text, evidence=sentence)
        return [sentence, *follow], record

    def incident_headline(self, record: dict) -> str:
        rng = self.rng
        prov = self.prov_name(record["province_code"])
        killed = record["killed"]
        if killed and rng.random() < 0.6:
            k = number_words(killed) if killed <= 10 else str(killed)
            return rng.choice((f"ISIS attack kills {k} in {prov}",
                               f"{_cap(k)} killed in {prov} attack",
                               f"{_cap(k)} killed as militants strike in {prov} province"))
        return rng.choice((f"Security tightened in {prov} after ISIS attack",
                           f"ISIS militants strike again in {prov}",
                           f"Officials warn of ISIS resurgence after attack in {prov}"))

    # -- cooperation, tallies --

    def cooperation(self) -> tuple[list[str], dict]:
        rng = self.rng
        variant = rng.choices(_COOP_VARIANTS, _COOP_WEIGHTS)[0]
        city, city_code, _ = rng.choices(_MEETING_CITIES, _MEETING_WEIGHTS)[0]
        participants: list[str] = []
        organisations: list[str] = []
        rooms: list[str] = []
        location, code, event_type = city, city_code, "meeting"
        if variant == "meeting":
            iraqi = _person(rng, _IRAQI_FIRST, _IRAQI_LAST)
            kurd = _person(rng, _KURDISH_FIRST, _KURDISH_LAST)
            when_text, d, precision = self.when()
            suffix = f" {when_text}" if when_text else ""
            topic = rng.choice(("security coordination in the disputed territories",
                                "the fight against ISIS remnants", "border security",
                                "filling the security gaps between their forces"))
            sentence = (f"{rng.choice(_IRAQI_TITLES)} {iraqi} met {rng.choice(_KURDISH_TITLES)} "
                        f"{kurd} in {city}{suffix} to discuss {topic}.")
            participants = [iraqi, kurd]
        elif variant == "talks":
            when_text, d, precision = self.when(allow_none=False)
            sentence = (f"Another round of talks began in {city} {when_text} between Iraq’s defense "
                        f"ministry and the Kurdistan Regional Government (KRG) Ministry of Peshmerga "
                        f"Affairs.")
            organisations = ["Iraqi Ministry of Defense", "Ministry of Peshmerga"]
        elif variant == "agreement":
            event_type = "agreement"
            location, code = None, None
            if self.pub and rng.random() < 0.5:
                when_text, d, precision = "this week", self.pub - timedelta(days=self.pub.weekday()), "week"
            else:
                when_text, d, precision = self.when(allow_none=False)
            n_rooms = rng.choice((2, 3, 3, 4))
            rooms = sorted(rng.sample(("IQ-KI", "IQ-DI", "IQ-NI", "IQ-SD", "IQ-BG"), n_rooms))
            names = [self.prov_name(r) for r in rooms]
            listed = ", ".join(names[:-1]) + (", and " if len(names) > 2 else " and ") + names[-1]
            sentence = (f"The Iraqi defense ministry and the KRG Ministry of Peshmerga Affairs agreed "
                        f"{when_text} to establish {number_words(n_rooms)} joint coordination rooms "
                        f"between the Iraqi security forces and the Peshmerga, located in {listed}.")
            organisations = ["Iraqi Ministry of Defense", "Ministry of Peshmerga"]
        elif variant == "delegation":
            event_type = "delegation_visit"
            when_text, d, precision = self.when(allow_none=False)
            sentence = (f"{_cap(when_text)}, a delegation from the Iraqi Ministry of Defense arrived in "
                        f"{city} to meet with officials from the Ministry of Peshmerga.")
            organisations = ["Iraqi Ministry of Defense", "Ministry of Peshmerga"]
        elif variant == "planned":
            event_type = "delegation_visit"
            location, code = "Erbil", "IQ-AR"
            d, precision = None, "unknown"
            sentence = ("A military delegation from the Iraqi government in Baghdad is set to visit "
                        "Erbil to discuss the joint coordination rooms with the Ministry of Peshmerga.")
            organisations = ["Iraqi Ministry of Defense", "Ministry of Peshmerga"]
            rooms = []
        else:
            event_type = "base_handover"
            base, where, code = rng.choice(_BASES)
            location = base
            foreign = rng.choice(_FOREIGN)
            when_text, d, precision = self.when(allow_none=False)
            sentence = (f"{_cap(when_text)}, {foreign} troops withdrew from {base} in {where} and "
                        f"handed over the training mission to Iraqi security forces.")
            organisations = [f"{foreign} forces", "Iraqi Security Forces"]
        self.n_coop += 1
        record = {
            "id": f"{self.index:07d}-C{self.n_coop}", "required": True, "same_as": None,
            "event_type": event_type,
            "event_date": d.isoformat() if d else None, "date_precision": precision,
            "participants": participants, "organisations": organisations,
            "location": location, "province_code": code,
            "coordination_room": bool(rooms) or variant == "planned", "room_provinces": rooms,
            "evidence": sentence,
        }
        return [sentence], record

    def tally(self) -> tuple[list[str], dict] | None:
        if self.pub is None:
            return None  # without a publication year the period cannot be known
        rng = self.rng
        end = self.pub - timedelta(days=rng.randint(1, 10))
        start = end - timedelta(days=6)
        if start.month == end.month:
            period = f"{MONTHS[start.month - 1]} {start.day} and {end.day}"
        else:
            period = f"{MONTHS[start.month - 1]} {start.day} and {MONTHS[end.month - 1]} {end.day}"
        code = rng.choice(("IQ-DI", "IQ-KI", "IQ-SD", "IQ-NI", "IQ-AN"))
        attacks = rng.randint(8, 45)
        opener = rng.choice(("Last week, ISIS claimed in its weekly propaganda newspaper al-Naba",
                             "ISIS’s weekly al-Naba newspaper claimed",
                             "In its weekly newspaper al-Naba, ISIS claimed"))
        sentence = (f"{opener} that its militants had carried out {attacks} attacks in Iraq between "
                    f"{period} alone – mainly in {self.prov_name(code)}.")
        self.n_tallies += 1
        record = {"id": f"{self.index:07d}-T{self.n_tallies}", "required": True, "same_as": None,
                  "claimant": "ISIS", "attacks": attacks,
                  "period_start": start.isoformat(), "period_end": end.isoformat(),
                  "main_province_code": code, "evidence": sentence}
        return [sentence], record

    # -- distractors: sentences that look like incidents and are not --

    def distractor(self) -> tuple[list[str], dict | None]:
        """A non-incident sentence; history "overran" claims are optional incidents, as in gold."""
        rng = self.rng
        code = self.province()
        prov = self.prov_name(code)
        town = rng.choice(self.geo.towns[code])
        kurd = _person(rng, _KURDISH_FIRST, _KURDISH_LAST)
        pick = rng.randint(0, 13)
        if pick == 0:
            return ["ISIS has vowed to exploit the drawdown of coalition troops in Iraq."], None
        if pick == 1:
            return [f"{kurd}, a Peshmerga commander, vowed to avenge the victims and pursue the "
                    f"militants in {prov} province."], None
        if pick == 2:
            when_text, _, _ = self.when(allow_none=False)
            return [f"Security officials denied reports that militants had attacked {town} "
                    f"{when_text}."], None
        if pick == 3:
            return [f"Officials said no attacks had been recorded in {prov} province since the start "
                    f"of {rng.choice(MONTHS)}."], None
        if pick == 4:
            return ["At the height of its power between 2014 and 2016, ISIS controlled an area "
                    "roughly the size of Great Britain, spread across both Iraq and Syria."], None
        if pick == 5:
            return ["ISIS controlled swaths of land in Iraq and Syria in 2014 but was later declared "
                    "defeated in the two countries in late 2017 and early 2019 respectively."], None
        if pick == 6:
            sentence = f"In 2014, ISIS overran {town} and much of {prov} province."
            self.n_incidents += 1
            return [sentence], {
                "id": f"{self.index:07d}-I{self.n_incidents}", "required": False, "same_as": None,
                "event_type": "armed_assault", "perpetrator": "ISIS", "target": None,
                "province_code": code, "location": town, "event_date": "2014-01-01",
                "date_precision": "year", "killed": None, "wounded": None, "kidnapped": None,
                "killed_text": None, "killed_form": None, "wounded_text": None, "evidence": sentence}
        if pick == 7:
            return ["Remnants of the group have returned to their earlier insurgency tactics, "
                    "ambushing security forces, kidnapping and executing suspected informants, and "
                    "extorting money from vulnerable rural populations."], None
        if pick == 8:
            return ["ISIS sleeper cells continue to conduct insurgent activities such as bombings, "
                    "ambushes, kidnappings, extortion, and arson."], None
        if pick == 9:
            trained = rng.choice((40000, 25000, 12000, 60000))
            return [f"The US has provided the Peshmerga with military and financial support, as well "
                    f"as training an estimated {trained:,} fighters as part of the global counter-ISIS "
                    f"coalition."], None
        if pick == 10:
            return [f"More than {rng.randint(50, 300)} militants are believed to be hiding in the "
                    f"{rng.choice(_MOUNTAINS)}, {kurd} said."], None
        if pick == 11:
            return [f"Iraqi forces are expected to launch a new operation against ISIS cells in "
                    f"{prov} next week."], None
        if pick == 12:
            return [f"“ISIS remains a threat, but they are not able to conduct large-scale attacks,” "
                    f"{kurd} told {self.outlet[0]}."], None
        return [f"ISIS still has between {rng.randint(10, 14)},000 and {rng.randint(15, 20)},000 "
                f"members in Iraq and Syria, according to a UN report."], None

    def _slots(self) -> _LazySlots:
        return _LazySlots(self)

    def clause(self, slots: dict[str, str] | None = None) -> str:
        rng = self.rng
        family = rng.choice(_CLAUSE_FAMILIES)
        text = " ".join(rng.choice(part) for part in family)
        return text.format_map(slots if slots is not None else self._slots())

    def filler(self) -> str:
        rng = self.rng
        slots = self._slots()
        head = f"{rng.choice(_FILLER_SUBJECTS)} {rng.choice(_FILLER_VERBS)} ".format_map(slots)
        return _cap(f"{head}{self.clause(slots)}{rng.choice(_FILLER_TAILS)}.")

    def quote(self) -> str:
        rng = self.rng
        who = _person(rng, _KURDISH_FIRST + _IRAQI_FIRST, _KURDISH_LAST + _IRAQI_LAST)
        said = rng.choice(("said", "told {outlet}", "told reporters in {city}", "added",
                           "said in a statement", "told a press conference in {city}"))
        said = said.format(outlet=self.outlet[0], city=rng.choice(("Erbil", "Baghdad", "Kirkuk")))
        first = _cap(self.clause())
        if rng.random() < 0.5:
            return f"“{first},” {who} {said}. “{_cap(self.clause())}.”"
        return f"“{first},” {who} {said}."

    # -- assembly --

    def _paragraph(self, sentences: list[str], kind: str, record: dict | None) -> _Paragraph:
        para = _Paragraph(" ".join(sentences))
        if record is not None:
            para.truth[kind].append(record)
        return para

    def compose(self) -> _Article:
        rng = self.rng
        story = rng.choices(_STORIES, _STORY_WEIGHTS)[0]
        paragraphs: list[_Paragraph] = []
        if story == "incident":
            sentences, record = self.incident()
            lede = self._paragraph(sentences, "incidents", record)
            headline = self.incident_headline(record)
        elif story == "cooperation":
            sentences, record = self.cooperation()
            lede = self._paragraph(sentences, "cooperation_events", record)
            city = record["location"] or "Erbil"
            headline = rng.choice((f"Security talks resume between Peshmerga and Iraqi army in {city}",
                                   "Erbil and Baghdad discuss joint coordination rooms against ISIS",
                                   f"Iraqi and Kurdish officials meet in {city} to discuss security gaps"))
        else:
            sentences, record = self.distractor()
            lede = self._paragraph(sentences, "incidents", record)
            headline = rng.choice(("ISIS remains ‘very much intact’, officials warn",
                                   "Officials warn of ISIS resurgence in disputed territories",
                                   "Analysis: the long tail of the ISIS insurgency in Iraq"))
        if rng.random() < 0.7:
            lede.text += " " + self.filler()
        previous_was_incident = story == "incident"
        for _i in range(rng.randint(6, 14)):
            roll = rng.random()
            is_incident = False
            if roll < 0.17:
                same_day = (self.last_day if previous_was_incident and self.last_day
                            and rng.random() < 0.25 else None)
                sentences, record = self.incident(same_day=same_day)
                if rng.random() < 0.6:
                    sentences = [*sentences, self.filler()]
                paragraphs.append(self._paragraph(sentences, "incidents", record))
                is_incident = True
            elif roll < 0.26:
                sentences, record = self.cooperation()
                if rng.random() < 0.5:
                    sentences = sentences + [self.filler()]
                paragraphs.append(self._paragraph(sentences, "cooperation_events", record))
            elif roll < 0.30:
                made = self.tally()
                if made:
                    paragraphs.append(self._paragraph(made[0], "claimed_tallies", made[1]))
            elif roll < 0.46:
                sentences, record = self.distractor()
                if rng.random() < 0.7:
                    sentences = [self.filler(), *sentences] if rng.random() < 0.5 else [*sentences, self.filler()]
                para = self._paragraph(sentences, "incidents", record)
                if rng.random() < 0.3:
                    more, second = self.distractor()
                    para.text += " " + " ".join(more)
                    if second is not None:
                        para.truth["incidents"].append(second)
                paragraphs.append(para)
            elif roll < 0.56:
                paragraphs.append(_Paragraph(self.quote()))
            else:
                paragraphs.append(_Paragraph(" ".join(self.filler() for _ in range(rng.randint(2, 4)))))
            previous_was_incident = is_incident
        pre, after_headline, post, boiler = self.boilerplate()
        return _Article(self.index, self.outlet, self.pub, headline, pre, after_headline, lede,
                        paragraphs, post, boiler)

    def boilerplate(self) -> tuple[list[str], list[str], list[str], list[str]]:
        rng, slug = self.rng, self.outlet[1]
        pre: list[str] = []
        after: list[str] = []
        post: list[str] = []
        editor = _person(rng, _WESTERN_FIRST, _WESTERN_LAST)
        if slug == "rudaw":
            if rng.random() < 0.3:
                pre.append("◄ back to all")
            if rng.random() < 0.4:
                when = (f" on {MONTHS[self.pub.month - 1]} {self.pub.day}, {self.pub.year}"
                        if self.pub else "")
                after.append(f"Members of the KRG Ministry of Peshmerga and Iraq's Ministry of Defense "
                             f"meet in Erbil{when}. Photo: {editor}/Rudaw")
            if rng.random() < 0.3:
                post.append("back to top")
        elif slug == "k24":
            post.append(f"Editing by {editor}")
        elif slug == "blog":
            post.append("Popular posts from this blog")
            post.extend(rng.sample(_UNRELATED_HEADLINES, 3))
        elif slug == "reuters":
            reporter = _person(rng, _IRAQI_FIRST, _IRAQI_LAST)
            post.append(f"Reporting by {reporter}; Editing by {editor}")
        elif slug == "defpost":
            post.append("Share this article")
        if slug in ("k24", "rudaw", "shafaq") and rng.random() < 0.4:
            code = self.province()
            read_more = rng.choice((
                f"Militiamen killed in massive, multi-pronged ISIS attack in {self.prov_name(code)}",
                "Masrour Barzani and Coalition Commander discuss rise in ISIS threat",
                f"Two Peshmerga killed in ISIS attack near {_CAPITALS[code]}",
            ))
            after.append(f"Read More: {read_more}")  # placed mid-body by the renderer
        return pre, after, post, pre + after + post

    def dateline(self, outlet: tuple) -> str:
        pattern = self.rng.choice(outlet[2])
        if not pattern:
            return ""
        city = self.rng.choice(_DATELINE_CITIES)
        pub = self.pub
        if "{Mon}" in pattern:
            if pub is None:
                return f"{city.upper()} (Xinhua) --"
            return pattern.format(CITY=city.upper(), Mon=MONTHS[pub.month - 1][:3] + ".", day=pub.day)
        return pattern.format(CITY=city.upper(), City=city.upper())


def _render(article: _Article, dateline: str, rng: Random) -> str:
    lines: list[str] = list(article.pre)
    after = list(article.after_headline)
    read_more = [a for a in after if a.startswith("Read More:")]
    captions = [a for a in after if not a.startswith("Read More:")]
    # Rudaw puts the photo caption above the headline, as in the sample articles.
    lines.extend(captions)
    lines.append(article.headline)
    lede = f"{dateline} {article.lede.text}" if dateline else article.lede.text
    body = [lede] + [p.text for p in article.paragraphs]
    if read_more:
        body.insert(min(len(body), 1 + rng.randint(1, 3)), read_more[0])
    lines.extend(body)
    lines.extend(article.post)
    return "\n\n".join(lines) + "\n"


def _truth_lists(paragraphs: Iterable[_Paragraph]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"incidents": [], "cooperation_events": [], "claimed_tallies": []}
    for para in paragraphs:
        for kind, records in para.truth.items():
            out[kind].extend(records)
    return out


@dataclass
class GeneratedArticle:
    """One file of the corpus: where it goes, its text, its manifest row and its truth."""

    relpath: str
    text: str
    source: str
    published_at: date | None
    truth: dict


def _file_name(article: _Article, slug: str, index: int) -> tuple[str, str]:
    month = article.published_at.strftime("%Y-%m") if article.published_at else "undated"
    return month, f"{index:07d}_{slug}.txt"


def _original(seed: int, index: int, ref_n: int, geo: Geography) -> tuple[_Composer, _Article]:
    composer = _Composer(seed, index, ref_n, geo)
    return composer, composer.compose()


def _source_index(seed: int, index: int, purpose: str) -> int:
    """An earlier original article for a copy to re-publish (always exists: index 0 is original)."""
    rng = Random(f"{seed}:{index}:{purpose}")
    j = index - rng.randint(1, min(index, SYNDICATION_WINDOW))
    while _kind(seed, j) != "original":
        j -= 1
    return j


def generate_article(seed: int, index: int, ref_n: int, geo: Geography | None = None
                     ) -> GeneratedArticle:
    """Article number `index` of the corpus of `ref_n` articles with this seed."""
    geo = geo or geography()
    kind = _kind(seed, index)
    if kind == "original":
        composer, article = _original(seed, index, ref_n, geo)
        month, name = _file_name(article, article.outlet[1], index)
        text = _render(article, composer.dateline(article.outlet), composer.rng)
        truth = _truth_lists([article.lede, *article.paragraphs])
        return GeneratedArticle(f"{month}/{name}", text, article.outlet[0], article.published_at,
                                _truth_record(f"{month}/{name}", article, truth, headline=article.headline))
    j = _source_index(seed, index, kind)
    composer, article = _original(seed, j, ref_n, geo)
    src_month, src_name = _file_name(article, article.outlet[1], j)
    src_text = _render(article, composer.dateline(article.outlet), composer.rng)
    if kind == "duplicate":
        month, name = _file_name(article, article.outlet[1], index)
        record = {"file": f"{month}/{name}", "source": article.outlet[0],
                  "published_at": article.published_at.isoformat() if article.published_at else None,
                  "headline": article.headline, "syndicated_from": None,
                  "exact_duplicate_of": f"{src_month}/{src_name}", "boilerplate": list(article.boilerplate),
                  "incidents": [], "cooperation_events": [], "claimed_tallies": []}
        return GeneratedArticle(f"{month}/{name}", src_text, article.outlet[0], article.published_at, record)
    # A syndicated near-copy: another outlet re-publishes most paragraphs of article j the
    # same day under its own dateline and boilerplate.
    rng = _Rng(f"{seed}:{index}:syndicate")
    outlets = [o for o in _OUTLETS if o[1] != article.outlet[1] and o[1] != "xinhua"]
    outlet = rng.choice(outlets)
    kept: list[_Paragraph] = []
    previous_kept = True
    for para in article.paragraphs:
        # "On the same day" needs the paragraph it refers back to, or its date would change.
        keep = rng.random() < 0.75 and (previous_kept or not para.text.startswith("On the same day"))
        if keep:
            kept.append(para)
        previous_kept = keep
    kept = kept or article.paragraphs[:1]
    copy = _Article(index, outlet, article.published_at, article.headline, [], [], article.lede,
                    kept, [], [])
    composer.outlet = outlet
    copy.pre, copy.after_headline, copy.post, copy.boilerplate = composer.boilerplate()
    month, name = _file_name(copy, outlet[1], index)
    text = _render(copy, composer.dateline(outlet), rng)
    truth = _truth_lists([copy.lede, *kept])
    renamed = {kind_: [dict(r, id=f"{index:07d}-{r['id'].split('-', 1)[1]}", same_as=r["id"])
                       for r in records] for kind_, records in truth.items()}
    record = _truth_record(f"{month}/{name}", copy, renamed, headline=copy.headline)
    record["syndicated_from"] = f"{src_month}/{src_name}"
    return GeneratedArticle(f"{month}/{name}", text, outlet[0], copy.published_at, record)


def _truth_record(relpath: str, article: _Article, truth: dict, *, headline: str) -> dict:
    return {"file": relpath, "source": article.outlet[0],
            "published_at": article.published_at.isoformat() if article.published_at else None,
            "headline": headline, "syndicated_from": None, "exact_duplicate_of": None,
            "boilerplate": list(article.boilerplate), **truth}


def iter_articles(n: int, seed: int, *, start: int = 0, ref_n: int | None = None
                  ) -> Iterator[GeneratedArticle]:
    geo = geography()
    ref = ref_n or (start + n if start else n)
    for index in range(start, start + n):
        yield generate_article(seed, index, ref, geo)


@dataclass
class CorpusStats:
    out: Path
    articles_dir: Path
    truth_path: Path
    n: int
    bytes: int
    seconds: float
    incidents: int
    geography_source: str


def generate_corpus(out: Path | str, n: int, seed: int, *, start: int = 0,
                    ref_n: int | None = None) -> CorpusStats:
    """Write articles ``start .. start+n-1`` under ``out`` (see module docstring).

    With ``start > 0`` the corpus is extended in place: new files are added, the monthly
    manifests and ``truth.jsonl`` are appended to, existing files are left untouched. Pass
    the ``ref_n`` of the first call so the publication dates continue where they stopped.
    """
    geography()  # the gazetteer loads once per process; not part of the per-article rate
    t0 = time.perf_counter()
    out = Path(out)
    articles_dir = out / "articles"
    articles_dir.mkdir(parents=True, exist_ok=True)
    truth_path = out / "truth.jsonl"
    manifests: dict[str, Any] = {}
    writers: dict[str, Any] = {}
    total_bytes = 0
    incidents = 0
    ref = ref_n or n
    try:
        with truth_path.open("a" if start else "w", encoding="utf-8", newline="\n") as truth_file:
            for article in iter_articles(n, seed, start=start, ref_n=ref):
                month, name = article.relpath.split("/")
                if month not in writers:
                    month_dir = articles_dir / month
                    month_dir.mkdir(exist_ok=True)
                    manifest_path = month_dir / "manifest.csv"
                    fresh = not manifest_path.exists() or manifest_path.stat().st_size == 0
                    handle = manifest_path.open("a", encoding="utf-8", newline="")
                    writer = csv.writer(handle, lineterminator="\n")
                    if fresh:
                        writer.writerow(("file", "source", "published_at"))
                    manifests[month], writers[month] = handle, writer
                data = article.text.encode("utf-8")
                (articles_dir / month / name).write_bytes(data)
                total_bytes += len(data)
                writers[month].writerow((name, article.source,
                                         article.published_at.isoformat() if article.published_at else ""))
                truth_file.write(json.dumps(article.truth, ensure_ascii=False) + "\n")
                incidents += sum(1 for r in article.truth["incidents"] if r["required"])
    finally:
        for handle in manifests.values():
            handle.close()
    seconds = time.perf_counter() - t0
    meta_path = out / "corpus.json"
    meta = json.loads(meta_path.read_text()) if start and meta_path.exists() else {"batches": []}
    meta["seed"] = seed
    meta["ref_n"] = ref
    meta["geography"] = geography().source
    meta["batches"].append({"start": start, "n": n, "bytes": total_bytes})
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    return CorpusStats(out, articles_dir, truth_path, n, total_bytes, seconds, incidents,
                       geography().source)


# --- scoring ------------------------------------------------------------------------------

_WS = re.compile(r"\s+")


def _norm(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip().lower()


def _get(frames: Any, name: str):
    if isinstance(frames, Mapping):
        return frames.get(name)
    return getattr(frames, name, None)


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]


def _rows(frame: Any) -> list[dict]:
    if frame is None:
        return []
    if hasattr(frame, "iter_rows"):
        return list(frame.iter_rows(named=True))
    return list(frame)


def _same_sentence(truth_evidence: str, predicted: str) -> bool:
    t, p = _norm(truth_evidence), _norm(predicted)
    return bool(t and p) and (t in p or p in t)


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 4),
            "recall": round(recall, 4), "f1": round(f1, 4)}


def _match(truths: list[dict], preds: list[dict], headline: str | None, fields: tuple[str, ...]
           ) -> tuple[list[tuple[dict, dict]], int, int, int]:
    """Greedy one-to-one matching by evidence sentence; returns pairs, fp, fn, headline hits."""
    used: set[int] = set()
    pairs: list[tuple[dict, dict]] = []
    fn = 0
    for truth in truths:
        best, best_score = None, -1
        for i, pred in enumerate(preds):
            if i in used or not _same_sentence(truth["evidence"], pred.get("evidence")):
                continue
            score = sum(1 for f in fields if pred.get(f) == truth.get(f))
            if score > best_score:
                best, best_score = i, score
        if best is None:
            fn += 1 if truth.get("required", True) else 0
            continue
        used.add(best)
        if truth.get("required", True):
            pairs.append((truth, preds[best]))
    fp = headline_hits = 0
    head = _norm(headline)
    for i, pred in enumerate(preds):
        if i in used:
            continue
        if head and _norm(pred.get("evidence")) and _norm(pred.get("evidence")) in head:
            headline_hits += 1  # the headline restates the lede; neither right nor wrong
        else:
            fp += 1
    return pairs, fp, fn, headline_hits


def score_generated(truth_path: Path | str, extraction_frames: Any) -> dict[str, Any]:
    """Score extracted frames against a generated corpus's ``truth.jsonl``.

    ``extraction_frames`` is a mapping or object with ``articles`` (``article_id``,
    ``source_file``) and any of ``incident_reports``, ``cooperation_events``,
    ``claimed_tallies`` — e.g. an `Extraction` with ``articles`` added, or frames read from
    the warehouse. Reports are matched to truth by article file and evidence sentence
    (either contains the other, whitespace-insensitive). Exact duplicate files count once,
    under whichever copy was loaded; a syndicated copy that the ingest merged into its
    loaded source is not counted as missed. Field accuracies are over matched required items.
    """
    articles = _rows(_get(extraction_frames, "articles"))
    by_name: dict[str, str] = {}
    for row in articles:
        by_name[Path(str(row["source_file"])).name] = row["article_id"]
    grouped: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for kind in ("incident_reports", "cooperation_events", "claimed_tallies"):
        for row in _rows(_get(extraction_frames, kind)):
            grouped[row["article_id"]][kind].append(row)

    incident_fields = ("province_code", "killed", "wounded", "event_date", "date_precision",
                       "event_type", "perpetrator")
    totals = {k: [0, 0, 0] for k in ("incidents", "cooperation_events", "claimed_tallies")}
    correct: dict[str, int] = defaultdict(int)
    matched = 0
    attributed_by_context = 0
    headline_hits = 0
    articles_scored = articles_missing = articles_merged = 0
    truth_path = Path(truth_path)
    # First pass: only the exact copies, so the main pass can stream (1M truth lines do not
    # fit comfortably in memory).
    copies: dict[str, list[str]] = defaultdict(list)
    with truth_path.open(encoding="utf-8") as handle:
        for line in handle:
            if '"exact_duplicate_of": null' not in line:
                record = json.loads(line)
                if record["exact_duplicate_of"]:
                    copies[record["exact_duplicate_of"]].append(record["file"])
    with truth_path.open(encoding="utf-8") as handle:
        for line in handle:
            truth = json.loads(line)
            if truth["exact_duplicate_of"]:
                continue  # scored once, with its original
            article_id = None
            for member in [truth["file"], *copies.get(truth["file"], ())]:
                article_id = by_name.get(Path(member).name)
                if article_id:
                    break
            if article_id is None and truth["syndicated_from"] and \
                    by_name.get(Path(truth["syndicated_from"]).name):
                # The copy kept every paragraph, so once cleaned it *is* its source: the ingest
                # rightly logged it as a duplicate, and its reports are the source's.
                articles_merged += 1
                continue
            if article_id is None:
                articles_missing += 1
            else:
                articles_scored += 1
            preds = grouped.get(article_id, {}) if article_id else {}
            pairs, fp, fn, hh = _match(truth["incidents"], preds.get("incident_reports", []),
                                       truth["headline"], incident_fields)
            headline_hits += hh
            totals["incidents"][0] += len(pairs)
            totals["incidents"][1] += fp
            totals["incidents"][2] += fn
            matched += len(pairs)
            for t, p in pairs:
                for f in incident_fields:
                    value = _iso(p.get(f)) if f == "event_date" else p.get(f)
                    correct[f] += value == t.get(f)
                # The generator's truth is what the sentence states; the project's convention
                # (docs/ARCHITECTURE.md, Extraction) gives an unnamed attacker the militant group
                # the article names, flagged `attributed`. That flag agrees with an unstated truth;
                # a stated or claimed perpetrator where the text names none is an error.
                if t.get("perpetrator") == "unknown" and p.get("perpetrator") != "unknown":
                    if p.get("perpetrator_basis") == "attributed":
                        correct["perpetrator"] += 1
                        attributed_by_context += 1
            for kind in ("cooperation_events", "claimed_tallies"):
                kpairs, kfp, kfn, _hh = _match(truth[kind], preds.get(kind, []), truth["headline"], ())
                totals[kind][0] += len(kpairs)
                totals[kind][1] += kfp
                totals[kind][2] += kfn
    report: dict[str, Any] = {
        "articles_scored": articles_scored, "articles_missing": articles_missing,
        "syndicated_copies_merged": articles_merged,
        "headline_reports": headline_hits,
    }
    for kind, (tp, fp, fn) in totals.items():
        report[kind] = _prf(tp, fp, fn)
    report["incident_field_accuracy"] = {
        f: round(correct[f] / matched, 4) if matched else None for f in incident_fields}
    report["incident_field_accuracy"]["date"] = report["incident_field_accuracy"].pop("event_date")
    report["perpetrator_attributed_by_context"] = attributed_by_context
    return report


def score_clusters(truth_path: Path | str, articles: Any, clustered_reports: Any,
                   kind: str = "incidents") -> dict[str, Any]:
    """How well reports were grouped into real-world events: pairwise precision and recall
    over the reports matched to truth (two reports of one truth event, ``same_as`` or ``id``,
    should share a cluster id; two of different events should not), and the share of truth
    events whose reports form exactly one predicted cluster.

    ``kind`` is the truth's list: ``incidents`` or ``cooperation_events``. ``articles`` has
    ``article_id`` and ``source_file``; ``clustered_reports`` has ``article_id``, ``evidence``
    and ``cluster_id`` (``incident_id`` of ``intermediate.int_incident_reports_clustered``,
    ``cooperation_event_id`` of ``intermediate.int_cooperation_events_clustered``).
    """
    by_name = {Path(str(r["source_file"])).name: r["article_id"] for r in _rows(articles)}
    reports: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in _rows(clustered_reports):
        reports[row["article_id"]].append((row["evidence"], row["cluster_id"]))
    predicted: list[str] = []
    truth_ids: list[str] = []
    with Path(truth_path).open(encoding="utf-8") as handle:
        for line in handle:
            truth = json.loads(line)
            candidates = reports.get(by_name.get(Path(truth["file"]).name), [])
            used: set[int] = set()
            for event in truth[kind]:
                for i, (evidence, cluster_id) in enumerate(candidates):
                    if i not in used and _same_sentence(event["evidence"], evidence):
                        used.add(i)
                        predicted.append(cluster_id)
                        truth_ids.append(event["same_as"] or event["id"])
                        break

    def pairs(counts: Iterable[int]) -> int:
        return sum(n * (n - 1) // 2 for n in counts)

    predicted_pairs = pairs(Counter(predicted).values())
    truth_pairs = pairs(Counter(truth_ids).values())
    shared_pairs = pairs(Counter(zip(predicted, truth_ids)).values())
    by_truth: dict[str, set[int]] = defaultdict(set)
    by_predicted: dict[str, set[int]] = defaultdict(set)
    for i, (p, t) in enumerate(zip(predicted, truth_ids)):
        by_truth[t].add(i)
        by_predicted[p].add(i)
    predicted_sets = {frozenset(v) for v in by_predicted.values()}
    exact = sum(1 for members in by_truth.values() if frozenset(members) in predicted_sets)
    precision = shared_pairs / predicted_pairs if predicted_pairs else 1.0
    recall = shared_pairs / truth_pairs if truth_pairs else 1.0
    return {
        "reports_matched": len(predicted), "truth_events": len(by_truth),
        "predicted_clusters": len(by_predicted),
        "pair_precision": round(precision, 4), "pair_recall": round(recall, 4),
        "pair_f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
        "exact_share": round(exact / len(by_truth), 4) if by_truth else None,
        "largest_cluster_reports": max((len(v) for v in by_predicted.values()), default=0),
    }



def score_copies(truth_path: Path | str, articles: Any) -> dict[str, Any]:
    """How well ingestion grouped syndicated copies with their source: pairwise precision and
    recall over the loaded articles, where the truth groups a copy with the article it re-publishes
    (``syndicated_from``, through exact copies too) and the prediction follows
    ``near_duplicate_of``. ``articles`` has ``article_id``, ``source_file`` and
    ``near_duplicate_of`` (``news.articles``). Direction does not matter: a source linked to
    its copy is the same pair."""
    rows = _rows(articles)
    name_of = {r["article_id"]: Path(str(r["source_file"])).name for r in rows}
    # Only copies are kept: a million-line truth stays out of memory.
    parent: dict[str, str] = {}
    with Path(truth_path).open(encoding="utf-8") as handle:
        for line in handle:
            if '"syndicated_from": null' in line and '"exact_duplicate_of": null' in line:
                continue
            record = json.loads(line)
            source = record["exact_duplicate_of"] or record["syndicated_from"]
            parent[Path(record["file"]).name] = Path(source).name

    def story(name: str) -> str:
        seen = {name}
        while name in parent and parent[name] not in seen:
            name = parent[name]
            seen.add(name)
        return name

    links = {r["article_id"]: r["near_duplicate_of"] for r in rows}

    def group(article_id: str) -> str:
        seen = {article_id}
        while links.get(article_id) in name_of and links[article_id] not in seen:
            article_id = links[article_id]
            seen.add(article_id)
        return article_id

    predicted = [group(r["article_id"]) for r in rows]
    truth = [story(name_of[r["article_id"]]) for r in rows]

    def pairs(counts: Iterable[int]) -> int:
        return sum(n * (n - 1) // 2 for n in counts)

    predicted_pairs = pairs(Counter(predicted).values())
    truth_pairs = pairs(Counter(truth).values())
    shared_pairs = pairs(Counter(zip(predicted, truth)).values())
    precision = shared_pairs / predicted_pairs if predicted_pairs else 1.0
    recall = shared_pairs / truth_pairs if truth_pairs else 1.0
    return {
        "articles": len(rows), "linked": sum(1 for v in links.values() if v),
        "truth_pairs": truth_pairs, "predicted_pairs": predicted_pairs,
        "pair_precision": round(precision, 4), "pair_recall": round(recall, 4),
        "pair_f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
    }

_PRECISION_RANK = {"day": 1, "week": 2, "month": 3, "year": 4}
_NOT_ATTACKS = frozenset({"airstrike", "security_operation"})


def truth_weekly_attacks(truth_path: Path | str) -> dict[tuple[date, str], tuple[int, int, int]]:
    """The weekly table the truth implies, as `attacks_per_province_week` builds it:
    (ISO week's Monday, governorate) -> (attacks, killed, wounded), over the insurgent attacks
    whose best-dated telling is known to the day or the week. An incident told by several
    articles (``same_as``) counts once, dated by its most precise telling."""
    best: dict[str, dict] = {}
    with Path(truth_path).open(encoding="utf-8") as handle:
        for line in handle:
            for incident in json.loads(line)["incidents"]:
                if not incident["required"]:
                    continue
                key = incident["same_as"] or incident["id"]
                rank = _PRECISION_RANK.get(incident["date_precision"], 5)
                if key not in best or rank < _PRECISION_RANK.get(best[key]["date_precision"], 5):
                    best[key] = incident
    table: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for incident in best.values():
        if (incident["event_type"] in _NOT_ATTACKS or incident["date_precision"] not in ("day", "week")
                or not incident["event_date"] or not incident["province_code"]):
            continue
        day = date.fromisoformat(incident["event_date"])
        cell = table[(day - timedelta(days=day.weekday()), incident["province_code"])]
        cell[0] += 1
        cell[1] += incident["killed"] or 0
        cell[2] += incident["wounded"] or 0
    return {k: (a, k_, w) for k, (a, k_, w) in table.items()}


def score_weekly_attacks(truth_path: Path | str, weekly: Any) -> dict[str, Any]:
    """The analyst's headline table against the truth's: how far the attacks, killed and
    wounded of each (week, governorate) are off. ``weekly`` has ``week_start``,
    ``province_code``, ``attacks``, ``killed`` and ``wounded``
    (``marts.attacks_per_province_week``). ``*_error`` is the sum of absolute differences over
    the truth's total (0 is exact); ``cells_exact`` the share of cells, non-zero in either
    table, whose attack count is right."""
    truth = truth_weekly_attacks(truth_path)
    predicted = {(_as_date(r["week_start"]), r["province_code"]): (r["attacks"], r["killed"], r["wounded"])
                 for r in _rows(weekly) if r["attacks"] or r["killed"] or r["wounded"]}
    cells = set(truth) | set(predicted)
    report: dict[str, Any] = {"cells": len(cells)}
    for i, name in enumerate(("attacks", "killed", "wounded")):
        total = sum(v[i] for v in truth.values())
        off = sum(abs(predicted.get(c, (0, 0, 0))[i] - truth.get(c, (0, 0, 0))[i]) for c in cells)
        report[f"truth_{name}"] = total
        report[f"predicted_{name}"] = sum(v[i] for v in predicted.values())
        report[f"{name}_error"] = round(off / total, 4) if total else None
    exact = sum(1 for c in cells if predicted.get(c, (0,))[0] == truth.get(c, (0,))[0])
    report["cells_exact"] = round(exact / len(cells), 4) if cells else None
    return report


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# --- CLI ----------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench.corpus", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, required=True, help="number of article files to write")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--start", type=int, default=0, help="first index (extend a corpus in place)")
    parser.add_argument("--ref-n", type=int, default=None,
                        help="size of the original corpus when extending (keeps dates continuous)")
    args = parser.parse_args(argv)
    stats = generate_corpus(args.out, args.n, args.seed, start=args.start, ref_n=args.ref_n)
    print(f"wrote {stats.n} articles ({stats.bytes / 1e6:.1f} MB, {stats.incidents} required "
          f"incidents) to {stats.articles_dir} in {stats.seconds:.1f} s "
          f"({stats.n / max(stats.seconds, 1e-9):,.0f} articles/s); truth: {stats.truth_path}; "
          f"places from {stats.geography_source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
