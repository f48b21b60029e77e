"""NetX Duo's SMTP regression layout, end to end: the real simulated stack, no fakes.

The harness behind the project's ports of ``netx_smtp_*_test.c``, and a worked example
of a complete test world for an SMTP application.

One kernel holds NetX Duo's SMTP regression layout: a client host
(10.0.0.10, IP instance + ARP + TCP on NetX's RAM test driver with a 1024-byte IP MTU,
``_nx_ram_network_driver_1024`` as in the C tests) and the simulated SMTP server host
(``netxsim.peers.smtp_server``, 10.0.0.1, server thread priority 3), a client thread of
priority 4 that sleeps 20 ticks, calls ``nx_smtp_mail_send`` once (or more), then
``nx_smtp_client_delete``. Both sides use a pool of payload 1536; the client's pool is
its IP default pool and the SMTP client's transmit pool, as in the C tests, unless
``smtp_pool_packets``/``ip_pool_payload`` split them.

The RAM driver delivers in zero simulated time, so every tick in a result is a sleep,
a script delay or a time-out, and tests can assert it exactly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from netxsim import (
    IP_ADDRESS, NX_IP, NX_IP_VERSION_V4, NX_PACKET_POOL, NX_SUCCESS, NXD_ADDRESS, TX_AUTO_START, TX_THREAD,
    nx_arp_enable, nx_ip_create, nx_packet_allocate, nx_packet_pool_create,
    nx_packet_pool_info_get, nx_packet_release, nx_tcp_enable, tx_kernel_enter, tx_thread_create,
    tx_thread_sleep, tx_time_get,
)
from netxsim.nx.packet import SIZEOF_NX_PACKET
from netxsim.peers.smtp_server import SmtpServer
from netxsim.testing.pools import assert_no_packet_leaked
from netxsim.testing.ram_test_driver import _nx_ram_network_driver_1024
from smtp_client import (
    NX_SMTP_CLIENT, NX_SMTP_CLIENT_AUTH_PLAIN, NX_SMTP_MAIL_PRIORITY_NORMAL, nx_smtp_client_delete,
    nx_smtp_mail_send, nxd_smtp_client_create,
)

SERVER_ADDRESS = IP_ADDRESS(10, 0, 0, 1)
CLIENT_ADDRESS = IP_ADDRESS(10, 0, 0, 10)
MASK = 0xFFFFFF00
TEST_MTU = 1024
START = 20          # the client thread sleeps 20 ticks so the server listens

# ---------------------------------------------------------------  client data (netx_smtp_*_test.c)
USERNAME = "recipient@domain.com"
PASSWORD = "testpwd"
FROM_ADDRESS = "recipient@domain.com"
DOMAIN = "domain.com"
RECIPIENT = "recipient@domain.com"
SUBJECT = "NetX Duo SMTP Client Demo"
MAIL_BODY = (   # the C tests' MAIL_BODY (netx_smtp_basic_function_test.c), 1344 bytes
    b".NetX Duo SMTP client is a simple SMTP client implementation  \r\n"
    b".that allow embedded devices to send email to an SMTP server. \r\n"
    b"This feature is intended to allow a device to send simple status\r\n "
    b"reports using the most universal Internet application email.\r\n"
    b"The rest of this narrative is merely to supply this most interesting quote: \r\n"
    b"Perhaps the most vivid recollection of my youth is that of the local wheelmen, \r\n"
    b"led by my father, stopping at our home to eat pone, sip mint juleps, and flog \r\n"
    b"the field hands. This more than anything cultivated my life-long aversion \r\n"
    b"to bicycles. ~~ Tennessee Williams.\r\n\r\n"
    b"Nothing compares to the simple pleasure of a bike ride. --John F. Kennedy, (surely you've heard of him?)\r\n\r\n"
    b"Perhaps the most vivid recollection of my youth is that of being flogged \r\n"
    b"by the local wheelmen, along with the field hands, the postman, and a \r\n"
    b"young Tennessee Williams. This more than anything cultivated my life-long "
    b"aversion to his plays. -Truman Capote\r\n"
    b"When I see an adult on a bicycle, I do not despair for the future of the human race. H.G. Wells \r\n"
    b"during the Second World War, if the United States had retooled its \r\n"
    b"factories for manufacturing bicycles instead of munitions, we'd be one of \r\n"
    b"the healthiest, least oil-dependent, and most environmentally-sound \r\n"
    b"constituents in the Nazi empire today. -Ralph Nader."
)
assert len(MAIL_BODY) == 1344

# ----------------------------------------------------------  canned replies (netx_smtp_*_test.c)
R220 = (b"220-expresslogic.com ESMTP MDaemon 13.0.3; Sat, 23 Mar 2013 22:58:15 -0700\r\n"
        b"220-All transactions and IP addresses are logged.\r\n220-*\r\n"
        b"220 Unauthorized relaying is strictly prohibited.\r\n")
R250_EHLO = (b"250-expresslogic.com Hello testrecipient@expresslogic.com, pleased to meet you\r\n"
             b"250-ETRN\r\n250-AUTH LOGIN CRAM-MD5 PLAIN\r\n250-8BITMIME\r\n250 SIZE\r\n")
R250_EHLO_NOAUTH = R250_EHLO.replace(b"250-AUTH LOGIN CRAM-MD5 PLAIN", b"250-DUTH NOGIN CRAM-MD5 RLAIN")
R250_EHLO_AUTH_NO_TYPE = R250_EHLO.replace(b"250-AUTH LOGIN CRAM-MD5 PLAIN", b"250-AUTH MOGIN CRAM-MD5 QLAIN")
R250_EHLO_FIRST = R250_EHLO.replace(b"250 SIZE", b"250-SIZE")
R250_EHLO_FIRST_NO_AUTH = R250_EHLO_FIRST.replace(b"250-AUTH LOGIN CRAM-MD5 PLAIN",
                                                  b"250-EUTH MOGIN CRAM-MD5 QLAIN")
R250_EHLO_LAST = b"250 SIZE\r\n"
R250_EHLO_NOTLAST = b"250-SIZE\r\n"
R250_EHLO_LAST_WITH_AUTH = b"250-AUTH LOGIN CRAM-MD5 PLAIN\r\n 250 SIZE\r\n"
R334 = b"334 \r\n"
R334_USERNAME = b"334 VXNlcm5hbWU6\r\n"
R334_PASSWORD = b"334 UGFzc3dvcmQ6\r\n"
R235 = b"235 Authentication successful\r\n"
R250_SENDER = b"250 <recipient99@gmail.com>, Sender ok\r\n"
R250_RECIPIENT = b"250 <recipient99@gmail.com>, Recipient ok\r\n"
R354 = b"354 Enter mail, end with <CRLF>.<CRLF>\r\n"
R250_SAVED = b"250 Ok, message saved <Message-ID: >\r\n"
R221 = b"221 See ya in cyberspace\r\n" + b"\x00" * 54
R220_INVALID = b"2" * 8 + R220[2:]     # "22" → eight '2's: 191 bytes
assert (len(R220), len(R250_EHLO), len(R221), len(R220_INVALID)) == (185, 145, 80, 191)

# --------------------------------------------------------------- client command bytes
C_EHLO = b"EHLO domain.com\r\n"
C_AUTH_PLAIN = b"AUTH PLAIN\r\n"
C_AUTH_LOGIN = b"AUTH LOGIN\r\n"
C_PLAIN_CREDENTIAL = b"cmVjaXBpZW50QGRvbWFpbi5jb20AcmVjaXBpZW50QGRvbWFpbi5jb20AdGVzdHB3ZA==\r\n"
C_LOGIN_USER = b"cmVjaXBpZW50QGRvbWFpbi5jb20=\r\n"
C_LOGIN_PASSWORD = b"dGVzdHB3ZA==\r\n"
C_MAIL = b"MAIL FROM:<recipient@domain.com> \r\n"
C_RCPT = b"RCPT TO:<recipient@domain.com> \r\n"
C_DATA = b"DATA\r\n"
C_QUIT = b"QUIT\r\n"
C_HEADER = (b"To: recipient@domain.com\r\nFrom: recipient@domain.com\r\nSubject: NetX Duo SMTP Client Demo\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: text/plain;\r\n  charset=\"utf-8\"\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n\r\n")
assert len(C_HEADER) == 190


def message(body: bytes = MAIL_BODY) -> bytes:
    """What the DATA step reads: header, body verbatim, end of message."""
    return C_HEADER + body + b"\r\n.\r\n"


@dataclass
class MailSend:
    """One nx_smtp_mail_send call the client thread makes."""
    status: int
    start: int
    end: int


@dataclass
class E2E:
    """The result of one run (see :func:`run`)."""
    run: Any
    server: SmtpServer
    sends: list[MailSend]
    delete_status: int | None
    client: NX_SMTP_CLIENT
    pools: list[NX_PACKET_POOL]
    extra: dict = field(default_factory=dict)

    @property
    def status(self) -> int:
        return self.sends[0].status

    @property
    def end(self) -> int:
        return self.sends[0].end

    @property
    def session(self) -> Any:
        return self.server.sessions[0] if self.server.sessions else None

    @property
    def client_bytes(self) -> bytes:
        """Everything the server host read from the client in the first session."""
        session = self.session
        return b"" if session is None else session.client_bytes

    def pool_report(self) -> list[tuple[str, int, int, int]]:
        """(name, total, free, invalid releases) per pool."""
        report = []
        for pool in self.pools:
            status, total, free, _requests, _suspensions, invalid = nx_packet_pool_info_get(pool)
            assert status == NX_SUCCESS
            report.append((pool.nx_packet_pool_name, total, free, invalid))
        return report

    def assert_no_leak(self) -> None:
        """Every pool back to full and no invalid (double) release anywhere."""
        assert_no_packet_leaked(*self.pools)


def run(script: Sequence[Any] | Callable[[int], Sequence[Any]] | None = None, *,
        authentication_type: int = NX_SMTP_CLIENT_AUTH_PLAIN, body: bytes = MAIL_BODY,
        sends: int = 1, pool_payload: int = 1536, pool_bytes: int = 10 * 1536,
        ip_pool_payload: int | None = None, smtp_pool_packets: int | None = None,
        smtp_pool_payload: int = 1536, hold_smtp_packets: int = 0,
        server_options: dict | None = None, until: int = 100_000,
        after_send: int = 50, mtu_driver: Callable = _nx_ram_network_driver_1024,
        recipient: str = RECIPIENT, subject: str = SUBJECT) -> E2E:
    """Build the two hosts, run the client thread, return an :class:`E2E`.

    ``script``: the server's script (None: the functional server, with the C tests' user). ``sends``: how many mail_send calls. Pools: by default one client pool
    (``pool_payload``, ``pool_bytes`` of memory, 10×1536 as in C) is the IP default pool
    and the SMTP transmit pool. ``ip_pool_payload`` gives the client IP its own pool of
    that payload; ``smtp_pool_packets`` gives the SMTP client its own pool of that many
    packets of ``smtp_pool_payload``. ``hold_smtp_packets``: the client thread takes
    that many packets from the SMTP pool before mail_send and gives them back after.
    ``recipient``/``subject``: the mail_send arguments (the C tests' by default).
    ``after_send``: ticks the client thread waits after the last mail_send (the C tests
    wait for the server) before deleting the client.
    """
    options = dict(read_timeout=10_000, pool_payload=pool_payload, pool_packets=16, transcripts=True)
    options.update(server_options or {})
    if script is not None:
        options["script"] = script
    else:
        options.setdefault("users", {USERNAME: PASSWORD})
    client = NX_SMTP_CLIENT()
    client_ip = NX_IP()
    client_pool, ip_pool, smtp_pool = NX_PACKET_POOL(), NX_PACKET_POOL(), NX_PACKET_POOL()
    thread = TX_THREAD()
    box: dict[str, Any] = {"sends": [], "delete": None}
    pools: list[NX_PACKET_POOL] = []

    def client_entry(_: int) -> None:
        tx_thread_sleep(START)
        address = NXD_ADDRESS(NX_IP_VERSION_V4, SERVER_ADDRESS)
        transmit = smtp_pool if smtp_pool_packets is not None else client_pool
        status = nxd_smtp_client_create(client, client_ip, transmit, USERNAME, PASSWORD, FROM_ADDRESS, DOMAIN,
                                        authentication_type, address, 25)
        assert status == NX_SUCCESS, f"create 0x{status:02X}"
        held = []
        for _ in range(hold_smtp_packets):
            status, packet = nx_packet_allocate(transmit, 0, 0)
            assert status == NX_SUCCESS
            held.append(packet)
        for _ in range(sends):
            start = tx_time_get()
            status = nx_smtp_mail_send(client, recipient, NX_SMTP_MAIL_PRIORITY_NORMAL, subject, body, len(body))
            box["sends"].append(MailSend(status, start, tx_time_get()))
            box.setdefault("auth_types", []).append(client.nx_smtp_client_authentication_type)
        for packet in held:
            nx_packet_release(packet)
        tx_thread_sleep(after_send)
        box["delete"] = nx_smtp_client_delete(client)

    def define(memory: Any) -> None:
        server = SmtpServer.create(address=SERVER_ADDRESS, memory=memory, driver=mtu_driver, **options)
        box["server"] = server
        free = server.next_free
        assert nx_packet_pool_create(client_pool, "client pool", pool_payload, free, pool_bytes) == NX_SUCCESS
        free += pool_bytes
        pools.extend([client_pool, server.pool])
        default_pool = client_pool
        if ip_pool_payload is not None:
            size = 16 * (ip_pool_payload + SIZEOF_NX_PACKET)
            assert nx_packet_pool_create(ip_pool, "client IP pool", ip_pool_payload, free, size) == NX_SUCCESS
            free += size
            default_pool = ip_pool
            pools.append(ip_pool)
        if smtp_pool_packets is not None:
            size = smtp_pool_packets * (smtp_pool_payload + SIZEOF_NX_PACKET)
            assert nx_packet_pool_create(smtp_pool, "SMTP Client Packet Pool", smtp_pool_payload, free,
                                         size) == NX_SUCCESS
            free += size
            pools.append(smtp_pool)
        assert nx_ip_create(client_ip, "client IP", CLIENT_ADDRESS, MASK, default_pool, mtu_driver,
                            free, 2048, 1) == NX_SUCCESS
        free += 2048
        assert nx_arp_enable(client_ip, free, 1040) == NX_SUCCESS
        free += 1040
        assert nx_tcp_enable(client_ip) == NX_SUCCESS
        assert tx_thread_create(thread, "client thread", client_entry, 0, free, 4096, 4, 4, 0,
                                TX_AUTO_START) == NX_SUCCESS

    result = tx_kernel_enter(define, until=until)
    return E2E(result, box["server"], box["sends"], box["delete"], client, pools,
               {"auth_types": box.get("auth_types", [])})


__all__ = [name for name in dir() if name.isupper() or name in ("E2E", "MailSend", "run", "message")]
