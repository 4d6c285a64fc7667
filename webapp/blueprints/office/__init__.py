"""Running an office: the Local Office Administrator's Users page (withdraw access to a provider,
disable or enable an account, resend an invitation)."""
from flask import Blueprint

bp = Blueprint("office", __name__)

from webapp.blueprints.office import routes  # noqa: E402,F401
