"""Control blocks kept as module globals, as C ports keep them, reused by a second run.

C's create services zero the whole struct, so a second boot that re-creates the same
objects behaves exactly as the first. Here the same NX_IP, pools, SMTP client and
thread objects run two simulations with one seed: the pcaps, statuses, ticks and
mailboxes must be identical.
"""
from __future__ import annotations

import io

from netxsim import (
    IP_ADDRESS, NX_IP, NX_PACKET_POOL, NX_SUCCESS, NX_TCP_SOCKET, TX_AUTO_START, TX_SEMAPHORE, TX_THREAD,
    _nx_ram_network_driver, nx_arp_enable, nx_icmp_enable, nx_ip_create, nx_packet_pool_create,
    nx_tcp_enable, nx_tcp_socket_create, tx_kernel_enter, tx_semaphore_create, tx_thread_create,
    tx_thread_sleep, tx_time_get,
)
from netxsim.nx.faults import LinkFaults
from netxsim.nx.segment import segment_for
from netxsim.peers.smtp_server import SmtpServer
from netxsim.tx.kernel import kernel
from smtp_client import NX_SMTP_CLIENT, NX_SMTP_CLIENT_AUTH_PLAIN, nx_smtp_client_create, \
    nx_smtp_client_delete, nx_smtp_mail_send

SERVER = IP_ADDRESS(10, 0, 0, 1)
CLIENT = IP_ADDRESS(10, 0, 0, 10)
BODY = b"Subject-less body line one\r\nline two\r\n" * 40

# The application's globals, created again by each run.
client_ip = NX_IP()
client_pool = NX_PACKET_POOL()
client = NX_SMTP_CLIENT()
client_thread = TX_THREAD()
spare_socket = NX_TCP_SOCKET()
gate = TX_SEMAPHORE()


def _one_run(seed: int = 0) -> tuple:
    capture = io.BytesIO()
    box: dict = {}

    def entry(_: int) -> None:
        tx_thread_sleep(20)
        box["create"] = nx_smtp_client_create(client, client_ip, client_pool, "user", "pass", "from@a.b",
                                              "a.b", NX_SMTP_CLIENT_AUTH_PLAIN, SERVER, 25)
        box["send"] = nx_smtp_mail_send(client, "to@c.d", 2, "subject", BODY, len(BODY))
        box["tick"] = tx_time_get()
        box["delete"] = nx_smtp_client_delete(client)
        box["tcp"] = (client_ip.nx_ip_tcp_connections, client_ip.nx_ip_tcp_retransmit_packets,
                      len(client_ip.nx_ip_tcp_created_sockets))

    def define(memory) -> None:
        server = SmtpServer.create(address=SERVER, memory=memory, users={"user": "pass"})
        box["server"] = server
        wire = segment_for(kernel(), _nx_ram_network_driver)
        wire.capture_to(capture)
        wire.faults = LinkFaults(seed=seed, drop=0.1)
        free = server.next_free
        assert nx_packet_pool_create(client_pool, "client pool", 1536, free, 16 * 1600) == NX_SUCCESS
        free += 16 * 1600
        assert nx_ip_create(client_ip, "client", CLIENT, 0xFFFFFF00, client_pool, _nx_ram_network_driver,
                            free, 2048, 1) == NX_SUCCESS
        free += 2048
        assert nx_arp_enable(client_ip, free, 1040) == NX_SUCCESS
        free += 1040
        assert nx_icmp_enable(client_ip) == NX_SUCCESS
        assert nx_tcp_enable(client_ip) == NX_SUCCESS
        assert nx_tcp_socket_create(client_ip, spare_socket, "spare", 0, 0, 0x80, 1000, None, None) == NX_SUCCESS
        assert tx_semaphore_create(gate, "gate", 0) == NX_SUCCESS
        assert tx_thread_create(client_thread, "client", entry, 0, free, 4096, 4, 4, 0, TX_AUTO_START) \
            == NX_SUCCESS

    run = tx_kernel_enter(define, until=200_000)
    server = box.pop("server")
    return (run.reason, run.ticks, box, capture.getvalue(), [mail.data for mail in server.mailbox],
            gate.tx_semaphore_count)


def test_same_globals_twice_with_one_seed_give_identical_runs() -> None:
    first = _one_run()
    second = _one_run()
    assert first[2]["send"] == NX_SUCCESS and len(first[4]) == 1      # the mail arrived
    assert first[2]["tcp"][1] > 0                                      # drops were retransmitted
    assert second[2] == first[2]
    assert second[3] == first[3]                                       # the pcap, byte for byte
    assert second == first
