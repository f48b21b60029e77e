"""One SMTP session as ``nxd_smtp_client.c`` runs it: the loop
(``_nx_smtp_client_process``), the command handlers (``_nx_smtp_cmd_*``), the reply
reader (``_nx_smtp_utility_read_server_code`` + the ``_nx_smtp_rsp_*`` handlers, whose
decisions are the table in states.py) and the send helpers
(``_nx_smtp_utility_send_to_server``, ``_nx_smtp_utility_send_header_to_server``).

All NetX calls go to the cores through :mod:`smtp_client.netx`, as the C module is
compiled with NX_DISABLE_ERROR_CHECKING. Packets: each send allocates one packet from
the client pool (``NX_IPv4_TCP_PACKET`` or ``NX_IPv6_TCP_PACKET``, 2 s wait), appends
(which may chain more, 2 s wait each) and hands it to ``_nx_tcp_socket_send`` (5 s);
TCP owns it from then on. A failed append or send releases it. Every received packet
is released exactly once by the reply handling.

Deviations from the C, all on paths where the C crashes, hangs, leaks or releases
twice (listed with the other quirks in smtp_client/__init__.py):

* unparseable EHLO/HELO reply: the C scans a NULL packet for AUTH; the scan is skipped;
* chained reply packet: the C releases its stale previous packet again (double
  release) and EHLO scans it; the port does neither;
* RSET/NOOP replies (unreachable): released instead of leaked;
* header packet failure: the C hides it, sends the body without a header and loops
  for ever with both registers IDLE; the port sends nothing after the failed header
  and ends the session with NX_SMTP_INTERNAL_ERROR (reset, so the server discards
  the unfinished mail).
"""
from __future__ import annotations

from typing import Any, Callable

from netxsim.nx.constants import (
    NX_ANY_PORT, NX_IP_VERSION_V6, NX_IPv4_TCP_PACKET, NX_IPv6_TCP_PACKET, NX_NO_WAIT, NX_SIZE_ERROR,
    NX_SUCCESS, NX_TRUE,
)

from . import constants as c
from . import netx as nx
from .commands import (
    EOM, auth_challenge_response, auth_command, body_chunks, dot_stuff, ehlo_command, header_pieces,
    helo_command, mail_body_bytes, mail_command, message_chunk_size, rcpt_command, simple_command,
)
from .reply import mute_after, parse_reply_code
from .states import TABLE, on_reply

_IDLE = c.NX_SMTP_CLIENT_STATE_IDLE
_AWAITING = c.NX_SMTP_CLIENT_STATE_AWAITING_REPLY
_QUIT = c.NX_SMTP_CLIENT_STATE_QUIT


def _go_idle(client: Any) -> None:
    client.nx_smtp_client_cmd_state = _IDLE
    client.nx_smtp_client_rsp_state = _IDLE


def _packet_type(client: Any) -> int:
    if client.nx_smtp_server_address.nxd_ip_version == NX_IP_VERSION_V6:
        return NX_IPv6_TCP_PACKET
    return NX_IPv4_TCP_PACKET


# ===================================================================== sending
def _nx_smtp_utility_send_to_server(client: Any, data: bytes, timeout: int) -> int:
    """Allocate, append ``data``, send. Failures: allocation → mail_status
    NX_SMTP_PACKET_ALLOCATE_ERROR; append → packet released, NX_SMTP_INTERNAL_ERROR;
    send → packet released. Each sets both registers IDLE and returns the NetX status."""
    pool = client.nx_smtp_client_packet_pool_ptr
    wait = c.NX_SMTP_CLIENT_PACKET_TIMEOUT
    # _packet_type(client), inline.
    status, packet = nx._nx_packet_allocate(
        pool, NX_IPv6_TCP_PACKET if client.nx_smtp_server_address.nxd_ip_version == NX_IP_VERSION_V6
        else NX_IPv4_TCP_PACKET, wait)
    if status != NX_SUCCESS:
        _go_idle(client)
        client.nx_smtp_client_mail_status = c.NX_SMTP_PACKET_ALLOCATE_ERROR
        return status
    status = nx._nx_packet_data_append(packet, data, len(data), pool, wait)
    if status != NX_SUCCESS:
        nx._nx_packet_release(packet)
        _go_idle(client)
        client.nx_smtp_client_mail_status = c.NX_SMTP_INTERNAL_ERROR
        return status
    status = nx._nx_tcp_socket_send(client.nx_smtp_client_socket, packet, timeout)
    if status != NX_SUCCESS:
        nx._nx_packet_release(packet)
        _go_idle(client)
        return status
    return NX_SUCCESS


