"""The benchmark corpus generator: deterministic, exact sizes, truth that matches the text,
and a scorer that rewards exactly what the truth says."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipeline.bench.corpus import (
    SPAN_DAYS,
    START_DATE,
    generate_corpus,
    iter_articles,
    number_words,
    score_clusters,
    score_generated,
)

N = 400

_WORDS = {number_words(i): i for i in range(100)}


def _parse_count(text: str) -> int:
    """An independent reading of a count phrase ("at least ten", "23", "a", "twenty-three")."""
    core = re.sub(r"^(at least|more than)\s+", "", text.strip().lower())
    if core in ("a", "an"):
        return 1
    if core.replace(",", "").isdigit():
        return int(core.replace(",", ""))
    return _WORDS[core]


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _truth(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "truth.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate_corpus(out, N, seed=7)
    return out


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(corpus, tmp_path):
    generate_corpus(tmp_path / "again", N, seed=7)
    generate_corpus(tmp_path / "other", N, seed=8)
    first = _files(corpus)
    assert first == _files(tmp_path / "again")
    other = _files(tmp_path / "other")
    assert first["truth.jsonl"] != other["truth.jsonl"]
    assert first != other


def test_sizes_and_manifests_are_exact(corpus):
    articles = corpus / "articles"
    texts = sorted(p for p in articles.rglob("*.txt"))
    assert len(texts) == N
    assert len(_truth(corpus)) == N
    rows = []
    for manifest in articles.rglob("manifest.csv"):
        with manifest.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                assert (manifest.parent / row["file"]).is_file(), row
                rows.append(manifest.parent / row["file"])
                if row["published_at"]:
                    date.fromisoformat(row["published_at"])
    assert sorted(rows) == texts
    # Nothing the pipeline would read as an article sits beside the articles.
    assert not list(articles.rglob("*.jsonl"))


def test_truth_is_what_the_text_says(corpus):
    kinds = {"incidents": 0, "cooperation_events": 0, "claimed_tallies": 0}
    for record in _truth(corpus):
        text = (corpus / "articles" / record["file"]).read_text(encoding="utf-8")
        if record["headline"]:
            assert record["headline"] in text
        for line in record["boilerplate"]:
            assert line in text
        for kind in kinds:
            for item in record[kind]:
                kinds[kind] += 1
                assert item["evidence"] in text, (record["file"], item["evidence"])
        for item in record["incidents"]:
            sentence = item["evidence"]
            form = item["killed_form"]
            if item["killed"] is None:
                assert form is None
                continue
            if form == "number":
                assert item["killed_text"] in sentence
                assert _parse_count(item["killed_text"]) == item["killed"], sentence
            elif form == "list":
                assert item["killed_text"] in sentence
                assert len(re.split(r",\s*(?:and\s+)?", item["killed_text"])) == item["killed"]
            elif form == "zero":
                assert "no casualties" in sentence and item["killed"] == 0 and item["wounded"] == 0
            else:
                assert form == "implicit" and item["killed"] == 1 and "shot dead" in sentence
            if item["wounded"]:
                assert item["wounded_text"] in sentence
                assert _parse_count(item["wounded_text"]) == item["wounded"], sentence
            if item["date_precision"] == "unknown":
                assert item["event_date"] is None
            else:
                assert item["event_date"] is not None
        for tally in record["claimed_tallies"]:
            assert str(tally["attacks"]) in tally["evidence"]
            start, end = date.fromisoformat(tally["period_start"]), date.fromisoformat(tally["period_end"])
            assert (end - start).days == 6
    assert min(kinds.values()) > 0, kinds


def test_dates_are_relative_to_publication(corpus):
    weekdays = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    checked = 0
    for record in _truth(corpus):
        published = record["published_at"] and date.fromisoformat(record["published_at"])
        for item in record["incidents"]:
            match = re.search(r"\bon (" + "|".join(weekdays) + r")\b", item["evidence"])
            if match and "same day" not in item["evidence"]:
                if not published:
                    assert item["event_date"] is None and item["date_precision"] == "unknown"
                    continue
                event = date.fromisoformat(item["event_date"])
                assert weekdays[event.weekday()] == match.group(1)
                assert 1 <= (published - event).days <= 6
                checked += 1
    assert checked > 20


def test_syndicated_copies_repeat_their_source(corpus):
    records = {r["file"]: r for r in _truth(corpus)}
    copies = [r for r in records.values() if r["syndicated_from"]]
    exact = [r for r in records.values() if r["exact_duplicate_of"]]
    assert copies, "5% of articles should be near-copies"
    for copy in copies:
        source = records[copy["syndicated_from"]]
        assert copy["source"] != source["source"]
        assert copy["published_at"] == source["published_at"]
        source_ids = {i["id"]: i for i in source["incidents"]}
        for item in copy["incidents"]:
            assert source_ids[item["same_as"]]["evidence"] == item["evidence"]
    for dup in exact:
        assert (corpus / "articles" / dup["file"]).read_bytes() == \
            (corpus / "articles" / dup["exact_duplicate_of"]).read_bytes()


def test_extending_a_corpus_equals_generating_it_at_once(tmp_path):
    generate_corpus(tmp_path / "a", 120, seed=3, ref_n=100)
    generate_corpus(tmp_path / "b", 100, seed=3)
    stats = generate_corpus(tmp_path / "b", 20, seed=3, start=100, ref_n=100)
    assert stats.n == 20
    assert {k: v for k, v in _files(tmp_path / "a").items() if k != "corpus.json"} == \
        {k: v for k, v in _files(tmp_path / "b").items() if k != "corpus.json"}
    # The added articles are published after the original span, like new arrivals.
    added = [a.published_at for a in iter_articles(20, 3, start=100, ref_n=100) if a.published_at]
    assert added and all((d - START_DATE).days >= SPAN_DAYS for d in added)


def _frames_from_truth(out: Path) -> dict[str, pl.DataFrame]:
    """What a perfect extractor would output, in the warehouse's column names."""
    articles, incidents, coop, tallies = [], [], [], []
    for i, record in enumerate(_truth(out)):
        if record["exact_duplicate_of"]:
            continue
        article_id = f"{i:016x}"
        articles.append({"article_id": article_id, "source_file": f"/landing/{record['file']}"})
        for item in record["incidents"]:
            incidents.append({"article_id": article_id, "evidence": "ERBIL – " + item["evidence"],
                              **{k: item[k] for k in ("province_code", "killed", "wounded",
                                                      "date_precision", "event_type", "perpetrator")},
                              "event_date": item["event_date"] and date.fromisoformat(item["event_date"])})
        for item in record["cooperation_events"]:
            coop.append({"article_id": article_id, "evidence": item["evidence"]})
        for item in record["claimed_tallies"]:
            tallies.append({"article_id": article_id, "evidence": item["evidence"]})
    return {"articles": pl.DataFrame(articles),
            "incident_reports": pl.DataFrame(incidents, infer_schema_length=None),
            "cooperation_events": pl.DataFrame(coop), "claimed_tallies": pl.DataFrame(tallies)}


