"""The query layer: :class:`KnowledgeBase`, the one API the CLI, the HTTP API and the web page
call, and one module per family of answers:

- :mod:`.events`: ``events``;  :mod:`.treaties`: ``treaty``, ``treaties``;
- :mod:`.status`: ``status``, ``holds``, ``timeline`` (its periods);
- :mod:`.breaches`: ``breaches``;  :mod:`.aggressor`: ``aggressor``;
- :mod:`.compare`: ``compare``;  :mod:`.explain`: ``explain``;
- :mod:`.across`: any of ``status``, ``holds``, ``treaties``, ``breaches``, ``explain`` under
  every perspective at once (``--perspective all``); :mod:`.summaries`: the summary in plain
  words an explanation starts with;
- :mod:`.common`: the fluent rows and how they are read (every read a sqlglot tree);
  :mod:`.nodes`: the premises of explanations; :mod:`.records`: records as JSON;
  :mod:`.rules`: the rules' texts, as the build stored them.

>>> from foedus.query import KnowledgeBase
>>> kb = KnowledgeBase()
>>> kb.status("Latvia", "1943-01-01")["status"]["label"]
'part of Reichskommissariat Ostland, under occupation by Germany'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from foedus import lazy

if TYPE_CHECKING:
    from foedus.query.base import (
        DEFAULT_PERSPECTIVE,
        Day,
        EventIndex,
        KnowledgeBase,
        as_day,
        need_day,
    )

__all__ = ["DEFAULT_PERSPECTIVE", "Day", "EventIndex", "KnowledgeBase", "as_day", "need_day"]

# imported when first read: one module of the package does not import every other
__getattr__ = lazy.attributes(__name__, dict.fromkeys(__all__, "foedus.query.base"))