def _nx_smtp_utility_send_header_to_server(client: Any, timeout: int) -> int:
    """The header block in one packet (ten appends, one send). Only the length checks
    are returned (NX_SIZE_ERROR); an allocation, append or send failure is recorded
    (mail_status NX_SMTP_INTERNAL_ERROR, registers IDLE, packet released) and hidden,
    as in the C, which then goes on with the body."""
    mail = client.nx_smtp_client_mail
    status, pieces = header_pieces(mail.nx_smtp_client_mail_recipient_address,
                                   mail.nx_smtp_client_mail_from_address, mail.nx_smtp_client_mail_subject)
    if status != NX_SUCCESS or pieces is None:
        return status
    pool = client.nx_smtp_client_packet_pool_ptr
    status, packet = nx._nx_packet_allocate(pool, _packet_type(client), c.NX_SMTP_CLIENT_PACKET_TIMEOUT)
    if status == NX_SUCCESS:
        for piece in pieces:
            if nx._nx_packet_data_append(packet, piece, len(piece), pool, c.NX_SMTP_CLIENT_PACKET_TIMEOUT):
                status = c.NX_SMTP_INTERNAL_ERROR
                break
        else:
            if nx._nx_tcp_socket_send(client.nx_smtp_client_socket, packet, timeout):
                status = c.NX_SMTP_INTERNAL_ERROR
            else:
                packet = None    # TCP owns it now
    if status != NX_SUCCESS:
        _go_idle(client)
        client.nx_smtp_client_mail_status = c.NX_SMTP_INTERNAL_ERROR
        if packet is not None:
            nx._nx_packet_release(packet)
    return NX_SUCCESS


# ============================================================= command handlers
def _send_command(client: Any, built: tuple[int, bytes | None], timeout: int | None = None) -> int:
    status, data = built
    if status != NX_SUCCESS or data is None:
        return status
    status = _nx_smtp_utility_send_to_server(
        client, data, c.NX_SMTP_CLIENT_SEND_TIMEOUT if timeout is None else timeout)
    if status == NX_SUCCESS:
        client.nx_smtp_client_cmd_state = _AWAITING
    return status


def _nx_smtp_cmd_idle(client: Any) -> int:
    client.nx_smtp_client_cmd_state = _IDLE
    return NX_SUCCESS


def _nx_smtp_cmd_greeting(client: Any) -> int:
    client.nx_smtp_client_cmd_state = _AWAITING   # nothing to send: the server speaks first
    return NX_SUCCESS


def _nx_smtp_cmd_ehlo(client: Any) -> int:
    return _send_command(client, ehlo_command(client.nx_smtp_client_domain))


def _nx_smtp_cmd_helo(client: Any) -> int:
    return _send_command(client, helo_command(client.nx_smtp_client_domain))


def _nx_smtp_cmd_auth(client: Any) -> int:
    if client.nx_smtp_client_authentication_state == c.NX_SMTP_AUTHENTICATION_SUCCEEDED:
        # Already authenticated: straight to MAIL, whose status the C ignores.
        client.nx_smtp_client_cmd_state = c.NX_SMTP_CLIENT_STATE_MAIL
        client.nx_smtp_client_rsp_state = c.NX_SMTP_CLIENT_STATE_MAIL
        _nx_smtp_cmd_mail(client)
        return NX_SUCCESS
    client.nx_smtp_client_authentication_state = c.NX_SMTP_AUTHENTICATION_IN_PROGRESS
    return _send_command(client, auth_command(client.nx_smtp_client_authentication_type))


def _nx_smtp_cmd_auth_challenge(client: Any) -> int:
    return _send_command(client, auth_challenge_response(
        client.nx_smtp_client_authentication_type, client.nx_smtp_client_authentication_reply,
        client.nx_smtp_username, client.nx_smtp_password))


def _nx_smtp_cmd_mail(client: Any) -> int:
    status, data = mail_command(client.nx_smtp_client_mail.nx_smtp_client_mail_from_address)
    if status == NX_SIZE_ERROR:
        return status
    if client.nx_smtp_client_authentication_state == c.NX_SMTP_AUTHENTICATION_IN_PROGRESS:
        client.nx_smtp_client_authentication_state = c.NX_SMTP_NOT_AUTHENTICATED
    return _send_command(client, (status, data))


