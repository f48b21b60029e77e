"""The compiled build's attribute cache (netxsim/_attr_cache.h) gives what Python gives.

A small module of attribute reads, writes and deletions is compiled the way
``python -m netxsim.compile`` compiles the hot modules (the same directives, the same
rewrite of the generated C) and run against the same source run by the interpreter,
over the cases where a cached look-up could go wrong: class attributes shadowed or
added later, data descriptors, __slots__, custom __getattr__/__getattribute__/
__setattr__, a class changed after the site cached it, an instance changing class,
modules (with a module __getattr__), materialised and not materialised instance
dictionaries. Skipped without Cython or a C compiler (``pip install -e '.[fast]'``).
"""
from __future__ import annotations

import importlib.util
import shutil
import sys
import sysconfig
import types
from pathlib import Path
from typing import Any, Callable

import pytest

from netxsim import compile as compiled_build

SOURCE = '''
def get_x(o):
    return o.x

def get_y(o):
    return o.y

def set_x(o, v):
    o.x = v

def del_x(o):
    del o.x

def bump(o):
    o.x += 1
    return o.x
'''


def _compiler_missing() -> str:
    if importlib.util.find_spec("Cython") is None:
        return "needs Cython (pip install -e '.[fast]')"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"needs a C compiler ({compiler})"
    return ""


pytestmark = pytest.mark.skipif(bool(_compiler_missing()), reason=_compiler_missing() or "ok")


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    where = tmp_path_factory.mktemp("attr_cache")
    (where / "attr_cached.py").write_text(SOURCE)
    (where / "attr_plain.py").write_text(SOURCE)
    extensions = cythonize([Extension("attr_cached", [str(where / "attr_cached.py")], extra_compile_args=["-w"])],
                           build_dir=str(where / "c"), quiet=True, language_level=3, force=True,
                           compiler_directives=dict(compiled_build.COMPILER_DIRECTIVES))
    c_files = [Path(source) for extension in extensions for source in extension.sources]
    assert all(compiled_build._add_attribute_cache(c_file) for c_file in c_files)
    assert "__NETXSIM_GETATTR" in c_files[0].read_text()
    command = build_ext(Distribution({"name": "attr-cached", "ext_modules": extensions}))
    command.build_lib = str(where / "lib")
    command.build_temp = str(where / "temp")
    command.ensure_finalized()
    command.run()
    built = next((where / "lib").glob("attr_cached*"))
    compiled_spec = importlib.util.spec_from_file_location("attr_cached", built)
    compiled = importlib.util.module_from_spec(compiled_spec)  # type: ignore[arg-type]
    compiled_spec.loader.exec_module(compiled)  # type: ignore[union-attr]
    assert compiled.__spec__.origin.endswith(tuple(sysconfig.get_config_var("EXT_SUFFIX").split()))
    plain_spec = importlib.util.spec_from_file_location("attr_plain", where / "attr_plain.py")
    plain = importlib.util.module_from_spec(plain_spec)  # type: ignore[arg-type]
    plain_spec.loader.exec_module(plain)  # type: ignore[union-attr]
    if sys.version_info[:2] == (3, 11):
        # The cache is in: the compiled module has call sites with their own storage.
        assert b"__netxsim_site" in built.read_bytes()
    return plain, compiled


def _outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "value", call()
    except Exception as error:  # the exact error is part of the behaviour
        return type(error).__name__, str(error)


def _run(scenario: Callable[[Any], list[Any]], modules: tuple[Any, Any]) -> None:
    plain, compiled = modules
    expected = scenario(plain)
    got = scenario(compiled)
    assert got == expected


def _steps(m: Any, o: Any, steps: list[tuple[str, Any]]) -> list[Any]:
    out = []
    for step, value in steps:
        if step == "get":
            out.append(_outcome(lambda: m.get_x(o)))
        elif step == "get_y":
            out.append(_outcome(lambda: m.get_y(o)))
        elif step == "set":
            out.append(_outcome(lambda: m.set_x(o, value)))
        elif step == "del":
            out.append(_outcome(lambda: m.del_x(o)))
        elif step == "bump":
            out.append(_outcome(lambda: m.bump(o)))
        else:   # a callable changing the world between steps
            value(o)
    return out


def test_plain_instances_materialised_or_not(modules: tuple[Any, Any]) -> None:
    def scenario(m: Any) -> list[Any]:
        class Block:
            def __init__(self) -> None:
                self.x = 1
        out: list[Any] = []
        for materialise in (None, "shared", "own"):
            for _ in range(3):
                o = Block()
                if materialise == "shared":
                    o.__dict__  # noqa: B018  (a dictionary sharing the class's keys)
                elif materialise == "own":
                    o.__dict__.clear()   # as a create service's memset does
                    o.x = 1
                out += _steps(m, o, [("get", None), ("bump", None), ("set", "v"), ("get", None), ("del", None),
                                     ("get", None), ("del", None), ("set", 5), ("get", None), ("get_y", None)])
        return out
    _run(scenario, modules)


