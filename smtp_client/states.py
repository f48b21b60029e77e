"""The SMTP client's command/response state table, as data (``nxd_smtp_client.c``
``protocol_states[]`` and its reply handlers).

Theory of operation
-------------------
The C keeps two registers in the client: ``nx_smtp_client_cmd_state`` (whose command
handler runs next) and ``nx_smtp_client_rsp_state`` (whose reply handler runs next).
One pass of the session loop (``_nx_smtp_client_process``, ported in session.py):

1. at GREETING, bind and connect;
2. if cmd_state is AWAITING_REPLY and mute is off, cmd_state := rsp_state;
3. if mute is off, run the command of cmd_state (send its bytes; it sets cmd_state to
   AWAITING_REPLY);
4. reply code := 0, then run the reply handler of rsp_state: one receive with the
   row's timeout, the code parsed from that one packet, and the row's outcome for
   that code applied (next rsp_state and the ``mail_status`` an error stores);
5. close the connection when a handler failed (reset) or the QUIT reply was read
   (graceful FIN), and return the failure or ``mail_status``.

So the command for state X and the reply to it are handled in the same pass, and the
reply handler names the next state. A reply handler never fails on an SMTP error:
it stores the state's error code in ``mail_status`` and names QUIT, so every SMTP
error ends with QUIT. Only transport failures (and the command builders' size
checks) abort the loop, and those reset the connection.

Each :class:`Row` gives a state's command (a key of session.COMMANDS), the name of the
configuration value its reply wait uses (looked up in smtp_client.constants when the
wait starts, so overrides apply), and its outcomes by reply class. A reply is
classified by :func:`outcome_for`: the exact code first, then its first digit
(``"2xx"``...), then ``DEFAULT``. An outcome's ``next_state`` is a state, ``STAY``
(rsp_state untouched: the same command is sent again, the C's "ignore" branch) or
``AFTER_HELLO`` (AUTH, or MAIL for a client whose type is NONE).

Flags on a row: ``scans_auth`` (the EHLO handler runs the AUTH mechanism scan on every
packet it reads), ``honours_mute`` (the EHLO handler returns without judging the code
while mute is on, so the loop waits for another packet), ``releases`` (False for the
RSET/NOOP handlers, which leak their packet in C; the port releases it anyway).

An unparseable reply (or, in C, a chained packet) stores NX_SMTP_SERVER_ERROR_REPLY
and names QUIT *before* the row is applied with code 0, which the row may then
overwrite (the greeting's 0xA7 wins, the QUIT row's COMPLETED_NORMALLY wins).
"""
from __future__ import annotations

from typing import NamedTuple

from . import constants as c
from .reply import authentication_challenge, find_crlf, parse_server_services

STAY = "STAY"
AFTER_HELLO = "AFTER_HELLO"
DEFAULT = "DEFAULT"

# Effects an outcome may carry besides the state change.
AUTHENTICATED = "AUTHENTICATED"   # authentication_state := SUCCEEDED
CHALLENGE = "CHALLENGE"           # decode the 334 challenge (see CHALLENGE_OUTCOMES)
MAIL_ACCEPTED = "MAIL_ACCEPTED"   # mail_status := NX_SUCCESS


class Outcome(NamedTuple):
    next_state: int | str
    mail_status: int | None = None   # stored in nx_smtp_client_mail_status when not None
    effect: str | None = None


class Row(NamedTuple):
    command: str | None              # session.COMMANDS key; None = nothing sent
    timeout: str | None              # name of the reply wait's configuration value
    outcomes: dict
    scans_auth: bool = False
    honours_mute: bool = False
    releases: bool = True
    judged_after_quit: bool = True   # False: a read that already named QUIT skips the code


_QUIT = c.NX_SMTP_CLIENT_STATE_QUIT
_AUTH_ERROR = Outcome(_QUIT, c.NX_SMTP_AUTH_REPLY_ERROR)
_AUTH_OUTCOMES = {
    c.NX_SMTP_CODE_AUTHENTICATION_SUCCESSFUL: Outcome(c.NX_SMTP_CLIENT_STATE_MAIL, None, AUTHENTICATED),
    c.NX_SMTP_CODE_CANNOT_VERIFY_RECIPIENT: _AUTH_ERROR,
    c.NX_SMTP_CODE_ACKNOWLEDGE_QUIT: _AUTH_ERROR,
    "2xx": Outcome(STAY),                                    # re-send the same line (quirk)
    c.NX_SMTP_CODE_AUTHENTICATION_TYPE_ACCEPTED: Outcome(c.NX_SMTP_CLIENT_STATE_AUTH_CHALLENGE, None, CHALLENGE),
    "3xx": _AUTH_ERROR,
    DEFAULT: _AUTH_ERROR,
}

