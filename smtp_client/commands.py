"""The bytes the client sends, built as ``nxd_smtp_client.c`` builds them (sans-IO).

Each builder returns ``(status, data)``; a non-success status is the one the C command
handler returns before sending anything (``data`` is then None). The limits are read
from :mod:`smtp_client.constants` at call time, so overrides apply.

=====================  ===================================================  ==========================
C routine              bytes                                                size checks (status)
=====================  ===================================================  ==========================
_nx_smtp_cmd_ehlo      ``EHLO <domain>\\r\\n``                                domain > MAX_USERNAME (SIZE)
_nx_smtp_cmd_helo      ``HELO <domain>\\r\\n``  (unreachable in the C)        same
_nx_smtp_cmd_auth      ``AUTH PLAIN\\r\\n`` / ``AUTH LOGIN\\r\\n``              none
_nx_smtp_cmd_auth_     base64 credential + ``\\r\\n``                          password > MAX_PASSWORD,
challenge                                                                   username > MAX_USERNAME (SIZE)
_nx_smtp_cmd_mail      ``MAIL FROM:<from> \\r\\n`` (space before CRLF)         from > 512 (SIZE), > 497 (INTERNAL)
_nx_smtp_cmd_rcpt      ``RCPT TO:<rcpt> \\r\\n``  (space before CRLF)          rcpt > 512 (SIZE), > 499 (INTERNAL)
_nx_smtp_cmd_data      ``DATA\\r\\n``
_nx_smtp_cmd_quit      ``QUIT\\r\\n``
(rset, noop)           ``RSET\\r\\n``, ``NOOP\\r\\n`` (unreachable in the C)
header                 To, From, Subject lines + the fixed MIME block       each > 512 (SIZE)
end of message         ``\\r\\n.\\r\\n``
=====================  ===================================================  ==========================
"""
from __future__ import annotations

from typing import Any

from netxsim.nx.constants import NX_IP_VERSION_V6, NX_PTR_ERROR, NX_SIZE_ERROR, NX_SUCCESS

from . import constants as c
from .utility import _nx_utility_base64_encode, c_string

CRLF = c.NX_SMTP_LINE_TERMINATOR.encode()
EOM = c.NX_SMTP_EOM.encode()

# sizeof(NX_TCP_HEADER) + sizeof(NX_IPV4_HEADER) / sizeof(NX_IPV6_HEADER)
TCP_IPV4_HEADERS = 20 + 20
TCP_IPV6_HEADERS = 20 + 40


def _text(text: Any, limit: int) -> tuple[int, bytes]:
    """(status, bytes of the C string) after NetX's length check (b"" on failure)."""
    # _nx_utility_string_length_check, inline, on one c_string of the text.
    data = c_string(text)
    if data is None:
        return NX_PTR_ERROR, b""
    if len(data) > limit:
        return NX_SIZE_ERROR, b""
    return NX_SUCCESS, data


def _hello(word: str, domain: Any) -> tuple[int, bytes | None]:
    status, name = _text(domain, c.NX_SMTP_CLIENT_MAX_USERNAME)
    if status:
        return NX_SIZE_ERROR, None
    if c.NX_SMTP_BUFFER_SIZE < len(word) + 1 + len(name) + len(CRLF):
        return c.NX_SMTP_INTERNAL_ERROR, None
    return NX_SUCCESS, word.encode() + b" " + name + CRLF


def ehlo_command(domain: Any) -> tuple[int, bytes | None]:
    """``EHLO <domain>\\r\\n`` (_nx_smtp_cmd_ehlo)."""
    return _hello(c.NX_SMTP_COMMAND_EHLO, domain)


def helo_command(domain: Any) -> tuple[int, bytes | None]:
    """``HELO <domain>\\r\\n`` (_nx_smtp_cmd_helo; no transition reaches it)."""
    return _hello(c.NX_SMTP_COMMAND_HELO, domain)


