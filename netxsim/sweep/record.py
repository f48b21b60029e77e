"""One run of a scenario, as a record: what ran (scenario, netxsim version, parameters,
seed), what came out (the outcome and whatever the scenario returned), how long it
took, and how to run it again.

A scenario is a plain function called as ``scenario(**params, seed=seed)``; it returns a
dict or a dataclass (anything else is stored under ``value``). Two keys mean something
to the sweep: ``outcome`` (a short label such as ``"delivered"`` or a status name; by
default ``"ok"``) and ``ok`` (whether the run counts as a success; by default True).
A scenario that raises gives outcome ``"error"`` with the exception in ``error``.
Everything is deterministic in (scenario, netxsim version, parameters, seed), so
:func:`replay` runs it again, loudly this time.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib
import io
import json
import logging
import shlex
import sys
import time
import traceback
import warnings
from importlib import metadata
from typing import Any, Callable, Iterator, Mapping, Sequence

from .plan import RunSpec

ERROR = "error"              # the scenario raised
WORKER_DIED = "worker-died"  # the run took its worker down every time it was tried
OUTPUT_LIMIT = 2000          # characters of a run's captured printing kept in its record


@functools.cache
def netxsim_version() -> str:
    """The installed netxsim's version (read once: it costs a metadata look-up)."""
    try:
        return metadata.version("netxsim")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source checkout
        return "unknown"


def scenario_name(scenario: str | Callable[..., Any]) -> str:
    """``module:function`` of a scenario (what records and replay commands name)."""
    if isinstance(scenario, str):
        if ":" not in scenario:
            raise ValueError(f"a scenario is named module:function, got {scenario!r}")
        return scenario
    module, qualname = getattr(scenario, "__module__", None), getattr(scenario, "__qualname__", "")
    if not module or "<" in qualname:
        raise ValueError(f"{scenario!r} is not importable by name: define the scenario at the top "
                         "level of a module, so workers and replays can find it")
    if module == "__main__":
        main = sys.modules.get("__main__")
        spec = getattr(main, "__spec__", None)
        if spec is None or not spec.name:
            raise ValueError(f"{qualname} lives in a script run by path: run it with python -m "
                             "so that workers and replays can import it")
        module = spec.name
    return f"{module}:{qualname}"


def load_scenario(name: str) -> Callable[..., Any]:
    module_name, _, qualname = scenario_name(name).partition(":")
    target: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    if not callable(target):
        raise TypeError(f"{name} is not callable")
    return target


@contextlib.contextmanager
def quiet() -> Iterator[io.StringIO]:
    """Campaign runs are quiet: netxsim's reports (deadlocks) are not emitted, Python
    warnings are muted and what the run prints is captured (yielded) instead of shown."""
    logger = logging.getLogger("netxsim")
    saved = logger.level
    logger.setLevel(logging.ERROR)
    captured = io.StringIO()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(captured), \
                contextlib.redirect_stderr(captured):
            warnings.simplefilter("ignore")
            yield captured
    finally:
        logger.setLevel(saved)


def _plain(value: Any) -> Any:
    """A value a CSV cell and JSON can hold (nested things become their repr)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return repr(value)


def result_fields(result: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        result = dataclasses.asdict(result)
    if not isinstance(result, Mapping):
        result = {"value": result}
    return {str(key): _plain(value) for key, value in result.items()}


def execute(scenario: str | Callable[..., Any], run: RunSpec, *, loud: bool = False) -> dict[str, Any]:
    """Run one scenario run and return its record (quietly unless ``loud``)."""
    name = scenario_name(scenario)
    function = load_scenario(name) if isinstance(scenario, str) else scenario
    record: dict[str, Any] = {"id": run.id, "scenario": name, "netxsim_version": netxsim_version(),
                              "params": dict(run.params), "seed": run.seed}
    started = time.perf_counter()
    output = ""
    try:
        if loud:
            result = function(**run.params, seed=run.seed)
        else:
            with quiet() as captured:
                try:
                    result = function(**run.params, seed=run.seed)
                finally:
                    output = captured.getvalue()
    except Exception as error:  # the scenario's failure is a result, not the sweep's
        record.update(outcome=ERROR, ok=False, result={},
                      error="".join(traceback.format_exception_only(error)).strip(),
                      traceback="".join(traceback.format_exception(error))[-4000:])
    else:
        fields = result_fields(result)
        record.update(outcome=str(fields.pop("outcome", "ok")), ok=bool(fields.pop("ok", True)),
                      result=fields, error="", traceback="")
    record["wall_seconds"] = time.perf_counter() - started
    record["output"] = output[-OUTPUT_LIMIT:]
    return record


def execute_batch(scenario: str, runs: Sequence[RunSpec]) -> list[dict[str, Any]]:
    """Run several runs in a row (one task on a worker)."""
    function = load_scenario(scenario)
    return [execute(function, run) for run in runs]


def lost_record(scenario: str, run: RunSpec, why: str) -> dict[str, Any]:
    """The record of a run that could not be run (it killed every worker it ran on)."""
    return {"id": run.id, "scenario": scenario_name(scenario), "netxsim_version": netxsim_version(),
            "params": dict(run.params), "seed": run.seed, "outcome": WORKER_DIED, "ok": False,
            "result": {}, "error": why, "traceback": "", "wall_seconds": float("nan"), "output": ""}


def replay_command(record: Mapping[str, Any]) -> str:
    """The shell command that runs this record's run again, loudly."""
    params = json.dumps(dict(record["params"]), sort_keys=True)
    return (f"python -m netxsim.sweep replay {shlex.quote(record['scenario'])} "
            f"--params {shlex.quote(params)} --seed {record['seed']}")


def replay(record: Mapping[str, Any]) -> Any:
    """Run a record's run again in this process and return what the scenario returns
    (exceptions propagate; netxsim's reports and the run's printing are shown). Warns
    when the record was made by another netxsim version."""
    version = record.get("netxsim_version")
    if version and version != netxsim_version():
        warnings.warn(f"the record was made with netxsim {version}, this is {netxsim_version()}: "
                      "the replay may differ", stacklevel=2)
    params = record["params"]
    if isinstance(params, str):
        params = json.loads(params)
    return load_scenario(record["scenario"])(**params, seed=int(record["seed"]))


__all__ = ["execute", "execute_batch", "replay", "replay_command", "quiet", "scenario_name",
           "load_scenario", "netxsim_version", "ERROR", "WORKER_DIED"]
