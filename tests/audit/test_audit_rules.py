"""Audit rules files: the shipped ones load; mistakes give Chinese messages naming the file and the rule."""

from pathlib import Path

import pytest

from archive.audit.rules import load_rules, packaged_rules_path, rules_path_for
from archive.config import PROFILES
from archive.errors import ConfigError

GOOD = """
[settings]
title = "测试规则"

[[rule]]
id = "户口簿"
kind = "scan"
what = "户口簿"
category = "审批类"
source = "000 二(三)"
fix = "扫描户口簿"
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "rules.toml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("profile", PROFILES)
def test_shipped_rules_load_and_cover_the_issue_list(profile):
    rs = load_rules(packaged_rules_path(profile))
    ids = {r.id for r in rs.rules}
    for must in ("申请书", "授权书", "经济状况信息表", "入户调查表", "入户调查人员", "审核确认表", "户口簿", "身份证",
                 "残疾证", "重病支出佐证", "教育支出佐证", "就业支出佐证", "近亲属备案表", "不予批准告知书",
                 "再次调查表", "照料护理协议", "年审表", "入户照片", "核对报告", "变更确认表", "身份证号",
                 "审核确认时限", "不予批准告知时限", "公示期"):
        assert must in ids, (profile, must)
    photos = rs.by_id("入户照片")
    assert (photos.min, photos.max) == (3, 5)
    assert all(r.source and r.fix for r in rs.rules)
    assert rs.by_id("入户调查表").title == "入户调查表"          # title from the form catalog
    assert rs.by_id("审核确认表").category == "审批类"


def test_workspace_rules_file_wins(tmp_path):
    from archive.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws", "ezhou")
    assert rules_path_for(ws) == packaged_rules_path("ezhou")
    local = ws.root / "audit-rules.toml"
    local.write_text(GOOD, encoding="utf-8")
    assert rules_path_for(ws) == local
    assert rules_path_for(ws, tmp_path / "x.toml") == tmp_path / "x.toml"


def test_minimal_rules_file(tmp_path):
    rs = load_rules(write(tmp_path, GOOD))
    assert rs.title == "测试规则" and rs.annual_review_due == (12, 31)
    r = rs.rules[0]
    assert r.iterator == "always" and len(r.types) == 4


def error_of(tmp_path, text) -> ConfigError:
    with pytest.raises(ConfigError) as exc:
        load_rules(write(tmp_path, text))
    return exc.value


def test_bad_toml_names_the_file_and_line(tmp_path):
    err = error_of(tmp_path, GOOD + '\n[[rule]]\nid = "坏的\n')
    msg = err.user_message()
    assert "rules.toml" in msg and "格式有误" in msg and "行" in msg
    assert "处理办法" in msg


def test_unknown_condition_names_rule_and_vocabulary(tmp_path):
    err = error_of(tmp_path, GOOD.replace('fix = "扫描户口簿"', 'fix = "扫描户口簿"\nwhen = "每个成员"'))
    msg = err.user_message()
    assert "第1条规则（户口簿）" in msg and "每个成员" in msg and "each_member" in msg


@pytest.mark.parametrize("change, words", [
    (('kind = "scan"', 'kind = "picture"'), ("种类", "picture")),
    (('what = "户口簿"', 'what = "户口本"'), ("材料类型", "户口本")),
    (('category = "审批类"', 'category = "其他类"'), ("归档类别",)),
    (('source = "000 二(三)"\n', ''), ("依据",)),
    (('id = "户口簿"', 'id = "户口簿"\ncolour = "红"'), ("不认识的键", "colour")),
])
def test_rule_mistakes(tmp_path, change, words):
    err = error_of(tmp_path, GOOD.replace(*change))
    msg = err.user_message()
    assert "rules.toml" in msg and "户口簿" in msg
    for w in words:
        assert w in msg


def test_more_mistakes(tmp_path):
    field_rule = GOOD.replace('kind = "scan"\nwhat = "户口簿"', 'kind = "field"\nwhat = "id_numbr"\nwhen = "each_member"')
    assert "id_numbr" in error_of(tmp_path, field_rule).user_message()
    two_iters = GOOD.replace('fix = "扫描户口簿"', 'fix = "扫描户口簿"\nwhen = ["each_member", "each_covered_year"]')
    assert "不能同时使用" in error_of(tmp_path, two_iters).user_message()
    dup = GOOD + GOOD.split("\n", 3)[3]
    assert "重复" in error_of(tmp_path, dup).user_message()
    form = GOOD.replace('kind = "scan"\nwhat = "户口簿"', 'kind = "form"\nwhat = "fenxi-99"')
    assert "fenxi-99" in error_of(tmp_path, form).user_message()
    photos = GOOD.replace('kind = "scan"\nwhat = "户口簿"', 'kind = "photos"\nwhat = "入户照片"')
    assert "min" in error_of(tmp_path, photos).user_message()
    time_rule = GOOD.replace('kind = "scan"\nwhat = "户口簿"', 'kind = "time"\nwhat = "review_deadline"')
    assert "each_application" in error_of(tmp_path, time_rule).user_message()
    due = GOOD.replace('title = "测试规则"', 'title = "测试规则"\nannual_review_due = "13-01"')
    assert "annual_review_due" in error_of(tmp_path, due).user_message()
    assert "没有任何规则" in error_of(tmp_path, "[settings]\n").user_message()
    typo = GOOD.replace('fix = "扫描户口簿"', 'fix = "扫描{membr}的户口簿"')
    assert "{membr}" in error_of(tmp_path, typo).user_message()
    (tmp_path / "gbk.toml").write_bytes(GOOD.encode("gbk"))
    with pytest.raises(ConfigError) as exc:
        load_rules(tmp_path / "gbk.toml")
    assert "UTF-8" in exc.value.user_message()
    with pytest.raises(ConfigError) as exc:
        load_rules(tmp_path / "missing.toml")
    assert "无法读取" in exc.value.user_message()


def test_expense_and_negated_filter(tmp_path):
    text = GOOD.replace('fix = "扫描户口簿"', 'fix = "扫描"\nwhen = ["expense:教育", "not:covered_now"]') \
               .replace('what = "户口簿"', 'what = ["学籍证明", "学费证明"]')
    r = load_rules(write(tmp_path, text)).rules[0]
    assert (r.iterator, r.iter_arg, r.filters) == ("expense", "教育", (("covered_now", True),))
    assert "支出类别" in error_of(tmp_path, text.replace("expense:教育", "expense:看病")).user_message()
