"""Models by domain. Import from here: `from webapp.models import User, Provider`."""
from webapp.models.accounts import (EmailLink, EmailLinkPurpose, PasscodeChallenge, PasscodePurpose,
                                    PasswordHistory, RateLimitHit, Registration, RegistrationStep,
                                    SecurityAnswer)
from webapp.models.audit import AuditEvent
from webapp.models.mail import OutgoingMail
from webapp.models.providers import AccessStatus, Provider, ProviderAccess, ProviderKind
from webapp.models.users import Queue, Role, User, UserStatus, agent_queues

__all__ = [
    "EmailLink", "EmailLinkPurpose", "PasscodeChallenge", "PasscodePurpose", "PasswordHistory",
    "RateLimitHit", "Registration", "RegistrationStep", "SecurityAnswer",
    "AccessStatus", "AuditEvent", "OutgoingMail", "Provider", "ProviderAccess", "ProviderKind",
    "Queue", "Role", "User", "UserStatus", "agent_queues",
]
