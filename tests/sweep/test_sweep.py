"""Sweeps run in this process (``workers=0``): records, the streamed CSV, quiet runs,
the summary with replay commands, replay, the command line."""
from __future__ import annotations

import csv
import json
import shlex

import pytest

from netxsim.sweep import grid, plan, read_csv, replay, replay_command, run_sweep, sweep
from netxsim.sweep.cli import main
from netxsim.sweep.record import ERROR, scenario_name

from .scenarios import GateResult, flaky, gate

GATE = "tests.sweep.scenarios:gate"


def test_a_small_sweep_gives_one_deterministic_record_per_run(tmp_path, capsys) -> None:
    out = tmp_path / "gate.csv"
    result = sweep(GATE, grid(waiters=[1, 2, 3], posts=[0, 1, 3]), seeds=4, workers=0, out=out)
    assert [r["id"] for r in result.records] == list(range(36)) and result.duplicates == 0
    # Quiet: none of the deadlocks was reported while the sweep ran.
    assert capsys.readouterr().err == ""
    for record in result.records:
        expected = gate(**record["params"], seed=record["seed"])
        assert (record["outcome"], record["ok"]) == (expected.outcome, expected.ok)
        assert {k: record["result"][k] for k in ("ticks", "got", "timeouts")} == \
            {"ticks": expected.ticks, "got": expected.got, "timeouts": expected.timeouts}
        assert record["scenario"] == GATE and record["netxsim_version"]
    outcomes = {r["outcome"] for r in result.records}
    assert outcomes == {"completed", "deadlock"}
    # The CSV holds the same records, one row per run.
    rows = list(csv.DictReader(open(out, newline="")))
    assert [int(row["id"]) for row in rows] == list(range(36))
    back = read_csv(out)
    assert [(r["id"], r["outcome"], r["params"], r["seed"], r["result"]["ticks"]) for r in back] == \
        [(r["id"], r["outcome"], r["params"], r["seed"], r["result"]["ticks"]) for r in result.records]


def test_summary_counts_outcomes_per_value_and_replays_every_failure() -> None:
    result = sweep(GATE, grid(waiters=[1, 3], posts=[0, 3]), seeds=3, workers=0)
    text = result.summary()
    failures = result.failures
    assert failures and all(r["outcome"] == "deadlock" for r in failures)
    assert f"{len(result.records)} runs" in text and f"{len(failures)} failed" in text
    assert "by waiters:" in text and "by posts:" in text and "slowest 5 runs:" in text
    for record in failures:
        assert replay_command(record) in text
    # The table: one row per value, one column per outcome, and the share of ok runs.
    table = text.split("by posts:")[1].strip().splitlines()
    header = table[0].split()
    assert header[0] == "posts" and header[-1] == "ok%" and set(header[1:-1]) == {"completed", "deadlock"}
    for line in table[1:3]:
        value, *counts, share = line.split()
        chosen = [r for r in result.records if r["params"]["posts"] == int(value)]
        assert [int(c) for c in counts] == [sum(r["outcome"] == name for r in chosen) for name in header[1:-1]]
        assert float(share) == round(100 * sum(r["ok"] for r in chosen) / len(chosen), 1)
    assert [line.split()[0] for line in table[1:3]] == ["0", "3"]


def test_replay_gives_what_the_record_holds() -> None:
    [record] = sweep(GATE, [{"waiters": 3, "posts": 1}], seeds=[11], workers=0).records
    again = replay(record)
    assert isinstance(again, GateResult)
    assert (again.outcome, again.ticks, again.got, again.timeouts) == \
        (record["outcome"], record["result"]["ticks"], record["result"]["got"], record["result"]["timeouts"])
    command = shlex.split(replay_command(record))
    assert command[:5] == ["python", "-m", "netxsim.sweep", "replay", GATE]
    assert json.loads(command[command.index("--params") + 1]) == {"waiters": 3, "posts": 1}
    assert command[command.index("--seed") + 1] == "11"


