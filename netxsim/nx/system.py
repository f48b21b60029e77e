"""``nx_system_initialize`` (netxduo ``common/src/nx_system_initialize.c``).

NetX keeps a few globals: the created packet-pool list, the created IP list, TCP's
port tables, and the "build options" words whose being non-zero marks the system
as initialised. Here they live per kernel (each ``tx_kernel_enter`` is a fresh
target), and each NetX component registers the function that resets its globals.
"""
from __future__ import annotations

import weakref
from typing import Callable

from netxsim.boundary import c_service
from netxsim.tx.kernel import Kernel, kernel

# Component initialisers in the C call order: packet pools (0), IP (1), TCP (2).
_components: list[tuple[int, Callable[[Kernel], None]]] = []
# Kernels whose NetX system has been initialised (the C build-option words are set).
_initialized: "weakref.WeakSet[Kernel]" = weakref.WeakSet()

PACKET_POOL_COMPONENT = 0
IP_COMPONENT = 1
TCP_COMPONENT = 2


def register_system_component(order: int, initialize: Callable[[Kernel], None]) -> None:
    """Have ``nx_system_initialize`` call ``initialize(k)`` to reset a component's
    globals; ``order`` is the component's place in the C sequence (the constants
    above). Registering the same function twice has no effect."""
    if all(fn is not initialize for _, fn in _components):
        _components.append((order, initialize))
        _components.sort(key=lambda entry: entry[0])


def nx_system_initialized(k: Kernel) -> bool:
    """Whether ``nx_system_initialize`` has run on kernel ``k`` (simulation helper)."""
    return k in _initialized


def _nx_system_initialize() -> None:
    """``nx_system_initialize``: reset NetX's global lists (created packet pools and
    IP instances, TCP tables) and record the build options. Only the first call does
    anything; later calls return at once, as the C checks the build-option words.

    There is no error-checking layer and no caller check: C maps the public name
    straight to the core. Quirk kept: pools created *before* the first
    call drop off the created-pool list but keep working.
    """
    k = kernel()
    if k in _initialized:
        return
    from netxsim.tx import trace as _trace
    tb = _trace.active
    if tb is not None:   # recorded by the first call only, before the components start
        from . import trace as _nxt
        tb.insert(_nxt.NX_TRACE_SYSTEM_INITIALIZE, 0, 0, 0, 0, _nxt.NX_TRACE_INTERNAL_EVENTS)
    for _, initialize in _components:
        initialize(k)
    _initialized.add(k)

nx_system_initialize = c_service("VOID nx_system_initialize(VOID)", _nx_system_initialize)


__all__ = ["nx_system_initialize"]
