"""Accounts and signing in: plain functions, no request objects (unit-tested directly)."""
from __future__ import annotations

import secrets

from sqlalchemy import func, select

from webapp.blueprints.account import sessions
from webapp.blueprints.account.passwords import set_password
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import Role, User, UserStatus
from webapp.passwords import verify_password

USER_CODE_PREFIX = "ZCS"


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def new_user_code() -> str:
    """A unique system User ID: ZCS + 5 digits, never reused (unique constraint backs it)."""
    for _ in range(100):
        code = f"{USER_CODE_PREFIX}{secrets.randbelow(100000):05d}"
        if db.session.scalar(select(User.id).where(User.user_code == code)) is None:
            return code
    raise RuntimeError("no free User ID found")  # 100k codes: far beyond this portal's users


def create_user(*, email: str, first_name: str, last_name: str, role: Role,
                password: str | None = None, status: UserStatus = UserStatus.ACTIVE,
                **profile) -> User:
    """Add a user to the session (the caller commits)."""
    user = User(
        user_code=new_user_code(),
        email=normalize_email(email),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=role,
        status=status,
        **profile,
    )
    if password is not None:
        set_password(user, password)
    db.session.add(user)
    return user


def find_user_by_login(login: str) -> User | None:
    """Users sign in with their email or their User ID (ZCS12345), either case."""
    login = (login or "").strip()
    if not login:
        return None
    if "@" in login:
        return db.session.scalar(select(User).where(User.email == normalize_email(login)))
    return db.session.scalar(select(User).where(func.upper(User.user_code) == login.upper()))


def authenticate(login: str, password: str) -> User | None:
    """The user when the login and password match an active account; None otherwise.

    The caller shows one message for every failure, so it never tells which part was wrong.
    """
    user = find_user_by_login(login)
    if not verify_password(user.password_hash if user else None, password or ""):
        return None
    if user.status != UserStatus.ACTIVE:
        return None
    return user


def mark_signed_in(user: User) -> None:
    user.last_sign_in_at = utcnow_naive()


def sign_out_everywhere(user: User) -> None:
    """End every session of this user (each is a server-side row)."""
    sessions.end_all(user)
