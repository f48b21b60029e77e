"""The optional compiled build: the hot modules compiled with Cython, sources unchanged.

``python -m netxsim.compile`` compiles each module of :data:`HOT_MODULES` into an
extension module next to its ``.py`` file (``tcp.cpython-311-x86_64-linux-gnu.so``
beside ``tcp.py``); Python imports an extension module before a source file of the same
name, so the next import of netxsim runs the compiled code. The ``.py`` files are not
touched, and the intermediate C files go to ``build/cython``.
``python -m netxsim.compile --clean`` removes the extension modules again: the package
is pure Python once more. Pure Python is the default; this needs Cython and a C
compiler (``pip install -e '.[fast]'`` installs Cython). A module that does not compile
is left pure and named in the output. :func:`compiled_modules` says which are loaded.

The compiled code keeps Python semantics (type annotations are not turned into C
types, so an ``int`` stays an unbounded Python int and a wrong type is not rejected
any earlier), so a run's results are the same either way; only the speed differs.
The one change to Cython's output: attribute reads and writes go through a cache at
each call site (``_attr_cache.h``, CPython 3.11 only), which takes the generic path in
every case where the result could differ (see docs/performance.md).
``python -m netxsim.compile netxsim.nx.tcp_fast ...`` compiles only the hot modules named.
"""
from __future__ import annotations

import argparse
import importlib.machinery
import sys
import warnings
from pathlib import Path

# Where a segment's and a service call's time goes (see docs/performance.md).
HOT_MODULES = (
    "netxsim.tx.kernel", "netxsim.tx.quiet", "netxsim.tx.perf_counters", "netxsim.tx.mutex",
    "netxsim.tx.event_flags", "netxsim.tx.memory", "netxsim.tx.timer",
    "netxsim.nx.packet", "netxsim.nx.ip", "netxsim.nx.ip_packet", "netxsim.nx.tcp", "netxsim.nx.tcp_input",
    "netxsim.nx.tcp_output", "netxsim.nx.tcp_socket", "netxsim.nx.segment", "netxsim.nx.arp",
    "netxsim.nx.ram_driver", "netxsim.nx.wire",
    "netxsim.nx.tcp_fast", "netxsim.nx.tcp_transfer",
    "netxsim.tx.timer_wheel", "netxsim.tx.waits", "netxsim.nx.arp_receive",
)

# Cython's compiler directives for the build, each chosen to keep Python semantics:
# annotation_typing off, so no annotation becomes a C type (an int stays an unbounded
# Python int, a wrong type is not refused any earlier); binding on, so compiled functions
# keep their signatures and bind as methods as Python functions do. Division,
# exponentiation and type inference are left at their Python-semantics settings,
# stated here so that a later "optimisation" has to change a line the tests read
# (cdivision would change the sign of % and // for negative operands; infer_types=True
# would infer C integers that can overflow; cpow would return C types).
COMPILER_DIRECTIVES: dict[str, object] = {
    "binding": True, "annotation_typing": False,
    "cdivision": False, "cpow": False, "infer_types": None,
}

# Attribute reads and writes through a cache at each call site (_attr_cache.h: what
# CPython 3.11's interpreter does for them, which Cython's generic look-up does not):
# the same results and errors, about a quarter less time per TCP segment.
ATTRIBUTE_CACHE = True

_ROOT = Path(__file__).resolve().parent.parent


def _source(module: str) -> Path:
    return _ROOT.joinpath(*module.split(".")).with_suffix(".py")


def _extensions(module: str) -> list[Path]:
    source = _source(module)
    return [source.with_name(source.stem + suffix) for suffix in importlib.machinery.EXTENSION_SUFFIXES
            if source.with_name(source.stem + suffix).exists()]


def compiled_modules() -> list[str]:
    """The hot modules loaded from an extension module in this process."""
    loaded = []
    for name in HOT_MODULES:
        module = sys.modules.get(name)
        origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
        if origin.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
            loaded.append(name)
    return loaded


def clean(modules: tuple[str, ...] = HOT_MODULES) -> list[Path]:
    """Remove the compiled ``modules`` (every hot module by default); return the files removed."""
    removed = []
    for module in modules:
        for path in _extensions(module):
            path.unlink()
            removed.append(path)
    return removed


_GET_PROTOTYPE = "static CYTHON_INLINE PyObject* __Pyx_PyObject_GetAttrStr(PyObject* obj, PyObject* attr_name)"
_SET_PROTOTYPE = ("static CYTHON_INLINE int __Pyx_PyObject_SetAttrStr(PyObject* obj, PyObject* attr_name, "
                  "PyObject* value)")
