from flask import g
from flask_login import current_user, login_required

from webapp.blueprints.helpdesk.services import provider_home
from webapp.blueprints.main import bp
from webapp.htmx import render_page
from webapp.providers.services import active_providers
from webapp.queues.services import visible_queues


@bp.route("/")
@login_required
def home():
    providers = active_providers(current_user)
    needs = provider_home(current_user, providers=providers) if current_user.is_provider_user else None
    if needs is not None:
        g.unread_messages = needs.unread_threads.count  # the header badge's count, already known
    return render_page("main/home.html", providers=providers, queues=visible_queues(current_user),
                       needs=needs)
