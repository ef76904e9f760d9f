"""Bodies of the replies API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from groundswell.web.api.schemas.common import Id, Name, Text


class DraftIn(BaseModel):
    """A new draft: its text, or a template to start from (one of them)."""

    text: Text | None = None
    template: Name | None = None
    variables: dict[Name, Text] = Field(default_factory=dict, max_length=50)
    language: Name | None = None
    visibility: Literal["public", "private"] = "public"
    in_reply_to_post_id: Id | None = Field(default=None, description="Default: the customer's latest post.")
    named_approver: Name | None = Field(default=None, description="An employee handle to ask for approval.")


class TextIn(BaseModel):
    text: Text = Field(min_length=1)


class ApprovalIn(BaseModel):
    text: Text | None = Field(default=None, description="Approve this text instead (edit and approve).")


class RejectionIn(BaseModel):
    reason: Text = Field(min_length=1, description="What the author should change.")
