"""Synthetic scans for the demo workspace and tests.

Pages look like photocopies of what clerks scan (户口簿 登记卡, 身份证 front and
back, 残疾人证, 疾病诊断证明书, 学籍证明, 照料护理协议, 银行卡/存折, a signed and
stamped form), plus a watermarked home-visit photo and a 家庭经济状况信息核对报告
PDF with a real text layer.  Text is drawn with Noto CJK SC so tesseract chi_sim
reads it back.  Everything is deterministic for a given seed and small: A4 at
150 dpi (1240×1754), JPEG quality 70, grey where a photocopy would be grey.

Kinds are the attachment types of archive.records.model (ATTACHMENT_TYPES).
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import img2pdf
from PIL import Image, ImageDraw

from archive.errors import InputError
from archive.fsutil import atomic_write_bytes
from archive.ids import check_char
from archive.sample.draw import W, Page, draw_text, photocopy, text_width

KINDS = ("户口簿", "身份证", "残疾证", "疾病诊断证明", "学籍证明", "入户照片", "核对报告", "照料护理协议", "银行卡", "签字表",
         "公示照片", "发放花名册")
FORMATS = ("jpeg", "png", "pdf")

DPI = 150
JPEG_QUALITY = 70


# ----------------------------------------------------------------------------- people and places


@dataclass
class _Person:
    name: str
    sex: str
    ethnicity: str
    birth: dt.date
    id_number: str
    relation: str
    extra: dict = field(default_factory=dict)


def _person(m: dict, seed: int) -> _Person:
    """The member as drawn; a missing birth date or ID number is made up, the same one on every page."""
    rng = random.Random(f"{seed}|{m.get('name')}|{m.get('birth_date')}")
    birth = m.get("birth_date")
    if isinstance(birth, str):
        birth = dt.date.fromisoformat(birth)
    idn = m.get("id_number") or ""
    if birth is None:
        birth = dt.date(1950 + rng.randrange(60), rng.randrange(1, 13), rng.randrange(1, 29))
    if not idn:
        first17 = f"4207{rng.randrange(100):02d}{birth:%Y%m%d}{rng.randrange(100):02d}"
        first17 += str(rng.randrange(1, 10, 2) if m.get("sex", "男") == "男" else rng.randrange(0, 10, 2))
        idn = first17 + check_char(first17)
    return _Person(m.get("name") or "张三", m.get("sex") or "男", m.get("ethnicity") or "汉族", birth, idn,
                   m.get("relation") or "本人", m)


def _place(hh: dict) -> dict:
    members = hh.get("members") or []
    head = hh.get("head") or hh.get("head_name") or next(
        (m.get("name") for m in members if m.get("relation") == "本人"), None) or (members[0]["name"] if members else "张三")
    if isinstance(head, dict):
        head = head.get("name", "张三")
    address = hh.get("address") or ""
    if isinstance(address, dict):
        address = address.get("residence") or address.get("registered") or ""
    county, town, village = hh.get("county") or "某某县", hh.get("town") or "某某镇", hh.get("village") or "某某村"
    return {"case_no": str(hh.get("case_no") or "000000"), "head": head, "county": county, "town": town,
            "village": village, "province": hh.get("province") or "", "address": address or f"{county}{town}{village}",
            "bank": hh.get("bank_account") or {}}


def _head_member(hh: dict) -> dict:
    for m in hh.get("members") or []:
        if m.get("relation") == "本人":
            return m
    return {"name": _place(hh)["head"], "relation": "本人"}


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# ----------------------------------------------------------------------------- kinds


def _hukou(p: Page, pl: dict, who: _Person | None, year: int):
    y0 = 150
    if who is None:  # 户主页
        p.title(y0, "居民户口簿", 64)
        p.text((W // 2, y0 + 100), "户  主  页", 40, anchor="mt")
        rows = [[("户别", 2), ("农业家庭户口" if "村" in pl["village"] else "非农业家庭户口", 3), ("户主姓名", 2), (pl["head"], 3)],
                [("户号", 2), (pl["case_no"][-9:].rjust(9, "0"), 3), ("登记日期", 2), (f"{year - 8}年3月12日", 3)],
                [("住址", 2), (pl["address"], 8)]]
        y = p.table(100, y0 + 200, W - 200, rows, row_h=90, size=32)
        p.text((180, y + 80), "户口登记机关盖章", 30)
        p.stamp((360, y + 260), f"{pl['county']}公安局{pl['town']}派出所", 120, "户口专用章")
        p.text((760, y + 80), "承办人签章：", 30)
        p.signature((960, y + 120), "刘建国", 46)
        return
    p.title(y0, "常住人口登记卡", 60)
    birthplace = f"{pl['province']}{pl['county']}"
    rows = [[("姓名", 2), (who.name, 3), ("户主或与户主关系", 2), (who.relation if who.relation != "本人" else "户主", 3)],
            [("曾用名", 2), ("", 3), ("性别", 2), (who.sex, 3)],
            [("出生地", 2), (birthplace, 3), ("民族", 2), (who.ethnicity, 3)],
            [("籍贯", 2), (birthplace, 3), ("出生日期", 2), (_cn_date(who.birth), 3)],
            [("本市（县）其他住址", 2), ("", 3), ("宗教信仰", 2), ("", 3)],
            [("公民身份号码", 2), (who.id_number, 3), ("身高", 2), (f"{who.extra.get('height', 165)}厘米", 3)],
            [("文化程度", 2), (who.extra.get("education") or "初中", 3), ("婚姻状况", 2), (who.extra.get("marital") or "已婚", 3)],
            [("兵役状况", 2), ("", 3), ("服务处所", 2), (who.extra.get("employer") or "", 3)],
            [("职业", 2), (who.extra.get("occupation") or "农民", 3), ("血型", 2), ("", 3)],
            [("住址", 2), (pl["address"], 8)],
            [("何时由何地迁来本市（县）", 2), ("", 8)],
            [("何时由何地迁来本址", 2), ("", 8)]]
    y = p.table(90, y0 + 120, W - 180, rows, row_h=92, size=32)
    p.text((120, y + 60), "承办人签章：", 30)
    p.signature((330, y + 100), "王丽", 44)
    p.text((700, y + 60), f"登记日期：{year - 8}年3月12日", 30)
    p.stamp((900, y + 220), f"{pl['county']}公安局{pl['town']}派出所", 115, "户口专用章")


def _card(p: Page, box, radius=36):
    p.d.rounded_rectangle(box, radius=radius, outline=p.ink, width=3)


def _id_card(p: Page, pl: dict, who: _Person, year: int):
    p.text((W // 2, 110), "居民身份证复印件", 40, bold=True, anchor="mt")
    x0, y0, cw, ch = 215, 220, 810, 510
    _card(p, [x0, y0, x0 + cw, y0 + ch])
    p.d.rectangle([x0 + 560, y0 + 70, x0 + 770, y0 + 330], fill=200)  # photo
    p.d.ellipse([x0 + 615, y0 + 110, x0 + 715, y0 + 220], fill=120)
    p.d.pieslice([x0 + 575, y0 + 220, x0 + 755, y0 + 400], 180, 360, fill=120)
    fields = [("姓名", who.name), ("性别", f"{who.sex}      民族  {who.ethnicity.removesuffix('族')}"),
              ("出生", f"{who.birth.year}  年  {who.birth.month}  月  {who.birth.day}  日")]
    for k, (lab, val) in enumerate(fields):
        p.text((x0 + 50, y0 + 70 + k * 70), lab, 28, serif=False, fill=110)
        p.text((x0 + 140, y0 + 66 + k * 70), val, 34 if k == 0 else 30, serif=False)
    p.text((x0 + 50, y0 + 280), "住址", 28, serif=False, fill=110)
    p.para(x0 + 140, y0 + 276, pl["address"], 400, size=28, spacing=1.4, indent=0)
    p.text((x0 + 50, y0 + 440), "公民身份号码", 28, serif=False, fill=110)
    p.text((x0 + 260, y0 + 434), who.id_number, 38, serif=False)
    y1 = y0 + ch + 120
    _card(p, [x0, y1, x0 + cw, y1 + ch])
    p.d.ellipse([x0 + 50, y1 + 50, x0 + 200, y1 + 200], outline=p.ink, width=4)
    p.text((x0 + 480, y1 + 90), "中华人民共和国", 50, bold=True, anchor="mt")
    p.text((x0 + 480, y1 + 190), "居民身份证", 72, bold=True, anchor="mt")
    start = dt.date(max(who.birth.year + 16, year - 6), who.birth.month, min(who.birth.day, 28))
    end = "长期" if (start.year - who.birth.year) >= 46 else f"{start.year + 20}.{start.month:02d}.{start.day:02d}"
    p.text((x0 + 80, y1 + 360), "签发机关", 28, serif=False, fill=110)
    p.text((x0 + 230, y1 + 356), f"{pl['county']}公安局", 30, serif=False)
    p.text((x0 + 80, y1 + 430), "有效期限", 28, serif=False, fill=110)
    p.text((x0 + 230, y1 + 426), f"{start:%Y.%m.%d}-{end}", 30, serif=False)
    p.text((W // 2, y1 + ch + 90), "此复印件仅供低保审核使用", 30, anchor="mt")


_DISABILITY_CODES = ("视力", "听力", "言语", "肢体", "智力", "精神", "多重")


def _disability(p: Page, pl: dict, who: _Person, year: int):
    dis = who.extra.get("disability") or {}
    cat = dis.get("category") or p.rng.choice(("肢体", "视力", "智力", "精神"))
    grade = dis.get("grade") or p.rng.choice(("一级", "二级", "三级"))
    code = _DISABILITY_CODES.index(cat) + 1 if cat in _DISABILITY_CODES else 4  # 第二代残疾人证: ID + 类别 + 等级
    cert = dis.get("certificate_no") or f"{who.id_number}{code}{'一二三四'.index(grade[0]) + 1}"
    _card(p, [110, 120, W - 110, 1500], 20)
    p.title(200, "中华人民共和国残疾人证", 54)
    p.d.rectangle([W - 380, 330, W - 190, 580], fill=205)
    rows = [[("姓名", 2), (who.name, 3)], [("性别", 2), (who.sex, 3)], [("出生日期", 2), (_cn_date(who.birth), 3)],
            [("民族", 2), (who.ethnicity, 3)]]
    y = p.table(190, 330, 640, rows, row_h=64, size=30)
    rows = [[("身份证号", 2), (who.id_number, 6)], [("残疾证号", 2), (cert, 6)],
            [("残疾类别", 2), (f"{cat}残疾", 2), ("残疾等级", 2), (grade, 2)],
            [("住址", 2), (pl["address"], 6)], [("监护人", 2), ("", 2), ("联系电话", 2), ("", 2)],
            [("发证机关", 2), (f"{pl['county']}残疾人联合会", 6)], [("发证日期", 2), (_cn_date(dt.date(year - 2, 6, 18)), 6)]]
    y = p.table(190, y + 40, W - 380, rows, row_h=72, size=30)
    p.stamp((880, y + 170), f"{pl['county']}残疾人联合会", 120)


def _scan_doc(p: Page, org: str, title: str, paras: list[str], year: int, sign: tuple[str, str] | None = None,
              table: list | None = None, stamp: str | None = None, date: dt.date | None = None, table_first=True):
    """A letter-like document: organisation, title, paragraphs, table, signature, stamp and date."""
    if org:
        p.text((W // 2, 120), org, 40, bold=True, anchor="mt")
    p.title(220 if org else 150, title, 54)
    y = 360
    if table and table_first:
        y = p.table(110, y, W - 220, table, row_h=76, size=30) + 50
    for s in paras:
        y = p.para(120, y, s, W - 240) + 10
    if table and not table_first:
        y = p.table(110, y + 20, W - 220, table, row_h=76, size=30) + 50
    date = date or dt.date(year, 1 + p.rng.randrange(11), 1 + p.rng.randrange(27))
    y = max(y + 60, 1250)
    if sign:
        p.text((120, y), f"{sign[0]}：", 32)
        p.signature((120 + int(text_width(sign[0], 32)) + 70, y + 50), sign[1])
    p.text((W - 130, y + 140), stamp or org, 32, anchor="ra")
    p.text((W - 130, y + 200), _cn_date(date), 32, anchor="ra")
    p.stamp((W - 300, y + 150), stamp or org, 120)


_ILLNESSES = ("脑梗死后遗症", "2型糖尿病", "慢性阻塞性肺疾病", "慢性肾功能衰竭（尿毒症期）", "高血压病3级", "类风湿性关节炎")


def _diagnosis(p: Page, pl: dict, who: _Person, year: int):
    illness = who.extra.get("illness") or p.rng.choice(_ILLNESSES)
    age = year - who.birth.year
    table = [[("姓名", 2), (who.name, 3), ("性别", 2), (who.sex, 2), ("年龄", 2), (f"{age}岁", 2)],
             [("科别", 2), (p.rng.choice(("内科", "神经内科", "肾内科", "心血管内科")), 3), ("住院号", 2),
              (str(p.rng.randrange(100000, 999999)), 6)],
             [("住址", 2), (pl["address"], 13)]]
    paras = [f"诊断：{illness}。", f"该患者于{year}年在我院就诊，经检查确诊为{illness}，需长期服药治疗，定期复查。",
             "医嘱：注意休息，避免劳累，遵医嘱规律用药，不适随诊。", "（此证明仅供办理社会救助使用，涂改无效）"]
    _scan_doc(p, f"{pl['county']}人民医院", "疾病诊断证明书", paras, year, ("医师签名", p.rng.choice(("陈明", "李华", "赵强"))),
              table, f"{pl['county']}人民医院")


def _school(p: Page, pl: dict, who: _Person, year: int):
    age = year - who.birth.year
    school, grade = ((f"{pl['town']}中心小学", f"{max(1, age - 6)}年级") if age < 13 else
                     (f"{pl['county']}第一中学", f"{'初' if age < 16 else '高'}{['一', '二', '三'][min(2, (age - 13) % 3)]}"))
    paras = [f"兹证明{who.name}，性别{who.sex}，{_cn_date(who.birth)}出生，公民身份号码{who.id_number}，"
             f"系我校{grade}在校学生，学籍号G{who.id_number}，现正常在校就读。",
             f"家庭住址：{pl['address']}。", "特此证明。"]
    _scan_doc(p, "", "学籍证明", paras, year, None, None, school, dt.date(year, 9, 10))


def _care(p: Page, pl: dict, who: _Person, year: int):
    carer = p.rng.choice(("王秀英", "李桂兰", "张国富", "刘德明"))
    paras = [f"甲方（供养机构）：{pl['town']}人民政府", f"乙方（照料护理人）：{carer}",
             f"丙方（分散供养特困人员）：{who.name}，公民身份号码{who.id_number}，住{pl['address']}。",
             f"为保障分散供养特困人员基本生活，经三方协商，签订本协议。一、乙方负责丙方的日常生活照料，"
             f"包括饮食起居、清洁卫生、送医陪护等，每周入户不少于两次。二、甲方按每月{p.rng.choice((200, 300, 360))}元"
             f"的标准支付照料护理费。三、协议期限为{year}年1月1日至{year}年12月31日。四、本协议一式三份，三方各执一份。"]
    _scan_doc(p, "", "分散供养特困人员照料护理协议", paras, year, ("乙方签字", carer), None,
              f"{pl['town']}人民政府", dt.date(year, 1, 5))


def _bank(p: Page, pl: dict, who: _Person, year: int):
    bank = pl["bank"].get("bank") or p.rng.choice(("湖北农商银行", "中国邮政储蓄银行", "农村信用合作社"))
    number = pl["bank"].get("card_number") or "6217" + "".join(str(p.rng.randrange(10)) for _ in range(15))
    holder = pl["bank"].get("holder") or who.name
    p.text((W // 2, 110), "银行卡（存折）复印件", 40, bold=True, anchor="mt")
    x0, y0 = 215, 220
    _card(p, [x0, y0, x0 + 810, y0 + 510])
    p.text((x0 + 50, y0 + 50), bank, 44, bold=True)
    p.d.rounded_rectangle([x0 + 60, y0 + 150, x0 + 170, y0 + 230], radius=10, outline=p.ink, width=3)  # chip
    p.text((x0 + 60, y0 + 290), " ".join(number[i:i + 4] for i in range(0, len(number), 4)), 46, serif=False)
    p.text((x0 + 60, y0 + 400), "银联  UnionPay", 30, serif=False)
    y1 = y0 + 640
    p.d.rectangle([x0 - 60, y1, x0 + 870, y1 + 600], outline=p.ink, width=3)
    p.title(y1 + 40, f"{bank}  活期存折", 44)
    rows = [[("户名", 2), (holder, 5)], [("账号", 2), (number, 5)], [("开户网点", 2), (f"{pl['town']}支行", 5)],
            [("开户日期", 2), (_cn_date(dt.date(year - 3, 4, 2)), 5)]]
    p.table(x0, y1 + 150, 810, rows, row_h=80, size=32)
    p.stamp((x0 + 650, y1 + 480), f"{bank}{pl['town']}支行", 95, "业务专用章")


def _roster(p: Page, pl: dict, who: _Person, year: int, title: str | None):
    """This household's line of the year's 低保金发放花名册 (signed for by the payee), its months and total in `title`."""
    bank = pl["bank"]
    number = bank.get("card_number") or ""
    p.title(110, f"{pl['town']}{year}年度救助金社会化发放花名册（本户）", 40)
    rows = [[("村（社区）", 2), (pl.get("village", ""), 3), ("户主", 2), (who.name, 3)],
            [("开户银行", 2), (bank.get("bank", ""), 3), ("卡号", 2), (f"****{number[-4:]}" if number else "", 3)],
            [("发放情况", 2), (title or "", 8)]]
    p.table(120, 260, 1000, rows, row_h=90, size=30)
    p.text((160, 620), "领款人签字：" + who.name, 32)
    p.stamp((900, 700), f"{pl['town']}人民政府", 95, "民政办公室")


def _signed_form(p: Page, pl: dict, who: _Person, year: int, title: str | None):
    title = title or "入户调查表"
    rows = [[("申请人", 2), (who.name, 3), ("公民身份号码", 2), (who.id_number, 4)],
            [("家庭住址", 2), (pl["address"], 9)],
            [("调查时间", 2), (_cn_date(dt.date(year, 3, 1 + p.rng.randrange(27))), 3), ("对象编号", 2), (pl["case_no"], 4)],
            [("家庭人口", 2), (f"{p.rng.randrange(1, 6)}人", 3), ("住房情况", 2), ("自有砖混房屋", 4)],
            [("收入情况", 2), ("主要靠务农和转移性收入", 9)],
            [("综合困难情况", 2), ("家庭成员患病，缺乏劳动能力，生活困难", 9)]]
    p.text((100, 130), f"{pl['town']}{pl['village']}", 30)
    p.title(200, title, 54)
    y = p.table(90, 320, W - 180, rows, row_h=110, size=30)
    y = p.para(100, y + 60, "以上情况经入户调查核实，与申请材料一致。申请人对所填内容的真实性负责。", W - 200) + 40
    for k, (label, name) in enumerate((("申请人签名", who.name), ("调查人员签名", "李明"), ("调查人员签名", "周红"))):
        p.text((120, y + k * 130), f"{label}：", 32)
        p.signature((360, y + k * 130 + 45), name)
    p.text((W - 130, y + 300), f"{pl['town']}人民政府", 32, anchor="ra")
    p.text((W - 130, y + 360), _cn_date(dt.date(year, 3, 28)), 32, anchor="ra")
    p.stamp((W - 330, y + 310), f"{pl['town']}人民政府", 125)


_WEEKDAYS = "一二三四五六日"


@lru_cache(maxsize=2)
def _gradient(w: int, h: int) -> Image.Image:
    """The light falling across a photo's wall (the same in every photo; read only)."""
    return Image.linear_gradient("L").resize((w, h)).convert("RGB")


