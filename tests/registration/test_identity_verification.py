"""Identity verification at registration and for "I need additional access": every proof (SSN last
four, TIN, two recent claims) right, wrong and throttled; as the provider (access at once) and on
behalf of the provider (the provider approves by the emailed link, confirming their own identity);
"Replace current SAA" / "Cancel to start over"."""
from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.accounts_helpers import (DETAILS, NEW_PASSWORD, SUNRISE_PROOF, body, last_mail, link_in, mails,
                                    passcode_in, register_until_submitted)
from tests.conftest import sign_in
from webapp.blueprints.account.questions import set_security_answers
from webapp.blueprints.auth.services import create_user
from webapp.extensions import db
from webapp.models import (AccessStatus, Claim, IdentityProofThrottle, Provider, ProviderAccess, Registration, Role,
                           User, UserStatus)
from webapp.providers import identity
from webapp.providers.identity import CLAIMS, SSN, TIN, IdentityProof
from webapp.providers.services import provider_by_npi

NOW = "2026-12-01 15:00:00+00:00"
TODAY = date(2026, 12, 1)
MARIA_NPI = "1987654328"
SUNRISE_NPI = "1234567893"
QUESTIONS = {"question_1": "first_pet", "answer_1": "Biscuit", "question_2": "first_school",
             "answer_2": "Lincoln Elementary"}
NO_MATCH = "The details you entered do not match what we have on file for this provider."


@pytest.fixture(autouse=True)
def frozen_clock():
    """The demo claims are of 2026: "the last 12 months" is counted from this day."""
    with time_machine.travel(NOW, tick=False):
        yield


def _recent_claims(npi: str, count: int = 2) -> list[Claim]:
    return list(db.session.scalars(select(Claim).where(Claim.provider_npi == npi, Claim.service_from <= TODAY)
                                   .order_by(Claim.service_from.desc(), Claim.claim_number).limit(count)))


def _claims_form(claims: list[Claim], **changes) -> dict:
    data = {"npi": claims[0].provider_npi, "proof": "claims", "provider_email": "mlopez@sunrise.example",
            "claim_1_number": claims[0].claim_number, "claim_1_billed": f"{claims[0].billed_cents / 100:.2f}",
            "claim_2_number": claims[1].claim_number, "claim_2_billed": f"${claims[1].billed_cents / 100:,.2f}"}
    data.update(changes)
    return data


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _access(email, npi) -> ProviderAccess | None:
    return db.session.scalar(select(ProviderAccess).join(User, User.id == ProviderAccess.user_id)
                             .join(Provider, Provider.id == ProviderAccess.provider_id)
                             .where(User.email == email, Provider.npi == npi))


def _to_identity_step(app, client, *, provider_name="Maria Lopez, MD", tab="practitioner", tax_id="000123456",
                      registering_as="provider", role="staff"):
    """Steps 1-4 (details, passcode, terms, provider and role); returns where step 4 led."""
    client.post("/register", data=DETAILS)
    client.post("/register/verify", data={"passcode": passcode_in(last_mail(app, DETAILS["email"]))})
    client.post("/register/terms", data={"read_terms": "y"})
    query = f"tab={tab}&tax_id={tax_id}&search=1"
    page = client.get(f"/register/provider?{query}").get_data(as_text=True)
    provider_id = re.search(r'value="(\d+)"[^>]*> <label for="provider-\d+">' + re.escape(provider_name), page).group(1)
    response = client.post(f"/register/provider?{query}", data={
        "pick-provider_id": provider_id, "pick-registering_as": registering_as, "pick-role": role})
    assert response.status_code == 303
    return response.headers["Location"]


# --- the proof rules (services) ------------------------------------------------------------------

def test_only_a_keyed_hash_of_the_ssn_last_four_is_stored(app_ctx, demo):
    maria = provider_by_npi(MARIA_NPI)
    key = identity.identity_hash_key(app_ctx.config)
    assert maria.ssn_last4_hmac and "6789" not in maria.ssn_last4_hmac
    assert maria.ssn_last4_hmac == identity.ssn_last4_digest(MARIA_NPI, "6789", hash_key=key)
    assert identity.ssn_last4_digest(SUNRISE_NPI, "6789", hash_key=key) != maria.ssn_last4_hmac  # salted by the NPI
    app_ctx.config["IDENTITY_HASH_KEY"] = "another key"
    other_key = identity.identity_hash_key(app_ctx.config)
    assert identity.ssn_last4_digest(MARIA_NPI, "6789", hash_key=other_key) != maria.ssn_last4_hmac  # keyed
    with pytest.raises(ValueError):
        identity.set_ssn_last4(provider_by_npi(SUNRISE_NPI), "1234", hash_key=key)  # a group has no SSN


