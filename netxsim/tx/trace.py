"""ThreadX event trace: the ``tx_trace_*`` services and the TraceX trace buffer
(ThreadX ``common/inc/tx_trace.h``, ``common/src/tx_trace_*.c``; TraceX user guide,
chapters 5, 6, 8 and 11).

The buffer lives in simulated RAM at ``trace_buffer_start`` with the C layout, byte for
byte and little-endian as on a 32-bit little-endian target::

    control header (48 bytes: "TXTB", timer valid mask, base, registry and buffer
                    pointers as 32-bit target addresses, current pointer, 0xAA.. 0xBB..
                    0xCC.. reserved words)
    object registry (48-byte entries: available, type, priority bytes, object pointer,
                     two parameters, a 32-byte NUL-terminated name)
    event entries   (32 bytes each, circular: thread pointer, priority word, event id,
                     time stamp, four information fields)

so dumping the region (``KernelRun.trace_buffer``) to a ``.trx`` file is all TraceX needs.

Objects, pointers and time stamps in a simulation
-------------------------------------------------
Control blocks live in Python, so each traced object gets a stable 32-bit address:
its RAM address where it has one (packets), the pool's pretend control-block address
(block and byte pools), otherwise a pretend address from ``0xD0000000`` up, one per
object per kernel. "Stack pointer" information fields (the C takes the address of a
local variable) hold the top of the calling thread's stack, or 0 outside threads.

Time stamps count cycles of a simulated CPU clock: ``tick * cycles_per_tick`` plus the
work done within the tick. Code runs in zero simulated time, so by default every event
adds one cycle (the C's ``++_tx_trace_simulated_time``), which orders events within a
tick without giving them width. :func:`trace_cost_model` sets cycles per traced
service call and per byte copied or checksummed, so work inside a tick shows a duration
in the trace and its views; it only moves trace time stamps, never ticks. The trace clock
never runs backwards: work beyond a tick's cycles pushes later stamps past the next tick
boundary until the CPU idles. The timer valid mask is 0xFFFFFFFF (a 32-bit counter).

Cost when off: every insertion site tests one attribute (``kernel.trace_buffer`` or this
module's ``active``) against None.
"""
from __future__ import annotations

import struct
import weakref
from typing import Any, Callable

from .config import TxConfig
from .constants import TX_FEATURE_NOT_ENABLED, TX_NOT_DONE, TX_PTR_ERROR, TX_SIZE_ERROR, TX_SUCCESS
from .kernel import Kernel, kernel
from .memory import MemoryRegionError, Pointer

# Header, registry entry and event entry sizes (sizeof the C structures).
TRACE_HEADER_SIZE = 48
TRACE_OBJECT_ENTRY_SIZE = 48
TRACE_EVENT_SIZE = 32
TX_TRACE_OBJECT_REGISTRY_NAME = 32
TX_TRACE_VALID = 0x54585442
TX_TRACE_TIME_MASK = 0xFFFFFFFF
TX_TRACE_INVALID_EVENT = 0xFFFFFFFF
DEFAULT_CYCLES_PER_TICK = 10_000  # a 1 MHz time source at TX_TIMER_TICKS_PER_SECOND = 100

# Object registry types (tx_trace.h) and NetX's (nx_api.h).
TX_TRACE_OBJECT_TYPE_NOT_VALID = 0
TX_TRACE_OBJECT_TYPE_THREAD = 1
TX_TRACE_OBJECT_TYPE_TIMER = 2
TX_TRACE_OBJECT_TYPE_QUEUE = 3
TX_TRACE_OBJECT_TYPE_SEMAPHORE = 4
TX_TRACE_OBJECT_TYPE_MUTEX = 5
TX_TRACE_OBJECT_TYPE_EVENT_FLAGS = 6
TX_TRACE_OBJECT_TYPE_BLOCK_POOL = 7
TX_TRACE_OBJECT_TYPE_BYTE_POOL = 8

# Event filter bits (tx_api.h).
TX_TRACE_ALL_EVENTS = 0x000007FF
TX_TRACE_INTERNAL_EVENTS = 0x00000001
TX_TRACE_BLOCK_POOL_EVENTS = 0x00000002
TX_TRACE_BYTE_POOL_EVENTS = 0x00000004
TX_TRACE_EVENT_FLAGS_EVENTS = 0x00000008
TX_TRACE_INTERRUPT_CONTROL_EVENT = 0x00000010
TX_TRACE_MUTEX_EVENTS = 0x00000020
TX_TRACE_QUEUE_EVENTS = 0x00000040
TX_TRACE_SEMAPHORE_EVENTS = 0x00000080
TX_TRACE_THREAD_EVENTS = 0x00000100
TX_TRACE_TIME_EVENTS = 0x00000200
TX_TRACE_TIMER_EVENTS = 0x00000400
TX_TRACE_USER_EVENTS = 0x80000000
TX_TRACE_USER_EVENT_START = 4096
TX_TRACE_USER_EVENT_END = 65535

