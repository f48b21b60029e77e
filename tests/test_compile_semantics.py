"""The optional compiled build keeps Python semantics, and its command line compiles or
removes only what it is told (netxsim.compile). None of this needs Cython."""
from __future__ import annotations

import importlib.machinery
from pathlib import Path

import pytest

from netxsim import compile as compiled_build


def test_directives_keep_python_semantics() -> None:
    directives = compiled_build.COMPILER_DIRECTIVES
    # No annotation becomes a C type: an int stays an unbounded Python int.
    assert directives["annotation_typing"] is False
    # % and // keep Python's sign rules; ** returns what Python's does.
    assert directives["cdivision"] is False
    assert directives["cpow"] is False
    # Only safe inference (no C integer that could overflow where Python would not).
    assert directives["infer_types"] is None
    # Compiled functions keep their signatures and bind as methods.
    assert directives["binding"] is True
    # Nothing else that could change a result slips in unnoticed.
    assert set(directives) == {"binding", "annotation_typing", "cdivision", "cpow", "infer_types"}


def test_an_unknown_module_is_refused_before_anything_is_built(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        compiled_build.main(["netxsim.nx.no_such_module"])
    assert exit_info.value.code == 2
    assert "not a hot module: netxsim.nx.no_such_module" in capsys.readouterr().err


def _fake_tree(root: Path, modules: tuple[str, ...]) -> dict[str, Path]:
    """A source and an 'extension module' file for each of ``modules`` under ``root``."""
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    extensions = {}
    for module in modules:
        source = root.joinpath(*module.split(".")).with_suffix(".py")
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text("")
        extension = source.with_name(source.stem + suffix)
        extension.write_bytes(b"")
        extensions[module] = extension
    return extensions


def test_clean_removes_only_the_extension_modules_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(compiled_build, "_ROOT", tmp_path)
    monkeypatch.chdir(tmp_path)
    extensions = _fake_tree(tmp_path, compiled_build.HOT_MODULES)
    one, other = "netxsim.nx.tcp_fast", "netxsim.tx.kernel"

    compiled_build.main(["--clean", one])
    assert not extensions[one].exists()
    assert extensions[other].exists()
    assert capsys.readouterr().out == "removed 1 compiled module(s)\n"

    compiled_build.main(["--clean"])
    assert not any(path.exists() for path in extensions.values())
    assert capsys.readouterr().out.endswith(": the package is pure Python\n")
    # The sources stay.
    assert all(path.with_name(path.name.split(".")[0] + ".py").exists() for path in extensions.values())


def test_generated_c_not_laid_out_as_expected_is_left_unchanged(tmp_path: Path) -> None:
    """The attribute cache is added only where Cython's two attribute helpers are declared
    and defined once each, as expected; any other file is left exactly as it was (the build
    then warns that the module is compiled without the cache)."""
    c_file = tmp_path / "module.c"
    text = "static int unrelated(void) { return 0; }\n"
    c_file.write_text(text)
    assert compiled_build._add_attribute_cache(c_file) is False
    assert c_file.read_text() == text
    doubled = (compiled_build._GET_PROTOTYPE + ";\n") * 2 + compiled_build._GET_PROTOTYPE + " {}\n"
    c_file.write_text(doubled)
    assert compiled_build._add_attribute_cache(c_file) is False
    assert c_file.read_text() == doubled
