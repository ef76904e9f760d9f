"""A threaded local HTTP server with pattern routes, injected failures and request checks."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs

from tests.support.replay_server import ReplayServer, Request, Response

PatternHandler = Callable[[Request, re.Match[str]], Response]


class Problem(Exception):
    """A request the real service would refuse, or that breaks the sender's contract."""


@dataclass
class _Injected:
    method: str
    pattern: re.Pattern[str]
    response: Response


class FakeApiServer(ReplayServer):
    def __init__(self) -> None:
        super().__init__()
        self.patterns: list[tuple[str, re.Pattern[str], PatternHandler]] = []
        self.problems: list[str] = []
        self._injected: list[_Injected] = []
        # One request at a time: the fakes' state stays consistent like a real service's database.
        self.lock = threading.RLock()

    def route_pattern(self, method: str, pattern: str, handler: PatternHandler) -> None:
        self.patterns.append((method.upper(), re.compile(pattern), handler))

    def fail_next(self, method: str, pattern: str, *responses: Response) -> None:
        """Answer the next requests matching `pattern` with these responses, in order, before the real
        handler sees any of them (an outage, a rate limit, a refusal)."""
        for response in responses:
            self._injected.append(_Injected(method.upper(), re.compile(pattern), response))

    def calls(self, method: str, pattern: str) -> list[Request]:
        compiled = re.compile(pattern)
        return [r for r in self.requests if r.method == method.upper() and compiled.fullmatch(r.path)]

    def _dispatch(self, request: Request) -> Response:
        with self.lock:
            self.requests.append(request)
            for injected in self._injected:
                if injected.method == request.method and injected.pattern.fullmatch(request.path):
                    self._injected.remove(injected)
                    return injected.response
            try:
                return self._handle(request)
            except Problem as problem:
                self.problems.append(f"{request.method} {request.path}: {problem}")
                return Response(400, {"error": "InvalidRequest", "message": str(problem)})

    def _handle(self, request: Request) -> Response:
        handler = self.routes.get((request.method, request.path))
        if handler is not None:
            return handler(request) if callable(handler) else handler
        for method, pattern, pattern_handler in self.patterns:
            match = pattern.fullmatch(request.path)
            if method == request.method and match:
                return pattern_handler(request, match)
        return Response(404, {"error": f"no route for {request.method} {request.path}"})


def require(condition: object, problem: str) -> None:
    if not condition:
        raise Problem(problem)


def form(request: Request) -> dict[str, str]:
    """A form-encoded body as single values (every form field the senders send is single)."""
    require(
        request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"),
        f"expected a form body, got {request.headers.get('content-type')!r}",
    )
    return {key: values[-1] for key, values in parse_qs(request.body.decode(), keep_blank_values=True).items()}


def json_body(request: Request) -> dict[str, object]:
    require(
        request.headers.get("content-type", "").startswith("application/json"),
        f"expected a JSON body, got {request.headers.get('content-type')!r}",
    )
    body = request.json()
    require(isinstance(body, dict), "the JSON body must be an object")
    return body  # type: ignore[no-any-return]


def bearer(request: Request, token: str) -> None:
    require(request.headers.get("authorization") == f"Bearer {token}", "missing or wrong bearer token")


@contextmanager
def fake_api_server() -> Iterator[FakeApiServer]:
    server = FakeApiServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
