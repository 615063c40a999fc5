"""The analyst's report: the weekly attacks table and its chart."""

from __future__ import annotations

import base64
from pathlib import Path

import duckdb
import polars as pl

CHART_MART = "attacks_per_province_week"

WEEKLY_SQL = """
select iso_week, week_start, province_code, province_name, attacks, killed, wounded
from marts.attacks_per_province_week
where attacks > 0
order by week_start, province_code
"""


def weekly_attacks(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Non-zero rows of the weekly mart (the zero-filled grid is for joins, not for reading)."""
    return pl.from_arrow(con.sql(WEEKLY_SQL).to_arrow_table())


def render_weekly_chart(weekly: pl.DataFrame, path: Path) -> Path:
    """Stacked bars of attacks per ISO week, one colour per province; written as PNG."""
    import matplotlib

    matplotlib.use("Agg")  # headless: no display on servers or CI
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    figure, axis = plt.subplots(figsize=(10, 4.5), dpi=110)
    if weekly.is_empty():
        axis.text(0.5, 0.5, "no dated attacks in the warehouse", ha="center", va="center")
        axis.set_axis_off()
    else:
        pivot = (
            weekly.pivot(on="province_name", index="iso_week", values="attacks", aggregate_function="sum")
            .sort("iso_week")
            .fill_null(0)
        )
        weeks = pivot["iso_week"].to_list()
        bottom = [0] * len(weeks)
        for province in sorted(c for c in pivot.columns if c != "iso_week"):
            values = pivot[province].to_list()
            axis.bar(weeks, values, bottom=bottom, label=province)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        axis.set_xlabel("ISO week")
        axis.set_ylabel("attacks")
        axis.yaxis.get_major_locator().set_params(integer=True)
        axis.legend(title="province", fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        axis.tick_params(axis="x", rotation=45)
    axis.set_title("Attacks per province per ISO week (sitrep, day/week-precision incidents)")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path


def chart_markdown(path: Path) -> str:
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"![attacks per province per week](data:image/png;base64,{encoded})"


def format_table(frame: pl.DataFrame) -> str:
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_hide_dataframe_shape=True, tbl_width_chars=200,
                   tbl_hide_column_data_types=True):
        return str(frame)
