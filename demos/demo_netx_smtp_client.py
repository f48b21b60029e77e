"""The NetX SMTP Client user guide's Small Example System (``demo_netx_smtp_client.c``),
ported line by line, with a simulated SMTP server host at the server address.

The C demo creates no server (it expects a real one on the network); here a simulated
server host (``netxsim.peers.smtp_server``) sits at SERVER_IP_ADDRESS on the same RAM
driver segment, with the demo's user name and password in its user table.

The guide's IP default packet pool has a 128-byte payload. Every frame the client
receives is copied into that pool, so a server reply longer than 128 - 14 - 20 - 20 =
74 bytes (less the sender's headroom, which the copy keeps) arrives as a chain of
buffers, and the C client ends the session on any chained reply. The demo says so
when it happens and runs once more with the 512-byte payload NetX Duo's own sample
(``samples/demo_netxduo_smtp_client.c``) uses. ``--ip-pool-payload`` picks the payload.

Real server (as root, with /dev/net/tun and iproute2): ``--real-server`` replaces the
simulated server by a real ``aiosmtpd`` in a Linux network namespace bridged to the
simulated segment through a TAP device (``netxsim.tap``), the simulation paced to real
time, and prints the server's transcript. ``--real-server-login`` runs the client with
AUTH LOGIN twice: against aiosmtpd's own LOGIN prompts ("User Name", where NetX expects
"Username:"), which ends with 0xAD, then against aiosmtpd sending NetX's prompts.

Run: ``python -m demos.demo_netx_smtp_client [--ip-pool-payload N] [--pcap FILE]
[--real-server | --real-server-login]``.
"""
from __future__ import annotations

import argparse
import sys
from typing import Any

from netxsim import *  # noqa: F403
from netxsim.nx.segment import segment_for
from netxsim.peers.smtp_server import SmtpServer
from netxsim.tx.kernel import kernel
from smtp_client import *  # noqa: F403

# Define the host user name and mail box parameters.
USERNAME = "myusername"
PASSWORD = "mypassword"
FROM_ADDRESS = "my@mycompany.com"
RECIPIENT_ADDRESS = "your@yourcompany.com"
LOCAL_DOMAIN = "mycompany.com"

SUBJECT_LINE = "NetX SMTP Client Demo"
MAIL_BODY = ("NetX SMTP client is an SMTP client \r\n"
             "implementation for embedded devices to send \r\n"
             "email to SMTP servers. This feature is \r\n"
             "intended to allow a device to send simple \r\n"
             "status reports using the most universal \r\n"
             "Internet application, email.\r\n")

# See the NetX SMTP Client User Guide for how to set the authentication type.
# The most common authentication type is PLAIN.
CLIENT_AUTHENTICATION_TYPE = 3

CLIENT_IP_ADDRESS = IP_ADDRESS(1, 2, 3, 5)
SERVER_IP_ADDRESS = IP_ADDRESS(1, 2, 3, 4)
SERVER_PORT = 25
SERVER_ADDRESS_TEXT = "1.2.3.4"

GUIDE_IP_POOL_PAYLOAD = 128
NETX_DUO_SAMPLE_IP_POOL_PAYLOAD = 512


