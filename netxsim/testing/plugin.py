"""The netxsim pytest plugin (registered through the ``pytest11`` entry point).

Installed with the package, so any project's tests get these fixtures without a
conftest. Each fixture is a thin wrapper of a plain function of
:mod:`netxsim.testing`, usable without pytest.
"""
from __future__ import annotations

from typing import Callable, Iterator

import pytest

from netxsim.nx.packet import NX_PACKET_POOL

from .calls import CallRecorder
from .pools import PoolControl
from .world import World, smtp_world as _smtp_world, two_host_world as _two_host_world


@pytest.fixture
def smtp_world() -> World:
    """The guide's demo network, unbuilt: SMTP server 1.2.3.4 and NetX client host 1.2.3.5."""
    return _smtp_world()


@pytest.fixture
def smtp_server_world() -> World:
    """Only the simulated SMTP server (1.2.3.4), for an app that creates its own IP instance."""
    return _smtp_world(client=False)


@pytest.fixture
def two_host_world() -> World:
    """Two NetX hosts A (1.2.3.4) and B (1.2.3.5) on the RAM driver, unbuilt."""
    return _two_host_world()


@pytest.fixture
def call_records() -> Iterator[CallRecorder]:
    """A CallRecorder: ``call_records.install(module, "nx_smtp_mail_send")``; undone at teardown."""
    recorder = CallRecorder()
    yield recorder
    recorder.close()


@pytest.fixture
def pool_control() -> Iterator[Callable[[NX_PACKET_POOL], PoolControl]]:
    """Factory of PoolControl (run a packet pool dry/refill); controllers removed at teardown."""
    controls: list[PoolControl] = []

    def make(pool: NX_PACKET_POOL) -> PoolControl:
        control = PoolControl(pool)
        controls.append(control)
        return control
    yield make
    for control in controls:
        if control.attached:
            control.close()


@pytest.fixture
def linux_peer():
    """A real Linux host at 1.2.3.10/24 in its own network namespace, bridged by TAP."""
    from netxsim.tap import linux_peer as _linux_peer, tap_unavailable_reason
    reason = tap_unavailable_reason()
    if reason is not None:
        pytest.skip(f"linux_peer: {reason}")
    with _linux_peer("1.2.3.10/24") as peer:
        yield peer
