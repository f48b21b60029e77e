"""The NetX utilities the SMTP client relies on (netxduo ``common/src/nx_utility.c``):
``_nx_utility_string_length_check``, ``_nx_utility_base64_encode`` and
``_nx_utility_base64_decode``, as pure functions on bytes.

C strings arrive as ``str`` (UTF-8) or bytes-like; :func:`c_string` gives the bytes up
to the first NUL, which is what the C walks.
"""
from __future__ import annotations

from binascii import b2a_base64 as _b2a_base64
from typing import Any

from netxsim.nx.constants import NX_PTR_ERROR, NX_SIZE_ERROR, NX_SUCCESS


def c_string(text: Any) -> bytes | None:
    """The bytes a ``CHAR *`` argument points at, up to (not including) the first NUL;
    None for NULL."""
    if text is None:
        return None
    data = text.encode() if isinstance(text, str) else bytes(text)
    end = data.find(b"\x00")
    return data if end < 0 else data[:end]


def _nx_utility_string_length_check(text: Any, max_string_length: int) -> tuple[int, int | None]:
    """``_nx_utility_string_length_check``: (status, length). NX_PTR_ERROR for NULL,
    NX_SIZE_ERROR when the string is longer than ``max_string_length``."""
    data = c_string(text)
    if data is None:
        return NX_PTR_ERROR, None
    if len(data) > max_string_length:
        return NX_SIZE_ERROR, None
    return NX_SUCCESS, len(data)


def _nx_utility_base64_encode(name: bytes, base64name_size: int) -> tuple[int, bytes | None]:
    """``_nx_utility_base64_encode``: (status, encoded). Standard base64 with ``=``
    padding and no line breaks. NX_SIZE_ERROR for empty input, or when the output and
    its NUL do not fit ``base64name_size`` bytes (the C's check)."""
    size = len(name)
    if size == 0 or base64name_size == 0:
        return NX_SIZE_ERROR, None
    characters = size * 8 // 6
    pad = 0
    if (characters * 6) % 24:
        pad = (24 - (characters * 6) % 24) // 6 - 1
        characters += 1
    if base64name_size <= characters + pad:
        return NX_SIZE_ERROR, None
    # The encoding is RFC 4648's (this alphabet, "=" padding, no line breaks), which
    # binascii computes in C: the same bytes as NetX's 6-bit walk.
    return NX_SUCCESS, _b2a_base64(name, newline=False)


def _base64_value(byte: int) -> int:
    """NetX's lenient digit value: URL-safe ``-``/``_`` accepted, anything invalid is 0."""
    if 0x41 <= byte <= 0x5A:
        return byte - 0x41
    if 0x61 <= byte <= 0x7A:
        return byte - 0x61 + 26
    if 0x30 <= byte <= 0x39:
        return byte - 0x30 + 52
    if byte in (0x2B, 0x2D):
        return 62
    if byte in (0x2F, 0x5F):
        return 63
    return 0


def _nx_utility_base64_decode(base64name: bytes, name_size: int) -> tuple[int, bytes | None]:
    """``_nx_utility_base64_decode``: (status, decoded), NetX's lenient decoder.

    The output length is ``len*6//8`` minus one per trailing ``=`` (at most two);
    decoding also stops at a NUL or ``=``; invalid characters count as 0. NX_SIZE_ERROR
    for empty input or when the output does not fit ``name_size`` with its NUL.
    """
    source_size = len(base64name)
    if source_size == 0 or name_size == 0:
        return NX_SIZE_ERROR, None
    size = source_size * 6 // 8
    if size and base64name[source_size - 1] == 0x3D:
        size -= 1
        if size and base64name[source_size - 2] == 0x3D:
            size -= 1
    if name_size <= size:
        return NX_SIZE_ERROR, None
    padded = bytes(base64name) + b"\x00\x00"   # the C reads past the end (its NUL)
    out = bytearray()
    step = i = 0
    while len(out) < size and padded[i] and padded[i] != 0x3D:
        value1, value2 = _base64_value(padded[i]), _base64_value(padded[i + 1])
        if step == 0:
            out.append(((value1 & 0x3F) << 2) | ((value2 >> 4) & 3))
            i, step = i + 1, 1
        elif step == 1:
            out.append(((value1 & 0xF) << 4) | (value2 >> 2))
            i, step = i + 1, 2
        else:
            out.append(((value1 & 3) << 6) | (value2 & 0x3F))
            i, step = i + 2, 0
    return NX_SUCCESS, bytes(out)


__all__: list[str] = []
