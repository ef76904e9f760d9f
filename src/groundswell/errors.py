"""Errors a user can cause. Each carries the HTTP status the web layer answers with, and a message
that says what was wrong and what to do about it."""

from __future__ import annotations


class GroundswellError(Exception):
    status_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(GroundswellError):
    status_code = 422


class NotFound(GroundswellError):
    status_code = 404


class Conflict(GroundswellError):
    status_code = 409


class PreconditionFailed(GroundswellError):
    """A conditional request (If-Match) whose entity tag no longer matches: someone changed it meanwhile."""

    status_code = 412


class ConfigurationError(GroundswellError):
    status_code = 500


class ParseError(InvalidInput):
    """A record that cannot become a post. The ingest quarantines it with this message as the reason."""


class UnknownFormat(InvalidInput):
    """A file whose format cannot be detected or is not supported."""


class ChannelUnavailable(GroundswellError):
    """A remote channel refused or failed a request (bad credentials, rate limit, outage)."""

    status_code = 502


class Unauthenticated(GroundswellError):
    """No valid sign-in or API token."""

    status_code = 401


class Forbidden(GroundswellError):
    """Signed in, but the role (or the token's scope) does not allow this."""

    status_code = 403


class TooManyAttempts(GroundswellError):
    """Sign-in is locked for a while after repeated failures."""

    status_code = 429
