from flask import current_app, flash, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from webapp import audit, ratelimit
from webapp.blueprints.account import sessions, throttle
from webapp.blueprints.auth import bp, services
from webapp.blueprints.auth.forms import SignInForm
from webapp.extensions import db
from webapp.htmx import redirect_to, render_page
from webapp.security import safe_next_path

WRONG_LOGIN = ("The email or User ID and password you entered do not match our records. "
               "Check them and try again.")
ADDRESS_WINDOW_SECONDS = 3600


def wait_message(seconds: int) -> str:
    return (f"Too many unsuccessful sign-in attempts. For your security, wait "
            f"{throttle.wait_text(seconds)} before you try again.")


def _address_key() -> str:
    return f"sign-in:addr:{request.remote_addr}"


def _refused(form, message: str, wait: int):
    form.password.data = ""
    response = render_page("auth/sign_in.html", form=form, login_error=message, idle_signed_out=False,
                           next_path=safe_next_path(request.args.get("next")), status=429)
    response.headers["Retry-After"] = str(wait)
    return response


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect_to(url_for("main.home"))
    form = SignInForm()
    login_error = None
    if form.validate_on_submit():
        key = throttle.login_key(form.login.data)
        per_address = current_app.config["SIGN_IN_FAILURES_PER_ADDRESS"]
        address_wait = ratelimit.peek(_address_key(), per_address, ADDRESS_WINDOW_SECONDS)
        account_wait = throttle.seconds_to_wait(key)
        if address_wait or account_wait:
            # Refused without looking at the password; the attempt still counts (and lengthens the wait).
            wait = max(address_wait or 0, throttle.record_failure(key) if account_wait else 0, account_wait)
            audit.record_request("sign_in.throttled")
            db.session.commit()
            return _refused(form, wait_message(wait), wait)
        user = services.authenticate(form.login.data, form.password.data)
        if user is None:
            wait = throttle.record_failure(key)
            audit.record_request("sign_in.failed")
            if wait:
                audit.record_request("sign_in.locked")
            db.session.commit()
            address_wait = ratelimit.hit(_address_key(), per_address, ADDRESS_WINDOW_SECONDS)
            if wait or address_wait:
                return _refused(form, wait_message(max(wait, address_wait or 0)), max(wait, address_wait or 0))
            login_error = WRONG_LOGIN
        else:
            throttle.clear(key)
            session.clear()  # a fresh session at sign-in: no fixation
            sessions.start(user, remote_addr=request.remote_addr, user_agent=request.user_agent.string)
            login_user(user)
            services.mark_signed_in(user)
            audit.record_request("sign_in")
            db.session.commit()
            return redirect_to(safe_next_path(request.args.get("next")) or url_for("main.home"))
    form.password.data = ""
    status = 200 if login_error is None and not form.errors else 422
    return render_page("auth/sign_in.html", form=form, login_error=login_error,
                       next_path=safe_next_path(request.args.get("next")),
                       idle_signed_out=session.pop("idle_signed_out", False), status=status)


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    audit.record_request("sign_out")
    sessions.end(current_user.session_secret)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect_to(url_for("auth.sign_in"))
