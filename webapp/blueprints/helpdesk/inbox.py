"""One agent inbox over everything agents decide. A feature takes part by registering an
InboxSource (cases and Message Center threads are registered in inbox_sources.py):

    register_inbox_source(InboxSource(kind="case", label="Case", items=..., claim=..., assign=...,
                                      move=..., types=...))

Sort: by the earliest of the legal deadline (calendar days, set by the feature) and the service
target (business hours, targets.py); on the same moment a legal deadline comes first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import Queue, SavedInboxView, User
from webapp.queues.services import visible_queues
from webapp.security import visible_text

FAR_FUTURE = datetime(9999, 1, 1)
STATES = {"ours": "Waiting on us", "theirs": "Waiting on the provider", "done": "Resolved or closed"}
ASSIGNEES = {"anyone": "Anyone", "me": "Me", "unassigned": "Unassigned"}
PAGE_SIZE = 100


@dataclass
class InboxItem:
    kind: str
    id: int
    reference: str
    subject: str
    queue: Queue
    type_label: str
    status_label: str
    state: str                      # a key of STATES
    assigned_to: User | None
    created_at: datetime
    legal_due: datetime | None = None
    target_due: datetime | None = None
    unread: bool = False
    endpoint: str = ""              # where the item's page is: url_for(endpoint, **url_args)
    url_args: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def due(self) -> datetime | None:
        dates = [d for d in (self.legal_due, self.target_due) if d is not None]
        return min(dates) if dates else None

    @property
    def sort_key(self) -> tuple:
        legal, target = self.legal_due or FAR_FUTURE, self.target_due or FAR_FUTURE
        # the legal deadline wins a tie and is never pushed back by a target
        return (min(legal, target), 0 if legal <= target else 1, self.created_at, self.kind, self.id)

    def is_overdue(self, now: datetime) -> bool:
        return self.state != "done" and self.due is not None and self.due < now

    def is_due_today(self, now: datetime, zone: ZoneInfo) -> bool:
        if self.state == "done" or self.due is None or self.is_overdue(now):
            return False
        local = lambda moment: moment.replace(tzinfo=timezone.utc).astimezone(zone).date()  # noqa: E731
        return local(self.due) == local(now)


@dataclass(frozen=True)
class InboxSource:
    kind: str
    label: str
    # items(agent, queue_ids, states, now) -> list[InboxItem]
    items: Callable[[User, list[int], set[str], datetime], list[InboxItem]]
    # claim(agent id, item id) -> True when this agent got it (atomic: assigned only if unassigned;
    # its first statement is the UPDATE, see routes.next_item)
    claim: Callable[[int, int], bool]
    assign: Callable[[User, int, User | None], bool]     # (acting agent, item id, assignee)
    move: Callable[[User, int, Queue], bool]
    types: Callable[[], list[tuple[str, str]]]          # (value, label) for the Type filter
    unread_count: Callable[[User, list[int]], int] = lambda agent, queue_ids: 0


_sources: dict[str, InboxSource] = {}


def works_in_queue(user: User, queue_id: int | None) -> bool:
    """May act on the queue's items: an agent holding it, or the admin (supervisors only read)."""
    return user.is_admin or any(q.id == queue_id for q in user.queues)


def register_inbox_source(source: InboxSource) -> None:
    _sources[source.kind] = source


def inbox_sources() -> dict[str, InboxSource]:
    return dict(_sources)


# --- filters ------------------------------------------------------------------------------------

@dataclass
class Filters:
    queue: str = ""          # queue slug, "" = all my queues
    state: str = "open"      # "open" (ours + theirs) or a key of STATES
    type: str = ""           # "<kind>" or "<kind>:<type value>"
    assignee: str = "anyone"
    overdue: bool = False

    @classmethod
    def from_args(cls, args) -> "Filters":
        state = args.get("state", "open")
        assignee = args.get("assignee", "anyone")
        return cls(queue=(args.get("queue") or "")[:60],
                   state=state if state == "open" or state in STATES else "open",
                   type=(args.get("type") or "")[:80],
                   assignee=assignee if assignee in ASSIGNEES else "anyone",
                   overdue=args.get("overdue") in ("1", "on", "y"))

    def query_string(self) -> str:
        values = {"queue": self.queue, "state": "" if self.state == "open" else self.state,
                  "type": self.type, "assignee": "" if self.assignee == "anyone" else self.assignee,
                  "overdue": "1" if self.overdue else ""}
        return urlencode({k: v for k, v in values.items() if v})


def _states(filters: Filters) -> set[str]:
    return {"ours", "theirs"} if filters.state == "open" else {filters.state}


@dataclass
class InboxPage:
    items: list[InboxItem]
    total: int
    overdue: int
    due_today: int


def user_zone(user: User) -> ZoneInfo:
    try:
        return ZoneInfo(user.time_zone or "America/New_York")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("America/New_York")


