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



def switchable_service(checked: Callable, core: Callable, checking_disabled: Callable[[], bool],
                       name: str | None = None) -> Callable:
    """Build a public service that goes through ``checked`` (the error-checking front end,
    which calls ``core``) or straight to ``core`` while ``checking_disabled()`` is true.
    The public function carries the core's docstring. ThreadX, NetX and the SMTP client
    each pass their own switch."""
    @wraps(core)
    def public(*args, **kwargs):
        if checking_disabled():
            return core(*args, **kwargs)
        return checked(*args, **kwargs)
    public.__name__ = public.__qualname__ = name or core.__name__.lstrip("_")
    return public


def service(checked: Callable, core: Callable, name: str | None = None) -> Callable:
    """A ThreadX service: ``_txe_`` front end unless TX_DISABLE_ERROR_CHECKING is set."""
    return switchable_service(checked, core, lambda: TX_DISABLE_ERROR_CHECKING, name)
