"""Asking for access to a provider (registration step 5, My Collections > Add provider) and
telling whoever approves it. Plain functions; the caller commits, then delivers the mail."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from webapp.blueprints.account.links import make_link_token
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.mailer import queue_mail, render_mail
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


def request_access(user: User, provider: Provider, *, on_behalf: bool = True, wants_administrator: bool = False,
                   replace_administrator: bool = False, identity_proof: str | None = None,
                   approval_link_days: int, secret_key: str) -> ProviderAccess:
    """A pending ProviderAccess for `provider`, announced to its approver (also My Collections).
    `identity_proof` says how the applicant proved the provider's identity (never the proof); a
    provider approving by emailed link gets one valid `approval_link_days`, signed with `secret_key`."""
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
    access.on_behalf, access.identity_proof = on_behalf, identity_proof
    access.wants_administrator = wants_administrator or replace_administrator
    access.replace_administrator = replace_administrator
    db.session.flush()
    notify_approver(access, on_behalf=on_behalf, approval_link_days=approval_link_days, secret_key=secret_key)
    return access


def notify_approver(access: ProviderAccess, *, on_behalf: bool = True, approval_link_days: int,
                    secret_key: str) -> None:
    """The provider's administrator reviews; without one, the provider by the emailed link (to the
    address on file); without either, Provider Services (its queue, no mail)."""
    provider = access.provider
    who = "on behalf of the provider" if on_behalf else "as the provider"
    admin = active_administrator(provider)
    if admin is not None:
        queue_mail(admin.email, "ProviderDesk: a new access request is waiting",
                   render_mail("mail/access_request_admin.txt", provider_name=provider.name, who=who,
                               access_id=access.id, replace=access.replace_administrator))
    elif provider.email:
        token = make_link_token(EmailLinkPurpose.APPROVE_ACCESS, timedelta(days=approval_link_days),
                                secret_key=secret_key, access_id=access.id)
        queue_mail(provider.email, "ProviderDesk: please approve or reject an access request",
                   render_mail("mail/access_request_provider.txt", applicant=access.user.full_name,
                               provider_name=provider.name, who=who, token=token))
