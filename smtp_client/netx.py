"""The NetX services the SMTP client calls, resolved lazily.

``nxd_smtp_client.c`` is compiled with ``NX_DISABLE_ERROR_CHECKING``, so it calls the
NetX cores (``_nx_packet_allocate``, ``_nx_tcp_socket_send``, ...) directly, with the
C argument orders and netxsim's tuple returns. They are looked up in ``netxsim.nx`` on
first use (PEP 562 module ``__getattr__``), so the SMTP client imports even where a
NetX layer is not built yet, and a test can replace one with ``monkeypatch.setattr``.
"""
from __future__ import annotations

import importlib
from typing import Any

_SOURCES = ("netxsim.nx", "netxsim.nx.tcp_socket", "netxsim.nx.tcp", "netxsim.nx.packet")


def __getattr__(name: str) -> Any:
    if not name.startswith(("_nx", "NX_", "NXD_")):
        raise AttributeError(name)
    for module_name in _SOURCES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if hasattr(module, name):
            value = getattr(module, name)
            globals()[name] = value  # found once: later look-ups are plain attribute reads
            return value
    raise AttributeError(f"netxsim provides no {name} yet (smtp_client.netx)")
