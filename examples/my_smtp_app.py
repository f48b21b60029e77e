"""The application under test in docs/testing.md: the NetX SMTP Client guide's demo
(``demo_netx_smtp_client.c``), ported line by line as a user ports it, C globals as
module globals. It creates its own pools, IP instance and client thread, and expects an
SMTP server at SERVER_IP_ADDRESS (the test world provides one).

One change from the guide: its IP default pool has 128-byte buffers, so against a server
whose replies are longer than 74 bytes every reply arrives chained and the client ends the
session; this port uses NetX Duo's sample value, 512.
"""
from netxsim import *  # noqa: F403
from smtp_client import *  # noqa: F403

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
CLIENT_AUTHENTICATION_TYPE = NX_SMTP_CLIENT_AUTH_PLAIN
CLIENT_IP_ADDRESS = IP_ADDRESS(1, 2, 3, 5)
SERVER_IP_ADDRESS = IP_ADDRESS(1, 2, 3, 4)
SERVER_PORT = 25
IP_POOL_PAYLOAD = 512          # the guide: 128

ip_packet_pool = NX_PACKET_POOL()
client_packet_pool = NX_PACKET_POOL()
client_ip = NX_IP()
demo_client_thread = TX_THREAD()
demo_client = NX_SMTP_CLIENT()
error_counter = 0


def tx_application_define(first_unused_memory):
    global error_counter
    error_counter = 0
    free_memory_pointer = first_unused_memory
    # Create IP default packet pool.
    status = nx_packet_pool_create(ip_packet_pool, "Default IP Packet Pool", IP_POOL_PAYLOAD,
                                   free_memory_pointer, 2048)
    free_memory_pointer = free_memory_pointer + 2048
    # Create SMTP Client packet pool, for transmitting to the server.
    status |= nx_packet_pool_create(client_packet_pool, "SMTP Client Packet Pool", 800,
                                    free_memory_pointer, 10 * 800)
    if status != NX_SUCCESS:
        return
    free_memory_pointer = free_memory_pointer + 10 * 800
    nx_system_initialize()
    # Create the client thread (started when the network is up).
    status = tx_thread_create(demo_client_thread, "client_thread", demo_client_thread_entry, 0,
                              free_memory_pointer, 2048, 16, 16, TX_NO_TIME_SLICE, TX_DONT_START)
    if status != NX_SUCCESS:
        return
    free_memory_pointer = free_memory_pointer + 4096
    # Create Client IP instance, enable ARP, TCP and ICMP.
    status = nx_ip_create(client_ip, "SMTP Client IP Instance", CLIENT_IP_ADDRESS, 0xFFFFFF00,
                          ip_packet_pool, _nx_ram_network_driver, free_memory_pointer, 2048, 1)
    free_memory_pointer = free_memory_pointer + 2048
    status = nx_arp_enable(client_ip, free_memory_pointer, 1040)
    free_memory_pointer = free_memory_pointer + 1040
    status = nx_tcp_enable(client_ip)
    if status != NX_SUCCESS:
        return
    status = nx_icmp_enable(client_ip)
    if status != NX_SUCCESS:
        return
    tx_thread_resume(demo_client_thread)


def demo_client_thread_entry(info):
    global error_counter
    tx_thread_sleep(100)
    status = nx_smtp_client_create(demo_client, client_ip, client_packet_pool, USERNAME, PASSWORD,
                                   FROM_ADDRESS, LOCAL_DOMAIN, CLIENT_AUTHENTICATION_TYPE,
                                   SERVER_IP_ADDRESS, SERVER_PORT)
    if status != NX_SUCCESS:
        return
    # Create a mail instance with the above text message and recipient info.
    status = nx_smtp_mail_send(demo_client, RECIPIENT_ADDRESS, NX_SMTP_MAIL_PRIORITY_NORMAL,
                               SUBJECT_LINE, MAIL_BODY, len(MAIL_BODY))
    if status != NX_SUCCESS:
        error_counter += 1
    # Release resources used by client.
    status = nx_smtp_client_delete(demo_client)
    if status != NX_SUCCESS:
        error_counter += 1
