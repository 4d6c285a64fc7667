"""Reports: Report Type -> Provider -> "Get Member Roster" (pages) or "Download" (streamed CSV)."""
from flask import Response, abort, request, stream_with_context
from flask_login import current_user, login_required

from webapp.audit import record_request
from webapp.blueprints.reports import bp, services
from webapp.blueprints.reports.forms import report_form
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.htmx import render_page
from webapp.providers.services import active_providers


def _provider_only():
    if not current_user.is_provider_user:
        abort(404)


def _chosen(form):
    """(report key, provider) when the form is valid and the provider is in the user's collection."""
    if not form.validate():
        return None, None
    provider = services.report_provider(current_user, int(form.provider.data))
    if provider is None:
        form.provider.errors.append("Choose a provider of your collection.")
        return None, None
    return form.report.data, provider


@bp.route("/reports")
@login_required
def reports():
    _provider_only()
    types = services.report_types()
    form = report_form(request.args, types, active_providers(current_user))
    report, provider, roster, total, status = None, None, None, 0, 200
    if request.args:
        report, provider = _chosen(form)
        if provider is None:
            status = 422
        elif report == "pcp_roster":
            roster, total = services.roster_page(provider, form.page.data or 1)
            record_request("report.roster", "provider", provider.id)
            db.session.commit()
        else:
            form.report.errors.append(f"{types[report].name}: use Download.")
            status = 422
    pages = max(1, -(-total // services.PAGE_SIZE))
    return render_page("reports/reports.html", form=form, types=types, provider=provider, roster=roster,
                       total=total, page=form.page.data or 1, pages=pages, status=status)


@bp.route("/reports/download")
@login_required
def download():
    _provider_only()
    types = services.report_types()
    form = report_form(request.args, types, active_providers(current_user))
    report, provider = _chosen(form)
    if provider is None:
        return render_page("reports/reports.html", form=form, types=types, provider=None, roster=None, total=0,
                           page=1, pages=1, status=422)
    record_request(f"report.download.{report}", "provider", provider.id)
    db.session.commit()
    as_of = utcnow_naive().date()
    filename = f"{report}-{provider.npi}-{as_of:%Y%m%d}.csv"
    response = Response(stream_with_context(services.report_csv(report, provider, as_of)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
