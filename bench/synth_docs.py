"""Realistic synthetic index documents: ~800 characters of form-like Chinese per page.

Each document reads like a page of a household's volume: names, GB 11643 ID numbers,
village and town names, phrases from the forms and the policy seeds.  Deterministic
for a given seed, so both backends index the very same documents.
"""

from __future__ import annotations

import random

from archive.ids import check_char
from indexer.engine import Doc

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "秀英桂兰建国志强明华丽娟海燕春梅玉珍德胜长林红霞文军小平永福金凤淑芬国庆卫东学军红梅秋菊冬生新民翠花宏伟光辉凤英"
VILLAGES = ["黄沙村", "三和村", "新塘村", "杨林村", "白石村", "荷花村", "中洲村", "麻塘村", "月田村", "永丰村",
            "东山村", "西湖村", "长岭村", "石桥村", "高桥村", "柳树村", "枫林村", "团山村", "新港村", "太平村"]
TOWNS = ["黄沙街镇", "永安镇", "西山街道", "新墙镇", "荣家湾镇"]
AREAS = ["430621", "430602", "141024", "420704", "430626"]
TYPES = ["城市低保", "农村低保", "特困供养", "低保边缘"]
CATEGORIES = ["审批类", "日常管理类", "财务类"]
TITLES = ["最低生活保障申请书", "家庭经济状况核对授权书", "入户调查表", "民主评议记录", "审核确认表", "审核公示",
          "年度审核表", "低保金发放花名册", "变更审批表", "特困人员供养审批表", "家庭收入核算表", "入户照片"]
PHRASES = [
    "经入户调查核实，该户家庭人均月收入低于当地最低生活保障标准", "申请人承诺所提供的家庭收入和财产情况真实有效",
    "同意纳入最低生活保障范围，按月发放保障金", "家庭成员中有重度残疾人，生活不能自理", "因病致贫，长期服药，医疗支出较大",
    "子女在校就读，教育支出按规定扣减", "村民委员会民主评议一致同意", "公示期满无异议，予以审核确认",
    "乡镇人民政府审核意见：情况属实，建议批准", "县级民政部门审批意见：同意", "家庭财产状况符合规定，无机动车辆和商业用房",
    "赡养义务人无赡养能力", "年度复核：家庭情况无变化，继续享受", "收入增加，调整保障金额", "停止发放，办理退出手续",
    "保障金通过一卡通按月打入账户", "入户调查人员两名以上，双人签字", "申请人户籍所在地乡镇受理", "特困人员分散供养，签订照料护理协议",
    "全自理，基本生活能够自理", "半护理", "全护理", "居住房屋为自有住房，砖混结构", "家庭人口三人，其中劳动力一人",
]
FILLERS = "的了在和与及对为按由于经其中并将已予以均应当可以情况办理规定要求核查确认申请审批发放标准金额家庭成员人口收入支出"


def id_number(rng: random.Random) -> str:
    area = rng.choice(AREAS)
    year = rng.randint(1935, 2015)
    body = f"{area}{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + check_char(body)


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def household(rng: random.Random, n: int) -> dict:
    people = [(name(rng), id_number(rng)) for _ in range(rng.randint(1, 5))]
    town_i = rng.randrange(len(TOWNS))
    return {"case_no": f"HS-{2021 + n % 5}-{n:06d}", "people": people, "village": rng.choice(VILLAGES),
            "town": TOWNS[town_i], "type": rng.choice(TYPES)}


def page_text(rng: random.Random, hh: dict, title: str, year: int) -> str:
    head, head_id = hh["people"][0]
    parts = [f"{title}", f"对象编号：{hh['case_no']}", f"户主姓名：{head}", f"身份证号：{head_id}",
             f"家庭住址：{hh['town']}{hh['village']}{rng.randint(1, 12)}组{rng.randint(1, 99)}号",
             f"保障类别：{hh['type']}", f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"]
    for member, mid in hh["people"][1:]:
        parts.append(f"家庭成员：{member}，身份证号{mid}")
    while sum(len(p) for p in parts) < 760:
        r = rng.random()
        if r < 0.55:
            parts.append(rng.choice(PHRASES))
        elif r < 0.7:
            parts.append(f"月人均收入{rng.randint(150, 900)}.{rng.randint(0, 99):02d}元，保障标准{rng.choice((560, 600, 640, 720))}元")
        elif r < 0.8:
            parts.append(f"经办人{name(rng)}、{name(rng)}")
        else:
            parts.append("".join(rng.choice(FILLERS) for _ in range(rng.randint(8, 20))))
    return "，".join(parts) + "。"


def documents(count: int, seed: int = 8) -> list[Doc]:
    """`count` page documents, about 24 per household (3 volumes)."""
    rng = random.Random(seed)
    docs: list[Doc] = []
    n = 0
    while len(docs) < count:
        hh = household(rng, n)
        n += 1
        group = f"a/{hh['case_no']}"
        for page in range(1, 25):
            if len(docs) >= count:
                break
            title = rng.choice(TITLES)
            year = rng.randint(2021, 2025)
            cat = CATEGORIES[page % 3]
            docs.append(Doc(id=f"{hh['case_no']}/{cat}/{page}/p1", group=group, text=page_text(rng, hh, title, year),
                            household=hh["case_no"], head=hh["people"][0][0], village=hh["village"], town=hh["town"],
                            type=hh["type"], category=cat, title=title, date=f"{year}-06-01", year=year,
                            path=f"archive/{hh['village']}/{hh['case_no']}/{cat}.pdf", page=page))
    return docs


QUERY_KINDS = ("name", "ID tail 4", "ID tail 6", "quoted phrase", "word + village", "name + title + category",
               "full ID", "word + village + year")


def queries(docs: list[Doc], count: int = 200, seed: int = 3) -> list[tuple[str, dict | None]]:
    """A fixed mix of (query, filters): names, ID tails, phrases, words with filters, full IDs, boolean."""
    return [(q, f) for _kind, q, f in queries_by_kind(docs, count, seed)]


def queries_by_kind(docs: list[Doc], count: int = 200, seed: int = 3) -> list[tuple[str, str, dict | None]]:
    """The same queries as `queries`, each with its kind (one of QUERY_KINDS)."""
    rng = random.Random(seed)
    out: list[tuple[str, str, dict | None]] = []
    pick = lambda: docs[rng.randrange(len(docs))]  # noqa: E731
    import re
    while len(out) < count:
        kind = len(out) % 8
        d = pick()
        ids = re.findall(r"\d{17}[\dX]", d.text)
        if kind == 0:
            out.append((QUERY_KINDS[0], d.head, None))                                     # a head's name
        elif kind == 1 and ids:
            out.append((QUERY_KINDS[1], ids[0][-4:], None))                                # ID tail 4
        elif kind == 2 and ids:
            out.append((QUERY_KINDS[2], ids[-1][-6:], None))                               # ID tail 6
        elif kind == 3:
            out.append((QUERY_KINDS[3], f'"{rng.choice(PHRASES)[:8]}"', None))             # a phrase
        elif kind == 4:
            out.append((QUERY_KINDS[4], rng.choice(["年度审核", "入户调查", "残疾", "公示", "停止发放"]),
                        {"village": d.village}))
        elif kind == 5:
            out.append((QUERY_KINDS[5], d.head + " " + rng.choice(TITLES)[:4], {"category": d.category}))
        elif kind == 6 and ids:
            out.append((QUERY_KINDS[6], ids[0], None))                                     # a full ID number
        else:
            out.append((QUERY_KINDS[7], rng.choice(["低保", "护理", "收入"]) + " " + d.village, {"year": d.year}))
    return out
