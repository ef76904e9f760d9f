"""What each role may do. Every web route and API endpoint names one permission; this table is the only place
that says which roles hold it, and `tests/web/test_role_matrix.py` checks every route against every role."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    manager = "manager"
    agent = "agent"
    analyst = "analyst"
    viewer = "viewer"


class Permission(StrEnum):
    dashboard_read = "dashboard.read"  # dashboards, insights, ideas board
    posts_read = "posts.read"
    posts_ingest = "posts.ingest"  # push posts over HTTP
    posts_correct = "posts.correct"  # fix a post's sentiment, intent or topic (stored for training)
    cases_read = "cases.read"
    cases_work = "cases.work"  # notes, tags, status, take a case, draft replies
    cases_assign = "cases.assign"  # assign others, force past capacity
    replies_approve = "replies.approve"  # the approvals queue (the approval machine still checks the approver)
    outbox_read = "outbox.read"
    outbox_manage = "outbox.manage"  # retry or cancel deliveries
    templates_read = "templates.read"
    templates_manage = "templates.manage"
    teams_read = "teams.read"  # teams, people, skills, shifts
    teams_manage = "teams.manage"
    rules_read = "rules.read"  # routing rules and SLA policies
    rules_manage = "rules.manage"
    topics_read = "topics.read"
    topics_manage = "topics.manage"  # topic examples and retraining
    channels_manage = "channels.manage"  # channel connections
    audit_read = "audit.read"
    users_read = "users.read"
    users_manage = "users.manage"
    webhooks_read = "webhooks.read"  # outgoing webhook subscriptions (admin only, like managing them)
    webhooks_manage = "webhooks.manage"
    tokens_own = "tokens.own"  # one's own API tokens
    account_read = "account.read"  # who am I, and my tokens (listed without secrets): any role, any token


_VIEWER = {
    Permission.dashboard_read,
    Permission.posts_read,
    Permission.cases_read,
    Permission.tokens_own,
    Permission.account_read,
}
_ANALYST = _VIEWER | {
    Permission.posts_correct,
    Permission.topics_read,
    Permission.topics_manage,
    Permission.rules_read,
    Permission.teams_read,
    Permission.templates_read,
}
_AGENT = _VIEWER | {
    Permission.posts_correct,
    Permission.cases_work,
    Permission.outbox_read,
    Permission.templates_read,
    Permission.teams_read,
    Permission.topics_read,
}
_MANAGER = (
    _AGENT
    | _ANALYST
    | {
        Permission.cases_assign,
        Permission.replies_approve,
        Permission.outbox_manage,
        Permission.templates_manage,
        Permission.teams_manage,
        Permission.rules_manage,
        Permission.audit_read,
        Permission.users_read,
        Permission.posts_ingest,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.viewer: frozenset(_VIEWER),
    Role.analyst: frozenset(_ANALYST),
    Role.agent: frozenset(_AGENT),
    Role.manager: frozenset(_MANAGER),
    Role.admin: frozenset(Permission),
}

# What an API token with a scope may use, on top of its user's role: "read" tokens never change anything.
READ_ONLY = frozenset(p for p in Permission if p.endswith(".read"))


def allows(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(Role(role), frozenset())


def token_allows(scopes: list[str], permission: Permission) -> bool:
    return "write" in scopes or ("read" in scopes and permission in READ_ONLY)
