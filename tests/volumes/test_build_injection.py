"""The build takes its converter and form renderer as arguments (no LibreOffice, no patched privates)."""

from __future__ import annotations

from pathlib import Path

import pypdf

from archive import forms
from archive.volumes.build import build
from archive.workspace import init_workspace, open_workspace
from tests.support.records import record, write


class BlankConverter:
    """A FormConverter writing one blank A4 page per form, counting what it was given."""

    def __init__(self):
        self.converted: list[str] = []
        self.started = self.closed = 0

    def start(self) -> None:
        self.started += 1

    def convert(self, src: Path, dest: Path) -> Path:
        assert src.read_bytes()[:2] == b"PK"   # the rendered .docx
        w = pypdf.PdfWriter()
        w.add_blank_page(595, 842)
        with open(dest, "wb") as fh:
            w.write(fh)
        self.converted.append(src.name)
        return dest

    def close(self, graceful: bool = True) -> None:
        self.closed += 1


def test_build_uses_the_injected_converter_and_one_context_per_form(tmp_path):
    ws = init_workspace(tmp_path / "w", "fenxi")
    write(ws.root / "households" / "FX-1.json", record("FX-1", village="城关村"))
    ws = open_workspace(ws.root)
    conv = BlankConverter()
    contexts = []

    def render(entry, hh, ctx):
        contexts.append((entry.form_id, ctx))
        return forms.render_docx(entry.form_id, ws, household=hh, event=entry.event, mark_unsigned=True, context=ctx)

    rep = build(ws, jobs=1, converter=lambda: conv, render_form=render)
    assert rep.built == ["FX-1"] and not rep.failed
    assert conv.started == 1 and conv.closed == 1
    assert rep.converted == len(conv.converted) == len(contexts) > 0
    assert all(isinstance(ctx, dict) and ctx for _, ctx in contexts)   # built once, handed to the render
    again = build(ws, jobs=1, converter=lambda: BlankConverter(), render_form=render, force=True)
    assert again.converted == 0 and again.cached == rep.converted   # same data, same key: from the cache
