"""Asking for access to a provider (registration step 5, My Collections > Add provider) and
telling whoever approves it. Plain functions; the caller commits, then delivers the mail."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from webapp.blueprints.account.links import make_link_token, public_url
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.mailer import queue_mail
from webapp.models import AccessStatus, EmailLinkPurpose, Provider, ProviderAccess, User, UserStatus


def active_administrator(provider: Provider) -> User | None:
    admin = provider.administrator
    return admin if admin is not None and admin.status is UserStatus.ACTIVE else None


def reviewer_description(provider: Provider) -> str:
    if active_administrator(provider):
        return f"the Local Office Administrator of {provider.name}"
    if provider.email:
        return f"{provider.name}, by email to the address the health plan has on file"
    return "the health plan's Provider Services team"


def request_access(user: User, provider: Provider, *, on_behalf: bool = True) -> ProviderAccess:
    """A pending ProviderAccess for `provider`, announced to its approver (also My Collections)."""
    access = db.session.scalar(select(ProviderAccess).where(
        ProviderAccess.user_id == user.id, ProviderAccess.provider_id == provider.id))
    if access is not None and access.status is AccessStatus.ACTIVE:
        raise ValueError("already active")
    if access is None:
        access = ProviderAccess(user=user, provider=provider, status=AccessStatus.PENDING)
        db.session.add(access)
    access.status = AccessStatus.PENDING
    access.requested_at = utcnow_naive()
    access.decided_at = access.decided_by = access.decision_reason = None
    db.session.flush()
    notify_approver(access, on_behalf=on_behalf)
    return access


def notify_approver(access: ProviderAccess, *, on_behalf: bool = True) -> None:
    provider = access.provider
    who = "on behalf of the provider" if on_behalf else "as the provider"
    admin = active_administrator(provider)
    if admin is not None:
        queue_mail(admin.email, "ProviderDesk: a new access request is waiting",
                   f"You have a new access request to review for {provider.name} ({who}).\n"
                   f"Review it here: {public_url(f'/access-requests/{access.id}')}")
    elif provider.email:
        token = make_link_token(EmailLinkPurpose.APPROVE_ACCESS,
                                timedelta(days=current_app.config["APPROVAL_LINK_DAYS"]), access_id=access.id)
        queue_mail(provider.email, "ProviderDesk: please approve or reject an access request",
                   f"{access.user.full_name} asked for access to ProviderDesk for {provider.name} "
                   f"(registering {who}).\nApprove or reject the request here: "
                   f"{public_url(f'/access-requests/decide/{token}')}\n"
                   "If you do not know this person, reject the request.")
