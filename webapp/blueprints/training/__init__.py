"""Annual training (CalOptima guide III): one module per provider role, a quiz with a pass mark,
a gate after sign-in until it is passed, reminders before it expires."""
from flask import Blueprint

bp = Blueprint("training", __name__, cli_group="training")

from webapp.blueprints.training import commands, routes  # noqa: E402,F401
