"""The simulated SMTP server host (netxsim/peers/smtp_server.py), driven by a client
written directly on the NetX TCP client API in a test thread (not the SMTP client port).

Layout: the server host at 1.2.3.4 (its own pool, IP instance, ARP, TCP, thread of
priority 3), a client host at 1.2.3.5 on the same RAM segment, and a client thread of
priority 4 (NetX Duo's SMTP regression layout). The RAM driver delivers synchronously,
so a whole exchange happens in zero simulated time; ticks only pass where a test (or
a script) sleeps or waits for a time-out, and the tests assert those ticks exactly.
"""
from __future__ import annotations

import base64
import random
import re
from typing import Any, Callable

import pytest
from hypothesis import given, strategies as st

from netxsim import (
    IP_ADDRESS, NX_ANY_PORT, NX_IP, NX_IPv4_TCP_PACKET, NX_NO_PACKET, NX_NOT_CONNECTED, NX_PACKET_POOL,
    NX_SUCCESS, NX_TCP_SOCKET, TX_AUTO_START, TX_THREAD, _nx_ram_network_driver, nx_arp_enable,
    nx_ip_create, nx_packet_allocate, nx_packet_data_append, nx_packet_data_retrieve,
    nx_packet_pool_create, nx_packet_pool_info_get, nx_packet_release, nx_tcp_client_socket_bind,
    nx_tcp_client_socket_connect, nx_tcp_client_socket_unbind, nx_tcp_enable, nx_tcp_socket_create,
    nx_tcp_socket_disconnect, nx_tcp_socket_receive, nx_tcp_socket_send, tx_kernel_enter,
    tx_thread_create, tx_thread_sleep, tx_time_get,
)
from netxsim.peers.smtp_server import (
    Close, Garbage, Reset, Send, Silence, SmtpServer, Step,
)
from netxsim.tx.kernel import kernel

SERVER = IP_ADDRESS(1, 2, 3, 4)
CLIENT = IP_ADDRESS(1, 2, 3, 5)
MASK = 0xFFFFFF00
CLIENT_POOL_BYTES = 16 * (1536 + 60)


# ============================================================================ harness
class Client:
    """The test thread's side: a NetX TCP client socket and a log of (tick, what)."""

    def __init__(self, ip: NX_IP, pool: NX_PACKET_POOL) -> None:
        self.ip, self.pool = ip, pool
        self.socket = NX_TCP_SOCKET()
        self.log: list[tuple[int, Any]] = []

    def event(self, what: Any) -> None:
        self.log.append((tx_time_get(), what))

    def connect(self) -> None:
        assert nx_tcp_socket_create(self.ip, self.socket, "client", 0, 0, 0x80, 8000, None, None) == NX_SUCCESS
        self.reconnect()

    def reconnect(self) -> None:
        assert nx_tcp_client_socket_bind(self.socket, NX_ANY_PORT, 100) == NX_SUCCESS
        assert nx_tcp_client_socket_connect(self.socket, SERVER, 25, 500) == NX_SUCCESS

    def send(self, data: bytes) -> None:
        status, packet = nx_packet_allocate(self.pool, NX_IPv4_TCP_PACKET, 100)
        assert status == NX_SUCCESS
        assert nx_packet_data_append(packet, data, len(data), self.pool, 100) == NX_SUCCESS
        assert nx_tcp_socket_send(self.socket, packet, 500) == NX_SUCCESS

    def recv(self, wait: int = 1000) -> tuple[int, bytes]:
        """One nx_tcp_socket_receive: (status, bytes of that one packet)."""
        status, packet = nx_tcp_socket_receive(self.socket, wait)
        if status != NX_SUCCESS:
            return status, b""
        buffer = bytearray(packet.nx_packet_length)
        _, copied = nx_packet_data_retrieve(packet, buffer)
        nx_packet_release(packet)
        return status, bytes(buffer[:copied])

    def reply(self, wait: int = 1000) -> bytes:
        """The next packet's bytes, which must arrive."""
        status, data = self.recv(wait)
        assert status == NX_SUCCESS, f"receive status 0x{status:02X}"
        return data

    def command(self, data: bytes) -> bytes:
        self.send(data)
        return self.reply()

    def close(self) -> int:
        status = nx_tcp_socket_disconnect(self.socket, 500)
        nx_tcp_client_socket_unbind(self.socket)
        return status

    def abort(self) -> None:
        nx_tcp_socket_disconnect(self.socket, 0)   # NX_NO_WAIT: RST
        nx_tcp_client_socket_unbind(self.socket)


class Run:
    """One simulation: the server built with ``server_options``, then ``body(client)``
    in the client thread. After it, ``server``, ``client``, ``result``."""

    def __init__(self, body: Callable[[Client], None], until: int = 200_000, **server_options: Any) -> None:
        self.server: SmtpServer = None  # type: ignore[assignment]  # set in define
        self.client: Client = None  # type: ignore[assignment]
        self.free_before: Any = None
        self.application_threads: list = []
        self.client_pool = NX_PACKET_POOL()
        client_ip = NX_IP()
        thread = TX_THREAD()

        def define(free: Any) -> None:
            self.free_before = free
            self.server = SmtpServer.create(address=SERVER, memory=free, **server_options)
            free = self.server.next_free
            assert nx_packet_pool_create(self.client_pool, "client pool", 1536, free, CLIENT_POOL_BYTES) == 0
            free += CLIENT_POOL_BYTES
            assert nx_ip_create(client_ip, "client IP", CLIENT, MASK, self.client_pool, _nx_ram_network_driver,
                                free, 2048, 1) == NX_SUCCESS
            free += 2048
            assert nx_arp_enable(client_ip, free, 1040) == NX_SUCCESS
            free += 1040
            assert nx_tcp_enable(client_ip) == NX_SUCCESS
            self.client = Client(client_ip, self.client_pool)
            assert tx_thread_create(thread, "client", lambda _: body(self.client), 0, free, 4096, 4, 4, 0,
                                    TX_AUTO_START) == NX_SUCCESS
            self.application_threads = list(kernel().application_threads)

        self.result = tx_kernel_enter(define, until=until)

    @property
    def log(self) -> list[tuple[int, Any]]:
        return self.client.log

    def assert_pools_full(self) -> None:
        for pool in (self.server.pool, self.client_pool):
            status, total, free, *_ = nx_packet_pool_info_get(pool)
            assert (status, free) == (NX_SUCCESS, total), f"{pool.nx_packet_pool_name}: {free}/{total} free"


