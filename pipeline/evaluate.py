"""Score the warehouse against the analysts' gold reading, or the extractor against a labelled CSV.

Two entry points, both returning an :class:`EvalReport`:

* :func:`score_warehouse` opens a published DuckDB file read-only and compares
  ``news.*`` and ``marts.attacks_per_province_week`` with ``tests/data/seed_gold.yaml``.
* :func:`score_labelled_csv` runs the extractor in memory over a CSV with one labelled
  incident per text and scores what it finds.

Matching rules (warehouse mode)
-------------------------------
A predicted row and a gold item can only be paired when the gold ``evidence`` fragment
overlaps the predicted evidence sentence after normalisation (quotes, dashes, whitespace,
case): the fragment is contained in the sentence, or their longest common substring covers
at least half of the fragment (sentence splitters may cut a fragment in two). Among the
candidate pairs, field agreement (event type, province, killed, ...) breaks ties between
rows that share one sentence. Pairs are then taken greedily by score, one-to-one.

Gold items marked ``required: false`` count neither way: a prediction paired with one (or
drawn from its sentence) is neither a true nor a false positive, and missing one is not a
false negative. A second row for a *required* item is a false positive: the extractor
should report an incident once per article. Field accuracies are computed over the pairs
with required gold items only.

Field conventions: dates are compared as the warehouse stores them (month -> the 1st, week
-> the Monday) together with their precision; a gold date that cannot be known is matched
only by NULL, and so is a gold count of null. ``room_provinces`` is scored where the gold
lists ``rooms`` or the event is not about the rooms (then none are expected). In the weekly
mart, NULL and 0 are the same cell (the mart is zero-filled).

Persons in mentions are compared on a name key (first given name + surname, particles,
initials and generational suffixes dropped, ``Abdul``/``Abd``/``Abu`` joined to the next
name): "Abdul-Amir Yarallah" and "Abdul Amir Rashid Yarallah" are the same person.

This module is deliberately independent of the extractor's own alias tables: the scorer
must not share the extractor's mistakes.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import SequenceMatcher
from pathlib import Path, PurePath
from typing import Any

import duckdb
import polars as pl
import yaml

__all__ = [
    "EvalReport",
    "FieldScore",
    "MartDiff",
    "MatchScore",
    "canonical_perpetrator",
    "evidence_overlap",
    "main",
    "normalise_text",
    "person_key",
    "score_labelled_csv",
    "score_warehouse",
]

# A gold fragment and a predicted sentence are the same evidence when the fragment is
# inside the sentence, or when their longest common run covers this share of the fragment.
MIN_EVIDENCE_OVERLAP = 0.5
# Weight of field agreement relative to evidence overlap when ranking candidate pairs:
# enough to separate two rows drawn from one sentence, too small to beat a better sentence.
AGREEMENT_WEIGHT = 0.2

INCIDENT_TABLE = "incidents"
COOPERATION_TABLE = "cooperation_events"
TALLY_TABLE = "claimed_tallies"

_REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = _REPO_ROOT / "tests" / "data" / "seed_gold.yaml"


# --------------------------------------------------------------------------- normalising

_QUOTE_MAP = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
        "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    }
)
_WS = re.compile(r"\s+")


def normalise_text(text: str | None) -> str:
    """Fold typography that varies between copies of one sentence: quotes, dashes, spaces, case."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_MAP)
    return _WS.sub(" ", text).strip().casefold()


def evidence_overlap(gold_fragment: str | None, predicted: str | None) -> float:
    """Share of the gold fragment found as one contiguous run in the predicted sentence (0..1)."""
    g, p = normalise_text(gold_fragment), normalise_text(predicted)
    if not g or not p:
        return 0.0
    if g in p:
        return 1.0
    m = SequenceMatcher(None, g, p, autojunk=False).find_longest_match(0, len(g), 0, len(p))
    return m.size / len(g)


_ISIS_ALIASES = {
    "isis", "isil", "is", "daesh", "da'esh", "daish", "islamic state", "the islamic state",
    "islamic state of iraq and syria", "islamic state of iraq and the levant",
    "islamic state in iraq and syria", "islamic state (isis)", "isis (al-naba)", "al-naba",
}
_UNKNOWN = {"", "unknown", "none", "null", "n/a", "na", "unidentified", "unclaimed"}


def canonical_perpetrator(value: str | None) -> str:
    """ISIS under any of its press names -> "ISIS"; blank or "unknown" -> "unknown"; else folded text."""
    v = normalise_text(value)
    if v in _UNKNOWN:
        return "unknown"
    if v in _ISIS_ALIASES:
        return "ISIS"
    return v


_PARTICLES = {"al", "el", "ad", "ar", "as", "an", "bin", "ibn", "bint", "ben", "de", "van", "von", "der"}
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_PREFIX_NAMES = {"abdul", "abd", "abu", "abdel", "abdal"}
_HONORIFICS = {"mr", "mrs", "ms", "dr", "sheikh", "shaikh", "gen", "col", "maj", "lt", "brig", "capt"}


