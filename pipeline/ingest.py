"""Read a landing directory of raw articles into polars frames, accounting for every file.

Each input file ends as exactly one row of the log: ``loaded``, ``duplicate`` (same normalised
text as an article already held) or ``quarantined`` with a reason a person understands.
Nothing a file contains may raise out of here: hostile input becomes a log row.

Conventions (see docs/ARCHITECTURE.md):
- ``source_file`` and log ``path`` are POSIX paths relative to the landing directory; a JSONL
  line is ``file.jsonl#L3`` (1-based). A JSONL file is accounted for by one row per non-blank
  line; a JSONL file that cannot be read at all, or has no lines, gets one row for the file.
- ``published_at_basis``: ``manifest`` for any date supplied alongside the text (manifest.csv,
  the JSONL ``published_at`` field, HTML metadata), ``text`` for an explicit full date found in
  the text (captions and date lines included), ``unknown`` otherwise.
- A JSONL line's optional ``id`` is not used: the article_id is always the hash of the text.
- A ``.txt`` file that is really a saved web page (starts with ``<html``/``<!DOCTYPE html``)
  is read as HTML.
- ``manifest.csv`` itself is logged ``loaded`` (reason says how many rows it has), or
  ``quarantined`` if unreadable. A manifest row that names a file which does not exist gets a
  row of its own: status ``quarantined``, path = the missing name, reason "manifest names a file
  that does not exist".
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import re
import zlib
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipeline.clean import (
    article_id_for,
    clean_article,
    find_full_dates,
    sentences_frame,
    split_sentences_with_paragraphs,
)

__all__ = [
    "IngestBatch",
    "ingest_directory",
    "ingest_batches",
    "decode_bytes",
    "detect_language",
    "detect_languages",
    "find_near_duplicates",
    "paragraphs_frame",
    "paragraph_fingerprint",
    "fingerprints",
    "Fingerprints",
    "StoredFingerprints",
    "ARTICLE_SCHEMA",
    "LOG_SCHEMA",
    "PARAGRAPH_SCHEMA",
    "DEFAULT_MAX_BYTES",
]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

ARTICLE_SCHEMA: dict[str, pl.DataType] = {
    "article_id": pl.Utf8,
    "source_file": pl.Utf8,
    "source": pl.Utf8,
    "url": pl.Utf8,
    "headline": pl.Utf8,
    "dateline": pl.Utf8,
    "published_at": pl.Date,
    "published_at_basis": pl.Utf8,
    "body": pl.Utf8,
    "near_duplicate_of": pl.Utf8,
    "language": pl.Utf8,
    "content_sha256": pl.Utf8,
    "char_count": pl.Int64,
}
PARAGRAPH_SCHEMA: dict[str, pl.DataType] = {
    "article_id": pl.Utf8,
    "paragraph_idx": pl.Int64,
    "paragraph_hash": pl.Utf8,
}
LOG_SCHEMA: dict[str, pl.DataType] = {
    "path": pl.Utf8,
    "content_sha256": pl.Utf8,
    "status": pl.Utf8,
    "reason": pl.Utf8,
    "article_id": pl.Utf8,
    "run_id": pl.Utf8,
    "logged_at": pl.Datetime("us", "UTC"),
    "file_size": pl.Int64,
    "file_mtime_ns": pl.Int64,
}

TEXT_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl"}
HTML_SUFFIXES = {".html", ".htm"}
MANIFEST_NAME = "manifest.csv"


@dataclass
class IngestBatch:
    articles: pl.DataFrame  # news.articles columns (schemas.ArticleSchema)
    sentences: pl.DataFrame  # news.sentences
    paragraphs: pl.DataFrame  # news.article_paragraphs: article_id, paragraph_idx, paragraph_hash
    log: pl.DataFrame  # news.ingest_log

    @property
    def counts(self) -> dict[str, int]:
        """Log rows per status, for asset metadata."""
        return dict(self.log.group_by("status").len().iter_rows())


# --------------------------------------------------------------------------------------------
# Bytes -> text
# --------------------------------------------------------------------------------------------

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (docx/xlsx?)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x7fELF", "executable"),
    (b"RIFF", "RIFF media"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"OggS", "Ogg media"),
    (b"\x00\x00\x00\x18ftyp", "MP4 media"),
    (b"\x00\x00\x00\x20ftyp", "MP4 media"),
    (b"ID3", "MP3 audio"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    return len(_CONTROL.findall(sample)) / len(sample) > 0.02


def decode_bytes(data: bytes) -> tuple[str | None, str]:
    """Decode a file's bytes: (text, encoding) or (None, reason)."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return None, f"binary or undecodable ({kind})"
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                return None, f"binary or undecodable (bad {encoding} after its byte-order mark: {exc.reason})"
            if _looks_binary(text):
                return None, "binary or undecodable (control characters in the text)"
            return text, encoding
    if b"\x00" in data:
        # UTF-16 without a BOM shows NULs in every other byte of ASCII text; anything else
        # with NUL bytes is binary.
        for encoding, zeros in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
            if len(data) % 2 == 0 and zeros.count(0) >= 0.9 * len(zeros):
                try:
                    text = data.decode(encoding)
                except UnicodeDecodeError:
                    continue
                if not _looks_binary(text):
                    return text, encoding
        return None, "binary or undecodable (NUL bytes)"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        if _looks_binary(text):
            return None, "binary or undecodable (control characters in the text)"
        return text, "utf-8"
    # Mostly-ASCII text with a few high bytes is almost always Windows-1252 (curly quotes,
    # dashes, accents); the statistical detector misreads such short samples as DOS code pages.
    high = sum(1 for b in data[:200_000] if b >= 0x80)
    if high <= 0.1 * min(len(data), 200_000):
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = None
        if text is not None and not _looks_binary(text):
            return text, "cp1252"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:2_000_000]).best()
    except Exception:  # the detector is a heuristic; its failure is a reason, not a crash
        best = None
    if best is None or best.encoding is None:
        return None, "binary or undecodable (not UTF-8 and no other encoding fits)"
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None, f"binary or undecodable (not valid {best.encoding})"
    if _looks_binary(text) or best.chaos > 0.3:
        return None, "binary or undecodable (no encoding gives readable text)"
    return text, best.encoding


# --------------------------------------------------------------------------------------------
# Language
# --------------------------------------------------------------------------------------------

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_SORANI = re.compile(r"[\u0695\u06b5\u06c6\u06ce\u06d5]")  # ڕ ڵ ۆ ێ ە
_PERSIAN = re.compile(r"[\u067e\u0686\u0698\u06af\u06a9\u06cc]")  # پ چ ژ گ ک ی
_URDU = re.compile(r"[\u06d2\u0679\u0688\u0691\u06ba\u06be]")  # ے ٹ ڈ ڑ ں ھ
_LATIN_WORD = re.compile(r"[a-zà-ɏ]+")
_STOPWORDS = {
    "en": frozenset("the and of to in is was for on that with said by at from as are were has have it".split()),
    "tr": frozenset("ve bir bu için ile da de olarak olan çok daha gibi ancak ise kadar".split()),
    "ku": frozenset("û li ji bi di de ku ên ya yê jî ev wê hat bo".split()),
    "fr": frozenset("le la les et des du un une est dans pour que qui sur par".split()),
    "de": frozenset("der die das und ist nicht mit den von zu ein eine auf für".split()),
    "es": frozenset("el la los las y que del en un una por con para es".split()),
}


def detect_language(text: str) -> str:
    """ISO 639 code by script ratio and stopwords; 'und' when unsure. Cheap on purpose."""
    sample = text[:3000]
    if not (_ARABIC.search(sample) or _CYRILLIC.search(sample)):
        return _latin_language(sample)
    arabic = len(_ARABIC.findall(sample))
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    letters = arabic + latin + cyrillic
    if letters < 20:
        return "und"
    if arabic / letters >= 0.5:
        if len(_SORANI.findall(sample)) >= max(3, 0.01 * arabic):
            return "ckb"
        if len(_URDU.findall(sample)) >= max(3, 0.01 * arabic):
            return "ur"
        if len(_PERSIAN.findall(sample)) >= max(3, 0.02 * arabic):
            return "fa"
        return "ar"
    if cyrillic / letters >= 0.5:
        return "ru"
    if latin / letters >= 0.5:
        return _latin_language(sample)
    return "und"


