from flask import abort, current_app, flash, request, session, url_for
from flask_login import current_user, login_required

from webapp import audit
from webapp.blueprints.account.flow import (PasscodeStep, locked_message, password_form_errors, rate_limited,
                                            resend_step, send_mail_now, too_many, verify_step)
from webapp.blueprints.account.forms import NewPasswordForm, PasscodeForm, SecurityQuestionsForm
from webapp.blueprints.account.links import LinkError, open_link
from webapp.blueprints.account.passcodes import PasscodeLocked, decoy_subject, user_subject
from webapp.blueprints.account.passwords import password_rules
from webapp.blueprints.auth.services import normalize_email
from webapp.blueprints.providers.forms import SelectProviderForm
from webapp.blueprints.providers.search_view import provider_search_context
from webapp.blueprints.registration import bp, services
from webapp.blueprints.registration.forms import DecisionForm, DetailsForm, SubmitRequestForm, TermsForm
from webapp.extensions import db
from webapp.htmx import redirect_to, render_page
from webapp.models import (AccessStatus, EmailLink, EmailLinkPurpose, PasscodePurpose, Provider,
                           ProviderAccess, Registration, RegistrationStep, Role, User, UserStatus)

STEP_ENDPOINTS = {
    RegistrationStep.VERIFY: "registration.verify",
    RegistrationStep.TERMS: "registration.terms",
    RegistrationStep.PROVIDER: "registration.provider",
    RegistrationStep.REVIEW: "registration.review",
    RegistrationStep.SUBMITTED: "registration.thanks",
}


# --- helpers ------------------------------------------------------------------------------------

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


def _go_to_step(registration: Registration):
    return redirect_to(url_for(STEP_ENDPOINTS[registration.step]))


def _need_registration():
    flash("Your registration has ended or expired. Please start again.", "info")
    return redirect_to(url_for("registration.start"))


# --- register as a new user ---------------------------------------------------------------------

@bp.route("/register", methods=["GET", "POST"])
def start():
    if current_user.is_authenticated:
        return redirect_to(url_for("main.home"))
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
                problem = locked_message(locked.minutes)
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


def _registration_step(state: dict, registration: Registration | None) -> PasscodeStep:
    subject = (services.registration_subject(registration) if registration is not None
               else decoy_subject(state["email"]))  # an address that already has an account
    return PasscodeStep(PasscodePurpose.REGISTER, subject, state["email"], action=url_for("registration.verify"),
                        resend_url=url_for("registration.resend"), button="Next", label="passcode")


@bp.route("/register/verify", methods=["GET", "POST"])
def verify():
    state = _registration_state()
    if "email" not in state:
        return _need_registration()
    registration = current_registration(verified=False)
    if registration is not None and state.get("verified"):
        return _go_to_step(registration)

    def verified():
        services.mark_email_verified(registration)
        state["verified"] = True
        session["registration"] = state
        audit.record_request("registration.verified", "registration", registration.id)
        db.session.commit()
        return _go_to_step(registration)

    return verify_step(_registration_step(state, registration), PasscodeForm(), verified)


@bp.route("/register/resend", methods=["POST"])
def resend():
    state = _registration_state()
    if "email" not in state:
        return _need_registration()
    registration = current_registration(verified=False)

    def send():
        if registration is not None:
            services.send_registration_passcode(registration)
        else:
            services.send_existing_account_notice(state["email"])

    return resend_step(_registration_step(state, registration), PasscodeForm(), send, limit_name="resend",
                       sent_message="We sent you a new passcode. It replaces the one before.",
                       back_to=url_for("registration.verify"))


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
    return render_page("registration/access_requests.html", requests=services.pending_requests_for(current_user),
                       office_users=services.office_users_for(current_user))


@bp.route("/access-requests/<int:access_id>/withdraw", methods=["POST"])
@login_required
def withdraw_access(access_id):
    _require_admin()
    access = next((a for a in services.office_users_for(current_user) if a.id == access_id), None)
    if access is None:
        abort(404)
    services.withdraw_access(access, by=current_user)
    audit.record_request("access.withdrawn", "provider_access", access.id)
    db.session.commit()
    flash(f"The access of {access.user.full_name} to {access.provider.name} was withdrawn; "
          "their sessions have ended.", "success")
    return redirect_to(url_for("registration.access_requests"))


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
    audit.commit_view()
    return render_page("registration/access_request.html", "form", form=form, access=access,
                       status=422 if form.errors else 200, action=url_for("registration.access_request", access_id=access.id))


@bp.route("/access-requests/decide/<token>", methods=["GET", "POST"])
def decide_by_link(token):
    try:
        link = open_link(token, EmailLinkPurpose.APPROVE_ACCESS)
    except LinkError as error:
        return render_page("registration/link_problem.html", reason=error.reason, status=404)
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


def _credentials_step(user: User) -> PasscodeStep:
    return PasscodeStep(PasscodePurpose.CREDENTIALS, user_subject(user), user.email, label="passcode",
                        action=url_for("registration.credentials_verify"),
                        resend_url=url_for("registration.credentials_resend"))


@bp.route("/credentials/verify", methods=["GET", "POST"])
def credentials_verify():
    user, link, state = _credentials_state()
    if user is None:
        return _credentials_gone()
    if state.get("verified"):
        return redirect_to(url_for("registration.credentials_password"))

    def verified():
        state["verified"] = True
        session["credentials"] = state
        return redirect_to(url_for("registration.credentials_password"))

    return verify_step(_credentials_step(user), PasscodeForm(), verified)


@bp.route("/credentials/resend", methods=["POST"])
def credentials_resend():
    user, link, state = _credentials_state()
    if user is None:
        return _credentials_gone()
    return resend_step(_credentials_step(user), PasscodeForm(), lambda: services.send_credentials_passcode(user),
                       limit_name="resend", sent_message="We sent you a new passcode. It replaces the one before.",
                       back_to=url_for("registration.credentials_verify"))


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
    return render_page("account/password.html", "form", form=form, status=422 if form.errors else 200,
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
    return render_page("account/questions.html", "form", form=form, status=422 if form.errors else 200,
                       heading="Security Questions", action=url_for("registration.credentials_questions"),
                       button_label="Submit")
