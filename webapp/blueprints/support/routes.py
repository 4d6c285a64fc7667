from webapp.blueprints.support import bp, services
from webapp.htmx import render_page


@bp.route("/help")
def help_page():
    """Public: people who cannot sign in need the phone numbers most."""
    return render_page("support/help.html", contents=services.help_contents())