def _visit_photo(rng: random.Random, pl: dict, year: int) -> Image.Image:
    """A home-visit photo (room, furniture, two people) with a 今日水印相机-style watermark."""
    w, h = 1280, 960
    wall = tuple(rng.randrange(170, 225) for _ in range(3))
    img = Image.blend(Image.new("RGB", (w, h), wall), _gradient(w, h), 0.25)
    d = ImageDraw.Draw(img)
    d.polygon([(0, h * 0.68), (w, h * 0.64), (w, h), (0, h)], fill=(120, 100, 80))
    d.rectangle([w * 0.6, h * 0.15, w * 0.85, h * 0.45], fill=(200, 220, 235), outline=(90, 80, 70), width=8)
    d.rectangle([w * 0.08, h * 0.5, w * 0.45, h * 0.78], fill=(95, 60, 40))  # table
    d.rectangle([w * 0.05, h * 0.35, w * 0.2, h * 0.5], fill=(60, 60, 65))  # cupboard
    for px, shirt in ((w * 0.55, (40, 60, 120)), (w * 0.72, (150, 40, 40))):
        d.ellipse([px - 45, h * 0.28, px + 45, h * 0.4], fill=(215, 180, 150))
        d.rounded_rectangle([px - 80, h * 0.4, px + 80, h * 0.85], radius=30, fill=shirt)
    img = img.reduce(4).resize((w, h), Image.Resampling.BILINEAR)  # soften like a phone photo
    when = dt.datetime(year, 1 + rng.randrange(12), 1 + rng.randrange(28), 8 + rng.randrange(9), rng.randrange(60))
    return _watermark(img, when, "入户调查", [f"{pl['county']}·{pl['town']}{pl['village']}",
                                              f"户主：{pl['head']}  编号：{pl['case_no']}"])


