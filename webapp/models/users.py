"""People who sign in: provider office staff, office administrators, plan agents and admins."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table, true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models.types import enum_column


class Role(str, enum.Enum):
    STAFF = "staff"
    LOCAL_OFFICE_ADMIN = "loa"
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {
            "staff": "Staff",
            "loa": "Local Office Administrator",
            "agent": "Support agent",
            "supervisor": "Supervisor",
            "admin": "Administrator",
        }[self.value]


class UserStatus(str, enum.Enum):
    PENDING = "pending"  # registered, waiting for approval or credentials
    ACTIVE = "active"
    DISABLED = "disabled"


agent_queues = Table(
    "agent_queue",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("queue_id", ForeignKey("queue.id", ondelete="CASCADE"), primary_key=True),
)


class Queue(db.Model):
    """A support work queue (Claims Inquiry, Grievance and Appeals, ...)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    agents: Mapped[list["User"]] = relationship(secondary=agent_queues, back_populates="queues",
                                                order_by="User.id")

    def __repr__(self) -> str:
        return f"<Queue {self.slug}>"


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # System-assigned, shown in the profile; "ZCS" + 5 digits like the SPARCS portal.
    user_code: Mapped[str] = mapped_column(String(8), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None]
    role: Mapped[Role] = mapped_column(enum_column(Role))
    status: Mapped[UserStatus] = mapped_column(enum_column(UserStatus))
    time_zone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    position: Mapped[str | None] = mapped_column(String(120))
    mobile_phone: Mapped[str | None] = mapped_column(String(20))
    office_address: Mapped[str | None] = mapped_column(String(300))  # the provider's full address
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    last_sign_in_at: Mapped[datetime | None]
    # The Terms and Conditions version last accepted; a different TERMS_VERSION asks again at sign-in.
    terms_version: Mapped[str | None] = mapped_column(String(20))
    terms_accepted_at: Mapped[datetime | None]
    # Agents: a notice e-mail when a provider answers an item assigned to them (My Profile).
    notify_on_answer: Mapped[bool] = mapped_column(default=True, server_default=sa_true())

    # Explicit order: PostgreSQL, unlike SQLite, gives no stable order without one.
    queues: Mapped[list[Queue]] = relationship(secondary=agent_queues, back_populates="agents",
                                               order_by=Queue.id)

    # The server-side session (webapp.models.UserSession) this request was signed in with; the
    # session cookie carries its secret, which is what Flask-Login stores (never the user id).
    session_secret = None  # str, set per request; not a column

    def get_id(self) -> str | None:
        return self.session_secret

    @property
    def is_active(self) -> bool:
        return self.status == UserStatus.ACTIVE

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    # One property per role, so checks read as words and a role's rule lives in one place.
    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_support_agent(self) -> bool:
        """The AGENT role only: works the queues they hold (see `is_agent` for all plan staff)."""
        return self.role == Role.AGENT

    @property
    def is_local_office_admin(self) -> bool:
        return self.role == Role.LOCAL_OFFICE_ADMIN

    @property
    def is_agent(self) -> bool:
        """Plan staff: agents, supervisors and admins (they read internal notes)."""
        return self.role in (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)

    @property
    def reads_all_queues(self) -> bool:
        """Supervisors and admins read every queue; agents only the queues they hold."""
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    @property
    def is_provider_user(self) -> bool:
        return self.role in (Role.STAFF, Role.LOCAL_OFFICE_ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.user_code}>"
