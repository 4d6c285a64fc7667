"""Credentials rules: passcodes, links, password rules, reuse, rotation, security answers."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from sqlalchemy import select

from webapp.blueprints.account import sessions
from webapp.blueprints.account import links, passcodes, passwords, questions
from webapp.blueprints.auth.services import create_user
from webapp.extensions import db
from webapp.models import EmailLinkPurpose, PasscodeChallenge, PasscodePurpose, Role, UserSession

SUBJECT = "user:test"
REG = PasscodePurpose.REGISTER


def _user(password="First#Pass2026"):
    user = create_user(email="pat@example.com", first_name="Pat", last_name="Lee", role=Role.STAFF,
                       password=password)
    db.session.flush()
    return user


# --- passcodes ----------------------------------------------------------------------------------

@pytest.fixture
def settings(app_ctx) -> passcodes.PasscodeSettings:
    """Built from the app's config, as the routes do."""
    return passcodes.PasscodeSettings.from_config(app_ctx.config)


def test_passcode_is_six_digits_and_stored_only_as_a_hash(app_ctx, settings):
    code = passcodes.issue_passcode(REG, SUBJECT, settings=settings)
    db.session.commit()
    challenge = db.session.query(PasscodeChallenge).one()
    assert len(code) == 6 and code.isdigit()
    assert code not in challenge.code_hash


def test_passcode_works_once(app_ctx, settings):
    code = passcodes.issue_passcode(REG, SUBJECT, settings=settings)
    assert passcodes.check_passcode(REG, SUBJECT, code, settings=settings).ok
    assert passcodes.check_passcode(REG, SUBJECT, code, settings=settings).result is passcodes.PasscodeResult.MISSING


def test_passcode_expires_with_a_frozen_clock(app_ctx, settings):
    minutes = app_ctx.config["PASSCODE_TTL_MINUTES"]
    with time_machine.travel("2026-11-23 09:00:00Z", tick=False) as clock:
        code = passcodes.issue_passcode(REG, SUBJECT, settings=settings)
        clock.shift(timedelta(minutes=minutes, seconds=-1))
        assert passcodes.check_passcode(REG, SUBJECT, "bad", settings=settings).result is passcodes.PasscodeResult.WRONG
        clock.shift(timedelta(seconds=2))
        check = passcodes.check_passcode(REG, SUBJECT, code, settings=settings)
        assert check.result is passcodes.PasscodeResult.EXPIRED


def test_expiry_is_a_setting(app_ctx):
    app_ctx.config["PASSCODE_TTL_MINUTES"] = 2
    settings = passcodes.PasscodeSettings.from_config(app_ctx.config)
    with time_machine.travel("2026-11-23 09:00:00Z", tick=False) as clock:
        code = passcodes.issue_passcode(REG, SUBJECT, settings=settings)
        clock.shift(121)
        check = passcodes.check_passcode(REG, SUBJECT, code, settings=settings)
        assert check.result is passcodes.PasscodeResult.EXPIRED


def test_resend_replaces_the_code_but_keeps_the_failure_count(app_ctx, settings):
    old = passcodes.issue_passcode(REG, SUBJECT, settings=settings)
    for _ in range(3):
        passcodes.check_passcode(REG, SUBJECT, "x", settings=settings)
    new = passcodes.issue_passcode(REG, SUBJECT, settings=settings)
    assert db.session.query(PasscodeChallenge).one().failed_attempts == 3
    if old != new:
        assert passcodes.check_passcode(REG, SUBJECT, old, settings=settings).attempts_left == 1
    assert passcodes.check_passcode(REG, SUBJECT, new, settings=settings).ok


