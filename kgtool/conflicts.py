"""Claims that disagree: the same subject and metric, values that cannot both be true.

Two claims are *about the same thing* when they have the same ``kgo:mainSubject``, the same
``kgo:measures`` metric, the same kind of value (an amount in one currency, a fraction, or a
count) and the same time: the same ``kgo:referenceDate`` or none on either (a figure for 2023
and one for this year are a change, not a conflict).

Each value with its ``kgo:comparator`` stands for a range: ``exactly`` v is [v, v];
``atLeast`` [v, ∞); ``moreThan`` (v, ∞); ``atMost`` (-∞, v]; ``lessThan`` (-∞, v);
``approximately`` v is within :data:`APPROXIMATELY` of v. Two claims *disagree* when their ranges
do not meet: "at least 63 million" and "5.56 million" on the same model would conflict, "at
least 63 million" and "70 million" would not.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from typing import TYPE_CHECKING, Any

from kgtool.namespaces import KGO, OA, PROV, SCHEMA, shorten

if TYPE_CHECKING:
    from kgtool.engines import Engine

#: The relative margin of ``approximately`` (約120万 covers 108万 to 132万).
APPROXIMATELY = Decimal("0.1")

_CLAIMS = f"""
PREFIX kgo: <{KGO}>
PREFIX oa: <{OA}>
PREFIX prov: <{PROV}>
PREFIX schema: <{SCHEMA}>
SELECT ?claim ?subject ?metric ?amount ?currency ?fraction ?count ?comparator ?date
       ?stated ?source ?exact WHERE {{
  ?claim kgo:mainSubject ?subject ; kgo:measures ?metric .
  OPTIONAL {{ ?claim kgo:amount [ schema:value ?amount ; schema:currency ?currency ] }}
  OPTIONAL {{ ?claim kgo:fraction ?fraction }}
  OPTIONAL {{ ?claim kgo:count ?count }}
  OPTIONAL {{ ?claim kgo:comparator ?comparator }}
  OPTIONAL {{ ?claim kgo:referenceDate ?date }}
  OPTIONAL {{ ?claim kgo:statedValue ?stated }}
  OPTIONAL {{
    ?claim prov:wasDerivedFrom ?passage .
    ?passage oa:hasSource ?source ; oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?exact ] .
  }}
}}
ORDER BY STR(?claim)
"""


@dataclass(frozen=True)
class ValuedClaim:
    """A claim with a value: what it is about, the value as a range, and its quote.

    :param kind: ``amount USD``, ``fraction`` or ``count``.
    :param low: lower end of the range (``None``: unbounded); :param low_open: excluded?
    """

    claim: str
    subject: str
    metric: str
    kind: str
    value: Decimal
    comparator: str
    date: str | None
    stated: str | None
    source: str | None
    quote: str | None
    low: Decimal | None
    low_open: bool
    high: Decimal | None
    high_open: bool

    def meets(self, other: ValuedClaim) -> bool:
        """True when the two ranges share at least one value."""
        return _below(self, other) and _below(other, self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim": shorten(self.claim),
            "value": str(self.value),
            "kind": self.kind,
            "comparator": self.comparator,
            "statedValue": self.stated,
            "source": shorten(self.source) if self.source else None,
            "quote": self.quote,
        }


def _below(a: ValuedClaim, b: ValuedClaim) -> bool:
    """``a`` starts no later than ``b`` ends (so they meet if the reverse holds too)."""
    if a.low is None or b.high is None:
        return True
    if a.low < b.high:
        return True
    return a.low == b.high and not a.low_open and not b.high_open


def value_range(
    value: Decimal, comparator: str
) -> tuple[Decimal | None, bool, Decimal | None, bool]:
    """(low, low_open, high, high_open) for a value and its comparator (exactly when unknown).

    >>> value_range(Decimal(100), "approximately")
    (Decimal('90.0'), False, Decimal('110.0'), False)
    """
    if comparator == "atLeast":
        return value, False, None, False
    if comparator == "moreThan":
        return value, True, None, False
    if comparator == "atMost":
        return None, False, value, False
    if comparator == "lessThan":
        return None, False, value, True
    if comparator == "approximately":
        margin = abs(value) * APPROXIMATELY
        return value - margin, False, value + margin, False
    return value, False, value, False


@dataclass(frozen=True)
class Conflict:
    """Two claims about the same subject and metric whose values disagree."""

    subject: str
    metric: str
    first: ValuedClaim
    second: ValuedClaim

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": shorten(self.subject),
            "metric": shorten(self.metric),
            "claims": [self.first.to_dict(), self.second.to_dict()],
        }


def valued_claims(engine: Engine) -> list[ValuedClaim]:
    """Every claim with a subject, a metric and one value (amount, fraction or count)."""
    found: dict[str, ValuedClaim] = {}
    for row in engine.query(_CLAIMS).rows:
        claim, subject, metric, amount, currency, fraction, count = row[:7]
        comparator, day, stated, source, exact = row[7:]
        if claim is None or subject is None or metric is None or claim.value in found:
            continue
        if amount is not None and currency is not None:
            kind, text = f"amount {currency.value}", amount.value
        elif fraction is not None:
            kind, text = "fraction", fraction.value
        elif count is not None:
            kind, text = "count", count.value
        else:
            continue
        try:
            value = Decimal(text)
        except ArithmeticError:
            continue  # ill-typed: validate reports it
        how = comparator.value if comparator is not None else "exactly"
        found[claim.value] = ValuedClaim(
            claim.value,
            subject.value,
            metric.value,
            kind,
            value,
            how,
            day.value if day is not None else None,
            stated.value if stated is not None else None,
            source.value if source is not None else None,
            exact.value if exact is not None else None,
            *value_range(value, how),
        )
    return list(found.values())


def find_conflicts(engine: Engine) -> list[Conflict]:
    """Every pair of claims about the same thing (see the module doc) whose values disagree."""
    groups: dict[tuple[str, str, str, str | None], list[ValuedClaim]] = {}
    for claim in valued_claims(engine):
        groups.setdefault((claim.subject, claim.metric, claim.kind, claim.date), []).append(claim)
    conflicts = []
    for (subject, metric, _, _), claims in sorted(groups.items(), key=lambda item: str(item[0])):
        for first, second in combinations(claims, 2):
            if not first.meets(second):
                conflicts.append(Conflict(subject, metric, first, second))
    return conflicts


def _describe(claim: ValuedClaim) -> str:
    stated = f" ({claim.stated})" if claim.stated else ""
    source = f", {shorten(claim.source)}" if claim.source else ""
    return f"{shorten(claim.claim)}: {claim.comparator} {claim.value}{stated}{source}"


def format_conflicts(conflicts: list[Conflict]) -> str:
    """Each conflict as a heading and the two claims, each with its quote under it."""
    blocks = []
    for conflict in conflicts:
        lines = [f"{shorten(conflict.subject)} {shorten(conflict.metric)} ({conflict.first.kind}):"]
        for claim in (conflict.first, conflict.second):
            lines.append(f"  {_describe(claim)}")
            lines.append(f"    「{claim.quote}」" if claim.quote else "    (no quote)")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