def _latin_language(sample: str) -> str:
    words = _LATIN_WORD.findall(sample[:2000].lower())
    if len(words) < 4:
        return "und"
    counts = Counter(words)  # counted in C; then a few lookups per language
    hits = {lang: sum(counts[w] for w in stop) for lang, stop in _STOPWORDS.items()}
    lang, n = max(hits.items(), key=lambda kv: kv[1])
    return lang if n >= 0.08 * len(words) else "und"


_STOPWORD_TABLE = pl.DataFrame(
    [(w, rank) for rank, stop in enumerate(_STOPWORDS.values()) for w in sorted(stop)],
    schema={"w": pl.Utf8, "rank": pl.UInt8},
    orient="row",
)
_LANGS = list(_STOPWORDS)
_NON_LATIN = f"[{_ARABIC.pattern[1:-1]}{_CYRILLIC.pattern[1:-1]}]"


def detect_languages(texts: pl.Series) -> pl.Series:
    """`detect_language` of every text, the stopword counting done in one polars pass; texts
    with Arabic or Cyrillic letters (few) go through `detect_language` itself."""
    frame = pl.DataFrame({"t": texts.cast(pl.Utf8)}).with_row_index("i")
    non_latin = frame.select(pl.col("t").fill_null("").str.slice(0, 3000).str.contains(_NON_LATIN))["t"]
    words = (
        frame.lazy()
        .select("i", w=pl.col("t").fill_null("").str.slice(0, 2000).str.to_lowercase().str.extract_all(_LATIN_WORD.pattern))
        .with_columns(n=pl.col("w").list.len())
    )
    # Ties go to the language listed first, as max() over the dict does in _latin_language.
    best = (
        words.select("i", "w")
        .explode("w")
        .join(_STOPWORD_TABLE.lazy(), on="w")
        .group_by("i", "rank")
        .agg(hits=pl.len())
        .sort(["i", "hits", "rank"], descending=[False, True, False])
        .group_by("i", maintain_order=True)
        .first()
    )
    out = (
        words.select("i", "n")
        .join(best, on="i", how="left")
        .sort("i")
        .select(
            lang=pl.when((pl.col("n") >= 4) & pl.col("hits").is_not_null() & (pl.col("hits") >= 0.08 * pl.col("n")))
            .then(pl.col("rank").replace_strict(list(range(len(_LANGS))), _LANGS, return_dtype=pl.Utf8))
            .otherwise(pl.lit("und"))
        )
        .collect()["lang"]
        .to_list()
    )
    for i in non_latin.arg_true().to_list():
        out[i] = detect_language(texts[i])
    return pl.Series("language", out, dtype=pl.Utf8)


# --------------------------------------------------------------------------------------------
# Walking the landing directory
# --------------------------------------------------------------------------------------------


@dataclass
class _Entry:
    rel: str
    path: str  # a str, not a Path: for 100k small files pathlib costs as much as reading them
    name: str
    problem: str | None = None  # set when the entry is quarantined without being read

    @property
    def suffix(self) -> str:
        i = self.name.rfind(".")  # pathlib's rule: no suffix for ".name" or "name."
        return self.name[i:] if 0 < i < len(self.name) - 1 else ""


def _posix_name(name: str) -> str:
    # File names that are not valid UTF-8 arrive as surrogate escapes; polars cannot hold those.
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _walk(root: Path) -> Iterator[_Entry]:
    real_root = os.path.realpath(root)

    def visit(directory: str, prefix: str) -> Iterator[_Entry]:
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield _Entry((prefix or "./"), directory, os.path.basename(directory), f"cannot list directory ({exc.strerror or exc})")
            return
        for entry in entries:
            path = entry.path
            rel = prefix + _posix_name(entry.name)
            try:
                if entry.is_symlink():
                    target = os.path.realpath(path)
                    if not _within(target, real_root):
                        yield _Entry(rel, path, entry.name, "symlink points outside the landing directory (not followed)")
                    elif not os.path.exists(target):
                        yield _Entry(rel, path, entry.name, "broken symlink")
                    elif os.path.isdir(target):
                        yield _Entry(rel, path, entry.name, "symlink to a directory (not followed, to avoid loops)")
                    elif os.path.isfile(target):
                        yield _Entry(rel, path, entry.name)
                    else:
                        yield _Entry(rel, path, entry.name, "not a regular file")
                elif entry.is_dir(follow_symlinks=False):
                    yield from visit(path, rel + "/")
                elif entry.is_file(follow_symlinks=False):
                    yield _Entry(rel, path, entry.name)
                else:
                    # FIFOs, sockets, devices: opening one could block or read forever.
                    yield _Entry(rel, path, entry.name, "not a regular file")
            except OSError as exc:
                yield _Entry(rel, path, entry.name, f"cannot read ({exc.strerror or exc})")

    yield from visit(os.fspath(root), "")


def _read_limited(path: str | Path, max_bytes: int) -> tuple[bytes | None, str | None]:
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > max_bytes:
                return None, f"too large ({size / 2**20:.1f} MB > limit {max_bytes / 2**20:g} MB)"
            # read(n) allocates n bytes up front: ask for what fstat reported, plus one byte to
            # notice a file that grew since.
            data = fh.read(size + 1)
            if len(data) > size:
                data += fh.read(max_bytes + 1 - len(data))
    except OSError as exc:
        return None, f"cannot read ({exc.strerror or exc})"
    if len(data) > max_bytes:  # grew while we looked
        return None, f"too large (> limit {max_bytes / 2**20:g} MB)"
    return data, None


# --------------------------------------------------------------------------------------------
# Manifests
# --------------------------------------------------------------------------------------------


@dataclass
class _Meta:
    source: str | None = None
    published_at: date | None = None
    url: str | None = None
    notes: list[str] = field(default_factory=list)