# Event ids (tx_trace.h).
TX_TRACE_THREAD_RESUME = 1
TX_TRACE_THREAD_SUSPEND = 2
TX_TRACE_ISR_ENTER = 3
TX_TRACE_ISR_EXIT = 4
TX_TRACE_TIME_SLICE = 5
TX_TRACE_RUNNING = 6
TX_TRACE_BLOCK_ALLOCATE = 10
TX_TRACE_BLOCK_POOL_CREATE = 11
TX_TRACE_BLOCK_POOL_DELETE = 12
TX_TRACE_BLOCK_POOL_INFO_GET = 13
TX_TRACE_BLOCK_POOL_PRIORITIZE = 16
TX_TRACE_BLOCK_RELEASE = 17
TX_TRACE_BYTE_ALLOCATE = 20
TX_TRACE_BYTE_POOL_CREATE = 21
TX_TRACE_BYTE_POOL_DELETE = 22
TX_TRACE_BYTE_POOL_INFO_GET = 23
TX_TRACE_BYTE_POOL_PRIORITIZE = 26
TX_TRACE_BYTE_RELEASE = 27
TX_TRACE_EVENT_FLAGS_CREATE = 30
TX_TRACE_EVENT_FLAGS_DELETE = 31
TX_TRACE_EVENT_FLAGS_GET = 32
TX_TRACE_EVENT_FLAGS_INFO_GET = 33
TX_TRACE_EVENT_FLAGS_SET = 36
TX_TRACE_EVENT_FLAGS_SET_NOTIFY = 37
TX_TRACE_INTERRUPT_CONTROL = 40
TX_TRACE_MUTEX_CREATE = 50
TX_TRACE_MUTEX_DELETE = 51
TX_TRACE_MUTEX_GET = 52
TX_TRACE_MUTEX_INFO_GET = 53
TX_TRACE_MUTEX_PRIORITIZE = 56
TX_TRACE_MUTEX_PUT = 57
TX_TRACE_QUEUE_CREATE = 60
TX_TRACE_QUEUE_DELETE = 61
TX_TRACE_QUEUE_FLUSH = 62
TX_TRACE_QUEUE_FRONT_SEND = 63
TX_TRACE_QUEUE_INFO_GET = 64
TX_TRACE_QUEUE_PRIORITIZE = 67
TX_TRACE_QUEUE_RECEIVE = 68
TX_TRACE_QUEUE_SEND = 69
TX_TRACE_QUEUE_SEND_NOTIFY = 70
TX_TRACE_SEMAPHORE_CEILING_PUT = 80
TX_TRACE_SEMAPHORE_CREATE = 81
TX_TRACE_SEMAPHORE_DELETE = 82
TX_TRACE_SEMAPHORE_GET = 83
TX_TRACE_SEMAPHORE_INFO_GET = 84
TX_TRACE_SEMAPHORE_PRIORITIZE = 87
TX_TRACE_SEMAPHORE_PUT = 88
TX_TRACE_SEMAPHORE_PUT_NOTIFY = 89
TX_TRACE_THREAD_CREATE = 100
TX_TRACE_THREAD_DELETE = 101
TX_TRACE_THREAD_ENTRY_EXIT_NOTIFY = 102
TX_TRACE_THREAD_IDENTIFY = 103
TX_TRACE_THREAD_INFO_GET = 104
TX_TRACE_THREAD_PREEMPTION_CHANGE = 107
TX_TRACE_THREAD_PRIORITY_CHANGE = 108
TX_TRACE_THREAD_RELINQUISH = 109
TX_TRACE_THREAD_RESET = 110
TX_TRACE_THREAD_RESUME_API = 111
TX_TRACE_THREAD_SLEEP = 112
TX_TRACE_THREAD_SUSPEND_API = 114
TX_TRACE_THREAD_TERMINATE = 115
TX_TRACE_THREAD_TIME_SLICE_CHANGE = 116
TX_TRACE_THREAD_WAIT_ABORT = 117
TX_TRACE_TIME_GET = 120
TX_TRACE_TIME_SET = 121
TX_TRACE_TIMER_ACTIVATE = 122
TX_TRACE_TIMER_CHANGE = 123
TX_TRACE_TIMER_CREATE = 124
TX_TRACE_TIMER_DEACTIVATE = 125
TX_TRACE_TIMER_DELETE = 126
TX_TRACE_TIMER_INFO_GET = 127
# Performance information and the stack error notify. The names are tx_trace.h's,
# including its double underscores in four of the system-wide ids.
TX_TRACE_BLOCK_POOL_PERFORMANCE_INFO_GET = 14
TX_TRACE_BLOCK_POOL__PERFORMANCE_SYSTEM_INFO_GET = 15
TX_TRACE_BYTE_POOL_PERFORMANCE_INFO_GET = 24
TX_TRACE_BYTE_POOL__PERFORMANCE_SYSTEM_INFO_GET = 25
TX_TRACE_EVENT_FLAGS_PERFORMANCE_INFO_GET = 34
TX_TRACE_EVENT_FLAGS__PERFORMANCE_SYSTEM_INFO_GET = 35
TX_TRACE_MUTEX_PERFORMANCE_INFO_GET = 54
TX_TRACE_MUTEX_PERFORMANCE_SYSTEM_INFO_GET = 55
TX_TRACE_QUEUE_PERFORMANCE_INFO_GET = 65
TX_TRACE_QUEUE_PERFORMANCE_SYSTEM_INFO_GET = 66
TX_TRACE_SEMAPHORE_PERFORMANCE_INFO_GET = 85
TX_TRACE_SEMAPHORE__PERFORMANCE_SYSTEM_INFO_GET = 86
TX_TRACE_THREAD_PERFORMANCE_INFO_GET = 105
TX_TRACE_THREAD_PERFORMANCE_SYSTEM_INFO_GET = 106
TX_TRACE_THREAD_STACK_ERROR_NOTIFY = 113
TX_TRACE_TIMER_PERFORMANCE_INFO_GET = 128
TX_TRACE_TIMER_PERFORMANCE_SYSTEM_INFO_GET = 129

