"""The office's users as its Local Office Administrator sees and manages them (the plan's
administrator manages every office's the same way). Plain functions; the
caller commits. Withdrawing access and disabling an account both end the user's server-side sessions
at once (account/sessions), so an open browser of theirs is signed out on its next request."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from webapp.blueprints.account import sessions
from webapp.blueprints.account.links import make_link_token, retire_links
from webapp.blueprints.registration.services import RegistrationSettings, decide_access
from webapp.blueprints.training import services as training
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.mailer import queue_mail, render_mail
from webapp.models import (AccessStatus, EmailLinkPurpose, Provider, ProviderAccess, User, UserStatus)


def administered_provider_ids(administrator: User) -> list[int]:
    return list(db.session.scalars(training.administered_providers(administrator)))


@dataclass(frozen=True)
class OfficeUser:
    user: User
    accesses: list[ProviderAccess]  # active accesses to this office's providers
    training: training.TrainingStatus

    @property
    def invited(self) -> bool:
        """Approved but has not created a password yet."""
        return self.user.status is UserStatus.PENDING and self.user.password_hash is None

    @property
    def status_label(self) -> str:
        if self.invited:
            return "Invitation sent"
        return self.user.status.value.capitalize()


def office_user_rows(administrator: User, valid_days: int, now: datetime | None = None) -> list[OfficeUser]:
    provider_ids = administered_provider_ids(administrator)
    rows = []
    for user in training.office_users(administrator):
        accesses = list(db.session.scalars(select(ProviderAccess).where(
            ProviderAccess.user_id == user.id, ProviderAccess.provider_id.in_(provider_ids),
            ProviderAccess.status == AccessStatus.ACTIVE)))
        rows.append(OfficeUser(user, accesses, training.status_of(user, valid_days, now)))
    return rows


def office_user(administrator: User, user_id: int) -> User | None:
    """A user of this administrator's office (active access to one of its providers), else None."""
    return db.session.scalar(select(User).join(ProviderAccess, ProviderAccess.user_id == User.id).where(
        User.id == user_id, ProviderAccess.provider_id.in_(administered_provider_ids(administrator)),
        ProviderAccess.status == AccessStatus.ACTIVE).limit(1))


def office_access(administrator: User, user_id: int, access_id: int) -> ProviderAccess | None:
    return db.session.scalar(select(ProviderAccess).where(
        ProviderAccess.id == access_id, ProviderAccess.user_id == user_id,
        ProviderAccess.provider_id.in_(administered_provider_ids(administrator)),
        ProviderAccess.status == AccessStatus.ACTIVE))


def withdraw_access(access: ProviderAccess, *, by: User, now: datetime | None = None) -> int:
    """The user no longer acts for this provider; returns the number of their sessions ended."""
    access.status = AccessStatus.WITHDRAWN
    access.decided_at, access.decided_by_id = now or utcnow_naive(), by.id
    if access.is_default:
        access.is_default = False
        other = db.session.scalar(select(ProviderAccess).where(
            ProviderAccess.user_id == access.user_id, ProviderAccess.id != access.id,
            ProviderAccess.status == AccessStatus.ACTIVE).order_by(ProviderAccess.id).limit(1))
        if other is not None:
            other.is_default = True
    return sessions.end_all(db.session.get(User, access.user_id))


def disable_account(user: User) -> int:
    user.status = UserStatus.DISABLED
    return sessions.end_all(user)


def enable_account(user: User) -> None:
    user.status = UserStatus.ACTIVE if user.password_hash else UserStatus.PENDING


def resend_invitation(user: User, provider: Provider, link_hours: int, *, by: User, secret_key: str) -> None:
    """A new single-use link, valid `link_hours`, to create a password and security questions; the
    links sent before stop working."""
    retire_links(EmailLinkPurpose.CREATE_CREDENTIALS, user.id)
    token = make_link_token(EmailLinkPurpose.CREATE_CREDENTIALS, timedelta(hours=link_hours), secret_key=secret_key,
                            user_id=user.id)
    inviter = "The health plan's portal administrator" if by.is_admin else f"{provider.name}'s administrator"
    queue_mail(user.email, "ProviderDesk: your invitation",
               render_mail("mail/invitation_again.txt", inviter=inviter, provider_name=provider.name,
                           link_hours=link_hours, token=token))


# --- Provider Services: requests nobody else can approve -------------------------------------------

PROVIDER_SERVICES_QUEUE = ("provider-services", "Provider Services")


def _no_approver():
    """Providers with neither an active administrator nor an email on file."""
    active_admin = select(User.id).where(User.id == Provider.administrator_id,
                                         User.status == UserStatus.ACTIVE).exists()
    return (~active_admin) & ((Provider.email.is_(None)) | (Provider.email == ""))


def provider_services_requests() -> list[ProviderAccess]:
    return list(db.session.scalars(
        select(ProviderAccess).join(Provider, Provider.id == ProviderAccess.provider_id)
        .where(ProviderAccess.status == AccessStatus.PENDING, _no_approver())
        .order_by(ProviderAccess.requested_at)))


def provider_services_request(access_id: int) -> ProviderAccess | None:
    return db.session.scalar(
        select(ProviderAccess).join(Provider, Provider.id == ProviderAccess.provider_id)
        .where(ProviderAccess.id == access_id, ProviderAccess.status == AccessStatus.PENDING, _no_approver()))


def holds_provider_services(user: User) -> bool:
    return user.reads_all_queues or any(q.slug == PROVIDER_SERVICES_QUEUE[0] for q in user.queues)


def decide_by_phone(access: ProviderAccess, *, agent: User, approve: bool, note: str,
                    settings: RegistrationSettings) -> None:
    """Approve (after a phone check with the provider) or reject; the note stays internal."""
    decide_access(access, approve=approve, decided_by=agent, reason=None, settings=settings)
    access.staff_note = note.strip()[:500]
