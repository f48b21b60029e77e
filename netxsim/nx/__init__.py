"""NetX Duo model: ``from netxsim.nx import *`` is ``#include "nx_api.h"``.

Besides the public services, the ``_nx_*`` cores are exported: C code compiled with
``NX_DISABLE_ERROR_CHECKING`` (the SMTP client module) calls them directly.
"""
from .constants import *  # noqa: F401,F403
from .packet import *  # noqa: F401,F403
from .driver import *  # noqa: F401,F403
from .ip import *  # noqa: F401,F403
from .arp import *  # noqa: F401,F403
from .icmp import *  # noqa: F401,F403
from .tcp import *  # noqa: F401,F403
from .tcp_socket import *  # noqa: F401,F403
from .udp import *  # noqa: F401,F403
from .route import *  # noqa: F401,F403
from .fragment import *  # noqa: F401,F403
from .tcp_notify import *  # noqa: F401,F403
from .ip_interface import *  # noqa: F401,F403
from .icmp_nxd import *  # noqa: F401,F403
from .ram_driver import _nx_ram_network_driver  # noqa: F401
from .system import nx_system_initialize, _nx_system_initialize  # noqa: F401
from .config import NxConfig  # noqa: F401
from .trace import *  # noqa: F401,F403

from . import tcp as _tcp, tcp_socket as _tcp_socket
from . import udp as _udp, route as _route, fragment as _fragment, tcp_notify as _tcp_notify
from . import ip_interface as _ip_interface, icmp_nxd as _icmp_nxd
from . import arp as _arp, constants as _c, driver as _d, icmp as _icmp, ip as _ip, packet as _p
from . import trace as _trace

__all__ = (list(_c.__all__) + list(_p.__all__) + list(_d.__all__) + list(_ip.__all__)
           + list(_arp.__all__) + list(_icmp.__all__) + list(_tcp.__all__)
           + list(_tcp_socket.__all__) + list(_trace.__all__)
           + list(_udp.__all__) + list(_route.__all__) + list(_fragment.__all__)
           + list(_tcp_notify.__all__) + list(_ip_interface.__all__)
           + list(_icmp_nxd.__all__)
           + ["_nx_ram_network_driver", "nx_system_initialize", "_nx_system_initialize"]
           + ["NxConfig"])
