"""The exact bytes of every command and of the message (nxd_smtp_client.c _nx_smtp_cmd_*,
_nx_smtp_utility_send_header_to_server), with each builder's size checks."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import smtp_client.constants as config
from smtp_client.commands import (
    EOM, auth_challenge_response, auth_command, body_chunks, dot_stuff, ehlo_command, header_pieces,
    helo_command, mail_body_bytes, mail_command, message_chunk_size, plain_credential, rcpt_command,
    simple_command,
)
from smtp_client.constants import (
    NX_SMTP_CLIENT_AUTH_CRAM_MD5, NX_SMTP_CLIENT_AUTH_LOGIN, NX_SMTP_CLIENT_AUTH_NONE, NX_SMTP_CLIENT_AUTH_PLAIN,
    NX_SMTP_CLIENT_REPLY_TO_PASSWORD_PROMPT, NX_SMTP_CLIENT_REPLY_TO_UNKNOWN_PROMPT,
    NX_SMTP_CLIENT_REPLY_TO_USERNAME_PROMPT, NX_SMTP_INTERNAL_ERROR,
)

SIZE, INTERNAL = 0x09, NX_SMTP_INTERNAL_ERROR
USER, PASSWORD = "recipient@domain.com", "testpwd"


def test_ehlo_and_helo():
    assert ehlo_command("domain.com") == (0, b"EHLO domain.com\r\n")
    assert helo_command("domain.com") == (0, b"HELO domain.com\r\n")
    assert ehlo_command("d" * 40) == (0, b"EHLO " + b"d" * 40 + b"\r\n")
    assert ehlo_command("d" * 41) == (SIZE, None)
    assert ehlo_command("") == (0, b"EHLO \r\n")


def test_auth_commands():
    assert auth_command(NX_SMTP_CLIENT_AUTH_PLAIN) == (0, b"AUTH PLAIN\r\n")
    assert auth_command(NX_SMTP_CLIENT_AUTH_LOGIN) == (0, b"AUTH LOGIN\r\n")
    assert auth_command(NX_SMTP_CLIENT_AUTH_CRAM_MD5) == (0, b"AUTH CRAM-MD5\r\n")   # dead code in the C
    assert auth_command(NX_SMTP_CLIENT_AUTH_NONE) == (0, b"AUTH PLAIN\r\n")
    assert auth_command(77) == (0, b"AUTH PLAIN\r\n")


def test_plain_credential_known_answer():
    assert plain_credential(USER, PASSWORD) == b"recipient@domain.com\x00recipient@domain.com\x00testpwd"
    assert auth_challenge_response(NX_SMTP_CLIENT_AUTH_PLAIN, NX_SMTP_CLIENT_REPLY_TO_USERNAME_PROMPT,
                                   USER, PASSWORD) == (
        0, b"cmVjaXBpZW50QGRvbWFpbi5jb20AcmVjaXBpZW50QGRvbWFpbi5jb20AdGVzdHB3ZA==\r\n")


def test_login_known_answers():
    assert auth_challenge_response(NX_SMTP_CLIENT_AUTH_LOGIN, NX_SMTP_CLIENT_REPLY_TO_USERNAME_PROMPT,
                                   USER, PASSWORD) == (0, b"cmVjaXBpZW50QGRvbWFpbi5jb20=\r\n")
    assert auth_challenge_response(NX_SMTP_CLIENT_AUTH_LOGIN, NX_SMTP_CLIENT_REPLY_TO_PASSWORD_PROMPT,
                                   USER, PASSWORD) == (0, b"dGVzdHB3ZA==\r\n")
    # A PASSWORD prompt answers the password whatever the type.
    assert auth_challenge_response(NX_SMTP_CLIENT_AUTH_PLAIN, NX_SMTP_CLIENT_REPLY_TO_PASSWORD_PROMPT,
                                   USER, PASSWORD) == (0, b"dGVzdHB3ZA==\r\n")


def test_unknown_prompt_cancels():
    for prompt in (0, NX_SMTP_CLIENT_REPLY_TO_UNKNOWN_PROMPT, 4):
        assert auth_challenge_response(NX_SMTP_CLIENT_AUTH_LOGIN, prompt, USER, PASSWORD) == (0, b"*\r\n")


def test_empty_login_credential_sends_an_empty_line():
    assert auth_challenge_response(NX_SMTP_CLIENT_AUTH_LOGIN, NX_SMTP_CLIENT_REPLY_TO_USERNAME_PROMPT,
                                   "", PASSWORD) == (0, b"\r\n")
    assert auth_challenge_response(NX_SMTP_CLIENT_AUTH_LOGIN, NX_SMTP_CLIENT_REPLY_TO_PASSWORD_PROMPT,
                                   USER, "") == (0, b"\r\n")
    # PLAIN is never empty: two NULs at least.
    assert auth_challenge_response(NX_SMTP_CLIENT_AUTH_PLAIN, NX_SMTP_CLIENT_REPLY_TO_USERNAME_PROMPT,
                                   "", "") == (0, b"AAA=\r\n")


def test_credential_size_checks():
    user40, pass20 = "u" * 40, "p" * 20
    status, line = auth_challenge_response(NX_SMTP_CLIENT_AUTH_PLAIN, NX_SMTP_CLIENT_REPLY_TO_USERNAME_PROMPT,
                                           user40, pass20)
    assert status == 0 and len(line) == 136 + 2
    assert auth_challenge_response(NX_SMTP_CLIENT_AUTH_PLAIN, NX_SMTP_CLIENT_REPLY_TO_USERNAME_PROMPT,
                                   "u" * 41, pass20) == (SIZE, None)
    # The password is checked first, whatever the prompt.
    assert auth_challenge_response(NX_SMTP_CLIENT_AUTH_LOGIN, NX_SMTP_CLIENT_REPLY_TO_USERNAME_PROMPT,
                                   USER, "p" * 21) == (SIZE, None)


def test_mail_from_has_the_trailing_space():
    assert mail_command(USER) == (0, b"MAIL FROM:<recipient@domain.com> \r\n")
    assert rcpt_command(USER) == (0, b"RCPT TO:<recipient@domain.com> \r\n")


@pytest.mark.parametrize("length, expected", [(497, 0), (498, INTERNAL), (512, INTERNAL), (513, SIZE)])
def test_mail_from_length_limits(length, expected):
    status, line = mail_command("a" * length)
    assert status == expected
    if status == 0:
        assert len(line) == length + 15 and line.endswith(b"> \r\n")


@pytest.mark.parametrize("length, expected", [(499, 0), (500, INTERNAL), (512, INTERNAL), (513, SIZE)])
def test_rcpt_to_length_limits(length, expected):
    assert rcpt_command("a" * length)[0] == expected


def test_fixed_commands():
    assert [simple_command(word) for word in ("DATA", "QUIT", "RSET", "NOOP")] == [
        (0, b"DATA\r\n"), (0, b"QUIT\r\n"), (0, b"RSET\r\n"), (0, b"NOOP\r\n")]
    assert EOM == b"\r\n.\r\n"


def test_header_block_of_the_regression_tests():
    status, pieces = header_pieces(USER, USER, "NetX Duo SMTP Client Demo")
    assert status == 0 and len(pieces) == 10
    header = b"".join(pieces)
    assert header == (b"To: recipient@domain.com\r\nFrom: recipient@domain.com\r\n"
                      b"Subject: NetX Duo SMTP Client Demo\r\nMIME-Version: 1.0\r\n"
                      b"Content-Type: text/plain;\r\n  charset=\"utf-8\"\r\n"
                      b"Content-Transfer-Encoding: 8bit\r\n\r\n")
    assert len(header) == 190


def test_demo_header_is_182_bytes():
    status, pieces = header_pieces("your@yourcompany.com", "my@mycompany.com", "NetX SMTP Client Demo")
    assert len(b"".join(pieces)) == 182


def test_header_size_checks():
    assert header_pieces("a" * 512, "b" * 512, "s" * 512)[0] == 0
    for arguments in (("a" * 513, "b", "s"), ("a", "b" * 513, "s"), ("a", "b", "s" * 513)):
        assert header_pieces(*arguments) == (SIZE, None)
    # Header injection is not prevented (as in the C).
    assert b"Subject: x\r\nBcc: y\r\n" in b"".join(header_pieces("a", "b", "x\r\nBcc: y")[1])


def test_chunk_size_from_pool_payload():
    assert message_chunk_size(1536, 4) == 1496
    assert message_chunk_size(800, 4) == 760
    assert message_chunk_size(1536, 6) == 1476


def test_body_chunks_cut_like_the_c_loop():
    body = bytes(range(256)) * 10
    assert body_chunks(body, 1000) == [body[:1000], body[1000:2000], body[2000:]]
    assert body_chunks(body[:1000], 1000) == [body[:1000]]
    assert body_chunks(b"", 10) == []


@given(st.binary(max_size=300), st.integers(1, 64))
def test_body_chunks_reassemble(body, size):
    chunks = body_chunks(body, size)
    assert b"".join(chunks) == body and all(len(chunk) == size for chunk in chunks[:-1])


def test_body_bytes():
    assert mail_body_bytes("héllo", 6) == "héllo".encode()
    assert mail_body_bytes(b"a\x00b\x00", 3) == b"a\x00b"      # NULs are data; no strlen
    with pytest.raises(ValueError):
        mail_body_bytes(b"abc", 4)


def test_dot_stuffing_option():
    assert dot_stuff(b".a\r\n.b\r\n.\r\nc.\r\n") == b"..a\r\n..b\r\n..\r\nc.\r\n"
    assert dot_stuff(b"a\n.b") == b"a\n.b"          # only CRLF starts a line


@given(st.lists(st.sampled_from([b".", b"a", b"\r\n", b"\r", b"\n", b".."]), max_size=30))
def test_dot_stuffing_never_leaves_a_lone_dot_line(parts):
    body = b"".join(parts)
    stuffed = b"\r\n" + dot_stuff(body) + b"\r\n.\r\n"
    assert stuffed.find(b"\r\n.\r\n") == len(stuffed) - 5
    # Undoing it restores the body (RFC 5321 §4.5.2 receiver rule).
    lines = dot_stuff(body).split(b"\r\n")
    assert b"\r\n".join(line[1:] if line.startswith(b".") else line for line in lines) == body


def test_limits_follow_overrides(monkeypatch):
    monkeypatch.setattr(config, "NX_SMTP_CLIENT_MAX_USERNAME", 5)
    assert ehlo_command("abcdef") == (SIZE, None)
