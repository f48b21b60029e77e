"""The SMTP client control block and its services (``nxd_smtp_client.c``):
``nxd_smtp_client_create`` / ``nx_smtp_client_create`` / ``nx_smtp_client_delete`` /
``nx_smtp_mail_send``, each a core (``_nxd_``/``_nx_``) behind its error-checking
front end (``_nxde_``/``_nxe_``).

As in the header, the public names go to the checking layer unless the build sets
NX_SMTP_DISABLE_ERROR_CHECKING (``smtp_client.constants.SmtpClientConfig``; fixed
during a run, like every build option).
"""
from __future__ import annotations

from typing import Any, Callable

from netxsim.boundary import c_service, control_block
from netxsim.nx import arp as _arp
from netxsim.nx import packet as _packet
from netxsim.tx import kernel as _kernel
from netxsim.tx.kernel import KernelError
from netxsim.nx.config import nx_threads_only_caller_error
from netxsim.tx.config import switchable_service
from netxsim.nx.constants import (
    NX_CALLER_ERROR, NX_FALSE, NX_IP_ADDRESS_ERROR, NX_IP_VERSION_V4, NX_IP_VERSION_V6, NX_PTR_ERROR,
    NX_SIZE_ERROR, NX_SUCCESS, NX_TRUE,
)

from . import constants as c
from . import netx as nx
from .commands import mail_body_bytes
from .session import _nx_smtp_client_process
from .utility import c_string


class NX_SMTP_CLIENT_MAIL:
    """``NX_SMTP_CLIENT_MAIL``: the per-send data. The C keeps pointers to the
    caller's strings; Python keeps references to the objects passed."""

    def __init__(self) -> None:
        self.nx_smtp_client_mail_recipient_address: Any = None
        self.nx_smtp_client_mail_from_address: Any = None
        self.nx_smtp_client_mail_priority = 0
        self.nx_smtp_client_mail_subject: Any = None
        self.nx_smtp_client_mail_body: Any = None
        self.nx_smtp_client_mail_body_length = 0


@control_block
class NX_SMTP_CLIENT:
    """``NX_SMTP_CLIENT`` with the C field names. ``nx_smtp_username``,
    ``nx_smtp_password`` and ``nx_smtp_client_domain`` hold the copied bytes (the C
    arrays up to their NUL). ``nx_smtp_client_socket`` is the embedded NX_TCP_SOCKET.

    Simulation extra: ``dot_stuffing`` (None: use
    ``smtp_client.constants.NX_SMTP_CLIENT_DOT_STUFFING``; True/False: this client's
    choice). It survives create and delete, which zero only the C fields.
    """

    def __init__(self) -> None:
        self.dot_stuffing: bool | None = None
        self._clear()

    def _clear(self) -> None:
        """``memset(client_ptr, 0, sizeof(NX_SMTP_CLIENT))``."""
        self.nx_smtp_client_id = 0
        self.nx_smtp_username = b""
        self.nx_smtp_password = b""
        self.nx_smtp_client_domain = b""
        self.nx_smtp_client_authentication_type = 0
        self.nx_smtp_client_ip_ptr: Any = None
        self.nx_smtp_client_packet_pool_ptr: Any = None
        self.nx_smtp_client_mail = NX_SMTP_CLIENT_MAIL()
        self.nx_smtp_client_init_status = NX_FALSE
        self.nx_smtp_server_address = _new_address()
        self.nx_smtp_server_port = 0
        # A fresh socket object: zeroing the C struct in place would corrupt the IP's
        # list of created sockets if the client was created twice (the C allows it).
        self.nx_smtp_client_socket = _new_socket()
        self.nx_smtp_client_cmd_state = c.NX_SMTP_CLIENT_STATE_IDLE
        self.nx_smtp_client_rsp_state = c.NX_SMTP_CLIENT_STATE_IDLE
        self.nx_smtp_client_reply_code_status = 0
        self.nx_smtp_server_packet: Any = None
        self.nx_smtp_client_authentication_reply = 0
        self.nx_smtp_client_authentication_state = c.NX_SMTP_NOT_AUTHENTICATED
        self.nx_smtp_client_data_transparency_bytes = 0    # never used by the C
        self.nx_smtp_client_mail_status = NX_SUCCESS
        self.nx_smtp_client_mute = NX_FALSE

    def __repr__(self) -> str:
        names = c.NX_SMTP_CLIENT_STATE_NAMES
        return (f"<NX_SMTP_CLIENT id=0x{self.nx_smtp_client_id:08X} "
                f"cmd={names.get(self.nx_smtp_client_cmd_state)} rsp={names.get(self.nx_smtp_client_rsp_state)}>")


