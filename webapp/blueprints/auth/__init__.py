from flask import Blueprint

bp = Blueprint("auth", __name__)

from webapp.blueprints.auth import routes  # noqa: E402,F401  (routes register on bp)
from webapp.blueprints.auth import recovery  # noqa: E402,F401  (password expiry, forgot password)
