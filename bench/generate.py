"""Synthetic knowledge graphs in kgtool's own ontology, for benchmarks.

Two kinds of data, each written as a complete project folder (``ontology/`` and ``queries/``
copied from this repository, ``graph/`` holding the data) so every saved query runs on it:

* ``--triples N``: the shipped graph plus synthetic companies until about N triples. Each
  company (a kgo:Company or kgo:Startup, labels in English and Japanese, an alias, based in the
  US or China, rival of another company) has two AI models (kgo:AIModel using a technique) and
  three claims (cost, investment, competition), each claim with its money amount or stated
  value, modality, metric, attribution and a kgo:Passage whose TextQuoteSelector quotes a
  sentence of the article verbatim: about 83 triples a company, the shape of graph/claims-*.ttl.
* ``--copies N``: the shipped graph N times (the "50x the shipped data" of the goal): copy 0 is
  graph/ as is, copy k renames every kgr: resource ``…-copyk`` and suffixes its labels
  `` (copy k)``, so saved-query defaults and entity labels stay unambiguous.

Output is deterministic (seeded), in Turtle files of at most 20,000 companies.

Usage::

    python bench/generate.py --triples 1000000 --out /tmp/kg-1m
    python bench/generate.py --copies 50 --out /tmp/kg-50x
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KGR = "https://w3id.org/kgtool/resource/"
LABEL_PREDICATES = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
}

PREFIXES = """\
@prefix kgo:    <https://w3id.org/kgtool/ontology#> .
@prefix kgr:    <https://w3id.org/kgtool/resource/> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix oa:     <http://www.w3.org/ns/oa#> .

