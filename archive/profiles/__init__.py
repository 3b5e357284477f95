"""The built-in county profiles: one dibao.toml template per county, archive/profiles/<name>.toml.

The list of profiles is whatever files are here (nothing else names them); each file's [profile]
section gives its county title (county_title) and the default town (default_town).  Read with
tomllib only, so command-line option lists can use it without loading the configuration models.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class ProfileInfo:
    name: str        # file stem: fenxi
    title: str       # the county in words: 山西省临汾市汾西县
    town: str        # default town of a new workspace or demo: 永安镇


@cache
def _infos() -> dict[str, ProfileInfo]:
    out = {}
    folder = resources.files(__name__)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text("utf-8"))
        prof, loc = data.get("profile", {}), data.get("locality", {})
        name = entry.name[: -len(".toml")]
        title = prof.get("county_title") or f"{loc.get('province', '')}{loc.get('county', '')}"
        out[name] = ProfileInfo(name, title, prof.get("default_town", ""))
    return out


def names() -> tuple[str, ...]:
    """Names of the built-in profiles (file stems), sorted."""
    return tuple(_infos())


def infos() -> dict[str, ProfileInfo]:
    return dict(_infos())


def text(name: str) -> str:
    """The profile file's text (a dibao.toml with {town} placeholders); KeyError for an unknown name."""
    if name not in _infos():
        raise KeyError(name)
    return resources.files(__name__).joinpath(f"{name}.toml").read_text("utf-8")


def help_text() -> str:
    """'ezhou 湖北省鄂州市鄂城区，fenxi 山西省临汾市汾西县，…' for --profile option help."""
    return "，".join(f"{p.name} {p.title}" for p in _infos().values())


def towns_text() -> str:
    """'西山街道、永安镇或黄沙街镇': the default towns, for --town help."""
    towns = [p.town for p in _infos().values() if p.town]
    return "、".join(towns[:-1]) + ("或" + towns[-1] if len(towns) > 1 else "".join(towns))
