"""Rule text to :class:`~foedus.rules.ast.Program`: syntax, then the checks of ``check``.

The text is cut into statements (each ends with a ``.`` outside strings and comments) and each
statement is parsed on its own by the LALR grammar in ``grammar.lark``, so that every syntax
error in a file is reported, not only the first. Declarations are collected from every file
before any rule is built: a condition names a fluent or a fact relation, and which one it is
depends on the declarations, wherever they are.

>>> program = parse_rules('''
... fluent party_to(State, Treaty).
... initiated party_to(S, Tr) when sign(S, Tr).
... ''', file="demo.rules")
>>> rule = program.rules[0]
>>> rule.label, str(rule.head), str(rule.event)
('demo.rules:3', 'party_to(S, Tr)', 'sign(S, Tr)')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from foedus.errors import Problem, RuleError
from foedus.rules import check
from foedus.rules.ast import (
    Atom,
    CompareCond,
    Complement,
    Condition,
    Const,
    EventRule,
    FactCond,
    FactDecl,
    FluentDecl,
    FluentRef,
    GroundFact,
    HoldsCond,
    Intersect,
    Pos,
    Program,
    SetExpr,
    SetRef,
    StaticRule,
    Term,
    Union,
    Var,
)

__all__ = ["build_program", "declarations", "parse_rules"]


@cache
def _parser() -> Lark:
    grammar = (Path(__file__).parent / "grammar.lark").read_text(encoding="utf-8")
    return Lark(
        grammar, start="item", parser="lalr", propagate_positions=True, maybe_placeholders=True
    )


def parse_rules(text: str, file: str = "<rules>") -> Program:
    """Parse and check one rule text; raise :class:`RuleError` listing every problem."""
    return build_program([(text, file)])


def build_program(sources: list[tuple[str, str]]) -> Program:
    """Parse and check rule texts, each ``(text, file)``, as one program; raise
    :class:`RuleError` listing every problem."""
    problems: list[Problem] = []
    statements: list[_Statement] = []
    for text, file in sources:
        statements.extend(_statements(text, file, problems))
    program = Program()
    for st in statements:  # declarations first: rules need to know what each name is
        if st.tree.data in ("fluent_decl", "fact_decl"):
            _declare(st, program, problems)
    builder = _Builder(program, problems)
    for st in statements:
        if st.tree.data not in ("fluent_decl", "fact_decl"):
            builder.statement(st)
    problems.extend(check.check_program(program))
    if problems:
        raise RuleError(problems)
    return program


def declarations(sources: list[tuple[str, str]]) -> Program:
    """The fluents and fact relations that rule texts, each ``(text, file)``, declare, with
    nothing else built or checked (a statement with a syntax error is left out): what a
    program that has problems still says of its names.

    >>> sorted(declarations([("fluent a(X) = Y. fact f(X). initiated a(X) = 1 when e(X", "r")])
    ...        .fluents)
    ['a']
    """
    program = Program()
    for text, file in sources:
        for st in _statements(text, file, []):
            if st.tree.data in ("fluent_decl", "fact_decl"):
                _declare(st, program, [])
    return program


# --- statements -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Statement:
    tree: Tree
    file: str
    line: int  # where the statement's text starts (its tree's positions count from there)
    col: int
    doc: str

    def pos(self, line: int, col: int) -> Pos:
        return Pos(self.file, self.line + line - 1, col + (self.col - 1 if line == 1 else 0))


def _split(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the statements: text up to and including each ``.`` that is
    outside strings and comments, and any trailing text that has no ``.``."""
    spans = []
    start = 0
    significant = False
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        if c == '"':
            significant = True
            i += 1
            while i < n and text[i] not in '"\n':
                i += 2 if text[i] == "\\" else 1
        elif c == ".":
            spans.append((start, i + 1))
            start, significant = i + 1, False
        elif not c.isspace():
            significant = True
        i += 1
    if significant:
        spans.append((start, n))
    return spans


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _doc_above(lines: list[str], line: int) -> str:
    """The comment block directly above ``line`` (1-based), without the ``#`` marks."""
    doc: list[str] = []
    i = line - 2
    while i >= 0 and lines[i].lstrip().startswith("#"):
        doc.append(lines[i].lstrip()[1:].removeprefix(" ").rstrip())
        i -= 1
    return "\n".join(reversed(doc))


