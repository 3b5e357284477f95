"""Forms: catalog, blank and filled .docx for all 18 forms, escaping, tag checks, privacy, CLI."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from click.testing import CliRunner
from docx import Document

from archive import forms
from archive.errors import InputError, PrivacyError
from archive.forms import catalog, shape
from archive.forms.privacy import check_public
from archive.forms.render import docx_text
from archive.workspace import open_workspace
from tests.support.forms_cases import HEAD_ID, LABELS, VALUES, clean_of_tags, fill_kwargs
from tests.support import ROOT
from tests.support.forms import SPECIAL, build_workspace
from tests.support.templates import edit_docx, split_tag

FORM_IDS = [s.id for s in catalog.load_catalog()]


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    return open_workspace(build_workspace(tmp_path_factory.mktemp("forms") / "ws"))


def test_catalog_has_the_18_forms():
    specs = catalog.load_catalog()
    assert len(specs) == 18 and len(set(FORM_IDS)) == 18
    assert {s.id for s in specs if s.public} == {"fenxi-07", "fenxi-10"}
    assert {s.id for s in specs if s.is_list} == {"fenxi-07", "fenxi-10", "fenxi-11", "yueyang-04"}
    for s in specs:
        assert s.path.is_file(), s.id
        assert s.category in ("审批类", "日常管理类", "财务类")
    assert catalog.get("fenxi-11").category == "财务类"
    with pytest.raises(InputError):
        catalog.get("fenxi-99")


def test_vocabulary_has_no_dict_method_names():
    # jinja resolves x.items to dict.items before the key: a field may not be named like a dict method
    methods = set(dir(dict))

    def walk(d):
        for k, v in d.items():
            assert k not in methods, k
            if isinstance(v, dict):
                walk(v)
            elif isinstance(v, list) and isinstance(v[0], dict):
                walk(v[0])
    walk(shape.SHAPE)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_blank_is_clean(ws, form_id):
    text = docx_text(forms.render_docx(form_id, ws, blank=True))
    for label in LABELS[form_id]:
        assert label in text, (form_id, label)
    assert clean_of_tags(text) == []
    assert not re.search(r"\d{15}", text)


def test_blank_works_without_a_workspace():
    text = docx_text(forms.render_docx("fenxi-09", None, blank=True))
    assert "最低生活保障审核确认表" in text and clean_of_tags(text) == []


def test_blank_keeps_empty_rows_for_handwriting(ws):
    doc = Document(io.BytesIO(forms.render_docx("fenxi-03", ws, blank=True)))
    # 5 member rows and 5 obligor rows below their headers, all empty
    rows = doc.tables[0].rows
    assert len(rows) == 21


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_filled_holds_labels_and_values(ws, form_id):
    text = docx_text(forms.render_docx(form_id, ws, **fill_kwargs(ws, form_id)))
    for label in LABELS[form_id]:
        assert label in text, (form_id, label)
    for value in VALUES[form_id]:
        assert value in text, (form_id, value)
    assert clean_of_tags(text) == []


def test_values_are_escaped_and_printed_literally(ws):
    text = docx_text(forms.render_docx("fenxi-05", ws, household=ws.households_dir / "FX-002.json"))
    assert SPECIAL in text  # 张三<李四>&{{ 7*7 }} exactly: not escaped twice, not evaluated
    assert "49" not in text


def test_table_grows_with_members(ws):
    text = docx_text(forms.render_docx("fenxi-09", ws, household=ws.households_dir / "FX-002.json"))
    for name in ["赵德福", "钱桂兰", "赵大勇", "孙丽", "赵文", "赵雅", "赵老太"]:
        assert name in text
    doc = Document(io.BytesIO(forms.render_docx("fenxi-09", ws, household=ws.households_dir / "FX-002.json")))
    blank = Document(io.BytesIO(forms.render_docx("fenxi-09", ws, blank=True)))
    assert len(doc.tables[0].rows) == len(blank.tables[0].rows) + 2  # 7 members on a 5-row paper


def test_ages_money_and_checkboxes(ws):
    text = docx_text(forms.render_docx("fenxi-09", ws, household=ws.households_dir / "FX-001.json"))
    assert "城市低保□农村低保☑" in text
    assert "☑ 同意审核意见" in text and "□ 不同意审核确认意见" in text
    # ages on the decision date 2023-04-05 from the ID numbers
    assert re.search(r"李建国\n53\n", text) and re.search(r"李小明\n8\n", text)
    y3 = docx_text(forms.render_docx("yueyang-03", ws, household=ws.households_dir / "FX-001.json"))
    assert "9080.00" in y3 and "1500.00" in y3  # total income, education deduction, to the 分


def test_event_choice(ws):
    hh = ws.households_dir / "FX-001.json"
    a = docx_text(forms.render_docx("fenxi-04", ws, household=hh, event="V1"))
    assert "2023年3月10日" in a
    with pytest.raises(InputError) as e:
        forms.render_docx("ezhou-02", ws, household=hh, event="2019")
    assert "R2024" in e.value.hint
    with pytest.raises(InputError):
        forms.render_docx("fenxi-06", ws, household=hh)  # no refusal in this household


def test_events_for_and_applicable(ws):
    from archive.forms import load_households

    hhs = {h.case_no: h for h in load_households(ws)[0]}
    assert [e.id for e in forms.events_for("yueyang-01", hhs["FX-001"])] == ["R2024"]
    assert forms.events_for("yueyang-02", hhs["FX-001"]) == []
    assert forms.events_for("fenxi-11", hhs["FX-001"]) == []
    assert forms.events_for("fenxi-12", hhs["FX-001"]) == [None]
    cfg = ws.config
    assert forms.applicable("fenxi-05", hhs["FX-002"], cfg) and not forms.applicable("fenxi-05", hhs["FX-001"], cfg)
    assert forms.applicable("fenxi-06", hhs["FX-003"], cfg) and not forms.applicable("fenxi-06", hhs["FX-001"], cfg)
    assert not forms.applicable("yueyang-02", hhs["FX-004"], cfg)  # another profile's form
    assert not forms.applicable("fenxi-07", hhs["FX-001"], cfg)    # list form


def test_public_notice_privacy(ws):
    for form_id in ("fenxi-07", "fenxi-10"):
        r = forms.render(form_id, ws, village="城关村")
        text = docx_text(r.data)
        assert not re.search(r"\d{12,}", text), form_id
        assert "李小明" not in text and "孤儿小芳" not in text
        assert "12号" not in text and "解放路" not in text
        assert "王秀英" in text or form_id == "fenxi-10"
    r = forms.render("fenxi-07", ws, village="城关村")
    assert any("特困" in w and "--program" in w for w in r.warnings)   # FX-006 is 特困: its own notice
    r = forms.render("fenxi-07", ws, village="城关村", program="特困")
    assert any("FX-006" in w for w in r.warnings)


def test_privacy_guard_stops_leaks(ws):
    from archive.forms import load_households

    hhs = load_households(ws)[0]
    import datetime as dt

    on = dt.date(2023, 3, 20)
    check_public("李建国 王秀英 3 人", hhs, on, form_id="fenxi-07")
    for leak in (HEAD_ID, "6217000012345678901", "永安镇城关村三组12号", "解放路8号院", "李小明"):
        with pytest.raises(PrivacyError):
            check_public(f"李建国 {leak}", hhs, on, form_id="fenxi-07")


def test_internal_roster_may_carry_cards(ws):
    text = docx_text(forms.render_docx("fenxi-11", ws, month="2024-06"))
    assert "6217000012345678901" in text and "2024" in text


def test_unsigned_mark(ws):
    data = forms.render_docx("fenxi-04", ws, household=ws.households_dir / "FX-001.json", mark_unsigned=True)
    assert "未签字" in docx_text(data)


def test_clerk_edits_label_and_county(ws, tpl_dir):
    def edit(doc):
        for p in doc.paragraphs:
            for r in p.runs:
                r.text = r.text.replace("岳阳县", "平江县")
        for row in doc.tables[0].rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    for r in p.runs:
                        r.text = r.text.replace("户主姓名", "户主名字")
    edit_docx(tpl_dir / "yueyang-01.docx", edit)
    text = docx_text(forms.render_docx("yueyang-01", ws, household=ws.households_dir / "FX-001.json"))
    assert "平江县城乡最低生活保障对象年度审核登记表" in text and "户主名字" in text and "李建国" in text


def test_split_tag_is_joined(ws, tpl_dir):
    edit_docx(tpl_dir / "fenxi-09.docx", split_tag)
    xml = zipfile.ZipFile(tpl_dir / "fenxi-09.docx").read("word/document.xml").decode()
    assert "cant.na" in xml
    text = docx_text(forms.render_docx("fenxi-09", ws, household=ws.households_dir / "FX-001.json"))
    assert "李建国" in text and clean_of_tags(text) == []


@pytest.mark.parametrize("bad, why", [
    ("{{ applicant.name", "标记不完整"),
    ("{{ applicant.nmae }}", "未知字段“nmae”"),
    ("{{ ''.__class__.__mro__ }}", "内部属性"),
    ("{{ cycler.__init__.__globals__ }}", "内部属性"),
    ("{{ “x” }}", "中文引号"),
    ("{{ 9**9**9**9 }}", "算术"),
    ("{% for i in range(99999999) %}", "调用函数"),
])
def test_broken_tags_are_named(ws, tpl_dir, bad, why):
    def edit(doc):
        from docx.text.paragraph import Paragraph

        tc = doc.tables[0].rows[0]._tr.tc_lst[1]
        Paragraph(tc.p_lst[0], None).runs[0].text = bad
    edit_docx(tpl_dir / "fenxi-09.docx", edit)
    with pytest.raises(InputError) as e:
        forms.render_docx("fenxi-09", ws, household=ws.households_dir / "FX-001.json")
    msg = e.value.user_message()
    assert "fenxi-09" in msg and "第1个表格第1行第2列" in msg and why in msg


@pytest.mark.parametrize("content, why", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".doc"),
    (b"this is not a zip", "不是 Word .docx"),
])
def test_bad_template_files(ws, tpl_dir, content, why):
    (tpl_dir / "fenxi-01.docx").write_bytes(content)
    with pytest.raises(InputError) as e:
        forms.render_docx("fenxi-01", ws, blank=True)
    assert why in e.value.user_message() and "另存为" in e.value.user_message()


def test_zip_bomb_template(ws, tpl_dir):
    path = tpl_dir / "fenxi-01.docx"
    src = zipfile.ZipFile(path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in src.infolist():
            zf.writestr(item, src.read(item.filename))
        zf.writestr("word/media/huge.bin", b"\0" * (60 * 1024 * 1024))
    path.write_bytes(buf.getvalue())
    with pytest.raises(InputError) as e:
        forms.render_docx("fenxi-01", ws, blank=True)
    assert "50 MB" in e.value.user_message() or "压缩" in e.value.user_message()


def test_template_hash_follows_the_file(tpl_dir):
    h = forms.template_hash("fenxi-01")
    assert h == forms.template_hash("fenxi-01") and len(h) == 64
    edit_docx(tpl_dir / "fenxi-01.docx", lambda d: d.paragraphs[0].runs[0].__setattr__("text", "社会救助申请书（修订）"))
    assert forms.template_hash("fenxi-01") != h


def test_templates_are_a4_with_chinese_language():
    for form_id in FORM_IDS:
        path = catalog.get(form_id).path
        doc = Document(str(path))
        sec = doc.sections[0]
        assert {round(sec.page_width.mm), round(sec.page_height.mm)} == {210, 297}, form_id
        styles = zipfile.ZipFile(path).read("word/styles.xml").decode()
        assert 'w:eastAsia="zh-CN"' in styles
        body = zipfile.ZipFile(path).read("word/document.xml").decode()
        assert 'w:outlineLvl w:val="0"' in body, form_id  # the title becomes a PDF bookmark
        if "<w:tbl>" in body:
            assert body.count("<w:tbl>") == body.count("<w:tblGrid>") == body.count('<w:tblLayout w:type="fixed"/>')
            assert body.count("<w:tc>") == body.count("<w:tcW ")


# ------------------------------------------------------------------ CLI

def _cli(ws, *args):
    from cli import main

    return CliRunner().invoke(main, ["--workspace", str(ws.root), *args], catch_exceptions=False)


def test_cli_list(ws):
    r = _cli(ws, "forms", "list", "--json")
    data = json.loads(r.output)
    assert r.exit_code == 0 and len(data) == 18 and data[0]["id"] == "fenxi-01"
    r = _cli(ws, "forms", "list")
    assert "在保对象汇总表" in r.output and "财务类" in r.output


def test_cli_blank_and_fill_docx(ws, tmp_path):
    r = _cli(ws, "forms", "blank", "fenxi-04", "-o", str(tmp_path / "b.docx"))
    assert r.exit_code == 0, r.output
    assert "入户调查表" in docx_text((tmp_path / "b.docx").read_bytes())
    r = _cli(ws, "forms", "fill", "fenxi-09", "--household", str(ws.households_dir / "FX-001.json"),
             "-o", str(tmp_path / "f.docx"))
    assert r.exit_code == 0, r.output
    assert "李建国" in docx_text((tmp_path / "f.docx").read_bytes())
    r = _cli(ws, "forms", "fill", "fenxi-07", "--village", "城关村", "-o", str(tmp_path / "g.docx"))
    assert r.exit_code == 0 and "--program 特困" in r.output
    r = _cli(ws, "forms", "fill", "fenxi-07", "--village", "城关村", "--program", "特困", "-o", str(tmp_path / "g.docx"))
    assert r.exit_code == 0 and "FX-006" in r.output


@pytest.mark.parametrize("args, code", [
    (["forms", "fill", "fenxi-09", "-o", "x.docx"], 3),
    (["forms", "fill", "fenxi-07", "--household", "h.json", "-o", "x.docx"], 3),
    (["forms", "fill", "nope-01", "--village", "x", "-o", "x.docx"], 3),
    (["forms", "blank", "all", "-o", "x.docx"], 3),
    (["forms", "blank", "fenxi-01", "-o", "x.txt"], 3),
    (["forms", "fill", "fenxi-07", "--village", "无此村", "-o", "x.docx"], 3),
])
def test_cli_errors(ws, tmp_path, args, code):
    args = [a if a not in ("x.docx", "x.txt") else str(tmp_path / a) for a in args]
    r = _cli(ws, *args)
    assert r.exit_code == code, r.output
    assert "出错了" in r.output and "Traceback" not in r.output


def test_many_split_tags_in_one_paragraph():
    from lxml import etree

    from archive.forms.render import join_split_tags

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    runs = "".join(f'<w:r><w:t>{c}</w:t></w:r>' for c in "前{{ a.b }}中{{ c }}后" * 400)
    p = etree.fromstring(f'<w:p xmlns:w="{w}">{runs}</w:p>')
    assert join_split_tags(p) == 800
    text = "".join(t.text or "" for t in p.iter(f"{{{w}}}t"))
    assert text == "前{{ a.b }}中{{ c }}后" * 400
    first = [t.text for t in p.iter(f"{{{w}}}t") if t.text][:4]
    assert first == ["前", "{{ a.b }}", "中", "{{ c }}"]


def test_public_notice_leak_is_stopped_at_render(ws, monkeypatch):
    from archive.forms import lists

    real = lists.review_notice

    def leaky(*a, **k):
        ctx, warnings, scope, start = real(*a, **k)
        ctx["rows"][0]["names"] = "李建国 " + HEAD_ID
        return ctx, warnings, scope, start
    monkeypatch.setattr(lists, "review_notice", leaky)
    with pytest.raises(PrivacyError) as e:
        forms.render_docx("fenxi-07", ws, village="城关村")
    assert "身份证号码" in e.value.user_message() and HEAD_ID not in e.value.user_message()


def test_county_template_cannot_pull_private_fields_into_a_notice(ws, tpl_dir):
    def edit(doc):
        doc.paragraphs[-2].add_run("{{ applicant.id_number }}{{ hh.residence }}{{ loc.village }}")
    edit_docx(tpl_dir / "fenxi-07.docx", edit)
    text = docx_text(forms.render_docx("fenxi-07", ws, village="城关村"))
    assert not re.search(r"\d{12,}", text) and "12号" not in text


def test_missing_libreoffice_is_explained(ws, tmp_path, monkeypatch):
    monkeypatch.setenv("DIBAO_SOFFICE", str(tmp_path / "no-soffice"))
    r = _cli(ws, "forms", "blank", "fenxi-01", "-o", str(tmp_path / "x.pdf"))
    assert r.exit_code == 5 and "LibreOffice" in r.output and "apt-get install" in r.output
    assert not (tmp_path / "x.pdf").exists()


def test_town_forms_by_village(ws):
    text = docx_text(forms.render_docx("fenxi-11", ws, village="东庄村", month="2024-06"))
    assert "吴老汉" in text and "李建国" not in text
    text = docx_text(forms.render_docx("yueyang-04", ws, village="东庄村"))
    assert "城关村" in text and "东庄村" in text  # the whole town's schedule


def test_strict_undefined_when_filling(ws):
    import importlib

    rd = importlib.import_module("archive.forms.render")  # the module (archive.forms.render is also a function)
    spec = catalog.get("fenxi-12")
    tpl = forms.load_template(spec)
    with pytest.raises(InputError) as e:
        rd.render(tpl, {"checks": []}, blank=False, form_id="fenxi-12", path=spec.path)
    assert "applicant" in e.value.user_message()


def test_committed_templates_are_the_generators_output(tmp_path):
    import sys

    tools = ROOT / "tools"
    sys.path.insert(0, str(tools))
    try:
        import make_templates
    finally:
        sys.path.remove(str(tools))
    for form_id, build in make_templates.FORMS.items():
        build().end(tmp_path / f"{form_id}.docx")
        committed = (catalog.TEMPLATE_DIR / f"{form_id}.docx").read_bytes()
        assert (tmp_path / f"{form_id}.docx").read_bytes() == committed, f"{form_id}: run tools/make_templates.py"


def test_application_chain_and_change_form_apply_in_every_profile():
    """The seeds' only application-chain forms (汾西 附件1–11) and change form (鄂州 附件1) serve every
    county; annual review forms stay with their own profile (so build and audit agree)."""
    from archive.config import parse_config
    from archive.records.model import Household
    from tests.support.records import record

    hh = Household.model_validate(record(events=record()["events"] + [
        {"type": "变更", "date": "2024-06-01", "reason": "增加保障人口",
         "before": {"covered_count": 1}, "after": {"covered_count": 2}}]))
    yue = parse_config({"profile": {"name": "yueyang"}})
    assert forms.applicable("fenxi-01", hh, yue) and forms.applicable("fenxi-04", hh, yue)
    assert forms.applicable("ezhou-01", hh, yue)
    assert not forms.applicable("fenxi-12", hh, yue) and not forms.applicable("ezhou-02", hh, yue)
    assert forms.applicable("yueyang-01", hh, yue)
