"""Pool control and leak checks: make a packet pool run dry when a test chooses, and
assert that every packet, block and byte came back.

Running a pool dry (:class:`PoolControl`) really empties it: the controller takes every
free buffer, and while the pool is dry it also keeps every buffer released to it (before
any waiting thread could get it), so ``nx_packet_allocate`` returns ``NX_NO_PACKET``
with ``NX_NO_WAIT``, suspends with a wait and times out at the exact tick, and
``nx_packet_pool_info_get`` counts the empty requests and suspensions: the C statuses
follow from the pool state, nothing is faked. :meth:`PoolControl.refill` gives the
buffers back through the normal release path, so waiters get them in FIFO order.

Triggers: :meth:`~PoolControl.dry` (now), :meth:`~PoolControl.dry_after` (N successful
allocations from now), :meth:`~PoolControl.dry_at` (at tick T), and
:meth:`~PoolControl.dry_while` (whenever an allocation or release finds the predicate
true; refilled at the first one that finds it false). ``refill_at(T)`` ends a dry spell
at a tick.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from netxsim.nx.constants import NX_PACKET_ALLOCATED
from netxsim.nx.packet import NX_PACKET, NX_PACKET_POOL, _init_allocated, _nx_packet_release
from netxsim.tx.block_pool import TX_BLOCK_POOL
from netxsim.tx.byte_pool import _HEADER as _BYTE_POOL_HEADER, TX_BYTE_POOL
from netxsim.tx.kernel import Kernel, kernel as current_kernel


class PoolControl:
    """Controls when ``pool`` is empty (module docstring). One per pool at a time."""

    def __init__(self, pool: NX_PACKET_POOL, attach: bool | None = None) -> None:
        self.pool = pool
        self.held: list[NX_PACKET] = []
        self.is_dry = False
        self.allocations = 0                   # successful allocations seen
        self.dry_ticks: list[tuple[int, int | None]] = []  # (start, end) of each dry spell
        self._dry_after: int | None = None
        self._predicate: Callable[[], bool] | None = None
        self._by_predicate = False
        self._pending: list[Callable[[], None]] = []
        self.attached = False
        if attach is None:
            # A pool created in the running kernel: attach now. A control block not yet
            # created (or left from an earlier run) is attached after its creation.
            k = _kernel_or_none(None)
            attach = bool(pool.nx_packet_pool_id) and k is not None and pool.kernel is k and k.running
        if attach:
            self.attach()

    def attach(self) -> "PoolControl":
        """Install the controller on the pool. Done at once for a created pool; for a
        pool not created yet (``nx_packet_pool_create`` clears the control block) a
        :class:`~netxsim.testing.world.World` attaches it after ``tx_application_define``."""
        if not self.pool.nx_packet_pool_id:
            raise ValueError("attach a PoolControl after nx_packet_pool_create")
        owner = getattr(self.pool.allocate_hook, "__self__", None)
        if owner is not None and owner is not self:
            raise ValueError(f"pool {self.pool.nx_packet_pool_name!r} already has a controller")
        self.pool.allocate_hook = self._on_allocate
        self.pool.release_hook = self._on_release
        self.attached = True
        pending, self._pending = self._pending, []
        for action in pending:
            action()
        return self

    # --------------------------------------------------------------- triggers
    def dry(self) -> "PoolControl":
        """Empty the pool now and keep it empty until :meth:`refill`."""
        if not self.attached:
            self._pending.append(self.dry)
        elif not self.is_dry:
            self.is_dry = True
            self.dry_ticks.append((self._now(), None))
            pool = self.pool
            while pool.nx_packet_pool_available:
                packet = pool.nx_packet_pool_available_list
                pool.nx_packet_pool_available_list = packet.nx_packet_queue_next
                pool.nx_packet_pool_available -= 1
                _init_allocated(packet, 0, 0)
                self.held.append(packet)
        return self

    def refill(self) -> "PoolControl":
        """Give every held buffer back (waiters first, FIFO, as a release does)."""
        if self.is_dry:
            self.is_dry = False
            self._by_predicate = False
            start, _ = self.dry_ticks[-1]
            self.dry_ticks[-1] = (start, self._now())
            held, self.held = self.held, []
            for packet in held:
                packet.nx_packet_next = None
                _nx_packet_release(packet)
        return self

    def dry_after(self, allocations: int) -> "PoolControl":
        """Run dry once ``allocations`` more allocations have succeeded."""
        self._dry_after = self.allocations + allocations
        if allocations <= 0:
            self.dry()
        return self

    def dry_at(self, tick: int, k: Kernel | None = None) -> "PoolControl":
        """Run dry at tick ``tick`` (in ISR context; does not keep a run alive)."""
        if not self.attached:
            self._pending.append(lambda: self._at(tick, self.dry, k))
            return self
        self._at(tick, self.dry, k)
        return self

    def refill_at(self, tick: int, k: Kernel | None = None) -> "PoolControl":
        """Refill at tick ``tick`` (in ISR context; a pending refill keeps the run alive, as
        it will wake the threads waiting on the pool)."""
        if not self.attached:
            self._pending.append(lambda: self._at(tick, self.refill, k, keep_alive=True))
            return self
        self._at(tick, self.refill, k, keep_alive=True)
        return self

    def dry_while(self, predicate: Callable[[], bool]) -> "PoolControl":
        """Be dry whenever an allocation or a release finds ``predicate()`` true, e.g.
        ``lambda: client.nx_smtp_client_mail_status == ...`` ("during DATA")."""
        self._predicate = predicate
        return self

    def close(self) -> None:
        """Refill and remove the controller from the pool."""
        self.refill()
        self.pool.allocate_hook = None
        self.pool.release_hook = None

    # ------------------------------------------------------------------ hooks
    def _check_predicate(self) -> None:
        if self._predicate is None:
            return
        if self._predicate():
            if not self.is_dry:
                self.dry()
                self._by_predicate = True
        elif self.is_dry and self._by_predicate:
            self.refill()

    def _on_allocate(self, pool: NX_PACKET_POOL) -> None:
        self._check_predicate()
        if self._dry_after is not None and self.allocations >= self._dry_after:
            self._dry_after = None
            self.dry()
        if pool.nx_packet_pool_available:
            self.allocations += 1

    def _on_release(self, packet: NX_PACKET) -> bool:
        self._check_predicate()
        if not self.is_dry:
            return False
        packet.nx_packet_next = None     # the rest of the chain is released on its own
        packet.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
        self.held.append(packet)
        return True

    def _at(self, tick: int, action: Callable[[], Any], k: Kernel | None, keep_alive: bool = False) -> None:
        k = k if k is not None else self.pool.kernel or current_kernel()
        delay = tick - k.now
        if delay < 0:
            raise ValueError(f"tick {tick} is in the past (now {k.now})")
        if keep_alive:
            k.interrupt_after(delay, action)
        else:
            k.env.timeout(delay).callbacks.append(lambda _event: action())

    def _now(self) -> int:
        k = self.pool.kernel
        return k.now if k is not None else 0

    def __repr__(self) -> str:
        state = f"dry, holding {len(self.held)}" if self.is_dry else "normal"
        return f"<PoolControl {self.pool.nx_packet_pool_name!r}: {state}>"


def pool_control(pool: NX_PACKET_POOL) -> PoolControl:
    """A :class:`PoolControl` for ``pool`` (plain-function spelling)."""
    return PoolControl(pool)


# ---------------------------------------------------------------- leak checks
class LeakError(AssertionError):
    """Some pool is not back to its total; the message lists every pool that is not."""


def _kernel_or_none(k: Kernel | None) -> Kernel | None:
    if k is not None:
        return k
    try:
        return current_kernel()
    except Exception:
        return None


def _pools(kind: str, pools: Iterable[Any], k: Kernel | None) -> list[Any]:
    pools = list(pools)
    if pools:
        return pools
    k = _kernel_or_none(k)
    return list(k.created.get(kind, [])) if k is not None else []


def packet_pool_report(*pools: NX_PACKET_POOL, kernel: Kernel | None = None) -> list[str]:
    """One line per packet pool not back to its total (empty list: no leak). Pools
    default to every packet pool of the (last) run's kernel."""
    lines = []
    for pool in _pools("packet_pool", pools, kernel):
        held = pool.allocate_hook.__self__.held if getattr(pool.allocate_hook, "__self__", None) else []
        missing = pool.nx_packet_pool_total - pool.nx_packet_pool_available - len(held)
        invalid = pool.nx_packet_pool_invalid_releases
        if missing or invalid:
            line = (f"packet pool {pool.nx_packet_pool_name!r}: {pool.nx_packet_pool_available}"
                    f"/{pool.nx_packet_pool_total} free, {missing} not released")
            if held:
                line += f" ({len(held)} held by its PoolControl, counted as free)"
            if invalid:
                line += f", {invalid} invalid (double) releases"
            lines.append(line)
    return lines