def _nx_smtp_cmd_rcpt(client: Any) -> int:
    return _send_command(client, rcpt_command(client.nx_smtp_client_mail.nx_smtp_client_mail_recipient_address))


def _nx_smtp_cmd_data(client: Any) -> int:
    return _send_command(client, simple_command(c.NX_SMTP_COMMAND_DATA))


def _nx_smtp_cmd_quit(client: Any) -> int:
    return _send_command(client, simple_command(c.NX_SMTP_COMMAND_QUIT))


def _nx_smtp_cmd_rset(client: Any) -> int:
    # The C sends RSET with the envelope (reply) timeout.
    return _send_command(client, simple_command(c.NX_SMTP_COMMAND_RSET), c.NX_SMTP_ENVELOPE_TIMEOUT)


def _nx_smtp_cmd_noop(client: Any) -> int:
    return _send_command(client, simple_command(c.NX_SMTP_COMMAND_NOOP))


def dot_stuffing_enabled(client: Any) -> bool:
    """The client's ``dot_stuffing`` attribute, or the module default when it is None."""
    option = getattr(client, "dot_stuffing", None)
    return bool(c.NX_SMTP_CLIENT_DOT_STUFFING if option is None else option)


def _nx_smtp_cmd_message(client: Any) -> int:
    """Header send, body sends of ``pool payload - 40`` (IPv4) / ``- 60`` (IPv6) bytes,
    then ``\\r\\n.\\r\\n``; no reply is awaited in between. Returns the EOM send's
    status (see the module doc for the header-failure fix)."""
    mail = client.nx_smtp_client_mail
    client.nx_smtp_client_cmd_state = _AWAITING
    chunk = message_chunk_size(client.nx_smtp_client_packet_pool_ptr.nx_packet_pool_payload_size,
                               client.nx_smtp_server_address.nxd_ip_version)
    status = _nx_smtp_utility_send_header_to_server(client, c.NX_SMTP_CLIENT_SEND_TIMEOUT)
    if status != NX_SUCCESS:
        return status
    if client.nx_smtp_client_cmd_state == _IDLE:
        # The header could not be sent (recorded, hidden as in the C). The C would send
        # the body alone and spin for ever; a server would queue a mail without
        # headers. Send nothing more: the session resets and the server discards the
        # unfinished transaction.
        return c.NX_SMTP_INTERNAL_ERROR
    body = mail_body_bytes(mail.nx_smtp_client_mail_body, mail.nx_smtp_client_mail_body_length)
    if dot_stuffing_enabled(client):
        body = dot_stuff(body)
    for piece in body_chunks(body, chunk) if chunk else [body]:
        status = _nx_smtp_utility_send_to_server(client, piece, c.NX_SMTP_CLIENT_SEND_TIMEOUT)
        if status != NX_SUCCESS:
            return status
    return _nx_smtp_utility_send_to_server(client, EOM, c.NX_SMTP_CLIENT_SEND_TIMEOUT)


COMMANDS: dict[str | None, Callable[[Any], int]] = {
    None: _nx_smtp_cmd_idle, "greeting": _nx_smtp_cmd_greeting, "ehlo": _nx_smtp_cmd_ehlo,
    "helo": _nx_smtp_cmd_helo, "auth": _nx_smtp_cmd_auth, "auth_challenge": _nx_smtp_cmd_auth_challenge,
    "mail": _nx_smtp_cmd_mail, "rcpt": _nx_smtp_cmd_rcpt, "data": _nx_smtp_cmd_data,
    "message": _nx_smtp_cmd_message, "quit": _nx_smtp_cmd_quit, "rset": _nx_smtp_cmd_rset,
    "noop": _nx_smtp_cmd_noop,
}


