"""Registration, access requests and their approval, creating credentials: plain functions.

The caller (a view) commits, then calls webapp.mailer.deliver_pending().
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select

from webapp.blueprints.account import sessions
from webapp.blueprints.account.links import make_link_token, use_link
from webapp.blueprints.account.passcodes import (PasscodeSettings, decoy_subject, discard_passcodes,
                                                 issue_passcode, send_user_passcode, user_subject)
from webapp.blueprints.account.passwords import change_password
from webapp.blueprints.account.questions import normalize_answer, security_questions_of, set_security_answers
from webapp.blueprints.auth.services import create_user, normalize_email
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.mailer import queue_mail, render_mail
from webapp.models import (AccessStatus, EmailLink, EmailLinkPurpose, PasscodeChallenge,
                           PasscodePurpose, Provider, ProviderAccess, Registration,
                           RegistrationStep, Role, SecurityAnswer, User, UserStatus)
from webapp.passwords import hash_password
from webapp.providers.access_requests import (active_administrator, request_access,  # noqa: F401
                                                        reviewer_description)
from webapp.providers.services import grant_access

TERMS_TEMPLATE = "registration/_terms_text.html"


@dataclass(frozen=True)
class RegistrationSettings:
    """What the registration and approval mails need, built once by the caller (route, command)
    from the app's config."""
    passcodes: PasscodeSettings
    secret_key: str  # signs the emailed links
    credentials_link_hours: int
    approval_link_days: int

    @classmethod
    def from_config(cls, config: Mapping) -> RegistrationSettings:
        return cls(passcodes=PasscodeSettings.from_config(config), secret_key=config["SECRET_KEY"],
                   credentials_link_hours=config["CREDENTIALS_LINK_HOURS"],
                   approval_link_days=config["APPROVAL_LINK_DAYS"])


def registration_subject(registration: Registration) -> str:
    return f"registration:{registration.id}"


def split_full_name(full_name: str) -> tuple[str, str]:
    """'Ana María de la Cruz' -> ('Ana María de la', 'Cruz'): the last word is the last name."""
    words = full_name.split()
    return " ".join(words[:-1]), words[-1]


# --- step 1: details ----------------------------------------------------------------------------

@dataclass
class StartResult:
    registration: Registration | None  # None: the address already has an account (not said)
    resumed: bool = False


def open_registration(email: str) -> Registration | None:
    """The unfinished, unexpired registration for this email, if any."""
    return db.session.scalar(select(Registration).where(
        Registration.email == normalize_email(email), Registration.submitted_at.is_(None),
        Registration.expires_at > utcnow_naive()))


def start_registration(*, full_name: str, office_address: str, mobile_phone: str, email: str,
                       position: str, lifetime_hours: int, settings: RegistrationSettings) -> StartResult:
    """Step 1. Mails a passcode (and a link to continue later) for a new registration.

    The same email cannot register twice: an existing account gets a "you already have an account"
    mail instead, and an unfinished registration is continued (a new passcode to the same address).
    The screen looks the same in every case, so it never tells whether an email is registered.
    """
    email = normalize_email(email)
    purge_expired_registrations()
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        send_existing_account_notice(email, settings=settings)
        return StartResult(None)
    registration = open_registration(email)
    resumed = registration is not None
    if registration is None:
        first, last = split_full_name(full_name)
        now = utcnow_naive()
        registration = Registration(
            email=email, first_name=first, last_name=last, office_address=office_address,
            mobile_phone=mobile_phone, position=position, step=RegistrationStep.VERIFY,
            created_at=now, expires_at=now + timedelta(hours=lifetime_hours))
        db.session.add(registration)
        db.session.flush()
    send_registration_passcode(registration, settings=settings)
    return StartResult(registration, resumed=resumed)


def send_existing_account_notice(email: str, *, settings: RegistrationSettings) -> None:
    """For an address that already has an account: a mail saying so, and a never-mailed code keyed
    by a hash of the address, so wrong tries count and lock exactly like a real registration's."""
    issue_passcode(PasscodePurpose.REGISTER, decoy_subject(email, secret_key=settings.passcodes.secret_key),
                   settings=settings.passcodes)
    queue_mail(email, "ProviderDesk registration", render_mail("mail/existing_account.txt"))


