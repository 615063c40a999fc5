"""The labelled incident reports in tests/data, as pytest parameters (one per CSV row)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
LABELLED_FILES = ("heldout_incidents.csv", "labelled_sample.csv")


def labelled_rows() -> list:
    rows = []
    for name in LABELLED_FILES:
        with (DATA / name).open(newline="", encoding="utf-8") as handle:
            rows += [pytest.param(row, id=f"{name}:{i}") for i, row in enumerate(csv.DictReader(handle))]
    return rows