def b64(data: bytes) -> bytes:
    return base64.b64encode(data)


def codes(problems: list) -> list[str]:
    return [p.code for p in problems]


GREETING = b"220 smtp.netxsim ESMTP netxsim\r\n"
EHLO_REPLY = b"250-smtp.netxsim\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
USERS = {"user@example.com": "secret"}


# ============================================================================ functional mode
def test_functional_session_auth_plain_initial_response() -> None:
    def body(c: Client) -> None:
        tx_thread_sleep(10)
        c.connect()
        c.event(c.reply())
        for line in (b"EHLO client.example\r\n",
                     b"AUTH PLAIN " + b64(b"\0user@example.com\0secret") + b"\r\n",
                     b"MAIL FROM:<user@example.com>\r\n", b"RCPT TO:<a@example.org>\r\n",
                     b"RCPT TO:<b@example.org>\r\n", b"DATA\r\n"):
            c.event(c.command(line))
        c.send(b"Subject: hello\r\n\r\nfirst line\r\n")
        c.send(b"second line\r\n.\r\n")
        c.event(c.reply())
        c.event(c.command(b"QUIT\r\n"))
        c.event(c.recv())           # the server closes after 221: FIN
        c.event(c.close())

    run = Run(body, users=USERS)
    assert run.result.reason == "completed"
    assert run.log == [
        (10, GREETING),
        (10, EHLO_REPLY),
        (10, b"235 2.7.0 Authentication successful\r\n"),
        (10, b"250 2.1.0 Ok\r\n"),
        (10, b"250 2.1.5 Ok\r\n"),
        (10, b"250 2.1.5 Ok\r\n"),
        (10, b"354 End data with <CR><LF>.<CR><LF>\r\n"),
        (10, b"250 2.0.0 Ok: queued as 1\r\n"),
        (10, b"221 2.0.0 Bye\r\n"),
        (10, (NX_NOT_CONNECTED, b"")),
        (10, NX_SUCCESS),
    ]
    server = run.server
    [mail] = server.mailbox
    assert (mail.sender, mail.recipients, mail.user, mail.helo, mail.session, mail.tick) == \
        ("user@example.com", ["a@example.org", "b@example.org"], "user@example.com", "client.example", 0, 10)
    assert mail.data == b"Subject: hello\r\n\r\nfirst line\r\nsecond line\r\n.\r\n"
    assert mail.content == b"Subject: hello\r\n\r\nfirst line\r\nsecond line\r\n"
    assert mail.header("Subject") == "hello"
    assert server.problems == [] and server.notes == [] and server.errors == []
    session = server.session
    assert (session.end, session.user, session.auth_log) == ("quit", "user@example.com",
                                                             [(10, "PLAIN", "user@example.com", True)])
    assert session.client_bytes.startswith(b"EHLO client.example\r\nAUTH PLAIN ")
    assert session.replies[0] == GREETING and len(session.replies) == 9
    run.assert_pools_full()


def test_functional_auth_login_challenges() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        c.command(b"EHLO x\r\n")
        for line in (b"AUTH LOGIN\r\n", b64(b"user@example.com") + b"\r\n", b64(b"secret") + b"\r\n",
                     b"QUIT\r\n"):
            c.event(c.command(line))
        c.close()

    run = Run(body, users=USERS)
    assert [what for _, what in run.log] == [
        b"334 VXNlcm5hbWU6\r\n", b"334 UGFzc3dvcmQ6\r\n", b"235 2.7.0 Authentication successful\r\n",
        b"221 2.0.0 Bye\r\n"]
    assert base64.b64decode(b"VXNlcm5hbWU6") == b"Username:" and base64.b64decode(b"UGFzc3dvcmQ6") == b"Password:"
    assert run.server.session.auth_log == [(0, "LOGIN", "user@example.com", True)]
    assert run.server.problems == []
    run.assert_pools_full()


# The NetX C client's exact bytes : AUTH PLAIN without an initial
# response, a space before CRLF after the MAIL and RCPT paths, no dot-stuffing.
C_HEADER = (b"To: recipient@domain.com\r\nFrom: recipient@domain.com\r\nSubject: NetX Duo SMTP Client Demo\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: text/plain;\r\n  charset=\"utf-8\"\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n\r\n")
C_BODY = (b".NetX Duo SMTP client is a simple SMTP client implementation  \r\n"
          b".that allow embedded devices to send email to an SMTP server. \r\nlast line")
C_CREDENTIAL = b"cmVjaXBpZW50QGRvbWFpbi5jb20AcmVjaXBpZW50QGRvbWFpbi5jb20AdGVzdHB3ZA=="


