"""The refresh job as Dagster runs it outside tests: the multiprocess executor, extraction
fanned out over shard steps in separate processes, one loader, and the same warehouse as the
in-process run."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import PROJECT_ROOT, state_digest

STEP_EVENT = re.compile(r" - (?P<pid>\d+) - (?P<step>[\w.\[\]]+) - (?P<event>STEP_START|STEP_SUCCESS)\b")


def test_shards_run_in_separate_processes_and_load_the_same_warehouse(sample_run, sample_articles, tmp_path: Path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((PROJECT_ROOT / "deploy" / "dagster.yaml").read_text())
    config = tmp_path / "run_config.yaml"
    # Shards of at most 3 articles, so the 5 samples make two shards on the two workers.
    config.write_text(yaml.safe_dump({"ops": {"extracted_events": {"ops": {
        "plan_extraction_shards": {"config": {"min_articles": 1, "max_articles": 3}}}}}}))
    published = tmp_path / "warehouse" / "sitrep.duckdb"
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DAGSTER_HOME": str(home),
        "SITREP_ARTICLES_DIR": str(sample_articles),
        "SITREP_DUCKDB_PATH": str(published),
        "SITREP_EXTRACT_WORKERS": "2",
        "DO_NOT_TRACK": "1",
    }
    dagster = Path(sys.executable).parent / "dagster"
    completed = subprocess.run(
        [str(dagster), "job", "execute", "-m", "assets.definitions", "-j", "sitrep_refresh", "-c", str(config)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    log = completed.stdout + completed.stderr
    assert completed.returncode == 0, log[-4000:]

    started = {m["step"]: int(m["pid"]) for m in STEP_EVENT.finditer(log) if m["event"] == "STEP_START"}
    shard_steps = {step: pid for step, pid in started.items() if ".extract_and_validate_shard[" in step}
    assert len(shard_steps) == 2, sorted(started)
    # Every step, each shard included, ran in a process of its own.
    assert len(set(started.values())) == len(started)
    assert {"ingested_articles", "extracted_events.plan_extraction_shards",
            "extracted_events.load_extracted_shards", "dbt_models", "warehouse__published"} <= set(started)

    # Sharding changes where the work runs, not what it produces.
    assert state_digest(published) == state_digest(sample_run["duckdb"])
    shards_dir = published.parent / ".sitrep.work" / "shards"
    assert not shards_dir.exists() or not any(shards_dir.iterdir()), "the loader removes its shard files"
