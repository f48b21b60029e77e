"""Bad input never sends a wrong mail: the SMTP cases of the hardening issue, each a
regression test that failed before the argument boundary and the safe behaviours.

1. a negative mail_body_length; 2. an int where C has a CHAR *; 3. a non-ASCII str
counted by its length; 6. a deleted pool, a pool of an earlier run, a create after the
run ended; 7. a header larger than the client pool.
"""
from __future__ import annotations

from typing import Any, Callable

import pytest

from netxsim import NX_PACKET_POOL, NX_PTR_ERROR, NX_SUCCESS, nx_packet_pool_create, nx_packet_pool_delete
from netxsim.tx.kernel import KernelError, kernel
from smtp_client import *  # noqa: F401,F403

from . import e2e
from .harness import Rig, v4
from .test_session import BODY, PASSWORD, PLAIN_SCRIPT, USER

DOMAIN = "domain.com"


def _outcome(call: Callable[[], Any]) -> Any:
    """The status, or (exception type name, message) when the call raises."""
    try:
        return call()
    except Exception as error:  # noqa: BLE001 - the test asserts on what was raised
        return type(error).__name__, str(error)


def _create(rig: Rig, client: Any, **override: Any) -> Any:
    args = dict(client_ptr=client, ip_ptr=rig.ip, pool=rig.pool, username=USER, password=PASSWORD,
                from_address=USER, client_domain=DOMAIN, auth=NX_SMTP_CLIENT_AUTH_PLAIN, server_address=v4(),
                port=25)
    args.update(override)
    return nxd_smtp_client_create(*args.values())


def _send_once(monkeypatch: Any, make_call: Callable[[Rig, Any], Any]) -> tuple[Rig, Any]:
    """Create a client in a thread, then ``make_call(rig, client)``; returns its outcome."""
    rig = Rig(PLAIN_SCRIPT).install(monkeypatch)
    client = NX_SMTP_CLIENT()
    box: dict[str, Any] = {}

    def body(rig: Rig) -> None:
        assert _create(rig, client) == NX_SUCCESS
        box["outcome"] = _outcome(lambda: make_call(rig, client))
    rig.run(body)
    return rig, box["outcome"]


def _nothing_sent(rig: Rig) -> bool:
    return rig.sent == [] and "bind" not in rig.calls() and "connect" not in rig.calls()


# ----------------------------------------------------------------- case 1: negative length
def test_negative_body_length_is_a_huge_length_refused_before_connecting(monkeypatch):
    rig, outcome = _send_once(monkeypatch, lambda rig, client: nx_smtp_mail_send(
        client, USER, NX_SMTP_MAIL_PRIORITY_NORMAL, "subject", BODY, -1))
    assert outcome[0] == "ValueError" and "4294967295" in outcome[1]   # -1 is 0xFFFFFFFF, as in C
    assert _nothing_sent(rig)


# ------------------------------------------------------------ case 2: an int for a CHAR *
@pytest.mark.parametrize("argument", ["recipient_address", "subject", "mail_body"])
def test_int_for_a_text_argument_of_mail_send_raises_naming_it(monkeypatch, argument):
    args = dict(recipient_address=USER, subject="subject", mail_body=BODY)
    args[argument] = 7
    rig, outcome = _send_once(monkeypatch, lambda rig, client: nx_smtp_mail_send(
        client, args["recipient_address"], NX_SMTP_MAIL_PRIORITY_NORMAL, args["subject"], args["mail_body"],
        len(BODY)))
    assert outcome == ("ArgumentError", f"nx_smtp_mail_send: {argument} must be str or bytes, got int")
    assert _nothing_sent(rig)


@pytest.mark.parametrize("argument", ["username", "password", "from_address", "client_domain"])
def test_int_for_a_text_argument_of_create_raises_naming_it(monkeypatch, argument):
    rig = Rig(PLAIN_SCRIPT).install(monkeypatch)
    box: dict[str, Any] = {}

    def body(rig: Rig) -> None:
        client = NX_SMTP_CLIENT()
        box["create"] = _outcome(lambda: _create(rig, client, **{argument: 0}))
        box["ipv4 form"] = _outcome(lambda: nx_smtp_client_create(
            client, rig.ip, rig.pool, *[0 if name == argument else value for name, value in (
                ("username", USER), ("password", PASSWORD), ("from_address", USER), ("client_domain", DOMAIN))],
            NX_SMTP_CLIENT_AUTH_PLAIN, e2e.SERVER_ADDRESS, 25))
        box["id"] = client.nx_smtp_client_id
    rig.run(body)
    assert box == {"create": ("ArgumentError", f"nxd_smtp_client_create: {argument} must be str or bytes, got int"),
                   "ipv4 form": ("ArgumentError", f"nx_smtp_client_create: {argument} must be str or bytes, got int"),
                   "id": 0}
    assert rig.calls() == []          # not even the socket was created


