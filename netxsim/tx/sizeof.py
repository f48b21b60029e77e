"""``sizeof()`` of control blocks and C types, for a 32-bit target build."""
from __future__ import annotations

from typing import Callable

from .sizes import TX_SIZES

_SIZES: dict[str, int | Callable[[], int]] = dict(TX_SIZES)


def register_size(type_name: str, size: int | Callable[[], int]) -> None:
    """Let another layer (NetX) publish the 32-bit size of its control blocks; a callable
    gives a size that depends on the build in force."""
    _SIZES[type_name] = size


def sizeof(c_type: object) -> int:
    """``sizeof(TYPE)``: the size of a control block type (or C type name) in a 32-bit build.

    Accepts the Python class (``sizeof(TX_THREAD)``), an instance, or the C name as a string.
    """
    if isinstance(c_type, str):
        name = c_type
    elif isinstance(c_type, type):
        name = c_type.__name__
    else:
        name = type(c_type).__name__
    try:
        size = _SIZES[name]
    except KeyError:
        raise TypeError(f"sizeof: no 32-bit size known for {name!r}") from None
    return size() if callable(size) else size
