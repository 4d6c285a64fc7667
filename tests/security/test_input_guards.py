"""App-wide guards: ids beyond 64 bits, file parts for text fields, odd bodies -> 4xx, never 5xx."""
from __future__ import annotations

import io

import pytest

HUGE = "9223372036854775808"  # 2**63


@pytest.mark.parametrize("path", [f"/claims/{HUGE}", f"/members/{HUGE}", f"/messages/{HUGE}",
                                  f"/access-requests/{HUGE}", "/claims/99999999999999999999999"])
def test_ids_beyond_64_bits_in_paths_are_not_found(signed_in, path):
    client = signed_in("loa@sunrise.example")
    response = client.get(path)
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_the_largest_64_bit_id_is_simply_missing(signed_in):
    assert signed_in("staff@sunrise.example").get("/claims/9223372036854775807").status_code == 404


@pytest.mark.parametrize("query", [f"claim={HUGE}", f"member={HUGE}", f"page={HUGE}", f"template={HUGE}"])
def test_ids_beyond_64_bits_in_query_strings_are_not_a_crash(signed_in, query):
    response = signed_in("staff@sunrise.example").get(f"/messages/new?{query}")
    assert response.status_code < 500


def test_a_file_part_for_a_text_field_reads_as_empty(client, demo):
    response = client.post("/sign-in", data={"login": (io.BytesIO(b"x"), "login.txt"), "password": "x"},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Enter your email address or User ID." in response.get_data(as_text=True)


def test_a_file_part_for_every_field_of_an_anonymous_form(client, demo):
    data = {name: (io.BytesIO(b"\x00\xff"), "f.bin") for name in
            ("full_name", "office_address", "mobile_phone", "email", "position")}
    response = client.post("/register", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and "Enter your full name." in response.get_data(as_text=True)


@pytest.mark.parametrize("body", ["[1, 2]", '{"login": {"a": 1}, "password": ["x"]}', "null", "{bad json"])
def test_odd_json_bodies_are_refused_plainly(client, demo, body):
    response = client.post("/sign-in", data=body, content_type="application/json")
    assert response.status_code in (400, 422)


def test_a_form_id_beyond_64_bits_is_not_a_crash(signed_in):
    client = signed_in("staff@sunrise.example")
    response = client.post("/additional-access", data={"pick-provider_id": HUGE, "pick-role": "staff",
                                                      "pick-registering_as": "behalf"})
    assert response.status_code in (404, 422)