def _statements(text: str, file: str, problems: list[Problem]) -> list[_Statement]:
    lines = text.splitlines()
    out: list[_Statement] = []
    spans = _split(text)
    while spans:
        start, end = spans.pop(0)
        line, col = _line_col(text, start)
        chunk = text[start:end]
        probe = _Statement(Tree("item", []), file, line, col, "")
        try:
            tree = _parser().parse(chunk)
        except UnexpectedInput as e:
            cut = _missing_stop(e, chunk)
            if cut is None:
                problems.append(_syntax_problem(e, chunk, probe))
                continue
            # a statement without its '.': the next one starts on a line of its own, and is
            # parsed as its own statement (its declaration is not lost with the error)
            stop = len(_uncommented(chunk[:cut]).rstrip())
            pos = probe.pos(*_line_col(chunk, stop))
            found = str(e.token.value) if isinstance(e, UnexpectedToken) else ""
            problems.append(
                Problem(
                    pos.file,
                    pos.line,
                    pos.col,
                    f"syntax error: expected '.' at the end of the statement, found '{found}' "
                    f"on line {probe.pos(*_line_col(chunk, cut)).line} (every statement ends "
                    "with '.')",
                )
            )
            head = _parser().parse(_uncommented(chunk[:cut]).rstrip() + ".").children[0]
            assert isinstance(head, Tree)
            first_line = head.meta.line + line - 1
            out.append(_Statement(head, file, line, col, _doc_above(lines, first_line)))
            spans.insert(0, (start + cut, end))
            continue
        stmt = tree.children[0]
        assert isinstance(stmt, Tree)
        first_line = stmt.meta.line + line - 1
        out.append(_Statement(stmt, file, line, col, _doc_above(lines, first_line)))
    return out


_STARTS = {"FLUENT", "FACT", "INITIATED", "TERMINATED"}
"""The tokens that can only start a statement (a label, ``name:``, starts one too)."""


def _missing_stop(e: UnexpectedInput, chunk: str) -> int | None:
    """Where the next statement starts in ``chunk``, when ``e`` is that of a statement whose
    ``.`` is missing: the parser would take a ``.`` where a token that starts a statement
    (``fluent``, ``initiated``, a label ``name:``) begins a line of its own; else None."""
    if not isinstance(e, UnexpectedToken) or e.token.start_pos is None:
        return None
    at = e.token.start_pos
    line_start = chunk.rfind("\n", 0, at) + 1
    if at == 0 or chunk[line_start:at].strip() or not chunk[:line_start].strip():
        return None
    label = re.match(r"[a-z0-9][A-Za-z0-9_\-]*\s*:(?!-)", chunk[at:]) is not None
    if e.token.type not in _STARTS and not label:
        return None
    if "DOT" not in _accepts(e):
        return None
    try:
        _parser().parse(_uncommented(chunk[:at]).rstrip() + ".")
    except UnexpectedInput:
        return None
    return at


_STRING_OR_COMMENT = re.compile(r'"(?:\\.|[^"\\\n])*"|#[^\n]*')


def _uncommented(text: str) -> str:
    """``text`` with its comments blanked (as many spaces), its strings kept."""
    return _STRING_OR_COMMENT.sub(
        lambda m: m.group() if m.group().startswith('"') else " " * len(m.group()), text
    )


_WORDS = {
    "NAME": "a name",
    "VAR": "a variable",
    "STRING": "a quoted string",
    "NOT": "'not'",
    "$END": "the end of the file",
}


def _describe(terminal: str) -> str:
    if terminal in _WORDS:
        return _WORDS[terminal]
    term = _parser().get_terminal(terminal)
    pattern = term.pattern.value
    return f"'{pattern}'" if term.pattern.type == "str" else terminal.lower()


def _expected(names: set[str]) -> str:
    words = sorted({_describe(n) for n in names}, key=lambda w: (not w.startswith("'"), w))
    if len(words) == 1:
        return words[0]
    return "one of " + ", ".join(words[:-1]) + " or " + words[-1]