# ================================================================ reply handling
def _nx_smtp_reply_handler(client: Any) -> int:
    """The reply handler of the current rsp_state: one receive with the state's
    timeout, the read step of ``_nx_smtp_utility_read_server_code``, then the table."""
    state = client.nx_smtp_client_rsp_state
    timeout = TABLE[state].timeout
    if timeout is None:                           # IDLE reads nothing
        client.nx_smtp_client_rsp_state = _IDLE
        return NX_SUCCESS
    # reply_timeout(row), inline: the configuration value in force now.
    status, packet = nx._nx_tcp_socket_receive(client.nx_smtp_client_socket, getattr(c, timeout))
    if status != NX_SUCCESS:
        client.nx_smtp_client_rsp_state = _QUIT
        return status
    data: bytes | None = None
    if packet.nx_packet_next is not None:
        # A chained reply is refused. The C leaves nx_smtp_server_packet stale and
        # releases it again in the handler; here the chain is released once only.
        nx._nx_packet_release(packet)
        packet = None
        client.nx_smtp_client_rsp_state = _QUIT
        client.nx_smtp_client_mail_status = c.NX_SMTP_SERVER_ERROR_REPLY
    else:
        client.nx_smtp_server_packet = packet
        data = packet.nx_packet_prepend_ptr.read(packet.nx_packet_length)
        # usual_reply_code, inline: the usual start, "ddd " or "ddd-", is where
        # parse_reply_code ends at index 3, and mute_after looks only at a 250 there.
        if len(data) > 3 and (data[3] == 0x20 or data[3] == 0x2D) and data[:3].isdigit() \
                and c.NX_SMTP_SERVER_REPLY_CODE_SIZE >= 3:
            code = int(data[:3])
            if code == 250:
                client.nx_smtp_client_mute = NX_TRUE if data[3] == 0x2D and b"250 " not in data[3:] else 0
            elif client.nx_smtp_client_mute:
                client.nx_smtp_client_mute = NX_TRUE
            client.nx_smtp_client_reply_code_status = code
        else:
            parsed = parse_reply_code(data)
            if parsed.status != NX_SUCCESS:
                nx._nx_packet_release(packet)
                packet = data = None
                client.nx_smtp_server_packet = None
                client.nx_smtp_client_rsp_state = _QUIT
                client.nx_smtp_client_mail_status = c.NX_SMTP_SERVER_ERROR_REPLY
            else:
                client.nx_smtp_client_mute = NX_TRUE if mute_after(
                    data, parsed.end, bool(client.nx_smtp_client_mute)) else 0
                client.nx_smtp_client_reply_code_status = parsed.code
    on_reply(client, state, client.nx_smtp_client_reply_code_status, data)
    if packet is not None:
        nx._nx_packet_release(packet)   # also for RSET/NOOP, which leak it in the C
    return NX_SUCCESS


# ====================================================================== the loop
def _nx_smtp_client_process(client: Any) -> int:
    """``_nx_smtp_client_process``: run the session until it ends (see states.py for
    the theory of operation). Returns the first transport/internal failure, else
    ``nx_smtp_client_mail_status``."""
    socket = client.nx_smtp_client_socket
    status = NX_SUCCESS
    while status == NX_SUCCESS:
        close_connection = False
        if client.nx_smtp_client_cmd_state == c.NX_SMTP_CLIENT_STATE_GREETING:
            status = nx._nx_tcp_client_socket_bind(socket, NX_ANY_PORT, c.NX_SMTP_CLIENT_BIND_TIMEOUT)
            if status != NX_SUCCESS:
                _go_idle(client)
                return status
            status = nx._nxd_tcp_client_socket_connect(socket, client.nx_smtp_server_address,
                                                       client.nx_smtp_server_port,
                                                       c.NX_SMTP_CLIENT_CONNECTION_TIMEOUT)
            if status != NX_SUCCESS:
                nx._nx_tcp_client_socket_unbind(socket)
                _go_idle(client)
                return status
        if client.nx_smtp_client_cmd_state == _AWAITING and not client.nx_smtp_client_mute:
            client.nx_smtp_client_cmd_state = client.nx_smtp_client_rsp_state
        if not client.nx_smtp_client_mute:
            status = COMMANDS[TABLE[client.nx_smtp_client_cmd_state].command](client)
            if status != NX_SUCCESS:
                close_connection = True
        client.nx_smtp_client_reply_code_status = 0
        if not close_connection:
            status = _nx_smtp_reply_handler(client)
            if status != NX_SUCCESS or \
                    client.nx_smtp_client_rsp_state == c.NX_SMTP_CLIENT_STATE_COMPLETED_NORMALLY:
                close_connection = True
        if close_connection:
            # A failure resets the connection (no-wait disconnect: RST); a completed
            # dialogue closes it gracefully.
            nx._nx_tcp_socket_disconnect(socket, NX_NO_WAIT if status else c.NX_SMTP_CLIENT_DISCONNECT_TIMEOUT)
            nx._nx_tcp_client_socket_unbind(socket)
            _go_idle(client)
            return status if status != NX_SUCCESS else client.nx_smtp_client_mail_status
    return status


__all__: list[str] = []
