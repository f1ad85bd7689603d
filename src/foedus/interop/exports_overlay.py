"""What an overlay (``--assume FILE``) adds to an export, marked hypothetical in each format's
own way (docs/data.md, "foedus export"): a ``hypothetical`` column in every CSV and Parquet
table, ``fd:hypothetical`` in RDF, a ``hypothetical`` attribute in GraphML, class
``hypothetical`` and " [hypothetical]" in vis-timeline, " [hypothetical]" in TimelineJS.

A row is hypothetical when it belongs to a record the overlay assumes (its event, instrument
or actor: a breach by an assumed event, the parties of an assumed instrument), or when the
export of the corpus without the overlay has no such row (a fluent whose span the assumed
denunciation cut short, a breach whose certainty the assumed event changed). An export
without an overlay is written as before, with no mark at all. :mod:`foedus.interop.exports`
writes them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlglot import exp

#: The mark of a hypothetical record's name or headline, as the CLI writes it.
MARK = " [hypothetical]"
#: Where the words of a record an overlay assumes are from: no source.
ASSUMED = "assumed (no source)"
#: The schema the base corpus's database is attached as, to compare rows with.
BASE = "foedus_base"


def assumed_ids(corpus: Any) -> dict[str, set[str]]:
    """The ids of the records an overlay assumes, by kind (``event``, ``instrument``,
    ``actor``, ...): empty when the corpus has no overlay."""
    ids: dict[str, set[str]] = {}
    for kind, rid in getattr(corpus, "hypothetical_ids", ()) or ():
        ids.setdefault(kind, set()).add(rid)
    return ids


def assumed(corpus: Any, kind: str, rec: Any) -> bool:
    """Whether ``rec`` (an event, instrument, actor) is one an overlay assumes."""
    return bool(getattr(rec, "hypothetical", False)) or (
        (kind, rec.id) in (getattr(corpus, "hypothetical_ids", ()) or ())
    )


def marked(text: str, hypothetical: bool) -> str:
    """``text`` with " [hypothetical]" when it is an overlay's (unless it says so already).

    >>> marked("Pact", True), marked("Pact (hypothetical)", True), marked("Pact", False)
    ('Pact [hypothetical]', 'Pact (hypothetical)', 'Pact')
    """
    return text + MARK if hypothetical and "hypothetical" not in text.lower() else text


# --------------------------------------------------------------------------- tables

#: The columns of each table that name a record, and the kind of record they name: a row
#: that names an assumed record is hypothetical. ``quotes`` is by ``owner_kind``.
NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "events": (("id", "event"),),
    "event_actors": (("event_id", "event"),),
    "event_targets": (("event_id", "event"),),
    "event_acts": (("event_id", "event"),),
    "instruments": (("id", "instrument"),),
    "instrument_aliases": (("instrument_id", "instrument"),),
    "parties": (("instrument_id", "instrument"),),
    "clauses": (("instrument_id", "instrument"),),
    "norms": (("instrument_id", "instrument"),),
    "norm_categories": (("instrument_id", "instrument"),),
    "norm_bearers": (("instrument", "instrument"),),
    "norm_beneficiaries": (("instrument", "instrument"),),
    "norm_types": (("instrument", "instrument"),),
    "norm_rows": (("instrument", "instrument"),),
    "breaches": (("event_id", "event"), ("instrument", "instrument")),
    "actors": (("id", "actor"),),
    "aliases": (("actor_id", "actor"),),
    "categories": (("id", "category"),),
    "category_event_types": (("category_id", "category"),),
}
#: The kind of record a quote's ``owner_kind`` belongs to.
QUOTE_OWNERS = {
    "event": "event",
    "instrument": "instrument",
    "party": "instrument",
    "clause": "instrument",
    "actor": "actor",
    "category": "category",
}
#: The fluents' columns that name what started and ended a row (an event's id, or
#: ``instrument:<id>``, ``actor:<id>``).
CAUSES = ("initiated_by", "terminated_by")


def _in(column: str, values: set[str]) -> exp.Expression:
    if not values:
        return exp.false()
    return exp.column(column, quoted=True).isin(*(exp.Literal.string(v) for v in sorted(values)))


def names_assumed(table: str, have: list[str], ids: dict[str, set[str]]) -> exp.Expression:
    """True for a row of ``table`` (columns ``have``) that names a record an overlay assumes."""
    terms: list[exp.Expression] = [
        _in(col, ids.get(kind, set())) for col, kind in NAMES.get(table, ()) if col in have
    ]
    if table == "quotes":
        for owner, kind in QUOTE_OWNERS.items():
            is_owner = exp.column("owner_kind", quoted=True).eq(exp.Literal.string(owner))
            terms.append(exp.and_(is_owner, _in("owner_id", ids.get(kind, set()))))
    causes = set(ids.get("event", set()))
    causes |= {f"{kind}:{i}" for kind in ("instrument", "actor") for i in ids.get(kind, ())}
    terms += [_in(col, causes) for col in CAUSES if col in have]
    terms = [t for t in terms if not isinstance(t, exp.Boolean)]
    return exp.or_(*terms) if terms else exp.false()


def unquoted(table: str, have: list[str], ids: dict[str, set[str]]) -> dict[str, exp.Expression]:
    """The columns to replace so that an assumed instrument's clause cites no source: its
    ``source_id`` in ``clauses`` and ``quotes`` is empty (the build gives it the corpus's
    default source, but its text is assumed, not quoted)."""
    instruments = ids.get("instrument", set())
    if not instruments or "source_id" not in have:
        return {}
    if table == "clauses":
        is_assumed = _in("instrument_id", instruments)
    elif table == "quotes":
        # a quote an overlay gives its party is a quote; a clause's text is not
        is_assumed = exp.and_(
            exp.column("owner_kind", quoted=True).eq(exp.Literal.string("clause")),
            _in("owner_id", instruments),
        )
    else:
        return {}
    case = exp.Case(
        ifs=[exp.If(this=is_assumed, true=exp.null())],
        default=exp.column("source_id", quoted=True),
    )
    return {"source_id": exp.alias_(case, "source_id", quoted=True)}


def _key(columns: list[str]) -> exp.Expression:
    """A row's values as one JSON text (a list column and NULL included), to compare rows."""
    pack = exp.Anonymous(
        this="struct_pack",
        expressions=[
            exp.PropertyEQ(
                this=exp.to_identifier(c, quoted=True), expression=exp.column(c, quoted=True)
            )
            for c in columns
        ],
    )
    return exp.Anonymous(this="to_json", expressions=[pack])


