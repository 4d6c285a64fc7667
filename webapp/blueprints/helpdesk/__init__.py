"""The helpdesk around cases and threads: the agents' inbox, live threads and presence, service
targets and the Supervisor page, satisfaction ratings, merging duplicates, provider Home."""
from flask import Blueprint

bp = Blueprint("helpdesk", __name__)

from webapp.blueprints.helpdesk import routes  # noqa: E402,F401
