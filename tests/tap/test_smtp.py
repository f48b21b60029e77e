"""SMTP across the bridge: the NetX SMTP client against a real aiosmtpd, and Python's
smtplib in the namespace against the simulated SMTP server."""
from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("aiosmtpd", reason="aiosmtpd (the real SMTP server) is in the test extra: pip install -e '.[test]'")

from demos.demo_netx_smtp_client import (FROM_ADDRESS, MAIL_BODY, NETX_DUO_SAMPLE_IP_POOL_PAYLOAD, PASSWORD,  # noqa: E402
                                         RECIPIENT_ADDRESS, SUBJECT_LINE, USERNAME, Demo)
from netxsim import *  # noqa: E402,F403
from netxsim.peers.smtp_server import SmtpServer  # noqa: E402
from netxsim.tap import linux_peer as make_peer  # noqa: E402
from netxsim.tap.smtp_tools import AiosmtpdPeer  # noqa: E402
from smtp_client import (NX_SMTP_AUTH_REPLY_ERROR, NX_SMTP_CLIENT_AUTH_LOGIN, NX_SMTP_CLIENT_AUTH_NONE,  # noqa: E402
                         NX_SMTP_CLIENT_AUTH_PLAIN)

from .frames import assert_both_ends_agree, segment_frames, tcp_payload  # noqa: E402
from .netx_host import NETX_ADDRESS, NetxHost  # noqa: E402

pytestmark = pytest.mark.tap

SERVER = "1.2.3.4/24"  # the demo's SERVER_IP_ADDRESS: here the Linux host


def run_demo(tmp_path, authentication_type, auth, login_prompts="aiosmtpd",
             payload=NETX_DUO_SAMPLE_IP_POOL_PAYLOAD):
    """The guide's demo against aiosmtpd in a fresh namespace; returns (demo, run, aiosmtpd, client stream)."""
    segment_pcap = str(tmp_path / "segment.pcap")
    with make_peer(SERVER) as peer:
        capture = peer.capture()
        server = AiosmtpdPeer(peer, auth=auth, login_prompts=login_prompts, users={USERNAME: PASSWORD})
        demo = Demo(payload, segment_pcap, peer, authentication_type)
        demo.real_server = server
        run = demo.run()
        server.stop()
        assert_both_ends_agree(segment_pcap, capture)
    frames = segment_frames(segment_pcap)
    return demo, run, server, tcp_payload(frames, 50535), tcp_payload(frames, 25)


def statuses(demo):
    return [(name, status) for _, name, status in demo.calls]


def expected_message_lines():
    return [f"To: {RECIPIENT_ADDRESS}", f"From: {FROM_ADDRESS}", f"Subject: {SUBJECT_LINE}"]


def test_netx_smtp_client_delivers_to_aiosmtpd_with_auth_plain(tmp_path):
    demo, run, server, client_stream, server_stream = run_demo(tmp_path, NX_SMTP_CLIENT_AUTH_PLAIN, "plain")
    assert run.reason == "completed"
    assert statuses(demo) == [("nx_smtp_client_create", NX_SUCCESS), ("nx_smtp_mail_send", NX_SUCCESS),
                              ("nx_smtp_client_delete", NX_SUCCESS)]
    assert len(server.messages) == 1
    message = server.messages[0]
    assert message["from"] == FROM_ADDRESS and message["to"] == [RECIPIENT_ADDRESS]
    assert message["user"] == USERNAME
    text = message["data"].decode()
    assert text.splitlines()[:3] == expected_message_lines()
    assert text.endswith(MAIL_BODY + "\r\n")  # the client ends the body with CRLF before the "."
    # What crossed the wire: the client's exact commands, in the segment capture.
    assert client_stream.startswith(b"EHLO mycompany.com\r\nAUTH PLAIN\r\n")
    assert b"MAIL FROM:<my@mycompany.com> \r\nRCPT TO:<your@yourcompany.com> \r\nDATA\r\n" in client_stream
    assert client_stream.endswith(b"\r\n.\r\nQUIT\r\n")
    assert server_stream.startswith(b"220 ") and b"235 2.7.0 Authentication successful\r\n" in server_stream
    # The transcript aiosmtpd printed is the same conversation, byte for byte.
    assert b"".join(chunk for side, chunk in server.transcript() if side == "C") == client_stream
    assert b"".join(chunk for side, chunk in server.transcript() if side == "S") == server_stream


