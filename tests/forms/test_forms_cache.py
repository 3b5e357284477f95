"""Form rendering caches: parsed templates kept per process, checks/clean-up/compiled code kept on disk.

Whatever is cached, a rendered form must hold exactly what a fresh render holds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from jinja2.sandbox import SandboxedEnvironment

import archive.forms.render  # noqa: F401 - the module, not forms.render (a function)
from archive import forms
from archive.errors import InputError
from archive.forms import cache as diskcache
from archive.volumes.manifest import docx_key
from archive.workspace import open_workspace
from tests.support.forms import build_workspace

rd = sys.modules["archive.forms.render"]
FORMS = ["fenxi-01", "fenxi-04", "fenxi-09"]


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    return open_workspace(build_workspace(tmp_path_factory.mktemp("fcache") / "ws"))


def _forget(monkeypatch, folder: Path) -> None:
    """As a new process: nothing kept in memory; the disk cache in folder."""
    monkeypatch.setenv("DIBAO_CACHE_DIR", str(folder))
    diskcache.folder.cache_clear()
    forms._checked.cache_clear()
    rd._PREPARED.clear()
    rd._Template._patched.clear()
    for env in rd._ENVS.values():
        env._compiled.clear()


def _render_all(ws) -> list[str]:
    out = []
    for case in ("households/FX-001.json", "households/FX-002.json", "households/FX-001.json"):
        for form_id in FORMS:
            data = forms.render_docx(form_id, ws, household=ws.root / case, mark_unsigned=True)
            out.append(docx_key(data))
    return out


def test_cached_renders_equal_fresh_ones(ws, tmp_path, monkeypatch):
    _forget(monkeypatch, tmp_path / "c")
    first = _render_all(ws)                                   # fills every cache
    names = {p.suffix for p in (tmp_path / "c" / "dibao" / "forms").iterdir()}
    assert names == {".ok", ".xml", ".pyc"}
    assert first[:3] == first[6:]                             # same household again: same content
    again = _render_all(ws)                                   # from the per-process caches
    _forget(monkeypatch, tmp_path / "c")

    def no_compile(*a, **k):
        raise AssertionError("compiled again although kept on disk")

    monkeypatch.setattr(SandboxedEnvironment, "compile", no_compile)
    from_disk = _render_all(ws)                               # a new process, from the disk cache
    monkeypatch.undo()
    _forget(monkeypatch, tmp_path / "empty")
    rd._PREPARED.clear()
    fresh = _render_all(ws)
    assert first == again == from_disk == fresh


def _rezip(data: bytes, change) -> bytes:
    import io
    import zipfile

    src, buf = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            part = src.read(info.filename)
            out.writestr(info.filename, change(part) if info.filename == "word/document.xml" else part)
    return buf.getvalue()


def test_a_broken_template_is_never_taken_as_checked(ws, tmp_path, monkeypatch):
    _forget(monkeypatch, tmp_path / "c")
    spec = forms.get("fenxi-01")
    data = spec.path.read_bytes()
    from archive.forms import shape

    rd.prepare(spec.id, data, shape.vocab(), spec.path)       # passes; marked on disk
    broken = _rezip(data, lambda xml: xml.replace(b"applicant.name", b"applicant.nmae", 1))
    with pytest.raises(InputError):
        rd.prepare(spec.id, broken, shape.vocab(), spec.path)
    with pytest.raises(InputError):                           # still refused: nothing was marked for it
        rd.prepare(spec.id, broken, shape.vocab(), spec.path)


def test_unwritable_cache_folder_still_renders(ws, tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("x")
    _forget(monkeypatch, blocked)
    keys = _render_all(ws)
    _forget(monkeypatch, tmp_path / "ok")
    assert keys == _render_all(ws)
