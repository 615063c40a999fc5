"""`sitrep`: the analyst's and operator's command line.

    sitrep run                      materialise every asset (Dagster), on SITREP_ARTICLES_DIR
    sitrep query SQL [-p VALUE...]  read-only SQL on the published warehouse; ? placeholders
    sitrep report [--chart PNG]     the weekly attacks table, and its chart as PNG
    sitrep eval [...]               score the warehouse against the gold annotations

Every command reads the published file (SITREP_DUCKDB_PATH), never the file a run writes, so
it works while the pipeline runs and sees the last complete state.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl

from pipeline import settings
from pipeline.report import CHART_MART, format_table, render_weekly_chart, weekly_attacks
from pipeline.warehouse import Warehouse

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _warehouse(args: argparse.Namespace) -> Warehouse:
    return Warehouse(settings.duckdb_path(args.db))


def cmd_run(args: argparse.Namespace) -> int:
    dagster = Path(sys.executable).parent / "dagster"
    env = dict(os.environ)
    env["PATH"] = f"{dagster.parent}{os.pathsep}{env.get('PATH', '')}"
    if args.db:
        env["SITREP_DUCKDB_PATH"] = str(Path(args.db).resolve())
    if args.articles:
        env["SITREP_ARTICLES_DIR"] = str(Path(args.articles).resolve())
    command = [str(dagster), "asset", "materialize", "-m", "assets.definitions", "--select", args.select]
    return subprocess.run(command, cwd=PROJECT_ROOT, env=env).returncode


def cmd_query(args: argparse.Namespace) -> int:
    # Values travel as bound parameters; the SQL text is the analyst's own, run read-only.
    con = _warehouse(args).reader()
    try:
        frame = pl.from_arrow(con.sql(args.sql, params=args.param or None).to_arrow_table())
    finally:
        con.close()
    if args.format == "csv":
        sys.stdout.write(frame.write_csv())
    elif args.format == "json":
        sys.stdout.write(frame.write_json() + "\n")
    else:
        print(format_table(frame))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    store = _warehouse(args)
    con = store.reader()
    try:
        weekly = weekly_attacks(con)
    finally:
        con.close()
    print("Attacks per province per ISO week (non-zero rows of marts.attacks_per_province_week)")
    print(format_table(weekly))
    chart = Path(args.chart) if args.chart else store.published_path.parent / "reports" / f"{CHART_MART}.png"
    render_weekly_chart(weekly, chart)
    print(f"chart: {chart}")
    return 0


def cmd_eval(args: argparse.Namespace, rest: list[str]) -> int:
    from pipeline.evaluate import main as evaluate_main

    forwarded = list(rest)
    if args.db:
        forwarded = ["--db", args.db, *forwarded]
    return evaluate_main(forwarded)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sitrep", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="warehouse file (default: SITREP_DUCKDB_PATH or data/sitrep.duckdb)")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="materialise every asset with Dagster")
    run.add_argument("--articles", help="landing directory (default: SITREP_ARTICLES_DIR or the samples)")
    run.add_argument("--select", default="*", help="Dagster asset selection (default: everything)")

    query = sub.add_parser("query", help="run read-only SQL; bind values with ? and -p")
    query.add_argument("sql")
    query.add_argument("-p", "--param", action="append", help="a value for the next ? placeholder")
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")

    report = sub.add_parser("report", help="print the weekly table and write its chart")
    report.add_argument("--chart", help="PNG path (default: <warehouse dir>/reports/attacks_per_province_week.png)")

    sub.add_parser("eval", help="score extraction against gold annotations (see sitrep eval --help)",
                   add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.command == "eval":
        return cmd_eval(args, rest)
    if rest:
        parser.error(f"unrecognised arguments: {' '.join(rest)}")
    try:
        return {"run": cmd_run, "query": cmd_query, "report": cmd_report}[args.command](args)
    except FileNotFoundError as error:
        print(f"sitrep: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # duckdb errors: show the message, not a traceback
        if type(error).__module__.startswith("duckdb") or isinstance(error, json.JSONDecodeError):
            print(f"sitrep: {type(error).__name__}: {error}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
