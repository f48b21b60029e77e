"""The RAM network driver (netxsim/nx/ram_driver.py) against NetX Duo's
common/src/nx_ram_network_driver.c: the instance table and MACs, the commands, delivery
rules, delivery in the sender's context, the copy into the receiver's pool (headroom
included), and pool exhaustion with the sender's preemption threshold left at 0.
Uses the Lab harness of test_ip.py."""
from __future__ import annotations

from typing import Any

import pytest

from netxsim import *  # noqa: F401,F403
from netxsim.nx import ip as ip_module, ram_driver
from netxsim.nx.ram_driver import RamDriverLimitWarning, _nx_ram_network_driver
from netxsim.nx.wire import BROADCAST_MAC, IP_PROTO_ICMP, IcmpEcho, Ipv4Header, \
    mac_from_msw_lsw, mac_to_msw_lsw

from .test_ip import (
    A_ADDR, B_ADDR, COMMAND_NAMES, NOBODY, RAW_ADDR, RAW_MAC, Lab, echo_frame, info_counters,
    slot_mac, thread_name, two_ips,
)

def request(ip: NX_IP, command: int, packet: Any = None, mac: bytes | None = None) -> NX_IP_DRIVER:
    """One driver request on interface 0, as NetX issues it (``ip_driver_request``)."""
    msw, lsw = mac_to_msw_lsw(mac) if mac is not None else (0, 0)
    return ip_driver_request(ip, ip.nx_ip_interface[0], command, packet, msw, lsw)


def interface_mac(ip: NX_IP) -> bytes:
    primary = ip.nx_ip_interface[0]
    return mac_from_msw_lsw(primary.nx_interface_physical_address_msw, primary.nx_interface_physical_address_lsw)


def datagram_packet(pool: NX_PACKET_POOL, src: int, dst: int, ip_id: int, echo: IcmpEcho) -> NX_PACKET:
    """A complete IPv4 datagram in a packet with the prepend pointer at the IP header and
    NX_PHYSICAL_HEADER (16) bytes of headroom, ready for a SEND command."""
    message = echo.pack()
    datagram = Ipv4Header(src, dst, IP_PROTO_ICMP, identification=ip_id).pack(len(message)) + message
    status, packet = nx_packet_allocate(pool, NX_PHYSICAL_HEADER, NX_NO_WAIT)
    assert status == NX_SUCCESS
    assert nx_packet_data_append(packet, datagram, len(datagram), pool, NX_NO_WAIT) == NX_SUCCESS
    return packet


# ============================================================================ instances
def test_mac_per_slot_in_first_run_order_and_a_fifth_instance_is_refused() -> None:
    """Slots fill in the order the IP threads first run (C at priority 2 first, then B at 3,
    A at 4, D at 5); MAC = 00:11:22:33:44:56 + slot; INITIALIZE sets MTU 1500 and address
    mapping. The fifth instance gets NX_INVALID_INTERFACE for ATTACH and for every later
    command, so its interface keeps MTU 0 and no MAC (the IP thread set link_up itself)."""
    lab = Lab()
    seen: dict[str, Any] = {}

    def app() -> None:
        for name, ip in lab.ip.items():
            primary = ip.nx_ip_interface[0]
            seen[name] = (interface_mac(ip), primary.nx_interface_ip_mtu_size,
                          primary.nx_interface_address_mapping_needed, primary.nx_interface_link_up)
        seen["E status"] = nx_ip_status_check(lab.ip["E"], NX_IP_LINK_ENABLED, NX_NO_WAIT)
        seen["E user"] = request(lab.ip["E"], NX_LINK_USER_COMMAND).nx_ip_driver_status

    def setup(lab: Lab) -> None:
        for name, priority in (("A", 4), ("B", 3), ("C", 2), ("D", 5), ("E", 6)):
            lab.add(name, priority=priority)
        lab.thread("app", app, priority=10)

    with pytest.warns(RamDriverLimitWarning, match="NX_MAX_RAM_INTERFACES = 4"):
        lab.run(setup)
    assert {name: value for name, value in seen.items() if len(name) == 1} == {
        "C": (slot_mac(0), 1500, 1, 1), "B": (slot_mac(1), 1500, 1, 1), "A": (slot_mac(2), 1500, 1, 1),
        "D": (slot_mac(3), 1500, 1, 1), "E": (bytes(6), 0, 0, 1)}
    assert lab.commands("E") == [(0, "E", command, "E", NX_INVALID_INTERFACE)
                                 for command in ("INTERFACE_ATTACH", "INITIALIZE", "ENABLE")] + [
        (0, "E", "GET_STATUS", "app", NX_INVALID_INTERFACE), (0, "E", "USER_COMMAND", "app", NX_INVALID_INTERFACE)]
    assert (seen["E status"], seen["E user"]) == ((NX_NOT_SUCCESSFUL, 0), NX_INVALID_INTERFACE)
    assert [port.mac for port in lab.wire.ports] == [slot_mac(slot) for slot in range(4)]
    assert [port.name for port in lab.wire.ports] == ["C", "B", "A", "D"]


