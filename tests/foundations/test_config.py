"""archive.config: one typed Config from dibao.toml; unknown keys refused naming the key and the fix."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from archive import profiles as county_profiles
from archive.config import Config, parse_config, profile_text
from archive.errors import EXIT_CONFIG, ConfigError
from archive.workspace import init_workspace
from tests.support.cli import invoke

PROFILE_DIR = Path(__file__).resolve().parents[2] / "archive" / "profiles"


def test_profiles_are_the_profile_files():
    assert county_profiles.names() == tuple(sorted(p.stem for p in PROFILE_DIR.glob("*.toml")))
    for name, info in county_profiles.infos().items():
        assert info.title and info.town, name


@pytest.mark.parametrize("name", county_profiles.names())
def test_every_profile_file_loads_without_unknown_keys(name):
    cfg = parse_config(tomllib.loads(profile_text(name).replace("{town}", "某镇")))
    assert cfg.profile == name and cfg.locality.town == "某镇"
    assert cfg.standard(2024, "农村").amount > 0
    assert cfg.scan_limits().max_pages == cfg.limits.max_pages_per_attachment


def test_defaults_for_an_empty_file():
    cfg = parse_config({})
    assert isinstance(cfg, Config) and cfg.profile == "custom"
    assert cfg.review_publicity_days == 7 and cfg.convert_memory_mb is None and cfg.search_backend == "auto"
    assert cfg.retention["财务类"] == "30年" and cfg.annual_review_form_tekun == cfg.annual_review_form


def test_values_are_typed():
    cfg = parse_config({"standards": {"2024": {"城市": {"amount": "700.50", "unit": "月"}}},
                        "retention": {"财务类": "永久"}, "limits": {"convert_timeout": 30}})
    st = cfg.standard(2024, "城市")
    assert st.amount == Decimal("700.50") and st.yearly == Decimal("8406.00")
    assert cfg.retention == {"审批类": "低保退出后3年", "日常管理类": "5年", "财务类": "永久"}
    assert cfg.convert_timeout == 30.0


@pytest.mark.parametrize("raw, field, words", [
    ({"limits": {"max_pixel": 5}}, "limits.max_pixel", ["未知设置“limits.max_pixel”", "请检查拼写", "max_pixels"]),
    ({"serach": {"backend": "auto"}}, "serach", ["未知设置“serach”", "search"]),
    ({"locality": {"countyy": "x"}}, "locality.countyy", ["county"]),
    ({"limits": {"max_pixels": "很多"}}, "limits.max_pixels", ["大于0的数字", "max_pixels = 100000000"]),
    ({"publicity": {"review_days": -1}}, "publicity.review_days", ["不小于0的整数"]),
    ({"standards": {"二〇二四": {}}}, "standards.二〇二四", ["不是数字"]),
    ({"standards": {"2024": {"郊区": {"amount": "1"}}}}, "standards.2024.郊区", ["城市", "农村"]),
    ({"standards": {"2024": {"城市": {"amount": "0"}}}}, "standards.2024.城市", ["低保标准写法有误"]),
    ({"categories": {"fenxi-01": "杂类"}}, "categories.fenxi-01", ["审批类"]),
    ({"search": {"backend": "lucene"}}, "search.backend", ["tantivy"]),
])
def test_mistakes_name_the_key_and_the_fix(raw, field, words):
    with pytest.raises(ConfigError) as info:
        parse_config(raw, Path("dibao.toml"))
    err = info.value
    assert err.field == field and err.hint
    text = str(err)
    for w in words:
        assert w in text, text


def test_misspelled_key_stops_the_command_line(tmp_path):
    ws = init_workspace(tmp_path / "ws", "fenxi")
    toml = ws.root / "dibao.toml"
    toml.write_text(toml.read_text("utf-8").replace("max_pixels =", "max_pixel ="), "utf-8")
    res = invoke(["validate"], workspace=ws.root)
    assert res.exit_code == EXIT_CONFIG
    assert "limits.max_pixel" in res.output and "max_pixels" in res.output and "dibao.toml" in res.output
