"""Reply parsing as the C does it (_nx_smtp_parse_response, _nx_smtp_parse_250_response,
_nx_smtp_utility_parse_server_services, _nx_smtp_utility_authentication_challenge)."""
from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smtp_client.constants import (
    NX_SMTP_CLIENT_AUTH_LOGIN as LOGIN, NX_SMTP_CLIENT_AUTH_NONE as NONE, NX_SMTP_CLIENT_AUTH_PLAIN as PLAIN,
    NX_SMTP_CLIENT_REPLY_TO_PASSWORD_PROMPT as PASSWORD_PROMPT,
    NX_SMTP_CLIENT_REPLY_TO_UNKNOWN_PROMPT as UNKNOWN, NX_SMTP_CLIENT_REPLY_TO_USERNAME_PROMPT as USERNAME_PROMPT,
    NX_SMTP_INTERNAL_ERROR, NX_SMTP_INVALID_PARAM, NX_SMTP_INVALID_SERVER_REPLY,
)
from smtp_client.reply import (
    authentication_challenge, challenge_word, find_crlf, mute_after, parse_reply_code, parse_server_services,
)

FAIL = NX_SMTP_INTERNAL_ERROR
EHLO = (b"250-expresslogic.com Hello testrecipient@expresslogic.com, pleased to meet you\r\n250-ETRN\r\n"
        b"250-AUTH LOGIN CRAM-MD5 PLAIN\r\n250-8BITMIME\r\n250 SIZE\r\n")


@pytest.mark.parametrize("data, status, code", [
    (b"250 OK\r\n", 0, 250), (b"220-foo\r\n220 bar\r\n", 0, 220), (b"  250 x", 0, 250), (b"abc250 x", 0, 250),
    (b"220\r\n", 0, 0), (b"2200", FAIL, 0), (b"222222220-expresslogic", FAIL, 0), (b"25 x", 0, 25),
    (b"12x250 ", 0, 250), (b"1234 ", FAIL, 0), (b"OK\r\n", 0, 0), (b"250", 0, 250), (b"OK 250", 0, 250),
    (b" -250-", 0, 250), (b"007 x", 0, 7), (b"", NX_SMTP_INVALID_PARAM, 0), (b"9", 0, 9), (b"x\r\n", 0, 0),
    (b"221 See ya in cyberspace\r\n" + b"\x00" * 54, 0, 221),
])
def test_reply_code_examples(data, status, code):
    parsed = parse_reply_code(data)
    assert (parsed.status, parsed.code) == (status, code)


def model_code(data: bytes) -> tuple[int, int]:
    """An independent statement of the rule: walk runs of digits; a run of 4+ digits
    before a code is found fails; a run of 1-3 digits followed by ' ' or '-' is the
    code; a run at the very end counts; otherwise 0."""
    if not data:
        return NX_SMTP_INVALID_PARAM, 0
    i = 0
    last = b""
    while i < len(data):
        if data[i:i + 1].isdigit():
            j = i
            while j < len(data) and data[j:j + 1].isdigit():
                j += 1
            run = data[i:j]
            if len(run) > 3:
                return FAIL, 0
            if j < len(data) and data[j] in b" -":
                return 0, int(run)
            last = run if j == len(data) else b""
            i = j
        else:
            last = b""
            i += 1
    return 0, int(last) if last else 0


@given(st.binary(max_size=40) | st.lists(st.sampled_from([b"2", b"5", b"0", b" ", b"-", b"\r\n", b"x", b"1234"]),
                                         max_size=15).map(b"".join))
def test_reply_code_matches_the_model(data):
    parsed = parse_reply_code(data)
    assert (parsed.status, parsed.code) == model_code(data)


def test_mute_rules():
    def mute(data: bytes, before: bool) -> bool:
        parsed = parse_reply_code(data)
        return mute_after(data, parsed.end, before)
    assert mute(b"250-a\r\n250-SIZE\r\n", False) is True           # no final line: wait for more
    assert mute(b"250-a\r\n250 SIZE\r\n", False) is False
    assert mute(b"250-AUTH LOGIN CRAM-MD5 PLAIN\r\n 250 SIZE\r\n", True) is False   # found anywhere
    assert mute(b"250-x250 y", False) is False                     # even inside text
    assert mute(b"250 SIZE\r\n", True) is False
    assert mute(b"250-SIZE\r\n", True) is True
    assert mute(b"421 bye\r\n", True) is True                      # other codes leave it alone
    assert mute(b"220-a\r\n", False) is False
    assert mute(b"250", True) is True                              # no separator: nothing matches
    assert mute(b"250-250", False) is True                         # "250 " must fit entirely
    assert mute(EHLO, False) is False


