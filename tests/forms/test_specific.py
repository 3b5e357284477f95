"""Form-specific code lives in archive/forms/specific/<profile>.py, registered by form id."""

from __future__ import annotations

import re

import pytest

from archive import profiles as county_profiles
from archive.forms import catalog
from archive.forms.specific import FormRules, register, registered, rules_for
from tests.support import ROOT

FORM_ID = re.compile(r"[\"'](?:fenxi|ezhou|yueyang)-\d\d[\"']")


def test_every_registered_form_is_in_the_catalog():
    ids = {s.id for s in catalog.load_catalog()}
    reg = registered()
    assert reg and set(reg) <= ids
    assert rules_for("no-such-form") == FormRules()


def test_each_profile_has_its_module():
    modules = {p.stem for p in (ROOT / "archive" / "forms" / "specific").glob("*.py") if p.stem != "__init__"}
    assert set(county_profiles.names()) <= modules


@pytest.mark.parametrize("path", ["archive/forms/builders.py", "archive/forms/__init__.py", "archive/forms/context.py",
                                  "archive/forms/lists.py", "archive/volumes/build.py", "archive/volumes/plan.py"])
def test_no_form_id_branches_outside_the_registry(path):
    found = FORM_ID.findall((ROOT / path).read_text("utf-8"))
    assert not found, f"{path} names forms {found}: register them in archive/forms/specific/ instead"


def test_registering_twice_is_refused():
    with pytest.raises(ValueError):
        register("fenxi-05")
