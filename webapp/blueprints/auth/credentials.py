"""Credentials rules shared by registration, profile and sign-in: plain functions, no request.

- Emailed passcodes: 6 digits from `secrets`, stored as an HMAC only, single use, expiring;
  resending replaces the code but keeps the count of wrong tries; too many wrong tries lock.
- Emailed links: signed (itsdangerous), expiring and single use (a hash of their secret is kept).
- Password rules (listed by name), the common-password list, reuse of the last N, rotation.
- Security questions with answers hashed after normalising case and spaces.
"""
from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select

from webapp.blueprints.account import sessions
from webapp.blueprints.auth.services import set_password
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import (EmailLink, EmailLinkPurpose, PasscodeChallenge, PasscodePurpose,
                           PasswordHistory, SecurityAnswer, User)
from webapp.passwords import hash_password, verify_password

PASSCODE_DIGITS = 6


# --- passcodes ----------------------------------------------------------------------------------

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


def _code_hash(challenge_key: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{challenge_key}:{code}".encode(), hashlib.sha256).hexdigest()


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


def issue_passcode(purpose: PasscodePurpose, subject: str) -> str:
    """Create or replace the code for (purpose, subject); return the plain code to mail.

    The count of wrong tries survives a resend; a locked challenge refuses (PasscodeLocked).
    The caller commits (together with the mail that carries the code).
    """
    now = utcnow_naive()
    config = current_app.config
    challenge = _challenge(purpose, subject)
    if challenge is None:
        challenge = PasscodeChallenge(purpose=purpose, subject=subject, failed_attempts=0, sends=0)
        db.session.add(challenge)
    elif challenge.locked_until and challenge.locked_until > now:
        raise PasscodeLocked(_minutes_until(challenge.locked_until, now))
    elif challenge.locked_until:  # the lock has run out: a fresh start
        challenge.locked_until, challenge.failed_attempts = None, 0
    code = f"{secrets.randbelow(10 ** PASSCODE_DIGITS):0{PASSCODE_DIGITS}d}"
    challenge.code_hash = _code_hash(f"{purpose.value}:{subject}", code)
    challenge.created_at = now
    challenge.expires_at = now + timedelta(minutes=config["PASSCODE_TTL_MINUTES"])
    challenge.used_at = None
    challenge.sends = (challenge.sends or 0) + 1
    return code


def check_passcode(purpose: PasscodePurpose, subject: str, code: str) -> PasscodeCheck:
    """Check a typed code; a right one is used up. The caller commits (failures must be kept)."""
    now = utcnow_naive()
    config = current_app.config
    max_attempts = config["PASSCODE_MAX_ATTEMPTS"]
    challenge = _challenge(purpose, subject)
    if challenge is None or challenge.used_at is not None:
        return PasscodeCheck(PasscodeResult.MISSING)
    if challenge.locked_until and challenge.locked_until > now:
        return PasscodeCheck(PasscodeResult.LOCKED, locked_minutes=_minutes_until(challenge.locked_until, now))
    typed = re.sub(r"\s", "", code or "")
    expected = challenge.code_hash
    if not hmac.compare_digest(_code_hash(f"{purpose.value}:{subject}", typed), expected):
        challenge.failed_attempts += 1
        if challenge.failed_attempts >= max_attempts:
            challenge.locked_until = now + timedelta(minutes=config["PASSCODE_LOCK_MINUTES"])
            return PasscodeCheck(PasscodeResult.LOCKED, locked_minutes=config["PASSCODE_LOCK_MINUTES"])
        return PasscodeCheck(PasscodeResult.WRONG, attempts_left=max_attempts - challenge.failed_attempts)
    if challenge.expires_at <= now:
        return PasscodeCheck(PasscodeResult.EXPIRED)
    challenge.used_at = now
    challenge.failed_attempts = 0
    return PasscodeCheck(PasscodeResult.OK)


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


# --- emailed links ------------------------------------------------------------------------------

class LinkError(Exception):
    """The link is not valid: bad signature, unknown, expired or already used (`reason`)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _serializer(purpose: EmailLinkPurpose) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"email-link:{purpose.value}")


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def make_link_token(purpose: EmailLinkPurpose, lifetime: timedelta, **refs) -> str:
    """Add an EmailLink (the caller commits) and return the signed token for its URL."""
    secret = secrets.token_urlsafe(24)
    link = EmailLink(purpose=purpose, secret_hash=_secret_hash(secret),
                     expires_at=utcnow_naive() + lifetime, **refs)
    db.session.add(link)
    db.session.flush()
    return _serializer(purpose).dumps([link.id, secret])


def open_link(token: str, purpose: EmailLinkPurpose) -> EmailLink:
    """The link behind `token`, if signed, known, unexpired and unused; else LinkError."""
    try:
        link_id, secret = _serializer(purpose).loads(token)
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


def public_url(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"] + path


# --- passwords ----------------------------------------------------------------------------------

COMMON_PASSWORDS_FILE = Path(__file__).resolve().parents[2] / "data" / "common-passwords.txt"
_LOOKALIKES = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s",
                             "5": "s", "7": "t", "+": "t"})

RULE_LENGTH = "At least {n} characters"
RULE_DIGIT = "At least one number (0-9)"
RULE_SYMBOL = "At least one symbol (!, @, #, $, %, *, etc.)"
RULE_UPPER = "At least one uppercase letter (A-Z)"
RULE_LOWER = "At least one lowercase letter (a-z)"
RULE_COMMON = "Not a common or easily guessed password"


def password_rules(min_length: int) -> list[str]:
    return [RULE_LENGTH.format(n=min_length), RULE_DIGIT, RULE_SYMBOL, RULE_UPPER, RULE_LOWER, RULE_COMMON]


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def is_common_password(password: str) -> bool:
    """On the list as typed, or a listed word dressed up with digits/symbols or look-alikes."""
    words = common_passwords()
    lowered = password.lower()
    if lowered in words:
        return True
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", lowered)  # "Password123!" -> "password"
    if core in words:
        return True
    unleeted = lowered.translate(_LOOKALIKES)
    return unleeted in words or re.sub(r"^[\W\d_]+|[\W\d_]+$", "", unleeted) in words \
        or re.sub(r"[\W\d_]+$", "", lowered).translate(_LOOKALIKES) in words


def password_problems(password: str, min_length: int, personal: tuple[str, ...] = ()) -> list[str]:
    """The rules `password` does not meet, by name (empty list: acceptable)."""
    password = password or ""
    problems = []
    if len(password) < min_length:
        problems.append(RULE_LENGTH.format(n=min_length))
    if not re.search(r"[0-9]", password):
        problems.append(RULE_DIGIT)
    if not re.search(r"[^A-Za-z0-9\s]", password):
        problems.append(RULE_SYMBOL)
    if not re.search(r"[A-Z]", password):
        problems.append(RULE_UPPER)
    if not re.search(r"[a-z]", password):
        problems.append(RULE_LOWER)
    lowered = password.lower()
    if password and (is_common_password(password)
                     or any(p and len(p) >= 4 and p.lower() in lowered for p in personal)):
        problems.append(RULE_COMMON)
    return problems


def password_reused(user: User, password: str, history: int) -> bool:
    """True when `password` is the current one or one of the user's last `history` passwords."""
    if history <= 0:
        return False
    hashes = []
    if user.password_hash:
        hashes.append(user.password_hash)
    if user.id is not None:
        hashes += list(db.session.scalars(
            select(PasswordHistory.password_hash).where(PasswordHistory.user_id == user.id)
            .order_by(PasswordHistory.id.desc()).limit(history)))
    return any(verify_password(h, password) for h in hashes[:history])


def change_password(user: User, password: str, history: int, *, sign_out_others: bool = True) -> None:
    """Set a new password (rules already checked), keep the old hash in the history, and by
    default end every other session. The caller commits."""
    if user.password_hash:
        db.session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash))
    set_password(user, password)
    db.session.flush()
    keep = max(history, 1)
    old_ids = list(db.session.scalars(
        select(PasswordHistory.id).where(PasswordHistory.user_id == user.id)
        .order_by(PasswordHistory.id.desc()).offset(keep)))
    if old_ids:
        db.session.execute(delete(PasswordHistory).where(PasswordHistory.id.in_(old_ids)))
    if sign_out_others:
        sessions.end_others(user, user.session_secret)  # the user's own current session stays


