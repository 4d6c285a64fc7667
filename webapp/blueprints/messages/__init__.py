"""Message Center: provider threads routed to agent queues, with deadlines, unread state and mail."""
from flask import Blueprint

bp = Blueprint("messages", __name__, cli_group="messages")

from webapp.blueprints.messages import commands, routes  # noqa: E402,F401
