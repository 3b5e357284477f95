"""`dibao index add` through the CLI: old files are matched to the workspace's households."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from cli import main
from tests.support.records import record, write

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")


def test_index_add_matches_households_of_records_that_parse(tmp_path):
    import docx

    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(main, ["init", str(ws), "--profile", "yueyang"]).exit_code == 0
    write(ws / "households" / "HS-2019-003.json", record("HS-2019-003"))
    # A record with a wrong check digit is not valid, yet its old files can still be matched.
    bad = record("HS-2019-004")
    bad["members"] = [dict(bad["members"][0], name="赵铁柱", id_number=bad["members"][0]["id_number"][:-1] + "0")]
    write(ws / "households" / "HS-2019-004.json", bad)
    old = tmp_path / "旧档案"
    old.mkdir()
    for name, text in [("复查.docx", "2019年度复查登记表 对象编号 HS-2019-003"),
                       ("申请.docx", "2018年 低保申请书 户主 赵铁柱"),
                       ("其他.docx", "无关的说明材料")]:
        d = docx.Document()
        d.add_paragraph(text)
        d.save(old / name)

    r = runner.invoke(main, ["--workspace", str(ws), "index", "add", str(old), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    by_name = {f["path"].rsplit("/", 1)[-1]: f["household"] for f in out["files"]}
    assert by_name == {"复查.docx": "HS-2019-003", "申请.docx": "HS-2019-004", "其他.docx": ""}

    r = runner.invoke(main, ["--workspace", str(ws), "search", "复查登记表", "--json"])
    assert r.exit_code == 0, r.output
    assert [h["household"] for h in json.loads(r.stdout)["hits"]] == ["HS-2019-003"]
