"""The error of a question that cannot be mapped to a query (exit code 2)."""

from __future__ import annotations

from foedus.errors import UserError


class QuestionError(UserError, ValueError):
    """A question that no form maps to a query; the message names the part not understood
    and shows forms that work.

    >>> str(QuestionError("frobnicate", "frobnicate the treaty", "", ("what happened in 1940?",)))
    'could not understand "frobnicate" in "frobnicate the treaty"; try: "what happened in 1940?"'
    """

    def __init__(
        self, part: str, question: str, why: str = "", examples: tuple[str, ...] = ()
    ) -> None:
        self.part = part
        self.question = question
        self.why = why
        self.examples = tuple(examples)
        where = (
            f'"{part}" in "{question}"'
            if part and part != question
            else f'"{question}"'
            if question
            else "an empty question"
        )
        msg = f"could not understand {where}"
        if why:
            msg += f": {why}"
        if self.examples:
            msg += "; try: " + ", ".join(f'"{e}"' for e in self.examples)
        super().__init__(msg)
