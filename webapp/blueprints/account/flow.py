"""Request-side helpers every account flow uses: mail after commit, public-form rate limits, the
one verify/resend passcode step, and saving a new password. Flows (sign-in, registration,
credentials, recovery, profile) import these and never each other."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import current_app, flash, request
from flask_wtf import FlaskForm

from webapp import audit, ratelimit
from webapp.blueprints.account import passcodes
from webapp.blueprints.account.passcodes import PasscodeLocked
from webapp.blueprints.account.passwords import change_password, password_problems, password_reused
from webapp.blueprints.auth.services import normalize_email
from webapp.extensions import db
from webapp.htmx import redirect_to, render_page
from webapp.mailer import deliver_pending, has_undelivered
from webapp.models import PasscodePurpose, User

MAIL_DELAYED = ("Sending the email is delayed: our mail server is not answering right now. "
                "Nothing is lost; we keep trying and it will arrive as soon as the server is back.")


def send_mail_now(recipient: str) -> bool:
    """Deliver queued mail after the commit; flash a notice when it could not go out yet."""
    try:
        deliver_pending()
    except Exception:  # noqa: BLE001 - the mail stays queued; the retry worker sends it later
        db.session.rollback()
    if has_undelivered(recipient):
        flash(MAIL_DELAYED, "warning")
        return False
    return True


def rate_limited(form_name: str, email: str | None) -> int | None:
    """Count this attempt per client address and per email; seconds to wait when over a limit."""
    config = current_app.config
    window = config["RATE_LIMIT_WINDOW_MINUTES"] * 60
    waits = [ratelimit.hit(f"{form_name}:addr:{request.remote_addr}", config["RATE_LIMIT_PER_ADDRESS"], window)]
    if email:
        waits.append(ratelimit.hit(f"{form_name}:email:{normalize_email(email)}",
                                   config["RATE_LIMIT_PER_EMAIL"], window))
    waits = [w for w in waits if w is not None]
    return max(waits) if waits else None


def too_many(retry_after: int) -> str:
    return f"Too many attempts. Try again in {ratelimit.minutes(retry_after)} minutes."


def locked_message(minutes: int) -> str:
    return f"Too many wrong codes. For your security this is locked; try again in {minutes} minutes."


# --- the one verify / resend step -----------------------------------------------------------------

@dataclass
class PasscodeStep:
    """Where a flow's passcode step stands: which challenge, shown for which address, and where the
    page's two forms post. `subject` is a decoy subject for an address that must not be revealed."""
    purpose: PasscodePurpose
    subject: str
    email: str
    action: str
    resend_url: str
    button: str = "Verify"
    label: str = "verification code"


def verify_page(step: PasscodeStep, form: FlaskForm, *, problem: str | None = None, status: int = 200):
    form.submit.label.text = step.button
    return render_page("account/verify.html", "form", form=form, problem=problem, status=status,
                       email=step.email, resend_url=step.resend_url, action=step.action, button=step.button)


def verify_step(step: PasscodeStep, form: FlaskForm, on_success: Callable[[], object]):
    """GET shows the code field; POST checks the code (counted atomically, committed) and calls
    `on_success()` for a right one, else shows why next to the field. Failures and locks are
    audited (by purpose; no subject, so nothing tells real from decoy)."""
    if form.validate_on_submit():
        check = passcodes.check_passcode(step.purpose, step.subject, form.passcode.data,
                                         settings=passcodes.PasscodeSettings.from_config(current_app.config))
        if not check.ok:
            audit.record_request(f"passcode.{check.result.value}", "passcode", step.purpose.value)
        db.session.commit()
        if check.ok:
            return on_success()
        form.passcode.errors.append(passcodes.passcode_message(check, step.label))
    return verify_page(step, form, status=422 if form.errors else 200)


def resend_step(step: PasscodeStep, form: FlaskForm, send: Callable[[], None], *, limit_name: str,
                sent_message: str, back_to: str):
    """A new code for the step (rate-limited; a lock refuses). `send()` issues and queues the mail
    (for a decoy it issues only a never-mailed code and a mail saying there is no account)."""
    retry_after = rate_limited(limit_name, step.email)
    if retry_after is not None:
        return verify_page(step, form, problem=too_many(retry_after), status=429)
    try:
        send()
    except PasscodeLocked as locked:
        db.session.rollback()
        return verify_page(step, form, problem=locked_message(locked.minutes), status=429)
    db.session.commit()
    if send_mail_now(step.email):
        flash(sent_message, "success")
    return redirect_to(back_to)


# --- passwords ------------------------------------------------------------------------------------

def reuse_message(history: int) -> str:
    return f"You cannot reuse your current password or one of your last {history} passwords."


def password_form_errors(form, user: User) -> bool:
    """Add each unmet password rule (by name) to the form; True when the password is acceptable."""
    problems = password_problems(form.password.data or "", current_app.config["PASSWORD_MIN_LENGTH"],
                                 personal=(user.email.split("@")[0], user.first_name, user.last_name))
    if problems:
        form.password.errors = list(form.password.errors) + [
            "The password does not meet these rules: " + "; ".join(problems) + "."]
        form.rule_problems = problems
    return not problems


def save_new_password(form, user: User) -> bool:
    """Check the rules and reuse; on success change the password (the user's other sessions end).
    The caller commits."""
    if not password_form_errors(form, user):
        return False
    history = current_app.config["PASSWORD_HISTORY"]
    if password_reused(user, form.password.data, history):
        form.password.errors = list(form.password.errors) + [reuse_message(history)]
        return False
    change_password(user, form.password.data, history, sign_out_others=True)
    return True
