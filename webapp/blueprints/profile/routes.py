import time

from flask import abort, current_app, flash, request, session, url_for
from flask_login import current_user, login_required

from webapp import audit
from webapp.blueprints.account import sessions
from webapp.blueprints.account.flow import PasscodeStep, resend_step, save_new_password, verify_step
from webapp.blueprints.account.forms import ChangePasswordForm, ChangeSecurityForm, VerificationCodeForm
from webapp.blueprints.account.passcodes import PasscodeSettings, send_user_passcode, user_subject
from webapp.blueprints.account.passwords import password_rules
from webapp.blueprints.account.questions import set_security_answers
from webapp.blueprints.profile import bp, services
from webapp.blueprints.profile.forms import DemographicsForm
from webapp.extensions import db
from webapp.htmx import redirect_to, render_page
from webapp.models import PasscodePurpose

PURPOSES = {
    "password": (PasscodePurpose.CHANGE_PASSWORD, "change your password", "profile.change_password"),
    "security": (PasscodePurpose.CHANGE_SECURITY, "change your security questions", "profile.change_security"),
}


@bp.before_request
@login_required
def signed_in_only():
    return None


def _user():
    return current_user._get_current_object()


@bp.route("")
def my_profile():
    user = _user()
    config = current_app.config
    listed = sessions.active_sessions(user, user.session_secret, idle_minutes=config["SESSION_IDLE_MINUTES"],
                                      max_hours=config["SESSION_MAX_HOURS"])
    return render_page("profile/profile.html", user=user, profile_tab="profile", active_sessions=listed)


@bp.route("/sessions/sign-out-others", methods=["POST"])
def sign_out_other_sessions():
    user = _user()
    ended = sessions.end_others(user, user.session_secret)
    audit.record_request("sessions.signed_out_others", "user", user.id)
    db.session.commit()
    flash(f"Signed out {ended} other session{'' if ended == 1 else 's'}." if ended
          else "There were no other sessions.", "success")
    return redirect_to(url_for("profile.my_profile"))


@bp.route("/edit", methods=["GET", "POST"])
def edit_info():
    user = _user()
    form = DemographicsForm(obj=user)
    if form.validate_on_submit():
        services.update_demographics(user, mobile_phone=form.mobile_phone.data, position=form.position.data,
                                     office_address=form.office_address.data)
        audit.record_request("profile.updated", "user", user.id)
        db.session.commit()
        flash("Your demographic information has been updated.", "success")
        return redirect_to(url_for("profile.my_profile"))
    return render_page("profile/edit.html", "form", form=form, user=user, profile_tab="profile",
                       status=422 if form.errors else 200)


def _step(purpose: str) -> PasscodeStep:
    user = _user()
    return PasscodeStep(PURPOSES[purpose][0], user_subject(user), user.email,
                        action=url_for("profile.verify", purpose=purpose),
                        resend_url=url_for("profile.start_verification", purpose=purpose))


@bp.route("/verify/<purpose>/start", methods=["POST"])
def start_verification(purpose):
    """Send (or send again) the code that allows changing the password or security questions."""
    if purpose not in PURPOSES:
        abort(404)
    code_purpose, why, _ = PURPOSES[purpose]
    user = _user()
    settings = PasscodeSettings.from_config(current_app.config)
    return resend_step(_step(purpose), VerificationCodeForm(),
                       lambda: send_user_passcode(user, code_purpose, why, settings=settings),
                       limit_name="profile-code", sent_message="We emailed you a verification code.",
                       back_to=url_for("profile.verify", purpose=purpose))


@bp.route("/verify/<purpose>", methods=["GET", "POST"])
def verify(purpose):
    if purpose not in PURPOSES:
        abort(404)

    def verified():
        session[f"verified_{purpose}"] = time.time()
        return redirect_to(url_for(PURPOSES[purpose][2]))

    return verify_step(_step(purpose), VerificationCodeForm(), verified)


def _recently_verified(purpose: str) -> bool:
    verified_at = session.get(f"verified_{purpose}")
    return verified_at is not None and time.time() - verified_at < services.VERIFIED_MINUTES * 60


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    if not _recently_verified("password"):
        return redirect_to(url_for("profile.my_profile"))
    user = _user()
    form = ChangePasswordForm()
    if form.validate_on_submit() and save_new_password(form, user):
        audit.record_request("password.changed", "user", user.id)
        db.session.commit()
        session.pop("verified_password", None)
        flash("Your password has been updated. Your other sessions have been signed out.", "success")
        return redirect_to(url_for("profile.my_profile"))
    return render_page("account/password.html", "form", form=form, status=422 if form.errors else 200,
                       rules=password_rules(current_app.config["PASSWORD_MIN_LENGTH"]),
                       heading="Change Password", action=url_for("profile.change_password"))


@bp.route("/security", methods=["GET", "POST"])
def change_security():
    if not _recently_verified("security"):
        return redirect_to(url_for("profile.my_profile"))
    user = _user()
    form = ChangeSecurityForm()
    if form.validate_on_submit():
        set_security_answers(user, form.pairs())
        audit.record_request("security_questions.changed", "user", user.id)
        db.session.commit()
        session.pop("verified_security", None)
        flash("Your security questions and answers have been updated.", "success")
        return redirect_to(url_for("profile.my_profile"))
    return render_page("account/questions.html", "form", form=form, status=422 if form.errors else 200,
                       heading="Change Security", action=url_for("profile.change_security"), button_label="Save")


@bp.route("/collections")
def my_collections():
    return render_page("profile/collections.html", accesses=services.collection(_user()), profile_tab="collections")


@bp.route("/collections/<int:access_id>/default", methods=["POST"])
def make_default(access_id):
    if not services.make_default(_user(), access_id):
        abort(404)
    db.session.commit()
    flash("Your default provider has been changed.", "success")
    return redirect_to(url_for("profile.my_collections"))


@bp.route("/collections/add", methods=["GET", "POST"])
def add_provider():
    """Adding a provider is "I need additional access" now, with the provider's identity proved."""
    return redirect_to(url_for("registration.additional_access", **request.args))
