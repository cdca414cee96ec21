"""Saved and ad-hoc SPARQL queries: metadata, typed parameters, safe binding, running.

A saved query is ``queries/<name>.rq``. Its metadata sits in leading ``#+`` comment lines as
YAML (the grlc convention, so the file stays valid SPARQL)::

    #+ summary: Who competes with whom
    #+ description: Every competition claim with the rivals it is about.
    #+ tags: [competition]
    #+ defaults:
    #+   - actor: kgr:DeepSeek
    #+ enumerate:
    #+   - lang: [en, ja]
    #+ kgtool:
    #+   view: table
    #+   params:
    #+     actor: {class: kgo:Organization, description: the company to look at}

``summary`` and ``description`` are required; ``tags``, ``defaults``, ``enumerate`` and
``kgtool`` are optional; any other key is an error. Under ``kgtool``: ``view`` (``table`` or
``graph``, the default view) and ``params`` (per parameter: ``class`` — IRI parameters only —
and ``description``).

Parameters are the query's variables named the grlc/BASIL way: ``?_name`` is required,
``?__name`` optional, and a suffix gives the type (see :data:`TYPE_SUFFIXES`):
``?_actor_iri``, ``?__since_xsd_date``, ``?_min_number``, ``?__lang_lang``. Values are
converted to RDF terms and bound by the engine (never pasted into the query text).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import InitVar, dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgtool.engines.base import Engine, QueryKind, QueryResult, QueryStream
from kgtool.errors import EntityNotFoundError, KgtoolError, ParameterError, QueryError
from kgtool.namespaces import PREFIXES, XSD, iri_from_text, shorten
from kgtool.project import display_path
from kgtool.rdf.sparql import PreparedQuery, Term, prepare
from kgtool.tables import align, clip, escape_controls
from kgtool.yaml_subset import YAMLHeaderError, compose_and_load

if TYPE_CHECKING:
    from kgtool.project import Project


class ParamType(str, Enum):
    """What a parameter value is, and so how it is checked and bound."""

    #: An entity, given as an IRI, a CURIE or an English or Japanese label.
    IRI = "iri"
    #: A plain string literal.
    STRING = "string"
    #: An integer, decimal or double literal.
    NUMBER = "number"
    #: An ``xsd:date`` (YYYY-MM-DD).
    DATE = "date"
    #: A language tag such as ``en`` or ``ja``, bound as a plain literal; defaults to ``--lang``.
    LANGUAGE = "language"


#: Variable-name suffix → (type, datatype IRI or None). No suffix means a string.
TYPE_SUFFIXES: dict[str, tuple[ParamType, str | None]] = {
    "iri": (ParamType.IRI, None),
    "literal": (ParamType.STRING, None),
    "xsd_string": (ParamType.STRING, None),
    "number": (ParamType.NUMBER, None),
    "xsd_integer": (ParamType.NUMBER, XSD + "integer"),
    "xsd_decimal": (ParamType.NUMBER, XSD + "decimal"),
    "xsd_double": (ParamType.NUMBER, XSD + "double"),
    "xsd_date": (ParamType.DATE, XSD + "date"),
    "lang": (ParamType.LANGUAGE, None),
}
METADATA_KEYS = ("summary", "description", "tags", "defaults", "enumerate", "kgtool")
KGTOOL_KEYS = ("view", "params")
PARAM_KEYS = ("class", "description")
VIEWS = ("table", "graph")

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")
# Patterns for number and date values, compiled on first use (by re's cache): most queries have
# no such parameter, and every compile costs start-up time.
_NUMBER = {
    XSD + "integer": r"[+-]?[0-9]+",
    XSD + "decimal": r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)",
    XSD + "double": r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?",
}
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class Parameter:
    """One parameter of a query, discovered from a variable such as ``?_actor_iri``."""

    name: str
    variable: str
    type: ParamType
    required: bool
    #: The literal datatype for NUMBER and DATE parameters given by a ``_xsd_…`` suffix.
    datatype: str | None = None
    #: For IRI parameters: only entities of this class (or a subclass) are accepted.
    class_iri: str | None = None
    default: str | None = None
    allowed: tuple[str, ...] = ()
    description: str = ""

    @property
    def type_label(self) -> str:
        """The type as shown to users: ``iri``, ``iri of kgo:Company``, ``number``, …"""
        if self.class_iri:
            return f"iri of {shorten(self.class_iri)}"
        if self.datatype:
            return shorten(self.datatype)
        return self.type.value


@dataclass(frozen=True)
class SavedQuery:
    """A query with its metadata: a saved ``queries/*.rq`` file, or an ad-hoc query."""

    name: str
    sparql: str
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    view: str = "table"
    #: Where the text came from, as shown in messages (a file path, ``stdin`` or ``query``).
    source: str = "query"
    path: Path | None = field(default=None, compare=False)
    #: ``sparql`` already read by :func:`kgtool.rdf.sparql.prepare` (read here when not given).
    read_as: InitVar[PreparedQuery | None] = None
    _prepared: PreparedQuery = field(init=False, repr=False, compare=False)

    def __post_init__(self, read_as: PreparedQuery | None) -> None:
        prepared = read_as if read_as is not None else prepare(self.sparql, self.source)
        object.__setattr__(self, "_prepared", prepared)  # frozen: set once, here

    @property
    def prepared(self) -> PreparedQuery:
        """The text read once: tokens, form, variables, parameter variables, safety verdict."""
        return self._prepared

    @property
    def kind(self) -> QueryKind:
        """SELECT, ASK or GRAPH (CONSTRUCT/DESCRIBE). :raises QueryError: when there is no query form."""
        return self._prepared.require_kind()

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


# --- discovery and metadata -----------------------------------------------------------------------


def query_kind(sparql: str | PreparedQuery, source: str = "query") -> QueryKind:
    """The result kind of a query, from its query-form keyword.

    :raises QueryError: when the text has no SELECT, ASK, CONSTRUCT or DESCRIBE.

    >>> query_kind("ASK { ?s ?p ?o }").value
    'ask'
    """
    return prepare(sparql, source).require_kind()


def discover_parameters(
    sparql: str | PreparedQuery, source: str = "query"
) -> tuple[Parameter, ...]:
    """The parameters of a query: its variables starting with ``_`` (required) or ``__`` (optional).

    :raises QueryError: for a parameter variable with an unknown type suffix or a bad name.

    >>> [(p.name, p.type.value, p.required) for p in discover_parameters(
    ...     "SELECT ?x WHERE { ?x ?p ?_actor_iri FILTER(?d > ?__since_xsd_date || ?_text) }")]
    [('actor', 'iri', True), ('since', 'date', False), ('text', 'string', True)]
    """
    prepared = prepare(sparql, source)
    source = prepared.source
    found: dict[str, Parameter] = {}
    for token in prepared.parameters:
        variable = token.text[1:]
        optional = variable.startswith("__")
        name, _, suffix = variable[2 if optional else 1 :].partition("_")
        if not _NAME.fullmatch(name):
            raise QueryError(
                f"parameter variable {token.text} has no usable name",
                path=source,
                line=token.line,
                column=token.column,
                hint="name parameters ?_name or ?__name plus an optional type suffix, e.g. ?_actor_iri",
            )
        if suffix not in TYPE_SUFFIXES and suffix:
            raise QueryError(
                f"parameter variable {token.text} has an unknown type suffix '_{suffix}'",
                path=source,
                line=token.line,
                column=token.column,
                hint="end it with one of: "
                + ", ".join(f"_{s}" for s in TYPE_SUFFIXES)
                + " (or nothing, for a string)",
            )
        if any(p.name == name for p in found.values()):
            raise QueryError(
                f"parameter '{name}' is declared by two variables",
                path=source,
                line=token.line,
                column=token.column,
                hint="use one variable per parameter",
            )
        ptype, datatype = TYPE_SUFFIXES.get(suffix, (ParamType.STRING, None))
        found[variable] = Parameter(name, variable, ptype, not optional, datatype)
    return tuple(found.values())


def _header_lines(text: str) -> tuple[list[str], list[int], int]:
    """The leading ``#+`` lines (without ``#+``), their 1-based line numbers and the indent removed.

    Blank lines and other ``#`` comments may sit among them; the header ends at the first
    other line.
    """
    lines, numbers = [], []
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith("#+"):
            lines.append(line[2:].rstrip("\r"))
            numbers.append(number)
        elif not line.strip() or line.startswith("#"):
            continue
        else:
            break
    indent = min((len(line) - len(line.lstrip(" ")) for line in lines if line.strip()), default=0)
    return [line[indent:] for line in lines], numbers, indent


class _Located:
    """Maps YAML positions in the header back to positions in the .rq file."""

    def __init__(self, source: str, numbers: list[int], indent: int) -> None:
        self.source, self.numbers, self.indent = source, numbers, indent

    def where(self, mark: Any) -> dict[str, Any]:
        if mark is None or not self.numbers:
            return {"path": self.source, "line": 1}
        index = min(mark.line, len(self.numbers) - 1)
        return {
            "path": self.source,
            "line": self.numbers[index],
            "column": mark.column + 3 + self.indent,
        }

    def error(self, message: str, node: Any, hint: str | None = None) -> QueryError:
        return QueryError(message, **self.where(getattr(node, "start_mark", None)), hint=hint)


def _suggest(name: str, choices: Sequence[str]) -> str:
    """``did you mean 'x'? `` for the closest choice, or an empty string."""
    import difflib

    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.5)
    return f"did you mean '{close[0]}'? " if close else ""


def _mapping_items(node: Any) -> list[tuple[Any, Any]]:
    return list(node.value) if node is not None and node.tag.endswith(":map") else []


def parse_saved_query(
    text: str, name: str, source: str = "query", path: Path | None = None
) -> SavedQuery:
    """A :class:`SavedQuery` from the text of an ``.rq`` file.

    :param name: the query name (the file stem). :param source: the file as shown in messages.
    :raises QueryError: for bad YAML, a missing ``summary`` or ``description``, an unknown
        metadata key, a bad value, or metadata naming a parameter the query does not have —
        always naming the file and line.
    """
    lines, numbers, indent = _header_lines(text)
    located = _Located(source, numbers, indent)
    header = "\n".join(lines)
    try:
        root, data = compose_and_load(header) if header.strip() else (None, None)
    except YAMLHeaderError as error:
        raise _yaml_error(header, error.error, located) from None
    if root is None:
        data = {}
    elif not isinstance(data, dict):
        raise located.error(
            "the #+ metadata must be a mapping of keys to values",
            root,
            hint="write '#+ summary: …'",
        )

    keys: dict[str, Any] = {}
    for key_node, value_node in _mapping_items(root):
        key = str(key_node.value)
        if key not in METADATA_KEYS:
            raise located.error(
                f"unknown metadata key '{key}'",
                key_node,
                hint=_suggest(key, METADATA_KEYS) + "known keys: " + ", ".join(METADATA_KEYS),
            )
        if key in keys:
            raise located.error(f"metadata key '{key}' is given twice", key_node, hint="keep one")
        keys[key] = value_node

    texts = {}
    for key in ("summary", "description"):
        value = data.get(key)
        if key not in keys:
            raise QueryError(
                f"missing '{key}' in the #+ metadata",
                path=source,
                line=numbers[0] if numbers else 1,
                hint=f"add a line '#+ {key}: …' at the top of the file",
            )
        if not isinstance(value, str) or not value.strip():
            raise located.error(
                f"'{key}' must be a non-empty text", keys[key], hint=f"write '#+ {key}: …'"
            )
        texts[key] = " ".join(value.split())

    tags = data.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise located.error(
            "'tags' must be a list of words",
            keys.get("tags"),
            hint="write '#+ tags: [costs, models]'",
        )

    prepared = prepare(text, source)
    parameters = {p.name: p for p in discover_parameters(prepared)}
    names = list(parameters)

    def check_name(param: str, node: Any, key: str) -> None:
        if param not in parameters:
            listing = ", ".join(names) if names else "none"
            raise located.error(
                f"{key}: the query has no parameter '{param}'",
                node,
                hint=_suggest(param, names) + f"parameters: {listing}",
            )

    defaults: dict[str, str] = {}
    value_nodes: dict[str, Any] = {}
    for param, value, node in _named_entries(
        data.get("defaults"), keys.get("defaults"), located, "defaults"
    ):
        check_name(param, node, "defaults")
        if isinstance(value, (list, dict)) or value is None:
            raise located.error(f"defaults: the default of '{param}' must be a single value", node)
        defaults[param] = _scalar_text(value)
        value_nodes[param] = node

    allowed: dict[str, tuple[str, ...]] = {}
    for param, value, node in _named_entries(
        data.get("enumerate"), keys.get("enumerate"), located, "enumerate"
    ):
        check_name(param, node, "enumerate")
        if (
            not isinstance(value, list)
            or not value
            or any(isinstance(v, (list, dict)) or v is None for v in value)
        ):
            raise located.error(
                f"enumerate: give the allowed values of '{param}' as a list",
                node,
                hint=f"write '#+   - {param}: [value1, value2]'",
            )
        allowed[param] = tuple(_scalar_text(v) for v in value)
        value_nodes.setdefault(param, node)

    view, settings = _kgtool_settings(data.get("kgtool"), keys.get("kgtool"), located)
    for param, (node, _options) in settings.items():
        check_name(param, node, "kgtool.params")

    built = []
    for discovered in parameters.values():
        node, options = settings.get(discovered.name, (None, {}))
        class_iri = None
        if "class" in options:
            if discovered.type is not ParamType.IRI:
                raise located.error(
                    f"kgtool.params: '{discovered.name}' is a {discovered.type.value} parameter; only IRI parameters take a class",
                    node,
                    hint=f"rename the variable ?{discovered.variable} to end in _iri, or drop the class",
                )
            class_iri = _class_iri(options["class"], node, located)
        description = options.get("description", "")
        if not isinstance(description, str):
            raise located.error(
                f"kgtool.params: the description of '{discovered.name}' must be a text", node
            )
        built_param = Parameter(
            discovered.name,
            discovered.variable,
            discovered.type,
            discovered.required,
            discovered.datatype,
            class_iri,
            defaults.get(discovered.name),
            allowed.get(discovered.name, ()),
            " ".join(description.split()),
        )
        _check_static(built_param, located, value_nodes.get(discovered.name))
        built.append(built_param)

    query = SavedQuery(
        name=name,
        sparql=text,
        summary=texts["summary"],
        description=texts["description"],
        tags=tuple(tags),
        parameters=tuple(built),
        view=view,
        source=source,
        path=path,
        read_as=prepared,
    )
    if prepared.form is None:
        prepared.check_safe()  # SPARQL Update gets "refused", not "not a query"
    prepared.require_kind()  # a saved query must be a query: fail here rather than at run time
    return query


def _yaml_error(header: str, error: Exception, located: _Located) -> QueryError:
    """PyYAML's ``error`` at its place in the file, worded by the pure-Python parser (the same
    words whether or not libyaml is installed)."""
    import yaml

    if not isinstance(error, yaml.MarkedYAMLError):  # no position: e.g. a date with day 31 in June
        first = located.numbers[0] if located.numbers else 1
        hint = "quote the value to keep it a text" if isinstance(error, ValueError) else None
        return QueryError(
            f"bad YAML in the #+ metadata: {error}", path=located.source, line=first, hint=hint
        )
    try:
        yaml.compose(header, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        at_end = (
            mark is None
            or mark.line >= len(located.numbers)
            or "<stream end>" in str(error.problem)
        )
        if at_end and error.context_mark is not None:
            mark = error.context_mark  # an unclosed bracket: point at where it opens
        problem = " ".join(str(error.problem or error.context or "invalid YAML").split())
        return QueryError(
            f"bad YAML in the #+ metadata: {problem}",
            **located.where(mark),
            hint="metadata lines read '#+ key: value' and must form valid YAML",
        )
    return QueryError("bad YAML in the #+ metadata", **located.where(None))


def _scalar_text(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _named_entries(
    value: Any, node: Any, located: _Located, key: str
) -> list[tuple[str, Any, Any]]:
    """``(param, value, node)`` from grlc's list-of-mappings form or a plain mapping."""
    if value is None:
        return []
    entries: list[tuple[str, Any, Any]] = []
    if isinstance(value, dict):
        for key_node, _value_node in _mapping_items(node):
            entries.append((str(key_node.value), value[key_node.value], key_node))
        return entries
    if isinstance(value, list):
        for item, item_node in zip(value, node.value, strict=True):
            if isinstance(item, dict) and len(item) == 1:
                ((param, param_value),) = item.items()
                entries.append((str(param), param_value, item_node))
            elif isinstance(item, str) and key == "enumerate":
                raise located.error(
                    f"enumerate: give the allowed values of '{item}'",
                    item_node,
                    hint=f"write '#+   - {item}: [value1, value2]'",
                )
            else:
                raise located.error(
                    f"{key}: each entry must be 'name: value'",
                    item_node,
                    hint="write '#+   - name: value'",
                )
        return entries
    raise located.error(
        f"'{key}' must be a list of 'name: value' entries",
        node,
        hint=f"write '#+ {key}:' then '#+   - name: value'",
    )


def _kgtool_settings(
    value: Any, node: Any, located: _Located
) -> tuple[str, dict[str, tuple[Any, dict[str, Any]]]]:
    """The ``kgtool:`` block: the default view and per-parameter settings (with their YAML nodes)."""
    if value is None:
        return "table", {}
    if not isinstance(value, dict):
        raise located.error(
            "'kgtool' must be a mapping", node, hint="write '#+ kgtool: {view: table}'"
        )
    nodes = dict((str(k.value), (k, v)) for k, v in _mapping_items(node))
    for key, (key_node, _v) in nodes.items():
        if key not in KGTOOL_KEYS:
            raise located.error(
                f"unknown key 'kgtool.{key}'",
                key_node,
                hint=_suggest(key, KGTOOL_KEYS) + "known keys: " + ", ".join(KGTOOL_KEYS),
            )
    view = value.get("view", "table")
    if view not in VIEWS:
        raise located.error(
            f"kgtool.view must be one of: {', '.join(VIEWS)} (not {view!r})",
            nodes["view"][1],
            hint="write 'view: table'",
        )
    params = value.get("params") or {}
    if not isinstance(params, dict):
        raise located.error(
            "kgtool.params must map parameter names to settings", nodes["params"][1]
        )
    settings: dict[str, tuple[Any, dict[str, Any]]] = {}
    for key_node, value_node in _mapping_items(nodes["params"][1]) if "params" in nodes else []:
        options = params[key_node.value]
        if not isinstance(options, dict):
            raise located.error(
                f"kgtool.params.{key_node.value} must be a mapping",
                value_node,
                hint="write '{class: kgo:Organization}'",
            )
        for option_node, _ in _mapping_items(value_node):
            if option_node.value not in PARAM_KEYS:
                raise located.error(
                    f"unknown key 'kgtool.params.{key_node.value}.{option_node.value}'",
                    option_node,
                    hint=_suggest(str(option_node.value), PARAM_KEYS)
                    + "known keys: "
                    + ", ".join(PARAM_KEYS),
                )
        settings[str(key_node.value)] = (key_node, options)
    return str(view), settings


def _class_iri(value: Any, node: Any, located: _Located) -> str:
    iri = iri_from_text(str(value))
    if iri is None:
        raise located.error(
            f"kgtool.params: class {str(value).strip()!r} is neither a CURIE with a known prefix nor an IRI",
            node,
            hint="known prefixes: " + ", ".join(PREFIXES),
        )
    return iri


def _check_static(param: Parameter, located: _Located, node: Any) -> None:
    """Defaults and allowed values that can be checked without data (numbers, dates, languages)."""
    for value in ([param.default] if param.default is not None else []) + list(param.allowed):
        if param.type is not ParamType.IRI:
            try:
                _literal_text_check(param, value)
            except ParameterError as error:
                raise located.error(f"metadata: {error.message}", node) from None
    if (
        param.default is not None
        and param.allowed
        and param.type is not ParamType.IRI
        and param.default not in param.allowed
    ):
        raise located.error(
            f"the default of '{param.name}' ({param.default}) is not among its allowed values",
            node,
            hint="allowed: " + ", ".join(param.allowed),
        )


# --- finding saved queries -------------------------------------------------------------------------


def load_saved_query(path: Path) -> SavedQuery:
    """Read and parse one ``.rq`` file; its name is the file stem.

    :raises QueryError: when the file cannot be read or its metadata is invalid.
    """
    source = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise QueryError(f"cannot read the file: {error.strerror}", path=source) from None
    return parse_saved_query(decode_query(data, source), path.stem, source, path)


def decode_query(data: bytes, source: str) -> str:
    """The text of a query read as bytes (a file, stdin): UTF-8, a leading BOM dropped.

    :raises QueryError: naming ``source`` when ``data`` is not UTF-8.

    >>> decode_query(b"\\xef\\xbb\\xbfASK {}", "q.rq")
    'ASK {}'
    """
    text = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as error:
        from kgtool.fileio import utf8_error_position  # on this error only: off the start-up path

        line, column = utf8_error_position(text, error)
        raise QueryError(
            f"the file is not valid UTF-8 (byte 0x{text[error.start]:02x})",
            path=source,
            line=line,
            column=column,
            hint="save it as UTF-8",
        ) from None


def saved_queries(project: Project) -> list[SavedQuery]:
    """Every saved query of the project, sorted by name.

    :raises QueryError: naming the first file whose metadata is invalid.
    """
    return [load_saved_query(path) for path in project.query_files]


def query_names(project: Project) -> list[str]:
    return [path.stem for path in project.query_files]


def find_saved_query(project: Project, name: str) -> SavedQuery:
    """The saved query called ``name``.

    :raises QueryError: when there is none (suggesting the closest name), or it is invalid.
    """
    names = query_names(project)
    if name not in names:
        raise QueryError(
            f"no saved query named '{name}'",
            hint=_suggest(name, names) + "run 'kgtool queries' for the list",
        )
    return load_saved_query(project.queries_dir / f"{name}.rq")


def adhoc_query(text: str, source: str = "query", base_iri: str | None = None) -> SavedQuery:
    """An ad-hoc query: parameters discovered from its variables; any ``#+`` metadata ignored.

    :param base_iri: what relative IRIs in the query resolve against (a query file's URI).

    :raises QueryError: when the text is empty or not a query, or a parameter variable is malformed.
    """
    if not text.strip():
        raise QueryError(
            "the query is empty",
            path=None if source == "query" else source,
            hint="give a SPARQL query",
        )
    prepared = prepare(text, source, base_iri=base_iri)
    query = SavedQuery(
        name="",
        sparql=text,
        parameters=discover_parameters(prepared),
        source=source,
        read_as=prepared,
    )
    if prepared.form is None:
        prepared.check_safe()  # SPARQL Update gets "refused", not "not a query"
    prepared.require_kind()
    return query


def check_query(query: SavedQuery, allow_service: Collection[str] = ()) -> None:
    """Refuse an unsafe query before any data is loaded.

    :param allow_service: endpoints SERVICE may query (``--allow-service``).
    :raises UnsafeQueryError: for UPDATE, SERVICE, FROM / FROM NAMED or LOAD, at its file position.
    """
    query.prepared.allowing(allow_service).check_safe()


# --- parameters ---------------------------------------------------------------------------------------


def echo(value: str, limit: int = 80) -> str:
    """A value the user gave, quoted for a message: control characters escaped, long ones cut.

    >>> echo("DeepSeek"), echo("x" * 100, 5)
    ("'DeepSeek'", "'xxxx… (97 more characters)")
    """
    return clip(repr(value), limit)


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    """``-p NAME=VALUE`` options as a mapping.

    :raises ParameterError: for an item without ``=`` or a name given twice.

    >>> parse_assignments(["actor=DeepSeek", "text=a=b"])
    {'actor': 'DeepSeek', 'text': 'a=b'}
    """
    values: dict[str, str] = {}
    for item in items:
        name, equals, value = item.partition("=")
        name = name.strip()
        if not equals or not name:
            raise ParameterError(
                f"-p {echo(item)} is not NAME=VALUE", hint="write e.g. -p actor=DeepSeek"
            )
        if name in values:
            raise ParameterError(
                f"parameter {echo(name)} is given twice", hint="give each -p NAME=VALUE once"
            )
        values[name] = value
    return values


def _what(query: SavedQuery) -> str:
    return f"query '{query.name}'" if query.name else "the query"


def check_parameter_names(query: SavedQuery, values: Mapping[str, str]) -> None:
    """Refuse unknown names and missing required parameters (before any data is loaded).

    :raises ParameterError: naming the closest parameter for a misspelt name.
    """
    names = [p.name for p in query.parameters]
    for name in values:
        if name not in names:
            if not names:
                raise ParameterError(
                    f"{_what(query)} takes no parameters (got {echo(name)})",
                    hint=f"remove -p {clip(escape_controls(name), 80)}=…",
                )
            raise ParameterError(
                f"{_what(query)} has no parameter {echo(name)}",
                hint=_suggest(name, names) + "parameters: " + ", ".join(names),
            )
    for param in query.parameters:
        if (
            param.required
            and param.name not in values
            and param.default is None
            and param.type is not ParamType.LANGUAGE
        ):
            raise ParameterError(
                f"{_what(query)} needs parameter '{param.name}' ({param.type_label})",
                hint=f"add -p {param.name}=VALUE",
            )


def _literal_text_check(param: Parameter, value: str) -> tuple[str, str | None, str | None]:
    """Lexical form, datatype and language for a non-IRI value. :raises ParameterError:"""
    if param.type is ParamType.STRING:
        return value, None, None
    if param.type is ParamType.NUMBER:
        text = value.strip()
        if param.datatype:
            if re.fullmatch(_NUMBER[param.datatype], text):
                return text, param.datatype, None
        else:
            for datatype, pattern in _NUMBER.items():
                if re.fullmatch(pattern, text):
                    return text, datatype, None
        kind = shorten(param.datatype) if param.datatype else "a number"
        raise ParameterError(
            f"parameter '{param.name}': {echo(value)} is not {kind}", hint="write e.g. 42 or 0.5"
        )
    if param.type is ParamType.DATE:
        text = value.strip()
        try:
            if not re.fullmatch(_DATE, text):
                raise ValueError
            date.fromisoformat(text)
        except ValueError:
            raise ParameterError(
                f"parameter '{param.name}': {echo(value)} is not a date",
                hint="write YYYY-MM-DD, e.g. 2025-01-20",
            ) from None
        return text, XSD + "date", None
    text = value.strip()
    if not _LANGUAGE_TAG.fullmatch(text):
        raise ParameterError(
            f"parameter '{param.name}': {echo(value)} is not a language tag",
            hint="write e.g. en or ja",
        )
    return text.lower(), None, None


def parameter_term(engine: Engine, param: Parameter, value: str) -> Term:
    """The RDF term ``value`` stands for.

    :raises ParameterError: for a value of the wrong form, not among the allowed values, or an
        IRI parameter whose value names no entity of the class, or several (candidates listed).
    """
    import pyoxigraph

    if param.type is ParamType.IRI:
        try:
            node = resolve_parameter_entity(engine, param, value)
        except EntityNotFoundError as error:
            raise ParameterError(
                f"parameter '{param.name}': {error.message}", hint=error.hint
            ) from None
        if param.allowed:
            allowed = [resolve_parameter_entity(engine, param, v) for v in param.allowed]
            if node not in allowed:
                raise ParameterError(
                    f"parameter '{param.name}': {shorten(node.value)} is not an allowed value",
                    hint="allowed: " + ", ".join(param.allowed),
                )
        return node
    if param.allowed and value not in param.allowed:
        raise ParameterError(
            f"parameter '{param.name}': {echo(value)} is not an allowed value",
            hint="allowed: " + ", ".join(param.allowed),
        )
    text, datatype, language = _literal_text_check(param, value)
    if datatype:
        return pyoxigraph.Literal(text, datatype=pyoxigraph.NamedNode(datatype))
    return pyoxigraph.Literal(text, language=language) if language else pyoxigraph.Literal(text)


def resolve_parameter_entity(engine: Engine, param: Parameter, value: str) -> Term:
    from kgtool.entities import resolve_entity  # only IRI parameters need entity lookup

    return resolve_entity(engine, value, param.class_iri)


def bind_parameters(
    engine: Engine, query: SavedQuery, values: Mapping[str, str], lang: str = "en"
) -> dict[str, Term]:
    """Variable name → RDF term, for every parameter given or defaulted.

    Language parameters left unset take ``lang`` (the ``--lang`` option).

    :raises ParameterError: for unknown, missing or invalid parameters.
    """
    check_parameter_names(query, values)
    bindings: dict[str, Term] = {}
    for param in query.parameters:
        value = values.get(param.name, param.default)
        if value is None and param.type is ParamType.LANGUAGE:
            value = lang
        if value is None:
            continue
        bindings[param.variable] = parameter_term(engine, param, value)
    return bindings


# --- running --------------------------------------------------------------------------------------------


def _relocated(error: KgtoolError, source: str) -> KgtoolError:
    """The same error pointing at ``source`` instead of the engine's generic ``query``."""
    if error.path != "query" or source == "query":
        return error
    return type(error)(
        error.message, path=source, line=error.line, column=error.column, hint=error.hint
    )


def run_query(
    engine: Engine, query: SavedQuery, values: Mapping[str, str] | None = None, lang: str = "en"
) -> QueryResult:
    """Bind the parameters and run the query; every row is read (see :func:`stream_query`).

    :raises ParameterError: for unknown, missing or invalid parameters.
    :raises UnsafeQueryError: for a query that could write or read beyond the loaded data.
    :raises QueryError: for a syntax error, at its position in the query's file.
    :raises EngineError: when the engine fails, or the engine's timeout passes.
    """
    stream = stream_query(engine, query, values, lang)
    try:
        return stream.materialised()
    except KgtoolError as error:
        raise _relocated(error, query.source) from None


def stream_query(
    engine: Engine, query: SavedQuery, values: Mapping[str, str] | None = None, lang: str = "en"
) -> QueryStream:
    """Bind the parameters and run the query; SELECT rows come as the engine computes them.

    :param values: parameter name → value as typed by the user (``-p NAME=VALUE``).
    :param lang: the label language, the default of language parameters.
    :raises ParameterError: for unknown, missing or invalid parameters.
    :raises UnsafeQueryError: for a query that could write or read beyond the loaded data.
    :raises QueryError: for a syntax error, at its position in the query's file.
    :raises EngineError: when the engine fails, or the engine's timeout passes (also while the
        rows are read).
    """
    prepared = query.prepared.allowing(engine.allow_service)
    prepared.check_safe()
    bindings = bind_parameters(engine, query, values or {}, lang)
    try:
        return engine.stream(prepared, bindings)
    except KgtoolError as error:
        raise _relocated(error, query.source) from None


# --- catalogue --------------------------------------------------------------------------------------------


def parameter_record(param: Parameter) -> dict[str, object]:
    """A parameter as a JSON-ready mapping (keys: name, type, required, default, allowed, class)."""
    return {
        "name": param.name,
        "type": param.type.value,
        "required": param.required,
        "default": param.default,
        "allowed": list(param.allowed),
        "class": shorten(param.class_iri) if param.class_iri else None,
    }


def catalogue_record(query: SavedQuery) -> dict[str, object]:
    """A saved query as a JSON-ready mapping (keys: name, summary, description, parameters)."""
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "parameters": [parameter_record(p) for p in query.parameters],
    }


def describe_parameter(param: Parameter) -> str:
    """One line about a parameter: ``actor: iri of kgo:Company, required, default kgr:OpenAI``."""
    parts = [param.type_label, "required" if param.required else "optional"]
    if param.default is not None:
        parts.append(f"default {param.default}")
    elif param.type is ParamType.LANGUAGE:
        parts.append("default: the --lang value")
    if param.allowed:
        parts.append("one of " + " | ".join(param.allowed))
    text = f"{param.name}: " + ", ".join(parts)
    return f"{text} — {param.description}" if param.description else text


def catalogue_text(queries: Sequence[SavedQuery]) -> str:
    """The catalogue for a terminal: per query, its name and summary, description, parameters."""
    import textwrap

    blocks = []
    for query, head in zip(queries, align([[q.name, q.summary] for q in queries]), strict=True):
        lines = [head]
        lines += textwrap.wrap(
            query.description, width=100, initial_indent="    ", subsequent_indent="    "
        )
        lines += [f"    -p {describe_parameter(p)}" for p in query.parameters]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def show_text(query: SavedQuery) -> str:
    """``kgtool query NAME --show``: the normalised metadata, then the file as written."""
    lines = [
        f"name: {query.name}",
        f"file: {query.source}",
        f"summary: {query.summary}",
        f"description: {query.description}",
        f"kind: {query.kind.value}",
        f"view: {query.view}",
    ]
    if query.tags:
        lines.append("tags: " + ", ".join(query.tags))
    lines.append("parameters:" if query.parameters else "parameters: none")
    lines += [f"  {describe_parameter(p)}" for p in query.parameters]
    return "\n".join(lines) + "\n\n" + query.sparql.rstrip("\n") + "\n"


__all__ = [
    "Parameter",
    "ParamType",
    "SavedQuery",
    "TYPE_SUFFIXES",
    "adhoc_query",
    "bind_parameters",
    "catalogue_record",
    "catalogue_text",
    "check_parameter_names",
    "check_query",
    "decode_query",
    "discover_parameters",
    "find_saved_query",
    "load_saved_query",
    "parameter_term",
    "parse_assignments",
    "parse_saved_query",
    "query_kind",
    "run_query",
    "saved_queries",
    "show_text",
    "stream_query",
]
