"""nxd_smtp_client_create / nx_smtp_client_create / nx_smtp_client_delete /
nx_smtp_mail_send: the checking layers (_nxde_/_nxe_), the cores' argument handling,
and create/delete with the TCP cores faked (harness.Rig) and with netxsim's own TCP."""
from __future__ import annotations

import pytest

import smtp_client.constants as config
from netxsim.nx import NX_IP, NX_TCP_ESTABLISHED, NXD_ADDRESS
from netxsim.tx import TX_AUTO_ACTIVATE, TX_TIMER, tx_timer_create
from smtp_client import *  # noqa: F401,F403

from netxsim.testing.fake_tcp import SERVER, Rig, v4

USER, PASSWORD, FROM, DOMAIN = "recipient@domain.com", "testpwd", "recipient@domain.com", "domain.com"
PTR, SIZE, ADDRESS, CALLER = 0x07, 0x09, 0x21, 0x11


def run(monkeypatch, body, **rig_options) -> Rig:
    return Rig(**rig_options).install(monkeypatch).run(body)


def create(rig: Rig, client, auth=NX_SMTP_CLIENT_AUTH_PLAIN, port=25, **changes) -> int:
    arguments = dict(client_ptr=client, ip_ptr=rig.ip, pool=rig.pool, username=USER, password=PASSWORD,
                     from_address=FROM, client_domain=DOMAIN, authentication_type=auth, server_address=v4(),
                     port=port)
    arguments.update(changes)
    return nxd_smtp_client_create(*arguments.values())


def test_create_fills_the_control_block(monkeypatch):
    client = NX_SMTP_CLIENT()

    def body(rig):
        rig.result["status"] = create(rig, client, port=0x10019)
    rig = run(monkeypatch, body)
    assert rig.result["status"] == 0
    assert client.nx_smtp_client_id == NX_SMTP_CLIENT_ID == 0x534D5450
    assert (client.nx_smtp_username, client.nx_smtp_password, client.nx_smtp_client_domain) == (
        b"recipient@domain.com", b"testpwd", b"domain.com")
    assert client.nx_smtp_server_port == 25                      # port & 0xFFFF
    assert client.nx_smtp_server_address.nxd_ip_version == 4
    assert client.nx_smtp_server_address.nxd_ip_address.v4 == SERVER
    assert client.nx_smtp_client_init_status == 1
    assert client.nx_smtp_client_mail.nx_smtp_client_mail_from_address is FROM   # by reference
    assert client.nx_smtp_client_ip_ptr is rig.ip and client.nx_smtp_client_packet_pool_ptr is rig.pool
    # Socket: name, NX_IP_NORMAL, NX_FRAGMENT_OKAY, TTL 128, window 1460, no callbacks; nothing sent.
    assert rig.log == [(0, "socket_create", "SMTP Client socket", 0, 0, 0x80, 1460, None, None)]


@pytest.mark.parametrize("given, stored", [
    (NX_SMTP_CLIENT_AUTH_PLAIN, 3), (NX_SMTP_CLIENT_AUTH_LOGIN, 1), (NX_SMTP_CLIENT_AUTH_NONE, 0xFFFF),
    (NX_SMTP_CLIENT_AUTH_CRAM_MD5, 3), (0, 3), (99, 3)])
def test_create_maps_authentication_types(monkeypatch, given, stored):
    client = NX_SMTP_CLIENT()
    run(monkeypatch, lambda rig: create(rig, client, auth=given))
    assert client.nx_smtp_client_authentication_type == stored


@pytest.mark.parametrize("field, value, status", [
    ("username", "u" * 40, 0), ("username", "u" * 41, SIZE), ("password", "p" * 20, 0), ("password", "p" * 21, SIZE),
    ("client_domain", "d" * 40, 0), ("client_domain", "d" * 41, SIZE), ("from_address", "f" * 600, 0)])
def test_create_string_limits(monkeypatch, field, value, status):
    client = NX_SMTP_CLIENT()
    results = {}

    def body(rig):
        results["create"] = create(rig, client, **{field: value})
        results["delete"] = nx_smtp_client_delete(client) if status else None
    run(monkeypatch, body)
    assert results["create"] == status
    if status:   # the client stays zeroed: id 0, so delete refuses it
        assert client.nx_smtp_client_id == 0 and results["delete"] == PTR


@pytest.mark.parametrize("none_argument", ["client_ptr", "ip_ptr", "pool", "username", "password", "from_address",
                                           "client_domain", "server_address"])
def test_create_none_arguments(monkeypatch, none_argument):
    results = {}

    def body(rig):
        # A None pointer wins over an IP instance that was never created.
        results["with_ip"] = create(rig, NX_SMTP_CLIENT(), **{none_argument: None})
        results["no_ip"] = create(rig, NX_SMTP_CLIENT(), **{none_argument: None, **(
            {"ip_ptr": NX_IP()} if none_argument != "ip_ptr" else {})})
    rig = run(monkeypatch, body)
    assert results == {"with_ip": PTR, "no_ip": PTR}
    assert rig.log == []


