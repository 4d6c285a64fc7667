"""Emailed links: signed (itsdangerous), expiring and single use (a hash of their secret is kept)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import update

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import EmailLink, EmailLinkPurpose

class LinkError(Exception):
    """The link is not valid: bad signature, unknown, expired or already used (`reason`)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _serializer(purpose: EmailLinkPurpose, secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=f"email-link:{purpose.value}")


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def make_link_token(purpose: EmailLinkPurpose, lifetime: timedelta, *, secret_key: str, **refs) -> str:
    """Add an EmailLink (the caller commits) and return the token for its URL, signed with `secret_key`."""
    secret = secrets.token_urlsafe(24)
    link = EmailLink(purpose=purpose, secret_hash=_secret_hash(secret),
                     expires_at=utcnow_naive() + lifetime, **refs)
    db.session.add(link)
    db.session.flush()
    return _serializer(purpose, secret_key).dumps([link.id, secret])


def retire_links(purpose: EmailLinkPurpose, user_id: int) -> None:
    """Earlier unused links of this purpose for the user stop working (a newer one replaces them)."""
    now = utcnow_naive()
    db.session.execute(update(EmailLink).where(
        EmailLink.purpose == purpose, EmailLink.user_id == user_id, EmailLink.used_at.is_(None),
        EmailLink.expires_at > now).values(expires_at=now))


def open_link(token: str, purpose: EmailLinkPurpose, *, secret_key: str) -> EmailLink:
    """The link behind `token`, if signed, known, unexpired and unused; else LinkError."""
    try:
        link_id, secret = _serializer(purpose, secret_key).loads(token)
    except (BadSignature, ValueError, TypeError) as exc:
        raise LinkError("invalid") from exc
    link = db.session.get(EmailLink, link_id) if isinstance(link_id, int) else None
    if link is None or link.purpose != purpose or not isinstance(secret, str) \
            or not hmac.compare_digest(link.secret_hash, _secret_hash(secret)):
        raise LinkError("invalid")
    if link.used_at is not None:
        raise LinkError("used")
    if link.expires_at <= utcnow_naive():
        raise LinkError("expired")
    return link


def use_link(link: EmailLink) -> None:
    link.used_at = utcnow_naive()


def public_url(path: str, *, base_url: str) -> str:
    """`path` on the public site (`base_url`: the configured PUBLIC_BASE_URL)."""
    return base_url + path