def password_expired(user: User, max_age_days: int, now: datetime | None = None) -> bool:
    """Rotation: the password is older than `max_age_days` (0 turns rotation off)."""
    if max_age_days <= 0 or user.password_changed_at is None:
        return False
    return (now or utcnow_naive()) - user.password_changed_at >= timedelta(days=max_age_days)


# --- security questions -------------------------------------------------------------------------

SECURITY_QUESTIONS = {
    "first_street": "What was the name of the street you grew up on?",
    "first_school": "What was the name of your first school?",
    "first_pet": "What was the name of your first pet?",
    "mother_city": "In what city was your mother born?",
    "first_job": "What was your first job?",
    "favorite_teacher": "What was the last name of your favorite teacher?",
    "first_car": "What was the make of your first car?",
    "childhood_friend": "What is the first name of your childhood best friend?",
}


def normalize_answer(answer: str) -> str:
    """Case and spacing do not matter: '  New   York ' == 'new york'."""
    return " ".join((answer or "").split()).casefold()


def set_security_answers(user: User, pairs: list[tuple[str, str]]) -> None:
    """Replace the user's questions with `pairs` [(question key, answer), ...]. Caller commits."""
    keys = [q for q, _ in pairs]
    if len(set(keys)) != len(keys) or any(q not in SECURITY_QUESTIONS for q in keys):
        raise ValueError("choose different questions from the list")
    if any(not normalize_answer(a) for _, a in pairs):
        raise ValueError("every question needs an answer")
    db.session.execute(delete(SecurityAnswer).where(SecurityAnswer.user_id == user.id))
    for position, (question, answer) in enumerate(pairs, start=1):
        db.session.add(SecurityAnswer(user_id=user.id, question=question, position=position,
                                      answer_hash=hash_password(normalize_answer(answer))))


def security_questions_of(user: User) -> list[SecurityAnswer]:
    return list(db.session.scalars(select(SecurityAnswer).where(SecurityAnswer.user_id == user.id)
                                   .order_by(SecurityAnswer.position)))


def check_security_answer(user: User, question: str, answer: str) -> bool:
    row = db.session.scalar(select(SecurityAnswer).where(
        SecurityAnswer.user_id == user.id, SecurityAnswer.question == question))
    normalized = normalize_answer(answer)
    if row is None:
        verify_password(None, normalized)  # same work either way
        return False
    return verify_password(row.answer_hash, normalized)
