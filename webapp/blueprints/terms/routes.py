from flask import current_app, flash, g, request, session, url_for
from flask_login import current_user, login_required, logout_user

from webapp import audit
from webapp.blueprints.account import sessions
from webapp.blueprints.registration.forms import TermsForm
from webapp.blueprints.terms import bp, services
from webapp.extensions import db
from webapp.htmx import redirect_to, render_page

OPEN_BLUEPRINTS = {"auth", "support", "terms"}


def _version() -> str:
    return current_app.config["TERMS_VERSION"]


@bp.before_app_request
def terms_gate():
    endpoint = request.endpoint or ""
    if endpoint == "static" or endpoint.partition(".")[0] in OPEN_BLUEPRINTS:
        return None
    if current_user.is_authenticated and services.must_accept(current_user, _version()):
        return redirect_to(url_for("terms.accept"))
    return None


@bp.route("/terms/accept", methods=["GET", "POST"])
@login_required
def accept():
    if not services.must_accept(current_user, _version()):
        return redirect_to(url_for("main.home"))
    form = TermsForm()
    if request.method == "POST" and request.form.get("decline"):
        # Declining signs the person out: the portal cannot be used without the current terms.
        audit.record_request("terms.declined")
        sessions.end(current_user.session_secret)
        db.session.commit()
        logout_user()
        session.clear()
        flash("You declined the updated Terms and Conditions, so you were signed out. "
              "Sign in again when you are ready to accept them.", "info")
        return redirect_to(url_for("auth.sign_in"))
    if form.validate_on_submit():
        services.accept(current_user, _version())
        audit.record_request("terms.accepted")
        db.session.commit()
        g.pop("training_due", None)
        flash("Thank you for accepting the updated Terms and Conditions.", "success")
        return redirect_to(url_for("main.home"))
    return render_page("terms/accept.html", "form", form=form, status=422 if form.errors else 200,
                       terms_version=_version(), previous=current_user.terms_version)
