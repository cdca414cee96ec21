"""The shipped saved queries (queries/*.rq) on the shipped data (graph/, ontology/).

Golden files: tests/golden/<name>.json holds the W3C SPARQL JSON result of each saved query
with its default parameters (oxigraph engine, --lang en). After a deliberate change to the data
or a query, regenerate them and review the diff against the article before committing:

    python tests/test_saved_queries.py            # rewrites tests/golden/*.json
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from support import invoke

from kgtool.cli import cli
from kgtool.engines import RdflibEngine
from kgtool.output import result_json
from kgtool.project import find_project
from kgtool.queries import ParamType, load_saved_query, run_query
from kgtool.sparql import query_form, tokenize

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden"
QUERY_FILES = sorted((REPO / "queries").glob("*.rq"))
NAMES = [path.stem for path in QUERY_FILES]


def golden_path(name: str) -> Path:
    """SELECT/ASK results are kept as W3C JSON, CONSTRUCT results as sorted N-Triples."""
    form = query_form((REPO / "queries" / f"{name}.rq").read_text(encoding="utf-8"))
    return GOLDEN / (f"{name}.nt" if form in ("CONSTRUCT", "DESCRIBE") else f"{name}.json")


def golden_text(name: str) -> str:
    """What `kgtool query NAME --format json` (or `nt`, sorted) prints on the shipped data."""
    graph = golden_path(name).suffix == ".nt"
    args = ["query", name, "--format", "nt" if graph else "json", "--root", str(REPO)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    return "".join(sorted(result.stdout.splitlines(keepends=True))) if graph else result.stdout


@pytest.mark.parametrize("name", NAMES)
def test_saved_query_matches_its_golden_result(name: str) -> None:
    path = golden_path(name)
    expected = path.read_text(encoding="utf-8")
    assert golden_text(name) == expected, (
        f"regenerate with: python tests/test_saved_queries.py, then review {path.name}"
    )


def test_every_golden_file_belongs_to_a_query() -> None:
    assert sorted(p.stem for p in GOLDEN.iterdir()) == NAMES


def test_there_are_at_least_fifteen_saved_queries() -> None:
    assert len(NAMES) >= 15


@pytest.fixture(scope="session")
def rdflib_engine() -> RdflibEngine:
    return RdflibEngine.from_files(find_project(root=REPO).data_files)


@pytest.mark.parametrize("name", NAMES)
def test_rdflib_gives_the_same_answer(name: str, rdflib_engine: RdflibEngine) -> None:
    query = load_saved_query(REPO / "queries" / f"{name}.rq")
    result = run_query(rdflib_engine, query)
    golden = golden_path(name).read_text(encoding="utf-8")
    if golden_path(name).suffix == ".nt":
        triples = sorted(f"{t.subject} {t.predicate} {t.object} .\n" for t in result.triples)
        assert "".join(triples) == golden
    else:
        assert result_json(result) == json.loads(golden)


# --- the house style of saved queries ---------------------------------------------------------------

DECLARED = re.compile(r"^PREFIX\s+([A-Za-z][\w.-]*)?:", re.MULTILINE | re.IGNORECASE)


@pytest.mark.parametrize("path", QUERY_FILES, ids=NAMES)
def test_saved_query_style(path: Path) -> None:
    query = load_saved_query(path)
    text = query.sparql
    tokens = tokenize(text)
    declared = set(DECLARED.findall(text))
    used = {
        t.text.split(":", 1)[0]
        for t in tokens
        if t.kind == "name" and ":" in t.text and not t.text.startswith("_:")
    }
    assert used <= declared, f"undeclared prefixes: {sorted(used - declared)}"
    words = [t.text.upper() for t in tokens if t.kind == "name"]
    if query.kind.value == "select":
        assert "ORDER" in words, "SELECT queries must ORDER BY"
    assert not any("gyear" in t.text.lower() for t in tokens), (
        "compare xsd:date values, not xsd:gYear"
    )
    # flat: no sub-SELECT at all (rdflib mishandles sub-SELECT inside OPTIONAL)
    assert words.count("SELECT") <= 1
    for param in query.parameters:
        if param.type is ParamType.IRI and param.name not in ("entity", "target"):
            assert param.class_iri, (
                f"IRI parameter {param.name} should declare kgtool.params.{param.name}.class"
            )


# --- parameters on the real data ------------------------------------------------------------------------


def run(*args: str) -> Result:
    return invoke(*args, "--root", str(REPO))


def test_iri_parameter_by_japanese_label_on_real_data() -> None:
    result = run("query", "rivals", "-p", "actor=ディープシーク", "--format", "csv", "--lang", "ja")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.decode() == (
        "actor,actorLabel,relation,rival,rivalLabel\r\n"
        "https://w3id.org/kgtool/resource/DeepSeek,DeepSeek,https://w3id.org/kgtool/ontology#rivalOf,"
        "https://w3id.org/kgtool/resource/OpenAI,OpenAI\r\n"
        "https://w3id.org/kgtool/resource/DeepSeek,DeepSeek,https://w3id.org/kgtool/ontology#competesWith,"
        "https://w3id.org/kgtool/resource/USAICompanies,米国のAI大手企業\r\n"
    )


def test_iri_parameter_of_the_wrong_class_on_real_data() -> None:
    result = run("query", "actors-by-country", "-p", "country=DeepSeek")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: parameter 'country': no entity is labelled 'DeepSeek' among kgo:Country entities "
        "(hint: give an IRI, a CURIE (kgo:, kgr:) or an exact label)\n",
    )


def test_date_and_number_parameters_on_real_data() -> None:
    result = run("query", "timeline", "-p", "since=2025-01-01", "--format", "csv")
    assert result.stdout_bytes.decode().splitlines()[1:] == [
        "2025-06-10,day,https://w3id.org/kgtool/resource/claim-chart-reference-date,"
        "Claim: the chart's data are as of 10 June 2025,2025年6月10日時点,",
        "2028-11-28,day,https://w3id.org/kgtool/resource/claim-article-date,Claim: the article is dated 2028/11/28,2028/11/28,"
        "The article's date line 2028/11/28 is probably a typo",
    ]
    result = run("query", "money-amounts", "-p", "min=100000000", "--format", "json")
    amounts = [b["amount"]["value"] for b in json.loads(result.stdout)["results"]["bindings"]]
    assert amounts == ["52000000000", "100000000"]


def test_ask_query_with_swapped_parameters_is_false() -> None:
    result = run("query", "imposes-policy-on", "-p", "actor=China", "-p", "target=United States")
    assert (result.exit_code, result.stdout) == (0, "false\n")


def test_lang_ja_gives_japanese_labels() -> None:
    result = run("query", "scenarios", "--lang", "ja", "--format", "tsv")
    assert result.stdout.splitlines()[1].split("\t")[2] == '"シナリオ1:分断された世界"@ja'


# --- speed: the query path stays light -----------------------------------------------------------------


def test_query_command_does_not_import_rdflib() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "kgtool",
            "query",
            "training-costs",
            "--format",
            "tsv",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in completed.stderr.splitlines()
        if "|" in line
    }
    assert imported.isdisjoint({"rdflib", "pyvis", "networkx", "pyshacl", "jinja2"}), sorted(
        imported
    )
    assert "pyoxigraph" in imported
    assert completed.stdout.startswith("?claim\t?model\t")


def regenerate() -> None:
    """Rewrite every golden file from the current data and queries."""
    GOLDEN.mkdir(exist_ok=True)
    for stale in GOLDEN.iterdir():
        if stale.stem not in NAMES or stale != golden_path(stale.stem):
            stale.unlink()
    for name in NAMES:
        golden_path(name).write_text(golden_text(name), encoding="utf-8")
        print(f"wrote tests/golden/{golden_path(name).name}")


if __name__ == "__main__":
    regenerate()
