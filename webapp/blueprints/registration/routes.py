from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_required

from webapp import audit, ratelimit
from webapp.blueprints.auth.credentials import (LinkError, PasscodeCheck, PasscodeLocked, PasscodeResult,
                                                check_passcode, open_link,
                                                passcode_message, password_problems, password_rules)
from webapp.blueprints.auth.services import normalize_email
from webapp.blueprints.providers.services import search_providers
from webapp.blueprints.registration import bp, services
from webapp.blueprints.registration.forms import (DecisionForm, DetailsForm, GroupSearchForm,
                                                  NewPasswordForm, PasscodeForm, PractitionerSearchForm,
                                                  SecurityQuestionsForm, SelectProviderForm,
                                                  SubmitRequestForm, TermsForm)
from webapp.extensions import db
from webapp.htmx import redirect_to, render_page
from webapp.mailer import deliver_pending, has_undelivered
from webapp.models import (AccessStatus, EmailLinkPurpose, PasscodePurpose, Provider, ProviderKind,
                           Registration, RegistrationStep, Role, User, UserStatus)

MAIL_DELAYED = ("Sending the email is delayed: our mail server is not answering right now. "
                "Nothing is lost; we keep trying and it will arrive as soon as the server is back.")
STEP_ENDPOINTS = {
    RegistrationStep.VERIFY: "registration.verify",
    RegistrationStep.TERMS: "registration.terms",
    RegistrationStep.PROVIDER: "registration.provider",
    RegistrationStep.REVIEW: "registration.review",
    RegistrationStep.SUBMITTED: "registration.thanks",
}


# --- helpers ------------------------------------------------------------------------------------

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


def _registration_state() -> dict:
    return session.get("registration") or {}


def current_registration(*, verified: bool = True) -> Registration | None:
    state = _registration_state()
    if not state.get("id"):
        return None
    registration = db.session.get(Registration, state["id"])
    if registration is None or (registration.submitted_at is None
                                and registration.expires_at <= services.utcnow_naive()):
        session.pop("registration", None)
        return None
    if verified and not state.get("verified"):
        return None
    return registration


def decoy_check(state: dict) -> PasscodeCheck:
    """For an address that must not be revealed: wrong tries count down and lock like real ones."""
    max_attempts = current_app.config["PASSCODE_MAX_ATTEMPTS"]
    state["decoy_failures"] = state.get("decoy_failures", 0) + 1
    if state["decoy_failures"] >= max_attempts:
        return PasscodeCheck(PasscodeResult.LOCKED, locked_minutes=current_app.config["PASSCODE_LOCK_MINUTES"])
    return PasscodeCheck(PasscodeResult.WRONG, attempts_left=max_attempts - state["decoy_failures"])


def _go_to_step(registration: Registration):
    return redirect_to(url_for(STEP_ENDPOINTS[registration.step]))


def _need_registration():
    flash("Your registration has ended or expired. Please start again.", "info")
    return redirect_to(url_for("registration.start"))


# --- register as a new user ---------------------------------------------------------------------

@bp.route("/register", methods=["GET", "POST"])
def start():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = DetailsForm()
    problem = None
    if form.validate_on_submit():
        retry_after = rate_limited("register", form.email.data)
        if retry_after is not None:
            problem = too_many(retry_after)
        else:
            try:
                result = services.start_registration(
                    full_name=form.full_name.data, office_address=form.office_address.data,
                    mobile_phone=form.mobile_phone.data, email=form.email.data, position=form.position.data)
            except PasscodeLocked as locked:
                db.session.rollback()
                problem = (f"Too many wrong codes. For your security this registration is locked; "
                           f"try again in {locked.minutes} minutes.")
            else:
                registration = result.registration
                session["registration"] = {"id": registration.id if registration else None,
                                           "verified": False, "email": normalize_email(form.email.data)}
                audit.record_request("registration.start", "registration", registration.id if registration else None)
                db.session.commit()
                send_mail_now(normalize_email(form.email.data))
                return redirect_to(url_for("registration.verify"))
    status = 429 if problem and problem.startswith("Too many attempts") else (422 if form.errors or problem else 200)
    return render_page("registration/start.html", "form", form=form, problem=problem, status=status)


def _verify_page(form, *, problem=None, status=200, email=None):
    return render_page("registration/verify.html", "form", form=form, problem=problem, status=status,
                       email=email, resend_url=url_for("registration.resend"),
                       action=url_for("registration.verify"), button="Next")