def test_commands_status_results_and_link_flag() -> None:
    """GET_* return 0 (GET_STATUS the link flag of interface 0), DISABLE/ENABLE flip the
    link flag, DEFERRED_PROCESSING does nothing, unknown commands are NX_UNHANDLED_COMMAND.
    With the link disabled the status check finds no link, yet this driver still
    transmits: a SEND issued while link_up is 0 reaches B."""
    lab = Lab()

    def app() -> None:
        a = lab.ip["A"]
        tx_thread_sleep(10)
        results = {}
        for command in (NX_LINK_GET_STATUS, NX_LINK_GET_SPEED, NX_LINK_GET_DUPLEX_TYPE, NX_LINK_GET_ERROR_COUNT,
                        NX_LINK_GET_RX_COUNT, NX_LINK_GET_TX_COUNT, NX_LINK_GET_ALLOC_ERRORS):
            done = request(a, command)
            results[COMMAND_NAMES[command]] = (done.nx_ip_driver_status, done.nx_ip_driver_return_ptr[0])
        lab.event("app", results)
        lab.event("app", [request(a, command).nx_ip_driver_status
                          for command in (NX_LINK_DEFERRED_PROCESSING, NX_LINK_USER_COMMAND, 99, NX_LINK_RX_ENABLE)])
        lab.event("app", request(a, NX_LINK_DISABLE).nx_ip_driver_status)
        done = request(a, NX_LINK_GET_STATUS)
        lab.event("app", (done.nx_ip_driver_status, done.nx_ip_driver_return_ptr[0],
                          a.nx_ip_interface[0].nx_interface_link_up))
        lab.event("app", nx_ip_status_check(a, NX_IP_LINK_ENABLED, NX_NO_WAIT))
        lab.event("app", nx_ip_interface_status_check(a, 0, NX_IP_INTERFACE_LINK_ENABLED | NX_IP_INITIALIZE_DONE,
                                                      NX_NO_WAIT))
        packet = datagram_packet(lab.pool["A"], A_ADDR, B_ADDR, 1, IcmpEcho(0, 1, 1, b"down"))
        lab.event("app", request(a, NX_LINK_PACKET_SEND, packet, slot_mac(1)).nx_ip_driver_status)
        lab.event("app", info_counters(lab, "B")["received"])
        lab.event("app", request(a, NX_LINK_ENABLE).nx_ip_driver_status)
        lab.event("app", (request(a, NX_LINK_GET_STATUS).nx_ip_driver_return_ptr[0],
                          nx_ip_status_check(a, NX_IP_LINK_ENABLED, NX_NO_WAIT)))

    def setup(lab: Lab) -> None:
        two_ips(lab)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [
        (10, "app", {"GET_STATUS": (NX_SUCCESS, 1), "GET_SPEED": (NX_SUCCESS, 0), "GET_DUPLEX_TYPE": (NX_SUCCESS, 0),
                     "GET_ERROR_COUNT": (NX_SUCCESS, 0), "GET_RX_COUNT": (NX_SUCCESS, 0),
                     "GET_TX_COUNT": (NX_SUCCESS, 0), "GET_ALLOC_ERRORS": (NX_SUCCESS, 0)}),
        (10, "app", [NX_SUCCESS, NX_UNHANDLED_COMMAND, NX_UNHANDLED_COMMAND, NX_UNHANDLED_COMMAND]),
        (10, "app", NX_SUCCESS),
        (10, "app", (NX_SUCCESS, 0, 0)),
        (10, "app", (NX_NOT_SUCCESSFUL, 0)),
        (10, "app", (NX_NOT_SUCCESSFUL, NX_IP_INITIALIZE_DONE)),
        (10, "app", NX_SUCCESS),
        (10, "app", 1),
        (10, "app", NX_SUCCESS),
        (10, "app", (1, (NX_SUCCESS, NX_IP_LINK_ENABLED))),
    ]
    assert lab.wire_log() == [(10, "A", echo_frame(slot_mac(1), slot_mac(0), A_ADDR, B_ADDR, 1,
                                                   IcmpEcho(0, 1, 1, b"down")), "delivered")]
    lab.assert_pools_full()


