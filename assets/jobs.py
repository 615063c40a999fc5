"""The one job: materialise everything, incrementally (already-read articles are skipped)."""

import dagster as dg

# Steps in their own processes, so extraction shards run on every core. forkserver with the code
# location preloaded starts a step in about a second instead of re-importing Dagster and dbt in
# each. The extraction grammars, which extract_all imports on first use, are preloaded too:
# compiling their regexes cost every shard step 0.7 s of CPU, and costs the forkserver 6 MiB that
# the steps it forks share. The steps that write DuckDB (ingest, plan, load, dbt, publish) depend
# on each other and share the `sitrep_warehouse` pool, so one writer at a time still holds.
EXTRACTION_GRAMMARS = [f"pipeline.extract.{name}"
                       for name in ("casualties", "cooperation", "dates", "incidents", "mentions", "tallies")]
EXTRACTION_FAN_OUT_EXECUTOR = dg.multiprocess_executor.configured(
    {"start_method": {"forkserver": {"preload_modules": ["assets.definitions", *EXTRACTION_GRAMMARS]}}}
)

refresh_job = dg.define_asset_job(
    name="sitrep_refresh",
    selection=dg.AssetSelection.all(),
    description="Ingest new files, extract, validate, load, build the marts with dbt and publish.",
    executor_def=EXTRACTION_FAN_OUT_EXECUTOR,
    # Schedule and sensor runs queue behind each other instead of racing for the writer.
    tags={"dagster/concurrency_key": "sitrep_warehouse"},
)
