"""``python -m netxsim.sweep``: run a sweep, replay a run, or summarise a results file.

    python -m netxsim.sweep run demos.sweep_smtp_loss:scenario \\
        --grid loss=0,0.05,0.1,0.2 --grid pool=2,4,9 --seeds 50 --workers 2 \\
        --out results.csv --plot summary.png --x loss --series pool
    python -m netxsim.sweep replay demos.sweep_smtp_loss:scenario --params '{"loss": 0.2, "pool": 2}' --seed 7
    python -m netxsim.sweep replay --csv results.csv --id 123
    python -m netxsim.sweep summary results.csv --plot summary.svg --x loss --series pool
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Sequence

from .engine import run_sweep
from .plan import Integers, Uniform, cross, grid, plan, sample
from .record import replay, result_fields
from .sink import read_csv
from .summary import summarize


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _assignment(text: str) -> tuple[str, str]:
    name, sep, values = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected name=values, got {text!r}")
    return name.strip(), values


def _range(text: str) -> tuple[str, str, str]:
    name, values = _assignment(text)
    low, sep, high = values.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected name=low:high, got {text!r}")
    return name, low, high


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m netxsim.sweep",
                                     description="Sweeps of a netxsim scenario over parameters x seeds on Dask.")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run a sweep")
    run.add_argument("scenario", help="the scenario function, as module:function")
    run.add_argument("--grid", action="append", type=_assignment, default=[], metavar="NAME=V1,V2,...",
                     help="a grid axis (values are JSON: 0.1, 4, true, \"text\"; else text); repeatable")
    run.add_argument("--choice", action="append", type=_assignment, default=[], metavar="NAME=V1,V2,...",
                     help="a random axis: one of the values per sampled point")
    run.add_argument("--uniform", action="append", type=_range, default=[], metavar="NAME=LOW:HIGH",
                     help="a random axis: a float in [LOW, HIGH] per sampled point")
    run.add_argument("--integers", action="append", type=_range, default=[], metavar="NAME=LOW:HIGH",
                     help="a random axis: an integer in [LOW, HIGH] per sampled point")
    run.add_argument("--sample", type=int, default=0, metavar="N",
                     help="points drawn from the random axes (crossed with the grid)")
    run.add_argument("--sample-seed", type=int, default=0, help="seed of the parameter sample")
    run.add_argument("--seeds", type=int, default=1, metavar="N", help="seeds 0..N-1 for every point")
    run.add_argument("--seed-list", help="explicit seeds, comma-separated (instead of --seeds)")
    run.add_argument("--workers", type=int, default=2,
                     help="worker processes of the local cluster (0: run in this process, no Dask)")
    run.add_argument("--scheduler", help="address of a Dask scheduler to run on instead of a local cluster")
    run.add_argument("--batch", type=int, help="runs per Dask task (default: about 20 tasks per worker)")
    run.add_argument("--out", default="sweep-results.csv", help="results CSV, written as runs finish")
    run.add_argument("--parquet", help="also write the results as Parquet (needs pandas and pyarrow)")
    run.add_argument("--summary", help="write the full summary here (default: next to --out)")
    run.add_argument("--failures-shown", type=int, default=20,
                     help="failures printed on the terminal (the summary file has them all)")
    _plot_options(run)
    run.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                     help="progress bar (default: when stderr is a terminal)")

    again = commands.add_parser("replay", help="run one run again, loudly, from its record")
    again.add_argument("scenario", nargs="?", help="module:function (or use --csv and --id)")
    again.add_argument("--params", default="{}", help="the run's parameters, as JSON")
    again.add_argument("--seed", type=int, default=0)
    again.add_argument("--csv", help="a results CSV to take the record from")
    again.add_argument("--id", type=int, help="the run's number in that CSV")

    summary = commands.add_parser("summary", help="summarise (and plot) a results CSV")
    summary.add_argument("csv")
    summary.add_argument("--failures-shown", type=int, default=None)
    _plot_options(summary)
    return parser


def _plot_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plot", help="write a plot of the summary (PNG, SVG or PDF by suffix)")
    parser.add_argument("--x", help="parameter on the plot's x axis (default: the first one)")
    parser.add_argument("--series", help="parameter drawn as one line per value")


def _points(args: argparse.Namespace) -> list[dict[str, Any]]:
    axes = {name: [_value(v) for v in values.split(",")] for name, values in args.grid}
    space: dict[str, Any] = {name: [_value(v) for v in values.split(",")] for name, values in args.choice}
    space.update({name: Uniform(float(low), float(high)) for name, low, high in args.uniform})
    space.update({name: Integers(int(low), int(high)) for name, low, high in args.integers})
    if space and args.sample <= 0:
        raise SystemExit("random axes (--choice/--uniform/--integers) need --sample N")
    parts = [grid(**axes)] if axes else []
    if space:
        parts.append(sample(args.sample, args.sample_seed, **space))
    return cross(*parts) if parts else [{}]


def _plot(records: list[dict[str, Any]], args: argparse.Namespace, title: str) -> None:
    if not args.plot or not records:
        return
    from .plot import plot_summary
    x = args.x or next(iter(records[0]["params"]), None)
    if x is None:
        raise SystemExit("--plot needs a parameter to put on the x axis")
    print(f"plot: {plot_summary(records, args.plot, x=x, series=args.series, title=title)}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        seeds: Any = [int(s) for s in args.seed_list.split(",")] if args.seed_list else args.seeds
        runs = plan(_points(args), seeds)
        result = run_sweep(args.scenario, runs, workers=args.workers, scheduler=args.scheduler,
                           out=args.out, parquet=args.parquet, batch=args.batch, progress=args.progress)
        full = result.summary()
        summary_path = Path(args.summary or Path(args.out).with_suffix(".summary.txt"))
        summary_path.write_text(full + "\n", encoding="utf-8")
        print(result.summary(failures_shown=args.failures_shown))
        print(f"\nresults: {args.out}   summary: {summary_path}")
        _plot(result.records, args, f"{args.scenario}: {len(result.records)} runs")
        return 0
    if args.command == "replay":
        if args.csv:
            if args.id is None:
                raise SystemExit("--csv needs --id")
            [record] = [r for r in read_csv(args.csv) if r["id"] == args.id]
        elif args.scenario:
            record = {"scenario": args.scenario, "params": json.loads(args.params), "seed": args.seed}
        else:
            raise SystemExit("replay needs a scenario (module:function) or --csv and --id")
        print(f"replaying {record['scenario']} params={json.dumps(record['params'])} seed={record['seed']}")
        result = replay(record)
        print(json.dumps(result_fields(result), indent=2))
        return 0
    records = read_csv(args.csv)
    print(summarize(records, failures_shown=args.failures_shown))
    _plot(records, args, f"{records[0]['scenario'] if records else args.csv}: {len(records)} runs")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
