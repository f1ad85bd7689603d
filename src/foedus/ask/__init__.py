"""Plain-English questions, mapped deterministically to the query API.

``foedus ask "QUESTION"`` and ``/api/v1/ask`` read a question with a parser — no network and
no model: names, dates and perspectives are found by longest match over the corpus's own names
(:mod:`foedus.ask.lexicon`), and an ordered table of question forms over the rest
(:mod:`foedus.ask.forms`) chooses one :class:`~foedus.query.KnowledgeBase` method and its
arguments (:class:`Query`). docs/questions.md lists every form.

>>> from foedus.query import KnowledgeBase
>>> kb = KnowledgeBase()
>>> q = parse_question("What was Estonia's status in 1960 according to the non-recognition "
...                    "view?", kb)
>>> q.command, q.args, q.perspective
('status', {'actor': 'estonia', 'on': '1960-01-01'}, 'non-recognition')
>>> q.notes
('1960 read as 1960-01-01 (its earliest day)',)
>>> try:
...     parse_question("frobnicate the treaty", kb)
... except QuestionError as e:
...     print(str(e)[:61])
could not understand "frobnicate" in "frobnicate the treaty";
"""

from __future__ import annotations

from foedus.ask.errors import QuestionError
from foedus.ask.question import Query
from foedus.ask.reply import answer_question, parse_question

__all__ = ["Query", "QuestionError", "answer_question", "parse_question"]
