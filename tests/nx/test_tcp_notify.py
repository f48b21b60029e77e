"""The TCP notify services (netxsim/nx/tcp_notify.py) against NetX Duo's
nx_tcp_socket_establish_notify.c, _disconnect_complete_notify.c, _timed_wait_callback.c,
_queue_depth_notify_set.c and nxd_tcp_socket_peer_info_get.c: when each callback runs,
in which order, and the statuses of the checking layer."""
from __future__ import annotations

from typing import Any

from netxsim.nx.config import NxConfig
from netxsim.nx import (
    NX_IPv4_TCP_PACKET, NX_TCP_SOCKET, nx_packet_allocate, nx_packet_data_append, nx_tcp_client_socket_bind,
    nx_tcp_client_socket_connect, nx_tcp_enable, nx_tcp_server_socket_accept, nx_tcp_server_socket_listen,
    nx_tcp_socket_create, nx_tcp_socket_disconnect, nx_tcp_socket_disconnect_complete_notify,
    nx_tcp_socket_establish_notify, nx_tcp_socket_queue_depth_notify_set, nx_tcp_socket_send,
    nx_tcp_socket_timed_wait_callback, nx_tcp_socket_transmit_configure, nxd_tcp_socket_peer_info_get,
)
from netxsim.nx.constants import (
    NX_CALLER_ERROR, NX_NO_WAIT, NX_NOT_CONNECTED, NX_NOT_ENABLED, NX_NOT_SUPPORTED, NX_PTR_ERROR, NX_SUCCESS,
    NX_WAIT_FOREVER,
)
from netxsim.nx.ip import NX_FRAGMENT_OKAY, NX_IP_NORMAL, NX_IP_TIME_TO_LIVE
from netxsim.nx.tcp import NX_TCP_ESTABLISHED, NX_TCP_TIMED_WAIT
from netxsim.tx import tx_thread_sleep, tx_time_get
from netxsim.tx.kernel import kernel

from .test_arp import A_ADDR, B_ADDR, Net


def tcp_net(**kwargs: Any) -> Net:
    net = Net(**kwargs)
    original = net.run

    def run(setup: Any, until: int | None = None) -> Any:
        def with_tcp(n: Net) -> None:
            for ip in n.ip.values():
                assert nx_tcp_enable(ip) == NX_SUCCESS
            setup(n)
        return original(with_tcp, until)
    net.run = run  # type: ignore[method-assign]
    return net


def sockets_on(ip: Any) -> NX_TCP_SOCKET:
    socket = NX_TCP_SOCKET()
    assert nx_tcp_socket_create(ip, socket, "s", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 100,
                                None, None) == NX_SUCCESS
    return socket


def sockets(net: Net, window: int = 8192) -> tuple[NX_TCP_SOCKET, NX_TCP_SOCKET]:
    client, server = NX_TCP_SOCKET(), NX_TCP_SOCKET()
    assert nx_tcp_socket_create(net.ip["A"], client, "client", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
                                NX_IP_TIME_TO_LIVE, window, None, None) == NX_SUCCESS
    assert nx_tcp_socket_create(net.ip["B"], server, "server", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
                                NX_IP_TIME_TO_LIVE, window, None, None) == NX_SUCCESS
    return client, server


