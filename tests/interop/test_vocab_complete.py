"""The package's RDF schema (interop/vocab.ttl) declares every term the RDF export can write:
every event type of the model (EVENT_TYPES) and every fd: class and property interop/rdf.py
writes, each with a label and a comment, whatever the corpus holds. test_export.py checks
the terms of the bundled corpus's export only; this reads rdf.py itself."""

from __future__ import annotations

import ast
from pathlib import Path

import rdflib
from rdflib import RDF, RDFS
from rdflib.namespace import OWL

from foedus.interop import rdf
from foedus.interop.rdf import FD, VOCAB
from foedus.model.vocabulary import EVENT_TYPES

TYPE = FD + "type/"


def schema() -> rdflib.Graph:
    return rdflib.Graph().parse(VOCAB, format="turtle")


def _constants(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant)]


def written_terms() -> set[str]:
    """The local names of the fd: terms rdf.py writes, read from its source: ``fd.X``,
    ``fd["X"]``, ``fd[f"{prefix}Earliest"]`` (each ``prefix`` a call of ``dates`` passes) and
    ``fd[rel]`` (each ``rel`` of the loop that binds it). ``fd[f"type/{...}"]`` is an event
    type (test_vocab_declares_every_event_type). A subscript of another form fails: this
    test must learn it."""
    tree = ast.parse(Path(rdf.__file__).read_text("utf-8"))
    names: set[str] = set()
    prefixed: set[str] = set()  # the suffixes of fd[f"{prefix}<suffix>"]
    prefixes: set[str] = set()
    loops: dict[str, set[str]] = {}  # a loop variable: the strings the loop binds it to
    for n in ast.walk(tree):
        if isinstance(n, ast.For) and isinstance(n.target, ast.Tuple | ast.Name):
            targets = n.target.elts if isinstance(n.target, ast.Tuple) else [n.target]
            for k, t in enumerate(targets):
                if not isinstance(t, ast.Name) or not isinstance(n.iter, ast.Tuple):
                    continue
                for item in n.iter.elts:
                    value = item.elts[k] if isinstance(item, ast.Tuple) else item
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        loops.setdefault(t.id, set()).add(value.value)
        if (
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Name)
            and n.func.id == "dates"
            and len(n.args) == 3
            and isinstance(n.args[2], ast.Constant)
        ):
            prefixes.add(n.args[2].value)
    unknown = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "fd":
            names.add(n.attr)
        elif isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id == "fd":
            key = n.slice
            if isinstance(key, ast.Constant):
                names.add(key.value)
            elif isinstance(key, ast.Name) and key.id in loops:
                names |= loops[key.id]
            elif isinstance(key, ast.JoinedStr):
                head, *rest = key.values
                if isinstance(head, ast.Constant) and head.value == "type/":
                    continue  # an event type
                if (
                    isinstance(head, ast.FormattedValue)
                    and isinstance(head.value, ast.Name)
                    and head.value.id == "prefix"
                    and len(rest) == 1
                    and isinstance(rest[0], ast.Constant)
                ):
                    prefixed.add(rest[0].value)
                else:
                    unknown.append(ast.unparse(n))
            else:
                unknown.append(ast.unparse(n))
    assert not unknown, f"fd: terms this test cannot read in rdf.py: {unknown}"
    assert prefixes and prefixed, "rdf.py's dates() no longer found"
    names |= {p + s for p in prefixes for s in prefixed}
    return names


def test_rdf_py_terms_are_read() -> None:
    """The reading of rdf.py finds the terms of each kind (a guard on the reader)."""
    terms = written_terms()
    assert {"Actor", "Instrument", "Event", "Party", "Clause", "Norm", "Category"} <= terms
    assert {"id", "eventType", "hypothetical", "partOf", "via", "eventTypeIn"} <= terms
    assert {"signedEarliest", "joinedText", "existedToLatest", "dateText"} <= terms


def test_vocab_declares_every_term_rdf_py_writes() -> None:
    g = schema()
    missing = sorted(t for t in written_terms() if (rdflib.URIRef(FD + t), None, None) not in g)
    assert not missing, f"vocab.ttl lacks fd: terms rdf.py writes: {missing}"


def test_vocab_declares_every_event_type() -> None:
    g = schema()
    assert (rdflib.URIRef(FD + "EventType"), RDF.type, RDFS.Class) in g
    missing = [t for t in EVENT_TYPES if (rdflib.URIRef(TYPE + t), None, None) not in g]
    assert not missing, f"vocab.ttl lacks event types of EVENT_TYPES: {missing}"
    declared = {str(s) for s in g.subjects(RDF.type, rdflib.URIRef(FD + "EventType"))}
    stale = sorted(s for s in declared if s.removeprefix(TYPE) not in EVENT_TYPES)
    assert not stale, f"vocab.ttl declares event types the model lacks: {stale}"


def test_event_types_take_the_models_words() -> None:
    """Each event type is an fd:EventType labelled with its name and commented with the
    model's own description of it."""
    g = schema()
    for t, description in EVENT_TYPES.items():
        s = rdflib.URIRef(TYPE + t)
        assert (s, RDF.type, rdflib.URIRef(FD + "EventType")) in g, t
        assert str(g.value(s, RDFS.label)) == t.replace("_", " "), t
        assert str(g.value(s, RDFS.comment)) == description, t


def test_terms_are_typed_and_described() -> None:
    """Every fd: term rdf.py writes is a class or a property, with a label and a comment."""
    g = schema()
    for t in sorted(written_terms()):
        s = rdflib.URIRef(FD + t)
        kind = RDFS.Class if t[0].isupper() else RDF.Property
        assert (s, RDF.type, kind) in g, t
        if kind == RDF.Property:
            assert {OWL.ObjectProperty, OWL.DatatypeProperty} & set(g.objects(s, RDF.type)), t
        assert str(g.value(s, RDFS.label)) == t, t
        assert g.value(s, RDFS.comment), t
