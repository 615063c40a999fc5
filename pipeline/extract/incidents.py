"""Incident reports: one row per attack or operation as one article tells it.

The grammar works clause by clause on candidate sentences (a vectorised regex picks them).

Triggers and event types (GTD attack types, with the ACLED sub-events this project adds):
* suicide_bombing: suicide bomber/attacker/vest/car bomb, "blew himself up", SVBIED.
* bombing: IED, (roadside/car) bomb, explosive device, blast, explosion, detonated, and
  also mortars, rockets, grenades and shelling: GTD codes projectiles as
  Bombing/Explosion (weapon type Explosives) and ACLED as Explosions/Remote violence.
* airstrike: air strike/raid, warplanes, drone strike.
* armed_assault: attacked, stormed, opened fire, ambush, clashes, assault, offensive,
  gunmen, sniper, shot dead, raid.
* arson: torched, set fire, burned down.  kidnapping: kidnapped, abducted, hostage.
* assassination: when the text says so ("assassinated", "targeted killing"), or when one
  official or named-role figure is shot dead or killed ("gunmen shot dead a tribal leader":
  GTD codes the killing of a specific prominent person as an assassination).
* execution: executed, beheaded.
* security_operation: security/military/clearing operations, arrests, and attacks or
  killings of militants whose subject is a state force.
When one clause holds several, the GTD hierarchy decides: suicide_bombing > assassination
> kidnapping > execution > airstrike > bombing > armed_assault > arson >
security_operation. "stormed a village, torching several houses" is an armed_assault;
"gunmen torched several houses" is an arson: the attacker's noun ("gunmen", "sniper")
types the clause only when it tells no act.

What starts a new incident: a clause with a strong trigger that is not anaphoric ("the
attack", "the blast" refer back). Sentences that follow an incident with only casualty
words, anaphoric triggers or responsibility claims ("ISIS later claimed responsibility for
the blast", "At least two soldiers were killed in the blast") attach to it.

What is not an incident: threats and vows, negated or modal clauses ("not able to conduct
attacks"), generic tactics and habitual activity ("ambushing security forces, kidnapping
and executing informants", "regularly bombs"), quotes, aggregated counts over a period
("more than 100 militants have been killed during the past two months": not one event,
so not emitted; "in recent weeks" sums only with the perfect tense or plural events, and
otherwise dates one event vaguely), and history: a clause dated only to a year ("in 2014",
"in late 2017") or marked as background ("years ago", "at the height of", "previously").

Perpetrator, in order of strength: a claim ("ISIS later claimed responsibility"), an
attribution ("sources attributed the attack to ISIL", "blamed on"), a suspicion
("suspected Islamic State gunmen"), the subject of the attack verb or "by X" (stated).
A generic subject ("gunmen", "militants", "the extremist group") or none at all takes
the militant group the article has been talking about: the most recent militant-group
mention before the incident (basis "attributed", as the article's own framing attributes
it), unless the text says no group claimed it. State-force subjects make a
security_operation when the objects are militants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from pipeline.extract.context import (
    PLACE_RANK,
    ArticleContext,
    GazIndex,
    Mention,
    in_spans,
    quoted_spans,
)

# ----------------------------------------------------------------------------------------
# Lexicon
# ----------------------------------------------------------------------------------------

_TRIGGERS: list[tuple[str, str]] = [
    ("suicide_bombing",
     r"suicide[- ](?:bomb(?:er|ers|ing|ings)?|attack(?:er|ers|s)?|vests?|belts?|car[- ]bombs?"
     r"|car[- ]bomb(?:er|ers|ing)|truck[- ]bombs?|truck[- ]bomb(?:er|ers|ing)|VBIEDs?)"
     r"|blew (?:himself|herself|themselves) up|SVBIEDs?"
     r"|explosive[- ](?:vest|belt)s?"),
    ("assassination", r"assassinat(?:ed|es|ing|ion)|targeted killing"),
    ("kidnapping",
     r"kidnap(?:ped|ping|s)?|abduct(?:ed|ing|ion|s)?|taken hostage|took (?:\w+ ){0,3}hostages?"
     r"|held (?:\w+ ){0,2}hostages?"),
    ("execution", r"execut(?:ed|ing|ion)|behead(?:ed|ing)"),
    ("airstrike",
     r"air[- ]?strikes?|air[- ]?raids?|warplanes?|war planes|fighter jets?|drone (?:strikes?|attacks?)"
     r"|armed drones?|aerial (?:bombardment|strikes?|attacks?)|helicopter gunships?"
     r"|(?:jets|aircraft|planes) (?:bombed|struck|targeted|hit)"),
    ("bombing",
     r"(?:car|truck|roadside|road-side|sticky|magnetic|parked|motorcycle|bicycle)[- ]bombs?"
     r"|VBIEDs?|IEDs?|improvised explosive devices?|explosive devices?|explosive charges?"
     r"|bombs?|bomb(?:ed|ing)|blasts?|explosions?|explod(?:ed|es|ing)|detonat(?:ed|es|ing|ion)"
     r"|blew up|blown up|mortars?(?: shells?| rounds?| bombs?)?|rockets?|Katyushas?|grenades?"
     r"|RPGs?|landmines?|land mines?|shell(?:ed|ing)|booby[- ]trap(?:ped|s)?"),
    ("armed_assault",
     r"attack(?:ed|ing)?|assault(?:ed)?|storm(?:ed|ing)|open(?:ed)? fire|fired (?:on|at|upon)"
     r"|ambush(?:ed)?|clash(?:ed|es)?|gunm[ae]n|gunfire|shot (?:dead|and killed)|shot|shooting"
     r"|snipers?|sniper fire|offensive|raid(?:ed)?|infiltrat(?:ed|ion)|stabbed|gun ?battle"
     r"|firefight|machine[- ]?guns?|light weapons"),
    ("arson",
     r"torch(?:ed|ing)|set (?:fire|ablaze|alight)|set (?:\w+ ){1,3}(?:on fire|ablaze|alight)"
     r"|burn(?:ed|t|ing) down|burned|arson"),
    ("security_operation",
     r"(?:military|security|clearing|clearance|search|sweep|counter-?terrorism|anti-?(?:ISIS|IS|terror(?:ism)?)"
     r"|combing|mopping-up|army|joint|air-?borne|intelligence-led) operations?|operation (?:against|to (?:target|hunt|clear|track))"
     r"|arrest(?:ed|s)?|captured|detained|apprehended|dismantled"
     r"|(?:killed|eliminated|neutrali[sz]ed) (?:\w+ ){0,3}(?:ISIS|IS|ISIL|Daesh|militants?|terrorists?|insurgents?|jihadists?)"),
]
PRIORITY = ["suicide_bombing", "assassination", "kidnapping", "execution", "airstrike", "bombing",
            "armed_assault", "arson", "security_operation"]
_TRIGGER_RES = [(t, re.compile(rf"(?<![\w-])(?:{p})(?![\w-])", re.IGNORECASE)) for t, p in _TRIGGERS]
# One vectorised pre-filter per trigger type (Rust syntax, no look-arounds): bit i of a
# sentence's mask says the i-th _TRIGGER_RES can match, so find_triggers skips the Python
# scans that cannot (nine regex scans per candidate sentence were its whole cost).
TRIGGER_TYPE_PATTERNS = [rf"(?i)(?:{p})" for _, p in _TRIGGERS]
_CLAIM_RE = re.compile(
    r"claim(?:ed|s)? (?:the )?responsibility|responsibility (?:was|has been) claimed|claimed (?:the|this|that) "
    r"(?:attack|bombing|blast|assault|killing|kidnapping)|attributed|blamed|accused|suspected|believed to (?:be|have)",
    re.IGNORECASE,
)
_WEAK_WORDS = (r"kill(?:ed|ing)|wound(?:ed|ing)|injur(?:ed|ing|ies)|died|dead|deaths?|casualt(?:y|ies)"
               r"|lost (?:their|his|her) lives|martyred|slain|bodies|body")
_CLAIM_WORDS = r"claim(?:ed|s)?|attributed|blamed|accused|suspected|believed to"
_WEAK_RE = re.compile(rf"(?<![\w-])(?:{_WEAK_WORDS})(?![\w-])", re.IGNORECASE)
# A candidate sentence has a trigger, a casualty word or a claim (vectorised pre-filter in
# Rust regex syntax: the same lexicon with plain word boundaries).
CANDIDATE_PATTERN = (
    r"(?i)\b(?:" + "|".join(p for _, p in _TRIGGERS) + "|" + _WEAK_WORDS + "|" + _CLAIM_WORDS + r")\b"
)

_PROMINENT_KILLED_RE = re.compile(
    r"\b(?:shot dead|gunned down|shot and killed|murdered|killed)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:officials?|leader|sheikh|shaikh|mukhtar|mayor|judge|cleric|imam|candidate|governor|lawmaker"
    r"|intelligence officer|commander|elder|chieftain|journalist)\b(?!\s*(?:,|and)\s+(?:a|an|one|two|\d))",
    re.IGNORECASE,
)
# "a Peshmerga vehicle hit an IED": the subject ran into the device, it did not lay it
_RAN_INTO_RE = re.compile(
    r"\s*(?:[\w-]+\s+){0,2}(?:hit|struck|ran over|drove over|stepped on|triggered|ran into|was hit by)\s+"
    r"(?:an?|the)\s+(?:[\w-]+\s+){0,2}",
    re.IGNORECASE,
)
_COMMAND_AFTER_RE = re.compile(r"\s+(?:command|cent(?:er|re)s?|rooms?|headquarters|HQ)\b", re.IGNORECASE)
_DEFINITE_ATTACKERS = frozenset("militants gunmen attackers assailants insurgents terrorists jihadists fighters "
                                "extremists".split())
_ATTACKER_NOUNS = frozenset(("gunmen", "gunman", "sniper", "snipers"))
_ANAPHOR_WORDS = frozenset("the this that these those such same said its their his her".split())
_INDEFINITE = frozenset("a an another one new second third fresh".split())

_MODAL_RE = re.compile(
    r"\b(?:vow(?:ed|s|ing)?|threat(?:en|ens|ened|ening)?|plan(?:s|ned|ning)? to|intend(?:s|ed)? to"
    r"|aim(?:s|ed)? to|seek(?:s|ing)? to|could|would|might|may|will|shall|going to|expected to"
    r"|likely to|able to|capable of|capability|warn(?:ed|s)? (?:of|that|against)|prevent(?:ed|ing|s)?"
    r"|foil(?:ed|ing)?|thwart(?:ed|ing)?|avert(?:ed)?|opportunity|exploit|in order to)\b"
)
_NEGATION_RE = re.compile(r"\b(?:not|never|no longer|unable to|failed to|without)\b", re.IGNORECASE)
_GENERIC_RE = re.compile(
    r"\b(?:tactics|such as|activit(?:y|ies)|regularly|routinely|frequently|often|usually|typically"
    r"|repeatedly|continu(?:e|es|ed|ing) to|constantly|daily|nightly|every (?:day|night|week|month)"
    r"|a spate of|a wave of|a series of|increase in|surge in|rise in|hit-and-run|insurgency"
    r"|campaign of)\b",
    re.IGNORECASE,
)
_AGGREGATE_RE = re.compile(
    r"\b(?:(?:during|over|in|within) the (?:past|last|previous) (?:\w+ )?(?:days?|weeks?|months?|years?)"
    r"|since (?:the )?(?:start|beginning)|so far (?:this|in)|since (?:January|February|March|April|May"
    r"|June|July|August|September|October|November|December|\d{4}))\b",
    re.IGNORECASE,
)
# "in recent weeks" dates one event vaguely ("In recent weeks, ISIS militants abducted four
# farmers near Abbara") or sums several ("have carried out attacks ... in recent weeks"):
# a sum shows the perfect tense or plural events.
_RECENT_RE = re.compile(r"\bin recent (?:days|weeks|months|years)\b", re.IGNORECASE)
_SUM_RE = re.compile(
    r"\b(?:ha(?:s|ve) (?:\w+ )?(?:been )?\w+(?:ed|en|wn|t)|attacks|operations|incidents|killings|bombings"
    r"|abductions|kidnappings|assassinations|dozens of|scores of|hundreds of)\b",
    re.IGNORECASE,
)
_HISTORY_RE = re.compile(
    r"\b(?:years? ago|decades? ago|at the height of|previously|historically|back in|initial onslaught"
    r"|in the past,|the rise of|when it (?:seized|captured|controlled))\b",
    re.IGNORECASE,
)
_GENERIC_PERP_RE = re.compile(
    r"\b(?:(?:unknown|unidentified|armed|masked|suspected) )?(?:gunm[ae]n|militants?|assailants?|insurgents?"
    r"|terrorists?|jihadists?|attackers?|extremists?|fighters|(?:the|an?) (?:extremist|terror(?:ist)?|jihadist"
    r"|militant|armed) (?:group|organi[sz]ation)|the group|sleeper cells?|remnants)\b",
    re.IGNORECASE,
)
_NO_CLAIM_RE = re.compile(
    r"\bno (?:group|one|party|organi[sz]ation)(?: \w+)? (?:has |have |had )?(?:yet )?(?:claimed|took|taken)"
    r"|(?:has|have) not (?:yet )?(?:been )?claimed|unclaimed",
    re.IGNORECASE,
)
_STATE_GENERIC_RE = re.compile(
    r"\b(?:(?:Iraqi|security|government|federal|joint|allied|army) (?:forces|troops|personnel)"
    r"|security services|troops|the army|soldiers|counter-?terrorism (?:forces|service)|police forces)\b",
    re.IGNORECASE,
)
_BAD_BY_RE = re.compile(r"\b(?:held|controlled|run|owned|led|headed|backed|supported|used|occupied|manned|guarded) by\s*$",
                        re.IGNORECASE)
_ACTIVE_CASUALTY_RE = re.compile(r"\b(?:killed|kidnapped|abducted|wounded|injured|shot|executed|beheaded)\b",
                                 re.IGNORECASE)
# Auxiliaries match case-sensitively (a capital only as a sentence's first letter): with
# IGNORECASE, "IS militants killed six soldiers" reads as the passive "is ... killed".
_AUX = r"(?-i:[Ww]ere|[Ww]as|[Bb]een|[Aa]re|[Ii]s)"
_PASSIVE_BEFORE_RE = re.compile(rf"\b(?:{_AUX}|(?-i:[Bb]e|[Aa]nd|[Bb]eing))\s+(?:\w+\s+)?$", re.IGNORECASE)
_JOINER_RE = re.compile(r"[\s,;-]*(?:and|while|but|then|before|after)?[\s,;-]*", re.IGNORECASE)
_BOUNDARY_RE = re.compile(r";\s+|,\s+(?:and|while|whereas|but)\s+|\s+-\s+")
_PASSIVE_RE = re.compile(rf"\b{_AUX}\s+(?:\w+\s+)?(?:killed|wounded|injured|kidnapped|abducted|executed|shot)\b",
                         re.IGNORECASE)

# Victim nouns that name no actor from the gazetteer: (pattern, target name, target_type).
_VICTIMS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(p, re.IGNORECASE), name, ttype) for p, name, ttype in [
        (r"\bpolice(?:m[ae]n|wom[ae]n| officers?| personnel| patrols?| stations?| checkpoints?)?\b|\bpolicem[ae]n\b|\bSWAT\b",
         "Iraqi Police", "police"),
        (r"\b(?:soldiers?|troops|servicem[ae]n|army (?:officers?|patrols?|posts?|positions?|base|convoy)"
         r"|military (?:base|post|positions?|convoy|vehicles?|outposts?))\b", "Iraqi Army", "military"),
        (r"\b(?:checkpoints?|patrols?|convoys?|outposts?|security (?:forces|personnel|members|posts?)|a (?:security )?position)\b",
         "Iraqi Security Forces", "military"),
        (r"\b(?:civilians?|villagers?|residents?|people|shepherds?|farmers?|children|child|boys?|girls?|wom[ae]n"
         r"|famil(?:y|ies)|worshipp?ers|pilgrims|passers-?by|students?|workers?|villages?|houses?|homes?|market"
         r"|motorists|drivers?|tribesm[ae]n|tribal (?:leaders?|sheikhs?|elders?|chiefs?)|a man|men|crowd|caf[eé]"
         r"|restaurant|wedding|funeral|mourners|fisherm[ae]n|hunters?|truffle (?:hunters?|pickers?))\b",
         "civilians", "civilians"),
        (r"\b(?:mukhtars?|mayors?|officials?|governor|judges?|council(?: members?)?|candidates?|lawmakers?"
         r"|government (?:employees?|buildings?|offices?|headquarters)|directorate|municipal\w*)\b",
         "government", "government"),
        (r"\b(?:mosques?|church(?:es)?|shrines?|imams?|clerics?|husseiniyas?|hussainiyas?)\b", "religious", "religious"),
        (r"\b(?:power (?:lines?|towers?|stations?|plants?)|pylons?|electricity|pipelines?|oil (?:wells?|fields?|facilit\w+)"
         r"|bridges?|water (?:stations?|projects?)|telecommunications? towers?|railway|transmission towers?)\b",
         "infrastructure", "infrastructure"),
        (r"\b(?:compan(?:y|ies)|contractors?|businesses|businessm[ae]n|shops?|stores?|factor(?:y|ies)|trucks?)\b",
         "business", "business"),
        (r"\b(?:ISIS|IS|Daesh) (?:hideouts?|positions?|members|fighters|militants|cells?)\b|\b(?:hideouts?|sleeper cells?)\b",
         "militants", "militants"),
    ]
]

# Lower-case words that every match of the corresponding _VICTIMS pattern contains: on an
# ASCII clause (where IGNORECASE is plain lower-casing) a pattern whose words are all
# absent cannot match, and its scan is skipped.
_VICTIM_WORDS: list[tuple[str, ...]] = [
    ("police", "swat"),
    ("soldier", "troops", "servicem", "army ", "military "),
    ("checkpoint", "patrol", "convoy", "outpost", "security ", "position"),
    ("civilian", "villager", "resident", "people", "shepherd", "farmer", "child", "boy", "girl", "wom",
     "famil", "worship", "pilgrims", "passer", "student", "worker", "village", "house", "home", "market",
     "motorists", "driver", "tribesm", "tribal ", "a man", "men", "crowd", "caf", "restaurant", "wedding",
     "funeral", "mourners", "fisherm", "hunter", "truffle "),
    ("mukhtar", "mayor", "official", "governor", "judge", "council", "candidate", "lawmaker", "government ",
     "directorate", "municipal"),
    ("mosque", "church", "shrine", "imam", "cleric", "husseiniya", "hussainiya"),
    ("power ", "pylon", "electricity", "pipeline", "oil ", "bridge", "water ", "telecommunication", "railway",
     "transmission "),
    ("compan", "contractor", "business", "shop", "store", "factor", "truck"),
    ("isis ", "is ", "daesh ", "hideout", "sleeper "),
]
assert len(_VICTIM_WORDS) == len(_VICTIMS)
# The same test as one scan per victim kind (an `any` over the words ran in Python).
_VICTIM_WORD_RES = [re.compile("|".join(re.escape(w) for w in words)) for words in _VICTIM_WORDS]

# Air forces named by nationality, not by an actor alias ("Iraqi warplanes").
_AIR_ACTORS = [
    (re.compile(r"\bIraqi (?:warplanes?|war planes|jets?|aircraft|air force|F-16s?|helicopters?)", re.IGNORECASE),
     "Iraqi Air Force"),
    (re.compile(r"\b(?:coalition|international coalition|US-led coalition) (?:warplanes?|jets?|aircraft|air ?strikes?|drones?)",
                re.IGNORECASE), "Global Coalition to Defeat ISIS"),
    (re.compile(r"\b(?:US|U\.S\.|American) (?:warplanes?|jets?|aircraft|air ?strikes?|drones?|strike)", re.IGNORECASE),
     "United States"),
    (re.compile(r"\bTurkish (?:warplanes?|jets?|aircraft|air ?strikes?|drones?)", re.IGNORECASE), "Turkey"),
]


@dataclass
class Incident:
    article_id: str
    sentence_idx: int
    paragraph_idx: int
    char_start: int
    char_end: int
    span: tuple[int, int]
    event_type: str
    event_date: date | None
    date_precision: str
    perpetrator: str = "unknown"
    perpetrator_basis: str = "unknown"
    perpetrator_rank: int = 0  # 0 unknown, 1 context, 2 stated, 3 suspected, 4 attributed, 5 claimed
    generic_perp: bool = False
    no_claim: bool = False
    targets: list[tuple[str, str]] = field(default_factory=list)
    province_code: str | None = None
    location: str | None = None
    geo_precision: int | None = None
    killed: int | None = None
    wounded: int | None = None
    kidnapped: int | None = None
    ordinal: int = 0


_RANK = {"claimed": 5, "attributed": 4, "suspected": 3, "stated": 2, "context": 1}


# ----------------------------------------------------------------------------------------
# Trigger analysis
# ----------------------------------------------------------------------------------------

@dataclass
class _Trigger:
    start: int  # offsets into the folded sentence text
    end: int
    event_type: str
    anaphoric: bool
    participle: bool


_WORDS_RE = re.compile(r"[\w'-]+")
# Past-tense verb triggers that do not end in -ed: a verb's determiner, if any, stands right
# before it ("the abducted men"); the noun forms ("the attack") take one further back.
_IRREGULAR_VERBS = frozenset(("set", "shot", "blew", "took", "held", "burnt"))


def _is_anaphoric(text: str, start: int, word: str = "") -> bool:
    """A trigger whose noun phrase opens with "the/this/that..." refers back to an incident
    told before. The determiner has to be in the trigger's own phrase: the window stops at
    clause punctuation ("On the same day, gunmen abducted"), and a verb trigger only counts
    a determiner right before it ("the abducted men") or of a generic attacker subject ("the
    militants torched"), not of a named subject ("the Islamic State abducted")."""
    window = text[max(0, start - 40):start]
    cut = max(window.rfind(","), window.rfind(";"), window.rfind(":"), window.rfind("("), window.rfind(")"))
    if cut >= 0:
        window = window[cut + 1:]
    words = _WORDS_RE.findall(window)[-3:]
    first = word.split(" ", 1)[0].lower()
    if first.endswith("ed") or first in _IRREGULAR_VERBS:
        # "the militants attacked" continues the incident those militants were last seen in
        if len(words) >= 2 and words[-1].lower() in _DEFINITE_ATTACKERS and words[-2].lower() in _ANAPHOR_WORDS:
            return True
        words = words[-1:]
    for w in reversed(words):
        lw = w.lower()
        if lw in _INDEFINITE:
            return False
        if lw in _ANAPHOR_WORDS or lw.endswith("'s"):
            return True
    return False


def find_triggers(text: str, type_mask: int = -1) -> list[_Trigger]:
    """Triggers in a folded sentence; `type_mask` (bit i for _TRIGGER_RES[i], -1 for all)
    names the types a pre-filter has found possible."""
    found: list[_Trigger] = []
    for bit, (etype, rx) in enumerate(_TRIGGER_RES):
        if not type_mask >> bit & 1:
            continue
        for m in rx.finditer(text):
            word = m.group(0)
            lw = word.lower()
            # Plural nouns of kinds of attack are generic ("ISIS attacks", "bombings");
            # plural weapons are concrete ("two rockets landed", "twin bombs exploded").
            if lw in ("attacks", "bombings", "ambushes", "raids", "operations", "assaults",
                      "kidnappings", "assassinations"):
                continue
            if lw in ("air",):
                continue
            if etype == "security_operation" and _COMMAND_AFTER_RE.match(text, m.end()):
                continue  # "Joint Operations Command": an institution, not an operation
            if re.search(r"\bhad\s+(?:been\s+)?$", text[max(0, m.start() - 12):m.start()]):
                continue  # "a shepherd they had abducted days earlier": background to the clause
            found.append(_Trigger(m.start(), m.end(), etype, _is_anaphoric(text, m.start(), word),
                                  lw.endswith("ing") and etype not in ("bombing", "suicide_bombing")))
    found.sort(key=lambda t: (t.start, -t.end))
    dedup: list[_Trigger] = []
    for t in found:
        if dedup and t.start < dedup[-1].end:
            # overlapping triggers ("suicide car bomb" vs "car bomb"): the higher priority wins
            prev = dedup[-1]
            if PRIORITY.index(t.event_type) < PRIORITY.index(prev.event_type):
                dedup[-1] = t
            continue
        dedup.append(t)
    return dedup


def _segments(text: str) -> list[tuple[int, int]]:
    cuts = [0]
    for m in _BOUNDARY_RE.finditer(text):
        cuts.append(m.start())
    cuts.append(len(text))
    return [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1) if cuts[i + 1] > cuts[i]]


