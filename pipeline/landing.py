"""What is in the landing directory right now, cheaply, for the sensor to notice change."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

# Names that scrapers and editors use while a file is still being written.
PARTIAL_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".swp", "~")


@dataclass(frozen=True)
class LandingState:
    fingerprint: str  # changes when any settled file is added, removed, resized or rewritten
    settled_files: int
    unsettled_files: int  # too recent or temporary: left for the next tick


def landing_state(landing_dir: Path, settle_seconds: float = 5.0, now: float | None = None) -> LandingState:
    """Fingerprint the settled files by relative name, size and mtime (a rewrite under the same name counts)."""
    now = time.time() if now is None else now
    digest = hashlib.sha256()
    settled = unsettled = 0
    entries = []
    for root, dirs, files in os.walk(landing_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            path = Path(root) / name
            try:
                stat = path.lstat()
            except FileNotFoundError:  # removed between listing and stat
                continue
            if name.startswith(".") or name.endswith(PARTIAL_SUFFIXES) or now - stat.st_mtime < settle_seconds:
                unsettled += 1
                continue
            settled += 1
            entries.append(f"{path.relative_to(landing_dir).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode("utf-8", "surrogateescape") + b"\n")
    return LandingState(digest.hexdigest()[:32], settled, unsettled)