def test_get_interface_type_is_unknown() -> None:
    lab = Lab()

    def app() -> None:
        done = request(lab.ip["A"], NX_LINK_GET_INTERFACE_TYPE)
        lab.event("app", (done.nx_ip_driver_status, done.nx_ip_driver_return_ptr[0]))

    lab.run(lambda lab: (lab.add("A"), lab.thread("app", app)))
    assert lab.log == [(0, "app", (NX_SUCCESS, 0))]


def test_set_physical_address_changes_the_mac_frames_are_delivered_to() -> None:
    """After SET_PHYSICAL_ADDRESS 02:00:00:00:00:0b on B, a frame to that MAC reaches B and
    one to B's old MAC does not (the interface's own MAC fields are NetX's business)."""
    lab = Lab()
    new_mac = bytes.fromhex("02000000000b")

    def app() -> None:
        a, b = lab.ip["A"], lab.ip["B"]
        tx_thread_sleep(10)
        lab.event("app", request(b, NX_LINK_SET_PHYSICAL_ADDRESS, mac=new_mac).nx_ip_driver_status)
        for mac in (new_mac, slot_mac(1)):
            packet = datagram_packet(lab.pool["A"], A_ADDR, B_ADDR, 1, IcmpEcho(0, 1, 1, b"mac"))
            request(a, NX_LINK_PACKET_SEND, packet, mac)
            lab.event("app", info_counters(lab, "B")["received"])

    lab.run(lambda lab: (two_ips(lab), lab.thread("app", app)))
    assert lab.log == [(10, "app", NX_SUCCESS), (10, "app", 1), (10, "app", 1)]
    lab.assert_pools_full()


# ============================================================================ delivery rules
def test_delivery_broadcast_unicast_zero_ipv6_multicast_and_joined_multicast() -> None:
    """A bare station sends IPv4 datagrams (unsolicited echo replies, dropped by ICMP) with
    various destination MACs; each IP's received counter shows who got a copy: the
    addressed instance for unicast, everybody but the sender for ff:ff:.., 00:00:.. and
    33:33:.., nobody for an unknown or an unjoined IPv4 multicast MAC — until B joins it
    with NX_LINK_MULTICAST_JOIN, and again not after NX_LINK_MULTICAST_LEAVE."""
    lab = Lab()
    group_mac = bytes.fromhex("01005e000005")
    heard: list[tuple[int, bytes]] = []

    def app() -> None:
        raw = lab.raw_station(heard)
        b = lab.ip["B"]
        tx_thread_sleep(10)

        def send(mac: bytes) -> tuple[int, ...]:
            raw.transmit(echo_frame(mac, RAW_MAC, RAW_ADDR, 0xFFFFFFFF, 1, IcmpEcho(0, 1, 1, b"who")))
            return tuple(info_counters(lab, name)["received"] for name in ("A", "B", "C"))

        for label, mac in (("to A", slot_mac(0)), ("to B", slot_mac(1)), ("broadcast", BROADCAST_MAC),
                           ("zero", bytes(6)), ("ipv6 multicast", bytes.fromhex("333300000001")),
                           ("unknown", bytes.fromhex("020000000099")), ("group", group_mac)):
            lab.event("app", (label, send(mac)))
        lab.event("app", request(b, NX_LINK_MULTICAST_JOIN, mac=group_mac).nx_ip_driver_status)
        lab.event("app", ("joined", send(group_mac)))
        lab.event("app", request(b, NX_LINK_MULTICAST_LEAVE, mac=group_mac).nx_ip_driver_status)
        lab.event("app", ("left", send(group_mac)))

    def setup(lab: Lab) -> None:
        for name in ("A", "B", "C"):
            lab.add(name)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [
        (10, "app", ("to A", (1, 0, 0))),
        (10, "app", ("to B", (1, 1, 0))),
        (10, "app", ("broadcast", (2, 2, 1))),
        (10, "app", ("zero", (3, 3, 2))),
        (10, "app", ("ipv6 multicast", (4, 4, 3))),
        (10, "app", ("unknown", (4, 4, 3))),
        (10, "app", ("group", (4, 4, 3))),
        (10, "app", NX_SUCCESS),
        (10, "app", ("joined", (4, 5, 3))),
        (10, "app", NX_SUCCESS),
        (10, "app", ("left", (4, 5, 3))),
    ]
    assert heard == []  # a station never hears its own frames
    lab.assert_pools_full()


