"""The header's values (nxd_smtp_client.h) and the overridable configuration."""
from __future__ import annotations

import smtp_client
import smtp_client.constants as config
from smtp_client import *  # noqa: F401,F403

STATUS = {
    "NX_SMTP_AUTHENTICATION_ERROR": 0xA0, "NX_SMTP_OVERSIZE_MAIL_DATA": 0xA1,
    "NX_SMTP_INVALID_SERVER_REPLY": 0xA2, "NX_SMTP_INTERNAL_ERROR": 0xA3,
    "NX_SMTP_SERVER_ERROR_CODE_RECEIVED": 0xA4, "NX_SMTP_INVALID_PARAM": 0xA5,
    "NX_SMTP_PACKET_ALLOCATE_ERROR": 0xA6, "NX_SMTP_GREET_REPLY_ERROR": 0xA7,
    "NX_SMTP_HELLO_REPLY_ERROR": 0xA8, "NX_SMTP_MAIL_REPLY_ERROR": 0xA9, "NX_SMTP_RCPT_REPLY_ERROR": 0xAA,
    "NX_SMTP_MESSAGE_REPLY_ERROR": 0xAB, "NX_SMTP_DATA_REPLY_ERROR": 0xAC, "NX_SMTP_AUTH_REPLY_ERROR": 0xAD,
    "NX_SMTP_SERVER_ERROR_REPLY": 0xAE, "NX_SMTP_TRANSMIT_ERROR": 0xAF,
    "NX_SMTP_INVALID_SERVER_CHALLENGE": 0xB0, "NX_SMTP_OVERSIZE_SERVER_REPLY": 0xB1,
    "NX_SMTP_CLIENT_NOT_INTIALIZED": 0xB2,
}
CONFIG = {
    "NX_SMTP_CLIENT_TCP_WINDOW_SIZE": 1460, "NX_SMTP_CLIENT_PACKET_TIMEOUT": 200,
    "NX_SMTP_CLIENT_CONNECTION_TIMEOUT": 1000, "NX_SMTP_CLIENT_DISCONNECT_TIMEOUT": 500,
    "NX_SMTP_GREETING_TIMEOUT": 1000, "NX_SMTP_ENVELOPE_TIMEOUT": 1000, "NX_SMTP_MESSAGE_TIMEOUT": 3000,
    "NX_SMTP_CLIENT_SEND_TIMEOUT": 500, "NX_SMTP_CLIENT_MAX_USERNAME": 40, "NX_SMTP_CLIENT_MAX_PASSWORD": 20,
    "NX_SMTP_SERVER_CHALLENGE_MAX_STRING": 200, "NX_SMTP_CLIENT_AUTH_CHALLENGE_SIZE": 102,
    "NX_SMTP_CLIENT_AUTH_CHALLENGE_ENCODED_SIZE": 137,
}
CODES = {
    "GREETING_OK": 220, "ACKNOWLEDGE_QUIT": 221, "AUTHENTICATION_SUCCESSFUL": 235, "OK_TO_CONTINUE": 250,
    "CANNOT_VERIFY_RECIPIENT": 252, "AUTHENTICATION_TYPE_ACCEPTED": 334, "SEND_MAIL_INPUT": 354,
    "SERVICE_NOT_AVAILABLE": 421, "SERVICE_INTERNAL_SERVER_ERROR": 451, "INSUFFICIENT_STORAGE": 452,
    "AUTH_FAILED_INTERNAL_SERVER_ERROR": 454, "COMMAND_SYNTAX_ERROR": 500, "PARAMETER_SYNTAX_ERROR": 501,
    "COMMAND_NOT_IMPLEMENTED": 502, "BAD_SEQUENCE": 503, "PARAMETER_NOT_IMPLEMENTED": 504,
    "AUTH_REQUIRED": 530, "AUTH_FAILED": 535, "REQUESTED_ACTION_NOT_TAKEN": 550, "USER_NOT_LOCAL": 551,
    "OVERSIZE_MAIL_DATA": 552, "BAD_MAILBOX": 553, "TRANSACTION_FAILED": 554, "BAD_SERVER_CODE_RECEIVED": 555,
}
OTHER = {
    "NX_SMTP_CLIENT_ID": 0x534D5450, "NX_SMTP_CLIENT_AUTH_NONE": 0xFFFF, "NX_SMTP_CLIENT_AUTH_LOGIN": 1,
    "NX_SMTP_CLIENT_AUTH_CRAM_MD5": 2, "NX_SMTP_CLIENT_AUTH_PLAIN": 3,
    "NX_SMTP_CLIENT_AUTH_LOGIN_TEXT": "AUTH LOGIN", "NX_SMTP_CLIENT_AUTH_CRAM_MD5_TEXT": "AUTH CRAM-MD5",
    "NX_SMTP_CLIENT_AUTH_PLAIN_TEXT": "AUTH PLAIN", "NX_SMTP_MAIL_PRIORITY_LOW": 1,
    "NX_SMTP_MAIL_PRIORITY_NORMAL": 2, "NX_SMTP_MAIL_PRIORITY_HIGH": 4, "NX_SMTP_RECIPIENT_TO": 1,
    "NX_SMTP_RECIPIENT_CC": 2, "NX_SMTP_RECIPIENT_BCC": 4, "NX_SMTP_SERVER_REPLY_CODE_SIZE": 3,
    "NX_SMTP_CLIENT_STATE_AWAITING_REPLY": 0xFFFFFFFF, "NX_SMTP_CLIENT_STATE_COMPLETED_NORMALLY": 0xFFFFFFFE,
    "NX_SMTP_CLIENT_STATE_ERROR": 0xFFFFFFFD, "NX_SMTP_CLIENT_REPLY_TO_UNKNOWN_PROMPT": 1,
    "NX_SMTP_CLIENT_REPLY_TO_USERNAME_PROMPT": 2, "NX_SMTP_CLIENT_REPLY_TO_PASSWORD_PROMPT": 3,
    "NX_SMTP_CLIENT_REPLY_SERVER_CHALLENGE_PROMPT": 4, "NX_SMTP_USERNAME_PROMPT": "Username:",
    "NX_SMTP_PASSWORD_PROMPT": "Password:", "NX_SMTP_CANCEL_AUTHENTICATION": "*",
    "NX_SMTP_NOT_AUTHENTICATED": 0, "NX_SMTP_AUTHENTICATION_IN_PROGRESS": 1,
    "NX_SMTP_AUTHENTICATION_FAILED": 2, "NX_SMTP_AUTHENTICATION_SUCCEEDED": 3,
    "NX_SMTP_LINE_TERMINATOR": "\r\n", "NX_SMTP_EOM": "\r\n.\r\n", "NX_SMTP_MESSAGE_ID": "Message-ID",
    "NX_SMTP_TO_STRING": "To: ", "NX_SMTP_FROM_STRING": "From: ", "NX_SMTP_SUBJECT_STRING": "Subject: ",
    "NX_SMTP_COMMAND_EHLO": "EHLO", "NX_SMTP_COMMAND_HELO": "HELO", "NX_SMTP_COMMAND_MAIL": "MAIL FROM",
    "NX_SMTP_COMMAND_RCPT": "RCPT TO", "NX_SMTP_COMMAND_AUTH": "AUTH", "NX_SMTP_COMMAND_NOOP": "NOOP",
    "NX_SMTP_COMMAND_DATA": "DATA", "NX_SMTP_COMMAND_RSET": "RSET", "NX_SMTP_COMMAND_QUIT": "QUIT",
}
STATES = ["IDLE", "GREETING", "EHLO", "HELO", "MAIL", "RCPT", "DATA", "MESSAGE", "RSET", "QUIT", "NOOP", "AUTH",
          "AUTH_CHALLENGE"]


