"""What a sweep runs: points of a parameter space (a grid and/or a random sample)
crossed with seeds, each run numbered so that a lost result can be told from a
duplicate and every record names exactly what produced it.
"""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: its number in the plan, its parameters and its seed."""

    id: int
    params: Mapping[str, Any]
    seed: int


@dataclass(frozen=True)
class Uniform:
    """A float drawn uniformly in [low, high] (for :func:`sample`)."""

    low: float
    high: float

    def draw(self, rng: random.Random) -> float:
        return rng.uniform(self.low, self.high)


@dataclass(frozen=True)
class Integers:
    """An integer drawn uniformly in [low, high], both included (for :func:`sample`)."""

    low: int
    high: int

    def draw(self, rng: random.Random) -> int:
        return rng.randint(self.low, self.high)


def grid(**axes: Sequence[Any]) -> list[dict[str, Any]]:
    """Every combination of the axes' values, the first axis varying slowest."""
    names = list(axes)
    for name, values in axes.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            raise TypeError(f"grid axis {name!r} needs a sequence of values, got {values!r}")
    return [dict(zip(names, values)) for values in itertools.product(*(list(axes[n]) for n in names))]


def sample(count: int, seed: int = 0, **space: Any) -> list[dict[str, Any]]:
    """``count`` points drawn at random (reproducibly, from ``seed``): a :class:`Uniform`
    or :class:`Integers` axis is drawn from, a sequence is chosen from, a callable is
    called with the ``random.Random``, anything else is a constant."""
    rng = random.Random(f"netxsim.sweep.sample/{seed}")
    points = []
    for _ in range(count):
        point: dict[str, Any] = {}
        for name, axis in space.items():
            if isinstance(axis, (Uniform, Integers)):
                point[name] = axis.draw(rng)
            elif isinstance(axis, (list, tuple, range)):
                point[name] = rng.choice(list(axis))
            elif callable(axis):
                point[name] = axis(rng)
            else:
                point[name] = axis
        points.append(point)
    return points


def cross(*spaces: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every combination of points of several spaces (e.g. a grid × a random sample)."""
    combined = []
    for parts in itertools.product(*spaces):
        point: dict[str, Any] = {}
        for part in parts:
            overlap = set(point) & set(part)
            if overlap:
                raise ValueError(f"parameters {sorted(overlap)} appear in two spaces")
            point.update(part)
        combined.append(point)
    return combined


def plan(points: Iterable[Mapping[str, Any]], seeds: int | Iterable[int] = 1) -> list[RunSpec]:
    """Runs for every point × seed (``seeds``: a count, meaning 0..n-1, or the seeds).

    Every point runs with the same seeds, so two parameter values are compared on the
    same random draws (common random numbers)."""
    seed_list = list(range(seeds)) if isinstance(seeds, int) else [int(s) for s in seeds]
    runs = []
    for point in points:
        for seed in seed_list:
            runs.append(RunSpec(len(runs), dict(point), seed))
    return runs


ScenarioFunction = Callable[..., Any]

__all__ = ["RunSpec", "Uniform", "Integers", "grid", "sample", "cross", "plan"]
