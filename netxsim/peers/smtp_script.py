"""The steps of a scripted (misbehaving) SMTP server: what the server sends, or does
instead, at each turn (:class:`Send`, :class:`Garbage`, :class:`Silence`, :class:`Reset`,
:class:`Close`), the :class:`Step` that wraps an action with its read, and the
:class:`StepRecord` of what happened. :mod:`netxsim.peers.smtp_server` runs them; its
module docstring describes the scripted mode.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Union

from netxsim.nx.constants import NX_SUCCESS

__all__ = ["Action", "Close", "Garbage", "Reset", "Send", "Silence", "Step", "StepRecord"]


# ------------------------------------------------------------------ scripted mode actions
class Send:
    """Send ``parts``: each bytes part is one ``nx_tcp_socket_send`` (one TCP segment
    when it fits the peer's MSS); an int part is a pause of that many ticks."""

    def __init__(self, *parts: Union[bytes, int]) -> None:
        for part in parts:
            if not isinstance(part, (bytes, bytearray, int)) or isinstance(part, bool):
                raise TypeError(f"Send parts are bytes or int ticks, not {part!r}")
        self.parts = tuple(bytes(p) if isinstance(p, (bytes, bytearray)) else p for p in parts)

    def __repr__(self) -> str:
        return f"Send{self.parts!r}"


class Garbage(Send):
    """``size`` pseudo-random bytes (``random.Random(seed)``), sent in one send."""

    def __init__(self, size: int = 64, seed: int = 0) -> None:
        self.size, self.seed = size, seed
        super().__init__(random.Random(seed).randbytes(size))

    def __repr__(self) -> str:
        return f"Garbage({self.size}, seed={self.seed})"


class Silence:
    """Send nothing; pause ``ticks`` (without reading) before the next step."""

    def __init__(self, ticks: int = 0) -> None:
        self.ticks = ticks

    def __repr__(self) -> str:
        return f"Silence({self.ticks})"


class Reset:
    """Abort the connection: ``nx_tcp_socket_disconnect(socket, NX_NO_WAIT)`` sends RST."""

    def __repr__(self) -> str:
        return "Reset()"


class Close:
    """Close gracefully now (FIN), waiting ``timeout`` ticks (default: the server's
    ``disconnect_timeout``)."""

    def __init__(self, timeout: int | None = None) -> None:
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"Close({self.timeout})"


Action = Union[bytes, Send, Silence, Reset, Close, None]
_READ_MODES = ("auto", "none", "packet", "line", "data")


@dataclass
class Step:
    """One server turn: read (per ``read``), check ``expect``, pause ``delay`` ticks,
    then perform ``action`` (module docstring)."""
    action: Action = None
    read: str = "auto"
    timeout: int | None = None      # per receive; None: the server's read_timeout
    expect: bytes | None = None
    delay: int = 0

    def __post_init__(self) -> None:
        if self.read not in _READ_MODES:
            raise ValueError(f"read must be one of {_READ_MODES}, not {self.read!r}")
        if isinstance(self.action, (bytes, bytearray)):
            self.action = Send(bytes(self.action))


@dataclass
class StepRecord:
    """What happened at one step of a scripted session."""
    index: int
    read: str                                   # the read mode actually used
    received: bytes = b""                       # every byte read in this step
    packets: list[tuple[int, bytes]] = field(default_factory=list)   # (tick, bytes) per receive
    status: int | None = None                   # last receive status (None: nothing read)
    sent: list[tuple[int, bytes]] = field(default_factory=list)      # (tick, bytes) per send
    send_status: int = NX_SUCCESS
    action: str = ""

