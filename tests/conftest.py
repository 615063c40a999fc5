"""Shared fixtures: real sample articles, real DuckDB files under tmp_path, real dbt and Dagster."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.settings import SAMPLE_ARTICLES_DIR

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GOLD_PATH = PROJECT_ROOT / "tests" / "data" / "seed_gold.yaml"


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False,
                     help="also run the slow tests (full SIGKILL matrix, large corpora)")


# Modules that each run the whole pipeline several times: started first, so that with
# `-n 2 --dist loadfile` they overlap the many quick modules instead of trailing after them.
HEAVY_MODULES = (
    "test_crash_safety.py", "test_browser.py", "test_end_to_end.py", "test_readers_never_blocked.py",
    "test_hostile_end_to_end.py", "test_extraction_quality.py", "test_extraction_fan_out.py",
)


def _heaviness(item) -> int:
    name = item.path.name
    return HEAVY_MODULES.index(name) if name in HEAVY_MODULES else len(HEAVY_MODULES)


def pytest_collection_modifyitems(config, items):
    items.sort(key=_heaviness)  # stable: the order within a module is kept
    if config.getoption("--runslow"):
        return
    skip_slow = pytest.mark.skip(reason="slow: run with --runslow (make test-all)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)


@pytest.fixture
def sample_articles(tmp_path: Path) -> Path:
    """A writable copy of the bundled sample articles, as a landing directory."""
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE_ARTICLES_DIR, landing, ignore=shutil.ignore_patterns("README.md"))
    return landing


@pytest.fixture
def pipeline_env(tmp_path: Path, sample_articles: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """The contract's two settings pointing at a fresh landing copy and a fresh warehouse."""
    duckdb_path = tmp_path / "warehouse" / "sitrep.duckdb"
    monkeypatch.setenv("SITREP_ARTICLES_DIR", str(sample_articles))
    monkeypatch.setenv("SITREP_DUCKDB_PATH", str(duckdb_path))
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    return {"articles": sample_articles, "duckdb": duckdb_path}


def run_refresh_job(articles: Path, duckdb_path: Path):
    """Execute the real refresh job in-process (every asset, dbt included) on these settings."""
    import dagster as dg

    from assets.definitions import defs

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITREP_ARTICLES_DIR", str(articles))
        patch.setenv("SITREP_DUCKDB_PATH", str(duckdb_path))
        patch.setenv("DO_NOT_TRACK", "1")
        return defs.get_job_def("sitrep_refresh").execute_in_process(instance=dg.DagsterInstance.ephemeral())


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> dict:
    """One full run on the sample articles, shared by the tests that only read its output."""
    base = tmp_path_factory.mktemp("sample_run")
    landing = base / "landing"
    shutil.copytree(SAMPLE_ARTICLES_DIR, landing, ignore=shutil.ignore_patterns("README.md"))
    duckdb_path = base / "warehouse" / "sitrep.duckdb"
    result = run_refresh_job(landing, duckdb_path)
    assert result.success
    return {"articles": landing, "duckdb": duckdb_path, "result": result}


# Tables whose contents must not depend on how many runs it took to get there.
STATE_TABLES = (
    "news.articles", "news.sentences", "news.article_paragraphs", "news.mentions",
    "news.incident_reports", "news.cooperation_events", "news.claimed_tallies",
    "marts.incidents", "marts.attacks_per_province_week", "marts.cooperation_events",
    "marts.coordination_room_events",
)


def state_digest(path: Path, tables: tuple[str, ...] = STATE_TABLES) -> dict[str, str]:
    """An ordered hash of each table's rows (run ids and timestamps are not in these tables)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        digests = {}
        for table in tables:
            columns = [c[0] for c in con.execute(f"describe {table}").fetchall()]
            rows = con.execute(f"select * from {table} order by all").fetchall()
            digests[table] = hashlib.sha256(repr((columns, rows)).encode()).hexdigest()[:16]
        return digests
    finally:
        con.close()
