"""E-mail replies over SMTP (the standard library's smtplib), with STARTTLS or implicit TLS when asked.

The reply threads under the customer's message: In-Reply-To and References name it, and the subject is
"Re: " + its subject. The Message-ID is derived from the idempotency key, so every attempt of one message
carries the same id.

SMTP cannot look back: `find_sent` always answers None. Delivery is therefore at-least-once across one
gap, a crash after the server accepted the message and before the worker recorded it; the repeated
message has the same Message-ID, which lets the receiving side (and most mail clients) drop the copy.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from groundswell.errors import ConfigurationError
from groundswell.outbox.senders import OutgoingMessage, PermanentSendError, Receipt, RetryableSendError, SendError

_TIMEOUT_SECONDS = 30


class SmtpSender:
    channel = "email"

    def __init__(
        self,
        host: str,
        port: int = 587,
        *,
        from_address: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        use_ssl: bool = False,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = _TIMEOUT_SECONDS,
    ) -> None:
        if not host or not from_address or "@" not in parseaddr(from_address)[1]:
            raise ConfigurationError(
                "e-mail replies need an SMTP relay and a From address: set GROUNDSWELL_SMTP_HOST and "
                "GROUNDSWELL_SMTP_FROM (e.g. 'Voltline Care <care@voltline.example>')"
            )
        self.host, self.port = host, port
        self.from_address = from_address
        self._login = (username, password) if username and password else None
        self._starttls, self._ssl = starttls and not use_ssl, use_ssl
        self._context = ssl_context or ssl.create_default_context()
        self._timeout = timeout

    def build(self, message: OutgoingMessage) -> EmailMessage:
        """The e-mail for a message (the same headers on every attempt, Date aside)."""
        if not message.recipient:
            raise PermanentSendError("an e-mail reply needs the recipient's address")
        mail = EmailMessage()
        mail["From"] = self.from_address
        mail["To"] = message.recipient
        mail["Subject"] = reply_subject(str(message.extra.get("subject") or ""))
        mail["Date"] = format_datetime(datetime.now(UTC))
        mail["Message-ID"] = message_id(message.idempotency_key, self.from_address)
        if message.in_reply_to:
            parent = f"<{message.in_reply_to.strip('<>')}>"
            earlier = [f"<{ref.strip('<>')}>" for ref in message.extra.get("references") or [] if str(ref).strip("<>")]
            mail["In-Reply-To"] = parent
            mail["References"] = " ".join(dict.fromkeys([*earlier, parent]))
        mail.set_content(message.text)
        return mail

    def send(self, message: OutgoingMessage) -> Receipt:
        mail = self.build(message)
        try:
            with self._connect() as smtp:
                if self._starttls:
                    smtp.starttls(context=self._context)
                if self._login:
                    smtp.login(*self._login)
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = {code for code, _ in exc.recipients.values()}
            error = f"the mail server refused {message.recipient}: {exc.recipients}"
            raise (
                RetryableSendError(error) if all(400 <= c < 500 for c in codes) else PermanentSendError(error)
            ) from exc
        except smtplib.SMTPResponseException as exc:
            raise _response_error(exc) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise PermanentSendError(f"{self.host} does not offer STARTTLS: set GROUNDSWELL_SMTP_STARTTLS=false "
                                     f"only on a trusted network ({exc})") from exc  # fmt: skip
        except (smtplib.SMTPException, OSError) as exc:  # refused connection, timeout, dropped line, TLS failure
            raise RetryableSendError(f"cannot deliver through {self.host}:{self.port}: {exc}") from exc
        return Receipt(external_id=str(mail["Message-ID"]).strip("<>"), url=None)

    def find_sent(self, message: OutgoingMessage) -> Receipt | None:
        return None  # SMTP keeps no history to ask; see the module's note on at-least-once delivery

    def _connect(self) -> smtplib.SMTP:
        if self._ssl:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self._timeout, context=self._context)
        return smtplib.SMTP(self.host, self.port, timeout=self._timeout)


def message_id(idempotency_key: str, from_address: str) -> str:
    domain = parseaddr(from_address)[1].rpartition("@")[2] or "groundswell.invalid"
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}.outbox@{domain}>"


def reply_subject(subject: str) -> str:
    subject = " ".join(subject.split())
    if not subject:
        return "Re: your message"
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def _response_error(exc: smtplib.SMTPResponseException) -> SendError:
    detail = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    error = f"the mail server answered {exc.smtp_code}: {detail}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return PermanentSendError(f"{error} (check GROUNDSWELL_SMTP_USERNAME and GROUNDSWELL_SMTP_PASSWORD)")
    # 4xx is a temporary refusal by definition (greylisting, a full queue); 5xx is final.
    return RetryableSendError(error) if 400 <= exc.smtp_code < 500 else PermanentSendError(error)
