"""A real SMTP server (aiosmtpd on loopback) that collects mail for tests to read."""
from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- mail -------------------------------------------------------------------------------------

@dataclass
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part else ""

    def passcode(self) -> str:
        """The first six-digit code in the body."""
        match = re.search(r"\b(\d{6})\b", self.body)
        assert match, f"no passcode in mail: {self.body!r}"
        return match.group(1)

    def links(self) -> list[str]:
        return re.findall(r"https?://\S+", self.body)


@dataclass
class MailBox:
    messages: list[ReceivedMail] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[ReceivedMail]:
        with self.lock:
            return [m for m in self.messages if address.lower() in (r.lower() for r in m.recipients)]

    def count(self, to: str, subject_contains: str = "") -> int:
        """How many mails to `to` (whose subject contains the text) arrived so far: `after=` for wait_for."""
        return len([m for m in self.to(to) if subject_contains in m.subject])

    def wait_for(self, to: str, subject_contains: str = "", after: int = 0,
                 timeout: float = 10.0) -> ReceivedMail:
        """The first mail to `to` (whose subject contains the text) beyond the first `after`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            matching = [m for m in self.to(to) if subject_contains in m.subject]
            if len(matching) > after:
                return matching[after]
            time.sleep(0.1)
        raise AssertionError(f"no mail to {to} with {subject_contains!r} within {timeout}s; "
                             f"have: {[(m.recipients, m.subject) for m in self.messages]}")


@contextmanager
def running_smtp_server(port: int | None = None):
    """Start aiosmtpd on loopback (a free port unless given); yields the MailBox (`.port` is set)."""
    mailbox = MailBox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    mailbox.port = controller.port
    try:
        yield mailbox
    finally:
        controller.stop()
