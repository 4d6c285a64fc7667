"""No 500 from odd input on the referral pages: huge ids, text for numbers, files for text."""
from __future__ import annotations

import io

import pytest
import time_machine

from tests.referrals.helpers import fill_to_review, start_draft

HUGE = "99999999999999999999999"


@time_machine.travel("2026-12-01 15:00:00+00:00", tick=False)
def test_odd_values_get_a_message_not_an_error(signed_in, demo):
    client = signed_in("staff@sunrise.example")
    odd = client.post("/referrals/new", data={"referral_type": "x", "member": HUGE, "member_zip": "ab",
                                               "next": "Next"})
    assert odd.status_code == 422 and "Choose the type of referral." in odd.get_data(as_text=True)
    text_member = client.post("/referrals/new", data={"referral_type": "medical", "member": "abc", "next": "Next"})
    assert text_member.status_code == 422
    bad_zip = client.post("/referrals/new", data={"referral_type": "medical", "member_query": "C10000001",
                                                  "member": "1", "member_zip": "00000", "next": "Next"})
    assert bad_zip.status_code == 422
    draft = fill_to_review(client, demo, "2026-12-01", "2026-12-08")
    base = f"/referrals/drafts/{draft}"
    assert client.post(f"{base}/2", data={"referring_provider": HUGE, "next": "Next"}).status_code == 422
    assert client.post(f"{base}/3", data={"referred_provider": HUGE, "next": "Next"}).status_code == 422
    junk = client.post(f"{base}/4", data={"priority": "retro", "request_date": "31/31/2026", "services-0-cpt": "99999",
                                          "services-0-units": "many", "services-99-cpt": "93306",
                                          "icd_codes": ["NOPE", "R00.2"], "place_of_service": "zz", "next": "Next"})
    assert junk.status_code == 422 and "Choose a service from the list." in junk.get_data(as_text=True)
    as_file = client.post(f"{base}/4", data={"clinical_indications": (io.BytesIO(b"x"), "a.txt"), "next": "Next"},
                          content_type="multipart/form-data")
    assert as_file.status_code in (400, 422)
    text_for_file = client.post(f"{base}/5", data={"files": "not a file", "upload": "Upload Files"})
    assert text_for_file.status_code == 422 and "Choose one or more files first." in text_for_file.get_data(as_text=True)


@pytest.mark.parametrize("url", [f"/referrals/{HUGE}", f"/referrals/drafts/{HUGE}/1", "/referrals/drafts/1/99",
                                 f"/provider-profile/{HUGE}"])
def test_huge_or_unknown_ids_are_not_found(signed_in, url):
    assert signed_in("staff@sunrise.example").get(url).status_code == 404


def test_posts_with_huge_ids_are_not_found(signed_in, demo):
    client = signed_in("um@plan.example")
    assert client.post(f"/referrals/{HUGE}/services/{HUGE}/decision", data={}).status_code == 404
    assert client.post(f"/referrals/1/services/{HUGE}/decision", data={}).status_code == 404
    client.post("/sign-out")
    staff = signed_in("staff@sunrise.example")
    assert staff.post(f"/referrals/{HUGE}/void", data={}).status_code == 404
    assert staff.post(f"/referrals/drafts/{HUGE}/delete", data={}).status_code == 404


@time_machine.travel("2026-12-01 15:00:00+00:00", tick=False)
def test_a_discarded_draft_is_gone(signed_in, demo):
    client = signed_in("staff@sunrise.example")
    draft = start_draft(client, demo)
    client.post(f"/referrals/drafts/{draft}/delete", data={})
    assert client.get(f"/referrals/drafts/{draft}/1").status_code == 404