def test_functional_with_the_c_clients_bytes_flags_missing_dot_stuffing() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.event(c.reply())
        for line in (b"EHLO domain.com\r\n", b"AUTH PLAIN\r\n", C_CREDENTIAL + b"\r\n",
                     b"MAIL FROM:<recipient@domain.com> \r\n", b"RCPT TO:<recipient@domain.com> \r\n",
                     b"DATA\r\n"):
            c.event(c.command(line))
        c.send(C_HEADER)
        c.send(C_BODY)
        c.send(b"\r\n.\r\n")
        c.event(c.reply())
        c.event(c.command(b"QUIT\r\n"))
        c.close()

    run = Run(body, users={"recipient@domain.com": "testpwd"}, domain="mail.test")
    assert len(C_HEADER) == 190
    assert [what for _, what in run.log] == [
        b"220 mail.test ESMTP netxsim\r\n",
        b"250-mail.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n",
        b"334 \r\n",
        b"235 2.7.0 Authentication successful\r\n",
        b"250 2.1.0 Ok\r\n",
        b"250 2.1.5 Ok\r\n",
        b"354 End data with <CR><LF>.<CR><LF>\r\n",
        b"250 2.0.0 Ok: queued as 1\r\n",
        b"221 2.0.0 Bye\r\n",
    ]
    [mail] = run.server.mailbox
    assert (mail.sender, mail.recipients, mail.user) == ("recipient@domain.com", ["recipient@domain.com"],
                                                         "recipient@domain.com")
    assert mail.data == C_HEADER + C_BODY + b"\r\n.\r\n"
    assert mail.content == C_HEADER + C_BODY[1:].replace(b"\r\n.that", b"\r\nthat") + b"\r\n"
    assert codes(run.server.problems) == ["not-dot-stuffed"]
    assert "2 data line(s)" in run.server.problems[0].text
    assert codes(run.server.notes) == ["trailing-space", "trailing-space"]
    run.assert_pools_full()


def test_strict_mode_refuses_the_trailing_space() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        c.command(b"EHLO x\r\n")
        c.event(c.command(b"MAIL FROM:<a@b> \r\n"))
        c.event(c.command(b"MAIL FROM:<a@b>\r\n"))
        c.close()

    run = Run(body, strict=True)
    assert [what for _, what in run.log] == [b"501 5.5.4 Syntax: MAIL FROM:<address>\r\n", b"250 2.1.0 Ok\r\n"]
    assert codes(run.server.problems) == ["syntax", "no-quit"]


@pytest.mark.parametrize("mechanisms, extensions, size, expected", [
    ((), (), None, b"250 smtp.netxsim\r\n"),
    (("LOGIN",), ("8BITMIME",), None, b"250-smtp.netxsim\r\n250-AUTH LOGIN\r\n250 8BITMIME\r\n"),
    (("login", "plain"), ("ETRN", "8BITMIME"), 1000,
     b"250-smtp.netxsim\r\n250-AUTH LOGIN PLAIN\r\n250-ETRN\r\n250-8BITMIME\r\n250 SIZE 1000\r\n"),
])
def test_ehlo_lists_the_configured_mechanisms(mechanisms: tuple, extensions: tuple, size: int | None,
                                              expected: bytes) -> None:
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        c.event(c.command(b"EHLO x\r\n"))
        c.event(c.command(b"HELO x\r\n"))
        c.close()

    run = Run(body, mechanisms=mechanisms, extensions=extensions, max_message_size=size)
    assert run.log == [(0, expected), (0, b"250 smtp.netxsim\r\n")]


def test_unoffered_mechanism_and_cram_md5() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        c.command(b"EHLO x\r\n")
        c.event(c.command(b"AUTH PLAIN " + b64(b"\0user@example.com\0secret") + b"\r\n"))
        c.close()

    run = Run(body, users=USERS, mechanisms=("LOGIN",))
    assert run.log == [(0, b"504 5.5.4 Unrecognized authentication type\r\n")]
    assert codes(run.server.problems) == ["unsupported-mechanism", "no-quit"]
    with pytest.raises(ValueError, match="CRAM-MD5"):
        tx_kernel_enter(lambda free: None if SmtpServer.create(address=SERVER, memory=free,
                                                               mechanisms=("CRAM-MD5",)) else None)


def test_wrong_password_then_retry_and_cancel() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        c.command(b"EHLO x\r\n")
        for line in (b"AUTH PLAIN " + b64(b"\0user@example.com\0wrong") + b"\r\n",
                     b"AUTH PLAIN " + b64(b"other\0user@example.com\0secret") + b"\r\n",
                     b"AUTH LOGIN\r\n", b"*\r\n",
                     b"AUTH PLAIN =\r\n",
                     b"AUTH PLAIN\r\n", b64(b"user@example.com\0user@example.com\0secret") + b"\r\n",
                     b"AUTH LOGIN\r\n", b"MAIL FROM:<a@b>\r\n"):
            c.event(c.command(line))
        c.close()

    run = Run(body, users=USERS)
    assert [what for _, what in run.log] == [
        b"535 5.7.8 Error: authentication failed\r\n",
        b"535 5.7.8 Error: authentication failed\r\n",     # authzid differs from authcid
        b"334 VXNlcm5hbWU6\r\n",
        b"501 5.7.0 Error: authentication cancelled\r\n",
        b"501 5.5.2 Error: malformed PLAIN credential\r\n",  # "=" is an empty response
        b"334 \r\n",
        b"235 2.7.0 Authentication successful\r\n",
        b"503 5.5.1 Error: already authenticated\r\n",
        b"250 2.1.0 Ok\r\n",
    ]
    assert [(mech, user, ok) for _, mech, user, ok in run.server.session.auth_log] == [
        ("PLAIN", "user@example.com", False), ("PLAIN", "user@example.com", False),
        ("PLAIN", "user@example.com", True)]
    assert codes(run.server.problems) == ["bad-plain", "bad-sequence", "no-quit"]


