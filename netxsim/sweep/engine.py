"""Running a sweep on Dask (``dask.distributed``): a local cluster of worker
processes by default, or the scheduler of a cluster at an address.

Runs go to the workers in batches (one task runs several runs in a row, so the
scheduler's per-task cost stays small next to a run of a few milliseconds). Each
batch's records are written to the results file as soon as it comes back. When a
worker dies, the scheduler gives its unfinished tasks to other workers. A task Dask
gives up on (its workers died ``allowed-failures`` times) makes its runs suspects:
once everything else is done, each suspect runs alone on the cluster, and one that
still takes its worker down is recorded as ``worker-died``. Records
carry their run's number, so a result can never be counted twice or go missing
unnoticed. Each worker process runs one task at a time: a kernel is one
per-process simulation, and the workers give parallelism.
"""
from __future__ import annotations

import logging
import math
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from .plan import RunSpec
from .record import execute, execute_batch, load_scenario, lost_record, scenario_name
from .sink import CsvSink, write_parquet
from .summary import summarize

OnRecord = Callable[[Mapping[str, Any]], None]


@dataclass
class SweepResult:
    """Every record of a sweep (in run order) and how long it took."""

    scenario: str
    records: list[dict[str, Any]]
    wall_seconds: float
    where: str
    duplicates: int = 0  # records of a run that had already reported (dropped)
    resubmitted: int = 0  # batches re-run after a worker died under them
    out: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [record for record in self.records if not record["ok"]]

    @property
    def runs_per_second(self) -> float:
        return len(self.records) / self.wall_seconds if self.wall_seconds else math.inf

    def summary(self, **options: Any) -> str:
        return summarize(self.records, wall_seconds=self.wall_seconds, workers=self.where, **options)

    def plot(self, path: str | Path, *, x: str, series: str | None = None, **options: Any) -> Path:
        from .plot import plot_summary
        return plot_summary(self.records, path, x=x, series=series, **options)