#: How a 334 ends once its challenge is looked at (_nx_smtp_rsp_auth): no CRLF in the
#: packet, a challenge the parser rejects, or (after a 235 already) nothing to do.
CHALLENGE_OUTCOMES = {
    "no_crlf": Outcome(_QUIT, c.NX_SMTP_SERVER_ERROR_REPLY),
    "bad_challenge": _AUTH_ERROR,
    "ok": Outcome(c.NX_SMTP_CLIENT_STATE_AUTH_CHALLENGE),
    "already_authenticated": Outcome(STAY),
}

S = c
TABLE: dict[int, Row] = {
    S.NX_SMTP_CLIENT_STATE_IDLE: Row(None, None, {DEFAULT: Outcome(S.NX_SMTP_CLIENT_STATE_IDLE)}),
    S.NX_SMTP_CLIENT_STATE_GREETING: Row(
        "greeting", "NX_SMTP_GREETING_TIMEOUT",
        {S.NX_SMTP_CODE_GREETING_OK: Outcome(S.NX_SMTP_CLIENT_STATE_EHLO),
         DEFAULT: Outcome(_QUIT, S.NX_SMTP_GREET_REPLY_ERROR)}),
    S.NX_SMTP_CLIENT_STATE_EHLO: Row(
        "ehlo", "NX_SMTP_ENVELOPE_TIMEOUT",
        {S.NX_SMTP_CODE_OK_TO_CONTINUE: Outcome(AFTER_HELLO),
         DEFAULT: Outcome(_QUIT, S.NX_SMTP_HELLO_REPLY_ERROR)},
        scans_auth=True, honours_mute=True),
    S.NX_SMTP_CLIENT_STATE_HELO: Row(     # unreachable: nothing names HELO (no fallback)
        "helo", "NX_SMTP_ENVELOPE_TIMEOUT",
        {S.NX_SMTP_CODE_OK_TO_CONTINUE: Outcome(S.NX_SMTP_CLIENT_STATE_MAIL),
         DEFAULT: Outcome(_QUIT, S.NX_SMTP_HELLO_REPLY_ERROR)},
        scans_auth=True, judged_after_quit=False),
    S.NX_SMTP_CLIENT_STATE_AUTH: Row("auth", "NX_SMTP_ENVELOPE_TIMEOUT", _AUTH_OUTCOMES),
    S.NX_SMTP_CLIENT_STATE_AUTH_CHALLENGE: Row("auth_challenge", "NX_SMTP_ENVELOPE_TIMEOUT", _AUTH_OUTCOMES),
    S.NX_SMTP_CLIENT_STATE_MAIL: Row(
        "mail", "NX_SMTP_ENVELOPE_TIMEOUT",
        {S.NX_SMTP_CODE_OK_TO_CONTINUE: Outcome(S.NX_SMTP_CLIENT_STATE_RCPT),
         DEFAULT: Outcome(_QUIT, S.NX_SMTP_MAIL_REPLY_ERROR)}),
    S.NX_SMTP_CLIENT_STATE_RCPT: Row(
        "rcpt", "NX_SMTP_ENVELOPE_TIMEOUT",
        {S.NX_SMTP_CODE_OK_TO_CONTINUE: Outcome(S.NX_SMTP_CLIENT_STATE_DATA),
         DEFAULT: Outcome(_QUIT, S.NX_SMTP_RCPT_REPLY_ERROR)}),
    S.NX_SMTP_CLIENT_STATE_DATA: Row(
        "data", "NX_SMTP_ENVELOPE_TIMEOUT",
        {S.NX_SMTP_CODE_SEND_MAIL_INPUT: Outcome(S.NX_SMTP_CLIENT_STATE_MESSAGE),
         DEFAULT: Outcome(_QUIT, S.NX_SMTP_DATA_REPLY_ERROR)}),
    S.NX_SMTP_CLIENT_STATE_MESSAGE: Row(
        "message", "NX_SMTP_MESSAGE_TIMEOUT",
        {S.NX_SMTP_CODE_OK_TO_CONTINUE: Outcome(_QUIT, None, MAIL_ACCEPTED),
         DEFAULT: Outcome(_QUIT, S.NX_SMTP_MESSAGE_REPLY_ERROR)}),
    S.NX_SMTP_CLIENT_STATE_QUIT: Row(     # the QUIT reply's code is never looked at
        "quit", "NX_SMTP_ENVELOPE_TIMEOUT",
        {DEFAULT: Outcome(S.NX_SMTP_CLIENT_STATE_COMPLETED_NORMALLY)}),
    S.NX_SMTP_CLIENT_STATE_RSET: Row(     # unreachable
        "rset", "NX_SMTP_ENVELOPE_TIMEOUT",
        {S.NX_SMTP_CODE_OK_TO_CONTINUE: Outcome(S.NX_SMTP_CLIENT_STATE_MAIL),
         DEFAULT: Outcome(_QUIT, S.NX_SMTP_SERVER_ERROR_CODE_RECEIVED)},
        releases=False),
    S.NX_SMTP_CLIENT_STATE_NOOP: Row(     # unreachable
        "noop", "NX_SMTP_ENVELOPE_TIMEOUT",
        {"4xx": Outcome(_QUIT, S.NX_SMTP_SERVER_ERROR_CODE_RECEIVED),
         DEFAULT: Outcome(STAY)},
        releases=False),
}
del S


