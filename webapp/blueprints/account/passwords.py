"""Password rules (listed by name), the common-password list, reuse of the last N, rotation."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from sqlalchemy import delete, select

from webapp.blueprints.account import sessions
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import PasswordHistory, User
from webapp.passwords import hash_password, verify_password

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



def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow_naive()
