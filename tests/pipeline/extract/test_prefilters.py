"""The speed-ups of the extractor are necessary conditions, never filters of their own.

Every pre-filter (trigger-type masks computed in polars, word gates before costly regex
scans, the batch-level report-id counter) must give exactly what the unfiltered grammar
gives. These tests run both on every sentence of the sample articles and the labelled
incident texts, plus non-ASCII variants of them.
"""

from __future__ import annotations

import csv
from datetime import date

import polars as pl
import pytest

from pipeline.clean import clean_article, sentences_frame
from pipeline.extract import _alias_hits, _ascii, _type_mask, cooperation, dates, extract_texts, incidents
from pipeline.extract.context import fold, gaz_index
from pipeline.gazetteer import load_gazetteer
from pipeline.settings import SAMPLE_ARTICLES_DIR
from tests.conftest import PROJECT_ROOT


def _texts() -> list[str]:
    texts = [clean_article(p.read_text(encoding="utf-8")).body for p in sorted(SAMPLE_ARTICLES_DIR.glob("*.txt"))]
    for name in ("heldout_incidents.csv", "labelled_sample.csv"):
        with open(PROJECT_ROOT / "tests" / "data" / name, encoding="utf-8", newline="") as fh:
            texts.extend(r["text"] for r in csv.DictReader(fh))
    return texts


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    texts = _texts()
    frame = pl.DataFrame({"article_id": [str(i) for i in range(len(texts))], "body": texts})
    out = [fold(t) for t in sentences_frame(frame)["text"].to_list()]
    assert len(out) > 100
    return out


def test_trigger_type_masks_never_hide_a_trigger(sentences):
    frame = pl.DataFrame({"ftext": sentences}).select(
        _type_mask(incidents.TRIGGER_TYPE_PATTERNS).alias("inc"),
        _type_mask(cooperation.TRIGGER_TYPE_PATTERNS).alias("coop"),
    )
    skipped = 0
    for text, inc_mask, coop_mask in zip(sentences, frame["inc"], frame["coop"]):
        assert incidents.find_triggers(text, inc_mask) == incidents.find_triggers(text), text
        assert cooperation._find(text, coop_mask) == cooperation._find(text), text
        skipped += bin(inc_mask).count("1") < len(incidents.TRIGGER_TYPE_PATTERNS)
    assert skipped > len(sentences) // 2  # the masks do skip scans


def test_trigger_type_patterns_are_valid_in_ascii_mode():
    # a pattern polars cannot compile would fail every batch, not one sentence
    frame = pl.DataFrame({"t": ["ISIS militants attacked a checkpoint and the two sides met"]})
    for pattern in (*incidents.TRIGGER_TYPE_PATTERNS, *cooperation.TRIGGER_TYPE_PATTERNS):
        frame.select(pl.col("t").str.contains(_ascii(pattern)))


def test_date_rule_gates_are_necessary_conditions(sentences):
    for text in sentences:
        if not text.isascii():
            continue
        low = text.lower()
        has_year = dates._YEAR4_RE.search(text) is not None
        for kind, rx in dates._RULES:
            gate = dates._STRICT_NEEDS.get(kind)
            if gate is not None and rx.search(text):
                assert gate(text, low, has_year), (kind, text)


def test_victim_and_party_word_gates_are_necessary_conditions(sentences):
    for text in sentences:
        low = text.lower()
        for (rx, name, _), words in zip(incidents._VICTIMS, incidents._VICTIM_WORDS):
            if rx.search(text):
                assert any(w in low for w in words), (name, text)
        if any(rx.search(text) for rx, _ in cooperation._GENERIC_PARTIES):
            assert any(w in low for w in cooperation._GENERIC_PARTY_WORDS), text


def test_non_ascii_text_runs_every_rule():
    # Unicode case folding: the long s matches "s" in Python's IGNORECASE regexes but not
    # in the ASCII-mode pre-filters or lower-cased word gates, so a non-ASCII sentence must
    # bypass them.
    plain = "Two soldiers were killed yesterday when ISIS militants attacked their position near Kirkuk."
    odd = plain.replace("soldiers", "\u017foldiers")
    got = extract_texts([plain, odd], [date(2020, 7, 20)] * 2).incident_reports.sort("article_id")
    assert got.height == 2
    assert "Iraqi Army" in got["target"].to_list()[0]
    assert got["target"].to_list()[0] == got["target"].to_list()[1]
    assert got["event_date"].to_list() == [date(2020, 7, 19)] * 2


def test_report_ids_are_distinct_in_a_large_batch():
    texts = [f"On Monday, a roadside bomb killed {n} soldiers in Tuz Khurmatu." for n in range(2, 40)]
    rows = extract_texts(texts, [date(2020, 7, 20)] * len(texts)).incident_reports
    assert rows.height == len(texts)
    assert rows["report_id"].n_unique() == rows.height


def test_alias_offsets_are_the_automaton_match_offsets():
    """`_alias_hits` places each match by `str.find` after the previous one: the offsets
    must be those polars' own `find_many` reports, for texts of any length, with repeats,
    overlapping aliases and non-ASCII characters before the matches."""
    index = gaz_index(load_gazetteer())
    texts = _texts() + ["", "Mosul Mosul al-Mosul Mosulis", "Ça va – Erbil, Hawler; Sulaimani and Sulaymaniyah"]
    for patterns, fold_case in ((index.exact_patterns, False), (index.folded_lower, True)):
        bodies = [t.lower() if fold_case else t for t in texts]
        got = _alias_hits(bodies, patterns)
        for body, spans in zip(bodies, got):
            series = pl.Series([body])
            starts = series.str.find_many(patterns, leftmost=True)[0].to_list()
            found = series.str.extract_many(patterns, leftmost=True)[0].to_list()
            # find_many gives byte offsets; the spans are character offsets
            expected = []
            for start, text in zip(starts, found):
                pos = len(body.encode("utf-8")[:start].decode("utf-8"))
                end = pos + len(text)
                whole = (pos == 0 or not (body[pos - 1].isascii() and (body[pos - 1].isalnum() or body[pos - 1] == "_"))) \
                    and (end == len(body) or not (body[end].isascii() and (body[end].isalnum() or body[end] == "_")))
                if whole:
                    expected.append((pos, end, text))
            assert spans == expected
            assert all(body[a:b] == text for a, b, text in spans)
        assert sum(len(s) for s in got) > 100