def assert_no_packet_leaked(*pools: NX_PACKET_POOL, kernel: Kernel | None = None) -> None:
    """Every packet pool back to its total, no invalid release; else a :class:`LeakError`
    naming each pool and its counts. Call it after the run has settled (sockets closed,
    TIME_WAIT over). Buffers a :class:`PoolControl` holds count as free."""
    lines = packet_pool_report(*pools, kernel=kernel)
    if lines:
        raise LeakError("packets leaked:\n  " + "\n  ".join(lines))


def assert_no_block_leaked(*pools: TX_BLOCK_POOL, kernel: Kernel | None = None) -> None:
    """Every block pool has all its blocks available (default: every block pool)."""
    lines = [f"block pool {p.tx_block_pool_name!r}: {p.tx_block_pool_available}/{p.tx_block_pool_total}"
             f" free, {p.tx_block_pool_total - p.tx_block_pool_available} not released"
             for p in _pools("block_pool", pools, kernel)
             if p.tx_block_pool_available != p.tx_block_pool_total]
    if lines:
        raise LeakError("blocks leaked:\n  " + "\n  ".join(lines))


def assert_no_byte_leaked(*pools: TX_BYTE_POOL, kernel: Kernel | None = None) -> None:
    """Every byte pool has all its memory available again (fragments allowed: ThreadX
    merges free neighbours lazily), default every byte pool."""
    lines = []
    for p in _pools("byte_pool", pools, kernel):
        full = p.tx_byte_pool_size - _BYTE_POOL_HEADER
        if p.tx_byte_pool_available != full:
            lines.append(f"byte pool {p.tx_byte_pool_name!r}: {p.tx_byte_pool_available}/{full} bytes free, "
                         f"{full - p.tx_byte_pool_available} bytes (with block headers) not released")
    if lines:
        raise LeakError("bytes leaked:\n  " + "\n  ".join(lines))


__all__ = ["PoolControl", "pool_control", "LeakError", "packet_pool_report", "assert_no_packet_leaked",
           "assert_no_block_leaked", "assert_no_byte_leaked"]
