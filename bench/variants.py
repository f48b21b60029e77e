"""Pure and compiled figures side by side (the optional compiled build, netxsim.compile).

A benchmark measures in its own process with whatever is importable: the compiled hot
modules when ``python -m netxsim.compile`` has built them, pure Python otherwise. When
the compiled build is present, :func:`pure_figures` measures the same figures once more
in a child process that imports every hot module from its ``.py`` source
(:func:`force_pure`), so one run prints both.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent


def _load_compile_module() -> Any:
    # netxsim/compile.py on its own: importing it as netxsim.compile would import the
    # netxsim package, and with it the hot modules, before force_pure could act.
    spec = importlib.util.spec_from_file_location("_netxsim_compile", _ROOT / "netxsim" / "compile.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


_compile = _load_compile_module()
HOT_MODULES: tuple[str, ...] = _compile.HOT_MODULES
compiled_modules = _compile.compiled_modules


class _PureFinder(importlib.abc.MetaPathFinder):
    """Finds each hot module's ``.py`` source, never its extension module."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name not in HOT_MODULES:
            return None
        source = _ROOT.joinpath(*name.split(".")).with_suffix(".py")
        return importlib.util.spec_from_file_location(
            name, source, loader=importlib.machinery.SourceFileLoader(name, str(source)))


def force_pure() -> None:
    """Import the hot modules from source in this process (call before importing netxsim)."""
    sys.meta_path.insert(0, _PureFinder())


def compiled_present() -> bool:
    """Whether the compiled hot modules are loaded in this process."""
    import netxsim.nx  # noqa: F401  (loads the hot modules)
    return bool(compiled_modules())


def label() -> str:
    return f"compiled ({len(compiled_modules())} modules)" if compiled_modules() else "pure Python"


def pure_figures(module: str, argv: list[str]) -> dict[str, Any]:
    """``module.measure(argv)`` run in a child process with every hot module pure."""
    code = ("import json, sys; import bench.variants as v; v.force_pure(); "
            f"import {module} as b; "
            "assert not v.compiled_modules(), 'compiled modules loaded'; "
            "print(json.dumps(b.measure(sys.argv[1:])))")
    out = subprocess.run([sys.executable, "-c", code, *argv], cwd=_ROOT, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])
