"""The hostile landing directory (tests/hostile.py): every file accounted for exactly once,
no exception, bounded memory, and the good files still load."""

from __future__ import annotations

import os
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from pipeline import schemas
from pipeline.ingest import ingest_directory
from tests.hostile import build_hostile_corpus

NOW = datetime(2026, 1, 2, tzinfo=UTC)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    landing = base / "landing"
    expected = build_hostile_corpus(landing, base / "outside")
    batch = ingest_directory(landing, run_id="hostile", known_article_ids=set(), now=NOW, workers=1)
    return landing, expected, batch


def _inputs(landing: Path) -> list[str]:
    """Every directory entry that is not a directory we descend into, as a log path."""
    out = []
    for dirpath, dirnames, filenames in os.walk(os.fsencode(landing)):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            rel = os.path.relpath(os.path.join(dirpath, name), os.fsencode(landing))
            out.append(rel.decode("utf-8", "backslashreplace"))
    return sorted(out)


def test_every_input_is_accounted_for_exactly_once(corpus):
    landing, expected, batch = corpus
    log_paths = batch.log["path"].to_list()
    for rel in _inputs(landing):
        if rel.endswith(".jsonl"):
            lines = [p for p in log_paths if p.startswith(rel + "#L")]
            assert len(lines) == len(set(lines)) > 0, rel
            assert rel not in log_paths
        else:
            assert log_paths.count(rel) == 1, rel
    # Nothing is logged that is neither an input, a JSONL line, nor a manifest row.
    manifest_names = {p for p, e in expected.items() if "manifest names" in (e.reason_contains or "")}
    inputs = set(_inputs(landing))
    for path in log_paths:
        assert path in inputs or path.split("#L")[0] in inputs or path in manifest_names, path


def test_outcomes_and_reasons(corpus):
    _, expected, batch = corpus
    log = {row["path"]: row for row in batch.log.iter_rows(named=True)}
    for path, exp in expected.items():
        if exp.line_statuses:
            got = {int(p.split("#L")[1]): r["status"] for p, r in log.items() if p.startswith(path + "#L")}
            assert got == exp.line_statuses, path
            continue
        row = log[path]
        allowed = exp.status if isinstance(exp.status, tuple) else (exp.status,)
        assert row["status"] in allowed, (path, row)
        if exp.reason_contains:
            assert exp.reason_contains in (row["reason"] or ""), (path, row["reason"])
        if row["status"] != "loaded":
            assert row["reason"], path


def test_good_files_load_with_language_flags(corpus):
    _, expected, batch = corpus
    languages = dict(zip(batch.articles["source_file"], batch.articles["language"]))
    for path, exp in expected.items():
        if exp.language:
            assert languages.get(path) == exp.language, path
    bodies = dict(zip(batch.articles["source_file"], batch.articles["body"]))
    assert "مسلحين من تنظيم داعش" in bodies["arabic_cp1256.txt"]
    assert "“It was a massacre,”" in bodies["legacy_cp1252.txt"]
    assert "ڕ" in bodies["kurdish/sorani.txt"] or "ێ" in bodies["kurdish/sorani.txt"]
    assert batch.articles.filter(pl.col("source_file") == "html/good.html")["published_at_basis"].to_list() == ["manifest"]


def test_manifest_metadata_and_bad_dates(corpus):
    _, _, batch = corpus
    rows = {r["source_file"]: r for r in batch.articles.iter_rows(named=True)}
    assert rows["legacy_cp1252.txt"]["source"] == "Reuters"
    assert str(rows["legacy_cp1252.txt"]["published_at"]) == "2021-03-04"
    assert rows["utf16_bom.txt"]["published_at"] is None  # "not-a-date"
    assert rows["utf8_bom.txt"]["published_at"] is None  # 30 February
    reasons = dict(zip(batch.log["path"], batch.log["reason"]))
    assert "not-a-date" in reasons["utf16_bom.txt"]
    assert "2020-02-30" in reasons["utf8_bom.txt"]


def test_frames_are_valid_for_the_warehouse(corpus):
    _, _, batch = corpus
    schemas.ArticleSchema.validate(batch.articles, lazy=True)
    schemas.SentenceSchema.validate(batch.sentences, lazy=True)
    schemas.ParagraphSchema.validate(batch.paragraphs, lazy=True)
    schemas.IngestLogSchema.validate(batch.log, lazy=True)
    bodies = dict(zip(batch.articles["article_id"], batch.articles["body"]))
    for aid, _, _, s, e, text in batch.sentences.iter_rows():
        assert bodies[aid][s:e] == text


def test_oversized_file_costs_no_memory(tmp_path):
    landing = tmp_path / "big"
    landing.mkdir()
    with open(landing / "huge.txt", "wb") as fh:
        block = b"A line of a very large text file about an attack in Anbar.\n" * 20_000
        for _ in range(50 * 2**20 // len(block) + 1):
            fh.write(block)
    tracemalloc.start()
    try:
        batch = ingest_directory(landing, run_id="r", known_article_ids=[], now=NOW)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert batch.log["status"].to_list() == ["quarantined"]
    reason = batch.log["reason"][0]
    assert reason.startswith("too large (50.") and reason.endswith("> limit 20 MB)"), reason
    assert peak < 2 * 2**20, f"peak traced memory {peak / 2**20:.1f} MB"


def test_size_limit_is_a_parameter(tmp_path):
    landing = tmp_path / "l"
    landing.mkdir()
    (landing / "a.txt").write_text("Headline\n\n" + "ISIS attacked a village in Diyala. " * 100)
    small = ingest_directory(landing, run_id="r", known_article_ids=[], now=NOW, max_bytes=1000)
    assert small.log["status"].to_list() == ["quarantined"]
    assert small.log["reason"][0].startswith("too large")
    assert ingest_directory(landing, run_id="r", known_article_ids=[], now=NOW).log["status"].to_list() == ["loaded"]


def test_missing_landing_directory_is_a_log_row_not_a_crash(tmp_path):
    batch = ingest_directory(tmp_path / "nope", run_id="r", known_article_ids=[], now=NOW)
    assert batch.articles.height == 0
    assert batch.log["status"].to_list() == ["quarantined"]


def test_worker_processes_give_the_same_batch(corpus, monkeypatch):
    """Parsed in worker processes (forced here on a small directory), hostile files end exactly
    as when parsed in this process: same rows, same order, same reasons."""
    import pipeline.ingest as ingest_mod

    landing, _, serial = corpus
    monkeypatch.setattr(ingest_mod, "MIN_FILES_FOR_WORKERS", 1)
    parallel = ingest_directory(landing, run_id="hostile", known_article_ids=set(), now=NOW, workers=2)
    for name in ("articles", "sentences", "paragraphs", "log"):
        assert getattr(parallel, name).equals(getattr(serial, name)), name
