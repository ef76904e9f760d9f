"""Ingest: normalise posts from any channel, dedupe on (channel, external_id), keep the raw payload,
thread replies, upsert authors, and quarantine what cannot be read."""
