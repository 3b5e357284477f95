"""archive.external.programs: one find_program, one install hint per outside program."""

from __future__ import annotations

import shutil

import pytest

from archive.errors import ToolMissing
from archive.external.programs import PROGRAMS, find_program, install_hint
from tests.support import ROOT


def test_every_hint_names_a_real_install_command():
    setup = (ROOT / "tools" / "setup-system.sh").read_text("utf-8")
    for name, prog in PROGRAMS.items():
        hint = install_hint(name)
        assert "sudo apt-get install " in hint and "make setup" in hint and "make install" not in hint
        for package in prog.packages.split():
            assert package in setup, f"{package} ({name}) is not installed by tools/setup-system.sh"


def test_missing_program_names_it_and_the_command(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **kw: None)
    monkeypatch.setattr("os.access", lambda *a, **kw: False)
    with pytest.raises(ToolMissing) as info:
        find_program("pdftoppm")
    assert "pdftoppm" in info.value.message and "apt-get install poppler-utils" in info.value.hint
    assert find_program("tesseract", required=False) is None


def test_environment_override_must_be_runnable(monkeypatch, tmp_path):
    monkeypatch.setenv("DIBAO_SOFFICE", str(tmp_path / "nothing"))
    with pytest.raises(ToolMissing) as info:
        find_program("soffice")
    assert "DIBAO_SOFFICE" in info.value.message


def test_no_make_install_anywhere():
    for folder in ("archive", "indexer"):
        for path in (ROOT / folder).rglob("*.py"):
            assert "make install" not in path.read_text("utf-8"), path