def auth_command(authentication_type: int) -> tuple[int, bytes]:
    """``AUTH LOGIN``/``AUTH CRAM-MD5``/``AUTH PLAIN`` + CRLF by type; any type other
    than LOGIN and CRAM-MD5 sends PLAIN (_nx_smtp_cmd_auth). No initial response."""
    if authentication_type == c.NX_SMTP_CLIENT_AUTH_LOGIN:
        text = c.NX_SMTP_CLIENT_AUTH_LOGIN_TEXT
    elif authentication_type == c.NX_SMTP_CLIENT_AUTH_CRAM_MD5:
        text = c.NX_SMTP_CLIENT_AUTH_CRAM_MD5_TEXT
    else:
        text = c.NX_SMTP_CLIENT_AUTH_PLAIN_TEXT
    return NX_SUCCESS, text.encode() + CRLF


def plain_credential(username: Any, password: Any) -> bytes:
    """The AUTH PLAIN message before encoding: ``user \\0 user \\0 password``
    (authorization id = authentication id = the username)."""
    user = c_string(username) or b""
    return user + b"\x00" + user + b"\x00" + (c_string(password) or b"")


def auth_challenge_response(authentication_type: int, prompt: int, username: Any,
                            password: Any) -> tuple[int, bytes | None]:
    """The answer to a 334 (_nx_smtp_cmd_auth_challenge): base64 + CRLF.

    USERNAME prompt: PLAIN sends base64(user\\0user\\0password), LOGIN base64(user);
    PASSWORD prompt: base64(password); any other prompt ``*`` (the RFC cancel; the C
    never gets here). Where NetX's encoder refuses empty input (LOGIN with an empty
    username or password) the C sends an uninitialised length; this port sends the
    empty line ``\\r\\n`` instead (base64 of nothing).
    """
    status, secret = _text(password, c.NX_SMTP_CLIENT_MAX_PASSWORD)
    if status:
        return NX_SIZE_ERROR, None
    challenge_size, encoded_size = c.auth_challenge_size()
    clear: bytes | None = None
    if prompt == c.NX_SMTP_CLIENT_REPLY_TO_USERNAME_PROMPT:
        status, user = _text(username, c.NX_SMTP_CLIENT_MAX_USERNAME)
        if status:
            return NX_SIZE_ERROR, None
        if authentication_type == c.NX_SMTP_CLIENT_AUTH_PLAIN:
            if challenge_size < len(user) + 1 + len(user) + 1 + len(secret):
                return c.NX_SMTP_INTERNAL_ERROR, None
            clear = plain_credential(user, secret)
        else:
            clear = user
    elif prompt == c.NX_SMTP_CLIENT_REPLY_TO_PASSWORD_PROMPT:
        clear = secret
    if clear is None:
        encoded = c.NX_SMTP_CANCEL_AUTHENTICATION.encode()
    else:
        status, result = _nx_utility_base64_encode(clear, encoded_size + 1)
        # On NetX's refusal of empty input: the port's empty line (see above).
        encoded = result if status == NX_SUCCESS and result is not None else b""
    if c.NX_SMTP_BUFFER_SIZE < len(encoded) + len(CRLF):
        return c.NX_SMTP_INTERNAL_ERROR, None
    return NX_SUCCESS, encoded + CRLF


def _envelope(word: str, address: Any) -> tuple[int, bytes | None]:
    status, mailbox = _text(address, c.NX_SMTP_BUFFER_SIZE)
    if status:
        return NX_SIZE_ERROR, None
    # The C compares sizeof(word) + length + sizeof("\r\n") + 2 (both sizeofs count the NUL).
    if len(word) + 1 + len(mailbox) + len(CRLF) + 1 + 2 > c.NX_SMTP_BUFFER_SIZE:
        return c.NX_SMTP_INTERNAL_ERROR, None
    return NX_SUCCESS, word.encode() + b":<" + mailbox + b"> " + CRLF


