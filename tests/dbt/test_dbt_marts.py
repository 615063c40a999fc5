"""Runs the real dbt project against a DuckDB file modelled on the gold reading of the five
sample articles, and checks the marts an analyst reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.dbt.dbt_news_fixture import PROVINCES, article_id, build_news_fixture, report_id

REPO = Path(__file__).resolve().parents[2]
PROJECT = REPO / "dbt_project"
DBT = Path(sys.executable).parent / "dbt"
GOLD = REPO / "tests" / "data" / "seed_gold.yaml"

# expected_attacks_per_province_week of seed_gold.yaml (iso_week, province, attacks, killed, wounded)
GOLD_WEEKLY = {
    ("2020-W07", "IQ-DI", 1, 3, 7),
    ("2020-W18", "IQ-SD", 1, 10, 0),
    ("2020-W18", "IQ-DI", 1, 3, 2),
    ("2020-W20", "IQ-BG", 1, 2, 4),
}
GOVERNORATES = {code for code, *_, is_gov in PROVINCES if is_gov}


def _dbt(command: list[str], work_path: Path, run_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DO_NOT_TRACK": "1", "SITREP_WAREHOUSE_WORK_PATH": str(work_path)}
    return subprocess.run(
        [str(DBT), *command, "--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT),
         "--target-path", str(run_dir / "target"), "--log-path", str(run_dir / "logs")],
        env=env, capture_output=True, text=True, timeout=180,
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    run_dir = tmp_path_factory.mktemp("dbt")
    work_path = build_news_fixture(run_dir / "sitrep.work.duckdb")
    result = _dbt(["build"], work_path, run_dir)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    return work_path


@pytest.fixture
def con(warehouse):
    # Per test: an open reader holds DuckDB's file lock and would block the next dbt run.
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def _rows(con, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def test_weekly_nonzero_rows_equal_gold(con):
    rows = set(_rows(con, """
        select iso_week, province_code, attacks, killed, wounded
        from marts.attacks_per_province_week where attacks > 0 or killed > 0 or wounded > 0"""))
    assert rows == GOLD_WEEKLY


def test_weekly_matches_gold_file_when_present(con):
    if not GOLD.exists():
        pytest.skip(f"{GOLD} not in the repository")
    gold = yaml.safe_load(GOLD.read_text())["expected_attacks_per_province_week"]
    expected = {(g["iso_week"], g["province"], g["attacks"], g["killed"], g["wounded"]) for g in gold}
    rows = set(_rows(con, """
        select iso_week, province_code, attacks, killed, wounded
        from marts.attacks_per_province_week where attacks > 0"""))
    assert rows == expected


def test_weekly_is_zero_filled_over_governorates_and_weeks(con):
    (n_rows, n_weeks, first, last, n_provinces), = _rows(con, """
        select count(*), count(distinct week_start), min(week_start), max(week_start),
               count(distinct province_code)
        from marts.attacks_per_province_week""")
    # 2020-02-10 (W07, the Khanaqin attack and the Anbar operation) .. 2020-05-11 (W20)
    assert (first, last) == (date(2020, 2, 10), date(2020, 5, 11))
    assert n_weeks == 14 and n_provinces == 18 and n_rows == 14 * 18
    provinces = {r[0] for r in _rows(con, "select distinct province_code from marts.attacks_per_province_week")}
    assert provinces == GOVERNORATES  # the IQ-KR region row is not zero-filled
    assert _rows(con, """select iso_week, week_start from marts.attacks_per_province_week
                         where province_code = 'IQ-SD' and attacks = 1""") == [("2020-W18", date(2020, 4, 27))]


def test_salahaddin_attack_told_by_two_articles_is_one_incident(con):
    rows = _rows(con, """
        select n_reports, n_sources, killed, killed_low, killed_high, wounded, report_ids,
               article_ids, evidence_article_id, event_type, perpetrator
        from marts.incidents where province_code = 'IQ-SD' and event_date = date '2020-05-02'""")
    assert len(rows) == 1
    n_reports, n_sources, killed, low, high, wounded, report_ids, article_ids, ev_article, etype, perp = rows[0]
    assert (n_reports, n_sources, killed, low, high, wounded) == (2, 2, 10, 10, 10, None)
    assert report_ids == sorted([report_id("I003-1"), report_id("I004-4")])
    assert sorted(article_ids) == sorted([article_id("003"), article_id("004")])
    assert ev_article == article_id("003")  # published 3 May, before 004 (20 July)
    assert (etype, perp) == ("armed_assault", "ISIS")


def test_targets_joined_by_the_pipeline_become_a_list(con):
    rows = _rows(con, "select target, target_type from marts.incidents where location = 'Khanaqin'")
    assert rows == [(["Iraqi Army", "Peshmerga", "civilians"], "military")]


def test_incident_evidence_points_into_the_article_body(con):
    mismatches = _rows(con, """
        select i.incident_id
        from marts.incidents as i
        join news.articles as a on a.article_id = i.evidence_article_id
        where substr(a.body, i.evidence_char_start + 1, i.evidence_char_end - i.evidence_char_start)
              <> i.evidence""")
    assert mismatches == []


def test_every_report_lands_in_exactly_one_incident(con):
    (n_reports, n_incidents, n_listed), = _rows(con, """
        select (select count(*) from news.incident_reports),
               (select count(*) from marts.incidents),
               (select sum(len(report_ids)) from marts.incidents)""")
    assert (n_reports, n_incidents, n_listed) == (14, 13, 14)


def test_nothing_is_lost_between_grains(con):
    undated = dict(_rows(con, "select incident_id, reason from marts.undated_incidents"))
    by_reason = sorted(undated.values())
    # Kirkuk in April (month), al-Ba'aj (000, undated), al-Tarmia (004), torched fields (004)
    assert by_reason == ["month_precision", "undated", "undated", "undated"]
    kirkuk = _rows(con, """select in_monthly_table, province_code, event_date from marts.undated_incidents
                           where reason = 'month_precision'""")
    assert kirkuk == [(True, "IQ-KI", date(2020, 4, 1))]
    (attacks, weekly, left_out), = _rows(con, """
        select (select count(*) from marts.incidents where is_attack),
               (select sum(attacks) from marts.attacks_per_province_week),
               (select count(*) from marts.undated_incidents)""")
    assert attacks == weekly + left_out == 8
    monthly = set(_rows(con, "select month, province_code, attacks from marts.attacks_per_province_month where attacks > 0"))
    assert ("2020-04", "IQ-KI", 1) in monthly and ("2020-05", "IQ-SD", 1) in monthly


def test_syndicated_cooperation_events_count_once(con):
    (n_events,), = _rows(con, "select count(*) from marts.cooperation_events")
    assert n_events == 13  # 16 reports: three events told by both 002 and 004
    merged = _rows(con, """
        select event_type, date_precision, event_date, n_reports, n_sources, room_provinces
        from marts.cooperation_events where n_reports > 1 order by event_type, event_date""")
    assert merged == [
        ("agreement", "week", date(2020, 7, 20), 2, 1, ["IQ-DI", "IQ-KI", "IQ-NI"]),
        ("base_handover", "month", date(2020, 3, 1), 2, 1, []),
        ("base_handover", "day", date(2020, 7, 16), 2, 1, []),
    ]


def test_coordination_room_events_unnest_room_provinces(con):
    rows = _rows(con, """
        select e.event_type, r.room_province_code
        from marts.coordination_room_events as r
        join marts.cooperation_events as e using (cooperation_event_id)
        order by 1, 2 nulls last""")
    assert rows == [
        ("agreement", "IQ-DI"), ("agreement", "IQ-KI"), ("agreement", "IQ-NI"),
        ("delegation_visit", None), ("delegation_visit", None), ("meeting", None),
    ]


def test_entity_mentions_weekly_skips_undated_articles(con):
    rows = _rows(con, """select iso_week, mentions, articles from marts.entity_mentions_weekly
                         where entity_name = 'Masrour Barzani'""")
    assert rows == [("2020-W07", 1, 1)]  # the mention in undated article 000 has no week


def test_docs_generate_offline(warehouse, tmp_path):
    result = _dbt(["docs", "generate"], warehouse, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]
    catalog = json.loads((tmp_path / "target" / "catalog.json").read_text())
    incidents = catalog["nodes"]["model.sitrep.incidents"]
    assert incidents["metadata"]["schema"] == "marts"
    assert {"incident_id", "n_reports", "report_ids"} <= set(incidents["columns"])


def test_clusters_do_not_depend_on_the_order_reports_are_stored(warehouse, tmp_path):
    """The same reports stored in the opposite order give the same incidents and cooperation
    events, ids included: clusters are set functions named by their smallest report_id."""
    shuffled = build_news_fixture(tmp_path / "sitrep.work.duckdb")
    con = duckdb.connect(str(shuffled))
    try:
        for table in ("incident_reports", "cooperation_events", "articles"):
            key = "article_id" if table == "articles" else "report_id"
            con.execute(f"create temp table t as select * from news.{table} order by {key} desc")
            con.execute(f"delete from news.{table}")
            con.execute(f"insert into news.{table} select * from t")
            con.execute("drop table t")
    finally:
        con.close()
    result = _dbt(["build", "--exclude-resource-type", "unit_test"], shuffled, tmp_path)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    queries = {
        "incidents": "select incident_id, report_ids, killed, event_date from marts.incidents",
        "cooperation": "select cooperation_event_id, report_ids from marts.cooperation_events",
    }
    for name, sql in queries.items():
        first = duckdb.connect(str(warehouse), read_only=True)
        second = duckdb.connect(str(shuffled), read_only=True)
        try:
            assert sorted(_rows(first, sql)) == sorted(_rows(second, sql)), name
        finally:
            first.close()
            second.close()
