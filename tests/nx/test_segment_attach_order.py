"""Ports reach frames in attach order, or in the order a driver passes (its instance
slot, so a reused slot keeps its place): a station attached with an order equal to
another's comes after it, as appending and a stable sort would place it."""
from __future__ import annotations

import random

from netxsim import tx_kernel_enter
from netxsim.nx.segment import EthernetSegment
from netxsim.tx.kernel import kernel


def _attach_and_detach(checked: list[int]) -> None:
    rng = random.Random(7)
    segment = EthernetSegment(kernel())
    attached = []
    for index in range(200):
        order = rng.choice([None, rng.randrange(20)])
        mac = bytes([2, 0, 0, 0, index >> 8, index & 0xFF])
        attached.append(segment.attach(lambda frame: None, mac, order=order))
        if index % 17 == 16:   # a station leaves: the rest keep their places
            gone = attached.pop(rng.randrange(len(attached)))
            gone.detach()
        assert segment.ports == sorted(attached, key=lambda port: port.order)
        checked.append(index)
    assert [port.order for port in segment.ports] == sorted(port.order for port in attached)


def test_ports_keep_delivery_order_as_a_stable_sort_of_their_orders() -> None:
    checked: list[int] = []
    tx_kernel_enter(lambda memory: _attach_and_detach(checked), memory_size=1 << 16)
    assert len(checked) == 200
