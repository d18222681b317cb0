"""The request body limit: a body over ``max_bytes`` gets 413 problem+json, whether it says
its length (refused before it is read) or not (refused when the limit is crossed)."""

from __future__ import annotations

from typing import Any

from airwork.service.problems import problem_response

__all__ = ["BodyLimit"]


class _Exceeded(Exception):
    pass


class BodyLimit:
    """ASGI middleware limiting request bodies."""

    def __init__(self, app: Any, max_bytes: int):
        self.app = app
        self.max_bytes = int(max_bytes)

    def _too_large(self, scope: dict[str, Any]):
        mib = self.max_bytes / 2**20
        return problem_response(
            413,
            f"the request body is larger than the upload limit ({mib:g} MiB)",
            instance=scope.get("path"),
        )

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            if not length.strip().isdigit():
                await problem_response(400, "invalid Content-Length header")(scope, receive, send)
                return
            if int(length) > self.max_bytes:
                await self._too_large(scope)(scope, receive, send)
                return
        seen = 0
        exceeded = False
        started = False

        async def limited_receive() -> dict[str, Any]:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    exceeded = True
                    raise _Exceeded
            return message

        async def guarded_send(message: dict[str, Any]) -> None:
            nonlocal started
            if exceeded:
                return  # the app's answer to a cut body is replaced by the 413
            started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _Exceeded:
            pass
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await self._too_large(scope)(scope, receive, send)
