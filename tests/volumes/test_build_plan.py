"""Where each form and scan goes (archive/volumes/plan.py) and the payment sheet, without LibreOffice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from archive.records.attachments import Scan
from archive.records.model import Household
from archive.volumes.pages import Book
from archive.volumes.plan import plan_household
from archive.volumes.volume import reader_of
from archive.workspace import init_workspace
from tests.support.build import squash
from tests.support.records import record


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return init_workspace(tmp_path_factory.mktemp("ws") / "w", "fenxi").config


def household() -> Household:
    rec = record("FX-9", since="2023-04-01")
    rec["events"] += [
        {"id": "e3", "type": "审核确认", "date": "2023-03-28", "approved": True, "per_person": "300.00",
         "start_month": "2023-04"},
        {"id": "c24", "type": "定期核查", "date": "2024-05-10", "investigators": ["周平", "刘芳"],
         "situation": "无变化", "conclusion": "继续保障"},
    ]
    rec["bank_account"] = {"bank": "汾西农商银行", "card_number": "6217000011112222333"}
    rec["payments"] = [{"month": "2023-04", "amount": "600.00"}, {"month": "2023-05", "amount": "600.00"},
                       {"month": "2024-01", "amount": "150.00", "kind": "提标补发"}]
    return Household.model_validate(rec)


def scan(kind: str, **kw) -> Scan:
    name = "_".join([kind, *[str(v) for v in kw.values()]]) + ".jpg"
    return Scan(type=kind, path=Path("/nonexistent") / name, rel=f"scans/FX-9/{name}", **kw)


def titles(entries) -> list[str]:
    return [e.title if e.kind != "scan" else "scan:" + e.scans[0].rel.rsplit("/", 1)[1] for e in entries]


def test_forms_in_process_order_scans_follow_their_form(config):
    hh = household()
    scans = [scan("身份证", member="李建国"), scan("户口簿"), scan("入户照片", year=2023, seq=1),
             scan("入户照片", year=2024, seq=1), scan("核对报告", year=2024), scan("银行卡"),
             scan("签字表", form="fenxi-04")]
    plan = plan_household(hh, config, scans)
    a = titles(plan.volumes["审批类"])
    # application forms first, the identity papers after them, the visit form (signed scan) and its photos
    assert a.index("社会救助申请书") < a.index("scan:户口簿.jpg") < a.index("入户调查表")
    assert a.index("scan:身份证_李建国.jpg") < a.index("入户调查表")
    assert a.index("入户调查表") < a.index("scan:入户照片_2023_1.jpg") < a.index("最低生活保障审核确认表")
    visit = next(e for e in plan.volumes["审批类"] if e.form_id == "fenxi-04")
    assert visit.kind == "signed_scan" and visit.scans[0].form == "fenxi-04"
    d = titles(plan.volumes["日常管理类"])
    assert d[0] == "社会救助对象定期核查记录表"
    assert d.index("scan:入户照片_2024_1.jpg") < d.index("scan:核对报告_2024.jpg")
    f = titles(plan.volumes["财务类"])
    assert f == ["最低生活保障金发放记录表", "scan:银行卡.jpg"]
    assert "fenxi-01" in plan.forms_used and "fenxi-04" in plan.forms_used


def test_category_override_moves_a_form(tmp_path):
    ws = init_workspace(tmp_path / "w", "fenxi")
    text = (ws.root / "dibao.toml").read_text("utf-8").replace("[categories]\n", '[categories]\n"fenxi-12" = "审批类"\n')
    (ws.root / "dibao.toml").write_text(text, "utf-8")
    from archive.workspace import open_workspace

    cfg = open_workspace(ws.root).config
    plan = plan_household(household(), cfg, [])
    assert "社会救助对象定期核查记录表" in titles(plan.volumes["审批类"])
    assert not [e for e in plan.volumes["日常管理类"] if e.kind == "form"]


def test_unmatched_signed_scan_is_kept_with_a_note(config):
    plan = plan_household(household(), config, [scan("签字表", form="fenxi-06")])  # no refusal in this record
    filed = [e for v in plan.volumes.values() for e in v if e.kind == "scan"]
    assert len(filed) == 1 and plan.notes and "fenxi-06" in plan.notes[0]


def test_payment_sheet_totals():
    hh = household()
    book = Book()
    sec = book.payments(hh.head.name, hh.case_no, hh.payments, "汾西农商银行 6217***********2333")
    text = squash(reader_of(book.output()).pages[sec.first].extract_text())
    assert "2023年合计1,200.00" in text and "2024年合计150.00" in text and "总计1,350.00" in text
    assert "提标补发" in text and "6217000011112222333" not in text


def test_build_refuses_a_foreign_output_folder(tmp_path):
    from archive.volumes.build import build
    from archive.errors import ConfigError

    ws = init_workspace(tmp_path / "w", "fenxi")
    other = tmp_path / "documents"
    other.mkdir()
    (other / "工作总结.docx").write_bytes(b"x")
    with pytest.raises(ConfigError, match="不是 dibao 生成的卷宗目录"):
        build(ws, out=other)
    with pytest.raises(ConfigError, match="工作区本身"):
        build(ws, out=ws.root)
    assert (other / "工作总结.docx").read_bytes() == b"x"
    rep = build(ws, out=tmp_path / "new")  # an empty workspace builds nothing, writes the summary
    assert rep.total == 0 and (tmp_path / "new" / "build-summary.json").is_file()
