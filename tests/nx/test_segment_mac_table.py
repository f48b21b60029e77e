"""The segment's MAC table gives every frame the same receivers, in the same order, as
asking every port whether it accepts the destination (Port.accepts), whatever ports
attach, detach, change their MAC, go promiscuous or join multicast groups."""
from __future__ import annotations

import random
from typing import Any

import pytest

from netxsim.nx.segment import EthernetSegment
from netxsim.nx.wire import BROADCAST_MAC, ZERO_MAC
from netxsim.tx import tx_kernel_enter
from netxsim.tx.kernel import kernel

MACS = [bytes([2, 0, 0, 0, 0, n]) for n in range(6)]
DESTINATIONS = MACS + [BROADCAST_MAC, ZERO_MAC, b"\x33\x33\x00\x00\x00\x01", b"\x01\x00\x5e\x00\x00\x07",
                       b"\x02\x00\x00\x00\x00\x63"]


@pytest.mark.parametrize("seed", range(6))
def test_mac_table_takers_match_a_scan_of_every_port(seed: int) -> None:
    rng = random.Random(seed)
    checked: list[int] = []

    def define(_: Any) -> None:
        segment = EthernetSegment(kernel())
        ports = []
        for step in range(300):
            action = rng.randrange(7)
            if action == 0 or not ports:
                ports.append(segment.attach(lambda frame: None, rng.choice(MACS), order=rng.randrange(10)))
            elif action == 1:
                ports.pop(rng.randrange(len(ports))).detach()
            elif action == 2:
                rng.choice(ports).mac = rng.choice(MACS)
            elif action == 3:
                port = rng.choice(ports)
                port.promiscuous = not port.promiscuous
            elif action == 4:
                rng.choice(ports).multicast.add(rng.choice(DESTINATIONS[-2:]))
            elif action == 5:
                rng.choice(ports).multicast.discard(rng.choice(DESTINATIONS[-2:]))
            else:
                rng.choice(ports).multicast = {rng.choice(DESTINATIONS)} if rng.random() < 0.5 else set()
            for destination in DESTINATIONS:
                expected = [p for p in segment.ports if p.accepts(destination)]
                assert segment._takers_of(destination) == expected, (step, destination)
                checked.append(len(expected))

    tx_kernel_enter(define)
    assert sum(checked) > 1000
