"""Who is making a request: from the session cookie (browsers) or a bearer API token (integrations)."""

from __future__ import annotations

from dataclasses import dataclass

from groundswell.users.permissions import Permission, allows, token_allows

SESSION_COOKIE = "gs_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    username: str
    display_name: str
    role: str
    actor: str  # the name actions carry: the employee handle when linked, else the username
    employee_id: int | None
    csrf_token: str | None = None  # browser sessions only
    token_scopes: tuple[str, ...] | None = None  # API tokens only

    def can(self, permission: Permission) -> bool:
        if not allows(self.role, permission):
            return False
        return self.token_scopes is None or token_allows(list(self.token_scopes), permission)
