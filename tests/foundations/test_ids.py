import datetime as dt

import pytest

from archive import ids


def test_standard_example_is_valid():
    # The example given in GB 11643-1999 itself.
    assert ids.check_char("11010519491231002") == "X"
    assert ids.is_valid("11010519491231002X")
    assert ids.birth_date("11010519491231002X") == dt.date(1949, 12, 31)
    assert ids.sex("11010519491231002X") == "女"


def test_second_standard_example():
    assert ids.is_valid("440524188001010014")
    assert ids.sex("440524188001010014") == "男"


@pytest.mark.parametrize("bad,fragment", [
    ("11010519491231002Y", "前17位"),
    ("110105194912310021", "校验位"),
    ("11010519491231002", "18位"),
    ("1101051949123100211", "18位"),
    ("11010519490231002X", "不是真实日期"),
])
def test_problems(bad, fragment):
    probs = ids.problems(bad)
    assert probs and any(fragment in what for what, _ in probs)


def test_lowercase_x_reported_but_check_ok():
    probs = ids.problems("11010519491231002x")
    assert [w for w, _ in probs] == ["身份证号最后一位应为大写X"]


def test_future_birth_date():
    probs = ids.problems("110105" + "20990101" + "0011", today=dt.date(2026, 1, 1))
    assert any("不可能" in w for w, _ in probs)


def test_mask_and_redact():
    assert ids.mask("420704198803154315") == "4207**********4315"
    text = "户主身份证 420704198803154315，配偶 11010519491231002X。"
    red = ids.redact_ids(text)
    assert "420704198803154315" not in red and "11010519491231002X" not in red
    assert "4207**********4315" in red and "1101**********002X" in red


def test_age():
    assert ids.age_on("11010519491231002X", dt.date(2024, 12, 30)) == 74
    assert ids.age_on("11010519491231002X", dt.date(2024, 12, 31)) == 75
