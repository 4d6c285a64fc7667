from flask import abort, current_app, flash, request, url_for
from flask_login import current_user, login_required

from webapp import audit
from webapp.blueprints.account.flow import send_mail_now
from webapp.blueprints.office import bp, services
from webapp.blueprints.office.forms import PhoneCheckForm
from webapp.blueprints.registration.services import RegistrationSettings
from webapp.extensions import db
from webapp.htmx import redirect_to, render_page
from webapp.models import UserStatus


@bp.before_request
@login_required
def signed_in_only():
    """The Users pages are the Local Office Administrator's (and the plan administrator's, for every
    office); Provider Services is its queue's agents'."""
    endpoint = request.endpoint or ""
    if endpoint.startswith("office.provider_services"):
        if not services.holds_provider_services(current_user):
            abort(404)
    elif not (current_user.is_local_office_admin or current_user.is_admin):
        abort(404)
    return None


def _office_user(user_id):
    user = services.office_user(current_user, user_id)
    if user is None:
        abort(404)
    return user


def _back():
    return redirect_to(url_for("office.users"))


@bp.route("/office/users")
def users():
    rows = services.office_user_rows(current_user, current_app.config["TRAINING_VALID_DAYS"])
    return render_page("office/users.html", rows=rows)


@bp.route("/office/users/<int:user_id>/access/<int:access_id>/withdraw", methods=["POST"])
def withdraw(user_id, access_id):
    user = _office_user(user_id)
    access = services.office_access(current_user, user.id, access_id) or abort(404)
    if user.id == current_user.id:
        flash("You cannot withdraw your own access here.", "warning")
        return _back()
    provider_name = access.provider.name
    ended = services.withdraw_access(access, by=current_user)
    audit.record_request("office.access_withdrawn", "provider_access", access.id)
    db.session.commit()
    flash(f"{user.full_name} no longer has access to {provider_name}."
          + (" Their open sessions were signed out." if ended else ""), "success")
    return _back()


@bp.route("/office/users/<int:user_id>/disable", methods=["POST"])
def disable(user_id):
    user = _office_user(user_id)
    if user.id == current_user.id:
        flash("You cannot disable your own account.", "warning")
        return _back()
    services.disable_account(user)
    audit.record_request("office.account_disabled", "user", user.id)
    db.session.commit()
    flash(f"{user.full_name}'s account is disabled and their open sessions were signed out.", "success")
    return _back()


@bp.route("/office/users/<int:user_id>/enable", methods=["POST"])
def enable(user_id):
    user = _office_user(user_id)
    if user.status is not UserStatus.DISABLED:
        flash(f"{user.full_name}'s account is not disabled.", "info")
        return _back()
    services.enable_account(user)
    audit.record_request("office.account_enabled", "user", user.id)
    db.session.commit()
    flash(f"{user.full_name}'s account is enabled again.", "success")
    return _back()


@bp.route("/office/users/<int:user_id>/resend-invitation", methods=["POST"])
def resend_invitation(user_id):
    user = _office_user(user_id)
    rows = [r for r in services.office_user_rows(current_user, current_app.config["TRAINING_VALID_DAYS"])
            if r.user.id == user.id]
    if not rows or not rows[0].invited or not rows[0].accesses:
        flash(f"{user.full_name} has already set up their account; there is no invitation to resend.", "info")
        return _back()
    services.resend_invitation(user, rows[0].accesses[0].provider, current_app.config["CREDENTIALS_LINK_HOURS"],
                               by=current_user, secret_key=current_app.config["SECRET_KEY"])
    audit.record_request("office.invitation_resent", "user", user.id)
    db.session.commit()
    if send_mail_now(user.email):
        flash(f"A new invitation was sent to {user.email}.", "success")
    return _back()


@bp.route("/provider-services")
def provider_services():
    return render_page("office/provider_services.html", requests=services.provider_services_requests())


@bp.route("/provider-services/<int:access_id>", methods=["GET", "POST"])
def provider_services_request(access_id):
    access = services.provider_services_request(access_id) or abort(404)
    form = PhoneCheckForm()
    if request.method == "POST" and current_user.is_supervisor:
        abort(403)  # supervisors read every queue; deciding is for the queue's agents
    if form.validate_on_submit():
        approve = form.decision.data == "approve"
        services.decide_by_phone(access, agent=current_user, approve=approve, note=form.note.data,
                                 settings=RegistrationSettings.from_config(current_app.config))
        audit.record_request("provider_services.approved" if approve else "provider_services.rejected",
                             "provider_access", access.id)
        db.session.commit()
        send_mail_now(access.user.email)
        flash(f"The request of {access.user.full_name} for {access.provider.name} was "
              f"{'approved' if approve else 'rejected'}.", "success")
        return redirect_to(url_for("office.provider_services"))
    return render_page("office/provider_services_request.html", access=access, form=form,
                       status=422 if form.errors else 200)
