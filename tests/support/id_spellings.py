"""ID numbers and bank card numbers as they are spelled in real archives (the redaction corpus)."""

from __future__ import annotations

from archive import redact

FW = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def valid_id(first17: str) -> str:
    return first17 + redact.check_char(first17)


CHILD = valid_id("43062120100304123")      # a minor's ID (学籍)
ADULT = valid_id("42070419880315431")
X_ID = "11010519491231002X"                # check character X
assert redact.is_id18(CHILD) and redact.is_id18(ADULT) and redact.is_id18(X_ID)
OLD15 = "430621800101123"                  # an old 15-digit ID
CARD = "6217000012345678901"


def spaced(s: str, sizes, sep: str = " ") -> str:
    out, i = [], 0
    for n in sizes:
        out.append(s[i:i + n])
        i += n
    out.append(s[i:])
    return sep.join(x for x in out if x)


def ocr_o(s: str) -> str:    # one 0 read as the letter O
    i = s.index("0", 3)
    return s[:i] + "O" + s[i + 1:]


def ocr_l(s: str) -> str:    # one 1 read as the letter l
    i = s.index("1", 3)
    return s[:i] + "l" + s[i + 1:]


# (text, the number that must come back)
CORPUS = [
    (CHILD, CHILD),
    (f"身份证号：{ADULT}", ADULT),
    (f"学籍号G{CHILD}", CHILD),
    (f"学籍号G{CHILD}2019级", CHILD),
    (f"ID{ADULT}", ADULT),
    (f"id:{ADULT}", ADULT),
    (f"No.{ADULT}号", ADULT),
    (f"证号{X_ID}", X_ID),
    (f"证号{X_ID.lower()}", X_ID),
    (f"证号{X_ID[:17]}Ｘ", X_ID),
    (f"证号{X_ID[:17]}×", X_ID),
    (f"证号{X_ID[:17]} X", X_ID),
    (spaced(ADULT, (6, 8, 4)), ADULT),
    (spaced(ADULT, (6, 4, 4, 4)), ADULT),
    (spaced(ADULT, (3, 3, 4, 4, 4)), ADULT),
    (spaced(ADULT, (6, 8, 4), "-"), ADULT),
    (spaced(ADULT, (6, 8, 4), " - "), ADULT),
    (spaced(ADULT, (6, 8, 4), "."), ADULT),
    (spaced(ADULT, (6, 8, 4), "·"), ADULT),
    (spaced(ADULT, (6, 8, 4), "/"), ADULT),
    (spaced(ADULT, (6, 8, 4), "_"), ADULT),
    (spaced(ADULT, (6, 8, 4), "\u3000"), ADULT),
    (" ".join(ADULT), ADULT),
    (spaced(CHILD, (10,), "\n"), CHILD),
    (spaced(CHILD, (12,), "-\n"), CHILD),
    (spaced(CHILD, (9,), "\r\n  "), CHILD),
    (f"身份证{spaced(CHILD, (14,), chr(10))}（学生）", CHILD),
    (CHILD.translate(FW), CHILD),
    (f"身份证号码：{ADULT.translate(FW)}", ADULT),
    (spaced(ADULT.translate(FW), (6, 8, 4), "　"), ADULT),
    (ADULT[:10] + ADULT[10:].translate(FW), ADULT),
    (ADULT[:17].translate(SUP) + ADULT[17], ADULT),
    (ADULT[:6] + ADULT[6:8].translate(SUP) + ADULT[8:], ADULT),
    (ocr_o(ADULT), ADULT),
    (ocr_o(CHILD), CHILD),
    (ocr_l(ADULT), ADULT),
    (ADULT.replace("0", "〇", 1), ADULT),
    (f"编号12{ADULT}", ADULT),                   # digits glued on the left
    (f"{ADULT}2024", ADULT),                     # and on the right
    (f"{ADULT} {CHILD}", None),                  # two IDs with one space between them
    (OLD15, OLD15),
    (f"老身份证 {spaced(OLD15, (6, 6))}", OLD15),
    (ADULT[:17] + "5" if ADULT[17] != "5" else ADULT[:17] + "6", None),   # wrong check char: still masked
    (spaced(ADULT[:17] + ("5" if ADULT[17] != "5" else "6"), (6, 8, 4)), None),
    (CARD, CARD),
    (spaced(CARD, (4, 4, 4, 4)), CARD),
    (spaced(CARD, (4, 4, 4, 4), "-"), CARD),
    (spaced(CARD, (6, 13)), CARD),
    (f"卡号:{spaced(CARD, (4, 4, 4, 4))}。", CARD),
    (spaced(CARD.translate(FW), (4, 4, 4, 4)), CARD),
    ("6228480402564890018", "6228480402564890018"),
    (spaced("6228480402564890018", (4, 4, 4, 4), " - "), "6228480402564890018"),
    ("4367421234567890", "4367421234567890"),
]

# Text that must come through unchanged.
CLEAN = [
    "2024年3月15日",
    "2020-01-01至2020-12-31",
    "2020.01.01-2020.12.31 2021.01.01-2021.12.31",
    "金额 1200.00 1300.00 1400.00 1500.00 1600.00",
    "电话 138 1234 5678，座机 0730-1234567",
    "对象编号 FX-2024-0001，档案号 YY2023-0042",
    "第1页 第2页 第3页 共12页",
    "2023 2024 2025 2026",
    "低保金 680.00 元，人口 4 人，面积 85.5 平方米",
    "Volume 12, pages 101-118",
]
