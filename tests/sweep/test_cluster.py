"""Sweeps on a local Dask cluster: the same records as in one process, and a worker
killed in the middle of a sweep loses no result and duplicates none."""
from __future__ import annotations

import csv
import os
import signal

import pytest

distributed = pytest.importorskip("distributed", reason="the cluster tests need dask.distributed "
                                  "(pip install -e '.[test]')")

from netxsim.sweep import grid, plan, run_sweep  # noqa: E402

SLOW = "tests.sweep.scenarios:slow_gate"


@pytest.fixture(scope="module")
def client():
    import logging
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=logging.CRITICAL)
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


def _essentials(record: dict) -> tuple:
    result = record["result"]
    return (record["id"], record["params"], record["seed"], record["outcome"], record["ok"],
            result["ticks"], result["got"], result["timeouts"])


def test_a_cluster_sweep_matches_the_same_sweep_in_one_process(client) -> None:
    runs = plan(grid(waiters=[1, 2, 4], posts=[0, 2, 4]), seeds=4)  # 36 runs
    on_cluster = run_sweep("tests.sweep.scenarios:gate", runs, client=client, batch=3)
    here = run_sweep("tests.sweep.scenarios:gate", runs, workers=0)
    assert [_essentials(r) for r in on_cluster.records] == [_essentials(r) for r in here.records]
    assert len({r["result"]["pid"] for r in on_cluster.records}) == 2  # both workers ran some
    assert os.getpid() not in {r["result"]["pid"] for r in on_cluster.records}


def test_killing_a_worker_mid_sweep_loses_and_duplicates_nothing(client, tmp_path) -> None:
    runs = plan(grid(waiters=[1, 3], posts=[0, 2]), seeds=12)  # 48 runs of 50 ms wall each
    out = tmp_path / "killed.csv"
    killed: dict = {}

    def kill_one_worker(record: dict) -> None:
        if killed:
            return
        processing = {worker: keys for worker, keys in client.processing().items() if keys}
        if not processing:
            return
        pids = client.run(os.getpid)
        worker, keys = next(iter(processing.items()))
        in_flight = set()
        for key in keys:  # netxsim-sweep-<token>-<first run>-<runs>-<attempt>
            first, count = (int(part) for part in str(key).split("-")[3:5])
            in_flight.update(range(first, first + count))
        killed.update(pid=pids[worker], runs=in_flight)
        os.kill(pids[worker], signal.SIGKILL)

    result = run_sweep(SLOW, runs, client=client, batch=2, out=out, on_record=kill_one_worker)
    assert killed, "no worker was busy: nothing was killed"
    # Every run reported exactly once, in the result and in the CSV.
    assert [r["id"] for r in result.records] == list(range(len(runs)))
    ids = [int(row["id"]) for row in csv.DictReader(open(out, newline=""))]
    assert sorted(ids) == list(range(len(runs))) and len(ids) == len(set(ids))
    # The runs the dead worker had were run again elsewhere, with the same results.
    rerun = [r for r in result.records if r["id"] in killed["runs"]]
    assert rerun and any(r["result"]["pid"] != killed["pid"] for r in rerun)
    from .scenarios import gate
    for record in rerun + result.records[:6]:
        expected = gate(**record["params"], seed=record["seed"])
        assert (record["outcome"], record["result"]["ticks"], record["result"]["got"]) == \
            (expected.outcome, expected.ticks, expected.got)
    assert all(r["outcome"] in ("completed", "deadlock") for r in result.records)


def test_a_run_that_kills_every_worker_is_recorded_as_worker_died() -> None:
    """Dask gives up on a task that took its workers down (allowed-failures); the sweep
    then runs that batch's runs one by one, and records the one that still kills its
    worker as ``worker-died`` (with its replay command) instead of losing it; the runs that
    merely shared a dying worker with it are run again, alone, and kept."""
    import dask
    import logging
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=":0", silence_logs=logging.CRITICAL)
        try:
            with distributed.Client(cluster) as client:
                runs = plan(grid(x=[0, 1]), seeds=4)  # x=1, seed=2 kills its worker
                result = run_sweep("tests.sweep.scenarios:fatal", runs, client=client, batch=4)
        finally:
            cluster.close()
    assert [r["id"] for r in result.records] == list(range(8))
    [dead] = result.failures
    assert (dead["params"], dead["seed"], dead["outcome"]) == ({"x": 1}, 2, "worker-died")
    assert "killed every worker" in dead["error"] and result.resubmitted >= 4
    assert [r["result"]["value"] for r in result.records if r["ok"]] == [0, 1, 2, 3, 10, 11, 13]
    assert "--seed 2" in result.summary()