def test_dictionary_hints_across_layouts(modules: tuple[Any, Any]) -> None:
    def scenario(m: Any) -> list[Any]:
        class Block:
            pass

        class Key(str):
            pass

        def block(*names: str) -> Block:
            o = Block()
            o.__dict__.clear()   # as a create service's memset does: a table of its own
            for number, name in enumerate(names):
                setattr(o, name, f"{name}{number}")
            return o

        out: list[Any] = []
        x_first, y_first, many = block("x", "y"), block("y", "x"), block(*"abcdefgh", "y", "x")
        for o in (x_first, y_first, x_first, many, y_first, many) * 3:
            out += _steps(m, o, [("get", None), ("get_y", None)])
        del x_first.x                                   # its entry is left empty
        out += _steps(m, x_first, [("get", None), ("get_y", None), ("set", "back"), ("get", None)])
        for name in "ijklmnopqrstuvw":                     # the table grows (new entries)
            setattr(x_first, name, name)
        out += _steps(m, x_first, [("get", None), ("get_y", None)])
        x_first.__dict__[Key("z")] = "a str subclass key"  # no longer a table of str keys only
        x_first.__dict__[1] = "an int key"
        out += _steps(m, x_first, [("get", None), ("get_y", None), ("del", None), ("get", None)])
        return out
    _run(scenario, modules)


def test_values_not_yet_in_a_dictionary(modules: tuple[Any, Any]) -> None:
    def scenario(m: Any) -> list[Any]:
        class XFirst:
            def __init__(self) -> None:
                self.x, self.y = "x of XFirst", "y of XFirst"

        class YFirst:
            def __init__(self) -> None:
                self.y, self.x = "y of YFirst", "x of YFirst"

        class Late:
            x = "class attribute"

            def __init__(self, *names: str) -> None:
                for name in names:
                    setattr(self, name, f"{name} of Late")

        out: list[Any] = []
        objects = [XFirst(), YFirst(), Late("y"), Late("a", "b", "x"), XFirst(), Late()]
        for round_ in range(4):
            for o in objects:
                out += _steps(m, o, [("get", None), ("get_y", None), ("set", f"{round_}"), ("get", None),
                                     ("bump", None) if round_ == 3 else ("get", None)])
        late = objects[2]
        out += _steps(m, late, [("del", None), ("get", None), ("set", "after del"), ("get", None)])
        late.__dict__  # noqa: B018  (now a dictionary after all)
        out += _steps(m, late, [("get", None), ("set", "dict"), ("get", None)])
        out.append([sorted(vars(o).items()) for o in objects])
        return out
    _run(scenario, modules)


def test_class_attributes_shadowed_added_and_replaced(modules: tuple[Any, Any]) -> None:
    def scenario(m: Any) -> list[Any]:
        class Counters:
            x = 0   # a counter with a class-level zero
        o, other = Counters(), Counters()
        o.__dict__  # noqa: B018
        out = _steps(m, o, [("get", None), ("bump", None), ("bump", None), ("get", None)])
        out += _steps(m, other, [("get", None), ("del", None)])
        setattr(Counters, "x", 10)                       # the class changes after the site cached it
        out += _steps(m, other, [("get", None), ("bump", None)])
        del Counters.x
        out += _steps(m, Counters(), [("get", None), ("bump", None)])
        out += _steps(m, o, [("get", None)])
        Counters.x = property(lambda self: "property")   # now a data descriptor wins over the dict
        out += _steps(m, o, [("get", None), ("set", 3), ("bump", None), ("del", None)])
        return out
    _run(scenario, modules)


