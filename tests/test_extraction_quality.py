"""The issue's quality bar, measured on the real pipeline output for the development set."""

from __future__ import annotations

from pipeline.evaluate import score_warehouse
from tests.conftest import GOLD_PATH


def test_extraction_meets_the_development_set_thresholds(sample_run):
    report = score_warehouse(sample_run["duckdb"], GOLD_PATH)
    print(report.format_report())
    failures = report.failures(
        min_incident_f1=0.90, min_cooperation_f1=0.85, min_tally_f1=1.0, require_mart=True,
    )
    assert failures == []
    incidents = report.tables["incidents"]
    # Province, killed and wounded right on every matched incident.
    for name in ("province", "killed", "wounded"):
        assert incidents.field(name).accuracy == 1.0, incidents.field(name).to_dict()
