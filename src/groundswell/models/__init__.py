"""ORM tables, one module per aggregate. Importing this package registers every table on Base.metadata."""

from groundswell.models.author import Author
from groundswell.models.channel_cursor import ChannelCursor
from groundswell.models.conversation import Conversation
from groundswell.models.enrichment import Enrichment, LabelCorrection
from groundswell.models.ingest_run import IngestRun
from groundswell.models.post import Post
from groundswell.models.quarantine import QuarantinedRecord

__all__ = [
    "Author",
    "ChannelCursor",
    "Conversation",
    "Enrichment",
    "IngestRun",
    "LabelCorrection",
    "Post",
    "QuarantinedRecord",
]
