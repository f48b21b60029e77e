"""The simulated SMTP server's cheap paths change nothing: the end-of-message handling
and the reply text match the general code (restated here), and the server thread's
services called past their argument boundary give the same run, trace included, as
the public services."""
from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from demos.demo_netx_smtp_client import GUIDE_IP_POOL_PAYLOAD, Demo
from netxsim.peers import smtp_server
from netxsim.peers.smtp_server import TEXT_LINE_LIMIT, Mail, Problem, SmtpServer, SmtpSession, Step

# ------------------------------------------------------------------ end of message
LINES = [b"", b".", b"..", b".x", b"..x", b"x.", b"Subject: hi", b"a\nb", b"a\rb", b"\r", b"\n",
         b"y" * (TEXT_LINE_LIMIT - 2), b"z" * (TEXT_LINE_LIMIT - 1), b". ", b"\x00."]


def _general(raw: bytes, rest: bytes) -> tuple[list[str], bool, bytes]:
    """The end-of-message rules without shortcuts: (notes and problems raised, bytes
    after the end seen, delivered content)."""
    flags = []
    lines = raw[:-3].split(b"\r\n") if raw != b".\r\n" else [b""]
    unstuffed = [n for n, line in enumerate(lines[:-1], 1) if line.startswith(b".")
                 and not line.startswith(b"..")]
    if unstuffed:
        flags.append(f"not-dot-stuffed {len(unstuffed)} {unstuffed[0]}")
    if re.search(rb"(?<!\r)\n", raw) or re.search(rb"\r(?!\n)", raw):
        flags.append("bare-lf-in-data")
    if any(len(line) + 2 > TEXT_LINE_LIMIT for line in lines):
        flags.append("data-line-too-long")
    content = b"\r\n".join(line[1:] if line.startswith(b".") else line for line in lines)
    return flags, bool(rest), content


def _server() -> tuple[SmtpServer, SmtpSession, list[bytes]]:
    server = SmtpServer()
    sent: list[bytes] = []
    server._time_get = lambda: 42        # outside a run: a fixed clock
    server._send = lambda session, data: sent.append(data) or 0   # type: ignore[method-assign]
    session = SmtpSession(0, None, None, 0, state=smtp_server.DATA, sender="a@b", recipients=["c@d"])
    return server, session, sent


@given(st.lists(st.sampled_from(LINES), max_size=8), st.booleans(), st.sampled_from([b"", b"QUIT\r\n"]))
def test_message_done_matches_the_general_rules(lines: list[bytes], bare: bool, rest: bytes) -> None:
    raw = b".\r\n" if bare else b"\r\n".join(lines) + b"\r\n.\r\n"
    server, session, sent = _server()
    server._message_done(session, raw, rest)
    flags, rest_seen, content = _general(raw, rest)
    seen = [p.code for p in session.problems + session.notes]
    assert sorted(seen) == sorted(flag.split(" ")[0] for flag in flags)
    assert all(type(p) is Problem and p.tick == 42 for p in session.problems + session.notes)
    for problem in session.problems:
        if problem.code == "not-dot-stuffed":
            count, first = next(f for f in flags if f.startswith("not-dot-stuffed")).split(" ")[1:]
            assert problem.text.startswith(f"{count} data line(s) start with a single '.' (first: line {first})")
    assert session._rest_after_data is rest_seen and session._after_message is True
    assert server.mailbox == [Mail("a@b", ["c@d"], None, raw, content, 0, 42, None)]
    assert type(server.mailbox[0].content) is bytes
    assert sent == [b"250 2.0.0 Ok: queued as 1\r\n"]


def test_message_done_size_limit_uses_the_same_content() -> None:
    raw = b"..abc\r\nxyz\r\n.\r\n"      # content b".abc\r\nxyz\r\n": 11 bytes
    for limit, queued in ((11, True), (10, False)):
        server, session, sent = _server()
        server.max_message_size = limit
        server._message_done(session, raw, b"")
        assert bool(server.mailbox) is queued
        assert sent == [b"250 2.0.0 Ok: queued as 1\r\n" if queued else b"552 5.3.4 Error: message file too big\r\n"]


