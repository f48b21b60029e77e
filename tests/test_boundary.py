"""The argument boundary itself (netxsim/boundary.py): prototype parsing, C integer
conversion, the named errors, run identity, and the end of a run."""
from __future__ import annotations

import inspect
from typing import Any

import pytest
from hypothesis import given, strategies as st

from netxsim import (
    TX_AUTO_START, TX_NO_WAIT, TX_SEMAPHORE, TX_SEMAPHORE_ERROR, TX_SUCCESS, TX_THREAD, tx_kernel_enter,
    tx_semaphore_create, tx_semaphore_get, tx_semaphore_info_get, tx_semaphore_put, tx_thread_create,
    tx_thread_sleep, tx_time_get,
)
import smtp_client  # noqa: F401  (declares the SMTP services)
from netxsim.boundary import PROTOTYPES, ArgumentError, Prototype, c_service
from netxsim.tx import config
from netxsim.tx.kernel import KernelError


def _in_init(body) -> Any:
    box: dict[str, Any] = {}
    tx_kernel_enter(lambda memory: box.setdefault("result", body(memory)))
    return box["result"]


# ------------------------------------------------------------------------- prototypes
def test_a_declaration_gives_the_python_signature_and_the_parameter_kinds():
    prototype = PROTOTYPES["tx_thread_create"]
    assert [p.name for p in prototype.parameters] == [
        "thread_ptr", "name_ptr", "entry_function", "entry_input", "stack_start", "stack_size", "priority",
        "preempt_threshold", "time_slice", "auto_start"]
    assert [p.kind for p in prototype.parameters] == [
        "block", "text", "callback", "opaque", "data", "int", "int", "int", "int", "int"]
    assert str(inspect.signature(tx_semaphore_get)) == "(semaphore_ptr, wait_option)"
    assert tx_semaphore_get.__doc__.startswith(
        "``UINT tx_semaphore_get(TX_SEMAPHORE *semaphore_ptr, ULONG wait_option)``")
    mail = {p.name: p for p in PROTOTYPES["nx_smtp_mail_send"].parameters}
    assert mail["mail_body"].counted_by == "mail_body_length" and mail["subject"].counted_by == ""


def test_a_malformed_declaration_or_an_unknown_type_fails_at_import():
    with pytest.raises(SyntaxError, match="not a C prototype"):
        Prototype("tx_nothing", {})
    with pytest.raises(SyntaxError, match="FLOAT x: unknown integer type"):
        Prototype("UINT f(FLOAT x)", {})
    with pytest.raises(SyntaxError, match="NX_WIDGET is not a known control-block type"):
        Prototype("UINT f(NX_WIDGET *w)", {})


def test_a_new_service_declares_its_prototype_and_gets_the_boundary():
    calls = []
    service = c_service("UINT my_service_set(TX_SEMAPHORE *semaphore_ptr, USHORT port, UCHAR flags)",
                        lambda *args: calls.append(args) or 0)
    try:
        semaphore = TX_SEMAPHORE()
        assert _in_init(lambda _: service(semaphore, -1, 0x1FF)) == 0
        assert calls == [(semaphore, 0xFFFF, 0xFF)]
        with pytest.raises(ArgumentError, match=r"^my_service_set: port must be an integer, got float$"):
            _in_init(lambda _: service(semaphore, 1.0, 0))
    finally:
        del PROTOTYPES["my_service_set"]     # not a public service of the stack


# ------------------------------------------------------------------ integer conversion
@given(st.integers(min_value=-(1 << 70), max_value=1 << 70))
def test_a_ulong_converts_modulo_2_to_the_32(count):
    def body(_: Any) -> tuple:
        semaphore = TX_SEMAPHORE()
        status = tx_semaphore_create(semaphore, "s", count)
        return status, tx_semaphore_info_get(semaphore)[2]
    assert _in_init(body) == (TX_SUCCESS, count % (1 << 32))


def test_bool_and_index_objects_are_integers_and_floats_never_are():
    class Index:
        def __index__(self) -> int:
            return 7

    def body(_: Any) -> list:
        semaphore = TX_SEMAPHORE()
        tx_semaphore_create(semaphore, "s", True)
        out = [tx_semaphore_info_get(semaphore)[2]]
        tx_semaphore_create(second := TX_SEMAPHORE(), "t", Index())
        out.append(tx_semaphore_info_get(second)[2])
        for bad in (1.0, "1", b"1", None):
            with pytest.raises(TypeError, match="tx_semaphore_create: initial_count must be an integer"):
                tx_semaphore_create(TX_SEMAPHORE(), "u", bad)
        return out
    assert _in_init(body) == [1, 7]


def test_the_kind_check_holds_with_error_checking_disabled(monkeypatch):
    monkeypatch.setattr(config, "TX_DISABLE_ERROR_CHECKING", True)

    def body(_: Any) -> str:
        with pytest.raises(TypeError, match="tx_semaphore_get: semaphore_ptr must be TX_SEMAPHORE or None, got str"):
            tx_semaphore_get("semaphore", TX_NO_WAIT)
        return "raised"
    assert _in_init(body) == "raised"


# ---------------------------------------------------------------------- run identity
def test_a_block_of_an_earlier_run_is_zeroed_and_a_run_that_ended_refuses_services():
    semaphore = TX_SEMAPHORE()
    first = _in_init(lambda _: (tx_semaphore_create(semaphore, "s", 3), tx_semaphore_put(semaphore)))
    assert first == (TX_SUCCESS, TX_SUCCESS) and semaphore.tx_semaphore_count == 4
    # The run ended: changing services raise, inspection still answers.
    with pytest.raises(KernelError, match=r"tx_semaphore_put: the run has ended \(idle\)"):
        tx_semaphore_put(semaphore)
    assert tx_semaphore_info_get(semaphore)[:3] == (TX_SUCCESS, "s", 4)
    # A new run that does not create it again: the C's invalid-object status.
    second = _in_init(lambda _: (tx_semaphore_put(semaphore), tx_semaphore_info_get(semaphore)[0]))
    assert second == (TX_SEMAPHORE_ERROR, TX_SEMAPHORE_ERROR)
    assert semaphore.tx_semaphore_count == 0 and semaphore.tx_semaphore_name == ""


def test_a_run_paused_at_until_is_not_ended():
    thread, box = TX_THREAD(), {}

    def entry(_: int) -> None:
        tx_thread_sleep(50)

    def define(memory: Any) -> None:
        tx_thread_create(thread, "t", entry, 0, memory, 1024, 5, 5, 0, TX_AUTO_START)
    run = tx_kernel_enter(define, until=10)
    assert run.reason == "until"
    box["time"] = tx_time_get()
    semaphore = TX_SEMAPHORE()
    assert tx_semaphore_create(semaphore, "after until", 0) == TX_SUCCESS
    assert box["time"] == 10
