"""The live-polling loop: poll a channel, store what is new through the ordinary ingest, wait, repeat.

Each poll starts from the cursor saved in the database, and the new cursor is saved in the same
transaction as the posts it covers, so a poll that crashes part-way is simply fetched again. A channel
that refuses or fails a request (ChannelUnavailable) does not stop a running loop: it is reported and
the next try waits exponentially longer, up to a cap.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from groundswell.channels.polling import Poller
from groundswell.errors import ChannelUnavailable, InvalidInput
from groundswell.ingest import repository
from groundswell.ingest.runner import Ingestor
from groundswell.ingest.schemas import IngestCounts

# A failing channel is retried after interval x 2^failures seconds, but never waits longer than this
# (unless the interval itself is longer): long enough to ride out an outage or a rate-limit window.
MAX_BACKOFF_SECONDS = 15 * 60
# 2^30 x any sane interval is far past the cap; the bound only keeps the arithmetic finite.
_MAX_EXPONENT = 30

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PollReport:
    """What one successful poll stored, and the cursor the next poll starts from."""

    source_key: str
    counts: IngestCounts
    cursor: str | None

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source_key, **self.counts.as_dict(), "cursor": self.cursor}


@dataclass(slots=True)
class PollingSummary:
    polls: int = 0
    failures: int = 0
    counts: IngestCounts = field(default_factory=IngestCounts)
    last_error: str | None = None
    # True when Ctrl-C ended the loop; a poll it cut short was rolled back.
    interrupted: bool = False


OnResult = Callable[[PollReport], None]
# The error and the seconds until the next try (None when no poll follows).
OnFailure = Callable[[ChannelUnavailable, float | None], None]


def backoff_delay(interval: float, failures_in_a_row: int, cap: float = MAX_BACKOFF_SECONDS) -> float:
    """Seconds to wait after `failures_in_a_row` failed polls: the interval, doubled per failure."""
    if failures_in_a_row <= 0:
        return interval
    grown = interval * float(2 ** min(failures_in_a_row, _MAX_EXPONENT))
    return min(grown, max(cap, interval))


def _log_failure(error: ChannelUnavailable, retry_in: float | None) -> None:
    retry = f"; retrying in {retry_in:g}s" if retry_in is not None else ""
    log.warning("poll failed: %s%s", error.message, retry)


def poll_once(ingestor: Ingestor, sessions: sessionmaker[Session], poller: Poller) -> PollReport:
    """One poll from the saved cursor; the new cursor is saved with the posts it fetched."""
    with sessions() as session:
        cursor = repository.load_cursor(session, poller.source_key)
    counts, new_cursor = ingestor.ingest_polled(poller, cursor)
    return PollReport(source_key=poller.source_key, counts=counts, cursor=new_cursor)


def poll_source(
    sessions: sessionmaker[Session],
    poller: Poller,
    *,
    interval: float = 0.0,
    max_polls: int | None = None,
    on_result: OnResult | None = None,
    on_failure: OnFailure | None = None,
    sleep: Callable[[float], None] = time.sleep,
    batch_size: int = 2000,
    max_backoff: float = MAX_BACKOFF_SECONDS,
) -> PollingSummary:
    """Poll once (interval 0), or every `interval` seconds until `max_polls` polls (failed ones count)
    or Ctrl-C. Polling once, ChannelUnavailable propagates; in a loop it goes to `on_failure` and the
    loop backs off. Any other error propagates: the poll it interrupted is rolled back, cursor included.
    """
    if interval < 0:
        raise InvalidInput(f"the polling interval cannot be negative, got {interval}")
    if max_polls is not None and max_polls < 1:
        raise InvalidInput(f"max_polls must be at least 1, got {max_polls}")
    limit = 1 if interval == 0 else max_polls
    report_failure = on_failure or _log_failure
    ingestor = Ingestor(sessions, batch_size=batch_size)
    summary = PollingSummary()
    failures_in_a_row = 0
    try:
        while limit is None or summary.polls < limit:
            if summary.polls:
                sleep(backoff_delay(interval, failures_in_a_row, max_backoff))
            summary.polls += 1
            try:
                report = poll_once(ingestor, sessions, poller)
            except ChannelUnavailable as error:
                if interval == 0:
                    raise
                summary.failures += 1
                summary.last_error = error.message
                failures_in_a_row += 1
                more = limit is None or summary.polls < limit
                report_failure(error, backoff_delay(interval, failures_in_a_row, max_backoff) if more else None)
                continue
            failures_in_a_row = 0
            summary.counts.add(report.counts)
            if on_result is not None:
                on_result(report)
    except KeyboardInterrupt:
        # Ctrl-C is how a polling loop is normally ended; the transaction it hit has rolled back.
        summary.interrupted = True
    return summary
