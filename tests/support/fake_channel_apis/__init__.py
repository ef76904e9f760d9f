"""Fake channel APIs on a real local HTTP server, for the outbox senders' tests.

Each fake implements the endpoints its sender calls, keeps state like the real service (posts made, the
idempotency keys seen, records by key), and CHECKS every request: a request that the real service would
refuse or that breaks the sender's contract (wrong auth header, missing reply reference, no idempotency
key) is answered 400 and recorded in `server.problems`, which the fixtures assert is empty.
"""

from tests.support.fake_channel_apis.server import FakeApiServer, Problem, fake_api_server

__all__ = ["FakeApiServer", "Problem", "fake_api_server"]
