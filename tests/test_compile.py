"""The optional compiled build's bookkeeping (netxsim.compile): which hot modules exist,
which are loaded compiled, and the pure-Python finder the benchmarks use."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from netxsim import compile as compiled_build

ROOT = Path(__file__).resolve().parent.parent


def test_every_hot_module_has_its_source() -> None:
    for module in compiled_build.HOT_MODULES:
        assert ROOT.joinpath(*module.split(".")).with_suffix(".py").is_file(), module


def test_loaded_compiled_modules_are_those_built() -> None:
    import netxsim.nx  # noqa: F401  (loads every hot module)
    built = {module for module in compiled_build.HOT_MODULES if compiled_build._extensions(module)}
    assert set(compiled_build.compiled_modules()) == built


def test_force_pure_loads_every_hot_module_from_source() -> None:
    code = ("import bench.variants as v; v.force_pure(); import netxsim.nx, netxsim.tx.quiet, sys; "
            "print(sorted(m for m in v.HOT_MODULES "
            "if not sys.modules[m].__spec__.origin.endswith('.py')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout
    assert out.strip() == "[]"
