"""Files in scans/ that no naming rule files are reported by audit and build, with the name that would file them."""

from __future__ import annotations

from tests.support.cli import invoke
from tests.support.records import record, write


def _ws(tmp_path):
    from archive.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws", "fenxi")
    write(ws.households_dir / "HS-001.json", record("HS-001"))
    for rel in ("scans/Scan0001.pdf", "scans/HS-001/IMG_20240305_101522.jpg", "scans/HS-001/身份证正面.jpg",
                "scans/XX-9/a.jpg", "scans/HS-001/户口本.jpg", "scans/HS-001/身份证_李建国.jpg"):
        write(ws.root / rel, b"\xff\xd8\xff\xe0 not really a jpeg")
    return ws


def test_unrecognised_files_listed_with_the_rule_that_files_them(tmp_path):
    from archive.inbox.unrecognised import find

    ws = _ws(tmp_path)
    got = {u.rel: (u.why, u.fix) for u in find(ws)}
    assert set(got) == {"scans/Scan0001.pdf", "scans/HS-001/IMG_20240305_101522.jpg", "scans/HS-001/身份证正面.jpg",
                        "scans/XX-9/a.jpg"}          # 户口本.jpg is a 户口簿 now; 身份证_李建国.jpg follows the rule
    assert got["scans/HS-001/身份证正面.jpg"][1].startswith("可改名为 scans/HS-001/身份证.jpg")
    assert "dibao inbox" in got["scans/HS-001/IMG_20240305_101522.jpg"][1]
    assert "不是任何家庭的对象编号" in got["scans/XX-9/a.jpg"][0]
    assert "不在任何家庭的文件夹中" in got["scans/Scan0001.pdf"][0]


def test_audit_reports_unrecognised_files_and_exits_nonzero(tmp_path):
    ws = _ws(tmp_path)
    res = invoke(["audit"], workspace=ws.root)
    assert res.exit_code == 1
    assert "未识别的文件（4 个" in res.output and "scans/Scan0001.pdf" in res.output
    assert "IMG_20240305_101522.jpg" in res.output


def test_village_notice_photos_are_filed_not_unrecognised(tmp_path):
    """scans/村级/<村>/公示照片_<开始日期>_<n>.jpg is the village volume's (and the audit's) 公示照片; anything
    else in 村级 is named with the rule for it."""
    from archive.inbox.unrecognised import find

    ws = _ws(tmp_path)
    write(ws.root / "scans/村级/东关村/公示照片_2024-03-01_1.jpg", b"\xff\xd8\xff\xe0 photo")
    write(ws.root / "scans/村级/东关村/IMG_0001.jpg", b"\xff\xd8\xff\xe0 photo")
    got = {u.rel: (u.why, u.fix) for u in find(ws)}
    assert "scans/村级/东关村/公示照片_2024-03-01_1.jpg" not in got
    assert "公示照片_2024-05-12_1.jpg" in got["scans/村级/东关村/IMG_0001.jpg"][1]
