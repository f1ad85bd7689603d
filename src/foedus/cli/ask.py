"""The ``ask`` command: a plain-English question, mapped to one query.

``foedus ask "Which treaties bound the USSR and Latvia on 1 June 1940?"`` prints the query it
chose (``query: treaties between=ussr,latvia on=1940-06-01 (de-facto)``), how it read loose
dates, then the answer as the command's own view; ``--json`` prints
``{"question", "query", "notes", "answer"}``. The common options apply: ``--perspective`` is
the default a question's own words ("in Soviet law") override.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from foedus.cli.core import Options, Output, one_perspective_only, query_parameters
from foedus.commands import by_name


def ask(opts: Options, question: str) -> Output:
    """Answer ``question`` (see the module docstring)."""
    from foedus.ask import answer_question
    from foedus.cli.views import ask_view

    one_perspective_only(opts, "ask")  # an empty or unknown one: refused by opts.kb()
    result = answer_question(question, opts.kb())
    return Output(result, ask_view(result))


ask.__signature__ = query_parameters(by_name("ask"))  # type: ignore[attr-defined]

HANDLERS: dict[str, Callable[..., Any]] = {"ask": ask}
