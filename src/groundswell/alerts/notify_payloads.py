"""What a notification says, per channel (pure: no I/O).

The payload is built when the notification is queued and stored with the outbox message (`extra`), so
the database shows exactly what each receiver got; the senders only post it.
"""

from __future__ import annotations

from typing import Any

SEVERITY_COLOURS = {"low": "2EB67D", "medium": "ECB22E", "high": "E01E5A", "critical": "8B0000"}
_MAX_POST_IDS = 50


def alert_document(
    alert: Any, *, level: int, severity: str, rising: bool, base_url: str | None = None
) -> dict[str, Any]:
    """The alert as plain JSON (the webhook body's `alert`, and what Slack/Teams messages are made of)."""
    document: dict[str, Any] = {
        "id": alert.id,
        "kind": alert.kind,
        "scope_kind": alert.scope_kind,
        "scope": alert.scope,
        "severity": severity,
        "score": alert.score,
        "reach": alert.reach,
        "summary": alert.summary,
        "key_phrases": list(alert.key_phrases or []),
        "post_ids": list(alert.post_ids or [])[:_MAX_POST_IDS],
        "start": alert.start.isoformat(),
        "detected_at": alert.detected_at.isoformat(),
        "last_detected_at": alert.last_detected_at.isoformat(),
        "occurrences": alert.occurrences,
        "status": alert.status,
        "escalation_level": level,
        "severity_rose": rising,
    }
    if base_url:
        document["url"] = f"{base_url.rstrip('/')}/alerts/{alert.id}"
    return document


def headline(doc: dict[str, Any]) -> str:
    rose = "severity rose to " if doc["severity_rose"] else ""
    escalated = f" (escalation level {doc['escalation_level']})" if doc["escalation_level"] else ""
    return f"[{rose}{doc['severity'].upper()}] {doc['kind']} for {doc['scope_kind']} {doc['scope']}{escalated}"


def summary_text(doc: dict[str, Any]) -> str:
    """The human summary: the outbox message's text, and the body of an alert e-mail."""
    lines = [
        headline(doc),
        "",
        doc["summary"],
        "",
        f"Started: {doc['start']}   Detected: {doc['detected_at']}   Seen {doc['occurrences']} time(s)",
        f"Reach: {doc['reach']}   Score: {doc['score']:.2f}   Posts: {len(doc['post_ids'])}",
    ]
    if doc["key_phrases"]:
        lines.append(f"Key phrases: {', '.join(doc['key_phrases'])}")
    if doc.get("url"):
        lines.append(f"Open: {doc['url']}")
    lines += ["", f"Acknowledge: groundswell alerts ack {doc['id']} --by YOUR_NAME"]
    return "\n".join(lines)


def webhook_payload(doc: dict[str, Any], *, idempotency_key: str) -> dict[str, Any]:
    return {"event": "alert.notification", "idempotency_key": idempotency_key, "alert": doc}


def slack_payload(doc: dict[str, Any]) -> dict[str, Any]:
    """A Slack incoming-webhook message: `text` (the fallback shown in notifications) and Block Kit blocks."""
    fields = [
        {"type": "mrkdwn", "text": f"*Severity*\n{doc['severity']}"},
        {"type": "mrkdwn", "text": f"*Scope*\n{doc['scope_kind']}: {doc['scope']}"},
        {"type": "mrkdwn", "text": f"*Kind*\n{doc['kind']}"},
        {"type": "mrkdwn", "text": f"*Reach*\n{doc['reach']}"},
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": headline(doc)[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": doc["summary"][:2900]}, "fields": fields},
    ]
    if doc["key_phrases"]:
        phrases = ", ".join(f"`{p}`" for p in doc["key_phrases"])
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"Key phrases: {phrases}"[:2900]}]})
    if doc.get("url"):
        blocks.append({"type": "actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "Open alert"}, "url": doc["url"]},
        ]})  # fmt: skip
    return {"text": f"{headline(doc)}: {doc['summary']}"[:3000], "blocks": blocks}


def teams_payload(doc: dict[str, Any]) -> dict[str, Any]:
    """A Microsoft Teams incoming-webhook message (an Office 365 connector MessageCard)."""
    facts = [
        {"name": "Severity", "value": doc["severity"]},
        {"name": "Scope", "value": f"{doc['scope_kind']}: {doc['scope']}"},
        {"name": "Kind", "value": doc["kind"]},
        {"name": "Reach", "value": str(doc["reach"])},
        {"name": "Seen", "value": f"{doc['occurrences']} time(s) since {doc['start']}"},
    ]
    if doc["key_phrases"]:
        facts.append({"name": "Key phrases", "value": ", ".join(doc["key_phrases"])})
    card: dict[str, Any] = {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": headline(doc)[:250],
        "themeColor": SEVERITY_COLOURS.get(doc["severity"], "808080"),
        "title": headline(doc),
        "sections": [{"text": doc["summary"], "facts": facts}],
    }
    if doc.get("url"):
        card["potentialAction"] = [
            {"@type": "OpenUri", "name": "Open alert", "targets": [{"os": "default", "uri": doc["url"]}]}
        ]
    return card


def email_subject(doc: dict[str, Any]) -> str:
    return f"groundswell alert: {headline(doc)}"[:200]