def test_establish_then_active_close_runs_timed_wait_then_complete() -> None:
    """The client's establish notify runs when the SYN-ACK arrives (before its connect
    returns); closing first, the client reaches TIMED_WAIT when the server's FIN comes:
    the timed-wait callback, then the disconnect-complete notify, both in that state.
    The server (passive close) gets only the disconnect-complete notify, from LAST_ACK."""
    net = tcp_net()
    calls: list = []

    def record(who: str, what: str) -> Any:
        return lambda socket: calls.append((tx_time_get(), who, what, socket.nx_tcp_socket_state))

    def server_thread() -> None:
        _, server = state["sockets"]
        nx_tcp_socket_establish_notify(server, record("server", "established"))
        nx_tcp_socket_disconnect_complete_notify(server, record("server", "complete"))
        nx_tcp_server_socket_listen(net.ip["B"], 80, server, 5, None)
        net.event("server", nx_tcp_server_socket_accept(server, NX_WAIT_FOREVER))
        net.event("server", nxd_tcp_socket_peer_info_get(server)[0])
        tx_thread_sleep(20)
        net.event("server", nx_tcp_socket_disconnect(server, 100))

    def client_thread() -> None:
        client, _ = state["sockets"]
        net.event("client", nxd_tcp_socket_peer_info_get(client))
        for service, what in ((nx_tcp_socket_establish_notify, "established"),
                              (nx_tcp_socket_disconnect_complete_notify, "complete"),
                              (nx_tcp_socket_timed_wait_callback, "timed wait")):
            assert service(client, record("client", what)) == NX_SUCCESS
        nx_tcp_client_socket_bind(client, 5000, NX_NO_WAIT)
        net.event("client", nx_tcp_client_socket_connect(client, B_ADDR, 80, 100))
        status, address, port = nxd_tcp_socket_peer_info_get(client)
        net.event("client", (status, address.nxd_ip_version, address.nxd_ip_address.v4, port))
        tx_thread_sleep(10)
        net.event("client", nx_tcp_socket_disconnect(client, 100))

    state: dict = {}

    def setup(n: Net) -> None:
        state["sockets"] = sockets(n)
        n.thread("server", server_thread, 5)
        n.thread("client", client_thread, 6)

    net.run(setup)
    by_who = [(who, what, state_) for _, who, what, state_ in calls]
    assert ("client", "established", NX_TCP_ESTABLISHED) in by_who
    assert ("server", "established", NX_TCP_ESTABLISHED) in by_who
    client_close = [entry for entry in by_who if entry[0] == "client" and entry[1] != "established"]
    assert client_close == [("client", "timed wait", NX_TCP_TIMED_WAIT), ("client", "complete", NX_TCP_TIMED_WAIT)]
    server_close = [entry for entry in by_who if entry[0] == "server" and entry[1] != "established"]
    # LAST_ACK completed: a server socket goes back to LISTEN (2) before the notify runs.
    assert server_close == [("server", "complete", 2)]
    assert ("client", (NX_NOT_CONNECTED, None, None)) in [(who, what) for _, who, what in net.log]
    assert ("client", (NX_SUCCESS, 4, B_ADDR, 80)) in [(who, what) for _, who, what in net.log]
    assert ("server", NX_SUCCESS) in [(who, what) for _, who, what in net.log]
    assert [what for _, who, what in net.log if who == "client"][-1] == NX_SUCCESS


def test_reset_runs_the_disconnect_complete_notify() -> None:
    """A connection refused (RST to the SYN) ends in a reset: the disconnect-complete
    notify runs, the establish notify never."""
    net = tcp_net()
    calls: list = []

    def client_thread() -> None:
        client, _ = state["sockets"]
        nx_tcp_socket_establish_notify(client, lambda s: calls.append("established"))
        nx_tcp_socket_disconnect_complete_notify(client, lambda s: calls.append("complete"))
        nx_tcp_client_socket_bind(client, 5000, NX_NO_WAIT)
        net.event("client", nx_tcp_client_socket_connect(client, B_ADDR, 81, 100))

    state: dict = {}

    def setup(n: Net) -> None:
        state["sockets"] = sockets(n)
        n.thread("client", client_thread)

    net.run(setup)
    assert calls == ["complete"]
    assert net.log == [(0, "client", NX_NOT_CONNECTED)]


