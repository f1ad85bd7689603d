"""Plain-English questions, mapped deterministically to the query API.

``foedus ask "QUESTION"`` and ``/api/v1/ask`` read a question with a parser — no network and
no model, and no word of any one corpus in code:

- :mod:`foedus.ask.lexicon`: names, groups, perspectives and acts, by longest match over the
  corpus's own names, demonyms, groups and perspective words; :mod:`foedus.ask.dates`: dates,
  as the corpus format writes them, seasons, and other day forms (dateparser);
- :mod:`foedus.ask.entities`: misspelt names and words, matched fuzzily (rapidfuzz);
- :mod:`foedus.ask.anchors`: "today", and dates named by a record ("after the Tartu treaty",
  "when the Soviets invaded Lithuania"), phrases the corpus's events use ("Operation
  Barbarossa"); :mod:`foedus.ask.objects`: an act done to an act ("recognised the annexation");
- :mod:`foedus.ask.intent`: what the question asks for, from the meaning of its words;
- :mod:`foedus.ask.forms`: the parsed question, what is not understood, and ``parse``;
- :mod:`foedus.ask.builders`: one builder per intent, its query's day or range and what is
  missing;
- :mod:`foedus.ask.slots`: a query's slots (actor, target) from the cues of its mentions;
- :mod:`foedus.ask.expand`: a treaties question over a range, a group asked of each member;
- :mod:`foedus.ask.verdict`: yes / no / possibly, under every perspective;
- :mod:`foedus.ask.suggest`: example questions from the corpus;
- :mod:`foedus.ask.evaluation`: accuracy over a file of questions (tests/questions/).

The result is one :class:`~foedus.query.KnowledgeBase` method and its arguments
(:class:`Query`). docs/questions.md describes every step.

>>> from foedus.ask import QuestionError, parse_question
>>> from foedus.query import KnowledgeBase
>>> kb = KnowledgeBase()
>>> q = parse_question("What was Estonia's status in 1960 according to the non-recognition "
...                    "view?", kb)
>>> q.command, q.args, q.over, q.perspective
('status', {'actor': 'estonia', 'on': None}, ('1960-01-01', '1960-12-31'), 'non-recognition')
>>> q.notes
('1960 read as 1960-01-01 to 1960-12-31: answered over the range',)
>>> try:
...     parse_question("frobnicate the treaty", kb)
... except QuestionError as e:
...     print(str(e)[:61])
could not understand "frobnicate" in "frobnicate the treaty";
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from foedus import lazy

if TYPE_CHECKING:
    from foedus.ask.errors import QuestionError
    from foedus.ask.question import Query
    from foedus.ask.reply import answer_question, parse_question

__all__ = ["Query", "QuestionError", "answer_question", "parse_question"]

# imported when first read: the CLI's views read `foedus.ask.question` without the parser
__getattr__ = lazy.attributes(
    __name__,
    {
        "QuestionError": "foedus.ask.errors",
        "Query": "foedus.ask.question",
        "answer_question": "foedus.ask.reply",
        "parse_question": "foedus.ask.reply",
    },
)
