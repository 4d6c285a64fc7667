"""Knowledge base: articles agents write (Markdown), searched by providers (and public ones by
anyone), offered while a New Message or Create Case subject is typed."""
from flask import Blueprint

bp = Blueprint("kb", __name__)

from webapp.blueprints.kb import routes  # noqa: E402,F401