def person_key(name: str | None) -> tuple[str, str] | None:
    """(first given name, surname) with particles, initials and suffixes dropped.

    Arabic names reach the press with middle names present or not and with or without
    hyphens ("Abdul-Amir Yarallah" / "Abdul Amir Rashid Yarallah"): matching on the
    first given name and the surname is what survives those variations.
    """
    text = unicodedata.normalize("NFKD", normalise_text(name))
    text = "".join(c for c in text if not unicodedata.combining(c))
    tokens = [t for t in re.split(r"[\s\-']+", re.sub(r"[^\w\s\-']", " ", text)) if t]
    tokens = [t for t in tokens if t not in _PARTICLES and t not in _SUFFIXES and len(t) > 1]
    while tokens and tokens[0] in _HONORIFICS:
        tokens = tokens[1:]
    if not tokens:
        return None
    if len(tokens) > 2 and tokens[0] in _PREFIX_NAMES:
        tokens = [tokens[0] + tokens[1], *tokens[2:]]
    return tokens[0], tokens[-1]


# ----------------------------------------------------------------------------- results


@dataclass
class FieldScore:
    """Accuracy of one field over matched pairs, with the disagreements spelt out."""

    correct: int = 0
    total: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None

    def add(self, ok: bool, label: str, gold: Any, got: Any) -> None:
        self.total += 1
        if ok:
            self.correct += 1
        else:
            self.errors.append(f"{label}: expected {_show(gold)}, got {_show(got)}")

    def to_dict(self) -> dict[str, Any]:
        return {"correct": self.correct, "total": self.total, "accuracy": self.accuracy,
                "errors": list(self.errors)}


@dataclass
class MatchScore:
    """Detection counts for one kind of item, plus field accuracies on matched items."""

    name: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    optional_matched: int = 0      # predictions on optional gold items: neither TP nor FP
    fields: dict[str, FieldScore] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        if self.tp + self.fp:
            return self.tp / (self.tp + self.fp)
        return 1.0 if self.fn == 0 else 0.0

    @property
    def recall(self) -> float:
        if self.tp + self.fn:
            return self.tp / (self.tp + self.fn)
        return 1.0 if self.fp == 0 else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def field(self, name: str) -> FieldScore:
        return self.fields.setdefault(name, FieldScore())

    def merge(self, other: MatchScore) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.optional_matched += other.optional_matched
        self.missed += other.missed
        self.false_positives += other.false_positives
        for k, v in other.fields.items():
            f = self.field(k)
            f.correct += v.correct
            f.total += v.total
            f.errors += v.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "precision": self.precision, "recall": self.recall, "f1": self.f1,
            "optional_matched": self.optional_matched,
            "fields": {k: v.to_dict() for k, v in self.fields.items()},
            "missed": list(self.missed), "false_positives": list(self.false_positives),
        }


@dataclass
class MartDiff:
    """Non-zero rows of marts.attacks_per_province_week against the expected rows."""

    available: bool = True
    expected: int = 0
    missing: list[dict[str, Any]] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)
    different: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.available and not (self.missing or self.extra or self.different)

    def to_dict(self) -> dict[str, Any]:
        return {"available": self.available, "ok": self.ok, "expected": self.expected,
                "missing": self.missing, "extra": self.extra, "different": self.different,
                "error": self.error}


