"""Every asset, dbt included, on the real sample articles; assertions on the published marts."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import yaml

from tests.conftest import GOLD_PATH, PROJECT_ROOT, run_refresh_job

CONTENT_TABLES = (
    "news.articles", "news.sentences", "news.mentions", "news.incident_reports",
    "news.cooperation_events", "news.claimed_tallies", "marts.incidents",
    "marts.attacks_per_province_week", "marts.cooperation_events", "marts.coordination_room_events",
)


def _read(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _table_digest(path: Path, table: str) -> tuple[int, str]:
    """Row count and an order-independent digest of a table's contents."""
    rows = _read(path, f"select * from {table}")
    digest = hashlib.sha256()
    for row in sorted(repr(r) for r in rows):
        digest.update(row.encode())
    return len(rows), digest.hexdigest()


def test_weekly_mart_equals_the_gold_rows(sample_run):
    gold = yaml.safe_load(GOLD_PATH.read_text())["expected_attacks_per_province_week"]
    expected = sorted((g["iso_week"], g["province"], g["attacks"], g["killed"], g["wounded"]) for g in gold)
    actual = _read(
        sample_run["duckdb"],
        "select iso_week, province_code, attacks, killed, wounded from marts.attacks_per_province_week "
        "where attacks > 0 order by iso_week, province_code",
    )
    assert sorted(actual) == expected


def test_weekly_mart_is_zero_filled_over_18_provinces(sample_run):
    weeks, provinces, rows = _read(
        sample_run["duckdb"],
        "select count(distinct iso_week), count(distinct province_code), count(*) "
        "from marts.attacks_per_province_week",
    )[0]
    assert provinces == 18 and rows == weeks * 18
    # The data spans 2020-W07 to 2020-W20.
    assert weeks == 14


def test_the_salahaddin_attack_reported_twice_is_one_incident(sample_run):
    rows = _read(
        sample_run["duckdb"],
        "select n_reports, killed from marts.incidents "
        "where province_code = 'IQ-SD' and event_date = date '2020-05-02'",
    )
    assert rows == [(2, 10)]


def test_every_file_is_accounted_for(sample_run):
    first_run = sample_run["result"].run_id
    logged = dict(_read(sample_run["duckdb"], "select path, status from news.ingest_log where run_id = ?",
                        [first_run]))
    on_disk = {p.name for p in sample_run["articles"].iterdir()}
    assert set(logged) == on_disk
    assert all(status == "loaded" for status in logged.values())


def test_every_span_points_at_its_text(sample_run):
    bad = _read(
        sample_run["duckdb"],
        "select m.text, substr(a.body, m.char_start + 1, m.char_end - m.char_start) "
        "from news.mentions m join news.articles a using (article_id) "
        "where substr(a.body, m.char_start + 1, m.char_end - m.char_start) <> m.text "
        "union all "
        "select r.evidence, substr(a.body, r.char_start + 1, r.char_end - r.char_start) "
        "from news.incident_reports r join news.articles a using (article_id) "
        "where substr(a.body, r.char_start + 1, r.char_end - r.char_start) <> r.evidence",
    )
    assert bad == []
    assert _read(sample_run["duckdb"], "select count(*) from news.mentions")[0][0] > 50


def test_unstated_numbers_stay_null(sample_run):
    # Article 000 has no publication date: its "On Monday" attack cannot be dated.
    rows = _read(
        sample_run["duckdb"],
        "select r.event_date, r.date_precision, r.killed from news.incident_reports r "
        "join news.articles a using (article_id) where a.published_at is null",
    )
    assert rows and all(d is None and p == "unknown" for d, p, _ in rows)
    assert all(k is None for _, _, k in rows)


def test_second_run_adds_nothing_and_re_extracts_nothing(sample_run, tmp_path):
    before = {t: _table_digest(sample_run["duckdb"], t) for t in CONTENT_TABLES}
    extracted_before = _read(sample_run["duckdb"], "select count(*), min(run_id) from news.extraction_log")
    result = run_refresh_job(sample_run["articles"], sample_run["duckdb"])
    assert result.success
    after = {t: _table_digest(sample_run["duckdb"], t) for t in CONTENT_TABLES}
    assert after == before
    assert _read(sample_run["duckdb"], "select count(*), min(run_id) from news.extraction_log") == extracted_before
    second_run_statuses = _read(
        sample_run["duckdb"],
        "select distinct status from news.ingest_log where run_id = ? and path <> 'manifest.csv'",
        [result.run_id],
    )
    assert ("loaded",) not in second_run_statuses


def test_contract_command_from_a_clean_state_and_again(tmp_path, sample_articles):
    """The CONTRACT.md command itself, as a user runs it, twice over the same directory."""
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "SITREP_ARTICLES_DIR": str(sample_articles),
        "SITREP_DUCKDB_PATH": str(tmp_path / "out" / "sitrep.duckdb"),
        "DO_NOT_TRACK": "1",
    }
    dagster = Path(sys.executable).parent / "dagster"
    command = [str(dagster), "asset", "materialize", "-m", "assets.definitions", "--select", "*"]
    for _ in range(2):
        completed = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
        assert completed.returncode == 0, completed.stderr[-3000:]
    published = tmp_path / "out" / "sitrep.duckdb"
    assert _read(published, "select count(*) from news.articles")[0][0] == 5
    assert _read(published, "select count(*) from (select article_id from news.articles group by 1 having count(*) > 1)")[0][0] == 0

    sitrep = Path(sys.executable).parent / "sitrep"
    report = subprocess.run([str(sitrep), "report"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert "2020-W18" in report.stdout and "IQ-SD" in report.stdout
    assert (tmp_path / "out" / "reports" / "attacks_per_province_week.png").stat().st_size > 5_000

    # Values are bound, never spliced: a hostile value is just a string that matches nothing.
    query = subprocess.run(
        [str(sitrep), "query", "select count(*) as n from marts.incidents where province_code = ?",
         "-p", "IQ-SD'; drop table marts.incidents; --", "--format", "csv"],
        env=env, capture_output=True, text=True, cwd=tmp_path,
    )
    assert query.returncode == 0, query.stderr
    assert query.stdout.splitlines() == ["n", "0"]
    assert _read(published, "select count(*) from marts.incidents")[0][0] > 0
