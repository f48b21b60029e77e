"""netxsim: a discrete-event simulation of ThreadX and NetX Duo.

``from netxsim import *`` is ``#include "tx_api.h"`` plus ``#include "nx_api.h"``.
"""
from .tx import *  # noqa: F401,F403
from .tx import __all__ as _tx_all

__all__ = list(_tx_all)
