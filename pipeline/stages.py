"""The pipeline's stages as plain functions over a `Warehouse`.

Dagster assets call these (one call per asset), and so do the benchmarks, so the orchestration
layer stays thin and everything here is testable without Dagster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from pipeline import warehouse as wh
from pipeline.schemas import EXTRACTED_TABLES
from pipeline.validation import ValidationOutcome, validate_table

# Articles are extracted in batches so memory stays bounded whatever the size of the archive.
EXTRACTION_BATCH_ARTICLES = 5_000


@dataclass
class StageSummary:
    counts: dict[str, int] = field(default_factory=dict)
    validations: dict[str, ValidationOutcome] = field(default_factory=dict)

    def merge(self, other: StageSummary) -> None:
        for key, value in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + value
        for table, outcome in other.validations.items():
            if table in self.validations:
                previous = self.validations[table]
                outcome = ValidationOutcome(
                    table,
                    pl.concat([previous.valid, outcome.valid], how="vertical_relaxed"),
                    pl.concat([previous.quarantine, outcome.quarantine]),
                    pl.concat([previous.failure_cases, outcome.failure_cases], how="diagonal_relaxed"),
                )
            self.validations[table] = outcome


def provinces_frame() -> pl.DataFrame:
    """The 18 governorates, plus the Kurdistan Region (IQ-KR), which spans three of them."""
    import pycountry

    from pipeline.gazetteer import load_gazetteer

    governorates = load_gazetteer().provinces.select(
        "province_code", "province_name", "iso_name", "kurdistan_region",
        pl.lit(True).alias("is_governorate"),
    )
    region = pycountry.subdivisions.get(code="IQ-KR")
    kurdistan = pl.DataFrame(
        {"province_code": ["IQ-KR"], "province_name": ["Kurdistan Region"], "iso_name": [region.name],
         "kurdistan_region": [True], "is_governorate": [False]},
        schema=governorates.schema,
    )
    return pl.concat([governorates, kurdistan])


def _validated_insert(con, table: str, frame: pl.DataFrame, run_id: str, summary: StageSummary) -> None:
    outcome = validate_table(table, frame, run_id)
    wh.insert(con, table, outcome.valid)
    wh.insert(con, "quarantine", outcome.quarantine)
    summary.merge(
        StageSummary(
            counts={f"{table}_rows": outcome.valid.height, f"{table}_quarantined": outcome.num_failed_rows},
            validations={table: outcome},
        )
    )


def run_ingestion(warehouse: wh.Warehouse, landing_dir: Path, run_id: str) -> StageSummary:
    """Read new files from the landing directory into news.articles/sentences/ingest_log."""
    from pipeline.ingest import ingest_directory

    summary = StageSummary()
    with warehouse.writer() as con:
        known_ids = wh.read_frame(con, "SELECT article_id FROM news.articles")["article_id"].to_list()
        known_paragraphs = wh.read_frame(
            con,
            "SELECT p.article_id, a.published_at, p.paragraph_hash FROM news.article_paragraphs p "
            "JOIN news.articles a USING (article_id)",
        )
        batch = ingest_directory(
            landing_dir,
            run_id=run_id,
            known_article_ids=known_ids,
            known_paragraphs=known_paragraphs,
            now=datetime.now(UTC),
        )
        with wh.transaction(con):
            wh.replace_all(con, "provinces", provinces_frame())
            _validated_insert(con, "articles", batch.articles, run_id, summary)
            # Sentences of an article that failed validation would be orphans: keep them out too.
            loaded = summary.validations["articles"].valid["article_id"].to_list()
            for table, frame in (("sentences", batch.sentences), ("article_paragraphs", batch.paragraphs)):
                _validated_insert(con, table, frame.filter(pl.col("article_id").is_in(loaded)), run_id, summary)
            _validated_insert(con, "ingest_log", batch.log, run_id, summary)
    statuses = batch.log["status"].value_counts()
    for status, count in statuses.iter_rows():
        summary.counts[f"files_{status}"] = count
    summary.counts["files_seen"] = batch.log.height
    return summary


def articles_to_extract(con, extractor_version: str) -> pl.DataFrame:
    """Article ids that no extractor of this version has read yet (new, or rules changed)."""
    return wh.read_frame(
        con,
        "SELECT a.article_id FROM news.articles a "
        "LEFT JOIN news.extraction_log x ON x.article_id = a.article_id AND x.extractor_version = ? "
        "WHERE x.article_id IS NULL ORDER BY a.article_id",
        [extractor_version],
    )


def run_extraction(warehouse: wh.Warehouse, run_id: str,
                   batch_articles: int = EXTRACTION_BATCH_ARTICLES) -> StageSummary:
    """Extract mentions and events from every article not yet read by this extractor version."""
    from pipeline.extract import EXTRACTOR_VERSION, extract_all
    from pipeline.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    summary = StageSummary(counts={"articles_extracted": 0})
    with warehouse.writer() as con:
        pending = articles_to_extract(con, EXTRACTOR_VERSION)["article_id"].to_list()
        for start in range(0, len(pending), batch_articles):
            ids = pending[start : start + batch_articles]
            id_frame = pl.DataFrame({"article_id": ids}).to_arrow()
            con.register("sitrep_batch_ids", id_frame)
            try:
                articles = wh.read_frame(
                    con,
                    "SELECT article_id, published_at, body, language FROM news.articles "
                    "WHERE article_id IN (SELECT article_id FROM sitrep_batch_ids)",
                )
                sentences = wh.read_frame(
                    con,
                    "SELECT article_id, sentence_idx, paragraph_idx, char_start, char_end, text "
                    "FROM news.sentences WHERE article_id IN (SELECT article_id FROM sitrep_batch_ids) "
                    "ORDER BY article_id, sentence_idx",
                )
            finally:
                con.unregister("sitrep_batch_ids")
            extraction = extract_all(articles, sentences, gazetteer)
            with wh.transaction(con):
                # Re-extraction replaces an article's rows wholesale: no stale or doubled events.
                wh.delete_articles(con, (*EXTRACTED_TABLES, "extraction_log"), ids)
                for table in EXTRACTED_TABLES:
                    _validated_insert(con, table, getattr(extraction, table), run_id, summary)
                wh.insert(
                    con,
                    "extraction_log",
                    pl.DataFrame(
                        {"article_id": ids, "extractor_version": EXTRACTOR_VERSION, "run_id": run_id}
                    ),
                )
            summary.counts["articles_extracted"] += len(ids)
    return summary


def run_publish(warehouse: wh.Warehouse, run_id: str) -> dict[str, int]:
    return warehouse.publish(run_id)
