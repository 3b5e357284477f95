"""No full ID or card number in any spelling reaches the index, search output, titles or the
historical-file registry; search by the full ID and by its tails still finds the page."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from archive import redact
from cli import main
from tests.support.records import record, write
from tests.support.id_spellings import ADULT, CARD, CHILD, CORPUS

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")


def full_numbers(text: str) -> list[str]:
    """Every full, valid 18-character ID (any spelling) and the card number, found in text."""
    found = [f.number for f in redact.find(text) if redact.is_id18(f.number) or f.number == CARD]
    return found


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    import docx

    tmp = tmp_path_factory.mktemp("rel-redact")
    runner = CliRunner()
    ws = tmp / "ws"
    assert runner.invoke(main, ["init", str(ws), "--profile", "yueyang"]).exit_code == 0
    write(ws / "households" / "HS-2019-003.json", record("HS-2019-003"))
    old = tmp / "旧档案"
    old.mkdir()
    d = docx.Document()
    d.add_paragraph("学生资助登记表 对象编号 HS-2019-003")
    for text, _number in CORPUS:
        d.add_paragraph(f"证件 {text} 备注")
    d.save(old / f"学籍卡G{CHILD}.docx")          # an ID in the file name
    r = runner.invoke(main, ["--workspace", str(ws), "index", "add", str(old), "--json"])
    assert r.exit_code == 0, r.output
    assert not full_numbers(r.output), r.output
    return ws, runner


def test_search_output_has_no_full_number(indexed):
    ws, runner = indexed
    for query in ("学生资助登记表", "证件", "备注", "学籍卡"):
        for extra in ([], ["--json"]):
            r = runner.invoke(main, ["--workspace", str(ws), "search", query, *extra, "--limit", "50"])
            assert r.exit_code == 0, r.output
            assert "学生资助" in r.output or "学籍卡" in r.output
            assert not full_numbers(r.output), r.output


@pytest.mark.parametrize("query", [ADULT, ADULT[-4:], ADULT[-6:], CHILD])
def test_search_by_id_still_finds_the_page(indexed, query):
    ws, runner = indexed
    r = runner.invoke(main, ["--workspace", str(ws), "search", query, "--json"])
    assert r.exit_code == 0, r.output
    hits = json.loads(r.stdout)["hits"]
    assert hits and hits[0]["household"] == "HS-2019-003"
    assert not full_numbers(r.output)


def test_nothing_under_dibao_holds_a_full_number(indexed):
    ws, _runner = indexed
    leaks = []
    for f in (ws / ".dibao").rglob("*"):
        if not f.is_file() or f.stat().st_size > 20_000_000:
            continue
        text = f.read_bytes().decode("utf-8", "replace")
        if "ocr" in f.parts:   # the OCR cache holds page text for re-indexing; this test has no OCR
            continue
        if full_numbers(text) or CHILD in text or ADULT in text:
            leaks.append(str(f.relative_to(ws)))
    assert not leaks, leaks
    registry = json.loads((ws / ".dibao" / "historical.json").read_text("utf-8"))
    entry = next(iter(registry["files"].values()))
    assert entry["path"].startswith("enc:")
