"""ORM tables, one module per aggregate. Importing this package registers every table on Base.metadata."""

from groundswell.models.audit import AuditEntry
from groundswell.models.author import Author
from groundswell.models.case import Case, CaseEvent, CasePost, LostItem, SlaClockRecord, SuppressedPost
from groundswell.models.channel_cursor import ChannelCursor
from groundswell.models.conversation import Conversation
from groundswell.models.enrichment import Enrichment, LabelCorrection
from groundswell.models.ingest_run import IngestRun
from groundswell.models.outbox import OutboxMessage
from groundswell.models.post import Post
from groundswell.models.quarantine import QuarantinedRecord
from groundswell.models.reply import Reply, ResponseTemplate
from groundswell.models.team import Employee, RoutingRulesVersion, Team

__all__ = [
    "AuditEntry",
    "Author",
    "Case",
    "CaseEvent",
    "CasePost",
    "ChannelCursor",
    "Conversation",
    "Employee",
    "Enrichment",
    "IngestRun",
    "LabelCorrection",
    "LostItem",
    "OutboxMessage",
    "Post",
    "QuarantinedRecord",
    "Reply",
    "ResponseTemplate",
    "RoutingRulesVersion",
    "SlaClockRecord",
    "SuppressedPost",
    "Team",
]
