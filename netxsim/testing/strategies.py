"""Hypothesis strategies for hostile SMTP servers and lossy links.

``@given(script=hostile_smtp_scripts())`` runs a property against servers that go
silent, close, reset, answer slowly, split replies at every byte, send replies longer
than a buffer or garbage, alone or combined (:mod:`netxsim.testing.peers`).
``@given(faults=fault_schedules())`` draws seeded :class:`~netxsim.nx.faults.LinkFaults`.
Everything drawn is data (a script, a seed), so a failing example prints in full and
replays exactly; the project's hypothesis profiles decide how many examples run.
"""
from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from netxsim.nx.faults import LinkFaults

from . import peers


def _misbehaviour(step_names: tuple[str, ...]) -> st.SearchStrategy:
    steps = st.sampled_from(step_names)
    later = st.sampled_from(step_names[1:])
    return st.one_of(
        st.tuples(st.just("silent_from"), steps),
        st.tuples(st.just("close_at"), steps),
        st.tuples(st.just("reset_at"), steps),
        st.tuples(st.just("slow"), st.integers(1, 400)),
        st.tuples(st.just("split_every_byte"), st.integers(0, 3)),
        st.tuples(st.just("long_reply"), later, st.integers(200, 3000)),
        st.tuples(st.just("garbage_at"), steps, st.integers(1, 300), st.integers(0, 2**16)),
    )


def apply_misbehaviour(script: list, misbehaviour: tuple) -> list:
    """Apply one drawn misbehaviour (a tuple naming a :mod:`~netxsim.testing.peers`
    function and its arguments) to ``script``."""
    name, *args = misbehaviour
    return getattr(peers, name)(script, *args)


@st.composite
def hostile_smtp_scripts(draw: Any, auth: str = "PLAIN", max_misbehaviours: int = 3,
                         min_misbehaviours: int = 1) -> list:
    """Scripts for the simulated SMTP server: the good dialogue spoiled by 1..3 drawn
    misbehaviours (``min_misbehaviours=0`` also draws the good server)."""
    names = peers.SMTP_LOGIN_STEPS if auth.upper() == "LOGIN" else peers.SMTP_STEPS
    script = peers.good_smtp_script(auth)
    for misbehaviour in draw(st.lists(_misbehaviour(names), min_size=min_misbehaviours,
                                      max_size=max_misbehaviours)):
        try:
            script = apply_misbehaviour(script, misbehaviour)
        except ValueError:
            pass   # an earlier misbehaviour already cut the script before that step
    return script


def fault_schedules(max_drop: float = 0.3, delays: bool = True, duplicates: bool = True,
                    corruption: bool = False) -> st.SearchStrategy[LinkFaults]:
    """Seeded :class:`LinkFaults`: a seed, a drop rate up to ``max_drop``, and (if enabled)
    duplication, delay of 1-5 ticks and single-bit corruption."""
    probability = st.sampled_from([0.0, 0.01, 0.05, 0.1])
    return st.builds(
        LinkFaults,
        seed=st.integers(0, 2**32 - 1),
        drop=st.floats(0.0, max_drop, allow_nan=False),
        duplicate=probability if duplicates else st.just(0.0),
        delay=st.one_of(st.none(), st.tuples(probability, st.tuples(st.just(1), st.integers(1, 5))))
        if delays else st.none(),
        corrupt=probability if corruption else st.just(0.0),
    )


__all__ = ["hostile_smtp_scripts", "fault_schedules", "apply_misbehaviour"]
