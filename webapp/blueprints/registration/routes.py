from flask import abort, current_app, flash, request, session, url_for
from flask_login import current_user, login_required

from webapp import audit
from webapp.blueprints.account.flow import (PasscodeStep, locked_message, password_form_errors, rate_limited,
                                            resend_step, send_mail_now, too_many, verify_step)
from webapp.blueprints.account.forms import NewPasswordForm, PasscodeForm, SecurityQuestionsForm
from webapp.blueprints.account.links import LinkError, open_link
from webapp.blueprints.account.passcodes import PasscodeLocked, decoy_subject, user_subject
from webapp.blueprints.account.passwords import password_rules
from webapp.blueprints.account.questions import SECURITY_QUESTIONS, security_questions_of
from webapp.blueprints.auth.services import normalize_email
from webapp.blueprints.registration import bp, services
from webapp.blueprints.registration.forms import (DecisionForm, DetailsForm, IdentityForm, ProviderDecisionForm,
                                                  ReplaceAdministratorForm, SecurityCheckForm, SubmitRequestForm,
                                                  TermsForm)
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.htmx import redirect_to, render_page
from webapp.models import (AccessStatus, EmailLink, EmailLinkPurpose, PasscodePurpose, Provider,
                           ProviderAccess, Registration, RegistrationStep, User, UserStatus)
from webapp.providers import identity
from webapp.providers.forms import SelectProviderForm
from webapp.providers.search_view import provider_search_context

def _settings() -> services.RegistrationSettings:
    return services.RegistrationSettings.from_config(current_app.config)


def _identity_settings() -> identity.IdentitySettings:
    return identity.IdentitySettings.from_config(current_app.config)


STEP_ENDPOINTS = {
    RegistrationStep.VERIFY: "registration.verify",
    RegistrationStep.TERMS: "registration.terms",
    RegistrationStep.PROVIDER: "registration.provider",
    RegistrationStep.IDENTITY: "registration.identity",
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


def _identity_page(form: IdentityForm, *, provider: Provider, on_behalf: bool, action: str, step: str,
                   problem: str | None):
    status = 429 if problem and "locked" in problem else (422 if form.errors or problem else 200)
    return render_page("registration/identity.html", "form", form=form, problem=problem, provider=provider,
                       on_behalf=on_behalf, action=action, step=step, status=status,
                       proof_labels=identity.PROOF_LABELS)


def _check_identity(form: IdentityForm, provider: Provider, *, applicant: str, on_behalf: bool,
                    audit_type: str, audit_id: int) -> identity.ProofCheck:
    """Check the typed proof (throttled) and keep the count and an audit row of a refusal."""
    check = identity.check_identity(provider, form.identity_proof(), applicant=applicant, on_behalf=on_behalf,
                                    today=utcnow_naive().date(), settings=_identity_settings())
    audit.record_request("identity.proved" if check.ok else "identity.not_matched", audit_type, audit_id)
    if not check.ok:
        db.session.commit()  # the refusal counts even though nothing else is saved
    return check


def _replace_page(form, provider: Provider, action: str):
    return render_page("registration/replace_administrator.html", form=form, provider=provider, action=action)


# --- the two ways in ----------------------------------------------------------------------------

@bp.route("/register/choose")
def choose():
    """Register here: "I need additional access" (an account adds a provider or a role) or
    "Continue with registration" (a new account)."""
    return render_page("registration/choose.html")


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
                    mobile_phone=form.mobile_phone.data, email=form.email.data, position=form.position.data,
                    lifetime_hours=current_app.config["REGISTRATION_TTL_HOURS"], settings=_settings())
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
               else decoy_subject(state["email"], secret_key=current_app.config["SECRET_KEY"]))  # has an account
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
            services.send_registration_passcode(registration, settings=_settings())
        else:
            services.send_existing_account_notice(state["email"], settings=_settings())

    return resend_step(_registration_step(state, registration), PasscodeForm(), send, limit_name="resend",
                       sent_message="We sent you a new passcode. It replaces the one before.",
                       back_to=url_for("registration.verify"))


@bp.route("/register/resume/<token>")
def resume(token):
    try:
        link = open_link(token, EmailLinkPurpose.RESUME_REGISTRATION, secret_key=current_app.config["SECRET_KEY"])
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
            services.choose_provider(registration, chosen, on_behalf=select_form.on_behalf,
                                     wants_administrator=select_form.wants_administrator)
            db.session.commit()
            if services.asks_to_replace_administrator(chosen, registration.wants_administrator):
                return redirect_to(url_for("registration.replace_choice"))
            return redirect_to(url_for("registration.identity"))
        select_form.provider_id.errors = ["Select your provider from the results."]
    status = 422 if select_form.errors or (context["searched"] and context["search_form"].errors) else 200
    return render_page("registration/provider.html", "search", select_form=select_form,
                       status=status, **context)


