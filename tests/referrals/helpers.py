"""Steps through Submit a Referral with the test client (forms posted as a browser posts them)."""
from __future__ import annotations

import re

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Member, NetworkProvider, Provider, Referral


def ids(app, member_id="C10000001", provider_code="CT-300411", referring_npi="1234567893"):
    with app.app_context():
        return (db.session.scalar(select(Member.id).where(Member.member_id == member_id)),
                db.session.scalar(select(NetworkProvider.id).where(NetworkProvider.provider_code == provider_code)),
                db.session.scalar(select(Provider.id).where(Provider.npi == referring_npi)))


def draft_id_from(response) -> int:
    return int(re.search(r"/referrals/drafts/(\d+)/", response.headers["Location"]).group(1))


def medical_form(**overrides) -> dict:
    form = {"priority": "routine", "request_date": overrides.pop("today"), "service_date": overrides.pop("service_date"),
            "place_of_service": "11", "services-0-cpt": "93306", "services-0-units": "1",
            "icd_codes": ["R00.2"], "clinical_indications": "Palpitations for three weeks.", "next": "Next"}
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def start_draft(client, app, member_id="C10000001"):
    member_pk, _, _ = ids(app, member_id=member_id)
    response = client.post("/referrals/new", data={"referral_type": "medical", "member_query": member_id,
                                                   "member": member_pk, "member_zip": "", "next": "Next"})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return draft_id_from(response)


def fill_to_review(client, app, today: str, service_date: str, member_id="C10000001"):
    draft = start_draft(client, app, member_id)
    _, network_pk, referring_pk = ids(app, member_id=member_id)
    base = f"/referrals/drafts/{draft}"
    assert client.post(f"{base}/2", data={"referring_provider": referring_pk, "next": "Next"}).status_code == 303
    assert client.post(f"{base}/3", data={"provider_query": "cardio", "referred_provider": network_pk,
                                          "next": "Next"}).status_code == 303
    response = client.post(f"{base}/4", data=medical_form(today=today, service_date=service_date))
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    assert client.post(f"{base}/5", data={"next": "Next"}).status_code == 303
    return draft


def referral(app, referral_id) -> Referral:
    return db.session.get(Referral, referral_id)
