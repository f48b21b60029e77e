"""NetX Duo's classic TCP demo (``samples/demo_netx_duo_tcp.c``), ported for IPv4 as the
C builds it with ``NX_DISABLE_IPV6``: two IP instances on the RAM driver, a client thread
(priority 4) that connects, sends "ABCDEFGHIJKLMNOPQRSTUVWXYZ " and disconnects, over
and over, and a server thread (priority 3) that accepts, receives, disconnects and
listens again, and prints the demo's counters at the end.

The C demo loops forever, paced by the CPU time each connection costs on a target. In
the simulation code runs in zero simulated time and the RAM driver delivers at once, so
the whole loop happens within one tick and would never end: the port stops after
``--connections`` client connections (default 20), then, as the simulation's own
addition, terminates the server thread so the run completes.

``--trace FILE.trx`` records the run with ``tx_trace_enable`` (as a target would, at the
start of ``tx_application_define``) and writes the trace buffer, ready for TraceX;
``--html FILE.html`` writes the run's HTML view (``netxsim.view``: thread timeline, pool
occupancy, a TCP ladder per connection).

Run: ``python -m demos.demo_netx_tcp [--connections N] [--trace t.trx] [--html t.html]``.
"""
from __future__ import annotations

import argparse

from netxsim import *  # noqa: F403
from netxsim.nx.segment import segment_for
from netxsim.tx.kernel import kernel
from netxsim.tx.trace import TRACE_BUILD

DEMO_STACK_SIZE = 2048
DEMO_DATA = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ \0"   # sizeof(DEMO_DATA) counts the NUL
PACKET_SIZE = 1536
SIZEOF_NX_PACKET = 60
POOL_SIZE = (SIZEOF_NX_PACKET + PACKET_SIZE) * 16
TRACE_BUFFER_SIZE = 64 * 1024
TRACE_REGISTRY_ENTRIES = 32