@dataclass
class EvalReport:
    """Everything one evaluation found; ``format_report()`` for people, ``to_dict()`` for JSON."""

    mode: str                       # "warehouse" | "labelled_csv"
    sources: dict[str, str]
    tables: dict[str, MatchScore] = field(default_factory=dict)
    mentions: dict[str, MatchScore] = field(default_factory=dict)
    articles: dict[str, FieldScore] = field(default_factory=dict)
    mart: MartDiff | None = None
    extra_incidents: int | None = None
    per_province: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    # -- thresholds -------------------------------------------------------------------
    def failures(self, *, min_incident_f1: float | None = None,
                 min_incident_recall: float | None = None,
                 min_cooperation_f1: float | None = None,
                 min_tally_f1: float | None = None,
                 min_mention_f1: float | None = None,
                 min_field_accuracy: float | None = None,
                 require_mart: bool = False) -> list[str]:
        """Human-readable reasons why the report misses the given thresholds (empty: all met)."""
        out: list[str] = []

        def need(table: str, metric: str, minimum: float | None) -> None:
            if minimum is None or table not in self.tables:
                return
            value = getattr(self.tables[table], metric)
            if value < minimum:
                out.append(f"{table} {metric} {value:.3f} < {minimum:.3f}")

        need(INCIDENT_TABLE, "f1", min_incident_f1)
        need(INCIDENT_TABLE, "recall", min_incident_recall)
        need(COOPERATION_TABLE, "f1", min_cooperation_f1)
        need(TALLY_TABLE, "f1", min_tally_f1)
        if min_mention_f1 is not None:
            for kind, score in self.mentions.items():
                if score.f1 < min_mention_f1:
                    out.append(f"mentions {kind} f1 {score.f1:.3f} < {min_mention_f1:.3f}")
        if min_field_accuracy is not None:
            for table, score in self.tables.items():
                for name, fs in score.fields.items():
                    if fs.accuracy is not None and fs.accuracy < min_field_accuracy:
                        out.append(f"{table}.{name} accuracy {fs.accuracy:.3f} "
                                   f"< {min_field_accuracy:.3f}")
        if require_mart and self.mart is not None and not self.mart.ok:
            out.append("marts.attacks_per_province_week differs from the expected rows"
                       if self.mart.available else f"weekly mart unavailable: {self.mart.error}")
        return out

    # -- output -----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "sources": dict(self.sources),
            "tables": {k: v.to_dict() for k, v in self.tables.items()},
            "mentions": {k: v.to_dict() for k, v in self.mentions.items()},
            "articles": {k: v.to_dict() for k, v in self.articles.items()},
            "mart": self.mart.to_dict() if self.mart else None,
            "extra_incidents": self.extra_incidents,
            "per_province": self.per_province,
            "notes": list(self.notes),
        }

    def format_report(self, *, max_details: int = 20) -> str:
        src = ", ".join(f"{k}={v}" for k, v in self.sources.items())
        lines = [f"sitrep evaluation ({self.mode}): {src}", ""]
        head = f"{'detection':<24}{'TP':>5}{'FP':>5}{'FN':>5}{'opt':>5}{'prec':>8}{'recall':>8}{'F1':>8}"
        rows = [(k, v) for k, v in self.tables.items()] + [
            (f"mentions.{k}", v) for k, v in self.mentions.items()]
        if rows:
            lines += [head, "-" * len(head)]
            for name, s in rows:
                lines.append(f"{name:<24}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.optional_matched:>5}"
                             f"{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}")
            lines.append("")
        if self.extra_incidents is not None:
            lines += [f"extra incidents (beyond the best match per text): {self.extra_incidents}", ""]
        field_rows = [(f"{t}.{n}", fs) for t, s in self.tables.items() for n, fs in s.fields.items()]
        field_rows += [(f"articles.{n}", fs) for n, fs in self.articles.items()]
        if field_rows:
            fhead = f"{'field accuracy (matched)':<40}{'ok':>6}{'of':>6}{'acc':>8}"
            lines += [fhead, "-" * len(fhead)]
            for name, fs in field_rows:
                acc = "-" if fs.accuracy is None else f"{fs.accuracy:.3f}"
                lines.append(f"{name:<40}{fs.correct:>6}{fs.total:>6}{acc:>8}")
            lines.append("")
        if self.per_province:
            phead = f"{'province':<12}{'texts':>7}{'found':>7}{'recall':>8}"
            lines += [phead, "-" * len(phead)]
            for prov, d in sorted(self.per_province.items()):
                lines.append(f"{prov:<12}{d['texts']:>7}{d['found']:>7}{d['recall']:>8.3f}")
            lines.append("")
        if self.mart is not None:
            m = self.mart
            if not m.available:
                lines.append(f"weekly mart: unavailable ({m.error})")
            else:
                lines.append(f"weekly mart: {m.expected} expected rows, {len(m.missing)} missing, "
                             f"{len(m.extra)} extra, {len(m.different)} different"
                             f" -> {'OK' if m.ok else 'DIFFERS'}")
                for tag, rs in (("missing", m.missing), ("extra", m.extra), ("different", m.different)):
                    for r in rs[:max_details]:
                        lines.append(f"  {tag}: {json.dumps(r, default=str)}")
            lines.append("")
        details: list[str] = []
        for name, s in rows:
            details += [f"  {name} missed: {x}" for x in s.missed[:max_details]]
            details += [f"  {name} false positive: {x}" for x in s.false_positives[:max_details]]
        for name, fs in field_rows:
            details += [f"  {name}: {x}" for x in fs.errors[:max_details]]
        if details:
            lines += ["details:", *details, ""]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines).rstrip() + "\n"

    def __str__(self) -> str:
        return self.format_report()


class _Shown(str):
    """Text already formatted for a message: shown as is, not quoted."""


def _show(v: Any) -> str:
    if isinstance(v, _Shown):
        return str(v)
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, (set, frozenset)):
        return "[" + ", ".join(sorted(map(str, v))) + "]"
    return "NULL" if v is None else repr(v) if isinstance(v, str) else str(v)


# --------------------------------------------------------------------- gold conventions


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip()[:10])


def gold_date(value: Any, precision: str | None) -> tuple[date | None, str]:
    """The (stored date, precision) a gold date stands for, by the warehouse's storage rule."""
    precision = (precision or "").strip() or None
    if value is None or value == "":
        return None, precision or "unknown"
    if isinstance(value, (date, datetime)):
        d = _as_date(value)
        precision = precision or "day"
    else:
        s = str(value).strip()
        if re.fullmatch(r"\d{4}", s):
            d, precision = date(int(s), 1, 1), precision or "year"
        elif re.fullmatch(r"\d{4}-\d{2}", s):
            d, precision = date(int(s[:4]), int(s[5:]), 1), precision or "month"
        else:
            d, precision = date.fromisoformat(s[:10]), precision or "day"
    assert d is not None
    if precision == "week":
        d = date.fromisocalendar(*d.isocalendar()[:2], 1)
    elif precision == "month":
        d = d.replace(day=1)
    elif precision == "year":
        d = date(d.year, 1, 1)
    return d, precision