def _new_socket() -> Any:
    try:
        return nx.NX_TCP_SOCKET()
    except AttributeError:      # TCP layer not available: created by create, if ever
        return None


def _new_address() -> Any:
    try:
        return nx.NXD_ADDRESS()
    except AttributeError:
        return None


def smtp_service(checked: Callable, core: Callable, name: str) -> Callable:
    """A public SMTP service: the checking front end, or the core alone when
    NX_SMTP_DISABLE_ERROR_CHECKING is set (the header's mapping)."""
    return switchable_service(checked, core, _smtp_checking_disabled, name)


def _smtp_checking_disabled() -> bool:
    return c.SmtpClientConfig.active.NX_SMTP_DISABLE_ERROR_CHECKING


# ====================================================================== create
def _nxd_smtp_client_create(client_ptr: NX_SMTP_CLIENT, ip_ptr: Any, client_packet_pool_ptr: Any,
                            username: Any, password: Any, from_address: Any, client_domain: Any,
                            authentication_type: int, server_address: Any, port: int) -> int:
    """``nxd_smtp_client_create`` core (_nxd_smtp_client_create): zero the client, copy
    username (≤ NX_SMTP_CLIENT_MAX_USERNAME), password (≤ ..._MAX_PASSWORD) and domain
    (≤ ..._MAX_USERNAME), the server address and ``port & 0xFFFF``; keep a reference to
    ``from_address`` (not checked here); an authentication type other than PLAIN,
    LOGIN or NONE becomes PLAIN (CRAM-MD5 included); set the id; create the TCP socket
    ("SMTP Client socket", window NX_SMTP_CLIENT_TCP_WINDOW_SIZE). Nothing is sent.

    Statuses: NX_SUCCESS; NX_SIZE_ERROR (a string too long: the client stays zeroed);
    NX_PTR_ERROR (a None string); the socket create's status (the id is then already
    set but the client is not initialised: mail_send gives NX_SMTP_CLIENT_NOT_INTIALIZED).
    """
    client_ptr._clear()
    copies: list[bytes] = []
    for text, limit in ((username, c.NX_SMTP_CLIENT_MAX_USERNAME), (password, c.NX_SMTP_CLIENT_MAX_PASSWORD),
                        (client_domain, c.NX_SMTP_CLIENT_MAX_USERNAME)):
        # _nx_utility_string_length_check, inline, on one c_string of the text.
        data = c_string(text)
        if data is None:
            return NX_PTR_ERROR
        if len(data) > limit:
            return NX_SIZE_ERROR
        copies.append(data)
    client_ptr.nx_smtp_username, client_ptr.nx_smtp_password, client_ptr.nx_smtp_client_domain = copies
    address = client_ptr.nx_smtp_server_address
    address.nxd_ip_version = server_address.nxd_ip_version
    address.nxd_ip_address.v4 = server_address.nxd_ip_address.v4
    v6 = getattr(server_address.nxd_ip_address, "v6", None)
    if v6 is not None and hasattr(address.nxd_ip_address, "v6"):
        address.nxd_ip_address.v6 = list(v6)
    client_ptr.nx_smtp_server_port = port & 0xFFFF
    client_ptr.nx_smtp_client_mail.nx_smtp_client_mail_from_address = from_address
    if authentication_type not in (c.NX_SMTP_CLIENT_AUTH_PLAIN, c.NX_SMTP_CLIENT_AUTH_LOGIN,
                                   c.NX_SMTP_CLIENT_AUTH_NONE):
        authentication_type = c.NX_SMTP_CLIENT_AUTH_PLAIN
    client_ptr.nx_smtp_client_authentication_type = authentication_type
    client_ptr.nx_smtp_client_ip_ptr = ip_ptr
    client_ptr.nx_smtp_client_packet_pool_ptr = client_packet_pool_ptr
    client_ptr.nx_smtp_client_id = c.NX_SMTP_CLIENT_ID
    status = nx._nx_tcp_socket_create(ip_ptr, client_ptr.nx_smtp_client_socket, "SMTP Client socket",
                                      nx.NX_IP_NORMAL, nx.NX_FRAGMENT_OKAY, nx.NX_IP_TIME_TO_LIVE,
                                      c.NX_SMTP_CLIENT_TCP_WINDOW_SIZE, None, None)
    if status != NX_SUCCESS:
        return status
    client_ptr.nx_smtp_client_init_status = NX_TRUE
    return NX_SUCCESS


