"""The argument boundary: every public service's C prototype, and one layer that
converts and checks its arguments the way a C compiler and the ID checks would.

Theory of operation
-------------------
Each public service declares its C prototype as a string, with the parameters the
Python call takes (out-parameters, which Python returns, are left out)::

    tx_semaphore_get = c_service(
        "UINT tx_semaphore_get(TX_SEMAPHORE *semaphore_ptr, ULONG wait_option)",
        service(_txe_semaphore_get, _tx_semaphore_get))

:func:`c_service` parses the declaration once, when the module is imported, and
generates a small function that runs before the ``_txe_``/``_nxe_`` front end (or
the core, when error checking is disabled), so the rule holds whatever the switch:

* ``UINT``/``ULONG``/``USHORT``/``UCHAR`` (and ``INT``/``LONG``/``CHAR`` signed)
  integers convert as C converts them: modulo 2^32, 2^16, 2^8. Any object with
  ``__index__`` (``int``, ``bool``, a ``Pointer``) is an integer; a float, str,
  None or anything else raises ``TypeError`` naming the service and the parameter.
* ``CHAR *`` text takes ``bytes``, ``bytearray``, ``memoryview``, a ``str`` or None
  (NULL). An int is refused. When the next parameter counts its bytes
  (``mail_body`` then ``mail_body_length``, ``data_start`` then ``data_size``), a
  ``str`` must be ASCII: one character is then one byte.
* ``VOID *``/``UCHAR *`` take a ``Pointer``, a bytes-like object, a ``str`` (checked
  as for ``CHAR *``) or None; never an integer or a control block. A queue message (``ULONG
  *source_ptr``) is a sequence of integers; anything else is NULL to the front end.
* A ``ULONG`` marked ``/* or object */`` (a thread's ``entry_input``, a timer's
  ``expiration_input``: C code passes cast pointers there) takes any object.
* A pointer to a control-block type (``TX_THREAD *``, ``NX_PACKET *``, ...) takes
  an instance of that class or None (NULL); anything else raises ``TypeError``.
* A function pointer (``VOID (*name)(ULONG)``) takes a callable or None.

Control blocks and runs. A control block remembers the run (``tx_kernel_enter``)
that last created it. When a block created in an earlier run reaches a service of
a new run without having been created again, it is first zeroed, as the target's
RAM is after a reset, so the front end answers with the C's invalid-object status
(``TX_SEMAPHORE_ERROR``, ``NX_PTR_ERROR``, ...) and the core sees a never-created
block. A packet of an earlier run is passed on as NULL. The object a ``*_create``
service creates is exempt: the create zeroes it anyway. Calling any service when
no run is active, or after the run ended (completed, deadlock, idle, stopped or
closed; a run paused at ``until=`` may be resumed), raises ``KernelError``, except
for the inspection services (``*_info_get`` and the other getters), which look at
what a finished run left, as a debugger does on a halted target.
"""
from __future__ import annotations

import dis
import inspect
import re
import sys
from typing import Any, Callable

from netxsim.tx import kernel as _kernel_module
from netxsim.tx.kernel import KernelError
from netxsim.tx.memory import Pointer

# How each C integer type converts: (bits, signed).
INTEGER_TYPES: dict[str, tuple[int, bool]] = {
    "UINT": (32, False), "ULONG": (32, False), "USHORT": (16, False), "UCHAR": (8, False),
    "INT": (32, True), "LONG": (32, True), "CHAR": (8, True), "SHORT": (16, True),
}
_DATA_POINTER_TYPES = frozenset({"VOID", "UCHAR", "ULONG", "USHORT"})
_BYTES_LIKE = (bytes, bytearray, memoryview)

# Control-block classes whose objects are tied to the run that created them.
_RUN_TRACKED: dict[type, Callable[[Any], None]] = {}


class ArgumentError(TypeError):
    """A service argument of a kind C would not compile (named service and parameter)."""


def control_block(cls: type | None = None, *, zero: Callable[[Any], None] | None = None) -> Any:
    """Class decorator: instances of ``cls`` are control blocks tied to the run that
    created them. ``zero(obj)`` resets a block left over from an earlier run to its
    never-created state (default: drop every attribute and run ``__init__()``)."""
    def register(klass: type) -> type:
        klass._netxsim_run = 0  # type: ignore[attr-defined]
        _extra_types[klass.__name__] = klass
        _RUN_TRACKED[klass] = zero or _zero_default
        return klass
    return register(cls) if cls is not None else register