def test_sender_never_receives_its_own_broadcast() -> None:
    """A's who-has is delivered to B and C but not back to A."""
    lab = Lab()

    def app() -> None:
        tx_thread_sleep(10)
        nx_icmp_ping(lab.ip["A"], NOBODY, b"", 0, NX_NO_WAIT)
        lab.event("app", [nx_arp_info_get(lab.ip[name])[2] for name in ("A", "B", "C")])
        nx_arp_dynamic_entries_invalidate(lab.ip["A"])

    def setup(lab: Lab) -> None:
        for name in ("A", "B", "C"):
            lab.add(name)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [(10, "app", [0, 1, 1])]  # ARP requests received
    assert [port.rx_frames for port in lab.wire.ports] == [0, 1, 1]
    lab.assert_pools_full()


def test_multicast_table_has_three_entries() -> None:
    lab = Lab()

    def app() -> None:
        a = lab.ip["A"]
        lab.event("app", [request(a, NX_LINK_MULTICAST_JOIN, mac=bytes.fromhex(f"01005e00000{n}")).nx_ip_driver_status
                          for n in range(1, 5)])
        lab.event("app", request(a, NX_LINK_MULTICAST_LEAVE, mac=bytes.fromhex("01005e000009")).nx_ip_driver_status)

    lab.run(lambda lab: (lab.add("A"), lab.thread("app", app)))
    assert lab.log == [(0, "app", [NX_SUCCESS] * 3 + [NX_NO_MORE_ENTRIES]), (0, "app", NX_ENTRY_NOT_FOUND)]


# ============================================================================ sender's context
def send_echo_via_ip(lab: Lab, source: str, destination_address: int, packet_type: int = NX_IPv4_ICMP_PACKET,
                     data: bytes = b"sync") -> NX_PACKET:
    """What nx_icmp_ping does minus the wait: an echo request in a packet allocated with
    ``packet_type``, handed to NetX's internal _nx_ip_packet_send (header added, driver
    called synchronously in the caller's thread). Returns the packet (now the stack's)."""
    pool = lab.pool[source]
    status, packet = nx_packet_allocate(pool, packet_type, NX_NO_WAIT)
    assert status == NX_SUCCESS
    message = IcmpEcho(8, 0x42, 7, data).pack()
    assert nx_packet_data_append(packet, message, len(message), pool, NX_NO_WAIT) == NX_SUCCESS
    packet.nx_packet_interface_ptr = lab.ip[source].nx_ip_interface[0]  # as the route lookup would set it
    ip_module._nx_ip_packet_send(lab.ip[source], packet, destination_address, ip_module.NX_IP_NORMAL,
                                 ip_module.NX_IP_TIME_TO_LIVE, ip_module.NX_IP_ICMP, ip_module.NX_FRAGMENT_OKAY,
                                 destination_address)
    return packet


