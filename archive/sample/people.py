"""Sample data for `dibao demo`: places, people, families, ID numbers, housing and property.

Everything is drawn from one random.Random, so a seed gives the same families every time.
The names, villages and area codes are plausible for each profile's county; the people
are invented.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from archive.ids import check_char

# ---------------------------------------------------------------- places

@dataclass(frozen=True)
class Locality:
    profile: str
    town: str
    county: str
    area_code: str                    # first 6 digits of local ID numbers
    prefix: str                       # 对象编号 prefix
    villages: tuple[tuple[str, bool], ...]   # (name, urban)
    staff: tuple[str, ...]            # town and village staff who do home visits
    leaders: tuple[str, ...]
    bank: str
    card_bin: str
    school: str
    college: str
    hospital: str
    care_home: str
    city_prefix: str                  # province + city + county, for addresses
    plate: str                        # licence plate prefix


LOCALITIES = {
    "yueyang": Locality(
        "yueyang", "黄沙街镇", "岳阳县", "430621", "HS",
        (("黄沙村", False), ("三和村", False), ("中兴村", False), ("黄秀村", False),
         ("荷塘村", False), ("茶场社区", True), ("黄沙街社区", True)),
        ("周平", "刘芳", "易志刚", "彭丽华", "李卫东", "胡小燕", "吴建军", "黄海涛"),
        ("钟国华", "任立新"),
        "岳阳县农村商业银行", "621779", "岳阳县第三中学", "湖南理工学院", "岳阳县人民医院",
        "黄沙街镇敬老院", "湖南省岳阳市岳阳县", "湘F"),
    "fenxi": Locality(
        "fenxi", "永安镇", "汾西县", "141029", "YA",
        (("东关村", False), ("西关村", False), ("团柏村", False), ("洪岩村", False),
         ("石门村", False), ("城南社区", True), ("城北社区", True)),
        ("郭建平", "王丽萍", "贾志强", "段红霞", "张宏伟", "薛晓燕", "梁永生", "冯海军"),
        ("杨振华", "刘建国"),
        "山西汾西农村商业银行", "622066", "汾西县第一中学", "山西师范大学", "汾西县人民医院",
        "永安镇敬老院", "山西省临汾市汾西县", "晋L"),
    "ezhou": Locality(
        "ezhou", "西山街道", "鄂城区", "420704", "XS",
        (("古楼社区", True), ("西山社区", True), ("莲花社区", True), ("寒溪社区", True),
         ("凤凰社区", True), ("杜山村", False), ("洋澜村", False)),
        ("陈志华", "余晓红", "汪建明", "熊丽娟", "程国庆", "万小芳", "徐卫平", "邹海燕"),
        ("何国平", "曹立军"),
        "湖北鄂州农村商业银行", "623190", "鄂州市第二中学", "湖北工程学院", "鄂州市中心医院",
        "西山街道社会福利院", "湖北省鄂州市鄂城区", "鄂G"),
}


def locality(profile: str, town: str | None) -> Locality:
    base = LOCALITIES[profile]
    if town and town != base.town:
        from dataclasses import replace

        return replace(base, town=town, prefix="DB", care_home=f"{town}敬老院")
    return base


# ---------------------------------------------------------------- names

SURNAMES = ("李", "王", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高",
            "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "彭", "曾", "易",
            "邓", "许", "傅", "沈", "曹", "袁", "邹", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "余")
MALE = {
    1930: ("德胜", "长生", "福林", "有才", "树清", "金山", "秋生", "玉堂", "永福", "德厚"),
    1950: ("建国", "国强", "志明", "桂生", "新民", "解放", "跃进", "卫国", "援朝", "和平"),
    1965: ("建军", "卫东", "红兵", "志刚", "海波", "国平", "文革", "向阳", "立新", "振华"),
    1975: ("伟", "勇", "军", "强", "斌", "涛", "明", "辉", "平", "刚", "志强", "建华"),
    1990: ("磊", "鹏", "超", "浩", "杰", "俊杰", "文博", "宇航", "天宇", "家豪"),
    2005: ("浩然", "梓轩", "子涵", "宇轩", "俊熙", "一鸣", "睿", "博文", "子墨", "思远"),
}
FEMALE = {
    1930: ("秀英", "桂兰", "玉兰", "淑珍", "凤英", "翠花", "金凤", "素珍", "兰英", "春花"),
    1950: ("秀兰", "桂芳", "玉梅", "红英", "冬梅", "淑芬", "爱华", "凤琴", "春兰", "美华"),
    1965: ("红梅", "丽华", "建英", "小红", "卫红", "艳", "霞", "秀芳", "桂香", "春燕"),
    1975: ("丽", "敏", "静", "艳", "娟", "芳", "燕", "玲", "红霞", "海燕", "丽娟"),
    1990: ("婷", "倩", "雪", "丹", "晶", "佳", "琳", "雯", "欣", "丹丹"),
    2005: ("欣怡", "雨桐", "梓涵", "诗涵", "紫萱", "可馨", "佳怡", "思琪", "若曦", "一诺"),
}


def _given(rng: random.Random, male: bool, birth_year: int) -> str:
    table = MALE if male else FEMALE
    key = max((k for k in table if k <= birth_year), default=1930)
    return rng.choice(table[key])


# ---------------------------------------------------------------- ID numbers

class IdIssuer:
    """Valid, workspace-unique ID numbers (GB 11643) with the right birth date and sex digit."""

    def __init__(self, rng: random.Random, area_code: str, nearby: tuple[str, ...] = ()):
        self.rng = rng
        self.area = area_code
        self.nearby = nearby or (area_code,)
        self.issued: set[str] = set()

    def issue(self, birth: dt.date, male: bool, local: bool = True) -> str:
        area = self.area if local else self.rng.choice(self.nearby)
        for _ in range(1000):
            seq = self.rng.randrange(0, 100) * 10 + self.rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
            first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
            n = first17 + check_char(first17)
            if n not in self.issued:
                self.issued.add(n)
                return n
        raise RuntimeError("ID space exhausted")  # 1000 numbers a day and place: never in practice


NEARBY = {"yueyang": ("430621", "430602", "430626", "430681"), "fenxi": ("141029", "141002", "141026", "141081"),
          "ezhou": ("420704", "420702", "420703", "420281")}


# ---------------------------------------------------------------- families

@dataclass
class Person:
    name: str
    male: bool
    birth: dt.date
    relation: str
    id_number: str = ""
    marital: str | None = None
    health: str = "健康"
    illness: str | None = None
    disability: dict | None = None
    education: str | None = None
    occupation: str | None = None
    employer: str | None = None
    labor_capable: bool | None = None
    covered: bool = True
    personnel_category: str | None = None
    extra: dict = field(default_factory=dict)

    def age(self, on: dt.date) -> int:
        return on.year - self.birth.year - ((on.month, on.day) < (self.birth.month, self.birth.day))

    def member_dict(self) -> dict:
        d = {"name": self.name, "sex": "男" if self.male else "女", "ethnicity": "汉族",
             "id_number": self.id_number, "birth_date": self.birth.isoformat(), "relation": self.relation}
        for k in ("marital", "illness", "disability", "education", "occupation", "employer", "labor_capable"):
            v = getattr(self, k)
            if v is not None:
                d[k] = v
        d["health"] = self.health
        d["covered"] = self.covered
        if self.personnel_category:
            d["personnel_category"] = self.personnel_category
        return d


ILLNESSES = ("尿毒症", "恶性肿瘤", "脑梗死后遗症", "慢性心力衰竭", "重症肌无力", "白血病", "肝硬化")
CHRONIC = ("高血压", "糖尿病", "慢性支气管炎", "类风湿性关节炎", "冠心病")
DIS_CATS = (("肢体", "4"), ("视力", "1"), ("智力", "5"), ("精神", "6"), ("听力", "2"), ("言语", "3"), ("多重", "7"))
GRADES = (("一级", "1"), ("二级", "2"), ("三级", "3"), ("四级", "4"))


def _birth(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(0, 365))


class FamilyMaker:
    """Draws a family for a household scenario; names are unique within the household."""

    def __init__(self, rng: random.Random, loc: Locality, ids: IdIssuer, ref: dt.date):
        self.rng = rng
        self.loc = loc
        self.ids = ids
        self.ref = ref   # the application date: ages are taken there

    def _name(self, surname: str, male: bool, birth_year: int, used: set[str]) -> str:
        for _ in range(50):
            n = surname + _given(self.rng, male, birth_year)
            if n not in used:
                used.add(n)
                return n
        n = surname + _given(self.rng, male, birth_year) + "二"
        used.add(n)
        return n

    def person(self, surname: str, male: bool, birth_year: int, relation: str, used: set[str]) -> Person:
        birth = _birth(self.rng, birth_year)
        p = Person(self._name(surname, male, birth_year, used), male, birth, relation)
        p.id_number = self.ids.issue(birth, male, local=relation not in ("配偶", "儿媳") or self.rng.random() < 0.7)
        return p

    def make_disabled(self, p: Person) -> None:
        cat, cd = self.rng.choice(DIS_CATS)
        grade, gd = self.rng.choice(GRADES[:3])
        p.health = "残疾"
        p.disability = {"category": cat, "grade": grade, "certificate_no": f"{p.id_number}{cd}{gd}"}
        p.personnel_category = "重残" if grade in ("一级", "二级") else "残疾人"
        p.labor_capable = False
        if p.occupation in (None, "灵活就业人员", "未登记失业人员"):
            p.occupation = "其他人员"

    def make_ill(self, p: Person) -> None:
        p.health = "重病"
        p.illness = self.rng.choice(ILLNESSES)
        p.personnel_category = "重病"
        p.labor_capable = False
        if p.occupation in (None, "灵活就业人员", "未登记失业人员"):
            p.occupation = "其他人员"

    def family(self, kind: str, surname: str | None = None) -> list[Person]:
        """kind: couple_ill, disabled, student, elderly, single_parent, single (特困)."""
        rng = self.rng
        used: set[str] = set()
        sur = surname or rng.choice(SURNAMES)
        y = self.ref.year
        out: list[Person] = []
        if kind == "single":
            head = self.person(sur, rng.random() < 0.65, y - rng.randint(62, 88), "本人", used)
            head.marital = rng.choice(("未婚", "丧偶", "丧偶", "离异"))
            if rng.random() < 0.35:
                self.make_disabled(head)
            else:
                head.health = rng.choice(("体弱", "慢性病"))
                if head.health == "慢性病":
                    head.illness = rng.choice(CHRONIC)
                head.personnel_category = "老年人"
            head.occupation = "老年人" if head.age(self.ref) >= 60 else "其他人员"
            head.labor_capable = False
            return [head]
        if kind == "elderly":
            head = self.person(sur, True, y - rng.randint(66, 82), "本人", used)
            wife = self.person(rng.choice(SURNAMES), False, head.birth.year + rng.randint(-1, 5), "配偶", used)
            head.marital = wife.marital = "已婚"
            for p in (head, wife):
                p.occupation = "老年人"
                p.labor_capable = False
                p.personnel_category = "老年人"
                p.health = rng.choice(("体弱", "慢性病", "健康"))
                if p.health == "慢性病":
                    p.illness = rng.choice(CHRONIC)
            if rng.random() < 0.4:
                self.make_disabled(rng.choice((head, wife)))
            return [head, wife]
        male_head = kind != "single_parent" or rng.random() < 0.3
        head = self.person(sur, male_head, y - rng.randint(42 if kind == "student" else 36, 55), "本人", used)
        out.append(head)
        head.occupation = rng.choice(("灵活就业人员", "未登记失业人员", "其他人员")) if head.male else "其他人员"
        head.labor_capable = True
        if kind != "single_parent":
            sp = self.person(rng.choice(SURNAMES), not head.male, head.birth.year + rng.randint(-2, 4), "配偶", used)
            head.marital = sp.marital = "已婚"
            sp.occupation = rng.choice(("灵活就业人员", "其他人员"))
            sp.labor_capable = True
            out.append(sp)
        else:
            head.marital = rng.choice(("离异", "丧偶"))
            head.personnel_category = "单亲家庭"
        n_kids = rng.choice((1, 1, 2, 2, 3)) if kind != "student" else rng.choice((1, 2))
        for i in range(n_kids):
            kmale = rng.random() < 0.5
            kid_year = head.birth.year + rng.randint(22, 32) + 2 * i
            if kind == "student" and i == 0:
                kid_year = y - rng.randint(16, 20)     # at senior high school or college (the head is 42+)
            kid_year = min(kid_year, y - 1)
            kid = self.person(sur, kmale, kid_year, "子" if kmale else "女", used)
            age = kid.age(self.ref)
            kid.marital = "未婚"
            if age < 6:
                kid.occupation = "学龄前儿童"
                kid.personnel_category = "未成年人"
            elif age < 19:
                kid.occupation = "在校学生"
                kid.education = "小学" if age < 12 else ("初中" if age < 15 else "高中")
                kid.employer = self.loc.school if age >= 12 else f"{self.loc.town}中心小学"
                kid.personnel_category = "未成年人"
            elif age <= 21 and (kind == "student" or rng.random() < 0.5):
                kid.occupation = "在校学生"
                kid.education = "大学"
                kid.employer = self.loc.college
            else:
                kid.occupation = "灵活就业人员"
                kid.labor_capable = True
            kid.labor_capable = kid.labor_capable or False
            out.append(kid)
        if kind == "couple_ill":
            self.make_ill(rng.choice(out[:2]) if len(out) > 1 else head)
        elif kind == "disabled":
            self.make_disabled(rng.choice(out))
        if rng.random() < 0.3 and head.age(self.ref) < 50:
            # an aged parent lives with the family
            par = self.person(sur, rng.random() < 0.4, head.birth.year - rng.randint(24, 32), "父亲", used)
            par.relation = "父亲" if par.male else "母亲"
            par.marital = "丧偶"
            par.occupation = "老年人"
            par.labor_capable = False
            par.health = rng.choice(("体弱", "慢性病"))
            if par.health == "慢性病":
                par.illness = rng.choice(CHRONIC)
            out.append(par)
        return out

    def obligors(self, members: list[Person], able: bool) -> list[dict]:
        """Adult children living apart (分户子女) of an elderly head."""
        rng = self.rng
        head = members[0]
        used = {m.name for m in members}
        out = []
        for _ in range(rng.choice((1, 1, 2))):
            male = rng.random() < 0.5
            p = self.person(head.name[0], male, head.birth.year + rng.randint(22, 30), "子" if male else "女", used)
            income = rng.randrange(18000, 42000, 600)
            support = rng.choice((1200, 1800, 2400, 3000, 3600)) if able else 0
            d = {"name": p.name, "sex": "男" if male else "女", "id_number": p.id_number,
                 "birth_date": p.birth.isoformat(), "relation": p.relation, "marital": "已婚",
                 "health": "健康" if able else rng.choice(("重病", "残疾")),
                 "occupation": rng.choice(("外出务工", "个体经营", "灵活就业")) if able else "无业",
                 "employer": rng.choice(("广东东莞某电子厂", "长沙某建筑公司", "本地个体户", "浙江义乌某物流公司")) if able else None,
                 "annual_income": f"{income if able else rng.randrange(3000, 8000, 100)}.00",
                 "support_per_year": f"{support}.00", "able_to_support": able,
                 "hardship_type": "无" if able else "低保"}
            out.append({k: v for k, v in d.items() if v is not None})
        return out


def housing(rng: random.Random, urban: bool) -> dict:
    if urban:
        return {"category": rng.choice(("自有住房", "租住")), "nature": rng.choice(("自有私房", "租用公房", "租用私房")),
                "area": f"{rng.randrange(32, 78)}.{rng.choice(('0', '5'))}", "rooms": rng.randint(1, 3), "floors": 1,
                "structure": "砖混", "built_year": rng.randint(1985, 2008), "dangerous": False, "decoration": "简单装修"}
    return {"category": "自有住房", "nature": "自有私房", "area": f"{rng.randrange(60, 160)}.0",
            "rooms": rng.randint(2, 6), "floors": rng.choice((1, 1, 2)),
            "structure": rng.choice(("砖混", "砖木", "土木")), "built_year": rng.randint(1978, 2012),
            "dangerous": False, "decoration": rng.choice(("无装修", "简单装修"))}


def property_(rng: random.Random, urban: bool, address: str, head: str, plate: str, car: bool = False) -> dict:
    d: dict = {"deposits": f"{rng.randrange(0, 9000, 100)}.00", "securities": "0.00", "claims": "0.00",
               "houses": [], "vehicles": [],
               "appliances": rng.choice(("电视机、电冰箱", "电视机、洗衣机", "电视机", "电视机、电冰箱、洗衣机"))}
    if not urban or rng.random() < 0.4:
        d["houses"].append({"address": address, "area": f"{rng.randrange(40, 150)}.0",
                            "nature": "自有私房" if not urban else "商品房",
                            "source": "自建房" if not urban else "自购房"})
    if car:
        d["vehicles"].append({"owner": head, "model": "小型轿车", "plate": plate + "".join(rng.choice("0123456789ABCDEFGHJK") for _ in range(5)),
                              "displacement": "1.5L", "purchased": f"{rng.randint(2019, 2020)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                              "price": f"{rng.randrange(80000, 150000, 1000)}.00"})
    return d


def phone(rng: random.Random) -> str:
    return rng.choice(("138", "139", "150", "151", "155", "177", "186", "189")) + "".join(
        str(rng.randrange(10)) for _ in range(8))
