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

from docxkit import FANG, TITLE, C, Doc, R, endfor, loop  # noqa: E402
from forms_ezhou_yueyang import ezhou_01, ezhou_02, yueyang_01, yueyang_02, yueyang_03, yueyang_04  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "templates" / "docx"

FENXI_SUB = "（工作人员填写）"
APPLICANT_SUB = "（申请人填写）"


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
    d.title("{{ prog.review_title }}", size=20, after=0)
    d.p("^^" + FENXI_SUB, size=12, font=FANG, after=8)
    b = dict(size=14, font=FANG, line=24)
    d.p("⟦{{ loc.village|fill(8) }}⟧村（社区）：", **b)
    d.p("下列家庭{{ prog.applied }}，现将通过审核的家庭予以公示，接受社会监督，如有异议，请提供事实依据向我处反映。", indent_chars=2, **b)
    d.p("公示时间：{{ pub.start|ymd }}至{{ pub.end|ymd }}（{{ pub.days or cfg.review_days }}天）", indent_chars=2, **b)
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
    d.title("{{ prog.decision_title }}", size=16, after=0)
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
        R([C("保障类别", lw + pw[0]), C("城市低保{{ hh.is_urban|box }}农村低保{{ hh.is_rural|box }}特困{{ hh.is_tekun|box }}低保边缘{{ hh.is_edge|box }}", 65), C("所在单位", 28),
           C("{{ applicant.employer }}")], h=9),
        R([C("共同生活家庭成员", lw, rs=4)] + [C(t, w) for t, w in zip(PERSON_HEAD, pw)] + [C("月/年收入", 26), C("身份证号码")], h=9),
        loop("m in members|rows(5)"),
        R([C("{{ m.name }}", pw[0]), C("{{ m.age }}", pw[1]), C("{{ m.sex }}", pw[2]), C("{{ m.relation }}", pw[3]),
           C("{{ m.marital }}", pw[4]), C("{{ m.health }}", pw[5]), C("{{ m.occupation7 }}", pw[6]), C("{{ m.income }}", 26),
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
            "拟同意{{ prog.admitted }}。\n建议人均补助金额⟦{{ ev.per_person|fill(5) }}⟧元/月，家庭补助金额⟦{{ ev.household_amount|fill(5) }}⟧"
            "元/月。请乡镇人民政府（街道办事处）研究确认。\n>>盖  章　　　　\n>>{{ ev.review_date|ymd }}　　", align="left", valign="top",
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
    d.title("{{ prog.confirm_title }}", size=20, after=0)
    d.p("^^" + FENXI_SUB, size=12, font=FANG, after=10)
    d.p("经确认，以下家庭（个人）{{ prog.admitted }}，现进行公示。", size=14, font=FANG, line=24, indent_chars=2, after=8)
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
