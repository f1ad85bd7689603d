"""Routes of the web page (the explorer), owned by its author.

:func:`foedus.server.app.create_app` includes :data:`router` after the API routes and before
the built assets (``static/``) mounted at ``/``; add the page's own routes here (they take
precedence over the static files). The query API is ``/api/v1``; the page should call it
rather than :mod:`foedus.query` directly, so that it sees what every other client sees.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["explorer"])
