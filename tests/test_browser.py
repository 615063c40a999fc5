"""The Dagster UI, for real: `dagster dev` on loopback, a run launched through GraphQL, and the
asset graph rendered in Debian's headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.browser

LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}"""
STATUS = """query Status($runId: ID!) { runOrError(runId: $runId) { __typename ... on Run { status } } }"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _graphql(port: int, query: str, variables: dict) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _render(port: int, path: str) -> str:
    """The page's DOM after its scripts ran (virtual time lets the SPA finish its queries)."""
    profile = tempfile.mkdtemp()
    try:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", f"--user-data-dir={profile}", "--window-size=1400,900",
             "--virtual-time-budget=25000", "--dump-dom", f"http://127.0.0.1:{port}/{path}"],
            capture_output=True, text=True, timeout=180,
        ).stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _restore_sigint():
    # A background `dagster dev` inherits an ignored SIGINT and would then ignore our stop.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_dagster_ui_runs_and_shows_the_asset_graph(tmp_path: Path, sample_articles: Path):
    port = _free_port()
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    env = dict(os.environ, DAGSTER_HOME=str(home), SITREP_ARTICLES_DIR=str(sample_articles),
               SITREP_DUCKDB_PATH=str(tmp_path / "wh" / "sitrep.duckdb"), DO_NOT_TRACK="1",
               PATH=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")
    log = open(tmp_path / "dagster_dev.log", "w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster"), "dev", "-w", "workspace.yaml",
         "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True, preexec_fn=_restore_sigint,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "dagster_dev.log").read_text()[-3000:]
                assert server.poll() is None, (tmp_path / "dagster_dev.log").read_text()[-3000:]
                time.sleep(1)

        selector = {"repositoryLocationName": "assets.definitions", "repositoryName": "__repository__",
                    "jobName": "sitrep_refresh"}
        # The code location may still be loading for a moment after the server answers.
        for _ in range(60):
            launched = _graphql(port, LAUNCH, {"params": {"selector": selector, "runConfigData": {}}})
            if launched["data"]["launchRun"]["__typename"] == "LaunchRunSuccess":
                break
            time.sleep(2)
        assert launched["data"]["launchRun"]["__typename"] == "LaunchRunSuccess", launched
        run_id = launched["data"]["launchRun"]["run"]["runId"]

        deadline = time.monotonic() + 300
        status = None
        while time.monotonic() < deadline:
            status = _graphql(port, STATUS, {"runId": run_id})["data"]["runOrError"].get("status")
            if status in ("SUCCESS", "FAILURE", "CANCELED"):
                break
            time.sleep(2)
        assert status == "SUCCESS", (tmp_path / "dagster_dev.log").read_text()[-5000:]
        assert (tmp_path / "wh" / "sitrep.duckdb").exists()

        # The global lineage shows the stages as groups; each group's page shows its assets.
        lineage = _render(port, "asset-groups")
        for group in ("ingestion", "extraction", "staging", "intermediate", "marts", "publishing"):
            assert group in lineage, f"group {group} not rendered in the global lineage"
        location = "locations/assets.definitions/asset-groups"
        extraction = _render(port, f"{location}/extraction")
        for name in ("incident_reports", "cooperation_events", "claimed_tallies", "mentions"):
            assert name in extraction, f"{name} not rendered in the extraction group graph"
        marts = _render(port, f"{location}/marts")
        for name in ("attacks_per_province_week", "coordination_room_events", "incidents"):
            assert name in marts, f"{name} not rendered in the marts group graph"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