# "activities such as bombings, ambushes, kidnappings, extortion, and arson": the clause split
# leaves "and arson" on its own, so the list is recognised across the whole sentence.
_LIST_INTRO_RE = re.compile(r"\b(?:such as|including|like)\b", re.IGNORECASE)
_LIST_ITEMS_RE = re.compile(r"(?:[\s,]|\b(?:and|or)\b|[A-Za-z][A-Za-z'-]*)*")


def _in_generic_list(sentence: str, trigger_start: int, trigger_end: int) -> bool:
    """A kind of activity named in a list ("such as ... arson") is a tactic, not an event told.

    Only a list of bare words qualifies: a past-tense verb ("including one that killed two")
    or a number between the introducer and the trigger makes it a report again.
    """
    if sentence[trigger_start:trigger_end].lower().endswith("ed"):
        return False
    for intro in _LIST_INTRO_RE.finditer(sentence, 0, trigger_start):
        between = sentence[intro.end():trigger_start]
        if (len(between) <= 120 and _LIST_ITEMS_RE.fullmatch(between)
                and not re.search(r"[A-Za-z]ed\b", between)):
            return True
    return False


def _excluded_clause(clause: str) -> bool:
    """Modal, generic, aggregated or historical: no trigger in the clause is an event."""
    return bool(_MODAL_RE.search(clause) or _GENERIC_RE.search(clause) or _aggregate(clause)
                or _HISTORY_RE.search(clause))


