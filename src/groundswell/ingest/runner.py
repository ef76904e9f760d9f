"""Runs an ingest: reads sources through their connectors, parses, and stores batch by batch, each
batch in its own transaction. Re-running after a crash is safe because every batch is atomic and
posts are deduplicated on (channel, external_id)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from groundswell.channels.base import Connector, RawRecord
from groundswell.channels.polling import Poller
from groundswell.channels.registry import detect_connector, get_connector
from groundswell.db.dialect import refresh_statistics
from groundswell.db.engine import write_transaction
from groundswell.errors import InvalidInput, ParseError
from groundswell.ingest import repository
from groundswell.ingest.authors import AuthorResolver
from groundswell.ingest.schemas import IngestCounts, ParsedPost, Rejected
from groundswell.ingest.service import store_batch
from groundswell.models import IngestRun

Progress = Callable[[int], None]  # bytes of input consumed since the last call
_WHOLE_FILE_RAW_LIMIT = 1_000_000
# Planner statistics are refreshed when this many posts have been stored, then at 8x each time.
_FIRST_STATISTICS_AT = 4_000


def parse_records(connector: Connector, records: Iterable[RawRecord]) -> Iterator[ParsedPost | Rejected]:
    """Every record becomes posts or one rejection with its reason; none is dropped."""
    for record in records:
        try:
            posts = connector.parse(record)
        except ParseError as exc:
            yield Rejected(record, exc.message, connector.name)
            continue
        except Exception as exc:  # a connector bug must not lose the record or stop the ingest
            yield Rejected(record, f"internal error while parsing ({type(exc).__name__}: {exc})", connector.name)
            continue
        if not posts:
            yield Rejected(record, "the record holds no post", connector.name)
        for post in posts:
            yield ParsedPost(post, record, connector.name)


class Ingestor:
    def __init__(self, factory: sessionmaker[Session], *, batch_size: int = 2000) -> None:
        if batch_size < 1:
            raise InvalidInput("batch size must be at least 1")
        self._factory = factory
        self._batch_size = batch_size
        self._authors = AuthorResolver()
        self._stored_since_start = 0
        self._next_statistics_at = _FIRST_STATISTICS_AT

    def ingest_file(self, path: Path, *, fmt: str = "auto", progress: Progress | None = None) -> IngestCounts:
        if not path.is_file():
            raise InvalidInput(f"{path} is not a readable file: check the path")
        connector = detect_connector(path) if fmt == "auto" else get_connector(fmt)
        run_id = self._start_run(str(path), connector.name)
        records = self._guarded_read(connector, path)
        counts = self._store_stream(connector, records, run_id=run_id, progress=progress)
        self._finish_run(run_id)
        return counts

    def ingest_polled(self, poller: Poller, cursor: str | None) -> tuple[IngestCounts, str | None]:
        """One poll: fetch, store, and save the poller's new cursor in the last batch's transaction."""
        result = poller.poll(cursor)
        connector = get_connector(poller.connector_name)
        new_cursor = result.cursor or cursor
        counts = self._store_stream(connector, result.records, cursor_key=poller.source_key, cursor=new_cursor)
        return counts, new_cursor

    def _guarded_read(self, connector: Connector, path: Path) -> Iterator[RawRecord]:
        """The connector's records; a file that cannot even be split into records is quarantined whole."""
        records = connector.read(path)
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except ParseError as exc:
                with path.open("rb") as handle:
                    head = handle.read(_WHOLE_FILE_RAW_LIMIT).decode("utf-8", errors="replace")
                yield RawRecord(source=str(path), position=0, raw=head, decoded=exc)
                return
            yield record

    def _store_stream(
        self,
        connector: Connector,
        records: Iterable[RawRecord],
        *,
        run_id: int | None = None,
        progress: Progress | None = None,
        cursor_key: str | None = None,
        cursor: str | None = None,
    ) -> IngestCounts:
        total = IngestCounts()
        parsed: list[ParsedPost] = []
        rejected: list[Rejected] = []
        consumed = 0
        last_record: RawRecord | None = None

        def flush(final: bool) -> None:
            nonlocal consumed
            counts = self._commit_batch(parsed, rejected, run_id, cursor_key if final else None, cursor)
            total.add(counts)
            parsed.clear()
            rejected.clear()
            if progress is not None:
                progress(consumed)
            consumed = 0

        for item in parse_records(connector, records):
            if item.record is not last_record:
                consumed += len(item.record.raw) + 1
                last_record = item.record
            (parsed if isinstance(item, ParsedPost) else rejected).append(item)  # type: ignore[arg-type]
            if len(parsed) + len(rejected) >= self._batch_size:
                flush(final=False)
        flush(final=True)
        return total

    def _commit_batch(
        self,
        parsed: list[ParsedPost],
        rejected: list[Rejected],
        run_id: int | None,
        cursor_key: str | None,
        cursor: str | None,
    ) -> IngestCounts:
        now = datetime.now(UTC)
        try:
            with write_transaction(self._factory) as session:
                counts = store_batch(session, parsed=parsed, rejected=rejected, authors=self._authors, now=now)
                if run_id is not None:
                    session.execute(
                        update(IngestRun)
                        .where(IngestRun.id == run_id)
                        .values(
                            read=IngestRun.read + counts.read,
                            new=IngestRun.new + counts.new,
                            duplicates=IngestRun.duplicates + counts.duplicates,
                            quarantined=IngestRun.quarantined + counts.quarantined,
                        )
                    )
                if cursor_key is not None and cursor is not None:
                    repository.save_cursor(session, cursor_key, cursor, now)
        except BaseException:
            self._authors.forget()  # it may hold ids of rows that were just rolled back
            raise
        self._stored_since_start += counts.new
        if self._stored_since_start >= self._next_statistics_at:
            self._next_statistics_at *= 8
            with self._factory() as session, session.begin():
                refresh_statistics(session.connection())
        return counts

    def _start_run(self, source: str, source_format: str) -> int:
        with write_transaction(self._factory) as session:
            run = IngestRun(
                source=source,
                source_format=source_format,
                status="running",
                started_at=datetime.now(UTC),
                read=0,
                new=0,
                duplicates=0,
                quarantined=0,
            )
            session.add(run)
            session.flush()
            return run.id

    def _finish_run(self, run_id: int) -> None:
        with write_transaction(self._factory) as session:
            session.execute(
                update(IngestRun).where(IngestRun.id == run_id).values(status="done", finished_at=datetime.now(UTC))
            )
