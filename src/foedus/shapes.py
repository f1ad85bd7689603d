"""The one name for a JSON object: what every answer, view and response is made of.

>>> answer: Json = {"events": []}
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]
"""A JSON object (the contract's shapes: :mod:`foedus.contract`)."""