# ISR numbers the simulation itself reports with TX_TRACE_ISR_ENTER/EXIT.
TRACE_ISR_TIMER = 0          # the periodic tick interrupt that wakes the timer thread
TRACE_ISR_DEVICE = 1         # Kernel.interrupt_after handlers
TRACE_ISR_ETHERNET = 2       # a frame arriving from an Ethernet segment

_THREAD_CONTEXT_FLAG = 0x80000000
_INIT_THREAD = 0xF0F0F0F0
_ISR_THREAD = 0xFFFFFFFF
_INITIALIZE_IN_PROGRESS = 0xF0F0F0F0
_PRETEND_BASE = 0xD000_0000
_PRETEND_STRIDE = 0x100
_ENTRY = struct.Struct("<8I")
_REGISTRY_HEAD = struct.Struct("<BBBBIII")
_HEADER = struct.Struct("<4IHH7I")

# The enabled trace of the running kernel, for insertion sites without a kernel handle.
active: "TraceBuffer | None" = None


class _KernelTraceState:
    """What outlives one enable/disable cycle of a kernel: object addresses, the trace
    clock, the cost model and the full-buffer callback."""

    def __init__(self) -> None:
        self.addresses: dict[int, tuple[Any, int]] = {}
        self.pretend = 0
        self.clock = 0
        self.cycles_per_tick = DEFAULT_CYCLES_PER_TICK
        self.cycles_per_call = 0
        self.cycles_per_byte = 0
        self.full_notify: Callable[[Pointer], None] | None = None
        self.region: Any = None   # the claimed buffer memory, kept after a disable


_states: "weakref.WeakKeyDictionary[Kernel, _KernelTraceState]" = weakref.WeakKeyDictionary()


def _state(k: Kernel) -> _KernelTraceState:
    state = _states.get(k)
    if state is None:
        state = _states[k] = _KernelTraceState()
    return state


def object_address(obj: Any, k: Kernel | None = None) -> int:
    """The 32-bit target address the trace shows for ``obj`` (0 for None, ints as given)."""
    if obj is None:
        return 0
    if isinstance(obj, int):
        return obj & 0xFFFFFFFF
    if isinstance(obj, Pointer):
        return obj.address
    state = _state(k or kernel())
    known = state.addresses.get(id(obj))
    if known is not None and known[0] is obj:
        return known[1]
    address = getattr(obj, "control_block_address", 0)
    if not address and type(obj).__name__ == "NX_PACKET":
        address = obj.address  # packets are headers in simulated RAM
    if not address:
        state.pretend += 1
        address = _PRETEND_BASE + _PRETEND_STRIDE * (state.pretend - 1)
    state.addresses[id(obj)] = (obj, address)  # keeps obj alive: ids stay unique
    return address