def _aggregate(clause: str) -> bool:
    return bool(_AGGREGATE_RE.search(clause) or (_RECENT_RE.search(clause) and _SUM_RE.search(clause)))


def _excluded(clause: str, trig: _Trigger, clause_start: int, quotes: list[tuple[int, int]],
              sentence: str, memo: dict | None = None) -> bool:
    """`memo` (one per clause) keeps the clause tests, the same for every trigger in it."""
    if in_spans(trig.start, quotes):
        return True
    if memo is None:
        memo = {}
    if "clause" not in memo:
        memo["clause"] = _excluded_clause(clause)
    if memo["clause"]:
        return True
    if _in_generic_list(sentence, trig.start, trig.end):
        return True
    before = sentence[max(clause_start, trig.start - 45):trig.start]
    if _NEGATION_RE.search(before):
        return True
    return False


# ----------------------------------------------------------------------------------------
# Actors, targets, places
# ----------------------------------------------------------------------------------------

def _actor_target_type(index: GazIndex, canonical: str) -> str:
    kind = (index.actor_kind.get(canonical) or "").lower()
    if "police" in canonical.lower():
        return "police"
    if index.is_militant(canonical):
        return "militants"
    if kind in ("ministry", "government_body", "legislature"):
        return "government"
    if index.is_state(canonical):
        return "military"
    return "unknown"


