"""Demo data: a referral directory and referrals in every status, seeded idempotently."""
from sqlalchemy import func, select

from tests.conftest import DEMO_PASSWORD
from webapp.blueprints.demo.services import seed_demo
from webapp.extensions import db
from webapp.models import NetworkProvider, Referral, ReferralStatus
from webapp.models.referrals import SUBMITTED_STATUSES


def test_demo_has_referrals_in_every_status_and_seeding_again_adds_none(demo):
    with demo.app_context():
        statuses = set(db.session.scalars(select(Referral.status)))
        assert set(SUBMITTED_STATUSES) <= statuses and ReferralStatus.DRAFT not in statuses
        referrals = db.session.scalar(select(func.count(Referral.id)))
        directory = db.session.scalar(select(func.count(NetworkProvider.id)))
        closed = db.session.scalar(select(func.count(NetworkProvider.id)).where(NetworkProvider.panel_closed))
        assert directory >= 15 and closed >= 1
        seed_demo(DEMO_PASSWORD)
        db.session.commit()
        assert db.session.scalar(select(func.count(Referral.id))) == referrals
        assert db.session.scalar(select(func.count(NetworkProvider.id))) == directory
