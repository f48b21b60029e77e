"""Every value of ``nxd_smtp_client.h`` (NetX Duo addons/smtp), with its C value.

Configuration defines (``NX_SMTP_CLIENT_PACKET_TIMEOUT``, ...) are module-level
defaults: assign before creating objects, like a ``-D`` option::

    import smtp_client.constants as smtp_config
    smtp_config.NX_SMTP_ENVELOPE_TIMEOUT = 3 * NX_IP_PERIODIC_RATE

The client reads them through this module at the moment it uses them, so an override
takes effect for the next wait. Timeouts are ThreadX ticks (the header comments say
"seconds"; the values are ticks). ``NX_SMTP_CLIENT_AUTH_CHALLENGE_SIZE`` and
``..._ENCODED_SIZE`` are derived in the header; :func:`auth_challenge_size` recomputes
them from the current overrides.
"""
from __future__ import annotations

from netxsim.nx.constants import NX_IP_PERIODIC_RATE, NX_SUCCESS  # noqa: F401  (100 ticks/s; NX_SUCCESS for states.py)
from netxsim.tx.config import Option, StackConfig, _boolean, legacy_switches, register_stack

# ------------------------------------------------ configuration defaults (overridable)
NX_SMTP_CLIENT_TCP_WINDOW_SIZE = 1460
NX_SMTP_CLIENT_PACKET_TIMEOUT = 2 * NX_IP_PERIODIC_RATE
NX_SMTP_CLIENT_CONNECTION_TIMEOUT = 10 * NX_IP_PERIODIC_RATE
NX_SMTP_CLIENT_DISCONNECT_TIMEOUT = 5 * NX_IP_PERIODIC_RATE
NX_SMTP_GREETING_TIMEOUT = 10 * NX_IP_PERIODIC_RATE
NX_SMTP_ENVELOPE_TIMEOUT = 10 * NX_IP_PERIODIC_RATE
NX_SMTP_MESSAGE_TIMEOUT = 30 * NX_IP_PERIODIC_RATE
NX_SMTP_CLIENT_SEND_TIMEOUT = 5 * NX_IP_PERIODIC_RATE
NX_SMTP_CLIENT_MAX_USERNAME = 40
NX_SMTP_CLIENT_MAX_PASSWORD = 20
NX_SMTP_SERVER_CHALLENGE_MAX_STRING = 200

# Derived in the header from the values above (defaults shown; see auth_challenge_size).
NX_SMTP_CLIENT_AUTH_CHALLENGE_SIZE = 2 * NX_SMTP_CLIENT_MAX_USERNAME + NX_SMTP_CLIENT_MAX_PASSWORD + 2  # 102
NX_SMTP_CLIENT_AUTH_CHALLENGE_ENCODED_SIZE = NX_SMTP_CLIENT_AUTH_CHALLENGE_SIZE * 4 // 3 + 1  # 137

# Hard-coded in nxd_smtp_client.c, not configurable there.
NX_SMTP_BUFFER_SIZE = 512          # the command buffer
NX_SMTP_CLIENT_BIND_TIMEOUT = 100  # bind wait, literally 100 ticks in the C (not a header define)

# NX_SMTP_DISABLE_ERROR_CHECKING: the public services skip the _nxe_/_nxde_ checks. A
# build option like NetX's own error-checking switch: stated before the run
# (tx_kernel_enter(..., config={"NX_SMTP_DISABLE_ERROR_CHECKING": True}) or
# SmtpClientConfig(...)), fixed during it; this module name is a view of it.


@register_stack
class SmtpClientConfig(StackConfig):
    """The SMTP client's build switch (``nxd_smtp_client.h``)."""

    STACK = "smtp"
    OPTIONS = {o.name: o for o in (
        Option("NX_SMTP_DISABLE_ERROR_CHECKING", False,
               "nx_smtp_* services skip the _nxe_/_nxde_ argument and caller checks", _boolean),
    )}


legacy_switches(__name__, "NX_SMTP_DISABLE_ERROR_CHECKING")

# Simulation option (not in the C): RFC 5321 §4.5.2 dot-stuffing of the body. Off by
# default because the C sends the body verbatim (quirk 4 in smtp_client/__init__.py).
# A client's own ``dot_stuffing`` attribute, when not None, overrides this.
NX_SMTP_CLIENT_DOT_STUFFING = False

# ------------------------------------------------------------------- session states
NX_SMTP_CLIENT_STATE_AWAITING_REPLY = 0xFFFFFFFF
NX_SMTP_CLIENT_STATE_COMPLETED_NORMALLY = 0xFFFFFFFE
NX_SMTP_CLIENT_STATE_ERROR = 0xFFFFFFFD   # defined, never used by the C