def test_bad_base64_is_flagged() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        c.command(b"EHLO x\r\n")
        c.event(c.command(b"AUTH PLAIN\r\n"))
        c.event(c.command(b"not base64!\r\n"))
        c.event(c.command(b"AUTH PLAIN AGVsbG8\r\n"))      # missing padding
        c.event(c.command(b"AUTH LOGIN\r\n"))
        c.event(c.command(b"dXNlcg==\r\n"))
        c.event(c.command(b"%%%\r\n"))
        c.close()

    run = Run(body, users=USERS)
    assert [what for _, what in run.log] == [
        b"334 \r\n",
        b"501 5.5.2 Error: cannot decode the response\r\n",
        b"501 5.5.2 Error: cannot decode the initial response\r\n",
        b"334 VXNlcm5hbWU6\r\n",
        b"334 UGFzc3dvcmQ6\r\n",
        b"501 5.5.2 Error: cannot decode the response\r\n",
    ]
    assert codes(run.server.problems) == ["bad-base64", "bad-base64", "bad-base64", "no-quit"]


def test_sequence_and_syntax_errors() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        for line in (b"MAIL FROM:<a@b>\r\n", b"AUTH PLAIN\r\n", b"EHLO\r\n", b"EHLO x\r\n",
                     b"RCPT TO:<c@d>\r\n", b"DATA\r\n", b"MAIL FROM:a@b\r\n", b"MAIL FROM:<a@b>\r\n",
                     b"MAIL FROM:<a@b>\r\n", b"DATA\r\n", b"RCPT TO:<>\r\n", b"AUTH LOGIN\r\n",
                     b"XYZZY\r\n", b"\r\n", b"RSET\r\n", b"NOOP\r\n", b"VRFY a\r\n", b"rcpt to:<c@d>\r\n"):
            c.event(c.command(line))
        c.close()

    run = Run(body)
    assert [what for _, what in run.log] == [
        b"503 5.5.1 Error: send HELO/EHLO first\r\n",
        b"503 5.5.1 Error: send HELO/EHLO first\r\n",
        b"501 5.5.4 Syntax: EHLO hostname\r\n",
        EHLO_REPLY,
        b"503 5.5.1 Error: need MAIL command\r\n",
        b"503 5.5.1 Error: need RCPT command\r\n",
        b"501 5.5.4 Syntax: MAIL FROM:<address>\r\n",
        b"250 2.1.0 Ok\r\n",
        b"503 5.5.1 Error: nested MAIL command\r\n",
        b"503 5.5.1 Error: need RCPT command\r\n",
        b"501 5.5.4 Syntax: RCPT TO:<address>\r\n",
        b"503 5.5.1 Error: MAIL transaction in progress\r\n",
        b"502 5.5.2 Error: command not recognized\r\n",
        b"500 5.5.2 Error: bad syntax\r\n",
        b"250 2.0.0 Ok\r\n",
        b"250 2.0.0 Ok\r\n",
        b"252 2.0.0 Cannot VRFY user\r\n",
        b"503 5.5.1 Error: need MAIL command\r\n",          # RSET ended the transaction
    ]
    assert codes(run.server.problems) == [
        "before-ehlo", "before-ehlo", "syntax", "bad-sequence", "bad-sequence", "syntax", "bad-sequence",
        "bad-sequence", "syntax", "bad-sequence", "unknown-command", "empty-line", "bad-sequence", "no-quit"]


def test_unstuffed_dot_line_ends_the_message_early() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        for line in (b"EHLO x\r\n", b"MAIL FROM:<a@b>\r\n", b"RCPT TO:<c@d>\r\n", b"DATA\r\n"):
            c.command(line)
        c.send(b"Subject: s\r\n\r\nfirst\r\n.\r\nsecond part\r\n")   # a body line "." not stuffed
        c.send(b"\r\n.\r\n")
        for _ in range(4):
            c.event(c.reply())
        c.close()

    run = Run(body)
    assert [what for _, what in run.log] == [
        b"250 2.0.0 Ok: queued as 1\r\n",                  # the message ended at the "." line
        b"502 5.5.2 Error: command not recognized\r\n",    # "second part" read as a command
        b"500 5.5.2 Error: bad syntax\r\n",                # the empty line
        b"502 5.5.2 Error: command not recognized\r\n",    # "."
    ]
    [mail] = run.server.mailbox
    assert mail.data == b"Subject: s\r\n\r\nfirst\r\n.\r\n"
    assert mail.content == b"Subject: s\r\n\r\nfirst\r\n"
    assert codes(run.server.problems) == ["early-end-of-data", "unknown-command", "empty-line",
                                          "unknown-command", "no-quit"]
    assert "not dot-stuffed" in run.server.problems[1].text


