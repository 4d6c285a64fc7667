"""seed-demo gives about 40 cases over both demo groups, with comments and one attachment."""
from sqlalchemy import func, select

from webapp.blueprints.demo.cases import seed_demo_cases
from webapp.extensions import db
from webapp.models import Case, CaseComment, StoredFile


def test_demo_cases_are_real_and_seeded_once(demo, app):
    with app.app_context():
        cases = db.session.scalars(select(Case)).all()
        assert 35 <= len(cases) <= 45
        assert {c.provider.name for c in cases} == {"Sunrise Family Medical Group", "Harbor Pediatrics"}
        assert len({c.status for c in cases}) == 6 and len({c.queue_id for c in cases}) >= 4
        assert len({c.number for c in cases}) == len(cases)
        assert db.session.scalar(select(func.count(CaseComment.id))) > 20
        assert db.session.scalar(select(func.count()).where(CaseComment.internal.is_(True))) >= 1
        [stored] = db.session.scalars(select(StoredFile).where(StoredFile.owner_kind == "case")).all()
        assert stored.original_name == "remittance-advice.pdf"
        assert seed_demo_cases(app.config["UPLOAD_DIR"]) == 0
        assert db.session.scalar(select(func.count(Case.id))) == len(cases)
