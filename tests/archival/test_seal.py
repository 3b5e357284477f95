"""归档章 (DA/T 22-2015): with [archival] seal = true each document's first page carries the stamp."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest

from archive.config import parse_config
from archive.errors import ConfigError
from archive.volumes.household import seal_documents
from archive.volumes.pages import Book
from archive.volumes.volume import Doc, assemble, reader_of
from tests.support.build import blank_pdf, squash


def blank(pages: list[tuple[float, float, int]]) -> pypdf.PdfReader:
    return reader_of(blank_pdf(pages))


def test_seal_on_first_page_of_each_document_only(tmp_path):
    cfg = parse_config({"archival": {"seal": True, "fonds": "J045"}})
    assert cfg.archival.seal and cfg.archival.fonds == "J045"
    book = Book(font_cache=tmp_path)
    docs = [Doc("form", "申请书", blank([(595.28, 841.89, 0)] * 2), [0, 1], dt.date(2023, 3, 1)),
            Doc("scan", "户口簿", blank([(841.89, 595.28, 90)]), [0], None, {"year": 2022})]
    sections: list = []
    seal_documents(book, docs, "J045", "审批类", "低保退出后3年", sections)
    breader = reader_of(book.output())
    for s in sections:
        s.reader = breader
    data, _ = assemble(docs, {"Title": "t"})
    r = pypdf.PdfReader(io.BytesIO(data))
    texts = [squash(p.extract_text()) for p in r.pages]
    assert all(k in texts[0] for k in ("J045", "2023", "审批类", "低保退出后3年")) and "1" in texts[0]
    assert "J045" not in texts[1]                   # only the first page of a document
    assert "J045" in texts[2] and "2022" in texts[2]  # the rotated scan: stamped as shown
    assert texts[2].count("2") >= 1


def test_seal_setting_is_checked():
    with pytest.raises(ConfigError) as exc:
        parse_config({"archival": {"seal": "yes"}})
    assert exc.value.field == "archival.seal"
    with pytest.raises(ConfigError) as exc:
        parse_config({"archival": {"file_number": "{fonds}-{year}"}})
    assert "{case}" in exc.value.message
    with pytest.raises(ConfigError) as exc:
        parse_config({"archival": {"colour": "red"}})
    assert "colour" in exc.value.message


@pytest.mark.slow
def test_a_build_with_seal_stamps_every_document_of_every_volume(built, tmp_path):
    """[archival] seal = true on a real build: each document's first page (and only it) carries
    全宗号, 年度 and its 件号; the village volume too; the volumes stay PDF/A with their page labels."""
    import re
    import shutil
    import subprocess

    from archive import pdfa
    from tests.support.build import manifests
    from tests.support.cli import dibao as run_cli

    ws = tmp_path / "ws"
    shutil.copytree(built["ws"], ws, symlinks=True)
    toml = ws / "dibao.toml"
    text = toml.read_text("utf-8")
    assert re.search(r"(?m)^seal = false", text)
    toml.write_text(re.sub(r"(?m)^seal = false", "seal = true", text), "utf-8")
    fonds = re.search(r'(?m)^fonds = "([^"]+)"', text).group(1)
    done = run_cli(["build", "--jobs", "2"], ws)
    assert done.returncode == 0, done.stdout + done.stderr

    def page_text(path, page):
        return squash(subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
                                     capture_output=True, text=True, check=True).stdout)

    seen = 0
    for case, (folder, m) in manifests(ws / "archive").items():
        for v in m["volumes"]:
            path = folder / v["file"]
            assert pdfa.check(path) == [], path
            items = [d for d in v["documents"] if d["seq"]]
            assert [d["seal_item"] for d in items] == list(range(1, len(items) + 1))
            for d in items:
                first = page_text(path, d["first_page"])
                year = (d.get("date") or "")[:4] or str(d.get("year") or "")
                assert fonds in first and year in first and v["retention"] in first, (d, first)
                if d["last_page"] > d["first_page"]:
                    assert fonds not in page_text(path, d["first_page"] + 1)
                seen += 1
            for d in v["documents"]:
                if not d["seq"]:      # cover, 卷内目录 and 备考表 carry no 归档章
                    assert f"{fonds}{v['category']}" not in page_text(path, d["first_page"]).replace(v["number"], "")
    assert seen
    village = sorted((ws / "archive").glob("*/公示材料/*.pdf"))
    assert village
    assert fonds in page_text(village[0], 3) or fonds in page_text(village[0], 4)
