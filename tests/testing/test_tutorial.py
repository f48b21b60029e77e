"""docs/testing.md runs: its Python blocks, in order, are one test module, run by pytest in
a subprocess from an empty directory, so the tutorial cannot rot and the pytest plugin is
shown to work from the installed package (its fixtures come from the pytest11 entry
point, not from a conftest), also from a non-editable installed copy."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks(markdown: str) -> list[str]:
    return FENCE.findall(markdown)


def pytest_in(directory: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=directory,
                          capture_output=True, text=True, timeout=600)


def test_tutorial_blocks_run_as_tests(tmp_path: Path) -> None:
    blocks = python_blocks((ROOT / "docs" / "testing.md").read_text())
    assert len(blocks) >= 8
    (tmp_path / "test_tutorial.py").write_text("\n\n".join(blocks))
    shutil.copy(ROOT / "examples" / "my_smtp_app.py", tmp_path / "my_smtp_app.py")
    result = pytest_in(tmp_path, "-q", "test_tutorial.py")
    assert result.returncode == 0, result.stdout + result.stderr
    tests = len(re.findall(r"^def test_", "\n".join(blocks), re.M)) + 4   # the lossy-link test has 5 seeds
    assert f"{tests} passed" in result.stdout, result.stdout


def test_fixtures_listed_with_docs(tmp_path: Path) -> None:
    result = pytest_in(tmp_path, "--fixtures")
    assert result.returncode == 0, result.stderr
    for fixture in ("smtp_world", "smtp_server_world", "two_host_world", "call_records", "pool_control",
                    "linux_peer"):
        match = re.search(rf"^{fixture} -- .*\n\s+(\S.*)$", result.stdout, re.M)
        assert match, f"{fixture} not listed:\n{result.stdout}"
        assert len(match.group(1)) > 20    # a one-line description


PLUGIN_USER_TEST = '''
import netxsim
import netxsim.testing.plugin


def test_fixtures_come_from_the_installed_copy(smtp_world, call_records, pool_control):
    assert netxsim.__file__.startswith(INSTALLED)
    assert netxsim.testing.plugin.__file__.startswith(INSTALLED)
    assert smtp_world.server_options["address"] == 0x01020304 and len(call_records) == 0
'''


def test_plugin_works_from_an_installed_copy(tmp_path: Path) -> None:
    """pip-install a copy of the project (not editable) into a directory and run pytest
    against it from elsewhere: the pytest11 entry point brings the fixtures."""
    source, target, work = tmp_path / "source", tmp_path / "installed", tmp_path / "work"
    source.mkdir()
    work.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for package in ("netxsim", "smtp_client", "demos"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    install = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                              str(source)], capture_output=True, text=True, timeout=600)
    if install.returncode != 0:
        pytest.skip(f"pip could not build the package here (offline?): {install.stderr[-300:]}")
    (work / "test_user.py").write_text(f"INSTALLED = {str(target)!r}\n" + PLUGIN_USER_TEST)
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "test_user.py"],
                            cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
