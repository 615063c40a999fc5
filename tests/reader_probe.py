"""A separate process that queries the published warehouse in a loop, as an analyst would.

It records every state it saw and every error; a state is complete when the row counts of the
marts equal what the publication record says was published.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb


def probe(published: Path, stop_file: Path, out: Path) -> None:
    seen, errors, reads, waits = set(), [], 0, 0
    while not stop_file.exists():
        if not published.exists():
            waits += 1
            time.sleep(0.05)
            continue
        try:
            con = duckdb.connect(str(published), read_only=True)
            try:
                run_id, recorded = con.execute(
                    "select run_id, table_counts from meta.publications order by published_at desc limit 1"
                ).fetchone()
                recorded = json.loads(recorded)
                for table in ("marts.incidents", "marts.attacks_per_province_week", "news.incident_reports"):
                    actual = con.execute(f"select count(*) from {table}").fetchone()[0]
                    if actual != recorded[table]:
                        errors.append(f"incomplete state: {table} has {actual}, publication says {recorded[table]}")
                seen.add(run_id)
                reads += 1
            finally:
                con.close()
        except Exception as error:  # any error at all is a failure of the guarantee
            errors.append(f"{type(error).__name__}: {error}")
        time.sleep(0.02)
    out.write_text(json.dumps({"reads": reads, "waits": waits, "errors": errors, "runs_seen": sorted(seen)}))


if __name__ == "__main__":
    probe(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