@bp.route("/register/verify", methods=["GET", "POST"])
def verify():
    state = _registration_state()
    if "email" not in state:
        return _need_registration()
    registration = current_registration(verified=False)
    if registration is not None and state.get("verified"):
        return _go_to_step(registration)
    form = PasscodeForm()
    if form.validate_on_submit():
        if registration is None:  # an address that already has an account: looks like a wrong code
            form.passcode.errors.append(passcode_message(decoy_check(state)))
            session["registration"] = state
            return _verify_page(form, status=422, email=state["email"])
        check = check_passcode(PasscodePurpose.REGISTER, services.registration_subject(registration),
                               form.passcode.data)
        if check.ok:
            services.mark_email_verified(registration)
            state["verified"] = True
            session["registration"] = state
            audit.record_request("registration.verified", "registration", registration.id)
            db.session.commit()
            return _go_to_step(registration)
        audit.record_request("registration.passcode_failed", "registration", registration.id)
        db.session.commit()
        form.passcode.errors.append(passcode_message(check))
        return _verify_page(form, status=422, email=state["email"])
    return _verify_page(form, status=422 if form.errors else 200, email=state["email"])


@bp.route("/register/resend", methods=["POST"])
def resend():
    state = _registration_state()
    if "email" not in state:
        return _need_registration()
    form = PasscodeForm()
    retry_after = rate_limited("resend", state["email"])
    if retry_after is not None:
        return _verify_page(form, problem=too_many(retry_after), status=429, email=state["email"])
    registration = current_registration(verified=False)
    if registration is not None:
        try:
            services.send_registration_passcode(registration)
        except PasscodeLocked as locked:
            db.session.rollback()
            return _verify_page(form, status=429, email=state["email"], problem=(
                f"Too many wrong codes. For your security this registration is locked; "
                f"try again in {locked.minutes} minutes."))
        db.session.commit()
    if send_mail_now(state["email"]):
        flash("We sent you a new passcode. It replaces the one before.", "success")
    return redirect_to(url_for("registration.verify"))


@bp.route("/register/resume/<token>")
def resume(token):
    try:
        link = open_link(token, EmailLinkPurpose.RESUME_REGISTRATION)
    except LinkError as error:
        return render_page("registration/link_problem.html", reason=error.reason, status=404)
    registration = db.session.get(Registration, link.registration_id)
    if registration is None or registration.submitted_at is not None:
        return render_page("registration/link_problem.html", reason="used", status=404)
    # Opening the emailed link proves the mailbox, like the passcode in the same mail.
    services.mark_email_verified(registration)
    session["registration"] = {"id": registration.id, "verified": True, "email": registration.email}
    audit.record_request("registration.resumed", "registration", registration.id)
    db.session.commit()
    return _go_to_step(registration)


@bp.route("/register/terms", methods=["GET", "POST"])
def terms():
    registration = current_registration()
    if registration is None:
        return _need_registration()
    form = TermsForm()
    if form.validate_on_submit():
        services.accept_terms(registration, current_app.config["TERMS_VERSION"])
        audit.record_request("registration.terms_accepted", "registration", registration.id)
        db.session.commit()
        return redirect_to(url_for("registration.provider"))
    return render_page("registration/terms.html", "form", form=form, status=422 if form.errors else 200,
                       terms_version=current_app.config["TERMS_VERSION"])


def provider_search_context():
    """The two search tabs (GET parameters) and their results; shared with My Collections."""
    tab = "group" if request.args.get("tab") == "group" else "practitioner"
    searched = "search" in request.args
    if tab == "group":
        search_form = GroupSearchForm(request.args if searched else None)
    else:
        search_form = PractitionerSearchForm(request.args if searched else None)
    results = None
    if searched and search_form.validate():
        kind = ProviderKind.GROUP if tab == "group" else ProviderKind.PRACTITIONER
        data = {k: v for k, v in search_form.data.items() if v}
        results = search_providers(kind, **data)
    return {"tab": tab, "search_form": search_form, "results": results, "searched": searched}


@bp.route("/register/provider", methods=["GET", "POST"])
def provider():
    registration = current_registration()
    if registration is None:
        return _need_registration()
    if registration.terms_accepted_at is None:
        return redirect_to(url_for("registration.terms"))
    context = provider_search_context()
    select_form = SelectProviderForm(prefix="pick")
    if request.method == "POST" and select_form.validate_on_submit():
        chosen = db.session.get(Provider, select_form.provider_id.data)
        if chosen is not None:
            services.choose_provider(registration, chosen, select_form.registering_as.data == "behalf")
            db.session.commit()
            return redirect_to(url_for("registration.review"))
        select_form.provider_id.errors = ["Select your provider from the results."]
    status = 422 if select_form.errors or (context["searched"] and context["search_form"].errors) else 200
    return render_page("registration/provider.html", "search", select_form=select_form,
                       status=status, **context)


