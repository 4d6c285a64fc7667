"""Annual training: the gate after sign-in, passing and failing the quiz, expiry after 365 days
(frozen clock), reminders 30 and 7 days before (once each), the office's view, admin editing."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from tests.accounts_helpers import body, mails
from tests.conftest import DEMO_PASSWORD, share_compiled_templates, sign_in
from webapp.blueprints.auth.services import create_user
from webapp.blueprints.training import services
from webapp.extensions import db
from webapp.models import Role, TrainingAttempt, TrainingModule, TrainingReminder, User
from webapp.providers.services import grant_access, provider_by_npi
from webapp.search import get_service

NOW = datetime(2027, 3, 1, 15, 0)
SUNRISE_NPI = "1234567893"


@pytest.fixture
def gated(demo_config):
    """The app on a copy of the demo with the training gate on (tests/conftest turns it off for
    other features' tests)."""
    from webapp import create_app

    demo_config["TRAINING_REQUIRED"] = True
    demo_config["PASSWORD_MAX_AGE_DAYS"] = 0  # the clock travels a year: keep passwords out of it
    app = share_compiled_templates(create_app(demo_config))
    yield app
    get_service(app).stop()
    with app.app_context():
        db.engine.dispose()


def _new_staff(app, email="newbie@sunrise.example", role=Role.STAFF) -> int:
    with app.app_context():
        user = create_user(email=email, first_name="Nina", last_name="Newman", role=role, password=DEMO_PASSWORD)
        user.terms_version = app.config["TERMS_VERSION"]
        db.session.flush()
        grant_access(user, provider_by_npi(SUNRISE_NPI))
        db.session.commit()
        return user.id


def _right_answers(app, role=Role.STAFF) -> dict:
    with app.app_context():
        module = services.ensure_modules()[role]
        db.session.commit()
        return {f"q{i}": str(q["answer"]) for i, q in enumerate(module.quiz)}


def test_a_new_user_sees_only_the_training_until_passing_it(gated):
    _new_staff(gated)
    client = gated.test_client()
    response = sign_in(client, "newbie@sunrise.example")
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 303 and home.headers["Location"] == "/training"
    for path in ("/cases/new", "/claims", "/referrals", "/messages"):
        assert client.get(path).headers.get("Location") == "/training", path
    page = client.get("/training").get_data(as_text=True)
    assert "Complete this training module to use the Provider Portal" in page
    assert "Provider Portal training for Staff" in page
    assert 'href="/cases/new"' not in page and 'aria-label="Main"' not in page  # no navigation
    assert "Sign Out" in page and 'href="/profile"' in page
    assert client.get("/profile").status_code == 200  # My Profile stays open
    assert "Never share your User ID" in client.get("/training/page/2").get_data(as_text=True)

    answers = _right_answers(gated)
    passed = client.post("/training/quiz", data=answers, follow_redirects=True).get_data(as_text=True)
    assert "You passed the training with 100%" in passed
    assert client.get("/").status_code == 200
    with gated.app_context():
        attempt = db.session.scalar(select(TrainingAttempt).join(User).where(User.email == "newbie@sunrise.example"))
        assert attempt.passed and attempt.score == 100


def test_a_failed_quiz_records_the_score_and_keeps_the_gate(gated):
    _new_staff(gated)
    client = gated.test_client()
    sign_in(client, "newbie@sunrise.example")
    answers = _right_answers(gated)
    answers["q0"] = str((int(answers["q0"]) + 1) % 3)
    answers["q1"] = str((int(answers["q1"]) + 1) % 3)
    page = client.post("/training/quiz", data=answers).get_data(as_text=True)
    assert "Your score is 60%; the pass mark is 80%" in page and "Questions to look at again: 1, 2." in page
    assert client.get("/").headers["Location"] == "/training"
    with gated.app_context():
        attempt = db.session.scalar(select(TrainingAttempt).join(User).where(User.email == "newbie@sunrise.example"))
        assert (attempt.score, attempt.passed) == (60, False)


def test_an_unanswered_question_is_named_and_nothing_is_recorded(gated):
    _new_staff(gated)
    client = gated.test_client()
    sign_in(client, "newbie@sunrise.example")
    answers = _right_answers(gated)
    del answers["q3"]
    response = client.post("/training/quiz", data=answers)
    assert response.status_code == 422
    assert "Choose an answer to question 4." in response.get_data(as_text=True)
    with gated.app_context():
        assert db.session.scalar(select(TrainingAttempt).join(User).where(User.email == "newbie@sunrise.example")) is None


@pytest.mark.parametrize("answer", ["7", "x", "99999999999999999999999"])
def test_out_of_range_answers_are_refused_not_crashed(gated, answer):
    _new_staff(gated)
    client = gated.test_client()
    sign_in(client, "newbie@sunrise.example")
    answers = _right_answers(gated)
    answers["q0"] = answer
    response = client.post("/training/quiz", data=answers)
    assert response.status_code == 422 and 'id="q0-error"' in response.get_data(as_text=True)


def test_a_pass_lasts_365_days_then_the_gate_returns(gated):
    _new_staff(gated)
    answers = _right_answers(gated)
    with time_machine.travel(NOW, tick=False):
        client = gated.test_client()
        sign_in(client, "newbie@sunrise.example")
        client.post("/training/quiz", data=answers)
    with gated.app_context():
        user = db.session.scalar(select(User).where(User.email == "newbie@sunrise.example"))
        assert not services.is_due(user, 365, NOW + timedelta(days=364, hours=23))
        assert services.is_due(user, 365, NOW + timedelta(days=365))
        assert services.status_of(user, 365, NOW + timedelta(days=340)).label == "Due soon"
    with time_machine.travel(NOW + timedelta(days=365, minutes=1), tick=False):
        client = gated.test_client()
        sign_in(client, "newbie@sunrise.example")
        assert client.get("/").headers["Location"] == "/training"
        assert "Expired" in client.get("/training").get_data(as_text=True)


def test_plan_staff_take_no_training(gated):
    client = gated.test_client()
    sign_in(client, "agent@plan.example")
    home = client.get("/")
    assert home.status_code == 200 and "Welcome, Alex" in home.get_data(as_text=True)
    assert client.get("/training").status_code == 404


def test_demo_users_have_passed(gated):
    for login in ("staff@sunrise.example", "loa@sunrise.example", "staff@harbor.example", "loa@harbor.example"):
        client = gated.test_client()
        sign_in(client, login)
        home = client.get("/")
        assert home.status_code == 200 and "Welcome, " in home.get_data(as_text=True), login


def test_reminders_go_30_and_7_days_before_expiry_once_each(gated):
    user_id = _new_staff(gated)
    link = "http://portal.example/training"
    with gated.app_context():
        module = services.ensure_modules()[Role.STAFF]
        db.session.add(TrainingAttempt(user_id=user_id, module_id=module.id, taken_at=NOW, score=100, passed=True))
        db.session.commit()
        expiry = NOW + timedelta(days=365)
        assert services.send_reminders(valid_days=365, link=link, now=expiry - timedelta(days=31)) == 0
        assert services.send_reminders(valid_days=365, link=link, now=expiry - timedelta(days=30)) == 1
        db.session.commit()
        assert services.send_reminders(valid_days=365, link=link, now=expiry - timedelta(days=29)) == 0
        assert services.send_reminders(valid_days=365, link=link, now=expiry - timedelta(days=7)) == 1
        db.session.commit()
        assert services.send_reminders(valid_days=365, link=link, now=expiry - timedelta(days=2)) == 0
        assert services.send_reminders(valid_days=365, link=link, now=expiry + timedelta(days=1)) == 0
        reminders = db.session.scalars(select(TrainingReminder.days_before)).all()
        assert sorted(reminders) == [7, 30]


def test_a_pass_first_seen_5_days_before_expiry_gets_one_mail(gated):
    user_id = _new_staff(gated)
    with gated.app_context():
        module = services.ensure_modules()[Role.STAFF]
        db.session.add(TrainingAttempt(user_id=user_id, module_id=module.id, taken_at=NOW, score=90, passed=True))
        db.session.commit()
        late = NOW + timedelta(days=360)
        assert services.send_reminders(valid_days=365, link="http://x/training", now=late) == 1
        db.session.commit()
        assert services.send_reminders(valid_days=365, link="http://x/training", now=late) == 0


def test_the_reminder_command_mails_a_link_and_no_phi(gated):
    user_id = _new_staff(gated)
    with gated.app_context():
        module = services.ensure_modules()[Role.STAFF]
        db.session.add(TrainingAttempt(user_id=user_id, module_id=module.id, taken_at=NOW, score=100, passed=True))
        db.session.commit()
    runner = gated.test_cli_runner()
    with time_machine.travel(NOW + timedelta(days=336), tick=False):
        first = runner.invoke(args=["training", "remind"])
        again = runner.invoke(args=["training", "remind"])
    assert "training reminders queued: " in first.output
    assert "training reminders queued: 0" in again.output
    sent = mails(gated, "newbie@sunrise.example")
    assert len(sent) == 1
    text = body(sent[0])
    assert "expires on February 29, 2028" in text
    assert "http://127.0.0.1:5000/training" in text
    assert "Sunrise" not in text and "member" not in text.lower()


def test_the_office_administrator_sees_who_is_due(gated):
    _new_staff(gated)
    client = gated.test_client()
    sign_in(client, "loa@sunrise.example")
    page = client.get("/training/office").get_data(as_text=True)
    assert "Nina Newman" in page and "Not taken" in page
    assert "Due soon" in page  # staff@sunrise passed 340 days ago in the demo
    assert "Harbor" not in page
    assert page.index("Nina Newman") < page.index("Due soon")  # the due first
    staff = gated.test_client()
    sign_in(staff, "staff@sunrise.example")
    assert staff.get("/training/office").status_code == 404


def test_an_administrator_edits_a_module_and_bad_text_changes_nothing(gated):
    client = gated.test_client()
    sign_in(client, "admin@plan.example")
    listing = client.get("/training/modules").get_data(as_text=True)
    assert "Provider Portal training for Staff" in listing
    with gated.app_context():
        module_id = db.session.scalar(select(TrainingModule.id).where(TrainingModule.role == Role.STAFF))
    bad = client.post(f"/training/modules/{module_id}", data={
        "title": "Changed", "pass_mark": "70", "pages": "Only a heading", "quiz": "Q?\nA\nB"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Page 1 needs text under its heading." in text and "exactly one right choice" in text
    with gated.app_context():
        assert db.session.get(TrainingModule, module_id).title == "Provider Portal training for Staff"
    good = client.post(f"/training/modules/{module_id}", data={
        "title": "Staff training 2027", "pass_mark": "50",
        "pages": "Welcome\nRead this.\n---\nPasswords\nKeep them secret.",
        "quiz": "Share passwords?\nYes\n*No\n\nSign out when leaving?\n*Yes\nNo"}, follow_redirects=True)
    assert "Saved “Staff training 2027”." in good.get_data(as_text=True)
    with gated.app_context():
        module = db.session.get(TrainingModule, module_id)
        assert [p["heading"] for p in module.pages] == ["Welcome", "Passwords"]
        assert module.quiz[0] == {"question": "Share passwords?", "choices": ["Yes", "No"], "answer": 1}
        assert module.pass_mark == 50
    assert gated.test_client().get(f"/training/modules/{module_id}").headers["Location"].startswith("/sign-in")
    staff = gated.test_client()
    sign_in(staff, "loa@sunrise.example")
    assert staff.get(f"/training/modules/{module_id}").status_code == 404
    assert staff.post(f"/training/modules/{module_id}", data={"title": "x"}).status_code == 404


def test_quiz_text_round_trips():
    quiz = [{"question": "Q1?", "choices": ["a", "b", "c"], "answer": 2}]
    parsed, errors = services.quiz_from_text(services.quiz_to_text(quiz))
    assert (parsed, errors) == (quiz, [])
    pages = [{"heading": "H", "body": "one\n\ntwo"}]
    assert services.pages_from_text(services.pages_to_text(pages)) == (pages, [])
