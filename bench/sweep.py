"""Sweep throughput: the same sweep on a local Dask cluster and in one process, side by side.

The sweep is ``demos/sweep_smtp_loss.py``'s: the guide's SMTP demo over loss rate × client
pool size, ``--runs`` runs in all (default 10,000, rounded up to whole seeds per point).
It runs once on a local cluster of ``--workers`` worker processes (cluster start-up
included in the time) and once in this process with no Dask, and prints both per-run
rates, their ratio next to the expectation (close to the worker count on that many free
cores), the time per run inside the scenario and how many runs were in progress on
average (what the cluster lost to contention for cores, against what it lost to start-up
and scheduling), whether both gave identical records, and the load average before and
after (on a shared machine other jobs take cores from both sides).

Run: ``pip install -e '.[sweep]'`` then ``python -m bench.sweep [--runs N] [--workers N]``.
"""
from __future__ import annotations

import argparse
import os

from demos.sweep_smtp_loss import LOSS_RATES, POOL_PACKETS
from netxsim.sweep import grid, plan, run_sweep

SCENARIO = "demos.sweep_smtp_loss:scenario"


def essentials(records: list[dict]) -> list[tuple]:
    return [(r["id"], r["outcome"], r["result"].get("ticks"), r["result"].get("dropped")) for r in records]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    points = grid(loss=LOSS_RATES, pool=POOL_PACKETS)
    runs = plan(points, -(-args.runs // len(points)))
    print(f"{len(runs)} runs of {SCENARIO}; load average before: {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} cores")
    cluster = run_sweep(SCENARIO, runs, workers=args.workers, progress=False)
    print(f"  cluster ({cluster.where}): {cluster.wall_seconds:6.1f} s  {cluster.runs_per_second:6.1f} runs/s "
          f"(start-up included); load average {os.getloadavg()[0]:.2f}")
    single = run_sweep(SCENARIO, runs, workers=0, progress=False)
    print(f"  one process:              {single.wall_seconds:6.1f} s  {single.runs_per_second:6.1f} runs/s; "
          f"load average {os.getloadavg()[0]:.2f}")
    ratio = cluster.runs_per_second / single.runs_per_second
    print(f"  cluster / one process: {ratio:.2f}x   (expected close to {args.workers}x on {args.workers} free cores)")
    for label, result in (("cluster", cluster), ("one process", single)):
        busy = sum(r["wall_seconds"] for r in result.records)
        print(f"  {label}: {busy / len(result.records) * 1e3:.2f} ms per run inside the scenario, "
              f"{busy / result.wall_seconds:.2f} runs in progress on average")
    same = essentials(cluster.records) == essentials(single.records)
    print(f"  identical records (outcome, ticks, frames dropped) both ways: {same}")


if __name__ == "__main__":
    main()
