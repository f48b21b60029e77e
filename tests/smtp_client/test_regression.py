"""NetX Duo's SMTP regression tests (``test/regression/smtp_test``), end to end.

Each test runs the SMTP client port over the real simulated stack (client IP + RAM
driver with the tests' 1024-byte MTU + NetX TCP) against the scripted SMTP server host,
with the C test's canned replies, and asserts what the C test asserts:
the mail_send status, what the server received at each step (one packet per step, the
message step until ``\\r\\n.\\r\\n``), the teardown, the delete status, and that every
packet pool is back to full with no invalid release.

Ticks: the client thread calls mail_send at tick 20 (``START``); the RAM driver takes no
time, so a dialogue without waits ends at tick 20 and every other tick is a time-out.
"""
from __future__ import annotations

from netxsim import NX_NO_PACKET, NX_NOT_CONNECTED, NX_SUCCESS
from netxsim.peers.smtp_server import Reset, Send, Step
from smtp_client import (
    NX_SMTP_CLIENT_AUTH_LOGIN, NX_SMTP_CLIENT_AUTH_NONE, NX_SMTP_CLIENT_AUTH_PLAIN, NX_SMTP_GREET_REPLY_ERROR,
)

from netxsim.testing.smtp_regression import (
    C_AUTH_LOGIN, C_AUTH_PLAIN, C_DATA, C_EHLO, C_LOGIN_PASSWORD, C_LOGIN_USER, C_MAIL, C_PLAIN_CREDENTIAL,
    C_QUIT, C_RCPT, R220, R220_INVALID, R221, R235, R250_EHLO, R250_EHLO_AUTH_NO_TYPE, R250_EHLO_FIRST,
    R250_EHLO_FIRST_NO_AUTH, R250_EHLO_LAST, R250_EHLO_LAST_WITH_AUTH, R250_EHLO_NOAUTH, R250_EHLO_NOTLAST,
    R250_RECIPIENT, R250_SAVED, R250_SENDER, R334, R334_PASSWORD, R334_USERNAME, R354, START, message, run,
)

SECOND = 100                    # NX_IP_PERIODIC_RATE
PLAIN_SCRIPT = [R220, R250_EHLO, R334, R235, R250_SENDER, R250_RECIPIENT, R354, R250_SAVED, R221]
PLAIN_RECEIVED = [b"", C_EHLO, C_AUTH_PLAIN, C_PLAIN_CREDENTIAL, C_MAIL, C_RCPT, C_DATA, message(), C_QUIT]


def assert_clean_success(result, received: list[bytes]) -> None:
    """What every passing C test checks: NX_SUCCESS at tick 20 with no wait, each server
    receive got exactly the expected packet(s), the client closed gracefully after the
    221, the delete succeeded and nothing leaked."""
    assert result.run.reason == "completed", result.run.report()
    assert (result.status, result.sends[0].start, result.end) == (NX_SUCCESS, START, START)
    assert result.server.received == received
    session = result.session
    assert [step.status for step in session.steps] == [None] + [NX_SUCCESS] * (len(received) - 1)
    assert session.end == "peer-closed" and session.after_script == b"" and session.unread == b""
    assert result.server.problems == [] and result.server.errors == []
    assert result.client.nx_smtp_client_id == 0 and result.delete_status == NX_SUCCESS
    result.assert_no_leak()


def test_basic_function() -> None:
    """7.1: PLAIN, one-packet EHLO reply, empty 334; the C client's transcript byte for byte.
    The 1344-byte body goes out as one send that TCP cuts to the 984-byte MSS."""
    result = run(PLAIN_SCRIPT, server_options={"read_timeout": 100 * SECOND})
    assert_clean_success(result, PLAIN_RECEIVED)
    data_step = result.session.steps[7]
    assert [len(packet) for _, packet in data_step.packets] == [190, 984, 360, 5]
    assert [reply for reply in result.session.replies] == PLAIN_SCRIPT


def test_auth_logon_function() -> None:
    """7.2: LOGIN kept (offered); Username: and Password: prompts answered in base64."""
    script = [R220, R250_EHLO, R334_USERNAME, R334_PASSWORD, R235, R250_SENDER, R250_RECIPIENT, R354,
              R250_SAVED, R221]
    result = run(script, authentication_type=NX_SMTP_CLIENT_AUTH_LOGIN,
                 server_options={"read_timeout": 100 * SECOND})
    assert_clean_success(result, [b"", C_EHLO, C_AUTH_LOGIN, C_LOGIN_USER, C_LOGIN_PASSWORD, C_MAIL, C_RCPT,
                                  C_DATA, message(), C_QUIT])
    assert result.extra["auth_types"] == [NX_SMTP_CLIENT_AUTH_LOGIN]


def test_auth_none() -> None:
    """7.3: NONE: straight from EHLO to MAIL (a stray AUTH would desynchronise the script)."""
    script = [R220, R250_EHLO_NOAUTH, R250_SENDER, R250_RECIPIENT, R354, R250_SAVED, R221]
    result = run(script, authentication_type=NX_SMTP_CLIENT_AUTH_NONE,
                 server_options={"read_timeout": 100 * SECOND})
    assert_clean_success(result, [b"", C_EHLO, C_MAIL, C_RCPT, C_DATA, message(), C_QUIT])


