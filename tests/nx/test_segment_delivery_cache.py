"""Frames reach exactly the ports a scan of every port selects (Port.accepts, never the
sender, in delivery order), frame after frame, whatever ports attach, detach, change
their MAC, go promiscuous, join multicast groups or go down between frames: the
segment's per-sender receiver lists never go stale."""
from __future__ import annotations

import random
from typing import Any

import pytest

from netxsim.nx.segment import EthernetSegment
from netxsim.nx.wire import BROADCAST_MAC, ZERO_MAC
from netxsim.tx import tx_kernel_enter
from netxsim.tx.kernel import kernel

MACS = [bytes([2, 0, 0, 0, 0, n]) for n in range(5)]
DESTINATIONS = MACS + [BROADCAST_MAC, ZERO_MAC, b"\x33\x33\x00\x00\x00\x01", b"\x01\x00\x5e\x00\x00\x07"]


@pytest.mark.parametrize("seed", range(4))
def test_each_frame_reaches_the_ports_a_full_scan_selects(seed: int) -> None:
    rng = random.Random(seed)
    frames = 0

    def define(_: Any) -> None:
        nonlocal frames
        segment = EthernetSegment(kernel())
        received: list[Any] = []
        ports: list[Any] = []

        def attach() -> None:
            port = segment.attach(lambda frame: received.append(port), rng.choice(MACS),
                                  order=rng.randrange(10))
            ports.append(port)

        for step in range(250):
            action = rng.randrange(7)
            if action == 0 or len(ports) < 2:
                attach()
            elif action == 1:
                ports.pop(rng.randrange(len(ports))).detach()
            elif action == 2:
                rng.choice(ports).mac = rng.choice(MACS)
            elif action == 3:
                port = rng.choice(ports)
                port.promiscuous = not port.promiscuous
            elif action == 4:
                rng.choice(ports).multicast.add(rng.choice(DESTINATIONS[-1:]))
            elif action == 5:
                port = rng.choice(ports)
                port.up = not port.up
            else:
                rng.choice(ports).multicast = {rng.choice(DESTINATIONS)} if rng.random() < 0.5 else set()
            for _ in range(3):
                sender = rng.choice(ports)
                if not sender.up:
                    continue
                destination = rng.choice(DESTINATIONS)
                expected = [p for p in segment.ports if p is not sender and p.up and p.accepts(destination)]
                received.clear()
                sender.transmit(destination + sender.mac + b"\x08\x00" + bytes(46))
                assert received == expected, (step, destination)
                frames += 1

    tx_kernel_enter(define)
    assert frames > 300
