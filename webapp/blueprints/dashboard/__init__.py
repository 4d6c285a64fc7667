"""The billing dashboard: an office's financial health per Tax ID and date range."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from webapp.blueprints.dashboard import routes  # noqa: E402,F401
