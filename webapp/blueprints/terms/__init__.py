"""Terms and Conditions re-acceptance: when TERMS_VERSION changes, provider users accept the new
terms at their next sign-in before anything else."""
from flask import Blueprint

bp = Blueprint("terms", __name__)

from webapp.blueprints.terms import routes  # noqa: E402,F401
