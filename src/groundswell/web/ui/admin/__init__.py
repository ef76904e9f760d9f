"""Administration screens under /admin: one router holding each area's routes, so `create_app` (which
discovers modules directly in web/ui/) mounts them all. The routes are copied rather than included, so the
router lists plain routes (as the role-matrix test and the OpenAPI builder expect); the areas use no prefix."""

from __future__ import annotations

from fastapi import APIRouter

from groundswell.web.ui.admin import audit, channels, home, people, rules, sla, templates, topics, users

router = APIRouter()
for _area in (home, users, people, rules, sla, templates, topics, channels, audit):
    router.routes.extend(_area.router.routes)