def parse_published_at(value: object) -> date | None:
    """An ISO date or date-time (also a plain 'July 20, 2020'); None when it is not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s:
        return None
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ]\d)", s)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    found = find_full_dates(s)
    return found[0] if len(found) == 1 and len(s) <= 40 else None


def _parse_manifest(text: str, manifest_dir: str) -> tuple[dict[str, _Meta], str | None]:
    """{relative path of the named file: metadata}, or ({}, reason) if the manifest is unusable."""
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        return {}, f"manifest is not valid CSV ({exc})"
    if not rows:
        return {}, "empty file"
    header = [h.strip().lower().lstrip("\ufeff") for h in rows[0]]
    if "file" not in header:
        return {}, "manifest has no 'file' column"
    col = {name: header.index(name) for name in ("file", "source", "published_at", "url") if name in header}
    out: dict[str, _Meta] = {}
    for row in rows[1:]:
        def cell(name: str) -> str | None:
            i = col.get(name)
            if i is None or i >= len(row):
                return None
            v = row[i].strip()
            return v or None

        name = cell("file")
        if not name:
            continue
        meta = _Meta(source=cell("source"), url=cell("url"))
        raw_date = cell("published_at")
        if raw_date is not None:
            meta.published_at = parse_published_at(raw_date)
            if meta.published_at is None:
                meta.notes.append(f"manifest published_at {raw_date[:40]!r} is not a date; left empty")
        rel = os.path.normpath(os.path.join(manifest_dir, name)).replace(os.sep, "/")
        out[rel] = meta
    return out, None


# --------------------------------------------------------------------------------------------
# The batch under construction
# --------------------------------------------------------------------------------------------


class _Collector:
    def __init__(
        self, run_id: str, now: datetime, known_ids: Collection[str], known_files: dict[tuple[str, str], tuple] | None = None
    ):
        self.run_id = run_id
        self.now = now
        self.known = known_ids
        self.known_files = known_files or {}
        # (path, size, mtime_ns) -> content_sha256 of files logged before: an unchanged stat
        # means unchanged bytes, so the file need not be read again (the rsync / git index rule)
        self.known_stats: dict[tuple[str, int, int], str] = {}
        self.file_stats: dict[str, tuple[int, int]] = {}  # path -> (size, mtime_ns) seen this run
        self.log: list[dict] = []
        self.articles: list[dict] = []
        self.by_id: dict[str, dict] = {}
        self.spans: dict[str, list[tuple[int, int, int]]] = {}  # sentence spans of each article's body
        self.earlier: dict[str, str] = {}  # article_id -> source_file, of earlier batches of this run

    def next_batch(self) -> None:
        """Hand over the rows collected so far; only the ids of their articles are kept."""
        self.earlier.update((aid, row["source_file"]) for aid, row in self.by_id.items())
        self.file_stats.clear()  # read when a file is logged, which its batch has done
        self.by_id = {}
        self.spans = {}
        self.articles = []
        self.log = []

    def record(self, path: str, sha: str | None, status: str, reason: str | None, article_id: str | None = None):
        size, mtime_ns = self.file_stats.get(path, (None, None)) if sha is not None else (None, None)
        self.log.append(
            {
                "path": path,
                "content_sha256": sha,
                "status": status,
                "reason": reason,
                "article_id": article_id,
                "run_id": self.run_id,
                "logged_at": self.now,
                "file_size": size,
                "file_mtime_ns": mtime_ns,
            }
        )

    def add_article(
        self,
        path: str,
        raw_for_hash: bytes,
        text: str,
        *,
        title: str | None = None,
        meta: _Meta | None = None,
        url: str | None = None,
        source: str | None = None,
        published: date | None = None,
        notes: list[str] | None = None,
    ) -> None:
        sha = hashlib.sha256(raw_for_hash).hexdigest()
        notes = [*(notes or []), *(meta.notes if meta else [])]
        try:
            cleaned = clean_article(text, title=title)
        except RecursionError:
            self.record(path, sha, "quarantined", "text too deeply structured to clean")
            return
        if not cleaned.body.strip():
            self.record(path, sha, "quarantined", "no article text after removing boilerplate (headline only?)")
            return
        article_id = article_id_for(cleaned.body)
        if meta and meta.published_at is not None:
            published_at, basis = meta.published_at, "manifest"
        elif published is not None:
            published_at, basis = published, "manifest"
        elif cleaned.published_from_text is not None:
            published_at, basis = cleaned.published_from_text, "text"
        else:
            published_at, basis = None, "unknown"
        row = {
            "article_id": article_id,
            "source_file": path,
            "source": (meta.source if meta else None) or source or cleaned.source_hint,
            "url": (meta.url if meta else None) or url,
            "headline": cleaned.headline,
            "dateline": cleaned.dateline,
            "published_at": published_at,
            "published_at_basis": basis,
            "body": cleaned.body,
            "near_duplicate_of": None,
            "language": None,  # detect_languages, for the whole batch at once
            "content_sha256": sha,
            "char_count": len(cleaned.body),
        }
        # Split here, where the cleaning ran (a worker process, usually), not in the batch's end.
        self.commit(path, sha, row, notes, split_sentences_with_paragraphs(cleaned.body))

    def commit(self, path: str, sha: str, row: dict, notes: list[str], spans: list[tuple[int, int, int]]) -> None:
        """Add a cleaned article, or log it as a copy of one already held (in file order)."""
        article_id, published_at, basis = row["article_id"], row["published_at"], row["published_at_basis"]
        reason = "; ".join(notes) or None
        if article_id in self.by_id:
            first = self.by_id[article_id]
            # A copy may carry metadata the first one lacked (a manifest date, a URL).
            for key in ("source", "url", "headline", "dateline"):
                if first[key] is None and row[key] is not None:
                    first[key] = row[key]
            if first["published_at_basis"] != "manifest" and basis == "manifest":
                first["published_at"], first["published_at_basis"] = published_at, basis
            elif first["published_at"] is None and published_at is not None:
                first["published_at"], first["published_at_basis"] = published_at, basis
            why = f"duplicate of article {article_id} (first read from {first['source_file']})"
            self.record(path, sha, "duplicate", "; ".join([why, *notes]), article_id)
            return
        if article_id in self.earlier:
            # Read in an earlier batch of this run, already handed over: its row stays as it is.
            why = f"duplicate of article {article_id} (first read from {self.earlier[article_id]})"
            self.record(path, sha, "duplicate", "; ".join([why, *notes]), article_id)
            return
        if article_id in self.known:
            why = f"duplicate of article {article_id} already in the warehouse"
            self.record(path, sha, "duplicate", "; ".join([why, *notes]), article_id)
            return
        self.by_id[article_id] = row
        self.spans[article_id] = spans
        self.articles.append(row)
        self.record(path, sha, "loaded", reason, article_id)


class _Recorder(_Collector):
    """Collects what one file yields (log rows, cleaned articles) as events, to be replayed
    into the real collector in file order: files are parsed in worker processes, while the
    decisions that depend on other files (exact copies) are taken in order afterwards."""

    def __init__(self, parent: _Collector | None = None):
        super().__init__("", datetime.min, parent.known if parent else frozenset(), None)
        self.known_files = parent.known_files if parent else {}
        if parent is not None:  # shared: what the recorder stats, the collector logs
            self.known_stats = parent.known_stats
            self.file_stats = parent.file_stats
        self.events: list[tuple[str, tuple]] = []

    def record(self, *args) -> None:
        self.events.append(("record", args))

    def commit(self, *args) -> None:
        self.events.append(("commit", args))


def _replay(c: _Collector, events: list[tuple[str, tuple]]) -> None:
    for kind, args in events:
        (c.record if kind == "record" else c.commit)(*args)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _known_files_lookup(known_files: pl.DataFrame | None) -> dict[tuple[str, str], tuple]:
    """{(path, content_sha256): (status, article_id, reason)} from earlier runs' log rows; a later
    row for the same path wins."""
    if known_files is None or not known_files.height:
        return {}
    cols = known_files.columns
    frame = known_files.select(
        pl.col("path").cast(pl.Utf8),
        pl.col("content_sha256").cast(pl.Utf8),
        pl.col("status").cast(pl.Utf8),
        pl.col("article_id").cast(pl.Utf8),
        (pl.col("reason").cast(pl.Utf8) if "reason" in cols else pl.lit(None, dtype=pl.Utf8)).alias("reason"),
    ).drop_nulls(["path", "content_sha256"])
    return {(p, h): (st, aid, r) for p, h, st, aid, r in frame.iter_rows()}


def _known_stats_lookup(known_files: pl.DataFrame | None) -> dict[tuple[str, int, int], str]:
    """{(path, file_size, file_mtime_ns): content_sha256} of earlier log rows that have them."""
    if known_files is None or not {"file_size", "file_mtime_ns"} <= set(known_files.columns):
        return {}
    frame = known_files.select("path", "file_size", "file_mtime_ns", "content_sha256").drop_nulls()
    return {(p, size, mtime): sha for p, size, mtime, sha in frame.iter_rows()}


def _skip_unchanged(c: _Collector, path: str, sha: str) -> bool:
    """Log a file (or JSONL line) read before with these very bytes, without parsing it again.

    Loaded or duplicate earlier: only when its article is still held (``known_article_ids``), so
    an article that never reached the warehouse is read again rather than lost.
    """
    hit = c.known_files.get((path, sha))
    if hit is None:
        return False
    status, article_id, reason = hit
    if status == "quarantined":
        reason = reason or "quarantined in an earlier run"
        c.record(path, sha, "quarantined", reason if reason.startswith("unchanged: ") else f"unchanged: {reason}")
        return True
    if status in ("loaded", "duplicate") and article_id is not None and article_id in c.known:
        c.record(path, sha, "duplicate", f"unchanged since an earlier run (article {article_id})", article_id)
        return True
    return False


def _decode_notes(encoding: str) -> list[str]:
    return [] if encoding == "utf-8" else [f"decoded as {encoding}"]


def _ingest_text(c: _Collector, entry: _Entry, data: bytes, meta: _Meta | None) -> None:
    text, how = decode_bytes(data)
    if text is None:
        c.record(entry.rel, _sha(data), "quarantined", how)
        return
    if not text.strip():
        c.record(entry.rel, _sha(data), "quarantined", "empty file")
        return
    if text.lstrip()[:100].lower().startswith(("<!doctype html", "<html")):
        # A saved web page under a .txt name: read it as the page it is.
        _ingest_html(c, entry, data, meta)
        return
    c.add_article(entry.rel, data, text, meta=meta, notes=_decode_notes(how))


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*?(/?)>")
# Elements that never nest (void) or that HTML closes implicitly: they do not add depth.
_FLAT_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr p li dt dd tr td th "
    "option thead tbody tfoot colgroup rp rt".split()
)
MAX_HTML_DEPTH = 1000


def _html_depth(html: str, limit: int = MAX_HTML_DEPTH) -> int:
    """Nesting depth of the markup, counted until it passes ``limit`` (then returned as is)."""
    depth = deepest = 0
    for m in _TAG.finditer(html):
        if m.group(2).lower() in _FLAT_TAGS or m.group(3):
            continue
        depth = max(depth - 1, 0) if m.group(1) else depth + 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def _ingest_html(c: _Collector, entry: _Entry, data: bytes, meta: _Meta | None) -> None:
    text, how = decode_bytes(data)
    if text is None:
        c.record(entry.rel, _sha(data), "quarantined", how)
        return
    if not text.strip():
        c.record(entry.rel, _sha(data), "quarantined", "empty file")
        return
    depth = _html_depth(text)
    if depth > MAX_HTML_DEPTH:
        # lxml stops building such a tree and the extractors recurse over it: refuse up front.
        c.record(entry.rel, _sha(data), "quarantined", f"HTML nested too deeply (more than {MAX_HTML_DEPTH} levels)")
        return
    try:
        import trafilatura

        doc = trafilatura.bare_extraction(
            text, with_metadata=True, include_comments=False, include_tables=False, include_images=False
        )
        info = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    except RecursionError:
        c.record(entry.rel, _sha(data), "quarantined", "HTML nested too deeply to parse")
        return
    except Exception as exc:  # lxml/trafilatura on broken markup: a reason, never a crash
        c.record(entry.rel, _sha(data), "quarantined", f"HTML could not be parsed ({type(exc).__name__})")
        return
    body = info.get("text") or ""
    if not body.strip():
        c.record(entry.rel, _sha(data), "quarantined", "no article text found in the HTML")
        return
    c.add_article(
        entry.rel,
        data,
        body,
        title=info.get("title"),
        meta=meta,
        url=info.get("url"),
        source=info.get("sitename"),
        published=parse_published_at(info.get("date")),
        notes=_decode_notes(how),
    )


def _ingest_jsonl(c: _Collector, entry: _Entry, data: bytes, meta: _Meta | None) -> None:
    text, how = decode_bytes(data)
    if text is None:
        c.record(entry.rel, _sha(data), "quarantined", how)
        return
    raw_lines = text.split("\n")
    seen_any = False
    for lineno, line in enumerate(raw_lines, start=1):
        if not line.strip():
            continue
        seen_any = True
        path = f"{entry.rel}#L{lineno}"
        line_bytes = line.encode("utf-8", "surrogatepass")
        if c.known_files and _skip_unchanged(c, path, _sha(line_bytes)):
            continue
        try:
            obj = json.loads(line)
        except RecursionError:
            c.record(path, _sha(line_bytes), "quarantined", "invalid JSON line (nested too deeply)")
            continue
        except ValueError as exc:
            c.record(path, _sha(line_bytes), "quarantined", f"invalid JSON line ({exc})")
            continue
        if not isinstance(obj, dict):
            c.record(path, _sha(line_bytes), "quarantined", f"JSON line is a {type(obj).__name__}, not an object")
            continue
        body = obj.get("text")
        if body is None:
            body = obj.get("body", obj.get("content"))
        if not isinstance(body, str) or not body.strip():
            c.record(path, _sha(line_bytes), "quarantined", "JSON line has no non-empty 'text' string")
            continue

        def field_str(name: str) -> str | None:
            v = obj.get(name)
            return v.strip() or None if isinstance(v, str) else None

        line_meta = _Meta(
            source=field_str("source") or (meta.source if meta else None),
            url=field_str("url") or (meta.url if meta else None),
            notes=[*_decode_notes(how), *(meta.notes if meta else [])],
        )
        published = None
        if obj.get("published_at") not in (None, ""):
            published = parse_published_at(obj.get("published_at"))
            if published is None:
                line_meta.notes.append(f"published_at {str(obj.get('published_at'))[:40]!r} is not a date; left empty")
        if published is None and meta is not None:
            published = meta.published_at
        title = obj.get("title") if isinstance(obj.get("title"), str) else None
        try:
            c.add_article(path, line_bytes, body, title=title, meta=line_meta, published=published)
        except Exception as exc:  # the other lines of the file still load
            c.record(path, _sha(line_bytes), "quarantined", f"could not be processed ({type(exc).__name__}: {exc})"[:300])
    if not seen_any:
        c.record(entry.rel, _sha(data), "quarantined", "empty file")


# --------------------------------------------------------------------------------------------
# Near-duplicates (syndicated copies sharing whole paragraphs)
# --------------------------------------------------------------------------------------------

SHINGLE_WORDS = 5
SAMPLE_MOD = 3  # keep the word 5-grams whose hash is 0 mod 3: a consistent sample across runs
PARAGRAPH_SHARED = 0.5  # a paragraph is shared when half its sampled 5-grams occur in the other
MIN_SHARED_PARAGRAPHS = 3
MIN_SHARED_FRACTION = 0.4
MIN_PARAGRAPH_CHARS = 80
COMMON_SHINGLE_ARTICLES = 20  # a 5-gram in more articles is a stock phrase
# A paragraph word for word in more original articles is an outlet's stock background ("ISIS
# controlled swaths of land in Iraq and Syria in 2014 ..."), not a sign of copying. Originals
# only: the copies of one widely syndicated story must not make its own text stock.
COMMON_PARAGRAPH_ORIGINALS = 20


_MOD32 = 2**32
_SHINGLE_MULT = 1_000_003  # polynomial rolling hash of word hashes, kept below 2**32
_MIX = 0x9E3779B1  # spreads the bits before the 1-in-3 sample is taken


@dataclass
class Fingerprints:
    """Paragraph fingerprints of a set of articles, in frames ready for joins.

    Articles are numbered (``aix``, UInt32, into ``ids``) so the joins over hundreds of
    thousands of sampled 5-grams compare integers, not 16-character strings.
    """

    ids: pl.Series  # article_id of each aix
    paragraphs: pl.DataFrame  # aix, paragraph_idx, plen, h (16-hex exact hash)
    samples: pl.DataFrame  # aix, paragraph_idx, s (UInt64 sampled 5-gram hash)


def _numbered(frame: pl.LazyFrame, offset: int = 0) -> tuple[pl.LazyFrame, pl.Series]:
    """(frame with ``aix`` in place of ``article_id``, the ids in aix order)."""
    ids = frame.select(pl.col("article_id").unique(maintain_order=True)).collect()["article_id"]
    table = pl.LazyFrame(
        {"article_id": ids, "aix": pl.int_range(offset, offset + len(ids), dtype=pl.UInt32, eager=True)}
    )
    return frame.join(table, on="article_id", how="left", maintain_order="left").drop("article_id"), ids


def fingerprints(articles: pl.DataFrame) -> Fingerprints:
    """Fingerprint every paragraph (non-empty body line) of ``articles`` in one vectorised pass.

    Words are lower-cased ``\\w+`` runs. The exact hash is sha256 of the words joined by
    spaces (insensitive to punctuation, quotes and case). Each word gets its CRC-32; a 5-gram's
    hash is a polynomial of its five word hashes mod 2**32, and the 5-grams whose mixed hash
    is 0 mod 3 are kept. Everything is arithmetic on integers the text fixes, so a later run
    (or another polars version) computes the same values.
    """
    # Few collects on purpose: each eager polars call costs milliseconds of fixed overhead.
    numbered, ids = _numbered(articles.lazy().select("article_id", "body"))
    lines = (
        numbered.select("aix", line=pl.col("body").fill_null("").str.split("\n"))
        .explode("line")
        .filter(pl.col("line").str.strip_chars().str.len_chars() > 0)
        .with_columns(paragraph_idx=pl.int_range(pl.len(), dtype=pl.Int64).over("aix"))
        .with_row_index("pid")
        .with_columns(words=pl.col("line").str.to_lowercase().str.extract_all(r"\w+"))
        .select(
            "pid", "aix", "paragraph_idx", "words",
            key=pl.col("words").list.join(" "), plen=pl.col("line").str.len_chars().cast(pl.Int64),
        )
        .collect()
    )
    paragraphs = pl.DataFrame(
        {
            "aix": lines["aix"],
            "paragraph_idx": lines["paragraph_idx"],
            "plen": lines["plen"],
            "h": [hashlib.sha256(k.encode("utf-8", "surrogatepass")).hexdigest()[:16] for k in lines["key"].to_list()],
        },
        schema={"aix": pl.UInt32, "paragraph_idx": pl.Int64, "plen": pl.Int64, "h": pl.Utf8},
    )
    # Only the paragraph number travels with each word; which article it belongs to is joined
    # back after sampling, on a third of the rows.
    tokens = lines.lazy().select("pid", w=pl.col("words")).explode("w").drop_nulls("w")
    vocab = tokens.select(pl.col("w").unique()).collect()["w"]
    vocab_hash = pl.LazyFrame(
        {"w": vocab, "wh": [zlib.crc32(w.encode("utf-8", "surrogatepass")) for w in vocab.to_list()]},
        schema={"w": pl.Utf8, "wh": pl.UInt64},
    )
    tokens = tokens.join(vocab_hash, on="w", how="left", maintain_order="left")
    # Shifts over the whole column, then a 5-gram that crosses a paragraph end is dropped:
    # cheaper than a window per paragraph.
    h = pl.col("wh")
    for k in range(1, SHINGLE_WORDS):
        h = (h * _SHINGLE_MULT + pl.col("wh").shift(-k)) % _MOD32
    # (paragraph, 5-gram) pairs are made unique as one 64-bit key (paragraph number in the high
    # half, the 32-bit hash in the low half): much cheaper than a two-column unique.
    samples = (
        tokens.select("pid", s=h, same=pl.col("pid").shift(-(SHINGLE_WORDS - 1)) == pl.col("pid"))
        .filter(pl.col("same"))
        .select(key=pl.col("pid").cast(pl.UInt64) * _MOD32 + (pl.col("s") * _MIX) % _MOD32)
        .filter(((pl.col("key") % _MOD32) // 65536) % SAMPLE_MOD == 0)
        .unique()
        .select(pid=(pl.col("key") // _MOD32).cast(pl.UInt32), s=pl.col("key") % _MOD32)
        .join(lines.lazy().select("pid", "aix", "paragraph_idx"), on="pid", how="left")
        .select("aix", "paragraph_idx", "s")
        .collect()
    )
    return Fingerprints(ids=ids, paragraphs=paragraphs, samples=samples)


def paragraphs_frame(articles: pl.DataFrame, prints: Fingerprints | None = None) -> pl.DataFrame:
    """One row per paragraph (non-empty body line, numbered as sentences number them):
    article_id, paragraph_idx, paragraph_hash = the exact 16-hex hash, then the sampled
    5-gram hashes in decimal, space-separated (what `find_near_duplicates` needs from an
    earlier run to recognise a rewritten paragraph)."""
    prints = prints or fingerprints(articles)
    sampled = prints.samples.lazy().group_by("aix", "paragraph_idx").agg(
        tail=pl.col("s").sort().cast(pl.Utf8).str.join(" ")
    )
    ids = pl.LazyFrame({"aix": pl.int_range(len(prints.ids), dtype=pl.UInt32, eager=True), "article_id": prints.ids})
    return (
        prints.paragraphs.lazy()
        .join(sampled, on=["aix", "paragraph_idx"], how="left", maintain_order="left")
        .join(ids, on="aix", how="left", maintain_order="left")
        .select(
            "article_id",
            "paragraph_idx",
            paragraph_hash=pl.when(pl.col("tail").is_null() | (pl.col("tail") == ""))
            .then(pl.col("h"))
            .otherwise(pl.concat_str("h", pl.lit(" "), "tail")),
        )
        .cast(PARAGRAPH_SCHEMA)
        .collect()
    )


def paragraph_fingerprint(paragraph: str) -> str:
    """The stored fingerprint of one paragraph (see `paragraphs_frame`)."""
    frame = paragraphs_frame(pl.DataFrame({"article_id": ["_"], "body": [paragraph.replace("\n", " ")]}))
    return frame["paragraph_hash"][0] if frame.height else ""


class StoredFingerprints:
    """Fingerprints of articles already stored (earlier runs, and earlier batches of this run),
    parsed once into integer tables that each batch joins against.

    The tables are DuckDB temporary tables: on the warehouse writer's connection, where they
    stay within the writer's memory limit and spill to disk past it, or on a private in-memory
    database. Held in polars, the index and the rows each batch joined from it grew the
    ingestion step with the corpus (100k articles: peak RSS 0.6 GB in the first batch, 1.1 GB
    in the last). Re-parsing every stored fingerprint string for every batch instead made
    ingestion quadratic in the corpus.

    Stored articles are numbered as they are added (``six``), so the joins compare 32-bit
    integers and 16-hex exact hashes. An article's fingerprints are added once, all in one
    call: a known article_id adds nothing, so each (article, 5-gram) pair is one row and a
    5-gram's article count is a plain count. Each article also keeps whether it is itself a
    near-copy (``copy``), which the stock rule for whole paragraphs needs.
    """

    _instances = 0

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None) -> None:
        self._own = con is None
        self.con = duckdb.connect() if con is None else con
        StoredFingerprints._instances += 1
        # several indexes may share one connection: each has its own tables
        prefix = f"sitrep_fp{StoredFingerprints._instances}"
        self._articles, self._exact, self._samples = (f"{prefix}_{t}" for t in ("articles", "exact", "samples"))
        self._size = 0
        self._dates: dict[str, date | None] = {}
        self.con.execute(
            f"CREATE TEMP TABLE {self._articles} (six UINTEGER, article_id VARCHAR, published_at DATE, copy BOOLEAN);"
            f"CREATE TEMP TABLE {self._exact} (six UINTEGER, h VARCHAR);"
            f"CREATE TEMP TABLE {self._samples} (six UINTEGER, s UINTEGER);"
        )

    def __len__(self) -> int:
        return self._size

    def close(self) -> None:
        for table in (self._articles, self._exact, self._samples):
            self.con.execute(f"DROP TABLE IF EXISTS {table}")
        if self._own:
            self.con.close()

    @classmethod
    def from_frames(cls, frames: Iterable[pl.DataFrame | None],
                    con: duckdb.DuckDBPyConnection | None = None) -> StoredFingerprints:
        """From rows in the stored format (``article_id``, ``paragraph_hash``, optional
        ``published_at`` and ``near_duplicate_of``), in one frame or in chunks (an article may
        span two)."""
        stored = cls(con)
        chunks = [frame for frame in frames if frame is not None and frame.height]
        if chunks:
            stored.add_stored(pl.concat(chunks, how="diagonal_relaxed"))
        return stored

    @contextmanager
    def _visible(self, **frames: pl.DataFrame) -> Iterator[None]:
        """Lets the SQL run inside the block read ``frames`` under their names."""
        for name, frame in frames.items():
            self.con.register(name, frame.to_arrow())
        try:
            yield
        finally:
            for name in frames:
                self.con.unregister(name)

    def _frame(self, sql: str, params: list | None = None) -> pl.DataFrame:
        return pl.from_arrow(self.con.sql(sql, params=params or None).to_arrow_table())

    def _number(self, source: str) -> str:
        """Numbers the article_ids of ``source`` (article_id, published_at, near_duplicate_of)
        not seen before, and returns a query of ``source``'s columns and ``six`` for those new
        articles only."""
        first = self._size
        self.con.execute(
            f"INSERT INTO {self._articles} "
            f"SELECT {first} + row_number() OVER (ORDER BY article_id) - 1, article_id, published_at, copy "
            f"FROM (SELECT article_id, min(published_at) AS published_at, "
            f"      bool_or(near_duplicate_of IS NOT NULL) AS copy FROM {source} GROUP BY article_id) "
            f"ANTI JOIN {self._articles} USING (article_id)"
        )
        self._size = self.con.execute(f"SELECT count(*) FROM {self._articles}").fetchall()[0][0]
        return (f"(SELECT src.*, n.six FROM {source} AS src "
                f"JOIN (SELECT six, article_id FROM {self._articles} WHERE six >= {first}) AS n USING (article_id))")

    def add_stored(self, frame: pl.DataFrame) -> None:
        """Stored rows from a frame (see `from_frames`)."""
        for name, dtype in (("published_at", pl.Date), ("near_duplicate_of", pl.Utf8)):
            if name not in frame.columns:
                frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(name))
        rows = frame.select(pl.col("article_id").cast(pl.Utf8), pl.col("published_at").cast(pl.Date),
                            pl.col("paragraph_hash").cast(pl.Utf8), pl.col("near_duplicate_of").cast(pl.Utf8))
        with self._visible(sitrep_fp_stored=rows):
            self.add_stored_query("SELECT * FROM sitrep_fp_stored")

    def add_stored_query(self, query: str) -> None:
        """Stored rows from a query on the index's connection (article_id, published_at,
        paragraph_hash, and optionally near_duplicate_of: without it every article counts as an
        original), parsed by DuckDB without passing through Python."""
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE sitrep_fp_rows AS {query}")
        try:
            columns = {row[0] for row in self.con.execute("DESCRIBE sitrep_fp_rows").fetchall()}
            if "near_duplicate_of" not in columns:
                self.con.execute("ALTER TABLE sitrep_fp_rows ADD COLUMN near_duplicate_of VARCHAR")
            parsed = (f"SELECT six, string_split(coalesce(paragraph_hash, ''), ' ') AS parts "
                      f"FROM {self._number('sitrep_fp_rows')}")
            self.con.execute(f"INSERT INTO {self._exact} SELECT six, parts[1] FROM ({parsed})")
            self.con.execute(
                f"INSERT INTO {self._samples} SELECT DISTINCT six, TRY_CAST(token AS UINTEGER) AS s FROM ("
                f"  SELECT six, unnest(parts[2:]) AS token FROM ({parsed})"
                f") WHERE s IS NOT NULL"
            )
        finally:
            self.con.execute("DROP TABLE IF EXISTS sitrep_fp_rows")

    def add_batch(self, prints: Fingerprints, published: pl.Series, near_duplicate_of: pl.Series | None = None) -> None:
        """A batch's own fingerprints (``published`` and ``near_duplicate_of``: its articles'
        dates and copy links, in ``prints.ids`` order; no links: all originals)."""
        if near_duplicate_of is None:
            near_duplicate_of = pl.Series([None] * len(prints.ids), dtype=pl.Utf8)
        ids = pl.DataFrame({"aix": pl.int_range(len(prints.ids), dtype=pl.UInt32, eager=True),
                            "article_id": prints.ids.cast(pl.Utf8), "published_at": published.cast(pl.Date),
                            "near_duplicate_of": near_duplicate_of.cast(pl.Utf8)})
        with self._visible(sitrep_fp_ids=ids, sitrep_fp_exact=prints.paragraphs.select("aix", "h"),
                           sitrep_fp_samples=prints.samples.select("aix", pl.col("s").cast(pl.UInt32))):
            new = self._number("sitrep_fp_ids")
            self.con.execute(
                f"INSERT INTO {self._exact} SELECT n.six, e.h FROM sitrep_fp_exact AS e JOIN {new} AS n USING (aix)")
            self.con.execute(
                f"INSERT INTO {self._samples} "
                f"SELECT DISTINCT n.six, x.s FROM sitrep_fp_samples AS x JOIN {new} AS n USING (aix)")

    def published(self, article_id: str) -> date | None:
        """The date of a stored article that the last `matching` returned."""
        return self._dates[article_id]

    def matching(self, batch: Fingerprints, offset: int, exclude: Collection[str]
                 ) -> tuple[Fingerprints, pl.Series, pl.Series]:
        """The stored fingerprints that can match the batch's, as join frames numbered from
        ``offset``; the batch's 5-grams that are stock phrases among the stored articles alone;
        and the batch's paragraph hashes that are stock. Articles in ``exclude`` are left out.

        Only a stored paragraph with the same exact hash, or a sampled 5-gram the batch also
        has, can match. A 5-gram in more than COMMON_SHINGLE_ARTICLES stored articles is a stock
        phrase whatever the batch holds, so its stored rows are not returned, only its value:
        in a corpus of agency copy those are most of the matching rows, and they grow with it.
        A paragraph is stock when more than COMMON_PARAGRAPH_ORIGINALS originals hold it word
        for word: the stored articles that are not near-copies, and the batch's articles (whose
        links are being decided). Its rows are not returned either, so no rows grow with the
        corpus (at 100k generated articles one background sentence is in 3,086 of them).
        """
        no_stock = pl.Series("s", [], dtype=pl.UInt64)
        if not self._size:
            empty = Fingerprints(ids=pl.Series("article_id", [], dtype=pl.Utf8),
                                 paragraphs=batch.paragraphs.head(0), samples=batch.samples.head(0))
            return empty, no_stock, pl.Series("h", [], dtype=pl.Utf8)
        batch_s = batch.samples.select(pl.col("s").cast(pl.UInt32).unique())
        batch_h = batch.paragraphs.select("aix", "h").unique().group_by("h").agg(holders=pl.len())
        excluded = pl.DataFrame({"article_id": list(exclude)}, schema={"article_id": pl.Utf8})
        skip = f"(SELECT six FROM {self._articles} SEMI JOIN sitrep_fp_exclude USING (article_id))"
        with self._visible(sitrep_fp_batch_s=batch_s, sitrep_fp_batch_h=batch_h, sitrep_fp_exclude=excluded):
            # One query, so the matched rows are scanned and counted once: the stock 5-grams
            # come back with a NULL six, the others with their rows.
            samples = self._frame(
                f"WITH matched AS MATERIALIZED ("
                f"  SELECT six, s FROM {self._samples} SEMI JOIN sitrep_fp_batch_s USING (s) WHERE six NOT IN {skip}), "
                f"articles AS MATERIALIZED (SELECT s, count(*) > ? AS stock FROM matched GROUP BY s) "
                f"SELECT NULL::UINTEGER AS six, s FROM articles WHERE stock "
                f"UNION ALL "
                f"SELECT six, s FROM matched SEMI JOIN (SELECT s FROM articles WHERE NOT stock) USING (s)",
                [COMMON_SHINGLE_ARTICLES],
            ).sort("six", "s", nulls_last=True)
            exact = self._frame(
                f"WITH matched AS MATERIALIZED ("
                f"  SELECT six, h FROM {self._exact} SEMI JOIN sitrep_fp_batch_h USING (h) WHERE six NOT IN {skip}), "
                f"stock AS MATERIALIZED ("
                f"  SELECT h FROM matched JOIN {self._articles} USING (six) JOIN sitrep_fp_batch_h USING (h) "
                f"  GROUP BY h HAVING count(DISTINCT six) FILTER (WHERE NOT copy) + any_value(holders) > ?) "
                f"SELECT NULL::UINTEGER AS six, h FROM stock "
                f"UNION ALL "
                f"SELECT six, h FROM matched ANTI JOIN stock USING (h)",
                [COMMON_PARAGRAPH_ORIGINALS],
            ).sort("six", "h", nulls_last=True)
        stock = samples.filter(pl.col("six").is_null())["s"]
        samples = samples.filter(pl.col("six").is_not_null())
        stock_paragraphs = exact.filter(pl.col("six").is_null())["h"]
        exact = exact.filter(pl.col("six").is_not_null())
        sixes = pl.concat([exact["six"], samples["six"]]).unique(maintain_order=True)
        table = pl.DataFrame(
            {"six": sixes, "aix": pl.int_range(offset, offset + len(sixes), dtype=pl.UInt32, eager=True)})
        with self._visible(sitrep_fp_sixes=table.select("six")):
            known = self._frame(
                f"SELECT n.six, n.article_id, n.published_at FROM {self._articles} AS n "
                f"SEMI JOIN sitrep_fp_sixes USING (six)").rows()
        id_of = {six: article_id for six, article_id, _ in known}
        self._dates = {article_id: published for _, article_id, published in known}
        found = Fingerprints(
            ids=pl.Series("article_id", [id_of[s] for s in sixes.to_list()], dtype=pl.Utf8),
            paragraphs=exact.join(table, on="six").select(
                "aix", paragraph_idx=pl.lit(None, dtype=pl.Int64), plen=pl.lit(None, dtype=pl.Int64), h="h"
            ),
            samples=samples.join(table, on="six").select("aix", paragraph_idx=pl.lit(None, dtype=pl.Int64),
                                                         s=pl.col("s").cast(pl.UInt64)),
        )
        return found, stock.cast(pl.UInt64), stock_paragraphs


def find_near_duplicates(
    articles: pl.DataFrame,
    known_paragraphs: pl.DataFrame | StoredFingerprints | None = None,
    *,
    prints: Fingerprints | None = None,
) -> pl.Series:
    """For each article, the article_id of the earliest article it shares whole paragraphs with.

    A paragraph of article A is shared with article B when its fingerprint equals one of B's,
    or when at least half of its sampled word 5-grams occur in B (a syndicated paragraph with a
    few words changed still matches). Stock text is no evidence: a 5-gram in more than
    COMMON_SHINGLE_ARTICLES articles, or a paragraph held word for word by more than
    COMMON_PARAGRAPH_ORIGINALS original articles (stored articles that are not near-copies, and
    this batch's), such as an outlet's background paragraph on ISIS appended to every story.
    A is a near-duplicate of B when A shares >= 3 paragraphs
    of >= 80 chars with B, or >= 40% of its paragraphs (at least 2, or its only one), and B is
    the earliest such article by published_at (undated last), then the longer text (copies
    trim the original), then article_id.

    ``known_paragraphs`` are the stored fingerprints of earlier runs (``article_id``,
    ``paragraph_hash`` in the format of `paragraph_fingerprint`, optional ``published_at``), as a
    frame or already parsed into `StoredFingerprints`. A stored article is preferred to one of
    this batch. A stored article dated after the new one still gets the link (the stored row is
    not rewritten), so the pair is kept.
    """
    n = articles.height
    if n == 0:
        return pl.Series("near_duplicate_of", [], dtype=pl.Utf8)
    ids = articles["article_id"].to_list()
    prints = prints or fingerprints(articles)
    b_exact, b_samples = prints.paragraphs, prints.samples
    lengths = b_exact.select("aix", "paragraph_idx", "plen")
    p_exact, p_samples = b_exact, b_samples
    all_ids = prints.ids.to_list()
    known_dates: dict[str, date | None] = {}
    stored_stock = pl.Series("s", [], dtype=pl.UInt64)
    stock_paragraphs = pl.Series("h", [], dtype=pl.Utf8)
    if known_paragraphs is not None:
        own = not isinstance(known_paragraphs, StoredFingerprints)
        index = StoredFingerprints.from_frames([known_paragraphs]) if own else known_paragraphs
        try:
            stored, stored_stock, stock_paragraphs = index.matching(prints, offset=len(all_ids), exclude=ids)
            if len(stored.ids):
                all_ids += stored.ids.to_list()
                p_exact = pl.concat([b_exact, stored.paragraphs])
                p_samples = pl.concat([b_samples, stored.samples])
                known_dates = {other: index.published(other) for other in stored.ids.to_list()}
        finally:
            if own:
                index.close()

    # One lazy plan, collected once: the joins are small and polars' per-call overhead is not.
    b_samples_l, p_samples_l, b_exact_l = b_samples.lazy(), p_samples.lazy(), b_exact.lazy()
    pool_samples = p_samples_l.select(pl.col("aix").alias("other"), "s").unique()
    common = pl.concat([
        pool_samples.group_by("s").agg(df=pl.len()).filter(pl.col("df") > COMMON_SHINGLE_ARTICLES).select("s"),
        stored_stock.to_frame().lazy(),
    ])
    sample_size = b_samples_l.group_by("aix", "paragraph_idx").agg(n_s=pl.len())
    by_samples = (
        b_samples_l.join(common, on="s", how="anti")
        .join(pool_samples, on="s")
        .filter(pl.col("aix") != pl.col("other"))
        .group_by("aix", "paragraph_idx", "other")
        .agg(hit=pl.len())
        .join(sample_size, on=["aix", "paragraph_idx"])
        .filter((pl.col("n_s") >= 2) & (pl.col("hit") >= PARAGRAPH_SHARED * pl.col("n_s")))
        .select("aix", "paragraph_idx", "other")
    )
    common_paragraphs = pl.concat([
        b_exact_l.select("aix", "h").unique().group_by("h").agg(holders=pl.len())
        .filter(pl.col("holders") > COMMON_PARAGRAPH_ORIGINALS).select("h"),
        stock_paragraphs.to_frame().lazy(),
    ])
    by_exact = (
        b_exact_l.join(common_paragraphs, on="h", how="anti")
        .join(p_exact.lazy().select(pl.col("aix").alias("other"), "h").unique(), on="h")
        .filter(pl.col("aix") != pl.col("other"))
        .select("aix", "paragraph_idx", "other")
    )
    lengths_l = lengths.lazy()
    n_paras = lengths_l.group_by("aix").agg(n_paras=pl.len())
    shared = (
        pl.concat([by_exact, by_samples])
        .unique()
        .join(lengths_l, on=["aix", "paragraph_idx"])
        .group_by("aix", "other")
        .agg(shared=pl.len(), shared_long=(pl.col("plen") >= MIN_PARAGRAPH_CHARS).sum())
        .join(n_paras, on="aix")
        .filter(
            (pl.col("shared_long") >= MIN_SHARED_PARAGRAPHS)
            | (
                (pl.col("shared") >= MIN_SHARED_FRACTION * pl.col("n_paras"))
                & ((pl.col("shared") >= 2) | (pl.col("n_paras") == 1))
                & (pl.col("shared_long") >= 1)
            )
        )
        .select("aix", "other")
        .collect()
    )

    def when(published: date | None, article_id: str, size: int = 0) -> tuple:
        # Same day: the fuller text is taken as the original (syndication trims; it rarely adds).
        return (published is None, published or date.min, -size, article_id)

    sizes = lengths.group_by("aix").agg(size=pl.col("plen").sum())
    size_of = {all_ids[a]: s for a, s in sizes.iter_rows()}
    batch_when = {
        aid: when(d, aid, size_of.get(aid, 0)) for aid, d in zip(ids, articles["published_at"].to_list())
    }
    best: dict[str, tuple] = {}
    # The winner is the minimum key, so the order pairs are visited in does not matter.
    for a, o in shared.iter_rows():
        aid, other = all_ids[a], all_ids[o]
        if other in batch_when:
            if batch_when[other] >= batch_when[aid]:
                continue  # the other one is the later copy: it gets the link
            key = (1, batch_when[other], other)
        elif known_dates.get(other) is None or when(known_dates[other], other) < batch_when[aid]:
            # Earlier runs: earlier, or of unknown date, so they come before this batch.
            key = (0, when(known_dates.get(other), other), other)
        else:
            # A stored article dated after this one: it is already written, so the link can
            # only go this way; kept rather than losing the pair.
            key = (2, when(known_dates[other], other), other)
        if aid not in best or key < best[aid]:
            best[aid] = key
    return pl.Series("near_duplicate_of", [best[a][2] if a in best else None for a in ids], dtype=pl.Utf8)


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def ingest_directory(
    landing_dir: Path,
    *,
    run_id: str,
    known_article_ids: Collection[str],
    known_paragraphs: pl.DataFrame | None = None,
    now: datetime | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    known_files: pl.DataFrame | None = None,
    workers: int | None = 1,
) -> IngestBatch:
    """Read every file under ``landing_dir`` (sorted, recursive) into articles, sentences,
    paragraph fingerprints and one log row per input file, as one batch.

    ``known_files`` (``path``, ``content_sha256``, ``status``, ``article_id``, optional ``reason``,
    ``file_size`` and ``file_mtime_ns``: the latest ``news.ingest_log`` row per path) makes a re-run
    incremental: a file whose bytes are unchanged is logged ``duplicate`` ("unchanged since an
    earlier run") or quarantined again with its earlier reason, without being decoded, cleaned or
    fingerprinted. A file whose size and modification time are both as logged is not even read
    (at 100k files that is most of an incremental run's ingestion on a cold disk); an edit that
    kept both is missed, as with rsync's default check.
    """
    batches = list(
        ingest_batches(
            landing_dir, run_id=run_id, known_article_ids=known_article_ids, known_paragraphs=known_paragraphs,
            now=now, max_bytes=max_bytes, known_files=known_files, batch_files=None, workers=workers,
        )
    )
    return batches[0]


def ingest_batches(
    landing_dir: Path,
    *,
    run_id: str,
    known_article_ids: Collection[str],
    known_paragraphs: pl.DataFrame | Iterable[pl.DataFrame] | StoredFingerprints | None = None,
    now: datetime | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    known_files: pl.DataFrame | None = None,
    batch_files: int | None = 5000,
    workers: int | None = 1,
) -> Iterator[IngestBatch]:
    """`ingest_directory` in batches of about ``batch_files`` input files, so a landing directory
    of any size is read in bounded memory (None: one batch). Always yields at least one batch.

    Each batch's frames are complete for its files and can be written before the next is read.
    Later batches treat the articles of earlier ones as already stored: a copy of one is a
    ``duplicate`` of it, and near-duplicates link to it as to a stored article (so with files not
    in date order a link can point from an earlier-dated copy to a later-dated article, as it does
    across runs). An exact copy found in a later batch no longer adds its metadata to the first.

    ``known_paragraphs``: the stored fingerprints, as in `ingest_directory`, as one frame, as
    chunks of one, or already in a `StoredFingerprints` index, which the batches of this run are
    added to (`pipeline.stages` builds it on the warehouse writer's connection, so that it spills
    to disk rather than grow the process with the corpus).

    ``workers``: processes that decode, clean and split text and HTML files (default 1: all in
    this process; None: one per CPU, at most 4). They are used for batches of at least
    MIN_FILES_FOR_WORKERS files to parse; the output is the same either way. Spawned workers
    cost about a second to start and only pay off on otherwise idle cores.
    """
    root = Path(landing_dir)
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    known = known_article_ids if isinstance(known_article_ids, (set, frozenset, dict)) else set(known_article_ids)
    c = _Collector(run_id, now, known, _known_files_lookup(known_files))
    c.known_stats = _known_stats_lookup(known_files)

    entries = list(_walk(root)) if root.is_dir() else []
    if not root.is_dir():
        c.record(str(landing_dir), None, "quarantined", "landing directory does not exist")

    # Manifests first: they describe files that sort before them.
    metadata: dict[str, _Meta] = {}
    manifest_rows: dict[str, list[str]] = {}
    for entry in entries:
        if entry.problem is None and entry.name.lower() == MANIFEST_NAME:
            data, problem = _read_limited(entry.path, max_bytes)
            if data is None:
                entry.problem = problem
                continue
            text, how = decode_bytes(data)
            if text is None:
                entry.problem = how
                continue
            manifest_dir = os.path.dirname(entry.rel)
            parsed, problem = _parse_manifest(text, manifest_dir)
            if problem:
                entry.problem = problem
                continue
            metadata.update(parsed)
            manifest_rows[entry.rel] = list(parsed)

    # Stored fingerprints, and those of earlier batches, for near-duplicates across batches.
    if isinstance(known_paragraphs, StoredFingerprints):
        stored, own_index = known_paragraphs, False
    else:
        chunks = [known_paragraphs] if isinstance(known_paragraphs, pl.DataFrame) else (known_paragraphs or [])
        stored, own_index = StoredFingerprints.from_frames(chunks), True
    step = batch_files if batch_files and batch_files > 0 else max(len(entries), 1)
    seen_paths = {entry.rel for entry in entries}
    pool = _Workers(_default_workers() if workers is None else workers)
    try:
        for first in range(0, max(len(entries), 1), step):
            _ingest_entries(c, entries[first : first + step], metadata, manifest_rows, max_bytes, pool)
            last = first + step >= len(entries)
            if last:
                pool.close()  # before the polars work of the last batch, so it has the CPUs
                for manifest, names in manifest_rows.items():
                    for rel in names:
                        if rel not in seen_paths:
                            c.record(rel, None, "quarantined", f"manifest names a file that does not exist (in {manifest})")
            batch, prints = _finish(c, stored)
            if not last:
                stored.add_batch(prints, batch.articles["published_at"],
                                 batch.articles["near_duplicate_of"])
            c.next_batch()
            yield batch
    finally:
        pool.close()
        if own_index:
            stored.close()


def _default_workers() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


def _prepare_entry(
    c: _Collector, entry: _Entry, manifest_rows: dict[str, list[str]], max_bytes: int
) -> bytes | None:
    """Everything before parsing: the bytes of a file to parse, or None when it is logged
    already (quarantined before reading, a manifest, unchanged since an earlier run, empty)."""
    if entry.problem is not None:
        c.record(entry.rel, None, "quarantined", entry.problem)
        return None
    suffix = entry.suffix.lower()
    name = entry.name.lower()
    if name == MANIFEST_NAME:
        data, _ = _read_limited(entry.path, max_bytes)
        n_rows = len(manifest_rows.get(entry.rel, []))
        c.record(entry.rel, _sha(data) if data else None, "loaded", f"manifest with {n_rows} rows of metadata")
        return None
    if suffix not in TEXT_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES:
        c.record(entry.rel, None, "quarantined", f"unsupported file type ({suffix or 'no extension'})")
        return None
    if suffix not in JSONL_SUFFIXES:  # a JSONL file's lines are logged one by one, each with its hash
        try:
            stat = os.stat(entry.path)
        except OSError as exc:
            c.record(entry.rel, None, "quarantined", f"cannot read ({exc.strerror or exc})")
            return None
        c.file_stats[entry.rel] = (stat.st_size, stat.st_mtime_ns)
        known_sha = c.known_stats.get((entry.rel, stat.st_size, stat.st_mtime_ns))
        if known_sha is not None and _skip_unchanged(c, entry.rel, known_sha):
            return None
    data, problem = _read_limited(entry.path, max_bytes)
    if data is None:
        c.record(entry.rel, None, "quarantined", problem)
        return None
    if c.known_files and _skip_unchanged(c, entry.rel, _sha(data)):
        return None
    if not data.strip():
        c.record(entry.rel, _sha(data), "quarantined", "empty file")
        return None
    return data


def _parse_entry(c: _Collector, rel: str, name: str, data: bytes, meta: _Meta | None) -> None:
    entry = _Entry(rel, "", name)
    suffix = entry.suffix.lower()
    try:
        if suffix in TEXT_SUFFIXES:
            _ingest_text(c, entry, data, meta)
        elif suffix in JSONL_SUFFIXES:
            _ingest_jsonl(c, entry, data, meta)
        else:
            _ingest_html(c, entry, data, meta)
    except RecursionError:
        c.record(entry.rel, _sha(data), "quarantined", "input nested too deeply to process")
    except MemoryError:
        c.record(entry.rel, _sha(data), "quarantined", "input too large to process in memory")
    except Exception as exc:  # one unreadable file must not stop the run; the log says why
        c.record(entry.rel, _sha(data), "quarantined", f"could not be processed ({type(exc).__name__}: {exc})"[:300])


def _parse_in_worker(job: tuple[str, str, bytes, _Meta | None]) -> list[tuple[str, tuple]]:
    rec = _Recorder()
    _parse_entry(rec, *job)
    return rec.events


MIN_FILES_FOR_WORKERS = 400  # below this, starting worker processes costs more than it saves
MAX_PENDING_BYTES = 64 * 2**20


class _Workers:
    """A process pool for parsing, started on first use; if it breaks (a worker killed), the
    files are parsed in this process instead."""

    def __init__(self, n: int):
        self.n = n
        self.pool = None

    def map(self, jobs: list[tuple]) -> Iterator[list[tuple[str, tuple]]]:
        done = 0
        if self.n > 1 and len(jobs) >= MIN_FILES_FOR_WORKERS:
            try:
                if self.pool is None:
                    import multiprocessing
                    from concurrent.futures import ProcessPoolExecutor

                    # spawn, not fork, as in pipeline.stages: the parent (a Dagster step, with
                    # polars threads) has threads that fork would copy mid-lock. The caller's
                    # main script must therefore be import-safe (``if __name__ == "__main__"``).
                    ctx = multiprocessing.get_context("spawn")
                    self.pool = ProcessPoolExecutor(self.n, mp_context=ctx)
                chunk = max(8, min(64, len(jobs) // (self.n * 8)))
                for events in self.pool.map(_parse_in_worker, jobs, chunksize=chunk):
                    yield events
                    done += 1
                return
            except Exception:  # BrokenProcessPool, or no processes allowed here: parse in-process
                self.close()
                self.n = 1
        for job in jobs[done:]:
            yield _parse_in_worker(job)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _ingest_entries(
    c: _Collector, entries: list[_Entry], metadata: dict[str, _Meta], manifest_rows: dict[str, list[str]],
    max_bytes: int, workers: _Workers,
) -> None:
    """Log every entry, in order; text and HTML files are parsed by the workers. JSONL files are
    parsed here: their lines are checked one by one against the files known from earlier runs."""
    slots: list[list | None] = []  # events of each entry, or None: its turn in the worker results
    jobs: list[tuple] = []
    pending = 0

    def flush() -> None:
        nonlocal pending
        results = workers.map(jobs)
        for events in slots:
            _replay(c, next(results) if events is None else events)
        slots.clear()
        jobs.clear()
        pending = 0

    for entry in entries:
        rec = _Recorder(c)
        data = _prepare_entry(rec, entry, manifest_rows, max_bytes)
        if data is not None:
            if entry.suffix.lower() in JSONL_SUFFIXES:
                _parse_entry(rec, entry.rel, entry.name, data, metadata.get(entry.rel))
            else:
                slots.append(rec.events)
                jobs.append((entry.rel, entry.name, data, metadata.get(entry.rel)))
                slots.append(None)
                pending += len(data)
                if pending > MAX_PENDING_BYTES:  # raw bytes waiting for the workers stay bounded
                    flush()
                continue
        slots.append(rec.events)
    flush()


def _finish(c: _Collector, stored: StoredFingerprints) -> tuple[IngestBatch, Fingerprints]:
    articles = pl.DataFrame(c.articles, schema=ARTICLE_SCHEMA)
    articles = articles.with_columns(detect_languages(articles["body"]))
    prints = fingerprints(articles)
    if articles.height:
        articles = articles.with_columns(find_near_duplicates(articles, stored, prints=prints))
    log = pl.DataFrame(c.log, schema=LOG_SCHEMA)
    batch = IngestBatch(
        articles=articles,
        sentences=sentences_frame(articles, spans=c.spans),
        paragraphs=paragraphs_frame(articles, prints),
        log=log,
    )
    return batch, prints
