"""The rule language: declarations, event rules and static rules, parsed into ``ast`` records.

>>> from foedus.rules import parse_rules
>>> program = parse_rules("fluent in_force(Treaty). initiated in_force(T) when ratify(T).")
>>> sorted(program.fluents)
['in_force']

See docs/rule-language.md for the language, ``parse`` for the parser and ``check`` for the
checks and the stratification.
"""

from typing import TYPE_CHECKING

from foedus import lazy

if TYPE_CHECKING:
    from foedus.rules.load import load_rules
    from foedus.rules.parse import parse_rules

__all__ = ["load_rules", "parse_rules"]

# imported when first read: `foedus.rules.library.vocabulary` does not need the parser (lark)
__getattr__ = lazy.attributes(
    __name__, {"load_rules": "foedus.rules.load", "parse_rules": "foedus.rules.parse"}
)
