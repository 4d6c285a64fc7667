"""Demo Message Center data for `flask seed-demo`: the rules from the repo file and saved replies."""
from __future__ import annotations

from webapp.blueprints.claims.services import seed_demo_claims
from webapp.blueprints.messages.services import RULES_FILE, add_template, load_rules_file, templates_of
from webapp.queues.services import queue_by_slug

DEMO_TEMPLATES = {
    "claims-inquiry": [("Claim reprocessed", "Thank you for your question. We reviewed the claim and "
                        "sent it for reprocessing. You will see the result on the claim within 30 days.")],
    "grievance-and-appeals": [("Grievance received", "We received your request and opened a review. "
                               "A decision will be sent by the date shown on this message.")],
    "provider-customer-service": [("Profile updated", "Thank you. We made the change you asked for.")],
}


def seed_demo_messages() -> None:
    """Demo members and claims, the Message Center rules from the repo file, and a few saved
    replies (idempotent; the caller commits)."""
    seed_demo_claims()
    load_rules_file(RULES_FILE)
    for slug, items in DEMO_TEMPLATES.items():
        queue = queue_by_slug(slug)
        existing = {t.title for t in templates_of(queue.id)}
        for title, body in items:
            if title not in existing:
                add_template(queue, title, body)
