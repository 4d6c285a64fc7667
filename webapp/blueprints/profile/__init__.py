"""My Profile (demographics, password, security questions) and My Collections."""
from flask import Blueprint

bp = Blueprint("profile", __name__, url_prefix="/profile")

from webapp.blueprints.profile import routes  # noqa: E402,F401