@bp.route("/register/administrator", methods=["GET", "POST"])
def replace_choice():
    """The provider already has a Senior Access Administrator: replace it, or start over."""
    registration = current_registration()
    if registration is None:
        return _need_registration()
    if registration.provider is None or not registration.wants_administrator:
        return redirect_to(url_for("registration.provider"))
    form = ReplaceAdministratorForm()
    if form.validate_on_submit():
        if form.replace.data:
            services.replace_current_administrator(registration)
            db.session.commit()
            return redirect_to(url_for("registration.identity"))
        services.start_over(registration)
        db.session.commit()
        flash("Choose the provider again, and a different role.", "info")
        return redirect_to(url_for("registration.provider"))
    return _replace_page(form, registration.provider, url_for("registration.replace_choice"))


@bp.route("/register/identity", methods=["GET", "POST"], endpoint="identity")
def identity_step():
    registration = current_registration()
    if registration is None:
        return _need_registration()
    if registration.provider is None:
        return redirect_to(url_for("registration.provider"))
    if (services.asks_to_replace_administrator(registration.provider, registration.wants_administrator)
            and not registration.replace_administrator):
        return redirect_to(url_for("registration.replace_choice"))
    form = IdentityForm(on_behalf=registration.on_behalf)
    problem = None
    if form.validate_on_submit():
        check = _check_identity(form, registration.provider, applicant=services.registration_subject(registration),
                                on_behalf=registration.on_behalf, audit_type="registration",
                                audit_id=registration.id)
        if check.ok:
            services.record_identity(registration, form.proof.data)
            db.session.commit()
            return redirect_to(url_for("registration.review"))
        problem = check.message
    return _identity_page(form, provider=registration.provider, on_behalf=registration.on_behalf,
                          action=url_for("registration.identity"), step="Step 5 of 6.", problem=problem)


@bp.route("/register/submit", methods=["GET", "POST"])
def review():
    registration = current_registration()
    if registration is None:
        return _need_registration()
    if registration.step is RegistrationStep.SUBMITTED:
        return redirect_to(url_for("registration.thanks"))
    if registration.provider is None:
        return redirect_to(url_for("registration.provider"))
    if registration.identity_verified_at is None:
        return redirect_to(url_for("registration.identity"))
    form = SubmitRequestForm()
    at_once = services.access_at_once(on_behalf=registration.on_behalf,
                                      replace_administrator=registration.replace_administrator)
    if form.validate_on_submit():
        submitted = services.submit_registration(registration, settings=_settings())
        access = submitted.access
        audit.record("registration.submitted", user_id=access.user_id, object_type="provider_access",
                     object_id=access.id, remote_addr=request.remote_addr)
        db.session.commit()
        send_mail_now(registration.email)  # the applicant's link, or the mail to the approver
        if submitted.credentials_link is not None:
            # The email was proved by the passcode in this same browser: create the credentials now.
            session["credentials"] = {"user_id": access.user_id, "link_id": submitted.credentials_link.id,
                                      "verified": True}
            flash(f"You proved the identity of {registration.provider.name}: your access is ready. "
                  "Create your password and security questions to use it.", "success")
            return redirect_to(url_for("registration.credentials_password"))
        return redirect_to(url_for("registration.thanks"))
    return render_page("registration/review.html", form=form, registration=registration, at_once=at_once,
                       proof_label=identity.PROOF_LABELS.get(registration.identity_proof, ""),
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
        if current_user.is_authenticated and current_user.is_local_office_admin:
            return services.pending_request_count(current_user)
        return None
    return {"access_request_count": count}


def _require_admin():
    if not current_user.is_local_office_admin:
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
                               replace_administrator=approve and form.replace_administrator.data,
                               settings=_settings())
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
                       proof_labels=identity.PROOF_LABELS, status=422 if form.errors else 200,
                       action=url_for("registration.access_request", access_id=access.id))


def _provider_check(provider: Provider, form: ProviderDecisionForm):
    """What the provider answers to approve: their security questions when the address on file is
    their own account's, else the last four of their SSN (individuals) or their Tax ID (groups)."""
    account = identity.provider_account(provider)
    if account is not None:
        questions = security_questions_of(account)[:2]
        for item, question in zip((form.answer_1, form.answer_2), questions):
            item.label.text = SECURITY_QUESTIONS.get(question.question, item.label.text)
        return account, [q.question for q in questions], ["answer_1", "answer_2"][:len(questions)]
    return None, [], ["ssn_last4"] if provider.ssn_last4_hmac else ["tax_id"]


