"""A picture of a sweep's summary (matplotlib): the share of successful runs against
one parameter, one line per value of another, and beside it how the runs ended
(every outcome's share, stacked) against the same parameter.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Mapping, Sequence


def plot_summary(records: Sequence[Mapping[str, Any]], path: str | Path, *, x: str,
                 series: str | None = None, title: str | None = None,
                 success_label: str = "successful runs") -> Path:
    """Write the plot to ``path`` (PNG, SVG or PDF by its suffix) and return the path."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = sorted({record["params"][x] for record in records})
    groups = sorted({record["params"].get(series) for record in records}) if series else [None]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    markers = "osD^vP*X"
    for number, group in enumerate(groups):
        share = []
        for value in xs:
            chosen = [r for r in records if r["params"][x] == value
                      and (series is None or r["params"].get(series) == group)]
            share.append(100.0 * sum(r["ok"] for r in chosen) / len(chosen) if chosen else float("nan"))
        label = f"{series} = {group}" if series else None
        # Distinct markers and sizes: lines that coincide stay visible under each other.
        left.plot(xs, share, marker=markers[number % len(markers)], markersize=7 - 1.2 * (number % 4),
                  linewidth=1.4, alpha=0.85, label=label)
    left.set_xlabel(x)
    left.set_ylabel(f"{success_label} (%)")
    left.set_ylim(-2, 102)
    left.grid(alpha=0.3)
    if series:
        left.legend(fontsize=8)
    by_value: dict[Any, Counter] = defaultdict(Counter)
    for record in records:
        by_value[record["params"][x]][record["outcome"]] += 1
    outcomes = [name for name, _ in Counter(r["outcome"] for r in records).most_common()]
    bottoms = [0.0] * len(xs)
    for outcome in outcomes:
        heights = [100.0 * by_value[v][outcome] / max(sum(by_value[v].values()), 1) for v in xs]
        right.fill_between(xs, bottoms, [b + h for b, h in zip(bottoms, heights)], step=None,
                           alpha=0.8, label=outcome)
        bottoms = [b + h for b, h in zip(bottoms, heights)]
    right.set_xlabel(x)
    right.set_ylabel("runs (%)")
    right.set_ylim(0, 100)
    right.set_title("how the runs ended" + (f" (all {series} values)" if series else ""), fontsize=10)
    right.legend(fontsize=8, loc="lower left")
    fig.suptitle(title or f"{len(records)} runs")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


__all__ = ["plot_summary"]
