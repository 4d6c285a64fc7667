"""Password expiry (rotation) and Forgot password. Routes on the auth blueprint.

Forgot password: emailed code, then one security answer, then a new password. Each step's right to
go on is a server-side, single-use grant that expires after 10 minutes (account/grants). An
address without an active account gets a decoy challenge and a "no account" mail: counts,
messages and mail notices are the same as for a real account.
"""
from flask import current_app, flash, request, session, url_for
from flask_login import current_user

from webapp import audit, ratelimit
from webapp.blueprints.account import grants
from webapp.blueprints.account.flow import (PasscodeStep, rate_limited, resend_step, save_new_password,
                                            send_mail_now, too_many, verify_step)
from webapp.blueprints.account.forms import (ChangePasswordForm, EmailOnlyForm, SecurityAnswerForm,
                                             VerificationCodeForm)
from webapp.blueprints.account.links import public_url
from webapp.blueprints.account.passcodes import (PasscodeLocked, PasscodeSettings, decoy_subject, issue_passcode,
                                                 passcode_mail_body, user_subject)
from webapp.blueprints.account.passwords import password_expired as password_is_expired
from webapp.blueprints.account.passwords import password_rules
from webapp.blueprints.account.questions import SECURITY_QUESTIONS, check_security_answer, security_questions_of
from webapp.blueprints.auth import bp
from webapp.blueprints.auth.services import find_user_by_login, normalize_email
from webapp.extensions import db
from webapp.htmx import redirect_to, render_page
from webapp.mailer import queue_mail
from webapp.models import PasscodePurpose, User, UserStatus

ALLOWED_WHILE_EXPIRED = {"auth.password_expired", "auth.sign_out", "static"}
PURPOSE = PasscodePurpose.FORGOT_PASSWORD


@bp.before_app_request
def require_fresh_password():
    """Rotation: an expired password must be changed before anything else."""
    if not current_user.is_authenticated or request.endpoint in ALLOWED_WHILE_EXPIRED:
        return None
    if password_is_expired(current_user, current_app.config["PASSWORD_MAX_AGE_DAYS"]):
        return redirect_to(url_for("auth.password_expired"))
    return None


@bp.route("/password/expired", methods=["GET", "POST"])
def password_expired():
    if not current_user.is_authenticated:
        return redirect_to(url_for("auth.sign_in"))
    user = current_user._get_current_object()
    if not password_is_expired(user, current_app.config["PASSWORD_MAX_AGE_DAYS"]):
        return redirect_to(url_for("main.home"))
    form = ChangePasswordForm()
    if form.validate_on_submit() and save_new_password(form, user):
        audit.record_request("password.changed_after_expiry", "user", user.id)
        db.session.commit()
        flash("Your password has been updated.", "success")
        return redirect_to(url_for("main.home"))
    return render_page("account/password.html", "form", form=form, status=422 if form.errors else 200,
                       rules=password_rules(current_app.config["PASSWORD_MIN_LENGTH"]),
                       heading="Change Password", action=url_for("auth.password_expired"),
                       intro=f"Your password is more than {current_app.config['PASSWORD_MAX_AGE_DAYS']} days old. "
                             "Choose a new one to continue.")


# --- forgot password ------------------------------------------------------------------------------

def _state() -> dict:
    return session.get("recovery") or {}


def _account(email: str) -> User | None:
    user = find_user_by_login(email)
    return user if user is not None and user.status is UserStatus.ACTIVE else None


def _send_code(email: str) -> None:
    """A code for a real account; for any other address a never-mailed decoy code and a mail that
    says there is no account (so the screens, counts and mail notices are the same)."""
    user = _account(email)
    settings = PasscodeSettings.from_config(current_app.config)
    if user is not None:
        code = issue_passcode(PURPOSE, user_subject(user), settings=settings)
        queue_mail(user.email, "Your ProviderDesk verification code",
                   passcode_mail_body(code, settings.lifetime_minutes, "reset your password"))
    else:
        issue_passcode(PURPOSE, decoy_subject(email, secret_key=settings.secret_key), settings=settings)
        queue_mail(email, "ProviderDesk password reset",
                   "Someone (maybe you) asked to reset a ProviderDesk password for this email address, "
                   "but there is no active account with it.\n"
                   f"To register, go to {public_url('/register', base_url=current_app.config['PUBLIC_BASE_URL'])}.\n\n"
                   "If it was not you, you can ignore this email.")


