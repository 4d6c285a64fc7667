"""The demo world without its demo cases, so counts in case tests are exact."""
import pytest

from webapp.extensions import db


@pytest.fixture
def world(demo, app):
    """Demo data without the ~40 demo cases, so counts in tests are exact."""
    from webapp.models import Case, CaseComment, StoredFile

    with app.app_context():
        db.session.query(StoredFile).delete()
        db.session.query(CaseComment).delete()
        db.session.query(Case).delete()
        db.session.commit()
    return app
