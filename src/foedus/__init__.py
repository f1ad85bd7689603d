"""foedus: a sourced, temporal knowledge base of relations between states.

Concepts, first:

- an *actor* is a state or other international person, named by a slug (``ussr``) and by any
  of its aliases ("Soviet Union", "SUN", "Q15180");
- a *source* is a document; a *quote* is words found in it verbatim. Every fact cites quotes;
- an *instrument* is a treaty, pact, protocol, convention, declaration, charter or accords,
  with parties (how and when each joined) and *clauses*; a clause that binds carries a *norm*
  (prohibition, obligation, renunciation, guarantee, definition, no-justification);
- an *event* is something that happened on a date (often fuzzy: "mid-June 1940"), done by
  actors to targets;
- a *fluent* is something that holds over time (``sovereign(estonia)``,
  ``controlled_by(latvia)=germany``), computed from events by Event Calculus rules;
- a *perspective* is a named set of rules (``de-facto``, ``non-recognition``, ``soviet``).

The one query API is :class:`KnowledgeBase`; every method returns the JSON object of the
command of the same name (docs/api.md). A worked example on the bundled Baltic–Soviet corpus:

>>> from foedus import KnowledgeBase
>>> kb = KnowledgeBase(perspective="non-recognition")
>>> kb.status("Estonia", "1960-01-01")["status"]["label"]
'sovereign state, under occupation by Soviet Union'
>>> [t["id"] for t in kb.treaties(between=["USSR", "Latvia"], on="1940-06-01")["treaties"]][:2]
['treaty-of-riga', 'kellogg-briand-pact']
>>> kb.aggressor("USSR", "Lithuania")["aggressor"]["name"]
'Soviet Union'
"""

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["KnowledgeBase", "__version__"]

if TYPE_CHECKING:
    from foedus.query import KnowledgeBase


def __getattr__(name: str) -> Any:
    if name == "KnowledgeBase":  # imported lazily: the CLI's start-up stays light
        from foedus.query import KnowledgeBase

        return KnowledgeBase
    raise AttributeError(name)