def _watermark(img: Image.Image, when: dt.datetime, label: str, lines: list[str]) -> Image.Image:
    """A 今日水印相机-style stamp: time, date and weekday, a label, a few lines, the app's name."""
    w, h = img.size
    top = h - 30 - 190 - 55 * len(lines)
    ov = Image.new("L", (w, h), 0)
    ImageDraw.Draw(ov).rounded_rectangle([30, top, 720, h - 30], radius=16, fill=150)
    img.paste((30, 30, 30), (0, 0), ov)
    d = ImageDraw.Draw(img)
    d.rectangle([30, top, 46, h - 30], fill=(250, 200, 40))
    white = (255, 255, 255)
    draw_text(img, (70, top + 10), f"{when:%H:%M}", 88, white, serif=False, bold=True)
    draw_text(img, (330, top + 30), f"{when:%Y-%m-%d}  星期{_WEEKDAYS[when.weekday()]}", 32, white, serif=False)
    d.rounded_rectangle([330, top + 80, 490, top + 125], radius=8, fill=(250, 200, 40))
    draw_text(img, (410, top + 102), label, 30, (30, 30, 30), serif=False, bold=True, anchor="mm")
    for k, line in enumerate(lines):
        draw_text(img, (70, top + 160 + 55 * k), line, 34 if k == 0 else 30, white, serif=False)
    draw_text(img, (w - 30, h - 70), "今日水印相机", 26, white, serif=False, bold=True, anchor="ra")
    return img


