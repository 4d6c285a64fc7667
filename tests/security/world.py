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
from tests.conftest import DEMO_PASSWORD, make_config, share_compiled_templates, sign_in
from tests.submission.helpers import clean_values, load_members
from webapp import create_app
from webapp.blueprints.auth.services import create_user, find_user_by_login
from webapp.blueprints.claims.eligibility import eligibility_result, record_check
from webapp.blueprints.demo.services import seed_demo
from webapp.blueprints.helpdesk.inbox import Filters, save_view
from webapp.blueprints.referrals.services import save_about
from webapp.blueprints.submission.services import context_for, save_values, submit
from webapp.blueprints.submission.services import new_draft as new_claim_draft
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import (Article, Audience, Claim, Member, MessageThread, Payment, Provider, ProviderAccess, Queue,
                           Referral, ReferralStatus, ReplyTemplate, Role, StoredFile, TrainingModule, UserStatus)
from webapp.providers.access_requests import request_access

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
    app = share_compiled_templates(create_app(make_config(
        tmp_path, database, SEARCH_LIVE_UPDATES=False, SEARCH_STARTUP_REPAIR=False, CASE_CREATE_LIMIT=10 ** 6,
        SIGN_IN_FAILURES_PER_ADDRESS=10 ** 6, RATE_LIMIT_PER_ADDRESS=10 ** 6, RATE_LIMIT_PER_EMAIL=10 ** 6)))
    world = World(app)
    with app.app_context():
        seed_demo(DEMO_PASSWORD)
        db.session.commit()
        case = new_case("staff@sunrise.example")  # a Claim case: Claims Inquiry queue
        assert case.queue.slug == "claims-inquiry"
        sunrise = db.session.scalar(select(Provider).where(Provider.npi == "1234567893"))
        applicant = create_user(email="applicant@example.com", first_name="Ann", last_name="Applicant",
                                role=Role.STAFF, status=UserStatus.PENDING)
        db.session.flush()
        pending = request_access(applicant, sunrise, approval_link_days=app.config["APPROVAL_LINK_DAYS"],
                                 secret_key=app.config["SECRET_KEY"])
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
        loa = find_user_by_login("loa@sunrise.example")
        world.args["user_id"] = loa.id  # replaced by a new Sunrise user in each office.* cell
        applicant = find_user_by_login("lee.park@lakeside.example")  # the demo's Provider Services request
        world.args["provider_services_access_id"] = db.session.scalar(
            select(ProviderAccess.id).where(ProviderAccess.user_id == applicant.id))
        world.args["module_id"] = db.session.scalar(select(TrainingModule.id).where(TrainingModule.role == Role.STAFF))
        claim_number = claim.claim_number
        _merged_features(world, staff, sunrise)
        db.session.commit()
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
        world.args["item_id"] = thread.id  # rate and merge (kind "thread")
    world.missing = {"number": "ZZ-0000000", "access_id": 987654321, "claim_id": 987654321,
                     "member_pk": 987654321, "thread_id": 987654321, "template_id": 987654321,
                     "public_id": "0" * 32, "slug": "no-such-queue",
                     "page_number": 987654321, "module_id": 987654321, "user_id": 987654321,
                     "payment_id": 987654321, "check_id": 987654321, "view_id": 987654321, "item_id": 987654321,
                     "article_id": 987654321, "provider_id": 987654321, "referral_id": 987654321,
                     "service_id": 987654321, "draft_id": 987654321, "submission_id": 987654321}
    return world


def _merged_features(world: World, staff, sunrise) -> None:
    """Records of the helpdesk, claims (payments, eligibility), referrals and claim submission features,
    each owned by Sunrise (staff@sunrise) or, for a saved inbox view, by agent@plan.example."""
    today = utcnow_naive().date()
    world.args["payment_id"] = db.session.scalar(select(Payment.id).where(Payment.payee_tax_id == sunrise.tax_id)
                                                 .order_by(Payment.id))
    member = db.session.scalar(select(Member).where(Member.member_id == "C10000001"))
    check = record_check(staff, member, today, eligibility_result(member, today))
    world.args["check_id"] = check.id
    world.args["view_id"] = new_inbox_view(world)
    world.args["kind"] = "thread"  # rate and merge: the world's Claims Inquiry thread (item_id set below)
    world.args["article_id"] = db.session.scalar(select(Article.id).where(Article.audience == Audience.PUBLIC)
                                                 .order_by(Article.id))
    world.args["provider_id"] = sunrise.id
    pending = list(db.session.scalars(select(Referral).where(
        Referral.status == ReferralStatus.PENDING, Referral.created_by_id == staff.id).order_by(Referral.id)))
    assert len(pending) >= 2, "the demo has two pending Sunrise referrals"
    world.args["referral_id"], world.args["service_id"] = pending[0].id, pending[0].services[0].id
    world.args["void_referral_id"] = pending[1].id  # voided by the matrix: the others stay pending
    world.args["draft_id"] = new_referral_draft(staff)
    world.args["section"] = 1
    world.args["submission_id"] = new_claim_draft(staff).id
    # An accepted claim (the 837 is only there for one): the submission tests' clean claim for member S100.
    load_members()
    accepted = new_claim_draft(staff)
    save_values(accepted, clean_values(), staff)
    problems = submit(accepted, context_for(staff, today, 10 ** 4), utcnow_naive())
    assert problems == [], problems
    world.args["accepted_submission_id"] = accepted.id


def new_inbox_view(world: World) -> int:
    """A saved inbox view of agent@plan.example (the caller commits)."""
    agent = find_user_by_login("agent@plan.example")
    view, error = save_view(agent, f"Matrix view {len(world.args)}-{utcnow_naive():%H%M%S%f}", Filters.from_args({}))
    assert error is None, error
    db.session.flush()
    return view.id


def new_referral_draft(user) -> int:
    """Section 1 saved for a demo member of Sunrise: a draft only its author sees (the caller commits)."""
    model = db.session.scalar(select(Referral).where(Referral.created_by_id == user.id,
                                                     Referral.status == ReferralStatus.PENDING).order_by(Referral.id))
    draft, errors = save_about(user, None, referral_type=model.referral_type, member_pk=model.member_id,
                               member_zip=model.member_zip, today=utcnow_naive().date())
    assert not errors, errors
    db.session.flush()
    return draft.id
