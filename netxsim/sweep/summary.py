"""The summary of a sweep: counts by outcome overall and per parameter value, the
slowest runs, and every failure with the command that replays it.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any, Mapping, Sequence

from .record import replay_command


def _order(values: Sequence[Any]) -> list[Any]:
    try:
        return sorted(set(values))
    except TypeError:
        return sorted(set(values), key=repr)


def _show(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def outcome_table(records: Sequence[Mapping[str, Any]], parameter: str) -> tuple[list[Any], list[str], dict]:
    """(values of ``parameter``, outcomes, counts[value][outcome])."""
    counts: dict[Any, Counter] = defaultdict(Counter)
    for record in records:
        counts[record["params"].get(parameter)][record["outcome"]] += 1
    outcomes = [name for name, _ in Counter(r["outcome"] for r in records).most_common()]
    return _order(list(counts)), outcomes, counts


def summarize(records: Sequence[Mapping[str, Any]], *, slowest: int = 5,
              failures_shown: int | None = None, wall_seconds: float | None = None,
              workers: str = "") -> str:
    """The text summary. ``failures_shown`` caps the failure list (None: all of them)."""
    lines: list[str] = []
    total = len(records)
    outcomes = Counter(record["outcome"] for record in records)
    failed = [record for record in records if not record["ok"]]
    head = f"{total} runs"
    if wall_seconds:
        head += f" in {wall_seconds:.1f} s ({total / wall_seconds:.0f} runs/s{', ' + workers if workers else ''})"
    lines.append(head + f": {total - len(failed)} ok, {len(failed)} failed")
    lines.append("outcomes: " + ", ".join(f"{name} {count}" for name, count in outcomes.most_common()))
    parameters: list[str] = []
    for record in records:
        for name in record["params"]:
            if name not in parameters:
                parameters.append(name)
    for parameter in parameters:
        values, names, counts = outcome_table(records, parameter)
        if len(values) > 40:
            lines.append(f"\nby {parameter}: {len(values)} distinct values (see the CSV)")
            continue
        width = max([len(parameter)] + [len(_show(v)) for v in values]) + 2
        columns = [max(len(name), 5) for name in names]
        lines.append("")
        lines.append(f"by {parameter}:")
        lines.append(f"  {parameter}".ljust(width + 2) + "  ".join(n.rjust(c) for n, c in zip(names, columns))
                     + "     ok%")
        for value in values:
            row = counts[value]
            ok = sum(1 for r in records if r["params"].get(parameter) == value and r["ok"])
            share = 100.0 * ok / max(sum(row.values()), 1)
            lines.append(f"  {_show(value)}".ljust(width + 2)
                         + "  ".join(str(row.get(n, 0)).rjust(c) for n, c in zip(names, columns))
                         + f"  {share:6.1f}")
    timed = [r for r in records if not math.isnan(r["wall_seconds"])]
    if timed and slowest:
        lines.append("")
        lines.append(f"slowest {min(slowest, len(timed))} runs:")
        for record in sorted(timed, key=lambda r: r["wall_seconds"], reverse=True)[:slowest]:
            lines.append(f"  {record['wall_seconds'] * 1e3:8.1f} ms  run {record['id']}  {record['outcome']}  "
                         f"{_params(record)} seed={record['seed']}")
    if failed:
        lines.append("")
        shown = failed if failures_shown is None else failed[:failures_shown]
        lines.append(f"failures ({len(failed)}), each with the command that replays it:")
        for record in shown:
            detail = f" ({record['error']})" if record["error"] else ""
            lines.append(f"  run {record['id']}: {record['outcome']}{detail}  {_params(record)} seed={record['seed']}")
            lines.append(f"    {replay_command(record)}")
        if len(shown) < len(failed):
            lines.append(f"  ... and {len(failed) - len(shown)} more (all of them in the summary file)")
    return "\n".join(lines)


def _params(record: Mapping[str, Any]) -> str:
    return " ".join(f"{key}={_show(value)}" for key, value in record["params"].items())


__all__ = ["summarize", "outcome_table"]
