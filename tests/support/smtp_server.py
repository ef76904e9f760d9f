"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it accepted.

It can require STARTTLS with a self-signed certificate made on the spot, require a login, and answer
chosen recipients with a temporary (4xx) or final (5xx) refusal.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class MailSink:
    refuse: dict[str, str] = field(default_factory=dict)  # recipient -> SMTP reply, e.g. "550 5.1.1 no such user"
    received: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    tls_used: list[bool] = field(default_factory=list)

    async def handle_RCPT(self, server: SMTPServer, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:  # fmt: skip
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), parsed))
        self.tls_used.append(session.ssl is not None)
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    host: str
    port: int
    sink: MailSink
    cafile: Path | None = None

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cafile)) if self.cafile else ssl.create_default_context()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1)).not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    return cert_path, key_path


@contextmanager
def smtp_server(tmp: Path, *, tls: bool = False, login: tuple[str, str] | None = None) -> Iterator[SmtpServer]:
    """Serve SMTP on a free local port; with `tls`, STARTTLS is offered and required; with `login`, AUTH
    (PLAIN/LOGIN, over TLS only when tls is on) is required for that user and password."""
    sink = MailSink()
    kwargs: dict[str, Any] = {}
    cafile = None
    if tls:
        cafile, keyfile = _self_signed(tmp)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cafile, keyfile)
        kwargs.update(tls_context=context, require_starttls=True)
    if login is not None:

        def authenticate(server: SMTPServer, session: Session, envelope: Envelope, mechanism: str,
                         data: Any) -> AuthResult:  # fmt: skip
            ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == login
            if ok:
                sink.logins.append(data.login.decode())
            return AuthResult(success=ok, handled=False)

        kwargs.update(authenticator=authenticate, auth_required=True, auth_require_tls=tls)
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port(), **kwargs)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", controller.port, sink, cafile)
    finally:
        controller.stop()