def send_registration_passcode(registration: Registration, *, settings: RegistrationSettings) -> None:
    """Mail a new passcode (PasscodeLocked while locked). The mail also has a link to continue."""
    code = issue_passcode(PasscodePurpose.REGISTER, registration_subject(registration), settings=settings.passcodes)
    remaining = registration.expires_at - utcnow_naive()
    token = make_link_token(EmailLinkPurpose.RESUME_REGISTRATION, remaining, secret_key=settings.secret_key,
                            registration_id=registration.id)
    queue_mail(registration.email, "Your ProviderDesk passcode",
               render_mail("mail/registration_passcode.txt", code=code, token=token,
                           minutes=settings.passcodes.lifetime_minutes))


def purge_expired_registrations() -> int:
    """Unfinished registrations past their lifetime are deleted with their codes and links."""
    expired = list(db.session.scalars(select(Registration.id).where(
        Registration.submitted_at.is_(None), Registration.expires_at <= utcnow_naive())))
    if not expired:
        return 0
    db.session.execute(delete(PasscodeChallenge).where(
        PasscodeChallenge.subject.in_([f"registration:{i}" for i in expired])))
    db.session.execute(delete(EmailLink).where(EmailLink.registration_id.in_(expired)))
    db.session.execute(delete(Registration).where(Registration.id.in_(expired)))
    return len(expired)


def mark_email_verified(registration: Registration) -> None:
    if registration.email_verified_at is None:
        registration.email_verified_at = utcnow_naive()
    if registration.step is RegistrationStep.VERIFY:
        registration.step = RegistrationStep.TERMS


def accept_terms(registration: Registration, version: str) -> None:
    registration.terms_accepted_at = utcnow_naive()
    registration.terms_version = version
    if registration.step is RegistrationStep.TERMS:
        registration.step = RegistrationStep.PROVIDER


def choose_provider(registration: Registration, provider: Provider, *, on_behalf: bool,
                    wants_administrator: bool = False) -> None:
    """Step 4: the provider, how the person registers (as the provider or on their behalf) and the
    role asked for. The identity is proved again for a new choice."""
    registration.provider = provider
    registration.on_behalf = on_behalf
    registration.wants_administrator = wants_administrator
    registration.replace_administrator = False
    registration.identity_proof = registration.identity_verified_at = None
    registration.step = RegistrationStep.IDENTITY


def asks_to_replace_administrator(provider: Provider, wants_administrator: bool) -> bool:
    """Asking to be the administrator of a provider that has one: replace it, or start over."""
    return wants_administrator and active_administrator(provider) is not None


def replace_current_administrator(registration: Registration) -> None:
    """"Replace current SAA": the current administrator must approve the request."""
    registration.replace_administrator = True


def start_over(registration: Registration) -> None:
    """"Cancel to start over": back to choosing the provider and the role."""
    registration.provider = None
    registration.wants_administrator = registration.replace_administrator = False
    registration.identity_proof = registration.identity_verified_at = None
    registration.step = RegistrationStep.PROVIDER


def record_identity(registration: Registration, method: str) -> None:
    """The provider's identity was proved (how, never the proof itself)."""
    registration.identity_proof = method
    registration.identity_verified_at = utcnow_naive()
    registration.step = RegistrationStep.REVIEW


def access_at_once(*, on_behalf: bool, replace_administrator: bool) -> bool:
    """The provider themselves, proved, gets access at once; on behalf of the provider someone
    approves; replacing an administrator needs that administrator's approval."""
    return not on_behalf and not replace_administrator


# --- step 6: submit -> access (at once) or an access request --------------------------------------

@dataclass
class Submitted:
    access: ProviderAccess
    credentials_link: EmailLink | None = None  # access at once: create the password right away


