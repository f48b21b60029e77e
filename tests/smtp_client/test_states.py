"""The command/response table walked state by state and reply class by reply class
(the state table and the AUTH table), checked against expectations written out here."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

import smtp_client.constants as config
from smtp_client.constants import *  # noqa: F401,F403
from smtp_client.states import TABLE, describe, on_reply, outcome_for, reply_timeout

G, E, H, M, R, D, MSG, RS, Q, N, A, AC = (
    NX_SMTP_CLIENT_STATE_GREETING, NX_SMTP_CLIENT_STATE_EHLO, NX_SMTP_CLIENT_STATE_HELO, NX_SMTP_CLIENT_STATE_MAIL,
    NX_SMTP_CLIENT_STATE_RCPT, NX_SMTP_CLIENT_STATE_DATA, NX_SMTP_CLIENT_STATE_MESSAGE, NX_SMTP_CLIENT_STATE_RSET,
    NX_SMTP_CLIENT_STATE_QUIT, NX_SMTP_CLIENT_STATE_NOOP, NX_SMTP_CLIENT_STATE_AUTH,
    NX_SMTP_CLIENT_STATE_AUTH_CHALLENGE)
DONE = NX_SMTP_CLIENT_STATE_COMPLETED_NORMALLY
CODES = [0, 9, 25, 200, 211, 220, 221, 235, 250, 251, 252, 299, 334, 354, 399, 421, 450, 500, 535, 554, 999]
UNSET = object()


def fresh(state: int, auth=NX_SMTP_CLIENT_AUTH_PLAIN, mute=0, auth_state=NX_SMTP_AUTHENTICATION_IN_PROGRESS):
    return SimpleNamespace(nx_smtp_client_rsp_state=state, nx_smtp_client_mute=mute,
                           nx_smtp_client_authentication_type=auth, nx_smtp_client_authentication_state=auth_state,
                           nx_smtp_client_authentication_reply=0, nx_smtp_client_mail_status=UNSET)


def expected(state: int, code: int, auth: int) -> tuple:
    """(next rsp_state, mail_status or UNSET) — written independently of the port."""
    simple = {G: (220, E, NX_SMTP_GREET_REPLY_ERROR), M: (250, R, NX_SMTP_MAIL_REPLY_ERROR),
              R: (250, D, NX_SMTP_RCPT_REPLY_ERROR), D: (354, MSG, NX_SMTP_DATA_REPLY_ERROR),
              H: (250, M, NX_SMTP_HELLO_REPLY_ERROR)}
    if state in simple:
        good, nxt, error = simple[state]
        return (nxt, UNSET) if code == good else (Q, error)
    if state == E:
        if code == 250:
            return (M if auth == NX_SMTP_CLIENT_AUTH_NONE else A), UNSET
        return Q, NX_SMTP_HELLO_REPLY_ERROR
    if state == MSG:
        return Q, (0 if code == 250 else NX_SMTP_MESSAGE_REPLY_ERROR)
    if state == Q:
        return DONE, UNSET
    if state in (A, AC):
        if code == 235:
            return M, UNSET
        if code in (252, 221):
            return Q, NX_SMTP_AUTH_REPLY_ERROR
        if 200 <= code <= 299:
            return state, UNSET                       # ignored: the same line is sent again
        if code == 334:
            return "challenge", UNSET
        return Q, NX_SMTP_AUTH_REPLY_ERROR
    if state == RS:
        return (M, UNSET) if code == 250 else (Q, NX_SMTP_SERVER_ERROR_CODE_RECEIVED)
    if state == N:
        return (Q, NX_SMTP_SERVER_ERROR_CODE_RECEIVED) if 400 <= code <= 499 else (N, UNSET)
    raise AssertionError(state)


@pytest.mark.parametrize("state", [G, E, H, M, R, D, MSG, Q, A, AC, RS, N])
@pytest.mark.parametrize("auth", [NX_SMTP_CLIENT_AUTH_PLAIN, NX_SMTP_CLIENT_AUTH_NONE])
def test_each_state_each_reply_class(state, auth):
    for code in CODES:
        client = fresh(state, auth)
        data = f"{code} text\r\n".encode()
        on_reply(client, state, code, data)
        nxt, status = expected(state, code, auth)
        if nxt == "challenge" and auth != NX_SMTP_CLIENT_AUTH_PLAIN:
            nxt, status = Q, NX_SMTP_AUTH_REPLY_ERROR      # "text" is no LOGIN prompt
        elif nxt == "challenge":   # PLAIN: every 334 asks for the credential
            nxt = AC
            assert client.nx_smtp_client_authentication_reply == NX_SMTP_CLIENT_REPLY_TO_USERNAME_PROMPT
        assert (client.nx_smtp_client_rsp_state, client.nx_smtp_client_mail_status) == (nxt, status), code


def test_timeouts_per_state():
    names = {G: "NX_SMTP_GREETING_TIMEOUT", MSG: "NX_SMTP_MESSAGE_TIMEOUT"}
    for state, row in TABLE.items():
        if state == NX_SMTP_CLIENT_STATE_IDLE:
            assert row.timeout is None and reply_timeout(row) == 0
            continue
        assert row.timeout == names.get(state, "NX_SMTP_ENVELOPE_TIMEOUT")
    assert reply_timeout(TABLE[G]) == 1000 and reply_timeout(TABLE[MSG]) == 3000


def test_timeout_override_read_at_use(monkeypatch):
    monkeypatch.setattr(config, "NX_SMTP_ENVELOPE_TIMEOUT", 7)
    assert reply_timeout(TABLE[M]) == 7


def test_235_marks_authenticated():
    client = fresh(AC)
    on_reply(client, AC, 235, b"235 ok\r\n")
    assert client.nx_smtp_client_authentication_state == NX_SMTP_AUTHENTICATION_SUCCEEDED


@pytest.mark.parametrize("line, state, status, prompt", [
    (b"334 VXNlcm5hbWU6\r\n", AC, UNSET, NX_SMTP_CLIENT_REPLY_TO_USERNAME_PROMPT),
    (b"334 UGFzc3dvcmQ6\r\n", AC, UNSET, NX_SMTP_CLIENT_REPLY_TO_PASSWORD_PROMPT),
    (b"334 \r\n", Q, NX_SMTP_AUTH_REPLY_ERROR, 0),              # LOGIN with nothing to decode
    (b"334 Zm9v\r\n", Q, NX_SMTP_AUTH_REPLY_ERROR, 0),          # unknown prompt: no '*', QUIT
    (b"334 VXNlcm5hbWU6", Q, NX_SMTP_SERVER_ERROR_REPLY, 0),    # no CRLF
    (b"334 VXNlcm5hbWU6\n", Q, NX_SMTP_SERVER_ERROR_REPLY, 0),
])
def test_login_challenges(line, state, status, prompt):
    client = fresh(A, NX_SMTP_CLIENT_AUTH_LOGIN)
    on_reply(client, A, 334, line)
    assert (client.nx_smtp_client_rsp_state, client.nx_smtp_client_mail_status,
            client.nx_smtp_client_authentication_reply) == (state, status, prompt)


def test_plain_334_without_crlf_is_a_server_error():
    client = fresh(A)
    on_reply(client, A, 334, b"334 ")
    assert (client.nx_smtp_client_rsp_state, client.nx_smtp_client_mail_status) == (Q, NX_SMTP_SERVER_ERROR_REPLY)


def test_334_after_success_changes_nothing():
    client = fresh(AC, auth_state=NX_SMTP_AUTHENTICATION_SUCCEEDED)
    on_reply(client, AC, 334, b"334 \r\n")
    assert (client.nx_smtp_client_rsp_state, client.nx_smtp_client_mail_status) == (AC, UNSET)


def test_ehlo_scans_every_packet_and_honours_mute():
    client = fresh(E, NX_SMTP_CLIENT_AUTH_LOGIN, mute=1)
    on_reply(client, E, 250, b"250-AUTH PLAIN\r\n250-SIZE\r\n")
    # Scanned although muted, and not judged: the state stays EHLO.
    assert client.nx_smtp_client_authentication_type == NX_SMTP_CLIENT_AUTH_PLAIN
    assert (client.nx_smtp_client_rsp_state, client.nx_smtp_client_mail_status) == (E, UNSET)
    client.nx_smtp_client_mute = 0
    on_reply(client, E, 421, b"421 AUTH LOGIN x\r\n")           # error replies are scanned too
    assert client.nx_smtp_client_authentication_type == NX_SMTP_CLIENT_AUTH_LOGIN
    assert client.nx_smtp_client_rsp_state == Q


def test_unparseable_ehlo_is_not_scanned():
    client = fresh(Q, NX_SMTP_CLIENT_AUTH_LOGIN)       # the read step already named QUIT
    client.nx_smtp_client_mail_status = NX_SMTP_SERVER_ERROR_REPLY
    on_reply(client, E, 0, None)
    assert (client.nx_smtp_client_rsp_state, client.nx_smtp_client_mail_status) == (Q, NX_SMTP_HELLO_REPLY_ERROR)


def test_garbled_reply_outcomes_after_the_read_step():
    # The read step stores 0xAE and names QUIT; each handler then judges code 0.
    finals = {G: NX_SMTP_GREET_REPLY_ERROR, A: NX_SMTP_AUTH_REPLY_ERROR, M: NX_SMTP_MAIL_REPLY_ERROR,
              R: NX_SMTP_RCPT_REPLY_ERROR, D: NX_SMTP_DATA_REPLY_ERROR, MSG: NX_SMTP_MESSAGE_REPLY_ERROR,
              Q: NX_SMTP_SERVER_ERROR_REPLY, H: NX_SMTP_SERVER_ERROR_REPLY}
    for state, status in finals.items():
        client = fresh(Q)
        client.nx_smtp_client_mail_status = NX_SMTP_SERVER_ERROR_REPLY
        on_reply(client, state, 0, None)
        assert client.nx_smtp_client_mail_status == status, state
        assert client.nx_smtp_client_rsp_state == (DONE if state == Q else Q)


def test_muted_ehlo_keeps_the_quit_named_by_the_read_step():
    client = fresh(Q, mute=1)
    on_reply(client, E, 0, None)
    assert client.nx_smtp_client_rsp_state == Q


def test_outcome_lookup_order_and_description():
    row = TABLE[A]
    assert outcome_for(row, 235).next_state == M
    assert outcome_for(row, 250).next_state == "STAY"
    assert outcome_for(row, 354).mail_status == NX_SMTP_AUTH_REPLY_ERROR
    text = describe()
    assert "GREETING" in text and "NX_SMTP_MESSAGE_TIMEOUT" in text
