"""The one job: materialise everything, incrementally (already-read articles are skipped)."""

import dagster as dg

refresh_job = dg.define_asset_job(
    name="sitrep_refresh",
    selection=dg.AssetSelection.all(),
    description="Ingest new files, extract, validate, load, build the marts with dbt and publish.",
    # One DuckDB writer: steps run one after another in one process (and start in seconds).
    executor_def=dg.in_process_executor,
    # Schedule and sensor runs queue behind each other instead of racing for the writer.
    tags={"dagster/concurrency_key": "sitrep_warehouse"},
)
