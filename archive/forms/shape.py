"""The template vocabulary: every name a form template may use, with its default (empty) value.

Context builders (context.py) start from these defaults and fill in what a record
holds, so a filled context always has every field (StrictUndefined then only catches
a template naming something that does not exist, which the tag check reports first).
Leaves are strings (already formatted: money to the 分, 是/否), booleans (for the
box/tick/mark filters) or dates (for ymd/ym).
"""

from __future__ import annotations

import copy

PERSON = dict.fromkeys([
    "name", "sex", "ethnicity", "id_number", "age", "birth", "birth_ym", "relation", "marital", "health", "disability",
    "education", "occupation", "occupation7", "employer", "income", "phone", "category", "covered", "unit_type",
    # obligors
    "support", "able", "hardship_type", "adult", "disabled", "wage_m", "business_m", "property_m", "transfer_m", "other_m",
], "")

LOC = dict.fromkeys(["province", "city", "county", "town", "village", "group", "service_center", "government"], "")
CFG = dict.fromkeys(["review_days", "confirm_days", "hotline"], "")

HH = dict.fromkeys([
    "case_no", "type", "village", "group", "group_no", "family_size", "covered_count", "labor_count", "income_text", "residence",
    "registered", "official_relative", "official_relative_yn", "deposits", "securities", "claims", "other_property",
    "is_urban", "is_rural", "is_tekun", "is_edge", "housing_category", "housing_nature", "housing_area", "housing_decoration", "housing_built",
    "housing_rooms", "housing_floors", "housing_structure", "housing_dangerous", "house_count", "house_address",
    "poverty_registered", "phone", "expiry", "head_name", "monthly_income", "basic", "classified", "other_amount", "amount",
    "category", "tracking", "term", "hukou_type", "reason", "since", "disabilities", "cars", "motorcycles", "appliances",
], "")

EV = dict.fromkeys([
    "date", "scope_family", "scope_personal", "p_urban", "p_rural", "p_tekun", "reason", "main_expenses", "app_date",
    "income_exceeds", "per_capita_income", "standard", "property_mismatch", "property_detail", "difficulty", "consistent",
    "inconsistent", "explanation", "preliminary_opinion", "opinion_date", "reported_content", "confirmed", "not_confirmed",
    "economic_summary", "covered_count", "per_person", "household_amount", "review_date", "approved", "rejected",
    "start_year", "start_month", "review_items", "c_keep", "c_increase", "c_decrease", "c_stop", "c_cancel", "c_change",
    "c_low_keep", "c_low_cancel", "situation", "improved", "not_improved", "over", "not_over", "needs", "not_needs",
    "f_school", "f_pets", "f_gamble", "f_appliance", "f_unclaimed", "f_idle", "f_income", "f_docs", "f_refuse",
    "qualifies", "not_qualifies", "keep", "cancel", "village_opinion", "town_opinion",
], "")

CALC = dict.fromkeys(["wage_text", "business_text", "property_text", "transfer_text", "other_text", "total_income",
                      "per_capita_annual", "per_capita_monthly", "summary"], "")
REL = dict.fromkeys(["official_name", "unit", "post", "relation", "applying_head", "enjoying_head", "monthly_amount",
                     "filed_date", "county_check", "check_date"], "")
SITUATION = dict.fromkeys(["head", "covered_count", "monthly_income", "basic", "classified", "fallback", "other", "total", "type"], "")
# Program wording (archive.records.program): titles and phrases of the 低保 / 特困 / 低保边缘 forms
PROG = dict.fromkeys(["name", "subject", "applied", "admitted", "review_title", "confirm_title", "decision_title"], "")
PUB = dict.fromkeys(["start", "end", "days", "year", "month", "total_covered", "total_amount", "date"], "")
ROW = dict.fromkeys(["no", "names", "applicant", "village", "family_size", "covered_count", "per_capita", "amount", "type",
                     "card_number", "time", "people"], "")
CHECK = dict.fromkeys(["date", "investigators", "situation", "conclusion"], "")
HOUSE = dict.fromkeys(["address", "area", "nature", "source", "acquired"], "")
VEHICLE = dict.fromkeys(["owner", "model", "plate", "displacement", "purchased", "price"], "")
TK = dict.fromkeys(["since", "basic_living_fee", "care_fee", "full", "half", "total"], "")

WAGE_KEYS = ("service", "transport", "construction", "factory", "casual", "other", "total")
BUSINESS_KEYS = ("farming", "forestry", "breeding", "gathering", "trade", "total")
WAGE_ROW = dict.fromkeys(["item", "fixed", "casual", "sub"], "")
BUSINESS_ROW = dict.fromkeys(["item", "gross", "cost", "net"], "")
SUPPORT_ROW = dict.fromkeys(["name", "relation", "amount", "note"], "")
Y3 = {
    "standard_urban": "", "standard_rural": "",
    "wage": {k: dict(WAGE_ROW) for k in WAGE_KEYS}, "wage_extra": [dict(WAGE_ROW)],
    "business": {k: dict(BUSINESS_ROW) for k in BUSINESS_KEYS}, "business_extra": [dict(BUSINESS_ROW)],
    "transfer": dict.fromkeys(["subsidy", "eco", "migrant", "pension", "unemployment", "compensation", "survivor", "other",
                               "total"], ""),
    "support": [dict(SUPPORT_ROW)],
    "property": dict.fromkeys(["dividend", "land_transfer", "rent", "collective", "expropriation", "other", "total"], ""),
    **dict.fromkeys(["total_income", "per_capita_annual", "medical", "education", "employment", "deduction_total",
                     "eligible", "ineligible", "top_up", "household_total"], ""),
}

SHAPE = {
    "loc": LOC, "cfg": CFG, "hh": HH, "applicant": PERSON, "head": PERSON, "members": [PERSON], "obligors": [PERSON],
    "people": [PERSON], "pairs": [{"m": PERSON, "o": PERSON}], "houses": [HOUSE], "vehicles": [VEHICLE], "ev": EV,
    "calc": CALC, "rel": REL, "ch": {"before": SITUATION, "after": SITUATION}, "pub": PUB, "rows": [ROW],
    "checks": [CHECK], "tk": TK, "y3": Y3, "sched": {"year": ""}, "prog": PROG,
}


def defaults() -> dict:
    """A deep copy of the full vocabulary with empty values and empty lists."""
    out = copy.deepcopy(SHAPE)
    _empty_lists(out)
    return out


def _empty_lists(d: dict) -> None:
    for k, v in d.items():
        if isinstance(v, list):
            d[k] = []
        elif isinstance(v, dict):
            _empty_lists(v)


def vocab() -> dict:
    """The shape as a schema for the tag check: dict = namespace, [x] = list of x, None = value."""
    def conv(v):
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        if isinstance(v, list):
            return [conv(v[0])]
        return None
    return conv(SHAPE)


def fill(base: dict, **values) -> dict:
    """base updated with values; a key not in base is a programming error."""
    unknown = set(values) - set(base)
    if unknown:
        raise KeyError(f"unknown context keys {sorted(unknown)}")
    out = dict(base)
    out.update(values)
    return out
