"""Build templates/docx/*.docx, one Word template per appendix form of the seeds.

Run:  .venv/bin/python tools/make_templates.py   (the output is committed)

Wording is quoted from the seeds (/work/shared/seeds): 002 附件1–12 (汾西), 000 附件1–2 (鄂州),
001 (岳阳县, rebuilt in simplified Chinese; "¨" of the traditional copy was a checkbox □).
Tags are docxtpl/Jinja: {{ applicant.name|fill(6) }}, {%tr for m in members|rows(5) %}.
The filters (archive/forms/render.py) give the paper look in blank mode: fill(n) leaves n
spaces to write in, box prints □ (☑ when true), tick prints √ or a space, mark prints
nothing when blank, ymd prints "年 月 日", rows(n) keeps n rows for handwriting.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docxkit import FANG, TITLE, C, Doc, R, tag_row  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "templates" / "docx"

FENXI_SUB = "（工作人员填写）"
APPLICANT_SUB = "（申请人填写）"


def endfor() -> R:
    return tag_row("{%tr endfor %}")


def loop(expr: str) -> R:
    return tag_row("{%tr for " + expr + " %}")


# ------------------------------------------------------------------ 汾西 (002)

def fenxi_01() -> Doc:
    d = Doc(margins=(25, 25, 25, 25), font=FANG, size=16)
    d.title("社会救助申请书", size=22, after=0)
    d.p("^^" + APPLICANT_SUB, size=14, font=FANG, after=18)
    body = dict(size=16, font=FANG, line=30, indent_chars=2)
    d.p("本人姓名⟦{{ applicant.name|fill(6) }}⟧，性别⟦{{ applicant.sex|fill(3) }}⟧，身份证号⟦{{ applicant.id_number|fill(18) }}⟧，"
        "家庭成员⟦{{ hh.family_size|fill(4) }}⟧人。现以（{{ ev.scope_family|mark }}家庭  /  {{ ev.scope_personal|mark }}个人）名义申请"
        "（{{ ev.p_urban|mark }}城市最低生活保障/{{ ev.p_rural|mark }}农村最低生活保障/{{ ev.p_tekun|mark }}特困人员供养）救助。", **body)
    d.p("申请理由：", size=16, font=FANG, line=30, indent_chars=2, before=6)
    d.table([R([C("{{ ev.reason }}", align="left", valign="top", indent_chars=2)], h=120)],
            borders=False, size=16, font=FANG, line=30)
    d.p(">>本人姓名（按指纹）：　　　　　　　　", size=16, font=FANG, line=30, before=12)
    d.p(">>{{ ev.date|ymd }}　　", size=16, font=FANG, line=30, before=6)
    return d


def fenxi_02() -> Doc:
    d = Doc(margins=(22, 22, 22, 22), font=FANG, size=14)
    d.title("申请社会救助家庭经济状况调查核对授权书", size=20, after=0)
    d.p("^^" + APPLICANT_SUB, size=14, font=FANG, after=12)
    body = dict(size=14, font=FANG, line=26, indent_chars=2)
    d.p("本人⟦{{ applicant.name|fill(6) }}⟧，性别⟦{{ applicant.sex|fill(3) }}⟧，身份证号码⟦{{ applicant.id_number|fill(18) }}⟧，"
        "家庭成员⟦{{ hh.family_size|fill(3) }}⟧人，现申请（{{ ev.p_urban|mark }}城市最低生活保障/{{ ev.p_rural|mark }}农村最低生活保障/"
        "{{ ev.p_tekun|mark }}特困人员供养）救助。", **body)
    d.p("本人及共同生活的其他家庭成员授权、委托最低生活保障审核、审批机关及其指定的收入核对机构对本家庭成员（含法定赡、抚、扶养关系成员）"
        "的收入和家庭财产情况的相关信息进行核对，包括但不限于入户调查和到公安、人社、住建、交通、市场监管、税务、自然资源、公积金中心、银行、"
        "保险、证券等部门、机构进行核查和信息比对。授权有效期从本人提出申请之日起至终止社会救助之日止。", **body)
    d.p("本人及其他共同生活家庭成员保证，所提供的全部信息真实、完整，愿意接受有关部门调查。如虚报、隐瞒、伪造申请材料，骗取最低生活保障金，"
        "在家庭人口、收入和财产发生变化，已明显不符合最低生活保障条件时，30天内未向乡镇人民政府（街道办事处）主动报告，本人及其他共同生活"
        "家庭成员愿意接受所领取金额1-3倍以内的罚款，并自愿接受纳入信用信息共享平台实施联合惩戒等措施，自愿承担相应法律责任。", **body)
    d.p("申请人及共同生活家庭成员签名（按指纹）:", size=14, font=FANG, line=26, indent_chars=2, before=6)
    d.table([R([C("", valign="top")], h=45)], borders=False, size=14, font=FANG)
    d.p(">>时间：{{ ev.date|ymd }}　　", size=14, font=FANG, line=26)
    d.p("注:有民事行为能力的家庭成员应当由本人签名或者按捺指纹，无民事行为能力的家庭成员应当由监护人签名或者按捺指纹，"
        "无书写能力的家庭成员应当采取按捺指纹的方式。", size=12, font=FANG, line=20, before=12)
    return d


PERSON_HEAD = ["姓名", "年龄", "性别", "与申请人关系", "婚姻状况", "健康状况（残疾类别、等级）", "职业状况"]


def fenxi_03() -> Doc:
    d = Doc(margins=(15, 15, 15, 15), size=9)
    W = d.width  # 180
    d.title("救助申请家庭经济状况信息表", size=18, after=0)
    d.p("^^" + APPLICANT_SUB, size=12, font=FANG, after=6)
    lw = 16  # label column
    pw = [13, 8, 8, 14, 11, 19, 15]  # person columns (sum 88)
    rows = [
        R([C("申请人姓名", 18), C("{{ applicant.name }}", 20), C("共同生活家庭成员", 20), C("{{ hh.family_size }}人", 14, align="right"),
           C("家庭月\n（年收入）", 16), C("{{ hh.income_text }}元", 26, align="right"), C("家庭主要支出", 18), C("{{ ev.main_expenses }}")], h=11),
        R([C("现家庭住址", 18), C("{{ hh.residence }}", 70, align="left"), C("家庭成员近亲属中有无最低生活保障经办人员或村干部", 50),
           C("{{ hh.official_relative }}")], h=11),
        R([C("家庭财产状况", lw, rs=10), C("银行存款", 19), C("{{ hh.deposits }}元", 30, align="right"), C("有价证券", 19),
           C("{{ hh.securities }}元", 30, align="right"), C("债权", 19), C("{{ hh.claims }}元", align="right")], h=7),
        R([C("房产", 15, rs=4), C("房屋地址", 50), C("建筑面积", 20), C("房屋性质", 25), C("房屋来源", 25), C("购（建）房时间")], h=7),
        loop("h in houses|rows(2)"),
        R([C("{{ h.address }}", 50, align="left"), C("{{ h.area }}", 20), C("{{ h.nature }}", 25), C("{{ h.source }}", 25),
           C("{{ h.acquired }}")], h=7),
        endfor(),
        R([C("机动车（船）", 15, rs=4), C("车（船）主姓名", 24), C("车（船）型", 24), C("车（船）牌号", 24), C("排气量", 20),
           C("购买时间", 28), C("购买金额")], h=7),
        loop("v in vehicles|rows(1)"),
        R([C("{{ v.owner }}", 24), C("{{ v.model }}", 24), C("{{ v.plate }}", 24), C("{{ v.displacement }}", 20),
           C("{{ v.purchased }}", 28), C("{{ v.price }}")], h=7),
        endfor(),
        R([C("其他财产", 15), C("{{ hh.other_property }}", align="left")], h=8),
    ]
    id_w = W - lw - sum(pw) - 32
    rows += [
        R([C("共同生活的家庭成员情况", lw, rs=4)] + [C(t, w) for t, w in zip(PERSON_HEAD, pw)] + [C("月/年收入", 32), C("身份证号码")], h=10),
        loop("m in members|rows(5)"),
        R([C("{{ m.name }}", pw[0]), C("{{ m.age }}", pw[1]), C("{{ m.sex }}", pw[2]), C("{{ m.relation }}", pw[3]),
           C("{{ m.marital }}", pw[4]), C("{{ m.health }}", pw[5]), C("{{ m.occupation }}", pw[6]), C("{{ m.income }}", 32),
           C("{{ m.id_number }}")], h=7),
        endfor(),
        R([C("赡（抚、扶）养人信息", lw, rs=4)] + [C(t, w) for t, w in zip(PERSON_HEAD, pw)] + [C("月/年收入", 16), C("年赡（抚、扶）养费", 16),
                                                                                 C("身份证号码")], h=10),
        loop("o in obligors|rows(5)"),
        R([C("{{ o.name }}", pw[0]), C("{{ o.age }}", pw[1]), C("{{ o.sex }}", pw[2]), C("{{ o.relation }}", pw[3]),
           C("{{ o.marital }}", pw[4]), C("{{ o.health }}", pw[5]), C("{{ o.occupation }}", pw[6]), C("{{ o.income }}", 16),
           C("{{ o.support }}", 16), C("{{ o.id_number }}")], h=7),
        endfor(),
    ]
    assert id_w >= 30, id_w
    d.table(rows, size=9)
    d.p("填报说明：（1）房屋性质：自有私房、租用公房、租用私房、临时搭建房、借住房等。（2）近亲属的范围按《临汾市社会救助经办人员和村（居）"
        "民委员会工作人员及其近亲属享受社会救助备案工作办法（试行）》（临市民发〔2014〕26号）第二条执行。（3）有价证券：包括股票、债券及基金"
        "证券、可转换证券等衍生品种。（4）房屋来源：自购房、自建房、回迁房、承租公房（本家庭无产权房及承租公房的不填此项）。（5）建筑面积："
        "按房屋产权证填报。（6）其他财产：根据实际情况填写。", size=9, line=13, before=4)
    return d


INCOME_ROWS = [("工资性收入", "wage"), ("经营净收入", "business"), ("财产净收入", "property"), ("转移净收入", "transfer"),
               ("其他收入项目", "other")]


def _investigation(d: Doc, *, again: bool) -> None:
    W = d.width
    d.p("⟦{{ loc.town|fill(8) }}⟧乡镇（街道）⟦{{ hh.village|fill(8) }}⟧村（社区）", size=12, before=4)
    d.p(("再次调查时间：" if again else "调查时间：") + "{{ ev.date|ymd }}", size=12, after=4)
    ow = [20, 38, 24]
    rows = [
        R([C("申请人\n姓名", 22), C("{{ applicant.name }}", 50), C("家庭\n人口数" if again else "家庭人口数", 30),
           C("{{ hh.family_size }}")], h=10),
        R([C("户籍地", 22), C("{{ hh.registered }}", 50, align="left"), C("常住地", 30), C("{{ hh.residence }}", align="left")], h=10),
        R([C("共同生活家庭成员收入情况（填写详细收入情况）", bold=True)], h=7),
    ]
    for i, (label, key) in enumerate(INCOME_ROWS):
        first = [C("家庭净收入", 22, rs=5)] if i == 0 else []
        rows.append(R(first + [C(label, 28), C("{{ calc.%s_text }}" % key, align="left")], h=8))
    rows += [
        R([C("法定赡抚养人收入情况（填写收入数额，单位：元/月）", bold=True)], h=7),
        R([C("姓名", ow[0], rs=2), C("身份证号", ow[1], rs=2), C("与申请人关系", ow[2], rs=2), C("收入类型")], h=6),
        R([C(t, (W - sum(ow)) / 5 if i < 4 else None, size=8.5) for i, t in
           enumerate(["工资性收入", "经营净收入", "财产净收入", "转移净收入", "其他收入项目"])], h=8),
        loop("o in obligors|rows(4)"),
        R([C("{{ o.name }}", ow[0]), C("{{ o.id_number }}", ow[1]), C("{{ o.relation }}", ow[2])]
          + [C("{{ o.%s }}" % k, (W - sum(ow)) / 5 if i < 4 else None) for i, k in
             enumerate(["wage_m", "business_m", "property_m", "transfer_m", "other_m"])], h=7),
        endfor(),
    ]
    if again:
        rows += [
            R([C("被举报内容", 30), C("{{ ev.reported_content }}", align="left")], h=18),
            R([C("针对上述内容调查结果", 30), C("是否属实：   是{{ ev.confirmed|box }}     否{{ ev.not_confirmed|box }}\n说明情况：{{ ev.explanation }}",
                                              align="left", valign="top")], h=26),
            R([C("以上情况填写属实：\n\n>>被调查家庭成员代表签名：　　　　　　　　　　", align="left", valign="top")], h=16),
            R([C("入户调查人员签名（两人以上）：\n\n>>{{ ev.date|ymd }}　　", align="left", valign="top")], h=16),
            R([C("综合便民服务中心初审意见：{{ ev.preliminary_opinion }}\n>>（盖章）　　　　　　\n>>{{ ev.opinion_date|ymd }}　　",
                 align="left", valign="top")], h=24),
        ]
    else:
        rows += [
            R([C("家庭综合困难情况", 30), C("{{ ev.difficulty }}", align="left")], h=18),
            R([C("是否与申请材料一致：是{{ ev.consistent|box }}  否{{ ev.inconsistent|box }}\n说明情况：{{ ev.explanation }}",
                 align="left", valign="top")], h=22),
            R([C("以上入户调查填写情况属实：\n\n>>被调查家庭成员代表签名：　　　　　　　　　　", align="left", valign="top")], h=16),
            R([C("入户调查人员签名（两人以上）：", align="left", valign="top")], h=14),
            R([C("综合便民服务中心初审意见：{{ ev.preliminary_opinion }}\n>>（盖章）　　　　　　\n>>{{ ev.opinion_date|ymd }}　　",
                 align="left", valign="top")], h=24),
        ]
    d.table(rows, size=10)


def fenxi_04() -> Doc:
    d = Doc(margins=(18, 18, 15, 18), size=10)
    d.title("入户调查表", size=18, after=0)
    d.p("^^" + FENXI_SUB, size=12, font=FANG)
    _investigation(d, again=False)
    d.p("填表说明：", size=9, before=4, line=13)
    d.p("1.共同生活家庭成员及法定赡抚养人的收入情况，按照临汾市《最低生活保障对象审核确认办法》中第十八条规定执行；", size=9, line=13)
    d.p("2.家庭困难综合情况填写造成家庭经济困难的主要原因。", size=9, line=13)
    return d


def fenxi_05() -> Doc:
    d = Doc(margins=(20, 18, 18, 18), size=10.5)
    d.title("村（社区）两委干部和低保经办人员", size=18, after=0)
    d.title("近亲属申请（享受）低保待遇备案表", size=18, after=0, outline=False)
    d.p("^^" + FENXI_SUB, size=12, font=FANG, after=6)
    c = [22, 23, 16, 20, 18, 22, 26]
    rows = [
        R([C("基层干部及经办人姓名", c[0]), C("{{ rel.official_name }}", c[1]), C("单位", c[2]), C("{{ rel.unit }}", c[3]),
           C("职务", c[4]), C("{{ rel.post }}", c[5]), C("与享受人\n关系", c[6]), C("{{ rel.relation }}")], h=13),
        R([C("正在申请户主姓名", c[0]), C("{{ rel.applying_head }}", c[1]), C("保障\n人口", c[2], rs=2), C("{{ hh.covered_count }}", c[3], rs=2),
           C("享受类别", c[4], rs=2), C("{{ hh.type }}", c[5], rs=2), C("月享受\n金额", c[6], rs=2), C("{{ rel.monthly_amount }}元", rs=2, align="right")], h=11),
        R([C("已享受\n户主姓名", c[0]), C("{{ rel.enjoying_head }}", c[1])], h=11),
        R([C("低保\n类型", c[0], rs=2), C("城市（{{ hh.is_urban|tick }}）", c[1]), C("家庭\n人口", c[2], rs=2), C("{{ hh.family_size }}", c[3], rs=2),
           C("家庭年（月）\n总收入", c[4], rs=2), C("{{ calc.total_income }}元", c[5], rs=2, align="right"), C("家庭人均年（月）收入", c[6], rs=2),
           C("{{ calc.per_capita_annual }}元", rs=2, align="right")], h=8),
        R([C("农村（{{ hh.is_rural|tick }}）", c[1])], h=8),
        R([C("家庭\n住址", c[0]), C("⟦{{ loc.town|fill(8) }}⟧乡镇（街道）⟦{{ hh.village|fill(8) }}⟧村（社区）", align="left")], h=12),
        R([C("申请\n理由", c[0]), C("{{ ev.reason }}", align="left", valign="top")], h=32),
        R([C("担保人\n承诺\n意见", c[0]), C(
            "我与⟦{{ applicant.name|fill(5) }}⟧系⟦{{ rel.relation|fill(4) }}⟧关系，我承诺⟦{{ applicant.name|fill(5) }}⟧所提供的家庭收入及财产状况属实，"
            "符合最低生活保障条件，本人愿承担党纪、政纪及法律责任为其担保。\n\n>>担保承诺人签名：　　　　　　　　　　\n>>{{ rel.filed_date|ymd }}　　",
            align="left", valign="top", indent_chars=2)], h=48),
        R([C("县级\n调查\n核实\n意见", c[0]), C("{{ rel.county_check }}\n\n\n>>调查人签名：　　　　　　　　　　\n>>{{ rel.check_date|ymd }}　　",
                                            align="left", valign="top")], h=48),
    ]
    d.table(rows)
    d.p("近亲属的范围按《临汾市社会救助经办人员和村（居）民委员会工作人员及其近亲属享受社会救助备案工作办法（试行）》（临市民发〔2014〕26号）"
        "第二条执行。", size=10, before=4, line=16)
    return d


def fenxi_06() -> Doc:
    d = Doc(margins=(25, 25, 25, 25), font=FANG, size=16)
    d.title("申请不予批准告知书", size=22, after=0)
    d.p("^^" + FENXI_SUB, size=14, font=FANG, after=18)
    b = dict(size=16, font=FANG, line=30)
    d.p("⟦{{ hh.village|fill(6) }}⟧村（社区）⟦{{ applicant.name|fill(6) }}⟧同志：", **b)
    d.p("您于{{ ev.app_date|ymd }}提交申请，经调查核实，根据《社会救助暂行办法》等文件规定，您{{ ev.scope_family|mark }}家庭 / "
        "{{ ev.scope_personal|mark }}本人  因", indent_chars=2, **b)
    d.p("{{ ev.income_exceeds|box }}共同生活的家庭成员人均收入为⟦{{ ev.per_capita_income|fill(6) }}⟧元/月（年），超过本县（市、区）"
        "最低生活保障标准⟦{{ ev.standard|fill(6) }}⟧元/月（年）；", indent_chars=2, **b)
    d.p("{{ ev.property_mismatch|box }}家庭财产状况不符合相关财产状况规定，具体表现为：⟦{{ ev.property_detail|fill(16) }}⟧", indent_chars=2, **b)
    d.p("不符合条件，不予确认。", indent_chars=2, **b)
    d.p("若不服本告知书，可自收到本告知书之日起15日内向本单位提出复查申请。", indent_chars=2, **b)
    d.p("受送达人：", before=24, **b)
    d.p(">>{{ loc.town }}综合便民服务中心（盖章）", before=24, **b)
    d.p(">>{{ ev.date|ymd }}　　", **b)
    d.p("（本决定书一式两份，综合便民服务中心、受送达人各一份）", before=36, size=14, font=FANG, line=26)
    return d


def fenxi_07() -> Doc:
    d = Doc(margins=(20, 18, 18, 18), size=11)
    d.title("最低生活保障对象审核公示单", size=20, after=0)
    d.p("^^" + FENXI_SUB, size=12, font=FANG, after=8)
    b = dict(size=14, font=FANG, line=24)
    d.p("⟦{{ loc.village|fill(8) }}⟧村（社区）：", **b)
    d.p("下列家庭申请最低生活保障，现将通过审核的家庭予以公示，接受社会监督，如有异议，请提供事实依据向我处反映。", indent_chars=2, **b)
    d.p("公示时间：{{ pub.start|ymd }}至{{ pub.end|ymd }}（{{ cfg.review_days }}天）", indent_chars=2, **b)
    d.p("举报电话：{{ cfg.hotline }}", indent_chars=2, **b)
    d.p(">>{{ loc.town }}综合便民服务中心（盖章）", before=8, **b)
    d.p(">>{{ pub.start|ymd }}　　", after=8, **b)
    w = [14, 40, 26, 30, 18, 20]
    rows = [R([C("序号", w[0]), C("保障对象姓名", w[1]), C("申请人姓名", w[2]), C("家庭所在村（社区）", w[3]), C("家庭人口数", w[4]),
               C("拟保障人口数", w[5]), C("家庭成员\n人均收入（元/月）")], h=14, header=True),
            loop("r in rows|rows(7)"),
            R([C("{{ r.no }}", w[0]), C("{{ r.names }}", w[1]), C("{{ r.applicant }}", w[2]), C("{{ r.village }}", w[3]),
               C("{{ r.family_size }}", w[4]), C("{{ r.covered_count }}", w[5]), C("{{ r.per_capita }}")], h=10),
            endfor()]
    d.table(rows, size=11)
    d.p("注：由乡镇（街道）综合便民服务中心在申请人所在村（社区）设置的公开栏公示。", size=11, before=6)
    return d


def fenxi_08() -> Doc:
    d = Doc(margins=(15, 18, 12, 18), size=10)
    d.title("再次调查表", size=18, after=0)
    d.p("^^" + FENXI_SUB, size=12, font=FANG)
    _investigation(d, again=True)
    return d


def fenxi_09() -> Doc:
    d = Doc(margins=(12, 14, 10, 14), size=8.5)
    d.title("最低生活保障审核确认表", size=16, after=0)
    d.p("^^" + FENXI_SUB, size=11, font=FANG, after=2)
    lw = 16
    pw = [13, 8, 8, 14, 11, 19, 15]
    photo = 24
    rows = [
        R([C("申请人姓名", lw + pw[0]), C("{{ applicant.name }}", 22), C("性别", 12), C("{{ applicant.sex }}", 12), C("民族", 12),
           C("{{ applicant.ethnicity }}", 16), C("家庭人口数", 22), C("{{ hh.family_size }}", 33), C("照片", rs=3)], h=9),
        R([C("户籍地址", lw + pw[0]), C("{{ hh.registered }}", 46, align="left"), C("出生年月", 22), C("{{ applicant.birth|ym }}", 61)], h=9),
        R([C("居住地址", lw + pw[0]), C("{{ hh.residence }}", 129, align="left")], h=9),
    ]
    W = d.width  # 182
    assert abs(lw + pw[0] + 129 + photo - W) < 0.01, W
    rows += [
        R([C("保障类别", lw + pw[0]), C("城市低保{{ hh.is_urban|box }}农村低保{{ hh.is_rural|box }}", 65), C("所在单位", 28),
           C("{{ applicant.employer }}")], h=9),
        R([C("共同生活家庭成员", lw, rs=4)] + [C(t, w) for t, w in zip(PERSON_HEAD, pw)] + [C("月/年收入", 26), C("身份证号码")], h=9),
        loop("m in members|rows(5)"),
        R([C("{{ m.name }}", pw[0]), C("{{ m.age }}", pw[1]), C("{{ m.sex }}", pw[2]), C("{{ m.relation }}", pw[3]),
           C("{{ m.marital }}", pw[4]), C("{{ m.health }}", pw[5]), C("{{ m.occupation }}", pw[6]), C("{{ m.income }}", 26),
           C("{{ m.id_number }}")], h=6.5),
        endfor(),
        R([C("非共同生活赡抚扶养人信息", lw, rs=4), C("姓名", pw[0]), C("年赡（抚、扶）养费", 16), C("性别", 8),
           C("与申请人关系", 13), C("婚姻状况", 11), C("健康状况（残疾类别、等级）", 19), C("职业状况", 16), C("月/年收入", 24),
           C("身份证号码")], h=9),
        loop("o in obligors|rows(3)"),
        R([C("{{ o.name }}", pw[0]), C("{{ o.support }}", 16), C("{{ o.sex }}", 8), C("{{ o.relation }}", 13),
           C("{{ o.marital }}", 11), C("{{ o.health }}", 19), C("{{ o.occupation }}", 16), C("{{ o.income }}", 24),
           C("{{ o.id_number }}")], h=6.5),
        endfor(),
        R([C("家庭经济状况", lw + pw[0]), C("{{ ev.economic_summary }}", align="left")], h=14),
        R([C("是否为最低生活保障经办人员或村干部近亲属", lw + pw[0] + 20), C("{{ hh.official_relative_yn }}", align="left")], h=9),
        R([C("乡镇（街道）综合便民服务中心审核意见", lw + pw[0], rs=2), C(
            "经审核、公示：⟦{{ hh.village|fill(6) }}⟧村（社区）⟦{{ applicant.name|fill(4) }}⟧家庭⟦{{ ev.covered_count|fill(3) }}⟧人，"
            "拟同意纳入最低生活保障范围。\n建议人均补助金额⟦{{ ev.per_person|fill(5) }}⟧元/月（年），家庭补助金额⟦{{ ev.household_amount|fill(5) }}⟧"
            "元/月（年）。请乡镇人民政府（街道办事处）研究确认。\n>>盖  章　　　　\n>>{{ ev.review_date|ymd }}　　", align="left", valign="top",
            indent_chars=2)], h=30),
        R([C("经办人\n签名", 24), C("", 50), C("负责人\n签名", 24), C("")], h=10),
        R([C("乡镇人民政府（街道办事处）确认意见", lw + pw[0], rs=2), C(
            "{{ ev.approved|box }} 同意审核意见。从⟦{{ ev.start_year|fill(4) }}⟧年⟦{{ ev.start_month|fill(2) }}⟧月起执行上述救助标准。\n"
            "{{ ev.rejected|box }} 不同意审核确认意见。\n>>盖  章　　　　\n>>{{ ev.date|ymd }}　　", align="left", valign="top")], h=26),
        R([C("负责人签名", 24), C("")], h=10),
    ]
    d.table(rows, size=8.5)
    d.p("填报说明：", size=8.5, before=2, line=11)
    d.p("1.职业状况填写以下分类：（1）老年人（60周岁及以上）；（2）在职职工；（3）灵活就业人员；（4）登记失业人员；（5）未登记失业人员；"
        "（6）已成年但不能独立生活的子女，包括在校接受本科及其以下学历教育的成年子女；（7）其他人员（18周岁以下）。", size=8.5, line=11)
    d.p("2.家庭经济状况填写家庭收入、财产和支出等情况。", size=8.5, line=11)
    return d


def fenxi_10() -> Doc:
    d = Doc(margins=(20, 18, 18, 18), size=11)
    d.title("最低生活保障对象确认公示单", size=20, after=0)
    d.p("^^" + FENXI_SUB, size=12, font=FANG, after=10)
    d.p("经确认，以下家庭（个人）纳入最低生活保障范围，现进行公示。", size=14, font=FANG, line=24, indent_chars=2, after=8)
    w = [40, 34, 30, 30]
    rows = [R([C("家庭所在村（社区）", w[0]), C("申请人姓名", w[1]), C("保障人口数", w[2]), C("家庭人口数", w[3]), C("保障金额（元/月）")],
              h=12, header=True),
            loop("r in rows|rows(10)"),
            R([C("{{ r.village }}", w[0]), C("{{ r.applicant }}", w[1]), C("{{ r.covered_count }}", w[2]), C("{{ r.family_size }}", w[3]),
               C("{{ r.amount }}")], h=10),
            endfor()]
    d.table(rows, size=11)
    b = dict(size=14, font=FANG, line=24)
    d.p(">>{{ loc.town }}综合便民服务中心（盖章）", before=18, **b)
    d.p(">>{{ pub.start|ymd }}　　", **b)
    return d


def fenxi_11() -> Doc:
    d = Doc(margins=(20, 18, 18, 18), size=11)
    d.title("⟦{{ loc.town|fill(6) }}⟧乡镇（街道）⟦{{ pub.year|fill(4) }}⟧年⟦{{ pub.month|fill(2) }}⟧月", size=16, after=0, font=TITLE)
    d.title("在保对象汇总表", size=20, after=0, outline=False)
    d.p("^^" + FENXI_SUB, size=12, font=FANG, after=8)
    d.p("以下为本月份我辖区内城乡低保、特困供养人员。", size=14, font=FANG, line=24, indent_chars=2, after=6)
    w = [28, 22, 20, 24, 48]
    rows = [R([C("所在村\n（社区）", w[0]), C("申请人\n姓名", w[1]), C("保障人口数", w[2]), C("保障类型", w[3]), C("银行卡号", w[4]),
               C("保障金额（元/月）")], h=13, header=True),
            loop("r in rows|rows(7)"),
            R([C("{{ r.village }}", w[0]), C("{{ r.applicant }}", w[1]), C("{{ r.covered_count }}", w[2]), C("{{ r.type }}", w[3]),
               C("{{ r.card_number }}", w[4]), C("{{ r.amount }}")], h=10),
            endfor()]
    d.table(rows, size=11)
    b = dict(size=14, font=FANG, line=24)
    d.p(">>{{ loc.town }}综合便民服务中心（盖章）", before=18, **b)
    d.p(">>{{ pub.date|ymd }}　　", **b)
    return d


def fenxi_12() -> Doc:
    d = Doc(margins=(18, 18, 15, 18), size=11)
    d.title("社会救助对象定期核查记录表", size=18, after=0)
    d.p("^^" + FENXI_SUB, size=12, font=FANG, after=6)
    d.p("申请人姓名：{{ applicant.name }}", size=12, after=4)
    rows = [
        loop("c in checks|rows(4)"),
        R([C("入户时间", 26), C("{{ c.date|ymd }}", 50), C("调查人（2人以上）", 36), C("{{ c.investigators }}")], h=10),
        R([C("调查情况：{{ c.situation }}\n\n\n调查结论：{{ c.conclusion }}\n\n>>调查单位（盖章）　　　　　　", align="left", valign="top")], h=45),
        endfor(),
    ]
    d.table(rows, size=11)
    return d


# ------------------------------------------------------------------ 鄂州 (000)

AMOUNT_HEAD = ["保障金", "分类金", "兜底金", "其他", "合计"]


def ezhou_01() -> Doc:
    d = Doc(landscape=True, margins=(15, 15, 12, 15), size=9.5)
    W = d.width  # 267
    d.title("社会救助对象变更确认表", size=18, after=4)
    d.p("复查单位：⟦{{ loc.service_center|fill(12) }}⟧" + "　" * 30 + "对象编号：⟦{{ hh.case_no|fill(10) }}⟧", size=10.5, after=3)
    a = [22, 26, 20, 24]  # label, 户主姓名, 保障人口, 家庭月收入
    am = 18  # amount columns
    dw = 37  # 复查日期 column: room for a handwritten 年 月 日
    rest = W - sum(a) - 5 * am - dw
    rows = []
    for label, key in (("原享受\n情况", "before"), ("变更后\n享受情况", "after")):
        first = key == "before"
        rows += [
            R([C(label, a[0], rs=3), C("户主姓名", a[1], rs=2), C("保障\n人口", a[2], rs=2), C("家庭月\n收入", a[3], rs=2),
               C("享受金额", 5 * am)] + ([C("复查\n日期", dw, rs=3)] if first else [C("{{ ev.date|ymd }}", dw, rs=3)])
              + [C("", rest, rs=3)], h=6),
            R([C(t, am) for t in AMOUNT_HEAD], h=6),
            R([C("{{ ch.%s.head }}" % key, a[1]), C("{{ ch.%s.covered_count }}" % key, a[2]), C("{{ ch.%s.monthly_income }}" % key, a[3])]
              + [C("{{ ch.%s.%s }}" % (key, k), am) for k in ("basic", "classified", "fallback", "other", "total")], h=8),
        ]
    hw = [24, 30, 22, 22, 18, 48, 48, 20]
    rows += [
        R([C(t, w) for t, w in zip(["对象类型", "所属社区（村）", "住房类别", "住房性质", "住房\n面积", "户籍地址", "常住地址", "是否建\n档立卡"], hw)]
          + [C("联系电\n话")], h=10),
        R([C("{{ %s }}" % k, w) for k, w in zip(["ch.after.type", "hh.village", "hh.housing_category", "hh.housing_nature",
                                                 "hh.housing_area", "hh.registered", "hh.residence", "hh.poverty_registered"], hw)]
          + [C("{{ hh.phone }}")], h=9),
    ]
    mw = [10, 22, 12, 22, 12, 20, 20, 18, 24, 46, 44]
    head = ["姓名", "性别", "与户主关\n系", "年龄", "身体\n状况", "文化\n程度", "婚姻\n状况", "人员\n类别", "工作学习单位", "身份证号码"]
    rows += [
        R([C("家\n庭\n成\n员\n及\n赡\n、\n扶\n、\n抚\n养\n义\n务\n人\n基\n本\n信\n息", mw[0], rs=4, line=10)]
          + [C(t, w) for t, w in zip(head, mw[1:])] + [C("是否保\n障人口")], h=10),
        loop("m in people|rows(8)"),
        R([C("{{ m.name }}", mw[1]), C("{{ m.sex }}", mw[2]), C("{{ m.relation }}", mw[3]), C("{{ m.age }}", mw[4]),
           C("{{ m.health }}", mw[5]), C("{{ m.education }}", mw[6]), C("{{ m.marital }}", mw[7]), C("{{ m.category }}", mw[8]),
           C("{{ m.employer }}", mw[9]), C("{{ m.id_number }}", mw[10]), C("{{ m.covered }}")], h=7),
        endfor(),
    ]
    d.table(rows, size=9.5)
    return d


def ezhou_02() -> Doc:
    d = Doc(landscape=True, margins=(12, 14, 10, 14), size=9)
    W = d.width  # 269
    d.title("鄂州市社会救助对象复查登记表", size=18, after=3)
    d.p("对象编号:⟦{{ hh.case_no|fill(10) }}⟧" + "　" * 30 + "限期保障到期日期：{{ hh.expiry|ymd }}", size=10, after=3)
    lw = 18
    rows = [
        R([C("复查前有\n关情况", lw, rs=3), C("户主姓名", 22, rs=2), C("家庭人口\n总人口", 22, rs=2), C("家庭\n月收\n入", 18, rs=2),
           C("享受金额", 72), C("复查日\n期", 20, rs=3), C("{{ ev.date|ymd }}", rs=3)], h=6),
        R([C(t, 18) for t in ["保障金", "分类金", "其它", "合计"]], h=6),
        R([C("{{ hh.head_name }}", 22), C("{{ hh.family_size }}", 22), C("{{ hh.monthly_income }}", 18)]
          + [C("{{ hh.%s }}" % k, 18) for k in ("basic", "classified", "other_amount", "amount")], h=8),
    ]
    six = [(lw, "保障\n对象类型"), (30, "{{ hh.type }}"), (22, "对象类别"), (40, "{{ hh.category }}"), (22, "跟踪项目"), (None, "{{ hh.tracking }}")]
    rows.append(R([C(t, w) for w, t in six], h=8))
    rows.append(R([C("保障期限", lw), C("{{ hh.term }}", 30), C("住房类别", 22), C("{{ hh.housing_category }}", 40), C("住房性质", 22),
                   C("{{ hh.housing_nature }}", 36), C("住房面积", 20), C("{{ hh.housing_area }}", 24), C("装修程\n度", 20),
                   C("{{ hh.housing_decoration }}")], h=8))
    rows.append(R([C("户籍性质", lw), C("{{ hh.hukou_type }}", 30), C("户籍地址", 22), C("{{ hh.registered }}", 62, align="left"),
                   C("常住地址", 20), C("{{ hh.residence }}", 68, align="left"), C("联系电\n话", 20), C("{{ hh.phone }}")], h=8))
    rows.append(R([C("家庭成员有关情况", bold=True)], h=6))
    mw = [17, 9, 16, 20, 14, 16, 14, 18, 16, 16, 16, 34]
    head = ["姓名", "性\n别", "与户主\n关系", "出生\n年月", "身体\n状况", "文化\n程度", "婚姻\n状况", "单位类别", "就业\n类别", "人员\n类别", "月收入",
            "工作学习单位"]
    rows += [
        R([C(t, w) for t, w in zip(head, mw)] + [C("身份证号码")], h=9),
        loop("m in members|rows(6)"),
        R([C("{{ m.%s }}" % k, w) for k, w in zip(["name", "sex", "relation", "birth_ym", "health", "education", "marital", "unit_type",
                                                    "occupation", "category", "income", "employer"], mw)] + [C("{{ m.id_number }}")], h=6.5),
        endfor(),
    ]
    rows += [
        R([C("复查情况\n及复查后\n意见", lw, rs=3), C("复查项目及原因", 30), C("{{ ev.review_items }}", align="left")], h=12),
        R([C("复查结\n论", 30), C(
            "{{ ev.c_keep|box }}维持原保障标准；{{ ev.c_increase|box }}增加保障金；{{ ev.c_decrease|box }}减少保障金；{{ ev.c_stop|box }}停发保障金；"
            "{{ ev.c_cancel|box }}取消保障资格；{{ ev.c_change|box }}保障变更；\n{{ ev.c_low_keep|box }}维持低收入家庭认定结论；"
            "{{ ev.c_low_cancel|box }}取消低收入家庭认定资格。", align="left")], h=12),
        R([C("家庭情\n况变化\n及动态\n管理说\n明", 30), C("{{ ev.situation }}\n\n>>（盖章）　　　　　　\n"
                                                     ">>负责人：　　　　　　复查人：　　　　　　{{ ev.date|ymd }}　　", align="left", valign="top")], h=28),
    ]
    d.table(rows, size=9)
    return d


# ------------------------------------------------------------------ 岳阳 (001, rebuilt in simplified Chinese)

def yueyang_01() -> Doc:
    d = Doc(margins=(12, 12, 10, 12), size=8.5)
    W = d.width  # 186
    d.title("岳阳县城乡最低生活保障对象年度审核登记表", size=16, after=2)
    d.p("⟦{{ loc.town|fill(8) }}⟧乡（镇）　⟦{{ hh.village|fill(8) }}⟧村" + "　" * 16 + "填表时间：{{ ev.date|ymd }}", size=10, after=2)
    lw = 10
    rows = [
        R([C("低\n保\n对\n象\n基\n本\n情\n况", lw, rs=4, line=11), C("户主姓名", 24), C("性别", 14), C("年龄", 14), C("户口性质", 22),
           C("享受低保原因", 56), C("享受低保时间")], h=7),
        R([C("{{ head.name }}", 24), C("{{ head.sex }}", 14), C("{{ head.age }}", 14), C("{{ hh.hukou_type }}", 22),
           C("{{ hh.reason }}", 56), C("{{ hh.since|ymd }}")], h=7),
        R([C("家庭地址", 74), C("身份证号码", 56), C("联系电话", 22), C("残疾类别等级")], h=7),
        R([C("{{ hh.residence }}", 74), C("{{ head.id_number }}", 56), C("{{ hh.phone }}", 22), C("{{ hh.disabilities }}")], h=7),
    ]
    hw = [24, 50, 18, 14, 14, 18, 20]
    rows += [
        R([C("家\n庭\n财\n产", lw, rs=4, line=11), C("拥有房产", hw[0]), C("坐落地址", hw[1]), C("建房时间", hw[2]), C("间数", hw[3]),
           C("层数", hw[4]), C("面积", hw[5]), C("结构", hw[6]), C("是否危房")], h=7),
        R([C("共⟦{{ hh.house_count|fill(2) }}⟧套", hw[0]), C("{{ hh.house_address }}", hw[1]), C("{{ hh.housing_built }}", hw[2]),
           C("{{ hh.housing_rooms }}", hw[3]), C("{{ hh.housing_floors }}", hw[4]), C("{{ hh.housing_area }}", hw[5]),
           C("{{ hh.housing_structure }}", hw[6]), C("{{ hh.housing_dangerous }}")], h=7),
        R([C("汽　车", 24), C("{{ hh.cars }}", 50), C("摩托车", 18), C("{{ hh.motorcycles }}", 28), C("家用电器", 18), C("{{ hh.appliances }}")], h=7),
        R([C("其　他", 24), C("{{ hh.other_property }}", align="left")], h=7),
        R([C("生活是否有所改善：是{{ ev.improved|box }} 否{{ ev.not_improved|box }}；家庭收入是否超出低保标准：是{{ ev.over|box }} "
             "否{{ ev.not_over|box }}；是否还需要低保救助：是{{ ev.needs|box }} 否{{ ev.not_needs|box }}", align="left")], h=8),
        R([C("上述情况由本人如实提供，如有虚报、隐瞒、伪造情况，本人愿承担一切责任，退回保障金并接受处领取金1-3倍罚款的处理。",
             align="left")], h=8),
    ]
    mw = [13, 12, 35, 11, 12]  # members side: 姓名 与申请人关系 身份证号码 身体状况 从业状况
    ow = [13, 12, 35, 12, 10]  # obligors side
    rows += [
        R([C("入\n户\n调\n查\n情\n况", lw, rs=5, line=11), C("享受低保共同生活家庭人员（共⟦{{ hh.family_size|fill(2) }}⟧人）", sum(mw)),
           C("分户应尽赡、抚、扶养义务人员状况（含配偶、子女）")], h=7),
        R([C(t, w) for t, w in zip(["姓　名", "与申请人关系", "身份证号码", "身体状况", "从业状况"], mw)]
          + [C(t, w) for t, w in zip(["姓　名", "与申请人关系", "身份证号码", "从业、就读状况", "身体状况"], ow)]
          + [C("有无赡、抚、扶养能力")], h=10),
        loop("p in pairs|rows(5)"),
        R([C("{{ p.m.%s }}" % k, w) for k, w in zip(["name", "relation", "id_number", "health", "occupation"], mw)]
          + [C("{{ p.o.%s }}" % k, w) for k, w in zip(["name", "relation", "id_number", "occupation", "health"], ow)]
          + [C("{{ p.o.able }}")], h=6.5),
        endfor(),
    ]
    rows += [
        R([C("收入情况", 24), C("{{ calc.summary }}\n该户生活状况是否有所改善：是{{ ev.improved|box }} 否{{ ev.not_improved|box }}；"
                               "人均收入是否超出低保标准：是{{ ev.over|box }} 否{{ ev.not_over|box }}", align="left")], h=12),
        R([C("其他", 24), C(
            "子女留学或义务教育阶段自费学校就读（{{ ev.f_school|tick }}）饲养高档观赏宠物（{{ ev.f_pets|tick }}）赌博、吸毒等违法行为，"
            "造成家庭生活困难（{{ ev.f_gamble|tick }}）有高档家用电器（{{ ev.f_appliance|tick }}）3个月及以上不按时领取低保金"
            "（{{ ev.f_unclaimed|tick }}）劳动能力就不就业（{{ ev.f_idle|tick }}）不如实申报家庭收入（{{ ev.f_income|tick }}）"
            "不提供资料（{{ ev.f_docs|tick }}）不配合入户调查（{{ ev.f_refuse|tick }}）。", align="left")], h=14),
        R([C("补充说明", 24), C("{{ ev.situation }}", align="left", valign="top")], h=16),
        R([C("村（居）委会调查意见", 24), C(
            "经调查核实，该户（符合{{ ev.qualifies|box }}、不符合{{ ev.not_qualifies|box }}）继续享受低保条件，建议该户"
            "（继续享受{{ ev.keep|box }}、取消{{ ev.cancel|box }}）低保待遇。\n{{ ev.village_opinion }}", align="left", valign="top")], h=16),
        R([C("乡（镇）民政办审核意见", 24), C(
            "经审核，该户⟦{{ ev.covered_count|fill(2) }}⟧人（符合{{ ev.qualifies|box }}、不符合{{ ev.not_qualifies|box }}）继续享受低保条件。"
            "\n{{ ev.town_opinion }}", align="left", valign="top")], h=16),
        R([C("此表格一式2份，村居、乡镇各1份上传，乡镇民政办负责上传社会救助信息管理平台。", align="left")], h=7),
    ]
    d.table(rows, size=8.5)
    return d


def yueyang_02() -> Doc:
    d = Doc(margins=(18, 16, 15, 16), size=10)
    W = d.width  # 178
    d.title("岳阳县特困人员年度审核表", size=18, after=2)
    d.p("⟦{{ loc.town|fill(8) }}⟧乡（镇）　⟦{{ hh.village|fill(8) }}⟧村" + "　" * 10 + "填表时间：{{ ev.date|ymd }}", size=11, after=3)
    lw = 18
    rows = [
        R([C("对象基本情况", lw, rs=5), C("姓名", 22), C("{{ head.name }}", 28), C("性别", 16), C("{{ head.sex }}", 16), C("年龄", 16),
           C("{{ head.age }}", 18), C("户籍类别", 20), C("{{ hh.hukou_type }}")], h=9),
        R([C("身份证号", 22), C("{{ head.id_number }}", 60), C("联系电话", 34), C("{{ hh.phone }}")], h=9),
        R([C("享受特困时间", 22), C("{{ tk.since|ymd }}", 28), C("基本生活费", 32), C("{{ tk.basic_living_fee }}", 34), C("照料护理费", 20),
           C("{{ tk.care_fee }}")], h=9),
        R([C("家庭住址", 22), C("{{ hh.residence }}", 60, align="left"), C("户籍地址", 34), C("{{ hh.registered }}", align="left")], h=9),
        R([C("残疾类型、等级", 22), C("{{ head.disability }}", 28), C("当前生活\n自理能力", 32),
           C("全自理（{{ tk.full|tick }}）半护理（{{ tk.half|tick }}）全护理（{{ tk.total|tick }}）", align="left")], h=10),
    ]
    ow = [20, 24, 14, 42, 16, 24]
    rows += [
        R([C("法定赡、抚、扶养人基本情况", lw, rs=4), C("姓　名", ow[0]), C("与特困保障对象关系", ow[1]), C("年龄", ow[2]), C("身份证号码", ow[3]),
           C("是否成年", ow[4]), C("是否残疾\n（等级类别）", ow[5]), C("困难类型（低保、特困、低边、监测户）")], h=13),
        loop("o in obligors|rows(3)"),
        R([C("{{ o.%s }}" % k, w) for k, w in zip(["name", "relation", "age", "id_number", "adult", "disabled"], ow)]
          + [C("{{ o.hardship_type }}")], h=8),
        endfor(),
        R([C("入户调查情况", lw), C("{{ ev.situation }}", align="left", valign="top")], h=40),
        R([C("村（居）委会意见", lw), C(
            "经调查核实，该户（符合{{ ev.qualifies|box }}、不符合{{ ev.not_qualifies|box }}）继续享受特困供养人员条件，建议该户"
            "（继续享受{{ ev.keep|box }}、取消{{ ev.cancel|box }}）特困供养。{{ ev.village_opinion }}\n>>（盖章）　　　　　　\n"
            ">>负责人签名：　　　　　　　　{{ ev.date|ymd }}　　", align="left", valign="top", indent_chars=2)], h=38),
        R([C("乡（镇）意见", lw), C(
            "经审核，该户（符合{{ ev.qualifies|box }}、不符合{{ ev.not_qualifies|box }}）继续享受特困供养人员条件。{{ ev.town_opinion }}\n"
            ">>（盖章）　　　　　　\n>>负责人签名：　　　　　　　　　　　　　　　　", align="left", valign="top", indent_chars=2)], h=34),
        R([C("备注", lw), C("此表格一式2份，村居、乡镇各1份上传，乡镇民政办负责上传社会救助信息管理平台。", align="left")], h=12),
    ]
    d.table(rows, size=10)
    return d


def yueyang_03() -> Doc:
    d = Doc(margins=(10, 14, 8, 14), size=8.5)
    W = d.width  # 182
    d.title("岳阳县低保（低保边缘）家庭收入计算评估表", size=15, after=1)
    d.p("⟦{{ loc.town|fill(6) }}⟧乡镇（办事处）⟦{{ hh.village|fill(6) }}⟧村（社区）⟦{{ hh.group|fill(3) }}⟧组" + "　" * 8
        + "{{ ev.date|ymd }}", size=9.5, after=1)
    lw = 26
    k = [44, 37, 37]  # item, col2, col3; col4 = rest
    h = 5.2
    rows = [
        R([C("户主姓名", lw), C("{{ head.name }}", k[0]), C("家庭人口", k[1]), C("{{ hh.family_size }}", k[2] / 2),
           C("劳动力人口", k[2] / 2), C("{{ hh.labor_count }}")], h=h),
        R([C("户籍性质", lw), C("{{ hh.hukou_type }}", k[0]), C("当年低保标准", k[1]), C("城市：{{ y3.standard_urban }}", k[2], align="left"),
           C("农村：{{ y3.standard_rural }}", align="left")], h=h),
        R([C("工资性收入（元）", lw, rs=11), C("劳动薪酬项目", k[0]), C("固定务工工资（元）", k[1]), C("打零工工资（元）", k[2]), C("小计")], h=h),
    ]
    for label, key in [("服务业", "service"), ("交通运输业", "transport"), ("建筑行业", "construction"), ("工厂、公司工作", "factory"),
                       ("打零工工资", "casual"), ("其他劳动报酬", "other")]:
        rows.append(R([C(label, k[0]), C("{{ y3.wage.%s.fixed }}" % key, k[1]), C("{{ y3.wage.%s.casual }}" % key, k[2]),
                       C("{{ y3.wage.%s.sub }}" % key)], h=h))
    rows += [loop("x in y3.wage_extra"),
             R([C("{{ x.item }}", k[0]), C("{{ x.fixed }}", k[1]), C("{{ x.casual }}", k[2]), C("{{ x.sub }}")], h=h),
             endfor(),
             R([C("合　计", k[0]), C("{{ y3.wage.total.fixed }}", k[1]), C("{{ y3.wage.total.casual }}", k[2]), C("{{ y3.wage.total.sub }}")], h=h)]
    rows.append(R([C("经营性净收入（元）", lw, rs=10), C("生产经营项目", k[0]), C("生产经营收入", k[1]), C("生产经营支出", k[2]), C("生产经营净收入")], h=h))
    for label, key in [("农业种植", "farming"), ("林业种植", "forestry"), ("养殖业", "breeding"), ("采集加工", "gathering"),
                       ("批发和零售贸易业", "trade")]:
        rows.append(R([C(label, k[0]), C("{{ y3.business.%s.gross }}" % key, k[1]), C("{{ y3.business.%s.cost }}" % key, k[2]),
                       C("{{ y3.business.%s.net }}" % key)], h=h))
    rows += [loop("x in y3.business_extra"),
             R([C("{{ x.item }}", k[0]), C("{{ x.gross }}", k[1]), C("{{ x.cost }}", k[2]), C("{{ x.net }}")], h=h),
             endfor(),
             R([C("合　计", k[0]), C("{{ y3.business.total.gross }}", k[1]), C("{{ y3.business.total.cost }}", k[2]),
                C("{{ y3.business.total.net }}")], h=h)]
    pair = lambda a, ka, b, kb: R([C(a, k[0]), C("{{ y3.%s }}" % ka, k[1]), C(b, k[2]), C("{{ y3.%s }}" % kb)], h=h)  # noqa: E731
    rows += [
        R([C("转移性收入（元）", lw, rs=11), C("项目", k[0]), C("金额", k[1]), C("项目", k[2]), C("金额")], h=h),
        pair("惠农政策补贴", "transfer.subsidy", "生态林补助", "transfer.eco"),
        pair("移民补助", "transfer.migrant", "离退休养老保险金（不含基础养老金）", "transfer.pension"),
        pair("失业保险金", "transfer.unemployment", "一次性赔偿收入", "transfer.compensation"),
        pair("遗属补助金", "transfer.survivor", "其他收入", "transfer.other"),
        R([C("赡（抚、扶）养收入")], h=h),
        R([C("赡养人姓名", k[0]), C("与户主关系", k[1]), C("赡养费金额（元/年）", k[2]), C("备注")], h=h),
        loop("s in y3.support|rows(2)"),
        R([C("{{ s.name }}", k[0]), C("{{ s.relation }}", k[1]), C("{{ s.amount }}", k[2]), C("{{ s.note }}")], h=h),
        endfor(),
        R([C("合　计", k[0]), C("{{ y3.transfer.total }}")], h=h),
        R([C("财产性收入（元）", lw, rs=5), C("项目", k[0]), C("金额（元）", k[1]), C("项目", k[2]), C("金额（元）")], h=h),
        pair("土地分红收入", "property.dividend", "土地流转收入", "property.land_transfer"),
        pair("房屋、门面出租收入", "property.rent", "集体财产分红", "property.collective"),
        pair("征地拆迁安置补偿收入", "property.expropriation", "其他收入（如银行利息收入等）", "property.other"),
        R([C("合　计", k[0]), C("{{ y3.property.total }}")], h=h),
        R([C("总收入合计（元）", lw), C("{{ y3.total_income }}", k[0]), C("家庭人均纯收入（元）", k[1]), C("{{ y3.per_capita_annual }}")], h=h),
        R([C("支出困难型家庭可抵扣固定性支出折算（元）", lw, rs=4), C("可认定的重病支出。证明材料：诊断证明、医保报销结算单、发票", k[0] + k[1], align="left"),
           C("最高不超过5万元。", k[2], align="left"), C("{{ y3.medical }}")], h=h * 1.6),
        R([C("可认定的教育支出。证明材料：学籍证明、学费缴纳和支出证明", k[0] + k[1], align="left"),
           C("每人按实际支出核减，最高不超过8000元\\年。", k[2], align="left"), C("{{ y3.education }}")], h=h * 1.6),
        R([C("可认定的就业支出。证明材料：当年就业培训证明、租房合同和收据", k[0] + k[1], align="left"),
           C("可适当扣减家庭收入5%—10%。", k[2], align="left"), C("{{ y3.employment }}")], h=h * 1.6),
        R([C("家庭支出折算合计（元）", k[0] + k[1] + k[2]), C("{{ y3.deduction_total }}")], h=h),
        R([C("（家庭总收入-刚性支出）/家庭人数=家庭人均纯收入", lw + k[0] + k[1], align="left"),
           C("{{ y3.per_capita_annual }}　　符合：{{ y3.eligible|box }} 不符合{{ y3.ineligible|box }}", align="left")], h=h * 1.4),
        R([C("核定实际月人均补差=（低保保障线-（家庭总收入-刚性支出）/家庭人数）/12个月", lw + k[0] + k[1], align="left"),
           C("拟核定人均救助金额：⟦{{ y3.top_up|fill(5) }}⟧元/月\n家庭救助总额：⟦{{ y3.household_total|fill(5) }}⟧元/月", align="left")],
          h=h * 2),
        R([C("对象签字：", lw + k[0], align="left", valign="top"), C("计算评估人员签字：", k[1] + k[2] / 2, align="left", valign="top"),
           C("乡镇民政办负责人签字：", align="left", valign="top")], h=10),
    ]
    d.table(rows, size=8.5)
    d.p("说明：", size=8.5, before=2, line=11)
    d.p("1.家庭月人均收入=（家庭共同生活成员12个月内的工资性收入+经营净收入+财产净收入+转移净收入+县级民政部门认定的其他收入）"
        "÷共同生活的家庭人口数÷12个月-可以认定扣减的月收入。", size=8.5, line=11)
    d.p("2.核定因病、因学、就业刚性支出时必须附医院病历、发票收据、就学证明、租房证明等佐证材料。", size=8.5, line=11)
    return d


def yueyang_04() -> Doc:
    d = Doc(margins=(25, 20, 20, 20), size=12)
    d.title("⟦{{ sched.year|fill(4) }}⟧年⟦{{ loc.town|fill(6) }}⟧社会救助年审工作镇复核到村时间安排", size=16, after=12)
    w = [14, 34, 34]
    rows = [R([C("序号", w[0], bold=True), C("村名", w[1], bold=True), C("时间", w[2], bold=True), C("人员", bold=True)], h=11, header=True),
            loop("r in rows|rows(15)"),
            R([C("{{ r.no }}", w[0]), C("{{ r.village }}", w[1]), C("{{ r.time }}", w[2]), C("{{ r.people }}")], h=10),
            endfor()]
    d.table(rows, size=12)
    return d


FORMS = {
    "fenxi-01": fenxi_01, "fenxi-02": fenxi_02, "fenxi-03": fenxi_03, "fenxi-04": fenxi_04, "fenxi-05": fenxi_05,
    "fenxi-06": fenxi_06, "fenxi-07": fenxi_07, "fenxi-08": fenxi_08, "fenxi-09": fenxi_09, "fenxi-10": fenxi_10,
    "fenxi-11": fenxi_11, "fenxi-12": fenxi_12, "ezhou-01": ezhou_01, "ezhou-02": ezhou_02,
    "yueyang-01": yueyang_01, "yueyang-02": yueyang_02, "yueyang-03": yueyang_03, "yueyang-04": yueyang_04,
}


def main(argv: list[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = argv or list(FORMS)
    for form_id in wanted:
        doc = FORMS[form_id]()
        doc.end(OUT / f"{form_id}.docx")
        print(f"wrote {OUT / (form_id + '.docx')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