def test_unstuffed_dot_line_at_a_segment_boundary_gets_a_hint() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        for line in (b"EHLO x\r\n", b"MAIL FROM:<a@b>\r\n", b"RCPT TO:<c@d>\r\n", b"DATA\r\n"):
            c.command(line)
        c.event(c.command(b"first\r\n.\r\n"))          # looks like a proper end of data
        c.event(c.command(b"rest of the body\r\n"))
        c.event(c.command(b"NOOP\r\n"))
        c.event(c.command(b"oops\r\n"))
        c.close()

    run = Run(body)
    assert [what for _, what in run.log] == [
        b"250 2.0.0 Ok: queued as 1\r\n", b"502 5.5.2 Error: command not recognized\r\n",
        b"250 2.0.0 Ok\r\n", b"502 5.5.2 Error: command not recognized\r\n"]
    first, second = run.server.problems[:2]
    assert (first.code, second.code) == ("unknown-command", "unknown-command")
    assert "right after a message" in first.text and "right after" not in second.text


def test_a_second_connection_waits_in_the_listen_queue() -> None:
    from netxsim.nx.constants import NX_IN_PROGRESS
    from netxsim.nx.tcp import NX_TCP_ESTABLISHED
    from netxsim.nx.tcp_socket import nx_tcp_socket_state_wait

    def body(c: Client) -> None:
        c.connect()
        c.event(c.reply())
        second = Client(c.ip, c.pool)
        assert nx_tcp_socket_create(c.ip, second.socket, "second", 0, 0, 0x80, 8000, None, None) == NX_SUCCESS
        assert nx_tcp_client_socket_bind(second.socket, NX_ANY_PORT, 100) == NX_SUCCESS
        c.event(nx_tcp_client_socket_connect(second.socket, SERVER, 25, 0))
        tx_thread_sleep(50)
        c.event(c.command(b"QUIT\r\n"))
        c.close()
        c.event(nx_tcp_socket_state_wait(second.socket, NX_TCP_ESTABLISHED, 500))
        c.event(second.reply())
        c.event(second.command(b"QUIT\r\n"))
        c.event(second.close())

    run = Run(body)
    assert run.log == [(0, GREETING), (0, NX_IN_PROGRESS), (50, b"221 2.0.0 Bye\r\n"), (50, NX_SUCCESS),
                       (50, GREETING), (50, b"221 2.0.0 Bye\r\n"), (50, NX_SUCCESS)]
    first, second = run.server.sessions
    assert first.peer_port != second.peer_port and second.start == 50
    assert run.server.problems == []
    run.assert_pools_full()


def test_dot_stuffed_data_split_across_segments() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        for line in (b"EHLO x\r\n", b"MAIL FROM:<>\r\n", b"RCPT TO:<c@d>\r\n", b"DATA\r\n"):
            c.command(line)
        c.send(b"..hidden\r\nbare\nLF\r\n.")
        c.send(b"\r\n")                                     # the end of data split after the dot
        c.event(c.reply())
        c.command(b"DATA\r\n")                              # no RCPT after the transaction ended
        c.command(b"MAIL FROM:<a@b>\r\n")
        c.command(b"RCPT TO:<c@d>\r\n")
        c.command(b"DATA\r\n")
        c.event(c.command(b".\r\n"))                       # an empty message
        c.close()

    run = Run(body)
    assert [what for _, what in run.log] == [b"250 2.0.0 Ok: queued as 1\r\n", b"250 2.0.0 Ok: queued as 2\r\n"]
    first, second = run.server.mailbox
    assert (first.sender, first.data, first.content) == ("", b"..hidden\r\nbare\nLF\r\n.\r\n",
                                                         b".hidden\r\nbare\nLF\r\n")
    assert (second.data, second.content) == (b".\r\n", b"")
    assert codes(run.server.problems) == ["bad-sequence", "no-quit"]
    assert codes(run.server.notes) == ["bare-lf-in-data"]


def test_pipelined_commands_are_answered_and_flagged() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        c.send(b"EHLO x\r\nNOOP\r\n")
        c.event(c.reply())
        c.event(c.reply())
        c.event(c.command(b"QUIT\r\n"))
        c.close()

    run = Run(body)
    assert [what for _, what in run.log] == [EHLO_REPLY, b"250 2.0.0 Ok\r\n", b"221 2.0.0 Bye\r\n"]
    assert codes(run.server.problems) == ["pipelining"]


def test_require_auth_recipients_and_size_limits() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        c.command(b"EHLO x\r\n")
        c.event(c.command(b"MAIL FROM:<a@b>\r\n"))
        c.command(b"AUTH PLAIN " + b64(b"\0user@example.com\0secret") + b"\r\n")
        c.event(c.command(b"MAIL FROM:<a@b> SIZE=101\r\n"))
        c.event(c.command(b"MAIL FROM:<a@b> SIZE=100 BODY=8BITMIME\r\n"))
        c.event(c.command(b"RCPT TO:<nobody@example.org>\r\n"))
        c.event(c.command(b"RCPT TO:<Known@Example.org>\r\n"))
        c.command(b"DATA\r\n")
        c.event(c.command(b"x" * 99 + b"\r\n.\r\n"))
        c.close()

    run = Run(body, users=USERS, require_auth=True, recipients=["known@example.org"], max_message_size=100)
    assert [what for _, what in run.log] == [
        b"530 5.7.0 Authentication required\r\n",
        b"552 5.3.4 Error: message file too big\r\n",
        b"250 2.1.0 Ok\r\n",
        b"550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown\r\n",
        b"250 2.1.5 Ok\r\n",
        b"552 5.3.4 Error: message file too big\r\n",       # 99 + CRLF = 101 bytes of content
    ]
    assert run.server.mailbox == []


