"""Sample data for `dibao demo`: which households to draw, and which gaps to plant in them.

`scenarios` fixes the mix (all four household types, refusals, relatives of officials,
特困 in both care modes, an objection, an exit, an extended review) before anything is
drawn.  `choose_gaps` picks the deliberately incomplete households (about 22 %) and one
or two gaps for each, spreading the kinds so every kind appears in a large enough demo.
`apply_record_gaps` edits the finished record and returns the exact, machine-readable
description of each gap for demo-planted.json.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from archive.sample.history import Draft, Scenario
from archive.sample.people import Locality
from archive.records.load import title_at
from archive.workdays import add_workdays, workdays_between

PLANTED_SHARE = 0.22

# kinds that shape the data while it is drawn (decided per scenario, before drawing)
GEN_KINDS = ("late_review", "over_standard")
# kinds applied to the finished record
RECORD_KINDS = ("missing_annual_review", "missing_field", "late_refusal_notice", "short_publicity", "payment_mismatch")
# kinds applied to the scan plan
SCAN_KINDS = ("missing_scan:户口簿", "missing_scan:身份证", "missing_scan:expense", "missing_scan:照料护理协议",
              "missing_disability_certificate", "missing_photos", "missing_check_report")

def _app_date(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, rng.randint(2, 8), rng.randint(1, 28))


def scenarios(rng: random.Random, n: int, loc: Locality, first_year: int, end_year: int) -> list[Scenario]:
    urban_v = [v for v, u in loc.villages if u]
    rural_v = [v for v, u in loc.villages if not u]
    all_v = [v for v, _ in loc.villages]
    urban_of = dict(loc.villages)
    years = list(range(first_year, end_year + 1))
    year_w = [45, 20, 15, 12, 8][:len(years)] or [1]

    def year(early: bool = False) -> int:
        if early:
            return rng.choice(years[:2] if len(years) > 1 else years)
        return rng.choices(years, weights=year_w[:len(years)])[0]

    def make(type_: str, family: str, **kw) -> Scenario:
        if type_ == "城市低保":
            village = rng.choice(urban_v)
        elif type_ == "农村低保":
            village = rng.choice(rural_v)
        else:
            village = rng.choice(all_v)
        early = kw.pop("early", False)
        return Scenario(type=type_, family=family, village=village, urban=urban_of[village],
                        app_date=_app_date(rng, year(early)), **kw)

    must = [
        make("农村低保", "couple_ill"),
        make("城市低保", "student"),
        make("特困", "single", care_mode="分散供养"),
        make("低保边缘", "elderly"),
        make("农村低保", "single_parent", refused="收入超标"),
        make("农村低保", "disabled", official=True),
        make("特困", "single", care_mode="集中供养"),
        make("城市低保", "couple_ill", objection=True),
        make("农村低保", "elderly", exit=True, early=True),
        make("城市低保", "single_parent", refused="财产不符"),
        make("农村低保", "student", extended=True),
    ]
    out = must[:n]
    ezhou = loc.profile == "ezhou"
    types = ("城市低保", "农村低保", "特困", "低保边缘")
    weights = (50, 15, 17, 18) if ezhou else (22, 40, 22, 16)
    families = {"城市低保": ("couple_ill", "disabled", "student", "single_parent", "elderly"),
                "农村低保": ("couple_ill", "disabled", "student", "single_parent", "elderly"),
                "低保边缘": ("couple_ill", "student", "elderly", "disabled")}
    while len(out) < n:
        t = rng.choices(types, weights=weights)[0]
        r = rng.random()
        if t == "特困":
            out.append(make(t, "single", care_mode=rng.choice(("分散供养", "分散供养", "集中供养"))))
        elif t != "低保边缘" and r < 0.07:
            out.append(make(t, rng.choice(families[t]), refused=rng.choice(("收入超标", "收入超标", "财产不符"))))
        else:
            out.append(make(t, rng.choice(families[t]), official=r > 0.95, objection=0.93 < r <= 0.95))
    return out


def choose_planted(rng: random.Random, scs: list[Scenario], end_year: int) -> dict[int, int]:
    """Index of each incomplete household -> how many gaps it gets (1 or 2); sets the draw-time gaps."""
    n = len(scs)
    k = round(n * PLANTED_SHARE) if n >= 5 else 0
    chosen = sorted(rng.sample(range(n), k))
    slots = {i: rng.choice((1, 1, 2)) for i in chosen}
    per_kind = max(1, n // 60)
    for kind in GEN_KINDS:
        done = 0
        for i in chosen:
            sc = scs[i]
            if done >= per_kind or sc.late_review or sc.over_standard_year:
                continue
            ok = not sc.refused and sc.type in ("城市低保", "农村低保") and not sc.extended and not sc.objection
            if kind == "over_standard":
                ok = ok and not sc.exit and sc.app_date.year < end_year
            if ok:
                if kind == "late_review":
                    sc.late_review = True
                else:
                    sc.over_standard_year = end_year
                done += 1
    return slots


def applicable(d: Draft, scans: bool, fenxi: bool) -> list[str]:
    rec = d.record
    out = []
    if d.review_years:
        out.append("missing_annual_review")
    out.append("missing_field")
    if d.facts.get("refusal"):
        out.append("late_refusal_notice")
    else:
        out.append("short_publicity")
    if sum(1 for p in rec.get("payments", ()) if p["kind"] == "正常发放") >= 3:
        out.append("payment_mismatch")
    if scans:
        out += ["missing_scan:户口簿", "missing_scan:身份证", "missing_photos", "missing_check_report"]
        if rec["expenses"]:
            out.append("missing_scan:expense")
        if (rec.get("extreme_poverty") or {}).get("care_mode") == "分散供养":
            out.append("missing_scan:照料护理协议")
        if any(m.get("disability") for m in rec["members"]):
            out.append("missing_disability_certificate")
    return out


def pick_kinds(rng: random.Random, d: Draft, k: int, scans: bool, fenxi: bool, used: dict[str, int]) -> list[str]:
    """Up to k gap kinds for one household: each slot takes the least used kind that fits it.

    `used` counts the kinds planted so far (draw-time ones included) and is updated.
    """
    have = [d.facts["gen_gap"]] if d.facts.get("gen_gap") else []
    mine: list[str] = []
    options = [x for x in applicable(d, scans, fenxi) if x not in have]
    for _ in range(max(0, k - len(have))):
        options = [x for x in options if x not in mine]
        if not options:
            break
        low = min(used.get(x, 0) for x in options)
        pick = rng.choice([x for x in options if used.get(x, 0) == low])
        mine.append(pick)
        used[pick] = used.get(pick, 0) + 1
    return mine


# ------------------------------------------------------------------ record-level gaps

def remove_review(rng: random.Random, d: Draft, form: str) -> dict:
    """Before event ids are given: drop one year's annual review, with any half-yearly re-check of that
    year (its photos and 核对报告 stay; the half-years left without a visit answer this gap too)."""
    y = rng.choice(d.review_years)
    evs = d.record["events"]
    gone = [i for i, e in enumerate(evs) if e["type"] in ("年度审核", "定期核查") and
            (e.get("year") or int(e["date"][:4])) == y]
    ev_type = next((evs[i]["type"] for i in gone if evs[i]["type"] == "年度审核"), evs[gone[0]]["type"])
    for idx in reversed(gone):
        del evs[idx]
    d.facts.setdefault("removed_reviews", set()).add(y)
    return {"kind": "missing_annual_review", "year": y, "form": form, "event_type": ev_type}


def apply_record_gap(rng: random.Random, d: Draft, kind: str, config, fenxi: bool) -> dict | None:
    rec = d.record
    evs = rec["events"]
    if kind == "missing_field":
        return _missing_field(rng, d, fenxi)
    if kind == "late_refusal_notice":
        i, e = next((i, e) for i, e in enumerate(evs) if e["type"] == "不予批准")
        decided = dt.date.fromisoformat(e["date"])
        notified = add_workdays(decided, rng.randint(6, 9))
        e["notified"] = notified.isoformat()
        return {"kind": "late_refusal_notice", "event": e["id"], "decided": e["date"], "notified": e["notified"],
                "working_days": workdays_between(decided, notified), "limit": config.refusal_notice_working_days}
    if kind == "short_publicity":
        i, e = next((i, e) for i, e in enumerate(evs) if e["type"] == "审核公示")
        start = dt.date.fromisoformat(e["date"])
        required = config.review_publicity_days
        end = start + dt.timedelta(days=max(required - 3, 0))
        e["end"] = end.isoformat()
        return {"kind": "short_publicity", "event": e["id"], "start": e["date"], "end": e["end"],
                "days": (end - start).days + 1, "required": required}
    if kind == "payment_mismatch":
        pays = rec["payments"]
        补发 = {p["month"] for p in pays if p["kind"] != "正常发放"}
        cands = [p for p in pays if p["kind"] == "正常发放" and p["month"] not in 补发]
        p = rng.choice(cands[1:-1] or cands)
        expected = Decimal(p["amount"])
        paid = expected - 100 if expected >= 150 else expected + 100
        p["amount"] = f"{paid:.2f}"
        return {"kind": "payment_mismatch", "month": p["month"], "expected": f"{expected:.2f}", "paid": p["amount"]}
    raise ValueError(kind)


def _missing_field(rng: random.Random, d: Draft, fenxi: bool) -> dict:
    rec = d.record
    evs = rec["events"]
    # (JSON path, pydantic location for the field's title, how to drop it)
    cands: list[tuple[str, tuple, object]] = []
    for i, m in enumerate(rec["members"]):
        if m["relation"] != "本人" and m.get("id_number"):
            cands.append((f"members[{i}].id_number", ("members", i, "id_number"), lambda m=m: m.pop("id_number")))
    for i, e in enumerate(evs):
        for type_, key in (("申请", "accepted"), ("入户调查", "household_rep"), ("年度审核", "town_opinion")):
            if e["type"] == type_ and e.get(key) and not (key == "accepted" and d.facts.get("gen_gap") == "late_review"):
                cands.append((f"events[{i}].{key}", ("events", i, type_, key), lambda e=e, key=key: e.pop(key)))
    if rec.get("official_relative"):
        cands.append(("official_relative", ("official_relative",), lambda: rec.pop("official_relative")))
    ep = rec.get("extreme_poverty") or {}
    if ep.get("caregiver"):
        cands.append(("extreme_poverty.caregiver", ("extreme_poverty", "caregiver"), lambda: ep.pop("caregiver")))
    # the rarer, more telling gaps first when present
    special = [c for c in cands if c[0] in ("official_relative", "extreme_poverty.caregiver")]
    path, loc, drop = rng.choice(special) if special and rng.random() < 0.6 else rng.choice(cands)
    drop()
    out = {"kind": "missing_field", "field": path, "title": title_at(loc)}
    if path.startswith("events["):
        out["event"] = evs[int(path[7:path.index("]")])]["id"]
    if path.startswith("members["):
        out["member"] = rec["members"][int(path[8:path.index("]")])]["name"]
    return out


def late_review_gap(d: Draft, limit: int) -> dict:
    evs = d.record["events"]
    app = next(e for e in evs if e["type"] == "申请")
    dec = next(e for e in evs if e["type"] == "审核确认")
    acc = dt.date.fromisoformat(app["accepted"])
    decided = dt.date.fromisoformat(dec["date"])
    return {"kind": "late_review", "event": dec["id"], "accepted": app["accepted"], "decided": dec["date"],
            "working_days": workdays_between(acc, decided), "limit": limit}


def over_standard_gap(d: Draft, calc) -> dict:
    return {"kind": "over_standard", "year": calc.year,
            "per_capita_monthly": f"{calc.per_capita_monthly.quantize(Decimal('0.01'))}",
            "standard_monthly": f"{calc.standard.monthly.quantize(Decimal('0.01'))}"}
