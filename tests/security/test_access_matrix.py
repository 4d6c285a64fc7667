"""Checks every cell of the access matrix (tests/security/access_matrix.py) against the app."""
from __future__ import annotations

import itertools

from flask import url_for
from sqlalchemy import select

from tests.security.access_matrix import KNOWN_ACCESS_BUGS, MATRIX, SAMPLE_FORMS
from tests.security.world import IDENTITIES, new_inbox_view, new_referral_draft
from webapp.blueprints.auth.services import create_user, find_user_by_login
from webapp.extensions import db
from webapp.models import Provider, Queue, ReplyTemplate, Role
from webapp.providers.services import grant_access


def _fresh_template(world) -> dict:
    """delete_template removes its record: each cell gets a new one."""
    with world.app.app_context():
        queue = db.session.scalar(select(Queue).where(Queue.slug == "claims-inquiry"))
        template = ReplyTemplate(queue_id=queue.id, title="Matrix sample", body="Sample reply.")
        db.session.add(template)
        db.session.commit()
        return {"template_id": template.id}


def _fresh_office_user(world) -> dict:
    """withdraw_access takes an access back: each cell gets a new active one at Sunrise."""
    with world.app.app_context():
        sunrise = db.session.scalar(select(Provider).where(Provider.npi == "1234567893"))
        user = create_user(email=f"office{next(_numbers)}@sunrise.example", first_name="Olu", last_name="Office",
                           role=Role.STAFF, password=None)
        db.session.flush()
        access = grant_access(user, sunrise)
        db.session.commit()
        return {"access_id": access.id, "user_id": user.id}


def _fresh_inbox_view(world) -> dict:
    """delete_view removes agent@plan's saved view: each cell gets a new one."""
    with world.app.app_context():
        view_id = new_inbox_view(world)
        db.session.commit()
        return {"view_id": view_id}


def _fresh_referral_draft(world) -> dict:
    """delete_draft discards staff@sunrise's draft: each cell gets a new one."""
    with world.app.app_context():
        draft_id = new_referral_draft(find_user_by_login("staff@sunrise.example"))
        db.session.commit()
        return {"draft_id": draft_id}


_numbers = itertools.count(1)
# The office's Users actions withdraw, disable and re-invite: each cell acts on a new Sunrise user, so
# an allowed cell (the office's administrator, the plan's administrator) changes nobody the walk signs in as.
OFFICE_USER_ACTIONS = ("office.withdraw", "office.disable", "office.enable", "office.resend_invitation")
FRESH_ARGS = {"messages.delete_template": _fresh_template, "registration.withdraw_access": _fresh_office_user,
              **{endpoint: _fresh_office_user for endpoint in OFFICE_USER_ACTIONS},
              "helpdesk.delete_view": _fresh_inbox_view, "referrals.delete_draft": _fresh_referral_draft}
ARG_OVERRIDES = {"referrals.void": {"referral_id": "void_referral_id"},
                 "submission.download_837": {"submission_id": "accepted_submission_id"},
                 "profile.make_default": {"access_id": "own_access_id"},
                 "office.provider_services_request": {"access_id": "provider_services_access_id"}}


def outcome(response) -> str:
    code = response.status_code
    if code in (301, 302, 303) and response.headers.get("Location", "").startswith("/sign-in"):
        return "L"
    if code >= 500:
        return f"5xx({code})"
    return {404: "N", 403: "F"}.get(code, "O" if code < 400 or code in (400, 409, 422, 429) else str(code))


def _url(world, rule, overrides=None) -> str:
    values = {}
    for name in rule.arguments:
        key = ARG_OVERRIDES.get(rule.endpoint, {}).get(name, name)
        values[name] = world.args[key]
    values.update(overrides or {})
    with world.app.test_request_context():
        return url_for(rule.endpoint, **values)


def _methods(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_every_endpoint_and_method_is_in_the_matrix(world):
    walked = {(rule.endpoint, method) for rule in world.app.url_map.iter_rules() for method in _methods(rule)}
    assert sorted(walked - set(MATRIX)) == [], "add these endpoints to MATRIX"
    assert sorted(set(MATRIX) - walked) == [], "these MATRIX rows name no endpoint"


def test_every_cell_of_the_matrix(world):
    identities = list(IDENTITIES)
    wrong, known, cells = [], [], 0
    for rule in sorted(world.app.url_map.iter_rules(), key=lambda r: r.endpoint):
        for method in _methods(rule):
            expected = MATRIX.get((rule.endpoint, method), "").split()
            if len(expected) != len(identities):
                continue  # reported by the test above
            for identity, want in zip(identities, expected):
                fresh = FRESH_ARGS[rule.endpoint](world) if rule.endpoint in FRESH_ARGS else None
                response = world.client(identity).open(_url(world, rule, fresh), method=method,
                                                       data=SAMPLE_FORMS.get(rule.endpoint, {}))
                got = outcome(response)
                cells += 1
                bug = KNOWN_ACCESS_BUGS.get((rule.endpoint, method, identity))
                if bug is not None:
                    if got == bug[0]:
                        known.append(f"{rule.endpoint} {method} as {identity}: expected {want}, got {got}: {bug[1]}")
                    else:
                        wrong.append(f"{rule.endpoint} {method} as {identity}: KNOWN_ACCESS_BUGS says {bug[0]}, "
                                     f"got {got} (expected {want}): fixed? remove the entry")
                elif got != want:
                    wrong.append(f"{rule.endpoint} {method} as {identity}: expected {want}, got {got} "
                                 f"({response.status_code} {response.headers.get('Location', '')})")
                if rule.endpoint in ("auth.sign_out", "profile.sign_out_other_sessions") or \
                        (rule.endpoint == "auth.sign_in" and identity == "anon"):
                    world.resign_in(identity)
    print(f"access matrix: {cells} cells checked over {len(MATRIX)} endpoint+method rows")
    for line in known:
        print(f"KNOWN ACCESS BUG: {line}")
    assert wrong == [], "\n".join(wrong)


def test_a_missing_id_answers_exactly_like_another_organizations_record(world):
    """For each endpoint with a record id, the owner asking for an id that does not exist gets 404,
    the same answer another organization gets for the real one."""
    checked = 0
    for rule in world.app.url_map.iter_rules():
        missing = {name: world.missing[name] for name in rule.arguments if name in world.missing}
        if not missing:
            continue
        for method in _methods(rule):
            row = MATRIX[(rule.endpoint, method)].split()
            owner = next((i for i, want in zip(IDENTITIES, row) if want in ("O", "F")), None)
            if owner is None:
                continue
            response = world.client(owner).open(_url(world, rule, missing), method=method,
                                                data=SAMPLE_FORMS.get(rule.endpoint, {}))
            assert response.status_code == 404, f"{rule.endpoint} {method} as {owner}: {response.status_code}"
            checked += 1
    assert checked >= 20
