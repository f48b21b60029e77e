"""netxsim.testing: a toolkit for testing ported NetX applications (see docs/testing.md).

Plain functions, usable without pytest; the pytest plugin (:mod:`netxsim.testing.plugin`,
registered through the ``pytest11`` entry point) wraps them as fixtures. The simulated
stack never imports this package.

- worlds: :func:`smtp_world`, :func:`two_host_world`, :func:`smtp_clients_world`, :class:`World`
- pools: :class:`PoolControl`, :func:`assert_no_packet_leaked`, :func:`assert_no_block_leaked`,
  :func:`assert_no_byte_leaked`
- NetX's test driver and hooks: :mod:`netxsim.testing.ram_test_driver`,
  :func:`test_control_return`, C-named internals in :mod:`netxsim.testing.internals`
- misbehaving servers: :mod:`netxsim.testing.peers`; hypothesis strategies:
  :mod:`netxsim.testing.strategies` (imported on demand: it needs hypothesis)
- call records: :func:`record_calls`, :class:`CallRecorder`
"""
from .calls import CallRecord, CallRecorder, record_calls
from .control import test_control_return
from .peers import (
    SMTP_STEPS, close_at, garbage_at, good_smtp_script, long_reply, reply_at, reset_at, silent_from, slow,
    split_every_byte,
)
from .pools import (
    LeakError, PoolControl, assert_no_block_leaked, assert_no_byte_leaked, assert_no_packet_leaked,
    packet_pool_report, pool_control,
)
from .ram_test_driver import (
    NX_RAMDRIVER_OP_BYPASS, NX_RAMDRIVER_OP_DELAY, NX_RAMDRIVER_OP_DROP, NX_RAMDRIVER_OP_DUPLICATE,
    _nx_ram_network_driver_256, _nx_ram_network_driver_512, _nx_ram_network_driver_1024,
    _nx_ram_network_driver_1500, _nx_ram_network_driver_3000, set_advanced_packet_process_callback,
    set_packet_process_callback,
)
from .world import Host, World, WorldError, smtp_clients_world, smtp_world, two_host_world

__all__ = [
    "CallRecord", "CallRecorder", "record_calls", "test_control_return", "SMTP_STEPS", "close_at",
    "garbage_at", "good_smtp_script", "long_reply", "reply_at", "reset_at", "silent_from", "slow",
    "split_every_byte", "LeakError", "PoolControl", "assert_no_block_leaked", "assert_no_byte_leaked",
    "assert_no_packet_leaked", "packet_pool_report", "pool_control", "NX_RAMDRIVER_OP_BYPASS",
    "NX_RAMDRIVER_OP_DELAY", "NX_RAMDRIVER_OP_DROP", "NX_RAMDRIVER_OP_DUPLICATE",
    "_nx_ram_network_driver_256", "_nx_ram_network_driver_512", "_nx_ram_network_driver_1024",
    "_nx_ram_network_driver_1500", "_nx_ram_network_driver_3000", "set_advanced_packet_process_callback",
    "set_packet_process_callback", "Host", "World", "WorldError", "smtp_clients_world", "smtp_world",
    "two_host_world",
]