@bp.route("/access-requests/decide/<token>", methods=["GET", "POST"])
def decide_by_link(token):
    try:
        link = open_link(token, EmailLinkPurpose.APPROVE_ACCESS, secret_key=current_app.config["SECRET_KEY"])
    except LinkError as error:
        return render_page("registration/link_problem.html", reason=error.reason, status=404)
    access = db.session.get(ProviderAccess, link.access_id)
    if access is None or access.status is not AccessStatus.PENDING:
        return render_page("registration/link_problem.html", reason="used", status=404)
    form = ProviderDecisionForm()
    account, question_keys, check_fields = _provider_check(access.provider, form)
    problem = None
    if form.validate_on_submit() and form.require(check_fields):
        approve = bool(form.approve.data)
        if approve:
            who = f"link:{link.id}"
            if account is not None:
                answers = {key: form[name].data for key, name in zip(question_keys, check_fields)}
                check = identity.check_security_answers(account, answers, who=who, settings=_identity_settings())
            else:
                check = identity.check_provider_side(access.provider, ssn_last4=form.ssn_last4.data or "",
                                                     tax_id=form.tax_id.data or "", who=who,
                                                     settings=_identity_settings())
            audit.record_request("identity.provider_confirmed" if check.ok else "identity.provider_not_matched",
                                 "provider_access", access.id)
            if not check.ok:
                db.session.commit()
                problem = check.text("what we have on file for you")
        if problem is None:
            services.decide_access(access, approve=approve, decided_by=None, reason=form.reason.data,
                                   settings=_settings())
            services.use_link(link)
            audit.record_request("access.approved_by_link" if approve else "access.rejected_by_link",
                                 "provider_access", access.id)
            db.session.commit()
            send_mail_now(access.user.email)
            return render_page("registration/decided.html", access=access, approved=approve)
    status = 429 if problem and "locked" in problem else (422 if form.errors or problem else 200)
    return render_page("registration/access_request.html", "form", form=form, access=access, by_link=True,
                       status=status, problem=problem, check_fields=check_fields,
                       proof_labels=identity.PROOF_LABELS,
                       action=url_for("registration.decide_by_link", token=token))


# --- "I need additional access": a signed-in user adds a provider or a role ----------------------

def _require_provider_user():
    if not current_user.is_provider_user:
        abort(404)


def _additional_state() -> tuple[dict, Provider | None]:
    state = session.get("additional_access") or {}
    provider = db.session.get(Provider, state["provider_id"]) if state.get("provider_id") else None
    return state, provider


def _start_additional_again():
    session.pop("additional_access", None)
    flash("Choose the provider again.", "info")
    return redirect_to(url_for("registration.additional_access"))


@bp.route("/additional-access", methods=["GET", "POST"])
@login_required
def additional_access():
    _require_provider_user()
    user = current_user._get_current_object()
    context = provider_search_context()
    select_form = SelectProviderForm(prefix="pick")
    if request.method == "POST" and select_form.validate_on_submit():
        chosen = db.session.get(Provider, select_form.provider_id.data)
        if chosen is None:
            select_form.provider_id.errors = ["Select your provider from the results."]
        elif services.in_collection(user, chosen):
            flash(f"{chosen.name} is already in your collection.", "info")
            return redirect_to(url_for("profile.my_collections"))
        else:
            session["additional_access"] = {"provider_id": chosen.id, "on_behalf": select_form.on_behalf,
                                            "wants_administrator": select_form.wants_administrator,
                                            "replace": False, "proof": None}
            if services.asks_to_replace_administrator(chosen, select_form.wants_administrator):
                return redirect_to(url_for("registration.additional_replace"))
            return redirect_to(url_for("registration.additional_identity"))
    status = 422 if select_form.errors or (context["searched"] and context["search_form"].errors) else 200
    return render_page("registration/additional_access.html", "search", select_form=select_form, status=status,
                       profile_tab="collections", **context)


@bp.route("/additional-access/administrator", methods=["GET", "POST"])
@login_required
def additional_replace():
    _require_provider_user()
    state, provider = _additional_state()
    if provider is None or not state.get("wants_administrator"):
        return _start_additional_again()
    form = ReplaceAdministratorForm()
    if form.validate_on_submit():
        if form.replace.data:
            state["replace"] = True
            session["additional_access"] = state
            return redirect_to(url_for("registration.additional_identity"))
        session.pop("additional_access", None)
        flash("Choose the provider again, and a different role.", "info")
        return redirect_to(url_for("registration.additional_access"))
    return _replace_page(form, provider, url_for("registration.additional_replace"))