_CACHE_HEADER = Path(__file__).resolve().parent / "_attr_cache.h"


def _add_attribute_cache(c_file: Path) -> bool:
    """Route the attribute reads and writes of a generated C file through the call-site
    cache of ``_attr_cache.h``; False (file unchanged) when the file is not laid out as
    expected."""
    text = c_file.read_text()
    if not all(text.count(prototype + end) == 1 for prototype in (_GET_PROTOTYPE, _SET_PROTOTYPE)
               for end in (";", " {")):
        return False
    for prototype, macro in ((_GET_PROTOTYPE, "#define __Pyx_PyObject_GetAttrStr(o, n) __NETXSIM_GETATTR(o, n)"),
                             (_SET_PROTOTYPE, "#define __Pyx_PyObject_SetAttrStr(o, n, v) __NETXSIM_SETATTR(o, n, v)")):
        # The name in parentheses: the definition is not taken for a use of the macro.
        named = prototype.replace("__Pyx_PyObject_", "(__Pyx_PyObject_").replace("(PyObject* obj", ")(PyObject* obj")
        text = text.replace(prototype + " {", named + " {")
        text = text.replace(prototype + ";", f'{named};\n#include "{_CACHE_HEADER}"\n'
                                             f"#ifdef NETXSIM_ATTR_CACHE\n{macro}\n#endif")
    c_file.write_text(text)
    return True


def build(modules: tuple[str, ...] = HOT_MODULES) -> tuple[list[str], dict[str, str]]:
    """Compile ``modules`` in place; return (compiled, {module: why not})."""
    try:
        from Cython.Build import cythonize
        from setuptools import Distribution, Extension
        from setuptools.command.build_ext import build_ext
    except ImportError as error:  # pragma: no cover - depends on the machine
        raise SystemExit(f"the compiled build needs Cython and setuptools "
                         f"(pip install -e '.[fast]'): {error}") from None
    compiled: list[str] = []
    failed: dict[str, str] = {}
    build_dir = _ROOT / "build" / "cython"
    for module in modules:
        source = _source(module)
        try:
            extensions = cythonize(
                [Extension(module, [str(source.relative_to(_ROOT))], extra_compile_args=["-w"])],
                build_dir=str(build_dir.relative_to(_ROOT)), quiet=True, language_level=3, force=True,
                compiler_directives=dict(COMPILER_DIRECTIVES))
            if ATTRIBUTE_CACHE and _CACHE_HEADER.is_file():
                for extension in extensions:
                    for c_source in extension.sources:
                        if not _add_attribute_cache(_ROOT / c_source):
                            # Correct without it, only slower: say so rather than stay silent.
                            warnings.warn(f"{module}: compiled without the attribute cache (this Cython's "
                                          f"generated C does not define its attribute helpers as expected)",
                                          RuntimeWarning, stacklevel=2)
            distribution = Distribution({"name": "netxsim-compiled", "ext_modules": extensions})
            command = build_ext(distribution)
            command.inplace = True
            command.build_temp = str(build_dir / "temp")
            command.ensure_finalized()
            command.run()
        except BaseException as error:  # a module Cython cannot take stays pure
            if isinstance(error, KeyboardInterrupt):
                raise
            failed[module] = f"{type(error).__name__}: {error}".splitlines()[0]
            for path in _extensions(module):
                path.unlink()
            continue
        compiled.append(module)
    return compiled, failed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m netxsim.compile",
                                     description="compile the hot modules with Cython (sources unchanged)")
    parser.add_argument("--clean", action="store_true", help="remove the compiled modules (pure Python again)")
    parser.add_argument("modules", nargs="*", metavar="MODULE",
                        help="compile only these hot modules (default: all of them)")
    args = parser.parse_args(argv)
    unknown = [module for module in args.modules if module not in HOT_MODULES]
    if unknown:
        parser.error(f"not a hot module: {', '.join(unknown)} (the hot modules: {', '.join(HOT_MODULES)})")
    import os
    os.chdir(_ROOT)
    if args.clean:
        removed = clean(tuple(args.modules) or HOT_MODULES)
        print(f"removed {len(removed)} compiled module(s)"
              + ("" if args.modules else ": the package is pure Python"))
        return
    compiled, failed = build(tuple(args.modules) or HOT_MODULES)
    print(f"compiled {len(compiled)} module(s): {', '.join(compiled)}")
    for module, why in failed.items():
        print(f"left pure: {module} ({why})")


if __name__ == "__main__":
    main()
