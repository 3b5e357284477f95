"""岳阳县 家庭收入计算评估表 (yueyang-03): the record's incomes laid out on the paper's rows.

Items are matched to the printed rows by name; an item with no row of its own is added
as an extra row (wages, business) or counted under 其他收入 (transfer, property), so the
totals always equal archive.records.calc's figures and nothing is dropped.
"""

from __future__ import annotations

from decimal import Decimal

from archive.records import calc as calcmod
from archive.errors import InputError
from archive.forms import shape
from archive.forms.context import calc_for_event, calc_year_for, money

WAGE_ROWS = {"服务业": "service", "交通运输业": "transport", "建筑行业": "construction", "建筑业": "construction",
             "工厂、公司工作": "factory", "工厂": "factory", "公司": "factory", "打零工工资": "casual", "打零工": "casual",
             "其他劳动报酬": "other"}
BUSINESS_ROWS = {"农业种植": "farming", "种植": "farming", "林业种植": "forestry", "林业": "forestry", "养殖业": "breeding",
                 "养殖": "breeding", "采集加工": "gathering", "批发和零售贸易业": "trade", "批发": "trade", "零售": "trade"}
TRANSFER_ROWS = {"惠农政策补贴": "subsidy", "生态林补助": "eco", "移民补助": "migrant", "离退休养老保险金": "pension",
                 "养老保险金": "pension", "失业保险金": "unemployment", "一次性赔偿收入": "compensation", "遗属补助金": "survivor"}
BASIC_PENSION_WORDS = ("城乡居民", "基础养老金")
PROPERTY_ROWS = {"土地分红收入": "dividend", "土地流转收入": "land_transfer", "房屋、门面出租收入": "rent", "出租": "rent",
                 "集体财产分红": "collective", "征地拆迁安置补偿收入": "expropriation", "拆迁": "expropriation"}


def _match(item: str, table: dict) -> str | None:
    if item in table:
        return table[item]
    for name, key in table.items():
        if name in item:
            return key
    return None


def _m(x: Decimal | None) -> str:
    return "" if not x else money(x)


def y3_context(hh, config, ev, ctx: dict) -> dict:
    year = calc_year_for(hh, ev)
    c = calc_for_event(hh, config, year, ev)  # errors (no incomes, no standard) are the user's to fix here
    if c is None:
        raise InputError("无法核算收入")
    out = shape.defaults()["y3"]
    for area, key in (("城市", "standard_urban"), ("农村", "standard_rural")):
        try:
            st = config.standard(c.year, area)
            out[key] = f"{st.amount}元/人/{st.unit}"
        except Exception:  # noqa: BLE001 - a missing standard of the other area is not an error here
            out[key] = ""
    items = [x for x in hh.incomes if x.year == c.year]

    # wages: fixed / casual columns
    wage = {k: {"fixed": Decimal(0), "casual": Decimal(0)} for k in shape.WAGE_KEYS}
    extra_w: list[dict] = []
    for x in items:
        if x.category != "工资性收入":
            continue
        amt = calcmod.net_amount(x)
        col = "casual" if (x.wage_kind == "打零工" or (x.wage_kind is None and "零工" in x.item)) else "fixed"
        key = _match(x.item, WAGE_ROWS)
        if key is None:
            row = {"item": x.item + (f"（{x.member}）" if x.member else ""), "fixed": Decimal(0), "casual": Decimal(0)}
            row[col] = amt
            extra_w.append(row)
        else:
            wage[key][col] += amt
        wage["total"][col] += amt
    out["wage"] = {k: {"item": "", "fixed": _m(v["fixed"]), "casual": _m(v["casual"]), "sub": _m(v["fixed"] + v["casual"])}
                   for k, v in wage.items()}
    out["wage"]["total"] = {"item": "", "fixed": money(wage["total"]["fixed"]), "casual": money(wage["total"]["casual"]),
                            "sub": money(wage["total"]["fixed"] + wage["total"]["casual"])}
    out["wage_extra"] = [{"item": r["item"], "fixed": _m(r["fixed"]), "casual": _m(r["casual"]),
                          "sub": money(r["fixed"] + r["casual"])} for r in extra_w]

    # business: gross / cost / net
    bus = {k: [Decimal(0), Decimal(0), Decimal(0)] for k in shape.BUSINESS_KEYS}
    extra_b = []
    for x in items:
        if x.category != "经营净收入":
            continue
        net = calcmod.net_amount(x)
        gross = x.gross if x.gross is not None else (net if x.amount is not None and x.cost is None else Decimal(0))
        cost = x.cost or Decimal(0)
        key = _match(x.item, BUSINESS_ROWS)
        if key is None:
            extra_b.append({"item": x.item, "gross": _m(x.gross), "cost": _m(x.cost), "net": money(net)})
        else:
            b = bus[key]
            b[0] += gross
            b[1] += cost
            b[2] += net
        t = bus["total"]
        t[0] += gross
        t[1] += cost
        t[2] += net
    out["business"] = {k: {"item": "", "gross": _m(v[0]), "cost": _m(v[1]), "net": _m(v[2])} for k, v in bus.items()}
    tb = bus["total"]
    out["business"]["total"] = {"item": "", "gross": money(tb[0]), "cost": money(tb[1]), "net": money(tb[2])}
    out["business_extra"] = extra_b

    # transfer (with support from obligors, and the 其他收入 category)
    tr = {k: Decimal(0) for k in out["transfer"]}
    for x in items:
        if x.category not in ("转移净收入", "其他收入"):
            continue
        key = _match(x.item, TRANSFER_ROWS) if x.category == "转移净收入" else None
        if key == "pension" and any(w in x.item for w in BASIC_PENSION_WORDS):
            key = "other"   # the row is 离退休养老保险金（不含基础养老金）: a 城乡居民基本养老保险 pension is not in it
        tr[key or "other"] += calcmod.net_amount(x)
    support = [o for o in hh.obligors if o.support_per_year]
    out["support"] = [{"name": o.name, "relation": o.relation, "amount": money(o.support_per_year), "note": ""} for o in support]
    sup_total = sum((o.support_per_year for o in support), Decimal(0))
    total_tr = sum((v for k, v in tr.items() if k != "total"), Decimal(0)) + sup_total
    out["transfer"] = {k: _m(v) for k, v in tr.items()}
    out["transfer"]["total"] = money(total_tr)

    pr = {k: Decimal(0) for k in out["property"]}
    for x in items:
        if x.category != "财产净收入":
            continue
        pr[_match(x.item, PROPERTY_ROWS) or "other"] += calcmod.net_amount(x)
    out["property"] = {k: _m(v) for k, v in pr.items()}
    out["property"]["total"] = money(sum((v for k, v in pr.items() if k != "total"), Decimal(0)))

    ded = {"重病支出": Decimal(0), "教育支出": Decimal(0), "就业支出": Decimal(0)}
    for ln in c.deduction_lines:
        for k in ded:
            if ln.label.startswith(k):
                ded[k] += ln.amount
    out.update(
        total_income=money(c.total_income), per_capita_annual=money(c.per_capita_annual),
        medical=_m(ded["重病支出"]), education=_m(ded["教育支出"]), employment=_m(ded["就业支出"]),
        deduction_total=money(c.total_deduction), eligible=c.eligible, ineligible=not c.eligible,
        top_up=money(c.top_up_per_person), household_total=money(c.household_total),
    )
    return out
