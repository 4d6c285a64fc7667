"""The notice to an assignee when the provider answers (a link only: no PHI in e-mail)."""
from __future__ import annotations

from webapp.mailer import queue_mail
from webapp.models import User

NOTICE_SUBJECT = "A provider answered an item assigned to you"


def notify_assignee(assignee: User | None, link: str) -> bool:
    """Queue the notice (a link, nothing about the patient or the question) unless the agent
    turned it off in My Profile. The caller commits, then delivers."""
    if assignee is None or not assignee.is_agent or not assignee.is_active or not assignee.notify_on_answer:
        return False
    queue_mail(assignee.email, NOTICE_SUBJECT,
               "A provider office answered an item assigned to you in ProviderDesk.\n\n"
               f"Sign in to read it:\n{link}\n\n"
               "You can turn these notices off in My Profile.\n")
    return True

