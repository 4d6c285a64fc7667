"""Models by domain. Import from here: `from webapp.models import User, Provider`."""
from webapp.models.accounts import (EmailLink, EmailLinkPurpose, PasscodeChallenge, PasscodePurpose,
                                    PasswordHistory, RateLimitHit, RecoveryGrant, Registration,
                                    RegistrationStep, SecurityAnswer, SignInThrottle, UserSession)
from webapp.models.audit import AuditEvent
from webapp.models.cases import Case, CaseComment, CaseSequence, CaseStatus
from webapp.models.claims import (Claim, ClaimDiagnosis, ClaimStatus, CoveragePeriod, EligibilityCheck,
                                  LineAdjustment, Member, Payment, RemittanceCode, ServiceLine)
from webapp.models.files import StoredFile
from webapp.models.helpdesk import (BusinessCalendar, Holiday, ItemPresence, Rating, SavedInboxView,
                                    ServiceTarget)
from webapp.models.kb import Article, ArticleAnswer, Audience
from webapp.models.mail import OutgoingMail
from webapp.models.messages import (
    FaxLine, Message, MessageCategory, MessageSubcategory, MessageThread, ReplyTemplate, ThreadRead,
    ThreadStatus,
)
from webapp.models.providers import (AccessStatus, IdentityProofThrottle, Provider, ProviderAccess,
                                     ProviderKind)
from webapp.models.referrals import (NetworkProvider, Referral, ReferralDiagnosis, ReferralService,
                                     ReferralStatus, ServiceDecision)
from webapp.models.search import SearchChange
from webapp.models.submissions import ClaimSubmission, SubmissionStatus
from webapp.models.training import TrainingAttempt, TrainingModule, TrainingReminder
from webapp.models.users import Queue, Role, User, UserStatus, agent_queues

__all__ = [
    "AccessStatus", "AuditEvent", "Case", "CaseComment", "CaseSequence", "CaseStatus", "OutgoingMail",
    "IdentityProofThrottle", "Provider", "ProviderAccess", "ProviderKind",
    "Queue", "Role", "StoredFile", "User", "UserStatus", "agent_queues",
    "Claim", "ClaimStatus", "Member", "ClaimDiagnosis", "CoveragePeriod", "EligibilityCheck",
    "LineAdjustment", "Payment", "RemittanceCode", "ServiceLine",
    "FaxLine", "Message", "MessageCategory", "MessageSubcategory", "MessageThread", "ReplyTemplate",
    "ThreadRead", "ThreadStatus",
    "EmailLink", "EmailLinkPurpose", "PasscodeChallenge", "PasscodePurpose", "PasswordHistory",
    "RateLimitHit", "RecoveryGrant", "Registration", "RegistrationStep", "SecurityAnswer",
    "SignInThrottle", "UserSession",
    "SearchChange",
    "NetworkProvider", "Referral", "ReferralDiagnosis", "ReferralService", "ReferralStatus",
    "ServiceDecision",
    "TrainingAttempt", "TrainingModule", "TrainingReminder",
    "ClaimSubmission", "SubmissionStatus",
    "BusinessCalendar", "Holiday", "ItemPresence", "Rating", "SavedInboxView", "ServiceTarget",
    "Article", "ArticleAnswer", "Audience",
]