def test_score_generated_rewards_exactly_the_truth(corpus):
    frames = _frames_from_truth(corpus)
    perfect = score_generated(corpus / "truth.jsonl", frames)
    assert perfect["incidents"]["recall"] == 1.0
    assert perfect["incidents"]["fp"] == 0  # optional (historical) items are neither hit nor miss
    assert perfect["cooperation_events"]["f1"] == 1.0 and perfect["claimed_tallies"]["f1"] == 1.0
    assert set(perfect["incident_field_accuracy"].values()) == {1.0}
    assert perfect["articles_missing"] == 0

    reports = frames["incident_reports"]
    damaged = dict(frames)
    # Lose a tenth of the reports, get the province of another tenth wrong, invent one.
    damaged["incident_reports"] = pl.concat([
        reports.slice(0, len(reports) - len(reports) // 10).with_row_index().with_columns(
            pl.when(pl.col("index") % 10 == 0).then(pl.lit("IQ-BA")).otherwise(pl.col("province_code"))
            .alias("province_code")).drop("index"),
        reports.head(1).with_columns(pl.lit("Unrelated sentence about the weather.").alias("evidence")),
    ])
    scored = score_generated(corpus / "truth.jsonl", damaged)
    assert 0.85 < scored["incidents"]["recall"] < 0.95
    assert scored["incidents"]["fp"] == 1
    assert scored["incident_field_accuracy"]["province_code"] < 0.95
    assert scored["incident_field_accuracy"]["killed"] == 1.0


