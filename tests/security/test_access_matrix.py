"""The access matrix: for every endpoint and method in url_map, what each identity gets.

One row per (endpoint, method); one letter per identity, in the order of world.IDENTITIES:

    anon  staff  loa  staff_other  loa_other  agent  agent_other  supervisor  admin

    O  reached the feature (2xx, a redirect other than to sign-in, or 400/409/422/429 for the
       empty or sample form the walk sends)
    L  redirected to Sign In            N  404 (another organization's or queue's record: as if missing)
    F  403 (may see it, may not act)

"staff"/"loa" are of the organization owning the records (Sunrise); "*_other" of Harbor. The
records sit in the Claims Inquiry queue: "agent" holds it, "agent_other" does not. An endpoint
missing here fails the test: add its row when you add the endpoint.
"""
from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from tests.security.world import IDENTITIES
from webapp.extensions import db
from webapp.models import Queue, ReplyTemplate

MATRIX = {
    # --- sign-in, recovery, registration (public) -------------------------------------------------
    ("auth.sign_in", "GET"):                          "O O O O O O O O O",
    ("auth.sign_in", "POST"):                         "O O O O O O O O O",
    ("auth.sign_out", "POST"):                        "L L L L L L L L L",  # signed out: lands on Sign In
    ("auth.forgot_password", "GET"):                  "O O O O O O O O O",
    ("auth.forgot_password", "POST"):                 "O O O O O O O O O",
    ("auth.forgot_password_verify", "GET"):           "O O O O O O O O O",
    ("auth.forgot_password_verify", "POST"):          "O O O O O O O O O",
    ("auth.forgot_password_resend", "POST"):          "O O O O O O O O O",
    ("auth.forgot_password_answer", "GET"):           "O O O O O O O O O",
    ("auth.forgot_password_answer", "POST"):          "O O O O O O O O O",
    ("auth.forgot_password_new", "GET"):              "O O O O O O O O O",
    ("auth.forgot_password_new", "POST"):             "O O O O O O O O O",
    ("auth.password_expired", "GET"):                 "L O O O O O O O O",
    ("auth.password_expired", "POST"):                "L O O O O O O O O",
    ("registration.start", "GET"):                    "O O O O O O O O O",
    ("registration.start", "POST"):                   "O O O O O O O O O",
    ("registration.verify", "GET"):                   "O O O O O O O O O",
    ("registration.verify", "POST"):                  "O O O O O O O O O",
    ("registration.resend", "POST"):                  "O O O O O O O O O",
    ("registration.resume", "GET"):                   "N N N N N N N N N",  # a bad token
    ("registration.terms", "GET"):                    "O O O O O O O O O",
    ("registration.terms", "POST"):                   "O O O O O O O O O",
    ("registration.provider", "GET"):                 "O O O O O O O O O",
    ("registration.provider", "POST"):                "O O O O O O O O O",
    ("registration.review", "GET"):                   "O O O O O O O O O",
    ("registration.review", "POST"):                  "O O O O O O O O O",
    ("registration.thanks", "GET"):                   "O O O O O O O O O",
    ("registration.credentials_link", "GET"):         "N N N N N N N N N",  # a bad token
    ("registration.credentials_verify", "GET"):       "N N N N N N N N N",  # no link opened
    ("registration.credentials_verify", "POST"):      "N N N N N N N N N",
    ("registration.credentials_resend", "POST"):      "N N N N N N N N N",
    ("registration.credentials_password", "GET"):     "N N N N N N N N N",
    ("registration.credentials_password", "POST"):    "N N N N N N N N N",
    ("registration.credentials_questions", "GET"):    "N N N N N N N N N",
    ("registration.credentials_questions", "POST"):   "N N N N N N N N N",
    ("registration.decide_by_link", "GET"):           "N N N N N N N N N",  # a bad token
    ("registration.decide_by_link", "POST"):          "N N N N N N N N N",
    # --- access requests: the provider's Local Office Administrator only ---------------------------
    ("registration.access_requests", "GET"):          "L N O N O N N N N",
    ("registration.access_request", "GET"):           "L N O N N N N N N",
    ("registration.access_request", "POST"):          "L N O N N N N N N",
    # --- home, profile (each user's own) -------------------------------------------------------------
    ("main.home", "GET"):                             "L O O O O O O O O",
    ("profile.my_profile", "GET"):                    "L O O O O O O O O",
    ("profile.edit_info", "GET"):                     "L O O O O O O O O",
    ("profile.edit_info", "POST"):                    "L O O O O O O O O",
    ("profile.sign_out_other_sessions", "POST"):      "L O O O O O O O O",
    ("profile.start_verification", "POST"):           "L O O O O O O O O",
    ("profile.verify", "GET"):                        "L O O O O O O O O",
    ("profile.verify", "POST"):                       "L O O O O O O O O",
    ("profile.change_password", "GET"):               "L O O O O O O O O",
    ("profile.change_password", "POST"):              "L O O O O O O O O",
    ("profile.change_security", "GET"):               "L O O O O O O O O",
    ("profile.change_security", "POST"):              "L O O O O O O O O",
    ("profile.my_collections", "GET"):                "L O O O O O O O O",
    ("profile.add_provider", "GET"):                  "L O O O O O O O O",
    ("profile.add_provider", "POST"):                 "L O O O O O O O O",
    ("profile.make_default", "POST"):                 "L O N N N N N N N",  # staff's own collection row
    # --- cases -------------------------------------------------------------------------------------
    ("cases.search", "GET"):                          "L O O O O O O O O",
    ("cases.create", "GET"):                          "L O O O O F F F F",
    ("cases.create", "POST"):                         "L O O O O F F F F",
    ("cases.view", "GET"):                            "L O O N N O N O O",
    ("cases.comment", "GET"):                         "L O O N N O N O O",
    ("cases.comment", "POST"):                        "L O O N N O N F O",
    ("cases.attach_files", "GET"):                    "L O O N N O N O O",
    ("cases.attach_files", "POST"):                   "L O O N N O N F O",
    ("cases.assign", "POST"):                         "L F F N N O N F O",
    ("cases.set_status", "POST"):                     "L F F N N O N F O",
    ("cases.move", "POST"):                           "L F F N N O N F O",
    ("cases.work", "GET"):                            "L N N N N O O O O",
    ("attachments.download", "GET"):                  "L O O N N O N O O",
    # --- claims and members: provider users of the organization; plan staff -----------------------
    ("claims.claim_search", "GET"):                   "L O O O O N N N N",
    ("claims.claim_search", "POST"):                  "L O O O O N N N N",
    ("claims.claim_detail", "GET"):                   "L O O N N O O O O",
    ("claims.member_search", "GET"):                  "L O O O O N N N N",
    ("claims.member_search", "POST"):                 "L O O O O N N N N",
    ("claims.member_detail", "GET"):                  "L O O N N O O O O",
    # --- Message Center ------------------------------------------------------------------------------
    ("messages.my_messages", "GET"):                  "L O O O O N N N N",
    ("messages.new_message", "GET"):                  "L O O O O N N N N",
    ("messages.new_message", "POST"):                 "L O O O O N N N N",
    ("messages.guide", "GET"):                        "L O O O O N N N N",
    ("messages.expedited", "GET"):                    "L O O O O O O O O",
    ("messages.thread", "GET"):                       "L O O N N O N O O",
    ("messages.follow_up", "POST"):                   "L O O N N N N N N",
    ("messages.grievance", "POST"):                   "L O O N N N N N N",
    ("messages.message_center", "GET"):               "L N N N N O O O O",
    ("messages.queue", "GET"):                        "L N N N N O N O O",
    ("messages.assign", "POST"):                      "L N N N N O N O O",
    ("messages.reply", "POST"):                       "L N N N N O N O O",
    ("messages.change_status", "POST"):               "L N N N N O N O O",
    ("messages.move", "POST"):                        "L N N N N O N O O",
    ("messages.templates", "GET"):                    "L N N N N O N O O",
    ("messages.templates", "POST"):                   "L N N N N O N O O",
    ("messages.delete_template", "POST"):             "L N N N N O N O O",
    ("messages.rules", "GET"):                        "L N N N N N N N O",
    ("messages.rules", "POST"):                       "L N N N N N N N O",
    ("messages.rules_download", "GET"):               "L N N N N N N N O",
    # --- search: everyone signed in, results scoped inside ------------------------------------------
    ("search.results", "GET"):                        "L O O O O O O O O",
    ("search.results", "POST"):                       "L O O O O O O O O",
    ("search.suggest", "POST"):                       "L O O O O O O O O",
    ("search.similar", "POST"):                       "L O O O O O O O O",
    ("static", "GET"):                                "O O O O O O O O O",
}

