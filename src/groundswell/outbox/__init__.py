"""Delivery of replies: a transactional outbox drained by a worker through one sender per channel.

`service.enqueue` records what to send under an idempotency key (in the caller's transaction, next to the
reply that caused it); `worker.deliver_due` claims due messages, sends them, and records the result, with
retries, backoff, a dead-letter state and crash recovery through `Sender.find_sent`.
"""
