"""The build configuration: ``tx_user.h`` options as one object per stack, and the
error-checking switch every public service goes through.

A ThreadX/NetX application behaves as its libraries were built: ``tx_user.h`` and
``nx_user.h`` defines change statuses, limits, queueing and timing. Here each stack has
one configuration class whose attributes are its options, named exactly as the
defines, with the default build's values as defaults (:class:`TxConfig` here,
``netxsim.nx.config.NxConfig`` for NetX Duo; add-ons may register their own). A user
states the build once, before the run::

    run = tx_kernel_enter(tx_application_define,
                          config=[TxConfig(TX_TIMER_TICKS_PER_SECOND=1000),
                                  NxConfig(NX_ENABLE_LOW_WATERMARK=True)])
    run = tx_kernel_enter(tx_application_define, config={"NX_ENABLE_LOW_WATERMARK": True})
    run.config.NX_ENABLE_LOW_WATERMARK     # True: the build the run used

``config`` takes one configuration object, a list of them, a dict of define names, a
:class:`BuildConfig`, or None (the default build). The run keeps a frozen copy of the
complete build (``run.config``, ``kernel().config``); the objects passed in are frozen
for good as well: options cannot change in the middle of a run, and assigning one
raises :class:`ConfigFrozenError`. ``cfg.replace(NAME=value)`` makes a changed copy.

Before this object existed a few options were module-level switches
(``netxsim.tx.config.TX_DISABLE_ERROR_CHECKING``, ``netxsim.nx.config.
NX_DISABLE_ERROR_CHECKING``, ``netxsim.nx.tcp.NX_ENABLE_TCP_KEEPALIVE``, ...). They
still work: reading one gives the value in force (the running build's, else the site
default), and assigning one outside a run changes the site default, i.e. the value a
later run gets when its ``config`` does not name the option. Assigning one during a run
raises :class:`ConfigFrozenError`.

The stack reads options once per run or per object (when a socket, pool or IP instance
is created), never by name on a per-segment path.
"""
from __future__ import annotations

import sys
import types
from functools import wraps
from typing import Any, Callable, ClassVar, Iterable


class ConfigFrozenError(AttributeError):
    """An option was assigned while a run uses it, or on a build a run has adopted."""


class UnknownOptionError(AttributeError):
    """A configuration names an option that no registered stack defines."""


class Option:
    """One build option: its default-build value and what it changes."""

    __slots__ = ("name", "default", "doc", "check")

    def __init__(self, name: str, default: Any, doc: str,
                 check: Callable[[Any], str | None] | None = None) -> None:
        self.name, self.default, self.doc, self.check = name, default, doc, check


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) or value in (0, 1) else "must be True or False"


def _positive(value: Any) -> str | None:
    return None if isinstance(value, int) and not isinstance(value, bool) and value > 0 \
        else "must be a positive integer"


def _natural(value: Any) -> str | None:
    return None if isinstance(value, int) and not isinstance(value, bool) and value >= 0 \
        else "must be an integer >= 0"


class StackConfig:
    """Base of a stack's configuration: options given as keywords, each named as its
    define; unnamed options take the default build's value."""

    STACK: ClassVar[str] = ""
    OPTIONS: ClassVar[dict[str, Option]] = {}
    #: The configuration in force: the running build's, or the site defaults between
    #: runs. Services read their switches through it (one attribute look-up).
    active: ClassVar["StackConfig"]
    #: Site defaults: the default build, amended by assignments to the legacy module
    #: switches; a run's options start from these.
    site: ClassVar["StackConfig"]

    def __init__(self, **options: Any) -> None:
        object.__setattr__(self, "_frozen", False)
        for name, option in self.OPTIONS.items():
            object.__setattr__(self, name, option.default)
        for name, value in options.items():
            setattr(self, name, value)
        self.validate()

    def __setattr__(self, name: str, value: Any) -> None:
        if self._frozen:
            raise ConfigFrozenError(
                f"{name}: this {type(self).__name__} belongs to a run's build and cannot change "
                "(state the build before the run: tx_kernel_enter(..., config=...); "
                "cfg.replace(...) makes a changed copy)")
        option = self.OPTIONS.get(name)
        if option is None:
            raise UnknownOptionError(f"{type(self).__name__} has no option {name!r}")
        problem = option.check(value) if option.check is not None else None
        if problem is not None:
            raise ValueError(f"{name}={value!r}: {problem}")
        object.__setattr__(self, name, value)

    def validate(self) -> None:
        """Cross-option checks (the C headers' #error lines); raise ValueError."""

    def replace(self, **changes: Any) -> "StackConfig":
        """A copy with ``changes`` applied (not frozen)."""
        copy = type(self)(**self.options())
        for name, value in changes.items():
            setattr(copy, name, value)
        copy.validate()
        return copy

    def options(self) -> dict[str, Any]:
        """Every option and its value, in declaration order."""
        return {name: getattr(self, name) for name in self.OPTIONS}

    def changes(self) -> dict[str, Any]:
        """The options that differ from the default build."""
        return {name: value for name, value in self.options().items()
                if value != self.OPTIONS[name].default}

    def freeze(self) -> "StackConfig":
        object.__setattr__(self, "_frozen", True)
        return self

    @property
    def frozen(self) -> bool:
        return self._frozen

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.options() == self.options()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={value!r}" for name, value in self.changes().items())
        return f"{type(self).__name__}({inner})"

    @classmethod
    def activated(cls) -> None:
        """Hook: ``cls.active`` (or another stack's) just changed; recompute what derives
        from it."""

    @classmethod
    def describe(cls) -> str:
        """A table of the options: name, default, what it changes."""
        return "\n".join(f"{o.name} = {o.default!r}: {o.doc}" for o in cls.OPTIONS.values())


