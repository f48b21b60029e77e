"""Known-good TCP segments (netxsim.nx.frame_check): the receiver skips the checksum of
a segment the fast send path summed, and only of such segments; runs are the same with
the shortcut on and off."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import netxsim.nx.tcp as nx_tcp
from netxsim.nx import frame_check
from netxsim.nx.faults import LinkFaults
from netxsim.testing.tcp import bulk_transfer
from netxsim.tx.kernel import last_kernel


def _state() -> dict[str, Any]:
    k = last_kernel()
    assert k is not None
    state: dict[str, Any] = {"system": dict(k.__dict__.get("tx_performance", {})), "tick": k.now}
    for kind, objects in k.created.items():
        for index, obj in enumerate(objects):
            state[f"{kind} {index}"] = {name: value for name, value in vars(obj).items()
                                        if isinstance(value, int) and not name.startswith("_")}
    return state


def _run(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch, enabled: bool,
         **options: Any) -> tuple[dict[str, Any], list[bool]]:
    """A bulk transfer; returns every observable and, per segment TCP processed, whether
    it arrived marked."""
    monkeypatch.setattr(frame_check, "enabled", enabled)
    marks: list[bool] = []
    process = nx_tcp._nx_tcp_packet_process

    def recorded(ip: Any, packet: Any) -> None:
        marks.append(packet._tcp_checked)
        process(ip, packet)

    monkeypatch.setattr(nx_tcp, "_nx_tcp_packet_process", recorded)
    capture = tmp_path / f"{name}.pcap"
    result = bulk_transfer(1 << 16, capture=capture, **options)
    monkeypatch.setattr(nx_tcp, "_nx_tcp_packet_process", process)
    state = _state()
    state.update(reason=result.run.reason, ticks=result.run.ticks, done=result.done_tick, log=result.log,
                 segments=result.segments, intact=result.received == result.sent, pcap=capture.read_bytes())
    return state, marks


def test_a_clean_transfer_is_the_same_with_and_without_the_shortcut(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    off, off_marks = _run(tmp_path, "off", monkeypatch, False)
    on, on_marks = _run(tmp_path, "on", monkeypatch, True)
    assert on == off and on["intact"]
    assert not any(off_marks)
    # The data segments the fast path sent (nearly all) were marked; the ACKs were not.
    assert on["segments"] * 0.9 <= sum(on_marks) <= on["segments"]
    assert len(on_marks) > sum(on_marks)


@pytest.mark.parametrize("seed", [1, 2])
def test_corrupted_frames_are_still_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """A corrupted frame is a new frame: never marked, its checksum error counted as before."""
    faults = lambda: LinkFaults(seed=seed, corrupt=0.05, drop=0.02, duplicate=0.03)  # noqa: E731
    off, _ = _run(tmp_path, "off", monkeypatch, False, faults=faults())
    on, marks = _run(tmp_path, "on", monkeypatch, True, faults=faults())
    assert on == off and on["intact"]
    assert any(marks) and not all(marks)
    errors = sum(state.get("nx_ip_tcp_checksum_errors", 0) + state.get("nx_ip_receive_checksum_errors", 0)
                 for key, state in on.items() if key.startswith("ip "))
    assert errors > 0


def test_a_reused_buffer_loses_the_mark() -> None:
    from netxsim.nx import NX_PACKET_POOL, NX_SUCCESS, nx_packet_allocate, nx_packet_pool_create, nx_packet_release
    from netxsim.tx import TX_AUTO_START, TX_THREAD, tx_kernel_enter, tx_thread_create
    seen: list[Any] = []
    pool, thread = NX_PACKET_POOL(), TX_THREAD()

    def entry(_: int) -> None:
        status, packet = nx_packet_allocate(pool, 0, 0)
        assert status == NX_SUCCESS and packet._tcp_checked is False
        packet._tcp_checked = True           # as the RAM driver marks a received copy
        assert nx_packet_release(packet) == NX_SUCCESS
        status, again = nx_packet_allocate(pool, 0, 0)
        seen.append((status, again is packet, again._tcp_checked))

    def define(memory: Any) -> None:
        assert nx_packet_pool_create(pool, "pool", 256, memory, 1 * (256 + 64)) == NX_SUCCESS
        tx_thread_create(thread, "t", entry, 0, memory + 4096, 1024, 5, 5, 0, TX_AUTO_START)

    tx_kernel_enter(define)
    assert seen == [(NX_SUCCESS, True, False)]
