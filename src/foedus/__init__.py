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
"""

__version__ = "0.1.0"
