"""Run-time switches standing in for ThreadX compile-time options.

``TX_DISABLE_ERROR_CHECKING``: like the C define, services skip the ``_txe_``
argument-checking layer and go straight to the core (``_tx_``) service. Set it
before the services are called (``netxsim.tx.config.TX_DISABLE_ERROR_CHECKING =
True``); with it set, bad arguments are not caught, as in C, and typically raise
a Python exception instead of corrupting memory.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

TX_DISABLE_ERROR_CHECKING = False



def service(checked: Callable, core: Callable, name: str | None = None) -> Callable:
    """Build a public service that goes through ``checked`` (the ``_txe_`` layer) and
    then ``core`` (the ``_tx_`` service), or straight to ``core`` when error checking
    is disabled. The public function carries the core's docstring."""
    @wraps(core)
    def public(*args, **kwargs):
        if TX_DISABLE_ERROR_CHECKING:
            return core(*args, **kwargs)
        return checked(*args, **kwargs)
    public.__name__ = public.__qualname__ = name or core.__name__.lstrip("_")
    return public