def mail_command(from_address: Any) -> tuple[int, bytes | None]:
    """``MAIL FROM:<from> \\r\\n`` with the C's space before CRLF (_nx_smtp_cmd_mail)."""
    return _envelope(c.NX_SMTP_COMMAND_MAIL, from_address)


def rcpt_command(recipient_address: Any) -> tuple[int, bytes | None]:
    """``RCPT TO:<recipient> \\r\\n`` with the C's space before CRLF (_nx_smtp_cmd_rcpt)."""
    return _envelope(c.NX_SMTP_COMMAND_RCPT, recipient_address)


def simple_command(word: str) -> tuple[int, bytes]:
    """``DATA``, ``QUIT``, ``RSET`` or ``NOOP`` + CRLF."""
    return NX_SUCCESS, word.encode() + CRLF


def header_pieces(recipient_address: Any, from_address: Any, subject: Any) -> tuple[int, list[bytes] | None]:
    """The ten pieces _nx_smtp_utility_send_header_to_server appends, in order, to one
    packet: ``To: ``, recipient, CRLF, ``From: ``, from, CRLF, ``Subject: ``, subject,
    CRLF, the fixed MIME block. NX_SIZE_ERROR if an argument exceeds 512 bytes."""
    values = []
    for text in (recipient_address, from_address, subject):
        status, value = _text(text, c.NX_SMTP_BUFFER_SIZE)
        if status:
            return NX_SIZE_ERROR, None
        values.append(value)
    pieces: list[bytes] = []
    for label, value in zip((c.NX_SMTP_TO_STRING, c.NX_SMTP_FROM_STRING, c.NX_SMTP_SUBJECT_STRING), values):
        pieces += [label.encode(), value, CRLF]
    pieces.append(c.NX_SMTP_MAIL_HEADER_COMPONENTS.encode())
    return NX_SUCCESS, pieces


def message_chunk_size(pool_payload_size: int, ip_version: int) -> int:
    """Body bytes per send (_nx_smtp_cmd_message): the pool payload less the TCP and IP
    header sizes (40 for IPv4, 60 for IPv6). The 16-byte physical header is not
    subtracted, as in the C, so a full chunk spills into a second pool packet."""
    headers = TCP_IPV6_HEADERS if ip_version == NX_IP_VERSION_V6 else TCP_IPV4_HEADERS
    return (pool_payload_size - headers) & 0xFFFFFFFF   # ULONG arithmetic, as in C


def mail_body_bytes(mail_body: Any, mail_body_length: int) -> bytes:
    """The first ``mail_body_length`` bytes of the body (``str`` as UTF-8); NULs are
    data. A body shorter than the length raises ValueError (C would read past it)."""
    data = mail_body.encode() if isinstance(mail_body, str) else bytes(mail_body)
    if len(data) < mail_body_length:
        raise ValueError(f"mail_body_length {mail_body_length} exceeds the {len(data)} bytes "
                         "supplied (C would read past the caller's buffer)")
    return data[:mail_body_length]


def dot_stuff(body: bytes) -> bytes:
    """RFC 5321 §4.5.2 transparency: a line starting with ``.`` gets one more ``.``.
    Lines start at the beginning of the body and after each CRLF. Not done by the C;
    used only when the dot-stuffing option is on."""
    stuffed = body.replace(b"\r\n.", b"\r\n..")
    return b"." + stuffed if stuffed.startswith(b".") else stuffed


def body_chunks(body: bytes, chunk_size: int) -> list[bytes]:
    """The body cut as the C's send loop cuts it: full chunks of ``chunk_size`` and the
    remainder (no chunk for an empty body)."""
    if chunk_size <= 0:
        raise ValueError("chunk size must be positive")
    return [body[start:start + chunk_size] for start in range(0, len(body), chunk_size)]


__all__: list[str] = []
