"""Models by domain. Import from here: `from webapp.models import User, Provider`."""
from webapp.models.audit import AuditEvent
from webapp.models.mail import OutgoingMail
from webapp.models.providers import AccessStatus, Provider, ProviderAccess, ProviderKind
from webapp.models.search import SearchPending
from webapp.models.users import Queue, Role, User, UserStatus, agent_queues

__all__ = [
    "AccessStatus", "AuditEvent", "OutgoingMail", "Provider", "ProviderAccess", "ProviderKind",
    "Queue", "Role", "SearchPending", "User", "UserStatus", "agent_queues",
]
