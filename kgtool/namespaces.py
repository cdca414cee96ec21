"""The project's namespaces and the well-known prefixes used to read and write CURIEs."""

from __future__ import annotations

KGO = "https://w3id.org/kgtool/ontology#"
KGR = "https://w3id.org/kgtool/resource/"
KGSH = "https://w3id.org/kgtool/shapes#"

#: Prefix → namespace, in the order they are printed.
PREFIXES: dict[str, str] = {
    "kgo": KGO,
    "kgr": KGR,
    "kgsh": KGSH,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "oa": "http://www.w3.org/ns/oa#",
    "sh": "http://www.w3.org/ns/shacl#",
}

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
OWL = PREFIXES["owl"]
XSD = PREFIXES["xsd"]
SKOS = PREFIXES["skos"]
PROV = PREFIXES["prov"]
DCTERMS = PREFIXES["dcterms"]
SCHEMA = PREFIXES["schema"]
ORG = PREFIXES["org"]
OA = PREFIXES["oa"]
SH = PREFIXES["sh"]

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
SKOS_PREF_LABEL = PREFIXES["skos"] + "prefLabel"
SKOS_ALT_LABEL = PREFIXES["skos"] + "altLabel"


def expand_curie(text: str) -> str | None:
    """The IRI for a CURIE with a known prefix, else ``None``.

    >>> expand_curie("kgr:DeepSeek")
    'https://w3id.org/kgtool/resource/DeepSeek'
    >>> expand_curie("DeepSeek") is None
    True
    """
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return None


#: How a bare IRI starts where kgtool takes "an IRI, a CURIE or a label".
IRI_SCHEMES = ("http://", "https://", "urn:")


def iri_from_text(text: str) -> str | None:
    """The IRI that user ``text`` writes, or ``None`` when it is not one (then it is a label).

    An IRI is ``<…>``, a CURIE with a known prefix, or a bare IRI starting with one of
    :data:`IRI_SCHEMES`; surrounding white space is ignored.

    >>> iri_from_text(" kgr:DeepSeek "), iri_from_text("<urn:x>"), iri_from_text("DeepSeek")
    ('https://w3id.org/kgtool/resource/DeepSeek', 'urn:x', None)
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    iri = expand_curie(text)
    if iri is None and text.startswith(IRI_SCHEMES):
        iri = text
    return iri


def shorten(iri: str) -> str:
    """A CURIE for ``iri`` when a known prefix covers it, else ``<iri>``.

    >>> shorten("https://w3id.org/kgtool/resource/DeepSeek")
    'kgr:DeepSeek'
    >>> shorten("http://example.org/x")
    '<http://example.org/x>'
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri[len(namespace) :] and "/" not in iri[len(namespace) :]:
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"