def _ip_created(ip_ptr: Any) -> bool:
    return ip_ptr.nx_ip_id == nx.NX_IP_ID


def _nxde_smtp_client_create(client_ptr: NX_SMTP_CLIENT, ip_ptr: Any, client_packet_pool_ptr: Any,
                             username: Any, password: Any, from_address: Any, client_domain: Any,
                             authentication_type: int, server_address: Any, port: int) -> int:
    """Checks of _nxde_smtp_client_create, in the C order: any None pointer →
    NX_PTR_ERROR; IP instance not created → NX_SMTP_INVALID_PARAM; server address
    version neither 4 nor 6 → NX_IP_ADDRESS_ERROR. Port, type, pool and a second
    create are not checked (as in C)."""
    if ip_ptr is None or client_ptr is None or client_packet_pool_ptr is None or from_address is None \
            or username is None or password is None or client_domain is None or server_address is None:
        return NX_PTR_ERROR
    if not _ip_created(ip_ptr):
        return c.NX_SMTP_INVALID_PARAM
    if server_address.nxd_ip_version not in (NX_IP_VERSION_V4, NX_IP_VERSION_V6):
        return NX_IP_ADDRESS_ERROR
    return _nxd_smtp_client_create(client_ptr, ip_ptr, client_packet_pool_ptr, username, password,
                                   from_address, client_domain, authentication_type, server_address, port)


nxd_smtp_client_create = c_service(
    "UINT nxd_smtp_client_create(NX_SMTP_CLIENT *client_ptr, NX_IP *ip_ptr, NX_PACKET_POOL *client_packet_pool_ptr, CHAR *username, CHAR *password, CHAR *from_address, CHAR *client_domain, UINT authentication_type, NXD_ADDRESS *server_address, UINT port)",
    smtp_service(_nxde_smtp_client_create, _nxd_smtp_client_create, "nxd_smtp_client_create"))


def _nx_smtp_client_create(client_ptr: NX_SMTP_CLIENT, ip_ptr: Any, client_packet_pool_ptr: Any,
                           username: Any, password: Any, from_address: Any, client_domain: Any,
                           authentication_type: int, server_ip_address: int, port: int) -> int:
    """``nx_smtp_client_create`` as in the (NetX) user guide: the IPv4 server address
    as a ULONG. NetX Duo has no such service; this builds the NXD_ADDRESS and runs
    _nxd_smtp_client_create (same statuses)."""
    return _nxd_smtp_client_create(client_ptr, ip_ptr, client_packet_pool_ptr, username, password,
                                   from_address, client_domain, authentication_type,
                                   nx.NXD_ADDRESS(NX_IP_VERSION_V4, server_ip_address & 0xFFFFFFFF), port)


def _nxe_smtp_client_create(client_ptr: NX_SMTP_CLIENT, ip_ptr: Any, client_packet_pool_ptr: Any,
                            username: Any, password: Any, from_address: Any, client_domain: Any,
                            authentication_type: int, server_ip_address: int, port: int) -> int:
    """The _nxde_ checks for the IPv4 form (a None address is NX_PTR_ERROR)."""
    if ip_ptr is None or client_ptr is None or client_packet_pool_ptr is None or from_address is None \
            or username is None or password is None or client_domain is None or server_ip_address is None:
        return NX_PTR_ERROR
    if not _ip_created(ip_ptr):
        return c.NX_SMTP_INVALID_PARAM
    return _nx_smtp_client_create(client_ptr, ip_ptr, client_packet_pool_ptr, username, password,
                                  from_address, client_domain, authentication_type, server_ip_address, port)


