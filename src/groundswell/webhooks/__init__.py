"""Outgoing webhooks: subscriptions (URL, secret, events) and the events emitted to them through the outbox."""