def test_netx_login_fails_with_0xAD_on_aiosmtpd_login_prompts(tmp_path):
    """aiosmtpd asks "User Name\\0" (base64 VXNlciBOYW1lAA==); NetX expects "Username:"."""
    demo, run, server, client_stream, server_stream = run_demo(tmp_path, NX_SMTP_CLIENT_AUTH_LOGIN, "login")
    assert run.reason == "completed"
    assert statuses(demo)[1] == ("nx_smtp_mail_send", NX_SMTP_AUTH_REPLY_ERROR)
    assert server.messages == []
    assert b"334 VXNlciBOYW1lAA==\r\n" in server_stream
    assert client_stream == b"EHLO mycompany.com\r\nAUTH LOGIN\r\nQUIT\r\n"  # no credentials sent


def test_netx_login_succeeds_when_aiosmtpd_sends_netx_prompts(tmp_path):
    demo, run, server, client_stream, server_stream = run_demo(tmp_path, NX_SMTP_CLIENT_AUTH_LOGIN, "login",
                                                               login_prompts="netx")
    assert statuses(demo)[1] == ("nx_smtp_mail_send", NX_SUCCESS)
    assert len(server.messages) == 1 and server.messages[0]["user"] == USERNAME
    assert b"334 VXNlcm5hbWU6\r\n" in server_stream and b"334 UGFzc3dvcmQ6\r\n" in server_stream
    assert b"AUTH LOGIN\r\nbXl1c2VybmFtZQ==\r\nbXlwYXNzd29yZA==\r\n" in client_stream


def test_netx_smtp_client_without_auth(tmp_path):
    demo, run, server, client_stream, _ = run_demo(tmp_path, NX_SMTP_CLIENT_AUTH_NONE, "none")
    assert statuses(demo)[1] == ("nx_smtp_mail_send", NX_SUCCESS)
    assert len(server.messages) == 1 and server.messages[0]["user"] is None
    assert b"AUTH" not in client_stream
    assert client_stream.startswith(b"EHLO mycompany.com\r\nMAIL FROM:<my@mycompany.com> \r\n")


def test_smtplib_in_the_namespace_sends_to_the_simulated_server(linux_peer, tmp_path):
    """Python's smtplib (Linux TCP) -> netxsim.peers.smtp_server (NetX TCP), AUTH PLAIN."""
    host = NetxHost()
    segment_pcap = str(tmp_path / "segment.pcap")
    capture = linux_peer.capture()
    body = "Subject: from Linux\r\n\r\nHello from smtplib in a namespace.\r\n"
    sender = linux_peer.popen([sys.executable, "-m", "netxsim.tap.smtp_tools", "send", "--server", "1.2.3.5",
                               "--user", f"{USERNAME}:{PASSWORD}", "--body", body],
                              stdout=subprocess.PIPE, text=True)
    servers = []

    def define(memory):
        host.memory = memory
        servers.append(SmtpServer.create(address=NETX_ADDRESS, memory=memory, users={USERNAME: PASSWORD}))
        host.memory = servers[0].next_free
        from netxsim.nx.ram_driver import _nx_ram_network_driver
        from netxsim.nx.segment import segment_for
        from netxsim.tx.kernel import kernel
        segment_for(kernel(), _nx_ram_network_driver).capture_to(segment_pcap)
        linux_peer.bridge()

        def wait_for_smtplib() -> None:
            while sender.poll() is None:
                tx_thread_sleep(5)
        host.thread("wait", wait_for_smtplib)

    run = tx_kernel_enter(define, until=2000)
    output = sender.communicate(timeout=10)[0]
    assert run.reason == "completed" and output.strip() == "SENT"
    (mail,) = servers[0].mailbox
    assert mail.sender == "linux@peer.example" and mail.recipients == ["netx@sim.example"]
    assert mail.user == USERNAME
    assert mail.data.endswith(b"Hello from smtplib in a namespace.\r\n.\r\n")
    assert servers[0].problems == []
    on_segment, on_linux = assert_both_ends_agree(segment_pcap, capture)
    assert on_segment.syn == 2 and on_segment.rst == 0
    frames = segment_frames(segment_pcap)
    server_stream = tcp_payload(frames, 25)
    assert server_stream.startswith(b"220 ") and b"235 " in server_stream and b"221 " in server_stream
