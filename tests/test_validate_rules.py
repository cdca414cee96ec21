"""The validation rule registry (kgtool.validation.RULES) against the CLI's help and list."""

from __future__ import annotations

import re

from click.testing import CliRunner

from kgtool.cli import cli
from kgtool.validation import RULES, Check, Severity, rule


def test_every_check_has_exactly_one_rule() -> None:
    assert [r.id for r in RULES] == list(Check)
    assert all(rule(check).id is check for check in Check)


def test_list_rules_prints_the_registry() -> None:
    result = CliRunner().invoke(cli, ["validate", "--list-rules"])
    assert result.exit_code == 0
    rows = [re.split(r"\s{2,}", line) for line in result.output.splitlines()]
    assert rows == [[r.id.value, r.severity.value, r.summary] for r in RULES]


def test_the_help_names_every_rule_and_the_list_option() -> None:
    result = CliRunner().invoke(cli, ["validate", "--help"])
    text = " ".join(result.output.split())
    for registered in RULES:
        assert registered.id.value in text
    assert "--list-rules" in text


def test_a_rule_builds_its_findings_with_its_severity() -> None:
    missing = rule(Check.MISSING_LABEL)
    finding = missing.finding(("a.ttl", 2, 5), "kgr:X has no rdfs:label", hint="add one")
    assert (finding.severity, finding.check) == (Severity.WARNING, Check.MISSING_LABEL)
    assert finding.format() == "a.ttl:2:5: warning: kgr:X has no rdfs:label (hint: add one)"
    overridden = rule(Check.QUOTE).finding(("a.ttl", 1, 1), "m", severity=Severity.WARNING)
    assert overridden.severity is Severity.WARNING
