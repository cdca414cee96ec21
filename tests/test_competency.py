"""Competency questions: what the graph must be able to answer, with exact answers.

Each question has an id, an English text, a SPARQL query (run with rdflib over
ontology/kgtool.ttl + graph/*.ttl) and the exact expected rows. IRIs in the
answers are written as CURIEs (kgr:…, kgo:…); literals as Python values.
Questions marked ``ordered`` compare lists (the query has ORDER BY); the others
compare sets of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

ROOT = Path(__file__).resolve().parent.parent

PREFIXES = """\
PREFIX kgo: <https://w3id.org/kgtool/ontology#>
PREFIX kgr: <https://w3id.org/kgtool/resource/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""

NAMESPACES = {
    "https://w3id.org/kgtool/resource/": "kgr:",
    "https://w3id.org/kgtool/ontology#": "kgo:",
}


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    sparql: str
    expected: object
    ordered: bool = False


D = Decimal
date = datetime.date

QUESTIONS = [
    # --- Costs and prices ---------------------------------------------------------
    Question(
        "v3-training-cost",
        "How much did DeepSeek reportedly spend to train V3, who reports it and how is it framed?",
        """SELECT ?value ?currency ?comparator ?modality ?reporter WHERE {
             ?claim a kgo:CostClaim ; kgo:mainSubject kgr:DeepSeek-V3 ;
                    kgo:amount [ schema:value ?value ; schema:currency ?currency ] ;
                    kgo:comparator ?comparator ; kgo:modality ?modality ;
                    prov:wasAttributedTo ?reporter .
           }""",
        {(D("5560000"), "USD", "exactly", "kgr:modality-reported", "kgr:PictetJapan")},
    ),
    Question(
        "all-cost-figures",
        "Which cost figures does the article give, for what, and with which bound?",
        """SELECT ?subject ?value ?comparator WHERE {
             ?claim a kgo:CostClaim ; kgo:mainSubject ?subject ;
                    kgo:amount [ schema:value ?value ] ; kgo:comparator ?comparator .
           }""",
        {
            ("kgr:GPT-4", D("63000000"), "atLeast"),
            ("kgr:MajorUSResearchLabs", D("100000000"), "atLeast"),
            ("kgr:DeepSeek-V3", D("5560000"), "exactly"),
        },
    ),
    Question(
        "cost-contrast",
        "Which claim does the article set against V3's training cost?",
        "SELECT ?other WHERE { kgr:claim-v3-training-cost kgo:contrastedWith ?other }",
        {("kgr:claim-gpt4-training-cost",)},
    ),
    Question(
        "labs-spending-date",
        "By when had major US research labs spent at least USD 100 million, and how precise is that date?",
        """SELECT ?date ?precision ?stated WHERE {
             ?claim kgo:mainSubject kgr:MajorUSResearchLabs ; kgo:referenceDate ?date ;
                    kgo:datePrecision ?precision ; kgo:statedValue ?stated .
           }""",
        {(date(2024, 1, 1), "year", "1億米ドル以上")},
    ),
    Question(
        "api-price-ratio",
        "How much cheaper is DeepSeek's API service, compared with what, in the article's words?",
        """SELECT ?fraction ?baseline ?stated WHERE {
             ?claim a kgo:PriceClaim ; kgo:mainSubject kgr:DeepSeekAPI ; kgo:fraction ?fraction ;
                    kgo:comparedWith ?baseline ; kgo:statedValue ?stated .
           }""",
        {(D("0.9"), "kgr:OpenAIAPI", "90%安価")},
    ),
    Question(
        "api-providers",
        "Who provides which API service?",
        "SELECT ?provider ?service WHERE { ?provider kgo:provides ?service }",
        {("kgr:DeepSeek", "kgr:DeepSeekAPI"), ("kgr:OpenAI", "kgr:OpenAIAPI")},
    ),
    # --- Competition and leadership ---------------------------------------------------
    Question(
        "deepseek-rival",
        "Who is DeepSeek's rival?",
        "SELECT ?rival WHERE { { kgr:DeepSeek kgo:rivalOf ?rival } UNION { ?rival kgo:rivalOf kgr:DeepSeek } }",
        {("kgr:OpenAI",)},
    ),
    Question(
        "who-competes",
        "Which pairs of actors compete (rivalry included)?",
        "SELECT ?a ?b WHERE { ?a kgo:competesWith|kgo:rivalOf ?b }",
        {
            ("kgr:DeepSeek", "kgr:OpenAI"),
            ("kgr:UnitedStates", "kgr:China"),
            ("kgr:ChineseTechGiant", "kgr:USChipDesignFirms"),
            ("kgr:USAICompanies", "kgr:DeepSeek"),
        },
    ),
    Question(
        "who-leads",
        "Who leads which organisation?",
        "SELECT ?person ?org WHERE { ?person kgo:leads|kgo:ceoOf ?org }",
        {("kgr:SamAltman", "kgr:OpenAI"), ("kgr:Vance", "kgr:USGovernmentOfficials")},
    ),
    Question(
        "altman-pledge",
        "What did Sam Altman pledge, in his quoted words?",
        """SELECT ?quote ?modality WHERE {
             ?claim prov:wasAttributedTo kgr:SamAltman ; kgo:quotation ?quote ; kgo:modality ?modality .
           }""",
        {("さらに優れたモデルを提供する", "kgr:modality-pledged")},
    ),
    Question(
        "deepseek-developed",
        "What did DeepSeek develop?",
        "SELECT ?tech WHERE { kgr:DeepSeek kgo:developed ?tech }",
        {
            ("kgr:DeepSeek-January-LLM",),
            ("kgr:DeepSeek-V3",),
            ("kgr:DeepSeek-R1",),
            ("kgr:DeepSeekModels",),
        },
    ),
    Question(
        "open-sourced",
        "Which model was open-sourced, and by whom?",
        "SELECT ?actor ?model WHERE { ?actor kgo:openSourced ?model }",
        {("kgr:DeepSeek", "kgr:DeepSeek-R1")},
    ),
    Question(
        "v3-techniques",
        "Which techniques made V3 efficient?",
        "SELECT ?technique WHERE { kgr:DeepSeek-V3 kgo:uses ?technique . ?technique a kgo:Technique }",
        {("kgr:Distillation",), ("kgr:DeepSeekInnovativeArchitecture",)},
    ),
    Question(
        "coding-success-rates",
        "What coding success rates does the article report, and for when?",
        """SELECT ?fraction ?date ?note WHERE {
             ?claim kgo:measures kgr:metric-coding-success-rate ; kgo:fraction ?fraction .
             OPTIONAL { ?claim kgo:referenceDate ?date }
             OPTIONAL { ?claim kgo:timeNote ?note FILTER(lang(?note) = "en") }
           } ORDER BY ?fraction""",
        [(D("0.044"), date(2023, 1, 1), None), (D("0.69"), None, "this year (year not stated)")],
        ordered=True,
    ),
    # --- Policies, targets, effects ---------------------------------------------------------
    Question(
        "policy-targets",
        "Which policies target whom or what?",
        "SELECT DISTINCT ?policy ?target WHERE { ?policy a/rdfs:subClassOf* kgo:GovernmentPolicy ; kgo:targets ?target }",
        {
            ("kgr:USChipExportControls", "kgr:China"),
            ("kgr:USChipExportControls", "kgr:AdvancedSemiconductors"),
            ("kgr:CHIPSAct", "kgr:SemiconductorManufacturing"),
            ("kgr:VanceWarningOnAIContracts", "kgr:USAllies"),
        },
    ),
    Question(
        "us-measures",
        "Which measures did the United States impose or adopt?",
        "SELECT ?measure WHERE { ?measure kgo:imposedBy|kgo:adoptedBy kgr:UnitedStates }",
        {("kgr:USChipExportControls",), ("kgr:CHIPSAct",), ("kgr:USSupplyChainStrengthening",)},
    ),
    Question(
        "export-control-effect",
        "What were the US export controls meant to do, and what effect did they have?",
        """SELECT ?effect ?intended WHERE {
             kgr:USChipExportControls kgo:hadEffect ?effect .
             ?claim kgo:mainSubject kgr:USChipExportControls ; kgo:intendedEffect ?intended .
             FILTER(lang(?intended) = "en")
           }""",
        {("kgr:TechnologicalSelfReliance", "hinder China's progress")},
    ),
    Question(
        "chips-act-funding",
        "How much does the CHIPS Act allocate, and is the figure a bound?",
        """SELECT ?value ?currency ?comparator WHERE {
             ?claim kgo:mainSubject kgr:CHIPSAct ; kgo:comparator ?comparator ;
                    kgo:amount [ schema:value ?value ; schema:currency ?currency ] .
           }""",
        {(D("52000000000"), "USD", "atLeast")},
    ),
    # --- Workarounds ----------------------------------------------------------------
    Question(
        "chinese-workarounds",
        "Which workarounds do Chinese companies use, and what do they address?",
        """SELECT ?workaround ?addresses WHERE {
             ?workaround a kgo:Workaround ; kgo:adoptedBy kgr:ChineseCompanies ; kgo:addresses ?addresses .
           }""",
        {
            ("kgr:LeasingOverseasDataCentres", "kgr:TechnologyGap"),
            ("kgr:Stockpiling", "kgr:TechnologyGap"),
        },
    ),
    Question(
        "workaround-infrastructure",
        "Which workaround relies on which data centres?",
        "SELECT ?workaround ?dc WHERE { ?workaround a kgo:Workaround ; kgo:uses ?dc . ?dc a kgo:DataCentre }",
        {("kgr:LeasingOverseasDataCentres", "kgr:OverseasDataCentres")},
    ),
    Question(
        "us-tech-giants-investment",
        "What are US tech giants investing in, and why (claim label)?",
        """SELECT ?target ?label WHERE {
             kgr:USTechGiants kgo:investsIn ?target .
             ?claim a kgo:InvestmentClaim ; kgo:mainSubject kgr:USTechGiants ; rdfs:label ?label .
             FILTER(lang(?label) = "en")
           }""",
        {
            (
                "kgr:CustomAIChips",
                "Claim: US tech giants are investing capital in developing their own custom AI chips to reduce reliance on a single supplier",
            )
        },
    ),
    # --- Values ----------------------------------------------------------------------
    Question(
        "censorship-remedy",
        "Where is censorship built in, which measure addresses it, and who proposes that measure?",
        """SELECT ?tech ?remedy ?proposer WHERE {
             ?censorship a kgo:Censorship ; kgo:embeddedIn ?tech .
             ?remedy kgo:addresses ?censorship .
             ?proposer kgo:proposes ?remedy .
           }""",
        {("kgr:ChineseAIModels", "kgr:RunDeepSeekOnUSServers", "kgr:ServicesLikePerplexity")},
    ),
    Question(
        "perplexity-proposal-uses",
        "What would the proposal of services such as Perplexity use?",
        """SELECT ?tech WHERE {
             ?group kgo:namedExample kgr:Perplexity ; kgo:proposes ?m . ?m kgo:uses ?tech .
           }""",
        {("kgr:DeepSeekModels",), ("kgr:USBasedServers",)},
    ),
    Question(
        "us-servers-rationale",
        "Who proposes running DeepSeek's models on US servers, and who explains why?",
        """SELECT ?claim ?kind ?agent WHERE {
             ?claim kgo:mainSubject kgr:RunDeepSeekOnUSServers ; a ?kind ; prov:wasAttributedTo ?agent .
           }""",
        {
            ("kgr:claim-perplexity-proposal", "kgo:ProposalClaim", "kgr:ServicesLikePerplexity"),
            ("kgr:claim-us-servers-rationale", "kgo:ValuesClaim", "kgr:PictetJapan"),
        },
    ),
    Question(
        "us-government-concerns",
        "What is the US government concerned about?",
        "SELECT ?risk WHERE { kgr:USGovernment kgo:concernedAbout ?risk }",
        {("kgr:Espionage",), ("kgr:InfluenceOperations",)},
    ),
    Question(
        "data-security-claims",
        "Which claims concern data security, and how are they framed?",
        "SELECT ?claim ?modality WHERE { ?claim kgo:about kgr:DataSecurity ; kgo:modality ?modality }",
        {
            ("kgr:claim-democratic-vs-authoritarian-ai", "kgr:modality-asserted"),
            ("kgr:claim-us-espionage-concern", "kgr:modality-concern"),
        },
    ),
    Question(
        "vance-warning",
        "Which named person warned whom, against whom (quoted)?",
        """SELECT ?person ?addressee ?quote WHERE {
             ?claim a kgo:WarningClaim ; prov:wasAttributedTo ?person ; kgo:quotation ?quote ;
                    kgo:mainSubject ?warning .
             ?person a kgo:Person .
             ?warning kgo:targets ?addressee .
           }""",
        {("kgr:Vance", "kgr:USAllies", "独裁主義的な支配者")},
    ),
    Question(
        "named-attributions",
        "Which claims does the article attribute to a named person?",
        "SELECT ?claim ?person WHERE { ?claim prov:wasAttributedTo ?person . ?person a kgo:Person }",
        {("kgr:claim-altman-pledge", "kgr:SamAltman"), ("kgr:claim-vance-warning", "kgr:Vance")},
    ),
    # --- VC, adoption, sectors ----------------------------------------------------------
    Question(
        "vc-manufacturing-shares",
        "What share of AI venture capital went to manufacturing in each country, in which year?",
        """SELECT ?country ?fraction ?date WHERE {
             ?claim kgo:measures kgr:metric-vc-share-manufacturing ; kgo:mainSubject ?investor ;
                    kgo:fraction ?fraction ; kgo:referenceDate ?date .
             ?investor kgo:basedIn ?country .
           }""",
        {
            ("kgr:China", D("0.43"), date(2023, 1, 1)),
            ("kgr:UnitedStates", D("0.03"), date(2023, 1, 1)),
        },
    ),
    Question(
        "ai-adoption-rates",
        "What share of companies actively use AI in each country, in the article's words?",
        """SELECT ?country ?fraction ?stated WHERE {
             ?claim a kgo:AdoptionClaim ; kgo:mainSubject ?companies ; kgo:fraction ?fraction ;
                    kgo:statedValue ?stated .
             ?companies kgo:basedIn ?country .
           }""",
        {("kgr:China", D("0.5"), "半数"), ("kgr:UnitedStates", D("0.3333"), "わずか3分の1")},
    ),
    Question(
        "adoption-survey",
        "Which survey are the adoption figures based on, and does it have a date?",
        """SELECT DISTINCT ?survey ?date WHERE {
             ?claim a kgo:AdoptionClaim ; kgo:basedOnSurvey ?survey .
             OPTIONAL { ?survey kgo:referenceDate ?date }
           }""",
        {("kgr:survey-ai-adoption", None)},
    ),
    Question(
        "application-sectors",
        "In which sectors does the article see a wave of AI application innovation?",
        "SELECT ?sector WHERE { kgr:ApplicationLayer kgo:appliedIn ?sector }",
        {
            ("kgr:Healthcare",),
            ("kgr:Manufacturing",),
            ("kgr:ConsumerTechnology",),
            ("kgr:GovernmentServices",),
        },
    ),
    # --- The chart and its index -----------------------------------------------------------
    Question(
        "index-benchmarks",
        "Which benchmarks make up the index shown in the chart?",
        """SELECT ?label WHERE {
             ?chart a kgo:Chart ; kgo:depicts ?index .
             ?index kgo:hasComponent ?benchmark .
             ?benchmark rdfs:label ?label FILTER(lang(?label) = "en")
           } ORDER BY STR(?label)""",
        [
            ("AIME",),
            ("GPQA Diamond",),
            ("Humanity’s Last Exam",),
            ("LiveCodeBench",),
            ("MATH-500",),
            ("MMLU-Pro",),
            ("SciCode",),
        ],
        ordered=True,
    ),
    Question(
        "chart-source-and-date",
        "What is the chart's title, source and reference date?",
        """SELECT ?title ?source ?date ?precision WHERE {
             ?chart a kgo:Chart ; dcterms:title ?title ; prov:wasAttributedTo ?source ;
                    kgo:referenceDate ?date ; kgo:datePrecision ?precision .
           }""",
        {("最先端言語モデルの知能の進化", "kgr:PictetWealthManagement", date(2025, 6, 10), "day")},
    ),
    Question(
        "article-metadata",
        "What are the article's title, publisher, date as recorded and local text?",
        """SELECT ?title ?publisher ?date ?local WHERE {
             ?article a schema:Report ; dcterms:title ?title ; dcterms:publisher ?publisher ;
                      dcterms:date ?date ; kgo:localText ?local .
           }""",
        {
            (
                "デジタル・デカップリングの拡大",
                "kgr:PictetJapan",
                date(2028, 11, 28),
                "sources/pictet-digital-decoupling.ja.txt",
            )
        },
    ),
    # --- Scenarios -------------------------------------------------------------------------
    Question(
        "scenarios-in-order",
        "What are the three scenarios, in order, and how likely is each?",
        "SELECT ?rank ?scenario ?likelihood WHERE { ?scenario a kgo:Scenario ; kgo:rank ?rank ; kgo:likelihood ?likelihood } ORDER BY ?rank",
        [
            (1, "kgr:scenario-fragmented-world", "kgr:likelihood-most-likely"),
            (2, "kgr:scenario-continued-us-dominance", "kgr:likelihood-possible"),
            (3, "kgr:scenario-china-rapid-progress", "kgr:likelihood-possible"),
        ],
        ordered=True,
    ),
    Question(
        "most-likely-scenario-quote",
        "Which scenario is the most likely, and which passage says so?",
        """SELECT ?scenario ?exact WHERE {
             ?scenario kgo:likelihood/kgo:likelihoodRank 1 ;
                       prov:wasDerivedFrom/oa:hasSelector/oa:exact ?exact .
             FILTER(CONTAINS(STR(?exact), "最も可能性の高い"))
           }""",
        {
            (
                "kgr:scenario-fragmented-world",
                "最も可能性の高い近い将来のシナリオは、世界の主要経済圏における「デジタル・デカップリング」のさらなる拡大です。",
            )
        },
    ),
    Question(
        "fragmented-world-conditions-consequences",
        "What drives the fragmented-world scenario and what follows from it?",
        """SELECT ?kind ?node WHERE {
             { kgr:scenario-fragmented-world kgo:hasCondition ?node BIND("condition" AS ?kind) }
             UNION
             { kgr:scenario-fragmented-world kgo:hasConsequence ?node BIND("consequence" AS ?kind) }
           }""",
        {
            ("condition", "kgr:condition-rising-geopolitical-tension"),
            ("consequence", "kgr:consequence-parallel-ai-ecosystems"),
            ("consequence", "kgr:consequence-different-standards-limited-interoperability"),
            ("consequence", "kgr:consequence-cooperation-hindered-innovation-stalls"),
        },
    ),
    Question(
        "parallel-ecosystems-count",
        "How many parallel AI ecosystems does the first scenario foresee, and who leads them?",
        """SELECT ?count ?comparator ?party WHERE {
             kgr:consequence-parallel-ai-ecosystems kgo:count ?count ; kgo:comparator ?comparator ;
                                                    kgo:involves ?party .
           }""",
        {
            (2, "atLeast", "kgr:UnitedStates"),
            (2, "atLeast", "kgr:USAllies"),
            (2, "atLeast", "kgr:China"),
        },
    ),
    Question(
        "us-dominance-conditions",
        "What does continued US dominance depend on?",
        "SELECT ?condition WHERE { kgr:scenario-continued-us-dominance kgo:hasCondition ?condition }",
        {
            ("kgr:condition-us-hardware-and-model-advantage",),
            ("kgr:condition-export-control-effectiveness",),
            ("kgr:condition-domestic-innovation-pace",),
        },
    ),
    Question(
        "china-progress-consequences",
        "What would follow from China's rapid progress (English labels)?",
        """SELECT ?label WHERE {
             kgr:scenario-china-rapid-progress kgo:hasConsequence ?c .
             ?c rdfs:label ?label FILTER(lang(?label) = "en")
           }""",
        {
            ("China reaches near-parity with the US in key AI capabilities",),
            ("A fundamental challenge to US leadership",),
            ("A truly bipolar AI world",),
        },
    ),
    Question(
        "conditions-on-export-controls",
        "Which scenario conditions involve the US export controls?",
        """SELECT ?scenario ?condition WHERE {
             ?scenario kgo:hasCondition ?condition . ?condition kgo:involves kgr:USChipExportControls .
           }""",
        {("kgr:scenario-continued-us-dominance", "kgr:condition-export-control-effectiveness")},
    ),
    # --- Provenance and entities -----------------------------------------------------------------
    Question(
        "v3-cost-provenance",
        "Which passage supports the V3 training-cost claim (exact quote)?",
        """SELECT ?passage ?exact WHERE {
             kgr:claim-v3-training-cost prov:wasDerivedFrom ?passage .
             ?passage oa:hasSelector/oa:exact ?exact .
           }""",
        {
            (
                "kgr:passage-v3-training-cost",
                "同社は、強力なV3モデルをわずか556万米ドルで学習させたと報じられています。",
            )
        },
    ),
    Question(
        "perplexity-section",
        "In which section of the article does Perplexity's proposal appear?",
        """SELECT DISTINCT ?heading WHERE {
             kgr:claim-perplexity-proposal prov:wasDerivedFrom/kgo:sectionHeading ?heading .
           }""",
        {("価値観の衝突:民主的AIと独裁的AI",)},
    ),
    Question(
        "unnamed-chinese-companies",
        "Which unnamed companies does the article place in China?",
        """SELECT ?company WHERE {
             ?company a/rdfs:subClassOf* kgo:Company ; kgo:isUnnamed true ; kgo:basedIn kgr:China .
           }""",
        {("kgr:ChineseTechGiant",), ("kgr:ChineseCompanies",), ("kgr:ChineseStartups",)},
    ),
    Question(
        "new-world-stakes",
        "What does the article say governments' hard choices in the new world will shape?",
        """SELECT ?stake WHERE {
             kgr:claim-new-world-of-hard-choices kgo:about ?stake . ?stake a kgo:Concept .
           }""",
        {
            ("kgr:TechnologicalIndependence",),
            ("kgr:PoliticalAlliances",),
            ("kgr:EconomicFuture",),
        },
    ),
    Question(
        "export-control-effect-concept",
        "Is China's drive for technological self-reliance the same concept as every country's technological independence?",
        """SELECT ?effect ?effectJa ?stake ?stakeJa WHERE {
             kgr:USChipExportControls kgo:hadEffect ?effect .
             kgr:claim-new-world-of-hard-choices kgo:about ?stake . ?stake a kgo:Concept .
             ?effect rdfs:label ?effectJa FILTER(lang(?effectJa) = "ja")
             ?stake rdfs:label ?stakeJa FILTER(lang(?stakeJa) = "ja" && STRSTARTS(?stakeJa, "技術的"))
           }""",
        {
            (
                "kgr:TechnologicalSelfReliance",
                "技術的自立への推進力",
                "kgr:TechnologicalIndependence",
                "技術的独立性",
            )
        },
    ),
    Question(
        "caveats",
        "Which caveats about the source does the graph record, of which kind, on what?",
        "SELECT ?on ?caveat ?kind WHERE { ?on kgo:hasCaveat ?caveat . ?caveat kgo:caveatKind ?kind }",
        {
            (
                "kgr:article-pictet-digital-decoupling",
                "kgr:caveat-article-date-typo",
                "kgr:caveat-probable-typo",
            ),
            ("kgr:claim-article-date", "kgr:caveat-article-date-typo", "kgr:caveat-probable-typo"),
            (
                "kgr:chart-frontier-model-intelligence",
                "kgr:caveat-chart-source-truncated",
                "kgr:caveat-possibly-truncated",
            ),
            (
                "kgr:claim-chart-source",
                "kgr:caveat-chart-source-truncated",
                "kgr:caveat-possibly-truncated",
            ),
            (
                "kgr:claim-us-vision-contrasts-with-china",
                "kgr:caveat-chinese-model-ambiguous",
                "kgr:caveat-ambiguous",
            ),
            ("kgr:claim-us-export-controls", "kgr:caveat-whose-technology", "kgr:caveat-ambiguous"),
            ("kgr:passage-espionage-concern", "kgr:caveat-concern-sic", "kgr:caveat-sic"),
            (
                "kgr:passage-deepseek-upended-model",
                "kgr:caveat-deep-seek-spelling",
                "kgr:caveat-sic",
            ),
            ("kgr:Stockpiling", "kgr:caveat-stockpile-unspecified", "kgr:caveat-not-stated"),
            (
                "kgr:condition-domestic-innovation-pace",
                "kgr:caveat-whose-domestic-innovation",
                "kgr:caveat-ambiguous",
            ),
            (
                "kgr:DeepSeek-January-LLM",
                "kgr:caveat-january-model-unnamed",
                "kgr:caveat-not-stated",
            ),
            ("kgr:IndustryCodingTest", "kgr:caveat-industry-test-unnamed", "kgr:caveat-not-stated"),
            (
                "kgr:claim-deepseek-upended-us-approach",
                "kgr:caveat-this-model-ambiguous",
                "kgr:caveat-ambiguous",
            ),
        },
    ),
    Question(
        "article-date-caveat",
        "Is the article's date certain, and what does the graph say about it (English)?",
        """SELECT ?date ?stated ?caveat WHERE {
             kgr:claim-article-date kgo:referenceDate ?date ; kgo:statedValue ?stated ;
                                    kgo:hasCaveat/rdfs:label ?caveat .
             FILTER(lang(?caveat) = "en")
           }""",
        {
            (
                date(2028, 11, 28),
                "2028/11/28",
                "The article's date line 2028/11/28 is probably a typo",
            )
        },
    ),
    Question(
        "chart-source-as-written",
        "How does the chart's source line read, and why is it flagged?",
        """SELECT ?stated ?kind WHERE {
             kgr:claim-chart-source kgo:statedValue ?stated ; kgo:hasCaveat/kgo:caveatKind ?kind .
           }""",
        {("出所:Pictet Wealth Management,", "kgr:caveat-possibly-truncated")},
    ),
    Question(
        "index-names",
        "Under which names does the graph know the index the chart shows?",
        """SELECT ?name WHERE {
             kgr:chart-frontier-model-intelligence kgo:depicts ?index .
             ?index rdfs:label|skos:altLabel ?name .
           }""",
        {("AI分析指数",), ("AI Analysis Index",)},
    ),
    Question(
        "china-response",
        "How does the article describe China's response to the export controls?",
        """SELECT ?label WHERE {
             ?claim kgo:about kgr:China , kgr:USChipExportControls ; kgo:mainSubject kgr:China ;
                    rdfs:label ?label FILTER(lang(?label) = "en")
           }""",
        {("Claim: China's response was swift and decisive",)},
    ),
    Question(
        "scenario-3-paths",
        "Through what does China reach near-parity in the third scenario (English labels)?",
        """SELECT ?label WHERE {
             kgr:scenario-china-rapid-progress kgo:hasCondition ?c .
             ?c rdfs:label ?label FILTER(lang(?label) = "en")
           }""",
        {
            ("China's focus on efficiency",),
            ("China's clever alternative measures",),
            ("Large-scale investment in China's domestic chip industry",),
        },
    ),
    Question(
        "deepseek-aliases",
        "Under which aliases does DeepSeek appear?",
        "SELECT ?alias WHERE { kgr:DeepSeek skos:altLabel ?alias }",
        {("Deep Seek",), ("ディープシーク",)},
    ),
]


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    g.parse(ROOT / "ontology" / "kgtool.ttl", format="turtle")
    for path in sorted((ROOT / "graph").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def _value(term: object) -> object:
    if term is None:
        return None
    if isinstance(term, URIRef):
        for ns, prefix in NAMESPACES.items():
            if str(term).startswith(ns):
                return prefix + str(term)[len(ns) :]
        return str(term)
    if isinstance(term, Literal):
        value = term.toPython()
        return str(value) if isinstance(value, Literal) else value
    return str(term)


def test_question_ids_are_unique() -> None:
    ids = [q.id for q in QUESTIONS]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 30


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_competency_question(question: Question, graph: Graph) -> None:
    rows = [tuple(_value(v) for v in row) for row in graph.query(PREFIXES + question.sparql)]
    if question.ordered:
        assert rows == question.expected, question.text
    else:
        assert len(rows) == len(set(rows)), f"duplicate rows for: {question.text}"
        assert set(rows) == question.expected, question.text