def _place_of(ctx: ArticleContext, places: list[Mention], extra_locs=()) -> tuple[str | None, str | None, int | None]:
    """(province_code, location, geo_precision) from the place mentions of a span."""
    norm = ctx.norm
    govs: list[Mention] = []
    specific: list[tuple[int, int, Mention, bool]] = []  # (rank, order, mention, reference_point)
    for order, m in enumerate(places):
        kind = (m.kind or "").lower()
        after = norm[m.end:m.end + 14].lower()
        if kind in ("country",) or m.entity_name in ("Iraq",):
            continue
        if kind in ("governorate", "province") or after.startswith((" province", " governorate")):
            govs.append(m)
            continue
        if kind == "region":
            continue
        before = norm[max(0, m.start - 40):m.start].lower()
        reference = bool(re.search(
            r"(?:near|outside|outskirts of|(?:north|south|east|west|northeast|northwest|southeast|southwest)"
            r"(?:ern)? of|(?:km|kilometers|kilometres|miles) (?:from|of)|close to|towards?|from)\s+(?:the\s+)?"
            r"(?:capital\s+)?(?:city\s+of\s+)?$", before))
        specific.append((PLACE_RANK.get(kind, 1), order, m, reference))
    gov_codes = {g.governorate for g in govs if g.governorate}
    chosen = None
    if specific:
        direct = [s for s in specific if not s[3]]
        pool = direct or specific
        chosen = min(pool, key=lambda s: (s[0], s[1]))
    if chosen is not None:
        rank, _, m, reference = chosen
        code = m.governorate
        if len(gov_codes) == 1 and code not in gov_codes:
            # an explicit governorate beats a place name that may exist in several provinces
            code = next(iter(gov_codes))
        before = norm[max(0, m.start - 12):m.start].lower()
        directional = bool(re.search(r"(?:northern|southern|eastern|western|central|rural|outskirts of)\s+$", before))
        if reference or directional or rank >= 2:
            geo = 2
        else:
            geo = 1
        location = ctx.body[m.start:m.end]
        after = re.match(r"\s+(district|sub-?district|city|town|village|area|camp|base|region|mountains?)\b",
                         norm[m.end:m.end + 16], re.IGNORECASE)
        if after:
            location = ctx.body[m.start:m.end + after.end()]
        return code, location, geo
    if extra_locs:
        loc, geo = extra_locs[0]
        code = next(iter(gov_codes)) if len(gov_codes) == 1 else None
        return code, loc, geo
    if govs:
        g = govs[0]
        code = g.governorate if len(gov_codes) == 1 else (g.governorate if g.governorate else None)
        location = ctx.body[g.start:g.end]
        after = re.match(r"\s+(province|governorate)\b", norm[g.end:g.end + 14], re.IGNORECASE)
        if after:
            location = ctx.body[g.start:g.end + after.end()]
        before = re.search(r"((?:northern|southern|eastern|western|central)\s+)$", norm[max(0, g.start - 12):g.start],
                           re.IGNORECASE)
        if before:
            location = ctx.body[g.start - len(before.group(1)):g.start] + location
        return code, location, 3
    return None, None, None


