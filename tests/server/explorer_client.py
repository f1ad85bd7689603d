"""The explorer's routes called in-process (tests of the page's data)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from foedus.server import explorer


def explorer_get(path: str, **params: Any) -> httpx.Response:
    """GET on a bare app with only the explorer's routes (it serves the bundled corpus)."""
    from fastapi import FastAPI

    from foedus.server import errors

    app = FastAPI()
    errors.install(app)
    app.include_router(explorer.router)

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            return await c.get(path, params=params)

    return asyncio.run(go())
