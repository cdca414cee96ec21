"""The validation rule registry (kgtool.validation.RULES) against the CLI's help and list."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from kgtool.cli import cli
from kgtool.validation import RULES, Check, Severity, rule

REPO = Path(__file__).resolve().parent.parent


def test_every_check_has_exactly_one_rule() -> None:
    assert [r.id for r in RULES] == list(Check)
    assert all(rule(check).id is check for check in Check)


def test_list_rules_prints_the_registry() -> None:
    result = CliRunner().invoke(cli, ["validate", "--list-rules"])
    assert result.exit_code == 0
    rows = [re.split(r"\s{2,}", line) for line in result.output.splitlines()]
    assert rows == [[r.id.value, r.severity.value, r.summary] for r in RULES]


def test_the_help_points_to_the_list() -> None:
    result = CliRunner().invoke(cli, ["validate", "--help"])
    assert "--list-rules" in result.output


def _documented_checks() -> dict[str, str]:
    """check id → severity cell of the docs' check table (README.md or a docs/ page)."""
    pages = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
    rows: dict[str, str] = {}
    for page in pages:
        in_table = False
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.startswith("| check |"):
                in_table = True
            elif in_table and (match := re.match(r"\| `([a-z-]+)` \|.*\| ([^|]+) \|$", line)):
                rows[match.group(1)] = match.group(2)
            elif in_table and not line.startswith("|"):
                in_table = False
    return rows


def test_the_docs_table_lists_every_rule_with_its_severity() -> None:
    documented = _documented_checks()
    assert sorted(documented) == sorted(r.id.value for r in RULES)
    for registered in RULES:
        assert registered.severity.value in documented[registered.id.value], registered.id


def test_a_rule_builds_its_findings_with_its_severity() -> None:
    missing = rule(Check.MISSING_LABEL)
    finding = missing.finding(("a.ttl", 2, 5), "kgr:X has no rdfs:label", hint="add one")
    assert (finding.severity, finding.check) == (Severity.WARNING, Check.MISSING_LABEL)
    assert finding.format() == "a.ttl:2:5: warning: kgr:X has no rdfs:label (hint: add one)"
    overridden = rule(Check.QUOTE).finding(("a.ttl", 1, 1), "m", severity=Severity.WARNING)
    assert overridden.severity is Severity.WARNING
