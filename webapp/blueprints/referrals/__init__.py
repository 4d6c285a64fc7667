"""Referrals: search and detail, Submit a Referral (six sections, saved as a draft on the server),
and the Utilization Management queue where agents decide each service."""
from flask import Blueprint

bp = Blueprint("referrals", __name__)

from webapp.blueprints.referrals import inbox_source  # noqa: E402


@bp.record_once
def _register_inbox_source(_state) -> None:
    """Submitted referrals are items of the agents' inbox."""
    inbox_source.register()


from webapp.blueprints.referrals import routes  # noqa: E402,F401
