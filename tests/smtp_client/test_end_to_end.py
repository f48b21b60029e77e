"""One mail through netxsim's own TCP/IP (no fakes): two IP instances on the RAM
driver, a minimal scripted server thread on the NetX server-socket API, the client
unchanged. Checks the bytes the server reads, the status, the teardown and the pools.
(The full regression scenarios belong with the simulated SMTP server peer.)"""
from __future__ import annotations

from netxsim import (
    IP_ADDRESS, NX_IP, NX_PACKET_POOL, NX_TCP_PACKET, NX_TCP_SOCKET, NX_WAIT_FOREVER, NXD_ADDRESS, TX_AUTO_START,
    TX_THREAD, _nx_ram_network_driver, nx_arp_enable, nx_ip_create, nx_packet_allocate, nx_packet_data_append,
    nx_packet_pool_create, nx_packet_release, nx_system_initialize, nx_tcp_enable, nx_tcp_server_socket_accept,
    nx_tcp_server_socket_listen, nx_tcp_socket_create, nx_tcp_socket_receive, nx_tcp_socket_send,
    tx_kernel_enter, tx_thread_create, tx_thread_sleep, tx_time_get,
)
from smtp_client import NX_SMTP_CLIENT, NX_SMTP_CLIENT_AUTH_PLAIN, nx_smtp_client_delete, nx_smtp_mail_send, \
    nxd_smtp_client_create

REPLIES = [b"220 hi\r\n", b"250-x\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE\r\n", b"334 \r\n", b"235 ok\r\n",
           b"250 ok\r\n", b"250 ok\r\n", b"354 go\r\n", b"250 saved\r\n", b"221 bye\r\n"]
BODY = b"hello\r\n" * 300


def test_one_mail_through_netxsim_tcp():
    client, client_ip, server_ip = NX_SMTP_CLIENT(), NX_IP(), NX_IP()
    client_pool, server_pool, smtp_pool = NX_PACKET_POOL(), NX_PACKET_POOL(), NX_PACKET_POOL()
    server_socket = NX_TCP_SOCKET()
    threads = TX_THREAD(), TX_THREAD()
    received: list[bytes] = []
    result: dict = {}

    def server(_: int) -> None:
        nx_tcp_socket_create(server_ip, server_socket, "server", 0, 0, 0x80, 8000, None, None)
        nx_tcp_server_socket_listen(server_ip, 25, server_socket, 5, None)
        result["accept"] = nx_tcp_server_socket_accept(server_socket, NX_WAIT_FOREVER)
        for index, reply in enumerate(REPLIES):
            while index:
                status, packet = nx_tcp_socket_receive(server_socket, 1000)
                assert status == 0
                received.append(packet.chain_bytes())
                nx_packet_release(packet)
                if index != 7 or b"".join(received).endswith(b"\r\n.\r\n"):
                    break
            status, packet = nx_packet_allocate(server_pool, NX_TCP_PACKET, NX_WAIT_FOREVER)
            nx_packet_data_append(packet, reply, len(reply), server_pool, NX_WAIT_FOREVER)
            assert nx_tcp_socket_send(server_socket, packet, 100) == 0

    def client_thread(_: int) -> None:
        tx_thread_sleep(20)
        result["create"] = nxd_smtp_client_create(client, client_ip, smtp_pool, "user", "pass", "me@x.com", "x.com",
                                                  NX_SMTP_CLIENT_AUTH_PLAIN, NXD_ADDRESS(4, IP_ADDRESS(10, 0, 0, 1)),
                                                  25)
        result["send"] = nx_smtp_mail_send(client, "you@y.com", 2, "subj", BODY, len(BODY))
        result["bound"] = client.nx_smtp_client_socket.nx_tcp_socket_bound
        result["delete"] = nx_smtp_client_delete(client)
        result["tick"] = tx_time_get()

    def define(memory):
        nx_system_initialize()
        for pool, name, payload, size in ((client_pool, "client", 1536, 20 * 1600),
                                          (server_pool, "server", 1536, 20 * 1600),
                                          (smtp_pool, "SMTP Client Packet Pool", 800, 8000)):
            assert nx_packet_pool_create(pool, name, payload, memory, size) == 0
            memory += size
        for ip, pool, last in ((client_ip, client_pool, 10), (server_ip, server_pool, 1)):
            assert nx_ip_create(ip, "ip", IP_ADDRESS(10, 0, 0, last), 0xFFFFFF00, pool, _nx_ram_network_driver,
                                memory, 2048, 1) == 0
            memory += 2048
            assert nx_arp_enable(ip, memory, 1024) == 0
            memory += 1024
            assert nx_tcp_enable(ip) == 0
        for thread, entry, priority in zip(threads, (server, client_thread), (3, 4)):
            tx_thread_create(thread, entry.__name__, entry, 0, memory, 4096, priority, priority, 0, TX_AUTO_START)
            memory += 4096

    tx_kernel_enter(define, until=20000)
    assert result["create"] == 0 and result["accept"] == 0
    assert result["send"] == 0 and result["bound"] is False and result["delete"] == 0
    header = (b"To: you@y.com\r\nFrom: me@x.com\r\nSubject: subj\r\nMIME-Version: 1.0\r\n"
              b"Content-Type: text/plain;\r\n  charset=\"utf-8\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
    assert b"".join(received) == (b"EHLO x.com\r\nAUTH PLAIN\r\ndXNlcgB1c2VyAHBhc3M=\r\n"
                                  b"MAIL FROM:<me@x.com> \r\nRCPT TO:<you@y.com> \r\nDATA\r\n" + header + BODY
                                  + b"\r\n.\r\nQUIT\r\n")
    for pool in (client_pool, server_pool, smtp_pool):
        assert pool.nx_packet_pool_available == pool.nx_packet_pool_total, pool