nx_smtp_client_create = c_service(
    "UINT nx_smtp_client_create(NX_SMTP_CLIENT *client_ptr, NX_IP *ip_ptr, NX_PACKET_POOL *client_packet_pool_ptr, CHAR *username, CHAR *password, CHAR *from_address, CHAR *client_domain, UINT authentication_type, ULONG server_ip_address /* NULL */, UINT port)",
    smtp_service(_nxe_smtp_client_create, _nx_smtp_client_create, "nx_smtp_client_create"))


# ====================================================================== delete
def _nx_smtp_client_delete(client_ptr: NX_SMTP_CLIENT) -> int:
    """``nx_smtp_client_delete`` core (_nx_smtp_client_delete): a socket still
    ESTABLISHED is disconnected (NX_SMTP_CLIENT_DISCONNECT_TIMEOUT) and unbound, both
    results ignored; then the socket is deleted and the client zeroed. The packet pool
    is the application's.

    Statuses: NX_SUCCESS; the socket delete's failure (NX_STILL_BOUND, NX_NOT_CREATED
    when the socket create had failed), the client then left as it was.
    """
    socket = client_ptr.nx_smtp_client_socket
    if socket is not None and socket.nx_tcp_socket_state == nx.NX_TCP_ESTABLISHED:
        nx._nx_tcp_socket_disconnect(socket, c.NX_SMTP_CLIENT_DISCONNECT_TIMEOUT)
        nx._nx_tcp_client_socket_unbind(socket)
    if socket is None:
        return nx.NX_NOT_CREATED
    status = nx._nx_tcp_socket_delete(socket)
    if status != NX_SUCCESS:
        return status
    client_ptr._clear()
    return NX_SUCCESS


def _nxe_smtp_client_delete(client_ptr: NX_SMTP_CLIENT) -> int:
    """_nxe_smtp_client_delete: None or a client whose id is not set → NX_PTR_ERROR
    (no caller check)."""
    if client_ptr is None or getattr(client_ptr, "nx_smtp_client_id", 0) != c.NX_SMTP_CLIENT_ID:
        return NX_PTR_ERROR
    return _nx_smtp_client_delete(client_ptr)


nx_smtp_client_delete = c_service(
    "UINT nx_smtp_client_delete(NX_SMTP_CLIENT *client_ptr)",
    smtp_service(_nxe_smtp_client_delete, _nx_smtp_client_delete, "nx_smtp_client_delete"))


# =================================================================== mail send
def _nx_smtp_mail_send(client_ptr: NX_SMTP_CLIENT, recipient_address: Any, priority: int, subject: Any,
                       mail_body: Any, mail_body_length: int) -> int:
    """``nx_smtp_mail_send`` core (_nx_smtp_mail_send): one whole session, blocking the
    calling thread: bind, connect, greeting, EHLO, [AUTH], MAIL, RCPT, DATA, message,
    QUIT, disconnect, unbind. The priority is stored (anything but LOW/NORMAL/HIGH
    becomes NORMAL) and never used. Recipient, subject and body are checked only as
    each command is built.

    Statuses: NX_SUCCESS (250 after the message and QUIT answered);
    NX_SMTP_CLIENT_NOT_INTIALIZED (client not created, or its socket create failed);
    NX_PTR_ERROR (port only: the client's pool or IP instance was deleted or belongs
    to an earlier run; the C would use it);
    after a completed dialogue the SMTP error stored for it (NX_SMTP_GREET_REPLY_ERROR
    .. NX_SMTP_SERVER_ERROR_REPLY, connection closed after QUIT); otherwise the first
    NetX failure (bind, connect, NX_NO_PACKET for a reply timeout or a packet
    allocation, NX_NOT_CONNECTED for a reset, a send failure, NX_SIZE_ERROR /
    NX_SMTP_INTERNAL_ERROR from a command's length check), connection reset.
    A body shorter than ``mail_body_length`` raises ValueError (C would read past it).
    """
    client_ptr.nx_smtp_client_mute = NX_FALSE
    if client_ptr.nx_smtp_client_init_status != NX_TRUE:
        return c.NX_SMTP_CLIENT_NOT_INTIALIZED
    if not _resources_live(client_ptr):
        return NX_PTR_ERROR
    mail_body_bytes(mail_body, mail_body_length)   # the ValueError above, before connecting
    client_ptr.nx_smtp_client_cmd_state = c.NX_SMTP_CLIENT_STATE_IDLE
    client_ptr.nx_smtp_client_rsp_state = c.NX_SMTP_CLIENT_STATE_IDLE
    mail = client_ptr.nx_smtp_client_mail
    if priority not in (c.NX_SMTP_MAIL_PRIORITY_LOW, c.NX_SMTP_MAIL_PRIORITY_NORMAL, c.NX_SMTP_MAIL_PRIORITY_HIGH):
        priority = c.NX_SMTP_MAIL_PRIORITY_NORMAL
    mail.nx_smtp_client_mail_priority = priority
    mail.nx_smtp_client_mail_subject = subject
    mail.nx_smtp_client_mail_body = mail_body
    mail.nx_smtp_client_mail_body_length = mail_body_length
    mail.nx_smtp_client_mail_recipient_address = recipient_address
    client_ptr.nx_smtp_client_mail_status = NX_SUCCESS
    client_ptr.nx_smtp_client_authentication_state = c.NX_SMTP_NOT_AUTHENTICATED
    client_ptr.nx_smtp_client_reply_code_status = 0
    client_ptr.nx_smtp_client_cmd_state = c.NX_SMTP_CLIENT_STATE_GREETING
    client_ptr.nx_smtp_client_rsp_state = c.NX_SMTP_CLIENT_STATE_GREETING
    return _nx_smtp_client_process(client_ptr)