def test_descriptors_and_custom_protocols(modules: tuple[Any, Any]) -> None:
    def scenario(m: Any) -> list[Any]:
        class Log(list):
            pass
        log = Log()

        class Getter:   # a non-data descriptor whose class later gains __set__
            def __get__(self, obj: Any, kind: Any = None) -> str:
                return "from descriptor"

        class WithGetter:
            x = Getter()

        class WithProperty:
            def __init__(self) -> None:
                self._x = 1
            x = property(lambda self: self._x, lambda self, v: log.append(("set", v)))

        class Dynamic:
            def __getattr__(self, name: str) -> str:
                return f"missing {name}"

        class Intercepting:
            def __getattribute__(self, name: str) -> str:
                return f"intercepted {name}"

            def __setattr__(self, name: str, value: Any) -> None:
                log.append((name, value))

        out: list[Any] = []
        w = WithGetter()
        out += _steps(m, w, [("get", None), ("set", "inst"), ("get", None), ("del", None), ("get", None)])
        Getter.__set__ = lambda self, obj, value: log.append(("descriptor set", value))  # type: ignore[attr-defined]
        out += _steps(m, w, [("set", "again"), ("get", None)])
        w.__dict__["x"] = "in dict"
        out += _steps(m, w, [("get", None)])
        out += _steps(m, WithProperty(), [("get", None), ("set", 7), ("get", None), ("del", None)])
        out += _steps(m, Dynamic(), [("get", None), ("get_y", None), ("set", 2), ("get", None), ("del", None),
                                      ("get", None)])
        out += _steps(m, Intercepting(), [("get", None), ("set", 4), ("get", None)])
        out.append(list(log))
        return out
    _run(scenario, modules)


def test_protocols_and_descriptors_added_after_the_site_cached(modules: tuple[Any, Any]) -> None:
    def scenario(m: Any) -> list[Any]:
        log: list[Any] = []

        class Base:
            pass

        class Block(Base):
            def __init__(self) -> None:
                self.x = "instance"

        o = Block()
        o.__dict__  # noqa: B018
        out = _steps(m, o, [("get", None), ("set", "v"), ("get", None), ("get_y", None)])
        Base.x = property(lambda self: "base property")   # type: ignore[attr-defined]  # a base changes
        out += _steps(m, o, [("get", None), ("set", "w")])
        del Base.x   # type: ignore[attr-defined]
        out += _steps(m, o, [("get", None), ("set", "again"), ("get", None)])
        Block.__getattr__ = lambda self, name: f"hook {name}"   # type: ignore[attr-defined]
        out += _steps(m, o, [("get_y", None), ("get", None)])
        Block.__setattr__ = lambda self, name, value: log.append((name, value))   # type: ignore[assignment]
        out += _steps(m, o, [("set", "logged"), ("get", None)])
        Block.__getattribute__ = lambda self, name: f"all {name}"   # type: ignore[assignment]
        out += _steps(m, o, [("get", None), ("bump", None)])
        out.append(log)
        return out
    _run(scenario, modules)


def test_slots(modules: tuple[Any, Any]) -> None:
    def scenario(m: Any) -> list[Any]:
        class Packet:
            __slots__ = ("x", "z")

        class Sub(Packet):
            pass

        class Other:
            __slots__ = ("z", "x")   # the same name at another offset

        out: list[Any] = []
        for o in (Packet(), Sub(), Other(), Packet()):
            out += _steps(m, o, [("get", None), ("set", 1), ("bump", None), ("get", None), ("del", None),
                                 ("get", None), ("del", None), ("get_y", None), ("set", [1]), ("get", None)])
        p = Packet()
        m.set_x(p, "a")
        Packet.x = "plain class attribute"  # type: ignore[misc]  # the slot descriptor is gone
        out += _steps(m, p, [("get", None), ("set", "b")])
        return out
    _run(scenario, modules)


def test_instances_changing_class_and_dict(modules: tuple[Any, Any]) -> None:
    def scenario(m: Any) -> list[Any]:
        class A:
            pass

        class B:
            x = "class B"

        class Weird(dict):
            def __getitem__(self, key: Any) -> str:
                return "never used by attribute access"

        o = A()
        o.x = "a"
        out = _steps(m, o, [("get", None), ("get", None)])
        o.__class__ = B
        out += _steps(m, o, [("get", None), ("del", None), ("get", None)])
        o.__dict__ = Weird(x="weird")
        out += _steps(m, o, [("get", None), ("set", 1), ("get", None)])
        out.append(dict(o.__dict__))
        return out
    _run(scenario, modules)


def test_modules(modules: tuple[Any, Any]) -> None:
    def scenario(m: Any) -> list[Any]:
        module = types.ModuleType("some_module")
        out = _steps(m, module, [("get", None), ("set", 1), ("get", None), ("bump", None)])
        module.__getattr__ = lambda name: f"module __getattr__ {name}"  # type: ignore[attr-defined]
        out += _steps(m, module, [("get_y", None), ("del", None), ("get", None), ("set", 2), ("get", None)])

        class Sub(types.ModuleType):
            def __getattr__(self, name: str) -> str:
                return f"subclass {name}"
        sub = Sub("sub")
        out += _steps(m, sub, [("get", None), ("set", 3), ("get", None)])
        return out
    _run(scenario, modules)
