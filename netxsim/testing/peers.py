"""Misbehaving SMTP servers as data: a good script and the ways to spoil it.

The simulated SMTP server (:mod:`netxsim.peers.smtp_server`) replays a script, one step
per server turn. :func:`good_smtp_script` is a correct dialogue for the NetX SMTP
client (PLAIN or LOGIN authentication); each function below returns a *new* script
with one misbehaviour, and they compose::

    script = slow(silent_from(good_smtp_script(), "message"), ticks=30)
    world = smtp_world(server_options={"script": script})

Steps are named by index or by name (:data:`SMTP_STEPS` for PLAIN, :data:`SMTP_LOGIN_STEPS`
for LOGIN): ``greeting, ehlo, auth, credentials, mail, rcpt, data, message, quit``.

=========================  ===============================================================
``silent_from(s, X)``      reads the client's bytes at step X but never answers again
``close_at(s, X)``         closes gracefully (FIN) at step X instead of answering
``reset_at(s, X)``         resets (RST) at step X
``slow(s, ticks)``         every reply (or those of ``steps=``) ``ticks`` late
``split_every_byte(s)``    every reply sent one byte per TCP segment (``gap`` ticks apart)
``long_reply(s, X, n)``    the reply at X as a multi-line reply of at least ``n`` bytes
                           (longer than a packet buffer: it arrives chained)
``garbage_at(s, X, n)``    ``n`` seeded random bytes instead of the reply at X
``reply_at(s, X, bytes)``  another reply at X (e.g. ``535`` to reject AUTH)
=========================  ===============================================================
"""
from __future__ import annotations

import dataclasses
from typing import Any, Sequence

from netxsim.peers.smtp_server import Close, Garbage, Reset, Send, Silence, Step

SMTP_STEPS = ("greeting", "ehlo", "auth", "credentials", "mail", "rcpt", "data", "message", "quit")
SMTP_LOGIN_STEPS = ("greeting", "ehlo", "auth", "username", "password", "mail", "rcpt", "data", "message",
                    "quit")

GREETING = b"220 smtp.netxsim ESMTP netxsim\r\n"
EHLO_REPLY = b"250-smtp.netxsim\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
AUTH_PROMPT = b"334 \r\n"
AUTH_OK = b"235 2.7.0 Authentication successful\r\n"
AUTH_REJECTED = b"535 5.7.8 Error: authentication failed\r\n"
MAIL_OK = b"250 2.1.0 Ok\r\n"
RCPT_OK = b"250 2.1.5 Ok\r\n"
DATA_GO = b"354 End data with <CR><LF>.<CR><LF>\r\n"
QUEUED = b"250 2.0.0 Ok: queued as 1\r\n"
BYE = b"221 2.0.0 Bye\r\n"

Script = list


def good_smtp_script(auth: str = "PLAIN") -> Script:
    """A correct server side of one mail transaction with the NetX SMTP client."""
    if auth.upper() == "LOGIN":
        replies = [GREETING, EHLO_REPLY, b"334 VXNlcm5hbWU6\r\n", b"334 UGFzc3dvcmQ6\r\n", AUTH_OK, MAIL_OK,
                   RCPT_OK, DATA_GO, QUEUED, BYE]
    else:
        replies = [GREETING, EHLO_REPLY, AUTH_PROMPT, AUTH_OK, MAIL_OK, RCPT_OK, DATA_GO, QUEUED, BYE]
    return [Step(reply) for reply in replies]


def _steps(script: Sequence[Any]) -> list[Step]:
    return [item if isinstance(item, Step) else Step(item) for item in script]


def step_index(script: Sequence[Any], step: int | str) -> int:
    """The index of ``step`` (an int, or a name of :data:`SMTP_STEPS` / :data:`SMTP_LOGIN_STEPS`,
    chosen by the script's length)."""
    if isinstance(step, int):
        index = step if step >= 0 else len(script) + step
    else:
        names = SMTP_LOGIN_STEPS if len(script) == len(SMTP_LOGIN_STEPS) else SMTP_STEPS
        if step not in names:
            raise ValueError(f"unknown step {step!r}; steps are {names}")
        index = names.index(step)
    if not 0 <= index < len(script):
        raise ValueError(f"step {step!r} is beyond the script ({len(script)} steps)")
    return index


