"""The forms of training, terms, the Users page and Provider Services answer odd input with 4xx or a
page, never a 5xx, and refusals store nothing (the app-wide fuzz test covers this too once its world
has every feature's records)."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from tests.conftest import sign_in
from webapp.extensions import db
from webapp.models import ProviderAccess, TrainingAttempt, TrainingModule, User

HUGE = "9" * 30
ODD_VALUES = ["", " ", HUGE, "-1", "x" * 100_000, "\x00", "<script>", "１２", "approve\x00"]


def _counts(app):
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(TrainingAttempt)),
                [m.title for m in db.session.scalars(select(TrainingModule).order_by(TrainingModule.id))],
                db.session.scalar(select(func.count()).select_from(ProviderAccess).where(ProviderAccess.staff_note.isnot(None))),
                [u.status for u in db.session.scalars(select(User).order_by(User.id))])


def test_odd_input_never_gives_5xx(demo):
    app = demo
    with app.app_context():
        staff_module = db.session.scalar(select(TrainingModule.id))
    targets = {
        "staff@sunrise.example": ["/training/quiz", "/terms/accept"],
        "admin@plan.example": [f"/training/modules/{staff_module}", f"/training/modules/{HUGE}"],
        "agent@plan.example": ["/provider-services/1", f"/provider-services/{HUGE}"],
        "loa@sunrise.example": [f"/office/users/{HUGE}/disable", f"/office/users/{HUGE}/access/{HUGE}/withdraw",
                                f"/office/users/{HUGE}/enable", f"/office/users/{HUGE}/resend-invitation"],
    }
    fields = ["q0", "q1", "q2", "q3", "q4", "title", "pass_mark", "pages", "quiz", "decision", "note", "read_terms"]
    before = _counts(app)
    for login, paths in targets.items():
        client = app.test_client()
        sign_in(client, login)
        for path in paths:
            for value in ODD_VALUES:
                response = client.post(path, data={name: value for name in fields})
                assert response.status_code < 500, (login, path, repr(value[:20]))
            files = {name: (io.BytesIO(b"%PDF-1.4"), "a.pdf") for name in fields}
            response = client.post(path, data=files, content_type="multipart/form-data")
            assert response.status_code < 500, (login, path, "file parts")
            response = client.post(path, data="&".join(f"{name}=x&{name}=1" for name in fields),
                                   content_type="application/x-www-form-urlencoded")
            assert response.status_code < 500, (login, path, "duplicated fields")
    assert _counts(app) == before
