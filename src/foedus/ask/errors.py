"""The error of a question that cannot be mapped to a query (exit code 2)."""

from __future__ import annotations

from foedus.errors import UserError


class QuestionError(UserError, ValueError):
    """A question that cannot be mapped to a query: one line naming the part not understood,
    or (``missing``) saying what the question lacks, with one example question that works.
    ``examples`` keeps every suggestion (the HTTP API returns them; the web page shows them
    as links).

    >>> str(QuestionError("frobnicate", "frobnicate the treaty", "", ("what happened in 1940?",)))
    'could not understand "frobnicate" in "frobnicate the treaty"; try: "what happened in 1940?"'
    >>> str(QuestionError("aggressor between", "aggressor between", "between whom?",
    ...                   ("who was the aggressor between A and B?",), missing=True))
    'between whom? ("aggressor between"); try: "who was the aggressor between A and B?"'
    """

    def __init__(
        self,
        part: str,
        question: str,
        why: str = "",
        examples: tuple[str, ...] = (),
        missing: bool = False,
    ) -> None:
        self.part = part
        self.question = question
        self.why = why
        self.examples = tuple(examples)
        self.missing = missing
        if missing:
            msg = f'{why} ("{question}")' if why and question else why or "an empty question"
        else:
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
            msg += f'; try: "{self.examples[0]}"'
        super().__init__(msg)


class QuestionRefused(QuestionError):
    """A question read, whose query is refused (a day past the calendar's end, ``to`` before
    ``from``): the query's refusal in its own words, with example questions that work, as
    every question that cannot be answered is (docs/api.md: ``errors[0].suggestions``).

    >>> str(QuestionRefused(UserError("there is no day after 9999-12-31"), "after 9999?",
    ...                     ("what happened in 1940?",)))
    'there is no day after 9999-12-31; try: "what happened in 1940?"'
    """

    def __init__(self, error: UserError, question: str, examples: tuple[str, ...] = ()) -> None:
        self.part = question
        self.question = question
        self.why = str(error)
        self.examples = tuple(examples)
        self.missing = False
        msg = self.why + (f'; try: "{self.examples[0]}"' if self.examples else "")
        UserError.__init__(self, msg)