def _accepts(e: UnexpectedToken) -> set[str]:
    """The tokens the parser could really take here (LALR's own set is merged, so wider)."""
    try:
        return set(e.interactive_parser.accepts()) - {"$END"} or set(e.expected)
    except Exception:  # pragma: no cover - lark cannot always simulate
        return set(e.expected)


def _expected_before(text: str) -> set[str]:
    """What the parser would take after ``text`` (to explain a character it cannot read)."""
    try:
        _parser().parse(text)
    except UnexpectedToken as e:
        return _accepts(e)
    except UnexpectedInput:
        pass
    return set()


def _syntax_problem(e: UnexpectedInput, chunk: str, st: _Statement) -> Problem:
    expected: set[str]
    if isinstance(e, UnexpectedToken) and e.token.type != "$END":
        found = f"'{e.token.value}'"
        line, col = e.token.line or 1, e.token.column or 1
        expected = _accepts(e)
    elif isinstance(e, UnexpectedCharacters):
        at = e.pos_in_stream or 0
        found = f"character '{chunk[at]}'"
        line, col = e.line, e.column
        expected = _expected_before(chunk[:at]) or set(e.allowed)
    else:  # the statement stops before its end
        assert isinstance(e, UnexpectedToken | UnexpectedEOF)
        found = "the end of the file"
        line, col = _line_col(chunk, len(chunk.rstrip()))
        expected = _accepts(e) if isinstance(e, UnexpectedToken) else set(e.expected)
    pos = st.pos(line, col)
    return Problem(
        pos.file,
        pos.line,
        pos.col,
        f"syntax error: expected {_expected(set(expected))}, found {found}",
    )


# --- declarations -----------------------------------------------------------------------------


def _declare(st: _Statement, program: Program, problems: list[Problem]) -> None:
    tree = st.tree
    name_tok = tree.children[0]
    pos = st.pos(tree.meta.line, tree.meta.column)
    name = str(name_tok)
    earlier = program.fluents.get(name) or program.facts.get(name)
    if earlier is not None:
        problems.append(
            Problem(
                pos.file, pos.line, pos.col, f"'{name}' is declared twice (first at {earlier.pos})"
            )
        )
        return
    types: tuple[str, ...] = ()
    if tree.children[1] is not None:
        types = tuple(str(t) for t in tree.children[1].children if t is not None)
    if tree.data == "fact_decl":
        program.facts[name] = FactDecl(name, types, pos, st.doc)
        return
    spec = tree.children[2]
    values: tuple[str, ...] | None = None
    if spec is not None and spec.data == "value_type":
        values = (str(spec.children[0]),)
    elif spec is not None:
        values = tuple(_const(c).value for c in spec.children)
    program.fluents[name] = FluentDecl(
        name,
        types,
        multivalued=spec is not None,
        values=values,
        domain=spec is not None and spec.data == "value_domain",
        pos=pos,
        doc=st.doc,
    )


def _const(tree: Tree) -> Const:
    (child,) = tree.children
    if isinstance(child, Tree):  # a quoted string
        return Const(_unquote(str(child.children[0])))
    return Const(str(child))


def _unquote(s: str) -> str:
    body = s[1:-1]
    out = []
    i = 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            i += 1
        out.append(body[i])
        i += 1
    return "".join(out)


# --- rules ------------------------------------------------------------------------------------


