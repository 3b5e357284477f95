"""Search core on small synthetic documents, run against every installed backend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.errors import ConfigError, InputError
from indexer import Doc, IndexVersionError, available_backends, open_index, rebuild_index
from indexer.analysis import analyze, normalize, seq_tokens
from indexer.query import SYNTAX_HELP, parse, to_text
from tests.support.records import make_id

BACKENDS = available_backends()
ID_A = make_id("420702", "19900101", 431, True)       # 张三丰's
ID_B = make_id("430621", "19700312", 12, False)       # 李四's
ID_C = make_id("430621", "19550607", 88, True)        # inside traditional OCR text, spaced


def _docs():
    return [
        Doc(id="HS-2023-001/审批类/1/p3", group="a/HS-2023-001", household="HS-2023-001", head="张三丰",
            village="黄沙村", town="黄沙街镇", type="农村低保", category="审批类", title="社会救助申请书",
            date="2023-03-12", year=2023, path="archive/黄沙村/HS-2023-001_张三丰/审批类.pdf", page=3,
            text=f"社会救助申请书\n申请人：张三丰  身份证号：{ID_A}\n申请理由：家庭收入计算评估后低于标准"),
        Doc(id="HS-2023-001/日常管理类/2/p5", group="a/HS-2023-001", household="HS-2023-001", head="张三丰",
            village="黄沙村", town="黄沙街镇", type="农村低保", category="日常管理类",
            title="岳阳县城乡最低生活保障对象年度审核登记表", date="2024-05-02", year=2024,
            path="archive/黄沙村/HS-2023-001_张三丰/日常管理类.pdf", page=5,
            text="年度審核登記表 戶主 張三豐 審核意見：繼續保障"),   # traditional characters
        Doc(id="HS-2024-007/审批类/1/p1", group="a/HS-2024-007", household="HS-2024-007", head="李四",
            village="白石村", town="黄沙街镇", type="特困人员", category="审批类", title="入户调查表",
            date="2024-02-01", year=2024, path="archive/白石村/HS-2024-007_李四/审批类.pdf", page=1,
            # OCR output: spaces between characters, full-width digits, a spaced ID number
            text=f"入 户 调 查 表  户 主 李 四  ＨＳ－２０２４－００７  身份证 {' '.join(ID_B[i:i+4] for i in range(0, 18, 4))}"
                 f"\n同住 王五 {ID_C} 残疾证 二级"),
        Doc(id="HS-2024-009/财务类/1/p1", group="a/HS-2024-009", household="HS-2024-009", head="赵六",
            village="白石村", town="白石镇", type="城市低保", category="财务类", title="家庭收入计算评估表",
            date="2024-06-01", year=2024, path="archive/白石村/HS-2024-009_赵六/财务类.pdf", page=1,
            text="家庭收入计算评估表 户主赵六 月人均收入 300 元 审核人 张三"),
    ]


@pytest.fixture(params=BACKENDS)
def ix(request, tmp_path):
    index = open_index(tmp_path / "ws" / ".dibao" / "index", backend=request.param, root=tmp_path / "ws")
    index.add(_docs())
    index.commit()
    yield index
    index.close()


def households(res):
    return sorted({h.household for h in res.hits})


def test_analysis_basics():
    assert normalize("審核 ＡＢＣ１２３") == "审核 ABC123"
    assert normalize("入 户 调 查") == "入户调查"
    assert seq_tokens("张三丰HS-1") == ["张三", "三丰", "hs", "1"]
    assert seq_tokens("是、否 2022年") == ["是否", "2022", "年"]
    a = analyze(f"身份证号 {ID_A} 张三", b"k" * 32)
    assert ID_A not in a.stored and ID_A[:4] + "**********" + ID_A[-4:] in a.stored
    assert ID_A not in a.words + a.seq + a.ids and "id4:" + ID_A[-4:] in a.ids


def test_full_name(ix):
    res = ix.search("张三丰")
    assert res.total == 2 and households(res) == ["HS-2023-001"]
    assert sorted(h.page for h in res.hits) == [3, 5] and all(h.title for h in res.hits)
    hit = next(h for h in res.hits if h.page == 3)   # the two pages' order is the ranking's business
    assert hit.pdf_path.endswith("审批类.pdf") and Path(hit.pdf_path).is_absolute()


def test_name_missing_from_dictionary_found_by_bigrams(ix):
    assert households(ix.search("三丰")) == ["HS-2023-001"]
    assert households(ix.search("赵六")) == ["HS-2024-009"]


@pytest.mark.parametrize("q", [ID_A, ID_A[-6:], ID_A[-4:], f"id:{ID_A[-4:]}"])
def test_id_whole_tail6_tail4(ix, q):
    res = ix.search(q)
    assert "HS-2023-001" in households(res)
    hit = next(h for h in res.hits if h.household == "HS-2023-001")
    assert "【" + ID_A[:4] + "**********" + ID_A[-4:] + "】" in hit.snippet
    assert ID_A not in json.dumps(res.to_dict(), ensure_ascii=False)


def test_spaced_ocr_id_is_recognised(ix):
    assert households(ix.search(ID_B)) == ["HS-2024-007"]
    assert households(ix.search(ID_B[-6:])) == ["HS-2024-007"]
    assert households(ix.search(ID_C)) == ["HS-2024-007"]


def test_phrase_and_split_phrase(ix):
    res = ix.search('"家庭收入计算评估"')
    assert households(res) == ["HS-2023-001", "HS-2024-009"]
    assert any("【家庭收入计算评估】" in h.snippet for h in res.hits)
    none = ix.search('"申请书审核人"')
    assert none.total == 0 and none.hits == []
    assert none.suggestion and none.suggested_query


def test_traditional_and_simplified_meet(ix):
    assert "HS-2023-001" in households(ix.search("審核意見"))       # traditional query, traditional text
    assert households(ix.search("审核意见")) == ["HS-2023-001"]     # simplified query finds 審核意見
    assert households(ix.search("張三豐")) == ["HS-2023-001"]


def test_ocr_spaces_and_fullwidth(ix):
    assert households(ix.search("入户调查表")) == ["HS-2024-007"]
    assert households(ix.search("HS-2024-007")) == ["HS-2024-007"]
    assert households(ix.search("ｈｓ－２０２４－００７")) == ["HS-2024-007"]


def test_single_character_and_mixed_terms(ix):
    assert households(ix.search("丰")) == ["HS-2023-001"]
    assert "HS-2024-009" in households(ix.search("300元"))


def test_boolean_syntax(ix):
    assert households(ix.search("张三丰 OR 李四")) == ["HS-2023-001", "HS-2024-007"]
    assert households(ix.search("张三丰 | 李四")) == ["HS-2023-001", "HS-2024-007"]
    assert households(ix.search("审核 -张三丰")) == ["HS-2024-009"]
    assert households(ix.search("审核 NOT 张三丰")) == ["HS-2024-009"]
    assert households(ix.search("(李四 OR 赵六) 白石镇")) == ["HS-2024-009"]
    assert ix.search("张三丰 李四").total == 0


def test_filters_narrow(ix):
    assert households(ix.search("户主")) == ["HS-2023-001", "HS-2024-007", "HS-2024-009"]
    assert households(ix.search("户主 village:白石村")) == ["HS-2024-007", "HS-2024-009"]
    assert households(ix.search("户主", {"village": "白石村", "type": "特困"})) == ["HS-2024-007"]
    assert households(ix.search("户主 -village:白石村")) == ["HS-2023-001"]
    assert households(ix.search("type:低保")) == ["HS-2023-001", "HS-2024-009"]   # substring of 农村低保/城市低保
    assert households(ix.search("type:城市低保")) == ["HS-2024-009"]
    assert households(ix.search("张三丰 year:2024")) == ["HS-2023-001"]
    assert ix.search("张三丰 year:2024").total == 1
    assert ix.search("year:2023-2024").total == 4
    assert households(ix.search("category:财务类")) == ["HS-2024-009"]
    assert households(ix.search("编号:HS-2024-007")) == ["HS-2024-007"]
    assert households(ix.search("户主", {"town": "白石镇"})) == ["HS-2024-009"]
    assert ix.search("户主", {"year": 2023}).total == 0


def test_zero_hits_suggests_dropping_filters(ix):
    res = ix.search("李四 village:黄沙村")
    assert res.total == 0
    assert res.suggested_query == "李四" and "去掉筛选条件" in res.suggestion
    res = ix.search("李四 village:不存在村")
    assert any("不存在村" in n for n in res.notes)
    res = ix.search("完全没有的词语")
    assert res.total == 0 and res.suggestion


def test_bad_queries_are_user_errors(ix):
    with pytest.raises(InputError):
        ix.search("")
    with pytest.raises(InputError):
        ix.search("year:去年")
    with pytest.raises(InputError):
        ix.search("张三", {"colour": "red"})


def test_replace_and_delete(ix):
    docs = [d for d in _docs() if d.group == "a/HS-2024-009"]
    docs[0].text = "更正后的内容 赵六 新地址"
    ix.replace("a/HS-2024-009", docs, fingerprint={"v": 2})
    ix.commit()
    assert ix.search("月人均收入").total == 0
    assert households(ix.search("新地址")) == ["HS-2024-009"]
    ix.delete("a/HS-2024-009")
    ix.commit()
    assert ix.search("赵六").total == 0
    assert ix.count() == 3


def test_no_full_id_anywhere_in_index_files(ix, tmp_path):
    ix.commit()
    folder = tmp_path / "ws" / ".dibao" / "index"
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files
    for p in files:
        data = p.read_bytes()
        for number in (ID_A, ID_B, ID_C):
            assert number.encode() not in data, f"{number} in {p}"
            assert number.encode("utf-16-le") not in data


def test_schema_version_mismatch_asks_for_rebuild(ix, tmp_path):
    name = ix.backend_name
    ix.close()
    base = tmp_path / "ws" / ".dibao" / "index"
    meta = base / name / "dibao-index.json"
    m = json.loads(meta.read_text())
    m["schema_version"] = 0
    meta.write_text(json.dumps(m))
    with pytest.raises(IndexVersionError) as err:
        open_index(base, backend=name)
    assert "dibao index --rebuild" in err.value.user_message()
    fresh = rebuild_index(base, backend=name)
    assert fresh.count() == 0 and fresh.search("张三丰").total == 0
    fresh.close()


def test_changed_key_asks_for_rebuild(ix, tmp_path):
    name = ix.backend_name
    ix.close()
    base = tmp_path / "ws" / ".dibao" / "index"
    with pytest.raises(IndexVersionError):
        open_index(base, backend=name, key=b"another key of enough length!!")


def test_search_without_index_says_so(tmp_path):
    with pytest.raises(ConfigError):
        open_index(tmp_path / "none", create=False)


def test_syntax_help_and_round_trip():
    assert "village:" in SYNTAX_HELP and "OR" in SYNTAX_HELP
    ast = parse('张三 OR 李四 "审核 登记" -特困 village:黄沙村 year:2022-2024')
    assert to_text(parse(to_text(ast))) == to_text(ast)


def test_punctuation_terms_are_ignored(ix):
    assert households(ix.search("李四 ，")) == ["HS-2024-007"]
    assert ix.search("，。").total == 0


def test_long_numbers_are_never_stored_in_clear(tmp_path):
    card = "6217002870012345678"      # a bank card number (19 digits)
    short = ID_A[:17]                 # an ID that OCR read with a digit missing
    ix = open_index(tmp_path / "index", backend=BACKENDS[0])
    ix.add([Doc(id="1", group="g", text=f"银行卡号 {card} 身份证 {short}")])
    ix.commit()
    assert ix.search(card).total == 1 and ix.search(card[-4:]).total == 1
    assert card[:4] + "*" * 11 + card[-4:] in ix.search(card).hits[0].snippet
    ix.close()
    for p in (tmp_path / "index").rglob("*"):
        if p.is_file():
            assert card.encode() not in p.read_bytes() and short.encode() not in p.read_bytes()


def test_grouped_card_numbers_masked_years_kept():
    a = analyze("账号 6217 7999 8799 0495 396 户名 年度 2021 2022 2023 2024", b"k" * 32)
    assert "6217***********5396" in a.stored and "2021 2022 2023 2024" in a.stored
    assert "7999" not in a.seq + a.words