def test_five_wrong_tries_lock_even_the_right_code_and_resend(app_ctx, settings):
    code = passcodes.issue_passcode(REG, SUBJECT, settings=settings)
    results = [passcodes.check_passcode(REG, SUBJECT, "wrong", settings=settings).result for _ in range(5)]
    assert results[-1] is passcodes.PasscodeResult.LOCKED and results[0] is passcodes.PasscodeResult.WRONG
    assert passcodes.check_passcode(REG, SUBJECT, code, settings=settings).result is passcodes.PasscodeResult.LOCKED
    with pytest.raises(passcodes.PasscodeLocked):
        passcodes.issue_passcode(REG, SUBJECT, settings=settings)
    check = passcodes.check_passcode(REG, SUBJECT, code, settings=settings)
    assert "try again in" in passcodes.passcode_message(check)


def test_lock_runs_out(app_ctx, settings):
    with time_machine.travel("2026-11-23 09:00:00Z", tick=False) as clock:
        passcodes.issue_passcode(REG, SUBJECT, settings=settings)
        for _ in range(5):
            passcodes.check_passcode(REG, SUBJECT, "wrong", settings=settings)
        clock.shift(app_ctx.config["PASSCODE_LOCK_MINUTES"] * 60 + 1)
        code = passcodes.issue_passcode(REG, SUBJECT, settings=settings)
        assert passcodes.check_passcode(REG, SUBJECT, code, settings=settings).ok


# --- links --------------------------------------------------------------------------------------

def test_links_are_signed_single_use_and_expire(app_ctx):
    key = app_ctx.config["SECRET_KEY"]
    with time_machine.travel("2026-11-23 09:00:00Z", tick=False) as clock:
        token = links.make_link_token(EmailLinkPurpose.CREATE_CREDENTIALS, timedelta(hours=1), secret_key=key)
        link = links.open_link(token, EmailLinkPurpose.CREATE_CREDENTIALS, secret_key=key)
        with pytest.raises(links.LinkError) as wrong_purpose:
            links.open_link(token, EmailLinkPurpose.APPROVE_ACCESS, secret_key=key)
        assert wrong_purpose.value.reason == "invalid"
        with pytest.raises(links.LinkError):
            links.open_link(token[:-2] + "xx", EmailLinkPurpose.CREATE_CREDENTIALS, secret_key=key)
        with pytest.raises(links.LinkError) as other_key:
            links.open_link(token, EmailLinkPurpose.CREATE_CREDENTIALS, secret_key=key + "-rotated")
        assert other_key.value.reason == "invalid"
        clock.shift(3601)
        with pytest.raises(links.LinkError) as expired:
            links.open_link(token, EmailLinkPurpose.CREATE_CREDENTIALS, secret_key=key)
        assert expired.value.reason == "expired"
        clock.shift(-10)
        links.use_link(link)
        with pytest.raises(links.LinkError) as used:
            links.open_link(token, EmailLinkPurpose.CREATE_CREDENTIALS, secret_key=key)
        assert used.value.reason == "used"


# --- password rules -----------------------------------------------------------------------------

@pytest.mark.parametrize("password, rule", [
    ("Sh0rt!a", passwords.RULE_LENGTH.format(n=8)),
    ("NoDigits!here", passwords.RULE_DIGIT),
    ("NoSymbol42here", passwords.RULE_SYMBOL),
    ("no-upper-42x", passwords.RULE_UPPER),
    ("NO-LOWER-42X", passwords.RULE_LOWER),
])
def test_each_unmet_rule_is_named_alone(password, rule):
    assert passwords.password_problems(password, 8) == [rule]


def test_a_good_password_meets_every_rule():
    assert passwords.password_problems("Kestrel#Harbor42", 8) == []


def test_minimum_length_is_a_setting_never_below_seven():
    from config import load_settings

    assert load_settings({"SECRET_KEY": "x", "PASSWORD_MIN_LENGTH": "5"})["PASSWORD_MIN_LENGTH"] == 7
    assert load_settings({"SECRET_KEY": "x"})["PASSWORD_MIN_LENGTH"] == 8
    assert passwords.password_problems("Kes#42ab", 10) == [passwords.RULE_LENGTH.format(n=10)]