@pytest.mark.parametrize("proof, on_behalf, right", [
    (IdentityProof(MARIA_NPI, SSN, ssn_last4="6789"), False, True),
    (IdentityProof(MARIA_NPI, SSN, ssn_last4="6788"), False, False),
    (IdentityProof(MARIA_NPI, TIN, tax_id="000123456"), False, True),
    (IdentityProof(MARIA_NPI, TIN, tax_id="000123457"), False, False),
    (IdentityProof(SUNRISE_NPI, SSN, ssn_last4="6789"), False, False),  # the wrong NPI
    (IdentityProof(MARIA_NPI, SSN, ssn_last4="6789", provider_email="MLOPEZ@sunrise.example "), True, True),
    (IdentityProof(MARIA_NPI, SSN, ssn_last4="6789", provider_email="someone@else.example"), True, False),
    (IdentityProof(MARIA_NPI, CLAIMS, claims=[]), False, False),  # claims are for "on behalf" only
])
def test_ssn_and_tin_proofs(app_ctx, demo, proof, on_behalf, right):
    maria = provider_by_npi(MARIA_NPI)
    key = identity.identity_hash_key(app_ctx.config)
    assert identity.proof_matches(maria, proof, on_behalf=on_behalf, today=TODAY, hash_key=key) is right


def test_two_recent_claims_of_that_npi_with_their_billed_amounts(app_ctx, demo):
    maria = provider_by_npi(MARIA_NPI)
    first, second = _recent_claims(MARIA_NPI)
    right = [(first.claim_number, first.billed_cents), (second.claim_number, second.billed_cents)]

    def matches(claims, today=TODAY):
        proof = IdentityProof(MARIA_NPI, CLAIMS, claims=claims, provider_email="mlopez@sunrise.example")
        return identity.proof_matches(maria, proof, on_behalf=True, today=today,
                                      hash_key=identity.identity_hash_key(app_ctx.config))

    assert matches(right)
    assert not matches([right[0], (second.claim_number, second.billed_cents + 1)])  # a wrong amount
    assert not matches([right[0], right[0]])  # the same claim twice
    sunrise_claim = _recent_claims(SUNRISE_NPI, 1)[0]
    assert not matches([right[0], (sunrise_claim.claim_number, sunrise_claim.billed_cents)])  # another NPI's
    assert not matches(right, today=date(2028, 1, 1))  # no longer in the last 12 months


def _check(proof: IdentityProof, applicant: str, config) -> identity.ProofCheck:
    """As the registration route checks: settings built from the app's config."""
    return identity.check_identity(provider_by_npi(MARIA_NPI), proof, applicant=applicant, on_behalf=False,
                                   today=TODAY, settings=identity.IdentitySettings.from_config(config))


def test_refusals_are_counted_and_lock_like_passcodes(app_ctx, demo):
    wrong = IdentityProof(MARIA_NPI, SSN, ssn_last4="0000")
    right = IdentityProof(MARIA_NPI, SSN, ssn_last4="6789")
    checks = [_check(wrong, "registration:1", app_ctx.config)
              for _ in range(5)]
    assert [c.tries_left for c in checks[:4]] == [4, 3, 2, 1]
    assert checks[-1].locked_minutes == 30 and "locked" in checks[-1].message
    assert "SSN" not in checks[0].message and "NPI" not in checks[0].message  # never which part
    # while locked, even the right proof is refused (and counted)
    assert not _check(right, "registration:1", app_ctx.config).ok
    # another applicant is not locked out by the first one's tries
    assert _check(right, "registration:2", app_ctx.config).ok
    keys = set(db.session.scalars(select(IdentityProofThrottle.key)))
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys)  # hashes only, no ids or NPIs
    with time_machine.travel("2026-12-01 15:31:00+00:00", tick=False):
        assert _check(right, "registration:1", app_ctx.config).ok


