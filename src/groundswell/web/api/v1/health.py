from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from groundswell import __version__
from groundswell.db.migrate import current_revision, head_revision
from groundswell.web.deps import ReadDb

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    version: str
    database: str
    schema_revision: str | None
    schema_current: bool


@router.get("/health", response_model=Health, summary="Liveness and database check (no sign-in needed)")
def health(session: ReadDb) -> Health:
    session.execute(text("SELECT 1"))
    engine = session.get_bind()
    revision = current_revision(engine)  # type: ignore[arg-type]
    return Health(
        status="ok", version=__version__, database=engine.dialect.name, schema_revision=revision,
        schema_current=revision == head_revision(),
    )  # fmt: skip
