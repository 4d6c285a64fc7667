"""Models by domain. Import from here: `from webapp.models import User, Provider`."""
from webapp.models.accounts import (EmailLink, EmailLinkPurpose, PasscodeChallenge, PasscodePurpose,
                                    PasswordHistory, RateLimitHit, Registration, RegistrationStep,
                                    SecurityAnswer)
from webapp.models.audit import AuditEvent
from webapp.models.cases import Case, CaseComment, CaseSequence, CaseStatus
from webapp.models.claims import Claim, ClaimStatus, Member
from webapp.models.files import StoredFile
from webapp.models.helpdesk import (BusinessCalendar, Holiday, ItemPresence, Rating, SavedInboxView,
                                    ServiceTarget)
from webapp.models.kb import Article, ArticleAnswer, Audience
from webapp.models.mail import OutgoingMail
from webapp.models.messages import (
    FaxLine, Message, MessageCategory, MessageSubcategory, MessageThread, ReplyTemplate, ThreadRead,
    ThreadStatus,
)
from webapp.models.providers import AccessStatus, Provider, ProviderAccess, ProviderKind
from webapp.models.search import SearchPending
from webapp.models.users import Queue, Role, User, UserStatus, agent_queues

__all__ = [
    "AccessStatus", "AuditEvent", "Case", "CaseComment", "CaseSequence", "CaseStatus", "OutgoingMail",
    "Provider", "ProviderAccess", "ProviderKind",
    "Queue", "Role", "StoredFile", "User", "UserStatus", "agent_queues",
    "Claim", "ClaimStatus", "Member",
    "FaxLine", "Message", "MessageCategory", "MessageSubcategory", "MessageThread", "ReplyTemplate",
    "ThreadRead", "ThreadStatus",
    "EmailLink", "EmailLinkPurpose", "PasscodeChallenge", "PasscodePurpose", "PasswordHistory",
    "RateLimitHit", "Registration", "RegistrationStep", "SecurityAnswer",
    "SearchPending",
    "BusinessCalendar", "Holiday", "ItemPresence", "Rating", "SavedInboxView", "ServiceTarget",
    "Article", "ArticleAnswer", "Audience",
]
