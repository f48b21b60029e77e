"""The ThreadX and NetX internals the C regression tests reach into, under their C names.

C tests read kernel globals and call internal functions directly. Here the same names
are attributes of this module; read them *through the module* so each read is live::

    from netxsim.testing import internals as c
    tx_thread_sleep(c._nx_tcp_2MSL_timer_rate + 1)
    assert c._tx_thread_preempt_disable == 0

(``from netxsim.testing.internals import _tx_thread_preempt_disable`` would copy the
value once, as any Python import does.) What C only reads is read-only here: assigning
raises AttributeError naming the variable.

=============================  ====================================================
``_tx_thread_preempt_disable``  the kernel's preemption-disable count
``_tx_thread_current_ptr``      the running thread (None in ISR/initialisation)
``_tx_thread_execute_ptr``      the thread the scheduler will run next
``_tx_thread_system_state``     0 in threads, non-zero in ISR/initialisation
``_tx_timer_system_clock``      the tick count (``tx_time_get()``)
``_nx_tcp_fast_timer_rate``     ticks between TCP fast-timer runs (``nx_tcp_enable``)
``_nx_tcp_ack_timer_rate``      delayed-ACK timeout in ticks
``_nx_tcp_transmit_timer_rate`` retransmission timer unit in ticks
``_nx_tcp_2MSL_timer_rate``     TIME_WAIT length in ticks
``NX_TCP_ID``                   the socket id marker (``"TCP "``)
``_nx_tcp_packet_receive``      the TCP receive entry the IP thread calls
=============================  ====================================================
"""
from __future__ import annotations

import sys
import types

from netxsim.nx import tcp as _tcp
from netxsim.nx.tcp import NX_TCP_ID, _nx_tcp_packet_receive
from netxsim.tx.kernel import kernel as _kernel

_READ_ONLY = {
    "_tx_thread_preempt_disable": lambda: _kernel().preempt_disable,
    "_tx_thread_current_ptr": lambda: _kernel().current_ptr,
    "_tx_thread_execute_ptr": lambda: _kernel().execute_ptr,
    "_tx_thread_system_state": lambda: _kernel().system_state,
    "_tx_timer_system_clock": lambda: _kernel().now,
    "_nx_tcp_fast_timer_rate": lambda: _tcp._rates()[0],
    "_nx_tcp_ack_timer_rate": lambda: _tcp._rates()[1],
    "_nx_tcp_transmit_timer_rate": lambda: _tcp._rates()[2],
    "_nx_tcp_2MSL_timer_rate": lambda: _tcp._rates()[3],
}


class _InternalsModule(types.ModuleType):
    def __getattr__(self, name: str):   # only called for names not set on the module
        getter = _READ_ONLY.get(name)
        if getter is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        return getter()

    def __setattr__(self, name: str, value) -> None:
        if name in _READ_ONLY:
            raise AttributeError(f"{name} is read-only: C code only reads it")
        super().__setattr__(name, value)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(_READ_ONLY))


sys.modules[__name__].__class__ = _InternalsModule

__all__ = ["NX_TCP_ID", "_nx_tcp_packet_receive", *_READ_ONLY]
