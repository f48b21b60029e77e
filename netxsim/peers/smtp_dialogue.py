"""The functional ESMTP server's dialogue: command parsing, the state machine, AUTH
PLAIN/LOGIN, MAIL/RCPT/DATA and the message checks, as the methods of
:class:`EsmtpDialogue`, which :class:`netxsim.peers.smtp_server.SmtpServer` inherits (its
packet I/O, ``_send``/``_receive``/``_flag``/``_finish``, stays there). The module
docstring of :mod:`netxsim.peers.smtp_server` lists the replies.
"""
from __future__ import annotations

import base64
import binascii
import re

from netxsim.nx.constants import NX_NO_PACKET, NX_SUCCESS
from netxsim.nx.tcp import NX_TCP_ESTABLISHED
from netxsim.peers.smtp_session import (
    ANY, AUTH, DATA, GREETED, MAIL, RCPT, READY, Mail, SmtpSession,
)

__all__ = ["EsmtpDialogue", "USERNAME_PROMPT", "PASSWORD_PROMPT", "COMMAND_LINE_LIMIT", "AUTH_LINE_LIMIT",
           "TEXT_LINE_LIMIT"]

USERNAME_PROMPT = "VXNlcm5hbWU6"   # base64("Username:")
PASSWORD_PROMPT = "UGFzc3dvcmQ6"   # base64("Password:")
COMMAND_LINE_LIMIT = 512        # RFC 5321 §4.5.3.1.4, CRLF included
AUTH_LINE_LIMIT = 12288         # RFC 4954 §4
TEXT_LINE_LIMIT = 1000          # RFC 5321 §4.5.3.1.6

# verb -> (handler method, states in which the verb is in sequence).
_COMMANDS: dict[str, tuple[str, frozenset[str]]] = {
    "EHLO": ("_cmd_ehlo", ANY),
    "HELO": ("_cmd_helo", ANY),
    "AUTH": ("_cmd_auth", frozenset({READY})),
    "MAIL": ("_cmd_mail", frozenset({READY})),
    "RCPT": ("_cmd_rcpt", frozenset({MAIL, RCPT})),
    "DATA": ("_cmd_data", frozenset({RCPT})),
    "RSET": ("_cmd_rset", ANY),
    "NOOP": ("_cmd_noop", ANY),
    "VRFY": ("_cmd_vrfy", ANY),
    "HELP": ("_cmd_help", ANY),
    "QUIT": ("_cmd_quit", ANY),
}
_BEFORE_EHLO = (503, "5.5.1 Error: send HELO/EHLO first", "before-ehlo")
# (verb, state) -> (code, text, problem) for a verb out of sequence.
_OUT_OF_SEQUENCE: dict[tuple[str, str], tuple[int, str, str]] = {
    ("AUTH", MAIL): (503, "5.5.1 Error: MAIL transaction in progress", "bad-sequence"),
    ("AUTH", RCPT): (503, "5.5.1 Error: MAIL transaction in progress", "bad-sequence"),
    ("MAIL", MAIL): (503, "5.5.1 Error: nested MAIL command", "bad-sequence"),
    ("MAIL", RCPT): (503, "5.5.1 Error: nested MAIL command", "bad-sequence"),
    ("RCPT", READY): (503, "5.5.1 Error: need MAIL command", "bad-sequence"),
    ("DATA", READY): (503, "5.5.1 Error: need RCPT command", "bad-sequence"),
    ("DATA", MAIL): (503, "5.5.1 Error: need RCPT command", "bad-sequence"),
}
_PATH = re.compile(r"(FROM|TO):( ?)<([^<>]*)>(.*)", re.IGNORECASE | re.DOTALL)
_BARE_LF = re.compile(rb"(?<!\r)\n")
_BARE_CR = re.compile(rb"\r(?!\n)")


def _b64decode(data: bytes) -> bytes | None:
    """Strict base64 (RFC 4648 alphabet, padding required); None when invalid."""
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")