def _with_action(script: Sequence[Any], step: int | str, action: Any) -> Script:
    steps = _steps(script)
    index = step_index(steps, step)
    steps[index] = dataclasses.replace(steps[index], action=action)
    return steps


def silent_from(script: Sequence[Any], step: int | str) -> Script:
    """Read at ``step`` but never answer again (the client's receive times out)."""
    steps = _steps(script)
    index = step_index(steps, step)
    return steps[:index] + [dataclasses.replace(steps[index], action=Silence())]


def close_at(script: Sequence[Any], step: int | str) -> Script:
    """Close the connection gracefully (FIN) at ``step`` instead of answering."""
    steps = _steps(script)
    index = step_index(steps, step)
    return steps[:index] + [dataclasses.replace(steps[index], action=Close())]


def reset_at(script: Sequence[Any], step: int | str) -> Script:
    """Reset the connection (RST) at ``step``."""
    steps = _steps(script)
    index = step_index(steps, step)
    return steps[:index] + [dataclasses.replace(steps[index], action=Reset())]


def slow(script: Sequence[Any], ticks: int, steps: Sequence[int | str] | None = None) -> Script:
    """Answer ``ticks`` ticks late, at every step or at ``steps``."""
    result = _steps(script)
    chosen = range(len(result)) if steps is None else [step_index(result, s) for s in steps]
    for index in chosen:
        result[index] = dataclasses.replace(result[index], delay=result[index].delay + ticks)
    return result


def split_every_byte(script: Sequence[Any], gap: int = 0) -> Script:
    """Send every reply one byte per ``nx_tcp_socket_send`` (one TCP segment each),
    ``gap`` ticks apart."""
    result = []
    for step in _steps(script):
        action = step.action
        if isinstance(action, Send):
            parts: list[bytes | int] = []
            for part in action.parts:
                if isinstance(part, int):
                    parts.append(part)
                    continue
                for offset in range(len(part)):
                    if parts and gap:
                        parts.append(gap)
                    parts.append(part[offset:offset + 1])
            step = dataclasses.replace(step, action=Send(*parts))
        result.append(step)
    return result


def long_reply(script: Sequence[Any], step: int | str, size: int) -> Script:
    """The reply at ``step`` grown to a multi-line reply of at least ``size`` bytes
    (same code, ``XYZ-`` continuation lines, the original last line)."""
    steps = _steps(script)
    index = step_index(steps, step)
    action = steps[index].action
    if not isinstance(action, Send):
        raise ValueError(f"step {step!r} sends nothing to lengthen")
    reply = b"".join(p for p in action.parts if isinstance(p, bytes))
    code = reply[:3]
    filler = bytearray()
    line = 0
    while len(filler) + len(reply) < size:
        filler += code + b"-" + f"filler line {line:04d} ".encode() + b"x" * 40 + b"\r\n"
        line += 1
    steps[index] = dataclasses.replace(steps[index], action=Send(bytes(filler) + reply))
    return steps


def garbage_at(script: Sequence[Any], step: int | str, size: int = 64, seed: int = 0) -> Script:
    """``size`` seeded random bytes instead of the reply at ``step``."""
    return _with_action(script, step, Garbage(size, seed))


def reply_at(script: Sequence[Any], step: int | str, reply: bytes) -> Script:
    """Another reply at ``step`` (e.g. :data:`AUTH_REJECTED` at ``"credentials"``)."""
    return _with_action(script, step, Send(reply))


__all__ = ["SMTP_STEPS", "SMTP_LOGIN_STEPS", "good_smtp_script", "step_index", "silent_from", "close_at",
           "reset_at", "slow", "split_every_byte", "long_reply", "garbage_at", "reply_at", "GREETING",
           "EHLO_REPLY", "AUTH_PROMPT", "AUTH_OK", "AUTH_REJECTED", "MAIL_OK", "RCPT_OK", "DATA_GO", "QUEUED",
           "BYE"]