_STACKS: dict[str, type[StackConfig]] = {}
_OWNER: dict[str, str] = {}          # option name -> stack key
_in_run: "BuildConfig | None" = None  # the build of the run in progress


def register_stack(cls: type[StackConfig]) -> type[StackConfig]:
    """Register a stack's configuration class (class decorator); its site defaults start
    as the default build."""
    _STACKS[cls.STACK] = cls
    for name in cls.OPTIONS:
        owner = _OWNER.setdefault(name, cls.STACK)
        if owner != cls.STACK:
            raise ValueError(f"option {name} defined by both {owner} and {cls.STACK}")
    cls.site = cls()
    cls.active = cls.site
    _activated()
    return cls


class BuildConfig:
    """The whole build of a run: one configuration per registered stack (``.tx``,
    ``.nx``, ...); an option is also readable by its define name
    (``build.NX_ENABLE_LOW_WATERMARK``)."""

    def __init__(self, parts: dict[str, StackConfig]) -> None:
        object.__setattr__(self, "_parts", parts)

    @classmethod
    def of(cls, config: Any = None) -> "BuildConfig":
        """The complete, frozen build for ``config`` (see the module docstring): site
        defaults for what it does not name. Configuration objects given are frozen."""
        parts = {key: stack.site.replace() for key, stack in _STACKS.items()}
        for item in _items(config):
            if isinstance(item, StackConfig):
                item.freeze()
                # A stack's configuration object is that stack's whole header: it
                # replaces the site defaults of every one of its options.
                part = parts[item.STACK]
                for name, value in item.options().items():
                    object.__setattr__(part, name, value)
            else:
                name, value = item
                stack = _OWNER.get(name)
                if stack is None:
                    raise UnknownOptionError(f"no stack defines the option {name!r}")
                setattr(parts[stack], name, value)
        for part in parts.values():
            part.validate()
            part.freeze()
        return cls(parts)

    def __getattr__(self, name: str) -> Any:
        parts = self._parts
        if name in parts:
            return parts[name]
        stack = _OWNER.get(name)
        if stack is None or stack not in parts:
            raise AttributeError(f"the build has no option {name!r}")
        return getattr(parts[stack], name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise ConfigFrozenError(f"{name}: a run's build cannot change")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BuildConfig) and other._parts == self._parts

    __hash__ = None  # type: ignore[assignment]

    def stacks(self) -> dict[str, StackConfig]:
        return dict(self._parts)

    def changes(self) -> dict[str, Any]:
        """Every option that differs from the default build."""
        out: dict[str, Any] = {}
        for part in self._parts.values():
            out.update(part.changes())
        return out

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={value!r}" for name, value in self.changes().items())
        return f"BuildConfig({inner})"


def _items(config: Any) -> Iterable[Any]:
    """Flatten ``config`` into StackConfig objects and (name, value) pairs, in order."""
    if config is None:
        return []
    if isinstance(config, BuildConfig):
        return list(config._parts.values())
    if isinstance(config, StackConfig):
        return [config]
    if isinstance(config, dict):
        return list(config.items())
    if isinstance(config, (list, tuple)):
        out: list[Any] = []
        for item in config:
            out.extend(_items(item))
        return out
    raise TypeError(f"config must be a StackConfig, a list of them, a dict of options or a "
                    f"BuildConfig, not {type(config).__name__}")


def begin_run(build: BuildConfig) -> None:
    """Put a run's build in force (tx_kernel_enter)."""
    global _in_run
    _in_run = build
    for key, part in build._parts.items():
        _STACKS[key].active = part
    _activated()


def end_run(build: BuildConfig) -> None:
    """The run ended (or its initialisation raised): the site defaults are in force again."""
    global _in_run
    if _in_run is build:
        _in_run = None
        for stack in _STACKS.values():
            stack.active = stack.site
        _activated()


def in_run() -> bool:
    return _in_run is not None


def set_site_default(name: str, value: Any) -> None:
    """Assign a site default (what a legacy module switch assignment does)."""
    if _in_run is not None:
        raise ConfigFrozenError(
            f"{name} cannot change during a run: state it before the run "
            "(tx_kernel_enter(..., config={...}))")
    stack = _STACKS[_OWNER[name]]
    site = stack.site.replace(**{name: value})
    stack.site = site
    stack.active = site
    _activated()