def test_cluster_score_is_perfect_for_the_truth_grouping_and_drops_for_one_big_incident(corpus):
    # the truth incident each report tells, in _frames_from_truth's order
    told = [item["same_as"] or item["id"] for record in _truth(corpus) if not record["exact_duplicate_of"]
            for item in record["incidents"]]
    frames = _frames_from_truth(corpus)
    reports = frames["incident_reports"].with_columns(pl.Series("cluster_id", told))
    perfect = score_clusters(corpus / "truth.jsonl", frames["articles"], reports)
    assert perfect["pair_precision"] == perfect["pair_recall"] == perfect["exact_share"] == 1.0
    assert perfect["truth_events"] < perfect["reports_matched"], "the corpus retells some incidents"

    lumped = score_clusters(corpus / "truth.jsonl", frames["articles"],
                            reports.with_columns(pl.lit("one").alias("cluster_id")))
    assert lumped["pair_recall"] == 1.0 and lumped["pair_precision"] < 0.01 and lumped["exact_share"] < 0.01
    split = score_clusters(corpus / "truth.jsonl", frames["articles"],
                           reports.with_row_index().with_columns(pl.col("index").cast(pl.Utf8).alias("cluster_id")))
    assert split["pair_precision"] == 1.0 and split["pair_recall"] == 0.0


def test_cooperation_clusters_are_scored_against_the_cooperation_truth(corpus):
    told = [item["same_as"] or item["id"] for record in _truth(corpus) if not record["exact_duplicate_of"]
            for item in record["cooperation_events"]]
    frames = _frames_from_truth(corpus)
    reports = frames["cooperation_events"].with_columns(pl.Series("cluster_id", told))
    perfect = score_clusters(corpus / "truth.jsonl", frames["articles"], reports, "cooperation_events")
    assert perfect["reports_matched"] == len(told)
    assert perfect["pair_precision"] == perfect["pair_recall"] == perfect["exact_share"] == 1.0
    lumped = score_clusters(corpus / "truth.jsonl", frames["articles"],
                            reports.with_columns(pl.lit("one").alias("cluster_id")), "cooperation_events")
    assert lumped["pair_precision"] < 0.05


def test_an_exact_copy_is_scored_once_under_whichever_file_was_loaded(corpus):
    records = _truth(corpus)
    dup = next(r for r in records if r["exact_duplicate_of"] and
               next(o for o in records if o["file"] == r["exact_duplicate_of"])["incidents"])
    frames = _frames_from_truth(corpus)
    original_name = Path(dup["exact_duplicate_of"]).name
    # The ingest kept the copy and logged the original as the duplicate.
    frames["articles"] = frames["articles"].with_columns(
        pl.col("source_file").str.replace(original_name, Path(dup["file"]).name, literal=True))
    scored = score_generated(corpus / "truth.jsonl", frames)
    assert scored["incidents"]["recall"] == 1.0 and scored["articles_missing"] == 0
    frames["articles"] = frames["articles"].filter(
        ~pl.col("source_file").str.ends_with(Path(dup["file"]).name))
    missing = score_generated(corpus / "truth.jsonl", frames)
    assert missing["articles_missing"] == 1 and missing["incidents"]["recall"] < 1.0