NX_SMTP_CLIENT_STATE_IDLE = 0
NX_SMTP_CLIENT_STATE_GREETING = 1
NX_SMTP_CLIENT_STATE_EHLO = 2
NX_SMTP_CLIENT_STATE_HELO = 3
NX_SMTP_CLIENT_STATE_MAIL = 4
NX_SMTP_CLIENT_STATE_RCPT = 5
NX_SMTP_CLIENT_STATE_DATA = 6
NX_SMTP_CLIENT_STATE_MESSAGE = 7
NX_SMTP_CLIENT_STATE_RSET = 8
NX_SMTP_CLIENT_STATE_QUIT = 9
NX_SMTP_CLIENT_STATE_NOOP = 10
NX_SMTP_CLIENT_STATE_AUTH = 11
NX_SMTP_CLIENT_STATE_AUTH_CHALLENGE = 12

# --------------------------------------------------------------------- status codes
NX_SMTP_AUTHENTICATION_ERROR = 0xA0       # never used by the C
NX_SMTP_OVERSIZE_MAIL_DATA = 0xA1         # never used
NX_SMTP_INVALID_SERVER_REPLY = 0xA2       # internal (challenge parsing)
NX_SMTP_INTERNAL_ERROR = 0xA3
NX_SMTP_SERVER_ERROR_CODE_RECEIVED = 0xA4  # only in the unreachable RSET/NOOP handlers
NX_SMTP_INVALID_PARAM = 0xA5
NX_SMTP_PACKET_ALLOCATE_ERROR = 0xA6      # stored in mail_status, never returned
NX_SMTP_GREET_REPLY_ERROR = 0xA7
NX_SMTP_HELLO_REPLY_ERROR = 0xA8
NX_SMTP_MAIL_REPLY_ERROR = 0xA9
NX_SMTP_RCPT_REPLY_ERROR = 0xAA
NX_SMTP_MESSAGE_REPLY_ERROR = 0xAB
NX_SMTP_DATA_REPLY_ERROR = 0xAC
NX_SMTP_AUTH_REPLY_ERROR = 0xAD
NX_SMTP_SERVER_ERROR_REPLY = 0xAE
NX_SMTP_TRANSMIT_ERROR = 0xAF             # never used
NX_SMTP_INVALID_SERVER_CHALLENGE = 0xB0   # never used
NX_SMTP_OVERSIZE_SERVER_REPLY = 0xB1      # never used
NX_SMTP_CLIENT_NOT_INTIALIZED = 0xB2      # NetX's spelling
NX_SMTP_CLIENT_NOT_INITIALIZED = NX_SMTP_CLIENT_NOT_INTIALIZED  # the user guide's spelling

# -------------------------------------------------------------------- command words
NX_SMTP_COMMAND_EHLO = "EHLO"
NX_SMTP_COMMAND_HELO = "HELO"
NX_SMTP_COMMAND_MAIL = "MAIL FROM"
NX_SMTP_COMMAND_RCPT = "RCPT TO"
NX_SMTP_COMMAND_AUTH = "AUTH"
NX_SMTP_COMMAND_NOOP = "NOOP"
NX_SMTP_COMMAND_DATA = "DATA"
NX_SMTP_COMMAND_RSET = "RSET"
NX_SMTP_COMMAND_QUIT = "QUIT"

# ---------------------------------------------------------------------- reply codes
NX_SMTP_CODE_GREETING_OK = 220
NX_SMTP_CODE_ACKNOWLEDGE_QUIT = 221
NX_SMTP_CODE_AUTHENTICATION_SUCCESSFUL = 235
NX_SMTP_CODE_OK_TO_CONTINUE = 250
NX_SMTP_CODE_CANNOT_VERIFY_RECIPIENT = 252
NX_SMTP_CODE_AUTHENTICATION_TYPE_ACCEPTED = 334
NX_SMTP_CODE_SEND_MAIL_INPUT = 354
NX_SMTP_CODE_SERVICE_NOT_AVAILABLE = 421
NX_SMTP_CODE_SERVICE_INTERNAL_SERVER_ERROR = 451
NX_SMTP_CODE_INSUFFICIENT_STORAGE = 452
NX_SMTP_CODE_AUTH_FAILED_INTERNAL_SERVER_ERROR = 454
NX_SMTP_CODE_COMMAND_SYNTAX_ERROR = 500
NX_SMTP_CODE_PARAMETER_SYNTAX_ERROR = 501
NX_SMTP_CODE_COMMAND_NOT_IMPLEMENTED = 502
NX_SMTP_CODE_BAD_SEQUENCE = 503
NX_SMTP_CODE_PARAMETER_NOT_IMPLEMENTED = 504
NX_SMTP_CODE_AUTH_REQUIRED = 530
NX_SMTP_CODE_AUTH_FAILED = 535
NX_SMTP_CODE_REQUESTED_ACTION_NOT_TAKEN = 550
NX_SMTP_CODE_USER_NOT_LOCAL = 551
NX_SMTP_CODE_OVERSIZE_MAIL_DATA = 552
NX_SMTP_CODE_BAD_MAILBOX = 553
NX_SMTP_CODE_TRANSACTION_FAILED = 554
NX_SMTP_CODE_BAD_SERVER_CODE_RECEIVED = 555

