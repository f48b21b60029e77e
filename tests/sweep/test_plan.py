"""Sweep plans: grids, random samples, seeds, run numbers."""
from __future__ import annotations

import pytest

from netxsim.sweep import Integers, Uniform, cross, grid, plan, sample


def test_grid_is_every_combination_first_axis_slowest() -> None:
    assert grid(loss=[0.0, 0.1], pool=[2, 9]) == [
        {"loss": 0.0, "pool": 2}, {"loss": 0.0, "pool": 9}, {"loss": 0.1, "pool": 2}, {"loss": 0.1, "pool": 9}]
    with pytest.raises(TypeError):
        grid(loss=0.1)


def test_sample_is_reproducible_and_in_range() -> None:
    space = dict(loss=Uniform(0.0, 0.5), pool=Integers(1, 9), auth=["PLAIN", "LOGIN"], mtu=1500)
    first, again, other = sample(50, 7, **space), sample(50, 7, **space), sample(50, 8, **space)
    assert first == again and first != other
    assert all(0.0 <= p["loss"] <= 0.5 and 1 <= p["pool"] <= 9 and p["auth"] in ("PLAIN", "LOGIN")
               and p["mtu"] == 1500 for p in first)
    assert {p["pool"] for p in first} == set(range(1, 10))


def test_plan_numbers_runs_and_gives_every_point_the_same_seeds() -> None:
    runs = plan(cross(grid(pool=[2, 9]), sample(2, 0, loss=Uniform(0, 1))), seeds=3)
    assert [run.id for run in runs] == list(range(12))
    assert [run.seed for run in runs] == [0, 1, 2] * 4
    assert runs[0].params.keys() == {"pool", "loss"}
    assert [run.seed for run in plan([{}], seeds=[5, 9])] == [5, 9]
    with pytest.raises(ValueError, match="two spaces"):
        cross(grid(a=[1]), grid(a=[2]))
