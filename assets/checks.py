"""pandera results as Dagster asset checks, with the failure cases in the metadata."""


import dagster as dg
import polars as pl

from pipeline.validation import ValidationOutcome

MAX_ROWS_SHOWN = 20


def markdown_table(frame: pl.DataFrame, max_rows: int = MAX_ROWS_SHOWN) -> str:
    if frame.is_empty():
        return "_no rows_"
    with pl.Config(
        tbl_formatting="MARKDOWN", tbl_hide_column_data_types=True, tbl_hide_dataframe_shape=True,
        tbl_rows=max_rows, tbl_cols=-1, fmt_str_lengths=120, tbl_width_chars=10_000,
    ):
        return str(frame.head(max_rows))


def pandera_check_name(table: str) -> str:
    return f"pandera_{table}"


def pandera_check_spec(asset_key: dg.AssetKey, table: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        name=pandera_check_name(table),
        asset=asset_key,
        description=f"Every row of news.{table} passes its pandera model; failing rows go to news.quarantine.",
    )


def pandera_check_result(asset_key: dg.AssetKey, table: str, outcome: ValidationOutcome | None,
                         rows_valid: int = 0) -> dg.AssetCheckResult:
    if outcome is None:  # nothing new to validate in this run
        return dg.AssetCheckResult(
            asset_key=asset_key, check_name=pandera_check_name(table), passed=True,
            metadata={"rows_validated": 0, "num_failures": 0},
        )
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=pandera_check_name(table),
        passed=outcome.num_failed_rows == 0,
        # Failing rows are quarantined rather than loaded, so a failure warns instead of blocking.
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "rows_validated": rows_valid + outcome.num_failed_rows,
            "num_failures": outcome.num_failed_rows,
            "failure_cases": dg.MetadataValue.md(markdown_table(outcome.failure_cases)),
        },
    )
