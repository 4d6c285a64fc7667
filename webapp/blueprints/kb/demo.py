"""Ten demo help articles, written from the facts of the seed documents (routing table, claim and
remittance guidance, deadlines). Loaded by seed-demo; an existing title is left as edited."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from webapp.blueprints.kb.services import save_article
from webapp.extensions import db
from webapp.models import Article, User

# (title, category slug, audience, body)
DEMO_ARTICLES = [
    ("Timely filing denials: what to check before you ask", "claims", "public", """
A timely filing denial means the claim reached the plan after the filing limit in your agreement.

## Check first
- Open the claim under **Claims** and compare the **Received** date with the date of service.
- Look for an earlier submission of the same service: a rejected claim that was never accepted does
  not stop the clock, an accepted one does.

## If you have proof it was sent on time
1. Find the claim and use **Ask a Question**.
2. Attach the proof: a clearinghouse acceptance report or the payer acknowledgement that shows the
   original date.
3. If you still disagree with the answer, reply on the same message and ask for a review as a
   **Grievance**. The decision will be final.
"""),
    ("Corrected claims are not accepted through the portal", "claims", "public", """
The portal cannot take a corrected claim. Send corrected claims the way you send claims today
(electronically through your clearinghouse, with the frequency code for a replacement claim).

Use the portal for what follows a claim:
- a question about a processed claim: find the claim, then **Ask a Question**;
- documents the plan asked for after a denial (medical records, operative reports, notes, invoices,
  test results): find the claim, then **Ask a Question** and attach them.
"""),
    ("Expedited appeals go by fax, never through the portal", "grievance-and-appeal", "public", """
An expedited appeal cannot be sent through the Message Center: it would wait in a queue.

Fax it to the expedited appeal line instead. The current numbers are on the
**Expedited appeals** page of the Message Center.

Plans must decide expedited appeals within **72 hours** (Medicare Advantage, 42 CFR 422.590;
Medicaid managed care, 42 CFR 438.408). Standard appeals and grievances are sent through the portal.
"""),
    ("How to read a remittance advice (RA)", "claims", "public", """
A remittance advice (the ERA when it is electronic) explains what was paid on each claim of a
payment.

| Part | What it tells you |
|---|---|
| Claim and patient lines | which claim and which service the amounts are for |
| Billed and paid amounts | what you charged and what the plan paid |
| Adjustment (reason) codes | why the paid amount is lower: contract, deductible, denial |
| Remark codes | more detail about the decision |
| Check or EFT number | the payment the claims belong to |

Post payments from the RA daily and match them to open invoices; unmatched claims age quickly.
Decode the remark codes before you ask: they often answer the question already.
"""),
    ("Standard appeal of a medical-necessity denial", "grievance-and-appeal", "providers", """
To appeal a denial based on medical necessity:

1. Go to **My Messages**, then **New Message**.
2. Choose the category **Grievance and Appeal** and the sub-category **Pre-service** (a service not
   yet given) or **Post-service** (a service already given).
3. Give the **contact name and phone number** of the person the reviewer can speak to.
4. Attach the supporting documents, especially the medical records.

Decision deadlines depend on the member's plan: for Medicare Advantage, 30 days for a pre-service
reconsideration and 60 days for a payment appeal. The due date shows on your message.
"""),
    ("Grievance or appeal: which one do I need?", "grievance-and-appeal", "public", """
- A **grievance** is about a claim issue that does **not** involve a medical-necessity decision
  (for example a payment you believe is wrong).
- An **appeal** asks the plan to change a **medical-necessity** denial.

For a grievance, first ask about the claim (find the claim, **Ask a Question**). If you still
disagree with the answer, reply on that message and ask for a review as a Grievance; or send a
Grievance and Appeal / Post-service message. The decision will be final.
"""),
    ("Sending more than five documents about one claim", "claims", "providers", """
A message takes up to **five** attachments of up to **25 MB** each.

To send more about the same claim:
1. Open the message in **My Messages**.
2. Use **Follow-up** and attach up to five more documents.
3. Repeat until everything is sent. Each follow-up stays in the same conversation.
"""),
    ("Adding documents to a preauthorization request", "preauthorization-documents", "providers", """
Documents for a preauthorization or a concurrent review are best sent when they are first asked
for.

To add documents later, send a **Preauthorization documents** message with the **Reference ID** of
the original request or notification: the documents are filed with that request.
"""),
    ("Changing your practice details", "provider-profile-change", "public", """
Change what you can yourself in your provider profile. For a change the profile cannot make (a new
location, a change of ownership, a practitioner joining or leaving), send a message in the
category **Provider Profile change**: it goes to Provider Customer Service.

Keep your Tax ID and NPI at hand: the change is matched to your provider record by them.
"""),
    ("Checking a member's eligibility before the visit", "care-plan", "public", """
Check eligibility before the service: an inactive policy or an out-of-network limit is a common
reason for a denial.

1. Use **Members** and search by Member ID, or by name and date of birth.
2. Check the plan and the eligibility dates on the member's page.
3. For a care plan update or question about the member, use **Send a Comment or Question** on that
   page.
"""),
]


def seed_demo_articles() -> int:
    """Create the demo articles that do not exist yet (by title). Returns how many were added."""
    author = db.session.scalar(select(User).where(User.email == "agent@plan.example"))
    if author is None:
        return 0
    existing = set(db.session.scalars(select(Article.title)))
    added = 0
    for title, category, audience, body in DEMO_ARTICLES:
        if title in existing:
            continue
        save_article(author, None, title=title, body=body.strip() + "\n", category=category,
                     audience=audience, review_on=date(2027, 6, 30))
        added += 1
    return added
