"""Every status path of the SMTP client, end to end through the simulated
stack (client IP + RAM driver + NetX TCP + the scripted or functional SMTP server host).

Layout and ticks as in test_regression.py: mail_send starts at tick 20 (``START``); the
RAM driver takes no time, so a result tick is START plus the waits on the path. Each
test also checks what the server read (QUIT or not), how the connection ended (the
client's graceful FIN → server session "peer-closed"; the client's RST → "reset") and
that every packet pool is back to full with no invalid release.
"""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from netxsim import (
    NX_ALREADY_BOUND, NX_INVALID_INTERFACE, NX_INVALID_PACKET, NX_IP_ADDRESS_ERROR, NX_NO_FREE_PORTS,
    NX_NO_INTERFACE_ADDRESS, NX_NO_PACKET, NX_NOT_BOUND, NX_NOT_CLOSED, NX_NOT_CONNECTED, NX_PORT_UNAVAILABLE,
    NX_SIZE_ERROR, NX_SUCCESS, NX_TX_QUEUE_DEPTH, NX_WINDOW_OVERFLOW,
)
from netxsim.peers.smtp_server import Close, Reset, Send, Silence, Step
from smtp_client import (
    NX_SMTP_AUTH_REPLY_ERROR, NX_SMTP_CLIENT_AUTH_LOGIN, NX_SMTP_CLIENT_AUTH_NONE, NX_SMTP_CLIENT_AUTH_PLAIN,
    NX_SMTP_DATA_REPLY_ERROR, NX_SMTP_GREET_REPLY_ERROR, NX_SMTP_HELLO_REPLY_ERROR, NX_SMTP_INTERNAL_ERROR,
    NX_SMTP_MAIL_REPLY_ERROR, NX_SMTP_MESSAGE_REPLY_ERROR, NX_SMTP_RCPT_REPLY_ERROR, NX_SMTP_SERVER_ERROR_REPLY,
)

from netxsim.testing.smtp_regression import (
    C_AUTH_LOGIN, C_AUTH_PLAIN, C_DATA, C_EHLO, C_MAIL, C_PLAIN_CREDENTIAL, C_QUIT, C_RCPT, R220, R221, R235,
    R250_EHLO, R250_RECIPIENT, R250_SAVED, R250_SENDER, R334, R334_PASSWORD, R334_USERNAME, R354, START, message, run,
)

SECOND = 100
GREETING_TIMEOUT = 10 * SECOND     # NX_SMTP_GREETING_TIMEOUT
ENVELOPE_TIMEOUT = 10 * SECOND     # NX_SMTP_ENVELOPE_TIMEOUT
MESSAGE_TIMEOUT = 30 * SECOND      # NX_SMTP_MESSAGE_TIMEOUT
PACKET_TIMEOUT = 2 * SECOND        # NX_SMTP_CLIENT_PACKET_TIMEOUT
SEND_TIMEOUT = 5 * SECOND          # NX_SMTP_CLIENT_SEND_TIMEOUT
DELAYED_ACK = 20                   # NetX TCP delayed ACK: NX_IP_PERIODIC_RATE / 5

# The happy PLAIN dialogue: step i of the script answers client command COMMANDS[i].
# (after a reply starting with 354 the server would read until end of data: say "packet")
QUIT_221 = Step(R221, read="packet")
SCRIPT = [R220, R250_EHLO, R334, R235, R250_SENDER, R250_RECIPIENT, R354, R250_SAVED, R221]
COMMANDS = [b"", C_EHLO, C_AUTH_PLAIN, C_PLAIN_CREDENTIAL, C_MAIL, C_RCPT, C_DATA, message(), C_QUIT]
STEP = {name: index for index, name in enumerate(
    ("greeting", "ehlo", "auth", "credential", "mail", "rcpt", "data", "message", "quit"))}
# mail_status each step's reply handler stores for a rejection.
REJECTED = {"greeting": NX_SMTP_GREET_REPLY_ERROR, "ehlo": NX_SMTP_HELLO_REPLY_ERROR,
            "auth": NX_SMTP_AUTH_REPLY_ERROR, "credential": NX_SMTP_AUTH_REPLY_ERROR,
            "mail": NX_SMTP_MAIL_REPLY_ERROR, "rcpt": NX_SMTP_RCPT_REPLY_ERROR,
            "data": NX_SMTP_DATA_REPLY_ERROR, "message": NX_SMTP_MESSAGE_REPLY_ERROR}
