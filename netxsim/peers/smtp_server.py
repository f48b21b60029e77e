"""A simulated SMTP server host, written on the NetX server-socket API as a C application
would write it.

Theory of operation
-------------------
``SmtpServer.create(...)`` (call it in ``tx_application_define``) builds a whole host on
the simulated network: a packet pool, an IP instance on ``driver`` (ARP and TCP
enabled), a TCP server socket and a server thread, carving their simulated memory
from the pointer it is given. The server thread is ordinary NetX application code::

    nx_tcp_server_socket_listen(ip, port, socket, 5, NULL)
    loop:
        nx_tcp_server_socket_accept(socket, NX_WAIT_FOREVER)
        serve the connection with nx_tcp_socket_receive / nx_tcp_socket_send
            (one packet per reply, allocated from the server's pool; every
            received packet read with nx_packet_data_retrieve and released)
        nx_tcp_socket_disconnect / nx_tcp_server_socket_unaccept
        nx_tcp_server_socket_relisten(ip, port, socket)

so connections are served one at a time, and a connection that arrives while another
is being served waits in the listen queue. The socket listens from the moment the
server thread first runs (priority 3 by default: at tick 0, before application threads
of priority 4 and below). Neither the server thread nor the IP thread keeps a run
alive: ``tx_kernel_enter`` returns when the application's own threads are done.
The server's own NetX calls that fail (a send on a dead connection, a
disconnect time-out) are recorded in ``server.errors``, never raised.

Two modes, chosen by ``script``:

**Functional** (``script=None``, the default): a small, strict-minded ESMTP server.

=====================  =========================================================
client sends           server replies (one TCP send per reply, exact bytes)
=====================  =========================================================
(connect)              ``220 <domain> ESMTP netxsim`` (or ``banner``)
``EHLO x``             ``250-<domain>``, ``250-AUTH <mechanisms>`` (if any),
                       one ``250-`` line per extension, the last with ``250 ``
``HELO x``             ``250 <domain>``
``AUTH PLAIN <ir>``    ``235 2.7.0 Authentication successful`` or
                       ``535 5.7.8 Error: authentication failed``
``AUTH PLAIN``         ``334 `` (empty challenge), then the credential line
``AUTH LOGIN``         ``334 VXNlcm5hbWU6`` ("Username:"), ``334 UGFzc3dvcmQ6``
                       ("Password:"), then 235 / 535; ``*`` cancels (501)
``MAIL FROM:<a>``      ``250 2.1.0 Ok``
``RCPT TO:<a>``        ``250 2.1.5 Ok`` (or 550 if ``recipients`` rejects it)
``DATA``               ``354 End data with <CR><LF>.<CR><LF>``
message + CRLF.CRLF    ``250 2.0.0 Ok: queued as <n>`` (n = mailbox position, 1-based)
``RSET``/``NOOP``      ``250 2.0.0 Ok``
``QUIT``               ``221 2.0.0 Bye``, then a graceful close (FIN)
=====================  =========================================================

Errors: 500 empty line / line too long, 501 syntax or undecodable AUTH data, 502
unknown command, 503 bad sequence (e.g. ``5.5.1 Error: send HELO/EHLO first``), 504
mechanism not offered, 530 authentication required (``require_auth``), 552 message too
big (``max_message_size``), 421 idle time-out (``idle_timeout``).

Every accepted message goes into ``server.mailbox`` as a :class:`Mail`: envelope sender
and recipients, the authenticated user, ``data`` (the bytes exactly as received after
the 354, up to and including the end-of-data line ``.\\r\\n``) and ``content`` (the
message as a real server would deliver it: end-of-data line removed, leading dots
un-stuffed).

Protocol problems the server sees go into ``server.problems`` (and the session's), each
a :class:`Problem` with a stable ``code``:

``before-ehlo``            AUTH/MAIL/RCPT/DATA before EHLO or HELO
``bad-sequence``           RCPT before MAIL, DATA before RCPT, nested MAIL, AUTH twice...
``unknown-command``        a verb the server does not know (502)
``empty-line``             an empty command line (500)
``syntax``                 malformed arguments (501)
``line-too-long``          a command line over 512 bytes (an AUTH line over 12288)
``bare-lf``                a CR or LF inside a command line
``pipelining``             bytes sent before the reply to the previous command
                           (PIPELINING is not advertised)
``unsupported-mechanism``  AUTH with a mechanism that was not offered (504)
``bad-base64``             an AUTH response or initial response that is not base64 (501)
``bad-plain``              a PLAIN credential that is not ``authzid\\0authcid\\0passwd``
``not-dot-stuffed``        a data line starting with one "." (RFC 5321 §4.5.2: a
                           stuffed line starts with ".."; the dot is lost on delivery)
``early-end-of-data``      the end-of-data line arrived while more message bytes
                           followed: a body line "." that was not dot-stuffed ended
                           the message early (the rest is then read as commands)
``no-quit``                the client closed (FIN) or reset (RST) the connection
                           without QUIT
``closed-in-data``         the connection ended in the middle of DATA
``idle-timeout``           nothing arrived for ``idle_timeout`` ticks
``unexpected``             (scripted mode) a step received bytes other than ``expect``

Deviations a lenient real server accepts are ``notes`` instead (same shape):
``trailing-space`` after the MAIL/RCPT path (the NetX C client sends ``MAIL
FROM:<a> \\r\\n``), ``space-after-colon``, ``bare-lf-in-data``, ``data-line-too-long``.
With ``strict=True`` a trailing space is refused with 501 and counted as a ``syntax``
problem.

**Scripted** (``script=[...]``): the test gives the server's side of the dialogue,
one step per reply, and the server records what it received at each step (the model
of NetX Duo's SMTP regression tests). A step is a :class:`Step`, or just
an action (then the step reads as ``read="auto"`` says):

- ``b"250 Ok\\r\\n"`` or ``Send(b"250-a\\r\\n", 30, b"250 b\\r\\n")``: bytes, one
  ``nx_tcp_socket_send`` per bytes part, ints in between are delays in ticks, so a
  reply can be split into several TCP segments with pauses between them;
- ``Silence(ticks=0)``: send nothing (to make the client time out);
- ``Reset()``: ``nx_tcp_socket_disconnect(socket, NX_NO_WAIT)``, which sends RST;
- ``Close()``: a graceful disconnect (FIN) now;
- ``Garbage(size, seed)``: ``size`` deterministic pseudo-random bytes.

Before its action a step reads, per ``read``: ``"none"``; ``"packet"`` (one
``nx_tcp_socket_receive``, as the C tests do); ``"line"`` (until a CRLF);
``"data"`` (until the bytes received end with ``\\r\\n.\\r\\n``); ``"auto"`` (the
default: ``"none"`` for the first step, which is the greeting; ``"data"`` after a
step that sent a reply starting with ``354``; ``"packet"`` otherwise). Each receive
waits ``timeout`` ticks (default ``read_timeout``); a time-out is recorded
(``status == NX_NO_PACKET``) and the step's action still runs (the two-packet EHLO
tests need exactly this); a closed connection ends the session. ``expect=b"..."``
makes a mismatch an ``unexpected`` problem; ``delay`` sleeps before the action.
(The C tests' message step checks the last 5 bytes of each packet; ``"data"`` checks
the bytes accumulated so far, which also finds an end of data split across packets.)

After the last step the server keeps reading (``read_timeout``) until the client
closes, recording those bytes in ``session.after_script``, then closes. The script is
a list (run for every connection) or a callable ``script(session_index) -> list``.
Each step leaves a :class:`StepRecord` in ``session.steps``; ``server.received`` is the
list of bytes received per step in the latest session.

Python API
----------
Example (functional)::

    def tx_application_define(first_unused_memory):
        server = SmtpServer.create(address=IP_ADDRESS(1, 2, 3, 4), memory=first_unused_memory,
                                   users={"myusername": "mypassword"})
        free_memory_pointer = server.next_free
        ...                                  # the device under test, as in C
    run = tx_kernel_enter(tx_application_define)
    server.mailbox[0].data, server.problems  # what arrived, what was wrong with it

Example (scripted): ``script=[b"220 hi\r\n", Send(b"250-x\r\n", 50, b"250 y\r\n"),
Step(Reset(), timeout=100)]`` greets, answers EHLO in two segments 50 ticks apart,
then waits up to 100 ticks for the next command and resets the connection.

``SmtpServer.create(*, address, memory, port=25, driver=_nx_ram_network_driver, ...)``
returns the server; ``server.next_free`` is the first byte of simulated memory it did
not use (4-byte aligned), for the caller's next allocation. Keyword arguments: see
:meth:`SmtpServer.create`. Results: ``server.mailbox``, ``server.problems``,
``server.notes``, ``server.sessions`` (:class:`SmtpSession`, with ``transcript``,
``client_bytes``, ``replies``, ``steps``, ``end``...), ``server.errors`` (NetX statuses
of the server's own calls that failed), and the NetX control blocks ``server.ip``,
``server.pool``, ``server.socket``, ``server.thread`` for pool counters and captures.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from netxsim.boundary import past_boundary
from netxsim.nx.arp import nx_arp_enable
from netxsim.nx.constants import (
    NX_CONNECTION_PENDING, NX_IPv4_TCP_PACKET, NX_NO_PACKET, NX_NO_WAIT, NX_SUCCESS, NX_WAIT_FOREVER,
)
from netxsim.nx.ip import NX_FRAGMENT_OKAY, NX_IP, NX_IP_NORMAL, NX_IP_TIME_TO_LIVE, nx_ip_create
from netxsim.nx.packet import (
    NX_PACKET_POOL, nx_packet_allocate, nx_packet_data_append, nx_packet_data_retrieve, nx_packet_pool_create,
    nx_packet_release, sizeof_nx_packet,
)
from netxsim.nx.ram_driver import _nx_ram_network_driver
from netxsim.nx.system import nx_system_initialize
from netxsim.nx.tcp import NX_TCP_CLOSE_WAIT, NX_TCP_ESTABLISHED, nx_tcp_enable
from netxsim.nx.tcp_socket import (
    NX_TCP_SOCKET, nx_tcp_server_socket_accept, nx_tcp_server_socket_listen, nx_tcp_server_socket_relisten,
    nx_tcp_server_socket_unaccept, nx_tcp_socket_create, nx_tcp_socket_disconnect, nx_tcp_socket_peer_info_get,
    nx_tcp_socket_receive, nx_tcp_socket_send,
)
from netxsim.tx.constants import TX_AUTO_START
from netxsim.nx.tcp import own_rand_state
from netxsim.tx.thread import TX_THREAD, tx_thread_create, tx_thread_sleep
from netxsim.tx.timer import tx_time_get
from netxsim.tx.kernel import kernel

# The concepts this host is built from live in their own modules; their names stay
# importable from here.
from netxsim.peers.smtp_dialogue import (  # noqa: F401
    _BARE_CR, _BARE_LF, _BEFORE_EHLO, _COMMANDS, _OUT_OF_SEQUENCE, _PATH, AUTH_LINE_LIMIT,
    COMMAND_LINE_LIMIT, PASSWORD_PROMPT, TEXT_LINE_LIMIT, USERNAME_PROMPT, EsmtpDialogue, _b64decode,
    _text,
)
from netxsim.peers.smtp_script import (  # noqa: F401
    _READ_MODES, Action, Close, Garbage, Reset, Send, Silence, Step, StepRecord,
)
from netxsim.peers.smtp_session import (  # noqa: F401
    ANY, AUTH, DATA, GREETED, MAIL, RCPT, READY, Mail, Problem, SmtpSession,
)

__all__ = ["SmtpServer", "SmtpServerError", "SmtpSession", "Mail", "Problem", "Step", "StepRecord",
           "Send", "Silence", "Reset", "Close", "Garbage", "USERNAME_PROMPT", "PASSWORD_PROMPT"]

IDLE_TIMEOUT = 5 * 60 * 100     # RFC 5321 §4.5.3.2.7: a server waits 5 minutes for a command
TRANSCRIPT_SESSIONS = 16        # sessions whose transcript a server keeps by default
MECHANISMS = ("PLAIN", "LOGIN")


class SmtpServerError(RuntimeError):
    """A NetX service failed while the server host was being created."""


class SmtpServer(EsmtpDialogue):
    """A simulated SMTP server host (module docstring). Build it with :meth:`create`."""

    def __init__(self) -> None:
        self.mailbox: list[Mail] = []
        self.sessions: list[SmtpSession] = []
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self.errors: list[tuple[int, str, int]] = []
        self.ip = NX_IP()
        self.pool = NX_PACKET_POOL()
        self.socket = NX_TCP_SOCKET()
        self.thread = TX_THREAD()
        self.next_free: Any = None
        # Configuration, set by create() (see its docstring).
        self.name = "SMTP server"
        self.address = 0
        self.port = 25
        self.domain = "smtp.netxsim"
        self.banner = ""
        self.users: dict[str, bytes] = {}
        self.mechanisms: tuple[str, ...] = MECHANISMS
        self.extensions: tuple[str, ...] = ()
        self.require_auth = False
        self.recipients: set[str] | None = None
        self.max_message_size: int | None = None
        self.strict = False
        self.script: Sequence[Any] | Callable[[int], Sequence[Any]] | None = None
        self.read_timeout = NX_WAIT_FOREVER
        self.idle_timeout = IDLE_TIMEOUT
        self.transcripts: bool | int = TRANSCRIPT_SESSIONS
        self.send_timeout = 500
        self.disconnect_timeout = 500
        self.listen_queue = 5
        # The NetX/ThreadX services of the server thread's hot path: the public ones
        # until the thread starts, then what they run past the boundary (_bind_services).
        self._tcp_receive: Callable = nx_tcp_socket_receive
        self._tcp_send: Callable = nx_tcp_socket_send
        self._packet_allocate: Callable = nx_packet_allocate
        self._packet_append: Callable = nx_packet_data_append
        self._packet_retrieve: Callable = nx_packet_data_retrieve
        self._packet_release: Callable = nx_packet_release
        self._time_get: Callable = tx_time_get

    # ================================================================== creation
    @classmethod
    def create(cls, *, address: int, memory: Any, port: int = 25,
               driver: Callable = _nx_ram_network_driver, mask: int = 0xFFFFFF00,
               name: str = "SMTP server", domain: str = "smtp.netxsim",
               users: dict[str, str] | None = None, mechanisms: Sequence[str] = MECHANISMS,
               extensions: Sequence[str] = ("8BITMIME",), require_auth: bool = False,
               recipients: Sequence[str] | None = None, max_message_size: int | None = None,
               banner: str | None = None, strict: bool = False,
               script: Sequence[Any] | Callable[[int], Sequence[Any]] | None = None,
               read_timeout: int = NX_WAIT_FOREVER, idle_timeout: int = IDLE_TIMEOUT,
               transcripts: bool | int = TRANSCRIPT_SESSIONS,
               send_timeout: int = 500, disconnect_timeout: int = 500,
               pool_payload: int = 1536, pool_packets: int = 16, window: int = 8000,
               listen_queue: int = 5, priority: int = 3, ip_priority: int = 1,
               stack_size: int = 2048, ip_stack_size: int = 2048,
               arp_cache_size: int = 1040) -> "SmtpServer":
        """Create the server host; call it in ``tx_application_define``.

        Network: IP instance ``address``/``mask`` on ``driver``, listening on ``port``.
        Memory: the packet pool (``pool_packets`` buffers of ``pool_payload`` bytes),
        the IP thread stack, the ARP cache and the server thread stack are carved from
        ``memory`` in that order; ``server.next_free`` is the 4-byte aligned pointer
        after them. Calls ``nx_system_initialize()`` first (idempotent, as in C).

        Functional mode: ``domain`` (in the greeting and EHLO), ``banner`` (greeting
        text after ``220 ``), ``users`` ({user: password}), ``mechanisms`` (advertised
        and accepted, from "PLAIN"/"LOGIN"; empty: no AUTH line), ``extensions`` (further
        EHLO lines), ``require_auth`` (MAIL before AUTH gets 530), ``recipients`` (the
        only accepted RCPT addresses, case-insensitive; None: all), ``max_message_size``
        (advertised as SIZE; larger messages get 552), ``strict`` (refuse the trailing
        space after a MAIL/RCPT path), ``idle_timeout`` (ticks without input before
        421 and close: 5 minutes by default, as RFC 5321 §4.5.3.2.7 asks of servers, so a
        client whose RST was lost cannot wedge the server; NX_WAIT_FOREVER waits for ever).

        Transcripts: ``transcripts`` keeps ``session.transcript`` (every byte each way) for
        the latest N sessions (default 16; older sessions' transcripts are dropped), True
        for every session, False for none. The mailbox is always complete.

        Scripted mode: ``script`` (steps, or a callable giving the steps for session
        ``i``), ``read_timeout`` (default wait of each receive).

        Host: ``send_timeout`` (packet allocate and TCP send waits), ``disconnect_timeout``
        (graceful close wait), ``window`` (socket receive window), ``listen_queue``,
        ``priority`` (server thread, default 3 as NetX's SMTP regression tests),
        ``ip_priority``, ``stack_size``, ``ip_stack_size``, ``arp_cache_size``.

        Raises SmtpServerError if a NetX/ThreadX create service fails, ValueError for a
        mechanism other than PLAIN or LOGIN.
        """
        mechanisms = tuple(m.upper() for m in mechanisms)
        for mechanism in mechanisms:
            if mechanism not in MECHANISMS:
                raise ValueError(f"unsupported SASL mechanism {mechanism!r} (PLAIN and LOGIN only)")
        server = cls()
        server.name = name
        server.address = address
        server.port = port
        server.domain = domain
        server.banner = banner if banner is not None else f"{domain} ESMTP netxsim"
        server.users = {u: p.encode() if isinstance(p, str) else bytes(p) for u, p in (users or {}).items()}
        server.mechanisms = mechanisms
        server.extensions = tuple(extensions)
        server.require_auth = require_auth
        server.recipients = None if recipients is None else {r.lower() for r in recipients}
        server.max_message_size = max_message_size
        server.strict = strict
        server.script = script
        server.read_timeout = read_timeout
        server.idle_timeout = idle_timeout
        server.transcripts = transcripts
        server.send_timeout = send_timeout
        server.disconnect_timeout = disconnect_timeout
        server.listen_queue = listen_queue
        server._build(memory, driver, mask, pool_payload, pool_packets, window, priority,
                      ip_priority, stack_size, ip_stack_size, arp_cache_size)
        return server

    def _build(self, memory: Any, driver: Callable, mask: int, pool_payload: int, pool_packets: int,
               window: int, priority: int, ip_priority: int, stack_size: int, ip_stack_size: int,
               arp_cache_size: int) -> None:
        def check(what: str, status: int) -> None:
            if status != NX_SUCCESS:
                raise SmtpServerError(f"{self.name}: {what} failed with status 0x{status:02X}")

        pointer = memory + (-memory.address % 4)

        def take(size: int) -> Any:
            nonlocal pointer
            start = pointer
            pointer = pointer + ((size + 3) & ~3)
            return start

        nx_system_initialize()
        pool_size = pool_packets * ((sizeof_nx_packet() + pool_payload + 3) & ~3)
        check("nx_packet_pool_create", nx_packet_pool_create(
            self.pool, f"{self.name} packet pool", pool_payload, take(pool_size), pool_size))
        check("nx_ip_create", nx_ip_create(self.ip, f"{self.name} IP", self.address, mask, self.pool,
                                           driver, take(ip_stack_size), ip_stack_size, ip_priority))
        check("nx_arp_enable", nx_arp_enable(self.ip, take(arp_cache_size), arp_cache_size))
        check("nx_tcp_enable", nx_tcp_enable(self.ip))
        check("nx_tcp_socket_create", nx_tcp_socket_create(
            self.ip, self.socket, f"{self.name} socket", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
            NX_IP_TIME_TO_LIVE, window, None, None))
        check("tx_thread_create", tx_thread_create(
            self.thread, f"{self.name} thread", lambda _: self._thread_entry(), 0, take(stack_size),
            stack_size, priority, priority, 0, TX_AUTO_START))
        k = kernel()
        if self.thread in k.application_threads:
            k.application_threads.remove(self.thread)   # a peer keeps no run alive
        # Another machine, another C library: the server's rand() (its ISNs) must not
        # shift the device's sequence (first ephemeral port 50535, ISN 0x67FE9869).
        own_rand_state(self.thread, self.ip.nx_ip_thread)
        self.next_free = pointer

    # ================================================================== results
    @property
    def session(self) -> SmtpSession | None:
        """The latest session (None before the first connection)."""
        return self.sessions[-1] if self.sessions else None

    @property
    def received(self) -> list[bytes]:
        """Scripted mode: the bytes received at each step of the latest session."""
        return [step.received for step in self.sessions[-1].steps] if self.sessions else []

    # ================================================================== server thread
    def _error(self, what: str, status: int, session: SmtpSession | None = None) -> None:
        entry = (self._time_get(), what, status)
        self.errors.append(entry)
        if session is not None:
            session.errors.append(entry)

    def _bind_services(self) -> None:
        """Per run, in the server thread: the hot services past their boundary."""
        self._tcp_receive = past_boundary(nx_tcp_socket_receive)
        self._tcp_send = past_boundary(nx_tcp_socket_send)
        self._packet_allocate = past_boundary(nx_packet_allocate)
        self._packet_append = past_boundary(nx_packet_data_append)
        self._packet_retrieve = past_boundary(nx_packet_data_retrieve)
        self._packet_release = past_boundary(nx_packet_release)
        self._time_get = past_boundary(tx_time_get)

    def _thread_entry(self) -> None:
        self._bind_services()
        status = nx_tcp_server_socket_listen(self.ip, self.port, self.socket, self.listen_queue, None)
        if status != NX_SUCCESS:
            self._error("nx_tcp_server_socket_listen", status)
            return
        while True:
            status = nx_tcp_server_socket_accept(self.socket, NX_WAIT_FOREVER)
            if status == NX_SUCCESS:
                self._serve()
            else:
                self._error("nx_tcp_server_socket_accept", status)
                tx_thread_sleep(1)   # never spin in zero simulated time
            nx_tcp_server_socket_unaccept(self.socket)
            status = nx_tcp_server_socket_relisten(self.ip, self.port, self.socket)
            if status not in (NX_SUCCESS, NX_CONNECTION_PENDING):
                self._error("nx_tcp_server_socket_relisten", status)
                return

    def _serve(self) -> None:
        status, peer_address, peer_port = nx_tcp_socket_peer_info_get(self.socket)
        s = SmtpSession(len(self.sessions), peer_address, peer_port, self._time_get())
        self.sessions.append(s)
        self._bound_transcripts()
        if self.script is None:
            self._functional(s)
        else:
            steps = self.script(s.index) if callable(self.script) else self.script
            self._scripted(s, list(steps))
        self._collect_unread(s)
        if self.socket.nx_tcp_socket_state in (NX_TCP_ESTABLISHED, NX_TCP_CLOSE_WAIT):
            status = nx_tcp_socket_disconnect(self.socket, self.disconnect_timeout)
            if status != NX_SUCCESS:
                self._error("nx_tcp_socket_disconnect", status, s)
        if s.end_tick is None:
            s.end_tick = self._time_get()

    def _bound_transcripts(self) -> None:
        """Keep transcripts for the latest ``transcripts`` sessions only (see create)."""
        if self.transcripts is True:
            return
        keep, sessions = int(self.transcripts), self.sessions
        if len(sessions) > keep:
            old = sessions[len(sessions) - keep - 1]
            old.transcript = []
            old.transcript_dropped = True

    def _record(self, s: SmtpSession, who: str, data: bytes) -> None:
        if not s.transcript_dropped:
            s.transcript.append((self._time_get(), who, data))

    def _finish(self, s: SmtpSession, end: str) -> None:
        if s.end is None:
            s.end, s.end_tick = end, self._time_get()

    def _flag(self, s: SmtpSession, code: str, text: str, note: bool = False) -> None:
        problem = Problem(self._time_get(), s.index, code, text)
        (s.notes if note else s.problems).append(problem)
        (self.notes if note else self.problems).append(problem)

    # ------------------------------------------------------------------ packet I/O
    def _receive(self, s: SmtpSession, wait: int) -> tuple[int, bytes]:
        """One nx_tcp_socket_receive: (status, bytes), the packet released."""
        # A wait the boundary would convert or refuse (not a ULONG int) goes through it.
        receive = self._tcp_receive if wait.__class__ is int and not wait >> 32 else nx_tcp_socket_receive
        status, packet = receive(self.socket, wait)
        if status != NX_SUCCESS:
            return status, b""
        length = packet.nx_packet_length
        buffer = bytearray(length)
        _, copied = self._packet_retrieve(packet, buffer)
        self._packet_release(packet)
        data = bytes(buffer) if copied == length else bytes(buffer[:copied])
        if not s.transcript_dropped:   # _record, inline
            s.transcript.append((self._time_get(), "C", data))
        return NX_SUCCESS, data

    def _send(self, s: SmtpSession, data: bytes) -> int:
        """One packet from the server pool, one nx_tcp_socket_send; released on failure."""
        if not data:
            return NX_SUCCESS
        pool, wait = self.pool, self.send_timeout
        if wait.__class__ is int and not wait >> 32:
            allocate, append, send = self._packet_allocate, self._packet_append, self._tcp_send
        else:   # a wait the boundary would convert or refuse goes through it
            allocate, append, send = nx_packet_allocate, nx_packet_data_append, nx_tcp_socket_send
        status, packet = allocate(pool, NX_IPv4_TCP_PACKET, wait)
        if status != NX_SUCCESS:
            self._error("nx_packet_allocate", status, s)
            self._finish(s, "send-failed")
            return status
        status = append(packet, data, len(data), pool, wait)
        if status == NX_SUCCESS:
            status = send(self.socket, packet, wait)
        if status != NX_SUCCESS:
            self._packet_release(packet)
            self._error("nx_tcp_socket_send", status, s)
            self._finish(s, "send-failed")
            return status
        if not s.transcript_dropped:   # _record, inline
            s.transcript.append((self._time_get(), "S", data))
        return NX_SUCCESS

    def _closed_by_peer(self, s: SmtpSession) -> str:
        """After a receive failed with the connection gone: FIN (CLOSE_WAIT) or RST."""
        end = "peer-closed" if self.socket.nx_tcp_socket_state == NX_TCP_CLOSE_WAIT else "reset"
        self._finish(s, end)
        return end

    def _collect_unread(self, s: SmtpSession) -> None:
        while True:
            status, data = self._receive(s, NX_NO_WAIT)
            if status != NX_SUCCESS:
                return
            s.unread += data

    # ================================================================== scripted mode
    def _scripted(self, s: SmtpSession, steps: list[Any]) -> None:
        previous = b""
        for index, item in enumerate(steps):
            step = item if isinstance(item, Step) else Step(item)
            read = step.read
            if read == "auto":
                read = "none" if index == 0 else "data" if previous.startswith(b"354") else "packet"
            record = StepRecord(index, read, action=repr(step.action))
            s.steps.append(record)
            if read != "none":
                wait = self.read_timeout if step.timeout is None else step.timeout
                if not self._read_step(s, record, read, wait):
                    self._closed_by_peer(s)
                    self._check_expect(s, step, record)
                    return
            self._check_expect(s, step, record)
            if step.delay:
                tx_thread_sleep(step.delay)
            self._act(s, step.action, record)
            if s.end is not None:
                return
            previous = b"".join(data for _, data in record.sent)
        while True:   # the script is over: record what else the client sends, until it closes
            status, data = self._receive(s, self.read_timeout)
            if status == NX_SUCCESS:
                s.after_script += data
            elif status == NX_NO_PACKET and self.socket.nx_tcp_socket_state == NX_TCP_ESTABLISHED:
                self._finish(s, "drain-timeout")
                return
            else:
                self._closed_by_peer(s)
                return

    def _read_step(self, s: SmtpSession, record: StepRecord, read: str, wait: int) -> bool:
        """Receive per ``read``; False when the connection is gone."""
        while True:
            status, data = self._receive(s, wait)
            record.status = status
            if status != NX_SUCCESS:
                return status == NX_NO_PACKET and self.socket.nx_tcp_socket_state == NX_TCP_ESTABLISHED
            record.packets.append((self._time_get(), data))
            record.received += data
            if read == "packet" or (read == "line" and b"\r\n" in record.received) \
                    or (read == "data" and record.received.endswith(b"\r\n.\r\n")):
                return True

    def _check_expect(self, s: SmtpSession, step: Step, record: StepRecord) -> None:
        if step.expect is not None and record.received != step.expect:
            self._flag(s, "unexpected", f"step {record.index}: expected {step.expect!r}, "
                                        f"received {record.received!r}")

    def _act(self, s: SmtpSession, action: Action, record: StepRecord) -> None:
        if isinstance(action, Send):
            for part in action.parts:
                if isinstance(part, int):
                    if part > 0:
                        tx_thread_sleep(part)
                    continue
                status = self._send(s, part)
                record.send_status = status
                if status != NX_SUCCESS:
                    return
                record.sent.append((self._time_get(), part))
        elif isinstance(action, Silence):
            if action.ticks > 0:
                tx_thread_sleep(action.ticks)
        elif isinstance(action, Reset):
            self._collect_unread(s)
            nx_tcp_socket_disconnect(self.socket, NX_NO_WAIT)
            self._finish(s, "server-reset")
        elif isinstance(action, Close):
            self._collect_unread(s)
            wait = self.disconnect_timeout if action.timeout is None else action.timeout
            status = nx_tcp_socket_disconnect(self.socket, wait)
            if status != NX_SUCCESS:
                self._error("nx_tcp_socket_disconnect", status, s)
            self._finish(s, "server-closed")
        elif action is not None:
            raise TypeError(f"not a script action: {action!r}")