class TraceBuffer:
    """An enabled trace buffer in simulated RAM (``_tx_trace_*_ptr`` and friends)."""

    def __init__(self, k: Kernel, start: Pointer, size: int, registry_entries: int) -> None:
        self.kernel = k
        self.state = _state(k)
        self.addresses = self.state.addresses
        self.data = k.memory.data
        self.base = k.memory.base
        self.start = start.address
        self.size = size
        self.registry_start = self.start + TRACE_HEADER_SIZE
        self.registry_end = self.registry_start + TRACE_OBJECT_ENTRY_SIZE * registry_entries
        self.registry_entries = registry_entries
        self.available = registry_entries
        self.search_start = 0
        events = (size - TRACE_HEADER_SIZE - TRACE_OBJECT_ENTRY_SIZE * registry_entries) // TRACE_EVENT_SIZE
        self.buffer_start = self.registry_end
        self.buffer_end = self.buffer_start + TRACE_EVENT_SIZE * events
        self.current = self.buffer_start
        self.enable_bits = 0xFFFFFFFF

    def _offset(self, address: int) -> int:
        return address - self.base

    def format(self) -> None:
        """``_tx_trace_enable``'s set-up of the header, registry and event area."""
        data, off = self.data, self._offset
        for index in range(self.registry_entries):
            entry = off(self.registry_start) + TRACE_OBJECT_ENTRY_SIZE * index
            data[entry] = 1                     # available
            data[entry + 1:entry + 4] = b"\0\0\0"
            data[entry + 4:entry + 8] = b"\0\0\0\0"
        for address in range(self.buffer_start, self.buffer_end, TRACE_EVENT_SIZE):
            data[off(address):off(address) + 4] = b"\0\0\0\0"  # thread pointer 0: unused
        _HEADER.pack_into(data, off(self.start), TX_TRACE_VALID, TX_TRACE_TIME_MASK, self.start,
                          self.registry_start, 0, TX_TRACE_OBJECT_REGISTRY_NAME, self.registry_end,
                          self.buffer_start, self.buffer_end, self.buffer_start,
                          0xAAAAAAAA, 0xBBBBBBBB, 0xCCCCCCCC)

    # ------------------------------------------------------------------ events
    def time_stamp(self, cycles: int = 0) -> int:
        state = self.state
        tick_base = self.kernel.now * state.cycles_per_tick
        clock = state.clock + 1 + state.cycles_per_call + cycles
        if clock < tick_base:
            clock = tick_base
        state.clock = clock
        return clock & TX_TRACE_TIME_MASK

    def charge(self, nbytes: int) -> None:
        """Cost model: ``nbytes`` copied or checksummed by the running code."""
        self.state.clock += nbytes * self.state.cycles_per_byte

    def insert(self, event_id: int, info_1: Any = 0, info_2: Any = 0, info_3: Any = 0,
               info_4: Any = 0, filter_bits: int = TX_TRACE_INTERNAL_EVENTS) -> int:
        """``TX_TRACE_IN_LINE_INSERT``: record one event; return a token for
        :meth:`update` (0 when filtered out). Objects are recorded as their addresses."""
        if not self.enable_bits & filter_bits:
            return 0
        k = self.kernel
        state = k.system_state
        thread = k.current_ptr
        if state == 0 and thread is not None:
            thread_word = self.word(thread)
            priority = thread.tx_thread_priority | _THREAD_CONTEXT_FLAG \
                | (thread.tx_thread_preempt_threshold << 16)
        elif state == _INITIALIZE_IN_PROGRESS:
            thread_word, priority = _INIT_THREAD, 0
        else:
            # An ISR (or the kernel's own tick processing, which ThreadX does in its
            # timer ISR): the priority word holds the interrupted thread.
            thread_word, priority = _ISR_THREAD, self.word(thread)
        return self._write(thread_word, priority, event_id, info_1, info_2, info_3, info_4)

    def _write(self, thread_word: int, priority: int, event_id: int, info_1: Any, info_2: Any,
               info_3: Any, info_4: Any) -> int:
        word = self.word
        entry = self.current
        stamp = self.time_stamp()
        _ENTRY.pack_into(self.data, entry - self.base, thread_word, priority & 0xFFFFFFFF,
                         event_id & 0xFFFFFFFF, stamp, word(info_1), word(info_2), word(info_3), word(info_4))
        following = entry + TRACE_EVENT_SIZE
        wrapped = following >= self.buffer_end
        if wrapped:
            following = self.buffer_start
        self.current = following
        struct.pack_into("<I", self.data, self.start - self.base + 32, following)
        if wrapped:
            notify = self.state.full_notify
            if notify is not None:
                notify(Pointer(self.kernel.memory, self.start))
        return stamp << 32 | entry

    def word(self, value: Any) -> int:
        """An information field: ints as 32-bit words, objects as their addresses."""
        if value.__class__ is int:
            return value & 0xFFFFFFFF
        if value is None:
            return 0
        if value.__class__ is Pointer:
            return value.address
        known = self.addresses.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        return object_address(value, self.kernel)

    def stack_marker(self) -> int:
        return stack_marker(self.kernel)

    def isr(self, event_id: int, isr_id: int) -> None:
        """ISR enter/exit of an interrupt the simulation raises (tick, device, frame)."""
        k = self.kernel
        if self.enable_bits & TX_TRACE_INTERNAL_EVENTS:
            self._write(_ISR_THREAD, self.word(k.current_ptr), event_id, 0, isr_id,
                        1, k.preempt_disable)

    def time_slice(self, thread: Any) -> None:
        """TX_TRACE_TIME_SLICE, from the tick ISR's ``_tx_thread_time_slice`` in the C."""
        k = self.kernel
        if self.enable_bits & TX_TRACE_INTERNAL_EVENTS:
            self._write(_ISR_THREAD, self.word(thread), TX_TRACE_TIME_SLICE,
                        k.execute_ptr, 1, k.preempt_disable, 0)

    def update(self, token: int, field: int, value: Any) -> None:
        """Patch information field ``field`` (1-4) of the event ``insert`` returned
        ``token`` for, unless the buffer wrapped over it since (as
        ``_tx_thread_system_resume`` and ``NX_TRACE_EVENT_UPDATE`` check the time stamp)."""
        if token:
            offset = (token & 0xFFFFFFFF) - self.base
            if struct.unpack_from("<I", self.data, offset + 12)[0] == token >> 32:
                struct.pack_into("<I", self.data, offset + 12 + 4 * field, self.word(value))

    # ---------------------------------------------------------------- registry
    def register(self, object_type: int, obj: Any, name: str, parameter_1: Any, parameter_2: Any) -> None:
        """``_tx_trace_object_register``: the C's search (reuse the object's old entry,
        else a never-used one, else the first available), then fill the entry."""
        if self.available == 0:
            return
        address = object_address(obj, self.kernel)
        entries = self.registry_entries
        data = self.data
        found = entries
        index = self.search_start
        while True:
            entry = self.registry_start + TRACE_OBJECT_ENTRY_SIZE * index - self.base
            pointer = struct.unpack_from("<I", data, entry + 4)[0]
            if pointer == 0 or pointer == address:
                found = index
                break
            if data[entry] == 1:
                if found == entries:
                    found = index
                else:
                    found_entry = self.registry_start + TRACE_OBJECT_ENTRY_SIZE * found - self.base
                    if data[found_entry + 1] != 0:
                        found = index
            index += 1
            if index >= entries:
                index = 0
            if index == self.search_start:
                break
        if found >= entries:
            return
        self.available -= 1
        self.search_start = found + 1 if found + 1 < entries else 0
        entry = self.registry_start + TRACE_OBJECT_ENTRY_SIZE * found - self.base
        reserved_1 = reserved_2 = 0
        if object_type == TX_TRACE_OBJECT_TYPE_THREAD:
            priority = obj.tx_thread_priority
            reserved_1, reserved_2 = 0x80 | ((priority >> 8) & 0x7F), priority & 0xFF
        _REGISTRY_HEAD.pack_into(data, entry, 0, object_type, reserved_1, reserved_2, address,
                                 _word(parameter_1, self.kernel), _word(parameter_2, self.kernel))
        # A CHAR * name may arrive as bytes (the argument boundary) or as str.
        encoded = (name if isinstance(name, (bytes, bytearray)) else (name or "").encode("utf-8", "replace")
                   )[:TX_TRACE_OBJECT_REGISTRY_NAME - 1]
        # The C copies up to the NUL and terminates; bytes after it are left as they were.
        data[entry + 16:entry + 16 + len(encoded) + 1] = encoded + b"\0"

    def unregister(self, obj: Any) -> None:
        """``_tx_trace_object_unregister``: mark the entry available, keeping its name so
        older events still resolve."""
        address = object_address(obj, self.kernel)
        for index in range(self.registry_entries):
            entry = self.registry_start + TRACE_OBJECT_ENTRY_SIZE * index - self.base
            if struct.unpack_from("<I", self.data, entry + 4)[0] == address:
                self.data[entry] = 1
                self.available += 1
                self.search_start = index
                return


