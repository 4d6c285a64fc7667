"""One app with the demo data and an owned record of every kind, built once per test module, and a
signed-in client per identity. Used by the access matrix and the fuzz test.

The owning organization is Sunrise; "other" is Harbor. Owned records sit in the Claims Inquiry
queue, which agent@plan.example holds and appeals@plan.example does not.
"""
from __future__ import annotations

import io
import shutil
from dataclasses import dataclass, field

from sqlalchemy import select

from tests.cases.helpers import new_case
from tests.conftest import DEMO_PASSWORD, make_config, sign_in
from webapp import create_app
from webapp.blueprints.auth.services import create_user, find_user_by_login
from webapp.blueprints.demo.services import seed_demo
from webapp.blueprints.providers.access_requests import request_access
from webapp.extensions import db
from webapp.models import (Claim, Member, MessageThread, Provider, ProviderAccess, Queue, ReplyTemplate, Role,
                           StoredFile, TrainingModule, UserStatus)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Identity -> demo login (None: anonymous). The access matrix has one column per identity, in this order.
IDENTITIES = {
    "anon": None,
    "staff": "staff@sunrise.example",        # staff of the owning organization
    "loa": "loa@sunrise.example",            # its Local Office Administrator
    "staff_other": "staff@harbor.example",   # another organization
    "loa_other": "loa@harbor.example",
    "agent": "agent@plan.example",           # holds the Claims Inquiry queue
    "agent_other": "appeals@plan.example",   # holds only Grievance and Appeals
    "supervisor": "supervisor@plan.example",
    "admin": "admin@plan.example",
}


@dataclass
class World:
    app: object
    clients: dict = field(default_factory=dict)
    args: dict = field(default_factory=dict)  # URL variable -> value of the owned record
    missing: dict = field(default_factory=dict)  # URL variable -> a value no record has

    def client(self, identity: str):
        return self.clients[identity]

    def resign_in(self, identity: str) -> None:
        login = IDENTITIES[identity]
        self.clients[identity] = self.app.test_client()
        if login:
            assert sign_in(self.clients[identity], login, DEMO_PASSWORD).status_code == 303


def build_world(tmp_path, migrated_database) -> World:
    database = tmp_path / "world.sqlite3"
    shutil.copyfile(migrated_database, database)
    app = create_app(make_config(tmp_path, database, SEARCH_LIVE_UPDATES=False, SEARCH_STARTUP_REPAIR=False,
                                 CASE_CREATE_LIMIT=10 ** 6, SIGN_IN_FAILURES_PER_ADDRESS=10 ** 6,
                                 RATE_LIMIT_PER_ADDRESS=10 ** 6, RATE_LIMIT_PER_EMAIL=10 ** 6))
    world = World(app)
    with app.app_context():
        seed_demo(DEMO_PASSWORD)
        case = new_case("staff@sunrise.example")  # a Claim case: Claims Inquiry queue
        assert case.queue.slug == "claims-inquiry"
        sunrise = db.session.scalar(select(Provider).where(Provider.npi == "1234567893"))
        applicant = create_user(email="applicant@example.com", first_name="Ann", last_name="Applicant",
                                role=Role.STAFF, status=UserStatus.PENDING)
        db.session.flush()
        pending = request_access(applicant, sunrise)
        staff = find_user_by_login("staff@sunrise.example")
        own_access = db.session.scalar(select(ProviderAccess).where(ProviderAccess.user_id == staff.id))
        claim = db.session.scalar(select(Claim).where(Claim.tax_id == "000123456").order_by(Claim.id))
        member = db.session.scalar(select(Member).where(Member.member_id.like("W1%")).order_by(Member.id)) \
            or db.session.scalar(select(Member).order_by(Member.id))
        queue = db.session.scalar(select(Queue).where(Queue.slug == "claims-inquiry"))
        template = db.session.scalar(select(ReplyTemplate).where(ReplyTemplate.queue_id == queue.id))
        db.session.commit()
        world.args.update(number=case.number, access_id=pending.id, claim_id=claim.id, member_pk=member.id,
                          slug="claims-inquiry", template_id=template.id, purpose="password",
                          token="not-a-real-token", filename="css/site.css")
        world.args["own_access_id"] = own_access.id
        world.args["page_number"] = 1
        # The office's own administrator: acting on themselves is refused with a notice (nothing changes).
        loa = find_user_by_login("loa@sunrise.example")
        world.args["user_id"] = loa.id
        applicant = find_user_by_login("lee.park@lakeside.example")  # the demo's Provider Services request
        world.args["provider_services_access_id"] = db.session.scalar(
            select(ProviderAccess.id).where(ProviderAccess.user_id == applicant.id))
        world.args["loa_access_id"] = db.session.scalar(select(ProviderAccess.id).where(ProviderAccess.user_id == loa.id))
        world.args["module_id"] = db.session.scalar(select(TrainingModule.id).where(TrainingModule.role == Role.STAFF))
        claim_number = claim.claim_number
    for identity in IDENTITIES:
        world.resign_in(identity)
    staff_client = world.client("staff")
    response = staff_client.post(f"/cases/{world.args['number']}/attach", content_type="multipart/form-data",
                                 data={"files": [(io.BytesIO(PDF), "eob.pdf")]})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    response = staff_client.post("/messages/new", content_type="multipart/form-data", data={
        "category": "claims", "subcategory": "claim-question", "claim_number": claim_number,
        "subject": "Why was this paid at this amount?", "body": "Please explain the payment."})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    with app.app_context():
        world.args["public_id"] = db.session.scalar(select(StoredFile.public_id).where(
            StoredFile.owner_kind == "case").order_by(StoredFile.id.desc()))
        thread = db.session.scalar(select(MessageThread).order_by(MessageThread.id.desc()))
        assert thread.queue.slug == "claims-inquiry"
        world.args["thread_id"] = thread.id
    world.missing = {"number": "ZZ-0000000", "access_id": 987654321, "claim_id": 987654321,
                     "member_pk": 987654321, "thread_id": 987654321, "template_id": 987654321,
                     "public_id": "0" * 32, "slug": "no-such-queue",
                     "page_number": 987654321, "module_id": 987654321, "user_id": 987654321}
    return world