def test_many_applicants_guessing_one_provider_lock_that_provider(app_ctx, demo):
    app_ctx.config["IDENTITY_PROOF_MAX_PER_PROVIDER"] = 6
    wrong = IdentityProof(MARIA_NPI, SSN, ssn_last4="0000")
    for number in range(6):
        check = _check(wrong, f"registration:{number}", app_ctx.config)
    assert check.locked_minutes
    right = IdentityProof(MARIA_NPI, SSN, ssn_last4="6789")
    assert not _check(right, "registration:99", app_ctx.config).ok


# --- the two ways in ------------------------------------------------------------------------------

def test_register_here_offers_the_two_ways_in(client, demo):
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'href="/register/choose"' in page
    page = client.get("/register/choose").get_data(as_text=True)
    assert ">I need additional access</button>" in page and ">Continue with registration</button>" in page
    assert 'action="/additional-access"' in page and 'action="/register"' in page
    response = client.get("/additional-access")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


# --- registration as the provider -----------------------------------------------------------------

def test_as_the_provider_with_ssn_last_four_access_is_ready_at_once(app, client, demo):
    assert _to_identity_step(app, client) == "/register/identity"
    page = client.get("/register/identity").get_data(as_text=True)
    assert "Two recent claims" not in page  # the provider proves with SSN or TIN
    response = client.post("/register/identity", data={"npi": MARIA_NPI, "proof": "ssn", "ssn_last4": "6789"})
    assert response.headers["Location"] == "/register/submit"
    page = client.get("/register/submit").get_data(as_text=True)
    assert "Last four digits of the SSN" in page and "6789" not in page and "ready at once" in page
    response = client.post("/register/submit")
    assert response.headers["Location"] == "/credentials/password"
    with app.app_context():
        assert _access("nora.quinn@example.com", MARIA_NPI).status is AccessStatus.ACTIVE
        assert _access("nora.quinn@example.com", MARIA_NPI).identity_proof == "ssn"
    assert mails(app, "mlopez@sunrise.example") == []  # nobody else approves
    ready = last_mail(app, "nora.quinn@example.com")
    assert "ready" in str(ready["Subject"]) and link_in(ready).startswith("/credentials/")
    assert body(ready).count("http://") == 1 and app.config["PUBLIC_BASE_URL"] in body(ready)

    response = client.post("/credentials/password", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/credentials/questions"
    assert client.post("/credentials/questions", data=QUESTIONS).headers["Location"] == "/sign-in"
    assert sign_in(client, "nora.quinn@example.com", NEW_PASSWORD).status_code == 303
    with app.app_context():
        assert _user("nora.quinn@example.com").status is UserStatus.ACTIVE


def test_as_the_provider_a_wrong_proof_says_not_which_part_and_locks(app, client, demo):
    _to_identity_step(app, client)
    response = client.post("/register/identity", data={"npi": MARIA_NPI, "proof": "ssn", "ssn_last4": "1111"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and NO_MATCH in page and "4 tries left" in page
    assert 'value="1111"' not in page  # the SSN digits are never shown back
    response = client.post("/register/identity", data={"npi": SUNRISE_NPI, "proof": "tin", "tax_id": "000123456"})
    assert NO_MATCH in response.get_data(as_text=True)  # a right TIN with the wrong NPI: same message
    for _ in range(3):
        response = client.post("/register/identity", data={"npi": MARIA_NPI, "proof": "ssn", "ssn_last4": "1111"})
    assert response.status_code == 429 and "try again in 30 minutes" in response.get_data(as_text=True)
    response = client.post("/register/identity", data={"npi": MARIA_NPI, "proof": "ssn", "ssn_last4": "6789"})
    assert response.status_code == 429  # locked: the right proof waits too
    assert client.get("/register/submit").headers["Location"] == "/register/identity"
    with app.app_context():
        assert db.session.scalar(select(Registration)).identity_verified_at is None


@pytest.mark.parametrize("data, field, message", [
    ({"npi": "1234567890", "proof": "ssn", "ssn_last4": "6789"}, "npi", "Enter the 10-digit NPI"),
    ({"npi": MARIA_NPI, "proof": "ssn", "ssn_last4": ""}, "ssn_last4", "Enter the last four digits of the SSN."),
    ({"npi": MARIA_NPI, "proof": "ssn", "ssn_last4": "67a9"}, "ssn_last4", "last four digits of the SSN, like"),
    ({"npi": MARIA_NPI, "proof": "tin", "tax_id": "12345"}, "tax_id", "exactly 9 digits"),
    ({"npi": MARIA_NPI, "proof": "claims"}, "proof", "Not a valid choice"),
])
def test_field_errors_are_next_to_the_field_and_count_no_try(app, client, demo, data, field, message):
    _to_identity_step(app, client)
    response = client.post("/register/identity", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and 'class="error-summary"' in page
    assert re.search(rf'id="{field}(-error)?"[^>]*>[^<]*{re.escape(message)}', page)
    with app.app_context():
        assert db.session.scalar(select(IdentityProofThrottle)) is None


# --- registration on behalf of the provider -----------------------------------------------------

def test_on_behalf_with_two_recent_claims_the_provider_approves_by_link(app, client, demo):
    assert _to_identity_step(app, client, registering_as="behalf") == "/register/identity"
    with app.app_context():
        claims = _recent_claims(MARIA_NPI)
    response = client.post("/register/identity", data=_claims_form(claims, provider_email="other@sunrise.example"))
    assert response.status_code == 422 and NO_MATCH in response.get_data(as_text=True)  # not the address on file
    response = client.post("/register/identity", data=_claims_form(claims, claim_2_billed="1.00"))
    assert response.status_code == 422 and NO_MATCH in response.get_data(as_text=True)
    response = client.post("/register/identity", data=_claims_form(claims))
    assert response.headers["Location"] == "/register/submit"
    assert "Two recent claims" in client.get("/register/submit").get_data(as_text=True)
    page = client.post("/register/submit", follow_redirects=True).get_data(as_text=True)
    assert "by email to the address the health plan has on file" in page

    request_mail = last_mail(app, "mlopez@sunrise.example")
    text = body(request_mail)
    assert claims[0].claim_number not in text and "Nora Quinn" in text  # no claim details in the mail
    link = link_in(request_mail)
    assert text.count(app.config["PUBLIC_BASE_URL"] + "/access-requests/decide/") == 1
    page = client.get(link).get_data(as_text=True)
    assert "Two recent claims" in page and "Last four digits of your SSN" in page
    response = client.post(link, data={"approve": "Approve"})
    assert response.status_code == 422 and "Enter the last four digits of your SSN." in response.get_data(as_text=True)
    response = client.post(link, data={"approve": "Approve", "ssn_last4": "1234"})
    assert response.status_code == 422 and "do not match what we have on file for you" in response.get_data(as_text=True)
    with app.app_context():
        assert _access("nora.quinn@example.com", MARIA_NPI).status is AccessStatus.PENDING
    response = client.post(link, data={"approve": "Approve", "ssn_last4": "6789"})
    assert response.status_code == 200 and "approved" in response.get_data(as_text=True)
    with app.app_context():
        access = _access("nora.quinn@example.com", MARIA_NPI)
        assert access.status is AccessStatus.ACTIVE and access.identity_proof == "claims" and access.on_behalf
    assert "/credentials/" in link_in(last_mail(app, "nora.quinn@example.com"))


def test_the_provider_with_an_account_answers_their_security_questions_to_approve(app, client, demo):
    with app.app_context():
        provider_user = create_user(email="mlopez@sunrise.example", first_name="Maria", last_name="Lopez",
                                    role=Role.STAFF, password=NEW_PASSWORD)
        db.session.flush()
        set_security_answers(provider_user, [("first_car", "Volvo"), ("first_job", "Lifeguard")])
        db.session.commit()
    register_until_submitted(app, client, tab="practitioner", provider_name="Maria Lopez, MD", proof={
        "npi": MARIA_NPI, "proof": "tin", "tax_id": "000123456", "provider_email": "mlopez@sunrise.example"})
    link = link_in(last_mail(app, "mlopez@sunrise.example"))
    page = client.get(link).get_data(as_text=True)
    assert "What was the make of your first car?" in page and "What was your first job?" in page
    answers = {"approve": "Approve", "answer_1": "volvo", "answer_2": "Pilot"}
    response = client.post(link, data=answers)
    assert response.status_code == 422 and "do not match" in response.get_data(as_text=True)
    response = client.post(link, data={**answers, "answer_2": " LIFEGUARD "})
    assert response.status_code == 200 and "approved" in response.get_data(as_text=True)


def test_the_provider_may_reject_without_proving_anything(app, client, demo):
    register_until_submitted(app, client, tab="practitioner", provider_name="Maria Lopez, MD", proof={
        "npi": MARIA_NPI, "proof": "tin", "tax_id": "000123456", "provider_email": "mlopez@sunrise.example"})
    link = link_in(last_mail(app, "mlopez@sunrise.example"))
    response = client.post(link, data={"reject": "Reject"})
    assert response.status_code == 200 and "rejected" in response.get_data(as_text=True)
    with app.app_context():
        assert _access("nora.quinn@example.com", MARIA_NPI).status is AccessStatus.REJECTED


# --- the administrator role ---------------------------------------------------------------------

def test_administrator_role_where_one_exists_replace_or_cancel_to_start_over(app, client, demo):
    where = _to_identity_step(app, client, provider_name="Sunrise Family Medical Group", tab="group",
                              registering_as="behalf", role="administrator")
    assert where == "/register/administrator"
    page = client.get("/register/identity", follow_redirects=True).get_data(as_text=True)
    assert "Replace current SAA" in page and "Cancel to start over" in page  # no proof before choosing
    response = client.post("/register/administrator", data={"cancel": "Cancel to start over"})
    assert response.headers["Location"] == "/register/provider"
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        assert registration.provider is None and not registration.wants_administrator

    page = client.get("/register/provider?tab=group&tax_id=000123456&search=1").get_data(as_text=True)
    provider_id = re.search(r'value="(\d+)"[^>]*> <label for="provider-\d+">Sunrise', page).group(1)
    client.post("/register/provider?tab=group&tax_id=000123456&search=1", data={
        "pick-provider_id": provider_id, "pick-registering_as": "behalf", "pick-role": "administrator"})
    response = client.post("/register/administrator", data={"replace": "Replace current SAA"})
    assert response.headers["Location"] == "/register/identity"
    assert client.post("/register/identity", data=SUNRISE_PROOF).headers["Location"] == "/register/submit"
    client.post("/register/submit")
    assert "in your place" in body(last_mail(app, "loa@sunrise.example"))

    sign_in(client, "loa@sunrise.example")
    with app.app_context():
        access_id = _access("nora.quinn@example.com", SUNRISE_NPI).id
    page = client.get(f"/access-requests/{access_id}").get_data(as_text=True)
    assert "replacing the current administrator" in page and "in your place" in page
    assert client.post(f"/access-requests/{access_id}", data={"approve": "Approve"}).status_code == 303
    with app.app_context():
        sunrise = provider_by_npi(SUNRISE_NPI)
        assert sunrise.administrator.email == "nora.quinn@example.com"
        assert _user("loa@sunrise.example").role is Role.STAFF


def test_administrator_role_where_none_exists_is_granted_with_the_access(app, client, demo):
    where = _to_identity_step(app, client, role="administrator")  # Maria Lopez has no administrator
    assert where == "/register/identity"
    client.post("/register/identity", data={"npi": MARIA_NPI, "proof": "tin", "tax_id": "000123456"})
    client.post("/register/submit")
    with app.app_context():
        maria = provider_by_npi(MARIA_NPI)
        assert maria.administrator.email == "nora.quinn@example.com"
        assert _user("nora.quinn@example.com").role is Role.LOCAL_OFFICE_ADMIN


# --- "I need additional access" (signed in) -----------------------------------------------------

def _pick_for_additional_access(client, *, registering_as="provider", role="staff", query="tab=practitioner&last_name=Lopez&first_name=Maria&search=1"):
    page = client.get(f"/additional-access?{query}").get_data(as_text=True)
    provider_id = re.search(r'value="(\d+)"[^>]*> <label for="provider-\d+">', page).group(1)
    return client.post(f"/additional-access?{query}", data={
        "pick-provider_id": provider_id, "pick-registering_as": registering_as, "pick-role": role})


def test_additional_access_as_the_provider_then_security_questions_then_access_at_once(app, signed_in):
    client = signed_in("staff@harbor.example")
    assert _pick_for_additional_access(client).headers["Location"] == "/additional-access/identity"
    response = client.post("/additional-access/identity", data={"npi": MARIA_NPI, "proof": "ssn", "ssn_last4": "6789"})
    assert response.headers["Location"] == "/additional-access/questions"
    page = client.get("/additional-access/questions").get_data(as_text=True)
    assert "What was the name of your first pet?" in page
    response = client.post("/additional-access/questions", data={"answer_1": "Rex", "answer_2": "Washington"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "do not match your security answers" in page and "4 tries left" in page
    with app.app_context():
        assert _access("staff@harbor.example", MARIA_NPI) is None
    response = client.post("/additional-access/questions", data={"answer_1": " rex", "answer_2": "LINCOLN"})
    assert response.headers["Location"] == "/profile/collections"
    with app.app_context():
        access = _access("staff@harbor.example", MARIA_NPI)
        assert access.status is AccessStatus.ACTIVE and not access.on_behalf and access.identity_proof == "ssn"
    assert "is now active in your collection" in client.get("/profile/collections").get_data(as_text=True)


def test_additional_access_security_answers_are_throttled(app, signed_in):
    client = signed_in("staff@harbor.example")
    _pick_for_additional_access(client)
    client.post("/additional-access/identity", data={"npi": MARIA_NPI, "proof": "tin", "tax_id": "000123456"})
    for _ in range(5):
        response = client.post("/additional-access/questions", data={"answer_1": "Fido", "answer_2": "Elm"})
    assert response.status_code == 429
    response = client.post("/additional-access/questions", data={"answer_1": "Rex", "answer_2": "Lincoln"})
    assert response.status_code == 429 and "locked" in response.get_data(as_text=True)
    with app.app_context():
        assert _access("staff@harbor.example", MARIA_NPI) is None


def test_additional_access_wrong_proof_is_refused_and_throttled(app, signed_in):
    client = signed_in("staff@harbor.example")
    _pick_for_additional_access(client)
    for _ in range(5):
        response = client.post("/additional-access/identity", data={"npi": MARIA_NPI, "proof": "ssn", "ssn_last4": "1234"})
    assert response.status_code == 429 and "locked" in response.get_data(as_text=True)
    assert client.get("/additional-access/questions").headers["Location"] == "/additional-access"


def test_additional_access_on_behalf_with_claims_waits_for_the_provider(app, signed_in):
    client = signed_in("staff@harbor.example")
    _pick_for_additional_access(client, registering_as="behalf")
    with app.app_context():
        claims = _recent_claims(MARIA_NPI)
    response = client.post("/additional-access/identity", data=_claims_form(claims))
    assert response.headers["Location"] == "/profile/collections"
    with app.app_context():
        access = _access("staff@harbor.example", MARIA_NPI)
        assert access.status is AccessStatus.PENDING and access.identity_proof == "claims"
    link = link_in(last_mail(app, "mlopez@sunrise.example"))
    assert app.test_client().post(link, data={"approve": "Approve", "ssn_last4": "6789"}).status_code == 200
    with app.app_context():
        assert _access("staff@harbor.example", MARIA_NPI).status is AccessStatus.ACTIVE


def test_additional_access_is_for_office_users_only(signed_in):
    client = signed_in("agent@plan.example")
    assert client.get("/additional-access").status_code == 404


# --- any input -------------------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60) | st.sampled_from(
    ["", " ", "0" * 5000, "1987654328", "6789", "1e309", "NaN", "-1", "99999999999999999999.99", "$,.", "\x00"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.fixed_dictionaries({name: ANY_TEXT for name in (
    "npi", "proof", "ssn_last4", "tax_id", "claim_1_number", "claim_1_billed", "claim_2_number", "claim_2_billed",
    "provider_email")}))
def test_no_input_to_the_identity_step_is_a_crash(app, signed_in, data):
    client = signed_in("staff@harbor.example")
    _pick_for_additional_access(client, registering_as="behalf")
    response = client.post("/additional-access/identity", data=data)
    assert response.status_code in (303, 422, 429), response.status_code
    if response.status_code == 422:
        assert 'class="error-summary"' in response.get_data(as_text=True)
