"""Provider organizations: creating them, users' collections (access and the default), search."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from webapp.blueprints.auth.services import create_user
from webapp.extensions import db
from webapp.models import AccessStatus, Provider, ProviderAccess, ProviderKind, Role, User
from webapp.providers import services

PRACTITIONER = dict(kind=ProviderKind.PRACTITIONER, name="Ana Ortiz, DO", first_name="Ana",
                    last_name="Ortiz", npi="1111111112", tax_id="000555111",
                    address_line1="9 Elm Street", city="Hartford", state="CT", postal_code="06103")


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _provider_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Provider))


@pytest.fixture
def newcomer(app_ctx, demo):
    user = create_user(email="new@sunrise.example", first_name="Nia", last_name="Cole", role=Role.STAFF)
    db.session.commit()
    return user


def test_a_provider_is_created_with_a_valid_npi_and_tax_id(app_ctx):
    services.create_provider(**PRACTITIONER)
    db.session.commit()
    stored = services.provider_by_npi("1111111112")
    assert (stored.name, stored.tax_id, stored.address) == \
        ("Ana Ortiz, DO", "000555111", "9 Elm Street, Hartford, CT 06103")


@pytest.mark.parametrize("field, value, message", [
    ("npi", "1111111113", "invalid NPI"),      # wrong check digit
    ("npi", "111111111", "invalid NPI"),       # 9 digits
    ("tax_id", "00055511", "invalid Tax ID"),  # 8 digits
    ("tax_id", "00055511X", "invalid Tax ID"),
])
def test_a_provider_with_a_bad_identifier_is_refused_and_nothing_is_added(app_ctx, field, value, message):
    before = _provider_count()
    with pytest.raises(ValueError, match=message):
        services.create_provider(**{**PRACTITIONER, field: value})
    db.session.commit()
    assert _provider_count() == before


def test_the_first_granted_provider_becomes_the_default_and_later_ones_do_not(app_ctx, newcomer):
    sunrise = services.provider_by_npi("1234567893")
    harbor = services.provider_by_npi("1555555550")
    first = services.grant_access(newcomer, harbor)
    second = services.grant_access(newcomer, sunrise)
    db.session.commit()
    assert (first.status, first.is_default) == (AccessStatus.ACTIVE, True)
    assert (second.status, second.is_default) == (AccessStatus.ACTIVE, False)
    assert services.default_access(newcomer).provider.name == "Harbor Pediatrics"
    # the default first, then by name
    assert [p.name for p in services.active_providers(newcomer)] == \
        ["Harbor Pediatrics", "Sunrise Family Medical Group"]
    assert services.active_provider_ids(newcomer) == [harbor.id, sunrise.id]


def test_granting_a_pending_request_activates_that_request(app_ctx, newcomer):
    harbor = services.provider_by_npi("1555555550")
    pending = ProviderAccess(user=newcomer, provider=harbor, status=AccessStatus.PENDING)
    db.session.add(pending)
    db.session.commit()
    assert services.active_providers(newcomer) == []  # pending gives no access
    approver = _user("loa@harbor.example")
    granted = services.grant_access(newcomer, harbor, decided_by=approver)
    db.session.commit()
    assert granted.id == pending.id and granted.decided_by == approver
    assert db.session.scalar(select(func.count()).select_from(ProviderAccess)
                             .where(ProviderAccess.user_id == newcomer.id)) == 1
    assert [p.name for p in services.active_providers(newcomer)] == ["Harbor Pediatrics"]


def test_a_rejected_request_gives_no_access(app_ctx, newcomer):
    harbor = services.provider_by_npi("1555555550")
    db.session.add(ProviderAccess(user=newcomer, provider=harbor, status=AccessStatus.REJECTED))
    db.session.commit()
    assert services.active_providers(newcomer) == [] and services.default_access(newcomer) is None


def test_practitioners_are_found_by_the_start_of_their_names_in_any_case(app_ctx, demo):
    found = services.search_providers(ProviderKind.PRACTITIONER, first_name="mar", last_name="LOP")
    assert [p.name for p in found] == ["Maria Lopez, MD"]
    assert services.search_providers(ProviderKind.PRACTITIONER, last_name="opez") == []
    assert services.search_providers(ProviderKind.PRACTITIONER) == []  # no name: no list of all


def test_groups_are_found_by_any_part_of_their_name_or_by_tax_id(app_ctx, demo):
    assert [p.name for p in services.search_providers(ProviderKind.GROUP, name="pediatr")] == \
        ["Harbor Pediatrics"]
    by_tax_id = services.search_providers(ProviderKind.GROUP, tax_id="000123456")
    assert [p.name for p in by_tax_id] == ["Sunrise Family Medical Group"]  # not the practitioner
    assert services.search_providers(ProviderKind.GROUP) == []


@pytest.mark.parametrize("typed", ["%", "_", "\\", "Sunrise%Group"])
def test_wildcards_typed_in_a_name_are_plain_characters(app_ctx, demo, typed):
    assert services.search_providers(ProviderKind.GROUP, name=typed) == []