def _activated() -> None:
    for stack in _STACKS.values():
        stack.activated()


def legacy_switches(module_name: str, *names: str) -> None:
    """Make ``names`` of module ``module_name`` (which must not define them itself) views
    of the configuration in force: reading gives the active value, assigning outside a
    run sets the site default, assigning during a run raises ConfigFrozenError. They are
    properties of a module subclass, so ``setattr``/``monkeypatch`` work as usual."""
    module = sys.modules[module_name]
    namespace: dict[str, Any] = {}
    for name in names:
        stack_key = _OWNER.get(name)
        if stack_key is None:
            raise UnknownOptionError(name)

        def getter(_module: Any, name: str = name, stack_key: str = stack_key) -> Any:
            return getattr(_STACKS[stack_key].active, name)

        def setter(_module: Any, value: Any, name: str = name) -> None:
            set_site_default(name, value)
        namespace[name] = property(getter, setter, doc=f"{name}: a view of the build in force")
    base = type(module) if type(module) is not types.ModuleType else types.ModuleType
    module.__class__ = type(f"{module_name}.options", (base,), namespace)


# =============================================================================== ThreadX
def _priorities(value: Any) -> str | None:
    problem = _positive(value)
    if problem is None and value % 32:
        return "must be a multiple of 32 (tx_api.h)"
    return problem


@register_stack
class TxConfig(StackConfig):
    """ThreadX build options (``tx_user.h`` / ``tx_port.h``); defaults are the build the
    Linux port gets with no user header."""

    STACK = "tx"
    OPTIONS = {o.name: o for o in (
        Option("TX_DISABLE_ERROR_CHECKING", False,
               "services skip the _txe_ argument/caller checks and call the core _tx_ "
               "service; bad arguments are not caught (they typically raise a Python "
               "exception where C would corrupt memory)", _boolean),
        Option("TX_DISABLE_PREEMPTION_THRESHOLD", False,
               "a preemption threshold other than the thread's priority becomes 0 (no "
               "preemption at all) in tx_thread_create and tx_thread_preemption_change",
               _boolean),
        Option("TX_TIMER_TICKS_PER_SECOND", 100,
               "ticks per simulated second: NX_IP_PERIODIC_RATE follows it (NetX's TCP, "
               "ARP and IP periodic timers), as do pcap timestamps of a capture", _positive),
        Option("TX_MAX_PRIORITIES", 32,
               "number of priority levels (a multiple of 32); tx_thread_create and "
               "tx_thread_priority_change refuse priority >= it with TX_PRIORITY_ERROR",
               _priorities),
        Option("TX_MINIMUM_STACK", 200,
               "smallest stack tx_thread_create accepts (TX_SIZE_ERROR below it)", _natural),
        Option("TX_TIMER_PROCESS_IN_ISR", False,
               "timer expirations run in the tick interrupt instead of the system timer "
               "thread: there is no timer thread, callbacks run in ISR context, and a thread "
               "that disables preemption cannot hold timer processing off", _boolean),
        Option("TX_ENABLE_EVENT_TRACE", False,
               "the event-trace services are built in (off: they return "
               "TX_FEATURE_NOT_ENABLED); recorded here for the trace services to consult",
               _boolean),
    )}


def switchable_service(checked: Callable, core: Callable, checking_disabled: Callable[[], bool],
                       name: str | None = None) -> Callable:
    """Build a public service that goes through ``checked`` (the error-checking front end,
    which calls ``core``) or straight to ``core`` while ``checking_disabled()`` is true.
    The public function carries the core's docstring. ThreadX, NetX and the SMTP client
    each pass their own switch (a predicate reading their configuration in force)."""
    @wraps(core)
    def public(*args, **kwargs):
        if checking_disabled():
            return core(*args, **kwargs)
        return checked(*args, **kwargs)
    public.__name__ = public.__qualname__ = name or core.__name__.lstrip("_")
    # The argument boundary (netxsim.boundary.c_service) makes the same choice inline,
    # saving this wrapper's call on every service call.
    public.switch = (checked, core, checking_disabled)  # type: ignore[attr-defined]
    return public


def tx_error_checking_disabled() -> bool:
    """TX_DISABLE_ERROR_CHECKING of the build in force."""
    return TxConfig.active.TX_DISABLE_ERROR_CHECKING


def service(checked: Callable, core: Callable, name: str | None = None) -> Callable:
    """A ThreadX service: ``_txe_`` front end unless TX_DISABLE_ERROR_CHECKING is set."""
    return switchable_service(checked, core, tx_error_checking_disabled, name)


legacy_switches(__name__, "TX_DISABLE_ERROR_CHECKING")

__all__ = ["TxConfig", "BuildConfig", "StackConfig", "Option", "ConfigFrozenError",
           "UnknownOptionError", "register_stack", "switchable_service", "service"]