# Forms sent with a request (default: an empty form): enough to get past input checks to the access check.
SAMPLE_FORMS = {
    "cases.set_status": {"status": "open"},
    "cases.move": {"queue": "claims-inquiry"},
}


def _fresh_template(world) -> dict:
    """delete_template removes its record: each cell gets a new one."""
    with world.app.app_context():
        queue = db.session.scalar(select(Queue).where(Queue.slug == "claims-inquiry"))
        template = ReplyTemplate(queue_id=queue.id, title="Matrix sample", body="Sample reply.")
        db.session.add(template)
        db.session.commit()
        return {"template_id": template.id}


FRESH_ARGS = {"messages.delete_template": _fresh_template}
ARG_OVERRIDES = {"profile.make_default": {"access_id": "own_access_id"}}


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
    wrong, cells = [], 0
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
                if got != want:
                    wrong.append(f"{rule.endpoint} {method} as {identity}: expected {want}, got {got} "
                                 f"({response.status_code} {response.headers.get('Location', '')})")
                if rule.endpoint in ("auth.sign_out", "profile.sign_out_other_sessions") or \
                        (rule.endpoint == "auth.sign_in" and identity == "anon"):
                    world.resign_in(identity)
    print(f"access matrix: {cells} cells checked over {len(MATRIX)} endpoint+method rows")
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