@bp.route("/additional-access/identity", methods=["GET", "POST"])
@login_required
def additional_identity():
    _require_provider_user()
    user = current_user._get_current_object()
    state, provider = _additional_state()
    if provider is None:
        return _start_additional_again()
    if (services.asks_to_replace_administrator(provider, state.get("wants_administrator", False))
            and not state.get("replace")):
        return redirect_to(url_for("registration.additional_replace"))
    on_behalf = bool(state.get("on_behalf"))
    form = IdentityForm(on_behalf=on_behalf)
    problem = None
    if form.validate_on_submit():
        check = _check_identity(form, provider, applicant=f"user:{user.id}", on_behalf=on_behalf,
                                audit_type="provider", audit_id=provider.id)
        if check.ok:
            if on_behalf:
                return _send_additional_request(user, provider, state, form.proof.data)
            state["proof"] = form.proof.data
            session["additional_access"] = state
            db.session.commit()
            return redirect_to(url_for("registration.additional_questions"))
        problem = check.message
    return _identity_page(form, provider=provider, on_behalf=on_behalf, problem=problem, step="",
                          action=url_for("registration.additional_identity"))


def _send_additional_request(user: User, provider: Provider, state: dict, proof: str):
    if services.in_collection(user, provider):
        session.pop("additional_access", None)
        return redirect_to(url_for("profile.my_collections"))
    access = services.request_access(user, provider, on_behalf=bool(state.get("on_behalf")),
                                     wants_administrator=bool(state.get("wants_administrator")),
                                     replace_administrator=bool(state.get("replace")), identity_proof=proof,
                                     approval_link_days=current_app.config["APPROVAL_LINK_DAYS"],
                                     secret_key=current_app.config["SECRET_KEY"])
    audit.record_request("access.requested", "provider_access", access.id)
    db.session.commit()
    session.pop("additional_access", None)
    send_mail_now(user.email)
    flash(f"Your request for {provider.name} was sent to {services.reviewer_description(provider)}. "
          "It shows as Pending until it is approved.", "success")
    return redirect_to(url_for("profile.my_collections"))


@bp.route("/additional-access/questions", methods=["GET", "POST"])
@login_required
def additional_questions():
    """As the provider, after the NPI and proof: the user's own security questions, then access."""
    _require_provider_user()
    user = current_user._get_current_object()
    state, provider = _additional_state()
    if provider is None or not state.get("proof") or state.get("on_behalf"):
        return _start_additional_again()
    questions = security_questions_of(user)[:2]
    if len(questions) < 2:
        flash("Set up your security questions first (My Profile, Change Security), then ask again.", "info")
        return redirect_to(url_for("profile.my_profile"))
    form = SecurityCheckForm()
    for item, question in zip((form.answer_1, form.answer_2), questions):
        item.label.text = SECURITY_QUESTIONS.get(question.question, item.label.text)
    problem = None
    if form.validate_on_submit():
        answers = {questions[0].question: form.answer_1.data, questions[1].question: form.answer_2.data}
        check = identity.check_security_answers(user, answers, who=f"user:{user.id}", settings=_identity_settings())
        audit.record_request("identity.questions_answered" if check.ok else "identity.questions_not_matched",
                             "user", user.id)
        if check.ok:
            if state.get("replace"):  # the current administrator approves the replacement
                return _send_additional_request(user, provider, state, state["proof"])
            if not services.in_collection(user, provider):
                services.grant_additional_access(user, provider,
                                                 wants_administrator=bool(state.get("wants_administrator")),
                                                 identity_proof=state["proof"])
            audit.record_request("access.granted_at_once", "provider", provider.id)
            db.session.commit()
            session.pop("additional_access", None)
            flash(f"You proved the identity of {provider.name}: it is now active in your collection.", "success")
            return redirect_to(url_for("profile.my_collections"))
        db.session.commit()
        problem = check.text("your security answers")
    status = 429 if problem and "locked" in problem else (422 if form.errors or problem else 200)
    return render_page("registration/security_check.html", "form", form=form, problem=problem, provider=provider,
                       status=status, action=url_for("registration.additional_questions"))


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
        link = open_link(token, EmailLinkPurpose.CREATE_CREDENTIALS, secret_key=current_app.config["SECRET_KEY"])
    except LinkError as error:
        return render_page("registration/link_problem.html", reason=error.reason, status=404)
    user = db.session.get(User, link.user_id)
    if user is None or user.status is not UserStatus.PENDING:
        return render_page("registration/link_problem.html", reason="used", status=404)
    session["credentials"] = {"user_id": user.id, "link_id": link.id, "verified": False}
    try:
        services.send_credentials_passcode(user, settings=_settings())
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
    settings = _settings()
    return resend_step(_credentials_step(user), PasscodeForm(),
                       lambda: services.send_credentials_passcode(user, settings=settings),
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
        services.set_initial_password(user, form.password.data, current_app.config["PASSWORD_HISTORY"])
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
