"""The created IP instances' helper-thread stacks, sorted, for ``nx_ip_create``'s check.

NetX's checking layer refuses a new instance whose helper-thread stack has its first or
last byte inside the stack of an instance already created (it walks the created list).
Building N hosts that way is O(N^2); this index answers "may this address lie in a listed
stack?" in O(log N), and the list is walked, as before, only when it may.
"""
from __future__ import annotations

from bisect import bisect_right
from typing import Any

from netxsim.tx.memory import Pointer


def bound_address(bound: Any) -> int:
    """A helper-thread stack bound's address (a Pointer's, read directly: ``int()`` is a call)."""
    return bound.address if type(bound) is Pointer else int(bound)


class _StackIndex:
    """The created IP instances' helper-thread stacks as sorted intervals, so the checking
    layer of ``nx_ip_create`` finds in O(log N) whether a new stack's first or last byte
    falls inside one (the C walks the created list: O(N) per create, O(N^2) to build N
    hosts). A filter only: when it finds a candidate the list is walked as before, so the
    statuses are the C's. It holds every instance ``_nx_ip_create`` put on ``created``
    (the only place one is added; after a delete it is rebuilt), with the stack bounds of
    its helper thread, which NetX creates once with the instance."""

    __slots__ = ("created", "count", "starts", "reach", "unknown")

    def __init__(self, created: list) -> None:
        self.created = created
        self.count = 0
        self.starts: list[int] = []   # stack start addresses, sorted
        self.reach: list[int] = []    # reach[i]: the highest stack end of starts[:i + 1]
        self.unknown = False          # an instance without stack bounds: always walk
        for ip in created:
            self.add(ip)

    def add(self, ip: Any) -> None:
        thread = ip.nx_ip_thread
        start, stop = thread.tx_thread_stack_start, thread.tx_thread_stack_end
        self.count += 1
        if start is None or stop is None:
            self.unknown = True
            return
        start, stop = bound_address(start), bound_address(stop)
        starts, reach = self.starts, self.reach
        at = bisect_right(starts, start)
        starts.insert(at, start)
        if at == len(reach):   # the usual case: stacks are given out at rising addresses
            reach.append(stop if not reach or reach[-1] < stop else reach[-1])
        else:
            high = stop if not at or reach[at - 1] < stop else reach[at - 1]
            reach.insert(at, high)
            for index in range(at + 1, len(reach)):
                if reach[index] >= high:
                    break   # the rest already reach this far
                reach[index] = high

    def may_hold(self, address: int) -> bool:
        """Whether ``address`` may lie in a listed stack (start <= address < end)."""
        if self.unknown:
            return True
        at = bisect_right(self.starts, address)
        return at > 0 and self.reach[at - 1] > address
