"""Settings of the contract, read when called (never at import time)."""

from __future__ import annotations

import os
import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SAMPLE_ARTICLES_DIR = PACKAGE_DIR / "sample_data" / "articles"
DEFAULT_DUCKDB_PATH = Path("data/sitrep.duckdb")


def articles_dir(override: str | os.PathLike | None = None) -> Path:
    """The landing directory: the override, else SITREP_ARTICLES_DIR, else the bundled samples."""
    value = override or os.environ.get("SITREP_ARTICLES_DIR")
    return Path(value).expanduser().resolve() if value else SAMPLE_ARTICLES_DIR


def duckdb_path(override: str | os.PathLike | None = None) -> Path:
    """The published warehouse file analysts open (absolute, so dbt's cwd does not matter)."""
    value = override or os.environ.get("SITREP_DUCKDB_PATH") or DEFAULT_DUCKDB_PATH
    return Path(value).expanduser().resolve()


def extract_workers(override: int | None = None) -> int:
    """Processes for extracting a large backlog: SITREP_EXTRACT_WORKERS, else one per core."""
    value = override or int(os.environ.get("SITREP_EXTRACT_WORKERS", "0") or 0)
    return max(1, value or (os.cpu_count() or 1))


def duckdb_memory_limit(cap: str | None = None) -> str:
    """DuckDB's memory limit for the pipeline's own connections and dbt's (which reads the same
    variable in dbt_project/profiles.yml): SITREP_DUCKDB_MEMORY_LIMIT, else 1GB; at most ``cap``
    (a step that needs less) when that is lower."""
    limit = os.environ.get("SITREP_DUCKDB_MEMORY_LIMIT") or "1GB"
    return cap if cap is not None and _bytes(cap) < _bytes(limit) else limit


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(i?)B\s*$", re.IGNORECASE)


def _bytes(size: str) -> float:
    """A DuckDB size setting ("1GB", "512MiB") in bytes; an unreadable one counts as unbounded,
    so it is passed on to DuckDB as given (DuckDB says what is wrong with it)."""
    m = _SIZE.match(size)
    if not m:
        return float("inf")
    base = 1024 if m.group(3) else 1000
    return float(m.group(1)) * base ** " KMGT".index(m.group(2).upper() or " ")
