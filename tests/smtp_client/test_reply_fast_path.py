"""The reply handler's fast path for the usual reply start ("ddd " / "ddd-") leaves the
client exactly as the general read step does: parse_reply_code's full scan, then
mute_after, then the state table (the handler before the fast path, restated here)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

import smtp_client.constants as config
import smtp_client.netx as netx
from smtp_client.constants import (
    NX_SMTP_CLIENT_AUTH_LOGIN, NX_SMTP_CLIENT_AUTH_NONE, NX_SMTP_CLIENT_AUTH_PLAIN, NX_SMTP_CLIENT_STATE_IDLE,
    NX_SMTP_CLIENT_STATE_QUIT, NX_SMTP_SERVER_ERROR_REPLY,
)
from smtp_client.reply import mute_after, parse_reply_code, usual_reply_code
from smtp_client.session import _nx_smtp_reply_handler
from smtp_client.states import TABLE, on_reply

STATES = [state for state in TABLE if state != NX_SMTP_CLIENT_STATE_IDLE]
PIECES = [b"250", b"220", b"334", b"235", b"354", b"221", b"2500", b"25", b"x", b" ", b"-", b"\r\n",
          b"250 ", b"250-", b"AUTH PLAIN LOGIN", b"VXNlcm5hbWU6", b"UGFzc3dvcmQ6", b"\x00"]
SOCKET = object()
REPLIES = st.binary(max_size=30) | st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map(b"".join)


def _client(state: int, mute: int, auth: int, auth_state: int) -> SimpleNamespace:
    return SimpleNamespace(
        nx_smtp_client_rsp_state=state, nx_smtp_client_socket=SOCKET, nx_smtp_client_mute=mute,
        nx_smtp_client_mail_status=0, nx_smtp_server_packet=None, nx_smtp_client_reply_code_status=0,
        nx_smtp_client_authentication_type=auth, nx_smtp_client_authentication_state=auth_state,
        nx_smtp_client_authentication_reply=0)


def _packet(data: bytes) -> SimpleNamespace:
    return SimpleNamespace(nx_packet_next=None, nx_packet_length=len(data),
                           nx_packet_prepend_ptr=SimpleNamespace(read=lambda size: data[:size]))


def _general_read_step(client: SimpleNamespace, packet: SimpleNamespace, released: list) -> None:
    """The read step without any fast path, then the table (what the handler did before)."""
    state = client.nx_smtp_client_rsp_state
    client.nx_smtp_server_packet = packet
    data = packet.nx_packet_prepend_ptr.read(packet.nx_packet_length)
    parsed = parse_reply_code(data)
    if parsed.status != 0:
        released.append(packet)
        packet = data = None
        client.nx_smtp_server_packet = None
        client.nx_smtp_client_rsp_state = NX_SMTP_CLIENT_STATE_QUIT
        client.nx_smtp_client_mail_status = NX_SMTP_SERVER_ERROR_REPLY
    else:
        client.nx_smtp_client_mute = 1 if mute_after(data, parsed.end, bool(client.nx_smtp_client_mute)) else 0
        client.nx_smtp_client_reply_code_status = parsed.code
    on_reply(client, state, client.nx_smtp_client_reply_code_status, data)
    if packet is not None:
        released.append(packet)


def _compare(monkeypatch, data: bytes, state: int, mute: int, auth: int, auth_state: int) -> None:
    released: list = []
    packet = _packet(data)
    monkeypatch.setattr(netx, "_nx_tcp_socket_receive", lambda socket, wait: (0, packet), raising=False)
    monkeypatch.setattr(netx, "_nx_packet_release", lambda p: released.append(p) or 0, raising=False)
    fast = _client(state, mute, auth, auth_state)
    assert _nx_smtp_reply_handler(fast) == 0
    fast_released = list(released)
    released.clear()
    general = _client(state, mute, auth, auth_state)
    _general_read_step(general, packet, released)
    assert vars(fast) == vars(general)
    assert fast_released == released == [packet]


@given(data=REPLIES, state=st.sampled_from(STATES), mute=st.sampled_from([0, 1]),
       auth=st.sampled_from([NX_SMTP_CLIENT_AUTH_PLAIN, NX_SMTP_CLIENT_AUTH_LOGIN, NX_SMTP_CLIENT_AUTH_NONE]),
       auth_state=st.sampled_from([0, 1, 2]))
def test_handler_matches_the_general_read_step(data, state, mute, auth, auth_state):
    with pytest.MonkeyPatch.context() as monkeypatch:
        _compare(monkeypatch, data, state, mute, auth, auth_state)


@pytest.mark.parametrize("code_size", [1, 2, 3, 4])
@pytest.mark.parametrize("data", [b"250 Ok\r\n", b"250-a\r\n250 b\r\n", b"250-a\r\n", b"334 \r\n", b"2500 x",
                                  b"25 x", b"5 x", b"221-bye"])
def test_a_smaller_reply_code_size_still_scans(monkeypatch, code_size, data):
    monkeypatch.setattr(config, "NX_SMTP_SERVER_REPLY_CODE_SIZE", code_size)
    for state in STATES:
        _compare(monkeypatch, data, state, 0, NX_SMTP_CLIENT_AUTH_PLAIN, 0)


@given(REPLIES)
def test_usual_reply_code_is_what_the_scan_finds_at_index_3(data):
    code = usual_reply_code(data)
    if code >= 0:
        assert data[:3].isdigit() and data[3:4] in (b" ", b"-")
        parsed = parse_reply_code(data)
        assert (parsed.status, parsed.code, parsed.end) == (0, code, 3)
    else:
        assert not (len(data) > 3 and data[:3].isdigit() and data[3:4] in (b" ", b"-"))