def static_entries(lab: Lab) -> None:
    """A and B know each other's MAC: no ARP traffic in the way.

    As in C, a static entry needs a route, and a route needs the link up, which the IP
    thread brings up when it first runs: the entries are made by a thread that runs
    right after the IP threads (same priority, created after them), still at tick 0.
    """
    def make() -> None:
        assert nx_arp_static_entry_create(lab.ip["A"], B_ADDR, *mac_to_msw_lsw(slot_mac(1))) == NX_SUCCESS
        assert nx_arp_static_entry_create(lab.ip["B"], A_ADDR, *mac_to_msw_lsw(slot_mac(0))) == NX_SUCCESS
    priority = max(ip.nx_ip_thread.tx_thread_priority for ip in (lab.ip["A"], lab.ip["B"]))
    lab.thread("static arp", make, priority=priority)


def tracing_lab(monkeypatch: pytest.MonkeyPatch) -> Lab:
    """A Lab whose driver logs each request on entry and exit, and whose IPv4 deferred
    receive (the driver's hand-over) logs the receiver, the calling thread and its
    preemption threshold."""
    lab = Lab()

    def driver(req: NX_IP_DRIVER) -> None:
        who = (req.nx_ip_driver_ptr.nx_ip_name, COMMAND_NAMES[req.nx_ip_driver_command],
               thread_name(tx_thread_identify()))
        if req.nx_ip_driver_command == NX_LINK_PACKET_SEND:
            lab.event("driver", ("enter",) + who)
        _nx_ram_network_driver(req)
        if req.nx_ip_driver_command == NX_LINK_PACKET_SEND:
            lab.event("driver", ("exit",) + who)

    lab.driver = driver  # type: ignore[method-assign]
    original = ip_module._nx_ip_packet_deferred_receive

    def deferred_receive(ip: NX_IP, packet: NX_PACKET) -> None:
        current = tx_thread_identify()
        lab.event("deliver", (ip.nx_ip_name, thread_name(current), tx_thread_info_get(current)[5]))
        original(ip, packet)

    monkeypatch.setattr(ip_module, "_nx_ip_packet_deferred_receive", deferred_receive)
    return lab


def test_delivery_runs_in_the_sender_and_a_more_urgent_receiver_preempts_at_its_end(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The application (priority 10) sends an echo request to B. The copy is handed to B
    inside A's driver call, in the application's thread with its threshold at 0; B's IP
    thread (priority 1) preempts when the output routine restores the threshold — before
    A's driver call returns — and sends its reply at once (delivered to A in B's thread);
    A's IP thread has processed that reply (no waiter: invalid) before the application
    resumes."""
    lab = tracing_lab(monkeypatch)

    def app() -> None:
        tx_thread_sleep(10)
        lab.event("app", "send")
        send_echo_via_ip(lab, "A", B_ADDR)
        lab.event("app", ("returned", lab.ip["A"].nx_ip_icmp_invalid_packets))

    def setup(lab: Lab) -> None:
        two_ips(lab)
        static_entries(lab)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [
        (10, "app", "send"),
        (10, "driver", ("enter", "A", "PACKET_SEND", "app")),
        (10, "deliver", ("B", "app", 0)),
        (10, "driver", ("enter", "B", "PACKET_SEND", "B")),
        (10, "deliver", ("A", "B", 0)),
        (10, "driver", ("exit", "B", "PACKET_SEND", "B")),
        (10, "driver", ("exit", "A", "PACKET_SEND", "app")),
        (10, "app", ("returned", 1)),
    ]
    assert tx_thread_info_get(lab.threads["app"])[5] == 10
    lab.assert_pools_full()


def test_less_urgent_receiver_runs_only_when_the_sender_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Same exchange with the IP threads at priority 20: the application finishes its send
    and runs on; B answers when the application sleeps, still at tick 10."""
    lab = tracing_lab(monkeypatch)

    def app() -> None:
        tx_thread_sleep(10)
        send_echo_via_ip(lab, "A", B_ADDR)
        lab.event("app", ("returned", lab.ip["A"].nx_ip_icmp_invalid_packets))
        tx_thread_sleep(1)
        lab.event("app", ("woke", lab.ip["A"].nx_ip_icmp_invalid_packets))

    def setup(lab: Lab) -> None:
        two_ips(lab, priority=20)
        static_entries(lab)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [
        (10, "driver", ("enter", "A", "PACKET_SEND", "app")),
        (10, "deliver", ("B", "app", 0)),
        (10, "driver", ("exit", "A", "PACKET_SEND", "app")),
        (10, "app", ("returned", 0)),
        (10, "driver", ("enter", "B", "PACKET_SEND", "B")),
        (10, "deliver", ("A", "B", 0)),
        (10, "driver", ("exit", "B", "PACKET_SEND", "B")),
        (11, "app", ("woke", 1)),
    ]
    lab.assert_pools_full()


