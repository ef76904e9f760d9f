"""E-mail for alert notifications through the same SMTP relay as e-mail replies.

The reply sender threads every message under a customer's mail ("Re: ..."). A notification
(`extra["notification"]`, set by `groundswell.alerts.notify`) is a fresh message instead: its own subject,
no thread headers. Everything else (connection, TLS, login, errors, the Message-ID derived from the
idempotency key, at-least-once across a crash) is the reply sender's, unchanged.
"""

from __future__ import annotations

from email.message import EmailMessage

from groundswell.channels.email.sender import SmtpSender
from groundswell.outbox.senders import OutgoingMessage


class NotificationSmtpSender(SmtpSender):
    """The SMTP sender for the "email" channel: replies as before, plus plain notifications."""

    def build(self, message: OutgoingMessage) -> EmailMessage:
        mail = super().build(message)
        if message.extra.get("notification"):
            subject = " ".join(str(message.extra.get("subject") or "groundswell alert").split())
            del mail["Subject"]
            mail["Subject"] = subject
            del mail["In-Reply-To"]
            del mail["References"]
            mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to an alert
            if html := message.extra.get("html"):  # e.g. a department's weekly digest (groundswell.departments)
                mail.add_alternative(str(html), subtype="html")
        return mail