class _Builder:
    """Turns statement trees into AST nodes, now that every declaration is known."""

    def __init__(self, program: Program, problems: list[Problem]) -> None:
        self.program = program
        self.problems = problems
        self.defaults: set[str] = set()
        self.st: _Statement

    def statement(self, st: _Statement) -> None:
        self.st = st
        tree = st.tree
        if tree.data == "ground_fact":
            self.program.ground_facts.append(GroundFact(self.atom(tree.children[0])))
        elif tree.data == "event_rule":
            self.program.rules.append(self.event_rule(tree))
        else:
            self.program.rules.append(self.static_rule(tree))

    def pos(self, tree: Tree | Token) -> Pos:
        if isinstance(tree, Token):
            return self.st.pos(tree.line or 1, tree.column or 1)
        return self.st.pos(tree.meta.line, tree.meta.column)

    def label(self, tree: Tree | None, pos: Pos) -> str:
        if tree is not None:
            return str(tree.children[0])
        label = f"{Path(pos.file).name}:{pos.line}"
        if label in self.defaults:  # a second rule on the line
            label = f"{label}:{pos.col}"
        self.defaults.add(label)
        return label

    def event_rule(self, tree: Tree) -> EventRule:
        label_t, kind, head_t, *conds = tree.children
        pos = self.pos(tree)
        head = self.fluent_ref(head_t)
        first, rest = conds[0], conds[1:]
        event = self.atom(first.children[1]) if first.data == "literal" else None
        if event is None or first.children[0] is not None or first.children[2] is not None:
            p = self.pos(first)
            self.problems.append(
                Problem(
                    p.file, p.line, p.col, "expected an event after 'when', such as 'sign(S, Tr)'"
                )
            )
            event = event or Atom("?", (), p)
        return EventRule(
            self.label(label_t, pos),
            str(kind.children[0]),
            head,
            event,
            tuple(self.condition(c) for c in rest),
            pos,
            self.st.doc,
        )

    def static_rule(self, tree: Tree) -> StaticRule:
        label_t, head_t, body_t, where_t = tree.children
        pos = self.pos(tree)
        where: list[FactCond | CompareCond] = []
        for c in where_t.children if where_t is not None else []:
            cond = self.condition(c)
            if isinstance(cond, HoldsCond):
                p = cond.ref.atom.pos
                self.problems.append(
                    Problem(
                        p.file,
                        p.line,
                        p.col,
                        f"expected a fact or a comparison after 'where', found fluent "
                        f"'{cond.ref.atom.name}' (use 'and' to combine fluents)",
                    )
                )
            else:
                where.append(cond)
        return StaticRule(
            self.label(label_t, pos),
            self.fluent_ref(head_t),
            self.set_expr(body_t),
            tuple(where),
            pos,
            self.st.doc,
        )

    def set_expr(self, tree: Tree) -> SetExpr:
        if tree.data == "fluent_ref":
            return SetRef(self.fluent_ref(tree))
        items = tuple(self.set_expr(c) for c in tree.children)
        if tree.data == "sor":
            return Union(items)
        if tree.data == "sand":
            return Intersect(items)
        return Complement(items[0], items[1:])

    def condition(self, tree: Tree) -> Condition:
        if tree.data in ("eq", "neq"):
            left, right = (self.term(c) for c in tree.children)
            return CompareCond(left, "=" if tree.data == "eq" else "!=", right, self.pos(tree))
        neg, atom_t, value_t = tree.children
        atom = self.atom(atom_t)
        if atom.name in self.program.fluents:
            return HoldsCond(self.with_value(atom, value_t), negated=neg is not None)
        if value_t is not None and atom.name in self.program.facts:
            p = self.pos(value_t)
            self.problems.append(
                Problem(p.file, p.line, p.col, f"fact relation '{atom.name}' cannot have a value")
            )
        # an undeclared name stays a FactCond; check reports it as an undefined fluent (once:
        # not again for the value it is given)
        return FactCond(atom, negated=neg is not None)

    def fluent_ref(self, tree: Tree) -> FluentRef:
        atom_t, value_t = tree.children
        return self.with_value(self.atom(atom_t), value_t)

    def with_value(self, atom: Atom, value_t: Tree | None) -> FluentRef:
        decl = self.program.fluents.get(atom.name)
        if value_t is None:
            if decl is not None and decl.multivalued:
                self.problems.append(
                    Problem(
                        atom.pos.file,
                        atom.pos.line,
                        atom.pos.col,
                        f"multi-valued fluent '{atom.name}' needs a value: "
                        f"write '{atom} = V' (or '= _' for any value)",
                    )
                )
            return FluentRef(atom)
        return FluentRef(atom, self.term(value_t))

    def atom(self, tree: Tree) -> Atom:
        name, *args = tree.children
        terms = tuple(self.term(a) for a in args if a is not None)
        return Atom(str(name), terms, self.pos(tree))

    def term(self, tree: Tree) -> Term:
        if tree.data == "var":
            return Var(str(tree.children[0]))
        if tree.data == "string":
            return Const(_unquote(str(tree.children[0])))
        return _const(tree)