def marked_select(
    table: str,
    cols: list[exp.Expression],
    have: list[str],
    base_have: list[str] | None,
    ids: dict[str, set[str]],
) -> exp.Select:
    """The rows of ``table`` (the expressions ``cols`` of its columns ``have``) with a
    ``hypothetical`` column (or, in ``events`` and ``instruments``, theirs): true for a row
    that names an assumed record (:func:`names_assumed`) or that the base corpus's table
    (attached as :data:`BASE`; its columns ``base_have``, None when it has no such table)
    has fewer of. Rows keep their order."""
    own = exp.column("hypothetical", quoted=True) if "hypothetical" in have else None
    terms: list[exp.Expression] = [names_assumed(table, have, ids)]
    if own is not None:
        terms.append(exp.func("coalesce", own, exp.false()))
    common = [c for c in have if base_have is not None and c in base_have]
    pos, nth, count, key = "_foedus_pos", "_foedus_nth", "_foedus_count", "_foedus_key"
    inner = exp.select(
        exp.Star(),
        exp.alias_(exp.Window(this=exp.RowNumber()), pos),
    ).from_(exp.to_table(table, quoted=True))
    if common:
        keyed = exp.select(
            exp.Star(),
            exp.alias_(_key(common), key),
        ).from_(inner.subquery("o0"))
        numbered = exp.select(
            exp.Star(),
            exp.alias_(
                exp.Window(this=exp.RowNumber(), partition_by=[exp.column(key)]),
                nth,
            ),
        ).from_(keyed.subquery("o1"))
        base_rows = (
            exp.select(exp.alias_(_key(common), key), exp.alias_(exp.Count(this=exp.Star()), count))
            .from_(exp.table_(table, db="main", catalog=BASE, quoted=True))
            .group_by(exp.column(key))
        )
        join: tuple[exp.Expression, exp.Expression] | None = (
            base_rows.subquery("b"),
            exp.column(key, "o").eq(exp.column(key, "b")),
        )
        source: exp.Expression = numbered.subquery("o")
        terms.append(
            exp.GT(
                this=exp.column(nth, "o"),
                expression=exp.func("coalesce", exp.column(count, "b"), exp.Literal.number(0)),
            )
        )
    else:  # a table the base corpus has not: every row is the overlay's
        join = None
        source = inner.subquery("o")
        terms = [exp.true()]
    # a NULL column (no ``initiated_by``) names nothing assumed: false, not NULL
    flag = exp.alias_(
        exp.func("coalesce", exp.or_(*terms), exp.false()), "hypothetical", quoted=True
    )
    fixes = unquoted(table, have, ids)
    out: list[exp.Expression] = []
    for c in cols:
        name = c.alias_or_name
        if name == "hypothetical":
            out.append(flag)
        elif name in fixes:
            out.append(fixes[name])
        else:
            out.append(c)
    if own is None:
        out.append(flag)
    select = exp.select(*out).from_(source)
    if join is not None:
        select = select.join(join[0], on=join[1], join_type="left")
    return select.order_by(exp.column(pos, "o"))


@contextlib.contextmanager
def base_attached(kb: Any, con: Any) -> Iterator[bool]:
    """The database of ``kb``'s corpus without its overlay attached to ``con`` as
    :data:`BASE` (read-only) while the block runs; yields whether there is an overlay."""
    if not assumed_ids(kb.corpus):
        yield False
        return
    from foedus.corpus import load_corpus

    base = type(kb)(load_corpus(kb.corpus.path))
    path = Path(base.db_path)
    con.execute(
        exp.Attach(
            this=exp.alias_(exp.Literal.string(str(path)), BASE),
            expressions=[exp.AttachOption(this=exp.var("READ_ONLY"))],
        ).sql("duckdb")
    )
    try:
        yield True
    finally:
        con.execute(exp.Detach(this=exp.to_identifier(BASE)).sql("duckdb"))
