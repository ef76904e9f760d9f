"""The administration start page: the areas the principal may open."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from groundswell.users.permissions import Permission
from groundswell.web.templating import render
from groundswell.web.ui.admin.common import TeamsRead

router = APIRouter()

AREAS: tuple[tuple[str, str, str, Permission], ...] = (
    ("Users", "/admin/users", "Sign-ins, roles, passwords.", Permission.users_read),
    ("Teams", "/admin/teams", "Teams, their places, hours and assignment strategy.", Permission.teams_read),
    ("People", "/admin/people", "Skills, locations, shifts, leave and capacity.", Permission.teams_read),
    ("Routing rules", "/admin/rules", "Versions, edit, activate, diff, test on recent posts.", Permission.rules_read),
    ("SLA policies", "/admin/sla", "Targets from the active rules and how often they are met.", Permission.rules_read),
    ("Topics", "/admin/topics", "Examples, import, retraining with figures, versions.", Permission.topics_read),
    ("Templates", "/admin/templates", "Canned responses per language.", Permission.templates_read),
    ("Channels", "/admin/channels", "Connections, polling cursors, ingest runs.", Permission.channels_manage),
    ("Audit log", "/admin/audit", "Who changed what, with search and chain verification.", Permission.audit_read),
)


@router.get("/admin")
def admin_home(request: Request, principal: TeamsRead) -> Response:
    areas = [area for area in AREAS if principal.can(area[3])]
    return render(request, "admin/home.html", principal, areas=areas)
