from __future__ import annotations

from dataclasses import asdict, dataclass

from groundswell.channels.base import PostIn, RawRecord


@dataclass(slots=True)
class ParsedPost:
    post: PostIn
    record: RawRecord
    source_format: str


@dataclass(slots=True)
class Rejected:
    record: RawRecord
    reason: str
    source_format: str


@dataclass(slots=True)
class IngestCounts:
    read: int = 0
    new: int = 0
    duplicates: int = 0
    quarantined: int = 0

    def add(self, other: IngestCounts) -> None:
        self.read += other.read
        self.new += other.new
        self.duplicates += other.duplicates
        self.quarantined += other.quarantined

    def as_dict(self) -> dict[str, int]:
        return asdict(self)
