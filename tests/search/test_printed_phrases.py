"""Search finds what is printed: on a really built archive (LibreOffice forms, village publicity volumes,
box lists), every phrase that wraps a printed line is found on every page that holds it.

The oracle reads each page with pdftotext, as a person reading the page would see it; a page "holds" a
phrase when its text without white space and punctuation contains it (indexer.textnorm.match_key).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from indexer.analysis import is_cjk
from indexer.archive_files import archive_files
from indexer.pipeline import index_archive, search_workspace
from indexer.textnorm import match_key
from tests.support.cli import dibao

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")]

VOLUME_NAMES = ("审批类.pdf", "日常管理类.pdf", "财务类.pdf")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A fenxi demo of 3 households (its 授权书 wraps 信用信息共享平台), built and indexed for real."""
    from archive.sample.demo import generate

    ws = tmp_path_factory.mktemp("printed") / "ws"
    generate(ws, households=3, seed=2, profile="fenxi", scans=False)
    for args in (["build", "--jobs", "2"], ["index"]):
        done = dibao(["--workspace", ws, *args])
        assert done.returncode == 0, done.stdout + done.stderr
    return ws


def page_texts(ws: Path) -> dict[tuple[str, int], str]:
    """(absolute PDF path, page) -> pdftotext of every page of the archive that search covers."""
    out = {}
    files = [f.pdf for f in archive_files(ws / "archive")[0]]
    files += [p for p in (ws / "archive").rglob("*.pdf") if p.name in VOLUME_NAMES]
    for pdf in files:
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                              check=True).stdout.decode("utf-8")
        for i, page in enumerate(text.split("\f"), start=1):
            if page.strip():
                out[(str(pdf.resolve()), i)] = page
    return out


def wrapped_phrases(pages: dict) -> dict[str, tuple[str, int]]:
    """8-character Chinese phrases made of a line's last 4 and the next line's first 4 characters."""
    found = {}
    for key, text in pages.items():
        lines = [x.strip() for x in text.split("\n") if x.strip()]
        for a, b in zip(lines, lines[1:]):
            q = a[-4:] + b[:4]
            if len(q) == 8 and is_cjk(q):
                found.setdefault(q, key)
    return found


def found_pages(ws: Path, query: str) -> set[tuple[str, int]]:
    res = search_workspace(ws, query, limit=500)
    return {(str(Path(h.pdf_path).resolve()), h.page) for h in res.hits}


def test_every_wrapped_phrase_is_found_on_every_page_that_holds_it(built):
    pages = page_texts(built)
    keys = {k: match_key(t) for k, t in pages.items()}
    phrases = wrapped_phrases(pages)
    assert len(phrases) >= 60, len(phrases)
    village_pages = {k for k in pages if "公示材料" in k[0]}
    assert village_pages, "the build made no village publicity volume"
    missed, checked_village = {}, 0
    for q in sorted(phrases):
        want = {k for k, key in keys.items() if match_key(q) in key}
        assert want, q
        checked_village += bool(want & village_pages)
        lost = want - found_pages(built, f'"{q}"')
        if lost:
            missed[q] = sorted(lost)[:3]
    assert not missed, missed
    assert checked_village >= 5


def test_consent_form_phrase_found_on_every_page(built):
    """The 授权书's 信用信息共享平台 wraps a line; each page that prints it is found."""
    pages = page_texts(built)
    want = {k for k, t in pages.items() if "信用信息共享平台" in match_key(t)}
    assert want
    assert want <= found_pages(built, '"信用信息共享平台"')
    assert want <= found_pages(built, "信用信息共享平台")


def test_village_volume_pages_carry_village_title_and_follow_the_build(built, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(built, ws, symlinks=True)
    res = search_workspace(ws, '"确认公示单"', limit=100)
    notices = [h for h in res.hits if "公示材料" in h.pdf_path]
    assert notices and all(h.village and not h.household and h.category == "审批类" for h in notices)
    assert any(h.title.startswith("最低生活保障对象确认公示单") and h.year for h in notices)
    boxes = search_workspace(ws, "盒内目录", limit=100).hits
    assert any("盒内目录_" in h.pdf_path and h.village for h in boxes)

    again = index_archive(ws)   # nothing changed: nothing re-read
    assert again.files == 0 and again.pages == 0

    summary = ws / "archive" / "build-summary.json"
    state = json.loads(summary.read_text("utf-8"))
    village = sorted(state["villages"])[0]
    gone = [v["file"] for v in state["villages"][village]["volumes"]]
    del state["villages"][village]
    for rel in gone:
        state["boxes"].pop(rel, None)
    summary.write_text(json.dumps(state, ensure_ascii=False), "utf-8")
    index_archive(ws)
    left = {Path(h.pdf_path).resolve() for h in search_workspace(ws, '"确认公示单"', limit=100).hits}
    assert not left & {(ws / "archive" / rel).resolve() for rel in gone}
    assert any("公示材料" in str(p) for p in left) or len(state["villages"]) == 0


def test_unreadable_summary_keeps_the_indexed_files_and_says_so(built, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(built, ws, symlinks=True)
    before = found_pages(ws, '"确认公示单"')
    (ws / "archive" / "build-summary.json").write_text("{not json", "utf-8")
    stats = index_archive(ws)
    assert any("build-summary.json" in p["path"] and "dibao build" in p["reason"] for p in stats.problems)
    assert found_pages(ws, '"确认公示单"') == before


def test_a_listed_path_out_of_the_archive_is_not_read(tmp_path):
    out = tmp_path / "archive"
    out.mkdir()
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-1.4")
    (out / "build-summary.json").write_text(json.dumps({"boxes": {"../secret.pdf": {"file": "../secret.pdf"}},
                                                        "villages": {}}), "utf-8")
    files, known = archive_files(out)
    assert known and files == []
