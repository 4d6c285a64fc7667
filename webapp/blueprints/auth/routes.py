import time

from flask import flash, redirect, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from webapp import audit
from webapp.blueprints.auth import bp, services
from webapp.blueprints.auth.forms import SignInForm
from webapp.extensions import db
from webapp.htmx import render_page

WRONG_LOGIN = ("The email or User ID and password you entered do not match our records. "
               "Check them and try again.")


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths, so a link cannot send a user elsewhere after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    login_error = None
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is None:
            login_error = WRONG_LOGIN
            audit.record_request("sign_in.failed")
            db.session.commit()
        else:
            session.clear()  # a fresh session at sign-in: no fixation
            login_user(user)
            session["last_seen"] = time.time()  # the idle clock starts now
            services.mark_signed_in(user)
            audit.record_request("sign_in")
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")) or url_for("main.home"), 303)
    form.password.data = ""
    status = 200 if login_error is None and not form.errors else 422
    return render_page("auth/sign_in.html", form=form, login_error=login_error,
                       idle_signed_out=session.pop("idle_signed_out", False), status=status)


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    audit.record_request("sign_out")
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.sign_in"), 303)