@pytest.mark.parametrize("reply, before, after", [
    # (EHLO packet, type before, type after) : the EHLO decision table
    (EHLO, LOGIN, LOGIN), (EHLO, PLAIN, PLAIN), (EHLO, NONE, NONE),
    (b"250-AUTH PLAIN\r\n250 x\r\n", LOGIN, PLAIN), (b"250-AUTH LOGIN\r\n250 x\r\n", PLAIN, LOGIN),
    (b"250-AUTH MOGIN CRAM-MD5 QLAIN\r\n250 SIZE\r\n", LOGIN, PLAIN),
    (b"250-AUTH MOGIN CRAM-MD5 QLAIN\r\n250 SIZE\r\n", PLAIN, PLAIN),
    (b"250-DUTH NOGIN CRAM-MD5 RLAIN\r\n250 SIZE\r\n", LOGIN, LOGIN),   # no AUTH: unchanged
    (b"250-auth login\r\n250 x\r\n", PLAIN, LOGIN),                     # case-insensitive
    (b"250-oauth.example\r\n250-LOGIN\r\n", PLAIN, LOGIN),              # substring anywhere, later lines
    (b"250-AUTH LOGINDISABLED\r\n", PLAIN, LOGIN),
    (b"250-AUTH xxLOGIN", PLAIN, PLAIN),                                # needs a byte after the match
    (b"250-AUTH xxLOGIN ", PLAIN, LOGIN),
    (b"AUTH", LOGIN, LOGIN), (b"AUTH ", LOGIN, LOGIN), (b"xAUTH LOGIN", PLAIN, PLAIN),
    (b"AUTH LOGIN.", PLAIN, LOGIN), (b"AUTHxxxx", LOGIN, LOGIN),   # < 5 bytes after AUTH: unchanged
    (b"AUTHxxxxx", LOGIN, PLAIN),                                        # 5 bytes: scanned, none found
])
def test_mechanism_selection(reply, before, after):
    assert parse_server_services(reply, before) == after


def test_challenge_word():
    assert challenge_word(b"334 VXNlcm5hbWU6") == b"VXNlcm5hbWU6"
    assert challenge_word(b"334-VXNlcm5hbWU6") == b"VXNlcm5hbWU6"
    assert challenge_word(b"334  VXNl") == b""
    assert challenge_word(b"334 abc def") == b"abc"
    assert challenge_word(b"334 a-b") == b"a-b"                      # a dash only separates first
    assert challenge_word(b"334 ab\x00cd") == b"ab"                  # a C string
    assert challenge_word(b"334 " + b"A" * 250) == b"A" * 200
    assert find_crlf(b"334 x\r\ny\r\n") == 5 and find_crlf(b"334 x\n") == -1


def test_authentication_challenge():
    assert authentication_challenge(PLAIN, b"334 anything") == (0, USERNAME_PROMPT)
    assert authentication_challenge(PLAIN, b"") == (0, USERNAME_PROMPT)
    assert authentication_challenge(LOGIN, b"334 VXNlcm5hbWU6") == (0, USERNAME_PROMPT)
    assert authentication_challenge(LOGIN, b"334 UGFzc3dvcmQ6") == (0, PASSWORD_PROMPT)
    assert authentication_challenge(LOGIN, b"334 " + base64.b64encode(b"USERNAME:")) == (0, USERNAME_PROMPT)
    assert authentication_challenge(LOGIN, b"334 " + base64.b64encode(b"pAsSwOrD:")) == (0, PASSWORD_PROMPT)
    assert authentication_challenge(LOGIN, b"334 " + base64.b64encode(b"Username")) == (UNKNOWN, None)
    assert authentication_challenge(LOGIN, b"334 " + base64.b64encode(b"Username: ")) == (UNKNOWN, None)
    assert authentication_challenge(LOGIN, b"334 ") == (NX_SMTP_INVALID_SERVER_REPLY, None)
    assert authentication_challenge(LOGIN, b"") == (NX_SMTP_INVALID_SERVER_REPLY, None)
