"""Campaigns: sweeps of parameters × seeds run on a Dask cluster.

A scenario is a plain top-level function ``scenario(**params, seed=seed)`` that runs
one simulation and returns a record (dict or dataclass; see
:mod:`netxsim.sweep.record`). A sweep runs it over a grid and/or a random sample of
parameters, times seeds, on a local Dask cluster (or a scheduler's), streams the
records to CSV, survives workers dying, and summarises and plots the outcome. Every
run is replayable from its record alone. The simulation stack never imports this
package.

    from netxsim.sweep import grid, sweep
    result = sweep("demos.sweep_smtp_loss:scenario", grid(loss=[0, 0.1], pool=[2, 9]),
                   seeds=20, workers=2, out="results.csv")
    print(result.summary())

Command line: ``python -m netxsim.sweep --help``.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from .engine import SweepResult, run_sweep
from .plan import Integers, RunSpec, Uniform, cross, grid, plan, sample
from .record import execute, quiet, replay, replay_command
from .sink import read_csv


def sweep(scenario: str | Callable[..., Any], points: Iterable[Mapping[str, Any]],
          seeds: int | Iterable[int] = 1, **options: Any) -> SweepResult:
    """Run ``scenario`` at every point × seed (see :func:`run_sweep` for ``options``)."""
    return run_sweep(scenario, plan(points, seeds), **options)


__all__ = ["sweep", "run_sweep", "SweepResult", "RunSpec", "grid", "sample", "cross", "plan", "Uniform",
           "Integers", "execute", "replay", "replay_command", "quiet", "read_csv"]