# ------------------------------------------------- case 3: non-ASCII str counted in bytes
def test_non_ascii_str_body_with_its_character_count_is_refused(monkeypatch):
    text = "Grüße aus dem Labor\r\n" * 3
    rig, outcome = _send_once(monkeypatch, lambda rig, client: nx_smtp_mail_send(
        client, USER, NX_SMTP_MAIL_PRIORITY_NORMAL, "subject", text, len(text)))
    assert outcome[0] == "ValueError"
    assert outcome[1].startswith("nx_smtp_mail_send: mail_body is a str with non-ASCII characters")
    assert "pass bytes" in outcome[1]
    assert _nothing_sent(rig)


def test_the_same_body_as_bytes_is_sent_whole(monkeypatch):
    data = ("Grüße aus dem Labor\r\n" * 3).encode()
    rig, outcome = _send_once(monkeypatch, lambda rig, client: nx_smtp_mail_send(
        client, USER, NX_SMTP_MAIL_PRIORITY_NORMAL, "subject", data, len(data)))
    assert outcome == NX_SUCCESS and data in rig.sent


# ------------------------------------------------- case 6: deleted / stale pool, ended run
def test_mail_send_with_a_deleted_pool_sends_nothing(monkeypatch):
    rig = Rig(PLAIN_SCRIPT).install(monkeypatch)
    client, box = NX_SMTP_CLIENT(), {}

    def body(rig: Rig) -> None:
        assert _create(rig, client) == NX_SUCCESS
        box["delete pool"] = nx_packet_pool_delete(rig.pool)
        box["send"] = nx_smtp_mail_send(client, USER, NX_SMTP_MAIL_PRIORITY_NORMAL, "s", BODY, len(BODY))
    rig.run(body)
    assert box == {"delete pool": NX_SUCCESS, "send": NX_PTR_ERROR}
    assert _nothing_sent(rig)


def test_pool_of_an_earlier_run_sends_nothing_and_create_after_the_end_raises(monkeypatch):
    old_pool = NX_PACKET_POOL()
    client = NX_SMTP_CLIENT()
    box: dict[str, Any] = {}

    def first(rig: Rig) -> None:
        scratch = kernel().memory.first_unused + 600_000
        box["old pool"] = nx_packet_pool_create(old_pool, "old", 1536, scratch, 8 * 1600)
    Rig(PLAIN_SCRIPT).install(monkeypatch).run(first)

    second_rig = Rig(PLAIN_SCRIPT).install(monkeypatch)

    def second(rig: Rig) -> None:
        box["create"] = _create(rig, client, pool=old_pool)
        box["send"] = nx_smtp_mail_send(client, USER, NX_SMTP_MAIL_PRIORITY_NORMAL, "s", BODY, len(BODY))
        box["old pool id"] = old_pool.nx_packet_pool_id     # zeroed: it was never created in this run
    second_rig.run(second)
    assert box == {"old pool": NX_SUCCESS, "create": NX_SUCCESS, "send": NX_PTR_ERROR, "old pool id": 0}
    assert second_rig.sent == [] and "bind" not in second_rig.calls()

    # The second run completed: a create now is a porting mistake, said loudly.
    with pytest.raises(KernelError, match=r"nxd_smtp_client_create: the run has ended \(completed\)"):
        _create(second_rig, NX_SMTP_CLIENT())
    with pytest.raises(KernelError, match="nx_smtp_mail_send: the run has ended"):
        nx_smtp_mail_send(client, USER, NX_SMTP_MAIL_PRIORITY_NORMAL, "s", BODY, len(BODY))


# ------------------------------------------------------- case 7: header larger than the pool
def test_header_larger_than_the_pool_resets_and_the_server_keeps_no_mail():
    """Long recipient and subject, a one-packet client pool of payload 512: the header
    cannot be built. Nothing follows DATA; the connection is reset, the server discards
    the transaction, the application gets 0xA3 for a mail that was not delivered."""
    result = e2e.run(recipient="r" * 200 + "@example.com", subject="s" * 300, smtp_pool_packets=1,
                     smtp_pool_payload=512)
    assert result.status == NX_SMTP_INTERNAL_ERROR
    assert result.server.mailbox == []
    assert result.client_bytes.endswith(b"DATA\r\n")               # no body, no end of data
    assert result.session.end == "reset"
    result.assert_no_leak()