_UNKNOWN_PLACE_RE = re.compile(
    r"(?:\b(?:the )?(?:village|town|city|area|neighbou?rhood|district|sub-?district|region) of "
    r"((?:al-|Al-)?[A-Z][\w'-]+(?: [A-Z][\w'-]+)?))"
    r"|(?:\b((?:al-|Al-)?[A-Z][\w'-]+(?: [A-Z][\w'-]+)?) (village|town|police station|checkpoint|district"
    r"|sub-?district|area|neighbou?rhood|market|bridge|camp|base|airport|airbase|region|oil field|mountains?))\b"
)
_NOT_PLACE_WORDS = frozenset("The A An In On At Iraqi Iraq Kurdish Federal Army Police Security Military Joint "
                             "Ministry Brigade Islamic State ISIS Daesh US Coalition This That Another Each".split())


def unknown_places(ctx: ArticleContext, start: int, end: int, gaz_mentions: list[Mention]) -> list[tuple[str, int]]:
    """Named places the gazetteer lacks: "Zaghniya police station", "the village of Albu Bali"."""
    out = []
    text = ctx.norm
    for m in _UNKNOWN_PLACE_RE.finditer(text, start, end):
        g = 1 if m.group(1) else 2
        s, e = m.span(g)
        name = m.group(g)
        if name.split()[0] in _NOT_PLACE_WORDS:
            continue
        if any(gm.start < e and s < gm.end for gm in gaz_mentions):
            continue
        kind = (m.group(3) or "village").lower()
        geo = 2 if kind in ("district", "subdistrict", "sub-district", "area", "region", "mountain", "mountains") else 1
        if m.group(2):
            out.append((ctx.body[s:m.end()], geo))
        else:
            out.append((ctx.body[m.start():e].removeprefix("the "), geo))
    return out