WAIT = {"greeting": GREETING_TIMEOUT, "message": MESSAGE_TIMEOUT}

# Every status mail_send can return on its paths:
# success; the SMTP mail_status family after QUIT; a reply wait's NX_NO_PACKET or
# NX_NOT_CONNECTED; a command handler's allocation/append/send/length failure; bind and
# connect failures.
C_STATUSES = frozenset({
    NX_SUCCESS, NX_SMTP_GREET_REPLY_ERROR, NX_SMTP_HELLO_REPLY_ERROR, NX_SMTP_MAIL_REPLY_ERROR,
    NX_SMTP_RCPT_REPLY_ERROR, NX_SMTP_MESSAGE_REPLY_ERROR, NX_SMTP_DATA_REPLY_ERROR, NX_SMTP_AUTH_REPLY_ERROR,
    NX_SMTP_SERVER_ERROR_REPLY, NX_NO_PACKET, NX_NOT_CONNECTED, NX_INVALID_PACKET, NX_NOT_BOUND,
    NX_WINDOW_OVERFLOW, NX_TX_QUEUE_DEPTH, NX_NO_INTERFACE_ADDRESS, NX_SIZE_ERROR, NX_SMTP_INTERNAL_ERROR,
    NX_ALREADY_BOUND, NX_PORT_UNAVAILABLE, NX_NO_FREE_PORTS, NX_IP_ADDRESS_ERROR, NX_NOT_CLOSED,
    NX_INVALID_INTERFACE,
})


def upto(step: str) -> list[bytes]:
    """The happy replies before ``step``'s reply."""
    return SCRIPT[:STEP[step]]


def sent_upto(step: str) -> bytes:
    """What the client has sent once ``step``'s command is out."""
    return b"".join(COMMANDS[:STEP[step] + 1])


def check_common(result) -> None:
    assert result.run.reason == "completed", result.run.report()
    assert result.delete_status == NX_SUCCESS
    result.assert_no_leak()


def assert_quit_then_fin(result, status: int, sent_before_quit: bytes) -> None:
    """An SMTP-level error: mail_status returned after QUIT/221 and a graceful close."""
    check_common(result)
    assert (result.status, result.end) == (status, START)
    assert result.client_bytes == sent_before_quit + C_QUIT
    assert result.session.end == "peer-closed"


def assert_reset_without_quit(result, status: int, tick: int, sent: bytes) -> None:
    """A transport error: the raw status, no QUIT, the connection reset (RST)."""
    check_common(result)
    assert (result.status, result.end) == (status, tick)
    assert result.client_bytes == sent
    # "send-failed": the server's late reply met the reset connection.
    assert result.session.end in ("reset", "server-reset", "server-closed", "send-failed")


# =========================================================== rejection replies
REJECTIONS = [
    ("greeting", b"421 Service not available\r\n"), ("greeting", b"554 No SMTP service here\r\n"),
    ("greeting", b"250 hello?\r\n"), ("greeting", b"120 wait\r\n"),
    ("ehlo", b"500 Syntax error\r\n"), ("ehlo", b"502 EHLO not implemented\r\n"),
    ("ehlo", b"421 closing\r\n"), ("ehlo", b"251 not quite\r\n"), ("ehlo", b"220 again\r\n"),
    ("auth", b"535 Authentication failed\r\n"), ("auth", b"504 Unrecognized type\r\n"),
    ("auth", b"454 Temporary failure\r\n"), ("auth", b"252 cannot verify\r\n"), ("auth", b"221 bye\r\n"),
    ("auth", b"354 odd\r\n"), ("auth", b"101 odd\r\n"),
    ("credential", b"535 5.7.8 Authentication credentials invalid\r\n"), ("credential", b"454 later\r\n"),
    ("mail", b"550 Sender rejected\r\n"), ("mail", b"251 User not local; will forward\r\n"),
    ("mail", b"451 Local error\r\n"), ("mail", b"530 Authentication required\r\n"),
    ("rcpt", b"550 No such user\r\n"), ("rcpt", b"251 User not local\r\n"),
    ("rcpt", b"252 Cannot VRFY\r\n"), ("rcpt", b"452 Too many recipients\r\n"),
    ("data", b"554 No valid recipients\r\n"), ("data", b"250 OK\r\n"), ("data", b"451 Try later\r\n"),
    ("data", b"503 Bad sequence\r\n"),
    ("message", b"552 Message too big\r\n"), ("message", b"554 Transaction failed\r\n"),
    ("message", b"451 Aborted\r\n"), ("message", b"354 again\r\n"), ("message", b"251 hmm\r\n"),
]


