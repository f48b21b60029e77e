"""Reading a server reply the way ``nxd_smtp_client.c`` does (sans-IO, pure functions).

The unit is one received packet, as in the C: one ``nx_tcp_socket_receive`` per reply.
Only the packet's first line decides the code; the rest is ignored, except for the
``250 `` search that decides the mute flag and the AUTH mechanism scan of EHLO replies.

* :func:`parse_reply_code` — ``_nx_smtp_parse_response`` with argument index 1: the
  code is the run of at most 3 ASCII digits in force when the first space or dash that
  follows a digit is met (any other byte empties the run; a 4th digit in a row fails
  with NX_SMTP_INTERNAL_ERROR). With no such separator the run at the end of the
  packet counts. An empty run is code 0 (``strtoul("")``). An empty packet fails with
  NX_SMTP_INVALID_PARAM.
* :func:`mute_after` — the multi-packet 250 rule (``_nx_smtp_parse_250_response``):
  ``250-`` sets mute unless ``250 `` occurs anywhere in the rest of the packet;
  ``250 `` clears it; any other code leaves it alone.
* :func:`parse_server_services` — the AUTH mechanism choice from one EHLO packet.
* :func:`find_crlf`, :func:`challenge_word`, :func:`authentication_challenge` — the
  334 line and its LOGIN prompt.
"""
from __future__ import annotations

from typing import NamedTuple

from netxsim.nx.constants import NX_SUCCESS

from . import constants as c
from .utility import _nx_utility_base64_decode

_SPACE, _DASH = 0x20, 0x2D


class ReplyCode(NamedTuple):
    """Result of :func:`parse_reply_code`: ``status`` (NX_SUCCESS or the C's failure),
    ``code`` (0 when none or on failure), ``end`` (index of the separator that ended
    the code, or the packet length when none did)."""
    status: int
    code: int
    end: int


def usual_reply_code(data: bytes) -> int:
    """The code of a packet that starts the usual way, three ASCII digits then a space or
    a dash (what :func:`parse_reply_code` finds at index 3 then: the three digits are
    the run, the separator ends it); -1 for any other start (scan it in full)."""
    if len(data) > 3 and (data[3] == _SPACE or data[3] == _DASH) and data[:3].isdigit() \
            and c.NX_SMTP_SERVER_REPLY_CODE_SIZE >= 3:
        return int(data[:3])
    return -1


def parse_reply_code(data: bytes) -> ReplyCode:
    """The reply code of one packet, exactly as the C scans it (see module doc)."""
    if not data:
        return ReplyCode(c.NX_SMTP_INVALID_PARAM, 0, 0)
    code = usual_reply_code(data)
    if code >= 0:
        return ReplyCode(NX_SUCCESS, code, 3)
    digits = bytearray()
    for index, byte in enumerate(data):
        if digits and (byte == _SPACE or byte == _DASH):
            return ReplyCode(NX_SUCCESS, int(digits), index)
        if 0x30 <= byte <= 0x39:
            if len(digits) >= c.NX_SMTP_SERVER_REPLY_CODE_SIZE:
                return ReplyCode(c.NX_SMTP_INTERNAL_ERROR, 0, index)
            digits.append(byte)
        else:
            digits.clear()
    return ReplyCode(NX_SUCCESS, int(digits) if digits else 0, len(data))


def mute_after(data: bytes, end: int, mute: bool) -> bool:
    """The mute flag after a successfully parsed packet whose code ended at ``end``.

    The C compares the 4 bytes ``data[end-3:end+1]`` with ``250-`` and ``250 ``. When
    no separator ended the code (``end == len(data)``) the C reads one byte past the
    data; the port treats that byte as matching nothing.
    """
    if end < 3 or end >= len(data) or data[end - 3:end] != b"250":
        return mute
    if data[end] == _DASH:
        return b"250 " not in data[end:]
    if data[end] == _SPACE:
        return False
    return mute


def _find_folded(data: bytes, word: bytes, start: int, stop: int) -> int:
    """First index in [start, stop) where ``word`` matches case-insensitively, or -1."""
    return data.upper().find(word, start, stop + len(word) - 1) if stop > start else -1