# ----------------------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------------------

def _actors_in(ctx: ArticleContext, start: int, end: int) -> list[Mention]:
    return [m for m in ctx.mentions_in(start, end, "organisation")]


def _perpetrator_from(ctx: ArticleContext, index: GazIndex, start: int, end: int,
                      trig_abs: int | None) -> tuple[str | None, str | None, Mention | None, bool]:
    """(perpetrator, basis, mention, generic_subject) found in [start, end)."""
    norm = ctx.norm
    seg = norm[start:end]
    actors = _actors_in(ctx, start, end)
    # claim / attribution / suspicion
    for m in re.finditer(r"claim(?:ed|s)? (?:the )?responsibility|claimed (?:the|this|that) \w+", seg, re.IGNORECASE):
        abs_pos = start + m.start()
        if _NO_CLAIM_RE.search(norm[max(start, abs_pos - 40):abs_pos + 40]):
            continue
        before = [a for a in actors if a.end <= abs_pos]
        after_by = re.search(r"\bby\s+(?:the\s+)?", norm[start + m.end():start + m.end() + 12])
        if before:
            a = before[-1]
            return a.entity_name, "claimed", a, False
        if after_by:
            nxt = [a for a in actors if a.start >= start + m.end()]
            if nxt:
                return nxt[0].entity_name, "claimed", nxt[0], False
    for m in re.finditer(r"responsibility (?:was |has been )?claimed by|claimed by", seg, re.IGNORECASE):
        nxt = [a for a in actors if a.start >= start + m.end()]
        if nxt:
            return nxt[0].entity_name, "claimed", nxt[0], False
    for m in re.finditer(r"attributed|blamed|accused|held responsible|believed to (?:be|have)|suspected to be",
                         seg, re.IGNORECASE):
        abs_end = start + m.end()
        nxt = [a for a in actors if a.start >= abs_end and a.start - abs_end < 60]
        if nxt:
            return nxt[0].entity_name, "attributed", nxt[0], False
        prev = [a for a in actors if a.end <= start + m.start() and start + m.start() - a.end < 40]
        if prev and re.search(r"\b(?:was|were|is)\s+$", norm[prev[-1].end:start + m.start()] + " "):
            return prev[-1].entity_name, "attributed", prev[-1], False
    for m in re.finditer(r"\bsuspect(?:ed)?\b", seg, re.IGNORECASE):
        abs_end = start + m.end()
        if trig_abs is not None and abs_end > trig_abs:
            continue  # "arrested four suspected ISIS members": the suspects are the objects
        nxt = [a for a in actors if a.start >= abs_end and a.start - abs_end <= 4]
        if nxt:
            return nxt[0].entity_name, "suspected", nxt[0], False
    if trig_abs is None:
        return None, None, None, False
    # stated: subject before the trigger, or "by X" after it
    subject = [a for a in actors if a.end <= trig_abs]
    if subject:
        a = subject[-1]
        between = norm[a.end:trig_abs]
        lead = norm[max(start, a.start - 40):a.start].lower()
        member_of = re.search(r"\b(?:members?|fighters?|militants?|elements?|remnants|cells?|gunmen|suspects?)\s+of\s+"
                              r"(?:the\s+)?(?:so-called\s+)?$", lead)
        if (member_of or not re.search(r"\b(?:against|on|targeting|at|of|from|with|between|in|to)\s+(?:the\s+)?"
                                       r"(?:so-called\s+)?$", lead)) \
                and not _PASSIVE_RE.search(norm[a.end:min(end, trig_abs + 24)]) and len(between) < 60 \
                and not _RAN_INTO_RE.fullmatch(between):
            return a.entity_name, "stated", a, False
    m = re.search(r"\bby\s+(?:the\s+)?(?:suspected\s+)?", norm[trig_abs:end])
    if m and not _BAD_BY_RE.search(norm[max(start, trig_abs + m.start() - 15):trig_abs + m.start() + 2]):
        pos = trig_abs + m.end()
        # "an attack by gunmen on Peshmerga positions": the actor after the attackers'
        # noun is the target; the generic attackers are handled below
        nxt = [] if _GENERIC_PERP_RE.match(norm, pos) else [
            a for a in actors if a.start == pos or (a.start > pos and a.start - pos < 12)]
        if nxt:
            return nxt[0].entity_name, "stated", nxt[0], False
    gm = None
    for g in _GENERIC_PERP_RE.finditer(norm, start, trig_abs + 1):
        gm = g
    if gm is not None and trig_abs - gm.end() < 40:
        return None, None, None, True
    m = re.search(r"\bby\s+(?:unknown\s+|unidentified\s+|armed\s+)?(?:gunm[ae]n|militants|assailants|insurgents|terrorists)",
                  norm[trig_abs:end], re.IGNORECASE)
    if m:
        return None, None, None, True
    return None, None, None, False