def test_create_invalid_ip_and_address_version(monkeypatch):
    from netxsim.nx import NX_IP
    results = {}

    def body(rig):
        results["ip"] = create(rig, NX_SMTP_CLIENT(), ip_ptr=NX_IP())
        results["v5"] = create(rig, NX_SMTP_CLIENT(), server_address=NXD_ADDRESS(5, SERVER))
        results["v0"] = create(rig, NX_SMTP_CLIENT(), server_address=NXD_ADDRESS(0, SERVER))
        results["ip_before_version"] = create(rig, NX_SMTP_CLIENT(), ip_ptr=NX_IP(),
                                              server_address=NXD_ADDRESS(5, SERVER))
        results["v6"] = create(rig, NX_SMTP_CLIENT(), server_address=NXD_ADDRESS(6, 0))
    run(monkeypatch, body)
    assert results == {"ip": NX_SMTP_INVALID_PARAM, "v5": ADDRESS, "v0": ADDRESS,
                       "ip_before_version": NX_SMTP_INVALID_PARAM, "v6": 0}


def test_netx_form_of_create(monkeypatch):
    client = NX_SMTP_CLIENT()
    results = {}

    def body(rig):
        results["ok"] = nx_smtp_client_create(client, rig.ip, rig.pool, USER, PASSWORD, FROM, DOMAIN,
                                              NX_SMTP_CLIENT_AUTH_LOGIN, SERVER, 25)
        results["none"] = nx_smtp_client_create(NX_SMTP_CLIENT(), rig.ip, rig.pool, USER, PASSWORD, FROM, DOMAIN,
                                                NX_SMTP_CLIENT_AUTH_LOGIN, None, 25)
    run(monkeypatch, body)
    assert results == {"ok": 0, "none": PTR}
    assert client.nx_smtp_server_address.nxd_ip_version == 4
    assert client.nx_smtp_server_address.nxd_ip_address.v4 == SERVER


def test_socket_create_failure_leaves_the_client_uninitialised(monkeypatch):
    client = NX_SMTP_CLIENT()
    results = {}

    def body(rig):
        rig.result["socket_create_status"] = 0x14
        results["create"] = create(rig, client)
        results["send"] = nx_smtp_mail_send(client, USER, 2, "s", "body", 4)
        results["delete"] = nx_smtp_client_delete(client)
    run(monkeypatch, body)
    # The id is set before the socket is created, so delete goes through to the socket.
    assert results == {"create": 0x14, "send": NX_SMTP_CLIENT_NOT_INTIALIZED, "delete": 0x27}
    assert client.nx_smtp_client_id == NX_SMTP_CLIENT_ID


def test_delete(monkeypatch):
    client = NX_SMTP_CLIENT()
    results = {}

    def body(rig):
        results["none"] = nx_smtp_client_delete(None)
        results["never_created"] = nx_smtp_client_delete(NX_SMTP_CLIENT())
        create(rig, client)
        results["ok"] = nx_smtp_client_delete(client)
        results["again"] = nx_smtp_client_delete(client)
        results["send_after"] = nx_smtp_mail_send(client, USER, 2, "s", "body", 4)
    rig = run(monkeypatch, body)
    assert results == {"none": PTR, "never_created": PTR, "ok": 0, "again": PTR,
                       "send_after": NX_SMTP_CLIENT_NOT_INTIALIZED}
    assert client.nx_smtp_client_id == 0 and client.nx_smtp_username == b""
    assert rig.calls() == ["socket_create", "socket_delete"]


def test_delete_closes_an_established_socket(monkeypatch):
    client = NX_SMTP_CLIENT()

    def body(rig):
        create(rig, client)
        client.nx_smtp_client_socket.nx_tcp_socket_state = NX_TCP_ESTABLISHED
        client.nx_smtp_client_socket.nx_tcp_socket_bound = True
        rig.result["delete"] = nx_smtp_client_delete(client)
    rig = run(monkeypatch, body)
    assert rig.result["delete"] == 0
    assert [entry[1:] for entry in rig.log[1:]] == [("disconnect", 500), ("unbind",), ("socket_delete",)]


def test_delete_reports_a_still_bound_socket(monkeypatch):
    client = NX_SMTP_CLIENT()

    def body(rig):
        create(rig, client)
        client.nx_smtp_client_socket.nx_tcp_socket_bound = True   # bound but not established
        rig.result["delete"] = nx_smtp_client_delete(client)
    rig = run(monkeypatch, body)
    assert rig.result["delete"] == 0x42                        # NX_STILL_BOUND
    assert client.nx_smtp_client_id == NX_SMTP_CLIENT_ID       # left as it was


