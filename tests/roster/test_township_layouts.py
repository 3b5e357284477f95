"""More of the ways townships keep their rosters (none of them the layouts of test_layouts.py):
a 保障类别 column that holds only grades (A类/B类) with the kind in the title, a household per row
with the head's ID next to 户主姓名 and a 配偶 / 子女 column group (no 关系 column), a county system's
GBK export with area paths and headers no synonym lists, a 特困 roster with one person per row and
neither a 类别 nor a 关系 column, and dates as Excel keeps them when typed as numbers (2021.05, 2021.1)."""

from __future__ import annotations

import json

import openpyxl


def test_grades_in_the_type_column_kind_from_the_title(roster, tmp_path):
    R = roster
    h1, w1, s1 = R.id("141024", "19620315", 1, True), R.id("141024", "19640420", 2, False), R.id("141024", "19900101", 3, True)
    h2 = R.id("141024", "19480808", 4, False)
    h3, d3 = R.id("141024", "19750606", 5, True), R.id("141024", "20080909", 6, False)
    h4, w4 = R.id("141024", "19700101", 7, True), R.id("141024", "19720202", 8, False)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2024年4月"
    ws.append(["城关镇2024年4月农村低保对象花名册"])
    ws.merge_cells("A1:N1")
    ws.append(["填报单位（盖章）：城关镇人民政府", None, None, None, None, None, None, None, None, None, "单位：元、人"])
    ws.append(["序号", "村名", "户主", "户主身份证号码", "家庭人口", "保障人口", "保障类别", "月保障金额", "家庭成员情况",
               None, None, None, None, "备注"])
    ws.append([None] * 8 + ["姓名", "性别", "与户主关系", "身份证号码", "出生年月", None])
    for c in "ABCDEFGHN":
        ws.merge_cells(f"{c}3:{c}4")
    ws.merge_cells("I3:M3")
    for r in [
        [1, "东关村", "刘福贵", h1, 3, 3, "A类", "1,140元", "刘福贵", "男", "户主", h1, "1962.03", None],   # 5
        [None] * 8 + ["王秀英", "女", "妻", w1, "1964.04", None],                                          # 6
        [None] * 8 + ["刘强", "男", "长子", s1, 1990.1, None],                                            # 7 1990.1 = Jan (ID)
        [2, "东关村", "高桂兰", h2, 1, 1, "B类", "４２０", "高桂兰", "女", "户主", h2, "1948.08", None],    # 8
        [3, "南庄村", "马建军", h3, 2, 2, "A类", 760, "马建军", "男", "户主", h3, "1975.06", None],        # 9
        [None] * 8 + ["马丽", "女", "长女", R.bad_check(d3), "2008.09", None],                             # 10 bad check
        [4, "南庄村", "赵海", h4, 2, 2, "C类", 300, "赵海", "男", "户主", h4, "1970.01", None],            # 11
        [None] * 8 + ["孙梅", "女", "妻", int(w4), "1972.02", None],                                       # 12 ID as number
        ["合计", None, None, None, 8, 8, None, "=SUM(H5:H12)"] + [None] * 6,
        ["审核人：", None, None, None, None, None, None, None, "填表人：", None, None, None, None, None],
    ]:
        ws.append(r)
    for a, b in ((5, 7), (9, 10), (11, 12)):
        for c in "ABCDEFGHN":
            ws.merge_cells(f"{c}{a}:{c}{b}")
    src = tmp_path / "城关镇花名册.xlsx"
    wb.save(src)
    res = R.run("import", str(src))
    assert res.exit_code == 1, res.output
    assert "按“城关镇2024年4月农村低保对象花名册”取“农村低保”" in res.output
    assert "没有导入的列：“家庭人口”" in res.output
    msgs, red = R.check_results(tmp_path / "城关镇花名册.检查结果.xlsx")
    assert set(msgs) == {10, 12}, msgs
    assert "校验位不正确" in msgs[10] and "被Excel存成了数字" in msgs[12]
    assert (10, 12) in red and (12, 12) in red
    recs = {h.head.name: h for h in R.records().values()}
    assert set(recs) == {"刘福贵", "高桂兰"}
    assert recs["刘福贵"].type == "农村低保" and str(recs["刘福贵"].monthly_amount) == "1140.00"
    assert [m.relation for m in recs["刘福贵"].members] == ["本人", "妻", "长子"]
    assert str(recs["高桂兰"].monthly_amount) == "420.00"


def test_grades_without_a_kind_anywhere_are_named(roster, tmp_path):
    R = roster
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["村", "姓名", "与户主关系", "身份证号", "类别"])
    ws.append(["东关村", "张三", "本人", R.id("141029", "19650304", 12, True), "A类"])
    wb.save(tmp_path / "名单.xlsx")
    res = R.run("import", str(tmp_path / "名单.xlsx"))
    assert res.exit_code == 1
    msgs, _ = R.check_results(tmp_path / "名单.检查结果.xlsx")
    assert set(msgs) == {2} and "分类施保的档次" in msgs[2]


