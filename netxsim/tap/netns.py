"""Linux network namespaces and TAP devices, by name, for bridging a simulated segment.

Everything here works inside namespaces this module creates (named
``netxsim-<pid>-<n>``): a TAP device is opened from a helper thread that has
entered the namespace with ``setns(2)``, so the device is born there and never
appears in the host's namespace; sockets (including the AF_PACKET capture) are
made the same way. Nothing here reads or changes the host's own interfaces or
routes. Needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN), ``/dev/net/tun`` and the
``ip`` command (iproute2); :func:`tap_unavailable_reason` says which is missing.

Cleanup is by name: :func:`delete_namespace` removes a namespace (the kernel then
destroys every device in it); :func:`sweep_stale_namespaces` removes namespaces of
this naming scheme whose creating process is gone (a run killed with SIGKILL).
"""
from __future__ import annotations

import ctypes
import fcntl
import itertools
import os
import re
import shutil
import socket
import struct
import subprocess
import threading
from typing import Callable, TypeVar

NETNS_DIRECTORY = "/run/netns"
NAMESPACE_PREFIX = "netxsim-"
_NAMESPACE_PATTERN = re.compile(rf"^{NAMESPACE_PREFIX}(\d+)-(\d+)$")

CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
IFNAMSIZ = 16
ETH_P_ALL = 0x0003

_counter = itertools.count()
_libc = ctypes.CDLL(None, use_errno=True)
T = TypeVar("T")


class NetnsError(RuntimeError):
    """A namespace or TAP operation failed (the message names the command and why)."""


def tap_unavailable_reason() -> str | None:
    """None when TAP bridging can work here, else one line saying what is missing."""
    if os.geteuid() != 0:
        return "real peers need root (CAP_NET_ADMIN) to create network namespaces and TAP devices"
    if not os.path.exists("/dev/net/tun"):
        return "real peers need /dev/net/tun (the TUN/TAP driver), which this machine lacks"
    if shutil.which("ip") is None:
        return "real peers need the 'ip' command (iproute2) for network namespaces"
    return None


def new_namespace_name() -> str:
    return f"{NAMESPACE_PREFIX}{os.getpid()}-{next(_counter)}"


def ip(*args: str, namespace: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``ip args`` (inside ``namespace`` when given); raise NetnsError on failure."""
    command = ["ip", *(("-n", namespace) if namespace else ()), *args]
    result = subprocess.run(command, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise NetnsError(f"{' '.join(command)}: {result.stderr.strip() or result.returncode}")
    return result


def create_namespace(name: str) -> None:
    ip("netns", "add", name)


def namespace_exists(name: str) -> bool:
    return os.path.exists(os.path.join(NETNS_DIRECTORY, name))


def delete_namespace(name: str) -> None:
    """Remove namespace ``name`` if it exists (every device in it goes with it)."""
    if namespace_exists(name):
        ip("netns", "delete", name, check=False)


def list_namespaces(prefix: str = NAMESPACE_PREFIX) -> list[str]:
    """Names of existing namespaces starting with ``prefix``."""
    try:
        return sorted(n for n in os.listdir(NETNS_DIRECTORY) if n.startswith(prefix))
    except FileNotFoundError:
        return []


def sweep_stale_namespaces() -> list[str]:
    """Delete ``netxsim-<pid>-<n>`` namespaces whose process no longer exists."""
    removed = []
    for name in list_namespaces():
        match = _NAMESPACE_PATTERN.match(name)
        if match is None:
            continue
        pid = int(match.group(1))
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
            continue  # its owner is alive: not ours to remove
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        delete_namespace(name)
        removed.append(name)
    return removed


def in_namespace(name: str, call: Callable[[], T]) -> T:
    """Run ``call()`` in a helper thread that has entered namespace ``name``.

    Only that thread switches namespace (``setns`` acts per thread); file
    descriptors and sockets it creates stay bound to the namespace for life.
    """
    box: dict[str, object] = {}

    def body() -> None:
        try:
            handle = os.open(os.path.join(NETNS_DIRECTORY, name), os.O_RDONLY | os.O_CLOEXEC)
            try:
                if _libc.setns(handle, CLONE_NEWNET) != 0:
                    error = ctypes.get_errno()
                    raise NetnsError(f"setns({name}): {os.strerror(error)}")
            finally:
                os.close(handle)
            box["value"] = call()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    helper = threading.Thread(target=body, name=f"setns {name}", daemon=True)
    helper.start()
    helper.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def open_tap(namespace: str, ifname: str) -> int:
    """Create TAP device ``ifname`` inside ``namespace`` and return its non-blocking fd.

    ``IFF_TAP | IFF_NO_PI``: whole Ethernet frames, no packet-information header.
    The device is not persistent: closing the fd removes it.
    """
    if not 0 < len(ifname.encode()) < IFNAMSIZ:
        raise ValueError(f"interface name must be 1-15 bytes, got {ifname!r}")

    def create() -> int:
        fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", ifname.encode(), IFF_TAP | IFF_NO_PI))
        except OSError as exc:
            os.close(fd)
            raise NetnsError(f"TUNSETIFF {ifname} in {namespace}: {exc.strerror}") from exc
        return fd

    return in_namespace(namespace, create)


def write_sysctl(namespace: str, key: str, value: str) -> None:
    """Set a ``net.*`` sysctl of ``namespace`` (``/proc/sys/net`` is per namespace)."""
    path = "/proc/sys/" + key.replace(".", "/")

    def write() -> None:
        with open(path, "w") as handle:
            handle.write(value)

    in_namespace(namespace, write)


def namespace_socket(namespace: str, family: int = socket.AF_INET, kind: int = socket.SOCK_STREAM,
                     protocol: int = 0) -> socket.socket:
    """A socket created inside ``namespace``: it binds, connects and routes there."""
    return in_namespace(namespace, lambda: socket.socket(family, kind, protocol))


def packet_socket(namespace: str, ifname: str) -> socket.socket:
    """An AF_PACKET socket inside ``namespace`` seeing every frame on ``ifname``, both ways."""
    def create() -> socket.socket:
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        try:
            sock.bind((ifname, 0))
        except OSError:
            sock.close()
            raise
        return sock
    return in_namespace(namespace, create)


__all__ = ["NetnsError", "tap_unavailable_reason", "new_namespace_name", "ip", "create_namespace",
           "delete_namespace", "namespace_exists", "list_namespaces", "sweep_stale_namespaces",
           "in_namespace", "open_tap", "write_sysctl", "namespace_socket", "packet_socket"]