def test_long_line_and_bare_lf_in_commands() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        c.event(c.command(b"NOOP " + b"x" * 600 + b"\r\n"))
        c.event(c.command(b"NOOP\nNOOP\r\n"))
        c.event(c.command(b"y" * 600))                     # no CRLF yet: refused at once
        c.send(b"y" * 100)
        c.event(c.command(b"yyy\r\nNOOP\r\n"))            # the rest of that line is dropped
        c.close()

    run = Run(body)
    assert [what for _, what in run.log] == [b"500 5.5.6 Error: line too long\r\n",
                                             b"502 5.5.2 Error: command not recognized\r\n",
                                             b"500 5.5.6 Error: line too long\r\n", b"250 2.0.0 Ok\r\n"]
    assert codes(run.server.problems) == ["line-too-long", "bare-lf", "unknown-command", "line-too-long",
                                          "no-quit"]


@pytest.mark.parametrize("reset, end, problem", [(False, "peer-closed", "no-quit"),
                                                 (True, "reset", "no-quit")])
def test_client_leaves_without_quit(reset: bool, end: str, problem: str) -> None:
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        c.command(b"EHLO x\r\n")
        tx_thread_sleep(5)
        c.abort() if reset else c.close()
        tx_thread_sleep(5)

    run = Run(body)
    session = run.server.session
    assert (session.end, session.end_tick) == (end, 5)
    assert codes(run.server.problems) == [problem]
    assert ("RST" if reset else "FIN") in run.server.problems[0].text
    run.assert_pools_full()


def test_connection_lost_in_data() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        for line in (b"EHLO x\r\n", b"MAIL FROM:<a@b>\r\n", b"RCPT TO:<c@d>\r\n", b"DATA\r\n"):
            c.command(line)
        c.send(b"partial")
        c.abort()
        tx_thread_sleep(1)

    run = Run(body)
    assert codes(run.server.problems) == ["closed-in-data"]
    assert run.server.mailbox == []


def test_idle_timeout_sends_421_and_closes() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.event(c.reply())
        c.event(c.recv(5000))
        c.event(c.recv(5000))
        c.close()

    run = Run(body, idle_timeout=1000)
    assert run.log == [(0, GREETING), (1000, (NX_SUCCESS, b"421 4.4.2 smtp.netxsim Error: timeout exceeded\r\n")),
                       (1000, (NX_NOT_CONNECTED, b""))]
    assert codes(run.server.problems) == ["idle-timeout"]
    assert run.server.session.end == "timeout"


def test_two_connections_one_after_the_other() -> None:
    def body(c: Client) -> None:
        c.connect()
        for n in range(2):
            if n:
                c.reconnect()
            c.reply()
            for line in (b"HELO x\r\n", b"MAIL FROM:<a@b>\r\n", b"RCPT TO:<c@d>\r\n", b"DATA\r\n"):
                c.command(line)
            c.event(c.command(b"mail %d\r\n.\r\n" % n))
            c.command(b"QUIT\r\n")
            c.close()
            tx_thread_sleep(100)

    run = Run(body)
    assert [what for _, what in run.log] == [b"250 2.0.0 Ok: queued as 1\r\n", b"250 2.0.0 Ok: queued as 2\r\n"]
    assert [(m.session, m.content) for m in run.server.mailbox] == [(0, b"mail 0\r\n"), (1, b"mail 1\r\n")]
    first, second = run.server.sessions
    assert (first.end, second.end, first.peer_address, second.start) == ("quit", "quit", CLIENT, 100)
    assert run.server.problems == [] and run.server.errors == []
    run.assert_pools_full()


# ============================================================================ the host itself
def test_server_threads_do_not_keep_the_run_alive() -> None:
    def body(c: Client) -> None:
        tx_thread_sleep(3)

    run = Run(body)
    assert (run.result.reason, run.result.ticks) == ("completed", 3)
    assert run.server.thread not in run.application_threads
    assert run.server.ip.nx_ip_thread not in run.application_threads
    assert [t.tx_thread_name for t in run.application_threads] == ["client"]
    assert run.server.sessions == []


def test_memory_is_carved_from_the_given_pointer() -> None:
    seen: dict[str, Any] = {}

    def define(free: Any) -> None:
        server = SmtpServer.create(address=SERVER, memory=free + 1, pool_packets=4, pool_payload=800,
                                   stack_size=1024, ip_stack_size=1024, arp_cache_size=520)
        seen["size"] = server.next_free - free
        seen["aligned"] = server.next_free.address % 4
        seen["packets"] = nx_packet_pool_info_get(server.pool)[1]

    tx_kernel_enter(define)
    # alignment 3 + pool 4 * (60 + 800) + stacks 1024 + 1024 + ARP 520
    assert seen == {"size": 4 + 4 * 860 + 1024 + 520 + 1024, "aligned": 0, "packets": 4}


# ============================================================================ scripted mode
# NetX Duo's canned server replies.
R220 = (b"220-expresslogic.com ESMTP MDaemon 13.0.3; Sat, 23 Mar 2013 22:58:15 -0700\r\n"
        b"220-All transactions and IP addresses are logged.\r\n220-*\r\n"
        b"220 Unauthorized relaying is strictly prohibited.\r\n")
R250_EHLO = (b"250-expresslogic.com Hello testrecipient@expresslogic.com, pleased to meet you\r\n"
             b"250-ETRN\r\n250-AUTH LOGIN CRAM-MD5 PLAIN\r\n250-8BITMIME\r\n250 SIZE\r\n")
