"""The NetX Duo SMTP client (``addons/smtp/nxd_smtp_client.c``) ported to netxsim.

``from smtp_client import *`` is ``#include "nxd_smtp_client.h"``: the services
``nxd_smtp_client_create``, ``nx_smtp_client_create`` (the user guide's IPv4 form),
``nx_smtp_client_delete``, ``nx_smtp_mail_send``, the ``NX_SMTP_CLIENT`` control block
and every constant of the header. Configuration defaults live in
:mod:`smtp_client.constants` (assign there before use).

Modules, one concern each: ``constants`` (the header), ``utility`` (NetX's string and
base64 helpers), ``commands`` (bytes sent), ``reply`` (parsing one reply packet),
``states`` (the command/response table and its interpreter), ``session`` (the session
loop and its NetX I/O), ``client`` (control block and services), ``netx`` (lazy access
to the NetX cores).

C behaviour kept by default
-----------------------------------------------------
1. ``MAIL FROM:<a> \\r\\n`` and ``RCPT TO:<a> \\r\\n`` carry a space before CRLF.
2. AUTH PLAIN has no initial response; the credential follows the 334, with
   authorization id = authentication id = the username.
3. Header: To, From, Subject, then the fixed MIME block; no Date, Message-ID or
   priority header; the priority argument is validated and ignored.
4. No dot-stuffing and no CRLF normalisation; ``\\r\\n.\\r\\n`` always follows the body
   (a body line "." ends DATA early). RFC 5321 dot-stuffing is an option:
   ``client.dot_stuffing = True`` or ``constants.NX_SMTP_CLIENT_DOT_STUFFING = True``.
5. Header, each body chunk and the end-of-message are separate sends; the body is cut
   every ``pool payload - 40`` (IPv4) / ``- 60`` (IPv6) bytes, ignoring the 16-byte
   physical header, so a full chunk takes two pool packets.
6. No HELO fallback after an EHLO rejection (HELO, RSET, NOOP are unreachable).
7. Only the exact codes count (220, 250, 354, 235); 251 to MAIL/RCPT is a failure;
   the QUIT reply's code is not looked at.
8. A 2xx other than 235/252/221 to AUTH or a credential re-sends the same line.
9. A QUIT timeout or reset after the mail was accepted returns the transport error;
   a garbled QUIT reply turns success into NX_SMTP_SERVER_ERROR_REPLY.
10. SMTP errors end with QUIT and a graceful close; transport/internal errors reset
    (no-wait disconnect: RST) without QUIT.
11. 0xA6/0xA3 stored in mail_status on packet failures are never returned: the NetX
    status is.
13. Reply codes: see smtp_client.reply (``220\\r\\n`` is code 0, 4 digits fail).
14. Multi-packet replies are followed only for 250 in EHLO (mute); ``250 `` is found
    anywhere in the packet.
15. The AUTH mechanism scan is case-insensitive substring matching over the whole
    EHLO packet, and its choice persists in the client across mail sends.
16. CRAM-MD5 becomes PLAIN at create; an unknown LOGIN prompt ends with 0xAD + QUIT.
19. ``from_address`` is kept by reference; lengths are checked when commands are
    built (MAIL > 497 → 0xA3, > 512 → NX_SIZE_ERROR; RCPT > 499 / > 512), possibly
    after 354 (header), which then resets the connection.
21. mail_send's checks do not look at the client id; create does not check the
    port (masked to 16 bits), the type, or a second create; the id is set before the
    socket exists.
22. Bind waits 100 ticks; all timeouts are ticks.
23. The mute flag survives a failed session until the next mail_send.

Where the C would crash, hang, leak or release twice (done safely here)
-----------------------------------------------------------------------
12. Header packet failure (e.g. a header larger than the client pool): the C hides
    it, sends the body without any header, then loops for ever; a server would queue
    a header-less mail. The port sends nothing after the failed header, resets the
    connection (the server discards the unfinished transaction) and returns
    NX_SMTP_INTERNAL_ERROR (0xA3), so a retry cannot deliver a duplicate.
17. Unparseable EHLO/HELO reply: the C dereferences NULL; the port skips the AUTH scan
    (then 0xA8 + QUIT). Chained reply packet: the C releases a stale packet again; the
    port releases the chain once (then the table runs with code 0, as in the C).
    RSET/NOOP replies (unreachable) are released instead of leaked.
18. The C shares one static 512-byte command buffer between clients; each command
    here is built on its own.
20. LOGIN with an empty username or password: NetX's encoder refuses empty input and
    the C sends an uninitialised length; the port sends an empty line (``\\r\\n``).
-   A second create of a live client: the C wipes the embedded socket in place; the
    port gives the client a fresh NX_TCP_SOCKET (the old one stays created on the IP).
-   A mail body shorter than ``mail_body_length`` raises ValueError before connecting
    (a negative length converts to a huge one, as in C, and is refused this way).
-   mail_send with a client whose packet pool or IP instance was deleted, or was
    created in an earlier run, returns NX_PTR_ERROR before anything is sent (the C
    would allocate from the deleted pool and send the mail).
"""
import sys as _sys
import types as _types

from . import constants as _constants
from .client import *  # noqa: F401,F403
from .client import __all__ as _client_all
from .constants import *  # noqa: F401,F403

__all__ = list(_constants.__all__) + list(_client_all)


class _Package(_types.ModuleType):
    """Assigning a configuration value on the package (``smtp_client.NX_SMTP_ENVELOPE_TIMEOUT
    = 300``) also sets it in smtp_client.constants, where the client reads it."""

    def __setattr__(self, name: str, value: object) -> None:
        if name.startswith("NX_SMTP") and hasattr(_constants, name):
            setattr(_constants, name, value)
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package
