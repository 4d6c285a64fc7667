"""`flask seed-demo`: demo organizations, users and (as features land) their data."""
from flask import Blueprint

bp = Blueprint("demo", __name__, cli_group=None)

from webapp.blueprints.demo import commands  # noqa: E402,F401