class Demo:
    """The C demo's globals."""

    def __init__(self, trace: bool, connections: int) -> None:
        self.trace = trace
        self.connections = connections
        self.thread_0 = TX_THREAD()
        self.thread_1 = TX_THREAD()
        self.pool_0 = NX_PACKET_POOL()
        self.ip_0 = NX_IP()
        self.ip_1 = NX_IP()
        self.client_socket = NX_TCP_SOCKET()
        self.server_socket = NX_TCP_SOCKET()
        self.thread_0_counter = 0
        self.thread_1_counter = 0
        self.error_counter = 0

    def tx_application_define(self, first_unused_memory: Pointer) -> None:
        pointer = first_unused_memory
        if self.trace:
            # Simulation: the trace buffer is the first thing in RAM, as on a target
            # whose tx_application_define starts with tx_trace_enable.
            tx_trace_enable(pointer, TRACE_BUFFER_SIZE, TRACE_REGISTRY_ENTRIES)
            pointer = pointer + TRACE_BUFFER_SIZE
        tx_thread_create(self.thread_0, "thread 0", self.thread_0_entry, 0,
                         pointer, DEMO_STACK_SIZE, 4, 4, TX_NO_TIME_SLICE, TX_AUTO_START)
        pointer = pointer + DEMO_STACK_SIZE
        tx_thread_create(self.thread_1, "thread 1", self.thread_1_entry, 0,
                         pointer, DEMO_STACK_SIZE, 3, 3, TX_NO_TIME_SLICE, TX_AUTO_START)
        pointer = pointer + DEMO_STACK_SIZE
        nx_system_initialize()
        # The C's pool_buffer is a static array; here it is the next free RAM.
        pool_buffer = pointer
        pointer = pointer + POOL_SIZE
        status = nx_packet_pool_create(self.pool_0, "NetX Main Packet Pool", PACKET_SIZE,
                                       pool_buffer, POOL_SIZE)
        if status:
            self.error_counter += 1
        status = nx_ip_create(self.ip_0, "NetX IP Instance 0", IP_ADDRESS(1, 2, 3, 4), 0xFFFFFF00,
                              self.pool_0, _nx_ram_network_driver, pointer, 2048, 1)
        pointer = pointer + 2048
        status += nx_ip_create(self.ip_1, "NetX IP Instance 1", IP_ADDRESS(1, 2, 3, 5), 0xFFFFFF00,
                               self.pool_0, _nx_ram_network_driver, pointer, 2048, 1)
        pointer = pointer + 2048
        if status:
            self.error_counter += 1
        status = nx_arp_enable(self.ip_0, pointer, 1024)
        pointer = pointer + 1024
        status += nx_arp_enable(self.ip_1, pointer, 1024)
        pointer = pointer + 1024
        if status:
            self.error_counter += 1
        if nx_icmp_enable(self.ip_0):
            self.error_counter += 1
        if nx_icmp_enable(self.ip_1):
            self.error_counter += 1
        status = nx_tcp_enable(self.ip_0)
        status += nx_tcp_enable(self.ip_1)
        if self.trace:
            # Simulation: keep the wire's frames for the view's TCP ladders.
            segment_for(kernel(), _nx_ram_network_driver).enable_frame_log()

    def thread_0_entry(self, thread_input: int) -> None:
        tx_thread_sleep(NX_IP_PERIODIC_RATE)
        server_ipv4_address = NXD_ADDRESS()
        server_ipv4_address.nxd_ip_version = NX_IP_VERSION_V4
        server_ipv4_address.nxd_ip_address.v4 = IP_ADDRESS(1, 2, 3, 5)
        while self.thread_0_counter < self.connections:  # the C: while (1)
            status = nx_tcp_socket_create(self.ip_0, self.client_socket, "Client Socket",
                                          NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 200,
                                          None, None)
            if status:
                self.error_counter += 1
            status = nx_tcp_client_socket_bind(self.client_socket, 12, NX_WAIT_FOREVER)
            if status:
                self.error_counter += 1
            status = nxd_tcp_client_socket_connect(self.client_socket, server_ipv4_address, 12,
                                                   NX_IP_PERIODIC_RATE)
            if status:
                print(f"Error with socket connect: 0x{status:x}")
                return
            status, _peer_address, _peer_port = nx_tcp_socket_peer_info_get(self.client_socket)
            status, my_packet = nx_packet_allocate(self.pool_0, NX_TCP_PACKET, NX_WAIT_FOREVER)
            if status != NX_SUCCESS:
                break
            nx_packet_data_append(my_packet, DEMO_DATA, len(DEMO_DATA), self.pool_0, TX_WAIT_FOREVER)
            status, length = nx_packet_length_get(my_packet)
            if status or length != len(DEMO_DATA):
                self.error_counter += 1
            status = nx_tcp_socket_send(self.client_socket, my_packet, NX_IP_PERIODIC_RATE)
            if status:
                self.error_counter += 1
                nx_packet_release(my_packet)
            if nx_tcp_socket_disconnect(self.client_socket, NX_IP_PERIODIC_RATE):
                self.error_counter += 1
            if nx_tcp_client_socket_unbind(self.client_socket):
                self.error_counter += 1
            if nx_tcp_socket_delete(self.client_socket):
                self.error_counter += 1
            self.thread_0_counter += 1
        tx_thread_terminate(self.thread_1)  # simulation: end the run

    def thread_1_entry(self, thread_input: int) -> None:
        tx_thread_sleep(NX_IP_PERIODIC_RATE)
        status, _actual_status = nx_ip_status_check(self.ip_1, NX_IP_INITIALIZE_DONE, NX_IP_PERIODIC_RATE)
        if status != NX_SUCCESS:
            self.error_counter += 1
            return
        status = nx_tcp_socket_create(self.ip_1, self.server_socket, "Server Socket",
                                      NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 100,
                                      None, self.thread_1_disconnect_received)
        if status:
            self.error_counter += 1
        status = nx_tcp_server_socket_listen(self.ip_1, 12, self.server_socket, 5,
                                             self.thread_1_connect_received)
        if status:
            self.error_counter += 1
        while True:
            self.thread_1_counter += 1
            if nx_tcp_server_socket_accept(self.server_socket, NX_WAIT_FOREVER):
                self.error_counter += 1
            status, packet_ptr = nx_tcp_socket_receive(self.server_socket, NX_IP_PERIODIC_RATE)
            if status:
                self.error_counter += 1
            else:
                nx_packet_release(packet_ptr)
            if nx_tcp_socket_disconnect(self.server_socket, NX_IP_PERIODIC_RATE):
                self.error_counter += 1
            if nx_tcp_server_socket_unaccept(self.server_socket):
                self.error_counter += 1
            if nx_tcp_server_socket_relisten(self.ip_1, 12, self.server_socket):
                self.error_counter += 1

    def thread_1_connect_received(self, socket_ptr: NX_TCP_SOCKET, port: int) -> None:
        if socket_ptr is not self.server_socket or port != 12:
            self.error_counter += 1

    def thread_1_disconnect_received(self, socket: NX_TCP_SOCKET) -> None:
        if socket is not self.server_socket:
            self.error_counter += 1


def run(connections: int = 20, trace: bool = False) -> tuple[Demo, KernelRun]:
    """Run the demo for ``connections`` connections; the run's ``trace_buffer`` holds
    the trace when ``trace`` is true."""
    demo = Demo(trace, connections)
    # Tracing needs the trace services built in (TX_ENABLE_EVENT_TRACE), as on a target.
    result = tx_kernel_enter(demo.tx_application_define, config=TRACE_BUILD if trace else None)
    return demo, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=20, help="client connections before the run ends")
    parser.add_argument("--trace", metavar="FILE.trx", help="write the TraceX trace buffer of the run")
    parser.add_argument("--html", metavar="FILE.html", help="write the HTML view of the run")
    args = parser.parse_args(argv)
    demo, result = run(args.connections, trace=bool(args.trace or args.html))
    print(f"thread_0_counter (connections made by the client): {demo.thread_0_counter}")
    print(f"thread_1_counter (connections accepted by the server): {demo.thread_1_counter}")
    print(f"error_counter: {demo.error_counter}")
    print(result.report())
    if args.trace and result.trace_buffer is not None:
        with open(args.trace, "wb") as trx:
            trx.write(result.trace_buffer)
        print(f"trace buffer ({len(result.trace_buffer)} bytes) written to {args.trace}")
    if args.html and result.trace_buffer is not None:
        from netxsim.view import run_frames, write_html
        write_html(result.trace_buffer, args.html, run_frames(result), title="NetX Duo TCP demo")
        print(f"HTML view written to {args.html}")
    return 0 if demo.error_counter == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