def test_status_codes():
    for name, value in STATUS.items():
        assert getattr(smtp_client, name) == value, name


def test_configuration_defaults_in_ticks():
    for name, value in CONFIG.items():
        assert getattr(config, name) == value, name
    assert config.auth_challenge_size() == (102, 137)


def test_reply_codes():
    for name, value in CODES.items():
        assert getattr(smtp_client, "NX_SMTP_CODE_" + name) == value, name


def test_other_values_and_state_enum():
    for name, value in OTHER.items():
        assert getattr(smtp_client, name) == value, name
    for index, name in enumerate(STATES):
        assert getattr(smtp_client, "NX_SMTP_CLIENT_STATE_" + name) == index, name


def test_mime_block_is_the_headers_100_bytes():
    block = NX_SMTP_MAIL_HEADER_COMPONENTS  # noqa: F405
    assert block == ('MIME-Version: 1.0\r\nContent-Type: text/plain;\r\n  charset="utf-8"\r\n'
                     'Content-Transfer-Encoding: 8bit\r\n\r\n')
    assert len(block) == 100


def test_star_import_is_the_header():
    namespace: dict = {}
    exec("from smtp_client import *", namespace)
    for name in ("nxd_smtp_client_create", "nx_smtp_client_create", "nx_smtp_client_delete", "nx_smtp_mail_send",
                 "NX_SMTP_CLIENT", "NX_SMTP_CLIENT_NOT_INTIALIZED", "NX_SMTP_ENVELOPE_TIMEOUT"):
        assert name in namespace, name


def test_override_takes_effect_at_use(monkeypatch):
    monkeypatch.setattr(config, "NX_SMTP_CLIENT_MAX_USERNAME", 50)
    assert config.auth_challenge_size() == (122, 163)


def test_assigning_on_the_package_reaches_the_client(monkeypatch):
    monkeypatch.setattr(smtp_client, "NX_SMTP_MESSAGE_TIMEOUT", 123)
    assert config.NX_SMTP_MESSAGE_TIMEOUT == 123
    monkeypatch.undo()
    assert config.NX_SMTP_MESSAGE_TIMEOUT == 3000 == smtp_client.NX_SMTP_MESSAGE_TIMEOUT