def _zero_default(block: Any) -> None:
    block.__dict__.clear()
    block.__init__()


def memset_control_block(block: Any) -> None:
    """``memset(block, 0, sizeof(*block))`` as C create services begin: every attribute,
    including any a previous life added (protocol state, a peer's ``rand()``), goes."""
    _zero_default(block)


# ------------------------------------------------------------------ conversion helpers
def _kind(value: Any) -> str:
    return type(value).__name__


def _integer(value: Any, bits: int, signed: bool, where: str) -> int:
    if value is None:
        # C code sometimes passes NX_NULL/TX_NULL (0 in C) for an integer; here those names
        # are None, for pointers, so say what to write instead.
        raise ArgumentError(f"{where} must be an integer, got None (where the C passes "
                            f"NX_NULL or TX_NULL for an integer, write 0)")
    if isinstance(value, (float, str, bytes, bytearray)) or not hasattr(value, "__index__"):
        raise ArgumentError(f"{where} must be an integer, got {_kind(value)}")
    number = value.__index__() & ((1 << bits) - 1)
    if signed and number >> (bits - 1):
        number -= 1 << bits
    return number


def _text(value: Any, counted: bool, where: str, count_name: str = "") -> Any:
    if value is None or type(value) in _BYTES_LIKE or isinstance(value, _BYTES_LIKE):
        return value
    if isinstance(value, str):
        if counted and not value.isascii():
            raise ValueError(f"{where} is a str with non-ASCII characters while C counts its bytes in "
                             f"{count_name}: pass bytes (e.g. text.encode())")
        return value
    raise ArgumentError(f"{where} must be str or bytes, got {_kind(value)}")


def _data(value: Any, counted: bool, where: str, count_name: str = "") -> Any:
    if value is None or isinstance(value, (Pointer,) + _BYTES_LIKE):
        return value
    if isinstance(value, str):
        return _text(value, counted, where, count_name)
    raise ArgumentError(f"{where} must be a pointer or a bytes-like object, got {_kind(value)}")


def _message(value: Any) -> Any:
    """A queue message (``ULONG *``): a sequence of integers; anything else is passed as
    NULL, which the front end answers with TX_PTR_ERROR."""
    if isinstance(value, (str,) + _BYTES_LIKE) or not hasattr(value, "__len__") \
            or not hasattr(value, "__iter__"):
        return None
    if not all(hasattr(item, "__index__") and not isinstance(item, (float, str)) for item in value):
        return None
    return value


def _block(value: Any, cls: type, where: str) -> Any:
    if value is None or isinstance(value, cls):
        return value
    raise ArgumentError(f"{where} must be {cls.__name__} or None, got {_kind(value)}")


def _callable(value: Any, where: str) -> Any:
    if value is None or callable(value):
        return value
    raise ArgumentError(f"{where} must be a function or None, got {_kind(value)}")


def _stale(value: Any) -> Any:
    """A control block of an earlier run: zeroed (so the ID check fails as in C)."""
    _RUN_TRACKED[type(value)](value)
    value._netxsim_run = 0
    return value


def _no_run(service_name: str) -> None:
    k = _kernel_module.last_kernel()
    if k is None:
        raise KernelError(f"{service_name}: no ThreadX kernel: call services from inside tx_kernel_enter()")
    raise KernelError(f"{service_name}: the run has ended ({k.end_reason}); services can only be called "
                      "while a run is active: start a new one with tx_kernel_enter()")


# ------------------------------------------------------------------ prototype parsing
class Parameter:
    """One declared parameter: its C type and how the boundary treats it."""

    __slots__ = ("name", "ctype", "kind", "bits", "signed", "cls", "counted_by", "default", "nullable")

    def __init__(self, name: str, ctype: str, kind: str) -> None:
        self.name, self.ctype, self.kind = name, ctype, kind
        self.bits, self.signed, self.cls = 0, False, None
        self.counted_by = ""
        self.default: str | None = None
        self.nullable = False

    def __repr__(self) -> str:
        return f"{self.ctype} {self.name}"


