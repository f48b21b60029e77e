"""The views of a recorded run (netxsim.view): our reader against tracex-parser, the
timeline, pool and ladder models, the HTML page (checked in headless Chromium when one is
installed) and the Chrome Trace Event export."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from netxsim.tx import trace as tr

from demos.demo_netx_tcp import run as demo_run
from netxsim.view import (
    build_connections, build_pools, build_timeline, chrome_trace, frames_from, parse_trx, render_html,
    run_frames,
)
from netxsim.view.__main__ import main as view_main

tracex = pytest.importorskip("tracex_parser.file_parser", reason="tracex-parser (test extra) not installed")


@pytest.fixture(scope="module")
def recorded():
    demo, run = demo_run(2, trace=True)
    assert demo.error_counter == 0
    return run, run_frames(run)


def test_reader_agrees_with_tracex_parser(recorded, tmp_path: Path) -> None:
    run, _ = recorded
    path = tmp_path / "run.trx"
    path.write_bytes(run.trace_buffer)
    theirs, registry = tracex.parse_tracex_buffer(str(path))
    ours = parse_trx(run.trace_buffer)
    assert not ours.wrapped
    assert [(e.id, e.time, e.thread, list(e.info)) for e in ours.events] == \
        [(e.id, e.timestamp, e.thread_ptr, e.raw_args) for e in sorted(theirs, key=lambda e: e.timestamp)]
    assert {a: o.name for a, o in ours.objects.items()} == \
        {a: o["thread_reg_entry_obj_name"].decode() for a, o in registry.items() if a}


def test_timeline_pools_and_ladders(recorded) -> None:
    run, frames = recorded
    trace = parse_trx(run.trace_buffer)
    timeline = build_timeline(trace)
    rows = {row.name: row for row in timeline.rows}
    assert {"thread 0", "thread 1", "NetX IP Instance 0", "NetX IP Instance 1", "System Timer Thread"} <= set(rows)
    assert rows["thread 1"].priority == 3 and rows["thread 1"].running
    # The server thread waits in nx_tcp_server_socket_accept: "TCP/IP wait".
    assert any(span.state == "TCP/IP wait" for span in rows["thread 1"].spans)
    assert timeline.interrupts and timeline.preemptions
    pools = {pool.name: pool for pool in build_pools(trace)}
    main = pools["NetX Main Packet Pool"]
    assert main.total == 16 and all(0 <= free <= 16 for _, free in main.points)
    connections = build_connections(frames_from(frames), trace)
    assert len(connections) == 2
    first = connections[0]
    assert first.client == ("1.2.3.4", 12) and first.server == ("1.2.3.5", 12)
    flags = [(s.from_client, s.flags, s.length) for s in first.segments]
    assert flags[:4] == [(True, "S", 0), (False, "S.", 0), (True, ".", 0), (True, "P.", 28)]
    data = first.segments[3]
    assert data.seq == 1 and data.ack == 1 and data.payload.startswith(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ ")
    assert all(s.x is not None for s in first.segments)   # placed on the trace's axis
    assert not any(s.retransmission for s in first.segments)


def test_retransmission_and_loss_are_marked() -> None:
    from netxsim.nx.wire import (ETHERTYPE_IPV4, IP_PROTO_TCP, Ipv4Header, TcpHeader, build_ethernet_frame,
                                 build_ipv4_datagram, build_tcp_segment)

    def frame(src_port: int, dst_port: int, seq: int, ack: int, flags: int, data: bytes = b"") -> bytes:
        src, dst = (0x01020304, 0x01020305) if src_port == 1000 else (0x01020305, 0x01020304)
        tcp = build_tcp_segment(TcpHeader(src_port, dst_port, seq, ack, flags, 512), data, src, dst)
        ip = build_ipv4_datagram(Ipv4Header(src, dst, IP_PROTO_TCP), tcp)
        return build_ethernet_frame(b"\x02" * 6, b"\x04" * 6, ETHERTYPE_IPV4, ip)

    frames = [(0, frame(1000, 25, 100, 0, 0x02)), (0, frame(25, 1000, 500, 101, 0x12)),
              (0, frame(1000, 25, 101, 501, 0x10)), (1, frame(1000, 25, 101, 501, 0x18, b"HELO x\r\n"), "lost"),
              (5, frame(1000, 25, 101, 501, 0x18, b"HELO x\r\n"))]
    (connection,) = build_connections(frames_from(frames))
    lost, again = connection.segments[3], connection.segments[4]
    assert (lost.fate, lost.retransmission) == ("lost", False)
    assert (again.retransmission, again.seq, again.ack, again.window) == (True, 1, 1, 512)
    page = render_html(_tiny_trace(), frames)
    assert "(retransmission)" in page and "(lost)" in page and "HELO x" in page


def _tiny_trace() -> bytes:
    from netxsim.tx import tx_kernel_enter
    from netxsim.tx.trace import tx_trace_enable, tx_trace_user_event_insert

    def define(memory) -> None:
        tx_trace_enable(memory, 4096, 4)
        tx_trace_user_event_insert(5000, 1, 2, 3, 4)
    return tx_kernel_enter(define, config=tr.TRACE_BUILD).trace_buffer


def test_html_is_self_contained(recorded) -> None:
    run, frames = recorded
    page = render_html(run.trace_buffer, frames)
    assert "<script>" in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page and "src=" not in page
    assert "ABCDEFGHIJKLMNOPQRSTUVWXYZ" in page and "1.2.3.4:12" in page


def test_chrome_export(recorded, tmp_path: Path) -> None:
    run, _ = recorded
    document = chrome_trace(run.trace_buffer)
    events = document["traceEvents"]
    names = {e["args"]["name"] for e in events if e.get("name") == "thread_name"}
    assert {"thread 0 (priority 4)", "thread 1 (priority 3)", "interrupts"} <= names
    running = [e for e in events if e.get("ph") == "X" and e["name"] == "running"]
    assert running and all(e["dur"] > 0 for e in running)
    assert any(e.get("ph") == "C" for e in events)
    trx = tmp_path / "run.trx"
    trx.write_bytes(run.trace_buffer)
    out = tmp_path / "run.json"
    assert view_main([str(trx), "-o", str(out), "--format", "chrome"]) == 0
    assert json.loads(out.read_text())["traceEvents"]


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.skipif(_browser() is None, reason="no headless Chromium installed (CI installs the chromium package)")
def test_timeline_renders_in_headless_chromium(recorded, tmp_path: Path) -> None:
    run, _ = recorded
    trx, page, shot = tmp_path / "run.trx", tmp_path / "run.html", tmp_path / "shot.png"
    trx.write_bytes(run.trace_buffer)
    assert view_main([str(trx), "-o", str(page)]) == 0
    browser = [_browser(), "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,900"]
    dom = subprocess.run(browser + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    timeline = dom[dom.index('id="timeline"'):dom.index("</svg>", dom.index('id="timeline"'))]
    # The script drew the rows: a background and state/running rectangles per thread.
    assert timeline.count("<rect") > 50 and "thread 1 (3)" in timeline and "interrupts" in timeline
    subprocess.run(browser + [f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000


def test_a_run_renders_directly() -> None:
    from netxsim.tx import tx_kernel_enter
    from netxsim.tx.trace import with_trace
    from demos.demo_netx_tcp import Demo
    demo = Demo(False, 1)
    demo_define = demo.tx_application_define

    def define(memory) -> None:
        from netxsim.nx.ram_driver import _nx_ram_network_driver
        from netxsim.nx.segment import segment_for
        from netxsim.tx.kernel import kernel
        demo_define(memory)
        segment_for(kernel(), _nx_ram_network_driver).enable_frame_log()

    run = tx_kernel_enter(with_trace(define), config=tr.TRACE_BUILD)
    page = render_html(run)
    assert "1.2.3.4:12 → 1.2.3.5:12" in page and "ABCDEFGHIJKLMNOPQRSTUVWXYZ" in page
    assert chrome_trace(run)["traceEvents"]
    with pytest.raises(ValueError, match="no trace"):
        render_html(tx_kernel_enter(lambda memory: None))
