"""A small realistic workspace for the forms tests .

永安镇 (汾西 profile), two villages.  城关村 holds a household with a disabled wife and a
10-year-old son, an official's relative with seven members and an objection, a refused
application, and an orphan under 18 (left off public notices); 东庄村 holds a 特困
elder and a 低保边缘 household.  Every ID is valid (GB 11643 check character).
"""

from __future__ import annotations

import json
from pathlib import Path

from archive.workspace import init_workspace
from tests.support.records import make_id

TOWN = "永安镇"


A = "141029"  # 汾西县
SPECIAL = "张三<李四>&{{ 7*7 }}"


def _p(name, sex, birth, seq, relation, **kw):
    return {"name": name, "sex": sex, "id_number": make_id(A, birth, seq, sex == "男"), "relation": relation, **kw}


def households() -> dict[str, dict]:
    h1 = {
        "case_no": "FX-001", "town": TOWN, "village": "城关村", "group": "三组", "type": "农村低保", "hukou_type": "农业",
        "reason": "因残", "since": "2023-04-01", "poverty_registered": True, "phone": "13800001111",
        "address": {"registered": "永安镇城关村三组12号", "residence": "永安镇城关村三组12号"},
        "members": [
            _p("李建国", "男", "19700312", 1, "本人", marital="已婚", occupation="灵活就业人员", labor_capable=True,
               monthly_income="400.00", education="初中"),
            _p("王秀英", "女", "19720805", 2, "配偶", marital="已婚", health="残疾",
               disability={"category": "肢体", "grade": "二级", "certificate_no": "14102919720805202X42"},
               occupation="其他人员", education="小学"),
            _p("李小明", "男", "20140601", 3, "子", marital="未婚", occupation="在校学生", education="小学"),
        ],
        "obligors": [_p("李强", "男", "19950101", 4, "子", marital="已婚", occupation="在职职工", employer="临汾某公司",
                        annual_income="36000", support_per_year="1200", able_to_support=True, hardship_type="无")],
        "housing": {"category": "自有住房", "nature": "自有私房", "area": "86.5", "rooms": 3, "floors": 1, "structure": "砖木",
                    "built_year": 1998, "dangerous": False, "decoration": "简单"},
        "property": {"deposits": "2000", "houses": [{"address": "永安镇城关村三组12号", "area": "86.5", "nature": "自有私房",
                                                     "source": "自建房", "acquired": "1998-05-01"}],
                     "vehicles": [{"owner": "李建国", "model": "三轮摩托车", "plate": "晋L12345", "purchased": "2019-03-01",
                                   "price": "4800"}], "appliances": "电视机、洗衣机"},
        "incomes": [
            {"year": 2023, "category": "工资性收入", "item": "打零工工资", "member": "李建国", "wage_kind": "打零工", "amount": "4800.00"},
            {"year": 2023, "category": "经营净收入", "item": "农业种植", "gross": "3000", "cost": "1200.50"},
            {"year": 2023, "category": "转移净收入", "item": "惠农政策补贴", "amount": "360"},
            {"year": 2024, "category": "工资性收入", "item": "建筑行业", "member": "李建国", "wage_kind": "固定务工", "amount": "5200"},
            {"year": 2024, "category": "工资性收入", "item": "快递分拣", "member": "李建国", "wage_kind": "打零工", "amount": "600"},
            {"year": 2024, "category": "经营净收入", "item": "养殖业", "gross": "2000", "cost": "800"},
            {"year": 2024, "category": "财产净收入", "item": "土地流转收入", "amount": "500"},
            {"year": 2024, "category": "转移净收入", "item": "惠农政策补贴", "amount": "380"},
        ],
        "expenses": [{"year": 2024, "kind": "教育", "member": "李小明", "amount": "1500"}],
        "labor_count": 1,
        "bank_account": {"bank": "汾西县农村信用合作联社", "card_number": "6217000012345678901", "holder": "李建国"},
        "events": [
            {"id": "A1", "type": "申请", "date": "2023-03-01", "applicant": "李建国", "program": "农村最低生活保障",
             "reason": "妻子肢体残疾二级，儿子上小学，本人打零工收入低", "accepted": "2023-03-02", "main_expenses": "医疗、教育"},
            {"id": "V1", "type": "入户调查", "date": "2023-03-10", "investigators": ["周平", "刘芳"], "household_rep": "李建国",
             "difficulty": "因残致贫，劳动力弱", "consistent": True, "explanation": "与申请材料一致",
             "preliminary_opinion": "符合条件，同意上报"},
            {"id": "P1", "type": "审核公示", "date": "2023-03-20", "end": "2023-03-27"},
            {"id": "D1", "type": "审核确认", "date": "2023-04-05", "review_date": "2023-03-30", "approved": True,
             "start_month": "2023-04", "per_person": "227.50", "household_amount": "682.50", "covered_count": 3},
            {"id": "P2", "type": "确认公示", "date": "2023-04-06", "end": "2023-04-13"},
            {"id": "K1", "type": "定期核查", "date": "2023-10-10", "investigators": ["周平", "刘芳"],
             "situation": "家庭人口、收入无变化", "conclusion": "继续保障"},
            {"id": "R2024", "type": "年度审核", "date": "2024-03-15", "year": 2024, "investigators": ["周平", "赵明"],
             "improved": False, "over_standard": False, "still_needs": True, "conclusion": "维持",
             "village_opinion": "情况属实", "town_opinion": "同意继续保障", "situation": "妻子仍需长期治疗",
             "flags": ["有高档家用电器"]},
            {"id": "C1", "type": "变更", "date": "2024-06-01", "reason": "年度核算后调整保障金",
             "before": {"head": "李建国", "covered_count": 3, "monthly_income": "620.00", "amounts": {"basic": "682.50"}, "type": "农村低保"},
             "after": {"head": "李建国", "covered_count": 3, "monthly_income": "560.00",
                       "amounts": {"basic": "700.00", "classified": "50.00"}, "type": "农村低保"}},
        ],
        "payments": [{"month": "2024-06", "amount": "750.00", "bank": "汾西县农村信用合作联社"}],
    }
    members2 = [_p("赵德福", "男", "19600101", 10, "本人", marital="已婚", occupation="老年人", health="慢性病", illness="高血压")]
    for i, (n, s, b, rel) in enumerate([("钱桂兰", "女", "19620202", "配偶"), ("赵大勇", "男", "19850303", "子"),
                                         ("孙丽", "女", "19870404", "儿媳"), ("赵文", "男", "20000505", "孙子"),
                                         ("赵雅", "女", "20010606", "孙女"), ("赵老太", "女", "19350707", "母亲")]):
        members2.append(_p(n, s, b, 11 + i, rel, marital="已婚" if rel in ("配偶", "子", "儿媳") else "未婚"))
    h2 = {
        "case_no": "FX-002", "town": TOWN, "village": "城关村", "type": "城市低保", "hukou_type": "非农业",
        "address": {"registered": "永安镇解放路8号院2单元301室", "residence": "永安镇解放路8号院2单元301室"},
        "members": members2,
        "official_relative": {"official_name": "赵德顺", "unit": "城关村村民委员会", "post": "村委委员", "relation": "兄弟",
                              "guarantor": "赵德顺", "filed_date": "2023-03-05"},
        "incomes": [{"year": 2023, "category": "工资性收入", "item": "服务业", "member": "赵大勇", "amount": "18000"},
                    {"year": 2023, "category": "其他收入", "item": "亲友资助", "amount": "1000"}],
        "events": [
            {"id": "A1", "type": "申请", "date": "2023-03-02", "applicant": "赵德福", "program": "城市最低生活保障",
             "reason": SPECIAL, "is_official_relative": True},
            {"id": "V1", "type": "入户调查", "date": "2023-03-11", "investigators": ["周平", "刘芳"], "consistent": False,
             "explanation": "申报人口与户籍不一致"},
            {"id": "P1", "type": "审核公示", "date": "2023-03-20", "end": "2023-03-27", "objection": True,
             "objection_content": "有群众反映家中有营运车辆"},
            {"id": "X1", "type": "再次调查", "date": "2023-03-25", "investigators": ["周平", "王军"],
             "reported_content": "家中有营运车辆", "confirmed": False, "explanation": "车辆已于2022年转让"},
            {"id": "D1", "type": "审核确认", "date": "2023-04-05", "approved": True, "start_month": "2023-04",
             "per_person": "180.00", "household_amount": "1260.00", "covered_count": 7},
            {"id": "P2", "type": "确认公示", "date": "2023-04-06", "end": "2023-04-13"},
        ],
    }
    h3 = {
        "case_no": "FX-003", "town": TOWN, "village": "城关村", "type": "农村低保",
        "members": [_p("周永福", "男", "19750909", 20, "本人", marital="离异")],
        "incomes": [{"year": 2023, "category": "工资性收入", "item": "工厂、公司工作", "amount": "42000"}],
        "events": [
            {"id": "A1", "type": "申请", "date": "2023-05-04", "applicant": "周永福", "program": "农村最低生活保障",
             "scope": "个人", "reason": "收入不稳定"},
            {"id": "V1", "type": "入户调查", "date": "2023-05-10", "investigators": ["刘芳", "赵明"]},
            {"id": "N1", "type": "不予批准", "date": "2023-05-20", "reason_kind": "收入超标", "per_capita_income": "3500.00",
             "standard": "500.00", "unit": "月", "recipient": "周永福"},
        ],
    }
    h4 = {
        "case_no": "FX-004", "town": TOWN, "village": "东庄村", "type": "特困", "hukou_type": "农业", "since": "2019-01-01",
        "members": [_p("吴老汉", "男", "19400808", 30, "本人", marital="丧偶", health="体弱")],
        "obligors": [_p("吴二", "男", "19700101", 31, "侄子", occupation="务农", able_to_support=False, hardship_type="低边")],
        "extreme_poverty": {"care_mode": "分散供养", "self_care": "半护理", "basic_living_fee": "650", "care_fee": "200",
                            "since": "2019-01-01", "caregiver": "吴二"},
        "incomes": [{"year": 2024, "category": "转移净收入", "item": "离退休养老保险金", "amount": "1200"}],
        "events": [{"id": "R2024", "type": "年度审核", "date": "2024-03-18", "year": 2024, "investigators": ["周平", "赵明"],
                    "conclusion": "维持", "situation": "老人独居，侄子照料", "improved": False, "still_needs": True}],
    }
    h5 = {
        "case_no": "FX-005", "town": TOWN, "village": "东庄村", "type": "低保边缘", "hukou_type": "农业",
        "members": [_p("郑春花", "女", "19800303", 40, "本人", marital="丧偶"), _p("郑小龙", "男", "20080808", 41, "子")],
        "incomes": [{"year": 2024, "category": "工资性收入", "item": "服务业", "member": "郑春花", "wage_kind": "固定务工",
                     "amount": "9000"}],
        "events": [{"id": "R2024", "type": "年度审核", "date": "2024-03-19", "year": 2024, "investigators": ["周平", "赵明"],
                    "conclusion": "维持"}],
    }
    h6 = {
        "case_no": "FX-006", "town": TOWN, "village": "城关村", "type": "特困", "hukou_type": "农业",
        "members": [_p("孤儿小芳", "女", "20100101", 50, "本人")],
        "extreme_poverty": {"care_mode": "分散供养", "self_care": "全自理"},
        "events": [{"id": "A1", "type": "申请", "date": "2023-03-03", "applicant": "孤儿小芳", "program": "特困人员供养",
                    "reason": "父母双亡"},
                   {"id": "P1", "type": "审核公示", "date": "2023-03-20", "end": "2023-03-27"}],
    }
    return {h["case_no"]: h for h in (h1, h2, h3, h4, h5, h6)}


def build_workspace(root: Path) -> Path:
    ws = init_workspace(root, "fenxi", TOWN)
    cfg = ws.root / "dibao.toml"
    cfg.write_text(cfg.read_text("utf-8").replace('hotline = ""', 'hotline = "0357-1234567"'), "utf-8")
    for case_no, rec in households().items():
        (ws.households_dir / f"{case_no}.json").write_text(json.dumps(rec, ensure_ascii=False, indent=2), "utf-8")
    return ws.root
