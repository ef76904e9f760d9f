"""What the admin screens share: the permission dependencies and the redirect after a change."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.responses import RedirectResponse

from groundswell.users.permissions import Permission
from groundswell.web.deps import require
from groundswell.web.principal import Principal

TeamsRead = Annotated[Principal, Depends(require(Permission.teams_read))]
TeamsManage = Annotated[Principal, Depends(require(Permission.teams_manage))]
UsersRead = Annotated[Principal, Depends(require(Permission.users_read))]
UsersManage = Annotated[Principal, Depends(require(Permission.users_manage))]
RulesRead = Annotated[Principal, Depends(require(Permission.rules_read))]
RulesManage = Annotated[Principal, Depends(require(Permission.rules_manage))]
TemplatesRead = Annotated[Principal, Depends(require(Permission.templates_read))]
TemplatesManage = Annotated[Principal, Depends(require(Permission.templates_manage))]
ChannelsManage = Annotated[Principal, Depends(require(Permission.channels_manage))]
AuditRead = Annotated[Principal, Depends(require(Permission.audit_read))]


def back_to(path: str) -> RedirectResponse:
    """Post/redirect/get: after a change the browser shows the page again (a reload does not repeat it)."""
    return RedirectResponse(path, status_code=303)