class Progress:
    """A one-line progress bar on stderr (runs done, rate, time left)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled, self.done = total, enabled, 0
        self.started = time.perf_counter()
        self._shown = 0.0

    def advance(self, count: int) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self._shown < 0.2 and self.done < self.total:
            return
        self._shown = now
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0.0
        filled = int(30 * self.done / max(self.total, 1))
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} runs  "
                         f"{rate:7.0f} runs/s  {left:5.0f} s left ")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _batches(runs: Sequence[RunSpec], size: int) -> list[list[RunSpec]]:
    return [list(runs[start:start + size]) for start in range(0, len(runs), size)]


def default_batch(total: int, workers: int) -> int:
    """About 20 tasks per worker, at most 100 runs per task."""
    return max(1, min(100, total // max(workers * 20, 1)))


def run_sweep(scenario: str | Callable[..., Any], runs: Sequence[RunSpec], *, workers: int = 2,
              scheduler: str | None = None, client: Any = None, out: str | Path | None = None,
              parquet: str | Path | None = None, batch: int | None = None,
              progress: bool | None = None, on_record: OnRecord | None = None,
              attempts: int = 3) -> SweepResult:
    """Run every run of ``runs`` and return a :class:`SweepResult`.

    ``scenario``: a top-level function or its ``module:function`` name. Where:
    ``client`` (a ``dask.distributed.Client`` you made), else ``scheduler`` (an address
    such as ``tcp://10.0.0.5:8786``), else a new local cluster of ``workers`` worker
    processes (closed at the end); ``workers=0`` runs everything in this process, with
    no Dask at all. ``out``: CSV written as results arrive; ``parquet``: a Parquet copy
    at the end (needs pandas and pyarrow). ``batch``: runs per task (default: about 20
    tasks per worker, at most 100). ``progress``: the progress bar (default: when stderr
    is a terminal). ``on_record(record)`` is called for each record as it arrives.
    ``attempts``: how many times a task lost for another reason than dying workers
    (e.g. a connection dropped) is resubmitted before the sweep gives up.
    """
    name = scenario_name(scenario)
    load_scenario(name)  # fail here, not on every worker, if it cannot be imported
    sink = CsvSink(out) if out is not None else None
    bar = Progress(len(runs), sys.stderr.isatty() if progress is None else progress)
    by_id: dict[int, dict[str, Any]] = {}
    state = {"duplicates": 0, "resubmitted": 0}

    def accept(records: Sequence[Mapping[str, Any]]) -> None:
        fresh = []
        for record in records:
            if record["id"] in by_id:
                state["duplicates"] += 1
                continue
            by_id[record["id"]] = dict(record)
            fresh.append(record)
        if sink is not None:
            sink.write(fresh)
        for record in fresh:
            if on_record is not None:
                on_record(record)
        bar.advance(len(fresh))

    started = time.perf_counter()
    try:
        if client is None and scheduler is None and workers == 0:
            where = "in this process"
            function = load_scenario(name)
            for chunk in _batches(runs, batch or 50):
                accept([execute(function, run) for run in chunk])
        else:
            where = _run_on_dask(name, runs, workers, scheduler, client, batch, attempts, accept, state)
    finally:
        bar.close()
        if sink is not None:
            sink.close()
    wall = time.perf_counter() - started
    missing = [run.id for run in runs if run.id not in by_id]
    if missing:  # cannot happen unless Dask lost a result without telling: say so loudly
        raise RuntimeError(f"{len(missing)} runs reported no result (first: {missing[:10]})")
    records = [by_id[run.id] for run in runs]
    if parquet is not None:
        write_parquet(records, parquet)
    return SweepResult(name, records, wall, where, state["duplicates"], state["resubmitted"],
                       Path(out) if out is not None else None)


def _run_on_dask(name: str, runs: Sequence[RunSpec], workers: int, scheduler: str | None, client: Any,
                 batch: int | None, attempts: int, accept: Callable[[Sequence[Mapping[str, Any]]], None],
                 state: dict[str, int]) -> str:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
        from distributed.scheduler import KilledWorker
    except ImportError as error:
        raise RuntimeError("sweeps on a cluster need Dask: pip install 'netxsim[sweep]' "
                           "(or run with workers=0 / --workers 0 in this process)") from error
    cluster = None
    own_client = client is None
    if own_client:
        if scheduler is not None:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.CRITICAL)
            client = Client(cluster)
    try:
        worker_count = max(len(client.scheduler_info().get("workers", {})), 1)
        where = (f"{worker_count} local workers" if cluster is not None
                 else f"{worker_count} workers at {client.scheduler.address}")
        size = batch or default_batch(len(runs), worker_count)
        token = uuid.uuid4().hex[:12]
        tries: dict[Any, tuple[list[RunSpec], int]] = {}

        def submit(chunk: list[RunSpec], attempt: int) -> Any:
            key = f"netxsim-sweep-{token}-{chunk[0].id}-{len(chunk)}-{attempt}"
            future = client.submit(execute_batch, name, chunk, key=key, pure=False)
            tries[future.key] = (chunk, attempt)
            return future

        pending = as_completed([submit(chunk, 0) for chunk in _batches(runs, size)])
        suspects: list[RunSpec] = []
        for future in pending:
            chunk, attempt = tries.pop(future.key)
            try:
                records = future.result()
            except KilledWorker:
                # Workers died under this task allowed-failures times. Dask blames every
                # task a dying worker held, so its runs are only suspects for now.
                suspects.extend(chunk)
                continue
            except Exception:
                if attempt + 1 >= attempts or future.status == "error":
                    raise
                state["resubmitted"] += 1
                pending.add(submit(chunk, attempt + 1))
                continue
            finally:
                future.release()
            accept(records)
        # Quarantine: each suspect runs alone on the cluster, so a worker dying now was
        # killed by that run and nothing else; the innocent ones simply complete.
        for run in suspects:
            state["resubmitted"] += 1
            future = submit([run], attempts)
            tries.pop(future.key)
            try:
                records = future.result()
            except KilledWorker as error:
                records = [lost_record(name, run, f"killed every worker it ran on: {error}")]
            finally:
                future.release()
            accept(records)
        return where
    finally:
        if own_client:
            client.close()
            if cluster is not None:
                cluster.close()


__all__ = ["run_sweep", "SweepResult", "default_batch"]