@pytest.mark.parametrize("step, reply", REJECTIONS, ids=[f"{s}-{r[:3].decode()}" for s, r in REJECTIONS])
def test_rejection_reply_at_each_step(step: str, reply: bytes) -> None:
    """Only the exact success code counts (220/250/354/235; 251 is a failure): the
    step's error goes into mail_status, QUIT is sent and answered, FIN, status returned."""
    result = run(upto(step) + [reply, QUIT_221])
    assert_quit_then_fin(result, REJECTED[step], sent_upto(step))


def test_auth_other_2xx_resends_the_same_command() -> None:
    """A 2xx other than 235/252/221 to AUTH is ignored: the client sends ``AUTH PLAIN``
    again, and the dialogue then goes on."""
    result = run([R220, R250_EHLO, b"250 sure\r\n"] + SCRIPT[2:])
    check_common(result)
    assert (result.status, result.end) == (NX_SUCCESS, START)
    assert result.server.received == [b"", C_EHLO, C_AUTH_PLAIN, C_AUTH_PLAIN] + COMMANDS[3:]


def test_235_to_auth_goes_straight_to_mail() -> None:
    result = run([R220, R250_EHLO, R235] + SCRIPT[4:])
    check_common(result)
    assert result.status == NX_SUCCESS
    assert result.server.received == [b"", C_EHLO, C_AUTH_PLAIN] + COMMANDS[4:]


@pytest.mark.parametrize("challenge", [R334, b"334 Zm9vYmFy\r\n", b"334  VXNlcm5hbWU6\r\n"])
def test_login_unknown_or_empty_prompt(challenge: bytes) -> None:
    """LOGIN: an empty second word, or a prompt that decodes to neither "Username:" nor
    "Password:", ends with 0xAD and QUIT (the ``*`` cancel is unreachable)."""
    result = run([R220, R250_EHLO, challenge, QUIT_221], authentication_type=NX_SMTP_CLIENT_AUTH_LOGIN)
    assert_quit_then_fin(result, NX_SMTP_AUTH_REPLY_ERROR, C_EHLO + C_AUTH_LOGIN)


def test_mechanism_choice_persists_across_mail_sends() -> None:
    """A PLAIN client that sees only LOGIN offered switches to LOGIN, and stays LOGIN in
    the next mail_send although that server offers both."""
    login_only = b"250-x\r\n250-AUTH LOGIN\r\n250 SIZE\r\n"
    tail = [R334_USERNAME, R334_PASSWORD, R235] + SCRIPT[4:]
    scripts = {0: [R220, login_only] + tail, 1: [R220, R250_EHLO] + tail}
    result = run(lambda index: scripts[index], sends=2)
    assert result.run.reason == "completed"
    assert [send.status for send in result.sends] == [NX_SUCCESS, NX_SUCCESS]
    assert result.extra["auth_types"] == [NX_SMTP_CLIENT_AUTH_LOGIN, NX_SMTP_CLIENT_AUTH_LOGIN]
    assert [session.steps[2].received for session in result.server.sessions] == [C_AUTH_LOGIN, C_AUTH_LOGIN]
    assert result.delete_status == NX_SUCCESS
    result.assert_no_leak()


def test_quit_reply_code_is_not_checked() -> None:
    result = run(SCRIPT[:-1] + [b"500 whatever\r\n"])
    check_common(result)
    assert (result.status, result.session.end) == (NX_SUCCESS, "peer-closed")


# ======================================================= command length checks
@pytest.mark.parametrize("recipient, status", [("r" * 499, None), ("r" * 500, NX_SMTP_INTERNAL_ERROR),
                                               ("r" * 513, NX_SIZE_ERROR)])