class Demo:
    """The C demo's globals, plus what the simulation reports about the run."""

    def __init__(self, ip_pool_payload: int, pcap: str | None, peer: Any = None,
                 authentication_type: int = CLIENT_AUTHENTICATION_TYPE) -> None:
        self.ip_pool_payload = ip_pool_payload
        self.pcap = pcap
        self.peer = peer  # a netxsim.tap.LinuxPeer at SERVER_IP_ADDRESS: the real server's host
        self.real_server: Any = None  # its aiosmtpd (netxsim.tap.smtp_tools.AiosmtpdPeer)
        self.authentication_type = authentication_type
        self.ip_packet_pool = NX_PACKET_POOL()
        self.client_packet_pool = NX_PACKET_POOL()
        self.client_ip = NX_IP()
        self.demo_client_thread = TX_THREAD()
        self.demo_client = NX_SMTP_CLIENT()
        self.server: SmtpServer | None = None
        self.calls: list[tuple[int, str, int]] = []
        self.error_counter = 0

    def call(self, name: str, status: int) -> int:
        self.calls.append((tx_time_get(), name, status))
        return status

    # ------------------------------------------------------------------ the C demo
    def tx_application_define(self, first_unused_memory: Pointer) -> None:
        # Set up the pointer to unallocated memory.
        free_memory_pointer = first_unused_memory

        # Create IP default packet pool.
        status = nx_packet_pool_create(self.ip_packet_pool, "Default IP Packet Pool",
                                       self.ip_pool_payload, free_memory_pointer, 2048)
        # Update pointer to unallocated (free) memory.
        free_memory_pointer = free_memory_pointer + 2048

        # Create SMTP Client packet pool, for transmitting to the server.
        status |= nx_packet_pool_create(self.client_packet_pool, "SMTP Client Packet Pool",
                                        800, free_memory_pointer, (10 * 800))
        if status != NX_SUCCESS:
            return
        # Update pointer to unallocated (free) memory.
        free_memory_pointer = free_memory_pointer + (10 * 800)

        # Initialize the NetX system.
        nx_system_initialize()

        # Create the client thread.
        status = tx_thread_create(self.demo_client_thread, "client_thread",
                                  self.demo_client_thread_entry, 0, free_memory_pointer,
                                  2048, 16, 16,
                                  TX_NO_TIME_SLICE, TX_DONT_START)
        if status != NX_SUCCESS:
            print(f"Error creating Client thread. Status 0x{status:x}\r")
            return
        # Update pointer to unallocated (free) memory.
        free_memory_pointer = free_memory_pointer + 4096

        # Create Client IP instance.
        status = nx_ip_create(self.client_ip, "SMTP Client IP Instance", CLIENT_IP_ADDRESS,
                              0xFFFFFF00, self.ip_packet_pool, _nx_ram_network_driver,
                              free_memory_pointer, 2048, 1)
        free_memory_pointer = free_memory_pointer + 2048

        # Enable ARP and supply ARP cache memory.
        status = nx_arp_enable(self.client_ip, free_memory_pointer, 1040)
        # Update pointer to unallocated (free) memory.
        free_memory_pointer = free_memory_pointer + 1040

        # Enable TCP for client.
        status = nx_tcp_enable(self.client_ip)
        if status != NX_SUCCESS:
            return
        # Enable ICMP for client.
        status = nx_icmp_enable(self.client_ip)
        if status != NX_SUCCESS:
            return

        if self.peer is not None:
            # A real server: the Linux host at SERVER_IP_ADDRESS, bridged to this segment.
            self.peer.bridge()
        else:
            # Simulation only: the server host the C demo expects on the network.
            self.server = SmtpServer.create(address=SERVER_IP_ADDRESS, port=SERVER_PORT,
                                            memory=free_memory_pointer, users={USERNAME: PASSWORD})
        if self.pcap:
            segment_for(kernel(), _nx_ram_network_driver).capture_to(self.pcap)

        # Start the client thread.
        tx_thread_resume(self.demo_client_thread)

    def demo_client_thread_entry(self, info: int) -> None:
        tx_thread_sleep(100)

        # Set up the server IP address.
        server_ip_address = SERVER_IP_ADDRESS

        # The demo client username and password is the authentication data used when
        # the server attempts to authenticate the client.
        status = self.call("nx_smtp_client_create",
                           nx_smtp_client_create(self.demo_client, self.client_ip, self.client_packet_pool,
                                                 USERNAME,
                                                 PASSWORD,
                                                 FROM_ADDRESS,
                                                 LOCAL_DOMAIN, self.authentication_type,
                                                 server_ip_address, SERVER_PORT))
        if status != NX_SUCCESS:
            print(f"Error creating the client. Status: 0x{status:x}.\n\r")
            return

        # Create a mail instance with the above text message and recipient info.
        status = self.call("nx_smtp_mail_send",
                           nx_smtp_mail_send(self.demo_client, RECIPIENT_ADDRESS,
                                             NX_SMTP_MAIL_PRIORITY_NORMAL,
                                             SUBJECT_LINE, MAIL_BODY, len(MAIL_BODY)))
        # Check for errors.
        if status != NX_SUCCESS:
            # Mail item was not sent; the client need not be deleted to try again.
            self.error_counter += 1

        # Release resources used by client.
        status = self.call("nx_smtp_client_delete", nx_smtp_client_delete(self.demo_client))
        if status != NX_SUCCESS:
            self.error_counter += 1

    # --------------------------------------------------------------- the report
    def run(self) -> KernelRun:
        return tx_kernel_enter(self.tx_application_define)

    def report(self, run: KernelRun) -> None:
        print(f"IP default pool payload: {self.ip_pool_payload} bytes")
        for tick, name, status in self.calls:
            print(f"  tick {tick:5d}  {name:24s} status 0x{status:02X}")
        for pool in (self.ip_packet_pool, self.client_packet_pool):
            status, total, free, empty_requests, empty_suspensions, invalid = nx_packet_pool_info_get(pool)
            print(f"  {pool.name:24s} total {total}  free {free}  empty requests {empty_requests}"
                  f"  empty suspensions {empty_suspensions}  invalid releases {invalid}")
        if self.real_server is not None:
            self.report_real_server(run)
            return
        server = self.server
        assert server is not None
        print(f"  server mailbox: {len(server.mailbox)} message(s)")
        for mail in server.mailbox:
            print(f"    from {mail.sender!r} to {mail.recipients!r} (user {mail.user!r})")
            for line in mail.data.decode("utf-8", "replace").split("\r\n"):
                print(f"      | {line}")
        for problem in server.problems:
            print(f"  server saw: {problem}")
        print(f"  run ended at tick {run.ticks}: {run.reason}")

    def report_real_server(self, run: KernelRun) -> None:
        real = self.real_server
        real.stop()
        print(f"  aiosmtpd transcript (Linux peer {self.peer.address}, netns {self.peer.namespace}):")
        for side, chunk in real.transcript():
            for line in chunk.decode("utf-8", "replace").splitlines() or [""]:
                print(f"    {side}: {line}")
        print(f"  aiosmtpd received {len(real.messages)} message(s)")
        for mail in real.messages:
            print(f"    from {mail['from']!r} to {mail['to']!r} (user {mail['user']!r}), "
                  f"{len(mail['data'])} bytes")
        report = self.peer.pacing_report()
        if report is not None:
            print(f"  {report}")
        print(f"  run ended at tick {run.ticks}: {run.reason}")

    @property
    def delivered(self) -> bool:
        if self.real_server is not None:
            return len(self.real_server.messages) > 0
        return self.server is not None and len(self.server.mailbox) > 0


