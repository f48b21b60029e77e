"""The counters behind ThreadX's performance-information services: where each is
bumped lives in the object modules and the kernel (see :mod:`netxsim.tx.performance`);
this module only keeps them, so that the kernel can import it."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .kernel import Kernel

# Per object type: the kernel's created-list kind, the field prefix, and the counters
# in the order the info services return them.
_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "semaphore": ("tx_semaphore_performance_", ("put", "get", "suspension", "timeout")),
    "mutex": ("tx_mutex_performance_", ("put", "get", "suspension", "timeout", "priority_inversion",
                                        "priority_inheritance")),
    "event_flags": ("tx_event_flags_group_performance_", ("set", "get", "suspension", "timeout")),
    "queue": ("tx_queue_performance_", ("messages_sent", "messages_received", "empty_suspension",
                                        "full_suspension", "full_error", "timeout")),
    "block_pool": ("tx_block_pool_performance_", ("allocate", "release", "suspension", "timeout")),
    "byte_pool": ("tx_byte_pool_performance_", ("allocate", "release", "search", "merge", "split",
                                                "suspension", "timeout")),
    "timer": ("tx_timer_performance_", ("activate", "reactivate", "deactivate", "expiration",
                                        "expiration_adjust")),
    "thread": ("tx_thread_performance_", ("resume", "suspend", "solicited_preemption",
                                          "interrupt_preemption", "priority_inversion", "time_slice",
                                          "relinquish", "timeout", "wait_abort")),
}
_SYSTEM_EXTRA = {"thread": ("non_idle_return", "idle_return")}


_current_kernel: Any = None


def kernel() -> "Kernel":
    global _current_kernel
    current = _current_kernel
    if current is None:
        from .kernel import kernel as current   # imported late: the kernel imports this module
        _current_kernel = current
    return current()


class SystemCounters(dict):
    """``Kernel.tx_performance``: the system-wide counters by ``"kind.name"``. A counter
    that was never bumped is absent and reads 0, so a hot site bumps one in a single
    statement (``k.tx_performance["thread.resume"] += 1``)."""

    __slots__ = ()

    def __missing__(self, key: str) -> int:
        return 0


def _system(k: "Kernel") -> dict[str, int]:
    """The system-wide counters (``Kernel.tx_performance``), by ``kind.name``."""
    return k.tx_performance


def declare(cls: type, kind: str) -> None:
    """Give control-block class ``cls`` a class-level 0 for each counter of ``kind``, so
    that a hot site bumps a counter with ``obj.field += 1`` even on a block whose create
    did not zero it (the system's own threads). The instance attribute still appears
    only once the counter is first bumped, exactly as with ``getattr(obj, field, 0)``."""
    prefix, names = _KINDS[kind]
    for name in names:
        setattr(cls, f"{prefix}{name}_count", 0)


def reset(obj: Any, kind: str) -> None:
    """Zero an object's counters (its create does, as C's memset of the control block)."""
    prefix, names = _KINDS[kind]
    for name in names:
        setattr(obj, f"{prefix}{name}_count", 0)
    if kind == "thread":
        obj.tx_thread_performance_last_preempting_thread = None


_NAMES: dict[tuple[str, str], tuple[str, str]] = {}   # (kind, name) -> (field, system key)


def _names(kind: str, name: str) -> tuple[str, str]:
    names = _NAMES[kind, name] = (f"{_KINDS[kind][0]}{name}_count", f"{kind}.{name}")
    return names


def count(obj: Any, kind: str, name: str, k: "Kernel | None" = None, n: int = 1) -> None:
    """``n`` more ``name`` for ``obj`` (None: the system only) and for the system."""
    names = _NAMES.get((kind, name))
    field, key = names if names is not None else _names(kind, name)
    if obj is not None:
        setattr(obj, field, getattr(obj, field, 0) + n)
    (k if k is not None else kernel()).tx_performance[key] += n


def count_system(kind: str, name: str, k: "Kernel | None" = None) -> None:
    count(None, kind, name, k)


# The object kinds whose cleanup routine counts a wait timeout, by control-block class name.
_TIMEOUT_KINDS = {"TX_SEMAPHORE": "semaphore", "TX_MUTEX": "mutex", "TX_EVENT_FLAGS_GROUP": "event_flags",
                  "TX_QUEUE": "queue", "TX_BLOCK_POOL": "block_pool", "TX_BYTE_POOL": "byte_pool"}


def wait_timed_out(k: "Kernel", thread: Any) -> None:
    """``_tx_thread_timeout`` on a wait (not a sleep): the thread's timeout, and the
    object's, if it is a ThreadX object."""
    count(thread, "thread", "timeout", k)
    block = thread.tx_thread_suspend_control_block
    kind = _TIMEOUT_KINDS.get(type(block).__name__)
    if kind is not None:
        count(block, kind, "timeout", k)
