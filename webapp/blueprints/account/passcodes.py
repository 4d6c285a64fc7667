"""Emailed passcodes: 6 digits from `secrets`, stored as an HMAC only, single use, expiring;
resending replaces the code but keeps the count of wrong tries; too many wrong tries lock.

Wrong tries are counted in one atomic UPDATE ... RETURNING (20 parallel wrong codes count 20 and
only the first MAX-1 are answered "N tries left"). An address that must not be revealed (no
account, or already registered) gets a decoy challenge keyed by a hash of the address: it is never
mailed, and its counts, locks and messages are exactly those of a real one.
"""
from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, or_, select, update

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.mailer import queue_mail
from webapp.models import PasscodeChallenge, PasscodePurpose, User

PASSCODE_DIGITS = 6


# --- passcodes ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PasscodeSettings:
    """The passcode settings, built once by the caller (route, command) from the app's config."""
    secret_key: str  # keys the stored code hashes
    lifetime_minutes: int
    max_attempts: int
    lock_minutes: int

    @classmethod
    def from_config(cls, config: Mapping) -> PasscodeSettings:
        return cls(secret_key=config["SECRET_KEY"], lifetime_minutes=config["PASSCODE_TTL_MINUTES"],
                   max_attempts=config["PASSCODE_MAX_ATTEMPTS"], lock_minutes=config["PASSCODE_LOCK_MINUTES"])


