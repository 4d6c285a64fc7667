"""Password expiry (rotation) and Forgot password. Routes on the auth blueprint."""
from flask import current_app, flash, request, session, url_for
from flask_login import current_user

from webapp import audit, ratelimit
from webapp.blueprints.auth import bp
from webapp.blueprints.auth.credentials import (PasscodeLocked,
                                                SECURITY_QUESTIONS, change_password, check_passcode,
                                                check_security_answer, issue_passcode, passcode_mail_body,
                                                passcode_message, password_reused,
                                                password_rules, security_questions_of)
from webapp.blueprints.auth.services import find_user_by_login, normalize_email
from webapp.extensions import db
from webapp.htmx import redirect_to, render_page
from webapp.mailer import queue_mail
from webapp.models import PasscodePurpose, User, UserStatus

ALLOWED_WHILE_EXPIRED = {"auth.password_expired", "auth.sign_out", "static"}


def reuse_message(history: int) -> str:
    return f"You cannot reuse your current password or one of your last {history} passwords."


def save_new_password(form, user: User) -> bool:
    """Check the rules and reuse; on success change the password (other sessions end) and keep this
    session signed in when it is the user's own. The caller commits."""
    from webapp.blueprints.registration.routes import password_form_errors

    if not password_form_errors(form, user):
        return False
    history = current_app.config["PASSWORD_HISTORY"]
    if password_reused(user, form.password.data, history):
        form.password.errors = list(form.password.errors) + [reuse_message(history)]
        return False
    change_password(user, form.password.data, history, sign_out_others=True)
    return True


@bp.before_app_request
def require_fresh_password():
    """Rotation: an expired password must be changed before anything else."""
    if not current_user.is_authenticated or request.endpoint in ALLOWED_WHILE_EXPIRED:
        return None
    from webapp.blueprints.auth import credentials

    if credentials.password_expired(current_user, current_app.config["PASSWORD_MAX_AGE_DAYS"]):
        return redirect_to(url_for("auth.password_expired"))
    return None


@bp.route("/password/expired", methods=["GET", "POST"])
def password_expired():
    from webapp.blueprints.registration.forms import ChangePasswordForm
    from webapp.blueprints.auth import credentials

    if not current_user.is_authenticated:
        return redirect_to(url_for("auth.sign_in"))
    user = current_user._get_current_object()
    if not credentials.password_expired(user, current_app.config["PASSWORD_MAX_AGE_DAYS"]):
        return redirect_to(url_for("main.home"))
    form = ChangePasswordForm()
    if form.validate_on_submit() and save_new_password(form, user):
        audit.record_request("password.changed_after_expiry", "user", user.id)
        db.session.commit()
        flash("Your password has been updated.", "success")
        return redirect_to(url_for("main.home"))
    return render_page("registration/password.html", "form", form=form, status=422 if form.errors else 200,
                       rules=password_rules(current_app.config["PASSWORD_MIN_LENGTH"]),
                       heading="Change Password", action=url_for("auth.password_expired"),
                       intro=f"Your password is more than {current_app.config['PASSWORD_MAX_AGE_DAYS']} days old. "
                             "Choose a new one to continue.")


# --- forgot password: emailed code AND one security answer, then a new password -------------------

def _recovery():
    return session.get("recovery") or {}


def _recovery_user(state) -> User | None:
    user = db.session.get(User, state["user_id"]) if state.get("user_id") else None
    return user if user is not None and user.status is UserStatus.ACTIVE else None


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    from webapp.blueprints.registration.forms import EmailOnlyForm
    from webapp.blueprints.registration.routes import rate_limited, send_mail_now, too_many

    form = EmailOnlyForm()
    problem = None
    if form.validate_on_submit():
        email = normalize_email(form.email.data)
        retry_after = rate_limited("forgot", email)
        if retry_after is not None:
            problem = too_many(retry_after)
        else:
            user = find_user_by_login(email)
            if user is not None and user.status is not UserStatus.ACTIVE:
                user = None
            if user is not None:
                try:
                    code = issue_passcode(PasscodePurpose.FORGOT_PASSWORD, f"user:{user.id}")
                except PasscodeLocked:
                    db.session.rollback()
                else:
                    queue_mail(user.email, "Your ProviderDesk verification code",
                               passcode_mail_body(code, current_app.config["PASSCODE_TTL_MINUTES"],
                                                  "reset your password"))
            audit.record_request("password.forgot_requested", "user", user.id if user else None)
            db.session.commit()
            session["recovery"] = {"email": email, "user_id": user.id if user else None, "step": "code"}
            send_mail_now(email)
            return redirect_to(url_for("auth.forgot_password_verify"))
    return render_page("auth/forgot_password.html", "form", form=form, problem=problem,
                       status=429 if problem else (422 if form.errors else 200))