def outcome_for(row: Row, code: int) -> Outcome:
    """The row's outcome for a reply code: exact code, then ``"<digit>xx"``, then DEFAULT."""
    outcomes = row.outcomes
    if code in outcomes:
        return outcomes[code]
    digit_class = f"{code // 100}xx"
    if digit_class in outcomes:
        return outcomes[digit_class]
    return outcomes[DEFAULT]


def resolve_next_state(next_state: int | str, current: int, authentication_type: int) -> int:
    """The rsp_state an outcome names (STAY keeps ``current``)."""
    if next_state == STAY:
        return current
    if next_state == AFTER_HELLO:
        if authentication_type != c.NX_SMTP_CLIENT_AUTH_NONE:
            return c.NX_SMTP_CLIENT_STATE_AUTH
        return c.NX_SMTP_CLIENT_STATE_MAIL
    return int(next_state)


def reply_timeout(row: Row) -> int:
    """The wait, in ticks, of a row's receive (current configuration value)."""
    return getattr(c, row.timeout) if row.timeout else 0


def on_reply(client, state: int, code: int, data: bytes | None) -> None:
    """Run the reply handler of ``state`` (the rsp_state the handler was entered with)
    on one reply.

    ``code`` is what the read step stored (0 when the packet could not be parsed) and
    ``data`` the packet's bytes, or None where the C's packet pointer is NULL or stale
    (unparseable or chained reply: the read step has then already stored
    NX_SMTP_SERVER_ERROR_REPLY and named QUIT). Updates the client's registers only;
    releasing the packet is the caller's job. ``client`` needs the NX_SMTP_CLIENT
    fields (rsp_state, mute, authentication type/state/reply, mail_status).
    """
    row = TABLE[state]
    if row.scans_auth and data is not None:
        client.nx_smtp_client_authentication_type = parse_server_services(
            data, client.nx_smtp_client_authentication_type)
    if row.honours_mute and client.nx_smtp_client_mute:
        return                       # wait for the rest of the multi-packet 250 reply
    if not row.judged_after_quit and state != _QUIT and client.nx_smtp_client_rsp_state == _QUIT:
        return
    # outcome_for and resolve_next_state, inline (one reply per pass of the session loop).
    outcomes = row.outcomes
    outcome = outcomes.get(code)
    if outcome is None:
        outcome = outcomes.get(f"{code // 100}xx") or outcomes[DEFAULT]
    effect = outcome.effect
    if effect is not None:
        if effect == CHALLENGE:
            outcome = _challenge_outcome(client, data or b"")
        elif effect == AUTHENTICATED:
            client.nx_smtp_client_authentication_state = c.NX_SMTP_AUTHENTICATION_SUCCEEDED
        elif effect == MAIL_ACCEPTED:
            client.nx_smtp_client_mail_status = c.NX_SUCCESS
    if outcome.mail_status is not None:
        client.nx_smtp_client_mail_status = outcome.mail_status
    next_state = outcome.next_state
    if next_state.__class__ is int:
        client.nx_smtp_client_rsp_state = next_state
    else:
        client.nx_smtp_client_rsp_state = resolve_next_state(
            next_state, client.nx_smtp_client_rsp_state, client.nx_smtp_client_authentication_type)


def _challenge_outcome(client, data: bytes) -> Outcome:
    """A 334 during AUTH: the first line's challenge decides (see CHALLENGE_OUTCOMES)."""
    if client.nx_smtp_client_authentication_state == c.NX_SMTP_AUTHENTICATION_SUCCEEDED:
        return CHALLENGE_OUTCOMES["already_authenticated"]
    crlf = find_crlf(data)
    if crlf < 0:
        return CHALLENGE_OUTCOMES["no_crlf"]
    status, prompt = authentication_challenge(client.nx_smtp_client_authentication_type, data[:crlf])
    if status:
        return CHALLENGE_OUTCOMES["bad_challenge"]
    client.nx_smtp_client_authentication_reply = prompt
    return CHALLENGE_OUTCOMES["ok"]


def describe() -> str:
    """The table as text (documentation and debugging)."""
    names = c.NX_SMTP_CLIENT_STATE_NAMES
    lines = []
    for state, row in TABLE.items():
        cells = []
        for key, outcome in row.outcomes.items():
            target = names.get(outcome.next_state, outcome.next_state)
            status = f" mail_status=0x{outcome.mail_status:X}" if outcome.mail_status else ""
            effect = f" [{outcome.effect}]" if outcome.effect else ""
            cells.append(f"{key}->{target}{status}{effect}")
        lines.append(f"{names[state]:<15} cmd={row.command} wait={row.timeout}: " + ", ".join(cells))
    return "\n".join(lines)


__all__: list[str] = []
