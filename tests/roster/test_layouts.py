"""Rosters in four layouts and header wordings, each with planted errors: the clean households
become valid records, exactly the planted rows are named in 检查结果 (bad cells red), exit 1."""

from __future__ import annotations

import openpyxl


def test_two_row_header_merged_household_cells(roster, tmp_path):
    """Title row, a merged 家庭成员 group header over 姓名/关系/公民身份号码, household cells merged down,
    a hidden row, a formula total row, money with 元 and full-width digits."""
    R = roster
    a1, a2 = R.id("141029", "19650304", 12, True), R.id("141029", "19680505", 13, False)
    b1, b2 = R.id("141029", "19700101", 21, True), R.id("141029", "19950101", 22, True)
    c1 = R.id("141029", "19550101", 31, False)
    d1, d2 = R.id("141029", "19800202", 41, True), R.id("141029", "20100303", 42, False)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["永安镇2024年农村低保对象花名册"])
    ws.merge_cells("A1:I1")
    ws.append(["填报单位：永安镇民政办", None, None, None, None, None, "填报日期：2024年5月"])
    ws.append(["序号", "村（社区）", "户主姓名", "家庭成员", None, None, "类别", "月保障金（元）", "享受时间"])
    ws.append([None, None, None, "姓名", "与户主关系", "公民身份号码", None, None, None])
    for c in "ABCGHI":
        ws.merge_cells(f"{c}3:{c}4")
    ws.merge_cells("D3:F3")
    rows = [
        [1, "东关村", "张三", "张三", "本人", a1, "农村低保", "６５０元", "2023.3.1"],          # 5
        [None, None, None, "李花", "配偶", a2, None, None, None],                              # 6
        [2, "西关村", "王五", "王五", "户主", b1, "农低", 1200, "2023年2月30日"],             # 7 impossible date
        [None, None, None, "王小", "子", int(b2), None, None, None],                          # 8 ID as number
        [3, "西关村", "赵敏", "赵敏", "本人", R.bad_check(c1), "特困", 800, 45000],           # 9 bad check digit
        [4, "团柏村", "钱七", "钱七", "本人", d1, "农村低保", 900, "20230301"],              # 10
        [None, None, None, "钱花", "女", d2, None, None, None],                               # 11
        [9, "团柏村", "旧户", "旧户", "本人", "作废", "农村低保", 1, None],                    # 12 hidden
        ["合计", None, None, None, None, None, None, "=SUM(H5:H11)", None],                    # 13
    ]
    for r in rows:
        ws.append(r)
    for rng in ("B5:B6", "C5:C6", "G5:G6", "H5:H6", "I5:I6", "B7:B8", "C7:C8", "G7:G8", "H7:H8", "I7:I8",
                "B10:B11", "C10:C11", "G10:G11", "H10:H11", "I10:I11"):
        ws.merge_cells(rng)
    ws.row_dimensions[12].hidden = True
    src = tmp_path / "花名册.xlsx"
    wb.save(src)

    res = R.run("import", str(src))
    assert res.exit_code == 1, res.output
    msgs, red = R.check_results(tmp_path / "花名册.检查结果.xlsx")
    assert set(msgs) == {7, 8, 9}, msgs
    assert "享受时间“2023年2月30日”不存在" in msgs[7]
    assert "被Excel存成了数字" in msgs[8] and "无法还原" in msgs[8]
    assert "校验位不正确" in msgs[9]
    assert (8, 6) in red and (9, 6) in red and (7, 9) in red
    recs = R.records()
    assert len(recs) == 2
    by_head = {h.head.name: h for h in recs.values()}
    zs = by_head["张三"]
    assert [m.name for m in zs.members] == ["张三", "李花"] and zs.village == "东关村"
    assert str(zs.monthly_amount) == "650.00" and zs.since.isoformat() == "2023-03-01" and zs.type == "农村低保"
    assert zs.case_no.startswith("YA-2023-")
    assert by_head["钱七"].members[1].relation == "女" and by_head["钱七"].members[1].sex == "女"
    assert src.read_bytes() == src.read_bytes()  # source untouched: it still opens as written
    assert openpyxl.load_workbook(src).active.max_column == 9