def _word(value: Any, k: Kernel) -> int:
    if value.__class__ is int:
        return value & 0xFFFFFFFF
    return object_address(value, k)


def stack_marker(k: Kernel) -> int:
    """What a "stack ptr" information field holds here: the top of the calling thread's
    stack (the C takes the address of a local variable), 0 outside a thread."""
    thread = k.current_ptr
    if k.system_state != 0 or thread is None or thread.tx_thread_stack_end is None:
        return 0
    return thread.tx_thread_stack_end.address & ~3


# ------------------------------------------------------------------- registration
_REGISTER_ORDER = (
    # (created-list kind, registry type, name attribute, parameters), as _tx_trace_enable walks them.
    ("thread", TX_TRACE_OBJECT_TYPE_THREAD),
    ("timer", TX_TRACE_OBJECT_TYPE_TIMER),
    ("event_flags", TX_TRACE_OBJECT_TYPE_EVENT_FLAGS),
    ("queue", TX_TRACE_OBJECT_TYPE_QUEUE),
    ("semaphore", TX_TRACE_OBJECT_TYPE_SEMAPHORE),
    ("mutex", TX_TRACE_OBJECT_TYPE_MUTEX),
    ("block_pool", TX_TRACE_OBJECT_TYPE_BLOCK_POOL),
    ("byte_pool", TX_TRACE_OBJECT_TYPE_BYTE_POOL),
)


