"""The audit (缺什么补什么): what each household's file lacks, and checks for inspectors.

    rules.py       the rules files (archive/rules/<profile>.toml): loading and checking
    conditions.py  the `when` vocabulary: iterators (每户/每位成员/每个在保年度…) and filters
    engine.py      one household against the rules -> gaps (data)
    timing.py      time rules in Chinese working days (archive/workdays.py)
    checks.py      inspector flags: 应退尽退, 身份证重复, 死亡未减员, 发放金额不符
    run.py         the whole workspace (process pool), worklist order, missing_for()
    report.py      summaries per village and town; text and JSON
    xlsx.py, pdf.py  the Excel and printable reports
    prepare.py     `dibao audit --prepare DIR`: missing forms prefilled, checklists
"""

from archive.audit.gaps import ALL_GAP_KINDS, FLAG_KINDS, GAP_KINDS, REMINDER, Flag, Gap, HouseholdAudit
from archive.audit.rules import Rule, RuleSet, load_rules, rules_path_for
from archive.audit.run import AuditResult, audit_household, audit_workspace, missing_for

__all__ = ["ALL_GAP_KINDS", "FLAG_KINDS", "GAP_KINDS", "REMINDER", "AuditResult", "Flag", "Gap", "HouseholdAudit",
           "Rule", "RuleSet", "audit_household", "audit_workspace", "load_rules", "missing_for", "rules_path_for"]
