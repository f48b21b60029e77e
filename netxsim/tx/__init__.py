"""ThreadX model: ``from netxsim.tx import *`` is ``#include "tx_api.h"``."""
from __future__ import annotations

import importlib

from .config import BuildConfig, ConfigFrozenError, TxConfig
from .kernel import KernelRun, tx_kernel_enter
from .memory import Pointer
from .sizeof import sizeof
from .thread import cpu_work

_MODULES = ("constants", "thread", "timer", "semaphore", "mutex", "event_flags", "queue", "trace",
            "block_pool", "byte_pool", "performance", "interrupt")

__all__ = ["tx_kernel_enter", "KernelRun", "Pointer", "sizeof", "cpu_work"]
__all__ += ["TxConfig", "BuildConfig", "ConfigFrozenError"]  # the build configuration
for _name in _MODULES:
    _module = importlib.import_module(f".{_name}", __name__)
    for _symbol in dir(_module):
        if _symbol.startswith(("TX_", "tx_")) or _symbol == "THREAD_STATE_NAMES":
            globals()[_symbol] = getattr(_module, _symbol)
            if _symbol not in __all__:
                __all__.append(_symbol)