def _enable_parameters(kind: str, obj: Any) -> tuple[int, int]:
    """The registry parameters ``_tx_trace_enable`` gives objects that already exist
    (not always those their create service gives, as in the C)."""
    if kind == "thread":
        start = obj.tx_thread_stack_start
        return (start.address if start is not None else 0), obj.tx_thread_stack_size
    if kind == "timer":
        return 0, getattr(obj, "tx_timer_reschedule_ticks", 0) or 0
    if kind == "queue":
        return getattr(obj, "tx_queue_capacity", 0) * 4, 0
    if kind == "mutex":
        return int(bool(getattr(obj, "tx_mutex_inherit", 0))), 0
    if kind == "block_pool":
        return obj.tx_block_pool_size, 0
    if kind == "byte_pool":
        return obj.tx_byte_pool_size, 0
    return 0, 0


def register_object(object_type: int, obj: Any, name: str, parameter_1: Any = 0, parameter_2: Any = 0) -> None:
    """``TX_TRACE_OBJECT_REGISTER`` from a create service (a no-op with tracing off)."""
    buffer = active
    if buffer is not None:
        buffer.register(object_type, obj, name, parameter_1, parameter_2)


def unregister_object(obj: Any) -> None:
    """``TX_TRACE_OBJECT_UNREGISTER`` from a delete service."""
    buffer = active
    if buffer is not None:
        buffer.unregister(obj)


# ----------------------------------------------------------------------- services
def _names(obj: Any, kind: str) -> str:
    return getattr(obj, "name", None) or getattr(obj, f"tx_{kind}_name", "") or ""


def _tx_trace_enable(trace_buffer_start: Pointer, trace_buffer_size: int, registry_entries: int) -> int:
    """``tx_trace_enable``: format the trace buffer at ``trace_buffer_start``, register
    every existing ThreadX object, insert two TX_TRACE_RUNNING events and start tracing.

    Statuses: TX_SUCCESS, TX_SIZE_ERROR (no room for the header, the registry and one
    event), TX_NOT_DONE (already enabled), TX_PTR_ERROR (not a pointer into simulated RAM,
    or the region overlaps memory another object claimed: simulation checks the C does
    not make). The buffer's memory stays claimed until the run ends.
    """
    global active
    k = kernel()
    size = int(trace_buffer_size) & 0xFFFFFFFF
    entries = int(registry_entries) & 0xFFFFFFFF
    if size < TRACE_HEADER_SIZE + TRACE_OBJECT_ENTRY_SIZE * entries + TRACE_EVENT_SIZE:
        return TX_SIZE_ERROR
    if k.trace_buffer is not None:
        return TX_NOT_DONE
    if not k.memory.contains(trace_buffer_start, size):
        return TX_PTR_ERROR
    state = _state(k)
    k.memory.release(state.region)  # an earlier enable's buffer
    state.region = None
    try:
        state.region = k.memory.claim(trace_buffer_start, size, "trace buffer", "trace buffer")
    except MemoryRegionError:
        return TX_PTR_ERROR
    buffer = TraceBuffer(k, trace_buffer_start, size, entries)
    buffer.format()
    active = buffer  # registration writes through ``active``; events start below
    k.preempt_disable += 1
    for kind, object_type in _REGISTER_ORDER:
        for obj in k.created.get(kind, []):
            p1, p2 = _enable_parameters(kind, obj)
            buffer.register(object_type, obj, _names(obj, kind), p1, p2)
    k.preempt_disable -= 1
    k.trace_buffer = buffer
    k.trace_region = (trace_buffer_start.address, size)
    buffer.insert(TX_TRACE_RUNNING, 0, 0, 0, 0, TX_TRACE_INTERNAL_EVENTS)
    buffer.insert(TX_TRACE_RUNNING, 0, 0, 0, 0, TX_TRACE_INTERNAL_EVENTS)
    k.preempt_check()
    return TX_SUCCESS


