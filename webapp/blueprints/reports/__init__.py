"""Reports for a PCP: PCP Membership Roster, Pay for Value (Quality Rates Report), Blood Lead Screening."""
from flask import Blueprint

bp = Blueprint("reports", __name__)

from webapp.blueprints.reports import routes  # noqa: E402,F401
