"""The simulated SMTP server's limits: the RFC 5321 idle timeout (a lost RST no longer
wedges it) and bounded transcripts (the mailbox stays complete)."""
from __future__ import annotations

from typing import Any

import pytest

from netxsim import NX_SUCCESS, _nx_ram_network_driver, tx_thread_sleep, tx_time_get
from netxsim.nx.faults import Frame, LinkFaults
from netxsim.nx.segment import segment_for
from netxsim.peers.smtp_server import IDLE_TIMEOUT
from netxsim.tx.kernel import kernel

from .test_smtp_server import CLIENT, GREETING, Client, Run, codes

MAIL = [b"EHLO client.example\r\n", b"MAIL FROM:<a@example.com>\r\n", b"RCPT TO:<b@example.org>\r\n",
        b"DATA\r\n"]


def _first_client_rst_lost() -> LinkFaults:
    """Drop the first TCP segment with RST that the client host sends."""
    dropped: list[int] = []

    def client_rst(frame: Frame) -> bool:
        ip = frame.payload
        if frame.ethertype != 0x0800 or ip[9] != 6 or int.from_bytes(ip[12:16], "big") != CLIENT or dropped:
            return False
        flags = ip[(ip[0] & 0x0F) * 4 + 13]
        if flags & 0x04:
            dropped.append(frame.tick)
            return True
        return False
    return LinkFaults(drop_if=client_rst)


def _lost_rst_then_mail(c: Client, box: dict[str, Any], later: int) -> None:
    tx_thread_sleep(10)
    segment_for(kernel(), _nx_ram_network_driver).faults = _first_client_rst_lost()
    c.connect()
    box["greeting"] = c.reply()
    c.command(MAIL[0])
    tx_thread_sleep(40)                    # the reply is ACKed: the server has nothing to resend
    c.abort()                              # RST: lost on the wire, the server never hears it
    tx_thread_sleep(later)
    box["second at"] = tx_time_get()
    c.reconnect()
    box["second greeting"] = c.reply()
    for line in MAIL:
        c.command(line)
    c.send(b"Subject: after the lost RST\r\n\r\nbody\r\n.\r\n")
    box["queued"] = c.reply()
    box["bye"] = c.command(b"QUIT\r\n")
    box["close"] = c.close()


@pytest.mark.parametrize("idle_timeout, later", [(None, IDLE_TIMEOUT + 1000), (2000, 3000)])
def test_a_lost_rst_ends_in_the_idle_timeout_and_the_server_serves_the_next_client(idle_timeout, later):
    box: dict[str, Any] = {}
    options = {} if idle_timeout is None else {"idle_timeout": idle_timeout}
    run = Run(lambda c: _lost_rst_then_mail(c, box, later), until=100_000, **options)
    expected_timeout = 30_000 if idle_timeout is None else idle_timeout   # RFC 5321: 5 minutes
    first, second = run.server.sessions
    assert (first.end, first.end_tick) == ("timeout", 10 + expected_timeout)    # idle since the EHLO
    assert codes(first.problems) == ["idle-timeout"]
    assert first.replies[-1].startswith(b"421 4.4.2")
    assert box["greeting"] == box["second greeting"] == GREETING
    assert box["queued"].startswith(b"250 ") and box["bye"].startswith(b"221 ") and box["close"] == NX_SUCCESS
    assert [mail.session for mail in run.server.mailbox] == [1]
    assert run.server.mailbox[0].content == b"Subject: after the lost RST\r\n\r\nbody\r\n"
    assert second.end == "quit"
    run.assert_pools_full()                           # the wedged session's packets came back


def _mails(c: Client, count: int) -> None:
    tx_thread_sleep(10)
    c.connect()
    for index in range(count):
        if index:
            c.reconnect()
        c.reply()
        for line in MAIL:
            c.command(line)
        c.send(b"Subject: %d\r\n\r\nbody\r\n.\r\n" % index)
        c.reply()
        c.command(b"QUIT\r\n")
        c.close()


def test_transcripts_are_kept_for_the_latest_sessions_and_the_mailbox_is_complete():
    run = Run(lambda c: _mails(c, 20))
    sessions, mailbox = run.server.sessions, run.server.mailbox
    assert len(sessions) == 20 and [mail.header("Subject") for mail in mailbox] == [str(i) for i in range(20)]
    assert [s.transcript_dropped for s in sessions] == [True] * 4 + [False] * 16
    assert all(s.transcript == [] for s in sessions[:4])
    assert sessions[-1].client_bytes.startswith(MAIL[0])
    with pytest.raises(ValueError, match="session 0: its transcript was not kept.*transcripts=True"):
        sessions[0].client_bytes


@pytest.mark.parametrize("transcripts, kept", [(True, 6), (False, 0), (2, 2)])
def test_transcripts_opt_in_or_out(transcripts, kept):
    run = Run(lambda c: _mails(c, 6), transcripts=transcripts)
    assert [not s.transcript_dropped for s in run.server.sessions] == [False] * (6 - kept) + [True] * kept
    assert len(run.server.mailbox) == 6
    assert sum(len(s.transcript) for s in run.server.sessions) > 0 or kept == 0
