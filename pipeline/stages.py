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
# Input files read per ingestion batch (and per transaction).
INGESTION_BATCH_FILES = 5_000
# Below this many pending articles, starting worker processes costs more than it saves.
PARALLEL_EXTRACTION_MIN_ARTICLES = 2_000


# Rows of each table kept in a stage summary for previews; the rest are only counted.
PREVIEW_ROWS = 20


@dataclass
class StageSummary:
    """What a stage did: counts, and per table its validation outcome (valid rows trimmed to a preview)."""

    counts: dict[str, int] = field(default_factory=dict)
    validations: dict[str, ValidationOutcome] = field(default_factory=dict)
    valid_rows: dict[str, int] = field(default_factory=dict)

    def merge(self, other: StageSummary) -> None:
        for key, value in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + value
        for table, outcome in other.validations.items():
            self.valid_rows[table] = self.valid_rows.get(table, 0) + other.valid_rows.get(
                table, outcome.valid.height)
            if table in self.validations:
                previous = self.validations[table]
                outcome = ValidationOutcome(
                    table,
                    pl.concat([previous.valid, outcome.valid], how="vertical_relaxed"),
                    pl.concat([previous.quarantine, outcome.quarantine]),
                    pl.concat([previous.failure_cases, outcome.failure_cases], how="diagonal_relaxed"),
                )
            # Memory must not grow with the corpus: keep only a preview of the valid rows.
            self.validations[table] = ValidationOutcome(
                table, outcome.valid.head(PREVIEW_ROWS), outcome.quarantine, outcome.failure_cases
            )


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


def _validated_insert(con, table: str, frame: pl.DataFrame, run_id: str,
                      summary: StageSummary) -> ValidationOutcome:
    """Load the rows that pass the table's model; quarantine the rest with their reasons."""
    outcome = validate_table(table, frame, run_id)
    wh.insert(con, table, outcome.valid)
    wh.insert(con, "quarantine", outcome.quarantine)
    summary.merge(
        StageSummary(
            counts={f"{table}_rows": outcome.valid.height, f"{table}_quarantined": outcome.num_failed_rows},
            validations={table: outcome},
        )
    )
    return outcome


def run_ingestion(warehouse: wh.Warehouse, landing_dir: Path, run_id: str,
                  batch_files: int = INGESTION_BATCH_FILES) -> StageSummary:
    """Read new files from the landing directory into news.articles/sentences/ingest_log.

    Files are read in batches, each committed in its own transaction, so memory stays bounded
    and a killed run keeps the batches it finished (their files count as unchanged next time).
    """
    from pipeline.ingest import ingest_batches

    summary = StageSummary()
    with warehouse.writer() as con:
        with wh.transaction(con):
            wh.replace_all(con, "provinces", provinces_frame())
        known_ids = wh.read_frame(con, "SELECT article_id FROM news.articles")["article_id"].to_list()
        known_paragraphs = wh.read_frame(
            con,
            "SELECT p.article_id, a.published_at, p.paragraph_hash FROM news.article_paragraphs p "
            "JOIN news.articles a USING (article_id)",
        )
        # The latest verdict per path: unchanged files are logged again without being parsed.
        known_files = wh.read_frame(
            con,
            "SELECT path, content_sha256, status, article_id, reason FROM news.ingest_log "
            "QUALIFY row_number() OVER (PARTITION BY path ORDER BY logged_at DESC) = 1",
        )
        for batch in ingest_batches(
            landing_dir,
            run_id=run_id,
            known_article_ids=known_ids,
            known_paragraphs=known_paragraphs,
            known_files=known_files,
            now=datetime.now(UTC),
            batch_files=batch_files,
        ):
            with wh.transaction(con):
                batch_summary = StageSummary()
                articles = _validated_insert(con, "articles", batch.articles, run_id, batch_summary)
                # Sentences of an article that failed validation would be orphans: keep them out too.
                loaded = articles.valid["article_id"].to_list()
                for table, frame in (("sentences", batch.sentences), ("article_paragraphs", batch.paragraphs)):
                    _validated_insert(con, table, frame.filter(pl.col("article_id").is_in(loaded)), run_id,
                                      batch_summary)
                _validated_insert(con, "ingest_log", batch.log, run_id, batch_summary)
            for status, count in batch.log["status"].value_counts().iter_rows():
                batch_summary.counts[f"files_{status}"] = count
            batch_summary.counts["files_seen"] = batch.log.height
            summary.merge(batch_summary)
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


def _extract_chunk(articles: pl.DataFrame, sentences: pl.DataFrame):
    from pipeline.extract import extract_all
    from pipeline.gazetteer import load_gazetteer

    return extract_all(articles, sentences, load_gazetteer())


def _extract_batch(articles: pl.DataFrame, sentences: pl.DataFrame, pool, workers: int):
    """Extract one batch, split across worker processes when there is a pool (articles are independent)."""
    from pipeline.extract import Extraction

    if pool is None:
        return _extract_chunk(articles, sentences)
    ids = articles["article_id"].sort()
    chunks = [ids.gather_every(workers, offset) for offset in range(workers)]
    futures = [
        pool.submit(
            _extract_chunk,
            articles.filter(pl.col("article_id").is_in(chunk.to_list())),
            sentences.filter(pl.col("article_id").is_in(chunk.to_list())),
        )
        for chunk in chunks
    ]
    parts = [future.result() for future in futures]
    return Extraction(**{
        table: pl.concat([getattr(part, table) for part in parts], how="vertical_relaxed")
        for table in EXTRACTED_TABLES
    })


def run_extraction(warehouse: wh.Warehouse, run_id: str,
                   batch_articles: int = EXTRACTION_BATCH_ARTICLES,
                   workers: int | None = None) -> StageSummary:
    """Extract mentions and events from every article not yet read by this extractor version.

    Large backlogs fan out over `workers` processes (default: SITREP_EXTRACT_WORKERS, else the
    number of cores); the single DuckDB writer stays in this process.
    """
    import concurrent.futures
    import multiprocessing

    from pipeline.extract import EXTRACTOR_VERSION
    from pipeline.settings import extract_workers

    workers = extract_workers(workers)
    summary = StageSummary(counts={"articles_extracted": 0})
    pool = None
    with warehouse.writer() as con:
        pending = articles_to_extract(con, EXTRACTOR_VERSION)["article_id"].to_list()
        if workers > 1 and len(pending) >= PARALLEL_EXTRACTION_MIN_ARTICLES:
            # spawn, not fork: the parent (a Dagster step) runs threads that fork would copy mid-lock.
            pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        try:
            _extract_pending(con, pending, batch_articles, pool, workers, run_id, summary)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
    return summary


def _extract_pending(con, pending: list[str], batch_articles: int, pool, workers: int, run_id: str,
                     summary: StageSummary) -> None:
    from pipeline.extract import EXTRACTOR_VERSION

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
        extraction = _extract_batch(articles, sentences, pool, workers)
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


def run_publish(warehouse: wh.Warehouse, run_id: str) -> dict[str, int]:
    return warehouse.publish(run_id)
