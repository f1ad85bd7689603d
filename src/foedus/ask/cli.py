"""The ``ask`` command, registered on the CLI's ``command`` decorator by :func:`register`.

``foedus ask "Which treaties bound the USSR and Latvia on 1 June 1940?"`` prints the query it
chose (``query: treaties between=ussr,latvia on=1940-06-01 (de-facto)``), how it read loose
dates, then the answer as the command's own table; ``--json`` prints
``{"question", "query", "notes", "answer"}``. The common options apply: ``--perspective`` is
the default a question's own words ("in Soviet law") override.
"""

# No ``from __future__ import annotations``: the decorator reads these annotations with
# get_type_hints, in this module's namespace.

from collections.abc import Callable
from typing import Annotated, Any

import typer

from foedus.ask.answer import answer_question, human

QuestionArg = Annotated[
    str,
    typer.Argument(
        help='A question in plain English, e.g. "Who was the aggressor between the USSR and '
        'Estonia in 1940?"',
        metavar="QUESTION",
        show_default=False,
    ),
]


def register(
    command: Callable[..., Callable[[Callable[..., Any]], Callable[..., Any]]],
) -> Callable[..., Any]:
    """Define ``ask`` with the CLI's ``command`` decorator (foedus.cli.command)."""

    def ask(opts, question: QuestionArg):  # type: ignore[no-untyped-def]
        """A plain-English question, mapped to one query (docs/questions.md lists the forms):
        shows the query it chose and how it read loose dates, then the answer.

        Example: foedus ask "Who was the aggressor between the USSR and Estonia in 1940?"
        """
        from foedus.cli import Output
        from foedus.render import VIEWS

        result = answer_question(question, opts.kb())
        return Output(result, human(result, VIEWS))

    return command("ask")(ask)
