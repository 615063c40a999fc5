"""Extraction shards: planned from a real warehouse, extracted without it, loaded once."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline.stages import (
    _shard_groups,
    extract_shard,
    load_extraction,
    plan_extraction,
    run_ingestion,
    shard_size,
)
from pipeline.warehouse import Warehouse


def test_whole_months_are_packed_in_order_and_a_large_month_is_split():
    pending = pl.DataFrame({
        "article_id": [f"a{i}" for i in range(3)] + ["b0"] + [f"c{i}" for i in range(5)] + ["u0"],
        "month": ["2020_01"] * 3 + ["2020_02"] + ["2020_03"] * 5 + [None],
    })
    groups = _shard_groups(pending, size=4)
    assert [months for _, months in groups] == [["2020_01", "2020_02"], ["2020_03"], ["2020_03", "undated"]]
    assert [len(ids) for ids, _ in groups] == [4, 4, 2]
    assert sorted(i for ids, _ in groups for i in ids) == sorted(pending["article_id"])


def test_a_small_remainder_joins_the_shard_before_it():
    pending = pl.DataFrame({"article_id": [f"a{i}" for i in range(9)], "month": ["2020_01"] * 8 + [None]})
    assert [(len(ids), months) for ids, months in _shard_groups(pending, size=4)] == [
        (4, ["2020_01"]), (5, ["2020_01", "undated"])]
    # ... unless the shard before it would then pass the memory bound
    assert [(len(ids), months) for ids, months in _shard_groups(pending, size=4, limit=4)] == [
        (4, ["2020_01"]), (4, ["2020_01"]), (1, ["undated"])]


def test_shard_size_splits_the_backlog_over_the_workers_within_bounds():
    assert shard_size(100_000, 2) == 5_000  # capped: a worker's memory stays bounded
    assert shard_size(8_000, 2) == 4_000
    assert shard_size(500, 2) == 2_000  # one shard: another worker would cost more than it saves
    assert shard_size(5, 2, min_articles=1) == 3


def test_planned_shards_extract_without_the_database_and_load_once(sample_articles: Path, tmp_path: Path):
    warehouse = Warehouse(tmp_path / "sitrep.duckdb")
    run_ingestion(warehouse, sample_articles, "r1")
    shards = plan_extraction(warehouse, "r1", workers=2, min_articles=1, max_articles=2)
    assert [s.articles for s in shards] == [2, 2, 1]
    assert len({s.key for s in shards}) == 3

    # A shard's worker needs nothing but its directory: the warehouse is locked meanwhile.
    with warehouse.lock():
        summaries = [extract_shard(shard, "r1") for shard in shards]
    assert sum(s.counts["articles_extracted"] for s in summaries) == 5
    load_extraction(warehouse, shards, "r1")

    con = duckdb.connect(str(warehouse.work_path), read_only=True)
    try:
        assert con.execute("select count(distinct article_id) from news.extraction_log").fetchone()[0] == 5
        loaded = con.execute("select count(*) from news.incident_reports").fetchone()[0]
    finally:
        con.close()
    assert loaded == sum(s.valid_rows["incident_reports"] for s in summaries) > 0
    assert not (warehouse.work_dir / "shards" / "r1").exists()
    assert plan_extraction(warehouse, "r2", workers=2, min_articles=1) == []


def test_a_shard_that_was_not_extracted_is_not_loaded(sample_articles: Path, tmp_path: Path):
    warehouse = Warehouse(tmp_path / "sitrep.duckdb")
    run_ingestion(warehouse, sample_articles, "r1")
    shards = plan_extraction(warehouse, "r1", workers=1, min_articles=1)
    with pytest.raises(FileNotFoundError, match="has no extraction output"):
        load_extraction(warehouse, shards, "r1")
    assert plan_extraction(warehouse, "r2", workers=1, min_articles=1), "nothing was marked extracted"


def test_a_writer_that_needs_little_memory_gets_a_lower_duckdb_limit(tmp_path, monkeypatch):
    """Ingestion asks for a capped writer; the configured limit still wins when it is lower."""
    def limit(**kwargs) -> str:
        with Warehouse(tmp_path / "w.duckdb").writer(**kwargs) as con:
            return con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]

    monkeypatch.delenv("SITREP_DUCKDB_MEMORY_LIMIT", raising=False)
    default, capped = limit(), limit(memory_cap="256MB")
    assert default.startswith("953.6") and capped.startswith("244.1")  # DuckDB reports MiB
    monkeypatch.setenv("SITREP_DUCKDB_MEMORY_LIMIT", "100MB")
    assert limit(memory_cap="256MB").startswith("95.3")