def test_mail_send_argument_checks_in_c_order(monkeypatch):
    client = NX_SMTP_CLIENT()
    results = {}

    def body(rig):
        create(rig, client)
        results["client"] = nx_smtp_mail_send(None, USER, 2, "s", "b", 0)
        results["recipient"] = nx_smtp_mail_send(client, None, 2, "s", "b", 0)
        results["subject"] = nx_smtp_mail_send(client, USER, 2, None, "b", 1)
        results["body"] = nx_smtp_mail_send(client, USER, 2, "s", None, 1)
        results["length"] = nx_smtp_mail_send(client, USER, 2, "s", "b", 0)
        results["uncreated"] = nx_smtp_mail_send(NX_SMTP_CLIENT(), USER, 2, "s", "b", 1)
    rig = run(monkeypatch, body)
    assert results == {"client": PTR, "recipient": PTR, "subject": PTR, "body": PTR,
                       "length": NX_SMTP_INVALID_PARAM, "uncreated": NX_SMTP_CLIENT_NOT_INTIALIZED}
    assert rig.calls() == ["socket_create"]


def test_mail_send_caller_checks(monkeypatch):
    """NX_THREADS_ONLY_CALLER_CHECKING: refused from initialisation and from a timer
    callback (the system timer thread), before anything is sent."""
    from netxsim.tx import tx_kernel_enter, tx_thread_sleep
    client = NX_SMTP_CLIENT()
    results = {}
    timer = TX_TIMER()
    tx_kernel_enter(lambda memory: results.setdefault("init", nx_smtp_mail_send(client, USER, 2, "s", "b", 1)))

    def body(rig):
        create(rig, client)
        tx_timer_create(timer, "t", lambda _: results.setdefault(
            "timer", nx_smtp_mail_send(client, USER, 2, "s", "b", 1)), 0, 5, 0, TX_AUTO_ACTIVATE)
        tx_thread_sleep(10)
    rig = run(monkeypatch, body)
    assert results == {"init": CALLER, "timer": CALLER}
    assert rig.calls() == ["socket_create"]


def test_mute_is_cleared_even_when_not_initialised():
    client = NX_SMTP_CLIENT()
    client.nx_smtp_client_mute = 1
    from smtp_client.client import _nx_smtp_mail_send
    assert _nx_smtp_mail_send(client, USER, 2, "s", "b", 1) == NX_SMTP_CLIENT_NOT_INTIALIZED
    assert client.nx_smtp_client_mute == 0


def test_disable_error_checking_goes_to_the_cores(monkeypatch):
    monkeypatch.setattr(config, "NX_SMTP_DISABLE_ERROR_CHECKING", True)
    client = NX_SMTP_CLIENT()
    results = {}

    def body(rig):   # services are called inside a run
        # The core does not check the length: an uncreated client answers 0xB2.
        results["send"] = nx_smtp_mail_send(client, USER, 2, "s", "b", 0)
        with pytest.raises(AttributeError):       # the core dereferences the client, as C would
            nx_smtp_client_delete(None)
        results["raised"] = True
    run(monkeypatch, body)
    assert results == {"send": NX_SMTP_CLIENT_NOT_INTIALIZED, "raised": True}


def test_disable_error_checking_is_a_build_option_of_the_run():
    from netxsim.tx import tx_kernel_enter
    seen = []

    def define(_):
        seen.append(nx_smtp_mail_send(NX_SMTP_CLIENT(), USER, 2, "s", "b", 0))
        with pytest.raises(ConfigFrozenError):
            config.NX_SMTP_DISABLE_ERROR_CHECKING = False

    from netxsim.tx.config import ConfigFrozenError
    assert tx_kernel_enter(define).config.NX_SMTP_DISABLE_ERROR_CHECKING is False
    run = tx_kernel_enter(define, config=SmtpClientConfig(NX_SMTP_DISABLE_ERROR_CHECKING=True))
    assert run.config.smtp.NX_SMTP_DISABLE_ERROR_CHECKING is True
    # Checked: the zero length is refused; the core does not look at it.
    assert seen == [NX_SMTP_INVALID_PARAM, NX_SMTP_CLIENT_NOT_INTIALIZED]


def test_body_shorter_than_its_length_is_refused_before_connecting(monkeypatch):
    client = NX_SMTP_CLIENT()
    errors = []

    def body(rig):
        create(rig, client)
        try:
            nx_smtp_mail_send(client, USER, 2, "s", b"abc", 4)
        except ValueError as error:
            errors.append(error)
    rig = run(monkeypatch, body)
    assert errors and "bind" not in rig.calls()


def test_create_delete_with_netxsim_tcp():
    """No fakes: the socket is created on the IP instance and deleted again."""
    client = NX_SMTP_CLIENT()
    rig = Rig()

    def body(rig):
        rig.result["create"] = create(rig, client)
        socket = client.nx_smtp_client_socket
        rig.result["listed"] = socket in rig.ip.nx_ip_tcp_created_sockets
        rig.result["window"] = socket.nx_tcp_socket_rx_window_default
        rig.result["delete"] = nx_smtp_client_delete(client)
        rig.result["unlisted"] = socket not in rig.ip.nx_ip_tcp_created_sockets

    def define_tcp(rig_body):
        def with_tcp(rig):
            from netxsim.nx import nx_tcp_enable
            assert nx_tcp_enable(rig.ip) == 0
            rig_body(rig)
        return with_tcp
    rig.run(define_tcp(body))
    assert rig.result == {"create": 0, "listed": True, "window": 1460, "delete": 0, "unlisted": True}
