"""netxsim: a discrete-event simulation of ThreadX and NetX Duo.

``from netxsim import *`` is ``#include "tx_api.h"`` plus ``#include "nx_api.h"``.
"""
from .tx import *  # noqa: F401,F403
from .nx import *  # noqa: F401,F403
from .tx import __all__ as _tx_all
from .nx import __all__ as _nx_all

__all__ = list(_tx_all) + [name for name in _nx_all if name not in _tx_all]