@bp.route("/register/submit", methods=["GET", "POST"])
def review():
    registration = current_registration()
    if registration is None:
        return _need_registration()
    if registration.step is RegistrationStep.SUBMITTED:
        return redirect_to(url_for("registration.thanks"))
    if registration.provider is None:
        return redirect_to(url_for("registration.provider"))
    form = SubmitRequestForm()
    if form.validate_on_submit():
        access = services.submit_registration(registration)
        audit.record("registration.submitted", user_id=access.user_id, object_type="provider_access",
                     object_id=access.id, remote_addr=request.remote_addr)
        db.session.commit()
        send_mail_now(registration.email)  # mail to the approver; the applicant waits
        return redirect_to(url_for("registration.thanks"))
    return render_page("registration/review.html", form=form, registration=registration,
                       reviewer=services.reviewer_description(registration.provider))


@bp.route("/register/thanks")
def thanks():
    registration = current_registration()
    if registration is None or registration.submitted_at is None:
        return _need_registration()
    return render_page("registration/thanks.html", registration=registration,
                       reviewer=services.reviewer_description(registration.provider))


# --- access requests (Local Office Administrator, or the provider by emailed link) --------------

@bp.app_context_processor
def access_request_badge():
    def count():
        if current_user.is_authenticated and current_user.role is Role.LOCAL_OFFICE_ADMIN:
            return services.pending_request_count(current_user)
        return None
    return {"access_request_count": count}


def _require_admin():
    if current_user.role is not Role.LOCAL_OFFICE_ADMIN:
        abort(404)


@bp.route("/access-requests")
@login_required
def access_requests():
    _require_admin()
    return render_page("registration/access_requests.html", requests=services.pending_requests_for(current_user))


@bp.route("/access-requests/<int:access_id>", methods=["GET", "POST"])
@login_required
def access_request(access_id):
    _require_admin()
    access = services.request_for_admin(current_user, access_id)
    if access is None:
        abort(404)
    form = DecisionForm()
    if access.status is AccessStatus.PENDING and form.validate_on_submit():
        approve = bool(form.approve.data)
        services.decide_access(access, approve=approve, decided_by=current_user, reason=form.reason.data,
                               replace_administrator=approve and form.replace_administrator.data)
        audit.record_request("access.approved" if approve else "access.rejected", "provider_access", access.id)
        db.session.commit()
        delayed = not send_mail_now(access.user.email)
        flash(f"The request of {access.user.full_name} was {'approved' if approve else 'rejected'}."
              + (" They will get the email once it can be sent." if delayed else " They have been emailed."),
              "success")
        return redirect_to(url_for("registration.access_requests"))
    audit.record_request("access.view", "provider_access", access.id)
    db.session.commit()
    return render_page("registration/access_request.html", "form", form=form, access=access,
                       status=422 if form.errors else 200, action=url_for("registration.access_request", access_id=access.id))


@bp.route("/access-requests/decide/<token>", methods=["GET", "POST"])
def decide_by_link(token):
    try:
        link = open_link(token, EmailLinkPurpose.APPROVE_ACCESS)
    except LinkError as error:
        return render_page("registration/link_problem.html", reason=error.reason, status=404)
    from webapp.models import ProviderAccess

    access = db.session.get(ProviderAccess, link.access_id)
    if access is None or access.status is not AccessStatus.PENDING:
        return render_page("registration/link_problem.html", reason="used", status=404)
    form = DecisionForm()
    if form.validate_on_submit():
        approve = bool(form.approve.data)
        services.decide_access(access, approve=approve, decided_by=None, reason=form.reason.data)
        services.use_link(link)
        audit.record_request("access.approved_by_link" if approve else "access.rejected_by_link",
                             "provider_access", access.id)
        db.session.commit()
        send_mail_now(access.user.email)
        return render_page("registration/decided.html", access=access, approved=approve)
    return render_page("registration/access_request.html", "form", form=form, access=access, by_link=True,
                       status=422 if form.errors else 200,
                       action=url_for("registration.decide_by_link", token=token))


# --- create credentials (from the approval email) -----------------------------------------------

def _credentials_state():
    state = session.get("credentials") or {}
    if not state.get("user_id"):
        return None, None, state
    user = db.session.get(User, state["user_id"])
    from webapp.models import EmailLink

    link = db.session.get(EmailLink, state.get("link_id") or 0)
    if user is None or link is None or link.used_at is not None or user.status is not UserStatus.PENDING:
        session.pop("credentials", None)
        return None, None, {}
    return user, link, state


def _credentials_gone():
    return render_page("registration/link_problem.html", reason="session", status=404)


