"""Every (template, block) pair the code passes to render_page renders as an htmx fragment."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.accounts_helpers import DETAILS, last_mail, passcode_in
from tests.security.access_matrix import SAMPLE_FORMS
from sqlalchemy import select

from tests.security.world import IDENTITIES, build_world, new_referral_draft
from webapp import htmx
from webapp.blueprints.auth.services import find_user_by_login
from webapp.blueprints.referrals.services import save_referred_provider, save_referring_provider
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import Provider, Referral, ReferralStatus
from webapp.providers.services import active_providers

WEBAPP = Path(__file__).resolve().parent.parent / "webapp"
HX = {"HX-Request": "true"}
# Fragments a plain GET or empty POST does not reach: the request that asks for them.
EXTRA_REQUESTS = [
    ("staff", "POST", "/messages/new?step=choose", {"category": "claims"}),
]


def reach_stateful_fragments(world, request) -> None:
    """Fragments behind a step of a flow: walk the flow as a person would, then ask with HX."""
    app, client = world.app, world.app.test_client()
    assert client.post("/register", data=DETAILS).status_code == 303
    client.post("/register/verify", data={"passcode": passcode_in(last_mail(app, DETAILS["email"]))})
    request(client, "GET", "/register/terms")
    client.post("/register/terms", data={"read_terms": "y"})
    request(client, "GET", "/register/provider?tab=group&name=Sunrise&search=1")
    with app.app_context():
        maria_id = db.session.scalar(select(Provider.id).where(Provider.npi == "1987654328"))
    client.post("/register/provider", data={"pick-provider_id": maria_id, "pick-role": "staff",
                                            "pick-registering_as": "provider"})
    request(client, "GET", "/register/identity")

    # "I need additional access" as the provider: the security questions after the proof.
    client = world.client("staff_other")
    client.post("/additional-access", data={"pick-provider_id": maria_id, "pick-role": "staff",
                                            "pick-registering_as": "provider"})
    client.post("/additional-access/identity", data={"npi": "1987654328", "proof": "tin", "tax_id": "000123456"})
    request(client, "GET", "/additional-access/questions")

    client = world.app.test_client()
    client.post("/forgot-password", data={"email": "loa@harbor.example"})
    client.post("/forgot-password/verify", data={"passcode": passcode_in(last_mail(app, "loa@harbor.example"))})
    request(client, "GET", "/forgot-password/answer")

    client = world.client("staff_other")
    with client.session_transaction() as session:
        session["verified_password"] = session["verified_security"] = time.time()
    request(client, "GET", "/profile/password")
    request(client, "GET", "/profile/security")

    # Submit a Referral, sections 3 and 4: a draft whose earlier sections are saved.
    client = world.client("staff")
    with app.app_context():
        staff = find_user_by_login(IDENTITIES["staff"])
        draft = db.session.get(Referral, new_referral_draft(staff))
        model = db.session.scalar(select(Referral).where(Referral.created_by_id == staff.id,
                                                         Referral.status == ReferralStatus.PENDING))
        assert save_referring_provider(staff, draft, active_providers(staff)[0].id) == {}
        db.session.commit()
        draft_id, referred_id = draft.id, model.referred_provider_id
    request(client, "GET", f"/referrals/drafts/{draft_id}/3")
    with app.app_context():
        draft = db.session.get(Referral, draft_id)
        assert save_referred_provider(draft, referred_id, utcnow_naive().date(), 10 ** 4) == {}
        db.session.commit()
    request(client, "GET", f"/referrals/drafts/{draft_id}/4")

    # Terms and Conditions changed since the person accepted them.
    terms_version = app.config["TERMS_VERSION"]
    app.config["TERMS_VERSION"] = terms_version + "-updated"
    request(client, "GET", "/terms/accept")
    app.config["TERMS_VERSION"] = terms_version


def render_page_pairs() -> set[tuple[str, str]]:
    """(template, block) of every render_page call with a block, found in the source."""
    pairs = set()
    for path in WEBAPP.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for template, block in re.findall(r'render_page\(\s*"([^"]+)",\s*(?:block=)?"([^"]+)"', source):
            pairs.add((template, block))
    return pairs


@pytest.fixture(scope="module")
def world(tmp_path_factory, migrated_database):
    world = build_world(tmp_path_factory.mktemp("fragments"), migrated_database)
    yield world
    with world.app.app_context():
        db.engine.dispose()


def test_the_form_macros_are_globals(app):
    assert {"field", "error_summary"} <= set(app.jinja_env.globals)


def test_every_fragment_renders(world, monkeypatch):
    rendered, errors = set(), []
    original = htmx.render_block

    def recording(template, block, **context):
        html = original(template, block, **context)
        rendered.add((template, block))
        return html

    monkeypatch.setattr(htmx, "render_block", recording)
    world.app.config["PROPAGATE_EXCEPTIONS"] = True  # any template error fails the test
    requests = []
    for rule in world.app.url_map.iter_rules():
        if rule.endpoint in ("static", "auth.sign_out", "profile.sign_out_other_sessions"):
            continue
        url = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(world.args[m.group(1)]), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            requests += [(identity, method, url, SAMPLE_FORMS.get(rule.endpoint, {})) for identity in IDENTITIES]
    requests += EXTRA_REQUESTS

    def request(client, method, url, data=None, who=""):
        try:
            response = client.open(url, method=method, data=data or {}, headers=HX)
        except Exception as error:  # noqa: BLE001 - collected and reported below
            errors.append(f"{method} {url} {who}: {error!r}")
            return
        if response.status_code >= 500:
            errors.append(f"{method} {url} {who}: {response.status_code}")

    for identity, method, url, data in requests:
        request(world.client(identity), method, url, data, f"as {identity}")
    reach_stateful_fragments(world, request)
    assert errors == [], "\n".join(errors[:20])
    missing = sorted(render_page_pairs() - rendered)
    assert missing == [], f"fragments no request reached (add to EXTRA_REQUESTS): {missing}"


def test_register_step_one_with_errors_as_a_fragment(client):
    response = client.post("/register", data={"full_name": "Nora"}, headers=HX)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in page and "Enter your email address." in page
    assert "<html" not in page  # a fragment, not the whole page
