"""The pipeline's stages as plain functions over a `Warehouse`.

Dagster assets call these (one call per asset, or per step of the extraction graph: plan,
extract a shard, load), so the orchestration layer stays thin and everything here is testable
without Dagster.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from pipeline import warehouse as wh
from pipeline.schemas import EXTRACTED_TABLES
from pipeline.validation import ValidationOutcome, validate_table

# Input files read per ingestion batch (and per transaction).
INGESTION_BATCH_FILES = 5_000
# Ingestion only appends, and never reads back what it wrote, so DuckDB's cache of the new rows
# is dead weight: at 100k articles `run_ingestion` peaked at 1.66 GB RSS under the 1GB default,
# 1.23-1.28 GB at 256MB (three runs) and 1.17-1.20 GB at 128MB (five), in the same time (the tables
# have no indexes, so appends need no memory that grows with them). The stored fingerprint index
# lives under the same cap and spills to disk past it.
INGESTION_DUCKDB_MEMORY = "128MB"
# Extraction shards: each is extracted by its own worker (a Dagster step) and loaded in one
# transaction. The upper bound keeps a worker's memory bounded whatever the backlog (measured
# peak RSS: 470 MiB at 2,800 articles, 740 MiB at 6,000); below the lower one, another worker's
# start-up costs more than the articles it would take. Fewer, larger shards do not pay: at 100k
# articles, 18 shards of two months took the same 234 s as 36 of one month (231 s).
SHARD_MAX_ARTICLES = 5_000
SHARD_MIN_ARTICLES = 2_000
# Shard directories a crashed run left behind are removed once this old.
STALE_SHARD_SECONDS = 24 * 3600


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
    from pipeline.ingest import StoredFingerprints, ingest_batches

    summary = StageSummary()
    with warehouse.writer(memory_cap=INGESTION_DUCKDB_MEMORY) as con:
        with wh.transaction(con):
            wh.replace_all(con, "provinces", provinces_frame())
        known_ids = wh.read_frame(con, "SELECT article_id FROM news.articles")["article_id"].to_list()
        # Temporary tables of this connection: at 100k articles the index is 1.1 million
        # paragraph hashes and 14 million sampled 5-grams, which DuckDB keeps within the
        # writer's memory cap and spills past it.
        known_paragraphs = StoredFingerprints(con)
        known_paragraphs.add_stored_query(
            "SELECT p.article_id, a.published_at, p.paragraph_hash, a.near_duplicate_of FROM news.article_paragraphs p "
            "JOIN news.articles a USING (article_id)"
        )
        # The latest verdict per path: unchanged files are logged again without being parsed.
        known_files = wh.read_frame(
            con,
            "SELECT path, content_sha256, status, article_id, reason, file_size, file_mtime_ns FROM news.ingest_log "
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
            workers=None,  # a large landing set is parsed on every core; small ones in-process
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
    """Articles that no extractor of this version has read yet (new, or rules changed), with
    their publication month (None when undated), in shard order."""
    return wh.read_frame(
        con,
        "SELECT a.article_id, strftime(a.published_at, '%Y_%m') AS month FROM news.articles a "
        "LEFT JOIN news.extraction_log x ON x.article_id = a.article_id AND x.extractor_version = ? "
        "WHERE x.article_id IS NULL ORDER BY month NULLS LAST, a.article_id",
        [extractor_version],
    )


@dataclass(frozen=True)
class ExtractionShard:
    """Articles extracted together, by one worker, with no database connection: its inputs and
    outputs are Parquet files in `directory`, so a worker can run in another process or on
    another machine that sees the directory (or, with object storage, the bucket)."""

    key: str  # unique in a run; letters, digits and underscores (a Dagster mapping key)
    directory: Path | None  # None: the empty shard of a run with nothing to extract
    articles: int
    months: tuple[str, ...] = ()

    @classmethod
    def empty(cls) -> ExtractionShard:
        return cls(key="nothing_pending", directory=None, articles=0)

    @property
    def output_dir(self) -> Path:
        assert self.directory is not None
        return self.directory / "out"


def shard_size(pending: int, workers: int, min_articles: int = SHARD_MIN_ARTICLES,
               max_articles: int = SHARD_MAX_ARTICLES) -> int:
    """Articles per shard: the backlog split evenly over the workers, within the bounds."""
    per_worker = -(-pending // max(workers, 1))
    return max(1, min_articles, min(max_articles, per_worker))


def _shard_groups(pending: pl.DataFrame, size: int, limit: int | None = None) -> list[tuple[list[str], list[str]]]:
    """(article ids, months) per shard: whole publication months packed in order, a month larger
    than a shard split across several, so a late article re-extracts with its own month. A
    small remainder joins the shard before it, unless that shard would hold more than `limit`."""
    groups: list[tuple[list[str], list[str]]] = []
    ids: list[str] = []
    months: list[str] = []
    for (month,), frame in pending.group_by("month", maintain_order=True):
        month_ids = frame["article_id"].to_list()
        label = month or "undated"
        for first in range(0, len(month_ids), size):
            part = month_ids[first:first + size]
            if ids and len(ids) + len(part) > size:
                groups.append((ids, months))
                ids, months = [], []
            ids.extend(part)
            if label not in months:
                months.append(label)
    if ids:
        groups.append((ids, months))
    if (len(groups) > 1 and len(groups[-1][0]) < size // 2
            and (limit is None or len(groups[-2][0]) + len(groups[-1][0]) <= limit)):
        # a small remainder (often the undated articles) rides with the shard before it,
        # rather than costing a step of its own, if that stays within the memory bound
        (last_ids, last_months), (tail_ids, tail_months) = groups[-2], groups.pop()
        last_ids.extend(tail_ids)
        last_months.extend(m for m in tail_months if m not in last_months)
    return groups


def _remove_stale_shards(root: Path) -> None:
    if not root.is_dir():
        return
    cutoff = time.time() - STALE_SHARD_SECONDS
    for run_dir in root.iterdir():
        if run_dir.is_dir() and run_dir.stat().st_mtime < cutoff:
            shutil.rmtree(run_dir, ignore_errors=True)


def shard_root(warehouse: wh.Warehouse, run_id: str) -> Path:
    return warehouse.work_dir / "shards" / run_id


def plan_extraction(warehouse: wh.Warehouse, run_id: str, workers: int | None = None, *,
                    min_articles: int = SHARD_MIN_ARTICLES,
                    max_articles: int = SHARD_MAX_ARTICLES) -> list[ExtractionShard]:
    """Split the articles this extractor version has not read into shards, writing each shard's
    articles and sentences to Parquet. An empty list when nothing is pending."""
    from pipeline.extract import EXTRACTOR_VERSION
    from pipeline.settings import extract_workers

    root = shard_root(warehouse, run_id)
    _remove_stale_shards(root.parent)
    shards = []
    with warehouse.writer() as con:
        pending = articles_to_extract(con, EXTRACTOR_VERSION)
        if pending.is_empty():
            return []
        size = shard_size(pending.height, extract_workers(workers), min_articles, max_articles)
        for number, (ids, months) in enumerate(_shard_groups(pending, size, limit=max(size, max_articles))):
            label = months[0] if len(months) == 1 else f"{months[0]}_to_{months[-1]}"
            shard = ExtractionShard(f"s{number:03d}_{label}", root / f"s{number:03d}", len(ids), tuple(months))
            shard.directory.mkdir(parents=True, exist_ok=True)
            con.register("sitrep_shard_ids", pl.DataFrame({"article_id": ids}).to_arrow())
            try:
                for name, sql in (
                    ("articles", "SELECT article_id, published_at, body, language FROM news.articles"),
                    ("sentences", "SELECT article_id, sentence_idx, paragraph_idx, char_start, char_end, text "
                                  "FROM news.sentences"),
                ):
                    con.execute(
                        f"COPY ({sql} WHERE article_id IN (SELECT article_id FROM sitrep_shard_ids) "
                        f"ORDER BY ALL) TO {wh.quote_literal(str(shard.directory / f'{name}.parquet'))} "
                        "(FORMAT parquet)"
                    )
            finally:
                con.unregister("sitrep_shard_ids")
            shards.append(shard)
    return shards


def extract_shard(shard: ExtractionShard, run_id: str) -> StageSummary:
    """Extract and validate one shard into Parquet beside its inputs. Pure: no database; running
    it again overwrites its outputs."""
    from pipeline.extract import extract_all
    from pipeline.gazetteer import load_gazetteer

    summary = StageSummary(counts={"articles_extracted": shard.articles})
    if shard.directory is None:
        return summary
    articles = pl.read_parquet(shard.directory / "articles.parquet")
    sentences = pl.read_parquet(shard.directory / "sentences.parquet")
    extraction = extract_all(articles, sentences, load_gazetteer())
    # Written under a temporary name and renamed: the loader only ever sees complete outputs.
    partial = shard.directory / "out.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    quarantined = []
    for table in EXTRACTED_TABLES:
        outcome = validate_table(table, getattr(extraction, table), run_id)
        outcome.valid.write_parquet(partial / f"{table}.parquet")
        quarantined.append(outcome.quarantine)
        summary.merge(StageSummary(
            counts={f"{table}_rows": outcome.valid.height, f"{table}_quarantined": outcome.num_failed_rows},
            validations={table: outcome},
        ))
    pl.concat(quarantined).write_parquet(partial / "quarantine.parquet")
    shutil.rmtree(shard.output_dir, ignore_errors=True)
    os.replace(partial, shard.output_dir)
    return summary


def load_extraction(warehouse: wh.Warehouse, shards: list[ExtractionShard], run_id: str) -> None:
    """The single loader: each extracted shard replaces its articles' rows in one transaction."""
    from pipeline.extract import EXTRACTOR_VERSION

    with warehouse.writer() as con:
        for shard in shards:
            if shard.directory is None:
                continue
            if not shard.output_dir.is_dir():
                raise FileNotFoundError(f"shard {shard.key} has no extraction output in {shard.output_dir}")
            ids = pl.read_parquet(shard.directory / "articles.parquet", columns=["article_id"])["article_id"]
            with wh.transaction(con):
                # Re-extraction replaces an article's rows wholesale: no stale or doubled events.
                wh.delete_articles(con, (*EXTRACTED_TABLES, "extraction_log"), ids.to_list())
                for table in (*EXTRACTED_TABLES, "quarantine"):
                    wh.insert_parquet(con, table, shard.output_dir / f"{table}.parquet")
                wh.insert(con, "extraction_log", pl.DataFrame(
                    {"article_id": ids, "extractor_version": EXTRACTOR_VERSION, "run_id": run_id}))
    if shards:
        shutil.rmtree(shard_root(warehouse, run_id), ignore_errors=True)


def run_publish(warehouse: wh.Warehouse, run_id: str) -> dict[str, int]:
    return warehouse.publish(run_id)
