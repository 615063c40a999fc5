"""Killed / wounded / kidnapped counts stated in one sentence or clause.

The grammar reads four constructions and sums what they find per role:

* subject + passive or stative predicate: "two soldiers were killed", "3 killed, 5
  injured", "Ten PMF fighters were killed", "a policeman was wounded" (a singular
  subject with a singular auxiliary counts 1), "ten deaths", "four casualties";
* transitive verb + object list: "killing a Peshmerga soldier, one civilian, and an
  Iraqi army officer" (3), "killed commander of Brigade 59 ..., Brigadier General X" (1:
  a singular person, named or not, is one), "kidnapped four shepherds";
* nominalisation + "of": "the death of a shepherd", "claiming the lives of four",
  "the kidnapping of two men", and "the death toll rose to 12";
* explicit zero: "no casualties were reported", "no one was hurt", "without
  casualties" give 0, but only for a role no positive count in the sentence fills.

Conventions
* "casualties" alone means killed and wounded together, so it goes to the separate
  `casualties` field and never into `killed`.
* Counts of a subset ("including two children", "two of them") are ignored when the
  sentence also states a count for the same role that is not a subset.
* Qualified counts keep the stated number ("more than 100" -> 100, see numbers.py);
  "several"/"many" leave the count None. Perpetrators are not told apart from victims:
  "two soldiers and a suicide bomber were killed" is 3, as GTD's nkill counts.
* A number is never a count when it names a unit ("Brigade 59"), is hyphenated into an
  adjective ("33-minute", "five-pronged"), is a year, a percentage, money, a time, or
  measures something that is not a person ("40,000 fighters trained", "two days").
  Only numbers tied to a casualty predicate by one of the constructions above count.
* Attempts are not counts: base forms ("to kill", "will kill") are not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.numbers import QUANTITY_PATTERN, VAGUE_PATTERN, parse_quantity

__all__ = ["CasualtyCounts", "casualty_counts"]


@dataclass(frozen=True)
class CasualtyCounts:
    killed: int | None
    wounded: int | None
    kidnapped: int | None
    spans: tuple[tuple[int, int, str], ...]  # (start, end, role) into the given text
    casualties: int | None = None  # killed + wounded, not split by the source


_EMPTY = CasualtyCounts(None, None, None, ())

_Q = QUANTITY_PATTERN
_F = re.IGNORECASE

# Cheap gate: sentences without any casualty word skip every other pattern. Substring
# tests on the lowercased text are far cheaper than one regex alternation.
_TRIGGER_WORDS = (
    "kill", "dead", "death", "died", "fatalit", "wound", "injur", "hurt", "kidnap", "abduct",
    "hostage", "captive", "casualt", "martyr", "lives", "life", "succumb", "assassinat",
    "execut", "behead", "murder", "slain", "slew", "gunned", "shot", "perish", "toll",
    "bodies", "body", "corpse", "eliminat", "neutrali", "liquidat", "harm",
)
# First words a quantity can start with: the full quantity regex is tried only there.
_QUANTITY_STARTS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fourty fifty sixty "
    "seventy eighty ninety hundred a at no not more over upwards in nearly almost close "
    "about around approximately roughly some an estimated approx up as fewer less under "
    "between dozens scores hundreds thousands tens half".split()
)
_WORDS_RE = re.compile(r"\w+")

# --- lexicon ---------------------------------------------------------------------

_PERSON_SG = {
    "soldier", "civilian", "officer", "policeman", "policewoman", "member", "fighter",
    "militant", "man", "woman", "child", "boy", "girl", "person", "farmer", "shepherd",
    "worker", "employee", "guard", "commander", "leader", "official", "recruit",
    "volunteer", "villager", "resident", "student", "teacher", "doctor", "journalist",
    "reporter", "photographer", "driver", "cleric", "judge", "mukhtar", "sheikh",
    "tribesman", "elder", "brother", "son", "daughter", "father", "mother", "wife",
    "husband", "relative", "victim", "pilgrim", "jihadist", "terrorist", "insurgent",
    "gunman", "attacker", "assailant", "bomber", "suspect", "agent", "informant",
    "contractor", "engineer", "hunter", "infant", "baby", "teen", "teenager", "youth",
    "mayor", "governor", "emir", "wali", "general", "colonel", "captain", "lieutenant",
    "major", "sergeant", "brigadier", "private", "conscript", "cadet", "policeman",
    "chief", "head", "deputy", "spokesman", "spokesperson", "imam", "lawyer", "candidate",
    "lawmaker", "politician", "activist", "nurse", "paramedic", "trader", "merchant",
    "shopkeeper", "owner", "passerby", "bystander", "patrolman", "sniper", "deminer",
    "operative", "militiaman", "peshmerga", "pilot", "guardsman", "individual",
    "herder", "fisherman", "labourer", "laborer", "mukhtar", "teacher", "relative",
    "citizen", "local", "commando", "serviceman", "contractor", "colleague", "friend",
    "nephew", "cousin", "uncle", "grandson", "granddaughter",
}
_PERSON_PL_IRREGULAR = {
    "men", "women", "children", "people", "police", "personnel", "troops", "tribesmen",
    "policemen", "gunmen", "militiamen", "servicemen", "peshmerga", "persons", "others",
    "wives", "passersby", "staff", "civilians", "fishermen", "guardsmen", "patrolmen",
    "youths", "family", "families", "crew",
}
# Heads that make a preceding number measure something other than people.
_NON_PERSON = {
    "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
    "minute", "minutes", "second", "seconds", "km", "kilometres", "kilometers", "kilometre",
    "kilometer", "mile", "miles", "metre", "metres", "meter", "meters", "percent", "per",
    "%", "dollars", "dinars", "usd", "iqd", "times", "attacks", "attack", "operations",
    "bases", "houses", "homes", "vehicles", "cars", "villages", "bombs", "ieds", "rockets",
    "mortars", "shells", "provinces", "districts", "tons", "tonnes", "kg", "kilograms",
    "weapons", "rounds", "drones", "buildings", "shops", "hectares", "dunams", "acres",
    "am", "pm", "a.m.", "p.m.", "o'clock", "gmt", "utc", "number", "total", "lot", "few",
    "couple", "series", "handful", "minimum", "maximum", "bit", "car", "vehicle", "bomb",
    "plan", "threat", "operation", "area", "road", "village", "house", "building",
}
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_CALENDAR_RE = re.compile(
    rf"(?:{_MONTHS}|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", _F
)
# A unit designator makes the following number a name, not a count.
_DESIGNATOR_RE = re.compile(
    r"(?:brigade|division|regiment|battalion|corps|squadron|unit|team|no\.?|number|route"
    r"|highway|road|resolution|article|camp|sector|section|gate|street|flight|law|decree"
    r"|chapter|page|district|station|checkpoint|kilometre|kilometer|km|platoon|company"
    r"|precinct|block|building|room|tower|grade|level|phase|ward)\s*$",
    _F,
)
_AFTER_UNIT_RE = re.compile(
    r"\s*(?:%|percent\b|per\s*cent\b|[-–]?(?:year|month|day|hour|minute)s?-old\b)", _F
)
_AFTER_CLOSE_RE = re.compile(r"\s*[,)]|\s*$")
_MONTH_BEFORE_RE = re.compile(rf"\b(?:{_MONTHS})\s*$", _F)
# "between July 16 and 22": the second day of a date range.
_DAY_RANGE_BEFORE_RE = re.compile(
    rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\s*(?:and|to|until|-|–)\s*$", _F
)
_NEXT_WORD_RE = re.compile(r"\s+(\S+)")
_YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")
_YEAR_PREP_RE = re.compile(
    rf"(?:\b(?:in|since|by|during|until|till|from|of|early|late|mid|before|after|summer"
    rf"|winter|spring|autumn|fall|year|{_MONTHS})\s*[,-]?\s*|[-–/]\s*"
    # "on December 28, 2019 resulted in eight deaths": the year of a full date
    rf"|\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\s*,?\s*)$",
    _F,
)
_SUBSET_BEFORE_RE = re.compile(
    r"(?:\bincluding|\bamong\s+(?:them|whom|those|the\s+\w+)|\bof\s+whom|\bof\s+which"
    r"|\bamong\s+which|\bincluded)\s*[,:]?\s*$",
    _F,
)
_PARTITIVE_AFTER_RE = re.compile(r"\s+of\s+(?:them|whom|those|these|the|their|his|its)\b", _F)

# --- building blocks -------------------------------------------------------------

_KILL_HEADS = (
    r"killed|slain|dead|died|perished|martyred|murdered|executed|assassinated|beheaded"
    r"|shot\s+dead|shot\s+and\s+killed|gunned\s+down|lost\s+(?:their|his|her)\s+li(?:ves|fe)"
    r"|succumbed|eliminated|neutrali[sz]ed|liquidated|deaths|fatalities|bodies|corpses"
)
_WOUND_HEADS = (
    r"wounded|injured|hurt|injuries|(?:sustained|suffered|received)\s+(?:\w+\s+){0,2}?"
    r"(?:injuries|wounds)"
)
_KIDNAP_HEADS = r"kidnapped|abducted|(?:taken|held)\s+(?:as\s+)?(?:hostages?|captives?)|hostages"
_CASUALTY_HEADS = r"casualties|(?:killed|dead)\s+(?:and|or)\s+(?:wounded|injured)"
_HEADS = rf"(?:{_CASUALTY_HEADS}|{_KILL_HEADS}|{_WOUND_HEADS}|{_KIDNAP_HEADS})"
# Predicates that may also be active transitive verbs with the number as subject.
_TRANSITIVE = re.compile(
    r"(?:killed|murdered|executed|assassinated|beheaded|shot\s+dead|shot\s+and\s+killed"
    r"|gunned\s+down|eliminated|neutrali[sz]ed|liquidated|wounded|injured|hurt|kidnapped"
    r"|abducted)$",
    _F,
)
_ADJECTIVAL = re.compile(r"(?:wounded|injured|kidnapped|abducted)$", _F)
_AUX_WORDS = (
    r"(?:were|was|are|is|have|has|had|been|being|be|got|get|gets|reportedly|also|later"
    r"|all|both|allegedly|subsequently|seriously|critically|slightly|lightly|severely"
    r"|badly|fatally|mortally|reported|confirmed|believed|said|thought|feared|to|found"
    r"|left|killed(?=\s+or)|either|each|instantly|immediately|since|now|then|already)"
)
_STOP_WORDS = (
    r"(?:and|or|but|while|when|whereas|after|before|as|who|that|which|were|was|are|is"
    r"|have|has|had|been|said|says|including|because|since|if|then|than)"
)
_NP_TOKEN = (
    rf"(?:\([^()]{{0,120}}\)|(?!{_STOP_WORDS}\b)(?!{_HEADS}\b)"
    # Possessive: a word splits one way only, or a failed match backtracks exponentially.
    r"[’'&/.\u2010-\u2012-]*+\w[\w'’/&.\u2010-\u2012-]*+)"
)

# Subject words of a singular subject may be participles: "the wounded soldier died".
_NP_TOKEN_LOOSE = (
    rf"(?:\([^()]{{0,120}}\)|(?!{_STOP_WORDS}\b)"
    r"[’'&/.\u2010-\u2012-]*+\w[\w'’/&.\u2010-\u2012-]*+)"
)

_HEAD_ROLE = [
    (re.compile(rf"(?:{_CASUALTY_HEADS})$", _F), "casualties"),
    (re.compile(rf"(?:{_KIDNAP_HEADS})$", _F), "kidnapped"),
    (re.compile(rf"(?:{_WOUND_HEADS})$", _F), "wounded"),
    (re.compile(rf"(?:{_KILL_HEADS})$", _F), "killed"),
]


def _head_role(head: str) -> str:
    for rx, role in _HEAD_ROLE:
        if rx.match(head):
            return role
    return "killed"


# "two soldiers were killed", "Ten PMF (...) fighters were killed", "3 killed", "ten deaths"
_PASSIVE_RE = re.compile(
    rf"(?P<q>{_Q})(?P<gap>(?:\s+{_NP_TOKEN}){{0,9}}?)"
    # "Four people, including two children, were killed": one comma-enclosed aside.
    rf"(?P<aside>,\s+[^,;]{{1,80}}?,)?"
    rf"(?P<rel>,?\s+(?:who|that|which))?(?P<aux>(?:\s+{_AUX_WORDS}){{0,5}})"
    rf"\s+(?P<head>{_HEADS})\b",
    _F,
)
# "Two soldiers and a civilian were killed", "three policemen, two soldiers and a child
# were wounded": a coordinated subject whose every conjunct opens with a count.
_CONJ = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+)"
_CONJUNCT = rf"(?:{_Q}|an?|another)(?:\s+{_NP_TOKEN}){{0,6}}?"
_COORD_RE = re.compile(
    rf"(?P<subj>{_CONJUNCT}(?:{_CONJ}{_CONJUNCT})+)"
    rf"(?P<aux>(?:\s+{_AUX_WORDS}){{0,5}})\s+(?P<head>{_HEADS})\b",
    _F,
)
_CONJ_SPLIT_RE = re.compile(_CONJ, _F)
_CONJ_LEAD_RE = re.compile(rf"(?P<q>{_Q})|(?P<one>an?|another)\b", _F)
# "a policeman was wounded", "The victim was found dead": singular auxiliary required.
_SINGULAR_PASSIVE_RE = re.compile(
    rf"\b(?P<det>an?|the|another|his|her|its|their|this|that)\s+"
    rf"(?P<gap>{_NP_TOKEN_LOOSE}(?:\s+{_NP_TOKEN_LOOSE}){{0,6}}?)"
    rf"(?P<aux>(?:,?\s+(?:who|that))?\s+(?:was|is|has\s+been|had\s+been|got)"
    rf"(?:\s+{_AUX_WORDS}){{0,4}})"
    rf"\s+(?P<head>killed|slain|found\s+dead|dead|died|martyred|murdered|assassinated"
    rf"|beheaded|shot\s+dead|gunned\s+down|wounded|injured|hurt|kidnapped|abducted"
    rf"|taken\s+(?:hostage|captive)|(?<=\s)(?:sustained|suffered)\s+(?:\w+\s+)?(?:injuries|wounds)"
    rf"|succumbed)\b",
    _F,
)
# First words of the patterns above, for the one-pass position index in casualty_counts.
_HEAD_FIRST = frozenset(
    "killed slain dead died perished martyred murdered executed assassinated beheaded shot "
    "gunned lost succumbed eliminated neutralized neutralised liquidated deaths fatalities "
    "bodies corpses wounded injured hurt injuries sustained suffered received kidnapped "
    "abducted taken held hostages casualties".split()
)
_SG_HEAD_FIRST = frozenset(
    "killed slain found dead died martyred murdered assassinated beheaded shot gunned "
    "wounded injured hurt kidnapped abducted taken sustained suffered succumbed "
    "perished".split()
)
_DETS = frozenset("a an the another his her its their this that".split())
_ACTIVE_FIRST = frozenset(
    "killed killing kills murdered murdering assassinated assassinating executed executing "
    "beheaded beheading slew shot shooting gunned gunning eliminated eliminating neutralized "
    "neutralised neutralizing neutralising liquidated liquidating claim claimed claiming "
    "claims take took taking takes taken cost costing costs death deaths killing "
    "killings murder murders assassination assassinations execution executions beheadings "
    "martyrdom body bodies corpse corpses wounded wounding injured injuring injury injuries "
    "kidnapped kidnapping abducted abducting kidnappings abduction abductions".split()
)
# "He was killed", "she was wounded": a singular pronoun subject is one person.
_PRONOUN_RE = re.compile(
    rf"\b(?P<pron>he|she)\s+(?:was|has\s+been|had\s+been|got)(?:\s+{_AUX_WORDS}){{0,4}}"
    rf"\s+(?P<head>killed|slain|found\s+dead|martyred|murdered|assassinated|beheaded"
    rf"|shot\s+dead|gunned\s+down|wounded|injured|hurt|kidnapped|abducted"
    rf"|taken\s+(?:hostage|captive))\b",
    _F,
)
# "... and another wounded", "one other person was injured": elided second count of 1.
_ANOTHER_RE = re.compile(
    r"\b(?:another|one\s+other)(?:\s+(?:person|man|woman|soldier|civilian|policeman|member"
    r"|fighter|officer|child))?(?:\s+(?:was|were|has\s+been))?(?:\s+(?:also|later|reportedly))?"
    r"\s+(?P<head>killed|wounded|injured|hurt|kidnapped|abducted|died)\b",
    _F,
)
# Intransitive singular: "a soldier died", "the victim succumbed to his wounds".
_SINGULAR_INTRANS_RE = re.compile(
    rf"\b(?P<det>an?|the|another|his|her|its|their)\s+"
    rf"(?P<gap>{_NP_TOKEN_LOOSE}(?:\s+{_NP_TOKEN_LOOSE}){{0,5}}?)"
    rf"(?P<aux>(?:\s+(?:later|also|subsequently|reportedly|then))?)"
    rf"\s+(?P<head>died|succumbed|perished"
    rf"|(?:sustained|suffered)\s+(?:\w+\s+)?(?:injuries|wounds))\b",
    _F,
)

# Nominal "X of" forms come first: "the killing of two farmers" must not stop at "killing".
_ACTIVE_KILL = (
    r"(?:deaths?|killings?|murders?|assassinations?|executions?|beheadings?"
    r"|martyrdom|bod(?:y|ies)|corpses?)\s+of"
    r"|(?:claim|claimed|claiming|claims|take|took|taking|takes|taken|cost|costing|costs)"
    r"\s+the\s+li(?:ves|fe)\s+of"
    r"|killed|killing|kills|murdered|murdering|assassinated|assassinating|executed|executing"
    r"|beheaded|beheading|slew|shot\s+dead|shooting\s+dead|gunned\s+down|gunning\s+down"
    r"|eliminated|eliminating|neutrali[sz]ed|neutrali[sz]ing|liquidated|liquidating"
)
_ACTIVE_WOUND = r"(?:injur(?:y|ies)|wounding)\s+of|wounded|wounding|injured|injuring"
_ACTIVE_KIDNAP = (
    r"(?:kidnappings?|abductions?)\s+of|kidnapped|kidnapping|abducted|abducting"
)
_ACTIVE_CASUALTIES = r"(?:killed|killing)\s+(?:and|or)\s+(?:wounded|wounding|injured|injuring)"
_ACTIVE_RE = re.compile(
    rf"\b(?:(?P<cas>{_ACTIVE_CASUALTIES})|(?P<kill>{_ACTIVE_KILL})|(?P<wound>{_ACTIVE_WOUND})"
    rf"|(?P<kid>{_ACTIVE_KIDNAP}))\s+",
    _F,
)
# "took four shepherds hostage"
_TOOK_HOSTAGE_RE = re.compile(
    rf"\b(?:took|taking|take|takes|held|holding)\s+(?P<q>{_Q})(?P<gap>(?:\s+{_NP_TOKEN}){{0,5}}?)"
    rf"\s+(?:as\s+)?(?:hostages?|captives?)\b",
    _F,
)
_TOLL_RE = re.compile(
    rf"\b(?P<kind>death|casualty|casualties|fatality)\s+toll\b(?:[^,;.\d]{{0,60}}?)"
    rf"\b(?:to|at|of|is|was|reached|hit|stands|stood)\s+(?P<q>{_Q})",
    _F,
)

# Object-list items, matched at a position right after a transitive verb.
_ITEM_LEAD_RE = re.compile(
    rf"(?:(?:a\s+total\s+of\s+|all\s+(?:the\s+|of\s+the\s+)?)?(?P<q>{_Q})"
    rf"(?!\s*(?:%|percent|per\s*cent))"
    rf"|(?P<vague>{VAGUE_PATTERN}|some|dozens|scores|hundreds|thousands)"
    rf"|(?P<couple>a\s+couple\s+of)"
    rf"|(?P<det>an?|another|the|his|her|its|their|this|that)\b"
    rf"|(?P<self>himself|herself|him)\b"
    r"|(?P<title>(?:(?-i:[A-Z])[\w'’.-]*\s+){0,3}?"
    r"(?:commander|leader|head|chief|emir|wali|governor"
    r"|mayor|mukhtar|sheikh|imam|judge|colonel|general|brigadier|captain|lieutenant|sergeant"
    r"|lt\.|col\.|gen\.|maj\.|capt\.|brig\.|dr\.|deputy|director|officer|spokesman)\b))",
    _F,
)
# Where an object NP ends: punctuation, a conjunction, a preposition or a clause word.
_NP_STOP_RE = re.compile(
    r"[,;:)\"“”–—]|\.(?:\s|$)|\s-\s"
    r"|\s(?:and|or|but|in|on|at|near|when|after|while|during|as"
    r"|who|which|that|including|inside|outside|by|from|with|before|since|to|into|across|along"
    r"|amid|for|last|this|yesterday|today|earlier|late|early)\b",
    _F,
)
_NP_MAX = 90


def _np_end(text: str, pos: int) -> int:
    """End of the noun phrase starting at `pos`; parentheses are skipped as a whole."""
    limit = min(len(text), pos + _NP_MAX)
    start = pos
    while True:
        m = _NP_STOP_RE.search(text, start, limit)
        paren = text.find("(", start, m.start() if m else limit)
        if paren != -1:
            close = text.find(")", paren, paren + 120)
            if close == -1:
                return paren
            start = close + 1
            continue
        end = m.start() if m else limit
        # Trim a trailing partial word when the limit cut the phrase.
        if not m and end < len(text):
            sp = text.rfind(" ", pos, end)
            end = sp if sp > pos else end
        return end


_ITEM_SEP_RE = re.compile(r"\s*,\s*(?:and\s+|as\s+well\s+as\s+)?|\s+(?:and|as\s+well\s+as)\s+", _F)
_WORD_RE = re.compile(r"[A-Za-z][\w'’.-]*")

_ZERO_RE = re.compile(
    r"\b(?:no|zero)\s+(?:(?:immediate|reported|known|other|further|human|civilian|military"
    r"|serious|major|confirmed)\s+)?"
    r"(?P<noun>casualties|casualty|deaths|fatalities|injuries|injured|dead|victims|wounded"
    r"|lives\s+were\s+lost|loss(?:es)?\s+of\s+(?:life|lives))\b"
    r"(?!\s+(?:figures?|reports?|details|numbers?|tolls?|counts?|information|data)\b)"
    r"|\b(?:nobody|no\s+one|no-one|none)\b(?:\s+[\w'’-]+){0,3}?\s+(?:was|were|is|has\s+been"
    r"|had\s+been|got|have\s+been)\s+(?:\w+\s+)?(?P<verb>killed|hurt|injured|wounded|harmed"
    r"|kidnapped|abducted)\b"
    r"|\bwithout\s+(?:any\s+|causing\s+(?:any\s+)?|inflicting\s+(?:any\s+)?)?"
    r"(?P<wo>casualties|injuries|loss\s+of\s+life|deaths|fatalities|harm)\b",
    _F,
)
_ZERO_ROLES = {
    "casualties": ("killed", "wounded"), "casualty": ("killed", "wounded"),
    "victims": ("killed", "wounded"), "harmed": ("killed", "wounded"),
    "harm": ("killed", "wounded"), "hurt": ("killed", "wounded"),
    "deaths": ("killed",), "fatalities": ("killed",), "dead": ("killed",),
    "killed": ("killed",), "lives": ("killed",), "loss": ("killed",),
    "injuries": ("wounded",), "injured": ("wounded",), "wounded": ("wounded",),
    "kidnapped": ("kidnapped",), "abducted": ("kidnapped",),
}


# --- helpers ---------------------------------------------------------------------


def _is_plural(word: str) -> bool:
    w = word.lower().strip(".’'")
    if w in _PERSON_PL_IRREGULAR:
        return True
    if w in _PERSON_SG:
        return False
    return w.endswith("s") and not w.endswith(("ss", "us", "is"))


def _is_person(word: str) -> bool:
    w = word.lower().strip(".’'")
    if w in _PERSON_SG or w in _PERSON_PL_IRREGULAR:
        return True
    return w.endswith("s") and w[:-1] in _PERSON_SG


def _np_head(np: str) -> str | None:
    """Head noun of a simple NP: the last word before the first "of" or parenthesis."""
    words = []
    for w in _WORD_RE.findall(np.split("(")[0]):
        if w.lower() == "of":
            break
        words.append(w)
    return words[-1] if words else None


def _bad_number(text: str, start: int, end: int, qtext: str) -> bool:
    """True when the number at text[start:end] is a name, year, unit or amount."""
    before = text[max(0, start - 30):start]
    if before.endswith(("$", "#", "£", "€", "№")):
        return True
    if _DESIGNATOR_RE.search(before):
        return True
    after = text[end:end + 12]
    if _AFTER_UNIT_RE.match(after):
        # "a 12-year-old" is an age: a person, but the number is not the count.
        return True
    digits = qtext.strip()
    if _YEAR_RE.fullmatch(digits):
        if _YEAR_PREP_RE.search(before) or _AFTER_CLOSE_RE.match(after):
            return True
    if (
        _CALENDAR_RE.match(after.lstrip())
        or _MONTH_BEFORE_RE.search(before)
        or _DAY_RANGE_BEFORE_RE.search(before)
    ):
        return True
    m = _WORD_RE.match(after.lstrip())
    if m and m.group(0).lower() in _NON_PERSON:
        return True
    return False


def _is_subset(text: str, start: int, end: int) -> bool:
    return bool(
        _SUBSET_BEFORE_RE.search(text[max(0, start - 40):start])
        or _PARTITIVE_AFTER_RE.match(text, end)
    )


class _Acc:
    __slots__ = ("found", "used", "zero")

    def __init__(self) -> None:
        # role -> list of (value | None, subset, span)
        self.found: dict[str, list[tuple[int | None, bool, tuple[int, int]]]] = {}
        self.used: list[tuple[int, int]] = []  # spans already read: never count twice
        self.zero: dict[str, tuple[int, int]] = {}

    def overlaps(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.used)

    def add(self, role: str, value: int | None, start: int, end: int, subset: bool) -> bool:
        if self.overlaps(start, end):
            return False
        self.used.append((start, end))
        self.found.setdefault(role, []).append((value, subset, (start, end)))
        return True


def _quantity_value(qtext: str) -> int | None:
    q = parse_quantity(qtext)
    return None if q is None else q.value


def _read_objects(text: str, pos: int, role: str, acc: _Acc) -> int:
    """Read the object list starting at `pos`; returns how many items it read."""
    n = 0
    # After a bare comma following one person, a title or "the" + noun renames that
    # person ("killed its commander, Brigadier General X"; "wounded Colonel Y, the
    # police chief") rather than adding one.
    apposition = False
    last_single = False
    while True:
        m = _ITEM_LEAD_RE.match(text, pos)
        if not m:
            return n
        np_end = _np_end(text, m.end())
        np = text[m.end():np_end]
        head = _np_head(np)
        renames = apposition and last_single
        single = False
        if m.group("q") is not None:
            qs, qe = m.span("q")
            if _bad_number(text, qs, qe, m.group("q")):
                return n
            if head and head.lower() in _NON_PERSON:
                return n
            acc.add(role, _quantity_value(m.group("q")), qs, qe, _is_subset(text, qs, qe))
        elif m.group("vague") is not None:
            if head and head.lower() in _NON_PERSON:
                return n
            acc.add(role, None, m.start(), m.end(), False)
        elif m.group("couple") is not None:
            acc.add(role, 2, m.start(), np_end, False)
        elif m.group("self") is not None:
            acc.add(role, 1, m.start(), m.end(), False)
            single = True
        elif m.group("title") is not None:
            if not renames:
                acc.add(role, 1, m.start(), m.end(), False)
            single = True
        else:
            det = m.group("det").lower()
            if head is None and det == "her":  # "killed her"
                acc.add(role, 1, m.start(), m.end(), False)
                single = True
            elif head is None or head.lower() in _NON_PERSON:
                return n
            elif det in ("a", "an", "another"):
                acc.add(role, 1, m.start(), np_end, False)
                single = True
            elif _is_person(head):
                plural = _is_plural(head)
                if not (renames and det == "the" and not plural):
                    acc.add(role, None if plural else 1, m.start(), np_end, False)
                single = not plural
            else:
                return n
        n += 1
        last_single = single
        sep = _ITEM_SEP_RE.match(text, np_end)
        if not sep:
            return n
        apposition = "and" not in sep.group(0) and "as well" not in sep.group(0)
        pos = sep.end()


def _object_follows(text: str, pos: int) -> bool:
    """Whether a direct object starts at `pos`: the predicate before it is active."""
    rest = text[pos:pos + 40]
    m = _NEXT_WORD_RE.match(rest)
    if not m:
        return False
    word = m.group(1).strip(",.;:")
    if not word:
        return False
    if _ITEM_LEAD_RE.match(text, pos + m.start(1)):
        lead = _ITEM_LEAD_RE.match(text, pos + m.start(1))
        if lead.group("q") is not None or lead.group("det") or lead.group("self") \
                or lead.group("title"):
            return True
        return lead.group("vague") is not None
    if word[0].isupper() and not _CALENDAR_RE.match(word):
        return True
    return _is_person(word)


# --- main ------------------------------------------------------------------------


def casualty_counts(text: str) -> CasualtyCounts:
    """Killed, wounded and kidnapped counts stated in `text` (one sentence or clause)."""
    low = text.lower()
    if not any(w in low for w in _TRIGGER_WORDS):
        return _EMPTY
    acc = _Acc()

    # One pass over the words finds where each pattern can start; the patterns are
    # then only tried there (a scanning search with these alternations costs 10x more).
    qstarts: list[int] = []
    actives: list[int] = []
    heads: list[int] = []
    sg_heads: list[int] = []
    dets: list[int] = []
    for w in _WORDS_RE.finditer(low):
        word = w.group(0)
        pos = w.start()
        if word[0].isdigit() or word in _QUANTITY_STARTS:
            qstarts.append(pos)
        if word in _ACTIVE_FIRST:
            actives.append(pos)
        if word in _HEAD_FIRST:
            heads.append(pos)
            if word in _SG_HEAD_FIRST:
                sg_heads.append(pos)
        if word in _DETS:
            dets.append(pos)

    if "toll" in low:
        for m in _TOLL_RE.finditer(text):
            qs, qe = m.span("q")
            if not _bad_number(text, qs, qe, m.group("q")):
                kind = m.group("kind").lower()
                role = "killed" if kind in ("death", "fatality") else "casualties"
                acc.add(role, _quantity_value(m.group("q")), qs, qe, False)

    if "hostage" in low or "captive" in low:
        for m in _TOOK_HOSTAGE_RE.finditer(text):
            qs, qe = m.span("q")
            if not _bad_number(text, qs, qe, m.group("q")):
                acc.add("kidnapped", _quantity_value(m.group("q")), qs, qe, False)

    # Active verbs first: their objects are the victims, and a number they take as
    # object must not be re-read as the subject of a later predicate.
    for pos in actives:
        m = _ACTIVE_RE.match(text, pos)
        if not m:
            continue
        if m.group("cas"):
            role = "casualties"
        elif m.group("kill"):
            role = "killed"
        elif m.group("wound"):
            role = "wounded"
        else:
            role = "kidnapped"
        _read_objects(text, m.end(), role, acc)

    if heads:
        # Coordinated subjects first, so their last conjunct is not read alone.
        for qpos in sorted(set(qstarts) | set(p for p in dets if text[p] in "aA")):
            if not any(qpos < h <= qpos + 300 for h in heads) or acc.overlaps(qpos, qpos + 1):
                continue
            m = _COORD_RE.match(text, qpos)
            if m:
                _read_coordinated(text, m, acc)
        for qpos in qstarts:
            # Only numbers with a predicate close enough after them can be subjects.
            if not any(qpos < h <= qpos + 260 for h in heads) or acc.overlaps(qpos, qpos + 1):
                continue
            m = _PASSIVE_RE.match(text, qpos)
            if m:
                _read_passive(text, m, acc)

    if sg_heads:
        for d in dets:
            if not any(d < h <= d + 160 for h in sg_heads):
                continue
            for rx in (_SINGULAR_PASSIVE_RE, _SINGULAR_INTRANS_RE):
                m = rx.match(text, d)
                if m:
                    _read_singular(m, acc)
                    break

    if "he " in low or "she " in low:
        for m in _PRONOUN_RE.finditer(text):
            acc.add(_head_role(m.group("head")), 1, *m.span("pron"), False)
    if "another" in low or "one other" in low:
        for m in _ANOTHER_RE.finditer(text):
            acc.add(_head_role(m.group("head")), 1, m.start(), m.end(), False)

    if "no" in low or "without" in low:
        for m in _ZERO_RE.finditer(text):
            word = (m.group("noun") or m.group("verb") or m.group("wo")).lower().split()[0]
            for role in _ZERO_ROLES.get(word, ("killed", "wounded")):
                acc.zero.setdefault(role, m.span())

    return _total(acc)


def _quantity_starts(text: str):
    for w in _WORDS_RE.finditer(text):
        word = w.group(0)
        if word[0].isdigit() or word.lower() in _QUANTITY_STARTS:
            yield w.start()


def _read_passive(text: str, m: re.Match, acc: _Acc) -> None:
    qs, qe = m.span("q")
    if acc.overlaps(qs, qe) or _bad_number(text, qs, qe, m.group("q")):
        return
    gap = m.group("gap").split()
    if gap and gap[-1].lower() == "the":  # "one of the wounded"
        return
    if gap and gap[0].lower().strip(",.") in _NON_PERSON:
        return
    head = m.group("head")
    # Without an auxiliary, "22 that killed 10" and "two gunmen killed a civilian" are
    # active: the number is the attacker's.
    if not m.group("aux").strip() and _TRANSITIVE.match(head) and _object_follows(text, m.end()):
        # "three wounded soldiers": the participle is an adjective on the counted noun;
        # "two gunmen killed a civilian": the number is the attacker's.
        nxt = _WORD_RE.match(text, m.end() + 1) if not gap else None
        if not (nxt and _is_person(nxt.group(0)) and _ADJECTIVAL.match(head)):
            return
    if acc.add(_head_role(head), _quantity_value(m.group("q")), qs, qe, _is_subset(text, qs, qe)):
        # A number inside the counted subject ("Four members of one family") is part of it.
        acc.used.append((qe, m.start("head")))


def _read_coordinated(text: str, m: re.Match, acc: _Acc) -> None:
    head = m.group("head")
    if not m.group("aux").strip() and _TRANSITIVE.match(head) and _object_follows(text, m.end()):
        return
    items: list[tuple[int | None, int, int]] = []
    pos = m.start("subj")
    end = m.end("subj")
    for part in _CONJ_SPLIT_RE.split(text[pos:end]):
        start = text.find(part, pos, end)
        pos = start + len(part)
        lead = _CONJ_LEAD_RE.match(part)
        if not lead:
            return
        if lead.group("q") is not None:
            qs, qe = start + lead.start("q"), start + lead.end("q")
            if _bad_number(text, qs, qe, lead.group("q")):
                return
            items.append((_quantity_value(lead.group("q")), qs, qe))
        else:
            np = part[lead.end():]
            noun = _np_head(np)
            if noun is None or noun.lower() in _NON_PERSON:
                return
            items.append((1, start, start + len(part)))
    if len(items) < 2:
        return
    role = _head_role(head)
    for value, s, e in items:
        acc.add(role, value, s, e, _is_subset(text, s, e))
    acc.used.append((m.start("subj"), m.start("head")))


def _read_singular(m: re.Match, acc: _Acc) -> None:
    head_noun = _np_head(m.group("gap"))
    if head_noun is None or head_noun.lower() in _NON_PERSON:
        return
    if m.group("det").lower() not in ("a", "an", "another") and not _is_person(head_noun):
        return
    if _is_plural(head_noun):
        return
    # A number inside the subject ("the 12 soldiers") was read already.
    if acc.overlaps(m.start(), m.end("gap")):
        return
    acc.add(_head_role(m.group("head")), 1, m.start(), m.end("gap"), False)


def _total(acc: _Acc) -> CasualtyCounts:
    values: dict[str, int | None] = {}
    spans: list[tuple[int, int, str]] = []
    for role, items in acc.found.items():
        main = [it for it in items if not it[1]]
        chosen = main or items
        nums = [v for v, _, _ in chosen if v is not None]
        values[role] = sum(nums) if nums else None
        spans.extend((s, e, role) for _, _, (s, e) in chosen)
    for role, (s, e) in acc.zero.items():
        if values.get(role) is None and role not in acc.found:
            values[role] = 0
            spans.append((s, e, role))
    spans.sort()
    return CasualtyCounts(
        killed=values.get("killed"),
        wounded=values.get("wounded"),
        kidnapped=values.get("kidnapped"),
        spans=tuple(spans),
        casualties=values.get("casualties"),
    )