# ------------------------------------------------------------------ reply text
def _general_reply(code: int, *lines: str) -> bytes:
    lines = lines or ("",)
    last = len(lines) - 1
    return "".join(f"{code}{' ' if i == last else '-'}{line}\r\n" for i, line in enumerate(lines)).encode()


@given(st.integers(0, 999), st.lists(st.text(max_size=6), max_size=4))
def test_reply_text_matches_the_general_join(code: int, lines: list[str]) -> None:
    server, session, sent = _server()
    server._reply(session, code, *lines)
    assert sent == [_general_reply(code, *lines)]


# ------------------------------------------------------------------ past the boundary
def _demo_run(monkeypatch: Any, bypass: bool, trace: bool) -> tuple:
    if not bypass:
        monkeypatch.setattr(SmtpServer, "_bind_services", lambda self: None)
    demo = Demo(GUIDE_IP_POOL_PAYLOAD, None)
    demo.trace = trace
    run = demo.run()
    server = demo.server
    assert server is not None and run.reason == "completed"
    monkeypatch.undo()
    session = server.sessions[0]
    return (run.ticks, bytes(run.trace_buffer) if trace else None, demo.calls, session.transcript,
            session.auth_log, session.problems, session.notes, session.end, session.end_tick, server.errors,
            server.mailbox, [(t.tx_thread_name, t.tx_thread_run_count) for t in (server.thread, demo.demo_client_thread)])


@pytest.mark.parametrize("trace", [False, True])
def test_services_past_the_boundary_give_the_same_run(monkeypatch: Any, trace: bool) -> None:
    bypassed = _demo_run(monkeypatch, True, trace)
    public = _demo_run(monkeypatch, False, trace)
    assert bypassed == public
    assert bypassed[3] and bypassed[10]   # a whole session: transcript and a mail


def test_past_the_boundary_is_the_front_end_or_the_core() -> None:
    from netxsim.boundary import past_boundary
    from netxsim.nx.packet import _nx_packet_allocate, _nxe_packet_allocate, nx_packet_allocate
    from netxsim.tx.timer import tx_time_get
    # The default build checks errors: the front end; a build without checking: the core.
    assert past_boundary(nx_packet_allocate) is _nxe_packet_allocate
    checked, core, _ = nx_packet_allocate.__wrapped__.switch
    assert (checked, core) == (_nxe_packet_allocate, _nx_packet_allocate)
    assert past_boundary(tx_time_get) is tx_time_get.__wrapped__
    plain = object()
    assert past_boundary(plain) is plain   # not a c_service: itself


def test_a_wait_that_is_not_a_ulong_still_goes_through_the_boundary(monkeypatch: Any) -> None:
    """Step(timeout=-1): the boundary converts it (ULONG) to NX_WAIT_FOREVER, as for C."""
    seen: list[Any] = []
    real = smtp_server.nx_tcp_socket_receive

    def public_receive(socket: Any, wait: Any) -> Any:
        seen.append(wait)
        return real(socket, wait)

    monkeypatch.setattr(smtp_server, "nx_tcp_socket_receive", public_receive)
    from tests.peers.test_smtp_server import GREETING, Run
    replies: list[bytes] = []

    def body(client: Any) -> None:
        client.connect()
        replies.append(client.reply())
        replies.append(client.command(b"NOOP\r\n"))
        client.close()

    run = Run(body, script=[GREETING, Step(b"250 ok\r\n", timeout=-1)])
    assert replies == [GREETING, b"250 ok\r\n"]
    assert seen[0] == -1
    assert run.server.sessions[0].steps[1].received == b"NOOP\r\n"

