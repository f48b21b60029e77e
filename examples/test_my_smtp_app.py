"""The finished tests of the tutorial in docs/testing.md, for the ported guide demo in
my_smtp_app.py. The fixtures (smtp_server_world, call_records) come from the netxsim
pytest plugin; nothing here is specific to this project's own test suite."""
import pytest
from hypothesis import given, settings

import my_smtp_app as app
from netxsim import *  # noqa: F403
from netxsim.nx.faults import LinkFaults
from netxsim.testing import assert_no_packet_leaked, good_smtp_script, record_calls, silent_from, smtp_world
from netxsim.testing.strategies import hostile_smtp_scripts
from smtp_client import *  # noqa: F403

APP_POOLS = (app.client_packet_pool, app.ip_packet_pool)
DOCUMENTED = {NX_SUCCESS, NX_NO_PACKET, NX_NOT_CONNECTED}


def test_mail_is_delivered(smtp_server_world, call_records):
    world = smtp_server_world
    call_records.install(app, "nx_smtp_mail_send")
    run = world.run(app.tx_application_define)
    send = call_records.one("nx_smtp_mail_send")
    assert (run.reason, send.status, send.end) == ("completed", NX_SUCCESS, 100)
    assert world.server.mailbox[0].header("Subject") == app.SUBJECT_LINE
    assert world.server.mailbox[0].content.endswith(app.MAIL_BODY.encode() + b"\r\n")
    assert_no_packet_leaked(*APP_POOLS)


def test_pool_dry_during_data(smtp_server_world, call_records):
    world = smtp_server_world
    call_records.install(app, "nx_smtp_mail_send")
    in_data = lambda: app.demo_client.nx_smtp_client_rsp_state == NX_SMTP_CLIENT_STATE_MESSAGE  # noqa: E731
    pool = world.control(app.client_packet_pool).dry_while(in_data)
    world.run(app.tx_application_define)
    send = call_records.one("nx_smtp_mail_send")
    assert (send.status, send.duration) == (NX_SMTP_INTERNAL_ERROR, NX_SMTP_CLIENT_PACKET_TIMEOUT)
    assert pool.dry_ticks[0][0] == 100            # dry from the DATA reply on
    assert world.server.mailbox == []             # no header: nothing more went out


def test_server_silent_after_data(call_records):
    world = smtp_world(client=False, server_options={"script": silent_from(good_smtp_script(), "message")})
    call_records.install(app, "nx_smtp_mail_send")
    world.run(app.tx_application_define)
    send = call_records.one("nx_smtp_mail_send")
    assert (send.status, send.start, send.end) == (NX_NO_PACKET, 100, 100 + NX_SMTP_MESSAGE_TIMEOUT)
    assert world.server.session.steps[-1].received.endswith(b"\r\n.\r\n")


def test_auth_rejected(call_records):
    world = smtp_world(client=False, users={app.USERNAME: "not the password"})
    call_records.install(app, "nx_smtp_mail_send")
    world.run(app.tx_application_define)
    assert call_records.one("nx_smtp_mail_send").status == NX_SMTP_AUTH_REPLY_ERROR
    assert world.server.mailbox == []


@pytest.mark.parametrize("seed", range(5))
def test_lossy_link(seed, call_records):
    world = smtp_world(client=False, wire={"faults": LinkFaults(seed=seed, drop=0.2)})
    call_records.install(app, "nx_smtp_mail_send")
    assert world.run(app.tx_application_define).reason == "completed"
    status = call_records.one("nx_smtp_mail_send").status
    assert status in DOCUMENTED
    if status == NX_SUCCESS:
        assert world.server.mailbox[0].content.endswith(app.MAIL_BODY.encode() + b"\r\n")
    assert_no_packet_leaked(*APP_POOLS)


@settings(max_examples=25, deadline=None)
@given(script=hostile_smtp_scripts())
def test_hostile_servers(script):
    world = smtp_world(client=False, server_options={"script": script})
    with record_calls(app, "nx_smtp_mail_send") as calls:
        run = world.run(app.tx_application_define)
    status = calls.one("nx_smtp_mail_send").status
    assert run.reason == "completed", run.report()
    assert status in DOCUMENTED or 0xA0 <= status <= 0xB0   # the NX_SMTP_* errors
    assert_no_packet_leaked(*APP_POOLS)
