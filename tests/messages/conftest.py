"""Helpers for Message Center tests: demo claims, a started thread, uploads."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Claim, Member

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdfs(count: int, prefix: str = "doc"):
    return [(io.BytesIO(PDF), f"{prefix}{i}.pdf") for i in range(1, count + 1)]


def claim_of(app, tax_id: str) -> tuple[int, str]:
    with app.app_context():
        claim = db.session.scalar(select(Claim).where(Claim.tax_id == tax_id).order_by(Claim.id))
        return claim.id, claim.claim_number


def member_of(app, prefix: str) -> tuple[int, str]:
    with app.app_context():
        member = db.session.scalar(select(Member).where(Member.member_id.like(prefix + "%")).order_by(Member.id))
        return member.id, member.member_id


def ask_about_claim(client, claim_number: str, **extra) -> object:
    data = {"category": "claims", "subcategory": "claim-question", "claim_number": claim_number,
            "subject": "Why was this paid at this amount?", "body": "Please explain the payment."}
    data.update(extra)
    return client.post("/messages/new", data=data, content_type="multipart/form-data")


def thread_id_from(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


@pytest.fixture
def sunrise_claim(demo, app):
    return claim_of(app, "000123456")


@pytest.fixture
def harbor_claim(demo, app):
    return claim_of(app, "000987654")
