"""NetX's string and base64 helpers (nx_utility.c) as the client uses them."""
from __future__ import annotations

import base64

from hypothesis import given
from hypothesis import strategies as st

from smtp_client.utility import (
    _nx_utility_base64_decode, _nx_utility_base64_encode, _nx_utility_string_length_check, c_string,
)

RFC4648 = [(b"", None), (b"f", b"Zg=="), (b"fo", b"Zm8="), (b"foo", b"Zm9v"), (b"foob", b"Zm9vYg=="),
           (b"fooba", b"Zm9vYmE="), (b"foobar", b"Zm9vYmFy")]


def test_encode_known_answers():
    for clear, encoded in RFC4648:
        status, out = _nx_utility_base64_encode(clear, 200)
        assert (status, out) == ((0x09, None) if encoded is None else (0, encoded))


def test_encode_smtp_known_answers():
    plain = b"recipient@domain.com\x00recipient@domain.com\x00testpwd"
    assert _nx_utility_base64_encode(plain, 138) == (
        0, b"cmVjaXBpZW50QGRvbWFpbi5jb20AcmVjaXBpZW50QGRvbWFpbi5jb20AdGVzdHB3ZA==")
    assert _nx_utility_base64_encode(b"recipient@domain.com", 138) == (0, b"cmVjaXBpZW50QGRvbWFpbi5jb20=")
    assert _nx_utility_base64_encode(b"testpwd", 138) == (0, b"dGVzdHB3ZA==")


def test_encode_buffer_check_counts_the_nul():
    assert _nx_utility_base64_encode(b"foo", 5) == (0, b"Zm9v")
    assert _nx_utility_base64_encode(b"foo", 4) == (0x09, None)
    assert _nx_utility_base64_encode(b"x" * 102, 138)[1] is not None   # the PLAIN maximum fits
    assert _nx_utility_base64_encode(b"x" * 102, 137)[1] is not None   # 136 characters + NUL
    assert _nx_utility_base64_encode(b"x" * 102, 136) == (0x09, None)


@given(st.binary(min_size=1, max_size=120))
def test_encode_is_standard_base64(data):
    assert _nx_utility_base64_encode(data, 1000) == (0, base64.b64encode(data))


@given(st.binary(min_size=1, max_size=120))
def test_decode_inverts_encode(data):
    assert _nx_utility_base64_decode(base64.b64encode(data), 1000) == (0, data)


def test_decode_prompts():
    assert _nx_utility_base64_decode(b"VXNlcm5hbWU6", 201) == (0, b"Username:")
    assert _nx_utility_base64_decode(b"UGFzc3dvcmQ6", 201) == (0, b"Password:")


def test_decode_is_lenient():
    # URL-safe digits, invalid characters as 0, stop at '=' or NUL.
    assert _nx_utility_base64_decode(b"-_-_", 10) == _nx_utility_base64_decode(b"+/+/", 10)
    assert _nx_utility_base64_decode(b"!!!!", 10) == (0, b"\x00\x00\x00")
    # Stops at the first '=', but the character before it is paired with '=' read as 0.
    assert _nx_utility_base64_decode(b"Zm=9v", 10) == (0, b"f`")
    assert _nx_utility_base64_decode(b"Zm9v\x00Zm9v", 20) == (0, b"foo")
    assert _nx_utility_base64_decode(b"Zg", 10) == (0, b"f")          # floor(2*6/8) = 1
    assert _nx_utility_base64_decode(b"", 10) == (0x09, None)
    assert _nx_utility_base64_decode(b"Zm9v", 3) == (0x09, None)      # no room for the NUL


def test_string_length_check():
    assert _nx_utility_string_length_check("abc", 3) == (0, 3)
    assert _nx_utility_string_length_check("abcd", 3) == (0x09, None)
    assert _nx_utility_string_length_check(None, 3) == (0x07, None)
    assert _nx_utility_string_length_check(b"ab\x00cdef", 3) == (0, 2)   # a C string ends at NUL
    assert _nx_utility_string_length_check(bytearray(b"xy"), 2) == (0, 2)
    assert c_string("é") == "é".encode()