R250_EHLO_FIRST = R250_EHLO.replace(b"250 SIZE", b"250-SIZE")
R334 = b"334 \r\n"
R235 = b"235 Authentication successful\r\n"
R250_SENDER = b"250 <recipient99@gmail.com>, Sender ok\r\n"
R250_RECIPIENT = b"250 <recipient99@gmail.com>, Recipient ok\r\n"
R354 = b"354 Enter mail, end with <CRLF>.<CRLF>\r\n"
R250_SAVED = b"250 Ok, message saved <Message-ID: >\r\n"
R221 = b"221 See ya in cyberspace\r\n" + b"\x00" * 54
BASIC_SCRIPT = [R220, R250_EHLO, R334, R235, R250_SENDER, R250_RECIPIENT, R354, R250_SAVED, R221]
C_COMMANDS = [b"EHLO domain.com\r\n", b"AUTH PLAIN\r\n", C_CREDENTIAL + b"\r\n",
              b"MAIL FROM:<recipient@domain.com> \r\n", b"RCPT TO:<recipient@domain.com> \r\n", b"DATA\r\n"]


def test_scripted_basic_function_replies() -> None:
    def body(c: Client) -> None:
        tx_thread_sleep(20)
        c.connect()
        c.event(c.reply())
        for line in C_COMMANDS:
            c.event(c.command(line))
        c.send(C_HEADER)
        c.send(C_BODY)
        c.send(b"\r\n.\r\n")
        c.event(c.reply())
        c.event(c.command(b"QUIT\r\n"))
        c.event(c.close())

    run = Run(body, script=BASIC_SCRIPT)
    assert run.log == [(20, reply) for reply in BASIC_SCRIPT] + [(20, NX_SUCCESS)]
    assert len(R221) == 80 and len(R220) == 185 and len(R250_EHLO) == 145
    assert run.server.received == [b""] + C_COMMANDS + [C_HEADER + C_BODY + b"\r\n.\r\n", b"QUIT\r\n"]
    steps = run.server.session.steps
    assert [s.read for s in steps] == ["none"] + ["packet"] * 6 + ["data", "packet"]
    assert [len(s.packets) for s in steps] == [0, 1, 1, 1, 1, 1, 1, 3, 1]
    assert [s.status for s in steps] == [None] + [NX_SUCCESS] * 8
    assert run.server.session.end == "peer-closed" and run.server.session.after_script == b""
    assert run.server.problems == [] and run.server.mailbox == []
    run.assert_pools_full()


def test_scripted_reply_split_into_segments_with_delays() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.event(c.reply())
        c.send(b"EHLO domain.com\r\n")
        for _ in range(3):
            c.event(c.recv())
        c.close()

    script = [b"220 hi\r\n", Send(b"250-first\r\n", 30, b"250-second\r\n", b"250 third\r\n")]
    run = Run(body, script=script)
    assert run.log == [(0, b"220 hi\r\n"), (0, (NX_SUCCESS, b"250-first\r\n")),
                       (30, (NX_SUCCESS, b"250-second\r\n")), (30, (NX_SUCCESS, b"250 third\r\n"))]
    assert run.server.session.steps[1].sent == [(0, b"250-first\r\n"), (30, b"250-second\r\n"),
                                                (30, b"250 third\r\n")]


def test_scripted_silence_makes_the_client_time_out() -> None:
    def body(c: Client) -> None:
        tx_thread_sleep(7)
        c.connect()
        c.event(c.reply())
        c.send(b"EHLO domain.com\r\n")
        c.event(c.recv(1000))
        c.abort()
        tx_thread_sleep(1)

    run = Run(body, script=[R220, Silence()])
    assert run.log == [(7, R220), (1007, (NX_NO_PACKET, b""))]
    session = run.server.session
    assert run.server.received == [b"", b"EHLO domain.com\r\n"]
    assert (session.end, session.end_tick, session.after_script) == ("reset", 1007, b"")


def test_scripted_missing_last_250() -> None:
    """NetX's missing_last_250 scenario: two EHLO packets, no final line, then nothing
    until the client gives up (10 s) and resets; nothing may arrive after EHLO."""
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        c.send(b"EHLO domain.com\r\n")
        c.event(c.reply())
        c.event(c.reply())
        c.event(c.recv(1000))
        c.abort()

    run = Run(body, script=[R220, Send(R250_EHLO_FIRST, 2, b"250-SIZE\r\n")])
    assert run.log == [(0, R250_EHLO_FIRST), (2, b"250-SIZE\r\n"), (1002, (NX_NO_PACKET, b""))]
    session = run.server.session
    assert (session.end, session.end_tick, session.after_script) == ("reset", 1002, b"")
    run.assert_pools_full()


def test_scripted_read_timeout_is_recorded_and_the_action_still_runs() -> None:
    """NetX's two_packet_EHLO scenario: the server waits 1 s for a (forbidden) command
    while the client is muted, then sends the last EHLO line."""
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        c.send(b"EHLO domain.com\r\n")
        c.event(c.reply())
        c.event(c.reply())
        c.event(c.command(b"AUTH PLAIN\r\n"))
        c.close()

    script = [R220, R250_EHLO_FIRST, Step(b"250 SIZE\r\n", timeout=100, expect=b""),
              Step(R334, expect=b"AUTH PLAIN\r\n")]
    run = Run(body, script=script)
    assert run.log == [(0, R250_EHLO_FIRST), (100, b"250 SIZE\r\n"), (100, R334)]
    step = run.server.session.steps[2]
    assert (step.status, step.received, step.sent) == (NX_NO_PACKET, b"", [(100, b"250 SIZE\r\n")])
    assert run.server.problems == []