def test_household_per_row_head_id_beside_head_name_and_relation_groups(roster, tmp_path):
    """户主姓名 | 身份证号码 (the head's) | 配偶(姓名|身份证号码) | 子女1(姓名|身份证号码) | 家庭成员2(姓名|关系|身份证号码)."""
    R = roster
    a = [R.id("141024", f"19{60 + i}0{1 + i % 9}1{i % 9}", 20 + i, i % 2 == 0) for i in range(10)]
    kid = R.id("141024", "20100505", 77, False)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "村", "组", "户主姓名", "身份证号码", "保障人数", "保障类型", "月保障金", "配偶", None, "子女1", None,
               "家庭成员2", None, None, "开户银行", "账号"])
    ws.append([None] * 8 + ["姓名", "身份证号码", "姓名", "身份证号码", "姓名", "关系", "身份证号码", None, None])
    for c in "ABCDEFGHPQ":
        ws.merge_cells(f"{c}1:{c}2")
    for rng in ("I1:J1", "K1:L1", "M1:O1"):
        ws.merge_cells(rng)
    ws.append([1, "北坡村", "1组", "李大山", a[0], 4, "农村低保A类", 900, "周兰", a[1], "李妞", kid, "李老", "父亲", a[2],
               "农商行", "6228480000000000001"])                                                     # 3
    ws.append([2, "北坡村", "2组", "陈红", a[3], 1, "农村低保", 400] + [None] * 7 + ["农商行", "6228480000000000002"])  # 4
    ws.append([3, "北坡村", "2组", "钱多", a[4], 2, "分散供养特困人员", 700, "孙妹", a[5]] + [None] * 5
              + ["农商行", "6228480000000000003"])                                                   # 5
    ws.append([4, "北坡村", "3组", "吴用", R.bad_check(a[6]), 1, "城市低保", 500] + [None] * 7
              + ["农商行", "6228480000000000004"])                                                   # 6 bad check
    ws.append([5, "北坡村", "3组", "郑直", a[7], 2, "农村低保", 500, "何某", a[7]] + [None] * 5
              + ["农商行", "6228480000000000005"])                                                   # 7 spouse = head's ID
    wb.save(tmp_path / "一户一行.xlsx")
    res = R.run("import", str(tmp_path / "一户一行.xlsx"))
    assert res.exit_code == 1, res.output
    msgs, red = R.check_results(tmp_path / "一户一行.检查结果.xlsx")
    assert set(msgs) == {6, 7}, msgs
    assert "户主身份证号校验位不正确" in msgs[6] or "身份证号校验位不正确" in msgs[6]
    assert (6, 5) in red
    recs = {h.head.name: h for h in R.records().values()}
    assert set(recs) == {"李大山", "陈红", "钱多"}
    li = recs["李大山"]
    assert [(m.name, m.relation) for m in li.members] == [("李大山", "本人"), ("周兰", "配偶"), ("李妞", "女"),
                                                         ("李老", "父亲")]
    assert li.members[0].id_number == a[0] and li.type == "农村低保" and li.group == "1组"
    assert recs["钱多"].type == "特困" and recs["钱多"].bank_account.card_number == "6228480000000000003"


def test_county_system_export_gbk_area_paths_and_unlisted_headers(roster, tmp_path):
    R = roster
    h1, m1 = R.id("141024", "19660101", 60, True), R.id("141024", "19670202", 61, False)
    h2 = R.id("141024", "19500505", 62, False)
    lines = [
        "家庭编号,户主姓名,户主身份证号码,成员姓名,成员身份证号码,与户主关系,性别,出生日期,救助类型,保障金额,所属区划,救助开始日期",
        f"F0001,牛一,{h1},牛一,{h1},户主,男,1966-01-01,农村低保,800.00,山西省临汾市汾西县城关镇东关村委会,2020-01-01",
        f"F0001,牛一,{h1},羊二,{m1},配偶,女,1967-02-02,农村低保,800.00,山西省临汾市汾西县城关镇东关村委会,2020-01-01",
        f"F0002,马三,{h2},马三,{h2},户主,女,1950-05-05,特困供养,1000.00,山西省临汾市汾西县城关镇城北社区居委会,2019-01-01",
        f"F0003,驴四,{R.bad_check(h1)},驴四,{R.bad_check(h1)},户主,男,1966-01-01,农村低保,500,山西省临汾市汾西县城关镇西关村委会,2020-01-01",
        f"F0004,骡五,{R.id('141024', '19700101', 63, True)},骡五,{R.id('141024', '19700101', 63, True)},户主,男,,城乡低保,500,汾西县城关镇西关村,2020-01-01",
    ]
    src = tmp_path / "系统导出.csv"
    src.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    res = R.run("import", str(src))
    assert res.exit_code == 1, res.output
    assert "“成员身份证号码”作身份证号" in res.output and "“所属区划”作村（社区）" in res.output
    msgs, _ = R.check_results(tmp_path / "系统导出.检查结果.xlsx")
    assert set(msgs) == {5, 6}, msgs
    assert "校验位不正确" in msgs[5] and "保障类别“城乡低保”看不懂" in msgs[6]
    recs = R.records()
    assert set(recs) == {"F0001", "F0002"}
    assert recs["F0001"].village == "东关村" and recs["F0002"].village == "城北社区"
    assert recs["F0001"].since.isoformat() == "2020-01-01" and recs["F0002"].type == "特困"