def real_server_missing() -> str | None:
    """Why a real server cannot run here (one line), or None."""
    from netxsim.tap import tap_unavailable_reason
    reason = tap_unavailable_reason()
    if reason is not None:
        return reason
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        return "the real server is aiosmtpd, which is not installed: pip install -e '.[test]'"
    return None


def run_with_real_server(ip_pool_payload: int, pcap: str | None, *, authentication_type: int,
                         login_prompts: str = "aiosmtpd") -> Demo:
    """One demo session against aiosmtpd in a fresh Linux peer at SERVER_IP_ADDRESS."""
    from netxsim.tap import linux_peer
    from netxsim.tap.smtp_tools import AiosmtpdPeer
    auth = {NX_SMTP_CLIENT_AUTH_PLAIN: "plain", NX_SMTP_CLIENT_AUTH_LOGIN: "login"}.get(authentication_type, "none")
    with linux_peer(f"{SERVER_ADDRESS_TEXT}/24") as peer:
        demo = Demo(ip_pool_payload, pcap, peer, authentication_type)
        demo.real_server = AiosmtpdPeer(peer, port=SERVER_PORT, auth=auth, login_prompts=login_prompts,
                                        users={USERNAME: PASSWORD})
        demo.report(demo.run())
    return demo


def real_server_main(args: argparse.Namespace) -> Demo | None:
    missing = real_server_missing()
    if missing is not None:
        print(f"--real-server: {missing}")
        return None
    if args.real_server_login:
        payload = args.ip_pool_payload if args.ip_pool_payload_given else NETX_DUO_SAMPLE_IP_POOL_PAYLOAD
        print("AUTH LOGIN against aiosmtpd's own prompts ('User Name', 'Password'; NetX expects "
              "'Username:'):")
        run_with_real_server(payload, args.pcap, authentication_type=NX_SMTP_CLIENT_AUTH_LOGIN)
        print("\nAUTH LOGIN against aiosmtpd sending the prompts NetX expects ('Username:', 'Password:'):")
        return run_with_real_server(payload, args.pcap, authentication_type=NX_SMTP_CLIENT_AUTH_LOGIN,
                                    login_prompts="netx")
    demo = run_with_real_server(args.ip_pool_payload, args.pcap, authentication_type=CLIENT_AUTHENTICATION_TYPE)
    if not demo.delivered and args.ip_pool_payload == GUIDE_IP_POOL_PAYLOAD and not args.ip_pool_payload_given:
        print("\nThe mail was not delivered with the guide's 128-byte IP pool payload: a reply longer\n"
              "than one buffer arrives chained and the NetX SMTP client ends the session.\n"
              f"Running again with the {NETX_DUO_SAMPLE_IP_POOL_PAYLOAD}-byte payload of NetX Duo's "
              "own SMTP sample:\n")
        demo = run_with_real_server(NETX_DUO_SAMPLE_IP_POOL_PAYLOAD, args.pcap,
                                    authentication_type=CLIENT_AUTHENTICATION_TYPE)
    return demo