def _targets(ctx: ArticleContext, index: GazIndex, start: int, end: int, perp: Mention | None,
             perp_end: int, trig_abs: int, perp_name: str | None = None) -> list[tuple[str, str]]:
    norm = ctx.norm
    found: list[tuple[int, str, str]] = []
    actors = _actors_in(ctx, start, end)
    org_spans = []
    for a in actors:
        if perp is not None and a.start == perp.start:
            continue
        if a.end <= perp_end and a.start < trig_abs:
            # before the trigger: a target only as the subject of a passive ("PMF fighters were killed")
            if not _PASSIVE_RE.search(norm[a.end:min(end, a.end + 60)]):
                continue
        lead = norm[max(start, a.start - 40):a.start]
        if re.search(r"\b(?:claimed|attributed|blamed|according to|(?<!held )(?<!controlled )(?<!manned )by|accused)"
                     r"\b[^,.]*$", lead, re.IGNORECASE):
            continue
        if perp_name is not None and a.entity_name == perp_name:
            continue
        found.append((a.start, a.entity_name, _actor_target_type(index, a.entity_name)))
        org_spans.append((a.start, a.end))
    span = norm[start:end]
    low = span.lower() if span.isascii() else None
    for (rx, name, ttype), words in zip(_VICTIMS, _VICTIM_WORD_RES):
        if low is not None and not words.search(low):
            continue
        for m in rx.finditer(norm, start, end):
            if m.start() < perp_end and not _PASSIVE_RE.search(norm[m.end():min(end, m.end() + 40)]):
                continue
            if perp is not None and perp.start <= m.start() < perp.end:
                continue
            # a noun right after an actor ("Peshmerga soldier", "federal police officers") is that actor
            if any(0 <= m.start() - oe <= 1 or (os <= m.start() < oe) for os, oe in org_spans):
                continue
            found.append((m.start(), name, ttype))
    found.sort()
    out: list[tuple[str, str]] = []
    seen = set()
    for _, name, ttype in found:
        if name not in seen:
            seen.add(name)
            out.append((name, ttype))
    return out


def extract_incidents(ctx: ArticleContext, index: GazIndex, candidate_idx: list[int],
                      casualty_fn) -> list[Incident]:
    incidents: list[Incident] = []
    last: Incident | None = None
    last_sentence = -10
    militant_mentions = [m for m in ctx.mentions if m.entity_type == "organisation" and index.is_militant(m.entity_name)]
    candidates = set(candidate_idx)
    for s in ctx.sentences:
        if s.idx not in candidates:
            continue
        text = s.text
        quotes = quoted_spans(text)
        triggers = find_triggers(text, s.inc_types)
        strong = [t for t in triggers if not t.anaphoric]
        segs = _segments(text)
        # group triggers into segments; a segment without its own strong trigger belongs to
        # the previous one (participles "killing ...", "torching ..." continue the clause)
        groups: list[list] = []  # [seg_start, seg_end, [triggers]]
        for a, b in segs:
            own = [t for t in strong if a <= t.start < b]
            lead_participle = own and own[0].participle and _JOINER_RE.fullmatch(text[a:own[0].start]) is not None
            if groups and (not own or lead_participle):
                groups[-1][1] = b
                groups[-1][2].extend(own)
            else:
                groups.append([a, b, own])
        new_here: list[Incident] = []
        for a, b, own in groups:
            clause, memo = text[a:b], {}
            valid = [t for t in own if not _excluded(clause, t, a, quotes, text, memo)]
            if not valid:
                continue
            # "gunmen torched several houses": the attacker's noun names no act of its own, so
            # the act told decides the type; alone ("gunmen killed a farmer") it is an assault
            acts = [t for t in valid if text[t.start:t.end].lower() not in _ATTACKER_NOUNS] or valid
            etype = min((t.event_type for t in acts), key=PRIORITY.index)
            inc = _new_incident(ctx, index, s, a, b, acts, etype, casualty_fn)
            if inc is None:
                continue
            new_here.append(inc)
        if not new_here and not strong:
            # casualty-only sentence with no incident before it: an incident of its own only
            # when it counts casualties and is not excluded
            has_weak = bool(_WEAK_RE.search(text))
            attach = last is not None and s.idx - last_sentence <= 2
            if attach and (has_weak or _CLAIM_RE.search(text) or any(t.anaphoric for t in triggers)):
                _attach(ctx, index, last, s, casualty_fn)
                last_sentence = s.idx
                continue
            if has_weak and not in_spans(_WEAK_RE.search(text).start(), quotes) \
                    and not (_MODAL_RE.search(text) or _GENERIC_RE.search(text) or _aggregate(text)
                             or _HISTORY_RE.search(text)):
                counts = casualty_fn(_without_source(text))
                if counts.killed or counts.wounded or counts.kidnapped:
                    fake = _Trigger(_WEAK_RE.search(text).start(), _WEAK_RE.search(text).end(), "armed_assault", False, False)
                    ana = [t for t in triggers if t.anaphoric]
                    etype = "kidnapping" if counts.kidnapped and not (counts.killed or counts.wounded) else (
                        min((t.event_type for t in ana), key=PRIORITY.index) if ana else "armed_assault")
                    inc = _new_incident(ctx, index, s, 0, len(text), [fake], etype, casualty_fn)
                    if inc is not None:
                        new_here.append(inc)
        for inc in new_here:
            inc.ordinal = len(incidents)
            incidents.append(inc)
            last = inc
            last_sentence = s.idx
    # province fallback and perpetrator context rule
    for inc in incidents:
        if inc.province_code is None and inc.location is None:
            prev = [x for x in ctx.sentences if x.idx == inc.sentence_idx - 1 and x.paragraph_idx == inc.paragraph_idx]
            if prev:
                p = prev[0]
                code, loc, geo = _place_of(ctx, ctx.mentions_in(p.start, p.end, "place"))
                if code is not None:
                    inc.province_code, inc.location, inc.geo_precision = code, loc, geo
        if inc.perpetrator_rank == 0 and not inc.no_claim and inc.event_type not in ("security_operation", "airstrike"):
            target_names = {t for t, _ in inc.targets}
            prior = [m for m in militant_mentions if m.start < inc.span[1] and m.entity_name not in target_names]
            if prior:
                inc.perpetrator = prior[-1].entity_name
                inc.perpetrator_basis = "attributed"
                inc.perpetrator_rank = 1
    # one article telling the same sentence twice (lead repeated in the body) is one report
    out: list[Incident] = []
    seen = set()
    for inc in incidents:
        key = (" ".join(ctx.norm[inc.span[0]:inc.span[1]].split()).lower(), inc.event_type)
        if key in seen:
            continue
        seen.add(key)
        out.append(inc)
    return out


_SOURCE_TAIL_RE = re.compile(
    r",\s+(?:(?:an?|the|two|several)\s+)?(?:[\w-]+\s+){0,3}(?:sources?|officials?|officers?|spokes(?:man|person)"
    r"|statement|police|witness(?:es)?|residents?)\s+(?:said|told|reported|added|say|says)\b.*$"
    r"|,?\s+according to\b.*$",
    re.IGNORECASE | re.DOTALL,
)


def _without_source(text: str) -> str:
    """The clause without its attribution tail (", a military source said"), whose people
    are no casualties."""
    return _SOURCE_TAIL_RE.sub("", text)