def _date_checks(gold_d: date | None, gold_p: str, pred_d: Any, pred_p: Any) -> tuple[bool, bool]:
    """(exact, same ISO week). An unknowable gold date is matched only by a NULL prediction."""
    pd_ = _as_date(pred_d)
    if gold_d is None:
        return pd_ is None, pd_ is None
    if pd_ is None:
        return False, False
    exact = pd_ == gold_d and (pred_p or "day") == gold_p
    week = exact or pd_.isocalendar()[:2] == gold_d.isocalendar()[:2]
    return exact, week


def _int_or_none(v: Any) -> int | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    return int(v)


# ---------------------------------------------------------------------------- matching


@dataclass
class _Gold:
    id: str
    required: bool
    evidence: str
    item: dict[str, Any]


def _match(golds: Sequence[_Gold], preds: Sequence[dict[str, Any]],
           agreement: Callable[[dict[str, Any], dict[str, Any]], float]
           ) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index), greedy by evidence overlap + agreement."""
    cands: list[tuple[float, int, int]] = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            ov = evidence_overlap(g.evidence, p.get("evidence"))
            if ov < MIN_EVIDENCE_OVERLAP:
                continue
            # Required items win ties: a row that fits an optional and a required item
            # equally well is credited where it counts.
            score = ov + AGREEMENT_WEIGHT * agreement(g.item, p) + (0.001 if g.required else 0.0)
            cands.append((score, gi, pi))
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, gi, pi in cands:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gi, pi))
    return pairs


def _frac(checks: Iterable[bool]) -> float:
    xs = list(checks)
    return sum(xs) / len(xs) if xs else 0.0


def _incident_agreement(g: dict[str, Any], p: dict[str, Any]) -> float:
    return _frac([
        g.get("event_type") == p.get("event_type"),
        g.get("province") == p.get("province_code"),
        _int_or_none(g.get("killed")) == p.get("killed"),
    ])


def _cooperation_agreement(g: dict[str, Any], p: dict[str, Any]) -> float:
    gd, _ = gold_date(g.get("date"), g.get("date_precision"))
    return _frac([
        g.get("event_type") == p.get("event_type"),
        g.get("province") == p.get("province_code"),
        gd == _as_date(p.get("event_date")),
    ])


def _tally_agreement(g: dict[str, Any], p: dict[str, Any]) -> float:
    return _frac([
        _int_or_none(g.get("attacks")) == p.get("attacks"),
        g.get("main_province") == p.get("main_province_code"),
    ])


def _score_incident_fields(score: MatchScore, gid: str, g: dict[str, Any], p: dict[str, Any]) -> None:
    score.field("event_type").add(g.get("event_type") == p.get("event_type"), gid,
                                  g.get("event_type"), p.get("event_type"))
    score.field("province").add(g.get("province") == p.get("province_code"), gid,
                                g.get("province"), p.get("province_code"))
    gd, gp = gold_date(g.get("date"), g.get("date_precision"))
    exact, week = _date_checks(gd, gp, p.get("event_date"), p.get("date_precision"))
    want = _Shown(f"{_show(gd)} ({gp})")
    got = _Shown(f"{_show(_as_date(p.get('event_date')))} ({p.get('date_precision')})")
    score.field("date").add(exact, gid, want, got)
    score.field("date_week").add(week, gid, want, got)
    for col in ("killed", "wounded"):
        gv = _int_or_none(g.get(col))
        score.field(col).add(gv == p.get(col), gid, gv, p.get(col))
    gper, pper = canonical_perpetrator(g.get("perpetrator")), canonical_perpetrator(p.get("perpetrator"))
    score.field("perpetrator").add(gper == pper, gid, gper, pper)


def _score_cooperation_fields(score: MatchScore, gid: str, g: dict[str, Any], p: dict[str, Any]) -> None:
    score.field("event_type").add(g.get("event_type") == p.get("event_type"), gid,
                                  g.get("event_type"), p.get("event_type"))
    score.field("province").add(g.get("province") == p.get("province_code"), gid,
                                g.get("province"), p.get("province_code"))
    gd, gp = gold_date(g.get("date"), g.get("date_precision"))
    exact, week = _date_checks(gd, gp, p.get("event_date"), p.get("date_precision"))
    want = _Shown(f"{_show(gd)} ({gp})")
    got = _Shown(f"{_show(_as_date(p.get('event_date')))} ({p.get('date_precision')})")
    score.field("date").add(exact, gid, want, got)
    score.field("date_week").add(week, gid, want, got)
    # A NULL flag is read as "not about the coordination rooms".
    groom, proom = bool(g.get("coordination_room")), bool(p.get("coordination_room"))
    score.field("coordination_room").add(groom == proom, gid, groom, proom)
    # Which rooms: scored where the gold lists them, or where there are none to list
    # (not about the rooms). A room event whose gold names no provinces leaves them open.
    if "rooms" in g or not groom:
        grooms = frozenset(g.get("rooms") or ())
        prooms = frozenset(p.get("room_provinces") or ())
        score.field("room_provinces").add(grooms == prooms, gid, grooms, prooms)


def _score_tally_fields(score: MatchScore, gid: str, g: dict[str, Any], p: dict[str, Any]) -> None:
    ga = _int_or_none(g.get("attacks"))
    score.field("attacks").add(ga == p.get("attacks"), gid, ga, p.get("attacks"))
    gper = (_as_date(g.get("period_start")), _as_date(g.get("period_end")))
    pper = (_as_date(p.get("period_start")), _as_date(p.get("period_end")))
    score.field("period").add(gper == pper, gid, _Shown("/".join(map(_show, gper))),
                              _Shown("/".join(map(_show, pper))))
    score.field("main_province").add(g.get("main_province") == p.get("main_province_code"), gid,
                                     g.get("main_province"), p.get("main_province_code"))


_TABLE_SPECS: dict[str, tuple[str, str, Callable[..., float], Callable[..., None]]] = {
    # report name: (gold key, warehouse table, agreement, field scorer)
    INCIDENT_TABLE: ("incidents", "news.incident_reports", _incident_agreement, _score_incident_fields),
    COOPERATION_TABLE: ("cooperation_events", "news.cooperation_events", _cooperation_agreement,
                        _score_cooperation_fields),
    TALLY_TABLE: ("claimed_tallies", "news.claimed_tallies", _tally_agreement, _score_tally_fields),
}

_WANTED_COLUMNS = {
    "news.articles": ["article_id", "source_file", "headline", "published_at", "body",
                      "near_duplicate_of"],
    "news.incident_reports": ["report_id", "article_id", "char_start", "evidence", "event_type",
                              "perpetrator", "province_code", "event_date", "date_precision",
                              "killed", "wounded"],
    "news.cooperation_events": ["report_id", "article_id", "char_start", "evidence", "event_type",
                                "event_date", "date_precision", "province_code",
                                "coordination_room", "room_provinces"],
    "news.claimed_tallies": ["report_id", "article_id", "evidence", "attacks", "period_start",
                             "period_end", "main_province_code"],
    "news.mentions": ["article_id", "entity_type", "entity_name", "province_code"],
}


def _score_items(name: str, label: str, golds: list[_Gold], preds: list[dict[str, Any]],
                 agreement: Callable[..., float], scorer: Callable[..., None]) -> MatchScore:
    score = MatchScore(name)
    pairs = _match(golds, preds, agreement)
    matched_g = {gi for gi, _ in pairs}
    matched_p = {pi for _, pi in pairs}
    for gi, pi in pairs:
        g = golds[gi]
        if g.required:
            score.tp += 1
            scorer(score, g.id, g.item, preds[pi])
        else:
            score.optional_matched += 1
    for gi, g in enumerate(golds):
        if gi not in matched_g and g.required:
            score.fn += 1
            score.missed.append(f"{g.id}: {g.evidence[:90]}")
    for pi, p in enumerate(preds):
        if pi in matched_p:
            continue
        near = [g for g in golds if evidence_overlap(g.evidence, p.get("evidence")) >= MIN_EVIDENCE_OVERLAP]
        if any(not g.required for g in near):
            # Whatever a row drawn from an optional item's sentence says, it is not held
            # against the extractor: optional items count neither way.
            score.optional_matched += 1
            continue
        score.fp += 1
        why = f" (second row for {near[0].id})" if near else ""
        score.false_positives.append(
            f"{label} {p.get('report_id') or ''} {p.get('event_type') or ''}{why}: "
            f"{normalise_text(p.get('evidence'))[:90]}")
    return score


# ------------------------------------------------------------------------ warehouse mode


def _read_table(con: duckdb.DuckDBPyConnection, table: str, wanted: list[str]
                ) -> list[dict[str, Any]]:
    schema, name = table.split(".")
    have = {r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
        [schema, name]).fetchall()}
    if not have:
        raise LookupError(f"table {table} not found")
    cols = [c for c in wanted if c in have]
    cur = con.execute(f"select {', '.join(cols)} from {schema}.{name}")
    rows = [dict(zip(cols, r)) for r in cur.fetchall()]
    for r in rows:
        for c in wanted:
            r.setdefault(c, None)
    return rows


def _load_gold(gold_path: Path) -> dict[str, Any]:
    with open(gold_path, encoding="utf-8") as fh:
        gold = yaml.safe_load(fh)
    if not isinstance(gold, dict) or "articles" not in gold:
        raise ValueError(f"{gold_path}: not a gold file (no 'articles' list)")
    return gold


def _gold_items(article: dict[str, Any], key: str) -> list[_Gold]:
    out = []
    for i, item in enumerate(article.get(key) or ()):
        out.append(_Gold(id=str(item.get("id") or f"{article['file']}#{key}{i}"),
                         required=item.get("required", True) is not False,
                         evidence=str(item.get("evidence") or ""), item=item))
    return out


def _score_set(name: str, label: str, gold: Iterable[Any], pred: Iterable[Any]) -> MatchScore:
    g, p = set(gold) - {None}, set(pred) - {None}
    s = MatchScore(name, tp=len(g & p), fp=len(p - g), fn=len(g - p))
    s.missed = [f"{label}: {_show_key(x)}" for x in sorted(g - p, key=str)]
    s.false_positives = [f"{label}: {_show_key(x)}" for x in sorted(p - g, key=str)]
    return s


def _show_key(x: Any) -> str:
    return " ".join(x) if isinstance(x, tuple) else str(x)


def _score_mentions(gold_articles: list[dict[str, Any]], file_to_id: dict[str, str],
                    mentions: list[dict[str, Any]]) -> dict[str, MatchScore]:
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in mentions:
        by_article[m["article_id"]].append(m)
    totals = {k: MatchScore(k) for k in ("persons", "organisations", "provinces")}
    for art in gold_articles:
        gm = art.get("mentions")
        if not gm:
            continue
        ms = by_article.get(file_to_id.get(art["file"], ""), [])
        label = art["file"]
        totals["persons"].merge(_score_set(
            "persons", label, (person_key(n) for n in gm.get("persons") or ()),
            (person_key(m["entity_name"]) for m in ms if m["entity_type"] == "person")))
        totals["organisations"].merge(_score_set(
            "organisations", label, (normalise_text(n) for n in gm.get("organisations") or ()),
            (normalise_text(m["entity_name"]) for m in ms if m["entity_type"] == "organisation")))
        totals["provinces"].merge(_score_set(
            "provinces", label, gm.get("provinces") or (),
            (m["province_code"] for m in ms if m["entity_type"] == "place")))
    return totals


def _boilerplate_present(boilerplate: str, body: str) -> bool:
    """Whether a furniture line survived cleaning.

    Long lines are looked for anywhere. One- or two-word furniture ("Source", "In Rudaw")
    also occurs as ordinary words, so it only counts where furniture sits: as a line of
    its own, or tacked on after the last sentence of a line.
    """
    b = normalise_text(boilerplate)
    if not b:
        return False
    esc = re.escape(b)
    lines = [normalise_text(ln) for ln in body.splitlines()]
    if len(b.split()) >= 3:
        return any(re.search(rf"(?<!\w){esc}(?!\w)", ln) for ln in lines)
    return any(ln == b or re.search(rf"[.!?\"')\]]\s+{esc}$", ln) for ln in lines)


def _score_articles(gold_articles: list[dict[str, Any]], by_file: dict[str, dict[str, Any]],
                    id_to_file: dict[str, str]) -> dict[str, FieldScore]:
    out = {k: FieldScore() for k in ("loaded", "headline", "published_at", "boilerplate_removed",
                                     "near_duplicate")}
    gold_pairs: dict[str, set[str]] = defaultdict(set)
    for art in gold_articles:
        if art.get("near_duplicate_of"):
            gold_pairs[art["file"]].add(art["near_duplicate_of"])
            gold_pairs[art["near_duplicate_of"]].add(art["file"])
    pred_pairs: dict[str, set[str]] = defaultdict(set)
    for f, row in by_file.items():
        partner = id_to_file.get(row.get("near_duplicate_of") or "")
        if partner:
            pred_pairs[f].add(partner)
            pred_pairs[partner].add(f)
    for art in gold_articles:
        f = art["file"]
        row = by_file.get(f)
        out["loaded"].add(row is not None, f, "loaded", "absent")
        if row is None:
            continue
        if "headline" in art:
            out["headline"].add(normalise_text(art["headline"]) == normalise_text(row["headline"]),
                                f, art["headline"], row["headline"])
        if "published_at" in art:
            gp, pp = _as_date(art["published_at"]), _as_date(row["published_at"])
            out["published_at"].add(gp == pp, f, gp, pp)
        for b in art.get("boilerplate") or ():
            out["boilerplate_removed"].add(not _boilerplate_present(b, row["body"] or ""),
                                           f, "removed", b)
        ok = gold_pairs.get(f, set()) == pred_pairs.get(f, set())
        out["near_duplicate"].add(ok, f, gold_pairs.get(f, set()), pred_pairs.get(f, set()))
    return out


def _score_mart(con: duckdb.DuckDBPyConnection, expected: list[dict[str, Any]]) -> MartDiff:
    diff = MartDiff(expected=len(expected))
    try:
        rows = con.execute(
            "select iso_week, province_code, attacks, killed, wounded "
            "from marts.attacks_per_province_week "
            "where coalesce(attacks, 0) <> 0 or coalesce(killed, 0) <> 0 or coalesce(wounded, 0) <> 0"
        ).fetchall()
    except duckdb.Error as exc:
        return MartDiff(available=False, expected=len(expected), error=str(exc).splitlines()[0])

    # The mart is zero-filled: an aggregate over unstated counts reads 0 there, so NULL and
    # 0 are the same cell.
    def counts(a: Any, k: Any, w: Any) -> dict[str, int]:
        return {"attacks": int(a or 0), "killed": int(k or 0), "wounded": int(w or 0)}

    got = {(str(r[0]), r[1]): counts(*r[2:]) for r in rows}
    want = {(str(e["iso_week"]), e["province"]): counts(e.get("attacks"), e.get("killed"),
                                                        e.get("wounded")) for e in expected}
    for key in sorted(want.keys() | got.keys()):
        row = {"iso_week": key[0], "province_code": key[1]}
        if key not in got:
            diff.missing.append({**row, **want[key]})
        elif key not in want:
            diff.extra.append({**row, **got[key]})
        elif got[key] != want[key]:
            diff.different.append({**row, "expected": want[key], "got": got[key]})
    return diff


def score_warehouse(db_path: Path | str, gold_path: Path | str = DEFAULT_GOLD) -> EvalReport:
    """Score a published warehouse file against a gold YAML. Opens the database read-only."""
    db_path, gold_path = Path(db_path), Path(gold_path)
    if not db_path.exists():
        raise FileNotFoundError(f"warehouse not found: {db_path}")
    gold = _load_gold(gold_path)
    gold_articles = [a for a in gold["articles"] if a.get("file")]
    report = EvalReport("warehouse", {"db": str(db_path), "gold": str(gold_path)})

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        articles = _read_table(con, "news.articles", _WANTED_COLUMNS["news.articles"])
        tables = {t: _read_table(con, t, _WANTED_COLUMNS[t])
                  for _, (_, t, _, _) in _TABLE_SPECS.items()}
        mentions = _read_table(con, "news.mentions", _WANTED_COLUMNS["news.mentions"])
        report.mart = _score_mart(con, gold.get("expected_attacks_per_province_week") or [])
    finally:
        con.close()

    # Gold names files by base name; the landing directory may hold them in sub-directories.
    gold_files = {a["file"] for a in gold_articles}
    by_file: dict[str, dict[str, Any]] = {}
    for row in articles:
        name = PurePath(str(row.get("source_file") or "").replace("\\", "/")).name
        if name in gold_files:
            if name in by_file:
                report.notes.append(f"{name}: several articles carry this file name; scoring the first")
                continue
            by_file[name] = row
    file_to_id = {f: r["article_id"] for f, r in by_file.items()}
    id_to_file = {r["article_id"]: PurePath(str(r.get("source_file") or "")).name for r in articles}
    for f in sorted(gold_files - by_file.keys()):
        report.notes.append(f"{f}: not in news.articles; all its required items count as missed")
    unscored = len({r["article_id"] for r in articles} - set(file_to_id.values()))
    if unscored:
        report.notes.append(f"{unscored} article(s) in the warehouse have no gold reading and were not scored")

    for name, (gold_key, table, agreement, scorer) in _TABLE_SPECS.items():
        rows_by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in tables[table]:
            rows_by_article[r["article_id"]].append(r)
        total = MatchScore(name)
        for art in gold_articles:
            preds = rows_by_article.get(file_to_id.get(art["file"], ""), [])
            total.merge(_score_items(name, art["file"], _gold_items(art, gold_key), preds,
                                     agreement, scorer))
        report.tables[name] = total

    report.mentions = _score_mentions(gold_articles, file_to_id, mentions)
    report.articles = _score_articles(gold_articles, by_file, id_to_file)
    return report


# --------------------------------------------------------------------- labelled CSV mode

LABEL_COLUMNS = ("province_code", "event_date", "killed", "wounded", "event_type", "perpetrator")


def _body_for(text: str) -> str:
    """The article body the pipeline would store, keeping short reports whole.

    The cleaner treats the first line as a headline and drops boilerplate; a labelled
    text is usually a single paragraph, which that would strip to nothing (or to a
    fragment). Keep the cleaned body only when it retains the bulk of the text.
    """
    from pipeline.clean import clean_article

    raw = text.strip()
    body = clean_article(raw).body.strip()
    return body if len(body) >= 0.8 * len(raw) else raw


def _label_date(value: str) -> tuple[date | None, str]:
    v = (value or "").strip()
    return gold_date(v or None, None)


def _incident_label_checks(label: dict[str, str], inc: dict[str, Any],
                           scored: Sequence[str]) -> dict[str, tuple[bool, Any, Any]]:
    out: dict[str, tuple[bool, Any, Any]] = {}
    for col in scored:
        raw = (label.get(col) or "").strip()
        if col in ("killed", "wounded"):
            want = _int_or_none(raw)
            out[col] = (want == inc.get(col), want, inc.get(col))
        elif col == "event_date":
            gd, gp = _label_date(raw)
            exact, week = _date_checks(gd, gp, inc.get("event_date"), inc.get("date_precision"))
            got = _as_date(inc.get("event_date"))
            out["event_date"] = (exact, gd, got)
            out["event_date_week"] = (week, gd, got)
        elif col == "perpetrator":
            want, got = canonical_perpetrator(raw), canonical_perpetrator(inc.get("perpetrator"))
            out[col] = (want == got, want, got)
        elif col == "province_code":
            want = raw.upper() or None
            out[col] = (want == inc.get("province_code"), want, inc.get("province_code"))
        else:
            want = raw or None
            out[col] = (want == inc.get(col), want, inc.get(col))
    return out


def score_labelled_csv(csv_path: Path | str, gazetteer: Any = None) -> EvalReport:
    """Run the extractor over a labelled CSV (one incident per text) and score it.

    A label column is scored when the CSV has it and at least one row fills it; within a
    scored column an empty cell means "unknown" (NULL date/province/count, perpetrator
    "unknown"), which the extractor has to reproduce.
    """
    from pipeline.clean import article_id_for, sentences_frame
    from pipeline.extract import extract_all

    csv_path = Path(csv_path)
    with open(csv_path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows or "text" not in rows[0]:
        raise ValueError(f"{csv_path}: expected a CSV with a 'text' column and at least one row")
    scored = [c for c in LABEL_COLUMNS if any((r.get(c) or "").strip() for r in rows)]

    bodies = [_body_for(r["text"]) for r in rows]
    ids = [article_id_for(b) for b in bodies]
    seen: dict[str, int] = {}
    for i, aid in enumerate(ids):
        seen.setdefault(aid, i)
    articles = pl.DataFrame(
        {
            "article_id": [ids[i] for i in seen.values()],
            "source_file": [f"{csv_path.name}#{i + 2}" for i in seen.values()],
            "published_at": [_as_date((rows[i].get("published_at") or "").strip() or None)
                             for i in seen.values()],
            "body": [bodies[i] for i in seen.values()],
            "language": ["en"] * len(seen),
        },
        schema={"article_id": pl.String, "source_file": pl.String, "published_at": pl.Date,
                "body": pl.String, "language": pl.String},
    )
    sentences = sentences_frame(articles)
    extraction = extract_all(articles, sentences, gazetteer)
    incidents_by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for inc in extraction.incident_reports.to_dicts():
        incidents_by_article[inc["article_id"]].append(inc)

    report = EvalReport("labelled_csv", {"csv": str(csv_path)})
    score = MatchScore(INCIDENT_TABLE)
    extra = 0
    per_prov: dict[str, dict[str, Any]] = defaultdict(lambda: {"texts": 0, "found": 0})
    for line, (row, aid) in enumerate(zip(rows, ids), start=2):
        label = f"row {line}"
        prov = (row.get("province_code") or "").strip().upper() or "(none)"
        per_prov[prov]["texts"] += 1
        found = incidents_by_article.get(aid, [])
        if not found:
            score.fn += 1
            score.missed.append(f"{label}: {normalise_text(row['text'])[:90]}")
            continue
        per_prov[prov]["found"] += 1
        score.tp += 1
        checks = [_incident_label_checks(row, inc, scored) for inc in found]
        best = max(range(len(found)), key=lambda i: (sum(ok for ok, _, _ in checks[i].values()), -i))
        for col, (ok, want, got) in checks[best].items():
            score.field(col).add(ok, label, want, got)
        for i, inc in enumerate(found):
            if i != best:
                extra += 1
                score.false_positives.append(
                    f"{label} extra {inc.get('event_type')}: {normalise_text(inc.get('evidence'))[:90]}")
    # Texts are labelled with exactly one incident each, so every further incident the
    # extractor reports for a text is a false positive.
    score.fp = extra
    report.tables[INCIDENT_TABLE] = score
    report.extra_incidents = extra
    report.per_province = {
        p: {**d, "recall": d["found"] / d["texts"] if d["texts"] else 0.0} for p, d in per_prov.items()}
    if len(seen) < len(rows):
        report.notes.append(f"{len(rows) - len(seen)} text(s) repeat an earlier one and share its extraction")
    return report


# ------------------------------------------------------------------------------- the CLI


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="sitrep eval",
        description="Score the warehouse against the gold reading, or the extractor against a labelled CSV.")
    ap.add_argument("--db", type=Path, default=None,
                    help="warehouse file (default: $SITREP_DUCKDB_PATH or data/sitrep.duckdb)")
    ap.add_argument("--gold", type=Path, default=None, help=f"gold YAML (default: {DEFAULT_GOLD})")
    ap.add_argument("--labelled", type=Path, default=None, metavar="CSV",
                    help="labelled CSV (text, published_at, province_code, event_date, killed, "
                         "wounded, event_type, perpetrator); scores only it unless --db/--gold is given too")
    ap.add_argument("--json", action="store_true", help="print JSON instead of the table")
    ap.add_argument("--min-incident-f1", type=float, default=None)
    ap.add_argument("--min-incident-recall", type=float, default=None)
    ap.add_argument("--min-cooperation-f1", type=float, default=None)
    ap.add_argument("--min-tally-f1", type=float, default=None)
    ap.add_argument("--min-mention-f1", type=float, default=None,
                    help="minimum F1 for each of persons, organisations and provinces")
    ap.add_argument("--min-field-accuracy", type=float, default=None,
                    help="minimum accuracy of every scored field of every table")
    ap.add_argument("--require-mart", action="store_true",
                    help="fail unless marts.attacks_per_province_week matches the gold rows exactly")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    reports: dict[str, EvalReport] = {}
    if args.labelled is None or args.db is not None or args.gold is not None:
        db = args.db or Path(os.environ.get("SITREP_DUCKDB_PATH") or "data/sitrep.duckdb")
        try:
            reports["warehouse"] = score_warehouse(db, args.gold or DEFAULT_GOLD)
        except (FileNotFoundError, LookupError, duckdb.Error) as exc:
            print(f"sitrep eval: {exc}", file=sys.stderr)
            return 2
    if args.labelled is not None:
        reports["labelled_csv"] = score_labelled_csv(args.labelled)

    failures = [f"{mode}: {f}" for mode, r in reports.items() for f in r.failures(
        min_incident_f1=args.min_incident_f1, min_incident_recall=args.min_incident_recall,
        min_cooperation_f1=args.min_cooperation_f1, min_tally_f1=args.min_tally_f1,
        min_mention_f1=args.min_mention_f1, min_field_accuracy=args.min_field_accuracy,
        require_mart=args.require_mart)]
    if args.json:
        print(json.dumps({**{m: r.to_dict() for m, r in reports.items()}, "failures": failures},
                         indent=2, default=str))
    else:
        print("\n".join(r.format_report() for r in reports.values()), end="")
        for f in failures:
            print(f"THRESHOLD NOT MET: {f}")
    return 1 if failures else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
