"""The name the inbox files a pack form under closes that form's own 待签字归档 gap and no other."""

from __future__ import annotations

import datetime as dt

import pytest


def test_code_event_names_the_gap_when_the_form_has_no_event():
    from archive.audit.gaps import Gap
    from archive.audit.prepare import code_event

    g = Gap("待签字归档", "r", "2024", "定期核查记录表", "日常管理类", "", "", "", form="fenxi-12", event="e7", year=2024)
    assert code_event(g, "e2") == "e2"          # the printed form's own event
    assert code_event(g, "-") == "e7"           # else the gap's event
    assert code_event(g._replace(event=None), "-") == "2024"
    assert code_event(g._replace(event=None, year=None), "-") == "-"


@pytest.mark.slow
def test_every_signed_gap_of_a_demo_closes_by_its_filed_name(tmp_path):
    """fenxi-12 (all checks of a household on one form) is wanted once per year: its pack copies
    carry the gap's event, so three signed copies close three gaps, not the first one three times."""
    from fpdf import FPDF

    from archive.audit import audit_household, load_rules, rules_path_for
    from archive.audit.prepare import _event_key, code_event
    from archive.forms import pagecode
    from archive.inbox.filing import base_name
    from archive.records.load import load_valid
    from archive.sample.demo import generate

    ws = generate(tmp_path / "ws", households=8, seed=1, profile="fenxi", scans=True)
    rules = load_rules(rules_path_for(ws))
    as_of = dt.date(2025, 12, 31)
    pdf = FPDF()
    pdf.add_page()
    page = bytes(pdf.output())
    checked, forms = 0, set()
    for rec in ws.record_paths():
        hh = load_valid(rec, ws.root)

        def gaps():
            return {(g.form, g.event, g.year, g.subject) for g in audit_household(hh, ws.root, ws.config, rules, as_of).gaps
                    if g.kind == "待签字归档"}
        for g in [g for g in audit_household(hh, ws.root, ws.config, rules, as_of).gaps if g.kind == "待签字归档"]:
            before = gaps()
            code = pagecode.PageCode("K7Q2", hh.case_no, g.form,
                                     code_event(g, pagecode.event_for(g.form, hh, _event_key(g.form, hh, g))), 1, 1)
            path = ws.scans_dir / hh.case_no / f"{base_name(code)}.pdf"
            assert not path.exists(), path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(page)
            assert before - gaps() == {(g.form, g.event, g.year, g.subject)}, (hh.case_no, g, path.name)
            path.unlink()
            checked += 1
            forms.add(g.form)
    assert checked >= 10 and "fenxi-12" in forms