@bp.route("/credentials/<token>")
def credentials_link(token):
    try:
        link = open_link(token, EmailLinkPurpose.CREATE_CREDENTIALS)
    except LinkError as error:
        return render_page("registration/link_problem.html", reason=error.reason, status=404)
    user = db.session.get(User, link.user_id)
    if user is None or user.status is not UserStatus.PENDING:
        return render_page("registration/link_problem.html", reason="used", status=404)
    session["credentials"] = {"user_id": user.id, "link_id": link.id, "verified": False}
    try:
        services.send_credentials_passcode(user)
    except PasscodeLocked:
        db.session.rollback()
    else:
        audit.record("credentials.link_opened", user_id=user.id, remote_addr=request.remote_addr)
        db.session.commit()
        send_mail_now(user.email)
    return redirect_to(url_for("registration.credentials_verify"))


def _credentials_verify_page(form, user, *, problem=None, status=200):
    form.submit.label.text = "Verify"
    return render_page("registration/verify.html", "form", form=form, problem=problem, status=status,
                       email=user.email, resend_url=url_for("registration.credentials_resend"),
                       action=url_for("registration.credentials_verify"), button="Verify")


@bp.route("/credentials/verify", methods=["GET", "POST"])
def credentials_verify():
    user, link, state = _credentials_state()
    if user is None:
        return _credentials_gone()
    if state.get("verified"):
        return redirect_to(url_for("registration.credentials_password"))
    form = PasscodeForm()
    if form.validate_on_submit():
        check = check_passcode(PasscodePurpose.CREDENTIALS, services.user_subject(user), form.passcode.data)
        db.session.commit()
        if check.ok:
            state["verified"] = True
            session["credentials"] = state
            return redirect_to(url_for("registration.credentials_password"))
        form.passcode.errors.append(passcode_message(check))
    return _credentials_verify_page(form, user, status=422 if form.errors else 200)


@bp.route("/credentials/resend", methods=["POST"])
def credentials_resend():
    user, link, state = _credentials_state()
    if user is None:
        return _credentials_gone()
    form = PasscodeForm()
    retry_after = rate_limited("resend", user.email)
    if retry_after is not None:
        return _credentials_verify_page(form, user, problem=too_many(retry_after), status=429)
    try:
        services.send_credentials_passcode(user)
    except PasscodeLocked as locked:
        db.session.rollback()
        return _credentials_verify_page(form, user, status=429, problem=(
            f"Too many wrong codes. For your security this is locked; try again in {locked.minutes} minutes."))
    db.session.commit()
    if send_mail_now(user.email):
        flash("We sent you a new passcode. It replaces the one before.", "success")
    return redirect_to(url_for("registration.credentials_verify"))


def password_form_errors(form, user) -> bool:
    """Add each unmet password rule (by name) to the form; True when the password is acceptable."""
    problems = password_problems(form.password.data or "", current_app.config["PASSWORD_MIN_LENGTH"],
                                 personal=(user.email.split("@")[0], user.first_name, user.last_name))
    if problems:
        form.password.errors = list(form.password.errors) + [
            "The password does not meet these rules: " + "; ".join(problems) + "."]
        form.rule_problems = problems
    return not problems


@bp.route("/credentials/password", methods=["GET", "POST"])
def credentials_password():
    user, link, state = _credentials_state()
    if user is None or not state.get("verified"):
        return _credentials_gone()
    form = NewPasswordForm()
    if form.validate_on_submit() and password_form_errors(form, user):
        # Saved now (the account stays pending, so it cannot sign in until the questions are set).
        services.set_initial_password(user, form.password.data)
        db.session.commit()
        return redirect_to(url_for("registration.credentials_questions"))
    if request.method == "POST" and not form.errors:
        password_form_errors(form, user)
    return render_page("registration/password.html", "form", form=form, status=422 if form.errors else 200,
                       rules=password_rules(current_app.config["PASSWORD_MIN_LENGTH"]),
                       heading="Create Password", action=url_for("registration.credentials_password"))


@bp.route("/credentials/questions", methods=["GET", "POST"])
def credentials_questions():
    user, link, state = _credentials_state()
    if user is None or not state.get("verified"):
        return _credentials_gone()
    if not user.password_hash:
        return redirect_to(url_for("registration.credentials_password"))
    form = SecurityQuestionsForm()
    if form.validate_on_submit():
        services.finish_credentials(user, link, form.pairs())
        audit.record("credentials.created", user_id=user.id, remote_addr=request.remote_addr)
        db.session.commit()
        session.pop("credentials", None)
        flash(f"Your account is ready. Sign in with your email or your User ID, {user.user_code}.", "success")
        return redirect_to(url_for("auth.sign_in"))
    return render_page("registration/questions.html", "form", form=form, status=422 if form.errors else 200,
                       heading="Security Questions", action=url_for("registration.credentials_questions"),
                       button_label="Submit")
