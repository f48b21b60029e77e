"""Rows of the bad-argument table and the machinery that runs them (one kernel run per
service, every row in a thread of its own, each call on freshly made objects)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from netxsim import (
    NX_UDP_SOCKET, NX_IP, NX_PACKET_POOL, NX_SUCCESS, NX_TCP_SOCKET, NXD_ADDRESS, TX_AUTO_START, TX_BLOCK_POOL, TX_BYTE_POOL,
    TX_EVENT_FLAGS_GROUP, TX_MUTEX, TX_QUEUE, TX_SEMAPHORE, TX_THREAD, TX_TIMER, tx_kernel_enter,
    tx_thread_create, tx_thread_wait_abort, tx_timer_activate, tx_timer_change, tx_timer_create,
    tx_timer_deactivate, tx_time_get,
)
from netxsim.tx.constants import TX_WAIT_ABORTED as WAIT_ABORTED  # NX_WAIT_ABORTED has the same value
from netxsim.boundary import PROTOTYPES, Parameter
from netxsim.nx.packet import NX_PACKET
from smtp_client import NX_SMTP_CLIENT

from .service_world import World

CASES = ("None", "wrong type", "negative", "2**32 and above", "deleted", "previous run")
TYPE_ERROR = "TypeError"
WAITED = "waited"        # the call suspended until the row's watchdog aborted the wait
WATCHDOG = 20            # ticks before a suspended row is aborted
RUN_TRACKED = (TX_THREAD, TX_TIMER, TX_SEMAPHORE, TX_MUTEX, TX_EVENT_FLAGS_GROUP, TX_QUEUE, TX_BLOCK_POOL,
               TX_BYTE_POOL, NX_PACKET_POOL, NX_PACKET, NX_IP, NX_TCP_SOCKET, NX_SMTP_CLIENT, NX_UDP_SOCKET)
# A control block of another type, as a porting mistake would pass it.
OTHER_BLOCK: dict[type, Callable[[], Any]] = {
    NX_PACKET: NX_PACKET_POOL, NX_PACKET_POOL: NX_IP, NX_IP: NX_PACKET_POOL, NX_TCP_SOCKET: NX_IP,
    NXD_ADDRESS: NX_IP, NX_SMTP_CLIENT: NX_TCP_SOCKET, TX_THREAD: TX_TIMER, TX_TIMER: TX_THREAD,
    TX_SEMAPHORE: TX_MUTEX, TX_MUTEX: TX_SEMAPHORE, TX_EVENT_FLAGS_GROUP: TX_QUEUE, TX_QUEUE: TX_SEMAPHORE,
    TX_BLOCK_POOL: TX_BYTE_POOL, TX_BYTE_POOL: TX_BLOCK_POOL, NX_UDP_SOCKET: NX_TCP_SOCKET,
}


@dataclass(frozen=True)
class Row:
    service: str
    parameter: str
    case: str

    def __str__(self) -> str:
        return f"{self.service}({self.parameter}={self.case})"


def rows() -> list[Row]:
    """Every (service, parameter, case) the table covers, in prototype order."""
    out = []
    for name, prototype in PROTOTYPES.items():
        for parameter in prototype.parameters:
            for case in CASES:
                if case in ("deleted", "previous run") and not (parameter.kind == "block"
                                                                and parameter.cls in RUN_TRACKED):
                    continue
                out.append(Row(name, parameter.name, case))
    return out


def bad_value(world: World, service: str, parameter: Parameter, case: str, valid: Any,
              previous: dict[type, list]) -> Any:
    kind = parameter.kind
    if case == "None":
        return None
    if case == "negative":
        return -1
    if case == "2**32 and above":
        return (1 << 32) + valid if kind == "int" and isinstance(valid, int) else 1 << 32
    if case == "wrong type":
        if kind == "block":
            return OTHER_BLOCK[parameter.cls]()
        if kind in ("int", "opaque"):
            return 2.5
        if kind == "message":
            return "ab"
        if kind == "callback":
            return "not a function"
        if kind == "data":
            return TX_SEMAPHORE()
        return 7                                    # an int where C has a CHAR *
    if case == "deleted":
        return world.deleted(parameter.cls)
    return previous[parameter.cls].pop()


def outcome(call: Callable[[], Any]) -> Any:
    """The C status (first element of a tuple), None for VOID, or the error raised."""
    try:
        result = call()
    except TypeError as error:
        return (TYPE_ERROR, str(error))
    except Exception as error:  # noqa: BLE001 - recorded, compared with the expectation
        return (type(error).__name__, str(error))
    if isinstance(result, tuple):
        return result[0]
    return result if result is None or isinstance(result, int) else type(result).__name__


def previous_run_objects(count: int) -> dict[type, list]:
    """``count`` created objects of every run-tracked type, from a run that has ended."""
    made: dict[type, list] = {}

    def define(memory: Any) -> None:
        world = World(memory)
        for cls in RUN_TRACKED:
            made[cls] = [world.created(cls) for _ in range(count)]
    tx_kernel_enter(define, memory_size=16 << 20)
    return made


def run_service(service: str, selected: list[Row], previous: dict[type, list]) -> dict[Row, Any]:
    """Run the baseline and ``selected`` rows of ``service`` in one kernel; outcomes by row
    (the baseline under the key Row(service, "", "baseline"))."""
    function = getattr(__import__("netxsim"), service, None) or getattr(__import__("smtp_client"), service)
    prototype = PROTOTYPES[service]
    parameters = {p.name: p for p in prototype.parameters}
    results: dict[Row, Any] = {}
    runner, watchdog = TX_THREAD(), TX_TIMER()

    def entry(_: int) -> None:
        world = box["world"]
        for row in [Row(service, "", "baseline")] + selected:
            args = world.arguments(prototype, function.creates)
            if row.case != "baseline":
                index = list(parameters).index(row.parameter)
                args[index] = bad_value(world, service, parameters[row.parameter], row.case, args[index], previous)
            tx_timer_change(watchdog, WATCHDOG, 0)
            tx_timer_activate(watchdog)
            start = tx_time_get()
            result = outcome(lambda: function(*args))
            tx_timer_deactivate(watchdog)
            if result == WAIT_ABORTED and tx_time_get() - start >= WATCHDOG:
                result = WAITED
            results[row] = result

    box: dict[str, Any] = {}

    def define(memory: Any) -> None:
        box["world"] = World(memory)
        assert tx_timer_create(watchdog, "watchdog", lambda _: tx_thread_wait_abort(runner), 0, WATCHDOG, 0,
                               0) == NX_SUCCESS
        assert tx_thread_create(runner, "rows", entry, 0, box["world"].take(8192), 8192, 10, 10, 0,
                                TX_AUTO_START) == NX_SUCCESS

    tx_kernel_enter(define, until=1_000_000, memory_size=16 << 20)
    return results
