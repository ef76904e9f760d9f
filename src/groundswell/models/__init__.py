"""ORM tables, one module per aggregate. Importing this package registers every table on Base.metadata."""

from groundswell.models.alert import Alert, DetectorState
from groundswell.models.audit import AuditEntry
from groundswell.models.author import Author
from groundswell.models.case import Case, CaseEvent, CasePost, LostItem, SlaClockRecord, SuppressedPost
from groundswell.models.channel_cursor import ChannelCursor
from groundswell.models.conversation import Conversation
from groundswell.models.dashboard_rollup import DashboardRollup
from groundswell.models.enrichment import Enrichment, LabelCorrection
from groundswell.models.idea import Idea, IdeaComment, IdeaNotification, IdeaPost, IdeaVote
from groundswell.models.incident import Incident, IncidentEvent, IncidentLink, IncidentStatement
from groundswell.models.ingest_run import IngestRun
from groundswell.models.insight import Department, Insight
from groundswell.models.outbox import OutboxMessage
from groundswell.models.post import Post
from groundswell.models.quarantine import QuarantinedRecord
from groundswell.models.reply import Reply, ResponseTemplate
from groundswell.models.team import Employee, RoutingRulesVersion, Team
from groundswell.models.topic import Topic, TopicSetVersion
from groundswell.models.user import ApiToken, User, WebhookSubscription, WebSession

__all__ = [
    "Alert",
    "ApiToken",
    "AuditEntry",
    "Author",
    "Case",
    "CaseEvent",
    "CasePost",
    "ChannelCursor",
    "Conversation",
    "DashboardRollup",
    "Department",
    "DetectorState",
    "Employee",
    "Enrichment",
    "Idea",
    "IdeaComment",
    "IdeaNotification",
    "IdeaPost",
    "IdeaVote",
    "Incident",
    "IncidentEvent",
    "IncidentLink",
    "IncidentStatement",
    "IngestRun",
    "Insight",
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
    "Topic",
    "TopicSetVersion",
    "User",
    "WebSession",
    "WebhookSubscription",
]