def test_recipient_length_checked_when_rcpt_is_built(recipient: str, status: int | None) -> None:
    """RCPT TO: a recipient over 499 bytes does not fit the 512-byte command buffer
    (NX_SMTP_INTERNAL_ERROR), over 512 fails the string check (NX_SIZE_ERROR); a command
    handler failure resets the connection without QUIT."""
    result = run(SCRIPT, recipient=recipient)
    check_common(result)
    if status is None:
        assert result.status == NX_SUCCESS
        assert result.server.received[5] == b"RCPT TO:<" + recipient.encode() + b"> \r\n"
    else:
        assert_reset_without_quit(result, status, START, sent_upto("mail"))
        assert result.session.end == "reset"


def test_subject_over_512_resets_after_354() -> None:
    """The subject is checked only when the header is built, after the server said 354:
    NX_SIZE_ERROR, RST in the middle of DATA, no QUIT."""
    result = run(SCRIPT, subject="s" * 513)
    assert_reset_without_quit(result, NX_SIZE_ERROR, START, sent_upto("data"))
    assert result.session.end == "reset"


def test_configured_timeout_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Configuration defaults are read when the wait starts: a 3 s envelope time-out."""
    import smtp_client.constants as config
    monkeypatch.setattr(config, "NX_SMTP_ENVELOPE_TIMEOUT", 3 * SECOND)
    result = run(upto("mail") + [Silence()])
    assert_reset_without_quit(result, NX_NO_PACKET, START + 3 * SECOND, sent_upto("mail"))


# ============================================================ reply time-outs
@pytest.mark.parametrize("step", list(STEP))
def test_reply_timeout_at_its_exact_tick(step: str) -> None:
    """No reply: the step's wait (greeting 10 s, envelope 10 s, message 30 s, QUIT 10 s)
    expires → NX_NO_PACKET at START + wait, RST, no QUIT (after the QUIT step: the
    transport error although the mail was accepted)."""
    result = run(upto(step) + [Silence()])
    wait = WAIT.get(step, ENVELOPE_TIMEOUT)
    assert_reset_without_quit(result, NX_NO_PACKET, START + wait, sent_upto(step))
    assert result.session.end == "reset" and result.session.end_tick == START + wait


@pytest.mark.parametrize("wait", [1, 999])
def test_late_reply_within_the_wait_is_taken(wait: int) -> None:
    result = run([Step(R220, read="none", delay=wait)] + SCRIPT[1:])
    check_common(result)
    assert (result.status, result.end) == (NX_SUCCESS, START + wait)


def test_reply_one_tick_after_the_wait_is_too_late() -> None:
    result = run([Step(R220, read="none", delay=GREETING_TIMEOUT + 1)])
    assert_reset_without_quit(result, NX_NO_PACKET, START + GREETING_TIMEOUT, b"")


def test_multi_packet_ehlo_each_wait_is_fresh() -> None:
    """Muted EHLO: every packet restarts the 10 s wait; the client gives up 10 s after
    the last continuation packet."""
    first = b"250-a\r\n"
    result = run([R220, Send(first, 900, b"250-b\r\n", 900, b"250-c\r\n")])
    assert_reset_without_quit(result, NX_NO_PACKET, START + 1800 + ENVELOPE_TIMEOUT, C_EHLO)


# ============================================================ resets and closes
@pytest.mark.parametrize("step", list(STEP))
def test_server_reset_at_each_step(step: str) -> None:
    """The server reads the step's command and resets (RST): the pending receive fails
    with NX_NOT_CONNECTED at once; no QUIT."""
    result = run(upto(step) + [Reset()])
    assert_reset_without_quit(result, NX_NOT_CONNECTED, START, sent_upto(step))
    assert result.session.end == "server-reset"


@pytest.mark.parametrize("step", list(STEP))
def test_server_close_at_each_step(step: str) -> None:
    """A FIN instead of a reply: the receive fails with NX_NOT_CONNECTED too."""
    result = run(upto(step) + [Close()])
    check_common(result)
    assert (result.status, result.end) == (NX_NOT_CONNECTED, START)
    assert result.client_bytes == sent_upto(step)
    assert result.session.end == "server-closed"


def test_reset_while_waiting_lands_at_its_tick() -> None:
    result = run([R220, Step(Reset(), delay=333)])
    assert_reset_without_quit(result, NX_NOT_CONNECTED, START + 333, C_EHLO)


def test_connect_refused_when_nothing_listens() -> None:
    """Server port 25 not listened on (the scripted server listens on 2525): the SYN is
    answered by RST → the connect status, unbind, no session."""
    result = run(SCRIPT, server_options={"port": 2525})
    assert result.run.reason == "completed"
    assert result.status == NX_NOT_CONNECTED and result.server.sessions == []
    assert result.client.nx_smtp_client_id == 0 and result.delete_status == NX_SUCCESS
    result.assert_no_leak()


# ====================================================== malformed and oversize replies
MALFORMED = [
    ("greeting", b"220\r\n", NX_SMTP_GREET_REPLY_ERROR),          # no separator: CR clears → code 0
    ("greeting", b"2200", NX_SMTP_GREET_REPLY_ERROR),             # 4 digits: invalid (0xAE, then 0xA7)
    ("greeting", b"OK\r\n", NX_SMTP_GREET_REPLY_ERROR),
    ("ehlo", b"2500 ok\r\n", NX_SMTP_HELLO_REPLY_ERROR),          # invalid; C reads NULL here (the safe fix)
    ("ehlo", b"250\r\n", NX_SMTP_HELLO_REPLY_ERROR),
    ("auth", b"33 \r\n", NX_SMTP_AUTH_REPLY_ERROR),
    ("auth", b"334 ", NX_SMTP_SERVER_ERROR_REPLY),                # 334 with no CRLF
    ("mail", b"OK\r\n", NX_SMTP_MAIL_REPLY_ERROR),
    ("rcpt", b"1234 x\r\n", NX_SMTP_RCPT_REPLY_ERROR),
    ("data", b"354\r\n", NX_SMTP_DATA_REPLY_ERROR),
    ("message", b"250\r\n", NX_SMTP_MESSAGE_REPLY_ERROR),
    ("quit", b"2210 bye\r\n", NX_SMTP_SERVER_ERROR_REPLY),        # accepted mail turned into 0xAE (a C quirk kept)
]


@pytest.mark.parametrize("step, reply, status", MALFORMED, ids=[f"{s}-{r!r}" for s, r, _ in MALFORMED])
def test_malformed_reply(step: str, reply: bytes, status: int) -> None:
    result = run(upto(step) + [reply, QUIT_221])
    check_common(result)
    assert (result.status, result.end) == (status, START)
    expected = sent_upto(step) + (C_QUIT if step != "quit" else b"")
    assert result.client_bytes == expected and result.session.end == "peer-closed"


@pytest.mark.parametrize("reply", [b"  250 ok\r\n", b"abc250 ok\r\n", b"12x250 ok\r\n", b"250-ok\r\n250 ok\r\n"])
def test_leading_junk_before_the_code_is_skipped(reply: bytes) -> None:
    result = run(upto("mail") + [reply] + SCRIPT[STEP["mail"] + 1:])
    check_common(result)
    assert result.status == NX_SUCCESS


def test_unfinished_250_reply_outside_ehlo_mutes_the_next_command() -> None:
    """``250-ok`` (no final line) to MAIL sets mute: the RCPT handler runs but RCPT is
    not sent, and its reply wait expires ("mute in other states")."""
    result = run(upto("mail") + [b"250-ok\r\n"])
    assert_reset_without_quit(result, NX_NO_PACKET, START + ENVELOPE_TIMEOUT, sent_upto("mail"))


def test_long_single_packet_reply_has_no_length_limit() -> None:
    """A greeting as long as one segment can be (MSS 984) is one packet: accepted."""
    greeting = b"220 " + b"x" * (984 - 6) + b"\r\n"
    result = run([greeting] + SCRIPT[1:])
    check_common(result)
    assert result.status == NX_SUCCESS


CHAINED = [("greeting", NX_SMTP_GREET_REPLY_ERROR, b"220 "), ("ehlo", NX_SMTP_HELLO_REPLY_ERROR, b"250 "),
           ("auth", NX_SMTP_AUTH_REPLY_ERROR, b"334 "), ("mail", NX_SMTP_MAIL_REPLY_ERROR, b"250 "),
           ("rcpt", NX_SMTP_RCPT_REPLY_ERROR, b"250 "), ("data", NX_SMTP_DATA_REPLY_ERROR, b"354 "),
           ("message", NX_SMTP_MESSAGE_REPLY_ERROR, b"250 "), ("quit", NX_SMTP_SERVER_ERROR_REPLY, b"221 ")]


@pytest.mark.parametrize("step, status, code", CHAINED, ids=[s for s, _, _ in CHAINED])
def test_oversize_reply_arrives_chained(step: str, status: int, code: bytes) -> None:
    """With a 256-byte client IP pool a 600-byte reply is copied into a chain of
    buffers; the client refuses any chained reply (0xAE, QUIT) and the step's handler
    then judges code 0. The port releases the chain once (the C releases
    its stale previous packet again)."""
    reply = code + b"y" * 594 + b"\r\n"
    result = run(upto(step) + [reply, QUIT_221], ip_pool_payload=256, smtp_pool_packets=10)
    check_common(result)
    assert (result.status, result.end) == (status, START)
    expected = sent_upto(step) + (C_QUIT if step != "quit" else b"")
    assert result.client_bytes == expected and result.session.end == "peer-closed"


# ================================================================ split replies
def c_reply_code(data: bytes) -> tuple[bool, int, int]:
    """The reply-code rule, written from the C: (valid, code, end)."""
    digits = b""
    for index, byte in enumerate(data):
        if digits and byte in b" -":
            return True, int(digits), index
        if 0x30 <= byte <= 0x39:
            if len(digits) == 3:
                return False, 0, index
            digits += bytes([byte])
        else:
            digits = b""
    return True, int(digits or b"0"), len(data)


def c_mute(data: bytes, end: int, mute: bool) -> bool:
    """The 4 bytes ending at the separator decide; out of range: no match."""
    window = data[end - 3:end + 1] if 3 <= end < len(data) else b""
    if window == b"250-":
        return b"250 " not in data[end:]
    if window == b"250 ":
        return False
    return mute


def c_mechanism(data: bytes, kind: int) -> int:
    """The EHLO decision table for one EHLO packet."""
    upper = data.upper()
    auth = upper.find(b"AUTH", 0, len(data) - 1)
    if len(data) <= 4 or auth < 0 or kind == NX_SMTP_CLIENT_AUTH_NONE:
        return kind
    rest = upper[auth + 4:]
    if len(rest) < 5:
        return kind
    login, plain = rest.find(b"LOGIN", 0, len(rest) - 1) >= 0, rest.find(b"PLAIN", 0, len(rest) - 1) >= 0
    if kind == NX_SMTP_CLIENT_AUTH_LOGIN:
        return NX_SMTP_CLIENT_AUTH_LOGIN if login else NX_SMTP_CLIENT_AUTH_PLAIN
    if plain:
        return NX_SMTP_CLIENT_AUTH_PLAIN
    return NX_SMTP_CLIENT_AUTH_LOGIN if login else NX_SMTP_CLIENT_AUTH_PLAIN


GAP = 30          # ticks between the two segments
STOP = b"503 stop\r\n"
AUTH_BYTES = {NX_SMTP_CLIENT_AUTH_PLAIN: C_AUTH_PLAIN, NX_SMTP_CLIENT_AUTH_LOGIN: C_AUTH_LOGIN}


@pytest.mark.parametrize("offset", range(1, len(R220)))
def test_greeting_split_at_every_offset(offset: int) -> None:
    """The 4-line greeting as two segments GAP ticks apart. Only 250 replies to EHLO are
    followed across packets: the first segment alone is judged as the greeting (its
    first code: 2 or 22 → 0xA7 + QUIT; 220 → EHLO), and the second segment is then read
    as the reply to the next command (EHLO → 0xA8 + QUIT; QUIT → done)."""
    first, second = R220[:offset], R220[offset:]
    result = run([Send(first, GAP, second), STOP, R221])
    check_common(result)
    greeted = c_reply_code(first)[1] == 220
    assert (result.status, result.end) == (
        NX_SMTP_HELLO_REPLY_ERROR if greeted else NX_SMTP_GREET_REPLY_ERROR, START + GAP)
    assert result.client_bytes == (C_EHLO if greeted else b"") + C_QUIT


@pytest.mark.parametrize("offset", range(1, len(R250_EHLO)))
def test_ehlo_reply_split_at_every_offset(offset: int) -> None:
    """The 5-line EHLO reply as two segments GAP ticks apart; the server then answers
    anything with 503 and finally 221. Per the reply rules:

    * segment 1 judged alone (not muted): code 250 → AUTH, whose reply is segment 2
      (a 2xx there re-sends AUTH; anything else, and then the 503, give 0xAD); any other
      code → 0xA8, QUIT answered by segment 2;
    * segment 1 muted (``250-`` without a later ``250 ``): segment 2 unmutes only if its
      first code is 250 with a final line → AUTH → 503 → 0xAD; otherwise still muted
      and the next wait expires: NX_NO_PACKET, RST;
    * the AUTH mechanism follows whichever segment holds ``AUTH`` (a cut inside
      ``PLAIN`` leaves only LOGIN visible: the PLAIN client switches to LOGIN).
    """
    first, second = R250_EHLO[:offset], R250_EHLO[offset:]
    result = run([R220, Send(first, GAP, second), STOP, R221])
    check_common(result)
    _, code1, end1 = c_reply_code(first)
    kind = c_mechanism(first, NX_SMTP_CLIENT_AUTH_PLAIN)
    if not c_mute(first, end1, False):
        if code1 == 250:
            valid2, code2, _ = c_reply_code(second)
            resent = valid2 and code2 // 100 == 2 and code2 not in (235, 252, 221)
            expected = (NX_SMTP_AUTH_REPLY_ERROR, START + GAP,
                        C_EHLO + AUTH_BYTES[kind] * (2 if resent else 1) + C_QUIT)
        else:
            expected = (NX_SMTP_HELLO_REPLY_ERROR, START + GAP, C_EHLO + C_QUIT)
    else:
        _, code2, end2 = c_reply_code(second)
        kind = c_mechanism(second, kind)
        if c_mute(second, end2, True):
            expected = (NX_NO_PACKET, START + GAP + ENVELOPE_TIMEOUT, C_EHLO)
        else:
            assert code2 == 250
            expected = (NX_SMTP_AUTH_REPLY_ERROR, START + GAP, C_EHLO + AUTH_BYTES[kind] + C_QUIT)
    assert (result.status, result.end, result.client_bytes) == expected
    assert result.extra["auth_types"] == [kind]


# ===================================================== pool exhaustion and chaining
def test_client_pool_empty_no_packet_for_ehlo() -> None:
    """Every SMTP pool packet held by the application: the EHLO allocation waits 2 s →
    NX_NO_PACKET (mail_status 0xA6 is never returned), RST, nothing sent."""
    result = run(SCRIPT, smtp_pool_packets=3, hold_smtp_packets=3)
    assert_reset_without_quit(result, NX_NO_PACKET, START + PACKET_TIMEOUT, b"")
    assert result.session.end == "reset"


def test_client_pool_too_small_for_the_message() -> None:
    """A one-packet SMTP pool: commands go out one at a time (the packet comes back with
    each ACK); the header's packet comes back after the 20-tick delayed ACK, the body
    packet is allocated, but TCP cannot get a packet to cut it to the 984-byte MSS and
    its send wait (5 s) ends with NX_NO_PACKET: RST, the server got the header only."""
    result = run(SCRIPT, smtp_pool_packets=1)
    check_common(result)
    assert (result.status, result.end) == (NX_NO_PACKET, START + DELAYED_ACK + SEND_TIMEOUT)
    assert result.server.received[1:] == COMMANDS[1:7] + [message()[:190]]
    assert result.session.end == "reset"


@pytest.mark.parametrize("packets, tick", [(2, START + 2 * DELAYED_ACK), (3, START + DELAYED_ACK), (4, START)])
def test_small_client_pool_is_slower_but_delivers(packets: int, tick: int) -> None:
    """A pool that is only briefly short: the client waits for ACKs to bring packets back."""
    result = run(SCRIPT, smtp_pool_packets=packets)
    check_common(result)
    assert (result.status, result.end) == (NX_SUCCESS, tick)
    assert result.server.received == COMMANDS


def test_large_body_is_chained_and_arrives_byte_exact() -> None:
    """A 20 KB body through the functional server: cut every 1536 - 40 = 1496 bytes into
    14 sends (each full chunk a 2-packet chain), each cut by TCP to the 984-byte MSS;
    the mailbox holds header + body + end of message byte for byte."""
    body = (b"0123456789abcdefghijklmnopqrstuvwxyz" * 2 + b"\r\n") * 277
    body = body[:20480]
    result = run(None, body=body)
    check_common(result)
    assert result.status == NX_SUCCESS
    [mail] = result.server.mailbox
    assert mail.data == message(body) and mail.user == "recipient@domain.com"
    assert mail.sender == "recipient@domain.com" and mail.recipients == ["recipient@domain.com"]
    transcript = result.session.transcript
    data_start = next(i for i, (_, who, data) in enumerate(transcript) if who == "S" and data.startswith(b"354"))
    segments = [data for _, who, data in transcript[data_start + 1:] if who == "C"][:-1]   # minus QUIT
    assert b"".join(segments) == message(body)
    assert len(body) == 20480 and all(len(segment) <= 984 for segment in segments)
    # header + 13 full chunks and the 1032-byte rest, each over the MSS (2 segments) + EOM
    assert len(segments) == 1 + 14 * 2 + 1
    assert {p.code for p in result.server.problems} == set()


# ==================================================================== hypothesis
CODES = [220, 221, 235, 250, 251, 252, 334, 354, 421, 450, 500, 503, 535, 550, 554]


@st.composite
def replies(draw) -> bytes:
    code = draw(st.sampled_from(CODES))
    lines = draw(st.integers(1, 3))
    text = draw(st.sampled_from([b"ok", b"AUTH LOGIN PLAIN", b"VXNlcm5hbWU6", b"UGFzc3dvcmQ6", b"", b"x" * 40]))
    return b"".join(b"%d-%s\r\n" % (code, text) for _ in range(lines - 1)) + b"%d %s\r\n" % (code, text)


@st.composite
def actions(draw):
    kind = draw(st.sampled_from(["reply", "reply", "reply", "garbage", "split", "silence", "reset", "close"]))
    if kind == "reply":
        return draw(replies())
    if kind == "garbage":
        return draw(st.binary(min_size=1, max_size=60))
    if kind == "split":
        reply = draw(replies())
        cut = draw(st.integers(1, len(reply) - 1))
        return Send(reply[:cut], draw(st.integers(0, 40)), reply[cut:])
    if kind == "silence":
        return Silence(draw(st.integers(0, 1200)))
    return Reset() if kind == "reset" else Close()


HAPPY = {NX_SMTP_CLIENT_AUTH_PLAIN: SCRIPT,
         NX_SMTP_CLIENT_AUTH_LOGIN: [R220, R250_EHLO, R334_USERNAME, R334_PASSWORD, R235] + SCRIPT[4:],
         NX_SMTP_CLIENT_AUTH_NONE: [R220, R250_EHLO] + SCRIPT[4:]}


@st.composite
def sessions(draw) -> tuple[int, list]:
    """A client type and a server script that mostly follows the happy dialogue (so the
    session gets deep) with generated replies, garbage, splits, silences, resets and
    closes mixed in at any step."""
    kind = draw(st.sampled_from(sorted(HAPPY)))
    happy = HAPPY[kind]
    script = []
    for index in range(draw(st.integers(1, len(happy) + 1))):
        if index < len(happy) and draw(st.integers(0, 3)):
            script.append(happy[index])
        else:
            script.append(draw(actions()))
    return kind, script


@given(sessions())
def test_property_any_server_behaviour_gives_a_c_status_and_no_leak(session: tuple[int, list]) -> None:
    """Whatever the server does: mail_send returns a status the C can return on
    its status paths, the run completes (``until`` is only a safety net), the client can be
    deleted, and no packet stays out of any pool."""
    kind, script = session
    result = run(script, authentication_type=kind, until=200_000)
    assert result.run.reason == "completed", result.run.report()
    assert len(result.sends) == 1 and result.status in C_STATUSES, hex(result.status)
    assert result.delete_status == NX_SUCCESS
    result.assert_no_leak()