def _notice_photo(rng: random.Random, pl: dict, year: int, title: str | None) -> Image.Image:
    """A photo of a publicity notice on the village board (no names readable), watermarked like 入户照片."""
    w, h = 1280, 960
    wall = tuple(rng.randrange(150, 200) for _ in range(3))
    img = Image.blend(Image.new("RGB", (w, h), wall), _gradient(w, h), 0.3)
    d = ImageDraw.Draw(img)
    d.rectangle([w * 0.12, h * 0.06, w * 0.88, h * 0.62], fill=(40, 90, 60), outline=(70, 60, 50), width=14)  # board
    d.rectangle([w * 0.22, h * 0.1, w * 0.78, h * 0.6], fill=(246, 246, 240))                                 # notice
    draw_text(img, (w // 2, int(h * 0.16)), title or "公示", 40, (170, 20, 20), bold=True, anchor="mm")
    for k in range(9):   # unreadable lines of the list (a phone photo from a few metres)
        y = h * 0.23 + k * 30
        d.rectangle([w * 0.27, y, w * (0.73 - 0.05 * (k % 3)), y + 8], fill=(120, 120, 120))
    d.ellipse([w * 0.62, h * 0.47, w * 0.72, h * 0.58], outline=(200, 30, 30), width=6)   # the seal
    img = img.reduce(4).resize((w, h), Image.Resampling.BILINEAR)
    when = dt.datetime(year, 1 + rng.randrange(12), 1 + rng.randrange(28), 8 + rng.randrange(9), rng.randrange(60))
    if pl.get("date"):
        when = dt.datetime.combine(pl["date"], dt.time(9 + rng.randrange(8), rng.randrange(60)))
    return _watermark(img, when, "张榜公示", [f"{pl['county']}·{pl['town']}{pl['village']}"])


# ----------------------------------------------------------------------------- 核对报告


def _report_content(pl: dict, who: _Person, year: int, rng: random.Random):
    no = f"HD{year}{rng.randrange(10**7):07d}"
    intro = (f"受{pl['county']}民政局委托，{pl['county']}居民家庭经济状况核对中心于{year}年"
             f"{1 + rng.randrange(11)}月对申请人{who.name}（公民身份号码{who.id_number}）家庭的经济状况进行了信息核对，结果如下。")
    items = [("户籍信息", f"户主{pl['head']}，住址{pl['address']}"), ("社会保险", "城乡居民基本养老保险，月领取待遇" + str(rng.randrange(100, 200)) + "元"),
             ("住房公积金", "未发现缴存记录"), ("机动车辆", "未发现登记车辆"), ("不动产", "未发现商品房登记"),
             ("工商登记", "未发现注册企业或个体工商户"), ("银行存款", f"合计{rng.randrange(200, 5000)}元"),
             ("财政供养", "未发现财政供养人员")]
    return no, intro, items


def report_pdfs(items, font_cache: Path | None = None) -> list[bytes]:
    """核对报告 PDFs (born-digital, with a text layer), one per (household, member, year, seed) in items
    (member None: the household head).

    They are drawn as one fpdf2 document and split into one file each, so the CJK font is
    subset once for several reports instead of once a file (subsetting is most of the
    ~0.2–0.5 s a file took); each file is the report as the 核对系统 exports it, with a font
    subset that may hold a few more glyphs than its own page needs.
    """
    import pypdf
    from fpdf import FPDF

    from archive.pdffont import add_font

    items = list(items)
    pdf = FPDF(format="A4")
    pdf.set_creation_date(dt.datetime(items[0][2], 1, 1, tzinfo=dt.timezone.utc))
    add_font(pdf, "NotoSerifSC", font_cache)  # Noto Serif CJK SC, prepared once (archive/pdffont.py)
    pdf.set_margins(20, 20, 20)
    spans = []
    for household, member, year, seed in items:
        pl = _place(household)
        rng = random.Random(f"{seed}|核对报告|{pl['case_no']}|{year}")
        first = pdf.page
        _report_page(pdf, pl, _person(member or _head_member(household), seed), year, rng)
        spans.append(range(first, pdf.page))
    data = bytes(pdf.output())
    if len(items) == 1:
        return [data]
    reader = pypdf.PdfReader(io.BytesIO(data))
    out = []
    for (_, _, year, _), span in zip(items, spans):
        w = pypdf.PdfWriter()
        for i in span:
            w.add_page(reader.pages[i])
        w.add_metadata({"/Producer": str((reader.metadata or {}).get("/Producer") or "fpdf2"),
                        "/CreationDate": f"D:{year}0101000000Z"})
        buf = io.BytesIO()
        w.write(buf)
        out.append(buf.getvalue())
    return out


def _report_page(pdf, pl: dict, who: _Person, year: int, rng: random.Random) -> None:
    no, intro, items = _report_content(pl, who, year, rng)
    pdf.add_page()
    pdf.set_font("NotoSerifSC", size=20)
    pdf.cell(0, 14, "家庭经济状况信息核对报告", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("NotoSerifSC", size=11)
    pdf.cell(0, 8, f"报告编号：{no}    对象编号：{pl['case_no']}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.multi_cell(0, 7, intro)
    pdf.ln(4)
    with pdf.table(col_widths=(1, 3), text_align="LEFT", line_height=8, first_row_as_headings=False) as table:
        table.row(("核对项目", "核对结果"))
        for item in items:
            table.row(item)
    pdf.ln(8)
    pdf.multi_cell(0, 7, "本报告仅反映核对时点相关部门提供的信息，供社会救助审核确认使用，不得用于其他用途。")
    pdf.ln(10)
    pdf.cell(0, 8, f"{pl['county']}居民家庭经济状况核对中心", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, _cn_date(dt.date(year, 3, 15)), align="R")


def _report_image(p: Page, pl: dict, who: _Person, year: int):
    no, intro, items = _report_content(pl, who, year, p.rng)
    _scan_doc(p, f"报告编号：{no}", "家庭经济状况信息核对报告", [intro], year, None,
              [[("核对项目", 2), ("核对结果", 6)]] + [[(a, 2), (b, 6)] for a, b in items],
              f"{pl['county']}居民家庭经济状况核对中心", dt.date(year, 3, 15), table_first=False)


# ----------------------------------------------------------------------------- public API


def render(kind: str, *, household: dict, member: dict | None = None, year: int | None = None, seed: int = 0,
           title: str | None = None) -> Image.Image:
    """The page (or photo) image of a synthetic scan, before encoding."""
    if kind not in KINDS:
        raise InputError(f"不认识的材料类型“{kind}”", field="kind", hint="可用的类型：" + "、".join(KINDS))
    year = year or dt.date.today().year
    pl = _place(household)
    rng = random.Random(f"{seed}|{kind}|{pl['case_no']}|{(member or {}).get('name', '')}|{year}")
    if kind == "入户照片":
        return _visit_photo(rng, pl, year)
    if kind == "公示照片":
        return _notice_photo(rng, {**pl, "date": household.get("_notice_date")}, year, title)
    colour = kind in ("疾病诊断证明", "学籍证明", "照料护理协议", "签字表")
    p = Page(rng, mode="RGB" if colour else "L")
    who = _person(member or _head_member(household), seed)
    if kind == "户口簿":
        _hukou(p, pl, who if member else None, year)
    elif kind == "签字表":
        _signed_form(p, pl, who, year, title)
    elif kind == "发放花名册":
        _roster(p, pl, who, year, title)
    else:
        {"身份证": _id_card, "残疾证": _disability, "疾病诊断证明": _diagnosis, "学籍证明": _school,
         "照料护理协议": _care, "银行卡": _bank, "核对报告": _report_image}[kind](p, pl, who, year)
    return photocopy(p.img, rng)


def make_scan(kind: str, out_path, *, household: dict, member: dict | None = None, year: int | None = None,
              seed: int = 0, fmt: str = "jpeg", title: str | None = None, font_cache: Path | None = None) -> Path:
    """Write one synthetic scan of `kind` to out_path (atomically) and return the path.

    fmt: 'jpeg' or 'png' (an image, as a scanner or phone saves it) or 'pdf' (a
    scanner's image-only PDF; for 核对报告 a born-digital PDF with a text layer).
    member defaults to the household head; 户口簿 without member is the 户主页.
    title names the form on a 签字表.  font_cache: where archive/pdffont.py keeps the prepared
    CJK font of the 核对报告 (default: the user's cache folder).
    """
    data = scan_bytes(kind, household=household, member=member, year=year, seed=seed, fmt=fmt, title=title,
                      font_cache=font_cache)
    return atomic_write_bytes(out_path, data)


def scan_bytes(kind: str, *, household: dict, member: dict | None = None, year: int | None = None, seed: int = 0,
               fmt: str = "jpeg", title: str | None = None, font_cache: Path | None = None) -> bytes:
    """The file make_scan writes, as bytes."""
    if fmt not in FORMATS:
        raise InputError(f"不支持的输出格式“{fmt}”", field="fmt", hint="可用：jpeg、png、pdf")
    if kind == "核对报告" and fmt == "pdf":
        return report_pdfs([(household, member, year or dt.date.today().year, seed)], font_cache)[0]
    return encode(render(kind, household=household, member=member, year=year, seed=seed, title=title), fmt,
                  photo=kind in ("入户照片", "公示照片"))


def encode(img: Image.Image, fmt: str, photo: bool = False) -> bytes:
    buf = io.BytesIO()
    dpi = (72, 72) if photo else (DPI, DPI)  # phones write 72 dpi; scanners the real figure
    if fmt == "png":
        img.save(buf, "PNG", dpi=dpi, compress_level=6)
        return buf.getvalue()
    img.save(buf, "JPEG", quality=JPEG_QUALITY, dpi=dpi)
    if fmt == "jpeg":
        return buf.getvalue()
    return img2pdf.convert(buf.getvalue(), nodate=True, layout_fun=img2pdf.get_layout_fun(
        (img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297)), fit=img2pdf.FitMode.into, auto_orient=True))
