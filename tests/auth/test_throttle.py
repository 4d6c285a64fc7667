"""Sign-in throttles: per login (known or not, alike) and per client address; atomic counters."""
from concurrent.futures import ThreadPoolExecutor

import time_machine
from sqlalchemy import select

from config import load_settings
from tests.conftest import DEMO_PASSWORD, sign_in
from webapp import create_app
from webapp.blueprints.account import throttle
from webapp.extensions import db
from webapp.models import AuditEvent, RateLimitHit, SignInThrottle

WRONG = "Wrong!Pass2026"


def _text(response):
    return response.get_data(as_text=True)


def test_after_five_wrong_passwords_even_the_right_one_waits_and_the_page_says_how_long(app, client, demo):
    with time_machine.travel("2026-11-23 09:00:00Z", tick=False) as clock:
        for _ in range(5):
            response = sign_in(client, "staff@harbor.example", WRONG)
        assert response.status_code == 429 and response.headers["Retry-After"] == "1"
        assert "wait 1 second before you try again" in _text(response)
        refused = sign_in(client, "staff@harbor.example", DEMO_PASSWORD)  # right password, during the wait
        assert refused.status_code == 429 and "before you try again" in _text(refused)
        assert client.get("/").status_code == 302  # not signed in
        # That attempt counted too: the wait doubled (6 failures -> 2 s).
        assert refused.headers["Retry-After"] == "2"
        clock.shift(3)
        assert sign_in(client, "staff@harbor.example", DEMO_PASSWORD).status_code == 303
    with app.app_context():
        assert db.session.scalars(select(SignInThrottle)).all() == []  # success ends the run
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert actions.count("sign_in.failed") == 5 and "sign_in.locked" in actions
    assert "sign_in.throttled" in actions and actions[-1] == "sign_in"


def test_the_wait_doubles_up_to_fifteen_minutes():
    assert [throttle.wait_after(n) for n in (4, 5, 6, 7, 14, 15, 30)] == [0, 1, 2, 4, 512, 900, 900]


def test_unknown_and_known_logins_get_the_same_answers(client, demo):
    with time_machine.travel("2026-11-23 09:00:00Z", tick=False):
        known = [sign_in(client, "staff@harbor.example", WRONG) for _ in range(7)]
        unknown = [sign_in(client, "nobody@harbor.example", WRONG) for _ in range(7)]
    for a, b in zip(known, unknown):
        assert a.status_code == b.status_code
        assert a.headers.get("Retry-After") == b.headers.get("Retry-After")
        assert _text(a).replace("staff@", "X@") == _text(b).replace("nobody@", "X@")


def test_one_address_gets_at_most_100_failures_an_hour_across_accounts(app, client, demo):
    app.config["SIGN_IN_FAILURES_PER_ADDRESS"] = 7
    with time_machine.travel("2026-11-23 09:00:00Z", tick=False) as clock:
        answers = [sign_in(client, f"user{n}@spray.example", "Spring2026!").status_code for n in range(7)]
        assert answers == [422] * 7
        sprayed = sign_in(client, "staff@sunrise.example", DEMO_PASSWORD)  # even a right one now waits
        assert sprayed.status_code == 429 and int(sprayed.headers["Retry-After"]) > 3000
        clock.shift(3601)
        assert sign_in(client, "staff@sunrise.example", DEMO_PASSWORD).status_code == 303
    assert app.config["SIGN_IN_FAILURES_PER_ADDRESS"] == 7
    assert load_settings({})["SIGN_IN_FAILURES_PER_ADDRESS"] == 100


def test_twenty_parallel_wrong_attempts_count_twenty(app, demo):
    def attempt(_):
        return sign_in(app.test_client(), "staff@harbor.example", WRONG).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(attempt, range(20)))
    assert all(code in (422, 429) for code in codes), codes
    with app.app_context():
        row = db.session.get(SignInThrottle, throttle.login_key("staff@harbor.example"))
        address = db.session.get(RateLimitHit, "sign-in:addr:127.0.0.1")
        assert row.failures == 20
        assert address is None or address.count <= 20


def test_behind_a_trusted_proxy_the_address_limit_sees_the_real_client(app_config, demo):
    proxied = create_app({**app_config, "TRUSTED_PROXY_COUNT": 1})
    direct = create_app(app_config)
    for app, expected in ((proxied, "203.0.113.7"), (direct, "127.0.0.1")):
        app.test_client().post("/sign-in", data={"login": "x@example.com", "password": "wrong"},
                               headers={"X-Forwarded-For": "203.0.113.7"})
        with app.app_context():
            keys = [row.key for row in db.session.scalars(select(RateLimitHit))]
            events = [e.remote_addr for e in db.session.scalars(select(AuditEvent))]
            db.session.query(RateLimitHit).delete()
            db.session.query(AuditEvent).delete()
            db.session.commit()
        assert keys == [f"sign-in:addr:{expected}"] and events == [expected]