def test_extreme_poverty_roster_one_person_per_row(roster, tmp_path):
    R = roster
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["城关镇特困供养人员花名册"])
    ws.append(["序号", "姓名", "性别", "身份证号", "村（社区）", "供养方式", "生活自理能力", "供养标准（元/月）", "享受时间"])
    ws.append([1, "孤老一", "男", R.id("141024", "19400101", 70, True), "东关村", "分散供养", "全自理", 735, "2015-01-01"])
    ws.append([2, "孤老二", "女", R.id("141024", "19420101", 71, False), "南庄村", "集中供养", "半护理", 935, 2016.05])
    ws.append([3, "孤老三", "男", "14102419441301071X", "南庄村", "分散", "自理", 735, "2016-01-01"])   # 5 no such date
    ws.append([4, "孤老四", "男", R.id("141024", "19450101", 72, True), "南庄村", "分散", "自理", 735, 2016.1])  # 6 Jan or Oct
    wb.save(tmp_path / "特困.xlsx")
    res = R.run("import", str(tmp_path / "特困.xlsx"))
    assert res.exit_code == 1, res.output
    assert "表中没有保障类别列，按“城关镇特困供养人员花名册”取“特困”" in res.output
    assert "每行按一户（本人）导入" in res.output
    msgs, _ = R.check_results(tmp_path / "特困.检查结果.xlsx")
    assert set(msgs) == {5, 6}, msgs
    assert "19441301不是真实日期" in msgs[5] and "分不清是2016年1月还是10月" in msgs[6]
    recs = {h.head.name: h for h in R.records().values()}
    assert set(recs) == {"孤老一", "孤老二"}
    assert recs["孤老二"].since.isoformat() == "2016-05-01" and str(recs["孤老二"].monthly_amount) == "935.00"
    assert recs["孤老二"].extreme_poverty.care_mode == "集中供养" and recs["孤老一"].type == "特困"


def test_value_readers_for_township_forms():
    from archive.roster import values as V

    assert V.village("山西省临汾市汾西县城关镇东关村委会") == "东关村"
    assert V.village("新城街道办事处幸福社区") == "幸福社区" and V.village("镇北村") == "镇北村"
    assert V.village("乡宁县城关镇镇北村") == "镇北村"
    assert V.household_type("农村低保（A类）", exact=True) == "农村低保"
    assert V.household_type("城镇低保户", exact=True) == "城市低保"
    assert V.household_type("低保", exact=True) is None and V.household_type("城乡低保") is None
    assert V.household_type("河西乡低保对象名册（城市）") == "城市低保"
    assert V.is_grade("B类") and V.is_grade("二档") and not V.is_grade("农村低保")
    assert V.date(2021.05)[0].isoformat() == "2021-05-01" and V.date(2021.1)[0] is None
    assert "只有年份" in V.date(2021)[1][0]
    assert V.year_month_choices(1990.1) == ((1990, 1), (1990, 10))
    assert json.dumps(V.date(45000)[0].isoformat()) == '"2023-03-15"'


def test_note_rows_with_any_colon_form_are_not_people():
    """A signature line is a note whatever colon the clerk typed (：, the small form ﹕ from some input
    methods, ASCII :), since V.compact folds them all; a name cell without one is a person."""
    from archive.roster.layout import _is_note

    for colon in ("：", "﹕", ":", "︓"):
        # the signature line spread over the name column too (merged cells read back into each)
        assert _is_note([f"填表人{colon}李四", f"审核人{colon}王五", ""], name_cols=[1], id_cols=[2]), colon
    assert not _is_note(["1", "王五", "430621198001010015"], name_cols=[1], id_cols=[2])


def test_care_rosters_name_their_people_供养对象():
    """特困 rosters head the name column 供养对象 (救助对象 in 临时救助-style sheets): read as 姓名,
    not a missing required column."""
    from archive.roster.columns import SYNONYMS, norm_header

    for header in ("供养对象", "供养对象姓名", "救助对象", "救助对象姓名"):
        assert SYNONYMS[norm_header(header)] == "name", header