def _resources_live(client_ptr: NX_SMTP_CLIENT) -> bool:
    """The client's IP instance and packet pool are created in the running kernel. The
    C would allocate from a deleted pool (or one of a previous boot) and send the mail
    anyway; the port refuses with NX_PTR_ERROR before anything is sent."""
    return _packet._valid_pool(client_ptr.nx_smtp_client_packet_pool_ptr) \
        and _arp._valid_ip(client_ptr.nx_smtp_client_ip_ptr)


def _caller_error() -> bool:
    """NX_THREADS_ONLY_CALLER_CHECKING: not from init, an ISR, a timer callback, or
    with no kernel at all."""
    try:
        return nx_threads_only_caller_error(_kernel.kernel())
    except KernelError:
        return True


def _nxe_smtp_mail_send(client_ptr: NX_SMTP_CLIENT, recipient_address: Any, priority: int, subject: Any,
                        mail_body: Any, mail_body_length: int) -> int:
    """_nxe_smtp_mail_send, in the C order: client, recipient, body or subject None →
    NX_PTR_ERROR; body length 0 → NX_SMTP_INVALID_PARAM; not called from a thread →
    NX_CALLER_ERROR. The client id is not checked (the core answers
    NX_SMTP_CLIENT_NOT_INTIALIZED)."""
    if client_ptr is None or recipient_address is None or mail_body is None or subject is None:
        return NX_PTR_ERROR
    if mail_body_length == 0:
        return c.NX_SMTP_INVALID_PARAM
    if _caller_error():
        return NX_CALLER_ERROR
    return _nx_smtp_mail_send(client_ptr, recipient_address, priority, subject, mail_body, mail_body_length)


nx_smtp_mail_send = c_service(
    "UINT nx_smtp_mail_send(NX_SMTP_CLIENT *client_ptr, CHAR *recipient_address, UINT priority, CHAR *subject, CHAR *mail_body, UINT mail_body_length)",
    smtp_service(_nxe_smtp_mail_send, _nx_smtp_mail_send, "nx_smtp_mail_send"))


__all__ = [
    "NX_SMTP_CLIENT", "NX_SMTP_CLIENT_MAIL",
    "nxd_smtp_client_create", "nx_smtp_client_create", "nx_smtp_client_delete", "nx_smtp_mail_send",
    "_nxd_smtp_client_create", "_nxde_smtp_client_create", "_nx_smtp_client_create", "_nxe_smtp_client_create",
    "_nx_smtp_client_delete", "_nxe_smtp_client_delete", "_nx_smtp_mail_send", "_nxe_smtp_mail_send",
]
