"""pandera models, one per warehouse table of schema ``news``.

These models are the single source of the column lists: the DuckDB DDL is derived from them
(`pipeline.warehouse.ddl_for`), so a column added here reaches the warehouse and the checks
together. Validation always runs on collected DataFrames: on a LazyFrame pandera checks only
the schema, not the data.
"""

from __future__ import annotations

from typing import Optional

import pandera.polars as pa
import polars as pl

DATE_PRECISIONS = ["day", "week", "month", "year", "unknown"]
INCIDENT_TYPES = [
    "armed_assault",
    "bombing",
    "suicide_bombing",
    "arson",
    "kidnapping",
    "assassination",
    "execution",
    "airstrike",
    "security_operation",
    "other",
]
COOPERATION_TYPES = ["meeting", "agreement", "delegation_visit", "base_handover", "other"]
ENTITY_TYPES = ["person", "organisation", "place"]
PERPETRATOR_BASES = ["claimed", "attributed", "suspected", "stated", "unknown"]
TARGET_TYPES = [
    "military",
    "police",
    "government",
    "civilians",
    "business",
    "religious",
    "infrastructure",
    "militants",
    "unknown",
]
INGEST_STATUSES = ["loaded", "duplicate", "quarantined"]
PUBLISHED_AT_BASES = ["manifest", "text", "unknown"]
# ISO 3166-2:IQ, 18 governorates plus the Kurdistan Region (IQ-KR).
PROVINCE_CODE_PATTERN = r"^IQ-[A-Z]{2}$"
HEX_ID_PATTERN = r"^[0-9a-f]{16}$"


class _Strict(pa.DataFrameModel):
    class Config:
        strict = True  # an unexpected column is a bug upstream, not something to load
        coerce = False


class ArticleSchema(_Strict):
    """One row per distinct article."""

    article_id: str = pa.Field(unique=True, str_matches=HEX_ID_PATTERN)
    source_file: str
    source: Optional[str] = pa.Field(nullable=True)
    url: Optional[str] = pa.Field(nullable=True)
    headline: Optional[str] = pa.Field(nullable=True)
    dateline: Optional[str] = pa.Field(nullable=True)
    published_at: Optional[pl.Date] = pa.Field(nullable=True)
    published_at_basis: str = pa.Field(isin=PUBLISHED_AT_BASES)
    body: str = pa.Field(str_length={"min_value": 1})
    near_duplicate_of: Optional[str] = pa.Field(nullable=True)
    language: str
    content_sha256: str
    char_count: int = pa.Field(ge=1)

    @pa.dataframe_check(error="published_at is NULL exactly when published_at_basis is 'unknown'")
    def basis_matches_date(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("published_at").is_null() == (pl.col("published_at_basis") == "unknown")
        )


class SentenceSchema(_Strict):
    """One row per sentence of an article body, with its character span."""

    article_id: str
    sentence_idx: int = pa.Field(ge=0)
    paragraph_idx: int = pa.Field(ge=0)
    char_start: int = pa.Field(ge=0)
    char_end: int = pa.Field(ge=0)
    text: str


class ParagraphSchema(_Strict):
    """One row per paragraph fingerprint, used to find syndicated near-copies across runs."""

    article_id: str
    paragraph_idx: int = pa.Field(ge=0)
    paragraph_hash: str


class IngestLogSchema(_Strict):
    """One row per input file per run: what became of it and why."""

    path: str
    content_sha256: Optional[str] = pa.Field(nullable=True)
    status: str = pa.Field(isin=INGEST_STATUSES)
    reason: Optional[str] = pa.Field(nullable=True)
    article_id: Optional[str] = pa.Field(nullable=True)
    run_id: str
    logged_at: pl.Datetime("us", "UTC")
    # The file's size and modification time when its bytes were hashed: a later run that finds
    # both unchanged skips the file without reading it. NULL for JSONL lines and unread files.
    file_size: Optional[int] = pa.Field(nullable=True, ge=0)
    file_mtime_ns: Optional[int] = pa.Field(nullable=True)

    @pa.dataframe_check(error="a quarantined or duplicate file must say why")
    def non_loaded_has_reason(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("status") == "loaded") | pl.col("reason").is_not_null()
        )


class _Span(_Strict):
    article_id: str
    char_start: int = pa.Field(ge=0)
    char_end: int = pa.Field(ge=0)

    @pa.dataframe_check(error="char_end must be after char_start")
    def span_is_ordered(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("char_end") > pl.col("char_start"))


class MentionSchema(_Span):
    """One row per mention of a person, organisation or place, with its exact span."""

    mention_id: str = pa.Field(unique=True)
    sentence_idx: int = pa.Field(ge=0)
    text: str
    entity_type: str = pa.Field(isin=ENTITY_TYPES)
    entity_name: str
    province_code: Optional[str] = pa.Field(nullable=True, str_matches=PROVINCE_CODE_PATTERN)
    place_type: Optional[str] = pa.Field(nullable=True)


