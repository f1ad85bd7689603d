"""The response models of the HTTP API: the contract's shapes (:mod:`foedus.contract`).

The routes name these for the OpenAPI document (``/docs``); they return the
:class:`~foedus.query.KnowledgeBase` answer unchanged, so a response is byte for byte what
``foedus <command> --json`` prints (as JSON values; white space aside).
"""

from __future__ import annotations

from typing import Any

from foedus.contract import RESPONSES, Error

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": Error, "description": "A user error: a bad day, an impossible question."},
    404: {"model": Error, "description": "An unknown actor, instrument, event or perspective."},
    422: {"model": Error, "description": "A missing or malformed query parameter."},
    503: {"model": Error, "description": "The query took longer than the time limit."},
}
"""The error responses every query route documents (all in the one error shape)."""

__all__ = ["ERROR_RESPONSES", "RESPONSES", "Error"]
