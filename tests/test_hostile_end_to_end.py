"""The whole pipeline, dbt included, on a landing directory full of hostile files mixed with the
real sample articles: zero crashes, every file accounted for, the good articles still extracted."""

from __future__ import annotations

import shutil

import duckdb

from pipeline.settings import SAMPLE_ARTICLES_DIR
from tests.conftest import run_refresh_job
from tests.hostile import build_hostile_corpus


def test_hostile_landing_directory_end_to_end(tmp_path):
    landing = tmp_path / "landing"
    expected = build_hostile_corpus(landing, tmp_path / "outside")
    samples = landing / "samples"
    shutil.copytree(SAMPLE_ARTICLES_DIR, samples, ignore=shutil.ignore_patterns("README.md"))
    published = tmp_path / "warehouse" / "sitrep.duckdb"

    result = run_refresh_job(landing, published)
    assert result.success

    con = duckdb.connect(str(published), read_only=True)
    try:
        by_status = dict(con.execute("select status, count(*) from news.ingest_log group by 1").fetchall())
        reasons = con.execute(
            "select reason, count(*) from news.ingest_log where status = 'quarantined' group by 1 order by 2 desc"
        ).fetchall()
        print("ingest_log by status:", by_status)
        for reason, count in reasons:
            print(f"  quarantined x{count}: {reason}")
        assert by_status.get("quarantined", 0) >= len([e for e in expected.values() if e.status == "quarantined"])
        assert all(reason for reason, _ in reasons)
        # The five sample articles in the same directory were loaded and extracted as usual.
        sample_incidents = con.execute(
            "select count(*) from news.incident_reports r join news.articles a using (article_id) "
            "where a.source_file like 'samples/%'"
        ).fetchone()[0]
        assert sample_incidents >= 8
        # Non-English articles are kept, flagged, and not run through English extraction.
        foreign = con.execute(
            "select count(*) from news.articles a where a.language not in ('en') "
            "and exists (select 1 from news.incident_reports r where r.article_id = a.article_id)"
        ).fetchone()[0]
        assert foreign == 0
        assert con.execute("select count(*) from news.articles where language <> 'en'").fetchone()[0] >= 1
        assert con.execute("select count(*) from marts.attacks_per_province_week where attacks > 0").fetchone()[0] >= 4
    finally:
        con.close()
