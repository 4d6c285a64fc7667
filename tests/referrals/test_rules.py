"""Referral rules as plain functions: eligibility per type, who a provider accepts, the far-away
flag, Request Dates, the 3-file limit."""
from datetime import date

import pytest
import zipcodes

from webapp.blueprints.referrals import services
from webapp.blueprints.referrals.distance import distance_miles, zip_centroid, zip_for_city
from webapp.models import Member, NetworkProvider

TODAY = date(2026, 12, 1)


def member(plan="Medicaid", born=date(1980, 5, 1), gender="F", eligible_from=date(2025, 1, 1), eligible_to=None):
    return Member(member_id="C1", first_name="Ana", last_name="Diaz", date_of_birth=born, gender=gender,
                  city="Hartford", plan=plan, eligible_from=eligible_from, eligible_to=eligible_to)


def network(min_age=0, max_age=120, genders=""):
    return NetworkProvider(provider_code="X", npi="1234567893", name="X", specialties="Cardiology",
                           address_line1="1 Main St", city="Hartford", state="CT", postal_code="06103",
                           min_age=min_age, max_age=max_age, genders=genders)


@pytest.mark.parametrize("referral_type, plan, allowed", [
    ("medical", "Medicaid", True), ("medical", "Commercial", True), ("medical", "Medicare Advantage", False),
    ("behavioral", "Medicaid", True), ("behavioral", "Commercial", True), ("behavioral", "Medicare Advantage", False),
])
def test_eligibility_per_referral_type_comes_from_the_rules_data(referral_type, plan, allowed):
    problem = services.eligibility_error(referral_type, member(plan=plan), TODAY)
    assert (problem is None) is allowed
    if not allowed:
        assert problem == services.referral_types()[referral_type]["refusal"]


def test_a_member_outside_the_eligibility_dates_or_an_unknown_type_is_refused():
    assert services.eligibility_error("medical", member(eligible_to=date(2026, 11, 30)), TODAY) == \
        "The member is not eligible on this date."
    assert services.eligibility_error("medical", member(eligible_from=date(2026, 12, 2)), TODAY) is not None
    assert services.eligibility_error("dental", member(), TODAY) == "Choose the type of referral."


def test_providers_accept_members_by_age_on_the_day_and_by_gender():
    pediatric = network(max_age=18)
    assert services.accepts_member(pediatric, member(born=date(2008, 12, 1)), TODAY)  # 18 today
    assert not services.accepts_member(pediatric, member(born=date(2007, 11, 30)), TODAY)  # 19
    women = network(genders="F")
    assert services.accepts_member(women, member(gender="F"), TODAY)
    assert not services.accepts_member(women, member(gender="M"), TODAY)
    assert not services.accepts_member(women, member(gender=None), TODAY)
    assert services.accepts_member(network(), member(gender=None), TODAY)


def test_distance_comes_from_shipped_zip_centroids_and_flags_far_providers():
    hartford_to_stamford = distance_miles("06103", "06901")
    assert 60 < hartford_to_stamford < 75
    assert distance_miles("06103", "06103") == 0
    assert services.is_far(hartford_to_stamford, 30)
    assert not services.is_far(distance_miles("06103", "06106"), 30)
    assert not services.is_far(None, 30)  # unknown distance is not called far
    assert zip_centroid("00000") is None and zip_centroid("12ab5") is None and distance_miles("", "06103") is None
    assert zip_for_city("West Hartford", "CT") == "06107"


@pytest.mark.parametrize("priority, request_date, problem", [
    ("routine", TODAY, None),
    ("urgent", TODAY, None),
    ("routine", date(2026, 11, 30), "Only a Retro referral can have a Request Date before today."),
    ("urgent", date(2026, 11, 1), "Only a Retro referral can have a Request Date before today."),
    ("retro", date(2026, 11, 1), None),
    ("retro", TODAY, "A Retro referral is for services already given: change the Request Date to an earlier date."),
    ("retro", date(2025, 11, 30), "A Retro referral can go back at most 365 days."),
    ("retro", date(2026, 12, 2), "The Request Date cannot be in the future."),
    ("routine", date(2026, 12, 2), "The Request Date cannot be in the future."),
    ("routine", None, "Enter the Request Date."),
    ("soon", TODAY, "Choose the Priority."),
])
def test_only_retro_referrals_may_have_an_earlier_request_date(priority, request_date, problem):
    assert services.request_date_error(priority, request_date, TODAY) == problem


def test_a_referral_has_at_most_three_files():
    assert services.attachment_limit_error(0, 3) is None
    assert services.attachment_limit_error(2, 1) is None
    assert services.attachment_limit_error(0, 4) == "A referral can have at most 3 files; you can add 3 more."
    assert services.attachment_limit_error(2, 2) == "A referral can have at most 3 files; you can add 1 more."
    assert services.attachment_limit_error(3, 1) == "A referral can have at most 3 files; remove one before adding another."
    assert services.attachment_limit_error(3, 0) is None


def test_icd_codes_are_found_by_code_start_or_by_every_word_of_the_description():
    assert ("M54.50", "Low back pain, unspecified") in services.find_icd("low back")
    assert [code for code, _ in services.find_icd("M54")] == ["M54.16", "M54.50"]
    assert services.find_icd("   ") == []
    assert services.find_icd("zebra fracture") == []


def test_the_shipped_centroid_file_agrees_with_the_zipcodes_package():
    """data/zip_centroids.csv.gz is derived from the pinned package (scripts/make_zip_centroids.py)."""
    for zip_code in ("06103", "06901", "10001", "94105", "99501", "00501"):
        item = zipcodes.matching(zip_code)[0]
        lat, lon = zip_centroid(zip_code)
        assert abs(lat - float(item["lat"])) < 0.001 and abs(lon - float(item["long"])) < 0.001
