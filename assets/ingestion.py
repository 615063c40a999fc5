"""Ingestion: the landing directory into news.articles, sentences and the ingest log."""


import dagster as dg

from assets.checks import pandera_check_result, pandera_check_spec
from assets.resources import LandingDirectory, WarehouseResource
from pipeline.stages import run_ingestion

INGESTED_TABLES = {
    "articles": "One row per distinct article: cleaned body, headline, dateline, publication date.",
    "sentences": "One row per sentence of an article body, with its character span.",
    "article_paragraphs": "One row per paragraph fingerprint of an article, to find syndicated copies.",
    "ingest_log": "One row per input file per run: loaded, duplicate or quarantined, and why.",
    "provinces": "One row per ISO 3166-2:IQ governorate, plus the Kurdistan Region (IQ-KR), from the gazetteer and pycountry.",
}
VALIDATED = ("articles", "sentences", "article_paragraphs", "ingest_log")


@dg.multi_asset(
    specs=[
        dg.AssetSpec(dg.AssetKey(["news", table]), description=description, group_name="ingestion",
                     kinds={"duckdb", "polars"})
        for table, description in INGESTED_TABLES.items()
    ],
    check_specs=[pandera_check_spec(dg.AssetKey(["news", table]), table) for table in VALIDATED],
    pool="sitrep_warehouse",
)
def ingested_articles(context: dg.AssetExecutionContext, landing: LandingDirectory,
                      warehouse: WarehouseResource):
    """Reads new files from the landing directory; every file ends loaded, duplicate or quarantined."""
    landing_dir = landing.path()
    summary = run_ingestion(warehouse.warehouse(), landing_dir, context.run_id)
    context.log.info(f"ingested {landing_dir}: {summary.counts}")
    for table in INGESTED_TABLES:
        metadata = {"landing_dir": str(landing_dir)}
        if table == "ingest_log":
            metadata.update({k: v for k, v in summary.counts.items() if k.startswith("files_")})
        if table in summary.valid_rows:
            metadata["new_rows"] = summary.valid_rows[table]
        yield dg.MaterializeResult(asset_key=dg.AssetKey(["news", table]), metadata=metadata)
    for table in VALIDATED:
        yield pandera_check_result(dg.AssetKey(["news", table]), table, summary.validations.get(table),
                                   summary.valid_rows.get(table, 0))
