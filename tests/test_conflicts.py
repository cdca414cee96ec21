"""`kgtool conflicts` (kgtool.conflicts): what counts as the same thing, and as a disagreement."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import invoke_in, sources_project

from kgtool.cli import cli
from kgtool.conflicts import find_conflicts, value_range
from kgtool.engines import OxigraphEngine

REPO = Path(__file__).resolve().parent.parent

PREFIXES = """\
@prefix kgo:    <https://w3id.org/kgtool/ontology#> .
@prefix kgr:    <https://w3id.org/kgtool/resource/> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
"""


def claim(
    name: str,
    value: str,
    comparator: str = "exactly",
    *,
    subject: str = "Model",
    metric: str = "metric-cost",
    kind: str = "amount",
    currency: str = "USD",
    date: str | None = None,
) -> str:
    if kind == "amount":
        holder = (
            f'kgo:amount [ schema:value "{value}"^^xsd:decimal ; schema:currency "{currency}" ]'
        )
    else:
        holder = f'kgo:{kind} "{value}"^^xsd:decimal'
    dated = f' ; kgo:referenceDate "{date}"^^xsd:date' if date else ""
    return (
        f"kgr:{name} kgo:mainSubject kgr:{subject} ; kgo:measures kgr:{metric} ; {holder} ; "
        f'kgo:comparator "{comparator}"{dated} .\n'
    )


def conflicts_in(tmp_path: Path, *claims: str) -> list[tuple[str, str]]:
    path = tmp_path / "claims.ttl"
    path.write_text(PREFIXES + "".join(claims), encoding="utf-8")
    found = find_conflicts(OxigraphEngine.from_files([path]))
    return [(c.first.claim.rsplit("/", 1)[-1], c.second.claim.rsplit("/", 1)[-1]) for c in found]


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ([claim("a", "5560000"), claim("b", "6000000")], [("a", "b")]),
        ([claim("a", "63000000", "atLeast"), claim("b", "5560000")], [("a", "b")]),
        ([claim("a", "63000000", "atLeast"), claim("b", "70000000")], []),
        ([claim("a", "63000000", "moreThan"), claim("b", "63000000")], [("a", "b")]),
        ([claim("a", "63000000", "atMost"), claim("b", "63000000", "atLeast")], []),
        ([claim("a", "63000000", "lessThan"), claim("b", "63000000", "atLeast")], [("a", "b")]),
        ([claim("a", "1200000", "approximately"), claim("b", "1300000")], []),
        ([claim("a", "1200000", "approximately"), claim("b", "3000000")], [("a", "b")]),
        (
            [claim("a", "1200000", "approximately"), claim("b", "1350000", "approximately")],
            [],
        ),
        ([claim("a", "63000000", "atLeast"), claim("b", "5560000", subject="V3")], []),
        ([claim("a", "1"), claim("b", "2", metric="metric-spending")], []),
        ([claim("a", "1"), claim("b", "2", currency="EUR")], []),
        ([claim("a", "0.5", kind="fraction"), claim("b", "0.5")], []),
        (
            [
                claim("a", "0.044", kind="fraction", date="2023-01-01"),
                claim("b", "0.69", kind="fraction"),
            ],
            [],
        ),
        (
            [
                claim("a", "0.43", kind="fraction", date="2023-01-01"),
                claim("b", "0.3", kind="fraction", date="2023-01-01"),
            ],
            [("a", "b")],
        ),
        ([claim("a", "7", kind="count"), claim("b", "8", kind="count")], [("a", "b")]),
        ([claim("a", "7", kind="count"), claim("b", "7", kind="count")], []),
    ],
    ids=[
        "different-exact-amounts",
        "bound-below-excludes-value",
        "bound-below-allows-value",
        "more-than-excludes-equal",
        "at-most-meets-at-least",
        "less-than-misses-at-least",
        "approximately-within-ten-percent",
        "approximately-far-off",
        "two-approximations-overlap",
        "different-subjects",
        "different-metrics",
        "different-currencies",
        "fraction-vs-amount",
        "different-times",
        "same-date-disagree",
        "counts-disagree",
        "counts-agree",
    ],
)
def test_what_conflicts(tmp_path: Path, claims: list[str], expected: list[tuple[str, str]]) -> None:
    assert conflicts_in(tmp_path, *claims) == expected


def test_value_ranges() -> None:
    v = Decimal(10)
    assert value_range(v, "exactly") == (v, False, v, False)
    assert value_range(v, "atLeast") == (v, False, None, False)
    assert value_range(v, "moreThan") == (v, True, None, False)
    assert value_range(v, "atMost") == (None, False, v, False)
    assert value_range(v, "lessThan") == (None, False, v, True)


# --------------------------------------------------------------------------------------------
# kgtool conflicts
# --------------------------------------------------------------------------------------------

AUDIT = """\
@prefix kgo:    <https://w3id.org/kgtool/ontology#> .
@prefix kgr:    <https://w3id.org/kgtool/resource/> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix oa:     <http://www.w3.org/ns/oa#> .

kgr:claim-cost-high kgo:mainSubject kgr:Model ; kgo:measures kgr:metric-cost ;
    kgo:amount [ schema:value "3000000"^^xsd:decimal ; schema:currency "USD" ] ;
    kgo:comparator "exactly" ; kgo:statedValue "300万米ドル"@ja ;
    prov:wasDerivedFrom kgr:passage-cost-high .
kgr:passage-cost-high oa:hasSource kgr:source-memo ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "学習コストは高いと言われます"@ja ] .
"""

REPORT = """\
kgr:Model kgr:metric-cost (amount USD):
  kgr:claim-cost: approximately 1200000 (約120万米ドル), kgr:source-memo
    「学習コストは約120万米ドル」
  kgr:claim-cost-high: exactly 3000000 (300万米ドル), kgr:source-memo
    「学習コストは高いと言われます」
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return sources_project(tmp_path)


run = invoke_in


def test_no_conflict_exits_0(project: Path) -> None:
    result = run(project, "conflicts")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "0 conflicts\n")


def test_conflict_shows_both_quotes_and_exits_1(project: Path) -> None:
    (project / "audit.ttl").write_text(AUDIT, encoding="utf-8")
    result = run(project, "conflicts", "--data", "audit.ttl")
    assert (result.exit_code, result.stdout, result.stderr) == (1, REPORT, "1 conflict\n")


def test_conflict_json(project: Path) -> None:
    (project / "audit.ttl").write_text(AUDIT, encoding="utf-8")
    result = run(project, "conflicts", "--data", "audit.ttl", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "subject": "kgr:Model",
            "metric": "kgr:metric-cost",
            "claims": [
                {
                    "claim": "kgr:claim-cost",
                    "value": "1200000",
                    "kind": "amount USD",
                    "comparator": "approximately",
                    "statedValue": "約120万米ドル",
                    "source": "kgr:source-memo",
                    "quote": "学習コストは約120万米ドル",
                },
                {
                    "claim": "kgr:claim-cost-high",
                    "value": "3000000",
                    "kind": "amount USD",
                    "comparator": "exactly",
                    "statedValue": "300万米ドル",
                    "source": "kgr:source-memo",
                    "quote": "学習コストは高いと言われます",
                },
            ],
        }
    ]


def test_shipped_graph_has_no_conflicts() -> None:
    """GPT-4 (at least USD 63M) and DeepSeek-V3 (USD 5.56M) are different models: no conflict."""
    result = CliRunner().invoke(cli, ["conflicts", "--root", str(REPO)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "0 conflicts\n")
