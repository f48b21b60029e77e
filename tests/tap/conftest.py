"""The ``tap`` tests: a real Linux peer through a TAP device in a network namespace.

They run when root, /dev/net/tun and ``ip`` are available (CI runs as root) and are
skipped with the reason otherwise. The ``linux_peer`` fixture gives a test a Linux
host at 1.2.3.10/24 in a fresh namespace and checks at teardown that the namespace,
the TAP device and every process it started are gone.
"""
from __future__ import annotations

import os
from typing import Iterator

import pytest

from netxsim.tap import LinuxPeer, linux_peer as make_peer, tap_unavailable_reason
from netxsim.tap.netns import namespace_exists

UNAVAILABLE = tap_unavailable_reason()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if UNAVAILABLE is None:
        return
    skip = pytest.mark.skip(reason=f"tap test skipped: {UNAVAILABLE}")
    for item in items:
        if item.get_closest_marker("tap") is not None:
            item.add_marker(skip)


@pytest.fixture
def linux_peer() -> Iterator[LinuxPeer]:
    """A Linux host at 1.2.3.10/24; call ``linux_peer.bridge()`` in tx_application_define."""
    with make_peer("1.2.3.10/24") as peer:
        yield peer
    assert not namespace_exists(peer.namespace), f"namespace {peer.namespace} left behind"
    assert peer.tap_fd == -1
    for process in peer.processes:
        assert process.poll() is not None, f"process {process.pid} left running"


@pytest.fixture
def pcap_dir(tmp_path: os.PathLike[str]) -> os.PathLike[str]:
    return tmp_path