def _tx_trace_disable() -> int:
    """``tx_trace_disable``: stop tracing; the buffer keeps what was recorded.

    Statuses: TX_SUCCESS, TX_NOT_DONE (not enabled).
    """
    global active
    k = kernel()
    if k.trace_buffer is None:
        return TX_NOT_DONE
    k.trace_buffer = None
    active = None
    return TX_SUCCESS


def _tx_trace_event_filter(event_filter_bits: int) -> int:
    """``tx_trace_event_filter``: stop recording the event classes in ``event_filter_bits``
    (TX_TRACE_*_EVENTS, NX_TRACE_*_EVENTS); ``tx_trace_enable`` turns every class on again,
    as in the C. Statuses: TX_SUCCESS."""
    buffer = kernel().trace_buffer
    if buffer is not None:
        buffer.enable_bits &= ~int(event_filter_bits) & 0xFFFFFFFF
    return TX_SUCCESS


def _tx_trace_event_unfilter(event_unfilter_bits: int) -> int:
    """``tx_trace_event_unfilter``: record the event classes in ``event_unfilter_bits``
    again. Statuses: TX_SUCCESS."""
    buffer = kernel().trace_buffer
    if buffer is not None:
        buffer.enable_bits |= int(event_unfilter_bits) & 0xFFFFFFFF
    return TX_SUCCESS


def _tx_trace_user_event_insert(event_id: int, info_field_1: int, info_field_2: int,
                               info_field_3: int, info_field_4: int) -> int:
    """``tx_trace_user_event_insert``: record an application event (ids from
    TX_TRACE_USER_EVENT_START; filtered with TX_TRACE_USER_EVENTS).

    Statuses: TX_SUCCESS, TX_NOT_DONE (tracing not enabled).
    """
    buffer = kernel().trace_buffer
    if buffer is None:
        return TX_NOT_DONE
    buffer.insert(int(event_id), int(info_field_1), int(info_field_2), int(info_field_3),
                  int(info_field_4), TX_TRACE_USER_EVENTS)
    return TX_SUCCESS


def _isr_insert(event_id: int, isr_id: int) -> None:
    k = kernel()
    buffer = k.trace_buffer
    if buffer is not None:
        buffer.insert(event_id, 0, int(isr_id), k.system_state, k.preempt_disable,
                      TX_TRACE_INTERNAL_EVENTS)


def _tx_trace_isr_enter_insert(isr_id: int) -> None:
    """``tx_trace_isr_enter_insert``: record entry to interrupt ``isr_id`` (information:
    stack pointer, ISR id, system state, preempt-disable count). Returns nothing."""
    _isr_insert(TX_TRACE_ISR_ENTER, isr_id)


def _tx_trace_isr_exit_insert(isr_id: int) -> None:
    """``tx_trace_isr_exit_insert``: record the end of interrupt ``isr_id``."""
    _isr_insert(TX_TRACE_ISR_EXIT, isr_id)


def _tx_trace_buffer_full_notify(full_buffer_callback: Callable[[Pointer], None] | None) -> int:
    """``tx_trace_buffer_full_notify``: call ``full_buffer_callback(trace_buffer_start)``
    each time the event area wraps (None removes it). Statuses: TX_SUCCESS."""
    _state(kernel()).full_notify = full_buffer_callback
    return TX_SUCCESS


def trace_cost_model(cycles_per_tick: int = DEFAULT_CYCLES_PER_TICK, cycles_per_call: int = 0,
                        cycles_per_byte: int = 0) -> int:
    """Simulation extension (no C counterpart): the trace clock's cycles per tick and the
    CPU cost model, in cycles per traced service call and per byte copied or checksummed.
    Only trace time stamps move; ticks stay exact. Statuses: TX_SUCCESS, TX_SIZE_ERROR
    (cycles_per_tick below 1 or a negative cost)."""
    if cycles_per_tick < 1 or cycles_per_call < 0 or cycles_per_byte < 0:
        return TX_SIZE_ERROR
    state = _state(kernel())
    state.cycles_per_tick = int(cycles_per_tick)
    state.cycles_per_call = int(cycles_per_call)
    state.cycles_per_byte = int(cycles_per_byte)
    return TX_SUCCESS


