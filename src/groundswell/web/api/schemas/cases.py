"""Bodies of the cases API."""

from __future__ import annotations

from pydantic import BaseModel, Field

from groundswell.web.api.schemas.common import Name, Text


class CaseChanges(BaseModel):
    """Fields to change; those left out stay as they are."""

    status: Name | None = Field(default=None, description="new, open, waiting_on_customer, resolved or closed.")
    priority: Name | None = Field(default=None, description="p1 (urgent) to p4 (low).")
    tags: list[Name] | None = Field(default=None, max_length=50, description="The whole list of tags ([] clears).")
    note: Text | None = Field(default=None, description="An internal note for the timeline.")


class NoteIn(BaseModel):
    text: Text = Field(min_length=1)


class AssigneeIn(BaseModel):
    employee: Name = Field(description="The employee's handle.")
    force: bool = Field(default=False, description="Assign even past capacity, on leave or as a trainee.")
    reason: Text | None = None