def test_queue_depth_notify_off_by_default_and_when_a_full_queue_drains() -> None:
    """NX_NOT_SUPPORTED in NetX's default build. Built with
    NX_ENABLE_TCP_QUEUE_DEPTH_UPDATE_NOTIFY, with a transmit queue of 2: the notify runs
    once, when the ACK that brings 2 queued segments below 2 arrives."""
    default = tcp_net(names=("A",))
    default.run(lambda n: n.thread("app", lambda: default.event("app", nx_tcp_socket_queue_depth_notify_set(
        sockets_on(n.ip["A"]), lambda s: None))))
    assert [entry[2] for entry in default.log] == [NX_NOT_SUPPORTED]
    net = tcp_net(pool_packets=16, config=NxConfig(NX_ENABLE_TCP_QUEUE_DEPTH_UPDATE_NOTIFY=True))
    calls: list = []

    def client_thread() -> None:
        client, server = state["sockets"]
        net.event("client", nx_tcp_socket_queue_depth_notify_set(client, None))
        net.event("client", nx_tcp_socket_queue_depth_notify_set(client, lambda s: calls.append(tx_time_get())))
        nx_tcp_socket_transmit_configure(client, 2, 100, 5, 0)
        nx_tcp_server_socket_listen(net.ip["B"], 80, server, 5, None)
        nx_tcp_client_socket_bind(client, 5000, NX_NO_WAIT)
        nx_tcp_client_socket_connect(client, B_ADDR, 80, NX_NO_WAIT)
        nx_tcp_server_socket_accept(server, 100)
        for index in range(2):
            status, packet = nx_packet_allocate(net.pool["A"], NX_IPv4_TCP_PACKET, NX_NO_WAIT)
            nx_packet_data_append(packet, bytes([index]) * 10, 10, net.pool["A"], NX_NO_WAIT)
            net.event("client", nx_tcp_socket_send(client, packet, 100))
        tx_thread_sleep(100)

    state: dict = {}

    def setup(n: Net) -> None:
        state["sockets"] = sockets(n)
        n.thread("client", client_thread)

    net.run(setup, until=500)
    assert [what for _, _, what in net.log] == [NX_PTR_ERROR, NX_SUCCESS, NX_SUCCESS, NX_SUCCESS]
    assert len(calls) == 1


def test_checking_layer() -> None:
    net = tcp_net(names=("A",))
    results: list = []

    def app() -> None:
        client = NX_TCP_SOCKET()
        nx_tcp_socket_create(net.ip["A"], client, "c", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE,
                             100, None, None)
        results.append(nx_tcp_socket_establish_notify(client, None))
        results.append(nx_tcp_socket_disconnect_complete_notify(None, lambda s: None))
        results.append(nx_tcp_socket_timed_wait_callback(client, None))
        try:
            nxd_tcp_socket_peer_info_get(object())
        except TypeError as error:   # the argument boundary names service and parameter
            results.append(str(error).split(" must")[0])
        results.append(nxd_tcp_socket_peer_info_get(client))
        state["client"] = client
        tx_thread_sleep(10)

    def isr() -> None:
        client = state["client"]
        results.append(nx_tcp_socket_establish_notify(client, lambda s: None))
        results.append(nxd_tcp_socket_peer_info_get(client)[0])

    state: dict = {}
    net.run(lambda n: (n.thread("app", app), kernel().interrupt_after(5, isr)))
    assert results == [NX_PTR_ERROR, NX_PTR_ERROR, NX_PTR_ERROR, "nxd_tcp_socket_peer_info_get: socket_ptr",
                       (NX_NOT_CONNECTED, None, None),
                       NX_CALLER_ERROR, NX_CALLER_ERROR]
    _ = (A_ADDR, NX_NOT_ENABLED)


def test_a_tcp_wait_that_times_out_counts_as_a_thread_timeout() -> None:
    """ThreadX's _tx_thread_timeout counts every wait that times out, NetX's included."""
    from netxsim.nx import nx_tcp_socket_receive
    from netxsim.tx import tx_thread_performance_info_get
    net = tcp_net()
    seen: list = []

    def client_thread() -> None:
        client, server = state["sockets"]
        nx_tcp_server_socket_listen(net.ip["B"], 80, server, 5, None)
        nx_tcp_client_socket_bind(client, 5000, NX_NO_WAIT)
        nx_tcp_client_socket_connect(client, B_ADDR, 80, NX_NO_WAIT)
        nx_tcp_server_socket_accept(server, 100)
        before = tx_thread_performance_info_get(net.threads["client"])[8]
        seen.append((nx_tcp_socket_receive(client, 30)[0], tx_time_get()))
        seen.append(tx_thread_performance_info_get(net.threads["client"])[8] - before)

    state: dict = {}

    def setup(n: Net) -> None:
        state["sockets"] = sockets(n)
        n.thread("client", client_thread)

    net.run(setup, until=500)
    from netxsim.nx.constants import NX_NO_PACKET
    assert seen[0][0] == NX_NO_PACKET and seen[1] == 1