class _Dated(_Span):
    event_date: Optional[pl.Date] = pa.Field(nullable=True)
    date_precision: str = pa.Field(isin=DATE_PRECISIONS)

    @pa.dataframe_check(error="event_date is NULL exactly when date_precision is 'unknown'")
    def unknown_date_is_null(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("event_date").is_null() == (pl.col("date_precision") == "unknown")
        )


class IncidentReportSchema(_Dated):
    """One row per incident report: one attack or operation as one article tells it."""

    report_id: str = pa.Field(unique=True)
    sentence_idx: int = pa.Field(ge=0)
    evidence: str = pa.Field(str_length={"min_value": 1})
    event_type: str = pa.Field(isin=INCIDENT_TYPES)
    perpetrator: str
    perpetrator_basis: str = pa.Field(isin=PERPETRATOR_BASES)
    target: Optional[str] = pa.Field(nullable=True)
    target_type: str = pa.Field(isin=TARGET_TYPES)
    province_code: Optional[str] = pa.Field(nullable=True, str_matches=PROVINCE_CODE_PATTERN)
    location: Optional[str] = pa.Field(nullable=True)
    geo_precision: Optional[pl.Int32] = pa.Field(nullable=True, isin=[1, 2, 3])
    killed: Optional[pl.Int32] = pa.Field(nullable=True, ge=0)
    wounded: Optional[pl.Int32] = pa.Field(nullable=True, ge=0)
    kidnapped: Optional[pl.Int32] = pa.Field(nullable=True, ge=0)


class CooperationEventSchema(_Dated):
    """One row per meeting, agreement, delegation visit or base handover as one article tells it."""

    report_id: str = pa.Field(unique=True)
    sentence_idx: int = pa.Field(ge=0)
    evidence: str = pa.Field(str_length={"min_value": 1})
    event_type: str = pa.Field(isin=COOPERATION_TYPES)
    participants: pl.List(pl.Utf8)
    organisations: pl.List(pl.Utf8)
    location: Optional[str] = pa.Field(nullable=True)
    province_code: Optional[str] = pa.Field(nullable=True, str_matches=PROVINCE_CODE_PATTERN)
    coordination_room: bool
    room_provinces: pl.List(pl.Utf8)


class ClaimedTallySchema(_Span):
    """One row per claimed tally of attacks over a period, e.g. al-Naba's weekly claims."""

    report_id: str = pa.Field(unique=True)
    claimant: str
    medium: Optional[str] = pa.Field(nullable=True)
    attacks: pl.Int32 = pa.Field(ge=0)
    period_start: Optional[pl.Date] = pa.Field(nullable=True)
    period_end: Optional[pl.Date] = pa.Field(nullable=True)
    country_code: Optional[str] = pa.Field(nullable=True)
    main_province_code: Optional[str] = pa.Field(nullable=True, str_matches=PROVINCE_CODE_PATTERN)
    evidence: str = pa.Field(str_length={"min_value": 1})

    @pa.dataframe_check(error="period_end must not be before period_start")
    def period_is_ordered(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("period_end").is_null()
            | pl.col("period_start").is_null()
            | (pl.col("period_end") >= pl.col("period_start"))
        )


class QuarantineSchema(_Strict):
    """One row per extracted record that failed validation, kept whole as JSON."""

    table_name: str
    record: str
    check_name: str
    reason: str
    run_id: str


class ProvinceSchema(_Strict):
    """One row per ISO 3166-2:IQ subdivision: the 18 governorates and the Kurdistan Region."""

    province_code: str = pa.Field(unique=True, str_matches=PROVINCE_CODE_PATTERN)
    province_name: str
    iso_name: str
    kurdistan_region: bool
    is_governorate: bool


class ExtractionLogSchema(_Strict):
    """One row per article extracted: which extractor version read it, so reruns skip it."""

    article_id: str = pa.Field(unique=True)
    extractor_version: str
    run_id: str


# Table name in schema `news` -> (model, key columns used to replace rows on re-extraction).
NEWS_TABLES: dict[str, tuple[type[pa.DataFrameModel], tuple[str, ...]]] = {
    "articles": (ArticleSchema, ("article_id",)),
    "sentences": (SentenceSchema, ("article_id", "sentence_idx")),
    "article_paragraphs": (ParagraphSchema, ("article_id", "paragraph_idx")),
    "ingest_log": (IngestLogSchema, ()),
    "mentions": (MentionSchema, ("mention_id",)),
    "incident_reports": (IncidentReportSchema, ("report_id",)),
    "cooperation_events": (CooperationEventSchema, ("report_id",)),
    "claimed_tallies": (ClaimedTallySchema, ("report_id",)),
    "quarantine": (QuarantineSchema, ()),
    "provinces": (ProvinceSchema, ("province_code",)),
    "extraction_log": (ExtractionLogSchema, ("article_id",)),
}

EXTRACTED_TABLES = ("mentions", "incident_reports", "cooperation_events", "claimed_tallies")


def polars_schema(table: str) -> dict[str, pl.DataType]:
    """The polars dtypes of a table, in column order (for building empty frames and casts)."""
    model, _ = NEWS_TABLES[table]
    return {name: column.dtype.type for name, column in model.to_schema().columns.items()}


def empty_frame(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=polars_schema(table))