def test_growth_rows_give_per_article_cost_ratios():
    from pipeline.bench.run import Row, format_table, growth_rows

    rows = [Row(10_000, "full run wall time", 10.0, "s", "time"),
            Row(100_000, "full run wall time", 120.0, "s", "time"),
            Row(10_000, "extraction throughput", 100.0, "articles/s", "rate"),
            Row(100_000, "extraction throughput", 50.0, "articles/s", "rate"),
            Row(10_000, "full run peak RSS", 300.0, "MB", "level"),
            Row(100_000, "full run peak RSS", 900.0, "MB", "level"),
            Row(100_000, "spaCy NER throughput", None, "articles/s", "rate")]
    growth = {r.metric: r.value for r in growth_rows(rows, [10_000, 100_000])}
    assert growth == {"growth full run wall time": pytest.approx(1.2),
                      "growth extraction throughput": pytest.approx(2.0)}
    table = format_table(rows)
    assert "n/a" in table and "120.00" in table


def test_a_syndicated_copy_merged_into_its_source_is_not_a_miss(corpus):
    records = _truth(corpus)
    copy = next(r for r in records if r["syndicated_from"] and r["incidents"])
    frames = _frames_from_truth(corpus)
    name = Path(copy["file"]).name
    frames["articles"] = frames["articles"].filter(~pl.col("source_file").str.ends_with(name))
    scored = score_generated(corpus / "truth.jsonl", frames)
    assert scored["syndicated_copies_merged"] == 1
    assert scored["articles_missing"] == 0 and scored["incidents"]["recall"] == 1.0


def test_an_unnamed_attacker_may_be_attributed_by_context_but_not_stated(corpus):
    frames = _frames_from_truth(corpus)
    reports = frames["incident_reports"]
    unnamed = pl.col("perpetrator") == "unknown"
    n_unnamed = reports.filter(unnamed).height
    assert n_unnamed > 0, "the corpus has attacks by unnamed gunmen"

    def guessed(basis: str) -> dict:
        frames["incident_reports"] = reports.with_columns(
            pl.when(unnamed).then(pl.lit("ISIS")).otherwise(pl.col("perpetrator")).alias("perpetrator"),
            pl.when(unnamed).then(pl.lit(basis)).otherwise(pl.lit("stated")).alias("perpetrator_basis"))
        return score_generated(corpus / "truth.jsonl", frames)

    attributed = guessed("attributed")
    assert attributed["incident_field_accuracy"]["perpetrator"] == 1.0
    assert attributed["perpetrator_attributed_by_context"] == n_unnamed
    stated = guessed("stated")
    assert stated["incident_field_accuracy"]["perpetrator"] < 1.0
    assert stated["perpetrator_attributed_by_context"] == 0


def test_weekly_attack_score_is_zero_for_the_truth_table_and_counts_what_is_off(corpus):
    from pipeline.bench.corpus import score_weekly_attacks, truth_weekly_attacks

    table = truth_weekly_attacks(corpus / "truth.jsonl")
    assert table, "the corpus has day- or week-dated attacks"
    assert all(week.weekday() == 0 for week, _ in table), "cells are keyed by the ISO week's Monday"
    rows = [{"week_start": week, "province_code": code, "attacks": a, "killed": k, "wounded": w}
            for (week, code), (a, k, w) in table.items()]
    exact = score_weekly_attacks(corpus / "truth.jsonl", pl.DataFrame(rows))
    assert exact["attacks_error"] == exact["killed_error"] == 0 and exact["cells_exact"] == 1.0

    # two incidents merged into one: one attack fewer in a cell, its dead still counted
    merged = [dict(r) for r in rows]
    merged[0]["attacks"] += 1
    merged[1]["attacks"] -= 1
    scored = score_weekly_attacks(corpus / "truth.jsonl", pl.DataFrame(merged))
    total = sum(a for a, _, _ in table.values())
    assert scored["attacks_error"] == round(2 / total, 4) and scored["killed_error"] == 0
    assert scored["cells_exact"] < 1.0


