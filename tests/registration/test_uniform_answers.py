"""Registration answers the same for registered and new addresses; passcode counts are atomic."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from tests.accounts_helpers import DETAILS
from webapp.blueprints.account.passcodes import (PasscodeResult, PasscodeSettings, check_passcode, issue_passcode,
                                                 user_subject)
from webapp.extensions import db
from webapp.models import AuditEvent, PasscodeChallenge, PasscodePurpose, User


def _tries_left(response) -> str:
    return re.search(r"\((\d+) tr(?:y|ies) left\)", response.get_data(as_text=True)).group(1)


def test_two_fresh_sessions_count_alike_for_registered_and_new_addresses(app, demo):
    answers = {}
    for email in ("staff@sunrise.example", "new.person@example.com"):
        seen = []
        for _ in range(2):
            fresh = app.test_client()
            assert fresh.post("/register", data={**DETAILS, "email": email}).status_code == 303
            seen.append(_tries_left(fresh.post("/register/verify", data={"passcode": "000000"})))
        answers[email] = seen
    assert answers["staff@sunrise.example"] == answers["new.person@example.com"] == ["4", "3"]
    with app.app_context():
        audited = [(e.action, e.object_id) for e in db.session.scalars(select(AuditEvent))
                   if e.action.startswith("passcode.")]
    assert audited == [("passcode.wrong", "register")] * 4


def test_twenty_parallel_wrong_codes_count_twenty_and_only_four_say_tries_left(app, demo):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "staff@sunrise.example"))
        subject = user_subject(user)
        settings = PasscodeSettings.from_config(app.config)
        issue_passcode(PasscodePurpose.CHANGE_PASSWORD, subject, settings=settings)
        db.session.commit()

    def wrong(_):
        with app.app_context():
            check = check_passcode(PasscodePurpose.CHANGE_PASSWORD, subject, "not-it", settings=settings)
            db.session.commit()
            return check

    with ThreadPoolExecutor(max_workers=10) as pool:
        checks = list(pool.map(wrong, range(20)))
    told_tries = sorted(c.attempts_left for c in checks if c.result is PasscodeResult.WRONG)
    assert told_tries == [1, 2, 3, 4]
    assert sum(c.result is PasscodeResult.LOCKED for c in checks) == 16
    with app.app_context():
        challenge = db.session.scalar(select(PasscodeChallenge).where(PasscodeChallenge.subject == subject))
        assert challenge.failed_attempts == 20 and challenge.locked_until is not None
