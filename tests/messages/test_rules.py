"""Configured rules: routing of every sub-category, required fields, expedited refusal, deadlines."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from webapp.blueprints.auth.services import find_user_by_login
from webapp.blueprints.messages import services
from webapp.blueprints.messages.services import Draft, RulesError, check_draft, expedited_by_fax
from webapp.extensions import db
from webapp.models import Claim, Member, MessageSubcategory, Queue
from webapp.providers.services import provider_by_npi

RULES = json.loads(services.RULES_FILE.read_text())
SEEDED = [(c["slug"], s["slug"], s["queue"], s.get("fax_only", False))
          for c in RULES["categories"] for s in c["subcategories"]]


def test_the_file_has_at_least_the_issues_categories():
    names = {(c["name"], s["name"]) for c in RULES["categories"] for s in c["subcategories"]}
    assert {("Claims", "Claim question"), ("Claims", "Claim denial - requested documents"),
            ("Grievance and Appeal", "Pre-service"), ("Grievance and Appeal", "Post-service")} <= names
    assert {c["name"] for c in RULES["categories"]} >= {
        "Claims", "Grievance and Appeal", "Care Plan", "Preauthorization documents",
        "Provider Profile change", "General question"}


@pytest.mark.parametrize("category, sub_slug, queue_slug, fax_only", SEEDED)
def test_every_seeded_sub_category_routes_to_its_queue(demo, app, category, sub_slug, queue_slug, fax_only):
    with app.app_context():
        sub = services.subcategory_by_slugs(category, sub_slug)
        assert sub.queue.slug == queue_slug
        assert expedited_by_fax(Draft(subcategory=sub, subject="s", body="b")) is fax_only
        if fax_only:
            return
        staff = find_user_by_login("staff@sunrise.example")
        draft = Draft(subcategory=sub, subject="Subject", body="Body",
                      claim=db.session.scalar(select(Claim).where(Claim.tax_id == "000123456")),
                      member=db.session.scalar(select(Member)), contact_name="Pat", contact_phone="860-555-0100",
                      reference_id="REF1")
        assert check_draft(draft) == {}
        thread = services.start_thread(staff, provider_by_npi("1234567893"), draft, [])
        db.session.commit()
        assert thread.queue.slug == queue_slug


def sub(app, category, slug):
    return services.subcategory_by_slugs(category, slug)


def test_required_fields_follow_each_rule(demo, app):
    with app.app_context():
        claims = check_draft(Draft(subcategory=sub(app, "claims", "claim-question"), subject="s", body="b"))
        assert set(claims) == {"claim_number"}
        appeal = check_draft(Draft(subcategory=sub(app, "grievance-and-appeal", "pre-service"), subject="s", body="b"))
        assert set(appeal) == {"contact_name", "contact_phone"}
        care = check_draft(Draft(subcategory=sub(app, "care-plan", "care-plan-update"), subject="s", body="b"))
        assert set(care) == {"member_id"}
        preauth = check_draft(Draft(subcategory=sub(app, "preauthorization-documents", "supporting-documents"),
                                    subject="s", body="b"))
        assert set(preauth) == {"reference_id"}
        general = check_draft(Draft(subcategory=sub(app, "general-question", "general-question"), subject="s", body="b"))
        assert general == {}
        assert check_draft(Draft(subcategory=None, subject="", body="")) == {"subcategory": "Choose a sub-category."}


def test_an_expedited_appeal_is_refused_with_the_configured_fax_lines(demo, app):
    with app.app_context():
        assert expedited_by_fax(Draft(subcategory=sub(app, "grievance-and-appeal", "expedited-appeal")))
        assert [line.number for line in services.fax_lines()] == ["866-350-2168", "800-867-6674"]


@time_machine.travel(datetime(2026, 3, 2, 15, 0), tick=False)
def test_deadlines_per_rule_with_a_frozen_clock(demo, app):
    with app.app_context():
        staff = find_user_by_login("staff@sunrise.example")
        sunrise = provider_by_npi("1234567893")

        def due(category, slug, grievance=False):
            draft = Draft(subcategory=sub(app, category, slug), subject="s", body="b", contact_name="P",
                          contact_phone="1")
            return services.start_thread(staff, sunrise, draft, [], grievance=grievance).due_at

        assert due("grievance-and-appeal", "post-service") == datetime(2026, 5, 1, 15, 0)  # 60 days
        assert due("grievance-and-appeal", "pre-service") == datetime(2026, 4, 1, 15, 0)  # 30 days
        assert due("grievance-and-appeal", "post-service", grievance=True) == datetime(2026, 4, 1, 15, 0)
        assert due("general-question", "general-question") == datetime(2026, 3, 12, 15, 0)
        db.session.rollback()


def test_a_bad_rules_file_changes_nothing_and_a_good_edit_is_loaded(demo, app, runner, tmp_path):
    broken = json.loads(json.dumps(RULES))
    broken["categories"][0]["subcategories"][0]["queue"] = "nowhere"
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(broken))
    with app.app_context():
        result = runner.invoke(args=["messages", "load-rules", str(path)])
        assert result.exit_code == 1 and "queue 'nowhere' is not defined" in result.output
        assert sub(app, "claims", "claim-question").queue.slug == "claims-inquiry"
        edited = json.loads(json.dumps(RULES))
        edited["categories"][0]["subcategories"][0]["deadline_days"] = 5
        edited["categories"][-1]["subcategories"].append(
            {"slug": "portal-help", "name": "Portal help", "queue": "provider-customer-service", "requires": []})
        path.write_text(json.dumps(edited))
        result = runner.invoke(args=["messages", "load-rules", str(path)])
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        assert sub(app, "claims", "claim-question").deadline_days == 5
        assert sub(app, "general-question", "portal-help").queue.slug == "provider-customer-service"
        with pytest.raises(RulesError):
            services.load_rules({"categories": [{"slug": "x", "name": "X", "subcategories": []}]})
        assert db.session.scalar(select(MessageSubcategory).where(MessageSubcategory.slug == "portal-help"))


def test_loading_rules_leaves_the_commit_to_the_caller(demo, app):
    """The admin page commits the rules together with its audit row: a rollback undoes both."""
    edited = json.loads(json.dumps(RULES))
    edited["categories"][0]["subcategories"][0]["deadline_days"] = 7
    with app.app_context():
        before = sub(app, "claims", "claim-question").deadline_days
        services.load_rules(edited)
        assert sub(app, "claims", "claim-question").deadline_days == 7
        db.session.rollback()
        assert sub(app, "claims", "claim-question").deadline_days == before != 7


def test_a_message_started_from_a_claim_or_a_member_goes_to_the_configured_sub_category(demo, app):
    with app.app_context():
        claim = db.session.scalar(select(Claim).where(Claim.tax_id == "000123456"))
        member = db.session.scalar(select(Member))
        about_claim = services.new_message_prefill(claim, None)
        assert about_claim == {"category": "claims", "subcategory": "claim-question",
                               "claim_number": claim.claim_number,
                               "subject": f"Question about claim {claim.claim_number}"}
        assert sub(app, about_claim["category"], about_claim["subcategory"]) is not None
        about_member = services.new_message_prefill(None, member)
        assert about_member == {"category": "care-plan", "subcategory": "care-plan-update",
                                "member_id": member.member_id, "subject": "Comment or question about a member"}
        assert sub(app, about_member["category"], about_member["subcategory"]) is not None
        assert services.new_message_prefill(None, None) == {}


def test_the_provider_of_a_new_message_follows_the_claim_then_the_choice(demo, app):
    with app.app_context():
        sunrise, harbor = provider_by_npi("1234567893"), provider_by_npi("1555555550")
        claim = db.session.scalar(select(Claim).where(Claim.tax_id == harbor.tax_id))
        assert services.provider_for_message([sunrise, harbor], sunrise.id, claim) == harbor
        assert services.provider_for_message([sunrise], None, claim) is None  # not the user's Tax ID
        assert services.provider_for_message([sunrise, harbor], harbor.id, None) == harbor
        assert services.provider_for_message([sunrise, harbor], None, None) is None
        assert services.provider_for_message([sunrise], None, None) == sunrise


def test_a_saved_reply_is_found_only_in_its_own_queue(demo, app):
    with app.app_context():
        claims_queue = db.session.scalar(select(Queue).where(Queue.slug == "claims-inquiry"))
        other = db.session.scalar(select(Queue).where(Queue.slug == "provider-customer-service"))
        [template] = services.templates_of(claims_queue.id)
        assert services.queue_template(claims_queue.id, template.id) == template
        assert services.queue_template(other.id, template.id) is None
        assert services.queue_template(claims_queue.id, None) is None
        assert services.queue_by_id(other.id) == other and services.queue_by_id(0) is None
        assert [q.name for q in services.all_queues()] == sorted(q.name for q in services.all_queues())
