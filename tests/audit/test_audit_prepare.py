"""`dibao audit --prepare DIR`: missing forms prefilled through real LibreOffice, checklists, then closing."""

import pypdf
import pytest
from click.testing import CliRunner

from cli import main
from tests.support.audit import AS_OF, add_scans, complete_workspace, write_record

pytestmark = pytest.mark.slow


def outline(reader):
    out = []

    def walk(items, depth):
        for it in items:
            if isinstance(it, list):
                walk(it, depth + 1)
            else:
                out.append((depth, it.title, reader.get_destination_page_number(it)))

    walk(reader.outline, 0)
    return out


def test_prepare_then_close(tmp_path):
    ws, (a, b) = complete_workspace(tmp_path / "ws", n=2)
    (ws.scans_dir / "YA-001" / "签字表_fenxi-04.pdf").unlink()       # 待签字归档: prefilled form
    (ws.scans_dir / "YA-001" / "户口簿.jpg").unlink()                 # scan to collect
    b["events"] = [e for e in b["events"] if e["type"] != "定期核查"]   # 缺表: blank form
    (ws.scans_dir / "YA-002" / "签字表_fenxi-12_2025.pdf").unlink()
    wife = b["members"][1]
    saved = wife.pop("id_number")                                    # data to ask for
    wife["birth_date"] = "1968-05-12"
    write_record(ws, b)

    out = tmp_path / "补件包"
    args = ["--workspace", str(ws.root), "audit", "--date", AS_OF.isoformat(), "--prepare", str(out)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1, res.output
    assert "东关村：2 张表（其中空白 1 张），补件清单 4 项" in res.output
    folder = out / "东关村"
    reader = pypdf.PdfReader(folder / "待打印表单.pdf")
    marks = outline(reader)
    assert marks[0][:2] == (0, "3组 YA-001 王大山1户") and marks[1][1] == "入户调查表（入户调查 2024-02-20）"
    assert marks[2][:2] == (0, "3组 YA-002 王大山2户") and "空白" in marks[3][1]
    first = "".join(reader.pages[marks[1][2]].extract_text().split())
    assert "入户调查表" in first and "王大山1" in first and "2024年2月20日" in first     # prefilled
    txt = (folder / "补件清单.txt").read_text("utf-8")
    assert "户口簿.jpg" in txt and "身份证号（李秀英2）" in txt and "签字表_fenxi-04_e2.pdf" in txt
    assert pypdf.PdfReader(folder / "补件清单.pdf").pages
    from archive import pdfa

    for name in ("待打印表单.pdf", "补件清单.pdf"):   # PDF/A-2b like every PDF dibao writes
        assert pdfa.check(folder / name) == [], name

    # the clerk brings back the signed forms and scans, and records the data and the visit
    add_scans(ws, a, ["户口簿.jpg", "签字表_fenxi-04_e2.pdf"])
    add_scans(ws, b, ["签字表_fenxi-12_2025.pdf"])
    wife["id_number"] = saved
    b["events"].append({"id": "e6", "type": "定期核查", "date": "2025-05-10", "investigators": ["郭建平", "王丽萍"],
                        "situation": "无变化。", "conclusion": "继续保障。"})
    write_record(ws, b)
    res = CliRunner().invoke(main, ["--workspace", str(ws.root), "audit", "--date", AS_OF.isoformat()])
    assert res.exit_code == 0, res.output
    assert "资料齐全 2 户（完成率 100.0%）" in res.output