def submit_registration(registration: Registration, *, settings: RegistrationSettings) -> Submitted:
    """Create the pending user and either the access (the provider themselves, proved) with a
    link to create the credentials, or the access request and the mail to whoever approves it."""
    if registration.submitted_at is not None or registration.provider is None:
        raise ValueError("registration is not ready to submit")
    if registration.email_verified_at is None or registration.terms_accepted_at is None:
        raise ValueError("registration has not verified the email and accepted the terms")
    if registration.identity_verified_at is None:
        raise ValueError("the provider's identity has not been proved")
    user = create_user(email=registration.email, first_name=registration.first_name,
                       last_name=registration.last_name, role=Role.STAFF, status=UserStatus.PENDING,
                       position=registration.position, mobile_phone=registration.mobile_phone,
                       office_address=registration.office_address)
    user.terms_version, user.terms_accepted_at = registration.terms_version, registration.terms_accepted_at
    db.session.flush()
    provider = registration.provider
    link = None
    if access_at_once(on_behalf=registration.on_behalf, replace_administrator=registration.replace_administrator):
        access = grant_access(user, provider)
        access.on_behalf, access.identity_proof = False, registration.identity_proof
        access.wants_administrator = registration.wants_administrator
        if registration.wants_administrator:
            replace_provider_administrator(provider, user)
        link = _mail_credentials_link(user, "ProviderDesk: your access is ready", "mail/access_ready.txt",
                                      settings=settings, provider_name=provider.name)
    else:
        access = request_access(user, provider, on_behalf=registration.on_behalf,
                                wants_administrator=registration.wants_administrator,
                                replace_administrator=registration.replace_administrator,
                                identity_proof=registration.identity_proof,
                                approval_link_days=settings.approval_link_days, secret_key=settings.secret_key)
    registration.user = user
    registration.submitted_at = utcnow_naive()
    registration.step = RegistrationStep.SUBMITTED
    discard_passcodes(registration_subject(registration))
    return Submitted(access, link)


def _mail_credentials_link(user: User, subject: str, template: str, *, settings: RegistrationSettings,
                           **context) -> EmailLink:
    """Mail a single-use link to create the password and security questions; return its record."""
    hours = settings.credentials_link_hours
    token = make_link_token(EmailLinkPurpose.CREATE_CREDENTIALS, timedelta(hours=hours), secret_key=settings.secret_key,
                            user_id=user.id)
    link = db.session.scalar(select(EmailLink).where(EmailLink.user_id == user.id,
                                                     EmailLink.purpose == EmailLinkPurpose.CREATE_CREDENTIALS,
                                                     EmailLink.used_at.is_(None)).order_by(EmailLink.id.desc()))
    queue_mail(user.email, subject, render_mail(template, token=token, hours=hours, **context))
    return link


# --- "I need additional access" (a signed-in user) ------------------------------------------------

def in_collection(user: User, provider: Provider) -> bool:
    """Active or pending already: nothing to ask for."""
    return db.session.scalar(select(ProviderAccess.id).where(
        ProviderAccess.user_id == user.id, ProviderAccess.provider_id == provider.id,
        ProviderAccess.status.in_([AccessStatus.ACTIVE, AccessStatus.PENDING]))) is not None


def grant_additional_access(user: User, provider: Provider, *, wants_administrator: bool,
                            identity_proof: str) -> ProviderAccess:
    """The provider themselves, identity and security answers proved: access at once."""
    access = grant_access(user, provider)
    access.on_behalf, access.identity_proof = False, identity_proof
    access.wants_administrator = wants_administrator
    if wants_administrator:
        replace_provider_administrator(provider, user)
    return access


# --- approval -----------------------------------------------------------------------------------

def pending_requests_for(admin: User) -> list[ProviderAccess]:
    """Pending access requests of the providers `admin` administers (never anyone else's)."""
    return list(db.session.scalars(
        select(ProviderAccess).join(Provider, Provider.id == ProviderAccess.provider_id)
        .where(Provider.administrator_id == admin.id, ProviderAccess.status == AccessStatus.PENDING,
               ProviderAccess.user_id != admin.id)
        .order_by(ProviderAccess.requested_at)))


def pending_request_count(admin: User) -> int:
    return db.session.scalar(
        select(func.count(ProviderAccess.id)).join(Provider, Provider.id == ProviderAccess.provider_id)
        .where(Provider.administrator_id == admin.id, ProviderAccess.status == AccessStatus.PENDING,
               ProviderAccess.user_id != admin.id)) or 0


def office_users_for(admin: User) -> list[ProviderAccess]:
    """Active accesses of other users to the providers `admin` administers."""
    return list(db.session.scalars(
        select(ProviderAccess).join(Provider, Provider.id == ProviderAccess.provider_id)
        .where(Provider.administrator_id == admin.id, ProviderAccess.status == AccessStatus.ACTIVE,
               ProviderAccess.user_id != admin.id)
        .order_by(ProviderAccess.decided_at)))


def withdraw_access(access: ProviderAccess, *, by: User) -> None:
    """Take an active access back; the user's sessions end at once (they sign in again, seeing
    only what is still theirs)."""
    if access.status is not AccessStatus.ACTIVE:
        raise ValueError("only an active access can be withdrawn")
    access.status = AccessStatus.WITHDRAWN
    access.is_default = False
    access.decided_at = utcnow_naive()
    access.decided_by = by
    sessions.end_all(access.user)


