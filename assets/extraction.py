"""Extraction: mentions, incident reports, cooperation events and claimed tallies.

One graph-backed asset fans out: `plan_extraction_shards` splits the backlog into shards by
publication month (Parquet files, no database needed to read them), one `extract_shard` step
per shard runs wherever the executor puts it (another process with the multiprocess executor,
another pod with the Kubernetes one), and `load_extracted_shards`, the single writer, loads
them. Writer steps share the `sitrep_warehouse` pool; shard steps touch no database.
"""


import dagster as dg

from assets.checks import markdown_table, pandera_check_result, pandera_check_spec
from assets.resources import WarehouseResource
from pipeline.schemas import EXTRACTED_TABLES
from pipeline.stages import (
    SHARD_MAX_ARTICLES,
    SHARD_MIN_ARTICLES,
    ExtractionShard,
    StageSummary,
    extract_shard,
    load_extraction,
    plan_extraction,
)

DESCRIPTIONS = {
    "mentions": "One row per mention of a person, organisation or place, with its exact character span.",
    "incident_reports": "One row per incident report: one attack or operation as one article tells it.",
    "cooperation_events": "One row per meeting, agreement, delegation visit or base handover as one article tells it.",
    "claimed_tallies": "One row per claimed tally of attacks over a period (e.g. al-Naba's weekly claims).",
    "quarantine": "One row per record that failed validation, kept whole with the reason.",
}
ASSET_KEYS = {table: dg.AssetKey(["news", table]) for table in DESCRIPTIONS}


class ShardingConfig(dg.Config):
    """How the extraction backlog is split: evenly over SITREP_EXTRACT_WORKERS (default: one per
    core) shards of whole publication months, each within these bounds."""

    min_articles: int = SHARD_MIN_ARTICLES
    max_articles: int = SHARD_MAX_ARTICLES


@dg.op(ins={"ingested": dg.In(dg.Nothing)}, out=dg.DynamicOut(ExtractionShard), pool="sitrep_warehouse")
def plan_extraction_shards(context: dg.OpExecutionContext, config: ShardingConfig, warehouse: WarehouseResource):
    """Writes the articles the current extractor version has not read as shards of whole months."""
    shards = plan_extraction(warehouse.warehouse(), context.run_id,
                             min_articles=config.min_articles, max_articles=config.max_articles)
    context.log.info(f"{sum(s.articles for s in shards)} articles to extract in {len(shards)} shards: "
                     + ", ".join(f"{s.key} ({s.articles})" for s in shards))
    # A dynamic output that yields nothing skips everything downstream, dbt and publication
    # included; a run with nothing new must still build and publish.
    for shard in shards or [ExtractionShard.empty()]:
        yield dg.DynamicOutput(shard, mapping_key=shard.key)


@dg.op
def extract_and_validate_shard(context: dg.OpExecutionContext, shard: ExtractionShard) -> StageSummary:
    """Extracts one shard and validates every row with pandera; touches no database."""
    summary = extract_shard(shard, context.run_id)
    context.log.info(f"shard {shard.key} {shard.months}: {summary.counts}")
    return summary


@dg.op(
    ins={"shards": dg.In(list[ExtractionShard]), "summaries": dg.In(list[StageSummary])},
    out={table: dg.Out(dg.Nothing) for table in DESCRIPTIONS}
    | {f"{table}_pandera": dg.Out(dg.Nothing) for table in EXTRACTED_TABLES},
    pool="sitrep_warehouse",
)
def load_extracted_shards(context: dg.OpExecutionContext, warehouse: WarehouseResource,
                          shards: list[ExtractionShard], summaries: list[StageSummary]):
    """Loads every extracted shard, one transaction each, and reports the pandera checks."""
    load_extraction(warehouse.warehouse(), shards, context.run_id)
    summary = StageSummary(counts={"articles_extracted": 0})
    for part in summaries:
        summary.merge(part)
    context.log.info(f"extraction: {summary.counts}")
    quarantined = 0
    for table in EXTRACTED_TABLES:
        outcome = summary.validations.get(table)
        metadata = {"articles_extracted": summary.counts.get("articles_extracted", 0), "shards": len(shards)}
        if outcome is not None:
            quarantined += outcome.num_failed_rows
            metadata["new_rows"] = summary.valid_rows.get(table, 0)
            metadata["preview"] = dg.MetadataValue.md(markdown_table(outcome.valid.drop(
                [c for c in ("body", "evidence") if c in outcome.valid.columns]), 10))
        yield dg.Output(None, table, metadata=metadata)
    yield dg.Output(None, "quarantine", metadata={"new_rows_from_extraction": quarantined})
    for table in EXTRACTED_TABLES:
        yield pandera_check_result(ASSET_KEYS[table], table, summary.validations.get(table),
                                   summary.valid_rows.get(table, 0))


@dg.graph_multi_asset(
    group_name="extraction",
    outs={
        table: dg.AssetOut(
            key=ASSET_KEYS[table], description=description,
            kinds={"duckdb", "polars", "parquet"},
        )
        for table, description in DESCRIPTIONS.items()
    },
    ins={"articles": dg.AssetIn(dg.AssetKey(["news", "articles"]), dagster_type=dg.Nothing),
         "sentences": dg.AssetIn(dg.AssetKey(["news", "sentences"]), dagster_type=dg.Nothing)},
    check_specs=[pandera_check_spec(ASSET_KEYS[table], table) for table in EXTRACTED_TABLES],
)
def extracted_events(articles, sentences):
    """Extracts from every article the current extractor version has not read; others are skipped."""
    shards = plan_extraction_shards(ingested=[articles, sentences])
    summaries = shards.map(extract_and_validate_shard).collect()
    outputs = load_extracted_shards(shards=shards.collect(), summaries=summaries)
    return {
        **{table: getattr(outputs, table) for table in DESCRIPTIONS},
        **{f"{ASSET_KEYS[table].to_python_identifier()}_pandera_{table}": getattr(outputs, f"{table}_pandera")
           for table in EXTRACTED_TABLES},
    }
