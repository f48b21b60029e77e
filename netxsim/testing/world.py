"""Worlds: the simulated network an application under test runs in, in a few lines.

A :class:`World` is declared first (hosts, the simulated SMTP server, the wire) and
built inside ``tx_application_define`` when it runs; the user's own, ported
``tx_application_define`` runs right after, with the first memory the world left
free, and does its own creates (threads, its own IP instances and pools if it wants).
The control blocks of the world's hosts exist from the start (empty until the run
builds them), so application code can name them before the run::

    world = smtp_world()                       # the guide's demo network
    def tx_application_define(first_unused_memory):
        tx_thread_create(thread, "client", entry, 0, first_unused_memory, 4096, 16, 16, 0, TX_AUTO_START)
    run = world.run(tx_application_define)     # tx_kernel_enter
    world.server.mailbox, world.client.ip, world.client.pools["smtp"]

Time control: ``world.run(until=500)`` stops at tick 500; inspect sockets, pools and
the server; ``world.run(until=900)`` continues the *same* kernel (``until`` may also be
a condition, checked every ``every`` ticks). Only a run that ended at ``until`` can be
continued; completed, deadlocked, idle or stopped runs are finished.

Builders with the defaults of the NetX SMTP Client guide's demo (client 1.2.3.5, server
1.2.3.4:25, user ``myusername``/``mypassword``, an SMTP client pool of 10 x 800 bytes):
:func:`smtp_world`, :func:`two_host_world` (hosts A and B as in NetX Duo's own tests),
:func:`smtp_clients_world` (N clients, one server). The guide's IP default pool has a
128-byte payload, with which every server reply longer than 74 bytes arrives chained
and the C client gives up; the worlds default to the 512 bytes of NetX Duo's own SMTP
sample (``ip_pool_payload=128`` reproduces the guide).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Callable

from netxsim.nx.arp import nx_arp_enable
from netxsim.nx.constants import NX_SUCCESS
from netxsim.nx.icmp import nx_icmp_enable
from netxsim.nx.ip import IP_ADDRESS, NX_IP, nx_ip_create
from netxsim.nx.packet import NX_PACKET_POOL, SIZEOF_NX_PACKET, nx_packet_pool_create
from netxsim.nx.ram_driver import NX_MAX_RAM_INTERFACES, _nx_ram_network_driver
from netxsim.nx.segment import EthernetSegment, segment_for
from netxsim.nx.tcp import nx_tcp_enable
from netxsim.peers.smtp_server import SmtpServer
from netxsim.tx.kernel import Kernel, KernelError, KernelRun, tx_kernel_enter
from netxsim.tx.memory import Pointer

from .pools import PoolControl

# The NetX SMTP Client guide's demo parameters.
GUIDE_CLIENT_ADDRESS = IP_ADDRESS(1, 2, 3, 5)
GUIDE_SERVER_ADDRESS = IP_ADDRESS(1, 2, 3, 4)
GUIDE_SERVER_PORT = 25
GUIDE_USERNAME = "myusername"
GUIDE_PASSWORD = "mypassword"
GUIDE_SMTP_POOL_PAYLOAD = 800
GUIDE_SMTP_POOL_PACKETS = 10
GUIDE_IP_POOL_PAYLOAD = 128
SAMPLE_IP_POOL_PAYLOAD = 512          # NetX Duo's SMTP sample
MASK = 0xFFFFFF00


class WorldError(RuntimeError):
    """A world used out of order (continued after a finished run, built twice...)."""


def _stride(payload: int) -> int:
    return (SIZEOF_NX_PACKET + payload + 3) & ~3


@dataclass
class Host:
    """A NetX host of a world: an IP instance on the world's driver with a default pool,
    ARP, TCP and ICMP, plus any further packet pools (``pools``, by name)."""
    name: str
    address: int
    ip_pool_payload: int = 1536
    ip_pool_packets: int = 16
    ip_pool_bytes: int | None = None            # overrides ip_pool_packets (the C size argument)
    extra_pools: dict[str, tuple[int, int]] = field(default_factory=dict)   # name: (payload, packets)
    mask: int = MASK
    ip_priority: int = 1
    ip_stack_size: int = 2048
    arp_cache_size: int = 1040
    driver: Callable | None = None               # default: the world's driver
    ip: NX_IP = field(default_factory=NX_IP)
    ip_pool: NX_PACKET_POOL = field(default_factory=NX_PACKET_POOL)
    pools: dict[str, NX_PACKET_POOL] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.pools["ip"] = self.ip_pool
        for name in self.extra_pools:
            self.pools[name] = NX_PACKET_POOL()

    def build(self, world: "World") -> None:
        size = self.ip_pool_bytes or self.ip_pool_packets * _stride(self.ip_pool_payload)
        world.check(f"{self.name}: nx_packet_pool_create", nx_packet_pool_create(
            self.ip_pool, f"{self.name} IP pool", self.ip_pool_payload, world.take(size), size))
        for name, (payload, packets) in self.extra_pools.items():
            size = packets * _stride(payload)
            world.check(f"{self.name}: nx_packet_pool_create", nx_packet_pool_create(
                self.pools[name], f"{self.name} {name} pool", payload, world.take(size), size))
        world.check(f"{self.name}: nx_ip_create", nx_ip_create(
            self.ip, f"{self.name} IP", self.address, self.mask, self.ip_pool, self.driver or world.driver,
            world.take(self.ip_stack_size), self.ip_stack_size, self.ip_priority))
        world.check(f"{self.name}: nx_arp_enable", nx_arp_enable(
            self.ip, world.take(self.arp_cache_size), self.arp_cache_size))
        world.check(f"{self.name}: nx_tcp_enable", nx_tcp_enable(self.ip))
        world.check(f"{self.name}: nx_icmp_enable", nx_icmp_enable(self.ip))


class World:
    """A declared network, built and run by :meth:`run` (module docstring).

    ``driver``: the network driver of every host (default the RAM driver; the NetX
    test drivers of :mod:`netxsim.testing.ram_test_driver` work too). ``wire``:
    keyword arguments for the driver's Ethernet segment (``faults=LinkFaults(...)``,
    ``bit_rate``, ``propagation_delay``, ``capture``). ``kernel_kwargs`` go to
    ``tx_kernel_enter`` unchanged.
    """

    def __init__(self, *, driver: Callable = _nx_ram_network_driver, wire: dict | None = None,
                 **kernel_kwargs: Any) -> None:
        self.driver = driver
        self.wire_options = dict(wire or {})
        self.kernel_kwargs = kernel_kwargs
        self.hosts: dict[str, Host] = {}
        self.server_options: dict[str, Any] | None = None
        self.server: SmtpServer | None = None
        self.kernel: Kernel | None = None
        self.last_run: KernelRun | None = None
        self.controls: list[PoolControl] = []
        self.wire: EthernetSegment | None = None
        self.first_unused_memory: Pointer | None = None
        self._free: Pointer | None = None
        self._order: list[str] = []

    # ------------------------------------------------------------ declaring
    def add_host(self, name: str, address: int, **options: Any) -> Host:
        """Declare a NetX host (see :class:`Host` for the options)."""
        if self.kernel is not None:
            raise WorldError("declare hosts before the first run")
        host = self.hosts[name] = Host(name, address, **options)
        self._order.append(name)
        self._check_interfaces()
        return host

    def add_smtp_server(self, address: int = GUIDE_SERVER_ADDRESS, **options: Any) -> None:
        """Declare the simulated SMTP server host (:meth:`SmtpServer.create` options;
        ``script=`` makes it a scripted, possibly misbehaving, server)."""
        if self.kernel is not None:
            raise WorldError("declare the server before the first run")
        options.setdefault("driver", self.driver)
        self.server_options = dict(address=address, **options)
        self._order.insert(0, "<smtp server>")
        self._check_interfaces()

    def _check_interfaces(self) -> None:
        if len(self._order) > NX_MAX_RAM_INTERFACES:
            raise WorldError(f"the RAM driver joins at most {NX_MAX_RAM_INTERFACES} interfaces")

    def control(self, pool: NX_PACKET_POOL) -> PoolControl:
        """A :class:`PoolControl` for ``pool`` (a host's, or one the application creates),
        attached once the pool exists: now, or right after ``tx_application_define``."""
        control = PoolControl(pool, attach=self.kernel is not None)
        if not control.attached:
            self.controls.append(control)
        return control

    def __getattr__(self, name: str) -> Host:
        hosts = self.__dict__.get("hosts", {})
        if name in hosts:
            return hosts[name]
        raise AttributeError(name)

    # -------------------------------------------------------------- building
    def take(self, size: int) -> Pointer:
        """Carve ``size`` bytes (4-aligned) of simulated RAM for the world itself."""
        assert self._free is not None
        start = self._free
        self._free = start + ((size + 3) & ~3)
        return start

    @staticmethod
    def check(what: str, status: int) -> None:
        if status != NX_SUCCESS:
            raise WorldError(f"{what} failed with status 0x{status:02X}")

    def _define(self, application_define: Callable[[Pointer], None] | None) -> Callable[[Pointer], None]:
        def tx_application_define(first_unused_memory: Pointer) -> None:
            from netxsim.tx.kernel import kernel
            self.kernel = kernel()
            self._free = first_unused_memory
            self.wire = segment_for(self.kernel, _segment_key(self.driver), **self.wire_options)
            for name in self._order:
                if name == "<smtp server>":
                    assert self.server_options is not None
                    self.server = SmtpServer.create(memory=self.take(0), **self.server_options)
                    self._free = self.server.next_free
                else:
                    self.hosts[name].build(self)
            self.first_unused_memory = self._free
            if application_define is not None:
                application_define(self._free)
            for control in self.controls:
                if not control.attached:
                    control.attach()
        return tx_application_define

    # --------------------------------------------------------------- running
    def run(self, tx_application_define: Callable[[Pointer], None] | None = None, *,
            until: int | Callable[[], bool] | None = None, every: int = 1,
            limit: int | None = None) -> KernelRun:
        """Build and run the world (first call: ``tx_kernel_enter``), or continue it.

        ``until``: a tick, a condition (checked every ``every`` ticks, at most until tick
        ``limit``) or None (to the end of the run). Returns the KernelRun; ``reason`` is
        ``"until"`` when it stopped at ``until`` or when the condition became true.
        """
        if self.kernel is None:
            if isinstance(until, int) or until is None:
                self.last_run = tx_kernel_enter(self._define(tx_application_define), until=until,
                                                **self.kernel_kwargs)
                return self.last_run
            self.last_run = tx_kernel_enter(self._define(tx_application_define), until=0, **self.kernel_kwargs)
        elif tx_application_define is not None:
            raise WorldError("the world is already built: continue it with run(until=...)")
        if callable(until):
            return self._run_while_not(until, every, limit)
        return self._continue(until)

    def advance(self, ticks: int) -> KernelRun:
        """Continue for ``ticks`` ticks."""
        return self.run(until=self.now + ticks)

    def _continue(self, until: int | None) -> KernelRun:
        run = self.last_run
        if run is None or self.kernel is None:
            raise WorldError("the world has not run yet")
        if run.reason != "until":
            raise WorldError(f"the run is finished ({run.reason} at tick {run.ticks}); only a run that "
                             f"ended at until= can continue")
        if getattr(run, "closed", False) or sys.modules["netxsim.tx.kernel"]._current is not self.kernel:
            raise WorldError("another tx_kernel_enter ran since (or the run was closed): "
                             "this world cannot continue")
        self.last_run = self.kernel.run(until)
        return self.last_run

    def _run_while_not(self, condition: Callable[[], bool], every: int, limit: int | None) -> KernelRun:
        assert self.last_run is not None
        while not condition():
            if self.last_run.reason != "until":
                return self.last_run
            if limit is not None and self.now >= limit:
                return self.last_run
            target = self.now + every if limit is None else min(self.now + every, limit)
            self._continue(target)
        return self.last_run

    @property
    def now(self) -> int:
        """The world's tick."""
        return self.kernel.now if self.kernel is not None else 0

    def stop(self, status: int = 0) -> None:
        """End the run with reason "stopped" (``test_control_return``)."""
        if self.kernel is None:
            raise KernelError("the world is not running")
        self.kernel.stop(status)


def _segment_key(driver: Callable) -> Callable:
    """Every RAM driver variant shares the demo RAM driver's segment."""
    module = getattr(driver, "__module__", "")
    if module in ("netxsim.testing.ram_test_driver", "netxsim.nx.ram_driver"):
        return _nx_ram_network_driver
    return driver


def smtp_world(*, server: bool = True, client: bool = True, client_address: int = GUIDE_CLIENT_ADDRESS,
               server_address: int = GUIDE_SERVER_ADDRESS, ip_pool_payload: int = SAMPLE_IP_POOL_PAYLOAD,
               ip_pool_bytes: int = 2048, smtp_pool_payload: int = GUIDE_SMTP_POOL_PAYLOAD,
               smtp_pool_packets: int = GUIDE_SMTP_POOL_PACKETS, users: dict[str, str] | None = None,
               driver: Callable = _nx_ram_network_driver, wire: dict | None = None,
               server_options: dict | None = None, **kernel_kwargs: Any) -> World:
    """One NetX host (``world.client``: ``ip``, ``ip_pool``, ``pools["smtp"]``) and the
    simulated SMTP server (``world.server`` once running), with the guide's demo
    parameters. ``client=False`` leaves the client host to the application's own
    ``tx_application_define`` (a ported demo creating its IP instance and pools).
    ``server_options`` go to :meth:`SmtpServer.create` (e.g. ``script=``)."""
    world = World(driver=driver, wire=wire, **kernel_kwargs)
    if server:
        options = dict(server_options or {})
        if "script" not in options:
            options.setdefault("users", users if users is not None else {GUIDE_USERNAME: GUIDE_PASSWORD})
        world.add_smtp_server(server_address, port=options.pop("port", GUIDE_SERVER_PORT), **options)
    if client:
        world.add_host("client", client_address, ip_pool_payload=ip_pool_payload, ip_pool_bytes=ip_pool_bytes,
                       extra_pools={"smtp": (smtp_pool_payload, smtp_pool_packets)})
    return world


def smtp_clients_world(clients: int, **options: Any) -> World:
    """``clients`` NetX hosts (``client0`` at 1.2.3.10, ``client1`` at 1.2.3.11, ...) and
    one SMTP server, each client as :func:`smtp_world`'s. At most three clients: the
    RAM driver joins four interfaces."""
    first = options.pop("client_address", IP_ADDRESS(1, 2, 3, 10))
    world = smtp_world(client=False, **{k: v for k, v in options.items()
                                        if k not in ("ip_pool_payload", "ip_pool_bytes", "smtp_pool_payload",
                                                     "smtp_pool_packets")})
    for index in range(clients):
        world.add_host(f"client{index}", first + index,
                       ip_pool_payload=options.get("ip_pool_payload", SAMPLE_IP_POOL_PAYLOAD),
                       ip_pool_bytes=options.get("ip_pool_bytes", 2048),
                       extra_pools={"smtp": (options.get("smtp_pool_payload", GUIDE_SMTP_POOL_PAYLOAD),
                                             options.get("smtp_pool_packets", GUIDE_SMTP_POOL_PACKETS))})
    return world


def two_host_world(*, a_address: int = IP_ADDRESS(1, 2, 3, 4), b_address: int = IP_ADDRESS(1, 2, 3, 5),
                   pool_payload: int = 1536, pool_packets: int = 16, driver: Callable = _nx_ram_network_driver,
                   wire: dict | None = None, **kernel_kwargs: Any) -> World:
    """Two NetX hosts, ``world.A`` (1.2.3.4) and ``world.B`` (1.2.3.5), as NetX Duo's own
    TCP tests set them up (a default pool each, ARP, TCP and ICMP enabled)."""
    world = World(driver=driver, wire=wire, **kernel_kwargs)
    world.add_host("A", a_address, ip_pool_payload=pool_payload, ip_pool_packets=pool_packets)
    world.add_host("B", b_address, ip_pool_payload=pool_payload, ip_pool_packets=pool_packets)
    return world


__all__ = ["World", "Host", "WorldError", "smtp_world", "smtp_clients_world", "two_host_world",
           "GUIDE_CLIENT_ADDRESS", "GUIDE_SERVER_ADDRESS", "GUIDE_SERVER_PORT", "GUIDE_USERNAME",
           "GUIDE_PASSWORD", "GUIDE_IP_POOL_PAYLOAD", "SAMPLE_IP_POOL_PAYLOAD"]
