"""Dashboard: GET form (Tax ID, From, To); the figures, two inline SVG charts and their tables."""
from datetime import timedelta

from flask import abort, request
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from webapp.blueprints.claims.services import money, user_tax_ids
from webapp.blueprints.dashboard import bp, services
from webapp.blueprints.dashboard.forms import DashboardForm
from webapp.clock import utcnow_naive
from webapp.htmx import render_page


@bp.route("/dashboard")
@login_required
def dashboard():
    if not current_user.is_provider_user:
        abort(404)
    tax_ids = sorted(user_tax_ids(current_user))
    today = utcnow_naive().date()
    args = request.args if request.args else MultiDict(
        {"tax_id": tax_ids[0] if tax_ids else "", "date_from": (today - timedelta(days=179)).isoformat(),
         "date_to": today.isoformat()})
    form = DashboardForm(args)
    form.tax_id.choices = [(t, t) for t in tax_ids]
    board, status = None, 200
    if form.validate():
        board = services.dashboard(form.tax_id.data, form.date_from.data, form.date_to.data)
    elif request.args:
        status = 422
    charts = {}
    if board:
        charts["denials"] = services.bars([(m, (d / a * 100) if a else 0, f"{(d / a * 100) if a else 0:.0f}%")
                                           for m, a, d in board.trend])
        charts["pending"] = services.bars([(label, count, str(count)) for label, count, _ in board.pending])
    return render_page("dashboard/dashboard.html", form=form, board=board, charts=charts, money=money,
                       status=status, has_tax_ids=bool(tax_ids))
