"""The extractor against the analyst's reading of the five sample articles (tests/data/seed_gold.yaml).

Matching: a gold item matches an extracted row of the same article whose evidence (the
sentence) contains the start of the gold evidence fragment; several candidates are narrowed
by event type. Required gold items count for recall; an extracted row matching no gold item,
required or optional, counts against precision.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
import yaml

from pipeline.extract import extract_all
from pipeline.extract.context import fold
from pipeline.ingest import ingest_directory
from pipeline.settings import SAMPLE_ARTICLES_DIR
from tests.conftest import GOLD_PATH


def _norm(text: str) -> str:
    return " ".join(fold(text).split()).lower()


@pytest.fixture(scope="module")
def extracted():
    batch = ingest_directory(SAMPLE_ARTICLES_DIR, run_id="test", known_article_ids=[],
                             now=datetime(2026, 1, 1, tzinfo=UTC))
    ids = dict(zip(batch.articles["source_file"], batch.articles["article_id"]))
    gold = yaml.safe_load(GOLD_PATH.read_text(encoding="utf-8"))
    return extract_all(batch.articles, batch.sentences), gold, ids


def _match(rows: list[dict], golds: list[dict]):
    used: set[int] = set()
    pairs = []
    for g in golds:
        key = _norm(g["evidence"])[:60]
        cands = [r for r in rows if key in _norm(r["evidence"]) and id(r) not in used]
        typed = [r for r in cands if r["event_type"] == g["event_type"]]
        cands = typed or cands
        pairs.append((g, cands[0] if cands else None))
        if cands:
            used.add(id(cands[0]))
    unmatched = [r for r in rows if id(r) not in used]
    return pairs, unmatched


def _score(extracted, table: str, section: str):
    ex, gold, ids = extracted
    frame: pl.DataFrame = getattr(ex, table)
    tp = fp = fn = 0
    matched = []
    for art in gold["articles"]:
        rows = frame.filter(pl.col("article_id") == ids[art["file"]]).to_dicts()
        pairs, unmatched = _match(rows, art.get(section) or [])
        fp += len(unmatched)
        for g, r in pairs:
            if g.get("required", True):
                if r is None:
                    fn += 1
                else:
                    tp += 1
                    matched.append((art["file"], g, r))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, matched


def test_incident_f1_and_fields_on_matched_incidents(extracted):
    f1, matched = _score(extracted, "incident_reports", "incidents")
    assert f1 >= 0.90
    for file, g, r in matched:
        got = (r["province_code"], r["killed"], r["wounded"])
        assert got == (g.get("province"), g.get("killed"), g.get("wounded")), (file, g["id"], got)
        assert r["event_type"] == g["event_type"], (g["id"], r["event_type"])
        assert r["perpetrator"] == g["perpetrator"], (g["id"], r["perpetrator"])
        if g.get("date") is not None:
            assert str(r["event_date"]).startswith(str(g["date"])), (g["id"], r["event_date"])


def test_cooperation_f1(extracted):
    f1, matched = _score(extracted, "cooperation_events", "cooperation_events")
    assert f1 >= 0.85
    for _, g, r in matched:
        assert r["event_type"] == g["event_type"], g["id"]
        assert r["coordination_room"] == g["coordination_room"], g["id"]
        if g.get("rooms"):
            assert sorted(r["room_provinces"]) == sorted(g["rooms"]), g["id"]
        if g.get("participants"):
            assert set(g["participants"]) & set(r["participants"]), (g["id"], r["participants"])


def test_both_claimed_tallies(extracted):
    ex, gold, ids = extracted
    for art in gold["articles"]:
        for g in art.get("claimed_tallies") or []:
            rows = ex.claimed_tallies.filter(pl.col("article_id") == ids[art["file"]]).to_dicts()
            assert len(rows) == 1
            r = rows[0]
            assert (r["attacks"], str(r["period_start"]), str(r["period_end"]), r["main_province_code"]) == (
                g["attacks"], str(g["period_start"]), str(g["period_end"]), g["main_province"])
            assert r["claimant"] == "ISIS" and r["medium"] == "al-Naba" and r["country_code"] == g["country"]


def test_the_2_may_salahaddin_attack_is_found_in_both_articles(extracted):
    ex, _, ids = extracted
    hits = ex.incident_reports.filter(
        (pl.col("province_code") == "IQ-SD") & (pl.col("event_date") == datetime(2020, 5, 2).date())
    )
    assert set(hits["article_id"]) == {ids["003_09ded475ebf546e7.txt"], ids["004_ef71887a7f14ced2.txt"]}
    assert hits["killed"].to_list() == [10, 10]


def test_mentions_cover_the_gold_people_organisations_and_provinces(extracted):
    ex, gold, ids = extracted
    for art in gold["articles"]:
        m = ex.mentions.filter(pl.col("article_id") == ids[art["file"]])
        persons = set(m.filter(pl.col("entity_type") == "person")["entity_name"])
        orgs = set(m.filter(pl.col("entity_type") == "organisation")["entity_name"])
        provinces = set(m.filter(pl.col("entity_type") == "place")["province_code"].drop_nulls())
        want = art["mentions"]
        assert persons == set(want["persons"]), art["file"]
        assert set(want["organisations"]) <= orgs, art["file"]
        assert provinces == set(want["provinces"]), art["file"]


def test_output_frames_have_the_schema_columns(extracted):
    from pipeline.schemas import NEWS_TABLES, polars_schema

    ex, _, _ = extracted
    for table in ("mentions", "incident_reports", "cooperation_events", "claimed_tallies"):
        frame = getattr(ex, table)
        assert frame.height > 0, table
        assert dict(frame.schema) == polars_schema(table), table
        NEWS_TABLES[table][0].validate(frame, lazy=True)  # raises on any failed check


def test_memoised_event_dates_agree_with_resolve_event_date():
    """ArticleContext.event_date reuses parsed date mentions; it must pick what
    dates.resolve_event_date picks for every sentence of the samples."""
    from pipeline.extract.context import ArticleContext, Sentence, fold
    from pipeline.extract.dates import find_dates, resolve_event_date

    batch = ingest_directory(SAMPLE_ARTICLES_DIR, run_id="test", known_article_ids=[],
                             now=datetime(2026, 1, 1, tzinfo=UTC))
    checked = 0
    for art in batch.articles.iter_rows(named=True):
        rows = batch.sentences.filter(pl.col("article_id") == art["article_id"]).sort("sentence_idx")
        norm = fold(art["body"])
        sents = [Sentence(r["sentence_idx"], r["paragraph_idx"], r["char_start"], r["char_end"],
                          norm[r["char_start"]:r["char_end"]], True, pos)
                 for pos, r in enumerate(rows.iter_rows(named=True))]
        ctx = ArticleContext(art["article_id"], art["body"], norm, art["published_at"], sents)
        ctx.find_dates = find_dates
        for s in sents:
            anchor = ctx.anchor_before(s.pos) if ctx.is_anchored(s.pos) else None
            assert ctx.event_date(s.pos) == resolve_event_date(s.text, art["published_at"], anchor), s.text
            checked += 1
    assert checked > 50
