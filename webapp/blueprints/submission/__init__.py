"""Submit a Claim: a professional claim (the 837P's content) kept as a draft, scrubbed, then accepted."""
from flask import Blueprint

bp = Blueprint("submission", __name__)

from webapp.blueprints.submission import routes  # noqa: E402,F401