# -------------------------------------------------------------- message components
NX_SMTP_LINE_TERMINATOR = "\r\n"
NX_SMTP_EOM = "\r\n.\r\n"
NX_SMTP_MESSAGE_ID = "Message-ID"    # defined, never used
NX_SMTP_TO_STRING = "To: "
NX_SMTP_FROM_STRING = "From: "
NX_SMTP_SUBJECT_STRING = "Subject: "
NX_SMTP_MAIL_HEADER_COMPONENTS = ("MIME-Version: 1.0\r\n"
                                  "Content-Type: text/plain;\r\n"
                                  "  charset=\"utf-8\"\r\n"
                                  "Content-Transfer-Encoding: 8bit\r\n"
                                  "\r\n")

# ------------------------------------------------------------ authentication prompts
NX_SMTP_CLIENT_REPLY_TO_UNKNOWN_PROMPT = 1
NX_SMTP_CLIENT_REPLY_TO_USERNAME_PROMPT = 2
NX_SMTP_CLIENT_REPLY_TO_PASSWORD_PROMPT = 3
NX_SMTP_CLIENT_REPLY_SERVER_CHALLENGE_PROMPT = 4   # never used
NX_SMTP_USERNAME_PROMPT = "Username:"
NX_SMTP_PASSWORD_PROMPT = "Password:"
NX_SMTP_CANCEL_AUTHENTICATION = "*"

NX_SMTP_CLIENT_ID = 0x534D5450   # "SMTP"

# NX_SMTP_AUTHENTICATION_STATE
NX_SMTP_NOT_AUTHENTICATED = 0
NX_SMTP_AUTHENTICATION_IN_PROGRESS = 1
NX_SMTP_AUTHENTICATION_FAILED = 2      # never set by the C
NX_SMTP_AUTHENTICATION_SUCCEEDED = 3

NX_SMTP_MAIL_PRIORITY_LOW = 0x01
NX_SMTP_MAIL_PRIORITY_NORMAL = 0x02
NX_SMTP_MAIL_PRIORITY_HIGH = 0x04

NX_SMTP_RECIPIENT_TO = 0x01    # unused by the C
NX_SMTP_RECIPIENT_CC = 0x02
NX_SMTP_RECIPIENT_BCC = 0x04

NX_SMTP_SERVER_REPLY_CODE_SIZE = 3

NX_SMTP_CLIENT_AUTH_NONE = 0xFFFF
NX_SMTP_CLIENT_AUTH_LOGIN = 1
NX_SMTP_CLIENT_AUTH_LOGIN_TEXT = "AUTH LOGIN"
NX_SMTP_CLIENT_AUTH_CRAM_MD5 = 2   # create turns it into PLAIN: no working path
NX_SMTP_CLIENT_AUTH_CRAM_MD5_TEXT = "AUTH CRAM-MD5"
NX_SMTP_CLIENT_AUTH_PLAIN = 3
NX_SMTP_CLIENT_AUTH_PLAIN_TEXT = "AUTH PLAIN"

# State names for logs and the state table's documentation.
NX_SMTP_CLIENT_STATE_NAMES = {
    NX_SMTP_CLIENT_STATE_IDLE: "IDLE", NX_SMTP_CLIENT_STATE_GREETING: "GREETING",
    NX_SMTP_CLIENT_STATE_EHLO: "EHLO", NX_SMTP_CLIENT_STATE_HELO: "HELO",
    NX_SMTP_CLIENT_STATE_MAIL: "MAIL", NX_SMTP_CLIENT_STATE_RCPT: "RCPT",
    NX_SMTP_CLIENT_STATE_DATA: "DATA", NX_SMTP_CLIENT_STATE_MESSAGE: "MESSAGE",
    NX_SMTP_CLIENT_STATE_RSET: "RSET", NX_SMTP_CLIENT_STATE_QUIT: "QUIT",
    NX_SMTP_CLIENT_STATE_NOOP: "NOOP", NX_SMTP_CLIENT_STATE_AUTH: "AUTH",
    NX_SMTP_CLIENT_STATE_AUTH_CHALLENGE: "AUTH_CHALLENGE",
    NX_SMTP_CLIENT_STATE_AWAITING_REPLY: "AWAITING_REPLY",
    NX_SMTP_CLIENT_STATE_COMPLETED_NORMALLY: "COMPLETED_NORMALLY",
    NX_SMTP_CLIENT_STATE_ERROR: "ERROR",
}


def auth_challenge_size() -> tuple[int, int]:
    """(NX_SMTP_CLIENT_AUTH_CHALLENGE_SIZE, ..._ENCODED_SIZE) as the header derives them
    from the current NX_SMTP_CLIENT_MAX_USERNAME / _MAX_PASSWORD."""
    size = 2 * NX_SMTP_CLIENT_MAX_USERNAME + NX_SMTP_CLIENT_MAX_PASSWORD + 2
    return size, size * 4 // 3 + 1


__all__ = [name for name in dir() if name.startswith("NX_SMTP")]
__all__ += ["NX_SMTP_DISABLE_ERROR_CHECKING", "SmtpClientConfig"]  # a view of the build, and its class
