"""The Python assets materialised for real into a DuckDB file under tmp_path."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from assets.extraction import extracted_events
from assets.ingestion import ingested_articles
from assets.resources import LandingDirectory, WarehouseResource
from pipeline.warehouse import Warehouse


def _materialize(landing: Path, duckdb_path: Path) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [ingested_articles, extracted_events],
        resources={
            "landing": LandingDirectory(articles_dir=str(landing)),
            "warehouse": WarehouseResource(duckdb_path=str(duckdb_path)),
        },
    )


def _count(con, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


def test_ingest_and_extract_into_the_work_file(sample_articles: Path, tmp_path: Path):
    duckdb_path = tmp_path / "sitrep.duckdb"
    result = _materialize(sample_articles, duckdb_path)
    assert result.success
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks["pandera_articles"] and checks["pandera_ingest_log"]
    assert not duckdb_path.exists(), "only the publish step may write the analysts' file"

    con = duckdb.connect(str(Warehouse(duckdb_path).work_path), read_only=True)
    try:
        assert _count(con, "select count(*) from news.articles") == 5
        assert _count(con, "select count(*) from news.provinces where is_governorate") == 18
        assert _count(con, "select count(*) from news.incident_reports") >= 6
        assert _count(con, "select count(*) from news.claimed_tallies") == 2
        assert _count(con, "select count(*) from news.cooperation_events") >= 8
        assert _count(con, "select count(*) from news.extraction_log") == 5
        assert _count(con, "select count(*) from news.articles where near_duplicate_of is not null") == 1
    finally:
        con.close()


def test_a_new_file_is_processed_alone(sample_articles: Path, tmp_path: Path):
    duckdb_path = tmp_path / "sitrep.duckdb"
    assert _materialize(sample_articles, duckdb_path).success
    (sample_articles / "news_005.txt").write_text(
        "Two soldiers killed in Tarmiyah attack\n\n"
        "BAGHDAD – Two Iraqi soldiers were killed and three wounded on Monday when Islamic State "
        "militants attacked an army checkpoint in Tarmiyah district, north of Baghdad, security "
        "sources said.\n",
        encoding="utf-8",
    )
    result = _materialize(sample_articles, duckdb_path)
    assert result.success
    extraction = result.asset_materializations_for_node("extracted_events")[0]
    assert extraction.metadata["articles_extracted"].value == 1
    con = duckdb.connect(str(Warehouse(duckdb_path).work_path), read_only=True)
    try:
        log = con.execute(
            "select status, count(*) from news.ingest_log where run_id = ? and path <> 'manifest.csv' group by 1",
            [result.run_id],
        ).fetchall()
        assert dict(log)["loaded"] == 1
        row = con.execute(
            "select province_code, killed, wounded, perpetrator from news.incident_reports r "
            "join news.articles a using (article_id) where a.source_file = 'news_005.txt'"
        ).fetchall()
        assert row == [("IQ-BG", 2, 3, "ISIS")]
    finally:
        con.close()
