"""Validate a table with its pandera model: good rows load, failing rows go to quarantine.

Nothing is dropped silently: every row that fails a check is kept whole (as JSON) in
`news.quarantine` with the check that failed and why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandera.polars as pa
import polars as pl

from pipeline.schemas import NEWS_TABLES, empty_frame


@dataclass(frozen=True)
class ValidationOutcome:
    table: str
    valid: pl.DataFrame
    quarantine: pl.DataFrame  # news.quarantine rows
    failure_cases: pl.DataFrame  # pandera's failure cases, for the asset check's metadata

    @property
    def num_failed_rows(self) -> int:
        return self.quarantine.height


class SchemaMismatch(ValueError):
    """The frame does not have the table's columns or dtypes: a bug upstream, not bad data."""


def validate_table(table: str, frame: pl.DataFrame, run_id: str) -> ValidationOutcome:
    """Split a frame into rows that pass every check and quarantine rows saying which failed."""
    valid, quarantined, cases = frame, [], []
    # A failing dataframe-wide check can hide others behind it, so re-validate what is left.
    for _ in range(5):
        outcome = _validate_once(table, valid, run_id)
        valid = outcome.valid
        if outcome.quarantine.is_empty():
            break
        quarantined.append(outcome.quarantine)
        cases.append(outcome.failure_cases)
    return ValidationOutcome(
        table,
        valid,
        pl.concat(quarantined) if quarantined else empty_frame("quarantine"),
        pl.concat(cases, how="diagonal_relaxed") if cases else pl.DataFrame(),
    )


def _validate_once(table: str, frame: pl.DataFrame, run_id: str) -> ValidationOutcome:
    model, _ = NEWS_TABLES[table]
    try:
        valid = model.validate(frame, lazy=True)
        return ValidationOutcome(table, valid, empty_frame("quarantine"), pl.DataFrame())
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    row_cases = cases.filter(pl.col("index").is_not_null())
    if row_cases.height < cases.height:
        # Column-level failures (missing column, wrong dtype) cannot be pinned on rows.
        structural = cases.filter(pl.col("index").is_null())
        raise SchemaMismatch(
            f"news.{table} does not match {model.__name__}:\n{structural.head(20)}"
        )
    reasons = (
        row_cases.group_by("index")
        .agg(
            pl.col("check").cast(pl.Utf8).str.join("; ").alias("check_name"),
            pl.format("{}: {} failed for value {}", pl.col("column"), pl.col("check"), pl.col("failure_case"))
            .str.join("; ")
            .alias("reason"),
        )
        .sort("index")
    )
    bad_index = reasons["index"].cast(pl.Int64).to_list()
    indexed = frame.with_row_index("__row").with_columns(pl.col("__row").cast(pl.Int64))
    bad_rows = indexed.filter(pl.col("__row").is_in(bad_index))
    good_rows = indexed.filter(~pl.col("__row").is_in(bad_index)).drop("__row")
    records = [json.dumps(row, default=str, ensure_ascii=False) for row in bad_rows.drop("__row").to_dicts()]
    quarantine = pl.DataFrame(
        {
            "table_name": [table] * bad_rows.height,
            "record": records,
            "check_name": reasons["check_name"].to_list(),
            "reason": reasons["reason"].to_list(),
            "run_id": [run_id] * bad_rows.height,
        },
        schema=empty_frame("quarantine").schema,
    )
    return ValidationOutcome(table, good_rows, quarantine, row_cases)