@bp.route("/forgot-password/verify", methods=["GET", "POST"])
def forgot_password_verify():
    from webapp.blueprints.registration.forms import VerificationCodeForm

    state = _recovery()
    if not state.get("email"):
        return redirect_to(url_for("auth.forgot_password"))
    form = VerificationCodeForm()
    form.submit.label.text = "Verify"
    if form.validate_on_submit():
        user = _recovery_user(state)
        if user is None:
            from webapp.blueprints.registration.routes import decoy_check

            check = decoy_check(state)
            session["recovery"] = state
        else:
            check = check_passcode(PasscodePurpose.FORGOT_PASSWORD, f"user:{user.id}", form.passcode.data)
            db.session.commit()
        if check.ok:
            state["step"] = "answer"
            session["recovery"] = state
            return redirect_to(url_for("auth.forgot_password_answer"))
        form.passcode.errors.append(passcode_message(check, "verification code"))
    return render_page("registration/verify.html", "form", form=form, email=state["email"],
                       status=422 if form.errors else 200, problem=None, button="Verify",
                       resend_url=url_for("auth.forgot_password_resend"),
                       action=url_for("auth.forgot_password_verify"))


@bp.route("/forgot-password/resend", methods=["POST"])
def forgot_password_resend():
    from webapp.blueprints.registration.routes import rate_limited, send_mail_now, too_many

    state = _recovery()
    if not state.get("email"):
        return redirect_to(url_for("auth.forgot_password"))
    retry_after = rate_limited("forgot", state["email"])
    if retry_after is not None:
        flash(too_many(retry_after), "error")
        return redirect_to(url_for("auth.forgot_password_verify"))
    user = _recovery_user(state)
    if user is not None:
        try:
            code = issue_passcode(PasscodePurpose.FORGOT_PASSWORD, f"user:{user.id}")
        except PasscodeLocked as locked:
            db.session.rollback()
            flash(f"Too many wrong codes. Try again in {locked.minutes} minutes.", "error")
            return redirect_to(url_for("auth.forgot_password_verify"))
        queue_mail(user.email, "Your ProviderDesk verification code",
                   passcode_mail_body(code, current_app.config["PASSCODE_TTL_MINUTES"], "reset your password"))
        db.session.commit()
    if send_mail_now(state["email"]):
        flash("We sent you a new verification code. It replaces the one before.", "success")
    return redirect_to(url_for("auth.forgot_password_verify"))


@bp.route("/forgot-password/answer", methods=["GET", "POST"])
def forgot_password_answer():
    from webapp.blueprints.registration.forms import SecurityAnswerForm

    state = _recovery()
    user = _recovery_user(state)
    if user is None or state.get("step") not in ("answer",):
        return redirect_to(url_for("auth.forgot_password"))
    questions = security_questions_of(user)
    if not questions:
        return render_page("auth/forgot_password_blocked.html", status=409)
    question = questions[0]
    form = SecurityAnswerForm()
    problem = None
    if form.validate_on_submit():
        window = current_app.config["PASSCODE_LOCK_MINUTES"] * 60
        key = f"recovery-answer:user:{user.id}"
        blocked = ratelimit.peek(key, current_app.config["PASSCODE_MAX_ATTEMPTS"], window)
        if blocked is not None:
            problem = f"Too many wrong answers. Try again in {ratelimit.minutes(blocked)} minutes."
        elif check_security_answer(user, question.question, form.answer.data):
            ratelimit.reset(key)
            state["step"] = "password"
            session["recovery"] = state
            return redirect_to(url_for("auth.forgot_password_new"))
        else:
            ratelimit.hit(key, current_app.config["PASSCODE_MAX_ATTEMPTS"], window)
            audit.record_request("password.recovery_answer_failed", "user", user.id)
            db.session.commit()
            form.answer.errors.append("That answer does not match the one you gave. Check it and try again.")
    return render_page("auth/forgot_password_answer.html", "form", form=form, problem=problem,
                       question=SECURITY_QUESTIONS.get(question.question, question.question),
                       status=429 if problem else (422 if form.errors else 200))


@bp.route("/forgot-password/new", methods=["GET", "POST"])
def forgot_password_new():
    from webapp.blueprints.registration.forms import ChangePasswordForm

    state = _recovery()
    user = _recovery_user(state)
    if user is None or state.get("step") != "password":
        return redirect_to(url_for("auth.forgot_password"))
    form = ChangePasswordForm()
    if form.validate_on_submit() and save_new_password(form, user):
        audit.record("password.reset", user_id=user.id, object_type="user", object_id=user.id,
                     remote_addr=request.remote_addr)
        db.session.commit()
        session.pop("recovery", None)
        flash("Your password has been updated. Sign in with your new password.", "success")
        return redirect_to(url_for("auth.sign_in"))
    return render_page("registration/password.html", "form", form=form, status=422 if form.errors else 200,
                       rules=password_rules(current_app.config["PASSWORD_MIN_LENGTH"]),
                       heading="Create a new password", action=url_for("auth.forgot_password_new"))