class Prototype:
    """A parsed declaration: return type, service name, parameters."""

    def __init__(self, declaration: str, namespace: dict[str, Any]) -> None:
        match = re.fullmatch(r"\s*([A-Za-z_]\w*\s*\**)\s*([A-Za-z_]\w*)\s*\((.*)\)\s*;?\s*", declaration, re.S)
        if match is None:
            raise SyntaxError(f"not a C prototype: {declaration!r}")
        self.declaration = " ".join(declaration.split())
        self.returns = match.group(1).strip()
        self.name = match.group(2)
        body = match.group(3).strip()
        self.parameters = [] if body in ("", "VOID") else \
            [self._parameter(text, namespace) for text in _split(body)]
        for index, parameter in enumerate(self.parameters[:-1]):
            following = self.parameters[index + 1]
            base = re.sub(r"_(ptr|start)$", "", parameter.name)
            if parameter.kind in ("text", "data") and following.kind == "int" \
                    and following.name in (f"{base}_length", f"{base}_size"):
                parameter.counted_by = following.name

    def _parameter(self, text: str, namespace: dict[str, Any]) -> Parameter:
        default = None
        # Markers: "/* NULL */" an integer that also takes None (the front end checks it);
        # "/* or object */" a ULONG that C code fills with a cast pointer: any object.
        nullable = "/* NULL */" in text
        opaque = "/* or object */" in text
        text = text.replace("/* NULL */", "").replace("/* or object */", "")
        if "=" in text:
            text, default = (part.strip() for part in text.split("=", 1))
        function = re.search(r"\(\s*\*\s*(\w+)\s*\)", text)
        if function:
            parameter = Parameter(function.group(1), text.strip(), "callback")
        else:
            match = re.fullmatch(r"\s*((?:const\s+)?[A-Za-z_]\w*)\s*(\**)\s*(\w+)\s*", text)
            if match is None:
                raise SyntaxError(f"{self.name}: cannot read parameter {text!r}")
            ctype, stars, name = match.group(1).replace("const ", ""), match.group(2), match.group(3)
            if not stars:
                if ctype not in INTEGER_TYPES:
                    raise SyntaxError(f"{self.name}: {ctype} {name}: unknown integer type")
                parameter = Parameter(name, ctype, "int")
                parameter.bits, parameter.signed = INTEGER_TYPES[ctype]
            elif ctype == "CHAR":
                parameter = Parameter(name, f"{ctype} *", "text")
            elif ctype == "ULONG" and "source" in name:
                parameter = Parameter(name, f"{ctype} *", "message")
            elif ctype in _DATA_POINTER_TYPES:
                parameter = Parameter(name, f"{ctype} *", "data")
            else:
                cls = namespace.get(ctype) or _known_types().get(ctype)
                if not isinstance(cls, type):
                    raise SyntaxError(f"{self.name}: {ctype} is not a known control-block type")
                parameter = Parameter(name, f"{ctype} *", "block")
                parameter.cls = cls
        parameter.default = default
        parameter.nullable = nullable or default == "None"
        if opaque:
            parameter.kind = "opaque"
        return parameter