class EsmtpDialogue:
    """The functional mode of :class:`netxsim.peers.smtp_server.SmtpServer` (a mixin:
    the server supplies the socket, the configuration and the packet I/O)."""

    # ================================================================== functional mode
    def _reply(self, s: SmtpSession, code: int, *lines: str) -> int:
        if not lines:
            lines = ("",)
        # "<code>-<line>\r\n" for each line but the last, "<code> <last>\r\n" last.
        data = f"{code} {lines[-1]}\r\n"
        if len(lines) > 1:
            data = f"{code}-" + f"\r\n{code}-".join(lines[:-1]) + "\r\n" + data
        return self._send(s, data.encode())

    def _functional(self, s: SmtpSession) -> None:
        if self._reply(s, 220, self.banner) != NX_SUCCESS:
            return
        buffer = bytearray()
        while s.end is None:
            status, data = self._receive(s, self.idle_timeout)
            if status == NX_NO_PACKET and self.socket.nx_tcp_socket_state == NX_TCP_ESTABLISHED:
                self._flag(s, "idle-timeout", f"nothing received for {self.idle_timeout} ticks")
                self._reply(s, 421, f"4.4.2 {self.domain} Error: timeout exceeded")
                self._finish(s, "timeout")
                return
            if status != NX_SUCCESS:
                end = self._closed_by_peer(s)
                how = "closed (FIN)" if end == "peer-closed" else "reset (RST)"
                if s.state == DATA:
                    self._flag(s, "closed-in-data", f"the client {how} the connection in the middle of DATA")
                else:
                    self._flag(s, "no-quit", f"the client {how} the connection without QUIT")
                return
            buffer += data
            self._process(s, buffer)

    def _process(self, s: SmtpSession, buffer: bytearray) -> None:
        """Handle every complete line (or the end of the message) in ``buffer``."""
        while s.end is None:
            if s.state == DATA:
                if not self._data_progress(s, buffer):
                    return
                continue
            limit = AUTH_LINE_LIMIT if s.state == AUTH else COMMAND_LINE_LIMIT
            end = buffer.find(b"\r\n")
            if end < 0:
                if len(buffer) > limit:
                    if not s._discard:
                        self._flag(s, "line-too-long", f"{len(buffer)} bytes without CRLF (limit {limit})")
                        self._reply(s, 500, "5.5.6 Error: line too long")
                    buffer.clear()
                    s._discard = True   # the rest of that line, up to its CRLF, goes too
                return
            line = bytes(buffer[:end])
            del buffer[:end + 2]
            if s._discard:
                s._discard = False
                continue
            if end + 2 > limit:
                self._flag(s, "line-too-long", f"a {end + 2}-byte line (limit {limit})")
                self._reply(s, 500, "5.5.6 Error: line too long")
                continue
            if s._rest_after_data:
                s._rest_after_data = False
                verb = line.split(b" ", 1)[0].upper().decode("latin-1")
                if verb in _COMMANDS:
                    self._flag(s, "pipelining", f"{verb} sent before the reply to the end of data")
                else:
                    self._flag(s, "early-end-of-data",
                               f"more bytes ({line[:40]!r}...) followed the end of data before its reply: "
                               f"a body line '.' that was not dot-stuffed ended the message early")
                    s._early_end = True
            if b"\n" in line or b"\r" in line:
                self._flag(s, "bare-lf", f"bare CR or LF inside the line {line!r}")
            if buffer and not s._early_end:   # after an early end: the rest of the body
                self._flag(s, "pipelining", f"{len(buffer)} more bytes arrived before the reply to "
                                            f"{line[:20]!r} (PIPELINING is not offered)")
            if s.state == AUTH:
                self._auth_response(s, line)
            else:
                self._command(s, line)

    def _command(self, s: SmtpSession, line: bytes) -> None:
        s.commands.append(line)
        text = line.decode("latin-1")
        verb, _, argument = text.partition(" ")
        verb = verb.upper()
        if not text:
            self._flag(s, "empty-line", "an empty command line")
            self._reply(s, 500, "5.5.2 Error: bad syntax")
            return
        entry = _COMMANDS.get(verb)
        if entry is None:
            hint = (" (right after a message: the rest of a body cut short by a '.' line that was "
                    "not dot-stuffed?)" if s._after_message else "")
            self._flag(s, "unknown-command", f"unknown command {line[:40]!r}{hint}")
            self._reply(s, 502, "5.5.2 Error: command not recognized")
            return
        s._after_message = s._early_end = False
        handler, allowed = entry
        if s.state not in allowed:
            code, reply, problem = _BEFORE_EHLO if s.state == GREETED else _OUT_OF_SEQUENCE[(verb, s.state)]
            self._flag(s, problem, f"{verb} in state {s.state!r}")
            self._reply(s, code, reply)
            return
        getattr(self, handler)(s, argument)

    # ---------------------------------------------------------------- commands
    def _hello_argument(self, s: SmtpSession, verb: str, argument: str) -> str | None:
        domain = argument.strip(" ")
        if not domain:
            self._flag(s, "syntax", f"{verb} without a domain")
            self._reply(s, 501, f"5.5.4 Syntax: {verb} hostname")
            return None
        return domain

    def _reset_transaction(self, s: SmtpSession) -> None:
        s.sender, s.recipients = None, []
        s.state = READY

    def _cmd_ehlo(self, s: SmtpSession, argument: str) -> None:
        domain = self._hello_argument(s, "EHLO", argument)
        if domain is None:
            return
        s.helo, s.esmtp = domain, True
        self._reset_transaction(s)
        lines = [self.domain]
        if self.mechanisms:
            lines.append("AUTH " + " ".join(self.mechanisms))
        lines.extend(self.extensions)
        if self.max_message_size is not None:
            lines.append(f"SIZE {self.max_message_size}")
        self._reply(s, 250, *lines)

    def _cmd_helo(self, s: SmtpSession, argument: str) -> None:
        domain = self._hello_argument(s, "HELO", argument)
        if domain is None:
            return
        s.helo, s.esmtp = domain, False
        self._reset_transaction(s)
        self._reply(s, 250, self.domain)

    def _cmd_auth(self, s: SmtpSession, argument: str) -> None:
        if not s.esmtp or not self.mechanisms:
            self._flag(s, "bad-sequence", "AUTH without an EHLO that offered it")
            self._reply(s, 503, "5.5.1 Error: authentication not enabled")
            return
        if s.user is not None:
            self._flag(s, "bad-sequence", "AUTH after a successful AUTH")
            self._reply(s, 503, "5.5.1 Error: already authenticated")
            return
        mechanism, _, initial = argument.strip(" ").partition(" ")
        mechanism = mechanism.upper()
        if not mechanism:
            self._flag(s, "syntax", "AUTH without a mechanism")
            self._reply(s, 501, "5.5.4 Syntax: AUTH mechanism")
            return
        if mechanism not in self.mechanisms:
            self._flag(s, "unsupported-mechanism", f"AUTH {mechanism} (offered: {' '.join(self.mechanisms)})")
            self._reply(s, 504, "5.5.4 Unrecognized authentication type")
            return
        response = None
        if initial:
            response = b"" if initial == "=" else _b64decode(initial.encode("latin-1"))
            if response is None:
                self._flag(s, "bad-base64", f"AUTH {mechanism} initial response {initial[:40]!r} is not base64")
                self._reply(s, 501, "5.5.2 Error: cannot decode the initial response")
                return
        if mechanism == "PLAIN":
            if response is None:
                s._auth, s.state = ("PLAIN",), AUTH
                self._reply(s, 334, "")
            else:
                self._plain(s, response)
        elif response is None:
            s._auth, s.state = ("LOGIN-USER",), AUTH
            self._reply(s, 334, USERNAME_PROMPT)
        else:
            s._auth, s.state = ("LOGIN-PASS", response), AUTH
            self._reply(s, 334, PASSWORD_PROMPT)

    def _auth_response(self, s: SmtpSession, line: bytes) -> None:
        pending, s._auth, s.state = s._auth, (), READY
        if line == b"*":
            self._reply(s, 501, "5.7.0 Error: authentication cancelled")
            return
        response = _b64decode(line)
        if response is None:
            self._flag(s, "bad-base64", f"AUTH response {line[:40]!r} is not base64")
            self._reply(s, 501, "5.5.2 Error: cannot decode the response")
            return
        if pending[0] == "PLAIN":
            self._plain(s, response)
        elif pending[0] == "LOGIN-USER":
            s._auth, s.state = ("LOGIN-PASS", response), AUTH
            self._reply(s, 334, PASSWORD_PROMPT)
        else:
            self._credentials(s, "LOGIN", pending[1], response)

    def _plain(self, s: SmtpSession, response: bytes) -> None:
        parts = response.split(b"\x00")
        if len(parts) != 3:
            self._flag(s, "bad-plain", f"PLAIN credential {response[:60]!r} is not authzid NUL authcid NUL passwd")
            self._reply(s, 501, "5.5.2 Error: malformed PLAIN credential")
            return
        authzid, authcid, password = parts
        if authzid and authzid != authcid:   # acting for another identity is not supported
            self._credentials(s, "PLAIN", authcid, None)
        else:
            self._credentials(s, "PLAIN", authcid, password)

    def _credentials(self, s: SmtpSession, mechanism: str, user: bytes, password: bytes | None) -> None:
        name = _text(user)
        ok = password is not None and self.users.get(name) == password
        s.auth_log.append((self._time_get(), mechanism, name, ok))
        if ok:
            s.user = name
            self._reply(s, 235, "2.7.0 Authentication successful")
        else:
            self._reply(s, 535, "5.7.8 Error: authentication failed")

    def _path(self, s: SmtpSession, verb: str, keyword: str, argument: str) -> tuple[str, str] | None:
        """Parse ``FROM:<path> [params]``; (address, params), or None after a 501."""
        match = _PATH.fullmatch(argument)
        syntax = f"5.5.4 Syntax: {verb} {keyword}:<address>"
        if match is None or match.group(1).upper() != keyword or (keyword == "TO" and not match.group(3)):
            self._flag(s, "syntax", f"{verb} {argument[:60]!r}")
            self._reply(s, 501, syntax)
            return None
        if match.group(2):
            self._flag(s, "space-after-colon", f"space after '{keyword}:' in {verb}", note=True)
        rest = match.group(4)
        if rest and not rest.strip(" "):
            if self.strict:
                self._flag(s, "syntax", f"trailing space after the {verb} path (strict)")
                self._reply(s, 501, syntax)
                return None
            self._flag(s, "trailing-space", f"trailing space after the {verb} path", note=True)
            rest = ""
        elif rest and not rest.startswith(" "):
            self._flag(s, "syntax", f"{verb} {argument[:60]!r}")
            self._reply(s, 501, syntax)
            return None
        return match.group(3), rest.strip(" ")

    def _cmd_mail(self, s: SmtpSession, argument: str) -> None:
        if self.require_auth and s.user is None:
            self._reply(s, 530, "5.7.0 Authentication required")
            return
        parsed = self._path(s, "MAIL", "FROM", argument)
        if parsed is None:
            return
        address, params = parsed
        for param in params.split():
            key, _, value = param.partition("=")
            if key.upper() == "SIZE" and self.max_message_size is not None and value.isdigit() \
                    and int(value) > self.max_message_size:
                self._reply(s, 552, "5.3.4 Error: message file too big")
                return
        s.sender, s.recipients, s.state = address, [], MAIL
        self._reply(s, 250, "2.1.0 Ok")

    def _cmd_rcpt(self, s: SmtpSession, argument: str) -> None:
        parsed = self._path(s, "RCPT", "TO", argument)
        if parsed is None:
            return
        address = parsed[0]
        if self.recipients is not None and address.lower() not in self.recipients:
            self._reply(s, 550, f"5.1.1 <{address}>: Recipient address rejected: User unknown")
            return
        s.recipients.append(address)
        s.state = RCPT
        self._reply(s, 250, "2.1.5 Ok")

    def _cmd_data(self, s: SmtpSession, argument: str) -> None:
        if argument.strip(" "):
            self._flag(s, "syntax", f"DATA {argument[:40]!r}")
            self._reply(s, 501, "5.5.4 Syntax: DATA")
            return
        s.state, s._data = DATA, bytearray()
        self._reply(s, 354, "End data with <CR><LF>.<CR><LF>")

    def _cmd_rset(self, s: SmtpSession, argument: str) -> None:
        if s.state != GREETED:
            self._reset_transaction(s)
        self._reply(s, 250, "2.0.0 Ok")

    def _cmd_noop(self, s: SmtpSession, argument: str) -> None:
        self._reply(s, 250, "2.0.0 Ok")

    def _cmd_vrfy(self, s: SmtpSession, argument: str) -> None:
        self._reply(s, 252, "2.0.0 Cannot VRFY user")

    def _cmd_help(self, s: SmtpSession, argument: str) -> None:
        self._reply(s, 214, "2.0.0 netxsim SMTP server")

    def _cmd_quit(self, s: SmtpSession, argument: str) -> None:
        self._reply(s, 221, "2.0.0 Bye")
        self._finish(s, "quit")

    # ---------------------------------------------------------------- message data
    def _data_progress(self, s: SmtpSession, buffer: bytearray) -> bool:
        """Move ``buffer`` into the message; True once the end of data was handled (any
        bytes after it are left in ``buffer``)."""
        data = s._data
        assert data is not None
        scan = max(0, len(data) - 4)
        data += buffer
        buffer.clear()
        if data.startswith(b".\r\n"):
            end = 3
        else:
            found = data.find(b"\r\n.\r\n", scan)
            if found < 0:
                return False
            end = found + 5
        raw = bytes(data[:end])
        buffer += data[end:]
        s._data = None
        self._message_done(s, raw, bytes(buffer))
        return True

    def _message_done(self, s: SmtpSession, raw: bytes, rest: bytes) -> None:
        body = raw[:-3]   # b"" for a bare b".\r\n", whose split is [b""]
        lines = body.split(b"\r\n")
        # A line starting with "." is the first line or follows a CRLF; with none, the
        # per-line work below has nothing to find and the content is the body as is.
        dotted = body.startswith(b".") or b"\r\n." in body
        unstuffed = [n for n, line in enumerate(lines[:-1], 1) if line.startswith(b".")
                     and not line.startswith(b"..")] if dotted else None
        if unstuffed:
            self._flag(s, "not-dot-stuffed",
                       f"{len(unstuffed)} data line(s) start with a single '.' (first: line {unstuffed[0]}); "
                       f"the client did not dot-stuff them, so the leading dot is lost")
        # Bytes after the end of data: a pipelined command, or the rest of a body cut short.
        # Which one is known once their first line is complete (see _process).
        s._rest_after_data = bool(rest)
        s._after_message = True
        if _BARE_LF.search(raw) or _BARE_CR.search(raw):
            self._flag(s, "bare-lf-in-data", "bare CR or LF in the message data", note=True)
        # No line is longer than the message, so a short one needs no line-length scan.
        if len(raw) > TEXT_LINE_LIMIT and max(map(len, lines)) + 2 > TEXT_LINE_LIMIT:
            self._flag(s, "data-line-too-long", f"a data line over {TEXT_LINE_LIMIT} bytes", note=True)
        content = b"\r\n".join(line[1:] if line.startswith(b".") else line for line in lines) \
            if dotted else body
        if self.max_message_size is not None and len(content) > self.max_message_size:
            self._reset_transaction(s)
            self._reply(s, 552, "5.3.4 Error: message file too big")
            return
        self.mailbox.append(Mail(s.sender or "", list(s.recipients), s.user, raw, content, s.index,
                                 self._time_get(), s.helo))
        s.messages.append(len(self.mailbox) - 1)
        self._reset_transaction(s)
        self._reply(s, 250, f"2.0.0 Ok: queued as {len(self.mailbox)}")

