"""Whole sessions (_nx_smtp_client_process) against scripted server replies, with the TCP
cores faked (harness.Rig): the client side of NetX Duo's SMTP regression scenarios
every status path, exact timeout ticks, packet accounting,
chaining, and replies split at every byte offset."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import smtp_client.constants as config
from smtp_client import *  # noqa: F401,F403

from netxsim.testing.fake_tcp import Rig, Timeout, v4

USER, PASSWORD, SUBJECT = "recipient@domain.com", "testpwd", "NetX Duo SMTP Client Demo"
BODY = bytes((i * 7 + 33) % 94 + 32 for i in range(1344))
GREETING = (b"220-expresslogic.com ESMTP MDaemon 13.0.3; Sat, 23 Mar 2013 22:58:15 -0700\r\n"
            b"220-All transactions and IP addresses are logged.\r\n220-*\r\n"
            b"220 Unauthorized relaying is strictly prohibited.\r\n")
EHLO_LINES = [b"250-expresslogic.com Hello testrecipient@expresslogic.com, pleased to meet you\r\n",
              b"250-ETRN\r\n", b"250-AUTH LOGIN CRAM-MD5 PLAIN\r\n", b"250-8BITMIME\r\n", b"250 SIZE\r\n"]
EHLO = b"".join(EHLO_LINES)
EHLO_NOAUTH = EHLO.replace(b"AUTH LOGIN CRAM-MD5 PLAIN", b"DUTH NOGIN CRAM-MD5 RLAIN")
EHLO_NO_TYPE = EHLO.replace(b"AUTH LOGIN CRAM-MD5 PLAIN", b"AUTH MOGIN CRAM-MD5 QLAIN")
EHLO_FIRST = EHLO.replace(b"250 SIZE", b"250-SIZE")
EHLO_FIRST_NO_AUTH = EHLO_FIRST.replace(b"AUTH LOGIN CRAM-MD5 PLAIN", b"EUTH MOGIN CRAM-MD5 QLAIN")
R334, R334_USER, R334_PASS = b"334 \r\n", b"334 VXNlcm5hbWU6\r\n", b"334 UGFzc3dvcmQ6\r\n"
R235 = b"235 Authentication successful\r\n"
SENDER_OK, RECIPIENT_OK = b"250 <recipient99@gmail.com>, Sender ok\r\n", b"250 <recipient99@gmail.com>, Recipient ok\r\n"
R354, SAVED = b"354 Enter mail, end with <CRLF>.<CRLF>\r\n", b"250 Ok, message saved <Message-ID: >\r\n"
BYE = b"221 See ya in cyberspace\r\n" + b"\x00" * 54
AFTER_AUTH = [SENDER_OK, RECIPIENT_OK, R354, SAVED, BYE]
PLAIN_SCRIPT = [GREETING, EHLO, R334, R235] + AFTER_AUTH

HEADER = (b"To: recipient@domain.com\r\nFrom: recipient@domain.com\r\nSubject: NetX Duo SMTP Client Demo\r\n"
          b"MIME-Version: 1.0\r\nContent-Type: text/plain;\r\n  charset=\"utf-8\"\r\n"
          b"Content-Transfer-Encoding: 8bit\r\n\r\n")
PLAIN_CREDENTIAL = b"cmVjaXBpZW50QGRvbWFpbi5jb20AcmVjaXBpZW50QGRvbWFpbi5jb20AdGVzdHB3ZA==\r\n"
ENVELOPE = [b"MAIL FROM:<recipient@domain.com> \r\n", b"RCPT TO:<recipient@domain.com> \r\n", b"DATA\r\n",
            HEADER, BODY, b"\r\n.\r\n", b"QUIT\r\n"]
PLAIN_SENT = [b"EHLO domain.com\r\n", b"AUTH PLAIN\r\n", PLAIN_CREDENTIAL] + ENVELOPE


def session(monkeypatch, replies, auth=NX_SMTP_CLIENT_AUTH_PLAIN, body=BODY, twice=False, **options) -> Rig:
    """Create a client, send one mail (two if ``twice``), delete the client."""
    client = NX_SMTP_CLIENT()
    rig = Rig(replies, **options).install(monkeypatch)

    def thread(rig):
        assert nxd_smtp_client_create(client, rig.ip, rig.pool, USER, PASSWORD, USER, "domain.com", auth,
                                      v4(), 25) == 0
        rig.result["status"] = nx_smtp_mail_send(client, USER, NX_SMTP_MAIL_PRIORITY_NORMAL, SUBJECT, body,
                                                 len(body))
        rig.result["tick"] = rig.log[-1][0]
        if twice:
            rig.result["status2"] = nx_smtp_mail_send(client, USER, 2, SUBJECT, body, len(body))
        rig.result["type"] = client.nx_smtp_client_authentication_type
        rig.result["mail_status"] = client.nx_smtp_client_mail_status
        rig.result["mute"] = client.nx_smtp_client_mute
        rig.result["delete"] = nx_smtp_client_delete(client)
    rig.run(thread)
    assert rig.free_packets() == (rig.pool.nx_packet_pool_total - len(rig.held), rig.rx_pool.nx_packet_pool_total)
    assert rig.pool.nx_packet_pool_invalid_releases == 0 and rig.rx_pool.nx_packet_pool_invalid_releases == 0
    assert rig.result["delete"] == 0
    return rig


def teardown(rig: Rig) -> list:
    """The calls after the last send/receive: disconnect (with its wait) and unbind."""
    return [entry[1:] for entry in rig.log if entry[1] in ("disconnect", "unbind")]


GRACEFUL, RESET = [("disconnect", 500), ("unbind",)], [("disconnect", 0), ("unbind",)]


# ============================================================ regression scenarios
def test_basic_function(monkeypatch):
    rig = session(monkeypatch, PLAIN_SCRIPT)
    assert rig.result["status"] == 0
    assert rig.sent == PLAIN_SENT
    assert teardown(rig) == GRACEFUL
    # bind any port with 100 ticks, connect 10 s; one receive per reply with its timeout.
    assert rig.log[1][1:] == ("bind", 0, 100) and rig.log[2][1:] == ("connect", 4, v4().nxd_ip_address.v4, 25, 1000)
    waits = [entry[2] for entry in rig.log if entry[1] == "receive"]
    assert waits == [1000] * 7 + [3000, 1000]
    assert all(entry[3] == 500 for entry in rig.log if entry[1] == "send")


def test_auth_logon_function(monkeypatch):
    rig = session(monkeypatch, [GREETING, EHLO, R334_USER, R334_PASS, R235] + AFTER_AUTH,
                  auth=NX_SMTP_CLIENT_AUTH_LOGIN)
    assert rig.result["status"] == 0
    assert rig.sent == [b"EHLO domain.com\r\n", b"AUTH LOGIN\r\n", b"cmVjaXBpZW50QGRvbWFpbi5jb20=\r\n",
                        b"dGVzdHB3ZA==\r\n"] + ENVELOPE


def test_auth_none(monkeypatch):
    rig = session(monkeypatch, [GREETING, EHLO_NOAUTH] + AFTER_AUTH, auth=NX_SMTP_CLIENT_AUTH_NONE)
    assert rig.result["status"] == 0
    assert rig.sent == [b"EHLO domain.com\r\n"] + ENVELOPE


def test_auth_none_ignores_advertised_auth(monkeypatch):
    rig = session(monkeypatch, [GREETING, EHLO] + AFTER_AUTH, auth=NX_SMTP_CLIENT_AUTH_NONE)
    assert rig.result["status"] == 0 and rig.sent[1] == ENVELOPE[0]


def test_auth_no_type_switches_login_to_plain(monkeypatch):
    rig = session(monkeypatch, [GREETING, EHLO_NO_TYPE, R334, R235] + AFTER_AUTH, auth=NX_SMTP_CLIENT_AUTH_LOGIN)
    assert rig.result["status"] == 0 and rig.sent == PLAIN_SENT
    assert rig.result["type"] == NX_SMTP_CLIENT_AUTH_PLAIN      # persists in the client


def test_two_packet_ehlo(monkeypatch):
    rig = session(monkeypatch, [GREETING, EHLO_FIRST, b"250 SIZE\r\n", R334, R235] + AFTER_AUTH)
    assert rig.result["status"] == 0 and rig.sent == PLAIN_SENT
    # Nothing is sent between the two EHLO reply packets.
    calls = rig.calls()
    first = calls.index("receive", calls.index("send"))
    assert calls[first:first + 3] == ["receive", "receive", "send"]


def test_two_packet_ehlo_auth_last(monkeypatch):
    rig = session(monkeypatch, [GREETING, EHLO_FIRST_NO_AUTH, b"250-AUTH LOGIN CRAM-MD5 PLAIN\r\n 250 SIZE\r\n",
                                R334, R235] + AFTER_AUTH)
    assert rig.result["status"] == 0 and rig.sent == PLAIN_SENT


def test_missing_last_250(monkeypatch):
    rig = session(monkeypatch, [GREETING, EHLO_FIRST, b"250-SIZE\r\n", Timeout()])
    assert rig.result["status"] == 0x01 and rig.result["tick"] == 1000
    assert rig.sent == [b"EHLO domain.com\r\n"]          # no QUIT
    assert teardown(rig) == RESET
    assert rig.result["mute"] == 1                        # survives the failed session (quirk 23)


def test_abnormal_packet(monkeypatch):
    rig = session(monkeypatch, [b"222222220" + GREETING[3:], BYE])
    assert rig.result["status"] == NX_SMTP_GREET_REPLY_ERROR
    assert rig.sent == [b"QUIT\r\n"] and teardown(rig) == GRACEFUL


def test_invalid_release(monkeypatch):
    rig = session(monkeypatch, [b"2200", Timeout(0x38, after=20)])
    assert rig.result["status"] == 0x38 and rig.result["tick"] == 20
    assert rig.sent == [b"QUIT\r\n"] and teardown(rig) == RESET


# ===================================================================== SMTP rejections
@pytest.mark.parametrize("script, status, sent", [
    ([b"421 busy\r\n", BYE], NX_SMTP_GREET_REPLY_ERROR, 0),
    ([b"220\r\n", BYE], NX_SMTP_GREET_REPLY_ERROR, 0),                 # "220" with no text parses as 0
    ([GREETING, b"500 what\r\n", BYE], NX_SMTP_HELLO_REPLY_ERROR, 1),  # no HELO fallback
    ([GREETING, b"251 x\r\n", BYE], NX_SMTP_HELLO_REPLY_ERROR, 1),
    ([GREETING, EHLO, b"535 no\r\n", BYE], NX_SMTP_AUTH_REPLY_ERROR, 2),
    ([GREETING, EHLO, b"252 x\r\n", BYE], NX_SMTP_AUTH_REPLY_ERROR, 2),
    ([GREETING, EHLO, b"354 x\r\n", BYE], NX_SMTP_AUTH_REPLY_ERROR, 2),
    ([GREETING, EHLO, b"334 no crlf", BYE], NX_SMTP_SERVER_ERROR_REPLY, 2),
    ([GREETING, EHLO, R334, b"535 bad\r\n", BYE], NX_SMTP_AUTH_REPLY_ERROR, 3),
    ([GREETING, EHLO, R334, R235, b"251 forwarded\r\n", BYE], NX_SMTP_MAIL_REPLY_ERROR, 4),
    ([GREETING, EHLO, R334, R235, SENDER_OK, b"550 no\r\n", BYE], NX_SMTP_RCPT_REPLY_ERROR, 5),
    ([GREETING, EHLO, R334, R235, SENDER_OK, b"251 x\r\n", BYE], NX_SMTP_RCPT_REPLY_ERROR, 5),
    ([GREETING, EHLO, R334, R235, SENDER_OK, RECIPIENT_OK, b"250 x\r\n", BYE], NX_SMTP_DATA_REPLY_ERROR, 6),
    ([GREETING, EHLO, R334, R235, SENDER_OK, RECIPIENT_OK, R354, b"552 big\r\n", BYE],
     NX_SMTP_MESSAGE_REPLY_ERROR, 9),
    (PLAIN_SCRIPT[:-1] + [b"QUIT??\r\n"], 0, 10),                             # QUIT reply code unchecked
    (PLAIN_SCRIPT[:-1] + [b"2211 bye\r\n"], NX_SMTP_SERVER_ERROR_REPLY, 10),  # garbled QUIT reply: success lost
])
def test_rejections_end_with_quit_and_fin(monkeypatch, script, status, sent):
    rig = session(monkeypatch, script)
    assert rig.result["status"] == status
    assert rig.sent == (PLAIN_SENT[:sent] + [b"QUIT\r\n"] if sent < 10 else PLAIN_SENT)
    assert teardown(rig) == GRACEFUL


def test_auth_2xx_resends_the_same_line(monkeypatch):
    rig = session(monkeypatch, [GREETING, EHLO, b"250 eh?\r\n", R334, b"250 eh?\r\n", R235] + AFTER_AUTH)
    assert rig.result["status"] == 0
    assert rig.sent[:5] == [b"EHLO domain.com\r\n", b"AUTH PLAIN\r\n", b"AUTH PLAIN\r\n", PLAIN_CREDENTIAL,
                            PLAIN_CREDENTIAL]


def test_greeting_in_two_packets_desynchronises(monkeypatch):
    first, second = GREETING.split(b"\r\n", 1)
    rig = session(monkeypatch, [first + b"\r\n", second, BYE])
    # EHLO goes out after the first packet; the rest of the greeting is taken as its reply.
    assert rig.result["status"] == NX_SMTP_HELLO_REPLY_ERROR
    assert rig.sent == [b"EHLO domain.com\r\n", b"QUIT\r\n"]


def test_mechanism_choice_persists_across_sends(monkeypatch):
    script = [GREETING, b"250-AUTH PLAIN\r\n250 x\r\n", R334, R235] + AFTER_AUTH + [GREETING, EHLO_NOAUTH, R334,
                                                                                    R235] + AFTER_AUTH
    rig = session(monkeypatch, script, auth=NX_SMTP_CLIENT_AUTH_LOGIN, twice=True)
    assert rig.result["status"] == rig.result["status2"] == 0
    assert rig.sent.count(b"AUTH PLAIN\r\n") == 2 and b"AUTH LOGIN\r\n" not in rig.sent


# ====================================================================== transport failures
@pytest.mark.parametrize("index, state", [(0, "greeting"), (1, "EHLO"), (2, "AUTH"), (3, "credential"), (4, "MAIL"),
                                          (5, "RCPT"), (6, "DATA"), (8, "QUIT")])
def test_reply_timeout_at_the_exact_tick(monkeypatch, index, state):
    rig = session(monkeypatch, PLAIN_SCRIPT[:index] + [Timeout()])
    assert rig.result["status"] == 0x01 and rig.result["tick"] == 1000
    assert teardown(rig) == RESET
    assert rig.sent == (PLAIN_SENT if state == "QUIT" else PLAIN_SENT[:index])   # no QUIT after a failure


def test_message_reply_timeout_is_30_s(monkeypatch):
    rig = session(monkeypatch, PLAIN_SCRIPT[:7] + [Timeout()])
    assert rig.result["status"] == 0x01 and rig.result["tick"] == 3000 and teardown(rig) == RESET


def test_quit_timeout_after_accepted_mail_returns_the_transport_error(monkeypatch):
    rig = session(monkeypatch, PLAIN_SCRIPT[:8] + [Timeout(0x38, after=3)])
    assert rig.result["status"] == 0x38 and rig.result["mail_status"] == 0 and teardown(rig) == RESET


def test_timeouts_follow_overrides(monkeypatch):
    monkeypatch.setattr(config, "NX_SMTP_GREETING_TIMEOUT", 77)
    rig = session(monkeypatch, [Timeout()])
    assert rig.result["tick"] == 77


@pytest.mark.parametrize("failing_send", range(10))
def test_send_failure_resets_and_returns_its_status(monkeypatch, failing_send):
    rig = session(monkeypatch, PLAIN_SCRIPT, send_status={failing_send: 0x49})
    if failing_send == 6:                 # the header's failure: nothing more is sent
        assert rig.result["status"] == NX_SMTP_INTERNAL_ERROR   # port: no endless IDLE loop
    else:
        assert rig.result["status"] == 0x49
    assert teardown(rig) == RESET and b"QUIT\r\n" not in rig.sent[:failing_send + 1]


def test_header_failure_sends_no_body(monkeypatch):
    """The header's failure ends the message: the body send (which would fail with 0x49
    here) is never attempted; the port returns 0xA3 and resets (issue: no header-less
    mail). The C would send the body and loop for ever."""
    rig = session(monkeypatch, PLAIN_SCRIPT, send_status={6: 0x38, 7: 0x49})
    assert rig.result["status"] == NX_SMTP_INTERNAL_ERROR
    assert rig.sends == 7          # the 7th send (index 6) was the header; nothing after it
    assert rig.result["mail_status"] == NX_SMTP_INTERNAL_ERROR and teardown(rig) == RESET


def test_bind_failure(monkeypatch):
    rig = session(monkeypatch, PLAIN_SCRIPT, bind_status=0x45)
    assert rig.result["status"] == 0x45 and rig.calls()[1:] == ["bind", "socket_delete"]


def test_connect_failure(monkeypatch):
    rig = session(monkeypatch, PLAIN_SCRIPT, connect_status=0x38)
    assert rig.result["status"] == 0x38 and rig.calls()[1:] == ["bind", "connect", "unbind", "socket_delete"]


def test_command_length_check_resets_after_354(monkeypatch):
    client_subject = "s" * 513
    client = NX_SMTP_CLIENT()
    rig = Rig(PLAIN_SCRIPT).install(monkeypatch)

    def thread(rig):
        nxd_smtp_client_create(client, rig.ip, rig.pool, USER, PASSWORD, USER, "domain.com", 3, v4(), 25)
        rig.result["status"] = nx_smtp_mail_send(client, USER, 2, client_subject, BODY, len(BODY))
    rig.run(thread)
    assert rig.result["status"] == 0x09 and teardown(rig) == RESET
    assert rig.sent == PLAIN_SENT[:6]


def test_pool_exhaustion_times_out_after_2_s(monkeypatch):
    # Sent packets are never ACKed (held), so the one-packet pool runs dry at the second send.
    rig = session(monkeypatch, PLAIN_SCRIPT, pool_packets=1, keep_sent=True)
    assert rig.result["status"] == 0x01 and rig.result["tick"] == 200
    assert rig.result["mail_status"] == NX_SMTP_PACKET_ALLOCATE_ERROR and teardown(rig) == RESET
    assert rig.sent == PLAIN_SENT[:1]


def test_chain_packet_shortage_during_append(monkeypatch):
    # Payload 800: the header fits one packet; the 1344-byte body goes in 760-byte chunks
    # needing 2 packets each, and the pool has one.
    rig = session(monkeypatch, PLAIN_SCRIPT, pool_payload=800, pool_packets=1)
    assert rig.result["status"] == 0x01
    assert rig.result["mail_status"] == NX_SMTP_INTERNAL_ERROR
    assert len(rig.sent) == 7 and rig.sent[6].startswith(b"To: ")   # the header went out


def test_header_larger_than_the_pool_sends_nothing_more(monkeypatch):
    # Payload 200, one packet: the header itself cannot be built; nothing follows it.
    rig = session(monkeypatch, PLAIN_SCRIPT, pool_payload=200, pool_packets=1)
    assert rig.result["status"] == NX_SMTP_INTERNAL_ERROR
    assert rig.result["mail_status"] == NX_SMTP_INTERNAL_ERROR and teardown(rig) == RESET
    assert len(rig.sent) == 6 and rig.sent[-1] == b"DATA\r\n"


def test_large_body_is_chained_and_cut_by_the_pool_payload(monkeypatch):
    body = bytes(i % 251 for i in range(5000))
    rig = session(monkeypatch, PLAIN_SCRIPT, body=body, pool_payload=800)
    assert rig.result["status"] == 0
    chunks = rig.sent[7:-2]
    assert [len(chunk) for chunk in chunks] == [760] * 6 + [440]
    assert b"".join(chunks) == body


def test_dot_stuffing_is_off_by_default_and_optional(monkeypatch):
    body = b".line\r\n.\r\nafter\r\n"
    rig = session(monkeypatch, PLAIN_SCRIPT, body=body)
    assert rig.sent[7] == body
    monkeypatch.setattr(config, "NX_SMTP_CLIENT_DOT_STUFFING", True)
    rig = session(monkeypatch, PLAIN_SCRIPT, body=body)
    assert rig.sent[7] == b"..line\r\n..\r\nafter\r\n"


def test_chained_reply_is_refused_once(monkeypatch):
    long_reply = b"250 " + b"x" * 300 + b"\r\n"     # longer than the 256-byte receive payload
    rig = session(monkeypatch, [GREETING, EHLO, R334, R235, long_reply, BYE], receive_payload=256)
    # The C: 0xAE then the MAIL handler's code 0 -> 0xA9; QUIT; no double release here.
    assert rig.result["status"] == NX_SMTP_MAIL_REPLY_ERROR
    assert rig.sent[-1] == b"QUIT\r\n"


def test_unparseable_ehlo_reply_does_not_crash(monkeypatch):
    rig = session(monkeypatch, [GREETING, b"2500-AUTH LOGIN\r\n", BYE], auth=NX_SMTP_CLIENT_AUTH_PLAIN)
    assert rig.result["status"] == NX_SMTP_HELLO_REPLY_ERROR
    assert rig.result["type"] == NX_SMTP_CLIENT_AUTH_PLAIN


# ============================================================ replies split at every offset
@pytest.mark.parametrize("k", range(1, len(SENDER_OK)))
def test_mail_reply_split_at_every_offset(monkeypatch, k):
    script = [GREETING, EHLO, R334, R235, SENDER_OK[:k], SENDER_OK[k:], RECIPIENT_OK]
    rig = session(monkeypatch, script)
    # "2"/"25": code 2/25 rejects MAIL. From "250" on, MAIL passes and the rest of the
    # packet (no code in it) is taken as the RCPT reply: code 0 rejects RCPT.
    assert rig.result["status"] == (NX_SMTP_MAIL_REPLY_ERROR if k < 3 else NX_SMTP_RCPT_REPLY_ERROR)
    assert rig.sent[-1] == b"QUIT\r\n"


LINE_ENDS = [sum(len(line) for line in EHLO_LINES[:n]) for n in range(1, len(EHLO_LINES))]


@pytest.mark.parametrize("k", range(1, len(EHLO)))
def test_ehlo_reply_split_at_every_offset(monkeypatch, k):
    script = [GREETING, EHLO[:k], EHLO[k:], R334, R235] + AFTER_AUTH
    rig = session(monkeypatch, script)
    status = rig.result["status"]
    assert status in (0, 0x01, NX_SMTP_HELLO_REPLY_ERROR, NX_SMTP_AUTH_REPLY_ERROR, NX_SMTP_MAIL_REPLY_ERROR,
                      NX_SMTP_RCPT_REPLY_ERROR, NX_SMTP_DATA_REPLY_ERROR, NX_SMTP_MESSAGE_REPLY_ERROR)
    if k in LINE_ENDS:                        # whole lines: muted, then unmuted by the last packet
        assert status == 0 and rig.sent == PLAIN_SENT
    elif k < 3:                               # "2", "25": not 250
        assert status == NX_SMTP_HELLO_REPLY_ERROR
    elif k >= len(EHLO) - 6:                  # "250 " already in the first packet: not muted,
        assert rig.sent[1] == b"AUTH PLAIN\r\n"   # the tail is read as the AUTH reply


@given(st.lists(st.binary(min_size=1, max_size=60), min_size=1, max_size=12))
def test_any_replies_end_cleanly(replies):
    """Whatever the server says, the session ends with a status the C can return, and
    every packet is back in its pool (checked in session())."""
    from _pytest.monkeypatch import MonkeyPatch
    with MonkeyPatch.context() as monkeypatch:
        rig = session(monkeypatch, replies)
    assert rig.result["status"] in {0, 0x01} | set(range(0xA7, 0xAF)) | {NX_SMTP_INTERNAL_ERROR, 0x09}


def test_mute_set_outside_ehlo_skips_the_next_command(monkeypatch):
    # A "250-" greeting without a final "250 " mutes the client: the greeting is
    # rejected (0xA7) and QUIT is named, but nothing is sent; the next packet is read
    # as the QUIT reply ("Mute in other states").
    rig = session(monkeypatch, [b"250-hello\r\n", BYE])
    assert rig.result["status"] == NX_SMTP_GREET_REPLY_ERROR
    assert rig.sent == [] and teardown(rig) == GRACEFUL
