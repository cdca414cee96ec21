"""The on-disk store sorts ``ORDER BY`` rows itself (kgtool.engines.ordering): the same rows in
the same order as Oxigraph sorting them, over every kind of term, and Oxigraph's own sort where
kgtool's would not be exact."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph
import pytest

from kgtool.engines import OxigraphEngine
from kgtool.engines.ordering import sort_rows
from kgtool.rdf.modifiers import OrderKey, solution_order
from kgtool.rdf.sparql import prepare
from kgtool.store import open_store

XSD = "http://www.w3.org/2001/XMLSchema#"
E = "http://example.org/"


def _literal(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


#: Values of each family the store sorts itself, and of families it leaves to Oxigraph.
FAMILIES: dict[str, list[str]] = {
    "text": ['"b"', '"B"', '"a"', '"é"', '"日本"', '"b"@en', '"b"@ja', '"a"@en', '"a"@en-gb', '""'],
    "numbers": [
        _literal(v, t)
        for v, t in [
            ("10", "integer"),
            ("9", "integer"),
            ("-3", "integer"),
            ("+7", "integer"),
            ("007", "integer"),
            ("7.0", "decimal"),
            ("7.5", "decimal"),
            (".5", "decimal"),
            ("-0.25", "decimal"),
            ("100000000000000000000", "integer"),  # beyond i64: Oxigraph keeps it unparsed
        ]
    ],
    "dates": [
        _literal(v, "date") for v in ("2025-06-10", "2023-01-01", "2028-11-28", "2024-02-29")
    ],
    # Beyond Oxigraph's decimals (18 digits after the point, about 1.7e20): not numbers there.
    "unparsed decimals": [
        _literal(v, "decimal")
        for v in ("1.0000000000000000001", "1", "0.5", "1234567890123456789012.5")
    ],
    "mixed": ['"10"', _literal("9", "integer"), '"x"@en', _literal("1.5", "double")],
    "floats": [_literal(v, "double") for v in ("1.5", "-2e3", "NaN", "INF", "0.1")],
    "other dates": [_literal(v, "date") for v in ("2025-06-10Z", "2025-06-10+09:00", "2025-02-30")],
}
RESOURCES = [f"<{E}{name}>" for name in ("b", "a", "c/1", "C", "日本")] + ["_:x", "_:a"]


def _dataset(family: str, seed: int) -> str:
    """Rows ?row → (?k1, ?k2): IRIs, blank nodes, the family's literals, and unbound keys.

    The first rows hold every value of the pool in each column; the rest are drawn at random.
    """
    rng = random.Random(seed)
    pool = RESOURCES + FAMILIES[family]
    lines = []
    for row in range(60):
        subject = f"<{E}row/{row:03}>"
        lines.append(f"{subject} <{E}n> {row} .")
        for column, key in enumerate(("k1", "k2")):
            if row < len(pool):
                lines.append(f"{subject} <{E}{key}> {pool[row - column]} .")
            elif rng.random() < 0.85:  # else unbound
                lines.append(f"{subject} <{E}{key}> {rng.choice(pool)} .")
    return "\n".join(lines) + "\n"


QUERY = f"""SELECT ?row ?k1 ?k2 ?n WHERE {{
  ?row <{E}n> ?n .
  OPTIONAL {{ ?row <{E}k1> ?k1 }}
  OPTIONAL {{ ?row <{E}k2> ?k2 }}
}}
ORDER BY {{order}}"""
ORDERS = [
    "?k1 ?k2 ?n",
    "DESC(?k1) ASC(?k2) ?row",
    "?k2 DESC(?n) LIMIT 7 OFFSET 5",
    "(?k1) ?row OFFSET 50",
]


@pytest.fixture(scope="module", params=sorted(FAMILIES))
def engines(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("ordering")
    data = folder / "data.ttl"
    data.write_text(_dataset(request.param, seed=len(request.param)), encoding="utf-8")
    store = open_store(folder / "store", [data])
    # The reference: the same on-disk store, queried as written (Oxigraph sorts). Same store,
    # so the same blank nodes.
    return request.param, OxigraphEngine(store.store), store


@pytest.mark.parametrize("order", ORDERS)
def test_the_store_orders_rows_exactly_as_oxigraph(engines, order: str) -> None:  # type: ignore[no-untyped-def]
    family, oxigraph, store = engines
    query = QUERY.replace("{order}", order)
    expected, got = oxigraph.query(query), store.query(query)
    assert got.variables == expected.variables
    # Every order above ends with a unique key (?n or ?row) unless it is cut: compare exactly.
    assert got.rows == expected.rows, family
    assert got.rows  # the fixture has rows


def test_the_store_sorts_itself_only_where_it_is_exact(engines) -> None:  # type: ignore[no-untyped-def]
    family, oxigraph, _ = engines
    rows = oxigraph.query(QUERY.replace("{order}", "?row")).rows
    sorted_here = sort_rows(list(rows), ("row", "k1", "k2", "n"), [OrderKey("k1"), OrderKey("n")])
    # "numbers" holds an integer beyond Oxigraph's 64 bits: it is not a number there.
    assert (sorted_here is not None) == (family in ("text", "dates")), family
    if family == "numbers":
        without_big = [row for row in rows if row[1] is None or len(row[1].value) < 19]
        assert sort_rows(without_big, ("row", "k1", "k2", "n"), [OrderKey("k1")]) is not None


def test_order_by_on_the_store_does_not_ask_oxigraph_to_sort(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "d.ttl"
    data.write_text(_dataset("text", seed=1), encoding="utf-8")
    store = open_store(tmp_path / "store", [data])
    sent: list[str] = []
    real = store.store

    class Spy:
        def query(self, text: str, **options):  # type: ignore[no-untyped-def]
            sent.append(text)
            return real.query(text, **options)

    expected = OxigraphEngine(real).query(QUERY.replace("{order}", "?k1 ?n LIMIT 3")).rows
    monkeypatch.setattr(store, "store", Spy())
    assert store.query(QUERY.replace("{order}", "?k1 ?n LIMIT 3")).rows == expected
    assert len(sent) == 1 and "ORDER BY" not in sent[0] and "LIMIT" not in sent[0]


def test_construct_drops_its_order_unless_it_is_cut(tmp_path: Path) -> None:
    data = tmp_path / "d.ttl"
    data.write_text(f"<{E}a> <{E}p> 2 . <{E}b> <{E}p> 1 . <{E}c> <{E}p> 3 .\n", encoding="utf-8")
    store = open_store(tmp_path / "store", [data])
    whole = f"CONSTRUCT {{ ?s <{E}q> ?o }} WHERE {{ ?s <{E}p> ?o }} ORDER BY ?o"
    assert {str(t.subject) for t in store.query(whole).triples} == {f"<{E}{n}>" for n in "abc"}
    cut = store.query(whole + " LIMIT 1").triples
    assert [str(t.subject) for t in cut] == [f"<{E}b>"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "SELECT ?a ?b { ?a ?p ?b } ORDER BY DESC(?b) ?a LIMIT 5",
            ([("b", True), ("a", False)], 5, 0),
        ),
        (
            "SELECT * { ?a ?p ?b } order by asc(?b) (?a) offset 3 limit 2",
            ([("b", False), ("a", False)], 2, 3),
        ),
        ("SELECT (?a AS ?c) { ?a ?p ?b } ORDER BY ?c", ([("c", False)], None, 0)),
        (
            "SELECT ?a (COUNT(?b) AS ?n) { ?a ?p ?b } GROUP BY ?a ORDER BY DESC(?n)",
            ([("n", True)], None, 0),
        ),
        ("PREFIX order: <x:> SELECT ?a { ?a order:by ?b } ORDER BY $a", ([("a", False)], None, 0)),
        ("SELECT ?a { ?a ?p ?b } ORDER BY ?b", None),  # not projected
        ("SELECT ?a { ?a ?p ?b } ORDER BY STR(?a)", None),  # an expression
        ("SELECT ?a { ?a ?p ?b } ORDER BY (?a + 1)", None),
        ("SELECT ?a { ?a ?p ?b } ORDER BY ?a VALUES ?a { <x:a> }", None),  # trailing VALUES
        ("SELECT ?a { { SELECT ?a { ?a ?p ?b } ORDER BY ?a LIMIT 1 } }", None),  # a subquery's
        ("SELECT ?a { ?a ?p ?b } ORDER BY ?a LIMIT", None),
        ("SELECT ?a { ?a ?p ?b } ORDER BY ?a LIMIT 1 LIMIT 2", None),
        ("SELECT ?a { ?a ?p ?b } ORDER BY DESC(?a", None),
        ("SELECT ?a { ?a ?p ?b } ORDER BY DESC", None),
        ("SELECT ?a { ?a ?p ?b }", None),
    ],
)
def test_solution_order_reads_only_plain_variable_orders(text: str, expected) -> None:  # type: ignore[no-untyped-def]
    order = solution_order(prepare(text))
    if expected is None:
        assert order is None
        return
    assert order is not None
    keys, limit, offset = expected
    assert [(k.variable, k.descending) for k in order.keys] == keys
    assert (order.limit, order.offset) == (limit, offset)
    assert text[order.start :].upper().startswith("ORDER")


NUMBER_FORMS = [
    ("integer", v)
    for v in (
        "0",
        "-0",
        "+7",
        "007",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775809",
        "1e3",
        " 1",
        "١",
    )
] + [
    ("decimal", v)
    for v in (
        "1.5",
        "1.",
        ".5",
        "+.5",
        "-0",
        "1.000000000000000001",
        "1.0000000000000000001",
        "99999999999999999999.9",
        "1234567890123456789012.5",
        "1,5",
        ".",
        "",
    )
]
DATE_FORMS = [
    "2024-02-29",
    "2023-02-29",
    "2025-13-01",
    "0001-01-01",
    "2025-06-10Z",
    "2025-06-10+09:00",
    "25-06-10",
    "2025-6-10",
]


@pytest.mark.parametrize(("datatype", "lexical"), NUMBER_FORMS)
def test_only_literals_oxigraph_reads_as_numbers_are_sorted_as_numbers(
    datatype: str, lexical: str
) -> None:
    literal = pyoxigraph.Literal(lexical, datatype=pyoxigraph.NamedNode(XSD + datatype))
    one = pyoxigraph.Literal("1", datatype=pyoxigraph.NamedNode(XSD + "integer"))
    numeric = pyoxigraph.Store().query(f"SELECT (isNumeric({literal}) AS ?n) {{}}")
    oxigraph_reads_a_number = next(iter(numeric))["n"].value == "true"
    sorted_here = sort_rows([(literal,), (one,)], ["x"], [OrderKey("x")])
    # Sorted here as a number only if Oxigraph reads one (the converse may be conservative).
    assert sorted_here is None or oxigraph_reads_a_number
    if lexical in (
        "0",
        "+7",
        "007",
        "9223372036854775807",
        "1.5",
        "1.",
        ".5",
        "1.000000000000000001",
    ):
        assert sorted_here is not None


@pytest.mark.parametrize("lexical", DATE_FORMS)
def test_only_dates_without_a_time_zone_are_sorted_as_dates(lexical: str) -> None:
    literal = pyoxigraph.Literal(lexical, datatype=pyoxigraph.NamedNode(XSD + "date"))
    other = pyoxigraph.Literal("2000-01-01", datatype=pyoxigraph.NamedNode(XSD + "date"))
    found = next(
        iter(pyoxigraph.Store().query(f"SELECT (YEAR({literal}) AS ?y) (TZ({literal}) AS ?z) {{}}"))
    )
    oxigraph_reads_a_local_date = found["y"] is not None and found["z"].value == ""
    sorted_here = sort_rows([(literal,), (other,)], ["x"], [OrderKey("x")])
    assert (sorted_here is not None) == oxigraph_reads_a_local_date