@pytest.mark.parametrize("packet_type", [NX_IPv4_ICMP_PACKET, NX_IPv4_TCP_PACKET, NX_TCP_PACKET])
def test_received_copy_keeps_the_senders_headroom(monkeypatch: pytest.MonkeyPatch, packet_type: int) -> None:
    """nx_packet_copy copies the first buffer from its data_start: the receiver's packet has
    the same offset of the IP header from nx_packet_data_start as the sender's had
    (packet type - 20), so 14 bytes less at the Ethernet header."""
    lab = Lab()
    offsets: list[tuple[str, str, int]] = []

    def driver(req: NX_IP_DRIVER) -> None:
        if req.nx_ip_driver_command == NX_LINK_PACKET_SEND:
            packet = req.nx_ip_driver_packet
            offsets.append(("send", req.nx_ip_driver_ptr.nx_ip_name,
                            packet.nx_packet_prepend_ptr - packet.nx_packet_data_start))
        _nx_ram_network_driver(req)

    lab.driver = driver  # type: ignore[method-assign]
    original = ip_module._nx_ip_packet_deferred_receive

    def deferred_receive(ip: NX_IP, packet: NX_PACKET) -> None:
        offsets.append(("receive", ip.nx_ip_name, packet.nx_packet_prepend_ptr - packet.nx_packet_data_start))
        original(ip, packet)

    monkeypatch.setattr(ip_module, "_nx_ip_packet_deferred_receive", deferred_receive)

    def app() -> None:
        send_echo_via_ip(lab, "A", B_ADDR, packet_type)

    def setup(lab: Lab) -> None:
        two_ips(lab)
        static_entries(lab)
        lab.thread("app", app)

    lab.run(setup)
    header = packet_type - 20
    # B answers in the very packet it received, so the headroom travels back to A.
    assert offsets == [("send", "A", header), ("receive", "B", header), ("send", "B", header),
                       ("receive", "A", header)]
    lab.assert_pools_full()


def test_ping_response_keeps_the_headroom_of_both_hops() -> None:
    """End to end: the ping request is allocated at NX_IPv4_ICMP_PACKET + 8 (44); B's reply
    reuses B's copy, A's copy of the reply keeps it, so the response handed to the
    application has its data at offset 44 and its IP header at 16."""
    lab = Lab()

    def app() -> None:
        status, response = nx_icmp_ping(lab.ip["A"], B_ADDR, b"room", 4, 10)
        lab.event("app", (status, response.nx_packet_prepend_ptr - response.nx_packet_data_start,
                          response.nx_packet_ip_header - response.nx_packet_data_start))
        nx_packet_release(response)

    lab.run(lambda lab: (two_ips(lab), static_entries(lab), lab.thread("app", app)))
    assert lab.log == [(0, "app", (NX_SUCCESS, NX_IPv4_ICMP_PACKET + 8, NX_IPv4_ICMP_PACKET - 20))]
    lab.assert_pools_full()


