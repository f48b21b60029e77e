"""A helper for tests that pass an argument of the wrong kind to a service."""
from __future__ import annotations

from typing import Any, Callable


def type_error(service: Callable[..., Any], *args: Any) -> str:
    """Call ``service(*args)``; it must raise TypeError naming the service. Returns
    "TypeError" so a test's log records the outcome next to the statuses."""
    try:
        result = service(*args)
    except TypeError as error:
        assert str(error).startswith(service.__name__ + ": "), error
        return "TypeError"
    raise AssertionError(f"{service.__name__}{args!r} returned {result!r} instead of raising TypeError")
