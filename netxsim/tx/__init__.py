"""ThreadX model: ``from netxsim.tx import *`` is ``#include "tx_api.h"``."""
from .constants import *  # noqa: F401,F403
from .kernel import KernelRun, tx_kernel_enter  # noqa: F401
from .memory import Pointer  # noqa: F401
from .thread import *  # noqa: F401,F403
from .timer import *  # noqa: F401,F403
from .sizeof import sizeof  # noqa: F401

from . import constants as _c, thread as _th, timer as _ti

__all__ = (list(_c.__all__) + list(_th.__all__) + list(_ti.__all__)
           + ["tx_kernel_enter", "KernelRun", "Pointer", "sizeof"])