def inbox(agent: User, filters: Filters, now: datetime | None = None) -> InboxPage:
    """The agent's items, filtered and sorted by what is due first."""
    now = now or utcnow_naive()
    queues = visible_queues(agent)
    if filters.queue:
        queues = [q for q in queues if q.slug == filters.queue]
    queue_ids = [q.id for q in queues]
    kind, _, type_value = filters.type.partition(":")
    items: list[InboxItem] = []
    for source in _sources.values():
        if kind and source.kind != kind:
            continue
        found = source.items(agent, queue_ids, _states(filters), now) if queue_ids else []
        if type_value:
            found = [item for item in found if item.type_label == type_value]
        items.extend(found)
    if filters.assignee == "me":
        items = [i for i in items if i.assigned_to is not None and i.assigned_to.id == agent.id]
    elif filters.assignee == "unassigned":
        items = [i for i in items if i.assigned_to is None]
    if filters.overdue:
        items = [i for i in items if i.is_overdue(now)]
    items.sort(key=lambda item: item.sort_key)
    zone = user_zone(agent)
    return InboxPage(items=items[:PAGE_SIZE], total=len(items),
                     overdue=sum(1 for i in items if i.is_overdue(now)),
                     due_today=sum(1 for i in items if i.is_due_today(now, zone)))


def type_choices() -> list[tuple[str, str]]:
    choices = []
    for source in _sources.values():
        choices.append((source.kind, f"Every {source.label.lower()}"))
        choices += [(f"{source.kind}:{value}", f"{source.label}: {label}") for value, label in source.types()]
    return choices


# --- acting on items ----------------------------------------------------------------------------

def next_candidates(agent: User, now: datetime | None = None) -> list[InboxItem]:
    """The unassigned items of the agent's queues waiting on the plan, due first at the top."""
    return inbox(agent, Filters(state="ours", assignee="unassigned"), now).items


def claim_first(agent_id: int, candidates: list[InboxItem]) -> InboxItem | None:
    """Assign the agent the first candidate nobody took meanwhile (the caller commits).

    Each claim is one conditional UPDATE (only while nobody holds the item): two agents asking at
    the same moment never get the same item; the loser goes on to the next candidate.
    """
    for item in candidates:
        if _sources[item.kind].claim(agent_id, item.id):
            return item
    return None


def parse_keys(keys) -> list[tuple[str, int]]:
    """"case:12" -> ("case", 12); unknown kinds and non-numbers are dropped."""
    parsed = []
    for key in keys:
        kind, _, raw_id = str(key).partition(":")
        if kind in _sources and raw_id.isdigit() and len(raw_id) <= 18:
            parsed.append((kind, int(raw_id)))
    return parsed


def bulk_assign(agent: User, keys, assignee: User | None) -> int:
    return sum(1 for kind, item_id in parse_keys(keys) if _sources[kind].assign(agent, item_id, assignee))


def bulk_move(agent: User, keys, queue: Queue) -> int:
    return sum(1 for kind, item_id in parse_keys(keys) if _sources[kind].move(agent, item_id, queue))


def assignable_agents(agent: User) -> list[User]:
    """Agents sharing at least one queue with `agent` (who bulk assign may give items to)."""
    agents = {u.id: u for q in visible_queues(agent) for u in q.agents if u.is_active}
    agents.setdefault(agent.id, agent)
    return sorted(agents.values(), key=lambda u: u.full_name)


def unread_count(agent: User) -> int:
    queue_ids = [q.id for q in visible_queues(agent)]
    if not queue_ids:
        return 0
    return sum(source.unread_count(agent, queue_ids) for source in _sources.values())


# --- saved views --------------------------------------------------------------------------------

def saved_views(agent: User) -> list[SavedInboxView]:
    return list(db.session.scalars(select(SavedInboxView).where(SavedInboxView.user_id == agent.id)
                                   .order_by(SavedInboxView.name)))


def save_view(agent: User, name: str, filters: Filters) -> tuple[SavedInboxView | None, str | None]:
    name = " ".join(visible_text(name or "").split())
    if not name:
        return None, "Enter a name for this view."
    if len(name) > 60:
        return None, "The name must be 60 characters or fewer."
    view = db.session.scalar(select(SavedInboxView).where(SavedInboxView.user_id == agent.id,
                                                          SavedInboxView.name == name))
    if view is None:
        if len(saved_views(agent)) >= 20:
            return None, "You have 20 saved views; delete one first."
        view = SavedInboxView(user_id=agent.id, name=name)
        db.session.add(view)
    view.query = filters.query_string()
    return view, None


def delete_view(agent: User, view_id: int) -> bool:
    view = db.session.get(SavedInboxView, view_id)
    if view is None or view.user_id != agent.id:
        return False
    db.session.delete(view)
    return True

