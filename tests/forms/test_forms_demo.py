"""Every form a demo household needs renders from the demo generator's records (all three profiles)."""

from __future__ import annotations

import pytest

from archive import forms
from archive.forms.render import docx_text
from tests.support.forms_cases import clean_of_tags

demo = pytest.importorskip("archive.sample.demo")


@pytest.mark.parametrize("profile", ["fenxi", "ezhou", "yueyang"])
def test_demo_households_fill_every_applicable_form(tmp_path, profile):
    ws = demo.generate(tmp_path / profile, households=6, seed=5, profile=profile, scans=False)
    households, skipped = forms.load_households(ws)
    assert households and not skipped
    rendered = 0
    for spec in forms.load_catalog():
        if spec.is_list:
            continue
        for hh in households:
            events = forms.events_for(spec.id, hh)
            if not events:
                continue
            text = docx_text(forms.render_docx(spec.id, ws, household=hh, event=events[-1]))
            assert clean_of_tags(text) == [], (spec.id, hh.case_no)
            assert hh.head.name in text or spec.id == "fenxi-12", (spec.id, hh.case_no)
            rendered += 1
    assert rendered >= 20
    for form_id in ("fenxi-11", "yueyang-04"):
        assert clean_of_tags(docx_text(forms.render_docx(form_id, ws))) == []