# ============================================================================ pool exhaustion
@pytest.mark.parametrize("restore", [False, True])
def test_receive_pool_empty_frame_dropped_and_sender_threshold_left_at_zero(
        monkeypatch: pytest.MonkeyPatch, restore: bool) -> None:
    """B's default pool is empty: the copy fails (one empty request in B's pool), B gets
    nothing, A's packet is still transmit-released. C quirk kept: the sending thread's
    preemption threshold stays 0 — unless RESTORE_THRESHOLD_ON_COPY_FAILURE is set."""
    monkeypatch.setattr(ram_driver, "RESTORE_THRESHOLD_ON_COPY_FAILURE", restore)
    lab = Lab()

    def app() -> None:
        b_pool = lab.pool["B"]
        held = [nx_packet_allocate(b_pool, NX_RECEIVE_PACKET, NX_NO_WAIT)[1] for _ in range(4)]
        lab.event("app", tx_thread_info_get(lab.threads["app"])[4:6])
        send_echo_via_ip(lab, "A", B_ADDR)
        lab.event("app", tx_thread_info_get(lab.threads["app"])[4:6])
        lab.event("app", nx_packet_pool_info_get(b_pool)[1:4])
        lab.event("app", (info_counters(lab, "A")["sent"], info_counters(lab, "B")["received"]))
        for packet in held:
            nx_packet_release(packet)

    def setup(lab: Lab) -> None:
        lab.add("A")
        lab.add("B", packets=4)
        static_entries(lab)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [
        (0, "app", (10, 10)),
        (0, "app", (10, 10 if restore else 0)),
        (0, "app", (4, 0, 1)),        # total, free, empty requests
        (0, "app", (1, 0)),
    ]
    lab.assert_pools_full()


def test_copy_failure_skips_the_later_receivers_of_a_broadcast() -> None:
    """A's who-has (a broadcast) is offered to the other slots in order: B's pool is empty,
    so the output routine returns there and C never sees the frame (no ARP request
    received, no auto entry for A)."""
    lab = Lab()

    def app() -> None:
        b_pool = lab.pool["B"]
        held = [nx_packet_allocate(b_pool, NX_RECEIVE_PACKET, NX_NO_WAIT)[1] for _ in range(2)]
        tx_thread_sleep(10)
        nx_icmp_ping(lab.ip["A"], NOBODY, b"", 0, NX_NO_WAIT)
        lab.event("app", (nx_packet_pool_info_get(b_pool)[3], tx_thread_info_get(lab.threads["app"])[5]))
        tx_thread_sleep(1)  # non-preemptible now: let the IP threads run
        c = lab.ip["C"]
        lab.event("app", (nx_arp_info_get(c)[2], nx_arp_hardware_address_find(c, A_ADDR)[0]))
        for packet in held:
            nx_packet_release(packet)
        nx_arp_dynamic_entries_invalidate(lab.ip["A"])

    def setup(lab: Lab) -> None:
        lab.add("A")
        lab.add("B", packets=2)
        lab.add("C")
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [(10, "app", (1, 0)), (11, "app", (0, NX_ENTRY_NOT_FOUND))]
    assert [(port.name, port.rx_frames) for port in lab.wire.ports] == [("A", 0), ("B", 1), ("C", 0)]
    lab.assert_pools_full()


def test_delivery_follows_slot_order_after_a_slot_is_reused() -> None:
    """A (slot 0) is deleted and C takes slot 0. B (slot 1) broadcasts; slot order is C, D, so
    with C's pool empty the routine returns before D: D hears nothing."""
    lab = Lab()

    def app() -> None:
        tx_thread_sleep(10)
        nx_ip_delete(lab.ip["A"])
        c = lab.add("C", packets=2)
        tx_thread_sleep(1)
        held = [nx_packet_allocate(lab.pool["C"], NX_RECEIVE_PACKET, NX_NO_WAIT)[1] for _ in range(2)]
        lab.event("app", (interface_mac(c), interface_mac(lab.ip["D"])))
        nx_icmp_ping(lab.ip["B"], NOBODY, b"", 0, NX_NO_WAIT)
        tx_thread_sleep(1)  # the failed copy left this thread non-preemptible
        lab.event("app", nx_arp_info_get(lab.ip["D"])[2])
        for packet in held:
            nx_packet_release(packet)
        nx_arp_dynamic_entries_invalidate(lab.ip["B"])

    def setup(lab: Lab) -> None:
        for name in ("A", "B", "D"):
            lab.add(name)
        lab.thread("app", app)

    lab.run(setup)
    assert lab.log == [(11, "app", (slot_mac(0), slot_mac(2))), (12, "app", 0)]
    lab.assert_pools_full()
