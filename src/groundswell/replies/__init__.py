"""Replies to customers: drafts checked against policy, approval, and the hand-over to the outbox."""