def parse_server_services(data: bytes, authentication_type: int) -> int:
    """``_nx_smtp_utility_parse_server_services``: the authentication type after one
    EHLO reply packet.

    ``AUTH`` is searched case-insensitively anywhere with at least one byte after it;
    without it, or for a NONE client, the type is unchanged. Then ``LOGIN`` and
    ``PLAIN`` are searched (substrings, to the end of the packet, leaving at least one
    byte after the match). LOGIN client: LOGIN offered → LOGIN, else PLAIN. Otherwise:
    PLAIN client with PLAIN offered → PLAIN; LOGIN offered → LOGIN; else PLAIN.
    """
    length = len(data)
    if length <= 4:
        return authentication_type
    auth = _find_folded(data, b"AUTH", 0, length - 4)
    if auth < 0 or authentication_type == c.NX_SMTP_CLIENT_AUTH_NONE:
        return authentication_type
    rest = auth + 4
    remaining = length - rest
    if remaining < 5:
        return authentication_type
    stop = rest + remaining - 5
    login = _find_folded(data, b"LOGIN", rest, stop) >= 0
    plain = _find_folded(data, b"PLAIN", rest, stop) >= 0
    if authentication_type == c.NX_SMTP_CLIENT_AUTH_LOGIN:
        return c.NX_SMTP_CLIENT_AUTH_LOGIN if login else c.NX_SMTP_CLIENT_AUTH_PLAIN
    if plain and authentication_type == c.NX_SMTP_CLIENT_AUTH_PLAIN:
        return authentication_type
    return c.NX_SMTP_CLIENT_AUTH_LOGIN if login else c.NX_SMTP_CLIENT_AUTH_PLAIN


def find_crlf(data: bytes) -> int:
    """Index of the first CRLF (``_nx_smtp_find_crlf`` forwards), or -1."""
    return data.find(b"\r\n")


def challenge_word(line: bytes) -> bytes:
    """The second word of a 334 line (``_nx_smtp_parse_response`` with index 2).

    A space always separates; a dash only before the first separator. Bytes of the
    second word are kept, at most NX_SMTP_SERVER_CHALLENGE_MAX_STRING (the C's error
    at the next byte is ignored by its caller, which uses what was kept). The C then
    treats the word as a C string, so it ends at a NUL.
    """
    separators = 0
    word = bytearray()
    for byte in line:
        if separators >= 2:
            break
        if byte == _SPACE or (byte == _DASH and separators == 0):
            separators += 1
        elif separators == 1:
            if len(word) >= c.NX_SMTP_SERVER_CHALLENGE_MAX_STRING:
                break
            word.append(byte)
    end = word.find(b"\x00")
    return bytes(word if end < 0 else word[:end])


def authentication_challenge(authentication_type: int, line: bytes) -> tuple[int, int | None]:
    """``_nx_smtp_utility_authentication_challenge``: (status, prompt) for the first
    line of a 334 reply (without its CRLF).

    PLAIN ignores the text: USERNAME prompt. LOGIN decodes the second word with NetX's
    lenient base64; exactly ``username:`` or ``password:`` (letters in any case) gives
    that prompt. An empty word is NX_SMTP_INVALID_SERVER_REPLY; anything else
    NX_SMTP_CLIENT_REPLY_TO_UNKNOWN_PROMPT.
    """
    if authentication_type == c.NX_SMTP_CLIENT_AUTH_PLAIN:
        return NX_SUCCESS, c.NX_SMTP_CLIENT_REPLY_TO_USERNAME_PROMPT
    word = challenge_word(line)
    if not word:
        return c.NX_SMTP_INVALID_SERVER_REPLY, None
    _status, decoded = _nx_utility_base64_decode(word, c.NX_SMTP_SERVER_CHALLENGE_MAX_STRING + 1)
    decoded = decoded or b""
    if len(decoded) == 9 and decoded[8:] == b":":
        if decoded[:8].lower() == b"username":
            return NX_SUCCESS, c.NX_SMTP_CLIENT_REPLY_TO_USERNAME_PROMPT
        if decoded[:8].lower() == b"password":
            return NX_SUCCESS, c.NX_SMTP_CLIENT_REPLY_TO_PASSWORD_PROMPT
    return c.NX_SMTP_CLIENT_REPLY_TO_UNKNOWN_PROMPT, None


__all__: list[str] = []