def _auth_no_type() -> None:
    script = [R220, R250_EHLO_AUTH_NO_TYPE, R334, R235, R250_SENDER, R250_RECIPIENT, R354, R250_SAVED, R221]
    result = run(script, authentication_type=NX_SMTP_CLIENT_AUTH_LOGIN,
                 server_options={"read_timeout": 100 * SECOND})
    # AUTH advertised, neither LOGIN nor PLAIN found: a LOGIN client switches to PLAIN,
    # so the empty 334 is answered with the PLAIN credential; the switch persists.
    assert_clean_success(result, PLAIN_RECEIVED)
    assert result.extra["auth_types"] == [NX_SMTP_CLIENT_AUTH_PLAIN]


def test_auth_no_type() -> None:
    """7.4: ``250-AUTH MOGIN CRAM-MD5 QLAIN``: LOGIN → PLAIN."""
    _auth_no_type()


def test_auth_no_type_function() -> None:
    """7.5: the byte-identical duplicate of 7.4 (never built by the C CMake lists)."""
    _auth_no_type()


def test_two_packet_ehlo_message() -> None:
    """7.6: the EHLO reply in two packets; while muted the client must send nothing
    (the server's 1 s receive must time out), then ``250 SIZE`` unmutes it and the next
    command is AUTH, not EHLO. Every server receive waits 1 s."""
    script = [R220, R250_EHLO_FIRST, Step(R250_EHLO_LAST, timeout=SECOND, expect=b""),
              Step(R334, expect=C_AUTH_PLAIN), R235, R250_SENDER, R250_RECIPIENT, R354, R250_SAVED, R221]
    result = run(script, server_options={"read_timeout": SECOND})
    assert result.run.reason == "completed"
    assert (result.status, result.end) == (NX_SUCCESS, START + SECOND)
    assert result.server.received == [b"", C_EHLO, b"", C_AUTH_PLAIN, C_PLAIN_CREDENTIAL, C_MAIL, C_RCPT, C_DATA,
                                      message(), C_QUIT]
    steps = result.session.steps
    assert steps[2].status == NX_NO_PACKET and steps[2].sent == [(START + SECOND, R250_EHLO_LAST)]
    assert result.server.problems == [] and result.session.end == "peer-closed"
    assert result.delete_status == NX_SUCCESS
    result.assert_no_leak()


def test_two_packet_ehlo_auth_last_message() -> None:
    """7.7: no AUTH in the first packet (mechanism unchanged), ``250-AUTH ...\\r\\n 250
    SIZE`` in the second: code ``250-`` but ``250 `` occurs later, so it unmutes; PLAIN
    is kept."""
    script = [R220, R250_EHLO_FIRST_NO_AUTH, Step(R250_EHLO_LAST_WITH_AUTH, timeout=SECOND, expect=b""),
              Step(R334, expect=C_AUTH_PLAIN), R235, R250_SENDER, R250_RECIPIENT, R354, R250_SAVED, R221]
    result = run(script, server_options={"read_timeout": SECOND})
    assert result.run.reason == "completed"
    assert (result.status, result.end) == (NX_SUCCESS, START + SECOND)
    assert result.server.received[:4] == [b"", C_EHLO, b"", C_AUTH_PLAIN]
    assert result.server.received[4:] == PLAIN_RECEIVED[3:]
    assert result.server.problems == [] and result.extra["auth_types"] == [NX_SMTP_CLIENT_AUTH_PLAIN]
    assert result.delete_status == NX_SUCCESS
    result.assert_no_leak()


def test_missing_last_250_ehlo_message() -> None:
    """7.8: ``250_ehlo_first`` then, 2 ticks later, ``250-SIZE``: still muted; the third
    EHLO wait expires after 10 s → NX_NO_PACKET, RST, no QUIT, nothing after EHLO."""
    script = [R220, Send(R250_EHLO_FIRST, 2, R250_EHLO_NOTLAST)]
    result = run(script, server_options={"read_timeout": 50 * SECOND})
    assert result.run.reason == "completed"
    assert (result.status, result.end) == (NX_NO_PACKET, START + 2 + 10 * SECOND)
    assert result.server.received == [b"", C_EHLO]
    session = result.session
    assert (session.end, session.end_tick, session.after_script) == ("reset", START + 2 + 10 * SECOND, b"")
    assert result.client_bytes == C_EHLO
    assert result.delete_status == NX_SUCCESS
    result.assert_no_leak()


def test_abnormal_packet() -> None:
    """7.9: a greeting whose code has 9 digits: invalid reply (0xAE), then the greeting
    handler's 0xA7; EHLO is not sent, QUIT is, the 221 completes the session (FIN)."""
    result = run([R220_INVALID, R221], server_options={"read_timeout": 10 * SECOND})
    assert result.run.reason == "completed"
    assert (result.status, result.end) == (NX_SMTP_GREET_REPLY_ERROR, START)
    assert result.server.received == [b"", C_QUIT] and result.client_bytes == C_QUIT
    assert result.session.end == "peer-closed" and result.server.problems == []
    assert result.delete_status == NX_SUCCESS
    result.assert_no_leak()


def test_invalid_release() -> None:
    """7.10: greeting ``2200`` (no CRLF): the read routine releases the packet once and
    the greeting handler must not release it again; QUIT is sent, the server resets 20
    ticks later: the transport error NX_NOT_CONNECTED. Delete succeeds; no invalid
    release in any pool."""
    result = run([b"2200", Step(Reset(), read="none", delay=20)])
    assert result.run.reason == "completed"
    assert (result.status, result.end) == (NX_NOT_CONNECTED, START + 20)
    session = result.session
    assert (session.end, session.end_tick, session.unread) == ("server-reset", START + 20, C_QUIT)
    assert result.delete_status == NX_SUCCESS
    assert all(invalid == 0 for *_, invalid in result.pool_report())
    result.assert_no_leak()