def main(argv: Any = None) -> Demo | None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ip-pool-payload", type=int, default=None,
                        help="payload of the IP default packet pool (the guide: 128)")
    parser.add_argument("--pcap", help="write the segment's frames to this pcap file")
    real = parser.add_mutually_exclusive_group()
    real.add_argument("--real-server", action="store_true",
                      help="send to a real aiosmtpd in a Linux namespace (root, /dev/net/tun)")
    real.add_argument("--real-server-login", action="store_true",
                      help="AUTH LOGIN against aiosmtpd's prompts (0xAD), then against NetX's prompts")
    args = parser.parse_args(argv)
    args.ip_pool_payload_given = args.ip_pool_payload is not None
    if args.ip_pool_payload is None:
        args.ip_pool_payload = GUIDE_IP_POOL_PAYLOAD
    if args.real_server or args.real_server_login:
        return real_server_main(args)
    demo = Demo(args.ip_pool_payload, args.pcap)
    demo.report(demo.run())
    if not demo.delivered and args.ip_pool_payload == GUIDE_IP_POOL_PAYLOAD:
        print("\nThe mail was not delivered with the guide's parameters: the client's IP default\n"
              "pool has 128-byte buffers, every frame the client receives is copied into it,\n"
              "so the server's longer replies arrive as chains of buffers, and the NetX SMTP\n"
              "client rejects a chained reply and ends the session. A target would see the same.\n"
              f"Running again with the {NETX_DUO_SAMPLE_IP_POOL_PAYLOAD}-byte payload of NetX Duo's "
              "own SMTP sample:\n")
        demo = Demo(NETX_DUO_SAMPLE_IP_POOL_PAYLOAD, args.pcap)
        demo.report(demo.run())
    return demo


if __name__ == "__main__":
    sys.exit(0 if main() is not None else 1)
