"""Claims and members: CSV import (`flask import members|claims FILE`), search and detail pages."""
from flask import Blueprint

bp = Blueprint("claims", __name__, cli_group="import")

from webapp.blueprints.claims import commands, routes  # noqa: E402,F401
