"""W3C RDF 1.1 Turtle tests (vendored in tests/w3c/turtle) through ``kgtool fmt`` and ``validate``.

Positive and evaluation tests: ``fmt`` on a copy exits 0, keeps the graph (isomorphic to the
original and, for evaluation tests, to the expected N-Triples; both read against the test's
base IRI), keeps every comment and is idempotent; ``validate --data`` reads the file. Negative
tests: ``fmt`` and ``validate`` refuse the file with ``FILE:LINE:COLUMN:``, exit 2, no traceback,
and the file is untouched. Known failures are listed in ``tests/w3c/expected_failures.toml``
(``turtle.fmt``, ``turtle.validate``, ``turtle.reject``); a new failure and a test that starts
passing both fail here.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic
from w3c import suite  # tests/w3c/suite.py (pyproject puts tests/ on the path)

from kgtool.cli import cli

TESTS = suite.turtle_tests()
POSITIVE = {test.name: test for test in TESTS if test.positive}
NEGATIVE = {test.name: test for test in TESTS if not test.positive}
EXPECTED = suite.expected_failures()
# Strings, IRIs and escapes are skipped so that a '#' inside them is not taken for a comment.
_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|\\.|(#[^\r\n]*)',
    re.DOTALL,
)


@pytest.fixture(scope="module")
def empty_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with no statements, so validate reads only the test file."""
    root = tmp_path_factory.mktemp("empty-project")
    for part in ("ontology", "graph"):
        (root / part).mkdir()
        (root / part / "empty.ttl").write_text("# no statements\n", encoding="utf-8")
    (root / "queries").mkdir()
    return root


def comments(text: str) -> list[str]:
    return [m.group(1).strip() for m in _TOKEN.finditer(text) if m.group(1)]


def read_graph(path: Path, base: str) -> rdflib.Graph:
    """The graph in a Turtle file (read by pyoxigraph) or an expected N-Triples file (read by
    rdflib: pyoxigraph refuses the IRI code point U+E01EF one of them holds)."""
    if path.suffix == ".nt":
        triples = rdflib.Graph().parse(path, format="nt")
        return suite.triples_graph(suite.from_rdflib(term) for triple in triples for term in triple)
    terms = (
        suite.from_oxigraph(term)
        for triple in pyoxigraph.parse(
            path=str(path), format=pyoxigraph.RdfFormat.TURTLE, base_iri=base
        )
        for term in (triple.subject, triple.predicate, triple.object)
    )
    return suite.triples_graph(terms)


def fmt_problems(test: suite.TurtleTest, copy: Path, root: Path) -> list[str]:
    runner = CliRunner()
    result = runner.invoke(cli, ["fmt", str(copy), "--root", str(root)])
    if result.exit_code != 0:
        return [f"fmt exit {result.exit_code}: {result.stderr.strip()[:300]}"]
    problems = []
    formatted = copy.read_bytes()
    original = read_graph(test.action, test.base)
    try:
        after = read_graph(copy, test.base)
    except SyntaxError as error:
        return [f"fmt wrote Turtle that does not parse: {error}"]
    if not isomorphic(after, original):
        problems.append("fmt changed the graph")
    if test.result is not None and not isomorphic(after, read_graph(test.result, test.base)):
        problems.append("fmt output differs from the expected N-Triples")
    missing = set(comments(test.action.read_text(encoding="utf-8"))) - set(
        comments(formatted.decode("utf-8"))
    )
    if missing:
        problems.append(f"fmt lost comments: {sorted(missing)}")
    again = runner.invoke(cli, ["fmt", str(copy), "--root", str(root)])
    if again.exit_code != 0 or copy.read_bytes() != formatted:
        problems.append("fmt is not idempotent")
    return problems


def check_known(section: str, name: str, problems: list[str]) -> None:
    known = EXPECTED.get(section, {}).get(name)
    if known is None:
        assert not problems, problems
    else:
        assert problems, (
            f"now passes ({known}): remove it from [{section}] in expected_failures.toml"
        )


@pytest.mark.parametrize("name", sorted(POSITIVE))
def test_fmt_keeps_the_graph(name: str, tmp_path: Path, empty_project: Path) -> None:
    test = POSITIVE[name]
    copy = tmp_path / test.action.name
    shutil.copyfile(test.action, copy)
    problems = fmt_problems(test, copy, empty_project)
    check_known("turtle.fmt", name, problems)
    if EXPECTED.get("turtle.fmt", {}).get(name, "").startswith("by design"):
        # A refusal by design is clean: one line at FILE:LINE:COLUMN, exit 2, the file untouched.
        assert re.fullmatch(rf"fmt exit 2: Error: {re.escape(str(copy))}:\d+:\d+: .+", problems[0])
        assert copy.read_bytes() == test.action.read_bytes()


@pytest.mark.parametrize("name", sorted(POSITIVE))
def test_validate_reads_the_file(name: str, empty_project: Path) -> None:
    test = POSITIVE[name]
    result = CliRunner().invoke(
        cli, ["validate", "--data", str(test.action), "--root", str(empty_project)]
    )
    problems = [] if result.exit_code in (0, 1) else [f"exit {result.exit_code}: {result.stdout}"]
    check_known("turtle.validate", name, problems)


@pytest.mark.parametrize("command", ["fmt", "validate"])
@pytest.mark.parametrize("name", sorted(NEGATIVE))
def test_bad_turtle_is_refused(
    name: str, command: str, tmp_path: Path, empty_project: Path
) -> None:
    test = NEGATIVE[name]
    copy = tmp_path / test.action.name
    shutil.copyfile(test.action, copy)
    args = ["fmt", str(copy)] if command == "fmt" else ["validate", "--data", str(copy)]
    result = CliRunner().invoke(cli, [*args, "--root", str(empty_project)])
    output = (result.stdout + result.stderr).strip()
    position = re.compile(rf"^(Error: )?{re.escape(str(copy))}:\d+:\d+: ", re.MULTILINE)
    problems = []
    if result.exit_code != 2:
        problems.append(f"exit {result.exit_code}")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        problems.append(f"traceback: {result.exception!r}")
    if not position.search(output):
        problems.append(f"no FILE:LINE:COLUMN: in {output[:200]!r}")
    if copy.read_bytes() != test.action.read_bytes():
        problems.append("the file was changed")
    check_known(f"turtle.reject-{command}", name, problems)


def test_expected_failures_name_real_tests() -> None:
    """A misspelt or stale name in the table would silently expect nothing."""
    names = {
        "turtle.fmt": set(POSITIVE),
        "turtle.validate": set(POSITIVE),
        "turtle.reject-fmt": set(NEGATIVE),
        "turtle.reject-validate": set(NEGATIVE),
    }
    listed = {section: ids for section, ids in EXPECTED.items() if section.startswith("turtle.")}
    assert set(listed) <= set(names)
    for section, ids in listed.items():
        assert set(ids) <= names[section], (section, sorted(set(ids) - names[section]))
        assert all(reason.strip() for reason in ids.values()), section