def charge_bytes(nbytes: int) -> None:
    """Cost model hook for byte copies and checksums (no-op with tracing off)."""
    buffer = active
    if buffer is not None:
        buffer.charge(nbytes)


DEFAULT_TRACE_BUFFER_SIZE = 64 * 1024
DEFAULT_REGISTRY_ENTRIES = 32


def with_trace(tx_application_define: Callable[[Pointer], None],
               trace_buffer_size: int = DEFAULT_TRACE_BUFFER_SIZE,
               registry_entries: int = DEFAULT_REGISTRY_ENTRIES) -> Callable[[Pointer], None]:
    """Simulation helper (no C counterpart): ``tx_application_define`` preceded by
    ``tx_trace_enable`` on a buffer at the top of simulated RAM, so an application that
    never enables tracing can be traced without moving any of its memory::

        run = tx_kernel_enter(with_trace(tx_application_define), config=TRACE_BUILD)
        open("run.trx", "wb").write(run.trace_buffer)
    """
    def define(first_unused_memory: Pointer) -> None:
        if not TxConfig.active.TX_ENABLE_EVENT_TRACE:
            raise ValueError("with_trace: this build has no event trace (TX_ENABLE_EVENT_TRACE is off, as "
                             "in ThreadX's default build): run it with tx_kernel_enter(..., config=TRACE_BUILD)")
        memory = kernel().memory
        top = Pointer(memory, memory.base + memory.size - trace_buffer_size)
        status = tx_trace_enable(top, trace_buffer_size, registry_entries)
        if status != TX_SUCCESS:
            raise ValueError(f"tx_trace_enable at the top of RAM failed: status 0x{status:02X}")
        tx_application_define(first_unused_memory)
    return define


# ------------------------------------------------------------------ the public services
# ThreadX compiles the trace services only with TX_ENABLE_EVENT_TRACE; without it (the
# default build) every one returns TX_FEATURE_NOT_ENABLED and records nothing.
TRACE_BUILD = {"TX_ENABLE_EVENT_TRACE": True}  # tx_kernel_enter(..., config=TRACE_BUILD)


def _built(core: Callable[..., Any], without: Any) -> Callable[..., Any]:
    def public(*args: Any) -> Any:
        if not TxConfig.active.TX_ENABLE_EVENT_TRACE:
            return without
        return core(*args)
    public.__name__ = public.__qualname__ = core.__name__.lstrip("_")
    public.__doc__ = (core.__doc__ or "") + (
        "\n\n    Without TX_ENABLE_EVENT_TRACE in the build: TX_FEATURE_NOT_ENABLED." if without is not None
        else "\n\n    Without TX_ENABLE_EVENT_TRACE in the build: records nothing.")
    public.__wrapped__ = core  # type: ignore[attr-defined]
    return public


from netxsim.boundary import c_service  # noqa: E402  (the boundary imports this package's kernel)

tx_trace_enable = c_service(
    "UINT tx_trace_enable(VOID *trace_buffer_start, ULONG trace_buffer_size, ULONG registry_entries)",
    _built(_tx_trace_enable, TX_FEATURE_NOT_ENABLED))
tx_trace_disable = c_service("UINT tx_trace_disable(VOID)", _built(_tx_trace_disable, TX_FEATURE_NOT_ENABLED))
tx_trace_event_filter = c_service("UINT tx_trace_event_filter(ULONG event_filter_bits)",
                                  _built(_tx_trace_event_filter, TX_FEATURE_NOT_ENABLED))
tx_trace_event_unfilter = c_service("UINT tx_trace_event_unfilter(ULONG event_unfilter_bits)",
                                    _built(_tx_trace_event_unfilter, TX_FEATURE_NOT_ENABLED))
tx_trace_user_event_insert = c_service(
    "UINT tx_trace_user_event_insert(ULONG event_id, ULONG info_field_1, ULONG info_field_2, "
    "ULONG info_field_3, ULONG info_field_4)",
    _built(_tx_trace_user_event_insert, TX_FEATURE_NOT_ENABLED))
tx_trace_isr_enter_insert = c_service("VOID tx_trace_isr_enter_insert(ULONG isr_id)",
                                      _built(_tx_trace_isr_enter_insert, None))
tx_trace_isr_exit_insert = c_service("VOID tx_trace_isr_exit_insert(ULONG isr_id)",
                                     _built(_tx_trace_isr_exit_insert, None))
tx_trace_buffer_full_notify = c_service(
    "UINT tx_trace_buffer_full_notify(VOID (*full_buffer_callback)(VOID *buffer))",
    _built(_tx_trace_buffer_full_notify, TX_FEATURE_NOT_ENABLED))