def test_scripted_expect_mismatch_is_a_problem() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        c.event(c.command(b"HELO domain.com\r\n"))
        c.close()

    run = Run(body, script=[R220, Step(b"250 ok\r\n", expect=b"EHLO domain.com\r\n")])
    assert run.log == [(0, b"250 ok\r\n")]
    [problem] = run.server.problems
    assert problem.code == "unexpected" and "HELO domain.com" in problem.text


def test_scripted_reset_and_unread_bytes() -> None:
    """NetX's invalid_release scenario: greeting "2200", then 20 ticks later an RST; the
    client's QUIT is never read by the script but is recorded as unread."""
    def body(c: Client) -> None:
        c.connect()
        c.event(c.reply())
        c.send(b"QUIT\r\n")
        c.event(c.recv(1000))
        nx_tcp_client_socket_unbind(c.socket)

    run = Run(body, script=[b"2200", Step(Reset(), read="none", delay=20)])
    assert run.log == [(0, b"2200"), (20, (NX_NOT_CONNECTED, b""))]
    session = run.server.session
    assert (session.end, session.end_tick, session.unread) == ("server-reset", 20, b"QUIT\r\n")
    run.assert_pools_full()


def test_scripted_garbage_and_close() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.event(c.reply())
        c.event(c.recv())
        c.event(c.close())

    run = Run(body, script=[Garbage(40, seed=3), Step(Close(), read="none")])
    assert run.log == [(0, random.Random(3).randbytes(40)), (0, (NX_NOT_CONNECTED, b"")), (0, NX_SUCCESS)]
    assert run.server.session.end == "server-closed"
    assert run.server.errors == []


def test_scripted_line_mode_after_script_and_per_session_scripts() -> None:
    def body(c: Client) -> None:
        c.connect()
        c.reply()
        c.send(b"EH")
        c.send(b"LO x\r\n")
        c.event(c.reply())
        c.send(b"QUIT\r\n")
        c.close()
        tx_thread_sleep(10)
        c.reconnect()
        c.event(c.reply())
        c.close()

    scripts = {0: [b"220 first\r\n", Step(b"250 ok\r\n", read="line")], 1: [b"220 second\r\n"]}
    run = Run(body, script=lambda index: scripts[index])
    assert [what for _, what in run.log] == [b"250 ok\r\n", b"220 second\r\n"]
    first, second = run.server.sessions
    assert [p for _, p in first.steps[1].packets] == [b"EH", b"LO x\r\n"]
    assert (first.after_script, first.end, second.end) == (b"QUIT\r\n", "peer-closed", "peer-closed")


def test_step_validation() -> None:
    with pytest.raises(ValueError):
        Step(b"x", read="sometimes")
    with pytest.raises(TypeError):
        Send("text")  # type: ignore[arg-type]


# ============================================================================ properties
REPLY = re.compile(rb"(\d{3}-[^\r\n]*\r\n)*\d{3} [^\r\n]*\r\n")
VALID_SESSION = (b"EHLO x\r\nAUTH PLAIN " + b64(b"\0user@example.com\0secret") + b"\r\n"
                 b"MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"
                 b"Subject: s\r\n\r\n..stuffed\r\nline\r\n.\r\nQUIT\r\n")


def feed(chunks: list[bytes]) -> Run:
    """A client that sends ``chunks`` one segment each, a tick apart, taking whatever
    the server answers, then closes."""
    def body(c: Client) -> None:
        c.connect()
        for chunk in chunks:
            status, packet = nx_packet_allocate(c.pool, NX_IPv4_TCP_PACKET, 100)
            assert status == NX_SUCCESS
            assert nx_packet_data_append(packet, chunk, len(chunk), c.pool, 100) == NX_SUCCESS
            if nx_tcp_socket_send(c.socket, packet, 100) != NX_SUCCESS:
                nx_packet_release(packet)   # the server closed (a QUIT in the data)
                break
            tx_thread_sleep(1)
            while (received := c.recv(0))[0] == NX_SUCCESS:
                c.event(received[1])
        c.close()
        tx_thread_sleep(10)

    return Run(body, users=USERS)


@given(st.lists(st.binary(min_size=1, max_size=80), min_size=1, max_size=8))
def test_property_any_client_bytes_get_well_formed_replies_and_no_leak(chunks: list[bytes]) -> None:
    run = feed(chunks)
    session = run.server.session
    assert session is not None and session.end is not None
    assert all(REPLY.fullmatch(reply) for reply in session.replies), session.replies
    assert run.server.errors == []
    run.assert_pools_full()


@given(st.sets(st.integers(1, len(VALID_SESSION) - 1), max_size=12))
def test_property_a_session_split_anywhere_gives_the_same_mail(cuts: set[int]) -> None:
    points = [0, *sorted(cuts), len(VALID_SESSION)]
    run = feed([VALID_SESSION[a:b] for a, b in zip(points, points[1:])])
    [mail] = run.server.mailbox
    assert (mail.user, mail.sender, mail.recipients) == ("user@example.com", "a@b", ["c@d"])
    assert mail.content == b"Subject: s\r\n\r\n.stuffed\r\nline\r\n"
    assert b"".join(run.server.session.replies) == (
        GREETING + EHLO_REPLY + b"235 2.7.0 Authentication successful\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"
        b"354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued as 1\r\n221 2.0.0 Bye\r\n")
    assert set(codes(run.server.problems)) <= {"pipelining"}
    assert run.server.session.end == "quit"
    run.assert_pools_full()
