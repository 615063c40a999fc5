"""The dbt project as Dagster assets: one lineage graph from the news tables to the marts."""


import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from packaging.version import Version

from assets.resources import WarehouseResource
from pipeline.report import CHART_MART, chart_markdown, render_weekly_chart, weekly_attacks

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def _dbt_environment(work_path: Path | None = None) -> dict[str, str]:
    environment = dict(os.environ, DO_NOT_TRACK="1", DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    if work_path is not None:
        environment["SITREP_WAREHOUSE_WORK_PATH"] = str(work_path)
    return environment


def _newest_source_mtime(project_dir: Path) -> float:
    candidates = [project_dir / "dbt_project.yml"]
    for folder in ("models", "macros", "tests", "seeds", "snapshots"):
        candidates.extend(p for p in (project_dir / folder).rglob("*") if p.is_file())
    return max((p.stat().st_mtime for p in candidates if p.exists()), default=0.0)


def ensure_manifest(project: DbtProject = dbt_project) -> Path:
    """Build target/manifest.json when it is missing or older than the project's files.

    `DbtProject.prepare_if_dev()` only acts under `dagster dev`; a plain
    `dagster asset materialize` straight after `pip install -e .` must work too.
    """
    manifest = project.manifest_path
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime(project.project_dir):
        return manifest
    # Parse into a private target directory and swap the manifest in: several processes (the
    # webserver's code server, a run, a test) may load this module at the same moment.
    scratch = Path(tempfile.mkdtemp(prefix="manifest-", dir=project.project_dir))
    try:
        subprocess.run(
            [str(DBT_EXECUTABLE), "parse", "--quiet", "--project-dir", str(project.project_dir),
             "--profiles-dir", str(project.profiles_dir), "--target-path", str(scratch)],
            check=True, env=_dbt_environment(), cwd=project.project_dir,
        )
        manifest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(scratch / "manifest.json", manifest)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return manifest


class SchemaPrefixedTranslator(DagsterDbtTranslator):
    """Models keyed by their DuckDB schema (marts/incidents); sources keep news/<table>."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        schema = dbt_resource_props.get("config", {}).get("schema") or "main"
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props.get("config", {}).get("schema") or "dbt"


@dbt_assets(
    manifest=ensure_manifest(),
    project=dbt_project,
    dagster_dbt_translator=SchemaPrefixedTranslator(),
    pool="sitrep_warehouse",
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """Runs `dbt build` (models and their data tests, the tests becoming asset checks) on the work file."""
    store = warehouse.warehouse()
    weekly_output, weekly = None, None
    with store.lock():
        # dbt's profile reads the work path from the environment of its own process.
        os.environ["SITREP_WAREHOUSE_WORK_PATH"] = str(store.work_path)
        # YAML unit tests check the SQL, not the data: tests/dbt runs them; a production build
        # skips them (they are most of the build's time on a small warehouse).
        invocation = dbt.cli(["build", "--exclude-resource-type", "unit_test"], context=context)
        for event in invocation.stream():
            # The weekly mart waits until dbt has let go of the file, to chart what it wrote.
            if isinstance(event, dg.Output) and event.output_name.endswith(CHART_MART):
                weekly_output = event
                continue
            yield event
        _keep_for_partial_parsing(Path(invocation.target_path))
        if weekly_output is not None:
            # Still under the writer lock: even a read-only connection blocks another run's writer.
            con = duckdb.connect(str(store.work_path), read_only=True)
            try:
                weekly = weekly_attacks(con)
            finally:
                con.close()
    if weekly_output is not None:
        chart_path = store.published_path.parent / "reports" / f"{CHART_MART}.png"
        render_weekly_chart(weekly, chart_path)
        yield weekly_output.with_metadata(
            {
                **weekly_output.metadata,
                "chart": dg.MetadataValue.md(chart_markdown(chart_path)),
                "chart_path": dg.MetadataValue.path(str(chart_path)),
                "non_zero_rows": weekly.height,
            }
        )


def _keep_for_partial_parsing(run_target: Path) -> None:
    """dagster-dbt gives each run its own target directory, seeded with target/'s
    partial_parse.msgpack. Handing this run's file back lets the next run with the same
    settings skip a full parse (about 5 s), and removing the directory keeps a daily
    schedule from filling the disk with one per run (the results are in Dagster's events)."""
    state = run_target / "partial_parse.msgpack"
    if state.exists():
        kept = Path(dbt_project.project_dir) / "target" / "partial_parse.msgpack"
        staging = kept.with_name(f".{kept.name}.{os.getpid()}")
        shutil.copyfile(state, staging)
        os.replace(staging, kept)
    shutil.rmtree(run_target, ignore_errors=True)


class LocalDbtCliResource(DbtCliResource):
    """dagster-dbt learns the dbt version by running `dbt --version` before every command: a
    2.8 s start-up of dbt that also asks PyPI for the latest release, on a pipeline meant to run
    offline. The executable is this environment's own, so its version is the installed dbt-core."""

    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))


def dbt_resource() -> DbtCliResource:
    return LocalDbtCliResource(
        project_dir=dbt_project, profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=str(DBT_EXECUTABLE)
    )
