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

Run: ``python -m demos.demo_netx_smtp_client [--ip-pool-payload N] [--pcap FILE] [--trace FILE.trx] [--html FILE.html]``.
"""
from __future__ import annotations

import argparse
from typing import Any

from netxsim import *  # noqa: F403
from netxsim.nx.segment import segment_for
from netxsim.tx.trace import with_trace
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

GUIDE_IP_POOL_PAYLOAD = 128
NETX_DUO_SAMPLE_IP_POOL_PAYLOAD = 512


class Demo:
    """The C demo's globals, plus what the simulation reports about the run."""

    def __init__(self, ip_pool_payload: int, pcap: str | None) -> None:
        self.ip_pool_payload = ip_pool_payload
        self.pcap = pcap
        self.trace = False   # simulation: record a trace (tracing on a buffer at the top of RAM)
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

        # Simulation only: the server host the C demo expects on the network.
        self.server = SmtpServer.create(address=SERVER_IP_ADDRESS, port=SERVER_PORT,
                                        memory=free_memory_pointer, users={USERNAME: PASSWORD})
        if self.pcap:
            segment_for(kernel(), _nx_ram_network_driver).capture_to(self.pcap)
        if self.trace:
            # Simulation: keep the wire's frames for the view's TCP ladder and SMTP dialogue.
            segment_for(kernel(), _nx_ram_network_driver).enable_frame_log()

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
                                                 LOCAL_DOMAIN, CLIENT_AUTHENTICATION_TYPE,
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
        define = with_trace(self.tx_application_define) if self.trace else self.tx_application_define
        return tx_kernel_enter(define)

    def report(self, run: KernelRun) -> None:
        print(f"IP default pool payload: {self.ip_pool_payload} bytes")
        for tick, name, status in self.calls:
            print(f"  tick {tick:5d}  {name:24s} status 0x{status:02X}")
        for pool in (self.ip_packet_pool, self.client_packet_pool):
            status, total, free, empty_requests, empty_suspensions, invalid = nx_packet_pool_info_get(pool)
            print(f"  {pool.name:24s} total {total}  free {free}  empty requests {empty_requests}"
                  f"  empty suspensions {empty_suspensions}  invalid releases {invalid}")
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

    @property
    def delivered(self) -> bool:
        return self.server is not None and len(self.server.mailbox) > 0


def main(argv: Any = None) -> Demo:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ip-pool-payload", type=int, default=GUIDE_IP_POOL_PAYLOAD,
                        help="payload of the IP default packet pool (the guide: 128)")
    parser.add_argument("--pcap", help="write the segment's frames to this pcap file")
    parser.add_argument("--trace", metavar="FILE.trx", help="write the run's TraceX trace buffer")
    parser.add_argument("--html", metavar="FILE.html", help="write the run's HTML view (timeline, TCP ladder, SMTP dialogue)")
    args = parser.parse_args(argv)
    demo = Demo(args.ip_pool_payload, args.pcap)
    demo.trace = bool(args.trace or args.html)
    run = demo.run()
    demo.report(run)
    _write_views(run, args.trace, args.html)
    if not demo.delivered and args.ip_pool_payload == GUIDE_IP_POOL_PAYLOAD:
        print("\nThe mail was not delivered with the guide's parameters: the client's IP default\n"
              "pool has 128-byte buffers, every frame the client receives is copied into it,\n"
              "so the server's longer replies arrive as chains of buffers, and the NetX SMTP\n"
              "client rejects a chained reply and ends the session. A target would see the same.\n"
              f"Running again with the {NETX_DUO_SAMPLE_IP_POOL_PAYLOAD}-byte payload of NetX Duo's "
              "own SMTP sample:\n")
        demo = Demo(NETX_DUO_SAMPLE_IP_POOL_PAYLOAD, args.pcap)
        demo.trace = bool(args.trace or args.html)
        run = demo.run()
        demo.report(run)
        _write_views(run, args.trace, args.html)
    return demo


def _write_views(run: KernelRun, trace: str | None, html: str | None) -> None:
    if trace and run.trace_buffer is not None:
        with open(trace, "wb") as trx:
            trx.write(run.trace_buffer)
        print(f"trace buffer written to {trace}")
    if html and run.trace_buffer is not None:
        from netxsim.view import run_frames, write_html
        write_html(run.trace_buffer, html, run_frames(run), title="NetX SMTP client demo")
        print(f"HTML view written to {html}")


if __name__ == "__main__":
    main()