"""

COUNTRIES = ("kgr:UnitedStates", "kgr:China")
TECHNIQUES = ("kgr:Distillation", "kgr:DeepSeekInnovativeArchitecture")
MODALITIES = ("kgr:modality-reported", "kgr:modality-estimated", "kgr:modality-asserted")
SECTIONS = ("大きな変動", "半導体戦争と自給自足への追求", "AI覇権をめぐる争い")
SOURCE_TEXT = REPO / "graph" / "sources" / "pictet-digital-decoupling.ja.txt"


def article_sentences() -> list[str]:
    """Sentences of the article, so synthetic passages quote it verbatim as real ones do."""
    text = SOURCE_TEXT.read_text(encoding="utf-8")
    sentences = [s.strip() for s in re.findall(r"[^。\n]{10,148}。", text)]
    return [s.replace("\\", "\\\\").replace('"', '\\"') for s in sentences]


def company_block(index: int, companies: int, rng: random.Random, quotes: list[str]) -> str:
    """One synthetic company with its models, claims and passages, in Turtle (~83 triples)."""
    c = f"kgr:syn-company-{index}"
    kind = "kgo:Startup" if index % 3 else "kgo:Company"
    rival = f"kgr:syn-company-{rng.randrange(companies)}"
    models = [f"kgr:syn-model-{index}-{k}" for k in range(2)]
    parts = [
        f"{c} a {kind} ;\n"
        f'    rdfs:label "Synthetic company {index}"@en , "合成企業{index}"@ja ;\n'
        f'    skos:altLabel "SynCo {index}"@en ;\n'
        f"    kgo:basedIn {rng.choice(COUNTRIES)} ;\n"
        f"    kgo:rivalOf {rival} ;\n"
        f"    kgo:developed {' , '.join(models)} .\n"
    ]
    for k, model in enumerate(models):
        parts.append(
            f"{model} a kgo:AIModel ;\n"
            f'    rdfs:label "Synthetic model {index}-{k}"@en , "合成モデル{index}-{k}"@ja ;\n'
            f"    kgo:uses {rng.choice(TECHNIQUES)} .\n"
        )
    for k, claim_kind in enumerate(
        ("kgo:CostClaim", "kgo:InvestmentClaim", "kgo:CompetitionClaim")
    ):
        claim, passage = f"kgr:syn-claim-{index}-{k}", f"kgr:syn-passage-{index}-{k}"
        amount = rng.randrange(100, 100_000)
        quote = rng.choice(quotes)
        value = (
            f'    kgo:amount [ a schema:MonetaryAmount ; schema:value "{amount * 10_000}"^^xsd:decimal ; '
            f'schema:currency "USD" ] ;\n    kgo:comparator "{rng.choice(("exactly", "atLeast"))}" ;\n'
            f"    kgo:measures kgr:metric-{'training-cost' if k == 0 else 'spending'} ;\n"
            if k < 2
            else f"    kgo:about {rival} ;\n"
        )
        parts.append(
            f"{claim} a {claim_kind} ;\n"
            f'    rdfs:label "Claim {k} about synthetic company {index}"@en , "主張:合成企業{index}について{k}"@ja ;\n'
            f"    kgo:mainSubject {c} ;\n    kgo:about {c} , {models[0]} ;\n{value}"
            f'    kgo:statedValue "{amount}万米ドル"@ja ;\n'
            f"    kgo:modality {rng.choice(MODALITIES)} ;\n"
            f"    prov:wasAttributedTo kgr:PictetJapan ;\n"
            f"    prov:wasDerivedFrom {passage} .\n"
            f"{passage} a kgo:Passage ;\n"
            f'    rdfs:label "Passage {k} of synthetic company {index}"@en , "引用:合成企業{index}の{k}"@ja ;\n'
            f"    oa:hasSource kgr:article-pictet-digital-decoupling ;\n"
            f'    kgo:sectionHeading "{rng.choice(SECTIONS)}"@ja ;\n'
            f'    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{quote}"@ja ] .\n'
        )
    return "".join(parts)


def _project_skeleton(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    (out / "graph").mkdir(parents=True)
    shutil.copytree(REPO / "ontology", out / "ontology")
    shutil.copytree(REPO / "queries", out / "queries")
    if (REPO / "graph" / "sources").is_dir():  # the article text that passages quote
        shutil.copytree(REPO / "graph" / "sources", out / "graph" / "sources")


def count_triples(root: Path) -> int:
    """Triples kgtool loads from the project folder ``root`` (ontology without shapes, and graph/)."""
    from kgtool.project import find_project
    from kgtool.rdf.load import load_store

    return len(load_store(find_project(root=root).data_files))


def generate_triples(target: int, out: Path, seed: int = 5, per_file: int = 20_000) -> int:
    """The shipped graph plus synthetic companies up to about ``target`` triples (whole project)."""
    import pyoxigraph

    _project_skeleton(out)
    for path in sorted((REPO / "graph").glob("*.ttl")):
        shutil.copy(path, out / "graph" / path.name)
    shipped = count_triples(out)
    rng = random.Random(seed)
    quotes = article_sentences()
    sample = PREFIXES + "".join(
        company_block(i, 10, random.Random(seed), quotes) for i in range(10)
    )
    per_company = (
        len(list(pyoxigraph.parse(sample.encode(), format=pyoxigraph.RdfFormat.TURTLE))) / 10
    )
    companies = max(0, round((target - shipped) / per_company))
    for start in range(0, companies, per_file):
        with open(
            out / "graph" / f"synthetic-{start // per_file:03d}.ttl", "w", encoding="utf-8"
        ) as stream:
            stream.write(PREFIXES)
            for index in range(start, min(start + per_file, companies)):
                stream.write(company_block(index, companies, rng, quotes))
    return companies


def generate_copies(copies: int, out: Path) -> None:
    """The shipped graph ``copies`` times, renamed per copy (copy 0 unchanged)."""
    import pyoxigraph

    _project_skeleton(out)
    sources = sorted((REPO / "graph").glob("*.ttl"))
    for path in sources:
        shutil.copy(path, out / "graph" / path.name)
    quads = [
        (path, list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)))
        for path in sources
    ]
    for copy in range(1, copies):

        def rename(term, copy=copy):  # type: ignore[no-untyped-def]
            if isinstance(term, pyoxigraph.NamedNode) and term.value.startswith(KGR):
                return pyoxigraph.NamedNode(f"{term.value}-copy{copy}")
            return term

        triples = []
        for _path, statements in quads:
            for quad in statements:
                obj = rename(quad.object)
                if (
                    quad.predicate.value in LABEL_PREDICATES
                    and isinstance(obj, pyoxigraph.Literal)
                    and obj.language
                ):
                    obj = pyoxigraph.Literal(f"{obj.value} (copy {copy})", language=obj.language)
                triples.append(pyoxigraph.Triple(rename(quad.subject), quad.predicate, obj))
        target = out / "graph" / f"copy-{copy:03d}.nt"
        target.write_bytes(pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    kind = parser.add_mutually_exclusive_group(required=True)
    kind.add_argument(
        "--triples", type=int, help="about this many triples: shipped graph + synthetic companies"
    )
    kind.add_argument("--copies", type=int, help="the shipped graph this many times")
    parser.add_argument("--out", type=Path, required=True, help="project folder to (re)create")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    if args.triples is not None:
        companies = generate_triples(args.triples, args.out, args.seed)
        print(
            f"{args.out}: {companies} synthetic companies, {count_triples(args.out)} triples",
            file=sys.stderr,
        )
    else:
        generate_copies(args.copies, args.out)
        print(
            f"{args.out}: {args.copies} copies, {count_triples(args.out)} triples", file=sys.stderr
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
