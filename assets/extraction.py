"""Extraction: mentions, incident reports, cooperation events and claimed tallies."""


import dagster as dg

from assets.checks import markdown_table, pandera_check_result, pandera_check_spec
from assets.resources import WarehouseResource
from pipeline.schemas import EXTRACTED_TABLES
from pipeline.stages import run_extraction

DESCRIPTIONS = {
    "mentions": "One row per mention of a person, organisation or place, with its exact character span.",
    "incident_reports": "One row per incident report: one attack or operation as one article tells it.",
    "cooperation_events": "One row per meeting, agreement, delegation visit or base handover as one article tells it.",
    "claimed_tallies": "One row per claimed tally of attacks over a period (e.g. al-Naba's weekly claims).",
    "quarantine": "One row per record that failed validation, kept whole with the reason.",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            dg.AssetKey(["news", table]), description=description, group_name="extraction",
            deps=[dg.AssetKey(["news", "articles"]), dg.AssetKey(["news", "sentences"])],
            kinds={"duckdb", "polars"},
        )
        for table, description in DESCRIPTIONS.items()
    ],
    check_specs=[pandera_check_spec(dg.AssetKey(["news", table]), table) for table in EXTRACTED_TABLES],
    pool="sitrep_warehouse",
)
def extracted_events(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Extracts from every article the current extractor version has not read; others are skipped."""
    summary = run_extraction(warehouse.warehouse(), context.run_id)
    context.log.info(f"extraction: {summary.counts}")
    quarantined = 0
    for table in EXTRACTED_TABLES:
        outcome = summary.validations.get(table)
        metadata = {"articles_extracted": summary.counts.get("articles_extracted", 0)}
        if outcome is not None:
            quarantined += outcome.num_failed_rows
            metadata["new_rows"] = summary.valid_rows.get(table, 0)
            metadata["preview"] = dg.MetadataValue.md(markdown_table(outcome.valid.drop(
                [c for c in ("body", "evidence") if c in outcome.valid.columns]), 10))
        yield dg.MaterializeResult(asset_key=dg.AssetKey(["news", table]), metadata=metadata)
    yield dg.MaterializeResult(asset_key=dg.AssetKey(["news", "quarantine"]),
                               metadata={"new_rows_from_extraction": quarantined})
    for table in EXTRACTED_TABLES:
        yield pandera_check_result(dg.AssetKey(["news", table]), table, summary.validations.get(table),
                                   summary.valid_rows.get(table, 0))