class PasscodeResult(str, enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    LOCKED = "locked"
    MISSING = "missing"  # no code was sent (or it was already used)


@dataclass(frozen=True)
class PasscodeCheck:
    result: PasscodeResult
    attempts_left: int = 0
    locked_minutes: int = 0

    @property
    def ok(self) -> bool:
        return self.result is PasscodeResult.OK


class PasscodeLocked(Exception):
    def __init__(self, minutes: int):
        super().__init__(f"locked for {minutes} more minutes")
        self.minutes = minutes


def _code_hash(secret_key: str, challenge_key: str, code: str) -> str:
    return hmac.new(secret_key.encode(), f"{challenge_key}:{code}".encode(), hashlib.sha256).hexdigest()


def _challenge(purpose: PasscodePurpose, subject: str) -> PasscodeChallenge | None:
    return db.session.scalar(select(PasscodeChallenge).where(
        PasscodeChallenge.purpose == purpose, PasscodeChallenge.subject == subject))


def _minutes_until(moment: datetime, now: datetime) -> int:
    return max(1, -(-int((moment - now).total_seconds()) // 60))


def lock_minutes_left(purpose: PasscodePurpose, subject: str) -> int:
    """Minutes the challenge stays locked (0 when not locked)."""
    challenge = _challenge(purpose, subject)
    now = utcnow_naive()
    if challenge and challenge.locked_until and challenge.locked_until > now:
        return _minutes_until(challenge.locked_until, now)
    return 0


def issue_passcode(purpose: PasscodePurpose, subject: str, *, settings: PasscodeSettings) -> str:
    """Create or replace the code for (purpose, subject); return the plain code to mail.

    The count of wrong tries survives a resend; a locked challenge refuses (PasscodeLocked).
    The caller commits (together with the mail that carries the code).
    """
    now = utcnow_naive()
    challenge = _challenge(purpose, subject)
    if challenge is None:
        challenge = PasscodeChallenge(purpose=purpose, subject=subject, failed_attempts=0, sends=0)
        db.session.add(challenge)
    elif challenge.locked_until and challenge.locked_until > now:
        raise PasscodeLocked(_minutes_until(challenge.locked_until, now))
    elif challenge.locked_until:  # the lock has run out: a fresh start
        challenge.locked_until, challenge.failed_attempts = None, 0
    code = f"{secrets.randbelow(10 ** PASSCODE_DIGITS):0{PASSCODE_DIGITS}d}"
    challenge.code_hash = _code_hash(settings.secret_key, f"{purpose.value}:{subject}", code)
    challenge.created_at = now
    challenge.expires_at = now + timedelta(minutes=settings.lifetime_minutes)
    challenge.used_at = None
    challenge.sends = (challenge.sends or 0) + 1
    return code


def check_passcode(purpose: PasscodePurpose, subject: str, code: str, *,
                   settings: PasscodeSettings) -> PasscodeCheck:
    """Check a typed code; a right one is used up. Every refused try (wrong, or any try while
    locked) counts, atomically. The caller commits (failures must be kept)."""
    now = utcnow_naive()
    max_attempts = settings.max_attempts
    challenge = _challenge(purpose, subject)
    if challenge is None or challenge.used_at is not None:
        return PasscodeCheck(PasscodeResult.MISSING)
    locked = challenge.locked_until is not None and challenge.locked_until > now
    typed = re.sub(r"\s", "", code or "")
    typed_hash = _code_hash(settings.secret_key, f"{purpose.value}:{subject}", typed)
    right = hmac.compare_digest(typed_hash, challenge.code_hash)
    if locked or not right or subject.startswith("email:"):  # a decoy code is never right
        failures, locked_until = _count_failure(challenge.id, now, max_attempts, settings.lock_minutes)
        if locked_until is not None and locked_until > now:
            return PasscodeCheck(PasscodeResult.LOCKED, locked_minutes=_minutes_until(locked_until, now))
        return PasscodeCheck(PasscodeResult.WRONG, attempts_left=max(1, max_attempts - failures))
    if challenge.expires_at <= now:
        return PasscodeCheck(PasscodeResult.EXPIRED)
    challenge.used_at = now
    challenge.failed_attempts = 0
    return PasscodeCheck(PasscodeResult.OK)


def _count_failure(challenge_id: int, now: datetime, max_attempts: int, lock_minutes: int):
    """One atomic statement: count the try and, on reaching the limit, lock (never extending a
    lock that is already running). Returns (failures, locked_until) as stored."""
    table = PasscodeChallenge
    not_locked = or_(table.locked_until.is_(None), table.locked_until <= now)
    return db.session.execute(
        update(table).where(table.id == challenge_id)
        .values(failed_attempts=table.failed_attempts + 1,
                locked_until=case((and_(table.failed_attempts + 1 >= max_attempts, not_locked),
                                   now + timedelta(minutes=lock_minutes)),
                                  else_=table.locked_until))
        .returning(table.failed_attempts, table.locked_until)
        .execution_options(synchronize_session=False)).one()


def passcode_message(check: PasscodeCheck, label: str = "passcode") -> str:
    """The message shown next to the code field for a failed check."""
    if check.result is PasscodeResult.WRONG:
        return (f"That {label} is not correct. Check the latest email and try again "
                f"({check.attempts_left} {'try' if check.attempts_left == 1 else 'tries'} left).")
    if check.result is PasscodeResult.EXPIRED:
        return f"That {label} has expired. Select \"Didn't receive code? Resend it.\" to get a new one."
    if check.result is PasscodeResult.LOCKED:
        return (f"Too many wrong codes. For your security this is locked; "
                f"try again in {check.locked_minutes} minutes.")
    return f"There is no {label} waiting for you. Select \"Didn't receive code? Resend it.\" to get one."


def passcode_mail_body(code: str, minutes: int, why: str, link: str | None = None) -> str:
    lines = [f"Your ProviderDesk passcode is {code}", "",
             f"Enter it to {why}. It expires in {minutes} minutes and works once.",
             "If you did not ask for it, you can ignore this email."]
    if link:
        lines += ["", "To continue later, open:", link]
    return "\n".join(lines)


def discard_passcodes(subject: str) -> None:
    db.session.execute(delete(PasscodeChallenge).where(PasscodeChallenge.subject == subject))



def user_subject(user: User) -> str:
    return f"user:{user.id}"


def decoy_subject(email: str, *, secret_key: str) -> str:
    """The challenge subject for an address that must not be revealed (a keyed hash, no address)."""
    digest = hmac.new(secret_key.encode(), f"decoy:{email.strip().lower()}".encode(), hashlib.sha256).hexdigest()
    return f"email:{digest[:60]}"


def send_user_passcode(user: User, purpose: PasscodePurpose, why: str, *, settings: PasscodeSettings) -> None:
    """Issue a code for (purpose, user) and queue its mail (PasscodeLocked while locked)."""
    code = issue_passcode(purpose, user_subject(user), settings=settings)
    queue_mail(user.email, "Your ProviderDesk passcode", passcode_mail_body(code, settings.lifetime_minutes, why))
