"""Help: support hours and phone numbers (data/help.json), incident reporting, links to the guides."""
from flask import Blueprint

bp = Blueprint("support", __name__)

from webapp.blueprints.support import routes  # noqa: E402,F401