def test_consecutive_households_other_wording(roster, tmp_path):
    """One header row in other words (姓名/关系/身份证号码/救助类别/所在村/保障金额/出生年月), households one
    after another with the 户主 row first and no household column, dates as serials and text."""
    R = roster
    h1, m1 = R.id("141029", "19600101", 51, True), R.id("141029", "19620202", 52, False)
    h2 = R.id("141029", "19710707", 61, False)
    h3, m3 = R.id("141029", "19750505", 71, True), R.id("141029", "20050505", 72, True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["所在村", "组别", "姓名", "关系", "身份证号码", "出生年月", "救助类别", "保障金额", "开户行", "卡号"])
    ws.append(["洪岩村", "3组", "孙一", "户主", h1, "1960.01", "农村低保", "1,300.50元", "汾西农商行", "6221 0000 1111 2222"])  # 2
    ws.append(["洪岩村", "3组", "周二", "妻", m1, "1962/02/02", None, None, None, None])                                 # 3
    ws.append(["洪岩村", "1组", "吴三", "本人", h2, "1971年7月32日", "城市低保", 500, None, None])                       # 4 bad date
    ws.append(["石门村", None, "郑四", "本人", h3, None, "低保边缘", 0, "汾西农商行", 6221000011112222333])             # 5 card number
    ws.append(["石门村", None, "郑小", "子", R.bad_check(m3), 38477, None, None, None, None])                            # 6 bad check
    ws.append(["石门村", None, "冯五", "本人", R.id("141029", "19550505", 73, True), None, "农村低保", 300, None, None])  # 7
    ws.append(["石门村", None, "周二", "妻", m1, None, None, None, None, None])                                         # 8 dup
    ws.append(["所在村", "组别", "姓名", "关系", "身份证号码", "出生年月", "救助类别", "保障金额", "开户行", "卡号"])  # 9 header again
    ws.append(["审核人：", None, None, None, "负责人：", None, None, None, None, None])                               # 10 signatures
    ws.append([None] * 10)
    ws.append(["制表人：郭建平", None, None, None, None, None, None, None, None, None])
    src = tmp_path / "台账.xlsx"
    wb.save(src)
    res = R.run("import", str(src))
    assert res.exit_code == 1, res.output
    msgs, red = R.check_results(tmp_path / "台账.检查结果.xlsx")
    assert set(msgs) == {4, 5, 6, 8}, msgs
    assert "跳过1行空白，3行说明" in res.output
    assert "身份证号与第3行的成员重复" in msgs[8]
    assert "出生日期“1971年7月32日”不存在" in msgs[4]
    assert "银行卡号被Excel存成了数字" in msgs[5]
    assert "校验位不正确" in msgs[6]
    assert {(4, 6), (5, 10), (6, 5)} <= red
    recs = R.records()
    (hh,) = recs.values()
    assert hh.group == "3组" and hh.bank_account.card_number == "6221000011112222"
    assert str(hh.monthly_amount) == "1300.50"
    assert hh.members[1].birth_date.isoformat() == "1962-02-02" and hh.members[1].relation == "妻"


def test_one_row_per_household_repeated_member_groups(roster, tmp_path):
    """One row per household: 户主 columns, then 成员1姓名/成员1关系/成员1身份证号, 成员2… ."""
    R = roster
    ids_ = [R.id("141029", f"19{60 + i}0101", 80 + i, i % 2 == 0) for i in range(8)]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["对象编号", "村", "对象类型", "户主姓名", "户主身份证号", "成员1姓名", "成员1关系", "成员1身份证号",
               "成员2姓名", "成员2关系", "成员2身份证号", "保障人口", "月救助金", "类别"])
    ws.append(["FX-001", "东关村", "农村低保", "甲一", ids_[0], "甲二", "配偶", ids_[1], "甲三", "子", ids_[2], 3, 900, "A类"])  # 2 (类别: 分类施保, not the type)
    ws.append(["FX-002", "东关村", "农村低保", "乙一", ids_[3], "乙二", "母亲", float(ids_[4]), None, None, None, 2, 600])  # 3
    ws.append(["FX-003", "西关村", "城市低保", "丙一", ids_[5], None, None, None, None, None, None, 2, 300])  # 4 count
    ws.append(["FX-004", "西关村", "特困供养", "丁一", R.bad_check(ids_[6]), None, None, None, None, None, None, 1, 700])  # 5
    src = tmp_path / "一户一行.xlsx"
    wb.save(src)
    res = R.run("import", str(src))
    assert res.exit_code == 1, res.output
    msgs, red = R.check_results(tmp_path / "一户一行.检查结果.xlsx")
    assert set(msgs) == {3, 4, 5}, msgs
    assert "被Excel存成了数字" in msgs[3]
    assert "保障人数2与本户列出的成员数1不一致" in msgs[4]
    assert "户主身份证号校验位不正确" in msgs[5]
    assert (3, 8) in red and (5, 5) in red
    recs = R.records()
    assert list(recs) == ["FX-001"]
    assert [m.relation for m in recs["FX-001"].members] == ["本人", "配偶", "子"]


