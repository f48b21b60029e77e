"""What an SMTP server host records: each accepted connection (:class:`SmtpSession`,
with its transcript and dialogue state), each accepted message (:class:`Mail`) and each
protocol problem or tolerated deviation (:class:`Problem`). See
:mod:`netxsim.peers.smtp_server`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from typing import NamedTuple

from netxsim.peers.smtp_script import StepRecord

__all__ = ["ANY", "AUTH", "DATA", "GREETED", "MAIL", "RCPT", "READY", "Mail", "Problem", "SmtpSession"]

# Dialogue states (functional mode).
GREETED = "greeted"   # connected, no EHLO/HELO yet
READY = "ready"       # after EHLO/HELO, no mail transaction
MAIL = "mail"         # MAIL accepted
RCPT = "rcpt"         # at least one RCPT accepted
DATA = "data"         # reading message content
AUTH = "auth"         # waiting for an AUTH continuation line
ANY = frozenset({GREETED, READY, MAIL, RCPT})


class Problem(NamedTuple):
    """A protocol problem (or, in ``notes``, a tolerated deviation) the server saw."""
    tick: int
    session: int
    code: str
    text: str

    def __str__(self) -> str:
        return f"[tick {self.tick}] session {self.session}: {self.code}: {self.text}"


@dataclass
class Mail:
    """One accepted message."""
    sender: str                 # reverse-path, without the angle brackets ("" for <>)
    recipients: list[str]
    user: str | None            # the authenticated user, None without AUTH
    data: bytes                 # exactly as received after the 354, end-of-data line included
    content: bytes              # as delivered: end-of-data line removed, dots un-stuffed
    session: int
    tick: int                   # tick the end of data was seen
    helo: str | None = None

    def header(self, name: str) -> str | None:
        """The value of header ``name`` in ``content`` (None if absent)."""
        return BytesHeaderParser().parsebytes(self.content).get(name)



@dataclass
class SmtpSession:
    """One accepted connection."""
    index: int
    peer_address: int | None
    peer_port: int | None
    start: int
    end: str | None = None      # quit, peer-closed, reset, timeout, send-failed, server-reset,
    end_tick: int | None = None  # server-closed, drain-timeout
    transcript: list[tuple[int, str, bytes]] = field(default_factory=list)  # (tick, "C"/"S", bytes)
    transcript_dropped: bool = False   # not kept (SmtpServer.create's ``transcripts``)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    errors: list[tuple[int, str, int]] = field(default_factory=list)
    steps: list[StepRecord] = field(default_factory=list)
    after_script: bytes = b""
    unread: bytes = b""         # bytes that arrived but no step read (collected at the end)
    # functional mode
    state: str = GREETED
    helo: str | None = None
    esmtp: bool = False
    user: str | None = None
    commands: list[bytes] = field(default_factory=list)
    auth_log: list[tuple[int, str, str, bool]] = field(default_factory=list)  # tick, mech, user, ok
    messages: list[int] = field(default_factory=list)   # indexes into the mailbox
    sender: str | None = None
    recipients: list[str] = field(default_factory=list)
    _auth: tuple = ()
    _data: bytearray | None = None
    _after_message: bool = False
    _rest_after_data: bool = False
    _early_end: bool = False
    _discard: bool = False

    @property
    def client_bytes(self) -> bytes:
        """Everything the client sent, in order (from the transcript)."""
        return b"".join(data for _, who, data in self._kept_transcript() if who == "C")

    @property
    def replies(self) -> list[bytes]:
        """The server's sends, in order (one entry per nx_tcp_socket_send)."""
        return [data for _, who, data in self._kept_transcript() if who == "S"]

    def _kept_transcript(self) -> list[tuple[int, str, bytes]]:
        if self.transcript_dropped:
            raise ValueError(f"session {self.index}: its transcript was not kept; create the server "
                             "with transcripts=True (or a larger number) to keep it")
        return self.transcript

