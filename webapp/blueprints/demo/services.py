"""Demo data for a local run and the end-to-end tests. Idempotent: safe to run again."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from webapp.blueprints.auth.services import create_user, normalize_email
from webapp.blueprints.demo.cases import seed_demo_cases
from webapp.blueprints.demo.messages import seed_demo_messages
from webapp.blueprints.helpdesk.demo import SUPERVISOR_EMAIL, seed_demo_helpdesk
from webapp.blueprints.office.services import PROVIDER_SERVICES_QUEUE
from webapp.blueprints.referrals.services import UM_QUEUE, seed_demo_referrals
from webapp.blueprints.registration.services import seed_demo_accounts
from webapp.blueprints.training.services import demo_pass
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import Provider, ProviderKind, Role, User, UserStatus
from webapp.providers.access_requests import request_access
from webapp.providers.identity import identity_hash_key, set_ssn_last4
from webapp.providers.services import create_provider, grant_access, provider_by_npi
from webapp.queues.services import assign_agent, ensure_queue, ensure_standard_queues


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    works_for: str


SUNRISE = dict(kind=ProviderKind.GROUP, name="Sunrise Family Medical Group", npi="1234567893",
               tax_id="000123456", address_line1="1200 Sunrise Boulevard", address_line2="Suite 300",
               city="Hartford", state="CT", postal_code="06103", phone="(860) 555-0142",
               email="office@sunrise.example")
MARIA_LOPEZ = dict(kind=ProviderKind.PRACTITIONER, name="Maria Lopez, MD", first_name="Maria",
                   last_name="Lopez", npi="1987654328", tax_id="000123456",
                   address_line1="1200 Sunrise Boulevard", address_line2="Suite 300", city="Hartford",
                   state="CT", postal_code="06103", phone="(860) 555-0143",
                   email="mlopez@sunrise.example")
# The demo proof of Maria Lopez's identity (README): only its keyed hash is stored, as for real data.
DEMO_SSN_LAST4 = {MARIA_LOPEZ["npi"]: "6789"}
# No administrator and no email on file: its access requests go to Provider Services.
LAKESIDE = dict(kind=ProviderKind.GROUP, name="Lakeside Family Practice", npi="1444444446", tax_id="000555111",
                address_line1="9 Lake Road", city="Waterbury", state="CT", postal_code="06702",
                phone="(203) 555-0177")
HARBOR = dict(kind=ProviderKind.GROUP, name="Harbor Pediatrics", npi="1555555550", tax_id="000987654",
              address_line1="45 Harbor Street", city="New Haven", state="CT", postal_code="06510",
              phone="(203) 555-0187", email="office@harbor.example")

# (email, first, last, role, provider NPI or agent queue slugs, position)
DEMO_PEOPLE = [
    ("loa@sunrise.example", "Linda", "Okafor", Role.LOCAL_OFFICE_ADMIN, "1234567893", "Office Manager"),
    ("staff@sunrise.example", "Sam", "Rivera", Role.STAFF, "1234567893", "Billing Specialist"),
    ("loa@harbor.example", "Helen", "Park", Role.LOCAL_OFFICE_ADMIN, "1555555550", "Practice Administrator"),
    ("staff@harbor.example", "Tom", "Nguyen", Role.STAFF, "1555555550", "Front Desk Coordinator"),
    ("agent@plan.example", "Alex", "Morgan", Role.AGENT, ("provider-customer-service", "claims-inquiry",
                                                          "provider-services"), None),
    ("appeals@plan.example", "Jordan", "Blake", Role.AGENT, ("grievance-and-appeals",), None),
    ("supervisor@plan.example", "Riley", "Chen", Role.SUPERVISOR, (), None),  # reads every queue
    ("admin@plan.example", "Casey", "Adams", Role.ADMIN, (), None),
    ("um@plan.example", "Dana", "Patel", Role.AGENT, (UM_QUEUE[0],), None),
]


def _ensure_provider(details: dict, group: Provider | None = None) -> Provider:
    provider = provider_by_npi(details["npi"])
    if provider is None:
        provider = create_provider(**details, group=group)
    return provider


def _ensure_user(email: str, first: str, last: str, role: Role, password: str, position) -> User:
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        user = create_user(email=email, first_name=first, last_name=last, role=role,
                           password=password, position=position)
    return user


def seed_demo(password: str) -> list[DemoLogin]:
    """Create (or keep) the demo organizations, users and queues; return the demo logins. The caller
    commits."""
    queues = ensure_standard_queues()
    queues[UM_QUEUE[0]] = ensure_queue(*UM_QUEUE)
    queues[PROVIDER_SERVICES_QUEUE[0]] = ensure_queue(*PROVIDER_SERVICES_QUEUE)
    sunrise = _ensure_provider(SUNRISE)
    maria = _ensure_provider(MARIA_LOPEZ, group=sunrise)
    # Again each time: the key may have changed.
    set_ssn_last4(maria, DEMO_SSN_LAST4[maria.npi], hash_key=identity_hash_key(current_app.config))
    harbor = _ensure_provider(HARBOR)
    providers_by_npi = {p.npi: p for p in (sunrise, harbor)}
    db.session.flush()

    logins = []
    for email, first, last, role, works_for, position in DEMO_PEOPLE:
        user = _ensure_user(email, first, last, role, password, position)
        db.session.flush()
        if user.is_agent:
            for slug in works_for:
                assign_agent(user, queues[slug])
            label = ", ".join(queues[slug].name for slug in works_for) or "All queues"
        else:
            provider = providers_by_npi[works_for]
            grant_access(user, provider)
            if role == Role.LOCAL_OFFICE_ADMIN and provider.administrator_id is None:
                provider.administrator = user
            label = provider.name
        logins.append(DemoLogin(email=email, role=role.label, works_for=label))
    seed_demo_accounts([_ensure_user(*person[:4], password, person[5]) for person in DEMO_PEOPLE])
    for person in DEMO_PEOPLE:  # every demo user has passed training; staff@sunrise is due in 25 days
        user = _ensure_user(*person[:4], password, person[5])
        demo_pass(user, utcnow_naive(), days_ago=340 if person[0] == "staff@sunrise.example" else 40)
        if user.terms_version is None:  # accepted the terms in force when seeded
            user.terms_version, user.terms_accepted_at = current_app.config["TERMS_VERSION"], utcnow_naive()
    _seed_provider_services_request()
    seed_demo_cases(current_app.config["UPLOAD_DIR"])
    seed_demo_messages()  # members, claims, Message Center rules and saved replies
    seed_demo_referrals(utcnow_naive().date(), current_app.config.get("REFERRAL_VALID_DAYS", 180))
    db.session.flush()
    seed_demo_helpdesk(password)  # service targets, help articles, a supervisor, threads, ratings
    if not any(login.email == SUPERVISOR_EMAIL for login in logins):
        logins.append(DemoLogin(email=SUPERVISOR_EMAIL, role="Supervisor", works_for="every queue"))
    return logins


def _seed_provider_services_request() -> None:
    """One request waiting in Provider Services (idempotent)."""
    lakeside = _ensure_provider(LAKESIDE)
    if db.session.scalar(select(User.id).where(User.email == "lee.park@lakeside.example")) is None:
        applicant = create_user(email="lee.park@lakeside.example", first_name="Lee", last_name="Park",
                                role=Role.STAFF, status=UserStatus.PENDING, position="Office Manager",
                                mobile_phone="203.555.0188")
        db.session.flush()
        request_access(applicant, lakeside, approval_link_days=current_app.config["APPROVAL_LINK_DAYS"],
                       secret_key=current_app.config["SECRET_KEY"])