def _new_incident(ctx, index, s, a, b, valid, etype, casualty_fn) -> Incident | None:
    text = s.text
    clause = text[a:b]
    trig = valid[0]
    trig_abs = s.start + trig.start
    # the clause's main verb may be a casualty verb before the attack noun ("militants killed
    # three officers ... in an attack on ..."): the subject stands before it
    active = _ACTIVE_CASUALTY_RE.search(text, a, trig.start)
    if active and not _PASSIVE_BEFORE_RE.search(text[max(a, active.start() - 14):active.start()]):
        trig_abs = s.start + active.start()
    abs_a, abs_b = s.start + a, s.start + b
    # history: a clause dated only to a year, or to a date marked background/future
    date_mentions = ctx.date_mentions(s.pos)
    event_date, precision = ctx.event_date(s.pos)
    relevant = [d for d in date_mentions if a <= d.start < b] or date_mentions
    if relevant:
        if all(d.tense in ("background", "future") for d in relevant):
            return None
        if precision == "year":
            return None
    if event_date is None:
        precision = "unknown"
    perp, basis, perp_m, generic = _perpetrator_from(ctx, index, abs_a, abs_b, trig_abs)
    if perp is None and not generic and re.search(r"\bclash(?:es|ed)?\b", clause, re.IGNORECASE) \
            and not _STATE_GENERIC_RE.search(ctx.norm[abs_a:trig_abs]):
        # "Clashes erupted between IS militants and the army": the militants are the side
        # the report is about (ACLED's first actor)
        side = [m for m in ctx.mentions_in(abs_a, abs_b, "organisation") if index.is_militant(m.entity_name)]
        if side:
            perp, basis, perp_m = side[0].entity_name, "stated", side[0]
    no_claim = bool(_NO_CLAIM_RE.search(clause))
    # state forces attacking or killing militants: a security operation
    state_subject = (perp is not None and index.is_state(perp) and basis == "stated") or (
        perp is None and not generic and _STATE_GENERIC_RE.search(ctx.norm[abs_a:trig_abs]) is not None
        and not _PASSIVE_RE.search(ctx.norm[abs_a:abs_b]))
    perp_end = perp_m.end if perp_m is not None and perp_m.end <= trig_abs else abs_a
    if generic:
        g = None
        for g in _GENERIC_PERP_RE.finditer(ctx.norm, abs_a, trig_abs + 1):
            pass
        if g is not None:
            perp_end = g.end()
    elif perp is None and state_subject:
        sm = None
        for sm in _STATE_GENERIC_RE.finditer(ctx.norm, abs_a, trig_abs):
            pass
        if sm is not None:
            perp_end = sm.end()
    targets = _targets(ctx, index, abs_a, abs_b, perp_m, perp_end, trig_abs, perp)
    if state_subject and (etype == "security_operation" or (
            etype in ("armed_assault", "bombing", "arson", "execution") and targets and targets[0][1] == "militants")):
        etype = "security_operation"
    if etype == "security_operation":
        if not state_subject and (perp is None or index.is_militant(perp)):
            # arrests/operations need a state actor; militants "killing" is an assault
            if perp is not None and index.is_militant(perp):
                etype = "armed_assault"
            elif not re.search(r"operation|arrest|detain|captur|apprehend", clause, re.IGNORECASE):
                etype = "armed_assault"
        if perp is None and state_subject:
            perp, basis = "Iraqi Security Forces", "stated"
    if etype == "airstrike" and perp is None:
        for rx, name in _AIR_ACTORS:
            if rx.search(clause):
                perp, basis = name, "stated"
                targets = [t for t in targets if t[0] != name]
                break
    counts = casualty_fn(_without_source(clause))
    if etype == "armed_assault" and targets and targets[0][1] == "government" and counts.killed in (1, 2) \
            and re.search(r"\b(?:killed|shot dead|gunned down|shot and killed|murdered)\b", clause, re.IGNORECASE):
        # the targeted killing of an official (GTD: assassination)
        etype = "assassination"
    elif etype == "armed_assault" and counts.killed == 1 and _PROMINENT_KILLED_RE.search(clause):
        # one named-role figure shot dead ("gunmen shot dead a tribal leader"): GTD codes the
        # killing of a specific prominent person as an assassination
        etype = "assassination"
    places = ctx.mentions_in(abs_a, abs_b, "place")
    if not places:
        places = ctx.mentions_in(s.start, s.end, "place")
    extra = unknown_places(ctx, abs_a, abs_b, places)
    code, loc, geo = _place_of(ctx, places, extra)
    inc = Incident(
        article_id=ctx.article_id, sentence_idx=s.idx, paragraph_idx=s.paragraph_idx,
        char_start=s.start, char_end=s.end, span=(abs_a, abs_b), event_type=etype,
        event_date=event_date, date_precision=precision,
        perpetrator=perp or "unknown", perpetrator_basis=basis or "unknown",
        perpetrator_rank=_RANK.get(basis or "", 0), generic_perp=generic, no_claim=no_claim,
        targets=targets, province_code=code, location=loc, geo_precision=geo,
        killed=counts.killed, wounded=counts.wounded, kidnapped=counts.kidnapped,
    )
    return inc


def _attach(ctx: ArticleContext, index: GazIndex, inc: Incident, s, casualty_fn) -> None:
    text = s.text
    counts = casualty_fn(_without_source(text))
    also = re.search(r"\b(?:also|additionally|in addition|as well)\b", text, re.IGNORECASE)
    for role in ("killed", "wounded", "kidnapped"):
        value = getattr(counts, role)
        if value is None:
            continue
        current = getattr(inc, role)
        if current is None:
            setattr(inc, role, value)
        elif also:
            setattr(inc, role, current + value)
    if _NO_CLAIM_RE.search(text):
        inc.no_claim = True
    perp, basis, perp_m, generic = _perpetrator_from(ctx, index, s.start, s.end, None)
    if perp and _RANK.get(basis or "", 0) >= inc.perpetrator_rank:
        if not (basis == "stated" and inc.perpetrator_rank >= 2):
            inc.perpetrator, inc.perpetrator_basis, inc.perpetrator_rank = perp, basis, _RANK[basis]
    if not inc.targets:
        inc.targets = _targets(ctx, index, s.start, s.end, perp_m, s.start, s.start)
    if inc.province_code is None and inc.location is None:
        places = ctx.mentions_in(s.start, s.end, "place")
        code, loc, geo = _place_of(ctx, places, unknown_places(ctx, s.start, s.end, places))
        inc.province_code, inc.location, inc.geo_precision = code, loc, geo
