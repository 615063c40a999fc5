"""An analyst's read-only connection works throughout a run and only ever sees complete states."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import PROJECT_ROOT, run_refresh_job


def test_reader_in_another_process_during_full_runs(tmp_path: Path, sample_articles: Path):
    published = tmp_path / "warehouse" / "sitrep.duckdb"
    stop, out = tmp_path / "stop", tmp_path / "probe.json"
    reader = subprocess.Popen(
        [sys.executable, "-m", "tests.reader_probe", str(published), str(stop), str(out)], cwd=PROJECT_ROOT
    )
    try:
        assert run_refresh_job(sample_articles, published).success
        # A second run with new articles publishes a new state while the reader keeps reading.
        extra = sample_articles / "more"
        extra.mkdir()
        for source in sorted(sample_articles.glob("00[0-2]_*.txt")):
            text = source.read_text(encoding="utf-8")
            (extra / f"copy_{source.name}").write_text(text.replace("ISIS", "Daesh", 3), encoding="utf-8")
        assert run_refresh_job(sample_articles, published).success
        # A new connection sees a new publication at once; leave the reader a few polls to connect.
        time.sleep(2)
    finally:
        stop.touch()
        reader.wait(timeout=60)
    report = json.loads(out.read_text())
    assert report["errors"] == [], report
    assert report["reads"] > 20
    assert len(report["runs_seen"]) == 2