def test_csv_gbk_grouped_by_head_id_with_mismatched_head(roster, tmp_path):
    """CSV in GBK, members grouped by a 户主身份证号 column (not next to each other); one member's
    户主 ID matches no household's head, one row has a 户主姓名 that is not its head's."""
    R = roster
    h1, m1 = R.id("141029", "19580808", 91, True), R.id("141029", "19600909", 92, False)
    h2, m2 = R.id("141029", "19660606", 93, False), R.id("141029", "19900606", 94, True)
    other = R.id("141029", "19500505", 95, True)
    lines = [
        "户主身份证号,户主,成员姓名,与户主的关系,证件号码,性别,村（居）,保障对象类别,享受日期",
        f"{h1},冯大,冯大,本人,{h1},男,城南社区,城市低保,2022-01-01",      # 2
        f"{h2},陈二,陈二,本人,{h2},女,城南社区,城市低保,2022/6/1",        # 3
        f"{h1},冯大,何花,配偶,{m1},女,城南社区,城市低保,",                 # 4
        f"{h2},冯大,陈小,子,{m2},男,城南社区,城市低保,",                   # 5 户主姓名 wrong
        f"{other},褚某,褚子,子,{R.id('141029', '19800101', 96, True)},男,城南社区,城市低保,",  # 6 no head
    ]
    src = tmp_path / "社区台账.csv"
    src.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    res = R.run("import", str(src))
    assert res.exit_code == 1, res.output
    msgs, red = R.check_results(tmp_path / "社区台账.检查结果.xlsx")
    assert set(msgs) == {5, 6}, msgs
    assert "户主姓名写的是“冯大”，但本户的户主（“本人”那一行）是“陈二”" in msgs[5]
    assert "找不到户主“褚某”的行" in msgs[6]
    assert (5, 2) in red
    recs = R.records()
    (hh,) = recs.values()
    assert [m.name for m in hh.members] == ["冯大", "何花"] and hh.type == "城市低保"


def test_missing_required_column_stops_with_headers_and_mapping_example(roster, tmp_path):
    R = roster
    h = R.id("141029", "19650304", 12, True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["村", "姓名", "与户主关系", "身份号", "帮扶类型"])
    ws.append(["东关村", "张三", "本人", h, "农村低保"])
    src = tmp_path / "缺列.xlsx"
    wb.save(src)
    res = R.run("import", str(src))
    assert res.exit_code == 3
    assert "找不到必需的列：身份证号、保障类别" in res.output
    assert "“身份号”" in res.output and "“帮扶类型”" in res.output and "--mapping" in res.output
    assert not R.ws.record_paths()
    mp = tmp_path / "映射.toml"
    mp.write_text('[columns]\n"身份号" = "身份证号"\n"帮扶类型" = "保障类别"\n', encoding="utf-8")
    res = R.run("import", str(src), "--mapping", str(mp))
    assert res.exit_code == 0, res.output
    assert len(R.records()) == 1


def test_case_numbers_follow_the_configured_pattern(roster, tmp_path):
    import pytest

    from archive.config import parse_config
    from archive.errors import ConfigError

    R = roster
    cfg = R.ws.root / "dibao.toml"
    cfg.write_text(cfg.read_text("utf-8").replace('case_no = "YA-{年}-{序号:04}"', 'case_no = "FX{村}{年}{序号:03}"'), "utf-8")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["村", "姓名", "关系", "身份证号", "类别", "享受时间"])
    ws.append(["东关村", "张三", "本人", R.id("141029", "19650304", 12, True), "农村低保", "2022-05-01"])
    ws.append(["东关村", "李四", "本人", R.id("141029", "19660304", 13, True), "农村低保", "2022-06-01"])
    wb.save(tmp_path / "a.xlsx")
    res = R.run("import", str(tmp_path / "a.xlsx"))
    assert res.exit_code == 0, res.output
    assert sorted(R.records()) == ["FX东关村2022001", "FX东关村2022002"]
    for bad, word in (({"roster": {"case_no": "A-{年}"}}, "序号"), ({"roster": {"cas_no": "x"}}, "cas_no"),
                      ({"roster": {"case_no": "A-{月}-{序号}"}}, "写法有误")):
        with pytest.raises(ConfigError) as err:
            parse_config(bad)
        assert word in err.value.user_message()


def test_no_relation_column_head_found_by_head_columns(roster, tmp_path):
    """A heads-only roster (户主姓名/户主身份证号 equal to the row's own): each row is its own 本人."""
    R = roster
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["村", "户主姓名", "姓名", "身份证号", "保障类别"])
    ws.append(["东关村", "张三", "张三", R.id("141029", "19650304", 12, True), "特困"])
    ws.append(["东关村", "张三", "张小", R.id("141029", "19950304", 14, True), "特困"])   # 3: not the head, no relation
    wb.save(tmp_path / "b.xlsx")
    res = R.run("import", str(tmp_path / "b.xlsx"))
    assert res.exit_code == 1, res.output
    msgs, _ = R.check_results(tmp_path / "b.检查结果.xlsx")
    assert set(msgs) == {3} and "表中没有“与户主关系”列" in msgs[3]
