"""Demo data for a local run and the end-to-end tests. Idempotent: safe to run again."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from webapp.blueprints.auth.services import create_user, normalize_email
from webapp.blueprints.cases.services import seed_demo_cases
from webapp.blueprints.helpdesk.demo import SUPERVISOR_EMAIL, seed_demo_helpdesk
from webapp.blueprints.providers.services import create_provider, grant_access, provider_by_npi
from webapp.blueprints.messages.services import seed_demo_messages
from webapp.blueprints.queues.services import assign_agent, ensure_standard_queues
from webapp.blueprints.registration.services import seed_demo_accounts
from webapp.extensions import db
from webapp.models import Provider, ProviderKind, Role, User


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
HARBOR = dict(kind=ProviderKind.GROUP, name="Harbor Pediatrics", npi="1555555550", tax_id="000987654",
              address_line1="45 Harbor Street", city="New Haven", state="CT", postal_code="06510",
              phone="(203) 555-0187", email="office@harbor.example")

# (email, first, last, role, provider NPI or agent queue slugs, position)
DEMO_PEOPLE = [
    ("loa@sunrise.example", "Linda", "Okafor", Role.LOCAL_OFFICE_ADMIN, "1234567893", "Office Manager"),
    ("staff@sunrise.example", "Sam", "Rivera", Role.STAFF, "1234567893", "Billing Specialist"),
    ("loa@harbor.example", "Helen", "Park", Role.LOCAL_OFFICE_ADMIN, "1555555550", "Practice Administrator"),
    ("staff@harbor.example", "Tom", "Nguyen", Role.STAFF, "1555555550", "Front Desk Coordinator"),
    ("agent@plan.example", "Alex", "Morgan", Role.AGENT, ("provider-customer-service", "claims-inquiry"), None),
    ("appeals@plan.example", "Jordan", "Blake", Role.AGENT, ("grievance-and-appeals",), None),
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
    """Create (or keep) the demo organizations, users and queues; return the demo logins."""
    queues = ensure_standard_queues()
    sunrise = _ensure_provider(SUNRISE)
    _ensure_provider(MARIA_LOPEZ, group=sunrise)
    harbor = _ensure_provider(HARBOR)
    providers_by_npi = {p.npi: p for p in (sunrise, harbor)}
    db.session.flush()

    logins = []
    for email, first, last, role, works_for, position in DEMO_PEOPLE:
        user = _ensure_user(email, first, last, role, password, position)
        db.session.flush()
        if role in (Role.AGENT, Role.ADMIN):
            for slug in works_for:
                assign_agent(user, queues[slug])
            label = ", ".join(queues[slug].name for slug in works_for)
        else:
            provider = providers_by_npi[works_for]
            grant_access(user, provider)
            if role == Role.LOCAL_OFFICE_ADMIN and provider.administrator_id is None:
                provider.administrator = user
            label = provider.name
        logins.append(DemoLogin(email=email, role=role.label, works_for=label))
    seed_demo_accounts([_ensure_user(*person[:4], password, person[5]) for person in DEMO_PEOPLE])
    db.session.commit()
    seed_demo_cases()
    seed_demo_messages()  # members, claims, Message Center rules and saved replies
    seed_demo_helpdesk(password)  # service targets, help articles, a supervisor, threads, ratings
    if not any(login.email == SUPERVISOR_EMAIL for login in logins):
        logins.append(DemoLogin(email=SUPERVISOR_EMAIL, role="Supervisor", works_for="every queue"))
    return logins