def request_for_admin(admin: User, access_id: int) -> ProviderAccess | None:
    """One request, only if `admin` administers its provider (else None -> 404)."""
    return db.session.scalar(
        select(ProviderAccess).join(Provider, Provider.id == ProviderAccess.provider_id)
        .where(ProviderAccess.id == access_id, Provider.administrator_id == admin.id,
               ProviderAccess.user_id != admin.id))


def decide_access(access: ProviderAccess, *, approve: bool, decided_by: User | None,
                  reason: str | None = None, replace_administrator: bool = False,
                  settings: RegistrationSettings) -> None:
    """Approve or reject a pending request and mail the applicant the decision."""
    if access.status is not AccessStatus.PENDING:
        raise ValueError("this request was already decided")
    user, provider = access.user, access.provider
    reason = (reason or "").strip() or None
    if approve:
        grant_access(user, provider, decided_by=decided_by)
        access.decision_reason = reason
        # Asked for as "Replace current SAA" (the current one approves), or the administrator's own
        # choice, or the role asked for where the provider has no administrator.
        if replace_administrator or access.replace_administrator or (
                access.wants_administrator and active_administrator(provider) is None):
            replace_provider_administrator(provider, user)
    else:
        access.status = AccessStatus.REJECTED
        access.decided_at = utcnow_naive()
        access.decided_by = decided_by
        access.decision_reason = reason
    _mail_decision(access, approve, reason, settings=settings)


def replace_provider_administrator(provider: Provider, new_admin: User) -> None:
    """Explicit only: the new user becomes the provider's one Local Office Administrator."""
    old = provider.administrator
    provider.administrator = new_admin
    new_admin.role = Role.LOCAL_OFFICE_ADMIN
    db.session.flush()
    if old is not None and old.id != new_admin.id and old.is_local_office_admin:
        still_admin = db.session.scalar(select(Provider.id).where(Provider.administrator_id == old.id))
        if still_admin is None:
            old.role = Role.STAFF


def _mail_decision(access: ProviderAccess, approved: bool, reason: str | None, *,
                   settings: RegistrationSettings) -> None:
    user, provider = access.user, access.provider
    if not approved:
        queue_mail(user.email, "ProviderDesk: your access request was not approved",
                   render_mail("mail/access_rejected.txt", provider_name=provider.name, reason=reason))
    elif user.status is UserStatus.PENDING and user.password_hash is None:
        _mail_credentials_link(user, "ProviderDesk: your access was approved",
                               "mail/access_approved_credentials.txt", settings=settings,
                               provider_name=provider.name, reason=reason)
    else:
        queue_mail(user.email, "ProviderDesk: your access request was approved",
                   render_mail("mail/access_approved.txt", provider_name=provider.name, reason=reason))


# --- create credentials -------------------------------------------------------------------------

def send_credentials_passcode(user: User, purpose: PasscodePurpose = PasscodePurpose.CREDENTIALS,
                              why: str = "verify your identity and create your password", *,
                              settings: RegistrationSettings) -> None:
    send_user_passcode(user, purpose, why, settings=settings.passcodes)


def set_initial_password(user: User, password: str, history: int) -> None:
    """The first password (rules already checked; `history`: how many past passwords are kept).
    The account stays pending until questions are set."""
    change_password(user, password, history, sign_out_others=True)


def finish_credentials(user: User, link: EmailLink, questions: list[tuple[str, str]]) -> None:
    """Set the security questions, activate the account and use up the link."""
    if link.used_at is not None or link.user_id != user.id or not user.password_hash:
        raise ValueError("link already used or no password yet")
    set_security_answers(user, questions)
    user.status = UserStatus.ACTIVE
    use_link(link)
    discard_passcodes(user_subject(user))


DEMO_SECURITY_ANSWERS = [("first_pet", "Rex"), ("first_school", "Lincoln")]


def seed_demo_accounts(users: list[User]) -> None:
    """Demo users get two security questions (first pet: Rex, first school: Lincoln) so Forgot
    password can be tried; existing answers are kept (idempotent). The public demo answers are
    hashed once and shared, to keep seeding fast."""
    hashes = {}
    for user in users:
        if security_questions_of(user):
            continue
        for position, (question, answer) in enumerate(DEMO_SECURITY_ANSWERS, start=1):
            if question not in hashes:
                hashes[question] = hash_password(normalize_answer(answer))
            db.session.add(SecurityAnswer(user_id=user.id, question=question, position=position,
                                          answer_hash=hashes[question]))