def _step(email: str) -> PasscodeStep:
    user = _account(email)
    subject = user_subject(user) if user else decoy_subject(email, secret_key=current_app.config["SECRET_KEY"])
    return PasscodeStep(PURPOSE, subject, email,
                        action=url_for("auth.forgot_password_verify"),
                        resend_url=url_for("auth.forgot_password_resend"))


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    form = EmailOnlyForm()
    problem = None
    if form.validate_on_submit():
        email = normalize_email(form.email.data)
        retry_after = rate_limited("forgot", email)
        if retry_after is not None:
            problem = too_many(retry_after)
        else:
            try:
                _send_code(email)
            except PasscodeLocked:
                db.session.rollback()  # the next step says it is locked, for real and decoy alike
            user = _account(email)
            audit.record_request("password.forgot_requested", "user", user.id if user else None)
            db.session.commit()
            session["recovery"] = {"email": email}
            send_mail_now(email)
            return redirect_to(url_for("auth.forgot_password_verify"))
    return render_page("auth/forgot_password.html", "form", form=form, problem=problem,
                       status=429 if problem else (422 if form.errors else 200))


@bp.route("/forgot-password/verify", methods=["GET", "POST"])
def forgot_password_verify():
    email = _state().get("email")
    if not email:
        return redirect_to(url_for("auth.forgot_password"))
    step = _step(email)

    def go_on():
        user = _account(email)
        session["recovery"] = {"email": email, "grant": grants.issue(user, "answer")}
        db.session.commit()
        return redirect_to(url_for("auth.forgot_password_answer"))

    return verify_step(step, VerificationCodeForm(), go_on)


@bp.route("/forgot-password/resend", methods=["POST"])
def forgot_password_resend():
    email = _state().get("email")
    if not email:
        return redirect_to(url_for("auth.forgot_password"))
    return resend_step(_step(email), VerificationCodeForm(), lambda: _send_code(email), limit_name="forgot",
                       sent_message="We sent you a new verification code. It replaces the one before.",
                       back_to=url_for("auth.forgot_password_verify"))


@bp.route("/forgot-password/answer", methods=["GET", "POST"])
def forgot_password_answer():
    state = _state()
    user = grants.holder(state.get("grant"), "answer")
    if user is None:
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
            if grants.consume(state["grant"], "answer"):
                ratelimit.reset(key)
                session["recovery"] = {"email": state["email"], "grant": grants.issue(user, "password")}
                db.session.commit()
                return redirect_to(url_for("auth.forgot_password_new"))
            return redirect_to(url_for("auth.forgot_password"))
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
    grant = _state().get("grant")
    user = grants.holder(grant, "password")
    if user is None:
        return redirect_to(url_for("auth.forgot_password"))
    form = ChangePasswordForm()
    if form.validate_on_submit() and save_new_password(form, user):
        if not grants.consume(grant, "password"):  # a parallel request used it first
            db.session.rollback()
            return redirect_to(url_for("auth.forgot_password"))
        audit.record("password.reset", user_id=user.id, object_type="user", object_id=user.id,
                     remote_addr=request.remote_addr)
        db.session.commit()
        session.pop("recovery", None)
        flash("Your password has been updated. Sign in with your new password.", "success")
        return redirect_to(url_for("auth.sign_in"))
    return render_page("account/password.html", "form", form=form, status=422 if form.errors else 200,
                       rules=password_rules(current_app.config["PASSWORD_MIN_LENGTH"]),
                       heading="Create a new password", action=url_for("auth.forgot_password_new"))
