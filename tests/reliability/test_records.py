"""Bad records next to good ones: validate, calc and forms fill name the file, the field and the fix,
exit with the documented code, finish the good households and never touch a source."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from archive.errors import EXIT_INPUT, EXIT_OK, EXIT_PROBLEMS
from archive.forms.render import docx_text
from cli import main
from tests.support import corpus
from tests.support.checks import assert_clean_output, has_chinese
from tests.support.cli import dibao

CASES = corpus.record_cases()
NAMES = [c.name for c in CASES]


@pytest.fixture(scope="module")
def validated(records_ws):
    root = records_ws["root"]
    before = corpus.source_hashes(root)
    as_json = dibao(["validate", "--json"], cwd=root)
    text = dibao(["validate"], cwd=root)
    after = corpus.source_hashes(root)
    report = json.loads(as_json.stdout)
    by_file: dict[str, list[dict]] = {}
    for p in report["problems"]:
        by_file.setdefault(p["path"], []).append(p)
    return {"json": as_json, "text": text, "report": report, "by_file": by_file, "before": before, "after": after}


def invoke(args, root):
    return CliRunner().invoke(main, ["--workspace", str(root), *args], catch_exceptions=True)


def test_corpus_has_the_required_cases():
    assert len(CASES) >= 30
    required = {"not-json", "utf8-bom", "not-utf8-gbk", "wrong-types", "missing-required", "unknown-field", "null-file",
                "null-field", "id-19-chars", "id-bad-check", "id-impossible-birth", "id-lowercase-x",
                "sex-contradicts-id", "future-date", "dates-out-of-order", "negative-amount", "huge-amount",
                "members-500", "markup-template-emoji-rare", "control-characters", "duplicate-case-no-a",
                "attachment-dotdot", "attachment-absolute", "attachment-symlink-out"}
    assert required <= set(NAMES)


def test_validate_exit_code_output_and_sources(validated, records_ws):
    for proc in (validated["json"], validated["text"]):
        assert proc.returncode == EXIT_PROBLEMS, proc.stderr
        assert_clean_output(proc)
    assert validated["before"] == validated["after"], "validate changed a source file"
    rep = validated["report"]
    assert rep["records"] == len(CASES) + len(records_ws["good"])
    # the good households, the BOM file, 500 members and the special characters pass
    assert rep["ok"] == len(records_ws["good"]) + sum(1 for c in CASES if not c.expect)
    for name in NAMES:
        if records_ws["cases"][name].expect:
            assert f"{name}.json" in validated["text"].stdout, name
    assert "户有问题" in validated["text"].stdout


def test_good_households_finish(validated, records_ws):
    for p in records_ws["good"]:
        assert str(p) not in validated["by_file"], validated["by_file"].get(str(p))
        res = invoke(["calc", str(p)], records_ws["root"])
        assert res.exit_code == EXIT_OK, res.output


@pytest.mark.parametrize("name", NAMES)
def test_each_record_case(validated, records_ws, name):
    case = records_ws["cases"][name]
    path = records_ws["paths"][name]
    probs = [p for p in validated["by_file"].get(str(path), []) if p["severity"] == "error"]
    if not case.expect:
        assert probs == [], probs
    else:
        text = [p["message"] + " " + p["hint"] for p in probs]
        hit = [p for p, t in zip(probs, text) if all(f in t for f in case.expect)]
        assert hit, f"{name}: expected {case.expect} in {text}"
        p = hit[0]
        assert has_chinese(p["message"]) and has_chinese(p["hint"])
        if case.field:
            assert p["field"].startswith(case.field), (p["field"], case.field)
    # one file on its own: the documented exit code, no traceback
    res = invoke(["validate", str(path)], records_ws["root"])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert res.exit_code == case.exit_validate, res.output


@pytest.mark.parametrize("name", [c.name for c in CASES if c.exit_validate])
def test_commands_refuse_a_bad_record_with_exit_3(records_ws, name):
    path = records_ws["paths"][name]
    res = invoke(["calc", str(path)], records_ws["root"])
    assert res.exit_code == EXIT_INPUT, res.output
    assert path.name in res.output and "处理办法" in res.output
    assert "Traceback" not in res.output


def test_forms_fill_refuses_bad_and_fills_good(records_ws, tmp_path):
    root = records_ws["root"]
    bad = records_ws["paths"]["id-bad-check"]
    out = tmp_path / "bad.docx"
    res = invoke(["forms", "fill", "fenxi-01", "--household", str(bad), "-o", str(out)], root)
    assert res.exit_code == EXIT_INPUT and bad.name in res.output and not out.exists()
    good = tmp_path / "good.docx"
    res = invoke(["forms", "fill", "fenxi-01", "--household", str(records_ws["good"][0]), "-o", str(good)], root)
    assert res.exit_code == EXIT_OK, res.output
    assert "李建国" in docx_text(good.read_bytes())


def test_values_print_literally_and_rare_characters_survive(records_ws, tmp_path):
    """Records are values, not template code: markup and {{ }} print as typed; 𠮷 〇 😀 are kept."""
    path = records_ws["paths"]["markup-template-emoji-rare"]
    out = tmp_path / "申请书.docx"
    res = invoke(["forms", "fill", "fenxi-01", "--household", str(path), "-o", str(out)], records_ws["root"])
    assert res.exit_code == EXIT_OK, res.output
    text = docx_text(out.read_bytes())
    assert "𠮷〇明" in text
    for literal in corpus.SPECIAL_TEXT.values():
        assert literal in text, literal
    assert "49" not in text.replace("2049", "")


def test_500_members_validate_and_the_table_grows(records_ws, tmp_path):
    from docx import Document

    path = records_ws["paths"]["members-500"]
    out = tmp_path / "审核确认表.docx"
    res = invoke(["forms", "fill", "fenxi-09", "--household", str(path), "-o", str(out)], records_ws["root"])
    assert res.exit_code == EXIT_OK, res.output
    text = docx_text(out.read_bytes())
    assert "成员000" in text and "成员497" in text
    rows = sum(len(t.rows) for t in Document(str(out)).tables)
    assert rows >= 500


def test_audit_reports_bad_records_and_audits_the_good(records_ws):
    root = records_ws["root"]
    before = corpus.source_hashes(root)
    proc = dibao(["audit"], cwd=root)
    assert proc.returncode == EXIT_PROBLEMS, proc.stderr
    assert_clean_output(proc)
    assert "GOOD-01" in proc.stdout and "GOOD-02" in proc.stdout
    assert "无法读取的记录" in proc.stdout
    for name in ("not-json", "not-utf8-gbk", "nesting-bomb", "huge-integer"):
        assert f"{name}.json" in proc.stdout, name
    assert corpus.source_hashes(root) == before
