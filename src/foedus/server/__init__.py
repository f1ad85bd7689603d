"""The HTTP API (``foedus serve``) and the web page's built assets.

- :mod:`foedus.server.app` — :func:`create_app`: ``GET /api/v1/<command>`` mirroring the CLI;
- :mod:`foedus.server.errors` — the one JSON error shape;
- :mod:`foedus.server.models` — the response models (the contract's shapes);
- :mod:`foedus.server.explorer` — the web page's routes; ``static/`` — its built assets;
- :mod:`foedus.server.run` — running it: uvicorn's workers and the connection limits;
- the ``serve`` command is :mod:`foedus.cli.serve`.

FastAPI is imported only when the app is made, so the CLI starts fast:

>>> from foedus.server import create_app
>>> create_app(warm=False, log=None).title
'foedus'
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from foedus.server.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
