"""The code location loads, and its job, schedule and sensor resolve and behave."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
from packaging.version import Version

from assets.dbt import DBT_EXECUTABLE, dbt_resource
from assets.definitions import defs
from assets.resources import LandingDirectory
from assets.sensors import new_articles_sensor


def test_definitions_load_with_one_lineage_graph():
    repository = defs.get_repository_def()
    keys = {key.to_user_string() for key in repository.asset_graph.get_all_asset_keys()}
    for expected in ("news/articles", "news/ingest_log", "news/incident_reports", "news/cooperation_events",
                     "news/claimed_tallies", "news/mentions", "marts/incidents",
                     "marts/attacks_per_province_week", "marts/coordination_room_events",
                     "warehouse/published"):
        assert expected in keys
    # Every asset sits in its stage's group, so the UI's global lineage reads as the pipeline.
    groups = {repository.asset_graph.get(key).group_name for key in repository.asset_graph.get_all_asset_keys()}
    assert groups == {"ingestion", "extraction", "staging", "intermediate", "marts", "publishing"}
    graph = repository.asset_graph
    # dbt sources are the Python assets' own keys, so lineage runs from files to marts unbroken.
    staging_parents = graph.get(dg.AssetKey(["staging", "stg_news__incident_reports"])).parent_keys
    assert dg.AssetKey(["news", "incident_reports"]) in staging_parents
    published_parents = graph.get(dg.AssetKey(["warehouse", "published"])).parent_keys
    assert dg.AssetKey(["marts", "attacks_per_province_week"]) in published_parents


def test_job_schedule_and_sensor_resolve():
    job = defs.resolve_job_def("sitrep_refresh")
    # Steps run in their own processes (the extraction shards in parallel), so every step that
    # opens the warehouse or runs dbt must share the single-writer pool; shard steps must not.
    assert job.executor_def.name == "multiprocess"
    pools = {op.name: (op.pool, op.required_resource_keys) for op in job.graph.iterate_op_defs()}
    writers = {name for name, (_, keys) in pools.items() if keys & {"warehouse", "dbt"}}
    assert {"ingested_articles", "plan_extraction_shards", "load_extracted_shards"} <= writers
    assert all(pools[name][0] == "sitrep_warehouse" for name in writers), pools
    assert pools["extract_and_validate_shard"] == (None, set())
    schedule = defs.get_schedule_def("daily_refresh")
    assert schedule.cron_schedule == "0 5 * * *" and schedule.job_name == "sitrep_refresh"
    sensor = defs.get_sensor_def("new_articles_sensor")
    assert sensor.job_name == "sitrep_refresh"
    # dbt tests surface as asset checks on the marts.
    checks = {key.name for key in defs.get_repository_def().asset_graph.asset_check_keys
              if key.asset_key == dg.AssetKey(["marts", "attacks_per_province_week"])}
    assert any(name.startswith(("not_null", "unique", "accepted_values")) for name in checks), checks


def _age(path: Path, seconds: float = 60) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_sensor_fires_once_per_new_state_and_waits_for_settled_files(sample_articles: Path, tmp_path: Path):
    landing = LandingDirectory(articles_dir=str(sample_articles))
    for path in sample_articles.iterdir():
        _age(path)
    first = new_articles_sensor(dg.build_sensor_context(cursor=None, resources={"landing": landing}))
    assert isinstance(first, dg.RunRequest)

    context = dg.build_sensor_context(cursor=first.run_key, resources={"landing": landing})
    assert isinstance(new_articles_sensor(context), dg.SkipReason)

    # A file still being written (fresh mtime, or a .part name) does not trigger a run yet.
    fresh = sample_articles / "005_new.txt"
    shutil.copy(sample_articles / "000_8c9f9b6f66427fb3.txt", fresh)
    (sample_articles / "006_upload.txt.part").write_text("half a file")
    context = dg.build_sensor_context(cursor=first.run_key, resources={"landing": landing})
    assert isinstance(new_articles_sensor(context), dg.SkipReason)

    _age(fresh)
    context = dg.build_sensor_context(cursor=first.run_key, resources={"landing": landing})
    second = new_articles_sensor(context)
    assert isinstance(second, dg.RunRequest) and second.run_key != first.run_key

    # The same name rewritten with new content is a change too.
    fresh.write_text(fresh.read_text() + "\nA new paragraph.\n")
    _age(fresh, 30)
    context = dg.build_sensor_context(cursor=second.run_key, resources={"landing": landing})
    third = new_articles_sensor(context)
    assert isinstance(third, dg.RunRequest) and third.run_key not in (first.run_key, second.run_key)


def test_the_dbt_resource_knows_the_version_of_the_dbt_it_runs():
    """The resource skips dagster-dbt's `dbt --version` call (a dbt start-up and a PyPI lookup per
    run); the version it assumes must be the one the executable reports."""
    reported = subprocess.run([str(DBT_EXECUTABLE), "--version"], capture_output=True, text=True, check=True)
    core = re.search(r"installed:\s+(\d+\.\d+\.\d+)", reported.stdout)
    assert core is not None, reported.stdout
    assert dbt_resource()._cli_version == Version(core.group(1))


def test_the_forkserver_preloads_every_grammar_that_extraction_imports():
    """A grammar module missing from the preload list would be compiled again in every shard step."""
    probe = """
import importlib, sys
from datetime import date
import polars as pl
from assets.jobs import EXTRACTION_GRAMMARS
for name in EXTRACTION_GRAMMARS:
    importlib.import_module(name)
before = {m for m in sys.modules if m.startswith("pipeline.extract")}
from pipeline.extract import extract_all
body = "ISIS militants killed two soldiers and wounded three in Kirkuk on Monday, the army said."
articles = pl.DataFrame({"article_id": ["a1"], "published_at": [date(2020, 7, 22)], "body": [body]})
sentences = pl.DataFrame({"article_id": ["a1"], "sentence_idx": [0], "paragraph_idx": [0],
                          "char_start": [0], "char_end": [len(body)], "text": [body]})
extraction = extract_all(articles, sentences)
assert extraction.incident_reports.height == 1, extraction.incident_reports
print(sorted({m for m in sys.modules if m.startswith("pipeline.extract")} - before))
"""
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                               cwd=Path(__file__).resolve().parents[2])
    assert completed.stdout.strip() == "[]", completed.stdout