@pytest.mark.parametrize("password", ["Password1!", "P@ssw0rd!", "Welcome123!", "!Qwerty123", "Sunshine2026$"])
def test_common_passwords_are_refused_even_dressed_up(password):
    assert passwords.RULE_COMMON in passwords.password_problems(password, 8)


def test_the_common_password_list_is_a_data_file():
    assert passwords.COMMON_PASSWORDS_FILE.exists()
    assert {"123456", "password", "qwerty"} <= passwords.common_passwords()


def test_personal_words_are_refused():
    assert passwords.RULE_COMMON in passwords.password_problems("Quinn#2026x", 8, personal=("Quinn",))


# --- reuse and rotation -------------------------------------------------------------------------

def test_the_last_five_passwords_cannot_be_reused(app_ctx):
    user = _user("Pass#Word0")
    for n in range(1, 6):
        passwords.change_password(user, f"Pass#Word{n}", 5)
    db.session.commit()
    # current = 5, history 4,3,2,1 -> the last five; 0 is old enough
    for n in range(1, 6):
        assert passwords.password_reused(user, f"Pass#Word{n}", 5)
    assert not passwords.password_reused(user, "Pass#Word0", 5)
    assert not passwords.password_reused(user, "Brand#New77", 5)


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(app_ctx):
    user = _user()
    db.session.flush()
    other = sessions.start(user, remote_addr="10.0.0.9", user_agent="Other browser")
    this = sessions.start(user, remote_addr="10.0.0.8", user_agent="This browser")
    db.session.commit()
    passwords.change_password(user, "Second#Pass2026", 5)  # user.session_secret is this session's
    db.session.commit()
    left = [s.user_agent for s in db.session.scalars(select(UserSession))]
    assert left == ["This browser"]
    assert sessions.load(other, idle_minutes=15, max_hours=12).user is None
    assert sessions.load(this, idle_minutes=15, max_hours=12).user is user


def test_rotation_after_sixty_days(app_ctx):
    with time_machine.travel("2026-01-01 09:00:00Z", tick=False) as clock:
        user = _user()
        clock.shift(timedelta(days=59, hours=23))
        assert not passwords.password_expired(user, 60)
        clock.shift(timedelta(hours=1))
        assert passwords.password_expired(user, 60)
        assert not passwords.password_expired(user, 0)  # rotation off


# --- security answers ---------------------------------------------------------------------------

def test_security_answers_are_hashed_and_normalised(app_ctx):
    user = _user()
    questions.set_security_answers(user, [("first_pet", "  Mr.  Biscuit "), ("mother_city", "New York")])
    db.session.commit()
    rows = questions.security_questions_of(user)
    assert all("Biscuit" not in r.answer_hash and "biscuit" not in r.answer_hash for r in rows)
    assert questions.check_security_answer(user, "first_pet", "mr. biscuit")
    assert questions.check_security_answer(user, "mother_city", "NEW   york")
    assert not questions.check_security_answer(user, "mother_city", "Boston")
    assert not questions.check_security_answer(user, "first_job", "New York")


def test_two_different_questions_from_the_list(app_ctx):
    user = _user()
    with pytest.raises(ValueError):
        questions.set_security_answers(user, [("first_pet", "a"), ("first_pet", "b")])
    with pytest.raises(ValueError):
        questions.set_security_answers(user, [("made_up", "a"), ("first_pet", "b")])


def test_ratelimit_counts_per_key_and_reports_the_wait(app_ctx):
    from webapp import ratelimit

    with time_machine.travel("2026-11-23 09:00:00Z", tick=False) as clock:
        assert [ratelimit.hit("t:a", 2, 600) for _ in range(2)] == [None, None]
        assert ratelimit.hit("t:a", 2, 600) == 600
        assert ratelimit.hit("t:b", 2, 600) is None
        clock.shift(540)
        assert ratelimit.hit("t:a", 2, 600) == 60 and ratelimit.minutes(60) == 1
        clock.shift(61)
        assert ratelimit.hit("t:a", 2, 600) is None
