"""Provider Profile: the details the plan holds for each provider of the user's collection."""
from flask import Blueprint

bp = Blueprint("practice", __name__)

from webapp.blueprints.practice import routes  # noqa: E402,F401