def _split(body: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in body:
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        depth += (char == "(") - (char == ")")
        current.append(char)
    parts.append("".join(current))
    return parts


_extra_types: dict[str, type] = {}


def register_type(cls: type, name: str | None = None) -> type:
    """Make ``cls`` known by its C name to prototypes of other modules."""
    _extra_types[name or cls.__name__] = cls
    return cls


def _known_types() -> dict[str, type]:
    return _extra_types


# ------------------------------------------------------------------ code generation
def _global_read(function: Callable) -> list[str] | None:
    """The names of the attribute chain ``function`` returns when its whole body is
    ``return NAME.attr.attr`` (no parameters, NAME a global of its module): the shape of
    the error-checking switches (``TxConfig.active.TX_DISABLE_ERROR_CHECKING``). The
    boundary then reads that chain inline, the same read without a call on every
    service call. None for any other function (it is called as before)."""
    code = getattr(function, "__code__", None)
    if code is None or code.co_argcount or code.co_kwonlyargcount or code.co_flags & 0x0C \
            or getattr(function, "__closure__", None):
        return None
    chain: list[str] = []
    for instruction in dis.get_instructions(function):
        name = instruction.opname
        if name in ("RESUME", "NOP", "CACHE"):
            continue
        if name == "LOAD_GLOBAL" and not chain and isinstance(instruction.argval, str):
            chain.append(instruction.argval)
        elif name == "LOAD_ATTR" and chain and isinstance(instruction.argval, str):
            chain.append(instruction.argval)
        elif name == "RETURN_VALUE" and len(chain) >= 2 and chain[0] in function.__globals__:
            return chain
        else:
            return None
    return None


PROTOTYPES: dict[str, Prototype] = {}
_INSPECTION_SERVICES = frozenset({"tx_time_get", "tx_thread_identify", "nx_packet_length_get",
                                  "nx_ip_address_get", "nx_tcp_client_socket_port_get",
                                  "nx_tcp_socket_mss_get", "nx_tcp_socket_mss_peer_get",
                                  "nx_tcp_socket_peer_info_get", "nx_tcp_socket_bytes_available",
                                  "nx_packet_data_retrieve", "nx_packet_data_extract_offset",
                                  "nx_arp_hardware_address_find", "nx_arp_ip_address_find"})


def is_inspection(name: str) -> bool:
    """Whether service ``name`` only reads state (``*_info_get`` and the other getters):
    those may still be called once the run has ended, to look at what it left."""
    return name.endswith("_info_get") or name in _INSPECTION_SERVICES


def _created_parameter(prototype: Prototype) -> str | None:
    """The control block a ``*_create`` service creates: the one whose type names the
    service (``TX_EVENT_FLAGS_GROUP`` for ``tx_event_flags_create``, ``NX_TCP_SOCKET`` for
    ``nx_tcp_socket_create``; none for ``nx_arp_static_entry_create``)."""
    words = prototype.name.split("_")
    for parameter in prototype.parameters:
        if parameter.kind != "block":
            continue
        tokens = [t for t in parameter.cls.__name__.lower().split("_")[1:] if t != "group"]
        if any(words[i:i + len(tokens)] == tokens for i in range(len(words))):
            return parameter.name
    return None


def c_service(declaration: str, public: Callable, *, creates: str | None = None) -> Callable:
    """The public service ``public`` (a switchable service, or any callable taking the
    declared parameters) behind the argument boundary of ``declaration``.

    ``creates`` names the control block a ``*_create`` service creates (default: the
    parameter whose type names the service); that one is not zeroed when it comes from
    an earlier run, and is stamped with the current run when the status is 0.
    """
    namespace = sys._getframe(1).f_globals
    prototype = Prototype(declaration, namespace)
    if creates is None and prototype.name.endswith("_create"):
        creates = _created_parameter(prototype)
    PROTOTYPES[prototype.name] = prototype
    env: dict[str, Any] = {
        "_public": public, "_current": _kernel_module, "_no_run": _no_run, "_integer": _integer,
        "_text": _text, "_data": _data, "_message": _message, "_Pointer": Pointer, "_block": _block,
        "_callable": _callable, "_stale": _stale,
    }
    names = [p.name for p in prototype.parameters]
    signature = ", ".join(p.name if p.default is None else f"{p.name}={p.default}" for p in prototype.parameters)
    # Inspection services read state and change nothing: like a debugger on a halted
    # target, they still answer after the run has ended.
    ended = "" if is_inspection(prototype.name) else " or _k.closed"
    lines = [f"def {prototype.name}({signature}):",
             "    _k = _current._current",
             "    if _k is None:",
             "        _k = _current.last_kernel()   # a finished run, while something holds it",
             f"    if _k is None{ended}:",
             f"        _no_run({prototype.name!r})"]
    needs_serial = any(p.kind == "block" for p in prototype.parameters)
    if needs_serial:
        lines.append("    _serial = _k.serial")
    for index, p in enumerate(prototype.parameters):
        where = f"{prototype.name}: {p.name}"
        n = p.name
        if p.kind == "int":
            guard = f"type({n}) is not int or {n} >> {p.bits - 1 if p.signed else p.bits}"
            if p.signed:
                guard = f"type({n}) is not int or not -{1 << (p.bits - 1)} <= {n} < {1 << (p.bits - 1)}"
            if p.nullable:
                guard = f"{n} is not None and ({guard})"
            lines.append(f"    if {guard}:")
            lines.append(f"        {n} = _integer({n}, {p.bits}, {p.signed}, {where!r})")
        elif p.kind in ("text", "data"):
            helper = "_text" if p.kind == "text" else "_data"
            # bytes always passes; an uncounted str too; anything else is looked at.
            fast = f"type({n}) is not bytes" + ("" if p.counted_by else f" and type({n}) is not str")
            if p.kind == "data":
                fast += f" and type({n}) is not _Pointer"
            lines.append(f"    if {fast}:")
            lines.append(f"        {n} = {helper}({n}, {bool(p.counted_by)}, {where!r}, {p.counted_by!r})")
        elif p.kind == "message":
            lines.append(f"    if type({n}) is not tuple and type({n}) is not list or not all(type(_x) is int for _x in {n}):")
            lines.append(f"        {n} = _message({n})")
        elif p.kind == "opaque":
            pass
        elif p.kind == "callback":
            lines.append(f"    if {n} is not None and not callable({n}):")
            lines.append(f"        _callable({n}, {where!r})")
        else:
            cls_name = f"_cls{index}"
            env[cls_name] = p.cls
            lines.append(f"    if {n}.__class__ is not {cls_name}:")
            lines.append(f"        {n} = _block({n}, {cls_name}, {where!r})")
            if n == creates:
                continue
            if p.cls in _RUN_TRACKED:
                lines.append(f"    if {n} is not None and {n}._netxsim_run != _serial and {n}._netxsim_run:")
                lines.append(f"        _stale({n})")
            elif getattr(p.cls, "__name__", "") == "NX_PACKET":
                # A packet of an earlier run: its pool's memory is gone; pass NULL.
                lines.append(f"    if {n} is not None and {n}.nx_packet_pool_owner._netxsim_run != _serial:")
                lines.append(f"        {n} = None")
    call = f"_public({', '.join(names)})"
    switch = getattr(public, "switch", None)
    if switch is not None:
        # A switchable service (netxsim.tx.config.switchable_service): the error-checking
        # front end, or the core while the build in force disables checking, called
        # directly from here.
        env["_checked"], env["_core"], env["_checking_disabled"] = switch
        chain = _global_read(switch[2])
        if chain is not None:
            # The switch's own read, inline (the name looked up in its module, as it does).
            env["_switch_globals"] = switch[2].__globals__
            condition = f"_switch_globals[{chain[0]!r}]." + ".".join(chain[1:])
        else:
            condition = "_checking_disabled()"
        call = f"(_core if {condition} else _checked)({', '.join(names)})"
    if creates is not None:
        lines.append(f"    _status = {call}")
        lines.append(f"    if (_status if type(_status) is int else _status[0]) == 0 and {creates} is not None:")
        lines.append(f"        {creates}._netxsim_run = _k.serial")
        lines.append("    return _status")
    else:
        lines.append(f"    return {call}")
    source = "\n".join(lines)
    exec(compile(source, f"<c_service {prototype.name}>", "exec"), env)
    function = env[prototype.name]
    function.__doc__ = f"``{prototype.declaration}``\n\n" + (getattr(public, "__doc__", None) or "")
    function.__module__ = namespace.get("__name__", __name__)
    function.__qualname__ = prototype.name
    function.__signature__ = inspect.signature(function)  # the C parameter names, not the core's
    function.__wrapped__ = public  # type: ignore[attr-defined]
    function.prototype = prototype  # type: ignore[attr-defined]
    function.creates = creates  # type: ignore[attr-defined]
    function.boundary_source = source  # type: ignore[attr-defined]
    return function


def past_boundary(service: Callable) -> Callable:
    """What the public ``service`` runs once its argument boundary has passed: the
    error-checking front end, or the core when the build in force disables checking
    (the choice the boundary makes on every call; a run's build cannot change, so a
    caller may make it once per run). For the simulation's own trusted callers (the
    simulated peers), whose arguments are already what the boundary would pass on
    unchanged: calling this instead skips one layer and changes nothing else."""
    public = getattr(service, "__wrapped__", service)
    switch = getattr(public, "switch", None)
    if switch is None:
        return public
    checked, core, checking_disabled = switch
    return core if checking_disabled() else checked


__all__ = ["c_service", "past_boundary", "control_block", "memset_control_block", "register_type", "ArgumentError",
           "PROTOTYPES", "Prototype", "INTEGER_TYPES"]