def test_an_exception_is_a_recorded_failure_and_printing_is_captured(capsys) -> None:
    result = run_sweep(flaky, plan(grid(x=[1, 2]), seeds=5), workers=0)
    assert capsys.readouterr().out == ""
    errors = [r for r in result.records if r["outcome"] == ERROR]
    assert [r["seed"] for r in errors] == [3, 3] and all("ValueError: bad seed 3" in r["error"] for r in errors)
    fine = [r for r in result.records if r["outcome"] != ERROR]
    assert {(r["outcome"], r["ok"], r["result"]["double"]) for r in fine} == {("odd", False, 2), ("even", True, 4)}
    assert fine[0]["output"] == f"flaky x=1 seed={fine[0]['seed']}\n"
    assert scenario_name(flaky) == "tests.sweep.scenarios:flaky"
    with pytest.raises(ValueError, match="bad seed 3"):
        replay(errors[0])


def test_a_scenario_must_be_importable_by_name() -> None:
    with pytest.raises(ValueError, match="not importable"):
        run_sweep(lambda seed: {}, plan([{}]), workers=0)


def test_command_line_run_summary_and_replay(tmp_path, capsys) -> None:
    out = tmp_path / "r.csv"
    assert main(["run", GATE, "--grid", "waiters=1,3", "--grid", "posts=0,2", "--seeds", "3",
                 "--workers", "0", "--out", str(out), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "12 runs" in printed and "by waiters:" in printed
    summary_file = tmp_path / "r.summary.txt"
    assert summary_file.read_text().startswith("12 runs")
    records = read_csv(out)
    assert len(records) == 12
    failure = next(r for r in records if not r["ok"])
    assert main(["replay", "--csv", str(out), "--id", str(failure["id"])]) == 0
    replayed = capsys.readouterr()
    assert '"outcome": "deadlock"' in replayed.out
    assert "run ended at tick" in replayed.err  # a replay is loud: the deadlock report shows
    assert main(["summary", str(out)]) == 0
    assert "12 runs" in capsys.readouterr().out


def test_command_line_random_sample_and_plot(tmp_path, capsys) -> None:
    pytest.importorskip("matplotlib", reason="the plot needs matplotlib (pip install 'netxsim[sweep]')")
    out, picture = tmp_path / "r.csv", tmp_path / "r.svg"
    assert main(["run", GATE, "--integers", "waiters=1:4", "--choice", "posts=0,5", "--sample", "6",
                 "--seeds", "2", "--workers", "0", "--out", str(out), "--plot", str(picture),
                 "--x", "waiters", "--series", "posts", "--no-progress"]) == 0
    assert len(read_csv(out)) == 12
    assert picture.read_text().lstrip().startswith("<?xml") and "<svg" in picture.read_text()


def test_parquet_copy_of_the_results(tmp_path) -> None:
    pandas = pytest.importorskip("pandas", reason="Parquet output needs pandas and pyarrow (optional)")
    pytest.importorskip("pyarrow", reason="Parquet output needs pandas and pyarrow (optional)")
    path = tmp_path / "r.parquet"
    result = sweep(GATE, grid(waiters=[1, 2]), seeds=3, workers=0, parquet=path)
    table = pandas.read_parquet(path)
    assert list(table["id"]) == list(range(6))
    assert list(table["outcome"]) == [r["outcome"] for r in result.records]


def test_progress_bar_counts_runs_on_stderr(capsys) -> None:
    sweep(GATE, grid(waiters=[1, 2]), seeds=5, workers=0, progress=True, batch=2)
    err = capsys.readouterr().err
    assert "10/10 runs" in err and "runs/s" in err and err.endswith("\n")


def test_the_module_runs_as_a_command() -> None:
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-m", "netxsim.sweep", "run", "--help"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and "--scheduler" in done.stdout and "module:function" in done.stdout
