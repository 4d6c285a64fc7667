"""Claims and members: searches see only the user's Tax IDs; other organizations' records are 404."""
from __future__ import annotations

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import AuditEvent, Claim, ClaimStatus, Member


def first_claim(app, tax_id, **where):
    with app.app_context():
        query = select(Claim).where(Claim.tax_id == tax_id).order_by(Claim.id)
        for key, value in where.items():
            query = query.where(getattr(Claim, key) == value)
        claim = db.session.scalar(query)
        return claim.id, claim.claim_number, claim.member_id


def test_claim_number_search_finds_own_claims_only(signed_in, app):
    client = signed_in("staff@sunrise.example")
    _, own_number, _ = first_claim(app, "000123456")
    _, harbor_number, _ = first_claim(app, "000987654")
    page = client.post("/claims", data={"claim_number": own_number}).get_data(as_text=True)
    assert own_number in page and "Claim Search Results" in page
    page = client.post("/claims", data={"claim_number": harbor_number}).get_data(as_text=True)
    assert "No claims match this search." in page


def test_date_search_by_paid_date_and_status_is_scoped(signed_in, app):
    client = signed_in("staff@harbor.example")
    response = client.post("/claims", data={"date_from": "2026-01-01", "date_to": "2026-12-31",
                                            "date_type": "paid", "status": "check_pending"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    with app.app_context():
        harbor = db.session.scalars(select(Claim).where(Claim.tax_id == "000987654",
                                                        Claim.status == ClaimStatus.CHECK_PENDING)).all()
        sunrise = db.session.scalars(select(Claim).where(Claim.tax_id == "000123456")).all()
        assert harbor and all(c.claim_number in page for c in harbor)
        assert not any(f">{c.claim_number}<" in page for c in sunrise)


def test_a_search_without_claim_number_or_dates_is_422(signed_in):
    client = signed_in("staff@sunrise.example")
    response = client.post("/claims", data={"status": ""})
    assert response.status_code == 422
    assert "Enter a Claim #, or a date range" in response.get_data(as_text=True)


def test_claim_page_shows_ask_a_question_is_audited_and_other_orgs_get_404(signed_in, app):
    client = signed_in("staff@sunrise.example")
    own_id, own_number, _ = first_claim(app, "000123456")
    harbor_id, _, _ = first_claim(app, "000987654")
    page = client.get(f"/claims/{own_id}").get_data(as_text=True)
    assert own_number in page and "Ask a Question" in page
    assert client.get(f"/claims/{harbor_id}").status_code == 404
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "claim.view")).all()
        assert [(e.object_type, e.object_id) for e in events] == [("claim", str(own_id))]


def test_member_search_and_page_are_scoped(signed_in, app):
    client = signed_in("staff@sunrise.example")
    with app.app_context():
        own = db.session.scalar(select(Member).where(Member.member_id.like("C1%")).order_by(Member.id))
        other = db.session.scalar(select(Member).where(Member.member_id.like("C2%")).order_by(Member.id))
        own_pk, own_id, own_last, own_dob = own.id, own.member_id, own.last_name, own.date_of_birth
        other_pk, other_id = other.id, other.member_id
    assert own_id in client.post("/members", data={"member_id": own_id}).get_data(as_text=True)
    page = client.post("/members", data={"name": own_last, "date_of_birth": own_dob.isoformat()}).get_data(as_text=True)
    assert own_id in page
    assert "No members match" in client.post("/members", data={"member_id": other_id}).get_data(as_text=True)
    response = client.post("/members", data={"name": own_last})
    assert response.status_code == 422 and "also enter the Date of Birth or the City" in response.get_data(as_text=True)
    page = client.get(f"/members/{own_pk}").get_data(as_text=True)
    assert "Send a Comment or Question" in page and "Claims History" in page
    assert client.get(f"/members/{other_pk}").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.view")).object_id == str(own_pk)


def test_member_ids_and_claim_numbers_stay_out_of_urls(signed_in, app):
    client = signed_in("staff@sunrise.example")
    own_id, own_number, _ = first_claim(app, "000123456")
    page = client.post("/claims", data={"claim_number": own_number}).get_data(as_text=True)
    assert f'href="/claims/{own_id}"' in page
    assert 'method="post" action="/claims"' in page


def test_an_htmx_search_swaps_only_the_search_block(signed_in, app):
    client = signed_in("staff@sunrise.example")
    _, own_number, _ = first_claim(app, "000123456")
    fragment = client.post("/claims", data={"claim_number": own_number},
                           headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.strip().startswith('<div id="claim-search">') and own_number in fragment
    fragment = client.post("/members", data={"name": "x"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 422 and fragment.get_data(as_text=True).strip().startswith('<div id="member-search">')


def test_members_assigned_to_a_provider_of_the_organization_are_visible_without_claims(signed_in, app):
    from webapp.blueprints.claims.services import import_members

    with app.app_context():
        import_members("member_id,first_name,last_name,date_of_birth,gender,city,plan,eligible_from,eligible_to,pcp_npi\n"
                       "N1,Nia,New,2001-01-01,F,Hartford,Medicaid,,,1987654328\n")
        db.session.commit()  # the importer leaves the commit to its caller
        pk = db.session.scalar(select(Member.id).where(Member.member_id == "N1"))
    client = signed_in("staff@sunrise.example")
    page = client.get(f"/members/{pk}")
    assert page.status_code == 200 and "Nia" in page.get_data(as_text=True)
    client.post("/sign-out")
    client.post("/sign-in", data={"login": "staff@harbor.example", "password": "Demo!Pass2026"})
    assert client.get(f"/members/{pk}").status_code == 404