def test_the_step_that_held_the_memory_peak_is_read_from_the_dagster_log(tmp_path):
    from datetime import UTC, datetime

    from pipeline.bench.run import steps_running_at

    prefix = "2026-12-07 17:{} +0000 - dagster - DEBUG - __ASSET_JOB - 4f43e4ad-0925 - 27316 - {} - {} - x"
    log = tmp_path / "full.log"
    log.write_text("\n".join([
        prefix.format("50:02", "ingested_articles", "STEP_START"),
        prefix.format("50:05", "ingested_articles", "STEP_WORKER_STARTED"),
        prefix.format("52:06", "ingested_articles", "STEP_SUCCESS"),
        prefix.format("52:07", "extracted_events.extract_and_validate_shard[s000_2019_01]", "STEP_START"),
        prefix.format("52:08", "extracted_events.extract_and_validate_shard[s001_2019_02]", "STEP_START"),
        prefix.format("52:19", "extracted_events.extract_and_validate_shard[s000_2019_01]", "STEP_SUCCESS"),
    ]))
    at = lambda m, s: datetime(2026, 12, 7, 17, m, s, 400_000, tzinfo=UTC)  # noqa: E731
    assert steps_running_at(log, at(51, 0)) == ("ingested_articles",)
    assert steps_running_at(log, at(52, 6)) == ("ingested_articles",)  # ended within that second
    assert steps_running_at(log, at(52, 10)) == (
        "extracted_events.extract_and_validate_shard[s000_2019_01]",
        "extracted_events.extract_and_validate_shard[s001_2019_02]",
    )
    assert steps_running_at(log, at(53, 0)) == ("extracted_events.extract_and_validate_shard[s001_2019_02]",)
    assert steps_running_at(log, None) == ()


def test_copy_score_rewards_the_truth_links_and_ingestion_finds_them(corpus):
    from datetime import UTC, datetime

    from pipeline.bench.corpus import score_copies
    from pipeline.ingest import ingest_directory

    records = _truth(corpus)
    frames = _frames_from_truth(corpus)
    id_of = {Path(name).name: aid for aid, name in frames["articles"].iter_rows()}
    source = {Path(r["file"]).name: Path(r["syndicated_from"]).name for r in records if r["syndicated_from"]}
    truth_links = frames["articles"].with_columns(near_duplicate_of=pl.Series(
        [id_of.get(source.get(Path(name).name)) for name in frames["articles"]["source_file"]], dtype=pl.Utf8))
    assert truth_links["near_duplicate_of"].is_not_null().sum() >= 10, "the corpus has syndicated copies"
    perfect = score_copies(corpus / "truth.jsonl", truth_links)
    assert perfect["pair_precision"] == perfect["pair_recall"] == 1.0

    unlinked = score_copies(corpus / "truth.jsonl", truth_links.with_columns(pl.lit(None, dtype=pl.Utf8)
                                                                           .alias("near_duplicate_of")))
    assert unlinked["pair_recall"] == 0.0 and unlinked["pair_precision"] == 1.0
    # one original wrongly linked to another story's source: precision drops, recall holds
    stray = truth_links["article_id"][truth_links["near_duplicate_of"].is_null().arg_true()[5]]
    wrong = truth_links.with_columns(pl.when(pl.col("article_id") == stray)
                                     .then(pl.lit(truth_links["near_duplicate_of"].drop_nulls()[0]))
                                     .otherwise(pl.col("near_duplicate_of")).alias("near_duplicate_of"))
    assert score_copies(corpus / "truth.jsonl", wrong)["pair_precision"] < 1.0

    batch = ingest_directory(corpus / "articles", run_id="r", known_article_ids=[],
                             now=datetime(2026, 1, 1, tzinfo=UTC))
    found = score_copies(corpus / "truth.jsonl", batch.articles)
    assert found["pair_precision"] == 1.0 and found["pair_recall"] >= 0.95, found
