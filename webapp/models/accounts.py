"""Account lifecycle: registrations, emailed passcodes, emailed links, credentials history,
security answers and rate-limit counters. Secrets are stored only as hashes."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models.types import enum_column


class RegistrationStep(str, enum.Enum):
    VERIFY = "verify"      # waiting for the emailed passcode
    TERMS = "terms"        # email verified, terms not yet accepted
    PROVIDER = "provider"  # terms accepted, provider not yet chosen
    IDENTITY = "identity"  # provider and role chosen, the provider's identity not yet proved
    REVIEW = "review"      # provider chosen, not yet submitted
    SUBMITTED = "submitted"


class Registration(db.Model):
    """A self-registration in progress; becomes a pending User + ProviderAccess on Submit."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    office_address: Mapped[str] = mapped_column(String(300))
    mobile_phone: Mapped[str] = mapped_column(String(20))
    position: Mapped[str] = mapped_column(String(120))
    step: Mapped[RegistrationStep] = mapped_column(enum_column(RegistrationStep))
    email_verified_at: Mapped[datetime | None]
    terms_accepted_at: Mapped[datetime | None]
    terms_version: Mapped[str | None] = mapped_column(String(20))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id", ondelete="SET NULL"))
    on_behalf: Mapped[bool] = mapped_column(default=True)
    # Role asked for: Staff, or the provider's Senior Access Administrator (replacing the current one).
    wants_administrator: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    replace_administrator: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    identity_proof: Mapped[str | None] = mapped_column(String(20))  # how it was proved, never the proof
    identity_verified_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    submitted_at: Mapped[datetime | None]

    provider = relationship("Provider")
    user = relationship("User")


class PasscodePurpose(str, enum.Enum):
    REGISTER = "register"
    CREDENTIALS = "credentials"
    CHANGE_PASSWORD = "change_password"
    CHANGE_SECURITY = "change_security"
    FORGOT_PASSWORD = "forgot_password"


class PasscodeChallenge(db.Model):
    """One emailed code per (purpose, subject). Resending replaces the code, not the failure count."""

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[PasscodePurpose] = mapped_column(enum_column(PasscodePurpose))
    subject: Mapped[str] = mapped_column(String(80))  # "registration:12" or "user:7"
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    sends: Mapped[int] = mapped_column(default=1)

    __table_args__ = (UniqueConstraint("purpose", "subject", name="uq_passcode_challenge_purpose_subject"),)


class EmailLinkPurpose(str, enum.Enum):
    CREATE_CREDENTIALS = "create_credentials"
    APPROVE_ACCESS = "approve_access"
    RESUME_REGISTRATION = "resume_registration"


class EmailLink(db.Model):
    """A signed, expiring, single-use link sent by mail. Only a hash of its secret is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[EmailLinkPurpose] = mapped_column(enum_column(EmailLinkPurpose))
    secret_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    access_id: Mapped[int | None] = mapped_column(ForeignKey("provider_access.id", ondelete="CASCADE"))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class PasswordHistory(db.Model):
    """Earlier password hashes of a user, to refuse reuse of the last few."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive)


class SecurityAnswer(db.Model):
    """A chosen security question and the hash of its normalised answer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(40))  # a key of SECURITY_QUESTIONS
    answer_hash: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(default=1)


class RateLimitHit(db.Model):
    """Fixed-window counter for webapp.ratelimit.hit()."""

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime]
    count: Mapped[int] = mapped_column(default=0)



class UserSession(db.Model):
    """A signed-in browser. The cookie carries a random secret; only its SHA-256 is the row id, so
    the table alone cannot be turned back into cookies. Deleting the row ends the session."""

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    remote_addr: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))


class SignInThrottle(db.Model):
    """Consecutive wrong passwords per login (keyed by a hash of the typed login, known or not)."""

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]


class RecoveryGrant(db.Model):
    """A server-side, single-use, short-lived step of Forgot password: "answer" (the emailed code
    was right) or "password" (the security answer was right too). The cookie carries its secret."""

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the secret
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
