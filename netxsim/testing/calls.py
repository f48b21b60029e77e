"""Call records: the status, start tick and end tick of the service calls a test cares about.

``run.ticks`` is when the whole run ended; a test usually wants when *one call* returned
and with what. :class:`CallRecorder` replaces named functions in a namespace (the
application's module, whose code calls ``nx_smtp_mail_send`` through its own global, or
a package such as ``smtp_client``) with recording wrappers, and puts them back on
:meth:`~CallRecorder.close` (or at the end of a ``with`` block)::

    with record_calls(my_app, "nx_smtp_mail_send") as calls:
        world.run(my_app.tx_application_define)
    send = calls.one("nx_smtp_mail_send")
    assert (send.status, send.duration) == (NX_NO_PACKET, 400)

Each :class:`CallRecord` keeps the thread that called, the arguments, the result, the
status (the result, or its first element for services with out-parameters), the start
and end ticks. The pytest fixture ``call_records`` undoes the patching at teardown.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from netxsim.tx.kernel import kernel


@dataclass
class CallRecord:
    """One call of a recorded function."""
    name: str
    thread: str | None          # the calling thread's name (None outside a thread)
    args: tuple
    result: Any
    start: int                  # tick the call began
    end: int                    # tick it returned

    @property
    def status(self) -> Any:
        """The C status: the result, or the first element of a (status, out...) tuple."""
        return self.result[0] if isinstance(self.result, tuple) and self.result else self.result

    @property
    def duration(self) -> int:
        return self.end - self.start

    def __str__(self) -> str:
        status = f"0x{self.status:02X}" if isinstance(self.status, int) else repr(self.status)
        return f"{self.name} in {self.thread!r}: {status} at tick {self.end} (+{self.duration} from {self.start})"


class CallRecorder:
    """Records calls of functions looked up by name in ``namespace`` (module docstring)."""

    def __init__(self) -> None:
        self.records: list[CallRecord] = []
        self._undo: list[tuple[Any, str, Any]] = []

    def install(self, namespace: Any, *names: str) -> "CallRecorder":
        """Wrap ``namespace.<name>`` for each name (a module, class or object)."""
        for name in names:
            original = getattr(namespace, name)
            self._undo.append((namespace, name, original))
            setattr(namespace, name, self.wrap(original, name))
        return self

    def wrap(self, function: Callable, name: str | None = None) -> Callable:
        """A recording wrapper around ``function`` (for code that takes the function as
        an argument instead of looking it up)."""
        label = name or getattr(function, "__name__", repr(function))

        @functools.wraps(function)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            k = kernel()
            thread = k.current_ptr.tx_thread_name if k.current_ptr is not None and k.system_state == 0 else None
            start = k.now
            result = function(*args, **kwargs)
            self.records.append(CallRecord(label, thread, args, result, start, kernel().now))
            return result
        return recorded

    def close(self) -> None:
        """Put the original functions back."""
        while self._undo:
            namespace, name, original = self._undo.pop()
            setattr(namespace, name, original)

    def __enter__(self) -> "CallRecorder":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------------ queries
    def __getitem__(self, name: str) -> list[CallRecord]:
        """Every call of ``name``, in order."""
        return [record for record in self.records if record.name == name]

    def __iter__(self) -> Iterator[CallRecord]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def one(self, name: str) -> CallRecord:
        """The only call of ``name`` (AssertionError listing them if not exactly one)."""
        calls = self[name]
        assert len(calls) == 1, f"{len(calls)} calls of {name}: " + "; ".join(map(str, calls))
        return calls[0]

    def statuses(self, name: str) -> list[Any]:
        return [record.status for record in self[name]]

    def __repr__(self) -> str:
        return "<CallRecorder\n  " + "\n  ".join(map(str, self.records)) + ">"


def record_calls(namespace: Any, *names: str) -> CallRecorder:
    """A :class:`CallRecorder` installed on ``namespace`` for ``names`` (usable as a
    context manager)."""
    return CallRecorder().install(namespace, *names)


__all__ = ["CallRecord", "CallRecorder", "record_calls"]
