"""Layouts of the 鄂州 (seed 000) and 岳阳县 (seed 001) forms; see make_templates.py."""

from __future__ import annotations

from docxkit import C, Doc, R, endfor, loop

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
    # the ID column needs ~30 mm; the rest goes to the columns that wrapped (身体状况 "慢性病（高血压）",
    # 月收入 "18000.00元/年"), so six members with such entries keep the signature block on page 1
    mw = [17, 9, 15, 16, 28, 14, 13, 17, 15, 15, 24, 34]
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
        R([C("复查情况\n及复查后\n意见", lw, rs=3), C("复查项目及原因", 30), C("{{ ev.review_items }}", align="left")], h=10),
        R([C("复查结\n论", 30), C(
            "{{ ev.c_keep|box }}维持原保障标准；{{ ev.c_increase|box }}增加保障金；{{ ev.c_decrease|box }}减少保障金；{{ ev.c_stop|box }}停发保障金；"
            "{{ ev.c_cancel|box }}取消保障资格；{{ ev.c_change|box }}保障变更；\n{{ ev.c_low_keep|box }}维持低收入家庭认定结论；"
            "{{ ev.c_low_cancel|box }}取消低收入家庭认定资格。", align="left")], h=12),
        R([C("家庭情\n况变化\n及动态\n管理说\n明", 30), C("{{ ev.situation }}\n\n>>（盖章）　　　　　　\n"
                                                     ">>负责人：　　　　　　复查人：　　　　　　{{ ev.date|ymd }}　　", align="left", valign="top")], h=24),
    ]
    d.table(rows, size=9)
    return d


# ------------------------------------------------------------------ 岳阳 (001, rebuilt in simplified Chinese)

def yueyang_01() -> Doc:
    d = Doc(margins=(12, 12, 10, 12), size=8.5)
    W = d.width  # 186
    d.title("岳阳县城乡最低生活保障对象年度审核登记表", size=16, after=2)
    d.p("⟦{{ loc.town|fill(8) }}⟧乡（镇）　⟦{{ hh.village|fill(8) }}⟧村" + "　" * 6 + "填表时间：{{ ev.date|ymd }}", size=10, after=2)
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
    d.p("⟦{{ loc.town|fill(8) }}⟧乡（镇）　⟦{{ hh.village|fill(8) }}⟧村" + "　" * 3 + "填表时间：{{ ev.date|ymd }}", size=11, after=3)
    lw = 18
    rows = [
        R([C("对象基本情况", lw, rs=5), C("姓名", 22), C("{{ head.name }}", 28), C("性别", 16), C("{{ head.sex }}", 16), C("年龄", 16),
           C("{{ head.age }}", 18), C("户籍类别", 20), C("{{ hh.hukou_type }}")], h=9),
        R([C("身份证号", 22), C("{{ head.id_number }}", 60), C("联系电话", 34), C("{{ hh.phone }}")], h=9),
        R([C("享受特困时间", 22), C("{{ tk.since|ymd }}", 38), C("基本生活费", 22), C("{{ tk.basic_living_fee }}", 34), C("照料护理费", 20),
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
    d.p("⟦{{ loc.town|fill(6) }}⟧乡镇（办事处）⟦{{ hh.village|fill(6) }}⟧村（社区）⟦{{ hh.group_no|fill(3) }}⟧组" + "　" * 8
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
        R([C("转移性收入合计", k[0]), C("{{ y3.transfer.total }}", align="left")], h=h),
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
